/* The key-value store interface: checks keys and arguments, then asks the implementation. */
#include <fata/kv.h>

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "kv_impl.h"
#include "../crypto/sha256.h"

struct fata_log_src kv_log = { .name = "kv" };

struct fata_kv *kv_new(const char *name, const struct kv_ops *ops, void *impl)
{
	struct fata_kv *kv = calloc(1, sizeof(*kv));

	if (!kv)
		return NULL;
	kv->name = name;
	kv->ops = ops;
	kv->impl = impl;
	return kv;
}

/*
 * Normalises `key` into `path` (FATA_KV_KEY_MAX + 1 bytes): drops one leading "/", checks every
 * component. Returns 0 or -EINVAL.
 */
static int normalise(const char *key, char *path)
{
	const char *s, *comp;
	size_t len;

	if (!key)
		return -EINVAL;
	if (key[0] == '/')
		key++;
	len = strnlen(key, FATA_KV_KEY_MAX + 1);
	if (len > FATA_KV_KEY_MAX)
		return -EINVAL;
	memcpy(path, key, len + 1);
	if (len == 0)
		return 0;
	for (s = comp = path;; s++) {
		if (*s == '/' || *s == '\0') {
			size_t n = (size_t)(s - comp);

			if (n == 0 || n > FATA_KV_NAME_MAX || (n == 1 && comp[0] == '.') ||
			    (n == 2 && comp[0] == '.' && comp[1] == '.'))
				return -EINVAL;
			if (*s == '\0')
				return 0;
			comp = s + 1;
		}
	}
}

static int lookup(struct fata_kv *kv, const char *key, char *path, struct kv_node *node)
{
	int r;

	if (!kv)
		return -EINVAL;
	r = normalise(key, path);
	if (r < 0)
		return r;
	return kv->ops->lookup(kv, path, node);
}

/* Looks a value up: -EISDIR for a dictionary. */
static int lookup_value(struct fata_kv *kv, const char *key, char *path, struct kv_node *node)
{
	int r = lookup(kv, key, path, node);

	if (r == 0 && node->kind != FATA_KV_VALUE)
		return -EISDIR;
	return r;
}

int fata_kv_exists(struct fata_kv *kv, const char *key)
{
	char path[FATA_KV_KEY_MAX + 1];
	struct kv_node node;
	int r = lookup(kv, key, path, &node);

	if (r == -ENOENT)
		return 0;
	return r < 0 ? r : (int)node.kind;
}

int fata_kv_size(struct fata_kv *kv, const char *key, uint64_t *size)
{
	char path[FATA_KV_KEY_MAX + 1];
	struct kv_node node;
	int r;

	if (!size)
		return -EINVAL;
	r = lookup_value(kv, key, path, &node);
	if (r == 0)
		*size = node.size;
	return r;
}

int fata_kv_get(struct fata_kv *kv, const char *key, void **data, size_t *len)
{
	char path[FATA_KV_KEY_MAX + 1];
	struct kv_node node;
	unsigned char *buf;
	int r;

	if (!data || !len)
		return -EINVAL;
	*data = NULL;
	*len = 0;
	r = lookup_value(kv, key, path, &node);
	if (r < 0)
		return r;
	if (node.size >= SIZE_MAX)
		return -EFBIG;
	buf = malloc((size_t)node.size + 1);
	if (!buf)
		return -ENOMEM;
	if (node.size > 0) {
		r = kv->ops->read(kv, path, &node, 0, buf, (size_t)node.size);
		if (r < 0) {
			free(buf);
			return r;
		}
	}
	buf[node.size] = '\0';
	*data = buf;
	*len = (size_t)node.size;
	return 0;
}

long fata_kv_get_partial(struct fata_kv *kv, const char *key, uint64_t offset, void *buf,
			 size_t len)
{
	char path[FATA_KV_KEY_MAX + 1];
	struct kv_node node;
	int r;

	if (!buf && len)
		return -EINVAL;
	r = lookup_value(kv, key, path, &node);
	if (r < 0)
		return r;
	if (offset >= node.size || len == 0)
		return 0;
	if (len > node.size - offset)
		len = (size_t)(node.size - offset);
	if (len > LONG_MAX)
		len = LONG_MAX;
	r = kv->ops->read(kv, path, &node, offset, buf, len);
	return r < 0 ? r : (long)len;
}

/* Members gathered by fata_kv_list(). */
struct gather {
	struct fata_kv_entry *e;	/* names malloc'd one by one until packed */
	size_t n, cap;
	size_t name_bytes;
};

static int gather_add(void *arg, const char *name, size_t namelen, enum fata_kv_kind kind)
{
	struct gather *g = arg;
	char *copy;

	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 16;
		struct fata_kv_entry *e = realloc(g->e, cap * sizeof(*e));

		if (!e)
			return -ENOMEM;
		g->e = e;
		g->cap = cap;
	}
	copy = malloc(namelen + 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, name, namelen);
	copy[namelen] = '\0';
	g->e[g->n].name = copy;
	g->e[g->n].kind = kind;
	g->n++;
	g->name_bytes += namelen + 1;
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct fata_kv_entry *)a)->name, ((const struct fata_kv_entry *)b)->name);
}

int fata_kv_list(struct fata_kv *kv, const char *key, struct fata_kv_entry **entries,
		 size_t *count)
{
	char path[FATA_KV_KEY_MAX + 1];
	struct kv_node node;
	struct gather g = { 0 };
	struct fata_kv_entry *out = NULL;
	size_t n = 0;
	char *names;
	int r;

	if (!entries || !count)
		return -EINVAL;
	*entries = NULL;
	*count = 0;
	r = lookup(kv, key, path, &node);
	if (r < 0)
		return r;
	if (node.kind != FATA_KV_DICTIONARY)
		return -ENOTDIR;
	r = kv->ops->list(kv, path, &node, gather_add, &g);
	if (r < 0)
		goto out;
	if (g.n > 1)
		qsort(g.e, g.n, sizeof(*g.e), by_name);
	out = malloc(g.n * sizeof(*out) + g.name_bytes + 1);
	if (!out) {
		r = -ENOMEM;
		goto out;
	}
	names = (char *)(out + g.n);
	for (size_t i = 0; i < g.n; i++) {
		size_t len;

		/* A corrupt FAT directory may name a member twice: keep the first. */
		if (n > 0 && strcmp(out[n - 1].name, g.e[i].name) == 0)
			continue;
		len = strlen(g.e[i].name) + 1;
		memcpy(names, g.e[i].name, len);
		out[n].name = names;
		out[n].kind = g.e[i].kind;
		names += len;
		n++;
	}
	*entries = out;
	*count = n;
	r = 0;
out:
	for (size_t i = 0; i < g.n; i++)
		free((char *)g.e[i].name);
	free(g.e);
	return r;
}

int fata_kv_last_modified(struct fata_kv *kv, const char *key, int64_t *secs)
{
	char path[FATA_KV_KEY_MAX + 1];
	struct kv_node node;
	int r;

	if (!secs)
		return -EINVAL;
	r = lookup(kv, key, path, &node);
	if (r == 0)
		*secs = node.mtime;
	return r;
}

int fata_kv_digest(struct fata_kv *kv, const char *key, uint8_t digest[FATA_KV_DIGEST_LEN])
{
	char path[FATA_KV_KEY_MAX + 1];
	struct kv_node node;
	struct crypto_sha256 sha;
	uint64_t off = 0;
	size_t chunk = 64 * 1024;
	void *buf;
	int r;

	if (!digest)
		return -EINVAL;
	r = lookup_value(kv, key, path, &node);
	if (r < 0)
		return r;
	if (node.size < chunk)
		chunk = node.size ? (size_t)node.size : 1;
	buf = malloc(chunk);
	if (!buf)
		return -ENOMEM;
	crypto_sha256_init(&sha);
	while (off < node.size) {
		size_t n = node.size - off < chunk ? (size_t)(node.size - off) : chunk;

		r = kv->ops->read(kv, path, &node, off, buf, n);
		if (r < 0)
			break;
		crypto_sha256_update(&sha, buf, n);
		off += n;
	}
	free(buf);
	if (r < 0)
		return r;
	crypto_sha256_final(&sha, digest);
	return 0;
}

const char *fata_kv_name(struct fata_kv *kv)
{
	return kv->name;
}

void fata_kv_disconnect(struct fata_kv *kv)
{
	if (!kv)
		return;
	kv->ops->close(kv);
	free(kv);
}

int64_t kv_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	/* Eras of 400 years, each 146097 days; March-based years put Feb 29 last. */
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (int64_t)(m > 2 ? m - 3 : m + 9) + 2) / 5 + (int64_t)d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}
