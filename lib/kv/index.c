/*
 * The sorted index of every path of an image, built once at connect by the archive and FAT
 * readers: lookups are a binary search, a dictionary's members are the contiguous run of paths
 * that start with "DIR/" (all strings with one prefix sort together).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kv_impl.h"

static int push(struct kv_index *ix, char *path, const struct kv_node *node, size_t seq)
{
	if (ix->n == ix->cap) {
		size_t cap = ix->cap ? ix->cap * 2 : 64;
		struct kv_index_entry *e = realloc(ix->e, cap * sizeof(*e));

		if (!e)
			return -ENOMEM;
		ix->e = e;
		ix->cap = cap;
	}
	ix->e[ix->n].path = path;
	ix->e[ix->n].node = *node;
	ix->e[ix->n].seq = seq;
	ix->n++;
	return 0;
}

int kv_index_add(struct kv_index *ix, const char *path, const struct kv_node *node)
{
	size_t len = strlen(path);
	char *copy = malloc(len + 1);
	int r;

	if (!copy)
		return -ENOMEM;
	memcpy(copy, path, len + 1);
	/* Real entries count from 1 in the order added; 0 marks a made-up parent. */
	r = push(ix, copy, node, ix->n + 1);
	if (r < 0)
		free(copy);
	ix->sorted = false;
	return r;
}

/* Path order; among equal paths, made-up parents first, then real entries in the order added. */
static int by_path(const void *a, const void *b)
{
	const struct kv_index_entry *x = a, *y = b;
	int c = strcmp(x->path, y->path);

	if (c)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The first entry whose path is >= `key`. */
static size_t lower_bound(const struct kv_index *ix, const char *key)
{
	size_t lo = 0, hi = ix->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(ix->e[mid].path, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Adds a made-up dictionary for `len` bytes of `path`. */
static int push_parent(struct kv_index *ix, const char *path, size_t len, int64_t mtime)
{
	struct kv_node dir = { .kind = FATA_KV_DICTIONARY, .mtime = mtime };
	char *copy = malloc(len + 1);

	if (!copy)
		return -ENOMEM;
	memcpy(copy, path, len);
	copy[len] = '\0';
	if (push(ix, copy, &dir, 0) < 0) {
		free(copy);
		return -ENOMEM;
	}
	return 0;
}

int kv_index_finish(struct kv_index *ix, int64_t root_mtime)
{
	size_t n = ix->n, out;

	/* Every parent of every path, and the root. */
	if (push_parent(ix, "", 0, root_mtime) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		for (const char *s = strchr(ix->e[i].path, '/'); s; s = strchr(s + 1, '/')) {
			size_t off = (size_t)(s - ix->e[i].path);

			/* (push may move the array: the offset survives, the pointer not.) */
			if (push_parent(ix, ix->e[i].path, off, 0) < 0)
				return -ENOMEM;
			s = ix->e[i].path + off;
		}
	}
	if (ix->n > 1)
		qsort(ix->e, ix->n, sizeof(*ix->e), by_path);
	/* Keep the last of each run of equal paths: a real entry wins over made-up parents, and
	 * the last real one (as in tar, where a later member replaces an earlier one). */
	out = 0;
	for (size_t i = 0; i < ix->n; i++) {
		if (i + 1 < ix->n && strcmp(ix->e[i].path, ix->e[i + 1].path) == 0) {
			free(ix->e[i].path);
			continue;
		}
		ix->e[out++] = ix->e[i];
	}
	ix->n = out;
	/* A value cannot have members. */
	for (size_t i = 0; i < ix->n; i++) {
		const char *p = ix->e[i].path;
		size_t len = strlen(p), j;
		char *prefix;

		if (ix->e[i].node.kind != FATA_KV_VALUE)
			continue;
		prefix = malloc(len + 2);
		if (!prefix)
			return -ENOMEM;
		memcpy(prefix, p, len);
		prefix[len] = '/';
		prefix[len + 1] = '\0';
		j = lower_bound(ix, prefix);
		free(prefix);
		if (j < ix->n && strncmp(ix->e[j].path, p, len) == 0 && ix->e[j].path[len] == '/')
			return -EEXIST;
	}
	ix->sorted = true;
	return 0;
}

int kv_index_lookup(const struct kv_index *ix, const char *path, struct kv_node *node)
{
	size_t i = lower_bound(ix, path);

	if (i >= ix->n || strcmp(ix->e[i].path, path) != 0)
		return -ENOENT;
	*node = ix->e[i].node;
	return 0;
}

int kv_index_list(const struct kv_index *ix, const char *path, kv_add_fn add, void *arg)
{
	size_t len = strlen(path), plen = len ? len + 1 : 0, i;
	char prefix[FATA_KV_KEY_MAX + 2];

	memcpy(prefix, path, len);
	if (len)
		prefix[len] = '/';
	prefix[plen] = '\0';
	for (i = lower_bound(ix, prefix); i < ix->n; i++) {
		const char *p = ix->e[i].path;
		int r;

		if (strncmp(p, prefix, plen) != 0)
			break;
		if (p[plen] == '\0' || strchr(p + plen, '/'))
			continue;	/* the root itself, or deeper */
		r = add(arg, p + plen, strlen(p + plen), ix->e[i].node.kind);
		if (r < 0)
			return r;
	}
	return 0;
}

void kv_index_free(struct kv_index *ix)
{
	for (size_t i = 0; i < ix->n; i++)
		free(ix->e[i].path);
	free(ix->e);
	memset(ix, 0, sizeof(*ix));
}
