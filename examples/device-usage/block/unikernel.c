/* block_test: the tutorial's block device test, ten checks with a summary at the end. */
#include <stdlib.h>
#include <string.h>

#include "fata/unikernel.h"

FATA_LOG_SOURCE(log_src, "block");

static int started, passed, failed;

static void fill_with_pattern(unsigned char *buf, size_t len, const char *phrase)
{
	size_t n = strlen(phrase);

	for (size_t i = 0; i < len; i++)
		buf[i] = (unsigned char)phrase[i % n];
}

/* Writes `count` sectors of a pattern at `sector`, reads them back and compares. */
static void check_sector_write(struct fata_block *b, uint64_t sector, size_t count)
{
	struct fata_block_info info;
	unsigned char *w, *r;
	size_t len;
	int err;

	started++;
	fata_block_info(b, &info);
	len = count * info.sector_size;
	w = malloc(len);
	r = calloc(1, len);
	if (!w || !r) {
		fata_log(&log_src, FATA_LOG_ERROR, "out of memory for %zu sectors", count);
		failed++;
		goto out;
	}
	fill_with_pattern(w, len, "Hello, World!");
	if ((err = fata_block_write(b, sector, w, len)) < 0) {
		fata_log(&log_src, FATA_LOG_ERROR, "write of %zu sectors at %llu failed: %s", count,
			 (unsigned long long)sector, strerror(-err));
		failed++;
	} else if ((err = fata_block_read(b, sector, r, len)) < 0) {
		fata_log(&log_src, FATA_LOG_ERROR, "read of %zu sectors at %llu failed: %s", count,
			 (unsigned long long)sector, strerror(-err));
		failed++;
	} else if (memcmp(w, r, len) != 0) {
		fata_log(&log_src, FATA_LOG_ERROR, "%zu sectors at %llu read back differently", count,
			 (unsigned long long)sector);
		failed++;
	} else {
		passed++;
	}
out:
	free(w);
	free(r);
}

/* An invalid request must fail. */
static void check_failure(struct fata_block *b, int write, uint64_t sector, size_t count)
{
	struct fata_block_info info;
	unsigned char *buf;
	int err;

	started++;
	fata_block_info(b, &info);
	buf = calloc(count, info.sector_size);
	fata_log(&log_src, FATA_LOG_ERROR, "Expecting error output from the following operation...");
	if (!buf) {
		failed++;
		return;
	}
	err = write ? fata_block_write(b, sector, buf, count * info.sector_size)
		    : fata_block_read(b, sector, buf, count * info.sector_size);
	if (err < 0) {
		fata_log(&log_src, FATA_LOG_DEBUG, "%s of %zu sectors at %llu failed as expected: %s",
			 write ? "write" : "read", count, (unsigned long long)sector, strerror(-err));
		passed++;
	} else {
		fata_log(&log_src, FATA_LOG_ERROR, "%s of %zu sectors at %llu unexpectedly succeeded",
			 write ? "write" : "read", count, (unsigned long long)sector);
		failed++;
	}
	free(buf);
}

int start(struct fata_time *time, struct fata_block *storage)
{
	struct fata_block_info info;
	uint64_t n;

	(void)time;
	fata_block_info(storage, &info);
	n = info.sectors;
	fata_log(&log_src, FATA_LOG_INFO, "sectors = %llu\nread_write=%s\nsector_size=%u\n",
		 (unsigned long long)n, info.read_write ? "true" : "false", info.sector_size);

	check_sector_write(storage, 0, 1);
	check_sector_write(storage, n - 1, 1);
	check_sector_write(storage, 0, 2);
	check_sector_write(storage, n - 2, 2);
	check_sector_write(storage, 0, 12);
	check_sector_write(storage, n - 12, 12);

	check_failure(storage, 1, n, 1);
	check_failure(storage, 1, n - 11, 12);
	check_failure(storage, 0, n, 1);
	check_failure(storage, 0, n - 11, 12);

	fata_log(&log_src, FATA_LOG_INFO, "Test sequence finished\n");
	fata_log(&log_src, FATA_LOG_INFO, "Total tests started: %d\n", started);
	fata_log(&log_src, FATA_LOG_INFO, "Total tests passed:  %d\n", passed);
	fata_log(&log_src, FATA_LOG_INFO, "Total tests failed:  %d\n", failed);
	return failed == 0 && passed == started ? 0 : 1;
}
