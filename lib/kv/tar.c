/*
 * The archive store: a ustar archive (POSIX.1-2001 pax, "ustar Interchange Format") on a block
 * device, indexed once at connect. Regular files and directories are read; other members (links,
 * devices, pax and GNU extension headers) are skipped with a warning. Every header is checked
 * (checksum, octal fields, member inside the device) before anything is trusted.
 */
#include <fata/block.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kv_impl.h"

#define TAR_BLOCK 512

struct tar {
	struct kv_blk blk;
	struct kv_index ix;
};

/* Parses an octal field: optional leading spaces, digits, then NULs or spaces to the end. */
static int octal(const uint8_t *f, size_t len, uint64_t *out)
{
	size_t i = 0;
	uint64_t v = 0;
	bool digits = false;

	while (i < len && f[i] == ' ')
		i++;
	for (; i < len && f[i] >= '0' && f[i] <= '7'; i++) {
		if (v > (UINT64_MAX >> 3))
			return -1;
		v = v << 3 | (uint64_t)(f[i] - '0');
		digits = true;
	}
	for (; i < len; i++) {
		if (f[i] != ' ' && f[i] != '\0')
			return -1;
	}
	if (!digits)
		return -1;
	*out = v;
	return 0;
}

static bool all_zero(const uint8_t *h)
{
	for (int i = 0; i < TAR_BLOCK; i++) {
		if (h[i])
			return false;
	}
	return true;
}

static bool checksum_ok(const uint8_t *h)
{
	uint64_t want;
	uint32_t sum = 0;
	int32_t ssum = 0;

	if (octal(h + 148, 8, &want) < 0)
		return false;
	for (int i = 0; i < TAR_BLOCK; i++) {
		uint8_t c = i >= 148 && i < 156 ? ' ' : h[i];

		sum += c;
		ssum += (int8_t)c;	/* some old tars summed signed bytes */
	}
	return want == sum || (int64_t)want == ssum;
}

/*
 * The member's path, normalised into `out` (FATA_KV_KEY_MAX + 1): prefix "/" name, without
 * leading "./" or "/" and trailing "/". Returns 0, 1 for the root itself, -1 for a name that no
 * key can have ("..", empty components, too long).
 */
static int member_path(const uint8_t *h, char *out)
{
	char full[256 + 1];
	size_t nlen = strnlen((const char *)h, 100), plen = 0, len;
	char *s;

	if (memcmp(h + 257, "ustar", 5) == 0)
		plen = strnlen((const char *)h + 345, 155);
	if (plen) {
		memcpy(full, h + 345, plen);
		full[plen++] = '/';
	}
	memcpy(full + plen, h, nlen);
	full[plen + nlen] = '\0';
	s = full;
	for (;;) {
		if (s[0] == '/')
			s++;
		else if (s[0] == '.' && s[1] == '/')
			s += 2;
		else
			break;
	}
	len = strlen(s);
	while (len > 0 && s[len - 1] == '/')
		s[--len] = '\0';
	if (len == 0 || strcmp(s, ".") == 0)
		return 1;
	if (len > FATA_KV_KEY_MAX)
		return -1;
	for (char *comp = s, *p = s;; p++) {
		if (*p == '/' || *p == '\0') {
			size_t n = (size_t)(p - comp);

			if (n == 0 || n > FATA_KV_NAME_MAX || (n == 1 && comp[0] == '.') ||
			    (n == 2 && comp[0] == '.' && comp[1] == '.'))
				return -1;
			if (!*p)
				break;
			comp = p + 1;
		}
	}
	memcpy(out, s, len + 1);
	return 0;
}

/* Reads every header; fills t->ix. Logs the first problem and returns -EIO. */
static int scan(struct tar *t, const char *name)
{
	uint8_t h[TAR_BLOCK];
	uint64_t off = 0, size = t->blk.size;
	int64_t root_mtime = 0;
	char path[FATA_KV_KEY_MAX + 1];

	while (off < size) {
		uint64_t len, mtime, data;
		struct kv_node node = { 0 };
		int r;

		if (size - off < TAR_BLOCK) {
			kv_msg(FATA_LOG_ERROR, "archive: header at %llu is truncated",
				 name, (unsigned long long)off);
			return -EIO;
		}
		if (kv_blk_read(&t->blk, off, h, TAR_BLOCK) < 0) {
			kv_msg(FATA_LOG_ERROR, "archive: cannot read the header at %llu",
				 name, (unsigned long long)off);
			return -EIO;
		}
		if (all_zero(h))
			break;		/* end of archive */
		if (!checksum_ok(h)) {
			kv_msg(FATA_LOG_ERROR, "archive: bad header checksum at %llu; "
				 "not a ustar archive, or a corrupt one", name, (unsigned long long)off);
			return -EIO;
		}
		if (octal(h + 124, 12, &len) < 0 || octal(h + 136, 12, &mtime) < 0) {
			kv_msg(FATA_LOG_ERROR, "archive: member at %llu has a size or "
				 "time that is not octal", name, (unsigned long long)off);
			return -EIO;
		}
		data = off + TAR_BLOCK;
		if (len > size - data) {
			kv_msg(FATA_LOG_ERROR, "archive: member at %llu (%.100s) is "
				 "%llu bytes, past the end of the device (%llu bytes): truncated", name,
				 (unsigned long long)off, (const char *)h, (unsigned long long)len,
				 (unsigned long long)size);
			return -EIO;
		}
		r = member_path(h, path);
		if (r < 0) {
			kv_msg(FATA_LOG_ERROR, "archive: member at %llu has an unusable "
				 "name \"%.100s\" (empty, . or .. components, or too long)", name,
				 (unsigned long long)off, (const char *)h);
			return -EIO;
		}
		node.mtime = mtime > INT64_MAX ? INT64_MAX : (int64_t)mtime;
		switch (h[156]) {
		case '0':
		case '\0':
		case '7':
			if (r == 1) {
				kv_msg(FATA_LOG_ERROR, "archive: member at %llu is a file "
					 "named like the root", name, (unsigned long long)off);
				return -EIO;
			}
			node.kind = FATA_KV_VALUE;
			node.size = len;
			node.ref = data;
			break;
		case '5':
			node.kind = FATA_KV_DICTIONARY;
			if (r == 1)
				root_mtime = node.mtime;
			break;
		default:
			kv_msg(FATA_LOG_WARNING, "archive: skipping member \"%.100s\" of "
				 "type '%c' (only files and directories are read)", name,
				 (const char *)h, h[156] >= 32 && h[156] < 127 ? h[156] : '?');
			node.kind = 0;
			break;
		}
		if (node.kind && r == 0 && kv_index_add(&t->ix, path, &node) < 0)
			return -ENOMEM;
		off = data + (len + TAR_BLOCK - 1) / TAR_BLOCK * TAR_BLOCK;
	}
	switch (kv_index_finish(&t->ix, root_mtime)) {
	case 0:
		return 0;
	case -EEXIST:
		kv_msg(FATA_LOG_ERROR, "archive: a path is both a file and a "
			 "directory", name);
		return -EIO;
	default:
		return -ENOMEM;
	}
}

static int tar_lookup(struct fata_kv *kv, const char *path, struct kv_node *node)
{
	return kv_index_lookup(&((struct tar *)kv->impl)->ix, path, node);
}

static int tar_read(struct fata_kv *kv, const char *path, const struct kv_node *node,
		    uint64_t offset, void *buf, size_t len)
{
	struct tar *t = kv->impl;
	int r = kv_blk_read(&t->blk, node->ref + offset, buf, len);

	if (r < 0) {
		kv_msg(FATA_LOG_ERROR, "archive: cannot read %s: %s", kv->name, path,
			 r == -ENOMEM ? "out of memory" : "device error");
		return r == -ENOMEM ? r : -EIO;
	}
	return 0;
}

static int tar_list(struct fata_kv *kv, const char *path, const struct kv_node *node,
		    kv_add_fn add, void *arg)
{
	(void)node;
	return kv_index_list(&((struct tar *)kv->impl)->ix, path, add, arg);
}

static void tar_close(struct fata_kv *kv)
{
	struct tar *t = kv->impl;

	kv_index_free(&t->ix);
	kv_blk_close(&t->blk);
	free(t);
}

static const struct kv_ops tar_ops = {
	.lookup = tar_lookup,
	.read = tar_read,
	.list = tar_list,
	.close = tar_close,
};

struct fata_kv *kv_archive_open(const char *name, const struct kv_dev *dev)
{
	struct tar *t = calloc(1, sizeof(*t));
	struct fata_kv *kv;
	int r;

	if (!t) {
		if (dev->close)
			dev->close(dev->ctx);
		kv_msg(FATA_LOG_ERROR, "out of memory", name);
		return NULL;
	}
	r = kv_blk_init(&t->blk, dev);
	if (r == 0)
		r = scan(t, name);
	if (r == -EINVAL)
		kv_msg(FATA_LOG_ERROR, "archive: unusable block device", name);
	if (r == 0) {
		kv = kv_new(name, &tar_ops, t);
		if (kv)
			return kv;
		r = -ENOMEM;
	}
	if (r == -ENOMEM)
		kv_msg(FATA_LOG_ERROR, "out of memory", name);
	kv_index_free(&t->ix);
	kv_blk_close(&t->blk);
	free(t);
	return NULL;
}

struct fata_kv *fata_kv_archive_connect(const char *name, const char *image)
{
	struct fata_block *b = fata_block_connect(name, image);
	struct kv_dev dev;

	if (!b)
		return NULL;
	kv_dev_from_block(&dev, b);
	return kv_archive_open(name, &dev);
}
