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

struct fata_netif {
	const char *name;
	const struct fata_netif_ops *ops;
	void *priv;
	uint8_t mac[FATA_MAC_LEN];
	uint16_t mtu;
	struct fata_netif_stats stats;
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
	n = fata_netif_create(ifname && *ifname ? ifname : name, &device_ops, p, info.mac, info.mtu);
	if (!n) {
		fata_log(&log_netif, FATA_LOG_ERROR, "%s: unusable interface (mtu %u)", name,
			 (unsigned)info.mtu);
		free(p);
		return NULL;
	}
	fata_log(&log_netif, FATA_LOG_INFO, "Plugging into %s with mac %s", n->name,
		 fata_mac_format(n->mac, mac));
	fata_log(&log_netif, FATA_LOG_DEBUG, "%s: mtu %u, handle %d", n->name, (unsigned)n->mtu, h);
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

long fata_netif_read(struct fata_netif *n, void *buf, size_t len)
{
	long r = n->ops->read(n->priv, buf, len);

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
	r = n->ops->write(n->priv, buf, len);
	if (r < 0) {
		n->stats.tx_errors++;
		return r;
	}
	n->stats.tx_frames++;
	n->stats.tx_bytes += len;
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
