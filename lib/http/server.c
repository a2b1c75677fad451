/* The HTTP/1.1 server loop over a struct fata_http_io: requests in, responses out, in order. */
#include "parse.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <fata/log.h>
#include <fata/time.h>

FATA_LOG_SOURCE(http_log, "http");

#define OUT_CAP 16384		/* responses are gathered here and written in one call */
#define HEAD_RESERVE 4096	/* room a response's head needs at most, besides `extra` */
#define BODY_ROOM 4096		/* input room past the longest head, for body framing */
#define LINGER_NS FATA_SEC(2)	/* after our last response, how long unread input is drained */

struct conn {
	const struct fata_http_io *io;
	struct fata_http_config cfg;
	fata_http_handler handler;
	void *arg;
	char *in;
	size_t in_len, in_cap;
	char out[OUT_CAP];
	size_t out_len;
	int err;			/* the transport's error, once it failed */
	struct fata_http_response resp;
	struct fata_http_field fields[];
};

static const struct {
	int code;
	const char *reason;
} reasons[] = {
	{ 100, "Continue" }, { 200, "OK" }, { 201, "Created" }, { 202, "Accepted" },
	{ 204, "No Content" }, { 206, "Partial Content" }, { 301, "Moved Permanently" },
	{ 302, "Found" }, { 303, "See Other" }, { 304, "Not Modified" },
	{ 307, "Temporary Redirect" }, { 308, "Permanent Redirect" }, { 400, "Bad Request" },
	{ 401, "Unauthorized" }, { 403, "Forbidden" }, { 404, "Not Found" },
	{ 405, "Method Not Allowed" }, { 408, "Request Timeout" }, { 409, "Conflict" },
	{ 410, "Gone" }, { 411, "Length Required" }, { 412, "Precondition Failed" },
	{ 413, "Content Too Large" }, { 414, "URI Too Long" }, { 415, "Unsupported Media Type" },
	{ 416, "Range Not Satisfiable" }, { 429, "Too Many Requests" },
	{ 431, "Request Header Fields Too Large" }, { 500, "Internal Server Error" },
	{ 501, "Not Implemented" }, { 502, "Bad Gateway" }, { 503, "Service Unavailable" },
	{ 505, "HTTP Version Not Supported" },
};

static const char *reason_of(int code)
{
	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (reasons[i].code == code)
			return reasons[i].reason;
	return "Unknown";
}

const char *fata_http_header(const struct fata_http_request *req, const char *name)
{
	for (unsigned i = 0; i < req->nfields; i++)
		if (strcasecmp(req->fields[i].name, name) == 0)
			return req->fields[i].value;
	return NULL;
}

void fata_http_set_body(struct fata_http_response *resp, const char *content_type,
			const void *data, size_t len)
{
	resp->content_type = content_type;
	resp->body = data;
	resp->body_read = NULL;
	resp->body_size = len;
}

int fata_http_add_header(struct fata_http_response *resp, const char *name, const char *value)
{
	size_t nl, vl;

	if (!name || !value || !*name)
		return -EINVAL;
	nl = strlen(name);
	vl = strlen(value);
	for (size_t i = 0; i < nl; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c <= ' ' || c >= 0x7f || strchr("\"(),/:;<=>?@[\\]{}", c))
			return -EINVAL;
	}
	if (value[strcspn(value, "\r\n")])
		return -EINVAL;
	if (resp->extra_len + nl + vl + 4 > sizeof(resp->extra))
		return -ENOSPC;
	memcpy(resp->extra + resp->extra_len, name, nl);
	memcpy(resp->extra + resp->extra_len + nl, ": ", 2);
	memcpy(resp->extra + resp->extra_len + nl + 2, value, vl);
	memcpy(resp->extra + resp->extra_len + nl + 2 + vl, "\r\n", 2);
	resp->extra_len += nl + vl + 4;
	return 0;
}

uint64_t (*http_clock)(void) = fata_monotonic_ns;

static uint64_t after(uint64_t ns)
{
	return http_clock() + ns;
}

static int flush(struct conn *c)
{
	long w;

	if (c->err)
		return c->err;
	if (!c->out_len)
		return 0;
	w = c->io->write(c->io->ctx, c->out, c->out_len, after(c->cfg.write_ns));
	if (w != (long)c->out_len) {
		c->err = w < 0 ? (int)w : -EIO;
		fata_log(&http_log, FATA_LOG_DEBUG, "write: %s", strerror(-c->err));
		return c->err;
	}
	c->out_len = 0;
	return 0;
}

/* Appends bytes to the output, writing out what is gathered when it fills up. */
static int emit(struct conn *c, const void *data, size_t len)
{
	if (c->err)
		return c->err;
	if (len > sizeof(c->out) - c->out_len) {
		if (flush(c))
			return c->err;
		if (len > sizeof(c->out)) {
			long w = c->io->write(c->io->ctx, data, len, after(c->cfg.write_ns));

			if (w != (long)len)
				c->err = w < 0 ? (int)w : -EIO;
			return c->err;
		}
	}
	memcpy(c->out + c->out_len, data, len);
	c->out_len += len;
	return 0;
}

/* Reads more input into in[in_len..in_cap). Returns bytes read, 0 at EOF, or a negative errno. */
static long fill(struct conn *c, uint64_t deadline)
{
	long n;

	if (flush(c))
		return c->err;
	if (c->in_len >= c->in_cap)
		return -ENOBUFS;
	n = c->io->read(c->io->ctx, c->in + c->in_len, c->in_cap - c->in_len, deadline);
	if (n > 0)
		c->in_len += (size_t)n;
	return n;
}

static void format_allow(char *buf, size_t size, unsigned methods)
{
	size_t len = 0;

	buf[0] = '\0';
	for (unsigned m = 1; m <= FATA_HTTP_CONNECT; m <<= 1) {
		if (!(methods & m))
			continue;
		len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? ", " : "",
					fata_http_method_name(m));
		if (len >= size)
			break;
	}
}

/* Answers an error status (from the library, not the handler) and marks the end of the
 * connection. */
static void error_response(struct conn *c, int status)
{
	char head[512], date[FATA_HTTP_DATE_LEN + 1], allow[128];
	const char *reason = reason_of(status);
	int n;

	fata_http_date((int64_t)(fata_wall_ns() / FATA_NS_PER_SEC), date);
	allow[0] = '\0';
	if (status == 405) {
		char list[96];

		format_allow(list, sizeof(list), c->cfg.methods);
		snprintf(allow, sizeof(allow), "Allow: %s\r\n", list);
	}
	n = snprintf(head, sizeof(head),
		     "HTTP/1.1 %d %s\r\nDate: %s\r\n%s%.100s%sConnection: close\r\n%s"
		     "Content-Type: text/plain\r\nContent-Length: %zu\r\n\r\n%d %s\n",
		     status, reason, date, *c->cfg.server ? "Server: " : "", c->cfg.server,
		     *c->cfg.server ? "\r\n" : "", allow, strlen(reason) + 5, status, reason);
	if (n > 0 && (size_t)n < sizeof(head))
		emit(c, head, (size_t)n);
	fata_log(&http_log, FATA_LOG_DEBUG, "%d %s", status, reason);
}

/* The If-Range condition (RFC 9110 13.1.5): true when the range may be applied. */
static bool if_range_holds(const char *ir, const struct fata_http_response *r)
{
	int64_t t;

	if (ir[0] == '"' || (ir[0] == 'W' && ir[1] == '/'))
		return r->etag && http_etag_match(ir, r->etag, false);
	return r->last_modified > 0 && fata_http_date_parse(ir, &t) == 0 &&
	       t == r->last_modified;
}

/* Whether a GET or HEAD may be answered with 304 Not Modified (RFC 9110 13.2.2). */
static bool not_modified(const struct fata_http_request *req, const struct fata_http_response *r)
{
	const char *inm = fata_http_header(req, "If-None-Match");
	const char *ims;
	int64_t t;

	if (inm)
		return http_etag_match(inm, r->etag, true);
	ims = fata_http_header(req, "If-Modified-Since");
	return ims && r->last_modified > 0 && fata_http_date_parse(ims, &t) == 0 &&
	       r->last_modified <= t;
}

/* Writes `len` bytes of the response's body from `offset`. */
static int send_body(struct conn *c, uint64_t offset, uint64_t len)
{
	const struct fata_http_response *r = &c->resp;

	if (!r->body_read)
		return emit(c, (const char *)r->body + offset, (size_t)len);
	while (len && !c->err) {
		size_t room = sizeof(c->out) - c->out_len, want;
		long n;

		if (room < 512) {
			if (flush(c))
				break;
			room = sizeof(c->out);
		}
		want = len < room ? (size_t)len : room;
		n = r->body_read(r->body_arg, offset, c->out + c->out_len, want);
		if (n <= 0 || (size_t)n > want) {
			c->err = n < 0 ? (int)n : -EIO;
			fata_log(&http_log, FATA_LOG_WARNING, "reading a response body: %s",
				 strerror(-c->err));
			break;
		}
		c->out_len += (size_t)n;
		offset += (uint64_t)n;
		len -= (uint64_t)n;
	}
	return c->err;
}

/* Writes the handler's response to `req`, with everything the library adds. */
static void respond(struct conn *c, const struct fata_http_request *req, bool keep)
{
	struct fata_http_response *r = &c->resp;
	char head[HEAD_RESERVE], date[FATA_HTTP_DATE_LEN + 1], lm[FATA_HTTP_DATE_LEN + 1];
	char crange[80] = "", allow[128] = "";
	int status = r->status;
	uint64_t size = r->body || r->body_read ? r->body_size : 0, first = 0, len = size;
	bool get_like = req->method & (FATA_HTTP_GET | FATA_HTTP_HEAD);
	bool no_body, ranged = false;
	size_t n = 0;
	const char *range;

	if (status < 100 || status > 999)
		status = 500;
	if (status == 200 && get_like && not_modified(req, r))
		status = 304;
	range = fata_http_header(req, "Range");
	if (status == 200 && req->method == FATA_HTTP_GET && range) {
		const char *ir = fata_http_header(req, "If-Range");

		if (!ir || if_range_holds(ir, r)) {
			uint64_t a, b;
			int rr = http_range(range, size, &a, &b);

			if (rr == 1) {
				status = 206;
				first = a;
				len = b - a + 1;
				snprintf(crange, sizeof(crange),
					 "Content-Range: bytes %llu-%llu/%llu\r\n",
					 (unsigned long long)a, (unsigned long long)b,
					 (unsigned long long)size);
			} else if (rr == -416) {
				status = 416;
				len = 0;
				snprintf(crange, sizeof(crange), "Content-Range: bytes */%llu\r\n",
					 (unsigned long long)size);
			}
		}
	}
	ranged = status == 200 && get_like;
	if (status == 405) {
		char list[96];

		format_allow(list, sizeof(list), c->cfg.methods);
		snprintf(allow, sizeof(allow), "Allow: %s\r\n", list);
	}
	if (status == 304 || status == 416)
		len = 0;
	no_body = status < 200 || status == 204 || status == 304;
	fata_http_date((int64_t)(fata_wall_ns() / FATA_NS_PER_SEC), date);

#define ADD(...) (n += (size_t)snprintf(head + n, n < sizeof(head) ? sizeof(head) - n : 0, __VA_ARGS__))
	ADD("HTTP/1.1 %d %s\r\nDate: %s\r\n", status, reason_of(status), date);
	if (*c->cfg.server)
		ADD("Server: %.100s\r\n", c->cfg.server);
	if (!keep)
		ADD("Connection: close\r\n");
	else if (req->minor == 0)
		ADD("Connection: keep-alive\r\n");
	if (r->content_type && status != 304 && status != 416)
		ADD("Content-Type: %.200s\r\n", r->content_type);
	if (r->etag && strlen(r->etag) <= 256 && !r->etag[strcspn(r->etag, "\r\n")] &&
	    (status == 200 || status == 206 || status == 304))
		ADD("ETag: %s\r\n", r->etag);
	if (r->last_modified > 0 && (status == 200 || status == 206 || status == 304)) {
		fata_http_date(r->last_modified, lm);
		ADD("Last-Modified: %s\r\n", lm);
	}
	if (ranged || status == 206)
		ADD("Accept-Ranges: bytes\r\n");
	ADD("%s%s", crange, allow);
	if (!no_body)
		ADD("Content-Length: %llu\r\n", (unsigned long long)len);
	if (n + r->extra_len + 2 >= sizeof(head))
		goto too_long;
	memcpy(head + n, r->extra, r->extra_len);
	n += r->extra_len;
	ADD("\r\n");
#undef ADD
	if (n >= sizeof(head))
		goto too_long;
	fata_log(&http_log, FATA_LOG_DEBUG, "%s %s %d %llu", fata_http_method_name(req->method),
		 req->path, status, (unsigned long long)len);
	if (emit(c, head, n))
		return;
	if (!no_body && req->method != FATA_HTTP_HEAD && len)
		send_body(c, first, len);
	return;
too_long:
	fata_log(&http_log, FATA_LOG_WARNING, "response head too long");
	c->err = -EMSGSIZE;
}

/* Reads a body of known length: what is buffered after the head, then the rest. */
static int read_fixed_body(struct conn *c, size_t head_len, char *body, size_t len,
			   uint64_t deadline, size_t *consumed)
{
	size_t have = c->in_len - head_len, got;

	if (have > len)
		have = len;
	memcpy(body, c->in + head_len, have);
	got = have;
	*consumed = have;
	if (flush(c))
		return c->err;
	while (got < len) {
		long n = c->io->read(c->io->ctx, body + got, len - got, deadline);

		if (n == -ETIMEDOUT)
			return -408;
		if (n <= 0)
			return n < 0 ? (int)n : -EPIPE;
		got += (size_t)n;
	}
	return 0;
}

/* Decodes a chunked body into a growing buffer; *consumed counts input after the head. */
static int read_chunked_body(struct conn *c, size_t head_len, char **body, size_t *len,
			     uint64_t deadline, size_t *consumed)
{
	struct http_chunked ch = { 0 };
	size_t pos = head_len, cap = 0;

	*len = 0;
	for (;;) {
		while (pos < c->in_len) {
			size_t used, off, dlen;
			int r = http_chunked_decode(&ch, c->in + pos, c->in_len - pos, &used, &off,
						    &dlen, c->cfg.body_max, c->cfg.head_max);

			if (r < 0)
				return r;
			if (dlen) {
				if (*len + dlen + 1 > cap) {
					size_t ncap = cap ? cap * 2 : 4096;
					char *nb;

					while (ncap < *len + dlen + 1)
						ncap *= 2;
					if (ncap > c->cfg.body_max + 1)
						ncap = c->cfg.body_max + 1;
					nb = realloc(*body, ncap);
					if (!nb)
						return -ENOMEM;
					*body = nb;
					cap = ncap;
				}
				memcpy(*body + *len, c->in + pos + off, dlen);
				*len += dlen;
			}
			pos += used;
			if (r == 1) {
				*consumed = pos - head_len;
				return 0;
			}
		}
		/* Everything after the head was used: read more in its place. */
		c->in_len = head_len;
		pos = head_len;
		{
			long n = fill(c, deadline);

			if (n == -ETIMEDOUT)
				return -408;
			if (n <= 0)
				return n < 0 ? (int)n : -EPIPE;
		}
	}
}

/* Lingering close: after our last response, reads and discards what the peer still sends, so
 * that our close does not answer it with a reset that could destroy the response in flight. */
static void finish(struct conn *c)
{
	flush(c);
	if (!c->err && c->io->shutdown && c->io->shutdown(c->io->ctx) == 0) {
		uint64_t deadline = after(LINGER_NS);
		char sink[512];

		while (c->io->read(c->io->ctx, sink, sizeof(sink), deadline) > 0)
			;
	}
}

int fata_http_serve_io(const struct fata_http_io *io, fata_http_handler handler, void *arg,
		       const struct fata_http_config *cfg)
{
	struct fata_http_config conf;
	struct conn *c;
	int ret = 0;

	http_config_defaults(&conf, cfg);
	c = malloc(sizeof(*c) + conf.fields_max * sizeof(c->fields[0]));
	if (!c) {
		io->close(io->ctx);
		return -ENOMEM;
	}
	memset(c, 0, sizeof(*c));
	c->in_cap = conf.head_max + BODY_ROOM;
	c->in = malloc(c->in_cap);
	if (!c->in) {
		free(c);
		io->close(io->ctx);
		return -ENOMEM;
	}
	c->io = io;
	c->cfg = conf;
	c->handler = handler;
	c->arg = arg;

	for (;;) {
		struct http_head h;
		struct fata_http_request req;
		uint64_t head_deadline = 0;
		size_t scan = 0, skip, consumed = 0, body_len = 0;
		char *body = NULL;
		long end, n;
		int err, status;
		bool keep;

		/* Wait for a request: the idle time runs until its first byte, the head time from
		 * there (empty lines before it count, so they cannot hold the connection). */
		for (;;) {
			skip = http_skip_empty_lines(c->in, c->in_len);
			memmove(c->in, c->in + skip, c->in_len - skip);
			c->in_len -= skip;
			if ((c->in_len || skip) && !head_deadline)
				head_deadline = after(c->cfg.head_ns);
			if (c->in_len) {
				end = http_head_end(c->in, c->in_len, &scan, &c->cfg);
				if (end)
					break;
			}
			n = fill(c, head_deadline ? head_deadline : after(c->cfg.idle_ns));
			if (n == -ETIMEDOUT && c->in_len) {
				end = -408;
				break;
			}
			if (n <= 0) {
				ret = n < 0 && n != -ETIMEDOUT && n != -ECONNRESET ? (int)n : 0;
				goto close;
			}
		}
		if (end < 0) {
			error_response(c, (int)-end);
			goto linger;
		}
		err = http_head_parse(c->in, (size_t)end, &c->cfg, c->fields, &h);
		if (err) {
			error_response(c, -err);
			goto linger;
		}
		if (!(h.method & c->cfg.methods)) {
			error_response(c, 405);
			goto linger;
		}
		/* The body. */
		if (h.content_length > 0 || h.chunked) {
			uint64_t deadline;

			if (h.content_length > 0 && (uint64_t)h.content_length > c->cfg.body_max) {
				error_response(c, 413);
				goto linger;
			}
			if (h.expect_continue && h.minor == 1 && c->in_len == (size_t)end)
				emit(c, "HTTP/1.1 100 Continue\r\n\r\n", 25);
			deadline = after(c->cfg.body_ns);
			if (h.chunked) {
				err = read_chunked_body(c, (size_t)end, &body, &body_len, deadline,
							&consumed);
			} else {
				body_len = (size_t)h.content_length;
				body = malloc(body_len + 1);
				err = body ? read_fixed_body(c, (size_t)end, body, body_len, deadline,
							     &consumed) : -ENOMEM;
			}
			if (err == -400 || err == -408 || err == -413 || err == -431) {
				free(body);
				error_response(c, -err);
				goto linger;
			}
			if (err) {
				free(body);
				ret = err == -EPIPE || err == -ECONNRESET ? 0 : err;
				goto close;
			}
		}
		if (!body) {
			body = malloc(1);
			if (!body) {
				ret = -ENOMEM;
				goto close;
			}
		}
		body[body_len] = '\0';
		req.method = h.method;
		req.path = h.path;
		req.query = h.query;
		req.minor = h.minor;
		req.fields = h.fields;
		req.nfields = h.nfields;
		req.body = body;
		req.body_len = body_len;

		memset(&c->resp, 0, sizeof(c->resp));
		c->resp.status = 200;
		status = handler(&req, &c->resp, arg);
		keep = h.keep_alive && !c->resp.close;
		if (status < 0) {
			fata_log(&http_log, FATA_LOG_WARNING, "handler for %s: %s", req.path,
				 strerror(-status));
			error_response(c, 500);
			keep = false;
		} else {
			respond(c, &req, keep);
		}
		if (c->resp.body_free)
			c->resp.body_free(c->resp.body_arg);
		free(body);
		if (c->err) {
			ret = c->err == -ECONNRESET || c->err == -EPIPE ? 0 : c->err;
			goto close;
		}
		if (!keep)
			goto linger;
		/* The next request, pipelined or not, starts after this one. */
		consumed += (size_t)end;
		memmove(c->in, c->in + consumed, c->in_len - consumed);
		c->in_len -= consumed;
	}
linger:
	finish(c);
close:
	io->close(io->ctx);
	free(c->in);
	free(c);
	return ret;
}
