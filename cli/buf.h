/* A growable string for building generated files and messages in memory. */
#ifndef CLI_BUF_H
#define CLI_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

struct buf {
	char *s;		/* always NUL-terminated once anything was added; NULL when empty */
	size_t len;
	size_t cap;
};

#define BUF_INIT { NULL, 0, 0 }

/* Appending never fails: on memory exhaustion the command prints "out of memory" and exits 1. */
void buf_putc(struct buf *b, char c);
void buf_puts(struct buf *b, const char *s);
void buf_put(struct buf *b, const char *s, size_t len);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);

/* Appends `s` as a C string literal, quotes included, escaping what C requires. */
void buf_c_string(struct buf *b, const char *s);

/* The text so far ("" when empty); valid until the next append. */
const char *buf_str(const struct buf *b);

/* Writes the text to `f` (errors show in ferror(f)). */
void buf_write(const struct buf *b, FILE *f);

/* Frees the text and empties the buffer. */
void buf_free(struct buf *b);

/* Memory helpers with the same policy: never NULL. */
void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
