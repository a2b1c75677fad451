/* Network interfaces: the ops-table device, and its implementation over the platform's tap. */
#include <fata/log.h>
#include <fata/netif.h>
#include <fata/sched.h>

#include <errno.h>
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
};

static long device_read(void *priv, void *buf, size_t len)
{
	return plat_net_read(((struct netif_device *)priv)->handle, buf, len);
}

static int device_write(void *priv, const void *buf, size_t len)
{
	return plat_net_write(((struct netif_device *)priv)->handle, buf, len);
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

static const struct fata_netif_ops device_ops = {
	.read = device_read,
	.write = device_write,
	.wait = device_wait_frame,
	.close = device_close,
};

static const struct fata_netif_ops device_vnet_ops = {
	.read = device_read,
	.write = device_write,
	.wait = device_wait_frame,
	.close = device_close,
	.vnet = 1,
};

struct fata_netif *fata_netif_connect(const char *name, const char *ifname)
{
	struct plat_net_info info;
	struct netif_device *p = malloc(sizeof(*p));
	struct fata_netif *n;
	char why[160] = "", mac[FATA_MAC_STRLEN];
	int h;

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
	n = fata_netif_create(ifname && *ifname ? ifname : name, info.vnet ? &device_vnet_ops
									 : &device_ops,
			      p, info.mac, info.mtu);
	if (!n) {
		fata_log(&log_netif, FATA_LOG_ERROR, "%s: unusable interface (mtu %u)", name,
			 (unsigned)info.mtu);
		free(p);
		return NULL;
	}
	fata_log(&log_netif, FATA_LOG_INFO, "Plugging into %s with mac %s", n->name,
		 fata_mac_format(n->mac, mac));
	fata_log(&log_netif, FATA_LOG_DEBUG, "%s: mtu %u, handle %d%s", n->name, (unsigned)n->mtu, h,
		 info.vnet ? ", offloads (checksums, TSO, GRO)" : "");
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
	r = n->ops->read(n->priv, buf, len);
	if (r >= 0) {
		if ((size_t)r > len)	/* a careless implementation: never report more than we hold */
			r = (long)len;
		n->stats.rx_frames++;
		n->stats.rx_bytes += (uint64_t)r;
	} else if (r != -EAGAIN) {
		n->stats.rx_errors++;
	}
	return r;
}

int fata_netif_write(struct fata_netif *n, const void *buf, size_t len)
{
	int r;

	if (len < FATA_ETHER_HEADER) {
		n->stats.tx_errors++;
		return -EINVAL;
	}
	if (len > (size_t)n->mtu + FATA_ETHER_HEADER) {
		n->stats.tx_errors++;
		return -EMSGSIZE;
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
	n->stats.tx_frames++;
	n->stats.tx_bytes += len;
	return 0;
}

int fata_netif_vnet(const struct fata_netif *n)
{
	return n->ops->vnet ? 1 : 0;
}

long fata_netif_read_vnet(struct fata_netif *n, void *buf, size_t len)
{
	long r;

	if (!n->ops->vnet)
		return -EOPNOTSUPP;
	r = n->ops->read(n->priv, buf, len);
	if (r >= 0 && (size_t)r > len)
		r = (long)len;
	if (r >= 0 && r < FATA_VNET_HDR_LEN + FATA_ETHER_HEADER)
		r = -EBADMSG;
	if (r >= 0) {
		n->stats.rx_frames++;
		n->stats.rx_bytes += (uint64_t)r - FATA_VNET_HDR_LEN;
		if ((size_t)r - FATA_VNET_HDR_LEN > (size_t)n->mtu + FATA_ETHER_HEADER)
			n->stats.rx_big++;
	} else if (r != -EAGAIN) {
		n->stats.rx_errors++;
	}
	return r;
}

int fata_netif_write_vnet(struct fata_netif *n, const void *buf, size_t len)
{
	struct fata_vnet_hdr h;
	size_t flen;
	int r;

	if (!n->ops->vnet)
		return -EOPNOTSUPP;
	if (len < FATA_VNET_HDR_LEN + FATA_ETHER_HEADER) {
		n->stats.tx_errors++;
		return -EINVAL;
	}
	memcpy(&h, buf, sizeof(h));
	flen = len - FATA_VNET_HDR_LEN;
	if (flen > FATA_VNET_FRAME_MAX ||
	    (flen > (size_t)n->mtu + FATA_ETHER_HEADER && h.gso_type != FATA_VNET_GSO_TCPV4)) {
		n->stats.tx_errors++;
		return -EMSGSIZE;
	}
	r = n->ops->write(n->priv, buf, len);
	if (r < 0) {
		n->stats.tx_errors++;
		return r;
	}
	n->stats.tx_frames++;
	n->stats.tx_bytes += flen;
	if (flen > (size_t)n->mtu + FATA_ETHER_HEADER)
		n->stats.tx_big++;
	return 0;
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
