/* The hvt x86_64 machine's GDT and page tables, written into guest memory. */
#include <string.h>

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

/* One PML4 entry, four PDPT entries, four page directories (contiguous) and one page table. */
void x86_setup_page_tables(uint8_t *mem, uint64_t mem_size)
{
	memset(mem + HVT_PML4_BASE, 0, HVT_PT0_BASE + HVT_PAGE_SIZE - HVT_PML4_BASE);
	put64(mem, HVT_PML4_BASE, HVT_PDPT_BASE | X86_PTE_P | X86_PTE_RW);
	for (uint64_t i = 0; i < 4; i++)
		put64(mem, HVT_PDPT_BASE + 8 * i,
		      (HVT_PD_BASE + i * HVT_PAGE_SIZE) | X86_PTE_P | X86_PTE_RW);
	put64(mem, HVT_PD_BASE, HVT_PT0_BASE | X86_PTE_P | X86_PTE_RW);
	/* The CPU reads the GDT through its linear address on every exception and IRET. */
	put64(mem, HVT_PT0_BASE + 8 * (HVT_GDT_BASE / HVT_PAGE_SIZE), HVT_GDT_BASE | X86_PTE_P);
	for (uint64_t a = HVT_BOOT_INFO_BASE; a < HVT_LARGE_PAGE_SIZE; a += HVT_PAGE_SIZE)
		put64(mem, HVT_PT0_BASE + 8 * (a / HVT_PAGE_SIZE),
		      a | (a < HVT_GUEST_MIN_BASE ? X86_PTE_P : X86_PTE_P | X86_PTE_RW));
	for (uint64_t a = HVT_LARGE_PAGE_SIZE; a < mem_size; a += HVT_LARGE_PAGE_SIZE)
		put64(mem, HVT_PD_BASE + 8 * (a / HVT_LARGE_PAGE_SIZE),
		      a | X86_PTE_P | X86_PTE_RW | X86_PTE_PS);
}
