/*
 * The HTTP/1.1 client of fata/http.h: URLs and their joining, one GET over a transport (the
 * response head, interim responses, bodies by Content-Length, chunked coding or the end of the
 * stream), and fata_http_get(), which adds name resolution, TCP, TLS for https and redirects.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <fata/dns.h>
#include <fata/http.h>
#include <fata/keys.h>
#include <fata/log.h>
#include <fata/net.h>
#include <fata/tcp.h>
#include <fata/time.h>

#include "parse.h"

FATA_LOG_SOURCE(log_client, "http-client");

#define HEAD_MAX (16 * 1024)
#define BODY_MAX_DEFAULT (1024 * 1024)
#define TRAILER_MAX 4096
#define DNS_TRY_NS (1000 * 1000 * 1000ull)

static int url_join(const struct fata_http_url *base, const char *loc, struct fata_http_url *out);

/* --- URLs -------------------------------------------------------------------------------------- */

/* Characters a URL may hold here: visible ASCII. */
static bool url_chars_ok(const char *s)
{
	for (; *s; s++) {
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f)
			return false;
	}
	return true;
}

/* Sets out->target from `t` (up to a '#'), adding a leading '/' when it has none. */
static int set_target(struct fata_http_url *out, const char *t, size_t len)
{
	size_t o = 0;

	if (len == 0 || t[0] != '/')
		out->target[o++] = '/';
	if (o + len > FATA_HTTP_TARGET_MAX)
		return -ENAMETOOLONG;
	memcpy(out->target + o, t, len);
	out->target[o + len] = 0;
	return 0;
}

int fata_http_url_parse(const char *url, struct fata_http_url *out)
{
	const char *p, *auth_end, *colon, *hash;
	size_t hlen;

	memset(out, 0, sizeof(*out));
	if (strncasecmp(url, "http://", 7) == 0) {
		p = url + 7;
	} else if (strncasecmp(url, "https://", 8) == 0) {
		p = url + 8;
		out->https = true;
	} else {
		const char *sep = strstr(url, "://");

		return sep && sep > url && !memchr(url, '/', (size_t)(sep - url)) ? -EPROTONOSUPPORT
										  : -EINVAL;
	}
	if (!url_chars_ok(url))
		return -EINVAL;
	auth_end = p + strcspn(p, "/?#");
	if (memchr(p, '@', (size_t)(auth_end - p)) || *p == '[')
		return -EINVAL;	/* no user info, no IPv6 literals */
	colon = memchr(p, ':', (size_t)(auth_end - p));
	hlen = (size_t)((colon ? colon : auth_end) - p);
	if (hlen == 0)
		return -EINVAL;
	if (hlen > FATA_HTTP_HOST_MAX)
		return -ENAMETOOLONG;
	for (size_t i = 0; i < hlen; i++) {
		char c = p[i] >= 'A' && p[i] <= 'Z' ? (char)(p[i] + 32) : p[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		      c == '_'))
			return -EINVAL;
		out->host[i] = c;
	}
	out->port = out->https ? 443 : 80;
	if (colon) {
		unsigned long port = 0;

		if (colon + 1 == auth_end || auth_end - colon > 6)
			return -EINVAL;
		for (const char *d = colon + 1; d < auth_end; d++) {
			if (*d < '0' || *d > '9')
				return -EINVAL;
			port = port * 10 + (unsigned long)(*d - '0');
		}
		if (port == 0 || port > 65535)
			return -EINVAL;
		out->port = (uint16_t)port;
	}
	hash = strchr(auth_end, '#');
	return set_target(out, auth_end, hash ? (size_t)(hash - auth_end) : strlen(auth_end));
}

/* RFC 3986 5.2.4: removes "." and ".." segments from the path part of out->target in place. */
static void remove_dot_segments(char *target)
{
	char out[FATA_HTTP_TARGET_MAX + 1], *in = target, *query = strchr(target, '?');
	size_t o = 0, plen = query ? (size_t)(query - target) : strlen(target);
	char *end = target + plen;

	while (in < end) {
		size_t rest = (size_t)(end - in);

		if (rest >= 3 && strncmp(in, "../", 3) == 0) {
			in += 3;
		} else if (rest >= 2 && strncmp(in, "./", 2) == 0) {
			in += 2;
		} else if (rest >= 3 && strncmp(in, "/./", 3) == 0) {
			in += 2;
		} else if (rest == 2 && strncmp(in, "/.", 2) == 0) {
			in[1] = '/';
			in += 1;
		} else if ((rest >= 4 && strncmp(in, "/../", 4) == 0) ||
			   (rest == 3 && strncmp(in, "/..", 3) == 0)) {
			in += 3;
			if (rest == 3)
				*--in = '/';
			while (o > 0 && out[--o] != '/')
				;
		} else if ((rest == 1 && in[0] == '.') || (rest == 2 && strncmp(in, "..", 2) == 0)) {
			in = end;
		} else {
			do
				out[o++] = *in++;
			while (in < end && *in != '/');
		}
	}
	if (o == 0)
		out[o++] = '/';
	memcpy(out + o, end, strlen(end) + 1);
	memcpy(target, out, o + strlen(end) + 1);
}

int fata_http_url_join(const struct fata_http_url *base, const char *loc, struct fata_http_url *out)
{
	int r = url_join(base, loc, out);

	if (r == 0)
		remove_dot_segments(out->target);
	return r;
}

static int url_join(const struct fata_http_url *base, const char *loc, struct fata_http_url *out)
{
	char buf[FATA_HTTP_TARGET_MAX + FATA_HTTP_HOST_MAX + 16];
	const char *sep = strstr(loc, "://");
	size_t len, keep;

	if (sep && !memchr(loc, '/', (size_t)(sep - loc)) && sep > loc)
		return fata_http_url_parse(loc, out);
	if (loc[0] == '/' && loc[1] == '/') {
		int n = snprintf(buf, sizeof(buf), "%s:%s", base->https ? "https" : "http", loc);

		if (n < 0 || (size_t)n >= sizeof(buf))
			return -ENAMETOOLONG;
		return fata_http_url_parse(buf, out);
	}
	if (!url_chars_ok(loc))
		return -EINVAL;
	*out = *base;
	len = strcspn(loc, "#");
	if (loc[0] == '/')
		return set_target(out, loc, len);
	/* "?query" keeps the path; a relative path replaces the last segment (RFC 3986 5.2.3). */
	keep = loc[0] == '?' ? strcspn(base->target, "?")
			     : (size_t)(strrchr(base->target, '/') - base->target) + 1;
	if (keep + len > FATA_HTTP_TARGET_MAX)
		return -ENAMETOOLONG;
	memcpy(buf, base->target, keep);
	memcpy(buf + keep, loc, len);
	return set_target(out, buf, keep + len);
}

/* --- one exchange ------------------------------------------------------------------------------ */

struct body {
	uint8_t *p;
	size_t len, cap, max;
};

static int body_add(struct body *b, const void *data, size_t n)
{
	if (n > b->max - b->len)
		return -EFBIG;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		uint8_t *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p)
			return -ENOMEM;
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = 0;
	return 0;
}

/* The end of a head in buf[0..len): its length through the empty line, or 0. */
static size_t head_end(const char *buf, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++) {
		if (buf[i] != '\n')
			continue;
		if (buf[i + 1] == '\n')
			return i + 2;
		if (buf[i + 1] == '\r' && i + 2 < len && buf[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

static void copy_value(char *dst, size_t cap, const char *v)
{
	size_t n = strlen(v);

	if (n >= cap)
		n = cap - 1;
	memcpy(dst, v, n);
	dst[n] = 0;
}

/* What the head says about framing. */
struct frame {
	bool chunked;
	int64_t length;		/* -1: none */
};

/* Parses a complete head (NUL-terminated in place) into out and f. 0 or -EPROTO. */
static int parse_head(char *h, struct fata_http_result *out, struct frame *f)
{
	char *line, *next;
	int status;

	f->chunked = false;
	f->length = -1;
	out->content_type[0] = out->location[0] = 0;
	next = strchr(h, '\n');
	*next++ = 0;
	if (strncmp(h, "HTTP/1.", 7) != 0 || h[7] < '0' || h[7] > '9' || h[8] != ' ' ||
	    h[9] < '1' || h[9] > '5' || h[10] < '0' || h[10] > '9' || h[11] < '0' || h[11] > '9' ||
	    (h[12] != ' ' && h[12] != '\r' && h[12] != 0))
		return -EPROTO;
	status = (h[9] - '0') * 100 + (h[10] - '0') * 10 + (h[11] - '0');
	out->status = status;
	copy_value(out->reason, sizeof(out->reason), h[12] == ' ' ? h + 13 : "");
	out->reason[strcspn(out->reason, "\r")] = 0;
	for (line = next; line && *line && *line != '\r' && *line != '\n'; line = next) {
		char *colon, *v, *end;

		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		end = line + strlen(line);
		if (end > line && end[-1] == '\r')
			*--end = 0;
		if (*line == ' ' || *line == '\t' || !(colon = strchr(line, ':')) || colon == line)
			return -EPROTO;	/* obs-fold, or not a field */
		*colon = 0;
		for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
			;
		while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = 0;
		if (strcasecmp(line, "Content-Length") == 0) {
			int64_t n = 0;

			if (!*v)
				return -EPROTO;
			for (char *d = v; *d; d++) {
				if (*d < '0' || *d > '9' || n > (INT64_MAX - 9) / 10)
					return -EPROTO;
				n = n * 10 + (*d - '0');
			}
			if (f->length >= 0 && f->length != n)
				return -EPROTO;	/* differing lengths (RFC 9112 6.3) */
			f->length = n;
		} else if (strcasecmp(line, "Transfer-Encoding") == 0) {
			char *last = strrchr(v, ',');

			last = last ? last + 1 : v;
			while (*last == ' ')
				last++;
			if (strcasecmp(last, "chunked") != 0)
				return -EPROTO;	/* no other codings are understood */
			f->chunked = true;
		} else if (strcasecmp(line, "Content-Type") == 0) {
			copy_value(out->content_type, sizeof(out->content_type), v);
		} else if (strcasecmp(line, "Location") == 0) {
			copy_value(out->location, sizeof(out->location), v);
		}
	}
	if (f->chunked)
		f->length = -1;	/* Transfer-Encoding wins (RFC 9112 6.3) */
	return 0;
}

static long io_write_all(const struct fata_http_io *io, const char *p, size_t len, uint64_t deadline)
{
	long r = io->write(io->ctx, p, len, deadline);

	return r < 0 ? r : (size_t)r == len ? 0 : -EIO;
}

int fata_http_get_io(const struct fata_http_io *io, const struct fata_http_url *url,
		     uint64_t deadline, size_t body_max, struct fata_http_result *out)
{
	char req[FATA_HTTP_TARGET_MAX + FATA_HTTP_HOST_MAX + 160], port[8] = "";
	char *buf = malloc(HEAD_MAX + 1);
	struct body b = { .max = body_max ? body_max : BODY_MAX_DEFAULT };
	struct frame f;
	size_t have = 0, hlen;
	long r;
	int n;

	memset(out, 0, sizeof(*out));
	out->url = *url;
	if (!buf)
		return -ENOMEM;
	if (url->port != (url->https ? 443 : 80))
		snprintf(port, sizeof(port), ":%u", (unsigned)url->port);
	n = snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: %s%s\r\nUser-Agent: fata\r\n"
		     "Accept: */*\r\nConnection: close\r\n\r\n", url->target, url->host, port);
	r = io_write_all(io, req, (size_t)n, deadline);
	if (r < 0)
		goto out;
	/* The head, after any interim (1xx) responses. */
	for (;;) {
		while ((hlen = head_end(buf, have)) == 0) {
			if (have == HEAD_MAX) {
				r = -EPROTO;	/* a head this long is not for us */
				goto out;
			}
			r = io->read(io->ctx, buf + have, HEAD_MAX - have, deadline);
			if (r <= 0) {
				r = r == 0 ? -EPROTO : r;
				goto out;
			}
			have += (size_t)r;
		}
		buf[hlen - 1] = 0;
		r = parse_head(buf, out, &f);
		if (r < 0)
			goto out;
		memmove(buf, buf + hlen, have - hlen);
		have -= hlen;
		if (out->status >= 200 || out->status == 101)
			break;
	}
	if (out->status == 204 || out->status == 304 || out->status == 101) {
		r = 0;
		goto out;
	}
	if (f.chunked) {
		struct http_chunked ch = { 0 };

		for (;;) {
			size_t pos = 0;

			while (pos < have) {
				size_t used, off, dlen;
				int d = http_chunked_decode(&ch, buf + pos, have - pos, &used, &off, &dlen,
							    b.max, TRAILER_MAX);

				if (d < 0) {
					r = d == -413 ? -EFBIG : -EPROTO;
					goto out;
				}
				if (dlen && (r = body_add(&b, buf + pos + off, dlen)) < 0)
					goto out;
				pos += used;
				if (d == 1) {
					r = 0;
					goto out;
				}
				if (used == 0 && dlen == 0)
					break;	/* wants more input */
			}
			memmove(buf, buf + pos, have - pos);
			have -= pos;
			if (have == HEAD_MAX) {
				r = -EPROTO;
				goto out;
			}
			r = io->read(io->ctx, buf + have, HEAD_MAX - have, deadline);
			if (r <= 0) {
				r = r == 0 ? -EPROTO : r;	/* cut short before the last chunk */
				goto out;
			}
			have += (size_t)r;
		}
	}
	if (f.length >= 0 && (uint64_t)f.length > b.max) {
		r = -EFBIG;
		goto out;
	}
	if (have && (r = body_add(&b, buf, f.length >= 0 && (uint64_t)f.length < have
					    ? (size_t)f.length : have)) < 0)
		goto out;
	while (f.length < 0 || b.len < (uint64_t)f.length) {
		size_t want = HEAD_MAX;

		if (f.length >= 0 && (uint64_t)f.length - b.len < want)
			want = (size_t)((uint64_t)f.length - b.len);
		r = io->read(io->ctx, buf, want, deadline);
		if (r == 0 && f.length < 0)
			break;	/* the end of the stream ends the body */
		if (r <= 0) {
			r = r == 0 ? -EPROTO : r;
			goto out;
		}
		if ((r = body_add(&b, buf, (size_t)r)) < 0)
			goto out;
	}
	r = 0;
out:
	free(buf);
	if (r < 0) {
		free(b.p);
		b.p = NULL;
		b.len = 0;
	}
	out->body = b.p;
	out->body_len = b.len;
	return (int)r;
}

void fata_http_result_free(struct fata_http_result *r)
{
	free(r->body);
	r->body = NULL;
	r->body_len = 0;
}

/* --- over TCP, with names and redirects -------------------------------------------------------- */

static long tcp_io_read(void *ctx, void *buf, size_t len, uint64_t deadline)
{
	return fata_tcp_read(ctx, buf, len, deadline);
}

static long tcp_io_write(void *ctx, const void *buf, size_t len, uint64_t deadline)
{
	return fata_tcp_write(ctx, buf, len, deadline);
}

static bool is_redirect(int status)
{
	return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

int fata_http_get(struct fata_stack *stack, const char *url, const struct fata_http_get_options *opt,
		  struct fata_http_result *out)
{
	struct fata_http_url u;
	unsigned hops = 0;
	int r;

	memset(out, 0, sizeof(*out));
	r = fata_http_url_parse(url, &u);
	if (r < 0)
		return r;
	for (;;) {
		struct fata_http_io io = { tcp_io_read, tcp_io_write, NULL, NULL, NULL };
		union fata_key_value v;
		struct fata_tcp *c;
		struct fata_http_url next;
		uint32_t ip;
		int err = 0;

		if (u.https && !opt->tls_connect)
			return -EPROTONOSUPPORT;
		if (fata_key_value_parse(FATA_KEY_IPV4, u.host, &v) == 0) {
			ip = v.ipv4;
		} else {
			struct fata_dns_result res;

			if (!opt->rng)
				return -EINVAL;
			r = fata_dns_resolve(stack, opt->rng, opt->dns, opt->ndns, u.host,
					     FATA_DNS_TYPE_A, DNS_TRY_NS, opt->deadline, &res);
			if (r < 0)
				return r;
			ip = (uint32_t)res.addrs[0][0] << 24 | (uint32_t)res.addrs[0][1] << 16 |
			     (uint32_t)res.addrs[0][2] << 8 | res.addrs[0][3];
		}
		fata_log(&log_client, FATA_LOG_DEBUG, "GET %s://%s:%u%s", u.https ? "https" : "http",
			 u.host, (unsigned)u.port, u.target);
		c = fata_tcp_connect(stack, ip, u.port, opt->deadline, &err);
		if (!c)
			return err ? err : -ECONNREFUSED;
		if (u.https) {
			/* The handshake has its own limit (fata_tls_config.handshake_ns); the
			 * request and response after it keep to the fetch's deadline. */
			r = opt->tls_connect(opt->tls, c, u.host, &io);
			if (r < 0)
				return r;	/* c is closed */
			r = fata_http_get_io(&io, &u, opt->deadline, opt->body_max, out);
			io.close(io.ctx);
		} else {
			io.ctx = c;
			r = fata_http_get_io(&io, &u, opt->deadline, opt->body_max, out);
			fata_tcp_close(c);
		}
		if (r < 0)
			return r;
		out->redirects = hops;
		if (!is_redirect(out->status) || !out->location[0])
			return 0;
		if (hops == opt->max_redirects)
			return -ELOOP;
		r = fata_http_url_join(&u, out->location, &next);
		if (r < 0)
			return r;
		fata_http_result_free(out);
		u = next;
		hops++;
	}
}
