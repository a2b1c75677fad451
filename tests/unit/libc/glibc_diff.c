/*
 * Fata's libc against the host's glibc on random input: printf formats at random output sizes,
 * strtoll/strtoull on random strings, string functions, qsort. The libc objects are linked
 * with every symbol prefixed by fatalibc_ (libc.mk), so both libraries live in one program.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "../tap.h"
#include "printf_cases.h"
#include "strto_cases.h"

/* Fata's libc, renamed. */
int fatalibc_snprintf(char *buf, size_t size, const char *fmt, ...);
long long fatalibc_strtoll(const char *s, char **end, int base);
unsigned long long fatalibc_strtoull(const char *s, char **end, int base);
int fatalibc_strcmp(const char *a, const char *b);
int fatalibc_strncmp(const char *a, const char *b, size_t n);
int fatalibc_memcmp(const void *a, const void *b, size_t n);
int fatalibc_strcasecmp(const char *a, const char *b);
int fatalibc_strncasecmp(const char *a, const char *b, size_t n);
char *fatalibc_strstr(const char *h, const char *n);
char *fatalibc_strchr(const char *s, int c);
char *fatalibc_strrchr(const char *s, int c);
size_t fatalibc_strspn(const char *s, const char *a);
size_t fatalibc_strcspn(const char *s, const char *r);
size_t fatalibc_strnlen(const char *s, size_t n);
void *fatalibc_memmove(void *d, const void *s, size_t n);
void *fatalibc_memchr(const void *s, int c, size_t n);
char *fatalibc_strtok_r(char *s, const char *sep, char **save);
void fatalibc_qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
extern int fatalibc_errno;

/* The platform layer the renamed libc calls; this test never makes it print or exit. */
void fatalibc_plat_console_write(const char *buf, size_t len);
_Noreturn void fatalibc_plat_exit(int status);
uint64_t fatalibc_plat_wall_ns(void);

void fatalibc_plat_console_write(const char *buf, size_t len)
{
	if (write(2, buf, len) < 0)
		abort();
}

_Noreturn void fatalibc_plat_exit(int status)
{
	_exit(status);
}

uint64_t fatalibc_plat_wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

static unsigned pick(unsigned n)
{
	return (unsigned)(rnd() % n);
}

/* A value with the edge cases over-represented. */
static long long random_value(void)
{
	static const long long edges[] = {
		0, 1, -1, 7, -7, 9, 10, 15, 16, 255, 256, 32767, -32768, 65535, INT_MAX, INT_MIN,
		UINT_MAX, LLONG_MAX, LLONG_MIN, (long long)0x8000000000000000ULL + 1,
	};

	if (pick(3) == 0)
		return edges[pick(sizeof(edges) / sizeof(edges[0]))];
	return (long long)(rnd() >> pick(64));
}

/* --- printf ------------------------------------------------------------------------------------ */

enum argtype { A_NONE, A_INT, A_LL, A_PTR };

struct fmtcase {
	char fmt[96];
	int nstars;
	int star[2];
	enum argtype type;
	long long iv;
	const void *pv;
};

typedef int (*snprintf_fn)(char *, size_t, const char *, ...);

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#pragma GCC diagnostic ignored "-Wformat-security"
static int call(snprintf_fn fn, char *buf, size_t size, const struct fmtcase *c)
{
	const int *s = c->star;

	switch (c->type * 3 + c->nstars) {
	case A_NONE * 3: return fn(buf, size, c->fmt);
	case A_INT * 3: return fn(buf, size, c->fmt, (int)c->iv);
	case A_INT * 3 + 1: return fn(buf, size, c->fmt, s[0], (int)c->iv);
	case A_INT * 3 + 2: return fn(buf, size, c->fmt, s[0], s[1], (int)c->iv);
	case A_LL * 3: return fn(buf, size, c->fmt, c->iv);
	case A_LL * 3 + 1: return fn(buf, size, c->fmt, s[0], c->iv);
	case A_LL * 3 + 2: return fn(buf, size, c->fmt, s[0], s[1], c->iv);
	case A_PTR * 3: return fn(buf, size, c->fmt, c->pv);
	case A_PTR * 3 + 1: return fn(buf, size, c->fmt, s[0], c->pv);
	case A_PTR * 3 + 2: return fn(buf, size, c->fmt, s[0], s[1], c->pv);
	}
	abort();
}
#pragma GCC diagnostic pop

static const char *const strings[] = {
	"", "a", "hello", "with space", "0123456789abcdefghijklmnopqrstuvwxyz", "\xff\x80 high",
	"%d not a format",
};
static const char *const literals[] = { "", "x", "[", "] tail", "%%", "a%%b" };

/* Appends a random conversion that C defines (no flag or precision where it is undefined). */
static void random_conversion(struct fmtcase *c)
{
	static const char convs[] = "diuoxXcsp";
	static const char *const lengths[] = { "", "hh", "h", "l", "ll", "j", "z", "t" };
	char *f = c->fmt + strlen(c->fmt);
	char conv = convs[pick(sizeof(convs) - 1)];
	bool is_signed = conv == 'd' || conv == 'i', is_int = strchr("diuoxX", conv) != NULL;
	const char *len = "";

	*f++ = '%';
	if (pick(4) == 0)
		*f++ = '-';
	if (is_signed && pick(4) == 0)
		*f++ = '+';
	if (is_signed && pick(4) == 0)
		*f++ = ' ';
	if (strchr("oxX", conv) && pick(3) == 0)
		*f++ = '#';
	if (is_int && pick(3) == 0)
		*f++ = '0';
	switch (pick(3)) {
	case 0:
		break;
	case 1:
		f += sprintf(f, "%u", 1 + pick(30));
		break;
	default:
		*f++ = '*';
		c->star[c->nstars++] = (int)pick(61) - 30;
		break;
	}
	if (is_int || conv == 's') {
		switch (pick(4)) {
		case 0:
			break;
		case 1:
			f += sprintf(f, ".%u", pick(31));
			break;
		case 2:
			*f++ = '.';
			break;
		default:
			f += sprintf(f, ".*");
			c->star[c->nstars++] = (int)pick(36) - 5;
			break;
		}
	}
	if (is_int) {
		len = lengths[pick(8)];
		c->type = len[0] == '\0' || len[0] == 'h' ? A_INT : A_LL;
		c->iv = random_value();
	} else if (conv == 'c') {
		c->type = A_INT;
		c->iv = (long long)pick(256);
	} else if (conv == 's') {
		c->type = A_PTR;
		c->pv = strings[pick(sizeof(strings) / sizeof(strings[0]))];
	} else {
		c->type = A_PTR;
		c->pv = (const void *)(uintptr_t)((uint64_t)random_value() | 1);
	}
	f += sprintf(f, "%s%c", len, conv);
	*f = '\0';
}

static void test_printf_random(void)
{
	char a[512], b[512];
	int bad = 0, n = 0;

	for (int iter = 0; iter < 300000 && bad < 10; iter++) {
		struct fmtcase c = { .type = A_NONE };
		int full;

		strcpy(c.fmt, literals[pick(6)]);
		if (pick(10))
			random_conversion(&c);
		strcat(c.fmt, literals[pick(6)]);
		full = call(snprintf, NULL, 0, &c);
		for (int k = 0; k < 3; k++) {
			size_t size = k == 0 ? sizeof(a) : k == 1 ? 0 : pick((unsigned)full + 3);
			int ra, rb;

			memset(a, 0x5a, sizeof(a));
			memset(b, 0x5a, sizeof(b));
			ra = call(snprintf, size ? a : NULL, size, &c);
			rb = call(fatalibc_snprintf, size ? b : NULL, size, &c);
			n++;
			if (ra != rb || memcmp(a, b, sizeof(a)) != 0) {
				bad++;
				printf("#   \"%s\" (stars %d %d, value %lld) size %zu: glibc %d '%s', "
				       "fata %d '%s'\n", c.fmt, c.star[0], c.star[1], c.iv, size, ra,
				       size ? a : "", rb, size ? b : "");
			}
		}
	}
	ok(bad == 0, "snprintf matches glibc on %d random formats and sizes", n);
}

#define GLIBC_CASE(want, ...) do { \
	char a_[600], b_[600]; \
	int ra_ = snprintf(a_, sizeof(a_), __VA_ARGS__); \
	int rb_ = fatalibc_snprintf(b_, sizeof(b_), __VA_ARGS__); \
	if (ra_ != rb_ || strcmp(a_, b_) != 0 || strcmp(a_, want) != 0) { \
		bad++; \
		printf("#   %s: glibc '%s', fata '%s', table '%s'\n", #__VA_ARGS__, a_, b_, want); \
	} \
} while (0);

static void test_printf_table(void)
{
	int bad = 0;

	PRINTF_CASES(GLIBC_CASE)
	ok(bad == 0, "the printf table of libc_test.c is what glibc prints, and so does fata");
}

/* --- strtoll, strtoull ------------------------------------------------------------------------- */

static void random_number_string(char *s)
{
	static const char ws[] = " \t\n\v\f\r";
	static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyzABCXYZ";
	static const char *const prefixes[] = { "", "", "0", "0x", "0X", "00", "0x0" };
	static const char *const tails[] = { "", " ", "-", "+1", "x", "9", "g", "." };
	unsigned n;

	for (n = pick(3); n; n--)
		*s++ = ws[pick(sizeof(ws) - 1)];
	switch (pick(4)) {
	case 0: *s++ = '-'; break;
	case 1: *s++ = '+'; break;
	}
	s = stpcpy(s, prefixes[pick(7)]);
	for (n = pick(4) == 0 ? pick(40) : pick(12); n; n--)
		*s++ = digits[pick(pick(2) ? 10 : sizeof(digits) - 1)];
	strcpy(s, tails[pick(8)]);
}

static void test_strto_random(void)
{
	static const int bases[] = { 0, 0, 0, 8, 10, 10, 16, 16, 2, 3, 7, 20, 35, 36 };
	int bad = 0;
	char s[128];

	for (int iter = 0; iter < 300000 && bad < 10; iter++) {
		int base = pick(3) ? bases[pick(14)] : 2 + (int)pick(35);
		char *ea, *eb;

		random_number_string(s);
		errno = fatalibc_errno = 0;
		long long la = strtoll(s, &ea, base), lb = fatalibc_strtoll(s, &eb, base);

		if (la != lb || ea != eb || errno != fatalibc_errno) {
			bad++;
			printf("#   strtoll(\"%s\", %d): glibc %lld end %td errno %d, fata %lld end %td "
			       "errno %d\n", s, base, la, ea - s, errno, lb, eb - s, fatalibc_errno);
		}
		errno = fatalibc_errno = 0;
		unsigned long long ua = strtoull(s, &ea, base), ub = fatalibc_strtoull(s, &eb, base);

		if (ua != ub || ea != eb || errno != fatalibc_errno) {
			bad++;
			printf("#   strtoull(\"%s\", %d): glibc %llu end %td errno %d, fata %llu end %td "
			       "errno %d\n", s, base, ua, ea - s, errno, ub, eb - s, fatalibc_errno);
		}
	}
	ok(bad == 0, "strtoll and strtoull match glibc on 300000 random strings");
}

#define GLIBC_SIGNED(str, base, val, end, err) { \
	char *e_; \
	errno = 0; \
	long long v_ = strtoll(str, &e_, base); \
	if (v_ != (long long)(val) || e_ - (char *)(str) != (end) || errno != (err)) { \
		bad++; \
		printf("#   glibc strtoll(\"%s\", %d) = %lld\n", str, base, v_); \
	} \
}
#define GLIBC_UNSIGNED(str, base, val, end, err) { \
	char *e_; \
	errno = 0; \
	unsigned long long v_ = strtoull(str, &e_, base); \
	if (v_ != (unsigned long long)(val) || e_ - (char *)(str) != (end) || errno != (err)) { \
		bad++; \
		printf("#   glibc strtoull(\"%s\", %d) = %llu\n", str, base, v_); \
	} \
}

static void test_strto_table(void)
{
	int bad = 0;

	STRTO_CASES(GLIBC_SIGNED, GLIBC_UNSIGNED)
	ok(bad == 0, "the strtol table of libc_test.c is what glibc returns");
}

/* --- strings and qsort ------------------------------------------------------------------------- */

static int sign(int x)
{
	return (x > 0) - (x < 0);
}

static void random_word(char *s, size_t max)
{
	static const char alphabet[] = "abAB,\x80\xff";
	size_t n = pick((unsigned)max);

	for (size_t i = 0; i < n; i++)
		s[i] = alphabet[pick(sizeof(alphabet) - 1)];
	s[n] = '\0';
}

static void test_strings_random(void)
{
	int bad = 0;
	const char *what = NULL;
	char x[32], y[32], z[8], m1[64], m2[64];

	for (int iter = 0; iter < 200000 && bad < 10; iter++) {
		size_t n = pick(10);
		int c = "abAB,\x80"[pick(6)];

		random_word(x, 12);
		random_word(y, 12);
		random_word(z, 4);
		if (sign(strcmp(x, y)) != sign(fatalibc_strcmp(x, y))) {
			bad++;
			what = what ? what : "strcmp";
		}
		if (sign(strncmp(x, y, n)) != sign(fatalibc_strncmp(x, y, n))) {
			bad++;
			what = what ? what : "strncmp";
		}
		if (sign(memcmp(x, y, n < sizeof(x) ? n : 0)) !=
		       sign(fatalibc_memcmp(x, y, n < sizeof(x) ? n : 0))) {
			bad++;
			what = what ? what : "memcmp";
		}
		if (sign(strcasecmp(x, y)) != sign(fatalibc_strcasecmp(x, y))) {
			bad++;
			what = what ? what : "strcasecmp";
		}
		if (sign(strncasecmp(x, y, n)) != sign(fatalibc_strncasecmp(x, y, n))) {
			bad++;
			what = what ? what : "strncasecmp";
		}
		if (strstr(x, z) != fatalibc_strstr(x, z)) {
			bad++;
			what = what ? what : "strstr";
		}
		if (strchr(x, c) != fatalibc_strchr(x, c)) {
			bad++;
			what = what ? what : "strchr";
		}
		if (strrchr(x, c) != fatalibc_strrchr(x, c)) {
			bad++;
			what = what ? what : "strrchr";
		}
		if (strchr(x, 0) != fatalibc_strchr(x, 0)) {
			bad++;
			what = what ? what : "strchr";
		}
		if (strspn(x, z) != fatalibc_strspn(x, z)) {
			bad++;
			what = what ? what : "strspn";
		}
		if (strcspn(x, z) != fatalibc_strcspn(x, z)) {
			bad++;
			what = what ? what : "strcspn";
		}
		if (strnlen(x, n) != fatalibc_strnlen(x, n)) {
			bad++;
			what = what ? what : "strnlen";
		}
		if (memchr(x, c, n) != fatalibc_memchr(x, c, n)) {
			bad++;
			what = what ? what : "memchr";
		}
		{
			char ta[32] = { 0 }, tb[32] = { 0 }, *sa, *sb, *pa, *pb;

			strcpy(ta, x);
			strcpy(tb, x);
			pa = strtok_r(ta, z, &sa);
			pb = fatalibc_strtok_r(tb, z, &sb);
			while (pa && pb && pa - ta == pb - tb) {
				pa = strtok_r(NULL, z, &sa);
				pb = fatalibc_strtok_r(NULL, z, &sb);
			}
			if (pa || pb || memcmp(ta, tb, sizeof(ta)) != 0) {
				bad++;
				what = what ? what : "strtok_r";
			}
		}
		{
			size_t len = pick(40), from = pick(20), to = pick(20);

			for (size_t i = 0; i < sizeof(m1); i++)
				m1[i] = m2[i] = (char)rnd();
			memmove(m1 + to, m1 + from, len);
			fatalibc_memmove(m2 + to, m2 + from, len);
			if (memcmp(m1, m2, sizeof(m1)) != 0) {
				bad++;
				what = what ? what : "memmove";
			}
		}
		if (bad && iter < 1000000) {
			printf("#   %s: x '%s' y '%s' z '%s' n %zu c %d\n", what, x, y, z, n, c);
			iter = 1000000;
		}
	}
	ok(bad == 0, "string functions match glibc on random strings");
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static void test_qsort_random(void)
{
	static int a[3000], b[3000];
	int bad = 0;

	for (int iter = 0; iter < 2000; iter++) {
		size_t n = pick(iter % 10 == 0 ? 3000 : 100);
		unsigned range = 1u + pick(iter % 2 ? 10 : 1000000);

		for (size_t i = 0; i < n; i++)
			a[i] = b[i] = (int)pick(range) - (int)(range / 2);
		qsort(a, n, sizeof(int), cmp_int);
		fatalibc_qsort(b, n, sizeof(int), cmp_int);
		bad += memcmp(a, b, n * sizeof(int)) != 0;
	}
	ok(bad == 0, "qsort sorts like glibc's on 2000 random arrays");
}

int main(void)
{
	test_printf_table();
	test_printf_random();
	test_strto_table();
	test_strto_random();
	test_strings_random();
	test_qsort_random();
	return tap_done();
}
