/* Time: the time device, monotonic and wall clocks. */
#ifndef FATA_TIME_H
#define FATA_TIME_H

#include <stdint.h>
#include <fata/sched.h>

#define FATA_NS_PER_MS 1000000ULL
#define FATA_NS_PER_SEC 1000000000ULL
#define FATA_SEC(n) ((uint64_t)(n) * FATA_NS_PER_SEC)
#define FATA_MS(n) ((uint64_t)(n) * FATA_NS_PER_MS)

/* The time device a unikernel declares with `class = time`; it lets the unikernel sleep. */
struct fata_time;

/* Blocks the calling fiber for `ns` nanoseconds. */
void fata_time_sleep_ns(struct fata_time *time, uint64_t ns);

/* Nanoseconds of a clock that never goes back; its origin is arbitrary. */
uint64_t fata_monotonic_ns(void);

/* Nanoseconds since 1970-01-01 00:00:00 UTC, as the host tells it. */
uint64_t fata_wall_ns(void);

/* Offset of local time from UTC in minutes for the given wall time; FATA_UTC_UNKNOWN when the
 * platform does not know it (hvt, spt: logs then show "-00:00"). */
#define FATA_UTC_UNKNOWN (-100000)
int fata_utc_offset_min(uint64_t wall_ns);

/* For generated code: the time device. */
struct fata_time *fata_time_connect(void);

#endif
