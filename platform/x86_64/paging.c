/*
 * The x86_64 guests' own page tables (hvt, virtio), loaded at boot in place of the tender's or
 * the boot code's. The mapping stays the identity, but inside the guest W^X holds: text is
 * read-only and executable, rodata read-only, and everything else (data, heap, stacks) writable
 * and, when the CPU has NX, not executable. What lies below the image depends on the platform
 * (x86_paging_init()); the guard page below the main stack is not mapped.
 *
 * Boot cost matters (docs/architecture.md, "Guest platforms", boot cost): memory is a few runs
 * of pages with the same permissions, each written by a tight loop: 2 MiB pages wherever a whole
 * 2 MiB region lies in one run (also inside text or rodata, so W^X holds for an image of any
 * size), 4 KiB pages only in the few regions where runs meet (at most one per boundary: low
 * memory, text, rodata, data, the guard page). page_guard() splits a 2 MiB page into 4 KiB ones
 * when a fiber stack's guard page falls inside it.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "platform.h"
#include "x86_paging.h"

#define PTE_P (1ull << 0)
#define PTE_W (1ull << 1)
#define PTE_PS (1ull << 7)
#define PTE_NX (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull
#define PAGE 4096ull
#define LARGE (2ull << 20)
#define MSR_EFER 0xc0000080u
#define EFER_NXE (1ull << 11)

extern char __fata_text_start[], __fata_rodata_start[], __fata_data_start[];

/* Where the permissions change (all page-aligned): the runs' boundaries. */
enum { B_LOW, B_TEXT, B_RODATA, B_DATA, B_GUARD, B_GUARD_END, NBOUNDS };

static uint64_t pml4[512] __attribute__((aligned(4096)));
static uint64_t pdpt[512] __attribute__((aligned(4096)));
static uint64_t pd[4 * 512] __attribute__((aligned(4096)));	/* one per 2 MiB of 4 GiB */
/* A boundary inside a 2 MiB region gives it 4 KiB pages: one table per boundary, and map_end. */
static uint64_t pt[NBOUNDS + 1][512] __attribute__((aligned(4096)));
static unsigned pt_used;

__attribute__((no_stack_protector))
static uint64_t nx_bit(void)
{
	uint32_t a, b, c, d, lo, hi;

	__asm__ __volatile__("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x80000000u), "c"(0));
	if (a < 0x80000001u)
		return 0;
	__asm__ __volatile__("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x80000001u), "c"(0));
	if (!(d & (1u << 20)))
		return 0;
	__asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(MSR_EFER));
	lo |= (uint32_t)EFER_NXE;
	__asm__ __volatile__("wrmsr" : : "a"(lo), "d"(hi), "c"(MSR_EFER));
	return PTE_NX;
}

/*
 * Writes n entries from e on: `entry`, then each `step` bytes further. Sixteen to a round: the
 * boot writes over a thousand entries, at little more than two instructions each.
 */
__attribute__((no_stack_protector))
static void fill(uint64_t *e, uint64_t n, uint64_t entry, uint64_t step)
{
	for (; n >= 16; n -= 16, e += 16, entry += 16 * step) {
#pragma GCC unroll 16
		for (unsigned i = 0; i < 16; i++)
			e[i] = entry + i * step;
	}
	for (; n > 0; n--, e++, entry += step)
		*e = entry;
}

/* The 4 KiB page table of the region holding `a`, taken from pt[] the first time. */
__attribute__((no_stack_protector))
static uint64_t *region_table(uint64_t a)
{
	uint64_t *pde = &pd[a >> 21];

	if (!*pde)
		*pde = (uint64_t)(uintptr_t)pt[pt_used++] | PTE_P | PTE_W;
	return (uint64_t *)(uintptr_t)(*pde & PTE_ADDR) + ((a >> 12) & 511);
}

/* Maps [a, end), whose pages all get the permission bits `perm` (0: unmapped, as left). */
__attribute__((no_stack_protector))
static void map_run(uint64_t a, uint64_t end, uint64_t perm)
{
	while (perm && a < end) {
		uint64_t stop = (a & ~(LARGE - 1)) + LARGE;

		if (a == stop - LARGE && end >= stop) {	/* whole 2 MiB pages */
			uint64_t n = (end - a) / LARGE;

			fill(&pd[a >> 21], n, a | perm | PTE_PS, LARGE);
			a += n * LARGE;
			continue;
		}
		if (stop > end)
			stop = end;
		fill(region_table(a), (stop - a) / PAGE, a | perm, PAGE);
		a = stop;
	}
}

__attribute__((no_stack_protector))
void x86_paging_init(uint64_t map_end, uint64_t low, bool low_writable, uint64_t guard)
{
	uint64_t b[NBOUNDS] = {
		[B_LOW] = low,
		[B_TEXT] = (uint64_t)(uintptr_t)__fata_text_start,
		[B_RODATA] = (uint64_t)(uintptr_t)__fata_rodata_start,
		[B_DATA] = (uint64_t)(uintptr_t)__fata_data_start,
		[B_GUARD] = guard ? guard : map_end,
		[B_GUARD_END] = guard ? guard + PAGE : map_end,
	};
	uint64_t perm[NBOUNDS], nx = nx_bit();	/* PTE_NX when the CPU has NX, else 0 */

	perm[B_LOW] = PTE_P | (low_writable ? PTE_W : 0) | nx;	/* below the image */
	perm[B_TEXT] = PTE_P;
	perm[B_RODATA] = PTE_P | nx;
	perm[B_DATA] = PTE_P | PTE_W | nx;
	perm[B_GUARD] = 0;
	perm[B_GUARD_END] = PTE_P | PTE_W | nx;

	pml4[0] = (uint64_t)(uintptr_t)pdpt | PTE_P | PTE_W;
	for (uint64_t g = 0; g < 4 && g << 30 < map_end; g++)
		pdpt[g] = (uint64_t)(uintptr_t)&pd[g * 512] | PTE_P | PTE_W;
	for (unsigned i = 0; i < NBOUNDS; i++) {
		uint64_t from = (b[i] + PAGE - 1) & ~(PAGE - 1);
		uint64_t to = i + 1 < NBOUNDS ? (b[i + 1] + PAGE - 1) & ~(PAGE - 1) : map_end;

		if (to > map_end)
			to = map_end;
		map_run(from, to, perm[i]);
	}
	__asm__ __volatile__("mov %0, %%cr3" : : "r"((uint64_t)(uintptr_t)pml4) : "memory");
}

/*
 * The 4 KiB page table of the 2 MiB region holding `a` (splitting its large page into pages of
 * the same permissions), or NULL.
 */
static uint64_t *table_of(uint64_t a)
{
	uint64_t *pde = &pd[a >> 21], base = a & ~(LARGE - 1), *pt;
	char *raw;

	if (!(*pde & PTE_PS))
		return (uint64_t *)(uintptr_t)(*pde & PTE_ADDR);
	raw = malloc(2 * PAGE);	/* page tables live as long as the guest: never freed */
	if (!raw)
		return NULL;
	pt = (uint64_t *)(((uintptr_t)raw + PAGE - 1) & ~(uintptr_t)(PAGE - 1));
	fill(pt, 512, base | (*pde & (PTE_P | PTE_W | PTE_NX)), PAGE);
	*pde = (uint64_t)(uintptr_t)pt | PTE_P | PTE_W;
	/* Drops the large page's TLB entry and cached directory entry: no full flush needed. */
	__asm__ __volatile__("invlpg (%0)" : : "r"((uintptr_t)base) : "memory");
	return pt;
}

static int page_guard(void *page, bool guard)
{
	uint64_t a = (uint64_t)(uintptr_t)page, *pt = table_of(a), *pte;

	if (!pt)
		return -1;
	pte = &pt[(a >> 12) & 511];
	*pte = guard ? *pte & ~PTE_P : *pte | PTE_P;
	__asm__ __volatile__("invlpg (%0)" : : "r"(page) : "memory");
	return 0;
}

/*
 * Fiber stacks from the heap, each with an unmapped guard page below it, so that an overflow
 * is a page fault the trap handler reports. Layout of the allocation: slack up to a
 * page boundary, the guard page, the stack (len, a multiple of 4 KiB), then the pointer malloc
 * returned. Without memory for a page table the stack has no guard (the scheduler still checks).
 */
int plat_stack_alloc(size_t len, void **stack, char *why, size_t whylen)
{
	char *raw = malloc(len + 2 * PAGE + sizeof(char *)), *guard;

	(void)why;
	(void)whylen;
	if (!raw)
		return -ENOMEM;
	guard = (char *)(((uintptr_t)raw + PAGE - 1) & ~(uintptr_t)(PAGE - 1));
	memcpy(guard + PAGE + len, &raw, sizeof(raw));
	page_guard(guard, true);
	*stack = guard + PAGE;
	return 0;
}

int plat_stack_free(void *p, size_t len, char *why, size_t whylen)
{
	char *raw;

	(void)why;
	(void)whylen;
	if (!p)
		return 0;
	memcpy(&raw, (char *)p + len, sizeof(raw));
	page_guard((char *)p - PAGE, false);
	free(raw);
	return 0;
}
