/* Attaching block files and tap devices to the devices a unikernel's manifest declares. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devices.h"
#include "elf_load.h"
#include "mft.h"

typedef unsigned long long ull;

static uint32_t wanted_type(enum tender_devopt_kind kind)
{
	return kind == TENDER_OPT_BLOCK || kind == TENDER_OPT_SECTOR ? MFT_DEV_BLOCK_BASIC
								      : MFT_DEV_NET_BASIC;
}

/* "storage (block), service (net)" or "none", for messages. */
static void list_devices(const struct mft *mft, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = 0;
	for (unsigned i = 1; i < mft->entries && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s (%s)", i > 1 ? ", " : "",
				      mft->e[i].name, tender_mft_type_name(mft->e[i].type));
	if (mft->entries <= 1)
		snprintf(buf, size, "none");
}

int tender_devices_resolve(const struct tender_opts *o, const struct mft *mft, const char *kernel,
			   struct tender_devices *devs, struct tender_err *err)
{
	char missing[400];
	size_t n = 0;

	memset(devs, 0, sizeof *devs);
	devs->n = mft->entries;
	for (unsigned i = 0; i < MFT_MAX_ENTRIES; i++)
		devs->d[i].fd = -1;

	for (unsigned k = 0; k < o->ndev; k++) {
		const struct tender_devopt *opt = &o->dev[k];
		int h = tender_mft_find(mft, opt->name);
		struct tender_device *d;

		if (h < 0) {
			char list[300];

			list_devices(mft, list, sizeof list);
			return tender_fail(err, "%s: %s declares no device '%s' (its devices: %s)",
					   opt->arg, kernel, opt->name, list);
		}
		if (mft->e[h].type != wanted_type(opt->kind))
			return tender_fail(err, "%s: '%s' is a %s device, not a %s device", opt->arg,
					   opt->name, tender_mft_type_name(mft->e[h].type),
					   tender_mft_type_name(wanted_type(opt->kind)));
		d = &devs->d[h];
		if (opt->kind == TENDER_OPT_SECTOR)
			d->sector = opt;
		else if (opt->kind == TENDER_OPT_MAC)
			d->mac_opt = opt;
		else
			d->opt = opt;
	}

	missing[0] = 0;
	for (unsigned i = 1; i < mft->entries; i++) {
		if (devs->d[i].opt)
			continue;
		if (n < sizeof missing)
			n += (size_t)snprintf(missing + n, sizeof missing - n, "%s--%s:%s=%s",
					      n ? ", " : "",
					      mft->e[i].type == MFT_DEV_BLOCK_BASIC ? "block" : "net",
					      mft->e[i].name,
					      mft->e[i].type == MFT_DEV_BLOCK_BASIC ? "PATH" : "IFACE");
	}
	if (missing[0])
		return tender_fail(err, "%s: declared devices are not attached; give %s", kernel,
				   missing);
	return 0;
}

static int open_block(const char *name, struct tender_device *d, struct tender_err *err)
{
	const char *path = d->opt->value;
	struct stat st;
	off_t size;

	d->block_size = d->sector ? (uint16_t)d->sector->number : TENDER_MIN_SECTOR;
	d->fd = open(path, O_RDWR | O_CLOEXEC);
	if (d->fd < 0 && (errno == EACCES || errno == EROFS || errno == EPERM)) {
		/*
		 * Solo5's block_basic has no read-only flag, so the guest is not told: its writes
		 * fail with SOLO5_R_EINVAL (hvt) or EBADF from the host (spt).
		 * TODO: advertise read-only devices with a manifest feature bit once the ABI has one.
		 */
		d->fd = open(path, O_RDONLY | O_CLOEXEC);
		d->readonly = true;
	}
	if (d->fd < 0)
		return tender_fail(err, "%s: %s: %s", d->opt->arg, path, strerror(errno));
	if (fstat(d->fd, &st) < 0)
		return tender_fail(err, "%s: %s: %s", d->opt->arg, path, strerror(errno));
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
		return tender_fail(err, "%s: %s is not a regular file or a block device",
				   d->opt->arg, path);
	size = lseek(d->fd, 0, SEEK_END);
	if (size < 0)
		return tender_fail(err, "%s: %s: %s", d->opt->arg, path, strerror(errno));
	if (size == 0)
		return tender_fail(err, "%s: %s is empty; block device '%s' needs at least one "
				   "sector", d->opt->arg, path, name);
	if ((uint64_t)size % d->block_size)
		return tender_fail(err, "%s: %s has %llu bytes, not a multiple of the sector size "
				   "%u", d->opt->arg, path, (ull)size, d->block_size);
	d->capacity = (uint64_t)size;
	d->attached = true;
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

static int open_tap(struct tender_device *d, struct tender_err *err)
{
	const char *iface = d->opt->value;
	struct ifreq ifr;
	int flags;

	if (d->opt->is_fd) {
		d->fd = (int)d->opt->number;
		flags = fcntl(d->fd, F_GETFL);
		if (flags < 0)
			return tender_fail(err, "%s: descriptor %d is not open", d->opt->arg, d->fd);
		memset(&ifr, 0, sizeof ifr);
		if (ioctl(d->fd, TUNGETIFF, &ifr) < 0 || !(ifr.ifr_flags & IFF_TAP))
			return tender_fail(err, "%s: descriptor %d is not a tap device", d->opt->arg,
					   d->fd);
		if (!(ifr.ifr_flags & IFF_NO_PI))
			return tender_fail(err, "%s: tap '%.*s' on descriptor %d was opened without "
					   "IFF_NO_PI; expected plain Ethernet frames", d->opt->arg,
					   IFNAMSIZ, ifr.ifr_name, d->fd);
		if (fcntl(d->fd, F_SETFL, flags | O_NONBLOCK) < 0)
			return tender_fail(err, "%s: %s", d->opt->arg, strerror(errno));
		ifr.ifr_name[IFNAMSIZ - 1] = 0;
		if (read_mtu(d, ifr.ifr_name, err) < 0)
			return -1;
		d->attached = true;
		return 0;
	}
	if (strlen(iface) >= IFNAMSIZ)
		return tender_fail(err, "%s: '%s' is too long for a network interface name",
				   d->opt->arg, iface);
	/* TUNSETIFF would create a missing interface; we only attach existing ones. */
	if (if_nametoindex(iface) == 0)
		return tender_fail(err, "%s: there is no network interface '%s'", d->opt->arg, iface);
	d->fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (d->fd < 0)
		return tender_fail(err, "%s: /dev/net/tun: %s", d->opt->arg, strerror(errno));
	memset(&ifr, 0, sizeof ifr);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
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
	if (read_mtu(d, iface, err) < 0)
		return -1;
	d->attached = true;
	return 0;
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

bool tender_block_request_ok(const struct tender_device *d, uint32_t max, uint64_t offset,
			     uint64_t len)
{
	uint64_t n = d->block_size;

	while (n < len && n * 2 <= max)
		n *= 2;
	return len == n && offset % d->block_size == 0 && offset < d->capacity &&
	       len <= d->capacity - offset;
}

int tender_devices_open(const struct mft *mft, struct tender_devices *devs,
			struct tender_err *err)
{
	unsigned blocks = 0;

	for (unsigned i = 1; i < mft->entries; i++)
		blocks += mft->e[i].type == MFT_DEV_BLOCK_BASIC;
	devs->block_max = blocks <= TENDER_BLOCK_MULTI_DEVICES ? TENDER_BLOCK_MULTI_MAX : 0;
	for (unsigned i = 1; i < mft->entries; i++) {
		struct tender_device *d = &devs->d[i];

		if (mft->e[i].type == MFT_DEV_BLOCK_BASIC) {
			if (open_block(mft->e[i].name, d, err) < 0)
				return -1;
		} else {
			if (open_tap(d, err) < 0 || pick_mac(d, err) < 0)
				return -1;
		}
	}
	return 0;
}

void tender_mft_fill(const struct mft *mft, size_t mft_size, const struct tender_devices *devs,
		     bool with_hostfd, void *out)
{
	struct mft *m = out;

	memcpy(m, mft, mft_size);
	for (unsigned i = 1; i < m->entries; i++) {
		struct mft_entry *e = &m->e[i];
		const struct tender_device *d = &devs->d[i];

		if (e->type == MFT_DEV_BLOCK_BASIC) {
			e->u.block_basic.capacity = d->capacity;
			e->u.block_basic.block_size = d->block_size;
		} else {
			memcpy(e->u.net_basic.mac, d->mac, sizeof d->mac);
			e->u.net_basic.mtu = d->mtu;
		}
		e->b.data = 0;
		if (with_hostfd)
			e->b.hostfd = d->fd;
		e->attached = d->attached;
	}
}

static const char *segment_kind(uint32_t flags)
{
	if (flags & TENDER_SEG_X)
		return "text";
	if (flags & TENDER_SEG_W)
		return "data";
	return "rodata";
}

void tender_print_banner(const char *target, const char *kernel, const struct tender_image *img,
			 uint64_t mem_size, const struct mft *mft,
			 const struct tender_devices *devs)
{
	fprintf(stderr, "%s %s: %s unikernel %s, %llu MB of memory\n", tender_name,
		TENDER_VERSION, target, kernel, (ull)(mem_size >> 20));
	for (unsigned i = 0; i < img->nseg; i++) {
		const struct tender_segment *s = &img->seg[i];

		fprintf(stderr, "%s:   %-7s 0x%08llx-0x%08llx %c%c%c\n", tender_name,
			segment_kind(s->flags), (ull)s->page_start, (ull)s->page_end,
			s->flags & TENDER_SEG_R ? 'r' : '-', s->flags & TENDER_SEG_W ? 'w' : '-',
			s->flags & TENDER_SEG_X ? 'x' : '-');
	}
	fprintf(stderr, "%s:   %-7s 0x%08llx-0x%08llx rw- (heap and stack)\n", tender_name, "heap",
		(ull)img->kernel_end, (ull)mem_size);
	for (unsigned i = 1; i < mft->entries; i++) {
		const struct tender_device *d = &devs->d[i];

		if (mft->e[i].type == MFT_DEV_BLOCK_BASIC)
			fprintf(stderr, "%s:   block %s: %s, %llu sectors of %u bytes%s\n",
				tender_name, mft->e[i].name, d->opt->value,
				(ull)(d->capacity / d->block_size), d->block_size,
				d->readonly ? ", read-only" : "");
		else
			fprintf(stderr, "%s:   net %s: %s, mac %02x:%02x:%02x:%02x:%02x:%02x, "
				"mtu %u\n", tender_name, mft->e[i].name, d->opt->value, d->mac[0],
				d->mac[1], d->mac[2], d->mac[3], d->mac[4], d->mac[5], d->mtu);
	}
}
