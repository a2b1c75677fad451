/* The hvt platform: a KVM guest of fata-hvt (or solo5-hvt), talking through hypercalls. */
#include <fata/runtime.h>
#include <fata/sched.h>
#include <fata/time.h>
#include <errno.h>
#include <stdlib.h>

#include "hvt_abi.h"
#include "platform.h"
#include "solo5.h"

ABI1_NOTE_DECLARE(SOLO5_ABI_TARGET_HVT, HVT_ABI_VERSION);
/* The extensions this platform uses when the tender offers them (fata inspect lists them). */
FEX1_NOTE_DECLARE(HVT_FEATURE_BLOCK_MULTI);
/* The kernel refuses to exec a file whose interpreter does not exist: run it with fata-hvt. */
const char hvt_interp[] __attribute__((section(".interp"), used)) = "/nonexistent/fata/use/fata-hvt";

void hvt_traps_init(void);
void hvt_paging_init(uint64_t mem_size, uint64_t guard);

static uint64_t tsc_freq;	/* Hz */
static uint64_t tsc_boot;
static uint64_t wall_boot;	/* ns since the epoch at tsc_boot */

void plat_console_write(const char *buf, size_t len)
{
	struct hvt_hc_puts a = { .data = (uint64_t)(uintptr_t)buf, .len = len };

	hvt_hypercall(HVT_HYPERCALL_PUTS, &a);
}

void plat_console_err(const char *buf, size_t len)
{
	plat_console_write(buf, len);
}

static uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

/* TSC ticks since boot to ns, without 128-bit division: whole seconds, then the remainder
 * (which times 1e9 fits in 64 bits for any TSC below 18 GHz). */
uint64_t plat_monotonic_ns(void)
{
	uint64_t t = rdtsc() - tsc_boot;

	return t / tsc_freq * FATA_NS_PER_SEC + t % tsc_freq * FATA_NS_PER_SEC / tsc_freq;
}

uint64_t plat_wall_ns(void)
{
	return wall_boot + plat_monotonic_ns();
}

int plat_utc_offset_min(uint64_t wall_ns)
{
	(void)wall_ns;
	return FATA_UTC_UNKNOWN;
}

void plat_wait(uint64_t deadline, struct plat_io_wait *waits, size_t n)
{
	struct hvt_hc_poll a = { 0 };
	uint64_t now = plat_monotonic_ns();

	if (deadline == FATA_NEVER)
		a.timeout_nsecs = UINT64_MAX;
	else
		a.timeout_nsecs = deadline > now ? deadline - now : 0;
	hvt_hypercall(HVT_HYPERCALL_POLL, &a);
	for (size_t i = 0; i < n; i++) {
		unsigned h = (unsigned)waits[i].source;

		if (h < 64 && (a.ready_set >> h & 1))
			waits[i].revents = (short)(waits[i].events & FATA_IO_READ);
	}
}

/* Ends the guest; `cookie` is a trap frame or 0. */
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

__attribute__((section(".text.entry"), no_stack_protector, used))
_Noreturn void _start(struct hvt_boot_info *bi)
{
	struct hvt_hc_walltime w = { 0 };

	hvt_traps_init();	/* first: our own GDT, before the tender's tables are unmapped */
	hvt_paging_init(bi->mem_size, solo5_stack_guard(bi->kernel_end, bi->mem_size));
	tsc_freq = bi->cpu_cycle_freq ? bi->cpu_cycle_freq : 1000000000;
	tsc_boot = rdtsc();
	hvt_hypercall(HVT_HYPERCALL_WALLTIME, &w);
	wall_boot = w.nsecs;
	/* The feature fields exist only when the tender put the manifest after them. */
	if (bi->mft >= HVT_BOOT_INFO_BASE + sizeof(*bi) && (bi->host_features & HVT_FEATURE_BLOCK_MULTI))
		solo5_block_multi_max = HVT_BLOCK_MULTI_MAX;
	solo5_boot(tsc_boot ^ w.nsecs, bi->kernel_end, bi->mem_size, (char *)(uintptr_t)bi->cmdline,
		   (const void *)(uintptr_t)bi->mft);
}

/* Block I/O: one block per hypercall, or up to HVT_BLOCK_MULTI_MAX with the extension. */
int plat_block_read(int handle, uint64_t offset, void *buf, size_t len)
{
	for (size_t done = 0, n; done < len; done += n) {
		n = solo5_block_chunk(handle, len - done);
		struct hvt_hc_block_read a = {
			.handle = (uint64_t)handle, .offset = offset + done,
			.data = (uint64_t)(uintptr_t)((char *)buf + done), .len = n,
		};

		hvt_hypercall(HVT_HYPERCALL_BLOCK_READ, &a);
		if (a.ret != 0 || a.len != n)
			return -EIO;
	}
	return 0;
}

int plat_block_write(int handle, uint64_t offset, const void *buf, size_t len)
{
	for (size_t done = 0, n; done < len; done += n) {
		n = solo5_block_chunk(handle, len - done);
		struct hvt_hc_block_write a = {
			.handle = (uint64_t)handle, .offset = offset + done,
			.data = (uint64_t)(uintptr_t)((const char *)buf + done), .len = n,
		};

		hvt_hypercall(HVT_HYPERCALL_BLOCK_WRITE, &a);
		if (a.ret != 0)
			return -EIO;
	}
	return 0;
}

/* The base ABI has no flush: the tender writes through to the host file on every call. */
int plat_block_flush(int handle)
{
	(void)handle;
	return 0;
}
