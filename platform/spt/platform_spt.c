/* The spt platform: a process in fata-spt's seccomp sandbox, speaking raw system calls. */
#include <fata/runtime.h>
#include <fata/sched.h>
#include <fata/time.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "platform.h"
#include "solo5.h"
#include "spt_abi.h"
#include "syscall_x86_64.h"

ABI1_NOTE_DECLARE(SOLO5_ABI_TARGET_SPT, SPT_ABI_VERSION);
/* The extensions this platform uses when the tender offers them (fata inspect lists them). */
FEX1_NOTE_DECLARE(SPT_FEATURE_BLOCK_MULTI | SPT_FEATURE_STACK_GUARD);
/* The kernel refuses to exec a file whose interpreter does not exist: run it with fata-spt. */
const char spt_interp[] __attribute__((section(".interp"), used)) = "/nonexistent/fata/use/fata-spt";

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

void plat_console_write(const char *buf, size_t len)
{
	while (len > 0) {
		long n = spt_syscall3(SYS_write, 1, (long)buf, (long)len);

		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

void plat_console_err(const char *buf, size_t len)
{
	plat_console_write(buf, len);
}

static uint64_t clock_ns(long id)
{
	struct kernel_timespec ts = { 0, 0 };

	spt_syscall3(SYS_clock_gettime, id, (long)&ts, 0);
	return (uint64_t)ts.tv_sec * FATA_NS_PER_SEC + (uint64_t)ts.tv_nsec;
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
	return FATA_UTC_UNKNOWN;
}

void plat_wait(uint64_t deadline, struct plat_io_wait *waits, size_t n)
{
	struct kernel_itimerspec it = { { 0, 0 }, { 0, 0 } };
	struct epoll_event ev[16];
	long timeout = -1, got;

	if (deadline == 0) {
		timeout = 0;
	} else if (deadline != FATA_NEVER) {
		it.value.tv_sec = (int64_t)(deadline / FATA_NS_PER_SEC);
		it.value.tv_nsec = (int64_t)(deadline % FATA_NS_PER_SEC);
		if (it.value.tv_sec == 0 && it.value.tv_nsec == 0)
			it.value.tv_nsec = 1;	/* all zero would disarm the timer */
	}
	if (timeout != 0 &&
	    spt_syscall6(SYS_timerfd_settime, timerfd, TFD_TIMER_ABSTIME, (long)&it, 0, 0, 0) < 0)
		fata_panic("spt: timerfd_settime failed");
	got = spt_syscall6(SYS_epoll_pwait, epollfd, (long)ev, 16, timeout, 0, 8);
	for (long i = 0; i < got; i++) {
		for (size_t j = 0; j < n; j++) {
			if ((uint64_t)waits[j].source == ev[i].data && (ev[i].events & EPOLLIN))
				waits[j].revents = (short)(waits[j].events & FATA_IO_READ);
		}
	}
}

_Noreturn void plat_exit(int status)
{
	for (;;)
		spt_syscall3(SYS_exit_group, status, 0, 0);
}

#define PAGE SPT_GUARD_SIZE
#define PROT_NONE 0
#define PROT_RW 3	/* PROT_READ | PROT_WRITE */

static bool stack_guard;	/* the tender offers SPT_FEATURE_STACK_GUARD */

/*
 * Fiber stacks from the heap, each with a guard page below it made inaccessible with mprotect
 * when the tender allows it, so that an overflow faults at once (fata-spt reports it) instead
 * of overwriting the heap until the scheduler notices. Layout as on hvt: slack up to a page
 * boundary, the guard page, the stack (len, a multiple of 4 KiB), then the pointer malloc
 * returned.
 */
void *plat_stack_alloc(size_t len)
{
	char *raw, *guard, *stack;

	if (!stack_guard)
		return malloc(len);
	raw = malloc(len + 2 * PAGE + sizeof(char *));
	if (!raw)
		return NULL;
	guard = (char *)(((uintptr_t)raw + PAGE - 1) & ~(uintptr_t)(PAGE - 1));
	stack = guard + PAGE;
	memcpy(stack + len, &raw, sizeof(raw));
	if (spt_syscall3(SYS_mprotect, (long)guard, PAGE, PROT_NONE) < 0)
		fata_panic("spt: mprotect of a fiber stack's guard page failed");
	return stack;
}

void plat_stack_free(void *p, size_t len)
{
	char *raw;

	if (!stack_guard) {
		free(p);
		return;
	}
	if (!p)
		return;
	memcpy(&raw, (char *)p + len, sizeof(raw));
	if (spt_syscall3(SYS_mprotect, (long)((char *)p - PAGE), PAGE, PROT_RW) < 0)
		fata_panic("spt: mprotect of a fiber stack's guard page failed");
	free(raw);
}

static uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

__attribute__((section(".text.entry"), no_stack_protector, used))
_Noreturn void _start(struct spt_boot_info *bi)
{
	epollfd = bi->epollfd;
	timerfd = bi->timerfd;
	/* host_features exists only when the tender put the manifest after it. */
	if (bi->mft >= SPT_BOOT_INFO_BASE + sizeof(*bi)) {
		if (bi->host_features & SPT_FEATURE_BLOCK_MULTI)
			solo5_block_multi_max = SPT_BLOCK_MULTI_MAX;
		stack_guard = bi->host_features & SPT_FEATURE_STACK_GUARD;
	}
	solo5_boot(rdtsc() ^ clock_ns(CLOCK_REALTIME), bi->kernel_end, bi->mem_size,
		   (char *)(uintptr_t)bi->cmdline, (const void *)(uintptr_t)bi->mft);
}

/* Block I/O: pread64/pwrite64 on the fd the tender put in the manifest, one block per call or
 * (SPT_FEATURE_BLOCK_MULTI) up to SPT_BLOCK_MULTI_MAX. */
int spt_hostfd(int handle)
{
	const struct mft *m = solo5_manifest();

	return m->e[handle].b.hostfd;
}

int plat_block_read(int handle, uint64_t offset, void *buf, size_t len)
{
	for (size_t done = 0, n; done < len; done += n) {
		n = solo5_block_chunk(handle, len - done);
		if (spt_syscall6(SYS_pread64, spt_hostfd(handle), (long)((char *)buf + done), (long)n,
				 (long)(offset + done), 0, 0) != (long)n)
			return -EIO;
	}
	return 0;
}

int plat_block_write(int handle, uint64_t offset, const void *buf, size_t len)
{
	for (size_t done = 0, n; done < len; done += n) {
		n = solo5_block_chunk(handle, len - done);
		if (spt_syscall6(SYS_pwrite64, spt_hostfd(handle), (long)((const char *)buf + done),
				 (long)n, (long)(offset + done), 0, 0) != (long)n)
			return -EIO;
	}
	return 0;
}

/* The base ABI has no flush: writes reach the host file at once (pwrite64 on its fd). */
int plat_block_flush(int handle)
{
	(void)handle;
	return 0;
}
