/*
 * The archive and fat readers on damaged images: each damage must give a clean failure at
 * connect (a NULL store and a message under the source "kv"), never a crash, a hang or a read
 * outside the image (the sanitizer build checks that). The images are the example's folder
 * (examples/device-usage/kv_ro/t) as ustar and as FAT12, FAT16 and FAT32, built by make.
 */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fata/kv.h>
#include <fata/runtime.h>

#include "../../lib/kv/kv_impl.h"
#include "tap.h"

static struct fata_key no_keys[1];
const struct fata_unikernel fata_unikernel = { .name = "test", .keys = no_keys };

static char dir[4096];

static uint8_t *load(const char *name, size_t *len)
{
	char path[4200];
	FILE *f;
	uint8_t *p;
	long n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (!f || fseek(f, 0, SEEK_END) < 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) < 0) {
		printf("# cannot read %s\n", path);
		exit(1);
	}
	p = malloc((size_t)n);
	if (!p || fread(p, 1, (size_t)n, f) != (size_t)n)
		exit(1);
	fclose(f);
	*len = (size_t)n;
	return p;
}

static struct fata_kv *open_tar(const uint8_t *p, size_t len)
{
	struct kv_dev dev;

	kv_dev_from_memory(&dev, p, len);
	return kv_archive_open("img", &dev);
}

static struct fata_kv *open_fat(const uint8_t *p, size_t len)
{
	struct kv_dev dev;

	kv_dev_from_memory(&dev, p, len);
	return kv_fat_open("img", &dev);
}

/* The store reads "secret" as foo\n. */
static bool reads_secret(struct fata_kv *kv)
{
	void *data;
	size_t len;
	bool good;

	if (!kv || fata_kv_get(kv, "secret", &data, &len) < 0)
		return false;
	good = len == 4 && memcmp(data, "foo\n", 4) == 0;
	free(data);
	return good;
}

/* --- tar ----------------------------------------------------------------------------------------- */

static void put_octal(uint8_t *field, size_t len, uint64_t v)
{
	memset(field, 0, len);
	for (size_t i = len - 1; i-- > 0; v >>= 3)
		field[i] = (uint8_t)('0' + (v & 7));
}

static void fix_checksum(uint8_t *h)
{
	unsigned sum = 0;

	memset(h + 148, ' ', 8);
	for (int i = 0; i < 512; i++)
		sum += h[i];
	put_octal(h + 148, 7, sum);
	h[154] = '\0';
	h[155] = ' ';
}

/* The offset of the header of member `name` ("./secret"). */
static size_t member(const uint8_t *p, size_t len, const char *name)
{
	for (size_t off = 0; off + 512 <= len; off += 512) {
		if (strncmp((const char *)p + off, name, 100) == 0 && memcmp(p + off + 257, "ustar", 5) == 0)
			return off;
	}
	printf("# no member %s\n", name);
	exit(1);
}

static void test_tar(void)
{
	size_t len, h;
	uint8_t *orig = load("small.tar", &len), *p = malloc(len);
	struct fata_kv *kv;

	kv = open_tar(orig, len);
	ok(reads_secret(kv), "tar: the intact image reads");
	fata_kv_disconnect(kv);

	h = member(orig, len, "./secret");
	memcpy(p, orig, len);
	p[h + 1] ^= 1;
	ok(open_tar(p, len) == NULL, "tar: bad header checksum");

	memcpy(p, orig, len);
	memcpy(p + h + 124, "0000000012a", 11);
	fix_checksum(p + h);
	ok(open_tar(p, len) == NULL, "tar: size that is not octal");

	memcpy(p, orig, len);
	memcpy(p + h + 124, "\x80\0\0\0\0\0\0\0\0\0\0\1", 12);	/* GNU base-256 */
	fix_checksum(p + h);
	ok(open_tar(p, len) == NULL, "tar: base-256 size is refused");

	memcpy(p, orig, len);
	put_octal(p + h + 124, 12, (uint64_t)len);
	fix_checksum(p + h);
	ok(open_tar(p, len) == NULL, "tar: size beyond the device");

	memcpy(p, orig, len);
	put_octal(p + h + 124, 12, 077777777777ull);
	fix_checksum(p + h);
	ok(open_tar(p, len) == NULL, "tar: huge size");

	/* A member's data ending exactly at the device's end, one byte before, one byte past. */
	for (int d = -1; d <= 1; d++) {
		memcpy(p, orig, len);
		put_octal(p + h + 124, 12, (uint64_t)(len - (h + 512)) + (uint64_t)d);
		fix_checksum(p + h);
		kv = open_tar(p, len);
		ok(d <= 0 ? kv != NULL : kv == NULL, "tar: data ending %d byte(s) from the device's "
		   "end: %s", d, d <= 0 ? "opens" : "refused");
		if (kv && d <= 0) {
			uint64_t sz = 0;

			ok(fata_kv_size(kv, "secret", &sz) == 0 &&
			   sz == (uint64_t)(len - (h + 512)) + (uint64_t)d,
			   "tar: the member has the size its header says");
		}
		fata_kv_disconnect(kv);
	}

	/* Truncated images (the memory device pads the last sector with zeros). */
	kv = open_tar(orig, h + 1024);
	ok(reads_secret(kv), "tar: cut after secret's first data sector: still reads it");
	fata_kv_disconnect(kv);
	{
		size_t big = member(orig, len, "./decoy.txt");

		kv = open_tar(orig, big + 512);
		ok(kv == NULL, "tar: truncated member (the image ends after its header) is refused");
		fata_kv_disconnect(kv);
	}

	memcpy(p, orig, len);
	memcpy(p + h, "../etc/passwd\0", 14);
	fix_checksum(p + h);
	ok(open_tar(p, len) == NULL, "tar: a .. member is refused");

	memcpy(p, orig, len);
	p[h + 156] = '2';	/* a symbolic link: skipped, not fatal */
	fix_checksum(p + h);
	kv = open_tar(p, len);
	ok(kv && fata_kv_exists(kv, "secret") == 0 && fata_kv_exists(kv, "decoy.txt") == FATA_KV_VALUE,
	   "tar: a link member is skipped");
	fata_kv_disconnect(kv);

	memset(p, 0, len);
	kv = open_tar(p, len);
	ok(kv && fata_kv_exists(kv, "") == FATA_KV_DICTIONARY && fata_kv_exists(kv, "x") == 0,
	   "tar: all zeros is an empty store");
	fata_kv_disconnect(kv);

	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)(i * 2654435761u >> 13);
	ok(open_tar(p, len) == NULL, "tar: noise is refused");
	kv = open_tar(p, 0);
	ok(kv && fata_kv_exists(kv, "secret") == 0, "tar: an empty device is an empty store");
	fata_kv_disconnect(kv);

	/* A member whose path is a value and a directory at once. */
	memcpy(p, orig, len);
	{
		size_t d = member(orig, len, "./subdir/nested.txt");

		memcpy(p + d, "./secret/nested.txt", 20);
		fix_checksum(p + d);
		ok(open_tar(p, len) == NULL, "tar: a path both a file and a directory");
	}
	free(p);
	free(orig);
}

/* --- FAT ----------------------------------------------------------------------------------------- */

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

struct layout {
	int type;
	uint32_t bps, spc, fat, root, data, clusters, root_cluster;
};

static struct layout layout(const uint8_t *b)
{
	struct layout l;
	uint32_t rsvd = le16(b + 14), nfats = b[16], rootcnt = le16(b + 17);
	uint32_t tot = le16(b + 19) ? le16(b + 19) : le32(b + 32);
	uint32_t fatsz = le16(b + 22) ? le16(b + 22) : le32(b + 36);

	l.bps = le16(b + 11);
	l.spc = b[13];
	l.fat = rsvd * l.bps;
	l.root = (rsvd + nfats * fatsz) * l.bps;
	l.data = l.root + (rootcnt * 32 + l.bps - 1) / l.bps * l.bps;
	l.clusters = (tot - l.data / l.bps) / l.spc;
	l.type = l.clusters < 4085 ? 12 : l.clusters < 65525 ? 16 : 32;
	l.root_cluster = le32(b + 44);
	return l;
}

static uint8_t *cluster_at(uint8_t *p, const struct layout *l, uint32_t c)
{
	return p + l->data + (size_t)(c - 2) * l->bps * l->spc;
}

/* The 32-byte entry named `sfn` (11 bytes, space padded) in the root directory. */
static uint8_t *root_entry(uint8_t *p, const struct layout *l, const char *sfn)
{
	uint8_t *d = l->type == 32 ? cluster_at(p, l, l->root_cluster) : p + l->root;

	for (int i = 0; i < 512; i++, d += 32) {
		if (memcmp(d, sfn, 11) == 0)
			return d;
	}
	printf("# no entry %s\n", sfn);
	exit(1);
}

static void set_fat(uint8_t *p, const struct layout *l, uint32_t c, uint32_t v)
{
	uint8_t *e;

	if (l->type == 12) {
		e = p + l->fat + c + c / 2;
		if (c & 1) {
			e[0] = (uint8_t)((e[0] & 0x0F) | (v << 4 & 0xF0));
			e[1] = (uint8_t)(v >> 4);
		} else {
			e[0] = (uint8_t)v;
			e[1] = (uint8_t)((e[1] & 0xF0) | (v >> 8 & 0x0F));
		}
	} else if (l->type == 16) {
		e = p + l->fat + c * 2;
		e[0] = (uint8_t)v;
		e[1] = (uint8_t)(v >> 8);
	} else {
		e = p + l->fat + c * 4;
		e[0] = (uint8_t)v;
		e[1] = (uint8_t)(v >> 8);
		e[2] = (uint8_t)(v >> 16);
		e[3] = (uint8_t)((e[3] & 0xF0) | (v >> 24 & 0x0F));
	}
}

static uint32_t first_cluster(const uint8_t *e, int type)
{
	return le16(e + 26) | (type == 32 ? (uint32_t)le16(e + 20) << 16 : 0);
}

static void set_first_cluster(uint8_t *e, uint32_t c)
{
	e[26] = (uint8_t)c;
	e[27] = (uint8_t)(c >> 8);
	e[20] = (uint8_t)(c >> 16);
	e[21] = (uint8_t)(c >> 24);
}

static void test_fat(const char *image, int want_type)
{
	size_t len;
	uint8_t *orig = load(image, &len), *p = malloc(len), *e;
	struct layout l = layout(orig);
	struct fata_kv *kv;
	uint32_t c;

	is_int(l.type, want_type, "%s: FAT%d", image, want_type);
	kv = open_fat(orig, len);
	ok(reads_secret(kv), "%s: the intact image reads", image);
	ok(kv && fata_kv_exists(kv, "subdir/nested.txt") == FATA_KV_VALUE, "%s: nested file", image);
	fata_kv_disconnect(kv);

#define DAMAGE(what) do { ok(open_fat(p, len) == NULL, "%s: %s", image, what); \
	memcpy(p, orig, len); } while (0)
	memcpy(p, orig, len);
	p[510] = 0;
	DAMAGE("bad boot sector signature");
	p[0] = 0;
	DAMAGE("no jump instruction");
	p[11] = 0xE8, p[12] = 0x03;	/* 1000 */
	DAMAGE("bytes per sector not a power of two");
	p[11] = 0x00, p[12] = 0x01;	/* 256 */
	DAMAGE("bytes per sector below 512");
	p[13] = 3;
	DAMAGE("sectors per cluster not a power of two");
	p[13] = 0;
	DAMAGE("zero sectors per cluster");
	p[16] = 0;
	DAMAGE("no FAT");
	if (le16(p + 19)) {
		p[19] = 0xFF, p[20] = 0xFF;
	} else {
		p[32] = 0xFF, p[33] = 0xFF, p[34] = 0xFF, p[35] = 0x0F;
	}
	DAMAGE("more sectors than the device has");
	if (l.type == 32) {
		p[44] = 0xFF, p[45] = 0xFF, p[46] = 0xFF, p[47] = 0x0F;
		DAMAGE("root cluster out of range");
	}
	{
		/* Total sectors at the first data sector (no room), and one sector later with
		 * two-sector clusters (no whole cluster). */
		uint32_t first = l.data / l.bps;

		p[19] = 0, p[20] = 0;
		p[32] = (uint8_t)first, p[33] = (uint8_t)(first >> 8), p[34] = (uint8_t)(first >> 16);
		p[35] = (uint8_t)(first >> 24);
		DAMAGE("total sectors ending where the data would start");
		first++;
		p[13] = 2;
		p[19] = 0, p[20] = 0;
		p[32] = (uint8_t)first, p[33] = (uint8_t)(first >> 8);
		p[34] = (uint8_t)(first >> 16), p[35] = (uint8_t)(first >> 24);
		DAMAGE("one data sector, less than a cluster");
	}
	if (l.type != 32) {
		p[22] = 1, p[23] = 0;
		DAMAGE("a FAT of one sector, too small for the clusters");
	} else {
		p[17] = 16, p[18] = 0;
		DAMAGE("FAT32 with a fixed root directory");
		/* Mirroring off, active FAT at the number of FATs (one past the last): refused. */
		p[40] = (uint8_t)(0x80 | p[16]), p[41] = 0;
		DAMAGE("active FAT one past the last");
		p[40] = (uint8_t)(0x80 | (p[16] - 1)), p[41] = 0;
		kv = open_fat(p, len);
		ok(reads_secret(kv), "%s: the last FAT as the active one reads", image);
		fata_kv_disconnect(kv);
		memcpy(p, orig, len);
	}

	/* decoy.txt (65 bytes) and the subdirectory: chains and entries. */
	e = root_entry(p, &l, "DECOY   TXT");
	c = first_cluster(e, l.type);
	set_first_cluster(e, l.clusters + 2);
	DAMAGE("file cluster out of range");
	e = root_entry(p, &l, "DECOY   TXT");
	set_first_cluster(e, 0);
	DAMAGE("non-empty file without a cluster");
	e = root_entry(p, &l, "SUBDIR     ");
	set_first_cluster(e, l.clusters + 5);
	DAMAGE("directory entry pointing past the end");
	e = root_entry(p, &l, "SUBDIR     ");
	set_first_cluster(e, l.type == 32 ? l.root_cluster : 0);
	if (l.type == 32)
		DAMAGE("directory that is the root again (a loop)");
	else
		DAMAGE("directory with cluster 0");
	set_fat(p, &l, c, c);
	DAMAGE("cluster chain loop (a cluster pointing to itself)");
	set_fat(p, &l, c, 0);
	DAMAGE("free cluster in a chain");
	set_fat(p, &l, c, l.clusters + 9);
	DAMAGE("FAT entry out of range");
	set_fat(p, &l, c, l.clusters + 2);
	DAMAGE("FAT entry one past the last cluster");
	set_fat(p, &l, c, 1);
	DAMAGE("FAT entry 1 (one below the first data cluster)");
	e = root_entry(p, &l, "DECOY   TXT");
	set_first_cluster(e, 1);
	DAMAGE("file at cluster 1 (one below the first data cluster)");
	{
		/* decoy.txt moved to the last cluster, clusters + 1: still reads. */
		uint32_t last = l.clusters + 1;
		uint32_t eoc = l.type == 12 ? 0xfff : l.type == 16 ? 0xffff : 0x0fffffff;
		void *want = NULL, *got = NULL;
		size_t wn = 0, gn = 0;
		struct fata_kv *kv2 = open_fat(orig, len);

		ok(kv2 && fata_kv_get(kv2, "decoy.txt", &want, &wn) == 0, "%s: decoy.txt reads", image);
		fata_kv_disconnect(kv2);
		memcpy(cluster_at(p, &l, last), cluster_at(p, &l, c), (size_t)l.bps * l.spc);
		set_fat(p, &l, last, eoc);
		set_fat(p, &l, c, 0);
		e = root_entry(p, &l, "DECOY   TXT");
		set_first_cluster(e, last);
		kv2 = open_fat(p, len);
		ok(kv2 && fata_kv_get(kv2, "decoy.txt", &got, &gn) == 0 && gn == wn &&
		   memcmp(got, want, wn) == 0, "%s: a file in the last cluster (%u) reads", image, last);
		fata_kv_disconnect(kv2);
		free(want);
		free(got);
		memcpy(p, orig, len);
	}
	e = root_entry(p, &l, "DECOY   TXT");
	e[28] = 0, e[29] = 0, e[30] = 1, e[31] = 0;	/* 65536 bytes, one cluster */
	DAMAGE("file larger than its chain");
	e = root_entry(p, &l, "SUBDIR     ");
	{
		uint32_t s = first_cluster(e, l.type);
		uint8_t *sub = cluster_at(p, &l, s);

		/* In the subdirectory: "." ".." then entries; point a file at a loop of two. */
		for (int i = 2; i < 16; i++) {
			uint8_t *f = sub + i * 32;

			if (f[0] && f[0] != 0xE5 && (f[11] & 0x3F) != 0x0F && !(f[11] & 0x10)) {
				uint32_t fc = first_cluster(f, l.type);

				f[28] = 0, f[29] = 4, f[30] = 0, f[31] = 0;	/* 1024 bytes */
				set_fat(p, &l, fc, c);
				set_fat(p, &l, c, fc);
				break;
			}
		}
		DAMAGE("two-cluster loop in a nested file's chain");
		sub = cluster_at(p, &l, s);
		set_fat(p, &l, s, s);
		DAMAGE("directory cluster chain loop");
	}
	/* Orphaned long-name parts are ignored: the short name is used. */
	{
		uint8_t *d = l.type == 32 ? cluster_at(p, &l, l.root_cluster) : p + l.root;

		for (int i = 0; i < 64; i++, d += 32) {
			if ((d[11] & 0x3F) == 0x0F)
				d[13] ^= 0xFF;		/* the checksum no longer matches */
		}
		kv = open_fat(p, len);
		ok(kv != NULL, "%s: long names with bad checksums fall back to short names", image);
		fata_kv_disconnect(kv);
		memcpy(p, orig, len);
	}
	ok(open_fat(p, 1024) == NULL, "%s: image cut after two sectors", image);
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)(i * 2654435761u >> 11);
	ok(open_fat(p, len) == NULL, "%s: noise is refused", image);
	ok(open_fat(p, 0) == NULL, "%s: an empty device is refused", image);
	free(p);
	free(orig);
}

int main(int argc, char **argv)
{
	char *copy = strdup(argv[0]);
	const char *base = dirname(copy);

	(void)argc;
	snprintf(dir, sizeof(dir), "%s%s/kv", base,
		 strcmp(strrchr(base, '/') ? strrchr(base, '/') + 1 : base, "san") == 0 ? "/.." : "");
	free(copy);
	test_tar();
	test_fat("small12.img", 12);
	test_fat("small16.img", 16);
	test_fat("small32.img", 32);
	return tap_done();
}
