/*
 * Formatted output and console writes. There are no files: stdout and stderr are the only FILE
 * objects and both write to the console (plat_console_write). Output is unbuffered across calls;
 * a single printf/puts/fprintf call reaches the console in one write when it produces at most
 * 256 bytes, so concurrent fibers' lines do not interleave.
 *
 * Conversions: d i u o x X c s p %, flags "-+ #0", field width and precision (also as *), length
 * modifiers hh h l ll j z t (L is taken as ll). There is no floating point in the guest: the
 * conversions f F e E g G a A print "?" (padded to the width) and consume no argument. %n is
 * not supported: it consumes its pointer argument and writes nothing. %s of NULL prints "(null)";
 * %p prints 0x and the lowercase hexadecimal address. An unknown conversion is copied as it is.
 */
#ifndef FATA_LIBC_STDIO_H
#define FATA_LIBC_STDIO_H

#define __need_size_t
#define __need_NULL
#include <stddef.h>
#define __need___va_list
#include <stdarg.h>

#define EOF (-1)

typedef struct fata_file FILE;

/* The console. Writes to either go to plat_console_write(). */
extern FILE *const stdout;
extern FILE *const stderr;
#define stdout stdout
#define stderr stderr

#define FATA_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))

/*
 * Formats into buf, writing at most size bytes including the terminating NUL, which is always
 * written when size > 0 (buf may be NULL when size is 0). Returns the length the whole output
 * would have had (without the NUL), so the output was truncated if the result is >= size;
 * returns -1 with errno EOVERFLOW if that length, a width or a precision exceeds INT_MAX.
 */
int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...) FATA_PRINTF(3, 4);
int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt, __gnuc_va_list ap)
	FATA_PRINTF(3, 0);
/* snprintf without a bound: buf must be large enough. Prefer snprintf. */
int sprintf(char *restrict buf, const char *restrict fmt, ...) FATA_PRINTF(2, 3);
int vsprintf(char *restrict buf, const char *restrict fmt, __gnuc_va_list ap) FATA_PRINTF(2, 0);

/* Formats to the console. Return the number of bytes written, or -1 as snprintf. */
int printf(const char *restrict fmt, ...) FATA_PRINTF(1, 2);
int vprintf(const char *restrict fmt, __gnuc_va_list ap) FATA_PRINTF(1, 0);
int fprintf(FILE *restrict f, const char *restrict fmt, ...) FATA_PRINTF(2, 3);
int vfprintf(FILE *restrict f, const char *restrict fmt, __gnuc_va_list ap) FATA_PRINTF(2, 0);

/* Writes s and a newline to the console. Returns a nonnegative number. */
int puts(const char *s);
/* Writes s (no newline added) to f. Returns a nonnegative number. */
int fputs(const char *restrict s, FILE *restrict f);
/* Write (unsigned char)c. Return it as an unsigned char converted to int. */
int putchar(int c);
int fputc(int c, FILE *f);
int putc(int c, FILE *f);
/* Writes n items of size bytes each from ptr. Returns n. */
size_t fwrite(const void *restrict ptr, size_t size, size_t n, FILE *restrict f);
/* Nothing is buffered between calls, so this only returns 0. */
int fflush(FILE *f);

#undef FATA_PRINTF

#endif
