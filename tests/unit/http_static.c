/* Unit tests of the static-file handler (lib/http/static.c) over a hand-made crunch store. */
#include <fata/runtime.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <fata/http_static.h>
#include <fata/kv.h>

#include "tap.h"

static struct fata_key no_keys[1];
const struct fata_unikernel fata_unikernel = { .name = "test", .keys = no_keys };

static const unsigned char index_html[] = "<h1>home</h1>\n";
static const unsigned char page_css[] = "body { color: red }\n";
static const unsigned char docs_index[] = "docs\n";
static const unsigned char nf_html[] = "<p>nothing</p>\n";

/* / = { 404.html, docs/ = { index.html }, index.html, style.css } */
static const struct fata_kv_crunch_entry entries[] = {
	{ "", FATA_KV_DICTIONARY, NULL, 4, 1, 1000 },
	{ "404.html", FATA_KV_VALUE, nf_html, sizeof(nf_html) - 1, 0, 1000 },
	{ "docs", FATA_KV_DICTIONARY, NULL, 1, 5, 1000 },
	{ "index.html", FATA_KV_VALUE, index_html, sizeof(index_html) - 1, 0, 1000 },
	{ "style.css", FATA_KV_VALUE, page_css, sizeof(page_css) - 1, 0, 0x5f5e100 },
	{ "index.html", FATA_KV_VALUE, docs_index, sizeof(docs_index) - 1, 0, 1000 },
};
static const struct fata_kv_crunch table = { entries, 6 };

static struct fata_http_response resp;
static char body[256];

/* Runs the handler for GET `path`: its status (or negative errno), the body in `body`. */
static int get(struct fata_http_static *s, const char *path, const char *query)
{
	struct fata_http_request req = { .method = FATA_HTTP_GET, .path = path, .query = query,
					 .minor = 1 };
	int err;

	if (resp.body_free)
		resp.body_free(resp.body_arg);
	memset(&resp, 0, sizeof(resp));
	memset(body, 0, sizeof(body));
	resp.status = 200;
	err = fata_http_static_handler(&req, &resp, s);
	if (err < 0)
		return err;
	if (resp.body_read) {
		long n = 0;

		if (resp.body_size) {
			/* Two reads, as the library does for a large body. */
			n = resp.body_read(resp.body_arg, 0, body, 3);
			if (n == 3 && resp.body_size > 3)
				n = 3 + resp.body_read(resp.body_arg, 3, body + 3, resp.body_size - 3);
		}
		if ((uint64_t)n != resp.body_size)
			return -EIO;
	} else if (resp.body) {
		memcpy(body, resp.body, resp.body_size);
	}
	return resp.status;
}

static const char *key(const char *path)
{
	static char k[80];
	bool dir;
	int err = fata_http_path_to_key(path, k, 64, &dir);	/* room for "|file" after */

	if (err == -EINVAL)
		return "EINVAL";
	if (err == -ENAMETOOLONG)
		return "ENAMETOOLONG";
	strcat(k, dir ? "|dir" : "|file");
	return k;
}

int main(void)
{
	struct fata_kv *kv = fata_kv_crunch_connect("htdocs", &table);
	struct fata_http_static *s, *s2;
	struct fata_http_static_config cfg = { .etag = FATA_HTTP_ETAG_DIGEST, .not_found = "none" };
	char path[80];

	/* Paths to keys. */
	is_str(key("/"), "|dir", "/ is the root dictionary");
	is_str(key("/a/b.html"), "a/b.html|file", "segments are kept");
	is_str(key("//a/./b//"), "a/b|dir", "empty and . segments are dropped");
	is_str(key("/a/."), "a|dir", "a final . names a dictionary");
	is_str(key("/a%20b/%41%7e"), "a b/A~|file", "escapes are decoded, either case of hex");
	is_str(key("/a/../b"), "EINVAL", ".. is refused");
	is_str(key("/%2e%2E/b"), "EINVAL", "an encoded .. is refused");
	is_str(key("/.."), "EINVAL", "a final .. is refused");
	is_str(key("/..a/b.."), "..a/b..|file", "names that only start or end with .. are fine");
	is_str(key("/a%00b"), "EINVAL", "an encoded NUL is refused");
	is_str(key("/a%2fb"), "EINVAL", "an encoded / is refused");
	is_str(key("/a%4"), "EINVAL", "a cut escape is refused");
	is_str(key("/a%g0"), "EINVAL", "a bad escape is refused");
	is_str(key("a"), "EINVAL", "a path must start with /");
	memset(path, 'x', sizeof(path));
	path[0] = '/';
	path[65] = '\0';
	is_str(key(path), "ENAMETOOLONG", "a 64-byte key does not fit 64 bytes with the NUL");
	path[64] = '\0';
	is_str(key(path) + 63, "|file", "a 63-byte key does");

	/* Content types. */
	is_str(fata_http_content_type("a/b.HTML"), "text/html; charset=utf-8", ".HTML");
	is_str(fata_http_content_type("x.png"), "image/png", ".png");
	is_str(fata_http_content_type("x.svg"), "image/svg+xml", ".svg");
	is_str(fata_http_content_type("x.css"), "text/css; charset=utf-8", ".css");
	is_str(fata_http_content_type("a.d/README"), "application/octet-stream", "no extension");
	is_str(fata_http_content_type("x.pngx"), "application/octet-stream", "an unknown one");
	is_str(fata_http_content_type("x."), "application/octet-stream", "a final dot");

	/* The handler. */
	ok(kv, "the crunch store connects");
	is_int(fata_http_static_new(&s, kv, NULL), 0, "a site with defaults");
	is_int(fata_http_static_new(&s2, kv, &(struct fata_http_static_config){ .index = "a/b" }),
	       -EINVAL, "an index with / is refused");
	is_int(get(s, "/", ""), 200, "/ gets 200");
	is_str(body, "<h1>home</h1>\n", "with index.html, read in two pieces");
	is_str(resp.content_type, "text/html; charset=utf-8", "as HTML");
	is_str(resp.etag, "\"e-3e8\"", "its ETag is size-mtime in hex");
	is_int(resp.last_modified, 1000, "Last-Modified is the entry's time");
	is_int(get(s, "/style.css", ""), 200, "/style.css gets 200");
	is_str(body, "body { color: red }\n", "its bytes");
	is_str(resp.etag, "\"14-5f5e100\"", "its own ETag");
	is_int(get(s, "/docs", "a=1"), 301, "/docs gets 301");
	is_str(resp.extra, "Location: /docs/?a=1\r\n", "to /docs/, keeping the query");
	is_int(get(s, "/docs/", ""), 200, "/docs/ gets 200");
	is_str(body, "docs\n", "with docs/index.html");
	is_int(get(s, "/style.css/", ""), 404, "a value with a final / is not found");
	is_int(get(s, "/nothing", ""), 404, "a missing page gets 404");
	is_str(body, "<p>nothing</p>\n", "with 404.html");
	ok(!resp.etag && !resp.last_modified, "and no validators");
	is_int(get(s, "/../index.html", ""), 400, ".. gets 400");
	memset(path, 'x', sizeof(path));
	path[0] = '/';
	path[79] = '\0';
	is_int(get(s, path, ""), 404, "a long missing name gets 404");

	is_int(fata_http_static_new(&s2, kv, &cfg), 0, "a site with digest ETags");
	is_int(get(s2, "/", ""), 200, "/ gets 200");
	/* printf '<h1>home</h1>\n' | sha256sum: the first 16 bytes. */
	is_str(resp.etag, "\"25bd9226c1514c5b63d541ca4f280ab7\"", "its ETag is the SHA-256's head");
	is_int(get(s2, "/", ""), 200, "again");
	is_str(resp.etag, "\"25bd9226c1514c5b63d541ca4f280ab7\"", "the same tag from the cache");
	is_int(get(s2, "/nothing", ""), 404, "a missing page without a 404 page gets 404");
	is_str(body, "404 Not Found\n", "with a short text");
	if (resp.body_free)
		resp.body_free(resp.body_arg);
	memset(&resp, 0, sizeof(resp));
	fata_http_static_free(s);
	fata_http_static_free(s2);
	fata_kv_disconnect(kv);
	return tap_done();
}
