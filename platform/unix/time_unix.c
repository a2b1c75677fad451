/* Clocks and waiting on unix: clock_gettime, localtime_r and ppoll. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "platform.h"

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * PLAT_NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

uint64_t plat_monotonic_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

uint64_t plat_wall_ns(void)
{
	return clock_ns(CLOCK_REALTIME);
}

int plat_utc_offset_min(uint64_t wall_ns)
{
	time_t t = (time_t)(wall_ns / PLAT_NS_PER_SEC);
	struct tm tm;

	if (!localtime_r(&t, &tm))
		return 0;
	return (int)(tm.tm_gmtoff / 60);
}

int plat_wait(uint64_t deadline, struct plat_io_wait *waits, size_t n, char *why, size_t whylen)
{
	struct pollfd stackfds[16], *fds = stackfds;
	struct timespec ts, *tsp = NULL;

	if (n > 16) {
		fds = calloc(n, sizeof(*fds));
		if (!fds) {
			snprintf(why, whylen, "out of memory waiting for %zu I/O sources", n);
			return -ENOMEM;
		}
	}
	for (size_t i = 0; i < n; i++) {
		fds[i].fd = waits[i].source;
		fds[i].events = (short)((waits[i].events & PLAT_IO_READ ? POLLIN : 0) |
					(waits[i].events & PLAT_IO_WRITE ? POLLOUT : 0));
		fds[i].revents = 0;
	}
	if (deadline != PLAT_NEVER) {
		uint64_t now = plat_monotonic_ns(), left = deadline > now ? deadline - now : 0;

		ts.tv_sec = (time_t)(left / PLAT_NS_PER_SEC);
		ts.tv_nsec = (long)(left % PLAT_NS_PER_SEC);
		tsp = &ts;
	}
	if (ppoll(fds, n, tsp, NULL) > 0) {
		for (size_t i = 0; i < n; i++) {
			short r = fds[i].revents, ev = 0;

			/* Errors and hang-ups wake both directions: the next I/O call reports them. */
			if (r & (POLLIN | POLLHUP | POLLERR | POLLNVAL))
				ev |= PLAT_IO_READ;
			if (r & (POLLOUT | POLLHUP | POLLERR | POLLNVAL))
				ev |= PLAT_IO_WRITE;
			waits[i].revents = (short)(ev & waits[i].events);
		}
	}
	if (fds != stackfds)
		free(fds);
	return 0;
}
