/*
 * Block devices on virtio: virtio-blk over PCI or MMIO, one request at a time, polled.
 * config.ini's block devices are matched to the virtio-blk devices in order: the n-th block
 * entry of the manifest is the n-th virtio-blk device on PCI bus 0 by slot, or on microvm the
 * n-th by virtio-mmio address (the launcher puts them in that order).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mft_abi.h"
#include "platform.h"
#include "platform_virtio.h"
#include "virtio.h"

#define BLK_F_SIZE_MAX (1ull << 1)
#define BLK_F_RO (1ull << 5)
#define BLK_F_BLK_SIZE (1ull << 6)
#define BLK_F_FLUSH (1ull << 9)
#define BLK_T_IN 0
#define BLK_T_OUT 1
#define BLK_T_FLUSH 4
#define CHUNK_MAX (128u * 1024)	/* bytes per request */

struct blk_req_hdr {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
};

struct blk {
	struct virtio_dev *dev;
	struct virtq q;
	uint64_t features;
	uint32_t chunk;
	struct blk_req_hdr hdr;
	volatile uint8_t status;
};

static struct blk *blks[MFT_MAX_ENTRIES];

int plat_block_open(const char *name, const char *path, struct plat_block_info *info,
		    char *why, size_t whylen)
{
	unsigned nth;
	int h = virtio_manifest_find(name, MFT_DEV_BLOCK_BASIC, &nth, why, whylen), r;
	struct virtio_dev *d;
	struct blk *b;
	uint32_t bs = 512;

	(void)path;
	if (h < 0)
		return h;
	d = virtio_find(VIRTIO_TYPE_BLOCK, nth);
	if (!d || d->claimed || !d->device) {
		if (virtio_mmio_legacy_seen())
			snprintf(why, whylen, "%s", VIRTIO_MMIO_LEGACY_HINT);
		else
			snprintf(why, whylen, "%s is block device %u, but the machine has no virtio-blk "
				 "device %u (PCI slot or MMIO address order); add --block:%s=FILE",
				 name, nth + 1, nth + 1, name);
		return -ENODEV;
	}
	b = calloc(1, sizeof(*b));
	if (!b) {
		snprintf(why, whylen, "no memory for %s", name);
		return -ENOMEM;
	}
	b->dev = d;
	r = virtio_negotiate(d, BLK_F_RO | BLK_F_BLK_SIZE | BLK_F_FLUSH | BLK_F_SIZE_MAX,
			     &b->features, why, whylen);
	if (r == 0)
		r = virtio_queue_setup(d, &b->q, 0, 4, why, whylen);
	if (r < 0) {
		free(b);
		return r;
	}
	virtio_driver_ok(d);
	d->claimed = 1;
	if (b->features & BLK_F_BLK_SIZE) {
		bs = *(volatile uint32_t *)(d->device + 20);
		if (bs < 512 || bs > 65536 || (bs & (bs - 1)))
			bs = 512;
	}
	b->chunk = CHUNK_MAX;
	if (b->features & BLK_F_SIZE_MAX) {
		uint32_t m = *(volatile uint32_t *)(d->device + 8);

		if (m >= bs && m < b->chunk)
			b->chunk = m / bs * bs;
	}
	/* Two 32-bit reads: virtio-mmio takes no wider access. */
	info->capacity = ((uint64_t)*(volatile uint32_t *)(d->device + 4) << 32 |
			  *(volatile uint32_t *)(d->device + 0)) * 512;
	info->sector_size = bs;
	info->read_only = !!(b->features & BLK_F_RO);
	blks[h] = b;
	return h;
}

/* One request: header, optional data, status; waits for the device to return it. */
static int request(struct blk *b, uint32_t type, uint64_t offset, void *buf, size_t len)
{
	struct virtq_desc *dd = b->q.desc;
	struct virtq_used_elem e;
	uint16_t n = 0;

	b->hdr = (struct blk_req_hdr){ .type = type, .sector = offset / 512 };
	b->status = 0xff;
	dd[0] = (struct virtq_desc){ (uint64_t)(uintptr_t)&b->hdr, sizeof(b->hdr), VIRTQ_DESC_F_NEXT, 1 };
	n = 1;
	if (len) {
		dd[1] = (struct virtq_desc){ (uint64_t)(uintptr_t)buf, (uint32_t)len,
			VIRTQ_DESC_F_NEXT | (type == BLK_T_IN ? VIRTQ_DESC_F_WRITE : 0), 2 };
		n = 2;
	}
	dd[n] = (struct virtq_desc){ (uint64_t)(uintptr_t)&b->status, 1, VIRTQ_DESC_F_WRITE, 0 };
	if (n == 1)
		dd[0].next = 1;
	virtio_queue_submit(&b->q, 0);
	while (!virtio_queue_used(&b->q, &e))
		__asm__ __volatile__("pause");
	return b->status == 0 ? 0 : -EIO;
}

static int move(int handle, uint32_t type, uint64_t offset, void *buf, size_t len)
{
	struct blk *b = handle >= 0 && handle < MFT_MAX_ENTRIES ? blks[handle] : NULL;

	if (!b)
		return -EBADF;
	for (size_t done = 0, n; done < len; done += n) {
		n = len - done < b->chunk ? len - done : b->chunk;
		if (request(b, type, offset + done, (char *)buf + done, n) < 0)
			return -EIO;
	}
	return 0;
}

int plat_block_read(int handle, uint64_t offset, void *buf, size_t len)
{
	return move(handle, BLK_T_IN, offset, buf, len);
}

int plat_block_write(int handle, uint64_t offset, const void *buf, size_t len)
{
	return move(handle, BLK_T_OUT, offset, (void *)(uintptr_t)buf, len);
}

int plat_block_flush(int handle)
{
	struct blk *b = handle >= 0 && handle < MFT_MAX_ENTRIES ? blks[handle] : NULL;

	if (!b)
		return -EBADF;
	if (!(b->features & BLK_F_FLUSH))
		return 0;	/* no write cache to flush */
	return request(b, BLK_T_FLUSH, 0, NULL, 0);
}

void plat_block_close(int handle)
{
	(void)handle;	/* the device stays set up for the guest's life */
}
