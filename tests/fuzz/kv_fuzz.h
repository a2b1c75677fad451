/* What the kv fuzz harnesses share: walking a store through its whole public interface. */
#ifndef FATA_TEST_KV_FUZZ_H
#define FATA_TEST_KV_FUZZ_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fata/kv.h>
#include <fata/log.h>

#include "../../lib/kv/kv_impl.h"

static inline void kv_fuzz_quiet(void)
{
	static int done;

	if (!done++)
		fata_log_set_spec("quiet");
}

/* Lists `dir`, then reads (whole, in part, digested) each value and walks each dictionary. */
static inline void kv_fuzz_dir(struct fata_kv *kv, const char *dir, int depth)
{
	struct fata_kv_entry *e;
	size_t n;

	if (depth > 16 || fata_kv_list(kv, dir, &e, &n) < 0)
		return;
	for (size_t i = 0; i < n && i < 256; i++) {
		char path[FATA_KV_KEY_MAX + 1];
		uint8_t digest[FATA_KV_DIGEST_LEN], buf[64];
		uint64_t size;
		int64_t mtime;

		if ((size_t)snprintf(path, sizeof(path), "%s%s%s", dir, dir[0] ? "/" : "", e[i].name) >=
		    sizeof(path))
			continue;
		fata_kv_last_modified(kv, path, &mtime);
		if (e[i].kind == FATA_KV_DICTIONARY) {
			kv_fuzz_dir(kv, path, depth + 1);
			continue;
		}
		if (fata_kv_size(kv, path, &size) == 0 && size <= 1024 * 1024) {
			void *data;
			size_t len;

			if (fata_kv_get(kv, path, &data, &len) == 0)
				free(data);
			fata_kv_digest(kv, path, digest);
		}
		fata_kv_get_partial(kv, path, 1000, buf, sizeof(buf));
	}
	free(e);
}

static inline void kv_fuzz_walk(struct fata_kv *kv)
{
	if (!kv)
		return;
	kv_fuzz_dir(kv, "", 0);
	fata_kv_exists(kv, "secret");
	fata_kv_exists(kv, "a/b/c");
	fata_kv_disconnect(kv);
}

#endif
