/* Unit tests of the HTTP server loop (lib/http/server.c) over a scripted transport: pipelining,
 * keep-alive, bodies, conditional and range requests, error statuses and timeouts. */
#include <fata/runtime.h>
#include <fata/time.h>

#include <errno.h>
#include <stdlib.h>

#include "../../lib/http/parse.h"
#include "tap.h"

static struct fata_key no_keys[1];
const struct fata_unikernel fata_unikernel = { .name = "test", .keys = no_keys };

/* The peer: pieces of input, each arriving `delay` ns after the previous read; what the server
 * writes is collected. Time is virtual: a piece whose arrival is past the read's deadline makes
 * the read time out, without waiting. */
struct piece {
	const char *data;
	uint64_t delay;
};

static struct {
	const struct piece *script;
	size_t next, off, timed_out_at;
	uint64_t now;
	char out[1 << 20];
	size_t out_len;
	int closed, shut;
} peer;

static long fake_read(void *ctx, void *buf, size_t len, uint64_t deadline)
{
	const struct piece *p = &peer.script[peer.next];
	size_t n;

	(void)ctx;
	if (!p->data)
		return 0;
	if (peer.off == 0) {
		if (peer.now + p->delay > deadline) {
			if (!peer.timed_out_at)
				peer.timed_out_at = peer.next;
			peer.now = deadline;
			return -ETIMEDOUT;
		}
		peer.now += p->delay;
	}
	n = strlen(p->data) - peer.off;
	if (n > len)
		n = len;
	memcpy(buf, p->data + peer.off, n);
	peer.off += n;
	if (peer.off == strlen(p->data)) {
		peer.next++;
		peer.off = 0;
	}
	return (long)n;
}

static long fake_write(void *ctx, const void *buf, size_t len, uint64_t deadline)
{
	(void)ctx;
	(void)deadline;
	if (len > sizeof(peer.out) - peer.out_len)
		return -ENOSPC;
	memcpy(peer.out + peer.out_len, buf, len);
	peer.out_len += len;
	return (long)len;
}

static int fake_shutdown(void *ctx)
{
	(void)ctx;
	peer.shut++;
	return 0;
}

static void fake_close(void *ctx)
{
	(void)ctx;
	peer.closed++;
}

static uint64_t fake_clock(void)
{
	return peer.now;
}

static const struct fata_http_io fake_io = {
	.read = fake_read, .write = fake_write, .shutdown = fake_shutdown, .close = fake_close,
};

static char page[] = "0123456789";
static int calls;

/* Echoes method, path, query and body; /page is a 10-byte page with an ETag and a date. */
static int handler(const struct fata_http_request *req, struct fata_http_response *resp,
		   void *arg)
{
	static char echo[4096];

	(void)arg;
	calls++;
	if (strcmp(req->path, "/page") == 0) {
		fata_http_set_body(resp, "text/plain", page, 10);
		resp->etag = "\"v1\"";
		resp->last_modified = 784111777;
		return 0;
	}
	if (strcmp(req->path, "/fail") == 0)
		return -EIO;
	if (strcmp(req->path, "/close") == 0)
		resp->close = true;
	if (strcmp(req->path, "/missing") == 0)
		resp->status = 404;
	fata_http_add_header(resp, "X-Echo", "yes");
	snprintf(echo, sizeof(echo), "%s %s ?%s [%.*s]", fata_http_method_name(req->method),
		 req->path, req->query, (int)req->body_len, (const char *)req->body);
	fata_http_set_body(resp, "text/plain", echo, strlen(echo));
	return 0;
}

/* Runs the server over `script`; the output is NUL-terminated in peer.out. */
static int run(const struct piece *script, const struct fata_http_config *cfg)
{
	int r;

	memset(&peer, 0, sizeof(peer));
	peer.script = script;
	peer.now = FATA_SEC(1000);
	calls = 0;
	http_clock = fake_clock;
	r = fata_http_serve_io(&fake_io, handler, NULL, cfg);
	peer.out[peer.out_len] = '\0';
	return r;
}

static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

/* The status of the i-th response (0-based) in the output. */
static int status_at(int i)
{
	const char *p = peer.out;

	for (int k = 0; k <= i; k++) {
		p = strstr(k ? p + 1 : p, "HTTP/1.1 ");
		if (!p)
			return -1;
	}
	return atoi(p + 9);
}

static void test_pipelining(void)
{
	const struct piece s[] = {
		{ "GET /a?x=1 HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\n"
		  "POST /c HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhelloGET /d HTTP/1.1\r\n", 0 },
		{ "Host: h\r\n\r\n", 0 },
		{ NULL, 0 },
	};
	struct fata_http_config cfg = { .methods = FATA_HTTP_GET | FATA_HTTP_POST };
	const char *a, *b, *c, *d;

	is_int(run(s, &cfg), 0, "pipelined requests: served");
	is_int(calls, 4, "four requests, four handler calls");
	a = strstr(peer.out, "GET /a ?x=1 []");
	b = strstr(peer.out, "GET /b ?");
	c = strstr(peer.out, "POST /c ? [hello]");
	d = strstr(peer.out, "GET /d ?");
	ok(a && b && c && d && a < b && b < c && c < d, "answered in order, with query and body");
	is_int(count(peer.out, "HTTP/1.1 200 OK\r\n"), 4, "four 200s");
	is_int(count(peer.out, "X-Echo: yes\r\n"), 4, "the handler's extra field is sent");
	is_int(count(peer.out, "Connection: close"), 0, "1.1 stays open");
	ok(strstr(peer.out, "\r\nDate: ") && strstr(peer.out, " GMT\r\n"), "a Date field");
	ok(strstr(peer.out, "Server: fata\r\n") != NULL, "Server: fata");
	is_int(peer.closed, 1, "closed once when the peer ends");
	{
		/* Date is today's IMF-fixdate */
		char want[FATA_HTTP_DATE_LEN + 1];
		const char *got = strstr(peer.out, "Date: ");

		fata_http_date((int64_t)(fata_wall_ns() / FATA_NS_PER_SEC), want);
		ok(got && strncmp(got + 6, want, 17) == 0, "Date is the wall clock's day and hour");
	}
}

static void test_keepalive(void)
{
	const struct piece ten[] = {
		{ "GET / HTTP/1.0\r\n\r\nGET /x HTTP/1.0\r\n\r\n", 0 }, { NULL, 0 } };
	const struct piece ten_ka[] = {
		{ "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /x HTTP/1.0\r\n\r\n", 0 },
		{ NULL, 0 } };
	const struct piece close[] = {
		{ "GET /a HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\n",
		  0 }, { NULL, 0 } };
	const struct piece hclose[] = {
		{ "GET /close HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\n", 0 },
		{ NULL, 0 } };
	const struct piece fail[] = {
		{ "GET /fail HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\n", 0 },
		{ NULL, 0 } };
	const struct piece empty[] = {
		{ "\r\n\r\nGET /e HTTP/1.1\r\nHost: h\r\n\r\n", 0 }, { NULL, 0 } };

	run(ten, NULL);
	is_int(calls, 1, "1.0: one request per connection");
	ok(strstr(peer.out, "Connection: close\r\n") != NULL, "1.0: Connection: close");
	is_int(peer.shut, 1, "1.0: shut down after the response");
	run(ten_ka, NULL);
	is_int(calls, 2, "1.0 keep-alive: the second request is served");
	ok(strstr(peer.out, "Connection: keep-alive\r\n") != NULL, "1.0: Connection: keep-alive");
	run(close, NULL);
	is_int(calls, 1, "Connection: close: the next request is not served");
	run(hclose, NULL);
	is_int(calls, 1, "a handler's close: the next request is not served");
	ok(strstr(peer.out, "Connection: close\r\n") != NULL, "the handler's close is announced");
	run(fail, NULL);
	is_int(status_at(0), 500, "a failing handler: 500");
	is_int(calls, 1, "and the connection closes");
	run(empty, NULL);
	is_int(calls, 1, "empty lines before a request are skipped");
	is_int(status_at(0), 200, "and it gets 200");
}

static void test_head_and_status(void)
{
	const struct piece head[] = {
		{ "HEAD /page HTTP/1.1\r\nHost: h\r\n\r\nGET /missing HTTP/1.1\r\nHost: h\r\n\r\n", 0 },
		{ NULL, 0 } };

	run(head, NULL);
	is_int(status_at(0), 200, "HEAD: 200");
	ok(strstr(peer.out, "Content-Length: 10\r\n") != NULL, "HEAD: the GET's Content-Length");
	ok(!strstr(peer.out, "0123456789"), "HEAD: no body");
	is_int(status_at(1), 404, "the handler's 404 is sent");
	ok(strstr(peer.out, "404 Not Found\r\n") != NULL, "with its reason");
}

/* One request's status and whole output. */
static int one(const char *req, const struct fata_http_config *cfg)
{
	const struct piece s[] = { { req, 0 }, { NULL, 0 } };

	run(s, cfg);
	return status_at(0);
}

static void test_errors(void)
{
	struct fata_http_config post = { .methods = FATA_HTTP_GET | FATA_HTTP_POST, .body_max = 10 };
	struct fata_http_config lim = { .request_line_max = 20, .head_max = 64, .fields_max = 2 };

	is_int(one("GET / HTTP/1.1\r\n\r\n", NULL), 400, "no Host: 400");
	ok(strstr(peer.out, "Connection: close\r\n") != NULL, "400 closes");
	is_int(calls, 0, "the handler is not called");
	is_int(peer.shut, 1, "the connection is shut down then drained");
	is_int(one("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc", NULL), 405,
	       "POST to a GET-only server: 405");
	ok(strstr(peer.out, "Allow: GET, HEAD\r\n") != NULL, "405 with Allow: GET, HEAD");
	is_int(one("BREW / HTTP/1.1\r\nHost: h\r\n\r\n", NULL), 501, "unknown method: 501");
	is_int(one("GET / HTTP/2.0\r\nHost: h\r\n\r\n", NULL), 505, "HTTP/2.0: 505");
	is_int(one("GET /aaaaaaaaaaaaaaaaaaaaa HTTP/1.1\r\n", &lim), 414, "long request line: 414");
	is_int(one("GET / HTTP/1.1\r\nHost: h\r\nA: b\r\nC: d\r\n\r\n", &lim), 431,
	       "too many fields: 431");
	is_int(one("GET / HTTP/1.1\r\nHost: hhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhh\r\n",
		   &lim), 431, "head too long: 431");
	is_int(one("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n0123456789", &post), 200,
	       "a body at the limit: 200");
	ok(strstr(peer.out, "[0123456789]") != NULL, "the body reaches the handler");
	is_int(one("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n0123456789A", &post),
	       413, "a body one above the limit: 413");
	is_int(calls, 0, "the handler is not called");
	is_int(one("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
		   "5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n", &post), 200, "chunked body: 200");
	ok(strstr(peer.out, "[helloworld]") != NULL, "the chunked body decoded");
	is_int(one("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
		   "5\r\nhello\r\n6\r\nworld!\r\n0\r\n\r\n", &post), 413, "chunked over the limit: 413");
	is_int(one("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nZ\r\n", &post),
	       400, "bad chunk size: 400");
}

static void test_expect(void)
{
	struct fata_http_config post = { .methods = FATA_HTTP_GET | FATA_HTTP_POST };
	const struct piece s[] = {
		{ "POST /e HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n", 0 },
		{ "ok", 0 }, { NULL, 0 } };

	run(s, &post);
	ok(strncmp(peer.out, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n", 42) == 0,
	   "Expect: 100-continue gets 100 before the body, then 200");
	ok(strstr(peer.out, "[ok]") != NULL, "and the body");
}

static void test_conditional_and_ranges(void)
{
	const char *base = "GET /page HTTP/1.1\r\nHost: h\r\n";
	char req[512];

#define REQ(extra) (snprintf(req, sizeof(req), "%s%s\r\n", base, extra), req)
	is_int(one(REQ(""), NULL), 200, "the page: 200");
	ok(strstr(peer.out, "ETag: \"v1\"\r\n") && strstr(peer.out, "Accept-Ranges: bytes\r\n"),
	   "ETag and Accept-Ranges");
	ok(strstr(peer.out, "Last-Modified: Sun, 06 Nov 1994 08:49:37 GMT\r\n") != NULL,
	   "Last-Modified as an IMF-fixdate");
	is_int(one(REQ("If-None-Match: \"v1\"\r\n"), NULL), 304, "If-None-Match with the tag: 304");
	ok(!strstr(peer.out, "Content-Length") && !strstr(peer.out, "0123"),
	   "304 has no body and no Content-Length");
	ok(strstr(peer.out, "ETag: \"v1\"\r\n") != NULL, "304 repeats the ETag");
	is_int(one(REQ("If-None-Match: W/\"v1\"\r\n"), NULL), 304, "weak comparison: 304");
	is_int(one(REQ("If-None-Match: \"v0\", \"v2\"\r\n"), NULL), 200, "other tags: 200");
	is_int(one(REQ("If-None-Match: *\r\n"), NULL), 304, "If-None-Match: *: 304");
	is_int(one(REQ("If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n"), NULL), 304,
	       "If-Modified-Since the same second: 304");
	is_int(one(REQ("If-Modified-Since: Sun, 06 Nov 1994 08:49:36 GMT\r\n"), NULL), 200,
	       "If-Modified-Since one second before: 200");
	is_int(one(REQ("If-Modified-Since: yesterday\r\n"), NULL), 200, "a bad date is ignored");
	is_int(one(REQ("If-None-Match: \"v0\"\r\nIf-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n"),
		   NULL), 200, "If-None-Match takes precedence over If-Modified-Since");
	is_int(one(REQ("Range: bytes=2-4\r\n"), NULL), 206, "Range 2-4: 206");
	ok(strstr(peer.out, "Content-Range: bytes 2-4/10\r\n") && strstr(peer.out,
	   "Content-Length: 3\r\n\r\n234"), "Content-Range 2-4/10 and the 3 bytes");
	is_int(one(REQ("Range: bytes=-2\r\n"), NULL), 206, "suffix range: 206");
	ok(strstr(peer.out, "\r\n\r\n89") != NULL, "the last 2 bytes");
	is_int(one(REQ("Range: bytes=10-\r\n"), NULL), 416, "Range past the end: 416");
	ok(strstr(peer.out, "Content-Range: bytes */10\r\n") && strstr(peer.out,
	   "Content-Length: 0\r\n"), "416 with bytes */10 and no body");
	is_int(one(REQ("Range: bytes=0-1,4-5\r\n"), NULL), 200, "several ranges: the whole, 200");
	is_int(one(REQ("Range: bytes=0-1\r\nIf-Range: \"v1\"\r\n"), NULL), 206, "If-Range tag: 206");
	is_int(one(REQ("Range: bytes=0-1\r\nIf-Range: \"v0\"\r\n"), NULL), 200, "stale If-Range: 200");
	is_int(one(REQ("Range: bytes=0-1\r\nIf-Range: Sun, 06 Nov 1994 08:49:37 GMT\r\n"), NULL), 206,
	       "If-Range date: 206");
	is_int(one("HEAD /page HTTP/1.1\r\nHost: h\r\nRange: bytes=0-1\r\n\r\n", NULL), 200,
	       "HEAD ignores Range");
#undef REQ
}

static void test_timeouts(void)
{
	struct fata_http_config cfg = { .idle_ns = FATA_SEC(5), .head_ns = FATA_SEC(3),
					.body_ns = FATA_SEC(4),
					.methods = FATA_HTTP_GET | FATA_HTTP_POST };
	/* slowloris: one byte a second; the head deadline is for the whole head */
	static struct piece slow[64];
	const char *head = "GET / HTTP/1.1\r\nHost: h\r\n\r\n";
	const struct piece idle[] = { { "GET / HTTP/1.1\r\nHost: h\r\n\r\n", 0 },
				      { "GET / HTTP/1.1\r\nHost: h\r\n\r\n", FATA_SEC(6) },
				      { NULL, 0 } };
	const struct piece idle_ok[] = { { "GET / HTTP/1.1\r\nHost: h\r\n\r\n", 0 },
					 { "GET / HTTP/1.1\r\nHost: h\r\n\r\n", FATA_SEC(4) },
					 { NULL, 0 } };
	const struct piece body[] = {
		{ "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nab", 0 },
		{ "c", FATA_SEC(2) }, { "d", FATA_SEC(3) }, { NULL, 0 } };
	static char bytes[64][2];

	for (size_t i = 0; i < strlen(head); i++) {
		bytes[i][0] = head[i];
		slow[i].data = bytes[i];
		slow[i].delay = i ? FATA_MS(900) : 0;
	}
	run(slow, &cfg);
	is_int(status_at(0), 408, "slowloris, a byte every 0.9 s: 408 after 3 s");
	is_int(calls, 0, "its request is never served");
	is_int(peer.timed_out_at, 4, "cut off when the 5th byte would come after 3.6 s");
	for (size_t i = 1; i < strlen(head); i++)
		slow[i].delay = FATA_MS(100);
	run(slow, &cfg);
	is_int(status_at(0), 200, "a byte every 0.1 s: the head arrives in time, 200");
	run(idle, &cfg);
	is_int(calls, 1, "idle longer than idle_ns: the second request is not served");
	is_int(status_at(1), -1, "and gets no response (the connection just closes)");
	run(idle_ok, &cfg);
	is_int(calls, 2, "idle shorter than idle_ns: served");
	run(body, &cfg);
	is_int(status_at(0), 408, "a body slower than body_ns in all: 408");
}

int main(void)
{
	test_pipelining();
	test_keepalive();
	test_head_and_status();
	test_errors();
	test_expect();
	test_conditional_and_ranges();
	test_timeouts();
	return tap_done();
}
