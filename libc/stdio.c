/* Formatted output (the vsnprintf engine behind every printf) and console writes (stdio.h). */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "platform.h"

struct fata_file {
	int fd;		/* for a debugger's benefit: both go to the console */
};

static struct fata_file stdout_file = { 1 }, stderr_file = { 2 };
FILE *const stdout = &stdout_file;
FILE *const stderr = &stderr_file;

/* Console output is collected in a buffer of this size on the stack and written when full and at
 * the end of each call, so a message up to this long is one write. */
#define CONSOLE_CHUNK 256

/*
 * Where formatted bytes go: buf[0..cap) and then, for the console, plat_console_write each time
 * the buffer is full; for a string, bytes past cap are only counted.
 */
struct out {
	char *buf;
	size_t cap;
	size_t len;		/* bytes in buf */
	size_t total;		/* bytes produced so far: the return value */
	bool console;
	bool overflow;		/* total would exceed INT_MAX */
};

static void flush(struct out *o)
{
	if (o->len)
		plat_console_write(o->buf, o->len);
	o->len = 0;
}

/* Counts n more bytes; false (and the output failed) if the total would exceed INT_MAX. */
static bool count(struct out *o, size_t n)
{
	if (o->overflow || n > (size_t)INT_MAX - o->total) {
		o->overflow = true;
		return false;
	}
	o->total += n;
	return true;
}

/* Stores n counted bytes, or drops them once a string's buffer is full. */
static void store(struct out *o, const char *s, size_t n)
{
	while (n) {
		size_t k = o->cap - o->len;

		if (k == 0) {
			if (!o->console)
				return;
			flush(o);
			k = o->cap;
		}
		if (k > n)
			k = n;
		memcpy(o->buf + o->len, s, k);
		o->len += k;
		s += k;
		n -= k;
	}
}

static void put(struct out *o, const char *s, size_t n)
{
	if (count(o, n))
		store(o, s, n);
}

/* n copies of c. */
static void pad(struct out *o, char c, size_t n)
{
	char chunk[16];

	if (!count(o, n))
		return;
	memset(chunk, c, sizeof(chunk));
	while (n && (o->console || o->len < o->cap)) {
		size_t k = n < sizeof(chunk) ? n : sizeof(chunk);

		store(o, chunk, k);
		n -= k;
	}
}

#define F_MINUS 1u	/* left-justify */
#define F_PLUS  2u	/* + on nonnegative signed numbers */
#define F_SPACE 4u	/* space on nonnegative signed numbers */
#define F_HASH  8u	/* alternate form: 0 for %o, 0x for %x */
#define F_ZERO  16u	/* pad numbers with zeros */

struct spec {
	unsigned flags;
	size_t width;
	long prec;		/* -1: none given */
};

/* body (n bytes) justified in the field width with spaces. */
static void put_field(struct out *o, const struct spec *sp, const char *body, size_t n)
{
	size_t fill = sp->width > n ? sp->width - n : 0;

	if (!(sp->flags & F_MINUS))
		pad(o, ' ', fill);
	put(o, body, n);
	if (sp->flags & F_MINUS)
		pad(o, ' ', fill);
}

/*
 * An integer conversion: mag is the magnitude, neg its sign, conv one of d u o x X p (i is d).
 * The field is [spaces][sign or 0x][zeros][digits][spaces], where the zeros come from the
 * precision (minimum number of digits) and, with the 0 flag and no precision, the width.
 */
static void put_int(struct out *o, const struct spec *sp, unsigned long long mag, bool neg,
		    char conv)
{
	char digits[24], prefix[2];
	const char *set = conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
	unsigned base = conv == 'o' ? 8 : conv == 'd' || conv == 'u' ? 10 : 16;
	size_t nd = 0, np = 0, zeros, body;
	size_t prec = sp->prec < 0 ? 1 : (size_t)sp->prec;

	for (unsigned long long v = mag; v; v /= base)
		digits[sizeof(digits) - ++nd] = set[v % base];
	if (conv == 'd') {
		if (neg)
			prefix[np++] = '-';
		else if (sp->flags & F_PLUS)
			prefix[np++] = '+';
		else if (sp->flags & F_SPACE)
			prefix[np++] = ' ';
	} else if (conv == 'p' || ((sp->flags & F_HASH) && base == 16 && mag)) {
		prefix[np++] = '0';
		prefix[np++] = conv == 'X' ? 'X' : 'x';
	}
	zeros = prec > nd ? prec - nd : 0;
	/* %#o: the first digit must be a 0 (our digits never start with one). */
	if (conv == 'o' && (sp->flags & F_HASH) && zeros == 0)
		zeros = 1;
	body = np + zeros + nd;
	if (body < sp->width && (sp->flags & (F_ZERO | F_MINUS)) == F_ZERO && sp->prec < 0) {
		zeros += sp->width - body;
		body = sp->width;
	}
	if (!(sp->flags & F_MINUS) && body < sp->width)
		pad(o, ' ', sp->width - body);
	put(o, prefix, np);
	pad(o, '0', zeros);
	put(o, digits + sizeof(digits) - nd, nd);
	if ((sp->flags & F_MINUS) && body < sp->width)
		pad(o, ' ', sp->width - body);
}

/* Reads a decimal number at *p for a width or precision; false if it exceeds INT_MAX. */
static bool read_num(const char **p, size_t *out)
{
	size_t n = 0;

	for (; **p >= '0' && **p <= '9'; (*p)++) {
		n = n * 10 + (size_t)(**p - '0');
		if (n > INT_MAX)
			return false;
	}
	*out = n;
	return true;
}

enum length { L_NONE, L_HH, L_H, L_L, L_LL, L_J, L_Z, L_T };

static int format(struct out *o, const char *fmt, va_list ap)
{
	const char *p = fmt;

	while (*p) {
		const char *start = p, *lit;
		struct spec sp = { 0, 0, -1 };
		enum length len = L_NONE;
		unsigned long long mag;
		bool neg = false;
		size_t n;
		char conv;

		if (*p != '%') {
			for (lit = p; *p && *p != '%'; p++)
				;
			put(o, lit, (size_t)(p - lit));
			continue;
		}
		p++;
		for (;; p++) {
			if (*p == '-')
				sp.flags |= F_MINUS;
			else if (*p == '+')
				sp.flags |= F_PLUS;
			else if (*p == ' ')
				sp.flags |= F_SPACE;
			else if (*p == '#')
				sp.flags |= F_HASH;
			else if (*p == '0')
				sp.flags |= F_ZERO;
			else
				break;
		}
		if (*p == '*') {
			int w = va_arg(ap, int);

			p++;
			if (w < 0) {
				sp.flags |= F_MINUS;
				if (w == INT_MIN)
					goto overflow;
				w = -w;
			}
			sp.width = (size_t)w;
		} else if (!read_num(&p, &sp.width)) {
			goto overflow;
		}
		if (*p == '.') {
			p++;
			if (*p == '*') {
				int pr = va_arg(ap, int);

				p++;
				sp.prec = pr < 0 ? -1 : pr;
			} else {
				if (!read_num(&p, &n))
					goto overflow;
				sp.prec = (long)n;
			}
		}
		switch (*p) {
		case 'h':
			len = p[1] == 'h' ? L_HH : L_H;
			p += len == L_HH ? 2 : 1;
			break;
		case 'l':
			len = p[1] == 'l' ? L_LL : L_L;
			p += len == L_LL ? 2 : 1;
			break;
		case 'L':
			len = L_LL;
			p++;
			break;
		case 'j':
			len = L_J;
			p++;
			break;
		case 'z':
			len = L_Z;
			p++;
			break;
		case 't':
			len = L_T;
			p++;
			break;
		}
		conv = *p;
		if (conv)
			p++;
		switch (conv) {
		case 'd':
		case 'i': {
			long long v;

			switch (len) {
			case L_HH: v = (signed char)va_arg(ap, int); break;
			case L_H: v = (short)va_arg(ap, int); break;
			case L_L: v = va_arg(ap, long); break;
			case L_LL: v = va_arg(ap, long long); break;
			case L_J: v = va_arg(ap, intmax_t); break;
			case L_Z: v = va_arg(ap, long); break;	/* the signed size_t */
			case L_T: v = va_arg(ap, ptrdiff_t); break;
			default: v = va_arg(ap, int); break;
			}
			neg = v < 0;
			mag = neg ? 0 - (unsigned long long)v : (unsigned long long)v;
			put_int(o, &sp, mag, neg, 'd');
			break;
		}
		case 'u':
		case 'o':
		case 'x':
		case 'X':
			switch (len) {
			case L_HH: mag = (unsigned char)va_arg(ap, unsigned); break;
			case L_H: mag = (unsigned short)va_arg(ap, unsigned); break;
			case L_L: mag = va_arg(ap, unsigned long); break;
			case L_LL: mag = va_arg(ap, unsigned long long); break;
			case L_J: mag = va_arg(ap, uintmax_t); break;
			case L_Z: mag = va_arg(ap, size_t); break;
			case L_T: mag = (unsigned long)va_arg(ap, ptrdiff_t); break;
			default: mag = va_arg(ap, unsigned); break;
			}
			put_int(o, &sp, mag, false, conv);
			break;
		case 'p':
			put_int(o, &sp, (uintptr_t)va_arg(ap, void *), false, 'p');
			break;
		case 'c': {
			char c = (char)(unsigned char)va_arg(ap, int);

			put_field(o, &sp, &c, 1);
			break;
		}
		case 's': {
			const char *s = va_arg(ap, const char *);

			if (!s)
				s = "(null)";
			if (len == L_L) {	/* wide strings are not supported */
				s = "?";
				sp.prec = -1;
			}
			n = sp.prec < 0 ? strlen(s) : strnlen(s, (size_t)sp.prec);
			put_field(o, &sp, s, n);
			break;
		}
		case 'n':
			(void)va_arg(ap, void *);	/* not supported: skipped */
			break;
		case 'f': case 'F': case 'e': case 'E': case 'g': case 'G': case 'a': case 'A':
			/* No floating point: no double can have been passed. */
			put_field(o, &sp, "?", 1);
			break;
		case '%':
			put(o, "%", 1);
			break;
		default:	/* unknown or missing conversion: copy the text */
			put(o, start, (size_t)(p - start));
			break;
		}
		if (o->overflow)
			goto overflow;
	}
	if (o->overflow)
		goto overflow;
	return (int)o->total;
overflow:
	errno = EOVERFLOW;
	return -1;
}

int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt, va_list ap)
{
	struct out o = { .buf = buf, .cap = size ? size - 1 : 0 };
	int r = format(&o, fmt, ap);

	if (size)
		buf[o.len] = '\0';
	return r;
}

int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return r;
}

/* Output longer than INT_MAX is an error anyway, so that bounds what sprintf may write. */
int vsprintf(char *restrict buf, const char *restrict fmt, va_list ap)
{
	return vsnprintf(buf, (size_t)INT_MAX + 1, fmt, ap);
}

int sprintf(char *restrict buf, const char *restrict fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vsprintf(buf, fmt, ap);
	va_end(ap);
	return r;
}

int vfprintf(FILE *restrict f, const char *restrict fmt, va_list ap)
{
	char chunk[CONSOLE_CHUNK];
	struct out o = { .buf = chunk, .cap = sizeof(chunk), .console = true };
	int r;

	(void)f;
	r = format(&o, fmt, ap);
	flush(&o);
	return r;
}

int fprintf(FILE *restrict f, const char *restrict fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vfprintf(f, fmt, ap);
	va_end(ap);
	return r;
}

int vprintf(const char *restrict fmt, va_list ap)
{
	return vfprintf(stdout, fmt, ap);
}

int printf(const char *restrict fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vfprintf(stdout, fmt, ap);
	va_end(ap);
	return r;
}

int puts(const char *s)
{
	char chunk[CONSOLE_CHUNK];
	struct out o = { .buf = chunk, .cap = sizeof(chunk), .console = true };

	put(&o, s, strlen(s));
	put(&o, "\n", 1);
	flush(&o);
	return 0;
}

int fputs(const char *restrict s, FILE *restrict f)
{
	(void)f;
	plat_console_write(s, strlen(s));
	return 0;
}

int fputc(int c, FILE *f)
{
	char ch = (char)(unsigned char)c;

	(void)f;
	plat_console_write(&ch, 1);
	return (unsigned char)c;
}

int putc(int c, FILE *f)
{
	return fputc(c, f);
}

int putchar(int c)
{
	return fputc(c, stdout);
}

size_t fwrite(const void *restrict ptr, size_t size, size_t n, FILE *restrict f)
{
	size_t bytes;

	(void)f;
	if (size == 0 || n == 0 || __builtin_mul_overflow(size, n, &bytes))
		return 0;
	plat_console_write(ptr, bytes);
	return n;
}

int fflush(FILE *f)
{
	(void)f;
	return 0;
}
