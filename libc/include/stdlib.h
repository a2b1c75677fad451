/* Number parsing, sorting and searching, memory allocation, exit and abort. */
#ifndef FATA_LIBC_STDLIB_H
#define FATA_LIBC_STDLIB_H

#define __need_size_t
#define __need_NULL
#include <stddef.h>

#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1

/*
 * Parse an integer: leading white space (isspace), an optional + or -, then digits in base
 * (2..36; letters a-z/A-Z are 10..35), or with base 0 the C convention: 0x/0X means 16, a
 * leading 0 means 8, otherwise 10 (base 16 also accepts a 0x/0X prefix). A minus sign negates
 * the value (in the unsigned type for strtoul/strtoull: "-1" is ULONG_MAX).
 * If endptr is not NULL, *endptr is set just past the last digit used, or to str itself when
 * there were no digits ("0x" followed by no hex digit counts as the digit 0, leaving *endptr at
 * the x). On overflow, all digits are still consumed, the result is clamped to the type's
 * minimum or maximum and errno is set to ERANGE. An unsupported base sets errno to EINVAL and
 * returns 0. errno is not changed otherwise.
 */
long strtol(const char *restrict str, char **restrict endptr, int base);
unsigned long strtoul(const char *restrict str, char **restrict endptr, int base);
long long strtoll(const char *restrict str, char **restrict endptr, int base);
unsigned long long strtoull(const char *restrict str, char **restrict endptr, int base);

/* strtol(s, NULL, 10) converted to the result type; no way to report errors. */
int atoi(const char *s);
long atol(const char *s);
long long atoll(const char *s);

/* |n|; abs(INT_MIN) and the like are undefined, as in C. */
int abs(int n);
long labs(long n);
long long llabs(long long n);

/*
 * Sorts n elements of size bytes at base in the order of cmp (which returns <0, 0, >0).
 * Not stable. O(n log n) comparisons in the worst case (introsort), uses no heap memory.
 */
void qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
/* An element of the sorted array base[0..n) that compares equal to key, or NULL.
 * cmp is called as cmp(key, element). */
void *bsearch(const void *key, const void *base, size_t n, size_t size,
	      int (*cmp)(const void *, const void *));

/*
 * The heap (libc/malloc.c, set up by fata_heap_init() in fata_heap.h). All pointers returned are
 * aligned to 16 bytes. On failure these return NULL and set errno to ENOMEM; before
 * fata_heap_init they always fail. Passing free or realloc a pointer that is not a live
 * allocation (a double free, a stray pointer) or damaging a block's header is detected where
 * possible and ends the unikernel through abort() with a message.
 */
/* size bytes, uninitialised. malloc(0) returns a unique pointer. */
void *malloc(size_t size);
/* n * size bytes set to zero; NULL (ENOMEM) if n * size overflows. */
void *calloc(size_t n, size_t size);
/* Resizes p's allocation to size bytes, keeping the contents up to the smaller size; may move it.
 * realloc(NULL, size) is malloc(size); realloc(p, 0) is like realloc(p, 1) (never frees). On
 * failure returns NULL and p stays valid. */
void *realloc(void *p, size_t size);
/* Releases p (from malloc, calloc, realloc, aligned_alloc or posix_memalign); NULL is a no-op. */
void free(void *p);
/* size bytes aligned to align, which must be a power of two (else NULL and EINVAL). */
void *aligned_alloc(size_t align, size_t size);
/* Stores in *out size bytes aligned to align, a power of two multiple of sizeof(void *).
 * Returns 0, EINVAL (bad align) or ENOMEM, and does not set errno. */
int posix_memalign(void **out, size_t align, size_t size);

/* Ends the unikernel with status through plat_exit(). Nothing is flushed (nothing is buffered). */
_Noreturn void exit(int status);
/* Prints "abort() called" to the console and ends the unikernel with status 255. */
_Noreturn void abort(void);

#endif
