/*
 * Every kv_ro implementation on one folder (tests/unit/kv_tree.c: nested folders, a binary file,
 * an empty file and folder, a 1 MiB file, long and mixed-case names) must give the same answers:
 * crunch (compiled in), direct (the folder), archive (ustar), fat (FAT16 and FAT32 images).
 * make builds the folder and the images in build/tests/kv/ before the test runs.
 */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fata/kv.h>
#include <fata/runtime.h>

#include "../../lib/kv/kv_impl.h"
#include "../../lib/crypto/sha256.h"
#include "kv_tree.h"
#include "tap.h"

static struct fata_key no_keys[1];
const struct fata_unikernel fata_unikernel = { .name = "test", .keys = no_keys };

extern const struct fata_kv_crunch fata_static_tree;

static const char *impl;		/* for test names */

static bool is_dir(const char *path)
{
	if (!path[0])
		return true;
	for (int i = 0; kv_tree_dirs[i]; i++) {
		if (strcmp(kv_tree_dirs[i], path) == 0)
			return true;
	}
	return false;
}

/* The members of `dir` ("" for the root), sorted, as "name/" for folders: "a.txt,nested/". */
static void expected_members(const char *dir, char *out, size_t len)
{
	const char *names[64];
	size_t n = 0, dlen = strlen(dir);

	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; pass ? kv_tree_dirs[i] != NULL : kv_tree_files[i].path != NULL; i++) {
			const char *p = pass ? kv_tree_dirs[i] : kv_tree_files[i].path;
			const char *rest;
			bool dup = false;

			if (dlen && (strncmp(p, dir, dlen) != 0 || p[dlen] != '/'))
				continue;
			rest = dlen ? p + dlen + 1 : p;
			if (strchr(rest, '/'))
				continue;
			for (size_t j = 0; j < n; j++)
				dup |= strcmp(names[j], rest) == 0;
			if (!dup)
				names[n++] = rest;
		}
	}
	for (size_t i = 1; i < n; i++) {
		for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
			const char *t = names[j];

			names[j] = names[j - 1];
			names[j - 1] = t;
		}
	}
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		char full[512];

		snprintf(full, sizeof(full), "%s%s%s", dir, dlen ? "/" : "", names[i]);
		snprintf(out + strlen(out), len - strlen(out), "%s%s%s", i ? "," : "", names[i],
			 is_dir(full) ? "/" : "");
	}
}

static void check_values(struct fata_kv *kv)
{
	for (int i = 0; kv_tree_files[i].path; i++) {
		const struct kv_tree_file *f = &kv_tree_files[i];
		uint8_t *want = kv_tree_content(f);
		void *data = NULL;
		size_t len = 0;
		uint64_t size = 0;
		int64_t mtime = 0;
		int r;

		is_int(fata_kv_exists(kv, f->path), FATA_KV_VALUE, "%s: %s is a value", impl, f->path);
		r = fata_kv_get(kv, f->path, &data, &len);
		ok(r == 0 && len == f->size && memcmp(data, want, len) == 0 &&
		   ((char *)data)[len] == '\0', "%s: get %s (%zu bytes)", impl, f->path, f->size);
		ok(fata_kv_size(kv, f->path, &size) == 0 && size == f->size, "%s: size %s", impl,
		   f->path);
		ok(fata_kv_last_modified(kv, f->path, &mtime) == 0 && mtime == KV_TREE_MTIME,
		   "%s: last_modified %s", impl, f->path);
		{
			uint8_t d1[32], d2[32];
			struct crypto_sha256 sha;

			crypto_sha256_init(&sha);
			crypto_sha256_update(&sha, want, f->size);
			crypto_sha256_final(&sha, d2);
			ok(fata_kv_digest(kv, f->path, d1) == 0 && memcmp(d1, d2, 32) == 0,
			   "%s: digest %s", impl, f->path);
		}
		free(data);
		free(want);
	}
}

static void check_partial(struct fata_kv *kv)
{
	const struct kv_tree_file *big = NULL;
	static uint8_t buf[300000];
	static const struct {
		uint64_t off;
		size_t len;
		long want;
	} cases[] = {
		{ 0, 1, 1 }, { 511, 2, 2 }, { 1000, 5000, 5000 }, { 4095, 8193, 8193 },
		{ 123457, 262144, 262144 }, { 1048576 - 10, 100, 10 }, { 1048576, 10, 0 },
		{ 5000000, 10, 0 }, { 700000, 0, 0 },
	};

	for (int i = 0; kv_tree_files[i].path; i++) {
		if (strcmp(kv_tree_files[i].path, "big/one-mib") == 0)
			big = &kv_tree_files[i];
	}
	/* Backwards too, so the FAT reader's memo of the last position must not mislead it. */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
			size_t k = pass ? sizeof(cases) / sizeof(cases[0]) - 1 - c : c;
			long n = fata_kv_get_partial(kv, "big/one-mib", cases[k].off, buf, cases[k].len);
			bool same = n == cases[k].want;

			for (long j = 0; same && j < n; j++)
				same = buf[j] == kv_tree_byte(big, (size_t)(cases[k].off + (uint64_t)j));
			ok(same, "%s: get_partial at %llu, %zu bytes (%s)", impl,
			   (unsigned long long)cases[k].off, cases[k].len, pass ? "backwards" : "forwards");
		}
	}
	is_int(fata_kv_get_partial(kv, "dir", 0, buf, 1), -EISDIR, "%s: get_partial of a dictionary",
	       impl);
	is_int(fata_kv_get_partial(kv, "nothing", 0, buf, 1), -ENOENT, "%s: get_partial of nothing",
	       impl);
}

static void check_dicts(struct fata_kv *kv)
{
	const char *dirs[] = { "", "/", "dir", "dir/nested", "big", "emptydir" };

	for (size_t d = 0; d < sizeof(dirs) / sizeof(dirs[0]); d++) {
		const char *dir = strcmp(dirs[d], "/") == 0 ? "" : dirs[d];
		struct fata_kv_entry *e = NULL;
		size_t n = 0;
		char want[1024], got[1024] = "";
		int r = fata_kv_list(kv, dirs[d], &e, &n);

		expected_members(dir, want, sizeof(want));
		for (size_t i = 0; r == 0 && i < n; i++)
			snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s%s", i ? "," : "",
				 e[i].name, e[i].kind == FATA_KV_DICTIONARY ? "/" : "");
		is_int(r, 0, "%s: list \"%s\"", impl, dirs[d]);
		is_str(got, want, "%s: members of \"%s\"", impl, dirs[d]);
		is_int(fata_kv_exists(kv, dirs[d]), FATA_KV_DICTIONARY, "%s: \"%s\" is a dictionary",
		       impl, dirs[d]);
		free(e);
	}
}

static void check_errors(struct fata_kv *kv)
{
	void *data = (void *)1;
	size_t len = 1;
	uint64_t size;
	struct fata_kv_entry *e;
	size_t n;
	uint8_t digest[32];
	static const char *const bad[] = { "a//b", "..", "dir/..", "dir/../secret", "dir/", ".",
					   "./secret", "//secret" };

	is_int(fata_kv_exists(kv, "nothing"), 0, "%s: absent key", impl);
	is_int(fata_kv_exists(kv, "secret/x"), 0, "%s: below a value is absent", impl);
	is_int(fata_kv_exists(kv, "/secret"), FATA_KV_VALUE, "%s: one leading / is ignored", impl);
	is_int(fata_kv_get(kv, "nothing", &data, &len), -ENOENT, "%s: get absent", impl);
	ok(data == NULL && len == 0, "%s: failed get clears its outputs", impl);
	is_int(fata_kv_get(kv, "dir", &data, &len), -EISDIR, "%s: get a dictionary", impl);
	is_int(fata_kv_size(kv, "dir/nested", &size), -EISDIR, "%s: size of a dictionary", impl);
	is_int(fata_kv_digest(kv, "big", digest), -EISDIR, "%s: digest of a dictionary", impl);
	is_int(fata_kv_list(kv, "secret", &e, &n), -ENOTDIR, "%s: list a value", impl);
	is_int(fata_kv_list(kv, "nothing", &e, &n), -ENOENT, "%s: list absent", impl);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		is_int(fata_kv_exists(kv, bad[i]), -EINVAL, "%s: key \"%s\" is invalid", impl, bad[i]);
	{
		char longkey[FATA_KV_KEY_MAX + 2];

		memset(longkey, 'a', sizeof(longkey) - 1);
		longkey[sizeof(longkey) - 1] = '\0';
		is_int(fata_kv_exists(kv, longkey), -EINVAL, "%s: overlong key", impl);
	}
	is_int(fata_kv_get(kv, NULL, &data, &len), -EINVAL, "%s: NULL key", impl);
	is_int(fata_kv_get(kv, "secret", NULL, &len), -EINVAL, "%s: NULL out", impl);
}

static void check(const char *name, struct fata_kv *kv)
{
	impl = name;
	if (!ok(kv != NULL, "%s: connects", name))
		return;
	is_str(fata_kv_name(kv), "tree", "%s: name", name);
	check_values(kv);
	check_partial(kv);
	check_dicts(kv);
	check_errors(kv);
	fata_kv_disconnect(kv);
}

int main(int argc, char **argv)
{
	char dir[4096], path[4200];
	char *copy = strdup(argv[0]);
	const char *base = dirname(copy);

	(void)argc;
	/* build/tests/kv_same.t and build/tests/san/kv_same.t: the data is in build/tests/kv. */
	snprintf(dir, sizeof(dir), "%s%s/kv", base,
		 strcmp(strrchr(base, '/') ? strrchr(base, '/') + 1 : base, "san") == 0 ? "/.." : "");
	free(copy);

	check("crunch", fata_kv_crunch_connect("tree", &fata_static_tree));
	snprintf(path, sizeof(path), "%s/tree", dir);
	check("direct", fata_kv_direct_connect("tree", path));
	snprintf(path, sizeof(path), "%s/tree.tar", dir);
	check("archive", fata_kv_archive_connect("tree", path));
	snprintf(path, sizeof(path), "%s/tree.img", dir);
	check("fat16", fata_kv_fat_connect("tree", path));
	snprintf(path, sizeof(path), "%s/tree32.img", dir);
	check("fat32", fata_kv_fat_connect("tree", path));

	/* direct: symbolic links inside the folder work, links leading out of it read as absent. */
	{
		char tmpl[] = "/tmp/fata-kv-direct.XXXXXX", p2[4200];
		const char *t = mkdtemp(tmpl);
		struct fata_kv *kv;
		struct fata_kv_entry *e = NULL;
		size_t n = 0;
		FILE *f;

		snprintf(p2, sizeof(p2), "%s/in", t);
		mkdir(p2, 0777);
		snprintf(p2, sizeof(p2), "%s/in/secret", t);
		f = fopen(p2, "w");
		fputs("foo\n", f);
		fclose(f);
		snprintf(p2, sizeof(p2), "%s/outside", t);
		f = fopen(p2, "w");
		fputs("private\n", f);
		fclose(f);
		snprintf(p2, sizeof(p2), "%s/in/alias", t);
		ok(symlink("secret", p2) == 0, "direct: made an inside link");
		snprintf(p2, sizeof(p2), "%s/in/escape", t);
		ok(symlink("../outside", p2) == 0, "direct: made a link leading out");
		snprintf(p2, sizeof(p2), "%s/in/up", t);
		ok(symlink("..", p2) == 0, "direct: made a link to the parent folder");
		snprintf(p2, sizeof(p2), "%s/in", t);
		kv = fata_kv_direct_connect("links", p2);
		is_int(fata_kv_exists(kv, "alias"), FATA_KV_VALUE, "direct: a link inside is followed");
		is_int(fata_kv_exists(kv, "escape"), 0, "direct: a link leading out is absent");
		is_int(fata_kv_exists(kv, "up"), 0, "direct: a link to the parent is absent");
		is_int(fata_kv_exists(kv, "up/outside"), 0, "direct: and so is what is behind it");
		is_int(fata_kv_exists(kv, "../outside"), -EINVAL, "direct: .. is not a key");
		ok(fata_kv_list(kv, "", &e, &n) == 0 && n == 2 && strcmp(e[0].name, "alias") == 0 &&
		   strcmp(e[1].name, "secret") == 0, "direct: listing shows only what is inside");
		free(e);
		fata_kv_disconnect(kv);
		ok(fata_kv_direct_connect("none", "/nonexistent/folder") == NULL,
		   "direct: a missing folder does not connect");
		snprintf(p2, sizeof(p2), "rm -rf '%s'", t);
		ok(system(p2) == 0, "direct: cleaned up");
	}

	/* SHA-256 test vectors of FIPS 180-4's examples. */
	{
		static const uint8_t abc[32] = {
			0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae,
			0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61,
			0xf2, 0x00, 0x15, 0xad,
		};
		static const uint8_t two_blocks[32] = {
			0x24, 0x8d, 0x6a, 0x61, 0xd2, 0x06, 0x38, 0xb8, 0xe5, 0xc0, 0x26, 0x93, 0x0c, 0x3e,
			0x60, 0x39, 0xa3, 0x3c, 0xe4, 0x59, 0x64, 0xff, 0x21, 0x67, 0xf6, 0xec, 0xed, 0xd4,
			0x19, 0xdb, 0x06, 0xc1,
		};
		const char *msg = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
		struct crypto_sha256 s;
		uint8_t d[32];

		crypto_sha256_init(&s);
		crypto_sha256_update(&s, "abc", 3);
		crypto_sha256_final(&s, d);
		ok(memcmp(d, abc, 32) == 0, "SHA-256 of \"abc\"");
		crypto_sha256_init(&s);
		for (const char *p = msg; *p; p++)
			crypto_sha256_update(&s, p, 1);	/* byte by byte: the buffering path */
		crypto_sha256_final(&s, d);
		ok(memcmp(d, two_blocks, 32) == 0, "SHA-256 of the 56-byte message");
	}
	return tap_done();
}
