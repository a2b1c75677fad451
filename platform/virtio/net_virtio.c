/*
 * Network interfaces on virtio: virtio-net over PCI or MMIO, polled. The receive queue keeps a
 * buffer in every descriptor; a frame is copied out and its buffer handed back at once.
 * config.ini's network interfaces are matched to the virtio-net devices in order, as block
 * devices are (block_virtio.c). The MAC address comes from the device, the MTU too when it offers one.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mft_abi.h"
#include "platform.h"
#include "platform_virtio.h"
#include "virtio.h"

#define NET_F_MTU (1ull << 3)
#define NET_F_MAC (1ull << 5)
#define NET_HDR 12		/* struct virtio_net_hdr with num_buffers (VERSION_1) */
#define QUEUE_MAX 128

struct netdev {
	struct virtio_dev *dev;
	struct virtq rx, tx;
	size_t buf_len;		/* bytes per buffer: header + the largest frame */
	uint8_t *rx_bufs, *tx_bufs;
	bool tx_busy[QUEUE_MAX];
	uint16_t tx_next;
	bool pending;		/* a used rx element was taken but not yet read */
	struct virtq_used_elem rx_elem;
};

static struct netdev *nets[MFT_MAX_ENTRIES];

static void rx_desc(struct netdev *n, uint16_t i)
{
	n->rx.desc[i] = (struct virtq_desc){ (uint64_t)(uintptr_t)(n->rx_bufs + i * n->buf_len),
					     (uint32_t)n->buf_len, VIRTQ_DESC_F_WRITE, 0 };
}

int plat_net_open(const char *name, const char *ifname, struct plat_net_info *info, char *why,
		  size_t whylen)
{
	unsigned nth;
	int h = virtio_manifest_find(name, MFT_DEV_NET_BASIC, &nth, why, whylen), r;
	struct virtio_dev *d;
	struct netdev *n;
	uint64_t features;
	uint16_t mtu = 1500;

	(void)ifname;
	if (h < 0)
		return h;
	d = virtio_find(VIRTIO_TYPE_NET, nth);
	if (!d || d->claimed || !d->device) {
		if (virtio_mmio_legacy_seen())
			snprintf(why, whylen, "%s", VIRTIO_MMIO_LEGACY_HINT);
		else
			snprintf(why, whylen, "%s is network interface %u, but the machine has no "
				 "virtio-net device %u (PCI slot or MMIO address order); add "
				 "--net:%s=TAP", name, nth + 1, nth + 1, name);
		return -ENODEV;
	}
	r = virtio_negotiate(d, NET_F_MAC | NET_F_MTU, &features, why, whylen);
	if (r < 0)
		return r;
	if (features & NET_F_MTU) {
		mtu = *(volatile uint16_t *)(d->device + 10);
		if (mtu < 68 || mtu > 9000)
			mtu = 1500;
	}
	n = calloc(1, sizeof(*n));
	if (!n) {
		snprintf(why, whylen, "no memory for %s", name);
		return -ENOMEM;
	}
	n->dev = d;
	n->buf_len = (NET_HDR + 14u + mtu + 4u + 63u) & ~(size_t)63;
	if ((r = virtio_queue_setup(d, &n->rx, 0, QUEUE_MAX, why, whylen)) < 0 ||
	    (r = virtio_queue_setup(d, &n->tx, 1, QUEUE_MAX, why, whylen)) < 0)
		return r;	/* the queues stay allocated: an open that fails ends the unikernel */
	n->rx_bufs = malloc(n->buf_len * n->rx.size);
	n->tx_bufs = malloc(n->buf_len * n->tx.size);
	if (!n->rx_bufs || !n->tx_bufs) {
		snprintf(why, whylen, "no memory for %s's buffers", name);
		return -ENOMEM;
	}
	for (uint16_t i = 0; i < n->rx.size; i++) {
		rx_desc(n, i);
		n->rx.avail[2 + i] = i;
	}
	n->rx.avail_idx = n->rx.size;
	__asm__ __volatile__("" : : : "memory");
	n->rx.avail[1] = n->rx.avail_idx;
	virtio_driver_ok(d);
	virtio_queue_notify(&n->rx);
	d->claimed = 1;
	if (features & NET_F_MAC) {
		for (int i = 0; i < 6; i++)
			info->mac[i] = *(volatile uint8_t *)(d->device + i);
	} else {
		/* A locally administered address from the TSC. */
		uint64_t t = virtio_rdtsc();

		for (int i = 0; i < 6; i++)
			info->mac[i] = (uint8_t)(t >> (8 * i));
		info->mac[0] = (uint8_t)((info->mac[0] & 0xfe) | 0x02);
	}
	info->mtu = mtu;
	nets[h] = n;
	return h;
}

static struct netdev *net_of(int h)
{
	return h >= 0 && h < MFT_MAX_ENTRIES ? nets[h] : NULL;
}

int virtio_net_ready(int h)
{
	struct netdev *n = net_of(h);

	if (!n)
		return 0;
	if (!n->pending)
		n->pending = virtio_queue_used(&n->rx, &n->rx_elem);
	return n->pending;
}

long plat_net_read(int handle, void *buf, size_t len)
{
	struct netdev *n = net_of(handle);
	uint16_t id;
	size_t got;

	if (!n)
		return -EBADF;
	if (!virtio_net_ready(handle))
		return -EAGAIN;
	n->pending = false;
	id = (uint16_t)(n->rx_elem.id & (n->rx.size - 1));
	got = n->rx_elem.len > n->buf_len ? n->buf_len : n->rx_elem.len;
	got = got > NET_HDR ? got - NET_HDR : 0;
	if (got > len)
		got = len;
	memcpy(buf, n->rx_bufs + id * n->buf_len + NET_HDR, got);
	rx_desc(n, id);
	virtio_queue_submit(&n->rx, id);
	return (long)got;
}

int plat_net_write(int handle, const void *buf, size_t len)
{
	struct netdev *n = net_of(handle);
	struct virtq_used_elem e;
	uint16_t i;
	uint8_t *b;

	if (!n)
		return -EBADF;
	if (len > n->buf_len - NET_HDR)
		return -EINVAL;
	while (virtio_queue_used(&n->tx, &e))
		n->tx_busy[e.id & (n->tx.size - 1)] = false;
	i = n->tx_next;
	if (n->tx_busy[i])
		return -EAGAIN;	/* every buffer in flight: the frame is dropped */
	n->tx_next = (uint16_t)((i + 1) & (n->tx.size - 1));
	b = n->tx_bufs + i * n->buf_len;
	memset(b, 0, NET_HDR);
	memcpy(b + NET_HDR, buf, len);
	n->tx.desc[i] = (struct virtq_desc){ (uint64_t)(uintptr_t)b, (uint32_t)(NET_HDR + len), 0, 0 };
	n->tx_busy[i] = true;
	virtio_queue_submit(&n->tx, i);
	return 0;
}
