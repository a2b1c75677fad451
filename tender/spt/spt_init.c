/*
 * spt-init: the entry point of an spt unikernel's container image (fata package). It gives the
 * unikernel the container's network: a tap created in the container's network namespace joins
 * the container's interface on a bridge, the interface's IPv4 address and default gateway move
 * to the unikernel's --ipv4 and --ipv4-gateway, and fata-spt (beside this program) runs it.
 *
 *   spt-init [--net=NAME] [FATA-SPT-OPTION]... -- UNIKERNEL [ARG]...
 *
 * --net=NAME is the unikernel's network device (its manifest name); without it the unikernel
 * runs without a network. The other options go to fata-spt as they are.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define TAP "tap0"
#define BRIDGE "br0"

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("spt-init: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* The container's interface: the first one, other than loopback, with an IPv4 address. */
struct uplink {
	char name[IFNAMSIZ];
	struct in_addr addr;
	int prefix;
	struct in_addr gateway;		/* 0 when there is no default route through it */
};

static int mask_prefix(struct in_addr mask)
{
	uint32_t m = ntohl(mask.s_addr);
	int n = 0;

	while (m & 0x80000000u) {
		n++;
		m <<= 1;
	}
	return n;
}

static void find_uplink(struct uplink *up)
{
	struct ifaddrs *all, *a;

	if (getifaddrs(&all) < 0)
		die("cannot list the network interfaces: %s", strerror(errno));
	for (a = all; a; a = a->ifa_next) {
		if (!a->ifa_addr || a->ifa_addr->sa_family != AF_INET || (a->ifa_flags & IFF_LOOPBACK)
		    || strlen(a->ifa_name) >= IFNAMSIZ || !a->ifa_netmask)
			continue;
		snprintf(up->name, sizeof(up->name), "%s", a->ifa_name);
		up->addr = ((struct sockaddr_in *)a->ifa_addr)->sin_addr;
		up->prefix = mask_prefix(((struct sockaddr_in *)a->ifa_netmask)->sin_addr);
		break;
	}
	freeifaddrs(all);
	if (!up->name[0])
		die("the container has no network interface with an IPv4 address; expected one "
		    "(eth0) to give to the unikernel");
}

/* The default route's gateway through the uplink, from /proc/net/route (hex, network order). */
static void find_gateway(struct uplink *up)
{
	FILE *f = fopen("/proc/net/route", "r");
	char line[256], iface[64];
	unsigned dest, gw, flags;

	if (!f)
		return;		/* no /proc: no gateway, the unikernel reaches its subnet only */
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %x %x %x", iface, &dest, &gw, &flags) == 4 && dest == 0 &&
		    strcmp(iface, up->name) == 0 && (flags & 0x2 /* RTF_GATEWAY */)) {
			up->gateway.s_addr = gw;
			break;
		}
	}
	fclose(f);
}

static void ifreq_name(struct ifreq *ifr, const char *name)
{
	memset(ifr, 0, sizeof(*ifr));
	snprintf(ifr->ifr_name, sizeof(ifr->ifr_name), "%s", name);
}

static void set_up(int s, const char *name)
{
	struct ifreq ifr;

	ifreq_name(&ifr, name);
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		die("%s: cannot read its flags: %s", name, strerror(errno));
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		die("%s: cannot bring it up: %s", name, strerror(errno));
}

/* A persistent tap, so that fata-spt finds it by name after this program has closed it. */
static void make_tap(void)
{
	struct ifreq ifr;
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		die("/dev/net/tun: %s; expected the device in the container (podman run --device "
		    "/dev/net/tun)", strerror(errno));
	ifreq_name(&ifr, TAP);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	if (ioctl(fd, TUNSETIFF, &ifr) < 0)
		die("cannot create %s: %s; expected CAP_NET_ADMIN (podman run --cap-add NET_ADMIN)",
		    TAP, strerror(errno));
	if (ioctl(fd, TUNSETPERSIST, 1) < 0)
		die("cannot keep %s: %s", TAP, strerror(errno));
	close(fd);
}

/* The tap and the uplink on one bridge; the uplink's address leaves the container's stack. */
static void attach(const struct uplink *up)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	const char *ports[] = { up->name, TAP };
	struct ifreq ifr;
	int mtu;

	if (s < 0)
		die("socket: %s", strerror(errno));
	ifreq_name(&ifr, up->name);
	if (ioctl(s, SIOCGIFMTU, &ifr) < 0)
		die("%s: cannot read its MTU: %s", up->name, strerror(errno));
	mtu = ifr.ifr_mtu;
	ifreq_name(&ifr, TAP);
	ifr.ifr_mtu = mtu;
	if (ioctl(s, SIOCSIFMTU, &ifr) < 0)
		die("%s: cannot set its MTU to %d: %s", TAP, mtu, strerror(errno));
	if (ioctl(s, SIOCBRADDBR, BRIDGE) < 0)
		die("cannot create the bridge %s: %s", BRIDGE, strerror(errno));
	for (int i = 0; i < 2; i++) {
		ifreq_name(&ifr, BRIDGE);
		ifr.ifr_ifindex = (int)if_nametoindex(ports[i]);
		if (ifr.ifr_ifindex == 0 || ioctl(s, SIOCBRADDIF, &ifr) < 0)
			die("cannot add %s to the bridge %s: %s", ports[i], BRIDGE, strerror(errno));
	}
	/* Setting the address 0.0.0.0 removes it, with the routes through it. */
	ifreq_name(&ifr, up->name);
	ifr.ifr_addr.sa_family = AF_INET;
	if (ioctl(s, SIOCSIFADDR, &ifr) < 0)
		die("%s: cannot remove its address: %s", up->name, strerror(errno));
	set_up(s, TAP);
	set_up(s, BRIDGE);
	set_up(s, up->name);
	close(s);
}

int main(int argc, char **argv)
{
	const char *net = NULL;
	char **args = calloc((size_t)argc + 8, sizeof(*args));
	char tender[4096], ipv4[64], gateway[64], netopt[128];
	const char *slash = strrchr(argv[0], '/');
	int n = 0, i;

	if (!args)
		die("out of memory");
	snprintf(tender, sizeof(tender), "%.*sfata-spt", slash ? (int)(slash - argv[0] + 1) : 0,
		 argv[0]);
	args[n++] = tender;
	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strncmp(argv[i], "--net=", 6) == 0)
			net = argv[i] + 6;
		else
			args[n++] = argv[i];
	}
	if (i + 1 >= argc)
		die("no unikernel; expected spt-init [--net=NAME] [OPTION]... -- UNIKERNEL [ARG]...");
	if (net) {
		struct uplink up = { 0 };

		find_uplink(&up);
		find_gateway(&up);
		make_tap();
		attach(&up);
		snprintf(netopt, sizeof(netopt), "--net:%s=" TAP, net);
		args[n++] = netopt;
		args[n++] = argv[i++];		/* "--" */
		args[n++] = argv[i++];		/* the unikernel */
		snprintf(ipv4, sizeof(ipv4), "--ipv4=%s/%d", inet_ntoa(up.addr), up.prefix);
		args[n++] = ipv4;
		if (up.gateway.s_addr) {
			snprintf(gateway, sizeof(gateway), "--ipv4-gateway=%s", inet_ntoa(up.gateway));
			args[n++] = gateway;
		}
		fprintf(stderr, "spt-init: %s's %s is the unikernel's (tap %s on bridge %s)\n",
			up.name, ipv4 + 7, TAP, BRIDGE);
	}
	while (i < argc)
		args[n++] = argv[i++];
	args[n] = NULL;
	fflush(NULL);
	execv(tender, args);
	die("cannot run %s: %s", tender, strerror(errno));
}
