/* The x86_64 guests' own page tables (platform/x86_64/paging.c), shared by hvt and virtio. */
#ifndef FATA_PLATFORM_X86_PAGING_H
#define FATA_PLATFORM_X86_PAGING_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Loads W^X identity-mapping page tables over [0, map_end) (at most 4 GiB): nothing below `low`,
 * memory from `low` up to the image read-only (or writable when `low_writable`), the image as
 * the linker script marks it, the rest writable and not executable; the page at `guard` (if not
 * 0) unmapped. Switches on NX where the CPU has it. plat_stack_alloc() then gives every fiber
 * stack an unmapped guard page.
 */
void x86_paging_init(uint64_t map_end, uint64_t low, bool low_writable, uint64_t guard);

#endif
