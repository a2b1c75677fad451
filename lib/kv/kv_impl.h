/*
 * Inside the key-value stores: the operations each implementation provides, the sorted index the
 * image readers share, the sector cache over a block device, and SHA-256. lib/kv/kv.c checks
 * keys and arguments once, so implementations see only valid, normalised paths.
 */
#ifndef FATA_KV_IMPL_H
#define FATA_KV_IMPL_H

#include <fata/kv.h>
#include <fata/log.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct fata_block;

/* The log source every store logs under. */
extern struct fata_log_src kv_log;

/*
 * Logs a message about device `name` on the [kv] source: "NAME: ..." first, except for a device
 * named kv, whose name the source already shows (no "[kv] kv: ...").
 */
#define kv_msg(level, fmt, name, ...) \
	fata_log(&kv_log, (level), "%s%s" fmt, strcmp((name), "kv") ? (name) : "", \
		 strcmp((name), "kv") ? ": " : "", ##__VA_ARGS__)

/* What a lookup found. */
struct kv_node {
	enum fata_kv_kind kind;
	uint64_t size;			/* value: bytes */
	int64_t mtime;
	uint64_t ref;			/* the implementation's: data offset, first cluster, index */
};

/* Called by list for each member; returns 0 to go on, a negative errno to stop. */
typedef int (*kv_add_fn)(void *arg, const char *name, size_t namelen, enum fata_kv_kind kind);

/*
 * An implementation. `path` is normalised: "" for the root, else components joined by "/", each
 * non-empty and neither "." nor "..".
 */
struct kv_ops {
	/* Fills `node`; -ENOENT when absent. */
	int (*lookup)(struct fata_kv *kv, const char *path, struct kv_node *node);
	/* Reads exactly `len` bytes at `offset` of a value; offset + len <= node->size, len > 0. */
	int (*read)(struct fata_kv *kv, const char *path, const struct kv_node *node, uint64_t offset,
		    void *buf, size_t len);
	/* Calls `add` for each member of the dictionary `node`, in any order. */
	int (*list)(struct fata_kv *kv, const char *path, const struct kv_node *node, kv_add_fn add,
		    void *arg);
	/* Frees the implementation's state (not the struct fata_kv itself). */
	void (*close)(struct fata_kv *kv);
};

struct fata_kv {
	const char *name;
	const struct kv_ops *ops;
	void *impl;
};

/* A new store of `ops` owning `impl`; NULL when out of memory (`impl` is then the caller's). */
struct fata_kv *kv_new(const char *name, const struct kv_ops *ops, void *impl);

/* --- sorted index: every path of an image, for readers that scan it once at connect ----------- */

struct kv_index_entry {
	char *path;			/* normalised, "" for the root */
	struct kv_node node;
	size_t seq;			/* while building: order added (0: a made-up parent) */
};

struct kv_index {
	struct kv_index_entry *e;
	size_t n, cap;
	bool sorted;
};

/* Adds an entry (`path` normalised); a later entry with the same path replaces an earlier one,
 * as a later tar member does. Returns 0 or -ENOMEM. */
int kv_index_add(struct kv_index *ix, const char *path, const struct kv_node *node);

/*
 * Sorts the index and adds the dictionaries on every path that the image does not list (mtime
 * 0; the root gets `root_mtime`). Returns 0, -ENOMEM, or -EEXIST when a value has members (a
 * path is both a value and a dictionary).
 */
int kv_index_finish(struct kv_index *ix, int64_t root_mtime);

int kv_index_lookup(const struct kv_index *ix, const char *path, struct kv_node *node);
int kv_index_list(const struct kv_index *ix, const char *path, kv_add_fn add, void *arg);
void kv_index_free(struct kv_index *ix);

/* --- block devices: a byte-addressed view with a small sector cache ----------------------------- */

/* Reads whole sectors, as fata_block_read(); tests and the fuzzers give memory-backed ones. */
struct kv_dev {
	int (*read)(void *ctx, uint64_t sector, void *buf, size_t len);
	void (*close)(void *ctx);	/* NULL: nothing to close */
	void *ctx;
	uint64_t sectors;
	uint32_t sector_size;		/* a power of two, >= 512 */
};

#define KV_CACHE_SLOTS 16
#define KV_CACHE_CHUNK 4096		/* bytes per slot, or one sector when sectors are larger */

struct kv_blk {
	struct kv_dev dev;
	uint64_t size;			/* bytes */
	uint32_t chunk;
	uint8_t *slot[KV_CACHE_SLOTS];
	uint64_t tag[KV_CACHE_SLOTS];	/* chunk number + 1; 0: empty */
	uint64_t used[KV_CACHE_SLOTS];	/* last use, for LRU */
	uint64_t clock;
};

/* Takes ownership of `dev` (closed by kv_blk_close(), also on failure). 0 or -ENOMEM/-EINVAL. */
int kv_blk_init(struct kv_blk *c, const struct kv_dev *dev);
/* Reads [offset, offset + len) of the device; -ERANGE past its end, -EIO on a device error. */
int kv_blk_read(struct kv_blk *c, uint64_t offset, void *buf, size_t len);
void kv_blk_close(struct kv_blk *c);

/* A kv_dev over a connected block device (closed with it). */
void kv_dev_from_block(struct kv_dev *dev, struct fata_block *b);

/* A kv_dev over `len` bytes of memory (not copied; the tail is read as zeros up to a whole
 * 512-byte sector). For tests and fuzzing. */
void kv_dev_from_memory(struct kv_dev *dev, const void *data, size_t len);

/* The image readers over any kv_dev (they own it from then on, also on failure). */
struct fata_kv *kv_archive_open(const char *name, const struct kv_dev *dev);
struct fata_kv *kv_fat_open(const char *name, const struct kv_dev *dev);


/* Days since 1970-01-01 of a proleptic Gregorian date (month 1-12). */
int64_t kv_days_from_civil(int64_t y, unsigned m, unsigned d);

#endif
