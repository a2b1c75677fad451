/* Fuzz harness: any bytes as the input of one HTTP connection (lib/http/), delivered in pieces
 * of a size the first byte chooses; plus the Range, entity-tag and date parsers on the same
 * bytes. Every response must start with a status line, and the output must stay bounded. */
#include <fata/http.h>
#include <fata/runtime.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/http/parse.h"

static struct fata_key no_keys[1];
const struct fata_unikernel fata_unikernel = { .name = "fuzz", .keys = no_keys };

static const uint8_t *in;
static size_t in_len, in_pos, piece;
static uint64_t now;
static size_t out_len;
static char first[16];

static uint64_t fuzz_clock(void)
{
	return now;
}

static long f_read(void *ctx, void *buf, size_t len, uint64_t deadline)
{
	size_t n = in_len - in_pos;

	(void)ctx;
	(void)deadline;
	now += 1000;
	if (!n)
		return 0;
	if (n > piece)
		n = piece;
	if (n > len)
		n = len;
	memcpy(buf, in + in_pos, n);
	in_pos += n;
	return (long)n;
}

static long f_write(void *ctx, const void *buf, size_t len, uint64_t deadline)
{
	(void)ctx;
	(void)deadline;
	if (out_len < sizeof(first))
		memcpy(first + out_len, buf, len < sizeof(first) - out_len ? len :
					     sizeof(first) - out_len);
	out_len += len;
	return (long)len;
}

static void f_close(void *ctx)
{
	(void)ctx;
}

static const char page[] = "0123456789abcdef";

static long page_read(void *arg, uint64_t off, void *buf, size_t len)
{
	(void)arg;
	if (off >= sizeof(page) - 1 || len > sizeof(page) - 1 - off)
		abort();	/* the library asked for bytes outside the body */
	memcpy(buf, page + off, len);
	return (long)len;
}

static int handler(const struct fata_http_request *req, struct fata_http_response *resp, void *a)
{
	(void)a;
	if (req->body_len && ((const char *)req->body)[req->body_len] != '\0')
		abort();
	fata_http_header(req, "X-Anything");
	if (req->path[1] == 's') {
		resp->body_read = page_read;
		resp->body_size = sizeof(page) - 1;
	} else {
		fata_http_set_body(resp, "text/plain", page, sizeof(page) - 1);
	}
	resp->etag = "\"e\"";
	resp->last_modified = 784111777;
	return req->path[1] == 'f' ? -EIO : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fata_http_config cfg = {
		.request_line_max = 200, .head_max = 1024, .fields_max = 8, .body_max = 4096,
		.methods = FATA_HTTP_GET | FATA_HTTP_POST | FATA_HTTP_PUT,
	};
	struct fata_http_io io = { .read = f_read, .write = f_write, .close = f_close };
	char *s;

	if (size < 1)
		return 0;
	piece = data[0] % 17 ? data[0] % 17 : size;
	in = data + 1;
	in_len = size - 1;
	in_pos = 0;
	out_len = 0;
	now = 1;
	http_clock = fuzz_clock;
	fata_http_serve_io(&io, handler, NULL, &cfg);
	if (out_len && memcmp(first, "HTTP/1.1 ", out_len < 9 ? out_len : 9) != 0)
		abort();

	s = malloc(in_len + 1);
	if (!s)
		return 0;
	memcpy(s, in, in_len);
	s[in_len] = '\0';
	{
		uint64_t a, b;
		int64_t t;

		if (http_range(s, 1000, &a, &b) == 1 && (a > b || b >= 1000))
			abort();
		http_etag_match(s, "\"e\"", true);
		http_etag_match(s, "W/\"e\"", false);
		fata_http_date_parse(s, &t);
	}
	free(s);
	return 0;
}
