/* The HTTP/1.1 request parser's internal interface (lib/http/parse.c): pure, no I/O, no
 * allocation. Errors are negative HTTP status codes (-400, -413, -414, -431, -501, -505). */
#ifndef FATA_HTTP_PARSE_H
#define FATA_HTTP_PARSE_H

#include <fata/http.h>

/* A parsed head; strings point into the buffer given to http_head_parse. */
struct http_head {
	unsigned method;		/* FATA_HTTP_* bit */
	char *path, *query;
	int minor;
	struct fata_http_field *fields;
	unsigned nfields;
	int64_t content_length;		/* -1: none */
	bool chunked;
	bool keep_alive;
	bool expect_continue;
};

/* The limits with the defaults filled in. */
void http_config_defaults(struct fata_http_config *out, const struct fata_http_config *in);

/* Bytes of empty lines (CRLF or LF) before a request line at buf, which a server ignores. */
size_t http_skip_empty_lines(const char *buf, size_t len);

/*
 * Looks for the end of a head that starts at buf[0] (a request line, not an empty line) in
 * buf[0..len). *scan (0 at first) remembers how far earlier calls looked, so that feeding a
 * head byte by byte costs linear time. Returns the head's length (through its empty line) when
 * complete, 0 when more is needed, -414 when the request line is longer than the limit, -431
 * when the head is longer than cfg->head_max.
 */
long http_head_end(const char *buf, size_t len, size_t *scan, const struct fata_http_config *cfg);

/*
 * Parses a complete head of `len` bytes (as found by http_head_end) in place: strings are
 * NUL-terminated inside buf. `fields` has room for cfg->fields_max entries. Returns 0 or a
 * negative status: -400 malformed, -431 too many fields, -501 unknown method or transfer
 * coding, -505 HTTP version other than 1.x.
 */
int http_head_parse(char *buf, size_t len, const struct fata_http_config *cfg,
		    struct fata_http_field *fields, struct http_head *h);

/* A chunked body decoder (RFC 9112 7.1); zero-initialised is at the start. */
struct http_chunked {
	int state;
	uint64_t left;			/* data bytes left in the current chunk */
	uint64_t total;			/* data bytes so far */
	size_t line;			/* bytes of the current extension or trailer line */
	size_t trailers;		/* bytes of trailer section so far */
	unsigned digits;
};

/*
 * Consumes framing from in[0..len) and at most one run of data, which it reports as
 * in[*data_off .. *data_off + *data_len) (length 0 when none). *used says how many bytes it
 * consumed. Returns 1 when the body ended (trailers skipped), 0 when it wants to be called again
 * (with more input once *used == len), -400 for bad framing, -413 when the data would exceed
 * `max` bytes, -431 for trailers longer than `trailer_max`.
 */
int http_chunked_decode(struct http_chunked *c, const char *in, size_t len, size_t *used,
			size_t *data_off, size_t *data_len, uint64_t max, size_t trailer_max);

/*
 * Applies a Range field value to a representation of `size` bytes. Returns 1 with the
 * inclusive byte positions in *first and *last for one satisfiable "bytes" range, 0 when the
 * field must be ignored (not bytes, malformed, several ranges: the whole is sent), -416 when
 * it is not satisfiable.
 */
int http_range(const char *value, uint64_t size, uint64_t *first, uint64_t *last);

/*
 * Whether the entity-tag list `list` (an If-None-Match or If-Match value: "*" or tags separated
 * by commas) contains `etag`; `weak` compares ignoring W/ (RFC 9110 8.8.3.2).
 */
bool http_etag_match(const char *list, const char *etag, bool weak);

/* The monotonic clock the server's deadlines are computed with; tests replace it. */
extern uint64_t (*http_clock)(void);

#endif
