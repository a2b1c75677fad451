/* Reads the wall clock and the monotonic clock a few times, sleeping in between. */
#include <inttypes.h>
#include <stdio.h>

#include "fata/unikernel.h"

/* "YYYY-MM-DD HH:MM:SS.mmm" for nanoseconds since the epoch (UTC). */
static void format_utc(uint64_t ns, char *buf, size_t len)
{
	uint64_t secs = (uint64_t)(ns / FATA_NS_PER_SEC), days = secs / 86400;
	unsigned sod = (unsigned)(secs % 86400), ms = (unsigned)(ns % FATA_NS_PER_SEC / 1000000);
	/* Civil date from days since 1970-01-01 (H. Hinnant's algorithm, for days >= 0). */
	uint64_t z = days + 719468, era = z / 146097, doe = z - era * 146097;
	uint64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	uint64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
	unsigned d = (unsigned)(doy - (153 * mp + 2) / 5 + 1), m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	uint64_t y = yoe + era * 400 + (m <= 2);

	snprintf(buf, len, "%04" PRIu64 "-%02u-%02u %02u:%02u:%02u.%03u", y % 10000, m % 100,
		 d % 100, sod / 3600, sod / 60 % 60, sod % 60, ms % 1000);
}

int start(struct fata_time *time)
{
	int64_t count = fata_key_count(), interval = fata_key_interval_ms();
	uint64_t before = 0;

	if (count < 1 || interval < 0 || interval > 3600 * 1000) {
		fata_err("--count must be at least 1 and --interval-ms 0 to 3600000");
		return 1;
	}
	for (int64_t i = 0; i < count; i++) {
		uint64_t mono = fata_monotonic_ns(), wall = fata_wall_ns();
		uint64_t secs = mono / FATA_NS_PER_SEC, us = mono % FATA_NS_PER_SEC / 1000;
		char utc[64];

		format_utc(wall, utc, sizeof(utc));
		if (i == 0)
			fata_info("wall clock %s UTC, monotonic clock %" PRIu64 ".%06" PRIu64 " s", utc,
				  secs, us);
		else
			fata_info("wall clock %s UTC, monotonic clock %" PRIu64 ".%06" PRIu64
				  " s, slept %" PRIu64 " ms", utc, secs, us,
				  (uint64_t)((mono - before) / 1000000));
		before = mono;
		if (i + 1 < count)
			fata_time_sleep_ns(time, (uint64_t)interval * 1000000);
	}
	return 0;
}
