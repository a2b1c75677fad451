/* Static files over HTTP: a fata_http_handler serving the values of a kv_ro store (fata/http_static.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fata/http_static.h>
#include <fata/kv.h>
#include <fata/log.h>

FATA_LOG_SOURCE(static_log, "http-static");

#define ETAG_MAX 48		/* "\"" + 32 hex digits + "\"" and the NUL, or two 16-digit numbers */
#define CACHE_BUCKETS 64

/* One value's digest-based ETag, kept in a chained hash table keyed by the store key. */
struct etag_entry {
	struct etag_entry *next;
	char etag[ETAG_MAX];
	char key[];
};

struct fata_http_static {
	struct fata_kv *kv;
	struct fata_http_static_config cfg;
	struct etag_entry *cache[CACHE_BUCKETS];
};

/* What a body_read call needs: the store and the key, which outlive the handler's call. */
struct body {
	struct fata_kv *kv;
	char etag[ETAG_MAX];		/* the size-and-time ETag, which must outlive the handler */
	char key[];
};

static const struct {
	const char *ext;
	const char *type;
} types[] = {
	{ "html", "text/html; charset=utf-8" },
	{ "htm", "text/html; charset=utf-8" },
	{ "css", "text/css; charset=utf-8" },
	{ "js", "text/javascript; charset=utf-8" },
	{ "mjs", "text/javascript; charset=utf-8" },
	{ "json", "application/json" },
	{ "map", "application/json" },
	{ "txt", "text/plain; charset=utf-8" },
	{ "md", "text/markdown; charset=utf-8" },
	{ "xml", "application/xml" },
	{ "rss", "application/rss+xml" },
	{ "atom", "application/atom+xml" },
	{ "svg", "image/svg+xml" },
	{ "png", "image/png" },
	{ "jpg", "image/jpeg" },
	{ "jpeg", "image/jpeg" },
	{ "gif", "image/gif" },
	{ "webp", "image/webp" },
	{ "avif", "image/avif" },
	{ "ico", "image/vnd.microsoft.icon" },
	{ "woff", "font/woff" },
	{ "woff2", "font/woff2" },
	{ "ttf", "font/ttf" },
	{ "otf", "font/otf" },
	{ "pdf", "application/pdf" },
	{ "wasm", "application/wasm" },
	{ "zip", "application/zip" },
	{ "gz", "application/gzip" },
	{ "tar", "application/x-tar" },
	{ "mp4", "video/mp4" },
	{ "webm", "video/webm" },
	{ "mp3", "audio/mpeg" },
	{ "ogg", "audio/ogg" },
};

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 'a' - 'A' : c;
}

const char *fata_http_content_type(const char *name)
{
	const char *slash = strrchr(name, '/'), *dot = strrchr(name, '.');
	size_t i, j;

	if (!dot || (slash && dot < slash) || !dot[1])
		return "application/octet-stream";
	dot++;
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		for (j = 0; types[i].ext[j] && lower((unsigned char)dot[j]) == types[i].ext[j]; j++)
			;
		if (!types[i].ext[j] && !dot[j])
			return types[i].type;
	}
	return "application/octet-stream";
}

static int hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = lower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int fata_http_path_to_key(const char *path, char *key, size_t key_len, bool *dir)
{
	size_t n = 0, seg, start;	/* bytes of key written; where a segment's "/" and name go */
	const char *p = path;
	bool last_dir = true;

	if (!path || !key || !key_len || !dir || path[0] != '/')
		return -EINVAL;
	while (*p) {
		if (*p == '/') {
			p++;
			last_dir = true;
			continue;
		}
		/* One segment, decoded into the key after a "/" (none before the first). */
		seg = n;
		if (n) {
			if (n + 1 >= key_len)
				return -ENAMETOOLONG;
			key[n++] = '/';
		}
		start = n;
		for (; *p && *p != '/'; p++) {
			int c = (unsigned char)*p;

			if (c == '%') {
				int h = hex((unsigned char)p[1]), l = h < 0 ? -1 : hex((unsigned char)p[2]);

				if (h < 0 || l < 0)
					return -EINVAL;
				c = h * 16 + l;
				if (c == 0 || c == '/')
					return -EINVAL;
				p += 2;
			}
			if (n + 1 >= key_len)
				return -ENAMETOOLONG;
			key[n++] = (char)c;
		}
		if (n - start == 2 && key[start] == '.' && key[start + 1] == '.')
			return -EINVAL;
		if (n - start == 1 && key[start] == '.') {
			n = seg;	/* "." names the dictionary we are in */
			last_dir = true;
			continue;
		}
		last_dir = false;
	}
	key[n] = '\0';
	*dir = last_dir;
	return 0;
}

int fata_http_static_new(struct fata_http_static **out, struct fata_kv *kv,
			 const struct fata_http_static_config *cfg)
{
	struct fata_http_static *s;

	if (!out || !kv)
		return -EINVAL;
	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->kv = kv;
	if (cfg)
		s->cfg = *cfg;
	if (!s->cfg.index)
		s->cfg.index = "index.html";
	if (!s->cfg.not_found)
		s->cfg.not_found = "404.html";
	if (!s->cfg.index[0] || strchr(s->cfg.index, '/') || !s->cfg.not_found[0] ||
	    strlen(s->cfg.index) > FATA_KV_NAME_MAX || strlen(s->cfg.not_found) > FATA_KV_KEY_MAX) {
		free(s);
		return -EINVAL;
	}
	*out = s;
	return 0;
}

void fata_http_static_free(struct fata_http_static *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < CACHE_BUCKETS; i++) {
		while (s->cache[i]) {
			struct etag_entry *e = s->cache[i];

			s->cache[i] = e->next;
			free(e);
		}
	}
	free(s);
}

static long body_read(void *arg, uint64_t offset, void *buf, size_t len)
{
	struct body *b = arg;

	return fata_kv_get_partial(b->kv, b->key, offset, buf, len);
}

static unsigned bucket(const char *key)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	while (*key)
		h = (h ^ (unsigned char)*key++) * 16777619u;
	return h % CACHE_BUCKETS;
}

/* The digest ETag of `key` from the cache, computing and keeping it on a miss. */
static int digest_etag(struct fata_http_static *s, const char *key, const char **etag)
{
	unsigned b = bucket(key);
	uint8_t d[FATA_KV_DIGEST_LEN];
	struct etag_entry *e;
	int err, i;

	for (e = s->cache[b]; e; e = e->next) {
		if (strcmp(e->key, key) == 0) {
			*etag = e->etag;
			return 0;
		}
	}
	/* The digest may block on a block device: another fiber may add the same key meanwhile,
	 * which only costs a duplicate entry that is never found. */
	err = fata_kv_digest(s->kv, key, d);
	if (err < 0)
		return err;
	e = malloc(sizeof(*e) + strlen(key) + 1);
	if (!e)
		return -ENOMEM;
	strcpy(e->key, key);
	e->etag[0] = '"';
	for (i = 0; i < 16; i++)
		snprintf(e->etag + 1 + 2 * i, 3, "%02x", d[i]);
	strcpy(e->etag + 33, "\"");
	e->next = s->cache[b];
	s->cache[b] = e;
	*etag = e->etag;
	return 0;
}

/*
 * Fills `resp` with the value `key` (whose size is known) read as it is written. Status and
 * validators are the caller's.
 */
static int send_value(struct fata_http_static *s, struct fata_http_response *resp,
		      const char *key, uint64_t size)
{
	size_t klen = strlen(key);
	struct body *b = malloc(sizeof(*b) + klen + 1);

	if (!b)
		return -ENOMEM;
	b->kv = s->kv;
	memcpy(b->key, key, klen + 1);
	resp->content_type = fata_http_content_type(key);
	resp->body_read = body_read;
	resp->body_size = size;
	resp->body_arg = b;
	resp->body_free = free;
	return 0;
}

static int not_found(struct fata_http_static *s, struct fata_http_response *resp)
{
	static const char text[] = "404 Not Found\n";
	uint64_t size;

	resp->status = 404;
	if (fata_kv_exists(s->kv, s->cfg.not_found) == FATA_KV_VALUE &&
	    fata_kv_size(s->kv, s->cfg.not_found, &size) == 0)
		return send_value(s, resp, s->cfg.not_found, size);
	fata_http_set_body(resp, "text/plain; charset=utf-8", text, sizeof(text) - 1);
	return 0;
}

static int bad_request(struct fata_http_response *resp)
{
	static const char text[] = "400 Bad Request\n";

	resp->status = 400;
	fata_http_set_body(resp, "text/plain; charset=utf-8", text, sizeof(text) - 1);
	return 0;
}

int fata_http_static_handler(const struct fata_http_request *req, struct fata_http_response *resp,
			     void *arg)
{
	struct fata_http_static *s = arg;
	char key[FATA_KV_KEY_MAX + 1];
	uint64_t size;
	int64_t mtime = 0;
	bool dir;
	int kind, err;

	err = fata_http_path_to_key(req->path, key, sizeof(key), &dir);
	if (err == -ENAMETOOLONG)
		return not_found(s, resp);
	if (err < 0)
		return bad_request(resp);
	kind = fata_kv_exists(s->kv, key);
	if (kind == -EINVAL)	/* a key the store refuses (a component too long): not there */
		kind = 0;
	if (kind < 0)
		return kind;
	if (kind == FATA_KV_DICTIONARY && !dir) {
		/* "/docs" -> "/docs/", so that the index's relative links resolve below it. */
		char loc[FATA_HTTP_EXTRA_MAX - 16];
		int n = snprintf(loc, sizeof(loc), "%s/%s%s", req->path, req->query[0] ? "?" : "",
				 req->query);

		if (n < 0 || (size_t)n >= sizeof(loc) || fata_http_add_header(resp, "Location", loc))
			return not_found(s, resp);
		resp->status = 301;
		fata_http_set_body(resp, "text/plain; charset=utf-8", "301 Moved Permanently\n", 22);
		return 0;
	}
	if (kind == FATA_KV_DICTIONARY) {
		size_t n = strlen(key), ilen = strlen(s->cfg.index);

		if (n + 1 + ilen > FATA_KV_KEY_MAX)
			return not_found(s, resp);
		if (n)
			key[n++] = '/';
		memcpy(key + n, s->cfg.index, ilen + 1);
		kind = fata_kv_exists(s->kv, key);
		if (kind < 0 && kind != -EINVAL)
			return kind;
	} else if (kind == FATA_KV_VALUE && dir) {
		kind = 0;	/* "/page.html/" is not a page */
	}
	if (kind != FATA_KV_VALUE)
		return not_found(s, resp);
	err = fata_kv_size(s->kv, key, &size);
	if (!err)
		err = fata_kv_last_modified(s->kv, key, &mtime);
	if (err < 0) {
		fata_log(&static_log, FATA_LOG_WARNING, "%s: %s", key, strerror(-err));
		return err;
	}
	err = send_value(s, resp, key, size);
	if (err < 0)
		return err;
	if (s->cfg.etag == FATA_HTTP_ETAG_DIGEST) {
		const char *etag;

		err = digest_etag(s, key, &etag);
		if (err < 0)
			return err;	/* the library frees the body (body_free) */
		resp->etag = etag;	/* the cache lives as long as the site */
	} else {
		struct body *b = resp->body_arg;

		snprintf(b->etag, sizeof(b->etag), "\"%" PRIx64 "-%" PRIx64 "\"", size,
			 (uint64_t)mtime);
		resp->etag = b->etag;
	}
	resp->last_modified = mtime;
	if (s->cfg.cache_control)
		fata_http_add_header(resp, "Cache-Control", s->cfg.cache_control);
	return 0;
}
