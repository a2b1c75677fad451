/*
 * The x86_64 guests' own page tables (hvt, virtio), loaded at boot in place of the tender's or
 * the boot code's. The mapping stays the identity, but inside the guest W^X holds: text is
 * read-only and executable, rodata read-only, and everything else (data, heap, stacks) writable
 * and, when the CPU has NX, not executable. What lies below the image depends on the platform
 * (x86_paging_init()); the guard page below the main stack is not mapped. 4 KiB pages where the
 * image's text and rodata lie (up to 16 MiB; beyond, text would get writable 2 MiB pages rather
 * than none that execute) and in the 2 MiB that hold the guard page, 2 MiB pages elsewhere;
 * page_guard() splits a 2 MiB page into 4 KiB ones when a fiber stack's guard page falls inside it.
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

static uint64_t pml4[512] __attribute__((aligned(4096)));
static uint64_t pdpt[512] __attribute__((aligned(4096)));
static uint64_t pd[4][512] __attribute__((aligned(4096)));
/* 4 KiB pages for the image's text and rodata: the first IMAGE_TABLES * 2 MiB of memory. */
#define IMAGE_TABLES 8
static uint64_t pt_image[IMAGE_TABLES][512] __attribute__((aligned(4096)));
static uint64_t pt_guard[512] __attribute__((aligned(4096)));
static uint64_t nx;	/* PTE_NX when the CPU has NX, else 0 */
static uint64_t low_start, low_w;	/* below the image: mapped from low_start, PTE_W or 0 */

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

__attribute__((no_stack_protector))
static uint64_t small_page(uint64_t a, uint64_t guard, uint64_t nx)
{
	if (a < low_start || (guard && a == guard))
		return 0;
	if (a < (uint64_t)(uintptr_t)__fata_text_start)
		return a | PTE_P | low_w | nx;			/* below the image */
	if (a < (uint64_t)(uintptr_t)__fata_rodata_start)
		return a | PTE_P;				/* text */
	if (a < (uint64_t)(uintptr_t)__fata_data_start)
		return a | PTE_P | nx;				/* rodata */
	return a | PTE_P | PTE_W | nx;
}

__attribute__((no_stack_protector))
void x86_paging_init(uint64_t map_end, uint64_t low, bool low_writable, uint64_t guard)
{
	nx = nx_bit();
	low_start = low;
	low_w = low_writable ? PTE_W : 0;

	pml4[0] = (uint64_t)(uintptr_t)pdpt | PTE_P | PTE_W;
	for (uint64_t g = 0; g < 4 && g << 30 < map_end; g++)
		pdpt[g] = (uint64_t)(uintptr_t)pd[g] | PTE_P | PTE_W;
	for (uint64_t a = 0; a < map_end; a += LARGE) {
		uint64_t *pde = &pd[a >> 30][(a >> 21) & 511], *pt = 0;
		bool image = a < (uint64_t)(uintptr_t)__fata_data_start;	/* text or rodata */

		if (image && a / LARGE < IMAGE_TABLES)
			pt = pt_image[a / LARGE];
		else if (guard && a == (guard & ~(LARGE - 1)))
			pt = pt_guard;
		if (!pt) {
			*pde = a | PTE_P | PTE_W | PTE_PS | (image ? 0 : nx);
			continue;
		}
		for (uint64_t i = 0; i < 512; i++)
			pt[i] = small_page(a + i * PAGE, guard, nx);
		*pde = (uint64_t)(uintptr_t)pt | PTE_P | PTE_W;
	}
	__asm__ __volatile__("mov %0, %%cr3" : : "r"((uint64_t)(uintptr_t)pml4) : "memory");
}

/* The 4 KiB page table of the 2 MiB region holding `a` (splitting its large page), or NULL. */
static uint64_t *table_of(uint64_t a)
{
	uint64_t *pde = &pd[a >> 30][(a >> 21) & 511], base = a & ~(LARGE - 1), *pt;
	char *raw;

	if (!(*pde & PTE_PS))
		return (uint64_t *)(uintptr_t)(*pde & PTE_ADDR);
	raw = malloc(2 * PAGE);	/* page tables live as long as the guest: never freed */
	if (!raw)
		return NULL;
	pt = (uint64_t *)(((uintptr_t)raw + PAGE - 1) & ~(uintptr_t)(PAGE - 1));
	for (uint64_t i = 0; i < 512; i++)
		pt[i] = (base + i * PAGE) | PTE_P | PTE_W | nx;
	*pde = (uint64_t)(uintptr_t)pt | PTE_P | PTE_W;
	__asm__ __volatile__("mov %0, %%cr3" : : "r"((uint64_t)(uintptr_t)pml4) : "memory");
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
