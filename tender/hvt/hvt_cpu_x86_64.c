/* The hvt x86_64 machine's GDT and page tables, written into guest memory. */
#include <string.h>

#include "../common/elf_load.h"
#include "hvt_abi.h"
#include "hvt_cpu_x86_64.h"

const struct x86_seg x86_seg_code = {
	.base = 0, .limit = 0xffffffff, .selector = X86_GDT_CODE * 8,
	.type = 0xb,	/* execute/read, accessed */
	.present = 1, .dpl = 0, .db = 0, .s = 1, .l = 1, .g = 1,
};

const struct x86_seg x86_seg_data = {
	.base = 0, .limit = 0xffffffff, .selector = X86_GDT_DATA * 8,
	.type = 0x3,	/* read/write, accessed */
	.present = 1, .dpl = 0, .db = 1, .s = 1, .l = 0, .g = 1,
};

uint64_t x86_gdt_entry(const struct x86_seg *s)
{
	uint64_t limit = s->g ? s->limit >> 12 : s->limit;

	return (limit & 0xffff) | ((s->base & 0xffffff) << 16) | ((uint64_t)s->type << 40) |
	       ((uint64_t)s->s << 44) | ((uint64_t)s->dpl << 45) | ((uint64_t)s->present << 47) |
	       (((limit >> 16) & 0xf) << 48) | ((uint64_t)s->avl << 52) | ((uint64_t)s->l << 53) |
	       ((uint64_t)s->db << 54) | ((uint64_t)s->g << 55) | (((s->base >> 24) & 0xff) << 56);
}

static void put64(uint8_t *mem, uint64_t gpa, uint64_t v)
{
	memcpy(mem + gpa, &v, sizeof v);
}

void x86_setup_gdt(uint8_t *mem)
{
	put64(mem, HVT_GDT_BASE, 0);
	put64(mem, HVT_GDT_BASE + 8 * X86_GDT_CODE, x86_gdt_entry(&x86_seg_code));
	put64(mem, HVT_GDT_BASE + 8 * X86_GDT_DATA, x86_gdt_entry(&x86_seg_data));
}

/*
 * Page tables: the identity map over guest memory [0, mem_size), with each page's protection
 * taken from the image (page_entry()). A 2 MiB region whose pages all have the same protection is
 * one large page; a mixed one gets a 4 KiB page table: the first 2 MiB always (PT0), others from
 * the pool after it, below the boot info.
 */
static uint64_t page_entry(const struct tender_image *img, uint64_t a, uint64_t nx)
{
	if (a == HVT_GDT_BASE)
		return a | X86_PTE_P | nx;	/* the CPU reads the GDT on every exception and IRET */
	if (a < HVT_BOOT_INFO_BASE)
		return 0;			/* the zero page and the page tables */
	if (a < HVT_GUEST_MIN_BASE)
		return a | X86_PTE_P | nx;	/* boot info, manifest, command line */
	for (unsigned i = 0; i < img->nseg; i++) {
		const struct tender_segment *s = &img->seg[i];

		if (a >= s->page_start && a < s->page_end)
			return a | X86_PTE_P | (s->flags & TENDER_SEG_W ? X86_PTE_RW : 0) |
			       (s->flags & TENDER_SEG_X ? 0 : nx);
	}
	return a | X86_PTE_P | X86_PTE_RW | nx;	/* heap and stack */
}

/* Whether the 2 MiB region at `r` has one protection throughout. */
static int region_uniform(const struct tender_image *img, uint64_t r)
{
	if (r < HVT_GUEST_MIN_BASE)
		return 0;
	for (unsigned i = 0; i < img->nseg; i++) {
		const struct tender_segment *s = &img->seg[i];

		if (s->page_end <= r || s->page_start >= r + HVT_LARGE_PAGE_SIZE)
			continue;
		return s->page_start <= r && s->page_end >= r + HVT_LARGE_PAGE_SIZE;
	}
	return 1;
}

int x86_page_tables_check(const struct tender_image *img, uint64_t mem_size,
			  struct tender_err *err)
{
	unsigned need = 0;

	for (uint64_t r = HVT_LARGE_PAGE_SIZE; r < mem_size; r += HVT_LARGE_PAGE_SIZE)
		need += !region_uniform(img, r);
	if (need > X86_PT_POOL)
		return tender_fail(err, "its segments start or end within %u different 2 MiB "
				   "regions above 2 MiB; fata-hvt has page tables for %u (align "
				   "segments to 2 MiB)", need, X86_PT_POOL);
	return 0;
}

void x86_setup_page_tables(uint8_t *mem, uint64_t mem_size, const struct tender_image *img,
			   uint64_t nx)
{
	uint64_t pool = HVT_PT0_BASE;

	memset(mem + HVT_PML4_BASE, 0, HVT_BOOT_INFO_BASE - HVT_PML4_BASE);
	put64(mem, HVT_PML4_BASE, HVT_PDPT_BASE | X86_PTE_P | X86_PTE_RW);
	for (uint64_t i = 0; i < 4; i++)
		put64(mem, HVT_PDPT_BASE + 8 * i,
		      (HVT_PD_BASE + i * HVT_PAGE_SIZE) | X86_PTE_P | X86_PTE_RW);
	for (uint64_t r = 0; r < mem_size; r += HVT_LARGE_PAGE_SIZE) {
		uint64_t pde = HVT_PD_BASE + 8 * (r / HVT_LARGE_PAGE_SIZE);

		if (region_uniform(img, r)) {
			put64(mem, pde, page_entry(img, r, nx) | X86_PTE_PS);
			continue;
		}
		for (uint64_t i = 0; i < 512; i++)
			put64(mem, pool + 8 * i, page_entry(img, r + i * HVT_PAGE_SIZE, nx));
		put64(mem, pde, pool | X86_PTE_P | X86_PTE_RW);
		pool += HVT_PAGE_SIZE;
	}
}
