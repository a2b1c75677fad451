/*
 * The crunch store: a folder that `fata crunch` turned into C data compiled into the unikernel
 * (fata/static_NAME.c). Every lookup walks the tree from the root, with a binary search among
 * each dictionary's members, which the generator wrote in name order.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kv_impl.h"

/* Compares an entry's name with the `len` bytes of `comp`. */
static int name_cmp(const char *name, const char *comp, size_t len)
{
	int c = strncmp(name, comp, len);

	if (c)
		return c;
	return name[len] != '\0';
}

static int crunch_lookup(struct fata_kv *kv, const char *path, struct kv_node *node)
{
	const struct fata_kv_crunch *t = kv->impl;
	uint32_t at = 0;
	const char *s = path;

	while (*s) {
		const struct fata_kv_crunch_entry *d = &t->entries[at];
		const char *end = strchr(s, '/');
		size_t len = end ? (size_t)(end - s) : strlen(s);
		uint32_t lo, hi;

		if (d->kind != FATA_KV_DICTIONARY)
			return -ENOENT;
		lo = d->first;
		hi = d->first + (uint32_t)d->size;
		while (lo < hi) {
			uint32_t mid = lo + (hi - lo) / 2;
			int c = name_cmp(t->entries[mid].name, s, len);

			if (c == 0) {
				lo = mid;
				break;
			}
			if (c < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo >= hi)
			return -ENOENT;
		at = lo;
		s = end ? end + 1 : s + len;
	}
	node->kind = t->entries[at].kind;
	node->size = t->entries[at].size;
	node->mtime = t->entries[at].mtime;
	node->ref = at;
	return 0;
}

static int crunch_read(struct fata_kv *kv, const char *path, const struct kv_node *node,
		       uint64_t offset, void *buf, size_t len)
{
	const struct fata_kv_crunch *t = kv->impl;

	(void)path;
	memcpy(buf, t->entries[node->ref].data + offset, len);
	return 0;
}

static int crunch_list(struct fata_kv *kv, const char *path, const struct kv_node *node,
		       kv_add_fn add, void *arg)
{
	const struct fata_kv_crunch *t = kv->impl;
	const struct fata_kv_crunch_entry *d = &t->entries[node->ref];

	(void)path;
	for (uint32_t i = d->first; i < d->first + d->size; i++) {
		int r = add(arg, t->entries[i].name, strlen(t->entries[i].name), t->entries[i].kind);

		if (r < 0)
			return r;
	}
	return 0;
}

static void crunch_close(struct fata_kv *kv)
{
	(void)kv;
}

static const struct kv_ops crunch_ops = {
	.lookup = crunch_lookup,
	.read = crunch_read,
	.list = crunch_list,
	.close = crunch_close,
};

/* The generator's promises, checked once: a root dictionary, members after their dictionary
 * and inside the table (so no walk can loop or leave it), data for every non-empty value. */
static bool table_ok(const struct fata_kv_crunch *t)
{
	if (!t || !t->entries || t->count == 0 || t->entries[0].kind != FATA_KV_DICTIONARY)
		return false;
	for (uint32_t i = 0; i < t->count; i++) {
		const struct fata_kv_crunch_entry *e = &t->entries[i];

		if (!e->name)
			return false;
		if (e->kind == FATA_KV_DICTIONARY) {
			if (e->size && (e->first <= i || e->first > t->count ||
					e->size > t->count - e->first))
				return false;
		} else if (e->kind != FATA_KV_VALUE || (e->size && !e->data)) {
			return false;
		}
	}
	return true;
}

struct fata_kv *fata_kv_crunch_connect(const char *name, const struct fata_kv_crunch *data)
{
	struct fata_kv *kv;

	if (!table_ok(data)) {
		kv_msg(FATA_LOG_ERROR, "crunch: the generated table is inconsistent; "
			 "run make again", name);
		return NULL;
	}
	kv = kv_new(name, &crunch_ops, (void *)data);
	if (!kv)
		kv_msg(FATA_LOG_ERROR, "out of memory", name);
	return kv;
}
