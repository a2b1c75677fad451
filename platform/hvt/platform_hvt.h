/* What the files of the hvt platform share: boot-time set-up of each part, and the TSC. */
#ifndef FATA_PLATFORM_HVT_H
#define FATA_PLATFORM_HVT_H

#include <stdint.h>

/* Loads the guest's own GDT, TSS and IDT (traps_hvt.c over platform/x86_64/traps.c); the first
 * thing the guest does. */
void hvt_traps_init(void);

/* Starts the clocks (time_hvt.c): `cycle_freq` TSC ticks per second (0: unknown, taken as 1 GHz),
 * `tsc_boot` the TSC and `wall_boot` the wall clock (ns since the epoch) read at boot. */
void hvt_time_init(uint64_t cycle_freq, uint64_t tsc_boot, uint64_t wall_boot);

/* Ends the guest with `status` (platform_hvt.c); `cookie` is a trap frame or 0. */
_Noreturn void hvt_halt(int status, void *cookie);

/* net_hvt.c: the tender offers NET_READV and NET_WRITEV (HVT_FEATURE_NET_BATCH): use them. */
void hvt_net_batch_init(void);

static inline uint64_t hvt_rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

#endif
