/* Integer parsing (strtol family, atoi), abs, qsort and bsearch (stdlib.h, inttypes.h). */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

/* The value of c as a digit in bases up to 36, or 36 if it is not one. */
static unsigned digit(char c)
{
	if (c >= '0' && c <= '9')
		return (unsigned)(c - '0');
	if (c >= 'a' && c <= 'z')
		return (unsigned)(c - 'a') + 10;
	if (c >= 'A' && c <= 'Z')
		return (unsigned)(c - 'A') + 10;
	return 36;
}

/* What scan() found: the magnitude (saturated at ULLONG_MAX when `big`) and the sign. */
struct number {
	unsigned long long mag;
	bool neg;
	bool big;	/* the magnitude does not fit unsigned long long */
};

/*
 * The common part of the strto* functions (C11 7.22.1.4): the subject sequence after white
 * space and an optional sign, with base 0 picking 8, 10 or 16 from the prefix. Sets *endptr and,
 * for a bad base, errno.
 */
static struct number scan(const char *str, char **endptr, int base)
{
	struct number r = { 0, false, false };
	const char *s = str, *digits;
	unsigned b, d;

	if (base < 0 || base == 1 || base > 36) {
		errno = EINVAL;
		if (endptr)
			*endptr = (char *)str;
		return r;
	}
	while (isspace((unsigned char)*s))
		s++;
	if (*s == '+' || *s == '-')
		r.neg = *s++ == '-';
	/* "0x" is a prefix only if a hex digit follows; otherwise the subject is just "0". */
	if ((base == 0 || base == 16) && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
	    digit(s[2]) < 16) {
		s += 2;
		base = 16;
	} else if (base == 0) {
		base = s[0] == '0' ? 8 : 10;
	}
	b = (unsigned)base;
	for (digits = s; (d = digit(*s)) < b; s++) {
		if (r.big || r.mag > (ULLONG_MAX - d) / b) {
			r.big = true;
			r.mag = ULLONG_MAX;
		} else {
			r.mag = r.mag * b + d;
		}
	}
	if (endptr)
		*endptr = (char *)(s == digits ? str : s);
	return r;
}

unsigned long long strtoull(const char *restrict str, char **restrict endptr, int base)
{
	struct number r = scan(str, endptr, base);

	if (r.big) {
		errno = ERANGE;
		return ULLONG_MAX;
	}
	return r.neg ? 0 - r.mag : r.mag;
}

long long strtoll(const char *restrict str, char **restrict endptr, int base)
{
	struct number r = scan(str, endptr, base);

	if (r.neg) {
		if (r.big || r.mag > (unsigned long long)LLONG_MAX + 1) {
			errno = ERANGE;
			return LLONG_MIN;
		}
		return r.mag ? -(long long)(r.mag - 1) - 1 : 0;
	}
	if (r.big || r.mag > LLONG_MAX) {
		errno = ERANGE;
		return LLONG_MAX;
	}
	return (long long)r.mag;
}

_Static_assert(sizeof(long) == sizeof(long long) && sizeof(intmax_t) == sizeof(long long),
	       "LP64: long, long long and intmax_t are one type size");

long strtol(const char *restrict str, char **restrict endptr, int base)
{
	return strtoll(str, endptr, base);
}

unsigned long strtoul(const char *restrict str, char **restrict endptr, int base)
{
	return strtoull(str, endptr, base);
}

intmax_t strtoimax(const char *restrict str, char **restrict endptr, int base)
{
	return strtoll(str, endptr, base);
}

uintmax_t strtoumax(const char *restrict str, char **restrict endptr, int base)
{
	return strtoull(str, endptr, base);
}

int atoi(const char *s) { return (int)strtol(s, NULL, 10); }
long atol(const char *s) { return strtol(s, NULL, 10); }
long long atoll(const char *s) { return strtoll(s, NULL, 10); }

int abs(int n) { return n < 0 ? -n : n; }
long labs(long n) { return n < 0 ? -n : n; }
long long llabs(long long n) { return n < 0 ? -n : n; }
intmax_t imaxabs(intmax_t n) { return n < 0 ? -n : n; }

/* qsort: introsort. Quicksort with a median-of-three pivot, insertion sort for short runs, and
 * heapsort when the recursion gets deeper than 2 log2 n, which bounds the worst case. */

typedef int (*cmp_fn)(const void *, const void *);

struct sort {
	char *base;
	size_t size;
	cmp_fn cmp;
	bool words;	/* elements are whole aligned words: swap by word */
};

#define ELT(s, i) ((s)->base + (i) * (s)->size)

static void swap(const struct sort *s, size_t i, size_t j)
{
	if (i == j)
		return;
	if (s->words) {
		unsigned long *a = (unsigned long *)(void *)ELT(s, i);
		unsigned long *b = (unsigned long *)(void *)ELT(s, j);

		for (size_t n = s->size / sizeof(long); n; n--, a++, b++) {
			unsigned long t = *a;

			*a = *b;
			*b = t;
		}
	} else {
		char *a = ELT(s, i), *b = ELT(s, j);

		for (size_t n = s->size; n; n--, a++, b++) {
			char t = *a;

			*a = *b;
			*b = t;
		}
	}
}

static int cmp(const struct sort *s, size_t i, size_t j)
{
	return s->cmp(ELT(s, i), ELT(s, j));
}

/* Sorts elements [lo, lo + n). */
static void insertion_sort(const struct sort *s, size_t lo, size_t n)
{
	for (size_t i = lo + 1; i < lo + n; i++)
		for (size_t j = i; j > lo && cmp(s, j - 1, j) > 0; j--)
			swap(s, j - 1, j);
}

/* Restores the max-heap of [lo, lo + n) below node root (0-based within the range). */
static void sift_down(const struct sort *s, size_t lo, size_t root, size_t n)
{
	for (;;) {
		size_t child = 2 * root + 1;

		if (child >= n)
			return;
		if (child + 1 < n && cmp(s, lo + child, lo + child + 1) < 0)
			child++;
		if (cmp(s, lo + root, lo + child) >= 0)
			return;
		swap(s, lo + root, lo + child);
		root = child;
	}
}

static void heap_sort(const struct sort *s, size_t lo, size_t n)
{
	for (size_t i = n / 2; i > 0; i--)
		sift_down(s, lo, i - 1, n);
	for (size_t end = n - 1; end > 0; end--) {
		swap(s, lo, lo + end);
		sift_down(s, lo, 0, end);
	}
}

/* The index of the median of elements a, b and c. */
static size_t median3(const struct sort *s, size_t a, size_t b, size_t c)
{
	if (cmp(s, a, b) < 0) {
		if (cmp(s, b, c) < 0)
			return b;
		return cmp(s, a, c) < 0 ? c : a;
	}
	if (cmp(s, a, c) < 0)
		return a;
	return cmp(s, b, c) < 0 ? c : b;
}

static void intro_sort(const struct sort *s, size_t lo, size_t n, unsigned depth)
{
	while (n > 16) {
		size_t mid = lo + n / 2, last = lo + n - 1, m, i, j;

		if (depth-- == 0) {
			heap_sort(s, lo, n);
			return;
		}
		/* Pivot: the median of three, or for longer runs the median of three medians of
		 * three (Tukey's ninther), which copes with organ pipes and similar inputs. */
		if (n > 64) {
			size_t k = n / 8;

			m = median3(s, median3(s, lo, lo + k, lo + 2 * k),
				    median3(s, mid - k, mid, mid + k),
				    median3(s, last - 2 * k, last - k, last));
		} else {
			m = median3(s, lo, mid, last);
		}
		swap(s, lo, m);
		/* Hoare partition around ELT(lo); scans stop on equal keys, so runs of equal
		 * elements split evenly. */
		i = lo;
		j = lo + n;
		for (;;) {
			do
				i++;
			while (i < lo + n && cmp(s, i, lo) < 0);
			do
				j--;
			while (cmp(s, j, lo) > 0);
			if (i >= j)
				break;
			swap(s, i, j);
		}
		swap(s, lo, j);
		/* Recurse into the smaller side, loop on the larger: O(log n) stack. */
		if (j - lo < lo + n - (j + 1)) {
			intro_sort(s, lo, j - lo, depth);
			n = lo + n - (j + 1);
			lo = j + 1;
		} else {
			intro_sort(s, j + 1, lo + n - (j + 1), depth);
			n = j - lo;
		}
	}
	insertion_sort(s, lo, n);
}

void qsort(void *base, size_t n, size_t size, int (*cmpf)(const void *, const void *))
{
	struct sort s = { base, size, cmpf, false };
	unsigned depth = 0;

	if (n < 2 || size == 0)
		return;
	s.words = ((uintptr_t)base % sizeof(long)) == 0 && size % sizeof(long) == 0;
	for (size_t m = n; m > 1; m >>= 1)
		depth += 2;
	intro_sort(&s, 0, n, depth);
}

void *bsearch(const void *key, const void *base, size_t n, size_t size,
	      int (*cmpf)(const void *, const void *))
{
	const char *lo = base;

	while (n > 0) {
		const char *mid = lo + (n / 2) * size;
		int c = cmpf(key, mid);

		if (c == 0)
			return (void *)mid;
		if (c > 0) {
			lo = mid + size;
			n -= n / 2 + 1;
		} else {
			n /= 2;
		}
	}
	return NULL;
}
