/* Unit tests of the fiber scheduler (lib/sched.c) on the unix platform. */
#include <fata/runtime.h>
#include <fata/sched.h>
#include <fata/time.h>

#include <stdlib.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include "tap.h"

static struct fata_key no_keys[1];
const struct fata_unikernel fata_unikernel = { .name = "test", .keys = no_keys };

static char trace[256];
static int ntrace;

static int yielder(void *arg)
{
	for (int i = 0; i < 3; i++) {
		trace[ntrace++] = *(char *)arg;
		fata_yield();
	}
	return *(char *)arg;
}

static int sleeper(void *arg)
{
	fata_sleep_ns(FATA_MS((uintptr_t)arg));
	trace[ntrace++] = (char)('0' + (uintptr_t)arg / 100);
	return 0;
}

/* Many fibers: each sleeps a pseudo-random time and checks it woke in deadline order. */
#define MANY 5000
static uint64_t last_wake, base;
static int out_of_order, woke;
static struct fata_waitq gate;
static int many_sleeper(void *arg)
{
	uint64_t deadline;

	fata_waitq_wait(&gate, FATA_NEVER);
	deadline = base + (uint64_t)(uintptr_t)arg;
	fata_sleep_until(deadline);
	if (deadline < last_wake)
		out_of_order++;
	last_wake = deadline;
	woke++;
	return 0;
}

static int pipe_reader(void *arg)
{
	int fd = *(int *)arg;
	char c = 0;
	int ev = fata_wait_io(fd, FATA_IO_READ, FATA_NEVER);

	if (ev != FATA_IO_READ || read(fd, &c, 1) != 1)
		return -1;
	return c;
}

static struct fata_waitq q;
static int waiter(void *arg)
{
	(void)arg;
	return fata_waitq_wait(&q, FATA_NEVER);
}

static int deadlocker(void *arg)
{
	(void)arg;
	return fata_waitq_wait(&q, FATA_NEVER);
}

int main(void)
{
	char a = 'a', b = 'b';
	struct fata_fiber *fa, *fb, *f[3];
	uint64_t t0, t1;
	int fds[2], status;
	pid_t pid;

	setvbuf(stdout, NULL, _IONBF, 0);
	fa = fata_spawn(yielder, &a, 0);
	fb = fata_spawn(yielder, &b, 0);
	ok(fa && fb, "spawn two fibers");
	is_int(fata_fiber_count(), 3, "three fibers exist with main");
	is_int(fata_join(fa), 'a', "join returns the first result");
	is_int(fata_join(fb), 'b', "join returns the second result");
	trace[ntrace] = 0;
	is_str(trace, "ababab", "yield interleaves fibers in spawn order");
	is_int(fata_fiber_count(), 1, "joined fibers are gone");

	ntrace = 0;
	t0 = fata_monotonic_ns();
	f[0] = fata_spawn(sleeper, (void *)(uintptr_t)300, 0);
	f[1] = fata_spawn(sleeper, (void *)(uintptr_t)100, 0);
	f[2] = fata_spawn(sleeper, (void *)(uintptr_t)200, 0);
	for (int i = 0; i < 3; i++)
		fata_join(f[i]);
	t1 = fata_monotonic_ns();
	trace[ntrace] = 0;
	is_str(trace, "123", "sleepers wake in deadline order, not spawn order");
	ok(t1 - t0 >= FATA_MS(300) && t1 - t0 < FATA_MS(550), "three sleeps overlap (%llu ms)",
	   (unsigned long long)((t1 - t0) / FATA_NS_PER_MS));

	t0 = fata_monotonic_ns();
	fata_sleep_ns(FATA_MS(50));
	t1 = fata_monotonic_ns();
	ok(t1 - t0 >= FATA_MS(50), "main fiber sleeps at least 50 ms");

	srand(7);
	for (int i = 0; i < MANY; i++) {
		struct fata_fiber *s = fata_spawn(many_sleeper,
			(void *)(uintptr_t)((uint64_t)(rand() % 200) * FATA_NS_PER_MS / 10), 8192);
		if (!s)
			break;
		fata_detach(s);
	}
	fata_yield();		/* every sleeper now waits at the gate */
	base = fata_monotonic_ns() + FATA_MS(400);	/* room for 5000 fibers to block, even on a loaded machine */
	fata_waitq_wake_all(&gate);
	while (woke < MANY && fata_fiber_count() > 1)
		fata_sleep_ns(FATA_MS(5));
	is_int(woke, MANY, "%d detached sleepers all woke", MANY);
	is_int(out_of_order, 0, "and in deadline order");
	is_int(fata_fiber_count(), 1, "detached fibers are freed when done");

	if (pipe(fds) == 0) {
		struct fata_fiber *r = fata_spawn(pipe_reader, &fds[0], 0);

		fata_sleep_ns(FATA_MS(10));
		ok(write(fds[1], "x", 1) == 1, "write to the pipe");
		is_int(fata_join(r), 'x', "fiber woken by fd readiness reads the byte");
		t0 = fata_monotonic_ns();
		is_int(fata_wait_io(fds[0], FATA_IO_READ, t0 + FATA_MS(20)), 0, "wait_io times out");
		ok(fata_monotonic_ns() - t0 >= FATA_MS(20), "after its deadline");
		close(fds[0]);
		close(fds[1]);
	}

	f[0] = fata_spawn(waiter, NULL, 0);
	f[1] = fata_spawn(waiter, NULL, 0);
	fata_yield();
	is_int(fata_waitq_wake_all(&q), 2, "wake_all wakes both waiters");
	ok(fata_join(f[0]) == 1 && fata_join(f[1]) == 1, "waiters report being woken");
	t0 = fata_monotonic_ns();
	is_int(fata_waitq_wait(&q, t0 + FATA_MS(10)), 0, "waitq wait times out");
	is_int(fata_waitq_wake_one(&q), 0, "timed-out waiter left the queue");

	pid = fork();
	if (pid == 0) {
		int devnull = open("/dev/null", 1);

		dup2(devnull, 2);
		fata_join(fata_spawn(deadlocker, NULL, 0));
		_exit(0);
	}
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 255, "deadlock stops with status 255");
	return tap_done();
}
