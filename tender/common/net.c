/* Network devices in the tenders (net.h): a tap attached with --net:NAME=IFACE or @FD. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "devices.h"
#include "net.h"

int tender_net_check_iface(struct tender_devopt *d, struct tender_err *err)
{
	if (d->value[0] != '@')
		return 0;
	if (tender_parse_number(d->value + 1, INT32_MAX, &d->number) < 0)
		return tender_fail(err, "%s: expected a file descriptor number after '@'", d->arg);
	d->is_fd = true;
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int tender_parse_mac(const char *s, uint8_t mac[6])
{
	for (int i = 0; i < 6; i++) {
		int hi = hexval(s[0]), lo = hi < 0 ? -1 : hexval(s[1]);

		if (hi < 0 || lo < 0)
			return -1;
		mac[i] = (uint8_t)(hi << 4 | lo);
		s += 2;
		if (i < 5 && *s++ != ':')
			return -1;
	}
	return *s == 0 ? 0 : -1;
}

int tender_net_check_mac(struct tender_devopt *d, struct tender_err *err)
{
	if (tender_parse_mac(d->value, d->mac) < 0)
		return tender_fail(err, "%s: expected a MAC address like 02:00:00:00:00:01", d->arg);
	if (d->mac[0] & 1)
		return tender_fail(err, "%s: a multicast MAC address cannot be a device's address",
				   d->arg);
	return 0;
}

/* A datagram socket for interface ioctls (which look names up in the tender's namespace). */
static int ifreq_socket(void)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	return s >= 0 ? s : socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
}

/*
 * Sets d->mtu to the MTU of tap `ifname` on d->fd. The name is looked up in the tender's network
 * namespace; a tap handed over as a descriptor may live in another, where the name means nothing
 * or another interface, so for those the named interface's MAC must also be the tap's
 * (SIOCGIFHWADDR on the descriptor). When the MTU cannot be read the guest gets TENDER_NET_MTU and
 * d->note says why; the guest then drops longer frames from the host as oversized.
 */
static int read_mtu(struct tender_device *d, const char *ifname, struct tender_err *err)
{
	struct ifreq ifr, tap;
	const char *why = NULL;
	int s, mtu = 0;

	s = ifreq_socket();
	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname);
	if (s < 0 || ioctl(s, SIOCGIFMTU, &ifr) < 0) {
		why = errno == ENODEV ? "it is in another network namespace" : strerror(errno);
	} else {
		mtu = ifr.ifr_mtu;
		memset(&tap, 0, sizeof tap);
		if (d->opt->is_fd && (ioctl(d->fd, SIOCGIFHWADDR, &tap) < 0 ||
				      ioctl(s, SIOCGIFHWADDR, &ifr) < 0 ||
				      memcmp(tap.ifr_hwaddr.sa_data, ifr.ifr_hwaddr.sa_data, 6) != 0))
			why = "it is in another network namespace";
	}
	if (s >= 0)
		close(s);
	d->note[0] = 0;
	if (why) {
		d->mtu = TENDER_NET_MTU;
		snprintf(d->note, sizeof d->note, "%s: cannot read the MTU of tap '%s' (%s); the "
			 "guest gets MTU %u", d->opt->arg, ifname, why, TENDER_NET_MTU);
		return 0;
	}
	if (mtu < (int)TENDER_NET_MTU_MIN)
		return tender_fail(err, "%s: tap '%s' has MTU %d, below the %u bytes IPv4 needs",
				   d->opt->arg, ifname, mtu, TENDER_NET_MTU_MIN);
	if (mtu > (int)TENDER_NET_MTU_MAX) {
		snprintf(d->note, sizeof d->note, "%s: tap '%s' has MTU %d; the guest gets %u, "
			 "the most whose frames (MTU + 14 bytes) a 16-bit length holds", d->opt->arg,
			 ifname, mtu, TENDER_NET_MTU_MAX);
		mtu = TENDER_NET_MTU_MAX;
	}
	d->mtu = (uint16_t)mtu;
	return 0;
}

/* --net:NAME=@FD: the descriptor must be a tap giving plain Ethernet frames (TUNGETIFF). */
static int open_tap_fd(struct tender_device *d, struct tender_err *err)
{
	struct ifreq ifr;
	int flags;

	d->fd = (int)d->opt->number;
	flags = fcntl(d->fd, F_GETFL);
	if (flags < 0)
		return tender_fail(err, "%s: descriptor %d is not open", d->opt->arg, d->fd);
	memset(&ifr, 0, sizeof ifr);
	if (ioctl(d->fd, TUNGETIFF, &ifr) < 0 || !(ifr.ifr_flags & IFF_TAP))
		return tender_fail(err, "%s: descriptor %d is not a tap device", d->opt->arg, d->fd);
	if (!(ifr.ifr_flags & IFF_NO_PI))
		return tender_fail(err, "%s: tap '%.*s' on descriptor %d was opened without "
				   "IFF_NO_PI; expected plain Ethernet frames", d->opt->arg,
				   IFNAMSIZ, ifr.ifr_name, d->fd);
	if (fcntl(d->fd, F_SETFL, flags | O_NONBLOCK) < 0)
		return tender_fail(err, "%s: %s", d->opt->arg, strerror(errno));
	ifr.ifr_name[IFNAMSIZ - 1] = 0;
	return read_mtu(d, ifr.ifr_name, err);
}

/* --net:NAME=IFACE: an existing tap interface, attached through /dev/net/tun. */
static int open_tap_name(struct tender_device *d, struct tender_err *err)
{
	const char *iface = d->opt->value;
	struct ifreq ifr;

	if (strlen(iface) >= IFNAMSIZ)
		return tender_fail(err, "%s: '%s' is too long for a network interface name",
				   d->opt->arg, iface);
	/* TUNSETIFF would create a missing interface; we only attach existing ones. */
	if (if_nametoindex(iface) == 0)
		return tender_fail(err, "%s: there is no network interface '%s'; create it with: "
				   "ip tuntap add dev %s mode tap && ip link set %s up (or: fata net "
				   "up %s)", d->opt->arg, iface, iface, iface, iface);
	d->fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (d->fd < 0)
		return tender_fail(err, "%s: /dev/net/tun: %s%s", d->opt->arg, strerror(errno),
				   errno == EACCES || errno == EPERM ? " (needs root or read-write "
				   "access to /dev/net/tun; a tap made for this user with ip tuntap "
				   "add ... user NAME then attaches)" : "");
	memset(&ifr, 0, sizeof ifr);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | (d->vnet ? IFF_VNET_HDR : 0);
	memcpy(ifr.ifr_name, iface, strlen(iface));
	if (ioctl(d->fd, TUNSETIFF, &ifr) < 0) {
		if (errno == EINVAL)
			return tender_fail(err, "%s: '%s' is not a tap interface", d->opt->arg, iface);
		if (errno == EBUSY)
			return tender_fail(err, "%s: tap interface '%s' is in use", d->opt->arg, iface);
		return tender_fail(err, "%s: %s: %s", d->opt->arg, iface, strerror(errno));
	}
	if (strncmp(ifr.ifr_name, iface, IFNAMSIZ) != 0)
		return tender_fail(err, "%s: the kernel attached '%.*s' instead of '%s'", d->opt->arg,
				   IFNAMSIZ, ifr.ifr_name, iface);
	/*
	 * The kernel may now hand the guest TCP segments up to 64 KiB with partial checksums. The
	 * offloads outlive the attachment, so a guest without them turns them off again: it could
	 * not tell a partial checksum from a broken one.
	 */
	if (ioctl(d->fd, TUNSETOFFLOAD, d->vnet ? TUN_F_CSUM | TUN_F_TSO4 : 0) < 0 && d->vnet)
		return tender_fail(err, "%s: %s: cannot turn on offloads: %s", d->opt->arg, iface,
				   strerror(errno));
	return read_mtu(d, iface, err);
}

static int pick_mac(struct tender_device *d, struct tender_err *err)
{
	if (d->mac_opt) {
		memcpy(d->mac, d->mac_opt->mac, sizeof d->mac);
		return 0;
	}
	if (getrandom(d->mac, sizeof d->mac, 0) != (ssize_t)sizeof d->mac)
		return tender_fail(err, "getrandom: %s", strerror(errno));
	d->mac[0] = (uint8_t)((d->mac[0] & 0xfc) | 0x02);	/* unicast, locally administered */
	return 0;
}

static int net_open(const char *name, struct tender_device *d, struct tender_err *err)
{
	(void)name;
	if ((d->opt->is_fd ? open_tap_fd(d, err) : open_tap_name(d, err)) < 0)
		return -1;
	d->attached = true;
	return pick_mac(d, err);
}

static void net_fill(struct mft_entry *e, const struct tender_device *d)
{
	memcpy(e->u.net_basic.mac, d->mac, sizeof d->mac);
	e->u.net_basic.mtu = d->mtu;
}

static void net_banner(const char *name, const struct tender_device *d)
{
	fprintf(stderr, "%s:   net %s: %s, mac %02x:%02x:%02x:%02x:%02x:%02x, mtu %u%s\n",
		tender_name, name, d->opt->value, d->mac[0], d->mac[1], d->mac[2], d->mac[3],
		d->mac[4], d->mac[5], d->mtu, d->vnet ? ", offloads" : "");
}

/*
 * read and write on the tap with any count: hvt's NET_WRITE checks the length against the MTU,
 * an spt guest checks it itself (as under Solo5's filter).
 */
static void net_sandbox(scmp_filter_ctx ctx, const struct tender_device *d,
			const struct tender_devices *devs)
{
	struct scmp_arg_cmp c = tender_arg(0, SCMP_CMP_EQ, (scmp_datum_t)d->fd);

	(void)devs;
	tender_sandbox_allow(ctx, "read(tap)", SCMP_SYS(read), 1, &c);
	tender_sandbox_allow(ctx, "write(tap)", SCMP_SYS(write), 1, &c);
}

void tender_net_watch(int epoll_fd, const struct mft *mft, const struct tender_devices *devs)
{
	struct epoll_event ev = { .events = EPOLLIN };

	for (unsigned i = 1; i < mft->entries; i++) {
		if (mft->e[i].type != MFT_DEV_NET_BASIC)
			continue;
		ev.data.u64 = i;	/* the handle, as the guest expects it back */
		if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, devs->d[i].fd, &ev) < 0)
			tender_die_errno("epoll_ctl on the tap of '%s'", mft->e[i].name);
	}
}

const struct tender_devkind tender_net_kind = {
	.type = MFT_DEV_NET_BASIC,
	.opt = "net",
	.value = "IFACE",
	.open = net_open,
	.fill = net_fill,
	.banner = net_banner,
	.sandbox = net_sandbox,
};
