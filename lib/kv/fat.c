/*
 * The fat store: a FAT12, FAT16 or FAT32 file system (Microsoft's "FAT32 File System
 * Specification", 1.03) on a block device, read only. The whole tree is walked once at connect:
 * every directory (long file names, VFAT LFN, included) and every file's cluster chain is checked
 * and indexed, so lookups are a binary search and a corrupt image fails at connect with a clear
 * message. Reading a value follows its chain, reading runs of adjacent clusters at once.
 */
#include <fata/block.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kv_impl.h"

#define DIRENT 32
#define ATTR_VOLUME_ID 0x08
#define ATTR_DIRECTORY 0x10
#define ATTR_LONG_NAME 0x0F
#define MAX_DIR_ENTRIES 65536		/* the specification's limit per directory */

struct fat {
	struct kv_blk blk;
	struct kv_index ix;
	const char *name;
	int type;			/* 12, 16 or 32 */
	uint32_t bytes_per_sector;
	uint32_t cluster_bytes;
	uint64_t fat_offset;		/* byte offset of the FAT in use */
	uint64_t root_offset;		/* FAT12/16: the fixed root directory */
	uint32_t root_entries;		/* FAT12/16 */
	uint32_t root_cluster;		/* FAT32 */
	uint64_t data_offset;		/* byte offset of cluster 2 */
	uint32_t clusters;		/* valid clusters are 2 .. clusters + 1 */
	/* The last position a read reached, so sequential reads do not walk the chain again. */
	uint32_t memo_start, memo_cluster;
	uint64_t memo_index;
};

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

#define fat_error(f, ...) kv_msg(FATA_LOG_ERROR, __VA_ARGS__)

/* Reads the boot sector and derives the layout. Logs and returns -EIO when it is unusable. */
static int read_bpb(struct fat *f)
{
	uint8_t b[512];
	uint32_t bps, spc, rsvd, nfats, rootcnt, totsec, fatsz, rootsecs, first_data;
	uint64_t fat_entries;
	const char *n = f->name;

	if (f->blk.size < sizeof(b) || kv_blk_read(&f->blk, 0, b, sizeof(b)) < 0) {
		fat_error(f, "fat: cannot read the boot sector", n);
		return -EIO;
	}
	if ((b[0] != 0xEB && b[0] != 0xE9) || b[510] != 0x55 || b[511] != 0xAA) {
		fat_error(f, "fat: bad boot sector (no jump instruction or 55 AA signature); "
			  "not a FAT image", n);
		return -EIO;
	}
	bps = le16(b + 11);
	spc = b[13];
	rsvd = le16(b + 14);
	nfats = b[16];
	rootcnt = le16(b + 17);
	totsec = le16(b + 19) ? le16(b + 19) : le32(b + 32);
	fatsz = le16(b + 22) ? le16(b + 22) : le32(b + 36);
	if (bps < 512 || bps > 4096 || (bps & (bps - 1))) {
		fat_error(f, "fat: bad boot sector: %u bytes per sector is not a power of two "
			  "from 512 to 4096", n, bps);
		return -EIO;
	}
	if (spc == 0 || (spc & (spc - 1)) || (uint64_t)spc * bps > 64 * 1024) {
		fat_error(f, "fat: bad boot sector: %u sectors per cluster", n, spc);
		return -EIO;
	}
	if (rsvd == 0 || nfats == 0 || fatsz == 0 || totsec == 0) {
		fat_error(f, "fat: bad boot sector: reserved sectors %u, FATs %u, FAT size %u, "
			  "total sectors %u", n, rsvd, nfats, fatsz, totsec);
		return -EIO;
	}
	rootsecs = (rootcnt * DIRENT + bps - 1) / bps;
	if ((uint64_t)rsvd + (uint64_t)nfats * fatsz + rootsecs >= totsec) {
		fat_error(f, "fat: bad boot sector: no room for data (%u sectors in all)", n, totsec);
		return -EIO;
	}
	first_data = rsvd + nfats * fatsz + rootsecs;
	f->clusters = (totsec - first_data) / spc;
	if ((uint64_t)totsec * bps > f->blk.size) {
		fat_error(f, "fat: the file system is %llu bytes, the device only %llu", n,
			  (unsigned long long)totsec * bps, (unsigned long long)f->blk.size);
		return -EIO;
	}
	f->type = f->clusters < 4085 ? 12 : f->clusters < 65525 ? 16 : 32;
	if (f->clusters == 0) {
		fat_error(f, "fat: bad boot sector: no clusters", n);
		return -EIO;
	}
	f->bytes_per_sector = bps;
	f->cluster_bytes = spc * bps;
	f->fat_offset = (uint64_t)rsvd * bps;
	f->data_offset = (uint64_t)first_data * bps;
	if (f->type == 32) {
		uint16_t ext = le16(b + 40);

		if (rootcnt != 0 || le16(b + 22) != 0) {
			fat_error(f, "fat: bad boot sector: FAT32 with a fixed root directory", n);
			return -EIO;
		}
		/* Mirroring off (bit 7): the active FAT is in bits 0-3. */
		if (ext & 0x80) {
			if ((ext & 0xF) >= nfats) {
				fat_error(f, "fat: bad boot sector: active FAT %u of %u", n,
					  ext & 0xF, nfats);
				return -EIO;
			}
			f->fat_offset += (uint64_t)(ext & 0xF) * fatsz * bps;
		}
		f->root_cluster = le32(b + 44);
		if (f->root_cluster < 2 || f->root_cluster > f->clusters + 1) {
			fat_error(f, "fat: root directory cluster %u is out of range", n,
				  f->root_cluster);
			return -EIO;
		}
	} else {
		f->root_offset = (uint64_t)(rsvd + nfats * fatsz) * bps;
		f->root_entries = rootcnt;
	}
	/* The FAT must have an entry for every cluster. */
	fat_entries = (uint64_t)fatsz * bps * 8 / (uint64_t)f->type;
	if (fat_entries < (uint64_t)f->clusters + 2) {
		fat_error(f, "fat: the FAT (%u sectors) is too small for %u clusters", n, fatsz,
			  f->clusters);
		return -EIO;
	}
	return 0;
}

enum { NEXT_EOC = 0 };

/*
 * The cluster after `c` in its chain in *next, or NEXT_EOC at the end. Logs and returns -EIO for
 * a free, reserved, bad or out-of-range entry.
 */
static int next_cluster(struct fat *f, uint32_t c, uint32_t *next, const char *path)
{
	uint8_t b[4] = { 0 };
	uint32_t v, eoc, bad;
	uint64_t off;
	int r;

	switch (f->type) {
	case 12:
		off = f->fat_offset + c + c / 2;
		r = kv_blk_read(&f->blk, off, b, 2);
		v = le16(b);
		v = c & 1 ? v >> 4 : v & 0xFFF;
		eoc = 0xFF8, bad = 0xFF7;
		break;
	case 16:
		r = kv_blk_read(&f->blk, f->fat_offset + (uint64_t)c * 2, b, 2);
		v = le16(b);
		eoc = 0xFFF8, bad = 0xFFF7;
		break;
	default:
		r = kv_blk_read(&f->blk, f->fat_offset + (uint64_t)c * 4, b, 4);
		v = le32(b) & 0x0FFFFFFF;
		eoc = 0x0FFFFFF8, bad = 0x0FFFFFF7;
		break;
	}
	if (r < 0) {
		fat_error(f, "fat: %s: cannot read the FAT", f->name, path);
		return -EIO;
	}
	if (v >= eoc) {
		*next = NEXT_EOC;
		return 0;
	}
	if (v == bad || v < 2 || v > f->clusters + 1) {
		fat_error(f, "fat: %s: cluster chain goes from %u to %s %u", f->name, path, c,
			  v == bad ? "bad cluster" : v < 2 ? "free cluster" : "out-of-range cluster", v);
		return -EIO;
	}
	*next = v;
	return 0;
}

static bool cluster_ok(const struct fat *f, uint32_t c)
{
	return c >= 2 && c <= f->clusters + 1;
}

static uint64_t cluster_offset(const struct fat *f, uint32_t c)
{
	return f->data_offset + (uint64_t)(c - 2) * f->cluster_bytes;
}

/*
 * Walks the chain from `c` to its end and stores its length in clusters. A loop is found with
 * Brent's algorithm (a "tortoise" parked at powers of two), so every chain is walked in bounded
 * time and memory. Logs and returns -EIO for a loop or a bad entry.
 */
static int chain_length(struct fat *f, uint32_t c, uint64_t *len, const char *path)
{
	uint32_t tortoise = c;
	uint64_t power = 1, lam = 1, n = 1;

	for (;;) {
		uint32_t next;

		if (next_cluster(f, c, &next, path) < 0)
			return -EIO;
		if (next == NEXT_EOC)
			break;
		if (next == tortoise) {
			fat_error(f, "fat: %s: cluster chain loops (cluster %u comes back)", f->name,
				  path, next);
			return -EIO;
		}
		if (power == lam) {
			tortoise = next;
			power *= 2;
			lam = 0;
		}
		lam++;
		c = next;
		n++;
	}
	*len = n;
	return 0;
}

/* Checks that a file's chain from `c` ends, without loops, after the clusters `size` needs. */
static int check_chain(struct fat *f, uint32_t c, uint64_t size, const char *path)
{
	uint64_t need = (size + f->cluster_bytes - 1) / f->cluster_bytes, len;

	if (chain_length(f, c, &len, path) < 0)
		return -EIO;
	if (len < need) {
		fat_error(f, "fat: %s: cluster chain ends after %llu of %llu clusters", f->name,
			  path, (unsigned long long)len, (unsigned long long)need);
		return -EIO;
	}
	return 0;
}

static uint8_t sfn_checksum(const uint8_t *name)
{
	uint8_t sum = 0;

	for (int i = 0; i < 11; i++)
		sum = (uint8_t)(((sum & 1) << 7) + (sum >> 1) + name[i]);
	return sum;
}

/* UTF-8 of `n` UCS-2 units (with surrogate pairs) into out (at least 3 * n + 1). -1 if invalid. */
static int utf16_to_utf8(const uint16_t *u, size_t n, char *out, size_t *outlen)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		uint32_t cp = u[i];

		if (cp >= 0xD800 && cp < 0xDC00) {
			if (i + 1 >= n || u[i + 1] < 0xDC00 || u[i + 1] >= 0xE000)
				return -1;
			cp = 0x10000 + ((cp - 0xD800) << 10) + (u[++i] - 0xDC00);
		} else if (cp >= 0xDC00 && cp < 0xE000) {
			return -1;
		}
		if (cp < 0x80) {
			out[o++] = (char)cp;
		} else if (cp < 0x800) {
			out[o++] = (char)(0xC0 | cp >> 6);
			out[o++] = (char)(0x80 | (cp & 0x3F));
		} else if (cp < 0x10000) {
			out[o++] = (char)(0xE0 | cp >> 12);
			out[o++] = (char)(0x80 | (cp >> 6 & 0x3F));
			out[o++] = (char)(0x80 | (cp & 0x3F));
		} else {
			out[o++] = (char)(0xF0 | cp >> 18);
			out[o++] = (char)(0x80 | (cp >> 12 & 0x3F));
			out[o++] = (char)(0x80 | (cp >> 6 & 0x3F));
			out[o++] = (char)(0x80 | (cp & 0x3F));
		}
	}
	out[o] = '\0';
	*outlen = o;
	return 0;
}

/* A long name being gathered from LFN entries (which come last part first). */
struct lfn {
	uint16_t u[20 * 13];
	int expect;			/* the next ordinal expected, 0: none in progress */
	int parts;
	uint8_t checksum;
};

static void lfn_entry(struct lfn *l, const uint8_t *e)
{
	static const uint8_t at[13] = { 1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30 };
	int ord = e[0] & 0x1F;

	if (e[0] & 0x40) {
		if (ord < 1 || ord > 20) {
			l->expect = 0;
			return;
		}
		l->parts = ord;
		l->checksum = e[13];
		memset(l->u, 0xFF, sizeof(l->u));
	} else if (l->expect == 0 || ord != l->expect || e[13] != l->checksum) {
		l->expect = 0;		/* out of sequence: ignore the orphans */
		return;
	}
	for (int i = 0; i < 13; i++)
		l->u[(ord - 1) * 13 + i] = le16(e + at[i]);
	l->expect = ord - 1;
}

/* The entry's name into `out` (FATA_KV_NAME_MAX + 1). Returns its length, 0 for "." and "..",
 * -1 for a name no key can have. */
static int entry_name(struct lfn *l, const uint8_t *e, char *out)
{
	char buf[20 * 13 * 3 + 1];
	size_t len = 0;

	if (l->parts && l->expect == 0 && sfn_checksum(e) == l->checksum) {
		size_t n = 0;

		while (n < (size_t)l->parts * 13 && l->u[n] != 0)
			n++;
		if (utf16_to_utf8(l->u, n, buf, &len) < 0)
			len = 0;	/* not valid UTF-16: fall back to the short name */
	}
	l->parts = 0;
	l->expect = 0;
	if (len == 0) {
		int b = 8, x = 3;

		if (memcmp(e, ".          ", 11) == 0 || memcmp(e, "..         ", 11) == 0)
			return 0;
		while (b > 0 && e[b - 1] == ' ')
			b--;
		while (x > 0 && e[8 + x - 1] == ' ')
			x--;
		for (int i = 0; i < b; i++) {
			char c = (char)(i == 0 && e[0] == 0x05 ? 0xE5 : e[i]);

			buf[len++] = (e[12] & 0x08) && c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
		}
		if (x)
			buf[len++] = '.';
		for (int i = 0; i < x; i++) {
			char c = (char)e[8 + i];

			buf[len++] = (e[12] & 0x10) && c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
		}
		buf[len] = '\0';
	}
	if (len == 0 || len > FATA_KV_NAME_MAX || memchr(buf, '/', len) || memchr(buf, '\0', len) ||
	    strcmp(buf, ".") == 0 || strcmp(buf, "..") == 0)
		return -1;
	memcpy(out, buf, len + 1);
	return (int)len;
}

static int64_t fat_time(uint16_t date, uint16_t time)
{
	unsigned y = 1980 + (date >> 9), m = date >> 5 & 0xF, d = date & 0x1F;
	unsigned hh = time >> 11, mm = time >> 5 & 0x3F, ss = (time & 0x1F) * 2;

	if (m < 1 || m > 12 || d < 1 || hh > 23 || mm > 59 || ss > 59)
		return 0;
	return kv_days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss;
}

/* A directory still to read. */
struct pending {
	char *path;
	uint32_t cluster;		/* 0: the fixed root of FAT12/16 */
};

struct walk {
	struct pending *q;
	size_t n, cap, head;
	uint32_t *seen;			/* first clusters of the directories read or queued */
	size_t nseen, capseen;
};

static int queue(struct walk *w, const char *path, uint32_t cluster)
{
	char *copy;

	for (size_t i = 0; i < w->nseen; i++) {
		if (w->seen[i] == cluster && cluster)
			return 1;	/* a loop, or two entries for one directory */
	}
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 16;
		struct pending *q = realloc(w->q, cap * sizeof(*q));

		if (!q)
			return -ENOMEM;
		w->q = q;
		w->cap = cap;
	}
	if (w->nseen == w->capseen) {
		size_t cap = w->capseen ? w->capseen * 2 : 16;
		uint32_t *s = realloc(w->seen, cap * sizeof(*s));

		if (!s)
			return -ENOMEM;
		w->seen = s;
		w->capseen = cap;
	}
	copy = strdup(path);
	if (!copy)
		return -ENOMEM;
	w->q[w->n].path = copy;
	w->q[w->n].cluster = cluster;
	w->n++;
	w->seen[w->nseen++] = cluster;
	return 0;
}

/* Handles one 32-byte entry of directory `dir`. Returns 1 at the end marker, 0 or -errno. */
static int dir_entry(struct fat *f, struct walk *w, struct lfn *l, const char *dir,
		     const uint8_t *e)
{
	char name[FATA_KV_NAME_MAX + 1], path[FATA_KV_KEY_MAX + 1];
	struct kv_node node = { 0 };
	uint8_t attr = e[11];
	uint32_t cluster;
	int len;

	if (e[0] == 0x00)
		return 1;
	if (e[0] == 0xE5) {
		l->parts = l->expect = 0;
		return 0;
	}
	if ((attr & 0x3F) == ATTR_LONG_NAME) {
		lfn_entry(l, e);
		return 0;
	}
	if (attr & ATTR_VOLUME_ID) {
		l->parts = l->expect = 0;
		return 0;
	}
	len = entry_name(l, e, name);
	if (len == 0)
		return 0;		/* "." or ".." */
	if (len < 0) {
		fat_error(f, "fat: directory \"%s\" has an entry with an unusable name", f->name,
			  dir);
		return -EIO;
	}
	if (strlen(dir) + 1 + (size_t)len > FATA_KV_KEY_MAX) {
		fat_error(f, "fat: path of %s/%s is too long (or directories loop)", f->name,
			  dir, name);
		return -EIO;
	}
	if (dir[0])
		strcat(strcat(strcpy(path, dir), "/"), name);
	else
		strcpy(path, name);
	cluster = le16(e + 26) | (f->type == 32 ? (uint32_t)le16(e + 20) << 16 : 0);
	node.mtime = fat_time(le16(e + 24), le16(e + 22));
	if (attr & ATTR_DIRECTORY) {
		int r;

		if (!cluster_ok(f, cluster)) {
			fat_error(f, "fat: directory %s points to cluster %u, past the end (valid: "
				  "2 to %u)", f->name, path, cluster, f->clusters + 1);
			return -EIO;
		}
		node.kind = FATA_KV_DICTIONARY;
		r = queue(w, path, cluster);
		if (r < 0)
			return r;
		if (r == 1) {
			fat_error(f, "fat: directory %s is cluster %u again: the directories loop",
				  f->name, path, cluster);
			return -EIO;
		}
	} else {
		node.kind = FATA_KV_VALUE;
		node.size = le32(e + 28);
		node.ref = cluster;
		if (node.size && !cluster_ok(f, cluster)) {
			fat_error(f, "fat: file %s points to cluster %u, past the end (valid: 2 to "
				  "%u)", f->name, path, cluster, f->clusters + 1);
			return -EIO;
		}
		if (node.size && check_chain(f, cluster, node.size, path) < 0)
			return -EIO;
	}
	return kv_index_add(&f->ix, path, &node) < 0 ? -ENOMEM : 0;
}

/* Reads one directory: the fixed root, or a cluster chain. */
static int read_dir(struct fat *f, struct walk *w, const struct pending *d)
{
	uint8_t *buf;
	struct lfn l = { .parts = 0 };
	uint32_t c = d->cluster;
	int r = 0;

	buf = malloc(d->cluster ? f->cluster_bytes : DIRENT);
	if (!buf)
		return -ENOMEM;
	if (!d->cluster) {
		for (uint32_t i = 0; i < f->root_entries && r == 0; i++) {
			if (kv_blk_read(&f->blk, f->root_offset + (uint64_t)i * DIRENT, buf, DIRENT) < 0) {
				fat_error(f, "fat: cannot read the root directory", f->name);
				r = -EIO;
			} else {
				r = dir_entry(f, w, &l, d->path, buf);
			}
		}
		free(buf);
		return r < 0 ? r : 0;
	}
	{
		uint64_t len;

		if (chain_length(f, c, &len, d->path[0] ? d->path : "/") < 0)
			r = -EIO;
		else if (len * (f->cluster_bytes / DIRENT) > MAX_DIR_ENTRIES + f->cluster_bytes / DIRENT) {
			fat_error(f, "fat: directory \"%s\" has more than %u entries", f->name,
				  d->path, MAX_DIR_ENTRIES);
			r = -EIO;
		}
	}
	while (r == 0) {
		if (kv_blk_read(&f->blk, cluster_offset(f, c), buf, f->cluster_bytes) < 0) {
			fat_error(f, "fat: cannot read directory \"%s\"", f->name, d->path);
			r = -EIO;
			break;
		}
		for (uint32_t i = 0; i < f->cluster_bytes && r == 0; i += DIRENT)
			r = dir_entry(f, w, &l, d->path, buf + i);
		if (r != 0)
			break;
		if (next_cluster(f, c, &c, d->path) < 0) {
			r = -EIO;
			break;
		}
		if (c == NEXT_EOC)
			break;
	}
	free(buf);
	return r < 0 ? r : 0;
}

static int walk_tree(struct fat *f)
{
	struct walk w = { 0 };
	int r;

	r = queue(&w, "", f->type == 32 ? f->root_cluster : 0);
	while (r >= 0 && w.head < w.n) {
		r = read_dir(f, &w, &w.q[w.head]);
		w.head++;
	}
	for (size_t i = 0; i < w.n; i++)
		free(w.q[i].path);
	free(w.q);
	free(w.seen);
	if (r < 0)
		return r;
	switch (kv_index_finish(&f->ix, 0)) {
	case 0:
		return 0;
	case -EEXIST:
		fat_error(f, "fat: a path is both a file and a directory", f->name);
		return -EIO;
	default:
		return -ENOMEM;
	}
}

static int fat_lookup(struct fata_kv *kv, const char *path, struct kv_node *node)
{
	return kv_index_lookup(&((struct fat *)kv->impl)->ix, path, node);
}

static int fat_read(struct fata_kv *kv, const char *path, const struct kv_node *node,
		    uint64_t offset, void *buf, size_t len)
{
	struct fat *f = kv->impl;
	uint64_t cb = f->cluster_bytes, index = offset / cb, i = 0;
	uint32_t c = (uint32_t)node->ref;
	uint8_t *out = buf;

	if (f->memo_start == c && f->memo_index <= index) {
		i = f->memo_index;
		c = f->memo_cluster;
	}
	for (; i < index; i++) {
		if (next_cluster(f, c, &c, path) < 0 || c == NEXT_EOC)
			return -EIO;	/* the chain was checked at connect: the device changed */
	}
	while (len > 0) {
		uint64_t within = offset % cb, n = cb - within;
		uint32_t first = c;

		/* Extend over adjacent clusters. */
		while (n < len) {
			uint32_t next;

			if (next_cluster(f, c, &next, path) < 0)
				return -EIO;
			if (next != c + 1) {
				if (next == NEXT_EOC)
					return -EIO;
				break;
			}
			c = next;
			i++;
			n += cb;
		}
		if (n > len)
			n = len;
		if (kv_blk_read(&f->blk, cluster_offset(f, first) + within, out, (size_t)n) < 0) {
			fat_error(f, "fat: cannot read %s", f->name, path);
			return -EIO;
		}
		out += n;
		offset += n;
		len -= (size_t)n;
		if (len > 0) {
			if (next_cluster(f, c, &c, path) < 0 || c == NEXT_EOC)
				return -EIO;
			i++;
		}
	}
	f->memo_start = (uint32_t)node->ref;
	f->memo_cluster = c;
	f->memo_index = i;
	return 0;
}

static int fat_list(struct fata_kv *kv, const char *path, const struct kv_node *node,
		    kv_add_fn add, void *arg)
{
	(void)node;
	return kv_index_list(&((struct fat *)kv->impl)->ix, path, add, arg);
}

static void fat_close(struct fata_kv *kv)
{
	struct fat *f = kv->impl;

	kv_index_free(&f->ix);
	kv_blk_close(&f->blk);
	free(f);
}

static const struct kv_ops fat_ops = {
	.lookup = fat_lookup,
	.read = fat_read,
	.list = fat_list,
	.close = fat_close,
};

struct fata_kv *kv_fat_open(const char *name, const struct kv_dev *dev)
{
	struct fat *f = calloc(1, sizeof(*f));
	struct fata_kv *kv;
	int r;

	if (!f) {
		if (dev->close)
			dev->close(dev->ctx);
		kv_msg(FATA_LOG_ERROR, "out of memory", name);
		return NULL;
	}
	f->name = name;
	r = kv_blk_init(&f->blk, dev);
	if (r == -EINVAL)
		fat_error(f, "fat: unusable block device", name);
	if (r == 0)
		r = read_bpb(f);
	if (r == 0)
		r = walk_tree(f);
	if (r == 0) {
		kv = kv_new(name, &fat_ops, f);
		if (kv)
			return kv;
		r = -ENOMEM;
	}
	if (r == -ENOMEM)
		kv_msg(FATA_LOG_ERROR, "out of memory", name);
	kv_index_free(&f->ix);
	kv_blk_close(&f->blk);
	free(f);
	return NULL;
}

struct fata_kv *fata_kv_fat_connect(const char *name, const char *image)
{
	struct fata_block *b = fata_block_connect(name, image);
	struct kv_dev dev;

	if (!b)
		return NULL;
	kv_dev_from_block(&dev, b);
	return kv_fat_open(name, &dev);
}
