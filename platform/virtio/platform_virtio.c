/*
 * The virtio platform: a guest of a standard hypervisor (QEMU, microVMs, libvirt), booted with
 * PVH or multiboot (boot_x86_64.S). This file reads the boot information (memory size, command
 * line), sets up the machine and ends it; the devices live in console_virtio.c, time_virtio.c,
 * block_virtio.c, net_virtio.c (over virtio_pci.c and virtio_mmio.c), randomness in platform/solo5/random_solo5.c.
 */
#include <stdio.h>
#include <string.h>

#include "mft_abi.h"
#include "platform.h"
#include "platform_virtio.h"
#include "solo5.h"
#include "x86_paging.h"
#include "virtio.h"

#define PVH_MAGIC 0x336ec578u
#define MULTIBOOT_MAGIC 0x2badb002u
#define E820_RAM 1
#define KERNEL_BASE 0x100000ull
#define MEM_LIMIT (4ull << 30)	/* what the page tables map */

/* struct hvm_start_info and its memory map (Xen's public arch-x86/hvm/start_info.h). */
struct pvh_start_info {
	uint32_t magic, version, flags, nr_modules;
	uint64_t modlist_paddr, cmdline_paddr, rsdp_paddr;
	uint64_t memmap_paddr;		/* version 1 */
	uint32_t memmap_entries, reserved;
};

struct pvh_memmap_entry {
	uint64_t addr, size;
	uint32_t type, reserved;
};

/* The start of struct multiboot_info (version 1). */
struct multiboot_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
};

extern char _end[];
/* The manifest note of the unikernel (fata/manifest.c): the names of its devices, in order. */
extern const struct mft1_note fata_mft1_note;

/* Where QEMU's isa-debug-exit device listens (the launcher puts it there). */
#define DEBUG_EXIT_PORT 0xf4

_Noreturn void virtio_exit(int status)
{
	/*
	 * QEMU exits with (value << 1) | 1. Its own errors exit 1 as (0 << 1) | 1 would, so the
	 * guest writes status + 1: 0-125 arrive whole, anything above as 126, which the launcher
	 * turns into 255 (aborts and faults are 255).
	 */
	outl(DEBUG_EXIT_PORT, (uint32_t)(status >= 0 && status <= 125 ? status + 1 : 127));
	/* No such device (libvirt, a cloud): ACPI power-off as SeaBIOS set it up on pc and q35. */
	outw(0x604, 0x2000);
	for (;;)
		__asm__ __volatile__("cli; hlt");
}

_Noreturn void plat_exit(int status)
{
	virtio_exit(status);
}

static char cmdline[SOLO5_CMDLINE_SIZE];
static uint64_t mem_size, boot_seed;

/* Copies the loader's command line, bounded; `skip_first` drops multiboot's kernel path. */
static void take_cmdline(const char *s, int skip_first)
{
	size_t i = 0;

	if (!s)
		return;
	if (skip_first) {
		while (*s && *s != ' ')
			s++;
		while (*s == ' ')
			s++;
	}
	for (; s[i] && i < sizeof(cmdline) - 1; i++)
		cmdline[i] = s[i];
	cmdline[i] = '\0';
}

/* The end of the RAM region of the PVH memory map that holds the kernel, or 0. */
static uint64_t pvh_mem(const struct pvh_start_info *si)
{
	const struct pvh_memmap_entry *e;

	if (si->version < 1 || !si->memmap_paddr)
		return 0;
	e = (const struct pvh_memmap_entry *)(uintptr_t)si->memmap_paddr;
	for (uint32_t i = 0; i < si->memmap_entries && i < 128; i++) {
		if (e[i].type == E820_RAM && e[i].addr <= KERNEL_BASE &&
		    e[i].addr + e[i].size > KERNEL_BASE)
			return e[i].addr + e[i].size;
	}
	return 0;
}

/* Runs on the main stack at the top of memory; never returns. */
__attribute__((no_stack_protector, used))
_Noreturn void virtio_main(void)
{
	solo5_boot(boot_seed, (uint64_t)(uintptr_t)_end, mem_size, cmdline, &fata_mft1_note.m);
}

__attribute__((no_stack_protector))
_Noreturn void virtio_boot(uint32_t magic, uint32_t info)
{
	uint64_t tsc;
	char msg[96];

	virtio_console_init();
	virtio_traps_init();
	/*
	 * PVH first: the start info begins with its magic, while %eax is unspecified under PVH and
	 * qboot (QEMU's microvm firmware) happens to leave the multiboot magic there.
	 */
	if (info && *(const uint32_t *)(uintptr_t)info == PVH_MAGIC) {
		const struct pvh_start_info *si = (const struct pvh_start_info *)(uintptr_t)info;

		mem_size = pvh_mem(si);
		if (si->cmdline_paddr)
			take_cmdline((const char *)(uintptr_t)si->cmdline_paddr, 0);
	} else if (magic == MULTIBOOT_MAGIC) {
		const struct multiboot_info *mb = (const struct multiboot_info *)(uintptr_t)info;

		if (mb->flags & 1)
			mem_size = KERNEL_BASE + (uint64_t)mb->mem_upper * 1024;
		if (mb->flags & 4)
			take_cmdline((const char *)(uintptr_t)mb->cmdline, 1);
	} else {
		static const char m[] = "fata: booted by an unknown protocol (neither PVH nor multiboot)\n";

		plat_console_err(m, sizeof(m) - 1);
		virtio_exit(1);
	}
	/* microvm and Firecracker name their virtio-mmio devices there; the unikernel sees the rest. */
	virtio_mmio_cmdline(cmdline);
	if (mem_size > MEM_LIMIT)
		mem_size = MEM_LIMIT;
	mem_size &= ~0xfffull;
	if (mem_size < (uint64_t)(uintptr_t)_end + (1u << 20)) {
		int n = snprintf(msg, sizeof(msg), "fata: too little memory (%llu bytes)\n",
				 (unsigned long long)mem_size);

		plat_console_err(msg, (size_t)n);
		virtio_exit(1);
	}
	/* The first 4 GiB: RAM below mem_size, then the devices' memory. */
	x86_paging_init(4ull << 30, 4096, true, solo5_stack_guard((uint64_t)(uintptr_t)_end, mem_size));
	/* SSE for libraries that use it (decision 14); Fata's own code uses none. */
	__asm__ __volatile__("mov %%cr0, %%rax\n\t"
			     "and $~0x4, %%rax\n\t"	/* EM off */
			     "or $0x2, %%rax\n\t"	/* MP on */
			     "mov %%rax, %%cr0\n\t"
			     "mov %%cr4, %%rax\n\t"
			     "or $0x600, %%rax\n\t"	/* OSFXSR, OSXMMEXCPT */
			     "mov %%rax, %%cr4" : : : "rax");
	tsc = virtio_time_init();
	boot_seed = tsc ^ virtio_wall_boot();
	__asm__ __volatile__("mov %0, %%rsp\n\t"
			     "xor %%ebp, %%ebp\n\t"
			     "call virtio_main" : : "r"(mem_size) : "memory");
	__builtin_unreachable();
}
