/*
 * Cooperative fibers. One fiber runs at a time and gives up the CPU only when it blocks: yield,
 * sleep, join, or wait for I/O. When every fiber waits, the scheduler sleeps in the platform until
 * the earliest timer or until I/O is ready. No preemption, no locks.
 */
#ifndef FATA_SCHED_H
#define FATA_SCHED_H

#include <stddef.h>
#include <stdint.h>

struct fata_fiber;

/* Value of a deadline that never comes. */
#define FATA_NEVER UINT64_MAX

/*
 * Starts `fn(arg)` in a new fiber with a stack of `stack_size` bytes (0: the default, 64 KiB).
 * The new fiber runs when the caller next blocks or yields. Returns NULL when memory is short.
 * The fiber's resources are freed when it has finished and has been joined, or at once when it
 * finishes if it was detached.
 */
struct fata_fiber *fata_spawn(int (*fn)(void *arg), void *arg, size_t stack_size);

/* Waits for `f` to finish and returns its result. A fiber may be joined once. */
int fata_join(struct fata_fiber *f);

/* Lets `f` be freed as soon as it finishes; it may not be joined afterwards. */
void fata_detach(struct fata_fiber *f);

/* Lets every other runnable fiber run once, then returns. */
void fata_yield(void);

/* The running fiber. */
struct fata_fiber *fata_self(void);

/* Blocks the running fiber for `ns` nanoseconds of monotonic time. */
void fata_sleep_ns(uint64_t ns);

/* Blocks the running fiber until the monotonic clock reaches `deadline` (ns). */
void fata_sleep_until(uint64_t deadline);

/* I/O readiness, as in poll(2). */
#define FATA_IO_READ  0x1
#define FATA_IO_WRITE 0x4

/*
 * Blocks until the platform I/O source `source` is ready for `events`, or until `deadline`
 * (monotonic ns, FATA_NEVER for none). On unix a source is a file descriptor; on hvt and spt it
 * is a Solo5 device handle (only FATA_IO_READ is meaningful there). Returns the ready events,
 * or 0 on timeout.
 */
int fata_wait_io(int source, int events, uint64_t deadline);

/*
 * A wait queue: fibers block on it until another fiber wakes them. Zero-initialised is empty.
 * Waking a fiber makes it runnable; it runs when the waker next blocks or yields.
 */
struct fata_waitq {
	struct fata_fiber *head, *tail;
};

/* Blocks until woken (returns 1) or until `deadline` (returns 0). */
int fata_waitq_wait(struct fata_waitq *q, uint64_t deadline);
/* Wakes the fiber that has waited longest; returns how many were woken (0 or 1). */
int fata_waitq_wake_one(struct fata_waitq *q);
/* Wakes every waiting fiber; returns how many. */
int fata_waitq_wake_all(struct fata_waitq *q);

/* Number of fibers that exist (running, runnable or blocked), including the main one. */
unsigned fata_fiber_count(void);

#endif
