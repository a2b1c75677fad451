/* Unit tests of the HTTP/1.1 parser (lib/http/parse.c) and HTTP-dates (lib/http/date.c). */
#include <fata/runtime.h>

#include <errno.h>
#include <stdlib.h>

#include "../../lib/http/parse.h"
#include "tap.h"

static struct fata_key no_keys[1];
const struct fata_unikernel fata_unikernel = { .name = "test", .keys = no_keys };

static char buf[70000];
static struct fata_http_field fields[200];
static struct http_head h;

/* Feeds `req` whole: the head's status (0 parsed, 1 incomplete, else -status). */
static int parse_cfg(const char *req, const struct fata_http_config *in)
{
	struct fata_http_config cfg;
	size_t len = strlen(req), scan = 0;
	long end;

	http_config_defaults(&cfg, in);
	memcpy(buf, req, len);
	end = http_head_end(buf, len, &scan, &cfg);
	if (end == 0)
		return 1;
	if (end < 0)
		return (int)end;
	return http_head_parse(buf, (size_t)end, &cfg, fields, &h);
}

static int parse(const char *req)
{
	return parse_cfg(req, NULL);
}

/* Feeds `req` one byte at a time, as a slow client would. */
static int parse_bytewise(const char *req)
{
	struct fata_http_config cfg;
	size_t len = strlen(req), scan = 0;

	http_config_defaults(&cfg, NULL);
	memcpy(buf, req, len);
	for (size_t i = 1; i <= len; i++) {
		long end = http_head_end(buf, i, &scan, &cfg);

		if (end < 0)
			return (int)end;
		if (end > 0)
			return (size_t)end == len ? http_head_parse(buf, (size_t)end, &cfg, fields, &h)
						  : -1;
	}
	return 1;
}

/* A request line of exactly `n` bytes: "GET /aaa...a HTTP/1.1". */
static char *line_of(size_t n, const char *rest)
{
	static char req[20000];
	size_t t = n - 14;	/* "GET " + " HTTP/1.1" = 13, plus the '/' */

	memcpy(req, "GET /", 5);
	memset(req + 5, 'a', t);
	sprintf(req + 5 + t, " HTTP/1.1\r\n%s", rest);
	return req;
}

/* A head of exactly `n` bytes, padded in one X-Pad field. */
static char *head_of(size_t n)
{
	static char req[20000];
	const char *pre = "GET / HTTP/1.1\r\nHost: h\r\nX-Pad: ";
	size_t p = strlen(pre), pad = n - p - 4;

	memcpy(req, pre, p);
	memset(req + p, 'p', pad);
	strcpy(req + p + pad, "\r\n\r\n");
	return req;
}

static void test_request_line(void)
{
	is_int(parse("GET /index.html?a=1&b HTTP/1.1\r\nHost: x\r\n\r\n"), 0, "a simple GET parses");
	is_int(h.method, FATA_HTTP_GET, "method GET");
	is_str(h.path, "/index.html", "path without the query");
	is_str(h.query, "a=1&b", "query after ?");
	is_int(h.minor, 1, "HTTP/1.1");
	ok(h.keep_alive, "1.1 keeps the connection by default");
	is_int(h.content_length, -1, "no Content-Length");
	is_int(parse("GET / HTTP/1.0\r\n\r\n"), 0, "HTTP/1.0 needs no Host");
	ok(!h.keep_alive, "1.0 closes by default");
	is_int(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"), 0, "1.0 keep-alive");
	ok(h.keep_alive, "1.0 with Connection: keep-alive keeps the connection");
	is_int(parse("GET / HTTP/1.1\r\nHost: x\r\nConnection: foo, close\r\n\r\n"), 0, "close");
	ok(!h.keep_alive, "Connection: foo, close closes");
	is_int(parse("GET / HTTP/1.1\nHost: x\n\n"), 0, "bare LF line ends are accepted");
	is_int(parse("GET http://example.com/p?q HTTP/1.1\r\nHost: example.com\r\n\r\n"), 0,
	       "absolute-form target");
	is_str(h.path, "/p", "absolute-form: path");
	is_str(h.query, "q", "absolute-form: query");
	is_int(parse("GET HTTP://example.com?q HTTP/1.1\r\nHost: e\r\n\r\n"), 0, "absolute, no path");
	is_str(h.path, "/", "absolute-form without a path is /");
	is_int(parse("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n"), 0, "OPTIONS *");
	is_str(h.path, "*", "asterisk-form");
	is_int(parse("GET * HTTP/1.1\r\nHost: x\r\n\r\n"), -400, "GET * is 400");
	is_int(parse("FOO / HTTP/1.1\r\nHost: x\r\n\r\n"), -501, "unknown method is 501");
	is_int(parse("get / HTTP/1.1\r\nHost: x\r\n\r\n"), -501, "methods are case-sensitive: 501");
	is_int(parse("G@T / HTTP/1.1\r\nHost: x\r\n\r\n"), -400, "method not a token is 400");
	is_int(parse("GET / HTTP/2.0\r\nHost: x\r\n\r\n"), -505, "HTTP/2.0 is 505");
	is_int(parse("GET / HTTP/0.9\r\nHost: x\r\n\r\n"), -505, "HTTP/0.9 is 505");
	is_int(parse("GET / HTTP/1.2\r\nHost: x\r\n\r\n"), 0, "HTTP/1.2 is served as 1.1");
	is_int(parse("GET / HTTPS/1.1\r\nHost: x\r\n\r\n"), -400, "bad protocol name is 400");
	is_int(parse("GET / HTTP/1.10\r\nHost: x\r\n\r\n"), -400, "bad version is 400");
	is_int(parse("GET /  HTTP/1.1\r\nHost: x\r\n\r\n"), -400, "two spaces is 400");
	is_int(parse("GET / HTTP/1.1 \r\nHost: x\r\n\r\n"), -400, "trailing space is 400");
	is_int(parse("GET\r\nHost: x\r\n\r\n"), -400, "no target is 400");
	is_int(parse("GET /a#frag HTTP/1.1\r\nHost: x\r\n\r\n"), -400, "fragment is 400");
	is_int(parse("GET /\x7f HTTP/1.1\r\nHost: x\r\n\r\n"), -400, "DEL in target is 400");
	is_int(parse("GET x HTTP/1.1\r\nHost: x\r\n\r\n"), -400, "relative target is 400");
	is_int(parse("GET http:/// HTTP/1.1\r\nHost: x\r\n\r\n"), -400, "no authority is 400");
	is_int(parse("GET /\r HTTP/1.1\r\nHost: x\r\n\r\n"), -400, "bare CR is 400");
	is_int(parse("GET / HTTP/1.1\r\nHost: x\r\n"), 1, "head without its empty line: more");
	is_int(http_skip_empty_lines("\r\n\n\r\nGET", 8), 5, "empty lines before a request skipped");
	is_int(http_skip_empty_lines("\r", 1), 0, "a lone CR waits");
	is_int(parse_bytewise("GET /slow HTTP/1.1\r\nHost: x\r\nA: b\r\n\r\n"), 0,
	       "a head fed byte by byte parses");
	is_str(h.path, "/slow", "byte by byte: path");
}

static void test_fields(void)
{
	is_int(parse("GET / HTTP/1.1\r\nhOsT:   x  \r\nX-Empty:\r\nX-Obs: \xc3\xa9\r\n\r\n"), 0,
	       "fields parse");
	is_int(h.nfields, 3, "three fields");
	is_str(fields[0].name, "hOsT", "name kept as sent");
	is_str(fields[0].value, "x", "value without the whitespace around it");
	is_str(fields[1].value, "", "empty value");
	is_str(fields[2].value, "\xc3\xa9", "obs-text allowed");
	is_int(parse("GET / HTTP/1.1\r\n\r\n"), -400, "1.1 without Host is 400");
	is_int(parse("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), -400, "two Hosts is 400");
	is_int(parse("GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n b\r\n\r\n"), -400, "obs-fold is 400");
	is_int(parse("GET / HTTP/1.1\r\n Host: a\r\n\r\n"), -400, "leading whitespace is 400");
	is_int(parse("GET / HTTP/1.1\r\nHost : a\r\n\r\n"), -400, "space before colon is 400");
	is_int(parse("GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n"), -400, "no colon is 400");
	is_int(parse("GET / HTTP/1.1\r\nHost: a\r\n: v\r\n\r\n"), -400, "empty name is 400");
	is_int(parse("GET / HTTP/1.1\r\nHost: a\r\nX: a\x01\r\n\r\n"), -400, "CTL in value is 400");
	is_int(parse("GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n"), -400, "CR in value is 400");
	is_int(parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 42\r\n\r\n"), 0, "length");
	is_int(h.content_length, 42, "Content-Length 42");
	is_int(parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 7, 7\r\nContent-Length: 7\r\n\r\n"),
	       0, "equal Content-Lengths are one");
	is_int(h.content_length, 7, "Content-Length 7");
	is_int(parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 7, 8\r\n\r\n"), -400,
	       "different Content-Lengths are 400");
	is_int(parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 7\r\nContent-Length: 8\r\n\r\n"),
	       -400, "two different Content-Length fields are 400");
	is_int(parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n"), -400, "CL -1: 400");
	is_int(parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x10\r\n\r\n"), -400, "hex: 400");
	is_int(parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: \r\n\r\n"), -400, "empty CL: 400");
	is_int(parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 9223372036854775807\r\n\r\n"), 0,
	       "INT64_MAX parses (413 comes later)");
	is_int(parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 9223372036854775808\r\n\r\n"),
	       -400, "INT64_MAX + 1 is 400");
	is_int(parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999999\r\n\r\n"),
	       -400, "a huge Content-Length is 400");
	is_int(parse("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n"), 0, "chunked");
	ok(h.chunked, "Transfer-Encoding: chunked (any case)");
	is_int(parse("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
		     "Content-Length: 5\r\n\r\n"), -400, "Transfer-Encoding with Content-Length is 400");
	is_int(parse("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"), -501,
	       "an unknown coding before chunked is 501");
	is_int(parse("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n"
		     "Transfer-Encoding: chunked\r\n\r\n"), -501, "codings over two fields: 501");
	is_int(parse("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n"), -400,
	       "chunked not last is 400");
	is_int(parse("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"), -400,
	       "Transfer-Encoding in HTTP/1.0 is 400");
	is_int(parse("POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\n\r\n"), 0, "expect");
	ok(h.expect_continue, "Expect: 100-continue seen");
}

static void test_limits(void)
{
	struct fata_http_config cfg = { .request_line_max = 30 };
	struct fata_http_config small = { .head_max = 100 };
	struct fata_http_config three = { .fields_max = 3 };
	char req[64];

	is_int(parse_cfg(line_of(30, "Host: x\r\n\r\n"), &cfg), 0, "request line at the limit: ok");
	is_int(parse_cfg(line_of(29, "Host: x\r\n\r\n"), &cfg), 0, "one below: ok");
	is_int(parse_cfg(line_of(31, "Host: x\r\n\r\n"), &cfg), -414, "one above: 414");
	memcpy(req, line_of(30, ""), 30);
	req[30] = '\0';
	is_int(parse_cfg(req, &cfg), 1, "30 bytes without line end: more");
	memcpy(req, line_of(31, ""), 31);
	req[31] = '\0';
	is_int(parse_cfg(req, &cfg), -414, "31 bytes without line end: 414 before the end");
	strcpy(req + 30, "\r");
	memcpy(req, line_of(30, ""), 30);
	is_int(parse_cfg(req, &cfg), 1, "30 bytes and CR: more");
	is_int(parse(line_of(8190, "Host: x\r\n\r\n")), 0, "default request line limit 8190: ok");
	is_int(parse(line_of(8191, "Host: x\r\n\r\n")), -414, "8191: 414");

	is_int(parse_cfg(head_of(100), &small), 0, "head at the limit: ok");
	is_int(parse_cfg(head_of(99), &small), 0, "one below: ok");
	is_int(parse_cfg(head_of(101), &small), -431, "one above: 431");
	is_int(parse(head_of(16384)), 0, "default head limit 16384: ok");
	is_int(parse(head_of(16385)), -431, "16385: 431");
	{
		char *r = head_of(101);

		r[100] = '\0';
		is_int(parse_cfg(r, &small), -431, "an incomplete head of 100 bytes: 431 at once");
		r[99] = '\0';
		is_int(parse_cfg(r, &small), 1, "99 bytes: more");
	}
	is_int(parse_cfg("GET / HTTP/1.1\r\nHost: x\r\nA: 1\r\nB: 2\r\n\r\n", &three), 0,
	       "fields at the limit: ok");
	is_int(parse_cfg("GET / HTTP/1.1\r\nHost: x\r\nA: 1\r\n\r\n", &three), 0, "one below: ok");
	is_int(parse_cfg("GET / HTTP/1.1\r\nHost: x\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", &three), -431,
	       "one above: 431");
}

/* Decodes `in` in pieces of `step` bytes; the body in out, or the error. */
static int chunked(const char *in, size_t step, uint64_t max, char *out, size_t *outlen,
		   size_t *rest)
{
	struct http_chunked c = { 0 };
	size_t len = strlen(in), pos = 0, avail = 0;

	*outlen = 0;
	while (pos < len) {
		size_t used, off, dlen;
		int r;

		avail = pos + step < len ? pos + step : len;
		r = http_chunked_decode(&c, in + pos, avail - pos, &used, &off, &dlen, max, 64);
		if (r < 0)
			return r;
		memcpy(out + *outlen, in + pos + off, dlen);
		*outlen += dlen;
		pos += used;
		if (r == 1) {
			*rest = len - pos;
			return 1;
		}
	}
	return 0;
}

static void test_chunked(void)
{
	char out[256];
	size_t n, rest;
	const char *body = "5\r\nhello\r\n1;ext=\"a b\"\r\n \r\nA\r\n0123456789\r\n0\r\n\r\nNEXT";

	out[0] = 0;
	is_int(chunked(body, 1000, 100, out, &n, &rest), 1, "chunked body decodes");
	is_int(n, 16, "16 bytes of data");
	ok(memcmp(out, "hello 0123456789", 16) == 0, "the data joined");
	is_int(rest, 4, "the next request's bytes are left");
	is_int(chunked(body, 1, 100, out, &n, &rest), 1, "decodes byte by byte");
	ok(n == 16 && memcmp(out, "hello 0123456789", 16) == 0, "same data byte by byte");
	is_int(chunked("3\nabc\n0\n\n", 1000, 100, out, &n, &rest), 1, "bare LFs");
	is_int(chunked("3\r\nabc\r\n0\r\nX-T: 1\r\nY: 2\r\n\r\n", 1000, 100, out, &n, &rest), 1,
	       "trailers are skipped");
	is_int(n, 3, "trailers are not data");
	is_int(chunked("3\r\nabc\r\n0\r\n", 1000, 100, out, &n, &rest), 0, "waits for the end");
	is_int(chunked("\r\n", 1000, 100, out, &n, &rest), -400, "no size is 400");
	is_int(chunked("g\r\n", 1000, 100, out, &n, &rest), -400, "bad size is 400");
	is_int(chunked("3\r\nabcX\r\n", 1000, 100, out, &n, &rest), -400, "data too long is 400");
	is_int(chunked("3\rX", 1000, 100, out, &n, &rest), -400, "CR without LF is 400");
	is_int(chunked("10000000000000000\r\n", 1000, UINT64_MAX, out, &n, &rest), -400,
	       "17 hex digits overflow: 400");
	is_int(chunked("FFFFFFFFFFFFFFFF\r\n", 1000, UINT64_MAX, out, &n, &rest), 0,
	       "16 hex digits fit (then data is awaited)");
	is_int(chunked("64\r\n", 1000, 100, out, &n, &rest), 0, "a chunk of exactly max: ok");
	is_int(chunked("65\r\n", 1000, 100, out, &n, &rest), -413, "a chunk of max + 1: 413");
	is_int(chunked("32\r\n" "01234567890123456789012345678901234567890123456789\r\n33\r\n",
		       1000, 100, out, &n, &rest), -413, "chunks adding up past max: 413");
	is_int(chunked("32\r\n" "01234567890123456789012345678901234567890123456789\r\n32\r\n",
		       1000, 100, out, &n, &rest), 0, "chunks adding up to max: ok");
	{
		char big[200] = "0\r\nX: ";

		memset(big + 6, 'a', 100);
		strcpy(big + 106, "\r\n\r\n");
		is_int(chunked(big, 1000, 100, out, &n, &rest), -431, "trailers too long: 431");
	}
	{
		/* 1024 bytes of chunk extension after the ";" (CHUNK_EXT_MAX), one below, one above. */
		static char ext[1100];

		for (int len = 1023; len <= 1025; len++) {
			ext[0] = '1';
			ext[1] = ';';
			memset(ext + 2, 'e', (size_t)len);
			strcpy(ext + 2 + len, "\r\nz\r\n0\r\n\r\n");
			is_int(chunked(ext, 1000, 100, out, &n, &rest), len <= 1024 ? 1 : -400,
			       "a chunk extension of %d bytes: %s", len, len <= 1024 ? "ok" : "400");
		}
	}
}

static void test_range(void)
{
	uint64_t a = 0, b = 0;

	is_int(http_range("bytes=0-4", 10, &a, &b), 1, "bytes=0-4");
	ok(a == 0 && b == 4, "0..4");
	is_int(http_range("bytes=5-", 10, &a, &b), 1, "bytes=5-");
	ok(a == 5 && b == 9, "5..9");
	is_int(http_range("bytes=-3", 10, &a, &b), 1, "bytes=-3");
	ok(a == 7 && b == 9, "the last 3: 7..9");
	is_int(http_range("bytes=-30", 10, &a, &b), 1, "suffix longer than the whole");
	ok(a == 0 && b == 9, "the whole");
	is_int(http_range("bytes=8-100", 10, &a, &b), 1, "end past the size");
	ok(a == 8 && b == 9, "clipped to 8..9");
	is_int(http_range("bytes=9-9", 10, &a, &b), 1, "the last byte");
	ok(a == 9 && b == 9, "the last byte is 9-9");
	is_int(http_range("bytes=9-", 10, &a, &b), 1, "first one below the size");
	ok(a == 9 && b == 9, "9- of 10 is 9-9");
	is_int(http_range("bytes=0-9", 10, &a, &b), 1, "last at size - 1");
	ok(a == 0 && b == 9, "0-9 of 10");
	is_int(http_range("bytes=0-10", 10, &a, &b), 1, "last at the size is clamped");
	ok(a == 0 && b == 9, "0-10 of 10 is 0-9");
	is_int(http_range("bytes=-10", 10, &a, &b), 1, "a suffix of exactly the size");
	ok(a == 0 && b == 9, "-10 of 10 is 0-9");
	is_int(http_range("bytes=-9", 10, &a, &b), 1, "a suffix one below the size");
	ok(a == 1 && b == 9, "-9 of 10 is 1-9");
	is_int(http_range("bytes=-11", 10, &a, &b), 1, "a suffix one above the size");
	ok(a == 0 && b == 9, "-11 of 10 is 0-9");
	is_int(http_range("bytes=11-", 10, &a, &b), -416, "first one above the size: 416");
	is_int(http_range("bytes=10-", 10, &a, &b), -416, "first at the size: 416");
	is_int(http_range("bytes=-0", 10, &a, &b), -416, "empty suffix: 416");
	is_int(http_range("bytes=0-", 0, &a, &b), -416, "empty representation: 416");
	is_int(http_range("bytes=5-4", 10, &a, &b), 0, "last < first: ignored");
	is_int(http_range("bytes=0-1,3-4", 10, &a, &b), 0, "several ranges: ignored (200)");
	is_int(http_range("items=0-1", 10, &a, &b), 0, "other unit: ignored");
	is_int(http_range("bytes=x-1", 10, &a, &b), 0, "junk: ignored");
	is_int(http_range("bytes=99999999999999999999-", 10, &a, &b), 0, "overflow: ignored");
}

static void test_etag(void)
{
	ok(http_etag_match("\"a\"", "\"a\"", true), "same tag matches");
	ok(http_etag_match("\"x\", W/\"a\"", "\"a\"", true), "weak comparison ignores W/");
	ok(!http_etag_match("W/\"a\"", "\"a\"", false), "strong comparison does not");
	ok(!http_etag_match("\"b\"", "\"a\"", true), "another tag does not match");
	ok(http_etag_match("*", "\"a\"", true), "* matches any tag");
	ok(!http_etag_match("*", NULL, true), "* needs a representation with a tag");
	ok(!http_etag_match("\"a", "\"a\"", true), "unterminated tag does not match");
}

static void test_dates(void)
{
	char d[FATA_HTTP_DATE_LEN + 1];
	int64_t t = 0;

	fata_http_date(784111777, d);
	is_str(d, "Sun, 06 Nov 1994 08:49:37 GMT", "IMF-fixdate of RFC 9110's example");
	fata_http_date(0, d);
	is_str(d, "Thu, 01 Jan 1970 00:00:00 GMT", "the epoch");
	fata_http_date(951782400, d);
	is_str(d, "Tue, 29 Feb 2000 00:00:00 GMT", "a leap day");
	fata_http_date(253402300799LL, d);
	is_str(d, "Fri, 31 Dec 9999 23:59:59 GMT", "the last second of 9999");
	is_int(fata_http_date_parse("Sun, 06 Nov 1994 08:49:37 GMT", &t), 0, "IMF-fixdate parses");
	is_int(t, 784111777, "to 784111777");
	t = 0;
	is_int(fata_http_date_parse("Sunday, 06-Nov-94 08:49:37 GMT", &t), 0, "RFC 850 parses");
	is_int(t, 784111777, "to the same time");
	t = 0;
	is_int(fata_http_date_parse("Sun Nov  6 08:49:37 1994", &t), 0, "asctime parses");
	is_int(t, 784111777, "to the same time");
	is_int(fata_http_date_parse("Sun, 06 Nov 1994 08:49:37 UTC", &t), -EINVAL, "UTC: invalid");
	is_int(fata_http_date_parse("Sun, 31 Feb 1994 08:49:37 GMT", &t), -EINVAL, "31 Feb: invalid");
	is_int(fata_http_date_parse("Sun, 06 Nov 1994 24:00:00 GMT", &t), -EINVAL, "24:00: invalid");
	is_int(fata_http_date_parse("", &t), -EINVAL, "empty: invalid");
	is_int(fata_http_date_parse("Sun, 06 Nov 1994 08:49:37 GMT ", &t), -EINVAL,
	       "trailing space: invalid");
	for (int64_t s = -86400 * 400; s < 86400LL * 365 * 200; s += 86400 * 37 + 3671) {
		int64_t back;

		fata_http_date(s, d);
		if (fata_http_date_parse(d, &back) != 0 || back != s) {
			ok(0, "round trip of %lld: %s", (long long)s, d);
			return;
		}
	}
	ok(1, "dates from 1969 to 2169 round-trip");
}

int main(void)
{
	test_request_line();
	test_fields();
	test_limits();
	test_chunked();
	test_range();
	test_etag();
	test_dates();
	return tap_done();
}
