/* The block device: checks every request, then hands it to the platform. */
#include <fata/block.h>
#include <fata/log.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "platform.h"

FATA_LOG_SOURCE(log_block, "block");

struct fata_block {
	const char *name;
	int handle;
	struct plat_block_info info;
};

struct fata_block *fata_block_connect(const char *name, const char *file)
{
	struct fata_block *b = calloc(1, sizeof(*b));
	char why[160] = "";
	int h;

	if (!b) {
		fata_log(&log_block, FATA_LOG_ERROR, "%s: out of memory", name);
		return NULL;
	}
	h = plat_block_open(name, file, &b->info, why, sizeof(why));
	if (h < 0) {
		fata_log(&log_block, FATA_LOG_ERROR, "cannot connect block device %s: %s", name, why);
		free(b);
		return NULL;
	}
	b->name = name;
	b->handle = h;
	return b;
}

void fata_block_info(struct fata_block *b, struct fata_block_info *info)
{
	info->sectors = b->info.capacity / b->info.sector_size;
	info->sector_size = b->info.sector_size;
	info->read_write = !b->info.read_only;
}

const char *fata_block_name(struct fata_block *b)
{
	return b->name;
}

/* Checks a request and turns it into a byte offset. */
static int check(struct fata_block *b, uint64_t sector, const void *buf, size_t len,
		 uint64_t *offset)
{
	uint64_t sectors = b->info.capacity / b->info.sector_size, count;

	if (!buf || len == 0 || len % b->info.sector_size != 0)
		return -EINVAL;
	count = len / b->info.sector_size;
	if (sector >= sectors || count > sectors - sector)
		return -ERANGE;
	*offset = sector * b->info.sector_size;
	return 0;
}

int fata_block_read(struct fata_block *b, uint64_t sector, void *buf, size_t len)
{
	uint64_t offset;
	int r = check(b, sector, buf, len, &offset);

	return r < 0 ? r : plat_block_read(b->handle, offset, buf, len);
}

int fata_block_write(struct fata_block *b, uint64_t sector, const void *buf, size_t len)
{
	uint64_t offset;
	int r = check(b, sector, buf, len, &offset);

	if (r < 0)
		return r;
	if (b->info.read_only)
		return -EROFS;
	return plat_block_write(b->handle, offset, buf, len);
}

int fata_block_flush(struct fata_block *b)
{
	if (b->info.read_only)
		return -EROFS;
	return plat_block_flush(b->handle);
}

void fata_block_disconnect(struct fata_block *b)
{
	if (b) {
		plat_block_close(b->handle);
		free(b);
	}
}
