/*
 * Static files over HTTP: a handler for the HTTP/1.1 server library (fata/http.h) that serves the
 * values of a read-only key-value store (fata/kv.h) as files, as a web server serves a folder.
 *
 *   struct fata_http_static *site;
 *   fata_http_static_new(&site, htdocs, NULL);
 *   fata_http_serve(stack, 80, fata_http_static_handler, site, NULL);
 *
 * The request path is percent-decoded and must stay inside the store: empty and "." segments are
 * dropped, ".." anywhere, an encoded NUL or "/" and malformed escapes get 400. A value is sent
 * with a Content-Type chosen by its extension, an ETag and Last-Modified, so the library answers
 * conditional requests (304) and byte ranges (206, 416) itself; its bytes are read from the store
 * as they are written, never all at once. A dictionary is served by its index value
 * ("index.html"); a path naming a dictionary without the final "/" gets 301 to the path with it,
 * so relative links in the index work. Anything else gets 404 with the store's not-found page.
 */
#ifndef FATA_HTTP_STATIC_H
#define FATA_HTTP_STATIC_H

#include <stdbool.h>
#include <stddef.h>

#include <fata/http.h>

struct fata_kv;
struct fata_http_static;

/* How ETags are made. */
enum fata_http_etag {
	FATA_HTTP_ETAG_SIZE_MTIME = 0,	/* "SIZE-MTIME" in hex, as nginx: free to compute */
	FATA_HTTP_ETAG_DIGEST = 1,	/* the first 16 bytes of the value's SHA-256 (fata_kv_digest),
					 * computed once per value and kept: the same content has
					 * the same tag on every build and image */
};

/* Choices of a static site. Any field left 0/NULL takes the default in brackets; pass NULL for
 * all defaults. The library copies the structure but not the strings, which must outlive it. */
struct fata_http_static_config {
	const char *index;		/* the value served for a dictionary ["index.html"] */
	const char *not_found;		/* key of the page sent with 404 ["404.html"]; when the store
					 * has no such value, a short text is sent */
	enum fata_http_etag etag;	/* [FATA_HTTP_ETAG_SIZE_MTIME] */
	const char *cache_control;	/* a Cache-Control value sent with every 200, or NULL [none] */
};

/*
 * Makes a site serving `kv` in *out. `cfg` may be NULL. Returns 0, -EINVAL (a NULL argument, an
 * index or not_found name that is not a valid key) or -ENOMEM.
 */
int fata_http_static_new(struct fata_http_static **out, struct fata_kv *kv,
			 const struct fata_http_static_config *cfg);

/* Frees a site. No connection may still be using it. */
void fata_http_static_free(struct fata_http_static *s);

/*
 * The handler (fata_http_handler): `arg` is the struct fata_http_static. Serves GET and HEAD;
 * give the server no other methods (the default of struct fata_http_config), or they are served
 * as GET. Returns 0, or a negative errno when the store fails (-EIO: the library answers 500).
 */
int fata_http_static_handler(const struct fata_http_request *req, struct fata_http_response *resp,
			     void *arg);

/*
 * Decodes the percent-encoded absolute `path` of a request into the store key `key` (at most
 * `key_len` bytes with the NUL): no leading "/", empty and "." segments dropped. *dir is set when
 * the path ends in "/" (or is the root). Returns 0, -EINVAL for a path that may not be served
 * (not starting with "/", a ".." segment, a bad escape, an encoded NUL or "/") or -ENAMETOOLONG.
 */
int fata_http_path_to_key(const char *path, char *key, size_t key_len, bool *dir);

/*
 * The Content-Type for a file name by its extension (case-insensitive): "text/html;
 * charset=utf-8" for .html, "image/png" for .png, ...; "application/octet-stream" for an unknown
 * or missing extension. The string is static.
 */
const char *fata_http_content_type(const char *name);

#endif
