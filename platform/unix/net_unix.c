/* Network interfaces on unix: a tap device opened through /dev/net/tun. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "platform.h"

/* The largest MTU whose frames (MTU + 14 bytes) a 16-bit length holds; Linux's taps stop there. */
#define TAP_MTU_MAX (65535 - 14)
/* IPv4's smallest MTU (RFC 791), also Linux's for a tap. */
#define TAP_MTU_MIN 68

/* A locally administered unicast MAC: the tap's own MAC belongs to the host side. */
static void random_mac(uint8_t mac[6])
{
	if (getrandom(mac, 6, 0) != 6) {
		struct timespec ts;
		uint64_t x;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		x = ((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)ts.tv_sec ^ ((uint64_t)getpid() << 40);
		x *= 0x9e3779b97f4a7c15ull;
		for (int i = 0; i < 6; i++)
			mac[i] = (uint8_t)(x >> (8 * i));
	}
	mac[0] = (uint8_t)((mac[0] & 0xfe) | 0x02);
}

/* The MTU of interface `ifname` (attached by name, so in our own network namespace), clamped to
 * TAP_MTU_MAX; or a negative errno with a reason in `why`. */
static int tap_mtu(const char *ifname, char *why, size_t whylen)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), err;

	if (s < 0)
		s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, ifname, strlen(ifname));
	if (s < 0 || ioctl(s, SIOCGIFMTU, &ifr) < 0) {
		err = errno;
		snprintf(why, whylen, "tap device %s: cannot read its MTU: %s", ifname, strerror(err));
		if (s >= 0)
			close(s);
		return -err;
	}
	close(s);
	if (ifr.ifr_mtu < TAP_MTU_MIN) {
		snprintf(why, whylen, "tap device %s has MTU %d, below the %d bytes IPv4 needs",
			 ifname, ifr.ifr_mtu, TAP_MTU_MIN);
		return -EINVAL;
	}
	return ifr.ifr_mtu > TAP_MTU_MAX ? TAP_MTU_MAX : ifr.ifr_mtu;
}

/*
 * Whether `ifname` is an existing tap in this network namespace: 0, -ENODEV when there is no such
 * interface, -EINVAL when it is not a tap (its /sys/class/net/NAME/tun_flags lack IFF_TAP).
 */
static int tap_exists(const char *ifname)
{
	char path[64 + IFNAMSIZ], text[32];
	unsigned long flags;
	struct ifreq ifr;
	ssize_t n;
	int fd, s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (s >= 0) {
		memset(&ifr, 0, sizeof(ifr));
		memcpy(ifr.ifr_name, ifname, strlen(ifname));
		n = ioctl(s, SIOCGIFINDEX, &ifr) < 0 ? -errno : 0;
		close(s);
		if (n == -ENODEV)
			return -ENODEV;
	}
	snprintf(path, sizeof(path), "/sys/class/net/%s/tun_flags", ifname);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -EINVAL : 0;	/* no sysfs: let TUNSETIFF decide */
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	text[n] = 0;
	flags = strtoul(text, NULL, 16);
	return flags & IFF_TAP ? 0 : -EINVAL;
}

/*
 * Whether to open taps with a virtio-net header and offloads (checksums, TSO and GRO done by the
 * host kernel): yes, unless the environment says FATA_NET_OFFLOAD=0 (the unix twin of the
 * tenders' --no-extensions, for comparing the two paths).
 */
static bool want_vnet(void)
{
	const char *e = getenv("FATA_NET_OFFLOAD");

	return !e || strcmp(e, "0") != 0;
}

int plat_net_open(const char *name, const char *ifname, struct plat_net_info *info, char *why,
		  size_t whylen)
{
	struct ifreq ifr;
	int fd, err, mtu;
	bool vnet = want_vnet();

	(void)name;
	if (!ifname || !*ifname || strlen(ifname) >= IFNAMSIZ) {
		snprintf(why, whylen, "'%s' is not a usable interface name", ifname ? ifname : "");
		return -EINVAL;
	}
	/* TUNSETIFF would create a missing tap, down and unreachable: attach existing ones only. */
	err = tap_exists(ifname);
	if (err < 0) {
		snprintf(why, whylen, err == -ENODEV ? "there is no network interface '%s'; create "
			 "it with: ip tuntap add dev %s mode tap && ip link set %s up (or: fata net up "
			 "%s)" : "'%s' is not a tap interface (it has no tun_flags, or they lack "
			 "IFF_TAP); expected a tap made with ip tuntap add dev %s mode tap",
			 ifname, ifname, ifname, ifname);
		return err;
	}
	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		snprintf(why, whylen, "/dev/net/tun: %s%s", strerror(err), err == EACCES ?
			 " (opening it needs root or read-write access to /dev/net/tun, e.g. "
			 "chmod 0666 /dev/net/tun, as most distributions ship it)" : "");
		return -err;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | (vnet ? IFF_VNET_HDR : 0);
	memcpy(ifr.ifr_name, ifname, strlen(ifname));
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		err = errno;
		snprintf(why, whylen, "tap device %s: %s%s", ifname, strerror(err),
			 err == EPERM ? " (needs CAP_NET_ADMIN, or a tap made for this user: ip "
			 "tuntap add dev NAME mode tap user USER)" :
			 err == EBUSY ? " (already in use, or not a tap device)" : "");
		close(fd);
		return -err;
	}
	/* Offloads outlive an attachment: a plain one turns them off. Without them (an old
	 * kernel), plain frames. */
	if (ioctl(fd, TUNSETOFFLOAD, vnet ? TUN_F_CSUM | TUN_F_TSO4 : 0) < 0 && vnet) {
		ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
		vnet = false;
		close(fd);
		fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0 || ioctl(fd, TUNSETIFF, &ifr) < 0) {
			err = errno;
			snprintf(why, whylen, "tap device %s: %s", ifname, strerror(err));
			if (fd >= 0)
				close(fd);
			return -err;
		}
	}
	mtu = tap_mtu(ifname, why, whylen);
	if (mtu < 0) {
		close(fd);
		return mtu;
	}
	random_mac(info->mac);
	info->mtu = (uint16_t)mtu;
	info->vnet = vnet;
	return fd;
}

long plat_net_read(int handle, void *buf, size_t len)
{
	for (;;) {
		ssize_t n = read(handle, buf, len);

		if (n >= 0)	/* the tap reports a frame's whole length even when it truncated it */
			return (size_t)n > len ? (long)len : (long)n;
		if (errno == EINTR)
			continue;
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	}
}

int plat_net_write(int handle, const void *buf, size_t len)
{
	for (;;) {
		ssize_t n = write(handle, buf, len);

		if (n >= 0)
			return (size_t)n == len ? 0 : -EIO;
		if (errno == EINTR)
			continue;
		/* A full queue drops the frame, as a busy wire would. */
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
	}
}
