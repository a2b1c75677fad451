/* The HTTP/1.1 request parser (RFC 9112): heads, chunked bodies, ranges, entity-tags. */
#include "parse.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#define DEF_REQUEST_LINE_MAX 8190
#define DEF_HEAD_MAX 16384
#define DEF_FIELDS_MAX 100
#define DEF_BODY_MAX (1024 * 1024)
#define DEF_IDLE_NS (30 * 1000000000ULL)
#define DEF_HEAD_NS (10 * 1000000000ULL)
#define DEF_BODY_NS (30 * 1000000000ULL)
#define DEF_WRITE_NS (30 * 1000000000ULL)
#define CHUNK_EXT_MAX 1024

void http_config_defaults(struct fata_http_config *out, const struct fata_http_config *in)
{
	static const struct fata_http_config none;

	*out = in ? *in : none;
	if (!out->request_line_max)
		out->request_line_max = DEF_REQUEST_LINE_MAX;
	if (!out->head_max)
		out->head_max = DEF_HEAD_MAX;
	/* The request line and its CRLF and the empty line must fit in the head. */
	if (out->request_line_max > out->head_max - 4 || out->head_max < 8) {
		if (out->head_max < 8)
			out->head_max = 8;
		out->request_line_max = out->head_max - 4;
	}
	if (!out->fields_max)
		out->fields_max = DEF_FIELDS_MAX;
	if (!out->body_max)
		out->body_max = DEF_BODY_MAX;
	if (!out->idle_ns)
		out->idle_ns = DEF_IDLE_NS;
	if (!out->head_ns)
		out->head_ns = DEF_HEAD_NS;
	if (!out->body_ns)
		out->body_ns = DEF_BODY_NS;
	if (!out->write_ns)
		out->write_ns = DEF_WRITE_NS;
	if (!out->methods)
		out->methods = FATA_HTTP_GET | FATA_HTTP_HEAD;
	if (out->methods & FATA_HTTP_GET)
		out->methods |= FATA_HTTP_HEAD;
	if (!out->server)
		out->server = "fata";
}

static const char *const method_names[] = {
	"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "CONNECT",
};
#define NMETHODS (sizeof(method_names) / sizeof(method_names[0]))

const char *fata_http_method_name(unsigned method)
{
	for (unsigned i = 0; i < NMETHODS; i++)
		if (method == 1u << i)
			return method_names[i];
	return NULL;
}

/* tchar of RFC 9110 5.6.2 */
static bool is_tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

static bool is_ows(unsigned char c)
{
	return c == ' ' || c == '\t';
}

size_t http_skip_empty_lines(const char *buf, size_t len)
{
	size_t i = 0;

	for (;;) {
		if (i < len && buf[i] == '\n')
			i++;
		else if (i + 1 < len && buf[i] == '\r' && buf[i + 1] == '\n')
			i += 2;
		else
			return i;
	}
}

long http_head_end(const char *buf, size_t len, size_t *scan, const struct fata_http_config *cfg)
{
	const char *lf = memchr(buf, '\n', len);
	size_t line;

	/* The request line, without its CR LF (or bare LF). */
	if (!lf) {
		line = len && buf[len - 1] == '\r' ? len - 1 : len;
		if (line > cfg->request_line_max)
			return -414;
	} else {
		line = (size_t)(lf - buf);
		if (line && buf[line - 1] == '\r')
			line--;
		if (line > cfg->request_line_max)
			return -414;
	}
	for (size_t i = *scan > 2 ? *scan : 2; i < len && i < cfg->head_max; i++) {
		if (buf[i] != '\n')
			continue;
		if (buf[i - 1] == '\n' || (buf[i - 1] == '\r' && buf[i - 2] == '\n'))
			return (long)(i + 1);
	}
	*scan = len;
	if (len >= cfg->head_max)
		return -431;
	return 0;
}

/* Ends the line starting at *pos (its LF is within buf[..end)); returns its start and length
 * without CR LF, or NULL for a bare CR inside. */
static char *next_line(char *buf, size_t end, size_t *pos, size_t *len)
{
	char *start = buf + *pos;
	char *lf = memchr(start, '\n', end - *pos);
	size_t n;

	if (!lf)
		return NULL;
	n = (size_t)(lf - start);
	*pos += n + 1;
	if (n && start[n - 1] == '\r')
		n--;
	if (memchr(start, '\r', n))
		return NULL;
	start[n] = '\0';
	*len = n;
	return start;
}

static unsigned method_of(const char *m, size_t len)
{
	for (unsigned i = 0; i < NMETHODS; i++)
		if (strlen(method_names[i]) == len && memcmp(method_names[i], m, len) == 0)
			return 1u << i;
	return 0;
}

/* Parses the request target in place (NUL-terminated, with its length). */
static int parse_target(char *t, size_t len, struct http_head *h)
{
	char *q;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)t[i];

		if (c <= 0x20 || c >= 0x7f || c == '#')
			return -400;
	}
	if (len == 1 && t[0] == '*') {
		if (h->method != FATA_HTTP_OPTIONS)
			return -400;
		h->path = t;
		h->query = t + len;
		return 0;
	}
	if (h->method == FATA_HTTP_CONNECT) {
		/* authority-form: passed as the path; the handler rarely takes CONNECT. */
		h->path = t;
		h->query = t + len;
		return 0;
	}
	if (t[0] != '/') {
		/* absolute-form: http[s]://authority[path][?query] */
		size_t skip;
		char *p;

		if (len > 7 && strncasecmp(t, "http://", 7) == 0)
			skip = 7;
		else if (len > 8 && strncasecmp(t, "https://", 8) == 0)
			skip = 8;
		else
			return -400;
		p = t + skip + strcspn(t + skip, "/?");
		if (p == t + skip)
			return -400;	/* no authority */
		if (*p != '/') {
			/* no path: it is "/", written over the authority's last byte */
			p--;
			*p = '/';
		}
		t = p;
	}
	q = strchr(t, '?');
	h->path = t;
	if (q) {
		*q = '\0';
		h->query = q + 1;
	} else {
		h->query = t + strlen(t);
	}
	return 0;
}

/* A comma-separated list of equal decimal numbers (RFC 9110 8.6). */
static int parse_content_length(const char *v, int64_t *out)
{
	int64_t val = -1;

	for (;;) {
		int64_t n = 0;
		size_t digits = 0;

		while (is_ows((unsigned char)*v))
			v++;
		while (*v >= '0' && *v <= '9') {
			if (n > (INT64_MAX - (*v - '0')) / 10)
				return -400;
			n = n * 10 + (*v++ - '0');
			digits++;
		}
		if (!digits)
			return -400;
		if (val >= 0 && n != val)
			return -400;
		val = n;
		while (is_ows((unsigned char)*v))
			v++;
		if (*v == '\0')
			break;
		if (*v++ != ',')
			return -400;
	}
	if (*out >= 0 && *out != val)
		return -400;
	*out = val;
	return 0;
}

/* Whether the comma-separated list `v` holds the token `tok` (case-insensitive). */
static bool list_has(const char *v, const char *tok)
{
	size_t tl = strlen(tok);

	while (*v) {
		size_t n;

		while (*v == ',' || is_ows((unsigned char)*v))
			v++;
		n = strcspn(v, ", \t");
		if (n == tl && strncasecmp(v, tok, tl) == 0) {
			const char *e = v + n;

			while (is_ows((unsigned char)*e))
				e++;
			if (*e == '\0' || *e == ',')
				return true;
		}
		v += n;
		while (*v && *v != ',')
			v++;
	}
	return false;
}

/* Transfer-Encoding: exactly "chunked" is taken; other codings before it are not implemented
 * (501); a list not ending in chunked cannot be framed (400). Returns 0, -400 or -501. */
static int parse_transfer_encoding(const char *v, int *count, bool *last_chunked)
{
	while (*v) {
		size_t n;
		const char *e;

		while (*v == ',' || is_ows((unsigned char)*v))
			v++;
		if (!*v)
			break;
		n = strcspn(v, ",");
		e = v + n;
		while (e > v && is_ows((unsigned char)e[-1]))
			e--;
		*last_chunked = (size_t)(e - v) == 7 && strncasecmp(v, "chunked", 7) == 0;
		(*count)++;
		v += n;
	}
	return 0;
}

int http_head_parse(char *buf, size_t len, const struct fata_http_config *cfg,
		    struct fata_http_field *fields, struct http_head *h)
{
	size_t pos = 0, n;
	char *line, *sp1, *sp2, *ver;
	int hosts = 0, codings = 0, err;
	bool last_chunked = false, te = false, conn_close = false, conn_keep = false;

	memset(h, 0, sizeof(*h));
	h->content_length = -1;
	h->fields = fields;
	line = next_line(buf, len, &pos, &n);
	if (!line)
		return -400;
	/* request-line = method SP request-target SP HTTP-version */
	sp1 = memchr(line, ' ', n);
	if (!sp1 || sp1 == line)
		return -400;
	sp2 = memchr(sp1 + 1, ' ', n - (size_t)(sp1 + 1 - line));
	if (!sp2 || sp2 == sp1 + 1)
		return -400;
	ver = sp2 + 1;
	for (char *p = line; p < sp1; p++)
		if (!is_tchar((unsigned char)*p))
			return -400;
	if (strlen(ver) != 8 || memcmp(ver, "HTTP/", 5) != 0 || !isdigit((unsigned char)ver[5]) ||
	    ver[6] != '.' || !isdigit((unsigned char)ver[7]))
		return -400;
	if (ver[5] != '1')
		return -505;
	/* HTTP/1.2 and later minor versions are answered as 1.1 (RFC 9110 2.5). */
	h->minor = ver[7] == '0' ? 0 : 1;
	h->method = method_of(line, (size_t)(sp1 - line));
	if (!h->method)
		return -501;
	*sp2 = '\0';
	err = parse_target(sp1 + 1, (size_t)(sp2 - sp1 - 1), h);
	if (err)
		return err;

	for (;;) {
		char *colon, *v, *e;

		line = next_line(buf, len, &pos, &n);
		if (!line)
			return -400;
		if (n == 0)
			break;
		if (is_ows((unsigned char)line[0]))
			return -400;	/* obs-fold, or whitespace before the first name */
		colon = memchr(line, ':', n);
		if (!colon || colon == line)
			return -400;
		for (char *p = line; p < colon; p++)
			if (!is_tchar((unsigned char)*p))
				return -400;	/* includes whitespace before the colon */
		*colon = '\0';
		v = colon + 1;
		e = line + n;
		while (v < e && is_ows((unsigned char)*v))
			v++;
		while (e > v && is_ows((unsigned char)e[-1]))
			e--;
		for (char *p = v; p < e; p++) {
			unsigned char c = (unsigned char)*p;

			if ((c < 0x20 && c != '\t') || c == 0x7f)
				return -400;
		}
		*e = '\0';
		if (h->nfields >= cfg->fields_max)
			return -431;
		fields[h->nfields].name = line;
		fields[h->nfields].value = v;
		h->nfields++;

		if (strcasecmp(line, "host") == 0) {
			hosts++;
		} else if (strcasecmp(line, "content-length") == 0) {
			err = parse_content_length(v, &h->content_length);
			if (err)
				return err;
		} else if (strcasecmp(line, "transfer-encoding") == 0) {
			te = true;
			parse_transfer_encoding(v, &codings, &last_chunked);
		} else if (strcasecmp(line, "connection") == 0) {
			conn_close |= list_has(v, "close");
			conn_keep |= list_has(v, "keep-alive");
		} else if (strcasecmp(line, "expect") == 0) {
			if (strcasecmp(v, "100-continue") == 0)
				h->expect_continue = true;
		}
	}
	if (pos != len)
		return -400;
	if (hosts > 1 || (h->minor == 1 && hosts == 0))
		return -400;
	if (te) {
		/* RFC 9112 6.1: with Content-Length too, or in HTTP/1.0, the framing is suspect. */
		if (h->content_length >= 0 || h->minor == 0)
			return -400;
		if (!last_chunked)
			return -400;
		if (codings != 1)
			return -501;
		h->chunked = true;
	}
	h->keep_alive = h->minor == 1 ? !conn_close : conn_keep && !conn_close;
	return 0;
}

enum {
	CH_SIZE, CH_EXT, CH_SIZE_LF, CH_DATA, CH_DATA_CR, CH_DATA_LF, CH_TRAILER_START,
	CH_TRAILER, CH_END_LF, CH_DONE,
};

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int http_chunked_decode(struct http_chunked *c, const char *in, size_t len, size_t *used,
			size_t *data_off, size_t *data_len, uint64_t max, size_t trailer_max)
{
	size_t i = 0;

	*data_off = 0;
	*data_len = 0;
	while (i < len) {
		unsigned char ch = (unsigned char)in[i];

		switch (c->state) {
		case CH_SIZE:
			if (hexval(ch) >= 0) {
				if (c->left > (UINT64_MAX >> 4))
					return -400;
				c->left = (c->left << 4) | (uint64_t)hexval(ch);
				c->digits++;
				i++;
				break;
			}
			if (!c->digits)
				return -400;
			if (c->left > max || c->total + c->left > max)
				return -413;
			if (ch == ';' || is_ows(ch)) {
				c->state = CH_EXT;
				c->line = 0;
			} else if (ch == '\r') {
				c->state = CH_SIZE_LF;
			} else if (ch == '\n') {
				c->state = c->left ? CH_DATA : CH_TRAILER_START;
			} else {
				return -400;
			}
			i++;
			break;
		case CH_EXT:
			/* chunk extensions are ignored, but bounded and free of control bytes */
			if (ch == '\r') {
				c->state = CH_SIZE_LF;
			} else if (ch == '\n') {
				c->state = c->left ? CH_DATA : CH_TRAILER_START;
			} else if ((ch < 0x20 && ch != '\t') || ch == 0x7f || ++c->line > CHUNK_EXT_MAX) {
				return -400;
			}
			i++;
			break;
		case CH_SIZE_LF:
			if (ch != '\n')
				return -400;
			c->state = c->left ? CH_DATA : CH_TRAILER_START;
			i++;
			break;
		case CH_DATA: {
			size_t n = len - i;

			if (n > c->left)
				n = (size_t)c->left;
			*data_off = i;
			*data_len = n;
			c->left -= n;
			c->total += n;
			i += n;
			if (!c->left)
				c->state = CH_DATA_CR;
			*used = i;
			return 0;
		}
		case CH_DATA_CR:
			if (ch == '\r')
				c->state = CH_DATA_LF;
			else if (ch == '\n')
				c->state = CH_SIZE, c->digits = 0;
			else
				return -400;
			i++;
			break;
		case CH_DATA_LF:
			if (ch != '\n')
				return -400;
			c->state = CH_SIZE;
			c->digits = 0;
			i++;
			break;
		case CH_TRAILER_START:
			if (ch == '\r') {
				c->state = CH_END_LF;
			} else if (ch == '\n') {
				c->state = CH_DONE;
				*used = i + 1;
				return 1;
			} else {
				c->state = CH_TRAILER;
				continue;
			}
			i++;
			break;
		case CH_TRAILER:
			/* trailer fields are skipped: only their size is checked */
			if (++c->trailers > trailer_max)
				return -431;
			if (ch == '\n')
				c->state = CH_TRAILER_START;
			i++;
			break;
		case CH_END_LF:
			if (ch != '\n')
				return -400;
			c->state = CH_DONE;
			*used = i + 1;
			return 1;
		default:
			*used = i;
			return 1;
		}
	}
	*used = i;
	return 0;
}

/* A decimal byte position, digits only; false on overflow or none. */
static bool parse_pos(const char **s, uint64_t *out)
{
	uint64_t n = 0;
	const char *p = *s;

	if (!isdigit((unsigned char)*p))
		return false;
	while (isdigit((unsigned char)*p)) {
		if (n > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return false;
		n = n * 10 + (uint64_t)(*p++ - '0');
	}
	*s = p;
	*out = n;
	return true;
}

int http_range(const char *v, uint64_t size, uint64_t *first, uint64_t *last)
{
	uint64_t a, b;
	const char *p;

	if (strncasecmp(v, "bytes", 5) != 0)
		return 0;
	p = v + 5;
	while (is_ows((unsigned char)*p))
		p++;
	if (*p++ != '=')
		return 0;
	while (is_ows((unsigned char)*p))
		p++;
	if (strchr(p, ','))
		return 0;	/* several ranges: answered with the whole representation */
	if (*p == '-') {
		p++;
		if (!parse_pos(&p, &b))
			return 0;
		while (is_ows((unsigned char)*p))
			p++;
		if (*p)
			return 0;
		if (b == 0 || size == 0)
			return -416;
		*first = b >= size ? 0 : size - b;
		*last = size - 1;
		return 1;
	}
	if (!parse_pos(&p, &a) || *p++ != '-')
		return 0;
	if (*p && !is_ows((unsigned char)*p)) {
		if (!parse_pos(&p, &b) || b < a)
			return 0;
	} else {
		b = UINT64_MAX;
	}
	while (is_ows((unsigned char)*p))
		p++;
	if (*p)
		return 0;
	if (a >= size)
		return -416;
	*first = a;
	*last = b >= size ? size - 1 : b;
	return 1;
}

/* One entity-tag at *s: [W/]"opaque" with etagc bytes; sets its opaque part. */
static bool next_etag(const char **s, const char **op, size_t *oplen, bool *weak)
{
	const char *p = *s, *q;

	*weak = false;
	if (p[0] == 'W' && p[1] == '/') {
		*weak = true;
		p += 2;
	}
	if (*p != '"')
		return false;
	q = strchr(p + 1, '"');
	if (!q)
		return false;
	*op = p + 1;
	*oplen = (size_t)(q - p - 1);
	*s = q + 1;
	return true;
}

bool http_etag_match(const char *list, const char *etag, bool weak)
{
	const char *mine, *p = list;
	size_t mylen;
	bool myweak;

	while (is_ows((unsigned char)*p))
		p++;
	if (p[0] == '*') {
		const char *e = p + 1;

		while (is_ows((unsigned char)*e))
			e++;
		if (*e == '\0')
			return etag != NULL;
	}
	if (!etag || !next_etag(&etag, &mine, &mylen, &myweak))
		return false;
	while (*p) {
		const char *op;
		size_t oplen;
		bool w;

		while (*p == ',' || is_ows((unsigned char)*p))
			p++;
		if (!*p)
			break;
		if (!next_etag(&p, &op, &oplen, &w))
			return false;
		if (oplen == mylen && memcmp(op, mine, mylen) == 0 && (weak || (!w && !myweak)))
			return true;
	}
	return false;
}
