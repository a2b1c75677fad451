/* OCI image layouts: reproducible ustar layers, SHA-256-named blobs, config/manifest/index JSON. */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../lib/crypto/sha256.h"
#include "oci.h"
#include "project.h"

#define TAR_BLOCK 512

static int fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* --- tar ---------------------------------------------------------------------------------------- */

/* Writes `v` as a zero-padded octal field of `width` bytes (the last one NUL); `v` must fit. */
static void octal(char *field, size_t width, unsigned long long v)
{
	field[width - 1] = '\0';
	for (size_t i = width - 1; i > 0; i--, v >>= 3)
		field[i - 1] = (char)('0' + (v & 7));
}

static int tar_entry(struct buf *tar, const char *path, char type, unsigned mode, const void *data,
		     size_t len, char *err, size_t errlen)
{
	char h[TAR_BLOCK];
	unsigned sum = 0;
	size_t n = strlen(path);

	if (n == 0 || n > 99 || path[0] == '/')
		return fail(err, errlen, "fata: cannot put \"%s\" in a layer; expected a relative "
			    "path of 1 to 99 bytes", path);
	if ((unsigned long long)len >= 1ULL << 33)	/* 11 octal digits */
		return fail(err, errlen, "fata: %s is too large for a layer (8 GiB or more)", path);
	memset(h, 0, sizeof(h));
	memcpy(h, path, n);
	octal(h + 100, 8, mode);
	octal(h + 108, 8, 0);			/* uid */
	octal(h + 116, 8, 0);			/* gid */
	octal(h + 124, 12, type == '0' ? len : 0);
	octal(h + 136, 12, 0);			/* mtime: the epoch, always */
	memset(h + 148, ' ', 8);		/* the checksum counts itself as spaces */
	h[156] = type;
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	for (size_t i = 0; i < sizeof(h); i++)
		sum += (unsigned char)h[i];
	octal(h + 148, 7, sum);			/* six digits, NUL, and the space left in place */
	buf_put(tar, h, sizeof(h));
	if (type == '0' && len) {
		buf_put(tar, data, len);
		memset(h, 0, sizeof(h));
		if (len % TAR_BLOCK)
			buf_put(tar, h, TAR_BLOCK - len % TAR_BLOCK);
	}
	return 0;
}

int oci_tar_dir(struct buf *tar, const char *path, char *err, size_t errlen)
{
	return tar_entry(tar, path, '5', 0755, NULL, 0, err, errlen);
}

int oci_tar_file(struct buf *tar, const char *path, unsigned mode, const void *data, size_t len,
		 char *err, size_t errlen)
{
	return tar_entry(tar, path, '0', mode, data, len, err, errlen);
}

void oci_tar_end(struct buf *tar)
{
	char zero[2 * TAR_BLOCK];

	memset(zero, 0, sizeof(zero));
	buf_put(tar, zero, sizeof(zero));
}

/* --- JSON and base64 ---------------------------------------------------------------------------- */

void oci_json_string(struct buf *b, const char *s)
{
	buf_putc(b, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			buf_printf(b, "\\%c", c);
		else if (c < 0x20)
			buf_printf(b, "\\u%04x", c);
		else
			buf_putc(b, (char)c);
	}
	buf_putc(b, '"');
}

void oci_base64(struct buf *b, const void *data, size_t len)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;
		size_t left = len - i;

		if (left > 1)
			v |= (uint32_t)p[i + 1] << 8;
		if (left > 2)
			v |= p[i + 2];
		buf_putc(b, alphabet[v >> 18 & 63]);
		buf_putc(b, alphabet[v >> 12 & 63]);
		buf_putc(b, left > 1 ? alphabet[v >> 6 & 63] : '=');
		buf_putc(b, left > 2 ? alphabet[v & 63] : '=');
	}
}

/* --- the layout --------------------------------------------------------------------------------- */

static int write_file(const char *path, const void *data, size_t len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		return fail(err, errlen, "fata: cannot create %s: %s", path, strerror(errno));
	if ((len && fwrite(data, 1, len, f) != len) | (fclose(f) != 0))
		return fail(err, errlen, "fata: cannot write %s: %s", path, strerror(errno));
	return 0;
}

int oci_layout_create(const char *dir, char *err, size_t errlen)
{
	static const char layout[] = "{\"imageLayoutVersion\":\"1.0.0\"}";
	struct buf p = BUF_INIT;
	int r = -1;

	if (remove_path(dir, err, errlen) < 0)
		return -1;
	if (mkdir(dir, 0755) < 0) {
		fail(err, errlen, "fata: cannot create %s: %s", dir, strerror(errno));
		goto out;
	}
	buf_printf(&p, "%s/blobs", dir);
	if (mkdir(buf_str(&p), 0755) < 0) {
		fail(err, errlen, "fata: cannot create %s: %s", buf_str(&p), strerror(errno));
		goto out;
	}
	buf_puts(&p, "/sha256");
	if (mkdir(buf_str(&p), 0755) < 0) {
		fail(err, errlen, "fata: cannot create %s: %s", buf_str(&p), strerror(errno));
		goto out;
	}
	buf_free(&p);
	buf_printf(&p, "%s/oci-layout", dir);
	r = write_file(buf_str(&p), layout, sizeof(layout) - 1, err, errlen);
out:
	buf_free(&p);
	return r;
}

int oci_blob_put(const char *dir, const void *data, size_t len, struct oci_blob *out, char *err,
		 size_t errlen)
{
	struct crypto_sha256 s;
	uint8_t d[CRYPTO_SHA256_LEN];
	struct buf p = BUF_INIT;
	int r;

	crypto_sha256_init(&s);
	crypto_sha256_update(&s, data, len);
	crypto_sha256_final(&s, d);
	memcpy(out->digest, "sha256:", 7);
	for (int i = 0; i < CRYPTO_SHA256_LEN; i++)
		snprintf(out->digest + 7 + 2 * i, 3, "%02x", d[i]);
	out->size = len;
	buf_printf(&p, "%s/blobs/sha256/%s", dir, out->digest + 7);
	r = write_file(buf_str(&p), data, len, err, errlen);
	buf_free(&p);
	return r;
}

static void json_descriptor(struct buf *b, const char *media_type, const struct oci_blob *blob)
{
	buf_puts(b, "{\"mediaType\":");
	oci_json_string(b, media_type);
	buf_printf(b, ",\"digest\":\"%s\",\"size\":%zu}", blob->digest, blob->size);
}

static void json_pairs(struct buf *b, const struct oci_pair *pairs, size_t n)
{
	buf_putc(b, '{');
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_putc(b, ',');
		oci_json_string(b, pairs[i].name);
		buf_putc(b, ':');
		oci_json_string(b, pairs[i].value);
	}
	buf_putc(b, '}');
}

static void json_argv(struct buf *b, const char *const *argv)
{
	buf_putc(b, '[');
	for (size_t i = 0; argv[i]; i++) {
		if (i)
			buf_putc(b, ',');
		oci_json_string(b, argv[i]);
	}
	buf_putc(b, ']');
}

/* The image config: no creation time and no history, so that it depends on the content only. */
static void image_config(struct buf *b, const struct oci_image *img)
{
	buf_puts(b, "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{");
	if (img->entrypoint) {
		buf_puts(b, "\"Entrypoint\":");
		json_argv(b, img->entrypoint);
		buf_putc(b, ',');
	}
	if (img->cmd) {
		buf_puts(b, "\"Cmd\":");
		json_argv(b, img->cmd);
		buf_putc(b, ',');
	}
	buf_puts(b, "\"WorkingDir\":\"/\",\"Labels\":");
	json_pairs(b, img->annotations, img->nannotations);
	buf_puts(b, "},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[");
	for (size_t i = 0; i < img->nlayers; i++)	/* uncompressed: the diff id is the digest */
		buf_printf(b, "%s\"%s\"", i ? "," : "", img->layers[i].digest);
	buf_puts(b, "]}}");
}

int oci_image_write(const char *dir, const struct oci_image *img, struct oci_blob *manifest,
		    char *err, size_t errlen)
{
	struct buf b = BUF_INIT, p = BUF_INIT;
	struct oci_blob config;
	int r = -1;

	image_config(&b, img);
	if (oci_blob_put(dir, b.s, b.len, &config, err, errlen) < 0)
		goto out;
	buf_free(&b);
	buf_puts(&b, "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
		 "\"config\":");
	json_descriptor(&b, "application/vnd.oci.image.config.v1+json", &config);
	buf_puts(&b, ",\"layers\":[");
	for (size_t i = 0; i < img->nlayers; i++) {
		if (i)
			buf_putc(&b, ',');
		json_descriptor(&b, "application/vnd.oci.image.layer.v1.tar", &img->layers[i]);
	}
	buf_puts(&b, "],\"annotations\":");
	json_pairs(&b, img->annotations, img->nannotations);
	buf_putc(&b, '}');
	if (oci_blob_put(dir, b.s, b.len, manifest, err, errlen) < 0)
		goto out;
	buf_free(&b);
	buf_puts(&b, "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
		 "\"manifests\":[");
	buf_printf(&b, "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":"
		   "\"%s\",\"size\":%zu,\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"},"
		   "\"annotations\":{\"org.opencontainers.image.ref.name\":", manifest->digest,
		   manifest->size);
	oci_json_string(&b, img->ref);
	buf_puts(&b, "}}]}\n");
	buf_printf(&p, "%s/index.json", dir);
	r = write_file(buf_str(&p), b.s, b.len, err, errlen);
out:
	buf_free(&b);
	buf_free(&p);
	return r;
}

/* --- the layout as one tar ---------------------------------------------------------------------- */

/* Reads a whole file into `out`. Returns 0 or -1 with a message. */
static int read_all(const char *path, struct buf *out, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char chunk[65536];
	size_t n;
	int bad;

	if (!f)
		return fail(err, errlen, "fata: cannot open %s: %s", path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_put(out, chunk, n);
	bad = ferror(f);
	fclose(f);
	if (bad)
		return fail(err, errlen, "fata: cannot read %s", path);
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds `dir`/`rel` (a file or a folder, recursively, names sorted) to the tar as `rel`. */
static int tar_tree(struct buf *tar, const char *dir, const char *rel, char *err, size_t errlen)
{
	struct buf p = BUF_INIT;
	struct stat st;
	int r = -1;

	buf_printf(&p, "%s/%s", dir, rel);
	if (lstat(buf_str(&p), &st) < 0) {
		fail(err, errlen, "fata: cannot read %s: %s", buf_str(&p), strerror(errno));
	} else if (S_ISREG(st.st_mode)) {
		struct buf data = BUF_INIT;

		if (read_all(buf_str(&p), &data, err, errlen) == 0)
			r = oci_tar_file(tar, rel, 0644, data.s, data.len, err, errlen);
		buf_free(&data);
	} else if (S_ISDIR(st.st_mode)) {
		DIR *d = opendir(buf_str(&p));
		struct dirent *e;
		char **names = NULL;
		size_t n = 0;

		if (!d) {
			fail(err, errlen, "fata: cannot read %s: %s", buf_str(&p), strerror(errno));
			goto out;
		}
		while ((e = readdir(d))) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			names = xrealloc(names, (n + 1) * sizeof(*names));
			names[n++] = xstrdup(e->d_name);
		}
		closedir(d);
		qsort(names, n, sizeof(*names), cmp_names);
		r = oci_tar_dir(tar, rel, err, errlen);
		for (size_t i = 0; i < n; i++) {
			struct buf sub = BUF_INIT;

			buf_printf(&sub, "%s/%s", rel, names[i]);
			if (r == 0)
				r = tar_tree(tar, dir, buf_str(&sub), err, errlen);
			buf_free(&sub);
			free(names[i]);
		}
		free(names);
	} else {
		fail(err, errlen, "fata: %s is neither a file nor a folder", buf_str(&p));
	}
out:
	buf_free(&p);
	return r;
}

int oci_layout_tar(const char *dir, const char *path, char *err, size_t errlen)
{
	static const char *const top[] = { "blobs", "index.json", "oci-layout" };
	struct buf tar = BUF_INIT;
	int r = 0;

	for (size_t i = 0; r == 0 && i < sizeof(top) / sizeof(top[0]); i++)
		r = tar_tree(&tar, dir, top[i], err, errlen);
	if (r == 0) {
		oci_tar_end(&tar);
		r = write_atomic(path, tar.s, tar.len, err, errlen);
	}
	buf_free(&tar);
	return r;
}
