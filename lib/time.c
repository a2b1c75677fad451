/* The time device and the clocks, over the platform layer. */
#include <fata/time.h>

#include "platform.h"

/* The platform's clocks and offsets pass through unchanged. */
_Static_assert(FATA_NS_PER_SEC == PLAT_NS_PER_SEC, "both count time in nanoseconds");
_Static_assert(FATA_UTC_UNKNOWN == PLAT_UTC_UNKNOWN, "the same mark for an unknown offset");

struct fata_time {
	int unused;
};

static struct fata_time the_time;

struct fata_time *fata_time_connect(void)
{
	return &the_time;
}

void fata_time_sleep_ns(struct fata_time *time, uint64_t ns)
{
	(void)time;
	fata_sleep_ns(ns);
}

uint64_t fata_monotonic_ns(void)
{
	return plat_monotonic_ns();
}

uint64_t fata_wall_ns(void)
{
	return plat_wall_ns();
}

int fata_utc_offset_min(uint64_t wall_ns)
{
	return plat_utc_offset_min(wall_ns);
}
