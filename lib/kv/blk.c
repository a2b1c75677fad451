/*
 * A byte-addressed view of a block device for the image readers: whole-sector reads only, a small
 * LRU cache of 4 KiB chunks for headers, FAT sectors and directories, and direct transfers into
 * the caller's buffer for the sector-aligned middle of large reads.
 */
#include <fata/block.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kv_impl.h"

int kv_blk_init(struct kv_blk *c, const struct kv_dev *dev)
{
	memset(c, 0, sizeof(*c));
	c->dev = *dev;
	if (dev->sector_size < 512 || (dev->sector_size & (dev->sector_size - 1)) ||
	    dev->sectors > UINT64_MAX / dev->sector_size)
		return -EINVAL;
	c->size = dev->sectors * dev->sector_size;
	c->chunk = dev->sector_size > KV_CACHE_CHUNK ? dev->sector_size : KV_CACHE_CHUNK;
	return 0;
}

void kv_blk_close(struct kv_blk *c)
{
	for (int i = 0; i < KV_CACHE_SLOTS; i++)
		free(c->slot[i]);
	if (c->dev.close)
		c->dev.close(c->dev.ctx);
	memset(c, 0, sizeof(*c));
}

/* The cached chunk `k`, read on a miss into the least recently used slot. */
static int chunk(struct kv_blk *c, uint64_t k, const uint8_t **data, size_t *len)
{
	uint64_t start = k * c->chunk;
	size_t n = c->size - start < c->chunk ? (size_t)(c->size - start) : c->chunk;
	int victim = 0, r;

	c->clock++;
	for (int i = 0; i < KV_CACHE_SLOTS; i++) {
		if (c->tag[i] == k + 1) {
			c->used[i] = c->clock;
			*data = c->slot[i];
			*len = n;
			return 0;
		}
		if (c->used[i] < c->used[victim])
			victim = i;
	}
	if (!c->slot[victim]) {
		c->slot[victim] = malloc(c->chunk);
		if (!c->slot[victim])
			return -ENOMEM;
	}
	c->tag[victim] = 0;
	/* The device size is whole sectors and a chunk is whole sectors: n is too. */
	r = c->dev.read(c->dev.ctx, start / c->dev.sector_size, c->slot[victim], n);
	if (r < 0)
		return -EIO;
	c->tag[victim] = k + 1;
	c->used[victim] = c->clock;
	*data = c->slot[victim];
	*len = n;
	return 0;
}

int kv_blk_read(struct kv_blk *c, uint64_t offset, void *buf, size_t len)
{
	uint8_t *out = buf;

	if (offset > c->size || len > c->size - offset)
		return -ERANGE;
	while (len > 0) {
		uint32_t ss = c->dev.sector_size;

		if (offset % ss == 0 && len >= c->chunk) {
			/* Whole sectors straight into the caller's buffer. */
			size_t n = len - len % ss;

			if (c->dev.read(c->dev.ctx, offset / ss, out, n) < 0)
				return -EIO;
			out += n;
			offset += n;
			len -= n;
		} else {
			const uint8_t *data;
			size_t clen, within = (size_t)(offset % c->chunk), n;
			int r = chunk(c, offset / c->chunk, &data, &clen);

			if (r < 0)
				return r;
			if (within >= clen)
				return -ERANGE;
			n = clen - within < len ? clen - within : len;
			memcpy(out, data + within, n);
			out += n;
			offset += n;
			len -= n;
		}
	}
	return 0;
}

static int block_read(void *ctx, uint64_t sector, void *buf, size_t len)
{
	return fata_block_read(ctx, sector, buf, len);
}

static void block_close(void *ctx)
{
	fata_block_disconnect(ctx);
}

void kv_dev_from_block(struct kv_dev *dev, struct fata_block *b)
{
	struct fata_block_info info;

	fata_block_info(b, &info);
	*dev = (struct kv_dev){
		.read = block_read,
		.close = block_close,
		.ctx = b,
		.sectors = info.sectors,
		.sector_size = info.sector_size,
	};
}

struct memdev {
	const uint8_t *data;
	size_t len;
};

static int mem_read(void *ctx, uint64_t sector, void *buf, size_t len)
{
	struct memdev *m = ctx;
	uint64_t off = sector * 512;
	size_t n = 0;

	if (off < m->len) {
		n = m->len - off < len ? (size_t)(m->len - off) : len;
		memcpy(buf, m->data + off, n);
	}
	memset((uint8_t *)buf + n, 0, len - n);
	return 0;
}

static void mem_close(void *ctx)
{
	free(ctx);
}

void kv_dev_from_memory(struct kv_dev *dev, const void *data, size_t len)
{
	struct memdev *m = malloc(sizeof(*m));

	*dev = (struct kv_dev){ .sector_size = 512 };
	if (!m)
		return;		/* read is NULL: kv_blk users see a device of 0 sectors */
	m->data = data;
	m->len = len;
	dev->read = mem_read;
	dev->close = mem_close;
	dev->ctx = m;
	dev->sectors = (len + 511) / 512;
}
