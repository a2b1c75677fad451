/*
 * The direct store (unix only, `kv_ro=direct`): the host folder itself, read at run time through
 * the host's libc. Every key is resolved with realpath(3) and must stay inside the folder: ".."
 * is refused by the key rules, and a symbolic link that leads out of the folder reads as absent.
 * Only regular files (values) and folders (dictionaries) are seen.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kv_impl.h"

struct direct {
	char *root;			/* absolute, symbolic links resolved */
	size_t rootlen;
};

/* The host path of `path` inside the folder (free it), or NULL with -ENOENT/-ENOMEM/-EIO. */
static char *resolve(const struct direct *d, const char *path, int *err)
{
	size_t len = d->rootlen + 1 + strlen(path) + 1;
	char *full = malloc(len), *real;

	if (!full) {
		*err = -ENOMEM;
		return NULL;
	}
	snprintf(full, len, "%s/%s", d->root, path);
	real = realpath(full, NULL);
	free(full);
	if (!real) {
		*err = errno == ENOMEM ? -ENOMEM : errno == EACCES || errno == EIO ? -EIO : -ENOENT;
		return NULL;
	}
	if (strcmp(d->root, "/") != 0 && strcmp(real, d->root) != 0 &&
	    !(strncmp(real, d->root, d->rootlen) == 0 && real[d->rootlen] == '/')) {
		fata_log(&kv_log, FATA_LOG_DEBUG, "direct: %s leads out of %s", path, d->root);
		free(real);
		*err = -ENOENT;
		return NULL;
	}
	return real;
}

static int stat_node(const char *real, struct kv_node *node)
{
	struct stat st;

	if (stat(real, &st) < 0)
		return errno == ENOMEM ? -ENOMEM : -ENOENT;
	if (S_ISDIR(st.st_mode))
		node->kind = FATA_KV_DICTIONARY;
	else if (S_ISREG(st.st_mode))
		node->kind = FATA_KV_VALUE;
	else
		return -ENOENT;
	node->size = node->kind == FATA_KV_VALUE ? (uint64_t)st.st_size : 0;
	node->mtime = st.st_mtime;
	node->ref = 0;
	return 0;
}

static int direct_lookup(struct fata_kv *kv, const char *path, struct kv_node *node)
{
	int err;
	char *real = resolve(kv->impl, path, &err);

	if (!real)
		return err;
	err = stat_node(real, node);
	free(real);
	return err;
}

static int direct_read(struct fata_kv *kv, const char *path, const struct kv_node *node,
		       uint64_t offset, void *buf, size_t len)
{
	int err, fd;
	char *real = resolve(kv->impl, path, &err);

	(void)node;
	if (!real)
		return err;
	fd = open(real, O_RDONLY | O_CLOEXEC);
	free(real);
	if (fd < 0)
		return errno == ENOENT ? -ENOENT : -EIO;
	while (len > 0) {
		ssize_t n = pread(fd, buf, len, (off_t)offset);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			/* Shorter than it was a moment ago: the host changed it. */
			kv_msg(FATA_LOG_ERROR, "direct: cannot read %s", kv->name, path);
			close(fd);
			return -EIO;
		}
		buf = (char *)buf + n;
		offset += (uint64_t)n;
		len -= (size_t)n;
	}
	close(fd);
	return 0;
}

static int direct_list(struct fata_kv *kv, const char *path, const struct kv_node *node,
		       kv_add_fn add, void *arg)
{
	struct direct *d = kv->impl;
	struct dirent *de;
	int err = 0;
	char *real = resolve(d, path, &err);
	DIR *dir;

	(void)node;
	if (!real)
		return err;
	dir = opendir(real);
	free(real);
	if (!dir)
		return errno == ENOTDIR ? -ENOTDIR : -EIO;
	while ((de = readdir(dir)) != NULL && err == 0) {
		size_t n = strlen(de->d_name), clen, plen;
		char *child, *creal;
		struct kv_node cn;
		int cerr;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
		    n > FATA_KV_NAME_MAX || strlen(path) + 1 + n > FATA_KV_KEY_MAX)
			continue;
		/* A member that is not a symbolic link is inside the (resolved) folder: no need
		 * to resolve it. */
		if (de->d_type == DT_REG || de->d_type == DT_DIR) {
			err = add(arg, de->d_name, n, de->d_type == DT_DIR ? FATA_KV_DICTIONARY :
				  FATA_KV_VALUE);
			continue;
		}
		clen = strlen(path) + n + 2;
		child = malloc(clen);
		if (!child) {
			err = -ENOMEM;
			break;
		}
		plen = strlen(path);
		memcpy(child, path, plen);
		if (plen)
			child[plen++] = '/';
		memcpy(child + plen, de->d_name, n + 1);
		creal = resolve(d, child, &cerr);
		free(child);
		/* Members that lead out of the folder, or are neither files nor folders, are not
		 * there, as for a lookup. */
		if (creal && stat_node(creal, &cn) == 0)
			err = add(arg, de->d_name, n, cn.kind);
		free(creal);
	}
	closedir(dir);
	return err;
}

static void direct_close(struct fata_kv *kv)
{
	struct direct *d = kv->impl;

	free(d->root);
	free(d);
}

static const struct kv_ops direct_ops = {
	.lookup = direct_lookup,
	.read = direct_read,
	.list = direct_list,
	.close = direct_close,
};

struct fata_kv *fata_kv_direct_connect(const char *name, const char *dir)
{
	struct direct *d = calloc(1, sizeof(*d));
	struct fata_kv *kv;
	struct stat st;

	if (!d)
		goto oom;
	d->root = realpath(dir, NULL);
	if (!d->root || stat(d->root, &st) < 0 || !S_ISDIR(st.st_mode)) {
		kv_msg(FATA_LOG_ERROR, "direct: cannot open the folder %s: %s", name,
			 dir, d->root ? "not a folder" : strerror(errno));
		free(d->root);
		free(d);
		return NULL;
	}
	d->rootlen = strlen(d->root);
	kv = kv_new(name, &direct_ops, d);
	if (kv)
		return kv;
	free(d->root);
	free(d);
oom:
	kv_msg(FATA_LOG_ERROR, "out of memory", name);
	return NULL;
}
