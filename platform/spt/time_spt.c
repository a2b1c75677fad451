/* Clocks and waiting on spt: clock_gettime, and the tender's timerfd armed with an absolute
 * CLOCK_MONOTONIC deadline and waited on with epoll_pwait. */
#include <stdio.h>

#include "platform.h"
#include "platform_spt.h"
#include "syscall_x86_64.h"

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define TFD_TIMER_ABSTIME 1
#define EPOLLIN 0x001

struct kernel_timespec {
	int64_t tv_sec;
	int64_t tv_nsec;
};

struct kernel_itimerspec {
	struct kernel_timespec interval, value;
};

struct epoll_event {
	uint32_t events;
	uint64_t data;
} __attribute__((packed));

static int epollfd = -1, timerfd = -1;
/* The deadline the timerfd is armed with (PLAT_NEVER: disarmed). A timerfd armed with an absolute
 * deadline stays readable once it passed, so re-arming it with the same one is a system call
 * for nothing: the scheduler often waits for the same earliest timer many times in a row. */
static uint64_t armed = PLAT_NEVER;

void spt_time_init(int epoll, int timer)
{
	epollfd = epoll;
	timerfd = timer;
}

static uint64_t clock_ns(long id)
{
	struct kernel_timespec ts = { 0, 0 };

	spt_syscall3(SYS_clock_gettime, id, (long)&ts, 0);
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
	(void)wall_ns;
	return PLAT_UTC_UNKNOWN;
}

int plat_wait(uint64_t deadline, struct plat_io_wait *waits, size_t n, char *why, size_t whylen)
{
	struct kernel_itimerspec it = { { 0, 0 }, { 0, 0 } };
	struct epoll_event ev[16];
	long timeout = -1, got, err;

	if (deadline == 0) {
		timeout = 0;
	} else if (deadline != PLAT_NEVER) {
		it.value.tv_sec = (int64_t)(deadline / PLAT_NS_PER_SEC);
		it.value.tv_nsec = (int64_t)(deadline % PLAT_NS_PER_SEC);
		if (it.value.tv_sec == 0 && it.value.tv_nsec == 0)
			it.value.tv_nsec = 1;	/* all zero would disarm the timer */
	}
	if (timeout != 0 && deadline != armed) {
		err = spt_syscall6(SYS_timerfd_settime, timerfd, TFD_TIMER_ABSTIME, (long)&it, 0, 0, 0);
		if (err < 0) {
			armed = 0;	/* unknown: set it next time (0 never arms it) */
			snprintf(why, whylen, "spt: timerfd_settime failed");
			return (int)err;
		}
		armed = deadline;
	}
	got = spt_syscall6(SYS_epoll_pwait, epollfd, (long)ev, 16, timeout, 0, 8);
	for (long i = 0; i < got; i++) {
		for (size_t j = 0; j < n; j++) {
			if ((uint64_t)waits[j].source == ev[i].data && (ev[i].events & EPOLLIN))
				waits[j].revents = (short)(waits[j].events & PLAT_IO_READ);
		}
	}
	return 0;
}
