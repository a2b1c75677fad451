/*
 * An HTTP/1.1 server (RFC 9110, 9112) over any byte stream: TCP on either stack today
 * (fata_http_serve), any transport with read/write/close calls (struct fata_http_io: TLS later).
 *
 * The library reads and checks each request, reads its body (Content-Length or chunked) and
 * calls the handler, which fills in a response; the library then adds Date, Content-Length,
 * Connection, answers HEAD without the body, answers conditional requests (If-None-Match,
 * If-Modified-Since: 304) and single byte ranges (206, 416) itself. Connections are persistent
 * (HTTP/1.1 by default, HTTP/1.0 with "Connection: keep-alive") and pipelined requests are
 * answered in order. Requests that break the rules or the limits of struct fata_http_config get
 * 400, 405 (with Allow), 408, 413, 414, 431, 501 or 505 and the connection is closed.
 *
 * A handler in a few lines:
 *
 *   static int hello(const struct fata_http_request *req, struct fata_http_response *resp,
 *                    void *arg)
 *   {
 *           fata_http_set_body(resp, "text/plain", "hello\n", 6);
 *           return 0;
 *   }
 *   ...
 *   fata_http_serve(stack, 80, hello, NULL, NULL);
 *
 * Blocking calls block only the calling fiber; deadlines are monotonic nanoseconds (fata/time.h).
 */
#ifndef FATA_HTTP_H
#define FATA_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fata_stack;

/* Methods, as bits so that a set of them fits in an unsigned (fata_http_config.methods). */
enum fata_http_method {
	FATA_HTTP_GET = 1 << 0,
	FATA_HTTP_HEAD = 1 << 1,
	FATA_HTTP_POST = 1 << 2,
	FATA_HTTP_PUT = 1 << 3,
	FATA_HTTP_DELETE = 1 << 4,
	FATA_HTTP_OPTIONS = 1 << 5,
	FATA_HTTP_PATCH = 1 << 6,
	FATA_HTTP_TRACE = 1 << 7,
	FATA_HTTP_CONNECT = 1 << 8,
};

/* The name of one method ("GET"), or NULL for a value that is not exactly one method. */
const char *fata_http_method_name(unsigned method);

/*
 * Limits and times of a server. Any field left 0 takes the default in brackets; pass NULL for all
 * defaults. The library copies the structure, so it may live on the caller's stack.
 */
struct fata_http_config {
	size_t request_line_max;	/* bytes of the request line without CRLF [8190]; longer: 414 */
	size_t head_max;		/* bytes of the whole head: request line, fields, every CRLF
					 * and the empty line [16384]; longer: 431. Also the size of
					 * each connection's input buffer. */
	unsigned fields_max;		/* header fields [100]; more: 431 */
	size_t body_max;		/* bytes of a request body [1 MiB]; more: 413 */
	uint64_t idle_ns;		/* wait for the first byte of a request [30 s]: then close */
	uint64_t head_ns;		/* from its first byte, the whole head must arrive in this
					 * time [10 s], however the peer spaces its bytes: else 408 */
	uint64_t body_ns;		/* the whole body must arrive in this time [30 s]: else 408 */
	uint64_t write_ns;		/* each response must be written in this time [30 s]: else
					 * the connection is dropped */
	unsigned methods;		/* methods the handler takes, FATA_HTTP_* bits [GET | HEAD];
					 * another known method: 405 with Allow; HEAD is always
					 * taken where GET is */
	const char *server;		/* the Server field's value [NULL: "fata"]; "" sends none */
};

/* One header field as received: name and value are NUL-terminated, the value without the
 * whitespace around it. */
struct fata_http_field {
	const char *name;
	const char *value;
};

/* A request, valid only during the handler's call (it points into the connection's buffer). */
struct fata_http_request {
	unsigned method;		/* one FATA_HTTP_* bit */
	const char *path;		/* the target's path, still percent-encoded; "*" for
					 * "OPTIONS *"; an absolute-form target is reduced to it */
	const char *query;		/* after '?', or "" (never NULL) */
	int minor;			/* 0 for HTTP/1.0, 1 for HTTP/1.1 */
	const struct fata_http_field *fields;
	unsigned nfields;
	const void *body;		/* the body, decoded from chunked; NUL-terminated */
	size_t body_len;
};

/* The value of the first field called `name` (case-insensitive), or NULL. */
const char *fata_http_header(const struct fata_http_request *req, const char *name);

#define FATA_HTTP_EXTRA_MAX 1024

/*
 * A response. The library zeroes it and sets status 200 before the handler's call; the handler
 * sets what it needs. Anything it points to must stay valid until the response is written,
 * which happens after the handler returns: static data, or data freed by `body_free`.
 */
struct fata_http_response {
	int status;			/* 100..999; anything else is sent as 500 */
	const char *content_type;	/* NULL: no Content-Type */
	/* The body: either a buffer... */
	const void *body;
	/* ...or, when body_read is set, body_size bytes read in pieces at increasing offsets (also
	 * in a range): returns bytes read (> 0), or a negative errno, which drops the connection. */
	long (*body_read)(void *arg, uint64_t offset, void *buf, size_t len);
	uint64_t body_size;		/* bytes of the body, whichever way it comes */
	void *body_arg;
	void (*body_free)(void *arg);	/* called with body_arg once the response is written or
					 * abandoned, if set */
	const char *etag;		/* an entity-tag with its quotes ("\"abc\"", "W/\"abc\"") or
					 * NULL: sent, and compared with If-None-Match / If-Range */
	int64_t last_modified;		/* seconds since the epoch, 0 for unknown: sent as
					 * Last-Modified and compared with If-Modified-Since */
	bool close;			/* close the connection after this response */
	/* Extra fields, "Name: value\r\n" each; fill with fata_http_add_header(). */
	char extra[FATA_HTTP_EXTRA_MAX];
	size_t extra_len;
};

/*
 * Makes `len` bytes at `data` the body, with the given Content-Type (NULL for none). `data`
 * must stay valid until the response is written (see above).
 */
void fata_http_set_body(struct fata_http_response *resp, const char *content_type,
			const void *data, size_t len);

/*
 * Adds the field "name: value" to the response. Both must be free of CR, LF and NUL, `name` a
 * token. Returns 0, -EINVAL for a bad name or value, or -ENOSPC when the fields would exceed
 * FATA_HTTP_EXTRA_MAX bytes. Date, Content-Length, Connection, Content-Range, ETag and
 * Last-Modified are the library's to send.
 */
int fata_http_add_header(struct fata_http_response *resp, const char *name, const char *value);

/*
 * Runs once per request. Returns 0 to send `resp`, or a negative errno to answer 500 and close
 * the connection. A handler may block (read files, sleep) in the connection's fiber.
 */
typedef int (*fata_http_handler)(const struct fata_http_request *req,
				 struct fata_http_response *resp, void *arg);

/*
 * A transport. read and write behave as fata_tcp_read and fata_tcp_write (include/fata/tcp.h):
 * read returns bytes read (>= 1), 0 at the end of the stream or a negative errno; write returns
 * `len` or a negative errno (a short count counts as failure); both give -ETIMEDOUT when
 * `deadline` passes. shutdown (optional, may be NULL) ends our direction of the stream; close
 * releases the transport and `ctx`.
 */
struct fata_http_io {
	long (*read)(void *ctx, void *buf, size_t len, uint64_t deadline);
	long (*write)(void *ctx, const void *buf, size_t len, uint64_t deadline);
	int (*shutdown)(void *ctx);
	void (*close)(void *ctx);
	void *ctx;
};

/*
 * Serves one connection over `io` until the peer closes it, a timeout or an error, then calls
 * io->close. `cfg` may be NULL (defaults). Returns 0 when the connection ended normally (peer
 * closed, idle timeout, after "Connection: close") or after answering a bad request, or a
 * negative errno: -ENOMEM (no buffer: closed without a word), or the transport's error.
 */
int fata_http_serve_io(const struct fata_http_io *io, fata_http_handler handler, void *arg,
		       const struct fata_http_config *cfg);

/*
 * Listens on TCP `port` of `stack` and serves each connection in its own fiber with
 * fata_http_serve_io. Returns 0 at once, or a negative errno from fata_tcp_listen (-EADDRINUSE,
 * -EINVAL, -ENOMEM). `arg` is passed to every call of `handler`; `cfg` may be NULL.
 */
int fata_http_serve(struct fata_stack *stack, uint16_t port, fata_http_handler handler, void *arg,
		    const struct fata_http_config *cfg);

/* --- helpers, also used by the library ------------------------------------------------------- */

#define FATA_HTTP_DATE_LEN 29		/* "Sun, 06 Nov 1994 08:49:37 GMT" */

/* Writes `secs` (since the epoch, UTC) as an IMF-fixdate and a NUL into out. */
void fata_http_date(int64_t secs, char out[FATA_HTTP_DATE_LEN + 1]);

/*
 * Parses an HTTP-date in any of the three forms a recipient must accept (IMF-fixdate, RFC 850,
 * asctime) into seconds since the epoch. Returns 0, or -EINVAL for anything else.
 */
int fata_http_date_parse(const char *s, int64_t *secs);

/* --- the client --------------------------------------------------------------------------------- */

/*
 * An HTTP/1.1 client for GET over TCP on either stack, http:// and (with a TLS hook in the
 * options) https://: the host is resolved with the stub resolver of fata/dns.h unless it is a dotted quad, redirects
 * (301, 302, 303, 307, 308) are followed up to a limit, and bodies framed by Content-Length,
 * chunked transfer coding or the end of the connection are read whole, within a size limit and
 * one deadline for everything. One connection per request ("Connection: close").
 */

struct fata_stack;
struct fata_random;
struct fata_tcp;

#define FATA_HTTP_HOST_MAX 253
#define FATA_HTTP_TARGET_MAX 2048

struct fata_http_url {
	char host[FATA_HTTP_HOST_MAX + 1];	/* lower case */
	uint16_t port;				/* 80 (443 for https) when the URL names none */
	bool https;				/* https://: over TLS */
	char target[FATA_HTTP_TARGET_MAX + 1];	/* path and query, "/" at least */
};

/*
 * Parses "http[s]://HOST[:PORT][/PATH][?QUERY][#FRAGMENT]" (the fragment is dropped). Returns 0,
 * -EPROTONOSUPPORT for another scheme, -EINVAL when malformed (user info, an empty host,
 * a bad port, a control character or space), -ENAMETOOLONG past the limits above.
 */
int fata_http_url_parse(const char *url, struct fata_http_url *out);

/*
 * Resolves a Location value against the URL it came from (RFC 3986 5.2, with dot-segment
 * removal): an absolute http or https URL, "//host/path" (the base's scheme), "/path", "?query"
 * or a relative path.
 * Returns what fata_http_url_parse() returns.
 */
int fata_http_url_join(const struct fata_http_url *base, const char *location,
		       struct fata_http_url *out);

struct fata_http_result {
	int status;				/* e.g. 200 */
	char reason[64];
	char content_type[128];			/* "" when none */
	char location[FATA_HTTP_TARGET_MAX + 1];	/* of a redirect not followed */
	uint8_t *body;				/* malloc'd, NUL-terminated; NULL when empty */
	size_t body_len;
	unsigned redirects;			/* followed to get here */
	struct fata_http_url url;		/* the URL this response came from */
};

struct fata_http_get_options {
	unsigned max_redirects;			/* 0: none followed */
	uint64_t deadline;			/* for the whole fetch (monotonic ns) */
	size_t body_max;			/* 0: 1 MiB */
	const uint32_t *dns;			/* resolver servers; NULL: the stack's (DHCP) */
	unsigned ndns;
	struct fata_random *rng;		/* for the resolver; may be NULL for dotted quads */
	/* For https:// URLs (and redirects to them): tls_connect(tls, tcp, host, io) runs a
	 * handshake on the connected `tcp` for `host` and fills `io` (io->close closing it all)
	 * or closes `tcp` and returns a negative errno. fata/tls.h's fata_tls_http_connect with a
	 * struct fata_tls_client is the one to use; a hook rather than a call, so that the HTTP
	 * library does not pull TLS into unikernels that fetch only http. NULL: https refused. */
	int (*tls_connect)(void *tls, struct fata_tcp *tcp, const char *host,
			   struct fata_http_io *io);
	void *tls;
};

/*
 * Sends one GET for `url` over `io` (already connected) and reads the response into `out`
 * (interim 1xx responses are skipped). Does not close `io`. Returns 0 for any status, or
 * -EPROTO (not an HTTP/1.x response, bad framing, cut short), -EFBIG (body over body_max),
 * -ETIMEDOUT, -ENOMEM, or the transport's error. Free `out` with fata_http_result_free().
 */
int fata_http_get_io(const struct fata_http_io *io, const struct fata_http_url *url,
		     uint64_t deadline, size_t body_max, struct fata_http_result *out);

/*
 * Fetches `url` with GET on `stack`: resolve, connect, fata_http_get_io(), and again for each
 * redirect while opt->max_redirects allows (the last redirect response is returned with its
 * Location when the limit stops it; a 303 or any other redirect is followed with GET). Returns 0
 * with `out` filled, or -ELOOP (more redirects than allowed: `out` holds the last), the
 * resolver's errors (-ENOENT: no such host...), fata_tcp_connect()'s (-ECONNREFUSED...),
 * -EPROTONOSUPPORT (an https URL without opt->tls_connect), the hook's (fata_tls_connect()'s (-EPROTO: the
 * certificate was refused, with a logged reason), or those of fata_http_get_io().
 */
int fata_http_get(struct fata_stack *stack, const char *url, const struct fata_http_get_options *opt,
		  struct fata_http_result *out);

/* Frees the body of a result (and zeroes it). */
void fata_http_result_free(struct fata_http_result *r);

#endif
