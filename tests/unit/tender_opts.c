/*
 * Unit tests of the tenders' command line (tender/common/opts.c) and devices
 * (tender/common/devices.c, block.c, net.c): option syntax, the guest command line and its
 * quoting, matching options against a manifest, attaching block files, the manifest copy for the
 * guest.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../tender/common/devices.h"
#include "../../tender/common/opts.h"
#include "solo5_abi.h"
#include "tap.h"

static struct tender_opts o;
static struct tender_err err;

/* Parses the NULL-terminated arguments after a program name. */
static int parse(const char *first, ...)
{
	static char *argv[64];
	va_list ap;
	int argc = 0;

	argv[argc++] = "fata-test";
	va_start(ap, first);
	for (const char *a = first; a; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;
	return tender_opts_parse(argc, argv, &o, &err);
}

#define PARSE(...) parse(__VA_ARGS__, (const char *)NULL)

static void refused(int rc, const char *want, const char *what)
{
	if (!ok(rc < 0 && strstr(err.msg, want), "refused: %s", what))
		printf("#   rc %d, message '%s', expected '%s'\n", rc, rc < 0 ? err.msg : "", want);
}

static void test_options(void)
{
	ok(PARSE("k.spt") == 0, "just a kernel");
	is_int(o.mem_mb, 512, "default memory: 512 MB");
	ok(!o.mem_given && !o.quiet && !o.help && !o.version, "no flags");
	is_str(o.kernel, "k.spt", "the kernel");
	is_int(o.guest_argc, 0, "no guest arguments");

	ok(PARSE("--mem=64", "-q", "--block:disk0=a.img", "--block-sector-size:disk0=4096",
		 "--net:service=tap0", "--net-mac:service=02:AB:cd:00:00:01", "--net:other=@3",
		 "--", "k.hvt", "--mem=8", "x y") == 0, "every option");
	is_int(o.mem_mb, 64, "--mem");
	ok(o.mem_given && o.quiet, "--mem given, --quiet");
	is_int(o.ndev, 5, "five device options");
	is_str(o.dev[0].name, "disk0", "block name");
	is_str(o.dev[0].value, "a.img", "block path");
	is_int(o.dev[1].number, 4096, "sector size");
	is_str(o.dev[2].value, "tap0", "net interface");
	ok(!o.dev[2].is_fd, "an interface is not a descriptor");
	ok(o.dev[3].mac[0] == 0x02 && o.dev[3].mac[1] == 0xab && o.dev[3].mac[5] == 0x01,
	   "the MAC, either case");
	ok(o.dev[4].is_fd && o.dev[4].number == 3, "@3 is descriptor 3");
	is_str(o.kernel, "k.hvt", "the kernel after --");
	is_int(o.guest_argc, 2, "two guest arguments");
	is_str(o.guest_argv[0], "--mem=8", "options after the kernel belong to the guest");

	ok(PARSE("--quiet", "-", "a") == 0 && strcmp(o.kernel, "-") == 0, "'-' is a kernel name");
	ok(PARSE("--help", "--bogus") == 0 && o.help, "--help stops parsing");
	ok(PARSE("-h") == 0 && o.help, "-h");
	ok(PARSE("--version") == 0 && o.version, "--version");
	ok(PARSE("--mem=2", "k") == 0 && o.mem_mb == 2, "--mem=2 is the smallest");
	ok(PARSE("--mem=4096", "k") == 0 && o.mem_mb == 4096, "--mem=4096 is the largest");

	refused(PARSE("--mem=4097", "k"), "--mem=4097: guest memory must be 2 to 4096 MB",
		"--mem above 4 GiB");
	refused(PARSE("--mem=1", "k"), "guest memory must be 2 to 4096 MB", "--mem=1");
	refused(PARSE("--mem=0", "k"), "guest memory must be 2 to 4096 MB", "--mem=0");
	refused(PARSE("--mem=12abc", "k"), "--mem=12abc: expected a number of megabytes",
		"--mem with letters");
	refused(PARSE("--mem=-5", "k"), "expected a number", "--mem negative");
	refused(PARSE("--mem= 5", "k"), "expected a number", "--mem with a space");
	refused(PARSE("--mem=18446744073709551616", "k"), "expected a number", "--mem overflow");
	refused(PARSE("--memory=5", "k"), "unknown option '--memory=5'", "unknown option");
	refused(PARSE("-x", "k"), "unknown option '-x'", "unknown short option");
	refused(PARSE(NULL), "missing KERNEL", "no arguments");
	refused(PARSE("--mem=8"), "missing KERNEL", "options only");
	refused(PARSE("--"), "missing KERNEL", "just --");
	refused(PARSE("--block:disk", "k"), "expected NAME=VALUE", "no '='");
	refused(PARSE("--block:disk=", "k"), "expected NAME=VALUE", "empty value");
	refused(PARSE("--block:=x", "k"), "a device name is 1 to 67 letters and digits",
		"empty name");
	refused(PARSE("--net:my_net=tap0", "k"), "a device name is", "name with '_'");
	refused(PARSE("--block:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=x",
		      "k"), "a device name is", "68-character name");
	ok(PARSE("--block:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=x",
		 "k") == 0, "67-character name");
	refused(PARSE("--block:d=a", "--block:d=b", "k"), "device 'd' already has this option",
		"the same device twice");
	ok(PARSE("--block:d=a", "--block-sector-size:d=512", "k") == 0,
	   "different options for one device");
	refused(PARSE("--block-sector-size:d=1000", "k"), "must be a power of two from 512 to 32768",
		"sector size 1000");
	refused(PARSE("--block-sector-size:d=256", "k"), "power of two", "sector size 256");
	refused(PARSE("--block-sector-size:d=65536", "k"), "power of two",
		"sector size 65536 does not fit the manifest's 16 bits");
	ok(PARSE("--block-sector-size:d=32768", "k") == 0, "sector size 32768");
	refused(PARSE("--net-mac:n=01:00:5e:00:00:01", "k"), "a multicast MAC address",
		"multicast MAC");
	refused(PARSE("--net-mac:n=02:00:00:00:00", "k"), "expected a MAC address", "short MAC");
	refused(PARSE("--net-mac:n=02:00:00:00:00:00:00", "k"), "expected a MAC address",
		"long MAC");
	refused(PARSE("--net-mac:n=02-00-00-00-00-00", "k"), "expected a MAC address",
		"MAC with dashes");
	refused(PARSE("--net-mac:n=0g:00:00:00:00:00", "k"), "expected a MAC address",
		"MAC with a bad digit");
	refused(PARSE("--net:n=@", "k"), "expected a file descriptor number", "@ alone");
	refused(PARSE("--net:n=@-1", "k"), "expected a file descriptor number", "@-1");
	refused(PARSE("--net:n=@99999999999", "k"), "expected a file descriptor number",
		"@ too big");

	ok(PARSE("k") == 0 && !o.gdb && o.gdb_port == 1234, "no --gdb; the port defaults to 1234");
	ok(PARSE("--gdb", "k") == 0 && o.gdb && o.gdb_port == 1234, "--gdb: port 1234");
	ok(PARSE("--gdb", "--gdb-port=1", "k") == 0 && o.gdb_port == 1, "--gdb-port=1");
	ok(PARSE("--gdb-port=65535", "--gdb", "k") == 0 && o.gdb_port == 65535,
	   "--gdb-port=65535, before --gdb");
	refused(PARSE("--gdb", "--gdb-port=0", "k"),
		"--gdb-port=0: expected a TCP port from 1 to 65535", "--gdb-port=0");
	refused(PARSE("--gdb", "--gdb-port=65536", "k"), "expected a TCP port from 1 to 65535",
		"--gdb-port=65536");
	refused(PARSE("--gdb", "--gdb-port=70000", "k"), "expected a TCP port", "--gdb-port=70000");
	refused(PARSE("--gdb", "--gdb-port=abc", "k"), "--gdb-port=abc: expected a TCP port",
		"--gdb-port=abc");
	refused(PARSE("--gdb", "--gdb-port=", "k"), "expected a TCP port", "--gdb-port= empty");
	refused(PARSE("--gdb-port=4000", "k"), "--gdb-port=4000: only with --gdb",
		"--gdb-port without --gdb");
	refused(PARSE("--gdb=1", "k"), "unknown option '--gdb=1'", "--gdb takes no value");
	ok(PARSE("k") == 0 && !o.count_instructions, "no --count-instructions by default");
	ok(PARSE("--count-instructions", "k") == 0 && o.count_instructions && !o.gdb,
	   "--count-instructions");
	refused(PARSE("--count-instructions", "--gdb", "k"),
		"--count-instructions and --gdb exclude each other", "--count-instructions with --gdb");
	refused(PARSE("--gdb", "--count-instructions", "k"),
		"--count-instructions and --gdb exclude each other", "--gdb with --count-instructions");
}

static int join(char *out, size_t size, int argc, ...)
{
	char *argv[16];
	va_list ap;

	va_start(ap, argc);
	for (int i = 0; i < argc; i++)
		argv[i] = va_arg(ap, char *);
	va_end(ap);
	return tender_cmdline_join(argc, argv, out, size, &err);
}

static void test_cmdline(void)
{
	static char big[9000], out[8192];

	ok(join(out, sizeof out, 0) == 0 && out[0] == 0, "no arguments: empty line");
	ok(join(out, sizeof out, 3, "a", "--b=c", "d") == 0, "plain arguments");
	is_str(out, "a --b=c d", "joined by single spaces");
	ok(join(out, sizeof out, 4, "two words", "say \"hi\"", "c:\\dir", "") == 0, "quoting");
	is_str(out, "\"two words\" \"say \\\"hi\\\"\" \"c:\\\\dir\" \"\"",
	       "spaces, quotes, backslashes and empty arguments are quoted and escaped");
	ok(join(out, sizeof out, 1, "a\tb") == 0 && strcmp(out, "\"a\tb\"") == 0,
	   "an argument with a tab is quoted");
	ok(join(out, sizeof out, 1, "--hello=Hello World!") == 0 &&
	   strcmp(out, "\"--hello=Hello World!\"") == 0, "a key with a space in its value");

	memset(big, 'x', 8191);
	big[8191] = 0;
	ok(join(out, sizeof out, 1, big) == 0 && strlen(out) == 8191, "8191 characters fit");
	big[8191] = 'x';
	big[8192] = 0;
	refused(join(out, sizeof out, 1, big),
		"the guest's command line would be 8192 characters long; at most 8191 fit",
		"8192 characters");
	big[8190] = 0;
	refused(join(out, sizeof out, 2, big, "y"), "would be 8192 characters",
		"the separating space counts");
	big[0] = ' ';
	refused(join(out, sizeof out, 1, big), "would be 8192 characters", "the quotes count");
	refused(join(out, 10, 1, "0123456789"), "would be 10 characters long; at most 9 fit",
		"a buffer smaller than the limit");
}

/* A manifest: storage (block), service (net), backup (block). */
static struct {
	uint32_t version, entries;
	struct mft_entry e[4];
} m = {
	.version = MFT_VERSION, .entries = 4,
	.e = {
		{ .name = "", .type = MFT_RESERVED_FIRST },
		{ .name = "storage", .type = MFT_DEV_BLOCK_BASIC },
		{ .name = "service", .type = MFT_DEV_NET_BASIC },
		{ .name = "backup", .type = MFT_DEV_BLOCK_BASIC },
	},
};
#define MFT ((const struct mft *)&m)

static struct tender_devices devs;

static void test_resolve(void)
{
	PARSE("--block:storage=a", "--net:service=tap0", "--block:backup=b", "k");
	ok(tender_devices_resolve(&o, MFT, "k.spt", &devs, &err) == 0, "every device attached");
	ok(devs.d[1].opt == &o.dev[0] && devs.d[2].opt == &o.dev[1] && devs.d[3].opt == &o.dev[2],
	   "each option goes to its handle");

	PARSE("--block:storage=a", "k");
	refused(tender_devices_resolve(&o, MFT, "k.spt", &devs, &err),
		"k.spt: declared devices are not attached; give --net:service=IFACE, "
		"--block:backup=PATH", "two devices not attached");
	PARSE("--block:storage=a", "--net:service=tap0", "--block:backup=b", "--block:other=c", "k");
	refused(tender_devices_resolve(&o, MFT, "k.spt", &devs, &err),
		"--block:other=c: k.spt declares no device 'other' (its devices: storage (block), "
		"service (net), backup (block))", "an undeclared device");
	PARSE("--block:service=a", "k");
	refused(tender_devices_resolve(&o, MFT, "k.spt", &devs, &err),
		"--block:service=a: 'service' is a net device, not a block device", "net as block");
	PARSE("--net:storage=tap0", "k");
	refused(tender_devices_resolve(&o, MFT, "k.spt", &devs, &err),
		"'storage' is a block device, not a net device", "block as net");
	PARSE("--block-sector-size:service=4096", "k");
	refused(tender_devices_resolve(&o, MFT, "k.spt", &devs, &err),
		"'service' is a net device, not a block device", "sector size for a net device");
	PARSE("--net-mac:storage=02:00:00:00:00:01", "k");
	refused(tender_devices_resolve(&o, MFT, "k.spt", &devs, &err),
		"'storage' is a block device, not a net device", "MAC for a block device");
}

static void test_block(void)
{
	char dir[] = "/tmp/fata-tender-opts.XXXXXX", a[64], b[64];
	uint8_t copy[sizeof m];
	const struct mft *c = (const struct mft *)copy;
	int fd;

	if (!mkdtemp(dir)) {
		ok(0, "mkdtemp");
		return;
	}
	snprintf(a, sizeof a, "%s/a.img", dir);
	snprintf(b, sizeof b, "%s/b.img", dir);
	fd = open(a, O_CREAT | O_WRONLY, 0644);
	ok(fd >= 0 && ftruncate(fd, 8192) == 0, "make an 8 KiB disk");
	close(fd);
	fd = open(b, O_CREAT | O_WRONLY, 0644);
	ok(fd >= 0 && ftruncate(fd, 1536) == 0, "make a 1.5 KiB disk");
	close(fd);

	/* Only the block devices of a manifest without the net device. */
	m.entries = 2;
	{
		char opt[96];

		snprintf(opt, sizeof opt, "--block:storage=%s", a);
		PARSE(opt, "--block-sector-size:storage=4096", "k");
		ok(tender_devices_resolve(&o, MFT, "k", &devs, &err) == 0 &&
		   tender_devices_open(MFT, &devs, false, &err) == 0, "attach an 8 KiB disk with 4 KiB sectors");
		is_int(devs.d[1].capacity, 8192, "capacity is the file size");
		is_int(devs.d[1].block_size, 4096, "block size from the option");
		ok(devs.d[1].fd >= 0 && !devs.d[1].readonly, "opened read-write");
		tender_mft_fill(MFT, MFT_SIZE(2), &devs, true, copy);
		is_int(c->e[1].u.block_basic.capacity, 8192, "copy: capacity");
		is_int(c->e[1].u.block_basic.block_size, 4096, "copy: block size");
		is_int(c->e[1].attached, 1, "copy: attached");
		is_int(c->e[1].b.hostfd, devs.d[1].fd, "copy for spt: the host descriptor");
		tender_mft_fill(MFT, MFT_SIZE(2), &devs, false, copy);
		is_int(c->e[1].b.data, 0, "copy for hvt: no host descriptor");
		ok(memcmp(&c->e[0], &m.e[0], sizeof m.e[0]) == 0, "copy: entry 0 unchanged");
		close(devs.d[1].fd);

		snprintf(opt, sizeof opt, "--block:storage=%s", b);
		PARSE(opt, "k");
		tender_devices_resolve(&o, MFT, "k", &devs, &err);
		ok(tender_devices_open(MFT, &devs, false, &err) == 0 && devs.d[1].block_size == 512,
		   "1.5 KiB with the default 512-byte sectors");
		close(devs.d[1].fd);
		PARSE(opt, "--block-sector-size:storage=1024", "k");
		tender_devices_resolve(&o, MFT, "k", &devs, &err);
		refused(tender_devices_open(MFT, &devs, false, &err),
			"has 1536 bytes, not a multiple of the sector size 1024",
			"1.5 KiB with 1 KiB sectors");
		close(devs.d[1].fd);

		snprintf(opt, sizeof opt, "--block:storage=%s/none.img", dir);
		PARSE(opt, "k");
		tender_devices_resolve(&o, MFT, "k", &devs, &err);
		refused(tender_devices_open(MFT, &devs, false, &err), "none.img: No such file or directory",
			"a missing file");
		snprintf(opt, sizeof opt, "--block:storage=%s", dir);
		PARSE(opt, "k");
		tender_devices_resolve(&o, MFT, "k", &devs, &err);
		refused(tender_devices_open(MFT, &devs, false, &err), "Is a directory",
			"a directory");
		close(devs.d[1].fd);
		PARSE("--block:storage=/dev/null", "k");
		tender_devices_resolve(&o, MFT, "k", &devs, &err);
		refused(tender_devices_open(MFT, &devs, false, &err),
			"/dev/null is not a regular file or a block device", "a character device");
		close(devs.d[1].fd);
		/* sysfs refuses O_RDWR on a 0444 attribute even to root: the read-only fallback. */
		PARSE("--block:storage=/sys/devices/system/cpu/online", "k");
		tender_devices_resolve(&o, MFT, "k", &devs, &err);
		ok(tender_devices_open(MFT, &devs, false, &err) == 0 && devs.d[1].readonly &&
		   devs.d[1].capacity == 4096, "a file that opens only read-only is attached read-only");
		close(devs.d[1].fd);
	}
	m.entries = 4;
	unlink(a);
	unlink(b);
	rmdir(dir);
}

/*
 * A tap of our own, in a network namespace of our own (never the host's), or -1 when this
 * process may not make one. `flags` are the TUNSETIFF flags.
 */
static int make_tap(const char *name, short flags)
{
	static int in_own_netns;
	struct ifreq ifr;
	int fd;

	if (!in_own_netns && unshare(CLONE_NEWNET) < 0)
		return -1;
	in_own_netns = 1;
	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof ifr);
	ifr.ifr_flags = flags;
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void test_net(void)
{
	int p[2], tap0, tap1;
	char opt[64], opt2[64];

	m.entries = 3;
	m.e[1].type = MFT_DEV_NET_BASIC;	/* storage is a net device for this test */
	ok(pipe(p) == 0, "a pipe to offer as a tap");
	snprintf(opt, sizeof opt, "--net:storage=@%d", p[0]);
	PARSE(opt, "--net:service=@999", "k");
	ok(tender_devices_resolve(&o, MFT, "k", &devs, &err) == 0, "two net devices resolved");
	snprintf(opt2, sizeof opt2, "descriptor %d is not a tap device", p[0]);
	refused(tender_devices_open(MFT, &devs, false, &err), opt2, "a descriptor that is no tap");
	PARSE("--net:service=@999", "--net:storage=@999", "k");
	tender_devices_resolve(&o, MFT, "k", &devs, &err);
	refused(tender_devices_open(MFT, &devs, false, &err), "--net:storage=@999: descriptor 999 is not open",
		"a descriptor that is not open");

	tap0 = make_tap("fatatest0", IFF_TAP | IFF_NO_PI);
	tap1 = make_tap("fatatest1", IFF_TAP | IFF_NO_PI);
	if (tap0 < 0 || tap1 < 0) {
		tap_skip(5, "cannot make taps in a network namespace of our own (needs root)");
	} else {
		snprintf(opt, sizeof opt, "--net:storage=@%d", tap0);
		snprintf(opt2, sizeof opt2, "--net:service=@%d", tap1);
		PARSE(opt, opt2, "--net-mac:storage=02:00:00:00:00:2a", "k");
		ok(tender_devices_resolve(&o, MFT, "k", &devs, &err) == 0 &&
		   tender_devices_open(MFT, &devs, false, &err) == 0, "attach two tap descriptors");
		ok(devs.d[1].attached && (fcntl(tap0, F_GETFL) & O_NONBLOCK),
		   "@FD is made non-blocking");
		is_int(devs.d[1].mac[5], 0x2a, "--net-mac sets the MAC");
		ok((devs.d[2].mac[0] & 3) == 2, "a random MAC is unicast and locally administered");
		is_int(devs.d[2].mtu, 1500, "MTU 1500");
	}
	PARSE("--net:storage=nosuchif0", "--net:service=@999", "k");
	tender_devices_resolve(&o, MFT, "k", &devs, &err);
	refused(tender_devices_open(MFT, &devs, false, &err), "there is no network interface 'nosuchif0'",
		"an interface that does not exist");
	PARSE("--net:storage=averyveryverylongname", "--net:service=@999", "k");
	tender_devices_resolve(&o, MFT, "k", &devs, &err);
	refused(tender_devices_open(MFT, &devs, false, &err), "too long for a network interface name",
		"an interface name too long");
	if (tap0 >= 0)
		close(tap0);
	if (tap1 >= 0)
		close(tap1);
	close(p[0]);
	close(p[1]);
	m.e[1].type = MFT_DEV_BLOCK_BASIC;
	m.entries = 4;
}

/* Sets the MTU of interface `name` in our namespace; 0 or -1. */
static int set_mtu(const char *name, int mtu)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), r;

	if (s < 0)
		return -1;
	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
	ifr.ifr_mtu = mtu;
	r = ioctl(s, SIOCSIFMTU, &ifr);
	close(s);
	return r;
}

/* The net device's MTU is its tap's; a handed-over tap's that cannot be read is 1500, noted. */
static void test_net_mtu(void)
{
	int tap, other;
	char opt[160];

	/* Persistent while attached by name (a tap takes one descriptor), then by descriptor. */
	tap = make_tap("fatamtu0", IFF_TAP | IFF_NO_PI);
	if (tap < 0 || ioctl(tap, TUNSETPERSIST, 1) < 0 || set_mtu("fatamtu0", 9000) < 0) {
		tap_skip(12, "cannot make taps in a network namespace of our own (needs root)");
		return;
	}
	close(tap);
	m.entries = 2;
	m.e[1].type = MFT_DEV_NET_BASIC;
	PARSE("--net:storage=fatamtu0", "k");
	ok(tender_devices_resolve(&o, MFT, "k", &devs, &err) == 0 &&
	   tender_devices_open(MFT, &devs, false, &err) == 0, "attach a tap with MTU 9000 by name");
	is_int(devs.d[1].mtu, 9000, "by name: the tap's MTU, 9000");
	is_str(devs.d[1].note, "", "and no note");
	close(devs.d[1].fd);

	tap = make_tap("fatamtu0", IFF_TAP | IFF_NO_PI);
	ioctl(tap, TUNSETPERSIST, 0);
	snprintf(opt, sizeof opt, "--net:storage=@%d", tap);
	PARSE(opt, "k");
	ok(tender_devices_resolve(&o, MFT, "k", &devs, &err) == 0 &&
	   tender_devices_open(MFT, &devs, false, &err) == 0 && devs.d[1].mtu == 9000 &&
	   !devs.d[1].note[0], "as a descriptor: MTU 9000, no note");

	/* The bounds: Linux's taps take 68 to 65521, which is TENDER_NET_MTU_MAX. */
	set_mtu("fatamtu0", 68);
	ok(tender_devices_open(MFT, &devs, false, &err) == 0 && devs.d[1].mtu == 68, "MTU 68 (the least)");
	set_mtu("fatamtu0", 65521);
	ok(tender_devices_open(MFT, &devs, false, &err) == 0 && devs.d[1].mtu == TENDER_NET_MTU_MAX &&
	   !devs.d[1].note[0], "MTU 65521 (the most, 65535 - 14)");
	ok(set_mtu("fatamtu0", 65522) < 0, "Linux refuses MTU 65522 on a tap");
	set_mtu("fatamtu0", 9000);

	/* Into a namespace of its own: the tap's name now means nothing here. */
	if (unshare(CLONE_NEWNET) < 0) {
		tap_skip(5, "cannot make a second network namespace");
		goto out;
	}
	ok(tender_devices_open(MFT, &devs, false, &err) == 0, "a tap from another namespace is attached");
	is_int(devs.d[1].mtu, TENDER_NET_MTU, "with MTU 1500");
	snprintf(opt, sizeof opt, "--net:storage=@%d: cannot read the MTU of tap 'fatamtu0' (it is "
		 "in another network namespace); the guest gets MTU 1500", tap);
	is_str(devs.d[1].note, opt, "and a note saying why");
	/* Here, another interface of the same name with another MTU: not the tap's. */
	other = make_tap("fatamtu0", IFF_TAP | IFF_NO_PI);
	set_mtu("fatamtu0", 1280);
	ok(other >= 0 && tender_devices_open(MFT, &devs, false, &err) == 0 &&
	   devs.d[1].mtu == TENDER_NET_MTU, "a namesake here with MTU 1280 is not taken for it");
	ok(strstr(devs.d[1].note, "another network namespace") != NULL, "and the note says so");
	if (other >= 0)
		close(other);
out:
	close(tap);
	m.e[1].type = MFT_DEV_BLOCK_BASIC;
	m.entries = 4;
}

static void test_block_requests(void)
{
	struct tender_device d = { .block_size = 512, .capacity = 1 << 20 };
	const uint32_t max = TENDER_BLOCK_MULTI_MAX;

	ok(tender_block_request_ok(&d, 0, 0, 512), "one block, base ABI");
	ok(!tender_block_request_ok(&d, 0, 0, 1024), "two blocks without the extension: refused");
	ok(tender_block_request_ok(&d, max, 512, 1024) && tender_block_request_ok(&d, max, 0, max),
	   "block_size << j up to the maximum");
	ok(!tender_block_request_ok(&d, max, 0, 1536), "three blocks: refused");
	ok(!tender_block_request_ok(&d, max, 0, 2 * (uint64_t)max), "beyond the maximum: refused");
	ok(!tender_block_request_ok(&d, max, 0, 0) && !tender_block_request_ok(&d, max, 0, 100),
	   "0 bytes or part of a block: refused");
	ok(!tender_block_request_ok(&d, max, 100, 512), "an unaligned offset: refused");
	ok(tender_block_request_ok(&d, max, (1 << 20) - 1024, 1024) &&
	   !tender_block_request_ok(&d, max, (1 << 20) - 512, 1024),
	   "the end must lie within the capacity");
	ok(!tender_block_request_ok(&d, max, UINT64_MAX - 511, 1024), "an offset near 2^64: refused");
}

int main(void)
{
	uint8_t mac[6];

	test_options();
	test_cmdline();
	test_resolve();
	test_block();
	test_net();
	test_net_mtu();
	test_block_requests();
	ok(tender_parse_mac("fe:dc:BA:98:76:54", mac) == 0 && mac[0] == 0xfe && mac[5] == 0x54,
	   "parse a MAC");
	ok(tender_parse_mac("fe:dc:BA:98:76:5", mac) < 0, "a MAC with a short last byte");
	return tap_done();
}
