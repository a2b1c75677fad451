/*
 * The x86_64 machine every hvt guest starts in, independent of the hypervisor backend: control
 * register values, segments, the GDT and the identity-mapping page tables in guest memory.
 */
#ifndef FATA_TENDER_HVT_CPU_X86_64_H
#define FATA_TENDER_HVT_CPU_X86_64_H

#include <stdint.h>

#include "hvt_abi.h"

#define X86_CR0_PE (1ull << 0)
#define X86_CR0_NE (1ull << 5)
#define X86_CR0_WP (1ull << 16)	/* ring 0 honours read-only pages: the boot info stays intact */
#define X86_CR0_PG (1ull << 31)
#define X86_CR4_PAE (1ull << 5)
#define X86_CR4_OSFXSR (1ull << 9)
#define X86_CR4_OSXMMEXCPT (1ull << 10)
#define X86_EFER_LME (1ull << 8)
#define X86_EFER_LMA (1ull << 10)
#define X86_EFER_NXE (1ull << 11)
#define X86_RFLAGS_INIT 0x2ull	/* bit 1 is always set; interrupts off */

#define X86_CR0_INIT (X86_CR0_PE | X86_CR0_NE | X86_CR0_WP | X86_CR0_PG)
#define X86_CR4_INIT (X86_CR4_PAE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT)
#define X86_EFER_INIT (X86_EFER_LME | X86_EFER_LMA)

#define X86_PTE_P (1ull << 0)
#define X86_PTE_RW (1ull << 1)
#define X86_PTE_PS (1ull << 7)
#define X86_PTE_NX (1ull << 63)

/* GDT: null, 64-bit code (selector 0x08), data (selector 0x10). */
#define X86_GDT_CODE 1
#define X86_GDT_DATA 2
#define X86_GDT_ENTRIES 3

/* A segment as the CPU caches it (limit in bytes). */
struct x86_seg {
	uint64_t base;
	uint32_t limit;
	uint16_t selector;
	uint8_t type, present, dpl, db, s, l, g, avl;
};

extern const struct x86_seg x86_seg_code;	/* 64-bit code, execute/read */
extern const struct x86_seg x86_seg_data;	/* data and stack, read/write */

/* The 8-byte GDT descriptor of `s`. */
uint64_t x86_gdt_entry(const struct x86_seg *s);

/* Writes the GDT at HVT_GDT_BASE of guest memory `mem`. */
void x86_setup_gdt(uint8_t *mem);

/*
 * Writes page tables at HVT_PML4_BASE.. identity-mapping guest memory [0, mem_size) (a multiple
 * of 2 MiB, at most 4 GiB) with the protection Solo5 guests expect and the image's own:
 * below HVT_BOOT_INFO_BASE only the GDT's page (read-only), then read-only up to
 * HVT_GUEST_MIN_BASE; each segment of `img` as its ELF flags say (text r-x, rodata r--, data
 * rw-); everything else (heap, stack) rw-. `nx` is X86_PTE_NX when the CPU has NX (and the
 * caller sets EFER.NXE), else 0: it is set on every page that is not executable. Regions of
 * 2 MiB with one protection throughout get a large page, the others (always the first) a 4 KiB
 * page table from the X86_PT_POOL + 1 pages at HVT_PT0_BASE; x86_page_tables_check() says
 * beforehand whether that is enough.
 */
#define X86_PT_POOL ((HVT_BOOT_INFO_BASE - HVT_PT0_BASE) / HVT_PAGE_SIZE - 1)
struct tender_image;
struct tender_err;
void x86_setup_page_tables(uint8_t *mem, uint64_t mem_size, const struct tender_image *img,
			   uint64_t nx);

/*
 * Checks that the page tables for `img` in mem_size bytes fit the pool: 0, or -1 with a message
 * in `err`.
 */
int x86_page_tables_check(const struct tender_image *img, uint64_t mem_size,
			  struct tender_err *err);

#endif
