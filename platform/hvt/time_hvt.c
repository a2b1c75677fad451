/* Clocks and waiting on hvt: the TSC scaled by the boot info's frequency, the wall clock read
 * once at boot, and the POLL hypercall. */
#include "hvt_abi.h"
#include "platform.h"
#include "platform_hvt.h"

static uint64_t tsc_freq;	/* Hz */
static uint64_t tsc_boot;
static uint64_t wall_boot;	/* ns since the epoch at tsc_boot */

void hvt_time_init(uint64_t cycle_freq, uint64_t tsc, uint64_t wall)
{
	tsc_freq = cycle_freq ? cycle_freq : 1000000000;
	tsc_boot = tsc;
	wall_boot = wall;
}

/* TSC ticks since boot to ns, without 128-bit division: whole seconds, then the remainder
 * (which times 1e9 fits in 64 bits for any TSC below 18 GHz). */
uint64_t plat_monotonic_ns(void)
{
	uint64_t t = hvt_rdtsc() - tsc_boot;

	return t / tsc_freq * PLAT_NS_PER_SEC + t % tsc_freq * PLAT_NS_PER_SEC / tsc_freq;
}

uint64_t plat_wall_ns(void)
{
	return wall_boot + plat_monotonic_ns();
}

int plat_utc_offset_min(uint64_t wall_ns)
{
	(void)wall_ns;
	return PLAT_UTC_UNKNOWN;
}

int plat_wait(uint64_t deadline, struct plat_io_wait *waits, size_t n, char *why, size_t whylen)
{
	struct hvt_hc_poll a = { 0 };
	uint64_t now = plat_monotonic_ns();

	if (deadline == PLAT_NEVER)
		a.timeout_nsecs = UINT64_MAX;
	else
		a.timeout_nsecs = deadline > now ? deadline - now : 0;
	hvt_hypercall(HVT_HYPERCALL_POLL, &a);
	for (size_t i = 0; i < n; i++) {
		unsigned h = (unsigned)waits[i].source;

		if (h < 64 && (a.ready_set >> h & 1))
			waits[i].revents = (short)(waits[i].events & PLAT_IO_READ);
	}
	(void)why;
	(void)whylen;
	return 0;
}
