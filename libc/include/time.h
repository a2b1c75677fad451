/* Time types only: the clocks themselves are the library OS's (fata/time.h). */
#ifndef FATA_LIBC_TIME_H
#define FATA_LIBC_TIME_H

#define __need_size_t
#define __need_NULL
#include <stddef.h>

#ifndef FATA_LIBC_TIME_T
#define FATA_LIBC_TIME_T
typedef long time_t;	/* seconds */
/* Seconds since the epoch (UTC) from the wall clock; also stored in *t when t is not NULL. */
time_t time(time_t *t);

#endif

struct timespec {
	time_t tv_sec;	/* seconds */
	long tv_nsec;	/* nanoseconds, 0..999999999 */
};

/* Seconds since the epoch (UTC) from the wall clock; also stored in *t when t is not NULL. */
time_t time(time_t *t);

#endif
