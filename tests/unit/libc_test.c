/* Unit test of the freestanding libc (libc/), built and run as a static Linux program (libc.mk). */
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include "fata_heap.h"
#include "fata_ssp.h"
#include <inttypes.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>
#include <time.h>

#include "libc/printf_cases.h"
#include "libc/strto_cases.h"
#include "libc/sys.h"

/* --- TAP, written straight to fd 1 so that console captures do not see it -------------------- */

static int tap_n, tap_failed;

static void say(const char *s)
{
	sys_write_all(1, s, strlen(s));
}

__attribute__((format(printf, 1, 2)))
static void diag(const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	say("#   ");
	say(line);
	say("\n");
}

/* Prints "ok N - description" ('#' escaped, as TAP reads it as a directive) and returns pass. */
__attribute__((format(printf, 2, 3)))
static bool ok(bool pass, const char *fmt, ...)
{
	char desc[512], line[1200];
	size_t n;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(desc, sizeof(desc), fmt, ap);
	va_end(ap);
	n = (size_t)snprintf(line, sizeof(line), "%sok %d - ", pass ? "" : "not ", ++tap_n);
	for (const char *d = desc; *d && n < sizeof(line) - 3; d++) {
		if (*d == '#' || *d == '\\')
			line[n++] = '\\';
		line[n++] = *d == '\n' ? ' ' : *d;
	}
	line[n++] = '\n';
	sys_write_all(1, line, n);
	if (!pass)
		tap_failed++;
	return pass;
}

#define is_long(got, want, ...) do { \
	long long g_ = (long long)(got), w_ = (long long)(want); \
	if (!ok(g_ == w_, __VA_ARGS__)) \
		diag("got %lld, expected %lld", g_, w_); \
} while (0)

#define is_str(got, want, ...) do { \
	const char *g_ = (got), *w_ = (want); \
	if (!ok(g_ && w_ && strcmp(g_, w_) == 0, __VA_ARGS__)) \
		diag("got '%s', expected '%s'", g_ ? g_ : "(null)", w_ ? w_ : "(null)"); \
} while (0)

/* A deterministic pseudo-random generator (xorshift64*). */
static uint64_t rng_state = 0x2545f4914f6cdd1dULL;

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

/* --- compile-time facts: limits.h and inttypes.h agree with the compiler ------------------------ */

_Static_assert(CHAR_BIT == __CHAR_BIT__, "CHAR_BIT");
_Static_assert(SCHAR_MAX == __SCHAR_MAX__ && SCHAR_MIN == -__SCHAR_MAX__ - 1, "SCHAR");
_Static_assert(CHAR_MIN == SCHAR_MIN && CHAR_MAX == SCHAR_MAX, "char is signed on x86_64");
_Static_assert(UCHAR_MAX == 2 * __SCHAR_MAX__ + 1, "UCHAR_MAX");
_Static_assert(SHRT_MAX == __SHRT_MAX__ && SHRT_MIN == -__SHRT_MAX__ - 1, "SHRT");
_Static_assert(USHRT_MAX == 2 * __SHRT_MAX__ + 1, "USHRT_MAX");
_Static_assert(INT_MAX == __INT_MAX__ && INT_MIN == -__INT_MAX__ - 1, "INT");
_Static_assert(UINT_MAX == 2u * __INT_MAX__ + 1, "UINT_MAX");
_Static_assert(LONG_MAX == __LONG_MAX__ && LONG_MIN == -__LONG_MAX__ - 1, "LONG");
_Static_assert(ULONG_MAX == 2ul * __LONG_MAX__ + 1, "ULONG_MAX");
_Static_assert(LLONG_MAX == __LONG_LONG_MAX__ && LLONG_MIN == -__LONG_LONG_MAX__ - 1, "LLONG");
_Static_assert(ULLONG_MAX == 2ull * __LONG_LONG_MAX__ + 1, "ULLONG_MAX");
_Static_assert(SSIZE_MAX == __LONG_MAX__, "SSIZE_MAX");
_Static_assert(_Generic(INT_MIN, int: 1, default: 0) && _Generic(UINT_MAX, unsigned: 1, default: 0),
	       "int limits are ints");
_Static_assert(_Generic(LONG_MIN, long: 1, default: 0) &&
	       _Generic(ULONG_MAX, unsigned long: 1, default: 0), "long limits are longs");
_Static_assert(_Generic(LLONG_MIN, long long: 1, default: 0) &&
	       _Generic(ULLONG_MAX, unsigned long long: 1, default: 0), "long long limits");
#if INT_MAX != 2147483647 || LONG_MAX != 9223372036854775807 || CHAR_MIN != -128
#error "limits.h is not usable in #if"
#endif
_Static_assert(_Generic((int64_t)0, long: 1, default: 0), "PRId64 is ld");
_Static_assert(_Generic((intmax_t)0, long: 1, default: 0), "PRIdMAX is ld");
_Static_assert(_Generic((intptr_t)0, long: 1, default: 0), "PRIdPTR is ld");
_Static_assert(sizeof(ssize_t) == sizeof(size_t) && (ssize_t)-1 < 0, "ssize_t");
_Static_assert(sizeof(off_t) == 8 && (off_t)-1 < 0 && sizeof(time_t) == 8, "off_t, time_t");
_Static_assert(sizeof(jmp_buf) == 64, "jmp_buf holds 8 registers");

static void test_headers(void)
{
	char buf[256];
	struct timespec ts = { .tv_sec = 1, .tv_nsec = 2 };

	/* -Wformat checks each macro against its type at compile time (the PRI*FAST* ones follow the
	 * compiler's stdint.h); this checks the output. */
	snprintf(buf, sizeof(buf), "%" PRIdFAST16 " %" PRIuFAST32 " %" PRIxLEAST64 " %" PRIdMAX
		 " %" PRIuPTR " %" PRIdLEAST8 " %" PRIiFAST8 " %" PRIoFAST64 " %" PRIXLEAST16
		 " %" PRIuMAX, (int_fast16_t)-1, (uint_fast32_t)2, (uint_least64_t)255,
		 (intmax_t)-4, (uintptr_t)5, (int_least8_t)-6, (int_fast8_t)7,
		 (uint_fast64_t)8, (uint_least16_t)0xab, (uintmax_t)9);
	is_str(buf, "-1 2 ff -4 5 -6 7 10 AB 9", "inttypes.h PRI macros");
	is_long(ts.tv_sec + ts.tv_nsec, 3, "time.h struct timespec");
	is_long(EXIT_SUCCESS, 0, "EXIT_SUCCESS");
	is_long(EXIT_FAILURE, 1, "EXIT_FAILURE");
	is_long(EOF, -1, "EOF");
}

/* --- errno and strerror ------------------------------------------------------------------------ */

static void test_errno(void)
{
	errno = 0;
	is_long(errno, 0, "errno is an lvalue");
	errno = EINVAL;
	is_long(errno, 22, "errno keeps a value");
	is_long(ENOMEM + EAGAIN + ERANGE + EOVERFLOW + ETIMEDOUT + ECONNREFUSED, 12 + 11 + 34 + 75 +
		110 + 111, "Linux errno values");
	ok(EWOULDBLOCK == EAGAIN && ENOTSUP == EOPNOTSUPP, "errno aliases");
	is_str(strerror(ENOMEM), "Out of memory", "strerror(ENOMEM)");
	is_str(strerror(EINVAL), "Invalid argument", "strerror(EINVAL)");
	is_str(strerror(ECANCELED), "Operation canceled", "strerror(ECANCELED)");
	is_str(strerror(0), "Success", "strerror(0)");
	is_str(strerror(9999), "Unknown error", "strerror(9999)");
	is_str(strerror(-1), "Unknown error", "strerror(-1)");
	is_str(strerror(41), "Unknown error", "strerror of an unused number");
}

/* --- printf family ----------------------------------------------------------------------------- */

/* One format checked at every output size from 0 to its length + 2. */
struct fmt_check {
	const char *want;
	const char *desc;
	size_t want_len;
	size_t size;		/* the size being tried */
	long bad_size;		/* the first size that failed, or -1 */
	int bad_ret;
	char buf[600];
	char bad_buf[600];
};

static bool fmt_next(struct fmt_check *c)
{
	if (c->size == 0) {
		c->want_len = strlen(c->want);
		c->bad_size = -1;
	}
	if (c->bad_size >= 0 || c->size > c->want_len + 2 || c->size > sizeof(c->buf) - 16)
		return false;
	memset(c->buf, 0x5a, sizeof(c->buf));
	return true;
}

static void fmt_got(struct fmt_check *c, int ret)
{
	size_t n = c->size, keep = n ? (n - 1 < c->want_len ? n - 1 : c->want_len) : 0;
	bool good = ret >= 0 && (size_t)ret == c->want_len;

	if (n > 0)
		good = good && memcmp(c->buf, c->want, keep) == 0 && c->buf[keep] == '\0';
	for (size_t i = n; i < sizeof(c->buf); i++)
		good = good && c->buf[i] == 0x5a;
	if (!good) {
		c->bad_size = (long)n;
		c->bad_ret = ret;
		memcpy(c->bad_buf, c->buf, sizeof(c->buf));
		c->bad_buf[n ? n - 1 : 0] = '\0';
	}
}

static void fmt_report(struct fmt_check *c)
{
	if (!ok(c->bad_size < 0, "snprintf(%s) = \"%s\" at every size", c->desc, c->want))
		diag("size %ld: returned %d, wrote '%s'", c->bad_size, c->bad_ret,
		     c->bad_size ? c->bad_buf : "(nothing)");
}

#define CHECK_FMT(want_, ...) do { \
	static struct fmt_check c_; \
	c_.want = want_; \
	c_.desc = #__VA_ARGS__; \
	for (c_.size = 0; fmt_next(&c_); c_.size++) \
		fmt_got(&c_, snprintf(c_.size ? c_.buf : NULL, c_.size, __VA_ARGS__)); \
	fmt_report(&c_); \
} while (0);

__attribute__((format(printf, 3, 4)))
static int via_vsnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return r;
}

__attribute__((format(printf, 2, 3)))
static int via_vsprintf(char *buf, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vsprintf(buf, fmt, ap);
	va_end(ap);
	return r;
}

static int other_fails;

/* Counts outputs of another entry point that differ from the expected one. */
#define CHECK_OTHER(call, want_, ...) do { \
	char b_[600]; \
	memset(b_, 0x5a, sizeof(b_)); \
	int r_ = call; \
	if (r_ != (int)strlen(want_) || strcmp(b_, want_) != 0) { \
		other_fails++; \
		diag("%s(%s) returned %d, wrote '%s'", #call, #__VA_ARGS__, r_, b_); \
	} \
} while (0);
#define CHECK_VSNPRINTF(want_, ...) CHECK_OTHER(via_vsnprintf(b_, sizeof(b_), __VA_ARGS__), want_, __VA_ARGS__)
#define CHECK_SPRINTF(want_, ...) CHECK_OTHER(sprintf(b_, __VA_ARGS__), want_, __VA_ARGS__)
#define CHECK_VSPRINTF(want_, ...) CHECK_OTHER(via_vsprintf(b_, __VA_ARGS__), want_, __VA_ARGS__)

static void test_printf_cases(void)
{
	PRINTF_CASES(CHECK_FMT)
	other_fails = 0;
	PRINTF_CASES(CHECK_VSNPRINTF)
	is_long(other_fails, 0, "vsnprintf agrees on every case");
	other_fails = 0;
	PRINTF_CASES(CHECK_SPRINTF)
	is_long(other_fails, 0, "sprintf agrees on every case");
	other_fails = 0;
	PRINTF_CASES(CHECK_VSPRINTF)
	is_long(other_fails, 0, "vsprintf agrees on every case");
}

/* Formats C leaves undefined or that GCC warns about, with Fata's documented results. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
#pragma GCC diagnostic ignored "-Wformat-zero-length"
#pragma GCC diagnostic ignored "-Wformat-overflow"
static void test_printf_fata_cases(void)
{
	char buf[64];
	int n = 12345, r;

	PRINTF_FATA_CASES(CHECK_FMT)
	r = snprintf(buf, sizeof(buf), "a%nb", &n);
	ok(r == 2 && n == 12345, "%%n writes nothing");

	errno = 0;
	r = snprintf(NULL, 0, "%2147483648d", 1);
	ok(r == -1 && errno == EOVERFLOW, "width over INT_MAX: -1, EOVERFLOW");
	errno = 0;
	r = snprintf(NULL, 0, "%.2147483648d", 1);
	ok(r == -1 && errno == EOVERFLOW, "precision over INT_MAX: -1, EOVERFLOW");
	errno = 0;
	r = snprintf(NULL, 0, "%99999999999999999999d", 1);
	ok(r == -1 && errno == EOVERFLOW, "width far over INT_MAX: -1, EOVERFLOW");
}

static void test_printf_more(void)
{
	char buf[64], small[10];
	int r;

	memset(buf, 'x', sizeof(buf));
	r = snprintf(buf, sizeof(buf), "a%cb", 0);
	ok(r == 3 && memcmp(buf, "a\0b\0", 4) == 0, "%%c of 0 writes a NUL");
	{
		char abc[3] = { 'a', 'b', 'c' };	/* no terminator */

		r = snprintf(buf, sizeof(buf), "[%.3s]", abc);
		is_str(buf, "[abc]", "%%.3s of an unterminated array");
	}
	r = snprintf(NULL, 0, "%*d", INT_MAX, 1);
	is_long(r, INT_MAX, "output of exactly INT_MAX bytes is counted");
	errno = 0;
	memset(small, 'x', sizeof(small));
	r = snprintf(small, sizeof(small), "%*d%d", INT_MAX, 1, 1);
	ok(r == -1 && errno == EOVERFLOW && strcmp(small, "         ") == 0,
	   "output over INT_MAX: -1, EOVERFLOW, buffer terminated");
	errno = 0;
	r = snprintf(small, sizeof(small), "%*d", INT_MIN, 1);
	ok(r == -1 && errno == EOVERFLOW, "width INT_MIN from *: -1, EOVERFLOW");
	r = snprintf(small, sizeof(small), "%.*d", INT_MAX, 7);
	ok(r == INT_MAX && strcmp(small, "000000000") == 0, "precision INT_MAX into 10 bytes");
	r = snprintf(small, 0, "abc");
	ok(r == 3 && small[0] == '0', "size 0 writes nothing");
	r = snprintf(buf, 1, "abc");
	ok(r == 3 && buf[0] == '\0', "size 1 writes only the NUL");
	r = snprintf(buf, sizeof(buf), "%s", "");
	ok(r == 0 && buf[0] == '\0', "empty output");
	{
		char big[700];

		r = snprintf(big, sizeof(big), "%s|%600d|%s", "a", 5, "b");
		ok(r == 604 && big[0] == 'a' && big[1] == '|' && big[601] == '5' &&
		   strcmp(big + 602, "|b") == 0 && strspn(big + 2, " ") == 599,
		   "output longer than the console chunk");
	}
}

#pragma GCC diagnostic pop

static bool captured(const char *want, size_t len)
{
	return capture_len == len && memcmp(capture_buf, want, len) == 0;
}

__attribute__((format(printf, 1, 2)))
static int via_vprintf(const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vprintf(fmt, ap);
	va_end(ap);
	return r;
}

__attribute__((format(printf, 2, 3)))
static int via_vfprintf(FILE *f, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vfprintf(f, fmt, ap);
	va_end(ap);
	return r;
}

static void test_console(void)
{
	char want[1200];
	int r;

	capture_start();
	r = printf("x=%d %s\n", 5, "ok");
	capture_stop();
	ok(r == 7 && captured("x=5 ok\n", 7) && capture_writes == 1, "printf: one write");

	capture_start();
	r = printf("%s", "");
	capture_stop();
	ok(r == 0 && capture_len == 0 && capture_writes == 0, "printf of nothing writes nothing");

	capture_start();
	r = printf("%1000d", 42);
	capture_stop();
	memset(want, ' ', 998);
	memcpy(want + 998, "42", 2);
	ok(r == 1000 && captured(want, 1000) && capture_writes == 4,
	   "printf of 1000 bytes: 4 writes of at most 256");
	if (capture_writes != 4)
		diag("%d writes", capture_writes);

	capture_start();
	r = via_vprintf("%c%c", 'a', 'b');
	capture_stop();
	ok(r == 2 && captured("ab", 2) && capture_writes == 1, "vprintf");

	capture_start();
	r = fprintf(stderr, "err %u", 7u);
	r += fprintf(stdout, "|out");
	r += via_vfprintf(stderr, "|%x", 255);
	capture_stop();
	ok(r == 12 && captured("err 7|out|ff", 12) && capture_writes == 3, "fprintf, vfprintf");

	capture_start();
	r = puts("line");
	capture_stop();
	ok(r >= 0 && captured("line\n", 5) && capture_writes == 1, "puts adds a newline, one write");

	capture_start();
	r = puts("");
	capture_stop();
	ok(r >= 0 && captured("\n", 1), "puts(\"\")");

	capture_start();
	memset(want, 'p', 700);
	want[700] = '\0';
	r = puts(want);
	capture_stop();
	want[700] = '\n';
	ok(r >= 0 && captured(want, 701), "puts of a long line");

	capture_start();
	r = fputs("no newline", stdout);
	capture_stop();
	ok(r >= 0 && captured("no newline", 10), "fputs");

	capture_start();
	r = putchar('A');
	ok(r == 'A', "putchar returns the character");
	r = putchar(0x1ff);
	ok(r == 0xff, "putchar returns it as an unsigned char");
	r = fputc('b', stderr);
	r += putc('c', stdout);
	capture_stop();
	ok(r == 'b' + 'c' && captured("A\xff" "bc", 4), "putchar, fputc, putc");

	capture_start();
	ok(fwrite("abcdef", 2, 3, stdout) == 3, "fwrite returns the items");
	ok(fwrite("abcdef", 0, 3, stdout) == 0 && fwrite("abcdef", 3, 0, stdout) == 0,
	   "fwrite of nothing returns 0");
	ok(fwrite("x", SIZE_MAX, 2, stdout) == 0, "fwrite with a size overflow returns 0");
	capture_stop();
	ok(captured("abcdef", 6) && capture_writes == 1, "fwrite writes");
	ok(fflush(stdout) == 0 && fflush(stderr) == 0 && fflush(NULL) == 0, "fflush");
	ok(stdout != stderr, "stdout and stderr are two objects");
}

/* --- strtol family ----------------------------------------------------------------------------- */

static int strto_fails;

static void strto_check(const char *fn, const char *str, int base, bool is_signed, long long sv,
			unsigned long long uv, char *end, long long want, long want_end, int want_errno,
			int got_errno)
{
	bool good = (end - str) == want_end && got_errno == want_errno &&
		    (is_signed ? sv == want : uv == (unsigned long long)want);

	if (!good) {
		strto_fails++;
		diag("%s(\"%s\", %d): %lld/%llu end %ld errno %d; expected %lld end %ld errno %d", fn,
		     str, base, sv, uv, (long)(end - str), got_errno, want, want_end, want_errno);
	}
}

#define CHECK_SIGNED(str, base, val, end, err) { \
	char *e_ = NULL; \
	errno = 0; long long ll_ = strtoll(str, &e_, base); \
	strto_check("strtoll", str, base, true, ll_, 0, e_, (long long)(val), end, err, errno); \
	errno = 0; long l_ = strtol(str, &e_, base); \
	strto_check("strtol", str, base, true, l_, 0, e_, (long long)(val), end, err, errno); \
	errno = 0; intmax_t im_ = strtoimax(str, &e_, base); \
	strto_check("strtoimax", str, base, true, im_, 0, e_, (long long)(val), end, err, errno); \
}
#define CHECK_UNSIGNED(str, base, val, end, err) { \
	char *e_ = NULL; \
	errno = 0; unsigned long long ull_ = strtoull(str, &e_, base); \
	strto_check("strtoull", str, base, false, 0, ull_, e_, (long long)(val), end, err, errno); \
	errno = 0; unsigned long ul_ = strtoul(str, &e_, base); \
	strto_check("strtoul", str, base, false, 0, ul_, e_, (long long)(val), end, err, errno); \
	errno = 0; uintmax_t um_ = strtoumax(str, &e_, base); \
	strto_check("strtoumax", str, base, false, 0, um_, e_, (long long)(val), end, err, errno); \
}

#define COUNT_CASE(str, ...) str,

static void test_strto(void)
{
	char *end;
	char digits[80];

	strto_fails = 0;
	STRTO_CASES(CHECK_SIGNED, CHECK_UNSIGNED)
	is_long(strto_fails, 0, "strtol, strtoll, strtoimax, strtoul, strtoull, strtoumax: %d cases",
		(int)(sizeof((const char *[]){ STRTO_CASES(COUNT_CASE, COUNT_CASE) }) /
		      sizeof(const char *)));
	strto_fails = 0;
	STRTO_FATA_CASES(CHECK_SIGNED, CHECK_UNSIGNED)
	is_long(strto_fails, 0, "bad base: 0, EINVAL, *endptr = the string");

	errno = 0;
	is_long(strtol("123", NULL, 10), 123, "endptr may be NULL");
	errno = 0;
	strtol("-0x7fffffffffffffff", &end, 16);
	ok(errno == 0 && *end == '\0', "errno untouched on success");
	errno = EDOM;
	strtol("5", NULL, 10);
	is_long(errno, EDOM, "errno not cleared on success");

	/* Every base from 2 to 36 on its largest digit repeated up to overflow. */
	strto_fails = 0;
	for (int b = 2; b <= 36; b++) {
		unsigned long long v = 0;
		int n = 0;
		bool over = false;

		for (; n < 70; n++) {
			digits[n] = (char)(b - 1 < 10 ? '0' + b - 1 : 'a' + b - 11);
			digits[n + 1] = '\0';
			over = over || v > (ULLONG_MAX - (unsigned)(b - 1)) / (unsigned)b;
			v = v * (unsigned)b + (unsigned)(b - 1);
			errno = 0;
			unsigned long long got = strtoull(digits, &end, b);

			if (end != digits + n + 1 || (over ? got != ULLONG_MAX || errno != ERANGE
						      : got != v || errno != 0)) {
				strto_fails++;
				diag("base %d, %d digits: %llu errno %d", b, n + 1, got, errno);
				break;
			}
			if (over)
				break;
		}
	}
	is_long(strto_fails, 0, "strtoull in every base up to overflow");

	is_long(atoi("  -12abc"), -12, "atoi");
	is_long(atoi("2147483647"), INT_MAX, "atoi(INT_MAX)");
	is_long(atoi("-2147483648"), INT_MIN, "atoi(INT_MIN)");
	is_long(atoi("x"), 0, "atoi of no digits");
	is_long(atoi("010"), 10, "atoi is base 10");
	is_long(atol("-9223372036854775808"), LONG_MIN, "atol(LONG_MIN)");
	is_long(atoll("9223372036854775807"), LLONG_MAX, "atoll(LLONG_MAX)");
	ok(abs(-5) == 5 && abs(5) == 5 && abs(0) == 0 && abs(-INT_MAX) == INT_MAX, "abs");
	ok(labs(-5L) == 5 && labs(LONG_MAX) == LONG_MAX && labs(-LONG_MAX) == LONG_MAX, "labs");
	ok(llabs(-5LL) == 5 && llabs(-LLONG_MAX) == LLONG_MAX, "llabs");
	ok(imaxabs(-INTMAX_MAX) == INTMAX_MAX && imaxabs(3) == 3, "imaxabs");
}

/* --- string.h ---------------------------------------------------------------------------------- */

static void test_mem(void)
{
	unsigned char a[96], b[96], ref[96];
	int fails = 0;

	/* memcpy and memset at every alignment and length, with the bytes around left alone. */
	for (size_t off = 0; off < 16; off++)
		for (size_t len = 0; len <= 40; len++) {
			for (size_t i = 0; i < sizeof(a); i++) {
				a[i] = (unsigned char)(i * 7 + 1);
				b[i] = 0xee;
			}
			if (memcpy(b + off, a + (len % 9), len) != b + off)
				fails++;
			for (size_t i = 0; i < sizeof(b); i++)
				if (b[i] != (i >= off && i < off + len ? a[len % 9 + i - off] : 0xee))
					fails++;
			if (memset(b + off, 0x1ab, len) != b + off)
				fails++;
			for (size_t i = off; i < off + len; i++)
				if (b[i] != 0xab)
					fails++;
			if ((off && b[off - 1] == 0xab) || b[off + len] == 0xab)
				fails++;
		}
	is_long(fails, 0, "memcpy, memset at every alignment and length");

	/* memmove between every pair of overlapping offsets, against a copy through a buffer. */
	fails = 0;
	for (size_t src = 0; src < 24; src++)
		for (size_t dst = 0; dst < 24; dst++)
			for (size_t len = 0; len <= 48; len++) {
				for (size_t i = 0; i < sizeof(a); i++)
					a[i] = ref[i] = (unsigned char)(i + 3);
				for (size_t i = 0; i < len; i++)
					b[i] = ref[src + i];
				for (size_t i = 0; i < len; i++)
					ref[dst + i] = b[i];
				if (memmove(a + dst, a + src, len) != a + dst ||
				    memcmp(a, ref, sizeof(a)) != 0)
					fails++;
			}
	is_long(fails, 0, "memmove of every overlap");

	/* The same for lengths around and above where the string instructions take over. */
	{
		static unsigned char x[4200], y[4200], r[4200];
		static const size_t lens[] = { 255, 256, 257, 263, 1000, 4096 };

		fails = 0;
		for (size_t k = 0; k < sizeof(lens) / sizeof(lens[0]); k++)
			for (size_t off = 0; off < 9; off++)
				for (size_t src = 0; src < 96; src += 19) {
					size_t len = lens[k];

					for (size_t i = 0; i < sizeof(x); i++) {
						x[i] = (unsigned char)(i * 13 + 5 + i / 251);
						y[i] = 0xee;
					}
					memcpy(y + off, x + src, len);
					for (size_t i = 0; i < off + len + 8; i++)
						if (y[i] != (i >= off && i < off + len ? x[src + i - off]
										       : 0xee))
							fails++;
					memset(y + off, 0x7c, len);
					for (size_t i = 0; i < off + len + 8; i++)
						if (y[i] != (i >= off && i < off + len ? 0x7c : 0xee))
							fails++;
				}
		is_long(fails, 0, "memcpy, memset of long runs at every alignment");
		fails = 0;
		for (size_t k = 0; k < sizeof(lens) / sizeof(lens[0]); k++)
			for (size_t d = 0; d < 9; d++) {
				size_t len = lens[k];

				/* dst below src, then above, by d + 1 bytes; against a copy through y. */
				for (int up = 0; up < 2; up++) {
					size_t src = up ? 16 : 16 + d + 1, dst = up ? 16 + d + 1 : 16;

					for (size_t i = 0; i < sizeof(x); i++)
						x[i] = r[i] = (unsigned char)(i * 11 + 3 + i / 251);
					memcpy(y, r + src, len);
					memcpy(r + dst, y, len);
					if (memmove(x + dst, x + src, len) != x + dst ||
					    memcmp(x, r, sizeof(x)) != 0)
						fails++;
				}
			}
		is_long(fails, 0, "memmove of long overlapping runs, both ways");
	}

	ok(memcmp("abc", "abd", 3) < 0 && memcmp("abd", "abc", 3) > 0 &&
	   memcmp("abc", "abd", 2) == 0 && memcmp("x", "y", 0) == 0, "memcmp");
	ok(memcmp("\x80", "\x7f", 1) > 0, "memcmp compares unsigned bytes");
	{
		const char s[] = "hello\0world";

		ok(memchr(s, 'o', sizeof(s)) == s + 4 && memchr(s, 'w', sizeof(s)) == s + 6 &&
		   memchr(s, 'z', sizeof(s)) == NULL && memchr(s, '\0', sizeof(s)) == s + 5 &&
		   memchr(s, 'h', 0) == NULL && memchr(s, 'h' + 256, 1) == s, "memchr");
	}
}

static void test_str(void)
{
	char buf[64], *p, *save;
	const char *s = "hello, world";

	ok(strlen("") == 0 && strlen("abc") == 3, "strlen");
	ok(strnlen("abc", 2) == 2 && strnlen("abc", 10) == 3 && strnlen("abc", 0) == 0, "strnlen");
	ok(strcmp("a", "a") == 0 && strcmp("a", "b") < 0 && strcmp("b", "a") > 0 &&
	   strcmp("ab", "a") > 0 && strcmp("", "a") < 0 && strcmp("\xff", "a") > 0, "strcmp");
	ok(strncmp("abc", "abd", 2) == 0 && strncmp("abc", "abd", 3) < 0 &&
	   strncmp("a", "b", 0) == 0 && strncmp("ab", "abc", 5) < 0 && strncmp("abc", "ab", 3) > 0 &&
	   strncmp("\x80", "\x01", 1) > 0, "strncmp");
	ok(strcasecmp("HeLLo", "hello") == 0 && strcasecmp("a", "B") < 0 &&
	   strcasecmp("B", "a") > 0 && strcasecmp("", "") == 0 && strcasecmp("ab", "AB") == 0 &&
	   strcasecmp("abc", "AB") > 0, "strcasecmp");
	ok(strncasecmp("ABCx", "abcy", 3) == 0 && strncasecmp("ABCx", "abcy", 4) < 0 &&
	   strncasecmp("a", "b", 0) == 0, "strncasecmp");

	ok(strcpy(buf, "copy") == buf && strcmp(buf, "copy") == 0, "strcpy");
	memset(buf, 'x', sizeof(buf));
	ok(strncpy(buf, "ab", 5) == buf && memcmp(buf, "ab\0\0\0x", 6) == 0,
	   "strncpy pads with NULs");
	memset(buf, 'x', sizeof(buf));
	strncpy(buf, "abcdef", 3);
	ok(memcmp(buf, "abcx", 4) == 0, "strncpy does not terminate a long source");
	strcpy(buf, "ab");
	ok(strcat(buf, "cd") == buf && strcmp(buf, "abcd") == 0, "strcat");
	ok(strncat(buf, "efgh", 2) == buf && strcmp(buf, "abcdef") == 0, "strncat");
	strncat(buf, "", 5);
	strncat(buf, "xyz", 0);
	is_str(buf, "abcdef", "strncat of nothing");

	ok(strchr(s, 'o') == s + 4 && strchr(s, 'z') == NULL && strchr(s, '\0') == s + 12 &&
	   strchr(s, 'h' + 256) == s, "strchr");
	ok(strrchr(s, 'o') == s + 8 && strrchr(s, 'z') == NULL && strrchr(s, '\0') == s + 12 &&
	   strrchr(s, 'h') == s, "strrchr");
	ok(strstr(s, "world") == s + 7 && strstr(s, "") == s && strstr(s, "worlds") == NULL &&
	   strstr(s, "o, w") == s + 4 && strstr("", "a") == NULL && strstr("", "") != NULL &&
	   strstr("aaab", "aab") != NULL, "strstr");
	ok(strspn("abcba-x", "abc") == 5 && strspn("", "a") == 0 && strspn("abc", "") == 0,
	   "strspn");
	ok(strcspn("abc-def", "-") == 3 && strcspn("abc", "") == 3 && strcspn("abc", "a") == 0,
	   "strcspn");

	strcpy(buf, ",,one,two;;three,");
	p = strtok_r(buf, ",;", &save);
	is_str(p, "one", "strtok_r: first token");
	p = strtok_r(NULL, ",;", &save);
	is_str(p, "two", "strtok_r: second token");
	p = strtok_r(NULL, ",;", &save);
	is_str(p, "three", "strtok_r: third token");
	ok(strtok_r(NULL, ",;", &save) == NULL && strtok_r(NULL, ",;", &save) == NULL,
	   "strtok_r: then NULL, and again");
	strcpy(buf, ";;;");
	ok(strtok_r(buf, ";", &save) == NULL, "strtok_r: only separators");
	strcpy(buf, "whole");
	p = strtok_r(buf, ",", &save);
	ok(p == buf && strcmp(p, "whole") == 0 && strtok_r(NULL, ",", &save) == NULL,
	   "strtok_r: no separator");

	p = strdup("dup me");
	ok(p && strcmp(p, "dup me") == 0 && p != buf, "strdup");
	free(p);
	p = strndup("abcdef", 3);
	is_str(p, "abc", "strndup shortens");
	free(p);
	p = strndup("ab", 10);
	is_str(p, "ab", "strndup of a short string");
	free(p);
	p = strdup("");
	ok(p && *p == '\0', "strdup(\"\")");
	free(p);
}

/* --- ctype.h ----------------------------------------------------------------------------------- */

static void test_ctype(void)
{
	int fails = 0;

	for (int c = -1; c < 256; c++) {
		bool up = c >= 'A' && c <= 'Z', lo = c >= 'a' && c <= 'z', dig = c >= '0' && c <= '9';
		bool sp = c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
		bool pr = c >= 0x20 && c <= 0x7e, cn = (c >= 0 && c < 0x20) || c == 0x7f;
		bool hex = dig || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');

		fails += !isupper(c) != !up;
		fails += !islower(c) != !lo;
		fails += !isalpha(c) != !(up || lo);
		fails += !isdigit(c) != !dig;
		fails += !isalnum(c) != !(up || lo || dig);
		fails += !isxdigit(c) != !hex;
		fails += !isspace(c) != !sp;
		fails += !isprint(c) != !pr;
		fails += !isgraph(c) != !(pr && c != ' ');
		fails += !iscntrl(c) != !cn;
		fails += !ispunct(c) != !(pr && c != ' ' && !up && !lo && !dig);
		fails += toupper(c) != (lo ? c - 32 : c);
		fails += tolower(c) != (up ? c + 32 : c);
	}
	is_long(fails, 0, "ctype: every class and case mapping for EOF and 0..255");
}

/* --- qsort, bsearch ---------------------------------------------------------------------------- */

static unsigned long comparisons;

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	comparisons++;
	return (x > y) - (x < y);
}

struct rec {
	long key;
	long id;
	char tag[8];
};

static int cmp_rec(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;

	return (x->key > y->key) - (x->key < y->key);
}

static int cmp_3(const void *a, const void *b)
{
	return memcmp(a, b, 3);
}

enum pattern { RANDOM, SORTED, REVERSED, EQUAL, FEW, ORGAN, SAWTOOTH, NPATTERNS };
static const char *const pattern_name[] = {
	"random", "sorted", "reversed", "equal", "few distinct", "organ pipe", "sawtooth"
};

static int int_data[20000];

/* McIlroy's adversary ("A killer adversary for quicksort"): values are decided only when the
 * sort compares them, in the way that makes a quicksort's pivots the worst. */
static int *adv_val, adv_gas, adv_solid, adv_candidate;

static int cmp_adversary(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	comparisons++;
	if (adv_val[x] == adv_gas && adv_val[y] == adv_gas)
		adv_val[x == adv_candidate ? x : y] = adv_solid++;
	if (adv_val[x] == adv_gas)
		adv_candidate = x;
	else if (adv_val[y] == adv_gas)
		adv_candidate = y;
	return (adv_val[x] > adv_val[y]) - (adv_val[x] < adv_val[y]);
}


static unsigned ilog2(size_t n)
{
	return n ? 63u - (unsigned)__builtin_clzl(n) : 0;
}

static void fill(int *d, size_t n, enum pattern p)
{
	for (size_t i = 0; i < n; i++) {
		switch (p) {
		case RANDOM: d[i] = (int)(rnd() >> 33) - (1 << 30); break;
		case SORTED: d[i] = (int)i; break;
		case REVERSED: d[i] = (int)(n - i); break;
		case EQUAL: d[i] = 7; break;
		case FEW: d[i] = (int)(rnd() % 4); break;
		case ORGAN: d[i] = (int)(i < n / 2 ? i : n - i); break;
		default: d[i] = (int)(i % 17); break;
		}
	}
}

/* Order-independent fingerprint of a multiset of ints. */
static uint64_t fingerprint(const int *d, size_t n)
{
	uint64_t sum = 0, mix = 0;

	for (size_t i = 0; i < n; i++) {
		uint64_t h = (uint64_t)(unsigned)d[i] * 0x9e3779b97f4a7c15ULL;

		sum += (unsigned)d[i];
		mix += h ^ (h >> 29);
	}
	return sum ^ (mix * 31);
}

static void test_qsort(void)
{
	static const size_t sizes[] = { 0, 1, 2, 3, 5, 16, 17, 33, 100, 1000, 20000 };
	static struct rec recs[5000];
	static unsigned char tri[3 * 3000];
	static int idx[20000], val[20000];
	int fails = 0, slow = 0;
	unsigned long worst = 0;	/* comparisons per n log2 n, in hundredths */

	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
		for (int p = 0; p < NPATTERNS; p++) {
			size_t n = sizes[s];
			uint64_t before;
			bool good = true;

			fill(int_data, n, (enum pattern)p);
			before = fingerprint(int_data, n);
			comparisons = 0;
			qsort(int_data, n, sizeof(int), cmp_int);
			for (size_t i = 1; i < n; i++)
				good = good && int_data[i - 1] <= int_data[i];
			good = good && fingerprint(int_data, n) == before;
			if (!good) {
				fails++;
				diag("%zu elements, %s: not sorted", n, pattern_name[p]);
			}
			if (n >= 1000) {
				unsigned long r = comparisons * 100 / (n * ilog2(n));

				worst = r > worst ? r : worst;
				if (comparisons > 3 * n * ilog2(n)) {
					slow++;
					diag("%zu elements, %s: %lu comparisons", n, pattern_name[p],
					     comparisons);
				}
			}
		}
	is_long(fails, 0, "qsort: 0..20000 ints, 7 patterns each, sorted and still a permutation");
	ok(slow == 0, "qsort: at most 3 n log2 n comparisons on each pattern (worst %lu.%02lu)",
	   worst / 100, worst % 100);

	/* The adversary makes a plain median-of-3 quicksort quadratic (n^2/4 = 10^8 here). */
	for (int i = 0; i < 20000; i++) {
		idx[i] = i;
		val[i] = 20000;
	}
	adv_val = val;
	adv_gas = 20000;
	adv_solid = 0;
	adv_candidate = 0;
	comparisons = 0;
	qsort(idx, 20000, sizeof(int), cmp_adversary);
	fails = 0;
	for (int i = 1; i < 20000; i++)
		fails += val[idx[i - 1]] > val[idx[i]];
	ok(fails == 0 && comparisons <= 6ul * 20000 * ilog2(20000),
	   "qsort against McIlroy's adversary: %lu comparisons for 20000", comparisons);

	/* 24-byte records (swapped by words) keep their contents together. */
	for (size_t i = 0; i < 5000; i++) {
		recs[i].key = (long)(rnd() % 100);
		recs[i].id = (long)i;
		snprintf(recs[i].tag, sizeof(recs[i].tag), "%zu", i);
	}
	qsort(recs, 5000, sizeof(struct rec), cmp_rec);
	fails = 0;
	for (size_t i = 0; i < 5000; i++) {
		char tag[8];

		snprintf(tag, sizeof(tag), "%ld", recs[i].id);
		fails += strcmp(tag, recs[i].tag) != 0 || (i && recs[i - 1].key > recs[i].key);
	}
	is_long(fails, 0, "qsort of 24-byte records");

	/* 3-byte elements (swapped by bytes). */
	{
		uint64_t sum = 0, after = 0;

		for (size_t i = 0; i < sizeof(tri); i++) {
			tri[i] = (unsigned char)rnd();
			sum += tri[i] * (i % 3 + 1);
		}
		qsort(tri, 3000, 3, cmp_3);
		fails = 0;
		for (size_t i = 0; i < sizeof(tri); i++)
			after += tri[i] * (i % 3 + 1);
		for (size_t i = 1; i < 3000; i++)
			fails += memcmp(tri + 3 * (i - 1), tri + 3 * i, 3) > 0;
		ok(fails == 0 && sum == after, "qsort of 3-byte elements");
	}

	/* bsearch over the even numbers 0..2n-2. */
	fails = 0;
	for (size_t n = 0; n < 70; n++) {
		for (size_t i = 0; i < n; i++)
			int_data[i] = (int)(2 * i);
		for (int k = -1; k <= (int)(2 * n); k++) {
			int *hit = bsearch(&k, int_data, n, sizeof(int), cmp_int);

			if (k >= 0 && k % 2 == 0 && k < (int)(2 * n))
				fails += hit != &int_data[k / 2];
			else
				fails += hit != NULL;
		}
	}
	is_long(fails, 0, "bsearch finds every element and nothing else, 0..69 elements");
}

/* --- malloc ------------------------------------------------------------------------------------ */

#define HEAP_SIZE (8u << 20)
static char heap[HEAP_SIZE] __attribute__((aligned(16)));

static void test_heap_init(void)
{
	void *p;

	errno = 0;
	p = malloc(1);
	ok(p == NULL && errno == ENOMEM, "malloc before fata_heap_init: NULL, ENOMEM");
	ok(calloc(1, 1) == NULL && realloc(NULL, 1) == NULL && aligned_alloc(64, 1) == NULL,
	   "calloc, realloc, aligned_alloc before fata_heap_init");
	free(NULL);
	ok(fata_heap_size() == 0 && fata_heap_used() == 0, "no heap before fata_heap_init");

	fata_heap_init(heap, 40);
	ok(fata_heap_size() == 0 && malloc(1) == NULL, "a 40-byte region makes no heap");
	fata_heap_init(NULL, 4096);
	ok(fata_heap_size() == 0 && malloc(1) == NULL, "a NULL region makes no heap");

	fata_heap_init(heap + 3, 1000);
	p = malloc(100);
	ok(fata_heap_size() > 900 && fata_heap_size() < 1000 && p && (uintptr_t)p % 16 == 0 &&
	   (char *)p >= heap + 3 && (char *)p + 100 <= heap + 1003,
	   "an unaligned region: aligned blocks inside it");
	ok(malloc(1000) == NULL, "a request larger than the region fails");

	fata_heap_init(heap, HEAP_SIZE);
	is_long(fata_heap_size(), HEAP_SIZE - 16, "heap size: the region less the end marker");
	is_long(fata_heap_used(), 0, "nothing used after fata_heap_init");
}

struct slot {
	unsigned char *p;
	size_t n;
	unsigned char seed;
};

static unsigned char pattern_byte(unsigned char seed, size_t i)
{
	return (unsigned char)(seed ^ (i * 131) ^ (i >> 8));
}

static void fill_slot(struct slot *s, size_t from)
{
	for (size_t i = from; i < s->n; i++)
		s->p[i] = pattern_byte(s->seed, i);
}

static bool slot_intact(const struct slot *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s->p[i] != pattern_byte(s->seed, i))
			return false;
	return true;
}

static int cmp_slot_addr(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)((const struct slot *)a)->p, y = (uintptr_t)((const struct slot *)b)->p;

	return (x > y) - (x < y);
}

/* Whether the live blocks are aligned, inside the heap and pairwise disjoint. */
static bool slots_disjoint(const struct slot *slots, size_t n)
{
	static struct slot sorted[512];
	size_t live = 0;

	for (size_t i = 0; i < n; i++)
		if (slots[i].p)
			sorted[live++] = slots[i];
	qsort(sorted, live, sizeof(struct slot), cmp_slot_addr);
	for (size_t i = 0; i < live; i++) {
		if ((uintptr_t)sorted[i].p % 16 || sorted[i].p < (unsigned char *)heap ||
		    sorted[i].p + sorted[i].n > (unsigned char *)heap + HEAP_SIZE)
			return false;
		if (i && sorted[i - 1].p + (sorted[i - 1].n ? sorted[i - 1].n : 1) > sorted[i].p)
			return false;
	}
	return true;
}

static size_t random_size(void)
{
	uint64_t r = rnd();

	switch (r % 16) {
	case 0: return (size_t)(r >> 8) % 65536;
	case 1: case 2: case 3: return (size_t)(r >> 8) % 4096;
	case 4: return 0;
	default: return (size_t)(r >> 8) % 160;
	}
}

static void test_malloc_stress(void)
{
	static struct slot slots[512];
	int corrupt = 0, overlap = 0, failed = 0, misaligned = 0;
	size_t base = fata_heap_used();

	for (int iter = 0; iter < 150000; iter++) {
		struct slot *s = &slots[rnd() % 512];
		unsigned op = (unsigned)(rnd() % 10);

		if (!s->p) {
			size_t n = random_size(), align = (size_t)16 << (rnd() % 9);

			s->seed = (unsigned char)rnd();
			s->p = op == 0 ? aligned_alloc(align, n) : op == 1 ? calloc(1, n) : malloc(n);
			if (!s->p) {
				failed++;
				diag("allocation of %zu failed with %zu of %zu used", n,
				     fata_heap_used(), fata_heap_size());
				continue;
			}
			misaligned += (uintptr_t)s->p % (op == 0 ? align : 16) != 0;
			if (op == 1)
				for (size_t i = 0; i < n; i++)
					corrupt += s->p[i] != 0;
			s->n = n;
			fill_slot(s, 0);
		} else if (op < 4) {
			corrupt += !slot_intact(s, s->n);
			free(s->p);
			s->p = NULL;
		} else if (op < 7) {
			size_t n = op == 4 ? s->n + (size_t)(rnd() % 64) : random_size();
			unsigned char *q;

			corrupt += !slot_intact(s, s->n);
			q = realloc(s->p, n);
			if (!q) {
				failed++;
				continue;
			}
			s->p = q;
			corrupt += !slot_intact(s, n < s->n ? n : s->n);
			misaligned += (uintptr_t)q % 16 != 0;
			s->n = n;
			fill_slot(s, 0);
		} else {
			corrupt += !slot_intact(s, s->n);
		}
		if (iter % 1000 == 0)
			overlap += !slots_disjoint(slots, 512);
	}
	overlap += !slots_disjoint(slots, 512);
	is_long(failed, 0, "malloc stress: no allocation failed");
	is_long(misaligned, 0, "malloc stress: every block aligned as asked");
	is_long(corrupt, 0, "malloc stress: contents survive, calloc zeroes, realloc keeps");
	is_long(overlap, 0, "malloc stress: live blocks are disjoint and inside the heap");
	ok(fata_heap_used() > base && fata_heap_used() <= fata_heap_size(), "heap used in range");
	for (size_t i = 0; i < 512; i++) {
		if (slots[i].p)
			corrupt += !slot_intact(&slots[i], slots[i].n);
		free(slots[i].p);
		slots[i].p = NULL;
	}
	is_long(fata_heap_used(), base, "everything freed: heap used back to where it was");
}

static void test_malloc(void)
{
	size_t used = fata_heap_used(), total;
	unsigned char *p, *q, *r;
	void *v;
	int e;

	p = malloc(100);
	is_long(fata_heap_used() - used, 128, "malloc(100) uses 128 bytes (header, rounding)");
	free(p);
	is_long(fata_heap_used(), used, "free gives them back");

	p = malloc(0);
	q = malloc(0);
	ok(p && q && p != q, "malloc(0): unique pointers");
	free(p);
	free(q);

	errno = 0;
	ok(malloc(SIZE_MAX) == NULL && errno == ENOMEM, "malloc(SIZE_MAX): NULL, ENOMEM");
	ok(malloc(SIZE_MAX / 2) == NULL && malloc(SIZE_MAX - 15) == NULL, "huge mallocs fail");
	ok(malloc(fata_heap_size()) == NULL, "malloc of the whole heap plus a header fails");

	/* Everything coalesces back: the whole heap is one block again. */
	p = malloc(fata_heap_size() - 16);
	ok(p != NULL, "after frees, one allocation can take the whole heap");
	ok(malloc(1) == NULL, "and then nothing is left");
	free(p);

	errno = 0;
	ok(calloc(SIZE_MAX / 2 + 1, 2) == NULL && errno == ENOMEM, "calloc overflow: NULL, ENOMEM");
	ok(calloc((size_t)1 << 32, (size_t)1 << 32) == NULL, "calloc overflow to 0 fails");
	p = malloc(256);
	memset(p, 0xcc, 256);
	free(p);
	p = calloc(16, 16);
	total = 0;
	for (int i = 0; i < 256; i++)
		total += p[i];
	ok(p && total == 0, "calloc zeroes reused memory");
	free(p);
	p = calloc(0, 8);
	ok(p != NULL, "calloc(0, 8) returns a pointer");
	free(p);

	/* realloc: in place when the next block is free, moving when not. */
	p = malloc(40);
	memset(p, 'a', 40);
	q = realloc(p, 400);
	ok(q == p && q[0] == 'a' && q[39] == 'a', "realloc grows in place into free space");
	r = malloc(16);		/* blocks further growth in place */
	memset(q, 'b', 400);
	p = realloc(q, 4000);
	ok(p && p != q && p[0] == 'b' && p[399] == 'b', "realloc moves when it must");
	q = realloc(p, 10);
	ok(q == p && q[9] == 'b', "realloc shrinks in place");
	p = realloc(q, 0);
	ok(p != NULL, "realloc(p, 0) returns a pointer");
	free(p);
	free(r);
	p = realloc(NULL, 50);
	ok(p != NULL && fata_heap_used() > used, "realloc(NULL, n) is malloc");
	errno = 0;
	q = realloc(p, SIZE_MAX);
	ok(q == NULL && errno == ENOMEM, "failed realloc: NULL, ENOMEM");
	memset(p, 'z', 50);
	q = realloc(p, fata_heap_size());
	ok(q == NULL && p[49] == 'z', "failed realloc leaves the block alone");
	free(p);
	is_long(fata_heap_used(), used, "heap used back to where it was");

	/* aligned_alloc and posix_memalign. */
	{
		int bad = 0;
		void *keep[14];

		for (size_t a = 1, i = 0; a <= 65536 && i < 14; a <<= 1) {
			unsigned char *x = malloc(8 + i);		/* vary the starting point */
			unsigned char *y = aligned_alloc(a, 100 + i);

			bad += !y || (uintptr_t)y % a || (uintptr_t)y % 16;
			if (y)
				memset(y, 0x11, 100 + i);
			free(x);
			if (a >= 16)
				keep[i++] = y;
			else
				free(y);
		}
		for (size_t i = 0; i < 13; i++)
			free(keep[i]);
		is_long(bad, 0, "aligned_alloc: alignments 1 to 65536");
		is_long(fata_heap_used(), used, "aligned blocks freed: nothing leaked");
		/* Shift where the free space starts so that some requests are already aligned. */
		for (size_t k = 0; k < 16; k++)
			for (size_t a = 32; a <= 256; a <<= 1) {
				unsigned char *x = malloc(16 * k);
				size_t before = fata_heap_used();
				unsigned char *y = aligned_alloc(a, 100);

				bad += fata_heap_used() - before > 128 + 48;	/* a 100-byte block */
				free(y);
				free(x);
			}
		is_long(bad, 0, "aligned_alloc keeps only what was asked for");
	}
	errno = 0;
	ok(aligned_alloc(48, 16) == NULL && errno == EINVAL, "aligned_alloc(48): EINVAL");
	ok(aligned_alloc(0, 16) == NULL, "aligned_alloc(0) fails");
	errno = 0;
	ok(aligned_alloc(4096, SIZE_MAX - 100) == NULL && errno == ENOMEM, "huge aligned_alloc fails");
	errno = 0;
	v = NULL;
	e = posix_memalign(&v, 4, 8);
	ok(e == EINVAL && v == NULL && errno == 0, "posix_memalign(4): EINVAL, errno untouched");
	e = posix_memalign(&v, 24, 8);
	ok(e == EINVAL, "posix_memalign(24): EINVAL");
	e = posix_memalign(&v, 256, 1000);
	ok(e == 0 && v && (uintptr_t)v % 256 == 0, "posix_memalign(256)");
	free(v);
	e = posix_memalign(&v, 8, 10);
	ok(e == 0 && v, "posix_memalign(8)");
	free(v);
	e = posix_memalign(&v, 64, SIZE_MAX / 2);
	ok(e == ENOMEM && errno == 0, "posix_memalign of too much: ENOMEM");
	is_long(fata_heap_used(), used, "heap used back to where it was");
}

/* --- setjmp, longjmp --------------------------------------------------------------------------- */

static jmp_buf jb;
static int unwound;

__attribute__((noinline)) static void jump_from(int depth, int val)
{
	char frame[64];

	if (depth < 0)		/* never: keeps GCC from calling this an endless recursion */
		return;
	memset(frame, depth, sizeof(frame));
	if (depth == 0)
		longjmp(jb, val);
	jump_from(depth - 1, val);
	unwound += frame[0];	/* never reached */
}

__attribute__((noinline)) static uint64_t mix(uint64_t x)
{
	__asm__ volatile("" : "+r"(x) : : "rbx", "r12", "r13", "r14", "r15", "memory");
	return x * 3 + 1;
}

static void test_setjmp(void)
{
	volatile int count = 0;
	int r;

	r = setjmp(jb);
	if (r == 0) {
		count++;
		jump_from(20, 42);
	}
	ok(r == 42 && count == 1 && unwound == 0, "longjmp from 20 frames down returns 42");

	count = 0;
	r = setjmp(jb);
	if (count++ < 3)
		longjmp(jb, count);
	ok(r == 3 && count == 4, "longjmp to the same setjmp three times");

	r = setjmp(jb);
	if (r == 0)
		longjmp(jb, 0);
	is_long(r, 1, "longjmp(env, 0) makes setjmp return 1");

	r = setjmp(jb);
	if (r == 0)
		longjmp(jb, -7);
	is_long(r, -7, "longjmp with a negative value");

	/* Values in callee-saved registers survive: many live locals, clobbers between. */
	{
		uint64_t a = rnd(), b = rnd(), c = rnd(), d = rnd(), e = rnd(), f = rnd();
		uint64_t want = a ^ (b << 1) ^ (c << 2) ^ (d << 3) ^ (e << 4) ^ (f << 5);

		if (setjmp(jb) == 0) {
			mix(a);
			jump_from(3, 1);
		}
		ok((a ^ (b << 1) ^ (c << 2) ^ (d << 3) ^ (e << 4) ^ (f << 5)) == want,
		   "callee-saved registers restored");
	}
	{
		char after[128];

		memset(after, 'q', sizeof(after));
		ok(after[127] == 'q' && snprintf(after, sizeof(after), "%d", 5) == 1,
		   "the stack works after longjmp");
	}
}

/* --- ending the program: abort, exit, assert, the stack protector, heap corruption -------------- */

struct child {
	int status;
	char out[2048];
};

/* Runs fn in a child process with the console going to a pipe; collects its output and status. */
static void run_child(void (*fn)(void), struct child *c)
{
	int fds[2], pid;
	size_t len = 0;
	ssize_t n;

	memset(c, 0, sizeof(*c));
	c->status = -2000;
	if (sys_pipe(fds) != 0)
		return;
	pid = sys_fork();
	if (pid == 0) {
		sys_close(fds[0]);
		console_fd = fds[1];
		fn();
		sys_exit(0);
	}
	sys_close(fds[1]);
	while (pid > 0 && len < sizeof(c->out) - 1 &&
	       (n = sys_read(fds[0], c->out + len, sizeof(c->out) - 1 - len)) > 0)
		len += (size_t)n;
	sys_close(fds[0]);
	if (pid > 0)
		c->status = sys_wait(pid);
}

static void expect_death(void (*fn)(void), int status, const char *want, const char *what)
{
	struct child c;

	run_child(fn, &c);
	if (!ok(c.status == status && strstr(c.out, want) != NULL, "%s", what))
		diag("status %d, output '%s'; expected %d and '%s'", c.status, c.out, status, want);
}

static void die_abort(void) { abort(); }
static void die_exit(void) { exit(7); }
static void die_exit_quietly(void) { exit(0); }
static void die_chk_fail(void) { __stack_chk_fail(); }
static void die_assert(void) { assert(1 + 1 == 3); }

__attribute__((noinline)) static void overflow_buffer(size_t n)
{
	char buf[16];

	memset(buf, 'A', n);
	say(buf[0] == 'A' ? "" : "?");
}

static volatile size_t smash_len = 40;
static void die_smash(void) { overflow_buffer(smash_len); }

static void die_double_free(void)
{
	void *p = malloc(10);

	free(p);
	free(p);
}

static void die_double_free_merged(void)
{
	void *a = malloc(100), *b = malloc(100), *c = malloc(100);

	free(a);
	free(b);	/* merges into a's block */
	free(b);
	free(c);
}

static void die_bad_header(void)
{
	size_t *p = malloc(32);

	p[-1] ^= 0x40;
	free(p);
}

static void die_overrun(void)
{
	char *a = malloc(32), *b = malloc(32);

	memset(a, 'A', 40);	/* into b's header */
	free(a);
	free(b);
}

static void die_stray(void)
{
	char *p = malloc(64);

	free(p + 16);
}

static void die_stack_pointer(void)
{
	long x[4] = { 0 };

	free(&x[2]);
}

static void die_realloc_freed(void)
{
	void *p = malloc(8);

	free(p);
	realloc(p, 100);
}

static void die_free_list(void)
{
	void **a = malloc(200), *b = malloc(200);

	free(a);
	a[0] = (void *)0x1234;	/* the free block's list link */
	free(b);
	malloc(200);
}

#define NDEBUG
#include <assert.h>
static int ndebug_count;
static void assert_off(void) { assert(ndebug_count++ == 5); }
#undef NDEBUG
#include <assert.h>

static void test_exits(void)
{
	struct child c;

	expect_death(die_abort, 255, "abort() called\n", "abort: message, status 255");
	expect_death(die_exit, 7, "", "exit(7): status 7");
	run_child(die_exit_quietly, &c);
	ok(c.status == 0 && c.out[0] == '\0', "exit(0): status 0, no output");
	expect_death(die_chk_fail, 255, "stack smashing detected\n", "__stack_chk_fail");
	expect_death(die_smash, 255, "stack smashing detected\n",
		     "a stack buffer overflow is caught by the canary");
	ok(__stack_chk_guard != 0 && (__stack_chk_guard & 0xff) == 0, "the guard was set by _start");
	expect_death(die_assert, 255, "libc_test.c:", "assert: file and line");
	expect_death(die_assert, 255, "die_assert: assertion '1 + 1 == 3' failed\n",
		     "assert: function and expression");
	expect_death(die_assert, 255, "abort() called", "assert: aborts");
	assert(1 + 1 == 2);
	assert_off();
	is_long(ndebug_count, 0, "NDEBUG: assert does not evaluate its argument");

	expect_death(die_double_free, 255, "free: heap corruption: double free", "double free");
	expect_death(die_double_free_merged, 255, "free: heap corruption: double free",
		     "double free of a block merged with its neighbour");
	expect_death(die_bad_header, 255, "free: heap corruption: pointer not from malloc",
		     "damaged header");
	expect_death(die_overrun, 255, "free: heap corruption: next block header damaged",
		     "overrun into the next block");
	expect_death(die_stray, 255, "free: heap corruption: pointer not from malloc",
		     "free of a pointer inside a block");
	expect_death(die_stack_pointer, 255, "free: heap corruption: pointer not from malloc",
		     "free of a stack address");
	expect_death(die_realloc_freed, 255, "realloc: heap corruption: double free",
		     "realloc of a freed block");
	expect_death(die_free_list, 255, "heap corruption: free list links damaged",
		     "damaged free list links");
	{
		size_t used = fata_heap_used();
		void *p = malloc(64);

		ok(p && fata_heap_used() == used + 80, "the parent's heap works after its children");
		free(p);
	}
}

int libc_test_main(void);

int libc_test_main(void)
{
	char plan[32];

	test_heap_init();
	test_headers();
	test_errno();
	test_printf_cases();
	test_printf_fata_cases();
	test_printf_more();
	test_console();
	test_strto();
	test_mem();
	test_str();
	test_ctype();
	test_qsort();
	test_malloc();
	test_malloc_stress();
	test_malloc();
	test_setjmp();
	test_exits();
	snprintf(plan, sizeof(plan), "1..%d\n", tap_n);
	say(plan);
	return tap_failed ? 1 : 0;
}
