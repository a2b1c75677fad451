/* Network interfaces: the ops-table device, and its implementation over the platform's tap. */
#include <fata/log.h>
#include <fata/netif.h>
#include <fata/sched.h>

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform.h"

FATA_LOG_SOURCE(log_netif, "netif");

_Static_assert(sizeof(struct fata_vnet_hdr) == FATA_VNET_HDR_LEN, "the legacy virtio-net header");

struct fata_netif {
	const char *name;
	const struct fata_netif_ops *ops;
	void *priv;
	uint8_t mac[FATA_MAC_LEN];
	uint16_t mtu;
	struct fata_netif_stats stats;
	uint8_t *bounce;	/* with offloads: a header and frame for fata_netif_read/write */
};

/* --- the implementation over the platform's network device ------------------------------------ */

struct netif_device {
	int handle;
	struct plat_net_info info;
	struct fata_netif_ops ops;	/* one of device_ops, with the platform's batch */
};

_Static_assert(sizeof(struct fata_netif_frame) == sizeof(struct plat_net_frame) &&
	       offsetof(struct fata_netif_frame, len) == offsetof(struct plat_net_frame, len),
	       "one frame layout for the netif and the platform");

static long device_read(void *priv, void *buf, size_t len)
{
	return plat_net_read(((struct netif_device *)priv)->handle, buf, len);
}

static int device_write(void *priv, const void *buf, size_t len)
{
	return plat_net_write(((struct netif_device *)priv)->handle, buf, len);
}

static long device_read_many(void *priv, struct fata_netif_frame *f, size_t n)
{
	struct netif_device *d = priv;

	return d->info.readv(d->handle, (struct plat_net_frame *)f, n);
}

static int device_write_many(void *priv, const struct fata_netif_frame *f, size_t n)
{
	struct netif_device *d = priv;

	return d->info.writev(d->handle, (const struct plat_net_frame *)f, n);
}

static int device_wait_frame(void *priv, uint64_t deadline)
{
	return fata_wait_io(((struct netif_device *)priv)->handle, FATA_IO_READ, deadline) != 0;
}

static void device_close(void *priv)
{
	/* Solo5 devices and the tap stay open for the unikernel's life; only the memory goes. */
	free(priv);
}


struct fata_netif *fata_netif_connect(const char *name, const char *ifname)
{
	struct plat_net_info info;
	struct netif_device *p = malloc(sizeof(*p));
	struct fata_netif *n;
	char why[160] = "", mac[FATA_MAC_STRLEN];
	int h, batch;

	if (!p) {
		fata_log(&log_netif, FATA_LOG_ERROR, "%s: out of memory", name);
		return NULL;
	}
	memset(&info, 0, sizeof(info));
	h = plat_net_open(name, ifname, &info, why, sizeof(why));
	if (h < 0) {
		fata_log(&log_netif, FATA_LOG_ERROR, "cannot connect network interface %s: %s", name,
			 why[0] ? why : strerror(-h));
		free(p);
		return NULL;
	}
	p->handle = h;
	p->info = info;
	batch = info.batch >= 2 && info.readv && info.writev;
	/* With offloads or not, with batches (of info.batch frames) or not. */
	p->ops = (struct fata_netif_ops){
		.read = device_read, .write = device_write, .wait = device_wait_frame,
		.close = device_close, .vnet = info.vnet ? 1 : 0,
		.read_many = batch ? device_read_many : NULL,
		.write_many = batch ? device_write_many : NULL, .batch = batch ? info.batch : 0,
	};
	n = fata_netif_create(ifname && *ifname ? ifname : name, &p->ops, p, info.mac, info.mtu);
	if (!n) {
		fata_log(&log_netif, FATA_LOG_ERROR, "%s: unusable interface (mtu %u)", name,
			 (unsigned)info.mtu);
		free(p);
		return NULL;
	}
	fata_log(&log_netif, FATA_LOG_INFO, "Plugging into %s with mac %s", n->name,
		 fata_mac_format(n->mac, mac));
	fata_log(&log_netif, FATA_LOG_DEBUG, "%s: mtu %u, handle %d%s%s", n->name, (unsigned)n->mtu,
		 h, info.vnet ? ", offloads (checksums, TSO, GRO)" : "",
		 batch ? ", several frames per exit" : "");
	return n;
}

/* --- the device ------------------------------------------------------------------------------ */

struct fata_netif *fata_netif_create(const char *name, const struct fata_netif_ops *ops,
				     void *priv, const uint8_t mac[FATA_MAC_LEN], uint16_t mtu)
{
	struct fata_netif *n;

	if (!ops || !ops->read || !ops->write || !ops->wait || mtu < 68)
		return NULL;
	n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->name = name ? name : "netif";
	n->ops = ops;
	n->priv = priv;
	memcpy(n->mac, mac, FATA_MAC_LEN);
	n->mtu = mtu;
	return n;
}

void fata_netif_disconnect(struct fata_netif *n)
{
	if (!n)
		return;
	if (n->ops->close)
		n->ops->close(n->priv);
	free(n->bounce);
	free(n);
}

const char *fata_netif_name(const struct fata_netif *n)
{
	return n->name;
}

void fata_netif_mac(const struct fata_netif *n, uint8_t mac[FATA_MAC_LEN])
{
	memcpy(mac, n->mac, FATA_MAC_LEN);
}

uint16_t fata_netif_mtu(const struct fata_netif *n)
{
	return n->mtu;
}

/* The bounce buffer of an interface with offloads; NULL when memory is short. */
static uint8_t *bounce(struct fata_netif *n)
{
	if (!n->bounce)
		n->bounce = malloc(FATA_VNET_HDR_LEN + FATA_VNET_FRAME_MAX);
	return n->bounce;
}

/*
 * Counts what ops->read gave for a `len`-byte buffer: `r` bytes (clamped to `len`: never report
 * more than we hold) or an error. With offloads, less than a header and an Ethernet header is
 * -EBADMSG. Returns what the caller gets.
 */
static long rx_count(struct fata_netif *n, long r, size_t len)
{
	size_t hdr = n->ops->vnet ? FATA_VNET_HDR_LEN : 0;

	if (r >= 0 && (size_t)r > len)
		r = (long)len;
	if (r >= 0 && hdr && r < FATA_VNET_HDR_LEN + FATA_ETHER_HEADER)
		r = -EBADMSG;
	if (r >= 0) {
		n->stats.rx_frames++;
		n->stats.rx_bytes += (uint64_t)r - hdr;
		if (hdr && (size_t)r - hdr > (size_t)n->mtu + FATA_ETHER_HEADER)
			n->stats.rx_big++;
	} else if (r != -EAGAIN) {
		n->stats.rx_errors++;
	}
	return r;
}

/* Whether a plain frame of `len` bytes may go out: 0, -EINVAL when it is shorter than an Ethernet
 * header, -EMSGSIZE when it is longer than the MTU allows. */
static int frame_check(const struct fata_netif *n, size_t len)
{
	if (len < FATA_ETHER_HEADER)
		return -EINVAL;
	return len > (size_t)n->mtu + FATA_ETHER_HEADER ? -EMSGSIZE : 0;
}

/* As frame_check() for what the interface takes: with offloads, after the header, and up to
 * 64 KiB for a TCP segment the host cuts. */
static int tx_check(const struct fata_netif *n, const void *buf, size_t len)
{
	struct fata_vnet_hdr h;
	size_t flen;

	if (!n->ops->vnet)
		return frame_check(n, len);
	if (len < FATA_VNET_HDR_LEN + FATA_ETHER_HEADER)
		return -EINVAL;
	memcpy(&h, buf, sizeof(h));
	flen = len - FATA_VNET_HDR_LEN;
	if (flen > FATA_VNET_FRAME_MAX ||
	    (flen > (size_t)n->mtu + FATA_ETHER_HEADER && h.gso_type != FATA_VNET_GSO_TCPV4))
		return -EMSGSIZE;
	return 0;
}

/* Counts a frame of `len` bytes (with its header, with offloads) sent. */
static void tx_count(struct fata_netif *n, size_t len)
{
	size_t flen = n->ops->vnet ? len - FATA_VNET_HDR_LEN : len;

	n->stats.tx_frames++;
	n->stats.tx_bytes += flen;
	if (n->ops->vnet && flen > (size_t)n->mtu + FATA_ETHER_HEADER)
		n->stats.tx_big++;
}

long fata_netif_read(struct fata_netif *n, void *buf, size_t len)
{
	long r;

	if (n->ops->vnet) {
		uint8_t *b = bounce(n);

		if (!b)
			return -ENOMEM;
		r = fata_netif_read_vnet(n, b, FATA_VNET_HDR_LEN + FATA_VNET_FRAME_MAX);
		if (r < 0)
			return r;
		r -= FATA_VNET_HDR_LEN;
		if ((size_t)r > len)
			r = (long)len;
		memcpy(buf, b + FATA_VNET_HDR_LEN, (size_t)r);
		return r;
	}
	return rx_count(n, n->ops->read(n->priv, buf, len), len);
}

int fata_netif_write(struct fata_netif *n, const void *buf, size_t len)
{
	int r;

	r = frame_check(n, len);
	if (r < 0) {
		n->stats.tx_errors++;
		return r;
	}
	if (n->ops->vnet) {
		uint8_t *b = bounce(n);

		if (!b) {
			n->stats.tx_errors++;
			return -ENOMEM;
		}
		memset(b, 0, FATA_VNET_HDR_LEN);
		memcpy(b + FATA_VNET_HDR_LEN, buf, len);
		return fata_netif_write_vnet(n, b, FATA_VNET_HDR_LEN + len);
	}
	r = n->ops->write(n->priv, buf, len);
	if (r < 0) {
		n->stats.tx_errors++;
		return r;
	}
	tx_count(n, len);
	return 0;
}

int fata_netif_vnet(const struct fata_netif *n)
{
	return n->ops->vnet ? 1 : 0;
}

long fata_netif_read_vnet(struct fata_netif *n, void *buf, size_t len)
{
	if (!n->ops->vnet)
		return -EOPNOTSUPP;
	return rx_count(n, n->ops->read(n->priv, buf, len), len);
}

int fata_netif_write_vnet(struct fata_netif *n, const void *buf, size_t len)
{
	int r;

	if (!n->ops->vnet)
		return -EOPNOTSUPP;
	r = tx_check(n, buf, len);
	if (r == 0)
		r = n->ops->write(n->priv, buf, len);
	if (r < 0) {
		n->stats.tx_errors++;
		return r;
	}
	tx_count(n, len);
	return 0;
}

/* The most frames one call of ops->read_many or ops->write_many is given here. */
#define MANY_MAX 64

unsigned fata_netif_batch(const struct fata_netif *n)
{
	if (!n->ops->read_many || !n->ops->write_many || n->ops->batch < 2)
		return 1;
	return n->ops->batch < MANY_MAX ? n->ops->batch : MANY_MAX;
}

long fata_netif_read_many(struct fata_netif *n, struct fata_netif_frame *f, size_t count)
{
	size_t cap[MANY_MAX], batch = fata_netif_batch(n);
	long got = 0;

	if (count == 0)
		return 0;
	if (batch > 1) {
		if (count > batch)
			count = batch;
		for (size_t i = 0; i < count; i++)
			cap[i] = f[i].len;
		got = n->ops->read_many(n->priv, f, count);
		if (got < 0)
			return rx_count(n, got, 0);
		if ((size_t)got > count)	/* a careless implementation */
			got = (long)count;
		for (long i = 0; i < got; i++) {
			long r = rx_count(n, (long)f[i].len, cap[i]);

			f[i].len = r < 0 ? 0 : (size_t)r;
		}
		return got;
	}
	for (; (size_t)got < count; got++) {
		long r = n->ops->read(n->priv, f[got].data, f[got].len);

		if (r < 0) {
			if (got == 0 || r != -EAGAIN)
				r = rx_count(n, r, 0);
			return got > 0 ? got : r;
		}
		r = rx_count(n, r, f[got].len);
		f[got].len = r < 0 ? 0 : (size_t)r;
	}
	return got;
}

int fata_netif_write_many(struct fata_netif *n, const struct fata_netif_frame *f, size_t count)
{
	struct fata_netif_frame good[MANY_MAX];
	size_t batch = fata_netif_batch(n), i = 0;
	int first = 0;

	while (i < count) {
		size_t k = 0;
		int r;

		for (; i < count && k < batch; i++) {
			r = tx_check(n, f[i].data, f[i].len);
			if (r < 0) {
				n->stats.tx_errors++;
				first = first ? first : r;
				continue;
			}
			good[k++] = f[i];
		}
		if (k == 0)
			continue;
		r = batch > 1 ? n->ops->write_many(n->priv, good, k)
			      : n->ops->write(n->priv, good[0].data, good[0].len);
		for (size_t j = 0; j < k; j++) {
			if (r < 0 && j == 0)
				n->stats.tx_errors++;	/* which one failed is not told */
			else
				tx_count(n, good[j].len);
		}
		if (r < 0)
			first = first ? first : r;
	}
	return first;
}

int fata_netif_wait(struct fata_netif *n, uint64_t deadline)
{
	return n->ops->wait(n->priv, deadline);
}

int fata_netif_interrupt(struct fata_netif *n)
{
	if (!n->ops->interrupt)
		return 0;
	n->ops->interrupt(n->priv);
	return 1;
}

void fata_netif_stats(const struct fata_netif *n, struct fata_netif_stats *out)
{
	*out = n->stats;
}

char *fata_mac_format(const uint8_t mac[FATA_MAC_LEN], char buf[FATA_MAC_STRLEN])
{
	snprintf(buf, FATA_MAC_STRLEN, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
		 mac[3], mac[4], mac[5]);
	return buf;
}
