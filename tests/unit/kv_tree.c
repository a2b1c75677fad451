/*
 * The folder every kv_ro implementation is tested on (tests/unit/kv_same.c): its files and their
 * contents, defined once here. Built with -DKV_TREE_MAIN it is the tool make runs to write the
 * folder (build/tests/kv/mktree DIR); otherwise it gives the tests the expected answers.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kv_tree.h"

#define MIB (1024 * 1024)

const struct kv_tree_file kv_tree_files[] = {
	{ "secret", 4 },
	{ "empty", 0 },
	{ "binary.bin", 768 },
	{ "UPPER.TXT", 6 },
	{ "lower.txt", 6 },
	{ "MiXeD Case.Txt", 6 },
	{ "dir/a.txt", 2 },
	{ "dir/Long File Name With Spaces and more than 13 characters.txt", 4 },
	{ "dir/nested/deep.txt", 5 },
	{ "big/one-mib", MIB },
	{ "big/odd-size", 3 * 512 + 17 },
	{ NULL, 0 },
};

const char *const kv_tree_dirs[] = { "dir", "dir/nested", "big", "emptydir", NULL };

/* Byte `i` of file `f`. */
uint8_t kv_tree_byte(const struct kv_tree_file *f, size_t i)
{
	if (strcmp(f->path, "secret") == 0)
		return (uint8_t)"foo\n"[i];
	if (strcmp(f->path, "binary.bin") == 0)
		return (uint8_t)(i % 256);
	if (strcmp(f->path, "UPPER.TXT") == 0 || strcmp(f->path, "lower.txt") == 0 ||
	    strcmp(f->path, "MiXeD Case.Txt") == 0)
		return (uint8_t)"case!\n"[i];
	if (strcmp(f->path, "dir/a.txt") == 0)
		return (uint8_t)"a\n"[i];
	if (strncmp(f->path, "dir/Long", 8) == 0)
		return (uint8_t)"lfn\n"[i];
	if (strcmp(f->path, "dir/nested/deep.txt") == 0)
		return (uint8_t)"deep\n"[i];
	/* Big ones: a pattern that differs in every 512-byte sector and cluster. */
	return (uint8_t)(i ^ (i >> 8) ^ (i >> 16) ^ 0x5A);
}

void *kv_tree_content(const struct kv_tree_file *f)
{
	uint8_t *p = malloc(f->size ? f->size : 1);

	for (size_t i = 0; p && i < f->size; i++)
		p[i] = kv_tree_byte(f, i);
	return p;
}

#ifdef KV_TREE_MAIN
int main(int argc, char **argv)
{
	char path[4096];

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	if (mkdir(argv[1], 0777) < 0 && errno != EEXIST)
		return perror(argv[1]), 1;
	for (int i = 0; kv_tree_dirs[i]; i++) {
		snprintf(path, sizeof(path), "%s/%s", argv[1], kv_tree_dirs[i]);
		if (mkdir(path, 0777) < 0 && errno != EEXIST)
			return perror(path), 1;
	}
	for (int i = 0; kv_tree_files[i].path; i++) {
		const struct kv_tree_file *f = &kv_tree_files[i];
		void *data = kv_tree_content(f);
		FILE *out;

		snprintf(path, sizeof(path), "%s/%s", argv[1], f->path);
		out = fopen(path, "wb");
		if (!out || !data || fwrite(data, 1, f->size, out) != f->size || fclose(out) != 0)
			return perror(path), 1;
		free(data);
	}
	return 0;
}
#endif
