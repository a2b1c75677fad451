/* The test folder of the kv_ro tests (tests/unit/kv_tree.c). */
#ifndef FATA_TEST_KV_TREE_H
#define FATA_TEST_KV_TREE_H

#include <stddef.h>
#include <stdint.h>

/* Every entry gets this time (make touches the folder). */
#define KV_TREE_MTIME 1700000000

struct kv_tree_file {
	const char *path;
	size_t size;
};

extern const struct kv_tree_file kv_tree_files[];	/* ends with a NULL path */
extern const char *const kv_tree_dirs[];		/* ends with NULL */

uint8_t kv_tree_byte(const struct kv_tree_file *f, size_t i);
/* The file's content (malloc'd; free it). */
void *kv_tree_content(const struct kv_tree_file *f);

#endif
