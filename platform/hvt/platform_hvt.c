/* The hvt platform: a KVM guest of fata-hvt (or solo5-hvt), talking through hypercalls. This file
 * boots it and ends it; the devices live in console_hvt.c, time_hvt.c, block_hvt.c, net_hvt.c,
 * and the machine's set-up in traps.c and paging.c. */
#include "hvt_abi.h"
#include "platform.h"
#include "platform_hvt.h"
#include "solo5.h"
#include "x86_paging.h"

ABI1_NOTE_DECLARE(SOLO5_ABI_TARGET_HVT, HVT_ABI_VERSION);
/* The extensions this platform uses when the tender offers them (fata inspect lists them). */
FEX1_NOTE_DECLARE(HVT_FEATURE_BLOCK_MULTI | HVT_FEATURE_ENTROPY | HVT_FEATURE_NET_OFFLOAD |
		  HVT_FEATURE_NET_BATCH);
/* The kernel refuses to exec a file whose interpreter does not exist: run it with fata-hvt. */
const char hvt_interp[] __attribute__((section(".interp"), used)) = "/nonexistent/fata/use/fata-hvt";

_Noreturn void hvt_halt(int status, void *cookie)
{
	struct hvt_hc_halt a = { .cookie = (uint64_t)(uintptr_t)cookie, .exit_status = status };

	for (;;)
		hvt_hypercall(HVT_HYPERCALL_HALT, &a);
}

_Noreturn void plat_exit(int status)
{
	hvt_halt(status, 0);
}

/*
 * Precompiled libraries (Debian's libbearssl.a) keep their stack canary at %fs:0x28, as glibc
 * does; Fata's own code uses a global guard. FS points at this block, whose canary is set once
 * at boot (docs/architecture.md, "TLS").
 */
static uint64_t fs_block[8];

#define MSR_FS_BASE 0xc0000100u

static void fs_canary_init(uint64_t seed)
{
	uint64_t base = (uint64_t)(uintptr_t)fs_block;

	fs_block[0] = base;	/* the thread pointer points at itself, as the x86-64 ABI says */
	fs_block[5] = (seed * 0xbf58476d1ce4e5b9ull) & ~(uint64_t)0xff;
	__asm__ __volatile__("wrmsr" : : "a"((uint32_t)base), "d"((uint32_t)(base >> 32)),
			     "c"(MSR_FS_BASE));
}

__attribute__((section(".text.entry"), no_stack_protector, used))
_Noreturn void _start(struct hvt_boot_info *bi)
{
	struct hvt_hc_walltime w = { 0 };
	uint64_t tsc_boot;

	hvt_traps_init();	/* first: our own GDT, before the tender's tables are unmapped */
	/* Nothing below the boot info: the tender's GDT and page tables stay out of reach. */
	x86_paging_init(bi->mem_size, HVT_BOOT_INFO_BASE, false,
			solo5_stack_guard(bi->kernel_end, bi->mem_size));
	tsc_boot = hvt_rdtsc();
	hvt_hypercall(HVT_HYPERCALL_WALLTIME, &w);
	hvt_time_init(bi->cpu_cycle_freq, tsc_boot, w.nsecs);
	fs_canary_init(tsc_boot ^ w.nsecs);
	/* The feature fields exist only when the tender put the manifest after them. */
	if (bi->mft >= HVT_BOOT_INFO_BASE + HVT_BOOT_INFO_EXT_SIZE) {
		if (bi->host_features & HVT_FEATURE_BLOCK_MULTI)
			solo5_block_multi_max = HVT_BLOCK_MULTI_MAX;
		solo5_net_vnet = (bi->host_features & HVT_FEATURE_NET_OFFLOAD) != 0;
		if (bi->host_features & HVT_FEATURE_NET_BATCH)
			hvt_net_batch_init();
		if ((bi->host_features & HVT_FEATURE_ENTROPY) &&
		    bi->mft >= HVT_BOOT_INFO_BASE + sizeof(*bi))
			solo5_random_seed(bi->entropy, sizeof(bi->entropy));
	}
	solo5_boot(tsc_boot ^ w.nsecs, bi->kernel_end, bi->mem_size, (char *)(uintptr_t)bi->cmdline,
		   (const void *)(uintptr_t)bi->mft);
}
