/* Setting up and measuring the heap behind malloc (libc/malloc.c). */
#ifndef FATA_LIBC_FATA_HEAP_H
#define FATA_LIBC_FATA_HEAP_H

#define __need_size_t
#include <stddef.h>

/*
 * Gives malloc the region [base, base + len), which it owns from then on. Called once by the
 * platform at boot, before any allocation; a later call forgets every earlier allocation.
 * A region too small to hold one block (under about 64 bytes after aligning to 16) leaves the
 * heap empty, so malloc keeps returning NULL.
 */
void fata_heap_init(void *base, size_t len);

/* Bytes currently allocated, counting each block's 16-byte header and rounding. */
size_t fata_heap_used(void);

/* Bytes the heap manages in all (allocated or free, headers included); 0 before
 * fata_heap_init. fata_heap_used() <= fata_heap_size(). */
size_t fata_heap_size(void);

#endif
