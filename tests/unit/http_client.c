/*
 * Unit tests of the HTTP client (lib/http/client.c) without a network: URL parsing and joining,
 * and fata_http_get_io() over a scripted transport that hands out a canned response in pieces of
 * a chosen size: the request it sends, Content-Length, chunked and until-close bodies, interim
 * responses, the size limit, responses cut short, malformed heads, and the deadline.
 */
#include <errno.h>
#include <fata/http.h>
#include <fata/runtime.h>
#include <fata/time.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

static struct fata_key no_keys[1];
const struct fata_unikernel fata_unikernel = { .name = "test", .keys = no_keys };

/* The scripted peer: what the client wrote, and the response it reads `piece` bytes at a time;
 * with `stall`, reads past the end wait for the deadline instead of ending the stream. */
static struct {
	char sent[4096];
	size_t sent_len;
	const char *resp;
	size_t len, pos, piece;
	bool stall;
} peer;

static long s_read(void *ctx, void *buf, size_t len, uint64_t deadline)
{
	size_t n = peer.len - peer.pos;

	(void)ctx;
	if (n == 0) {
		if (!peer.stall)
			return 0;
		while (fata_monotonic_ns() < deadline)
			fata_sleep_ns(FATA_MS(5));
		return -ETIMEDOUT;
	}
	if (n > len)
		n = len;
	if (n > peer.piece)
		n = peer.piece;
	memcpy(buf, peer.resp + peer.pos, n);
	peer.pos += n;
	return (long)n;
}

static long s_write(void *ctx, const void *buf, size_t len, uint64_t deadline)
{
	(void)ctx;
	(void)deadline;
	if (peer.sent_len + len < sizeof(peer.sent)) {
		memcpy(peer.sent + peer.sent_len, buf, len);
		peer.sent_len += len;
		peer.sent[peer.sent_len] = 0;
	}
	return (long)len;
}

static const struct fata_http_io io = { s_read, s_write, NULL, NULL, NULL };
static struct fata_http_result res;

static int get(const char *resp, size_t piece, size_t body_max)
{
	struct fata_http_url u;

	memset(&peer, 0, sizeof(peer));
	peer.resp = resp;
	peer.len = strlen(resp);
	peer.piece = piece;
	fata_http_result_free(&res);
	fata_http_url_parse("http://www.fata.test:8080/a/b?c=d", &u);
	return fata_http_get_io(&io, &u, fata_monotonic_ns() + FATA_SEC(5), body_max, &res);
}

static void urls(void)
{
	struct fata_http_url u, j;

	ok(fata_http_url_parse("http://WWW.Fata.Test/index.html?x=1#frag", &u) == 0 &&
	   strcmp(u.host, "www.fata.test") == 0 && u.port == 80 &&
	   strcmp(u.target, "/index.html?x=1") == 0, "host lower-cased, port 80, fragment dropped");
	ok(fata_http_url_parse("http://198.18.0.1:8000", &u) == 0 && u.port == 8000 &&
	   strcmp(u.target, "/") == 0, "a port, no path: target /");
	ok(fata_http_url_parse("HTTP://h?q", &u) == 0 && strcmp(u.target, "/?q") == 0,
	   "scheme in upper case; query without a path");
	ok(fata_http_url_parse("https://h/x", &u) == 0 && u.https && u.port == 443 &&
	   strcmp(u.target, "/x") == 0, "https: port 443, over TLS");
	ok(fata_http_url_parse("HTTPS://h:8443", &u) == 0 && u.https && u.port == 8443,
	   "https with a port, scheme in upper case");
	ok(fata_http_url_parse("http://h/", &u) == 0 && !u.https, "http: not over TLS");
	is_int(fata_http_url_parse("ftp://h/", &u), -EPROTONOSUPPORT, "ftp: not supported");
	is_int(fata_http_url_parse("h/x", &u), -EINVAL, "no scheme: EINVAL");
	is_int(fata_http_url_parse("http://user@h/", &u), -EINVAL, "user info: EINVAL");
	is_int(fata_http_url_parse("http://h:0/", &u), -EINVAL, "port 0: EINVAL");
	is_int(fata_http_url_parse("http://h:65536/", &u), -EINVAL, "port 65536: EINVAL");
	ok(fata_http_url_parse("http://h:65535/", &u) == 0 && u.port == 65535, "port 65535: fine");
	is_int(fata_http_url_parse("http:///x", &u), -EINVAL, "an empty host: EINVAL");
	is_int(fata_http_url_parse("http://h/a b", &u), -EINVAL, "a space: EINVAL");
	is_int(fata_http_url_parse("http://h/a\r\nX: y", &u), -EINVAL, "CR LF (header injection): EINVAL");

	fata_http_url_parse("http://h:81/dir/page?q", &u);
	ok(fata_http_url_join(&u, "http://other/x", &j) == 0 && strcmp(j.host, "other") == 0 &&
	   j.port == 80 && strcmp(j.target, "/x") == 0, "join: an absolute URL");
	ok(fata_http_url_join(&u, "//third:90/y", &j) == 0 && strcmp(j.host, "third") == 0 &&
	   j.port == 90, "join: a network-path reference");
	ok(fata_http_url_join(&u, "/abs?z#f", &j) == 0 && strcmp(j.host, "h") == 0 && j.port == 81 &&
	   strcmp(j.target, "/abs?z") == 0, "join: an absolute path keeps host and port");
	ok(fata_http_url_join(&u, "other.html", &j) == 0 && strcmp(j.target, "/dir/other.html") == 0,
	   "join: a relative path replaces the last segment");
	ok(fata_http_url_join(&u, "?new", &j) == 0 && strcmp(j.target, "/dir/page?new") == 0,
	   "join: a query keeps the path");
	ok(fata_http_url_join(&u, "https://secure/", &j) == 0 && j.https && j.port == 443 &&
	   strcmp(j.host, "secure") == 0, "join: to https");
	is_int(fata_http_url_join(&u, "ftp://secure/", &j), -EPROTONOSUPPORT, "join: ftp refused");
	fata_http_url_parse("https://s/dir/page", &j);
	ok(fata_http_url_join(&j, "//third/y", &u) == 0 && u.https && u.port == 443,
	   "join: a network-path reference keeps https");
	ok(fata_http_url_join(&j, "/z", &u) == 0 && u.https && strcmp(u.host, "s") == 0,
	   "join: an absolute path keeps https");
	fata_http_url_parse("http://h:81/dir/page?q", &u);
	ok(fata_http_url_join(&u, "../up/./x?a/../b", &j) == 0 && strcmp(j.target, "/up/x?a/../b") == 0,
	   "join: dot segments removed from the path, not the query");
	ok(fata_http_url_join(&u, "../../../x", &j) == 0 && strcmp(j.target, "/x") == 0,
	   "join: .. above the root stays at the root");
	ok(fata_http_url_join(&u, "/a/b/..", &j) == 0 && strcmp(j.target, "/a/") == 0,
	   "join: a final .. leaves the directory");
	ok(fata_http_url_join(&u, ".", &j) == 0 && strcmp(j.target, "/dir/") == 0, "join: .");
}

static void exchanges(void)
{
	static char big[300000];
	size_t n;

	is_int(get("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello", 1000, 0),
	       0, "Content-Length body");
	is_str(peer.sent, "GET /a/b?c=d HTTP/1.1\r\nHost: www.fata.test:8080\r\nUser-Agent: fata\r\n"
	       "Accept: */*\r\nConnection: close\r\n\r\n", "the request: target, Host with port, close");
	ok(res.status == 200 && strcmp(res.reason, "OK") == 0 && res.body_len == 5 &&
	   strcmp((char *)res.body, "hello") == 0, "status 200 OK, body hello");
	is_str(res.content_type, "text/plain", "Content-Type");

	is_int(get("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", 1, 0), 0, "one byte at a time");
	ok(res.body_len == 5 && memcmp(res.body, "hello", 5) == 0, "the same body");
	is_int(get("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello, and more", 1000, 0), 0,
	       "bytes after Content-Length");
	is_int((long long)res.body_len, 5, "are not part of the body");
	is_int(get("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello", 1000, 0), -EPROTO,
	       "the stream ends before Content-Length: EPROTO");

	is_int(get("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
		   "5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n", 3, 0), 0,
	       "chunked body, three bytes at a time, with an extension and a trailer");
	ok(res.body_len == 12 && strcmp((char *)res.body, "hello, world") == 0, "decoded: hello, world");
	is_int(get("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n", 1000, 0),
	       -EPROTO, "chunked, cut before the last chunk: EPROTO");
	is_int(get("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n", 1000, 0),
	       -EPROTO, "a bad chunk size: EPROTO");
	is_int(get("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nxx", 1000, 0), -EPROTO,
	       "an unknown transfer coding: EPROTO");
	is_int(get("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
		   "3\r\nabc\r\n0\r\n\r\n", 1000, 0), 0, "Transfer-Encoding over Content-Length");
	ok(res.body_len == 3, "the chunked framing is used");

	is_int(get("HTTP/1.0 200 OK\r\n\r\nuntil the end", 4, 0), 0, "no length: to the end of the stream");
	is_str((char *)res.body, "until the end", "the whole rest");

	is_int(get("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\nno", 7, 0),
	       0, "an interim 100 response is skipped");
	ok(res.status == 404 && strcmp(res.reason, "Not Found") == 0 && res.body_len == 2,
	   "the final 404 is returned with its body");
	is_int(get("HTTP/1.1 204 No Content\r\n\r\n", 1000, 0), 0, "204");
	ok(res.body == NULL && res.body_len == 0, "no body");
	is_int(get("HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nContent-Length: 0\r\n\r\n", 1000, 0),
	       0, "a redirect is returned as is by one exchange");
	is_str(res.location, "/elsewhere", "with its Location");

	/* The size limit, at it and one above. */
	is_int(get("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789", 1000, 10), 0,
	       "a 10-byte body with a 10-byte limit");
	is_int(get("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n0123456789a", 1000, 10), -EFBIG,
	       "11 bytes: EFBIG");
	is_int(get("HTTP/1.1 200 OK\r\n\r\n0123456789a", 1000, 10), -EFBIG, "11 bytes until close: EFBIG");
	is_int(get("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nb\r\n0123456789a\r\n0\r\n\r\n",
		   1000, 10), -EFBIG, "11 bytes chunked: EFBIG");
	n = (size_t)snprintf(big, sizeof(big), "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n", 250000);
	memset(big + n, 'x', 250000);
	big[n + 250000] = 0;
	is_int(get(big, 1460, 0), 0, "a 250 kB body in 1460-byte pieces");
	is_int((long long)res.body_len, 250000, "all of it");

	is_int(get("SSH-2.0-OpenSSH\r\n\r\n", 1000, 0), -EPROTO, "not HTTP: EPROTO");
	is_int(get("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", 1000, 0),
	       -EPROTO, "two different Content-Lengths: EPROTO");
	is_int(get("HTTP/1.1 200 OK\r\n folded: x\r\n\r\n", 1000, 0), -EPROTO, "obs-fold: EPROTO");
	is_int(get("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n", 1000, 0), -EPROTO,
	       "the stream ends inside the head: EPROTO");
	memset(big, 'h', 20000);
	memcpy(big, "HTTP/1.1 200 OK\r\nX: ", 20);
	big[20000] = 0;
	is_int(get(big, 1000, 0), -EPROTO, "a head over 16 KiB: EPROTO");

	memset(&peer, 0, sizeof(peer));
	peer.resp = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nsome";
	peer.len = strlen(peer.resp);
	peer.piece = 1000;
	peer.stall = true;
	{
		struct fata_http_url u;
		uint64_t t0 = fata_monotonic_ns();
		int r;

		fata_http_url_parse("http://h/", &u);
		fata_http_result_free(&res);
		r = fata_http_get_io(&io, &u, t0 + FATA_MS(200), 0, &res);
		ok(r == -ETIMEDOUT && fata_monotonic_ns() - t0 >= FATA_MS(200),
		   "a server that stops sending: ETIMEDOUT at the deadline");
	}
	fata_http_result_free(&res);
}

int main(void)
{
	urls();
	exchanges();
	return tap_done();
}
