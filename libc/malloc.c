/* The heap: malloc and friends over one region given at boot (fata_heap.h, stdlib.h). */
#include <errno.h>
#include "fata_heap.h"
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "platform.h"

/*
 * The region is cut into blocks laid end to end, each starting with a 16-byte header; the
 * payload follows, so it is 16-aligned. A block's size (header included, a multiple of 16)
 * carries two flags in its low bits: INUSE, and PREV_INUSE for the block just before it. A free
 * block also keeps its size in its last word (the footer), which lets free() find a free
 * predecessor and merge with it, and links itself into the free list of its size class. Free
 * blocks are always merged with free neighbours, so no two are adjacent. A header of size 0
 * marked in use ends the region.
 *
 * Each header has a check word, a function of its address and size, that free() and realloc()
 * verify along with the flags and the neighbours: a stray pointer, a double free or a header
 * overwritten by a buffer overflow ends the unikernel through abort() instead of corrupting the
 * heap further.
 *
 * Size classes: one list per size below 1 KiB (exact fit), then one per power of two (first fit
 * within the list). A bitmap of non-empty lists finds the smallest class that can serve a
 * request.
 */

struct block {
	size_t size;		/* bytes, header included, | INUSE | PREV_INUSE */
	uintptr_t check;	/* CHECK_MAGIC ^ address ^ size */
	struct block *next;	/* free blocks only: the size class list */
	struct block *prev;
};

#define HDR		16
#define ALIGN		16
#define MIN_BLOCK	48	/* header, list links and footer */
#define INUSE		1u
#define PREV_INUSE	2u
#define FLAGS		(INUSE | PREV_INUSE)
#define CHECK_MAGIC	((uintptr_t)0xa7c35e19f06b2d84ULL)

#define EXACT_CLASSES	64	/* sizes 0..1008 in steps of 16, by size / 16 */
#define NCLASSES	128

static struct block *lists[NCLASSES];
static uint64_t nonempty[NCLASSES / 64];
static char *heap_lo, *heap_end;	/* first block; the end marker's header */
static size_t heap_size, heap_used;

_Static_assert(sizeof(struct block) == 32 && HDR == offsetof(struct block, next),
	       "the header is 16 bytes");

static size_t size_of(const struct block *b) { return b->size & ~(size_t)(ALIGN - 1); }
static struct block *after(struct block *b) { return (struct block *)((char *)b + size_of(b)); }
static size_t *footer(struct block *b) { return (size_t *)((char *)after(b) - sizeof(size_t)); }
static void *payload(struct block *b) { return (char *)b + HDR; }

static void set_header(struct block *b, size_t size_flags)
{
	b->size = size_flags;
	b->check = CHECK_MAGIC ^ (uintptr_t)b ^ size_flags;
}

/* Reports damage found by `who` (the function the program called) and aborts. */
static _Noreturn void corrupt_in(const char *who, const char *what)
{
	static const char middle[] = ": heap corruption: ";

	plat_console_write(who, strlen(who));
	plat_console_write(middle, sizeof(middle) - 1);
	plat_console_write(what, strlen(what));
	plat_console_write("\n", 1);
	abort();
}

/* Whether b lies inside the heap and its header is intact. */
static bool header_ok(const struct block *b)
{
	const char *p = (const char *)b;

	return p >= heap_lo && p <= heap_end && (uintptr_t)p % ALIGN == 0 &&
	       b->check == (CHECK_MAGIC ^ (uintptr_t)b ^ b->size) &&
	       size_of(b) <= (size_t)(heap_end - p) && (size_of(b) >= MIN_BLOCK || p == heap_end);
}

/* The function of the interface that is running, for corruption reports. */
static const char *current = "malloc";

#define corrupt(what) corrupt_in(current, what)

static unsigned class_of(size_t size)
{
	if (size < EXACT_CLASSES * ALIGN)
		return (unsigned)(size / ALIGN);
	return EXACT_CLASSES + (unsigned)(63 - __builtin_clzl(size)) - 10;
}

static void list_insert(struct block *b)
{
	unsigned c = class_of(size_of(b));

	b->prev = NULL;
	b->next = lists[c];
	if (b->next)
		b->next->prev = b;
	lists[c] = b;
	nonempty[c / 64] |= 1ULL << (c % 64);
}

/* Whether a free-list link may be followed: NULL or a block header inside the heap. */
static bool link_ok(const struct block *b)
{
	return !b || ((const char *)b >= heap_lo && (const char *)b < heap_end &&
		      (uintptr_t)b % ALIGN == 0);
}

static void list_remove(struct block *b)
{
	unsigned c = class_of(size_of(b));

	if (!link_ok(b->next) || !link_ok(b->prev) || (b->next && b->next->prev != b) ||
	    (b->prev ? b->prev->next != b : lists[c] != b))
		corrupt("free list links damaged");
	if (b->next)
		b->next->prev = b->prev;
	if (b->prev)
		b->prev->next = b->next;
	else
		lists[c] = b->next;
	if (!lists[c])
		nonempty[c / 64] &= ~(1ULL << (c % 64));
}

/* Makes b (size bytes, its predecessor in use) a free block in its list; tells its successor. */
static void make_free(struct block *b, size_t size)
{
	struct block *next;

	set_header(b, size | PREV_INUSE);
	*footer(b) = size;
	list_insert(b);
	next = after(b);
	set_header(next, next->size & ~(size_t)PREV_INUSE);
}

/* Turns the end of in-use block b beyond `keep` bytes into a free block, if it is big enough. */
static void trim(struct block *b, size_t keep)
{
	size_t size = size_of(b), rest = size - keep;
	struct block *tail, *next;

	if (rest < MIN_BLOCK)
		return;
	set_header(b, keep | (b->size & FLAGS));
	tail = after(b);
	heap_used -= rest;
	next = (struct block *)((char *)tail + rest);
	if (!header_ok(next))
		corrupt("next block header damaged");
	if (!(next->size & INUSE)) {	/* merge with a free successor */
		list_remove(next);
		rest += size_of(next);
	}
	make_free(tail, rest);
}

/* A free block of at least need bytes, or NULL. */
static struct block *find(size_t need)
{
	unsigned c = class_of(need);
	struct block *b;

	if (c >= EXACT_CLASSES) {	/* sizes in this class vary: first fit */
		for (b = lists[c]; b; b = b->next) {
			if (!header_ok(b) || (b->size & INUSE) || !link_ok(b->next))
				corrupt("free list links damaged");
			if (size_of(b) >= need)
				return b;
		}
		c++;
	} else if (lists[c]) {
		return lists[c];
	}
	/* Any block of a larger class fits. */
	for (unsigned w = c / 64; w < NCLASSES / 64; w++) {
		uint64_t bits = nonempty[w];

		if (w == c / 64)
			bits &= ~0ULL << (c % 64);
		if (bits)
			return lists[w * 64 + (unsigned)__builtin_ctzll(bits)];
	}
	return NULL;
}

/* Takes need bytes (a multiple of 16, at least MIN_BLOCK) out of the free lists. */
static struct block *take(size_t need)
{
	struct block *b = find(need);

	if (!b)
		return NULL;
	if (!header_ok(b) || (b->size & INUSE))
		corrupt("free block header damaged");
	list_remove(b);
	set_header(b, b->size | INUSE);
	set_header(after(b), after(b)->size | PREV_INUSE);
	heap_used += size_of(b);
	trim(b, need);
	return b;
}

/* Block bytes for a request of n bytes, or 0 if n is too large for any heap. */
static size_t block_size(size_t n)
{
	if (n > SIZE_MAX / 2)
		return 0;
	n = (n + HDR + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	return n < MIN_BLOCK ? MIN_BLOCK : n;
}

/* The in-use block whose payload is p, after checking it is one. */
static struct block *block_of(void *p)
{
	struct block *b = (struct block *)((char *)p - HDR);

	if ((uintptr_t)p % ALIGN || (char *)b < heap_lo || (char *)b >= heap_end || !header_ok(b))
		corrupt("pointer not from malloc or block header damaged");
	if (!(b->size & INUSE))
		corrupt("double free");
	if (!header_ok(after(b)) || !(after(b)->size & PREV_INUSE))
		corrupt("next block header damaged");
	return b;
}

/* Frees the in-use block b, merging it with free neighbours. */
static void release(struct block *b)
{
	size_t size = size_of(b);
	struct block *next = after(b);

	heap_used -= size;
	/* Mark it free first: a stale copy of this header left inside a merged block still
	 * says "free", so a second free() of it is reported as a double free. */
	set_header(b, b->size & ~(size_t)INUSE);
	if (!(b->size & PREV_INUSE)) {
		size_t prev_size = *((size_t *)b - 1);
		struct block *prev = (struct block *)((char *)b - prev_size);

		if (prev_size % ALIGN || prev_size > (size_t)((char *)b - heap_lo) ||
		    !header_ok(prev) || (prev->size & INUSE) || size_of(prev) != prev_size)
			corrupt("previous block header damaged");
		list_remove(prev);
		b = prev;
		size += prev_size;
	}
	if (!(next->size & INUSE)) {
		if (!header_ok(next))
			corrupt("next block header damaged");
		list_remove(next);
		size += size_of(next);
	}
	make_free(b, size);
}

void fata_heap_init(void *base, size_t len)
{
	uintptr_t lo = ((uintptr_t)base + ALIGN - 1) & ~(uintptr_t)(ALIGN - 1);
	uintptr_t end = ((uintptr_t)base + len) & ~(uintptr_t)(ALIGN - 1);

	/* The lists are empty before the first call (zeroed data) and while there is no heap. */
	if (heap_lo) {
		memset(lists, 0, sizeof(lists));
		memset(nonempty, 0, sizeof(nonempty));
	}
	heap_lo = heap_end = NULL;
	heap_size = heap_used = 0;
	if (!base || (uintptr_t)base + len < (uintptr_t)base || end < lo + MIN_BLOCK + HDR)
		return;
	heap_lo = (char *)lo;
	heap_end = (char *)end - HDR;
	heap_size = (size_t)(heap_end - heap_lo);
	set_header((struct block *)heap_end, INUSE);
	/* make_free marks the first block's predecessor as in use, so nothing looks before it. */
	make_free((struct block *)heap_lo, heap_size);
}

size_t fata_heap_used(void) { return heap_used; }
size_t fata_heap_size(void) { return heap_size; }

void *malloc(size_t n)
{
	size_t need = block_size(n);
	struct block *b;

	current = "malloc";
	b = need && heap_lo ? take(need) : NULL;
	if (!b) {
		errno = ENOMEM;
		return NULL;
	}
	return payload(b);
}

void *calloc(size_t n, size_t size)
{
	size_t bytes;
	void *p;

	if (__builtin_mul_overflow(n, size, &bytes)) {
		errno = ENOMEM;
		return NULL;
	}
	p = malloc(bytes);
	if (p)
		memset(p, 0, bytes);
	return p;
}

void free(void *p)
{
	current = "free";
	if (p)
		release(block_of(p));
}

void *realloc(void *p, size_t n)
{
	struct block *b, *next;
	size_t need, size;
	void *q;

	if (!p)
		return malloc(n);
	current = "realloc";
	b = block_of(p);
	need = block_size(n);
	if (!need) {
		errno = ENOMEM;
		return NULL;
	}
	size = size_of(b);
	next = after(b);
	if (need > size && !(next->size & INUSE) && size + size_of(next) >= need) {
		/* Grow in place into the free successor. */
		list_remove(next);
		heap_used += size_of(next);
		set_header(b, (size + size_of(next)) | (b->size & FLAGS));
		set_header(after(b), after(b)->size | PREV_INUSE);
		size = size_of(b);
	}
	if (need <= size) {
		trim(b, need);
		return p;
	}
	q = malloc(n);
	if (!q)
		return NULL;
	memcpy(q, p, size - HDR);
	current = "realloc";
	release(b);
	return q;
}

void *aligned_alloc(size_t align, size_t n)
{
	size_t need = block_size(n), want;
	struct block *b, *a;
	uintptr_t p, at;

	if (align == 0 || (align & (align - 1))) {
		errno = EINVAL;
		return NULL;
	}
	if (align <= ALIGN)
		return malloc(n);
	/* Room to move the payload up to the alignment while leaving a whole free block in front. */
	if (!need || !heap_lo || align > SIZE_MAX / 4 || need > SIZE_MAX / 2 - align - MIN_BLOCK) {
		errno = ENOMEM;
		return NULL;
	}
	want = need + align + MIN_BLOCK;
	current = "aligned_alloc";
	b = take(want);
	if (!b) {
		errno = ENOMEM;
		return NULL;
	}
	p = (uintptr_t)payload(b);
	at = (p + align - 1) & ~(uintptr_t)(align - 1);
	if (at == p) {
		a = b;
	} else {
		if (at - p < MIN_BLOCK)
			at = (p + MIN_BLOCK + align - 1) & ~(uintptr_t)(align - 1);
		/* Split b into a front part that is freed and the aligned block a. */
		a = (struct block *)(at - HDR);
		set_header(a, (size_of(b) - (at - p)) | INUSE | PREV_INUSE);
		set_header(b, (at - p) | (b->size & FLAGS));
		release(b);
	}
	trim(a, need);
	return payload(a);
}

int posix_memalign(void **out, size_t align, size_t n)
{
	int saved = errno;
	void *p;

	if (align < sizeof(void *) || (align & (align - 1)))
		return EINVAL;
	p = aligned_alloc(align, n);
	errno = saved;
	if (!p)
		return ENOMEM;
	*out = p;
	return 0;
}
