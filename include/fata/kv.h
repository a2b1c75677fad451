/*
 * Read-only key-value stores (config.ini `class = kv_ro`): a tree of dictionaries whose leaves
 * are values (byte strings), as MirageOS's Mirage_kv.RO. `fata configure --kv_ro=IMPL` chooses
 * the implementation; code written against this header does not see which one it runs on:
 *   crunch   the folder compiled into the unikernel as C data (every target);
 *   direct   the host folder itself, read at run time (unix only);
 *   archive  a ustar archive of the folder on a block device;
 *   fat      a FAT12/16/32 image of the folder on a block device.
 *
 * Keys are paths: "secret", "dir/file". One leading "/" is ignored; "" and "/" name the root
 * dictionary. A key MUST NOT contain empty components ("a//b", "a/"), "." or ".." components,
 * components longer than FATA_KV_NAME_MAX bytes, or more than FATA_KV_KEY_MAX bytes in all;
 * such keys give -EINVAL. Names are compared byte for byte (case matters, also on FAT).
 *
 * Every function returns 0 (or a count, where said) on success and a negative errno:
 *   -EINVAL   the key is not valid (above), or an argument is NULL
 *   -ENOENT   nothing has this key (also: a component of its path is a value)
 *   -EISDIR   the key names a dictionary where a value was expected
 *   -ENOTDIR  the key names a value where a dictionary was expected
 *   -ENOMEM   out of memory
 *   -EIO      the backing store failed, or is corrupt in a way seen only now (logged under
 *             the source "kv" with the key and the reason)
 * A store never changes while the unikernel runs (direct: unless the host changes the folder,
 * which gives undefined but memory-safe results).
 */
#ifndef FATA_KV_H
#define FATA_KV_H

#include <stddef.h>
#include <stdint.h>

struct fata_kv;

#define FATA_KV_NAME_MAX 255		/* bytes of one path component */
#define FATA_KV_KEY_MAX 1023		/* bytes of a whole key */
#define FATA_KV_DIGEST_LEN 32		/* SHA-256 */

/* What a key names. */
enum fata_kv_kind {
	FATA_KV_VALUE = 1,
	FATA_KV_DICTIONARY = 2,
};

/*
 * What `key` names: FATA_KV_VALUE or FATA_KV_DICTIONARY, 0 when nothing has this key (absent is
 * not an error here), or a negative errno (-EINVAL, -EIO).
 */
int fata_kv_exists(struct fata_kv *kv, const char *key);

/* The length of the value `key` in bytes, in *size. -EISDIR for a dictionary. */
int fata_kv_size(struct fata_kv *kv, const char *key, uint64_t *size);

/*
 * Reads the whole value `key` into a new buffer: *data (free it with free()) holds *len bytes
 * followed by one NUL byte that *len does not count, so text values can be used as C strings.
 * A value larger than SIZE_MAX - 1 gives -EFBIG. On failure *data is NULL and *len 0.
 */
int fata_kv_get(struct fata_kv *kv, const char *key, void **data, size_t *len);

/*
 * Reads at most `len` bytes of the value `key` starting at byte `offset` into `buf`. Returns the
 * number of bytes read: `len`, fewer at the end of the value, 0 at or past its end; or a
 * negative errno. `buf` may be NULL only when `len` is 0.
 */
long fata_kv_get_partial(struct fata_kv *kv, const char *key, uint64_t offset, void *buf,
			 size_t len);

/* One member of a dictionary. */
struct fata_kv_entry {
	const char *name;		/* one component, no "/" */
	enum fata_kv_kind kind;
};

/*
 * The members of the dictionary `key`, sorted by name (byte order): *entries is one allocation
 * holding the array and the names (free it with free()), *count its length (0 for an empty
 * dictionary, with *entries still freeable). -ENOTDIR for a value.
 */
int fata_kv_list(struct fata_kv *kv, const char *key, struct fata_kv_entry **entries,
		 size_t *count);

/*
 * When `key` was last modified, in seconds since the Unix epoch (UTC), in *secs. direct reports
 * the host file's time; crunch, archive and fat report the time stamped on the entry when the
 * image was built (see docs/architecture.md: the newest file's time, or SOURCE_DATE_EPOCH). A
 * dictionary for which the store records no time (the root of a FAT image) reports 0.
 */
int fata_kv_last_modified(struct fata_kv *kv, const char *key, int64_t *secs);

/*
 * The SHA-256 of the value `key` (FIPS 180-4), computed by reading the whole value: cost is
 * linear in its size. -EISDIR for a dictionary (dictionaries have no digest).
 */
int fata_kv_digest(struct fata_kv *kv, const char *key, uint8_t digest[FATA_KV_DIGEST_LEN]);

/* The device's name as declared in config.ini. */
const char *fata_kv_name(struct fata_kv *kv);

/* Frees the store (and closes its block device, if any). Unikernels rarely need this. */
void fata_kv_disconnect(struct fata_kv *kv);

/* --- for generated code ------------------------------------------------------------------------ */

/*
 * The data `fata crunch` writes (fata/static_NAME.c): every entry of the folder, the root first,
 * then each dictionary's members in name order and, for dictionary i, its members at
 * entries[first .. first + count). Values point into the image's read-only data.
 */
struct fata_kv_crunch_entry {
	const char *name;		/* one component; "" for the root */
	enum fata_kv_kind kind;
	const unsigned char *data;	/* the value (NULL for a dictionary) */
	uint64_t size;			/* bytes of the value; members of a dictionary */
	uint32_t first;			/* dictionary: index of its first member */
	int64_t mtime;			/* seconds since the epoch */
};

struct fata_kv_crunch {
	const struct fata_kv_crunch_entry *entries;
	uint32_t count;
};

/*
 * Connects a store of each implementation. Each logs why (source "kv") and returns NULL when it
 * cannot: out of memory, a missing folder or block device, a corrupt image.
 *   crunch:  `data` is the generated table;
 *   direct:  `dir` is the host folder (unix only; relative to the current folder at run time);
 *   archive, fat: the block device `name` (hvt/spt: the tender's --block:NAME=IMAGE); on unix
 *            `image` is the backing file.
 */
struct fata_kv *fata_kv_crunch_connect(const char *name, const struct fata_kv_crunch *data);
struct fata_kv *fata_kv_direct_connect(const char *name, const char *dir);
struct fata_kv *fata_kv_archive_connect(const char *name, const char *image);
struct fata_kv *fata_kv_fat_connect(const char *name, const char *image);

#endif
