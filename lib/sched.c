/* The cooperative fiber scheduler: run queue, timer heap, I/O waits, wait queues. */
#include <fata/runtime.h>
#include <fata/sched.h>
#include <fata/time.h>

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "platform.h"

/* Deadlines and I/O flags go to the platform as they are. */
_Static_assert(FATA_NEVER == PLAT_NEVER, "FATA_NEVER is the platform's PLAT_NEVER");
_Static_assert(FATA_IO_READ == PLAT_IO_READ && FATA_IO_WRITE == PLAT_IO_WRITE,
	       "FATA_IO_* are the platform's PLAT_IO_*");

#define DEFAULT_STACK (64 * 1024)
#define NO_INDEX ((size_t)-1)
/* With runnable fibers, peek at I/O every this many scheduling rounds so yield loops don't starve it. */
#define IO_PEEK_ROUNDS 32

enum state { RUNNING, RUNNABLE, BLOCKED, DONE };

/* Why a blocked fiber was woken. */
enum wake { WAKE_NONE, WAKE_TIMER, WAKE_IO, WAKE_QUEUE };

struct fata_fiber {
	void *sp;			/* saved stack pointer while switched out */
	void *stack;
	size_t stack_size;
	int (*fn)(void *);
	void *arg;
	int result;
	enum state state;
	bool detached;
	struct fata_fiber *joiner;	/* fiber blocked in fata_join() on this one */
	struct fata_fiber *next;	/* run queue or wait queue link */
	struct fata_waitq *waitq;	/* the queue it waits on, if any */
	uint64_t deadline;
	size_t heap_index;		/* position in the timer heap, or NO_INDEX */
	size_t io_index;		/* position in the I/O wait arrays, or NO_INDEX */
	enum wake wake;
	short revents;
};

void sched_switch(void **save_sp, void *load_sp);
void sched_trampoline(void);

static struct fata_fiber main_fiber = {
	.state = RUNNING, .heap_index = NO_INDEX, .io_index = NO_INDEX,
};
static struct fata_fiber *current = &main_fiber;
static struct fata_fiber *run_head, *run_tail;
static struct fata_fiber *zombie;	/* a finished detached fiber whose stack awaits freeing */
static unsigned nfibers = 1;
static unsigned rounds;

/* Timer heap: a binary min-heap on deadline. */
static struct fata_fiber **heap;
static size_t heap_len, heap_cap;

/* I/O waits: parallel arrays, unordered. */
static struct plat_io_wait *io_waits;
static struct fata_fiber **io_fibers;
static size_t io_len, io_cap;

static void *grow(void *p, size_t *cap, size_t elem)
{
	size_t ncap = *cap ? *cap * 2 : 16;
	void *np = realloc(p, ncap * elem);

	if (!np)
		fata_panic("scheduler: out of memory");
	*cap = ncap;
	return np;
}

static void runq_push(struct fata_fiber *f)
{
	f->state = RUNNABLE;
	f->next = NULL;
	if (run_tail)
		run_tail->next = f;
	else
		run_head = f;
	run_tail = f;
}

static struct fata_fiber *runq_pop(void)
{
	struct fata_fiber *f = run_head;

	if (f) {
		run_head = f->next;
		if (!run_head)
			run_tail = NULL;
		f->next = NULL;
	}
	return f;
}

static void heap_set(size_t i, struct fata_fiber *f)
{
	heap[i] = f;
	f->heap_index = i;
}

static void heap_up(size_t i)
{
	struct fata_fiber *f = heap[i];

	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (heap[parent]->deadline <= f->deadline)
			break;
		heap_set(i, heap[parent]);
		i = parent;
	}
	heap_set(i, f);
}

static void heap_down(size_t i)
{
	struct fata_fiber *f = heap[i];

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= heap_len)
			break;
		if (c + 1 < heap_len && heap[c + 1]->deadline < heap[c]->deadline)
			c++;
		if (heap[c]->deadline >= f->deadline)
			break;
		heap_set(i, heap[c]);
		i = c;
	}
	heap_set(i, f);
}

static void heap_insert(struct fata_fiber *f)
{
	if (heap_len == heap_cap)
		heap = grow(heap, &heap_cap, sizeof(*heap));
	heap[heap_len] = f;
	heap_up(heap_len++);
}

static void heap_remove(struct fata_fiber *f)
{
	size_t i = f->heap_index;
	struct fata_fiber *last;

	if (i == NO_INDEX)
		return;
	f->heap_index = NO_INDEX;
	last = heap[--heap_len];
	if (i == heap_len)
		return;
	heap_set(i, last);
	heap_up(i);
	heap_down(last->heap_index);
}

static void io_remove(struct fata_fiber *f)
{
	size_t i = f->io_index;

	if (i == NO_INDEX)
		return;
	f->io_index = NO_INDEX;
	io_len--;
	if (i != io_len) {
		io_waits[i] = io_waits[io_len];
		io_fibers[i] = io_fibers[io_len];
		io_fibers[i]->io_index = i;
	}
}

static void waitq_remove(struct fata_fiber *f)
{
	struct fata_waitq *q = f->waitq;
	struct fata_fiber **pp, *prev = NULL;

	if (!q)
		return;
	for (pp = &q->head; *pp; prev = *pp, pp = &(*pp)->next) {
		if (*pp == f) {
			*pp = f->next;
			if (q->tail == f)
				q->tail = prev;
			break;
		}
	}
	f->next = NULL;
	f->waitq = NULL;
}

/* Makes a blocked fiber runnable and takes it off everything it waited on. */
static void wake(struct fata_fiber *f, enum wake why)
{
	if (f->state != BLOCKED)
		return;
	heap_remove(f);
	io_remove(f);
	waitq_remove(f);
	f->wake = why;
	runq_push(f);
}

static void expire_timers(void)
{
	uint64_t now;

	if (heap_len == 0)
		return;
	now = plat_monotonic_ns();
	while (heap_len > 0 && heap[0]->deadline <= now)
		wake(heap[0], WAKE_TIMER);
}

/* Waits in the platform until the earliest timer or I/O; `block` false: only peek. */
static void poll_platform(bool block)
{
	uint64_t deadline = block ? (heap_len ? heap[0]->deadline : FATA_NEVER) : 0;
	char why[128];

	if (block && heap_len == 0 && io_len == 0)
		fata_panic("deadlock: every fiber is blocked and nothing can wake one");
	for (size_t i = 0; i < io_len; i++)
		io_waits[i].revents = 0;
	if (plat_wait(deadline, io_waits, io_len, why, sizeof(why)) < 0)
		fata_panic("%s", why);
	for (size_t i = 0; i < io_len;) {
		struct fata_fiber *f = io_fibers[i];

		if (io_waits[i].revents) {
			f->revents = io_waits[i].revents;
			wake(f, WAKE_IO);	/* swaps the last entry into i */
		} else {
			i++;
		}
	}
	/* No expire_timers() here: schedule() does it next, and each reads the clock (a system
	 * call on spt). */
}

/*
 * Whenever a fiber enters the scheduler, its stack pointer must still lie within its stack, and
 * the lowest 16 bytes of the stack (set to this at spawn) must be intact; otherwise it has run
 * off the end. On spt, whose fiber stacks have no guard page, an overflow so ends with a clear
 * message at the next yield or block rather than as heap damage found much later (a deep call
 * that returns before it yields can still go unseen if it skips the 16 bytes). On unix and hvt
 * the guard page below each stack stops an overflow first.
 */
#define STACK_MAGIC 0x6b636174735f7266ull	/* "fr_stack" */

static void stack_mark(struct fata_fiber *f)
{
	uint64_t *bottom = f->stack;

	bottom[0] = bottom[1] = STACK_MAGIC;
}

__attribute__((noinline)) static void stack_check(const struct fata_fiber *f)
{
	const uint64_t *bottom = f->stack;
	char here;

	if (bottom && ((uintptr_t)&here < (uintptr_t)(bottom + 2) || bottom[0] != STACK_MAGIC ||
		       bottom[1] != STACK_MAGIC))
		fata_panic("fiber stack overflow: a fiber ran past the end of its %zu-byte stack "
			   "(give fata_spawn() a larger stack_size)", f->stack_size);
}

/* Gives a fiber's stack back to the platform; failing to is fatal. */
static void stack_free(struct fata_fiber *f)
{
	char why[128];

	if (plat_stack_free(f->stack, f->stack_size, why, sizeof(why)) < 0)
		fata_panic("%s", why);
}

static void reap(void)
{
	if (zombie && zombie != current) {
		stack_free(zombie);
		free(zombie);
		zombie = NULL;
	}
}

/* Runs other fibers until the current one is runnable again and picked. */
static void schedule(void)
{
	stack_check(current);
	for (;;) {
		struct fata_fiber *next;

		expire_timers();
		if (run_head && io_len && ++rounds % IO_PEEK_ROUNDS == 0)
			poll_platform(false);
		next = runq_pop();
		if (next) {
			struct fata_fiber *prev = current;

			next->state = RUNNING;
			if (next != prev) {
				current = next;
				sched_switch(&prev->sp, next->sp);
			}
			reap();
			return;
		}
		poll_platform(true);
	}
}

/* Blocks the current fiber (already queued on whatever will wake it) until woken. */
static enum wake block_current(uint64_t deadline)
{
	current->state = BLOCKED;
	current->wake = WAKE_NONE;
	if (deadline != FATA_NEVER) {
		current->deadline = deadline;
		heap_insert(current);
	}
	schedule();
	return current->wake;
}

static void fiber_main(void)
{
	struct fata_fiber *f = current;

	f->result = f->fn(f->arg);
	f->state = DONE;
	nfibers--;
	if (f->joiner)
		wake(f->joiner, WAKE_QUEUE);
	if (f->detached) {
		reap();		/* at most one zombie waits at a time */
		zombie = f;
	}
	schedule();
	fata_panic("scheduler: finished fiber resumed");
}

struct fata_fiber *fata_spawn(int (*fn)(void *arg), void *arg, size_t stack_size)
{
	struct fata_fiber *f;
	uint64_t *sp;
	char why[128];
	int err;

	if (stack_size == 0)
		stack_size = DEFAULT_STACK;
	stack_size = (stack_size + 4095) & ~(size_t)4095;
	f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	err = plat_stack_alloc(stack_size, &f->stack, why, sizeof(why));
	if (err == -ENOMEM) {
		free(f);
		return NULL;
	}
	if (err < 0)
		fata_panic("%s", why);
	f->stack_size = stack_size;
	stack_mark(f);
	f->fn = fn;
	f->arg = arg;
	f->heap_index = NO_INDEX;
	f->io_index = NO_INDEX;
	/* The frame sched_switch pops: r15 r14 r13 r12 rbx rbp, then returns into the trampoline
	 * with the stack 16-byte aligned, which calls fiber_main (in r12). */
	sp = (uint64_t *)((char *)f->stack + stack_size) - 9;
	memset(sp, 0, 9 * sizeof(*sp));
	sp[3] = (uint64_t)(uintptr_t)fiber_main;
	sp[6] = (uint64_t)(uintptr_t)sched_trampoline;
	f->sp = sp;
	nfibers++;
	runq_push(f);
	return f;
}

int fata_join(struct fata_fiber *f)
{
	int result;

	if (f == current || f->detached || f->joiner)
		fata_panic("fata_join: fiber cannot be joined (self, detached or joined twice)");
	while (f->state != DONE) {
		f->joiner = current;
		block_current(FATA_NEVER);
	}
	result = f->result;
	stack_free(f);
	free(f);
	return result;
}

void fata_detach(struct fata_fiber *f)
{
	if (f->state == DONE) {
		stack_free(f);
		free(f);
		return;
	}
	f->detached = true;
}

void fata_yield(void)
{
	runq_push(current);
	schedule();
}

struct fata_fiber *fata_self(void)
{
	return current;
}

unsigned fata_fiber_count(void)
{
	return nfibers;
}

void fata_sleep_until(uint64_t deadline)
{
	while (plat_monotonic_ns() < deadline)
		block_current(deadline);
}

void fata_sleep_ns(uint64_t ns)
{
	uint64_t now = plat_monotonic_ns();

	fata_sleep_until(ns > FATA_NEVER - now ? FATA_NEVER - 1 : now + ns);
}

int fata_wait_io(int source, int events, uint64_t deadline)
{
	if (io_len == io_cap) {
		size_t cap = io_cap;

		io_waits = grow(io_waits, &cap, sizeof(*io_waits));
		io_fibers = grow(io_fibers, &io_cap, sizeof(*io_fibers));
	}
	io_waits[io_len] = (struct plat_io_wait){ .source = source, .events = (short)events };
	io_fibers[io_len] = current;
	current->io_index = io_len++;
	current->revents = 0;
	if (block_current(deadline) != WAKE_IO)
		return 0;
	return current->revents;
}

int fata_waitq_wait(struct fata_waitq *q, uint64_t deadline)
{
	current->next = NULL;
	current->waitq = q;
	if (q->tail)
		q->tail->next = current;
	else
		q->head = current;
	q->tail = current;
	return block_current(deadline) == WAKE_QUEUE;
}

int fata_waitq_wake_one(struct fata_waitq *q)
{
	if (!q->head)
		return 0;
	wake(q->head, WAKE_QUEUE);
	return 1;
}

int fata_waitq_wake_all(struct fata_waitq *q)
{
	int n = 0;

	while (fata_waitq_wake_one(q))
		n++;
	return n;
}
