/*
 * Test guest: declares a block device "storage" and a network device "service". Its command line
 * picks what it does:
 *   (nothing)  print what the manifest copy says about both devices
 *   net        send a broadcast frame, find nothing to read (AGAIN), sleep 20 ms in a yield
 *   netrecv    wait up to 5 s for a frame and print its ethertype
 */
#define MFT_ENTRIES 3
#include "guest.h"

MFT1_NOTE_DECLARE_BEGIN
	{ .name = "", .type = MFT_RESERVED_FIRST },
	{ .name = "storage", .type = MFT_DEV_BLOCK_BASIC },
	{ .name = "service", .type = MFT_DEV_NET_BASIC },
MFT1_NOTE_DECLARE_END

static uint8_t frame[1514];

static void print_hex(uint64_t v, int digits)
{
	char s[17];

	for (int i = digits - 1; i >= 0; i--, v >>= 4)
		s[i] = "0123456789abcdef"[v & 15];
	s[digits] = 0;
	print(s);
}

static void print_u64(uint64_t v)
{
	char s[24];
	int i = sizeof s;

	s[--i] = 0;
	do
		s[--i] = (char)('0' + v % 10);
	while (v /= 10);
	print(s + i);
}

#ifdef GUEST_SPT
#define SYS_clock_gettime 228
#define SYS_timerfd_settime 286
#define SYS_epoll_pwait 281
#define EAGAIN 11

struct epoll_event {
	uint32_t events;
	uint64_t data;
} __attribute__((packed));

static long net_write(const struct mft_entry *e, unsigned h, size_t len)
{
	(void)h;
	return sys(SYS_write, e->b.hostfd, (long)frame, (long)len, 0) == (long)len ? 0 : -1;
}

/* 0 and *len, SOLO5_R_AGAIN, or -1. */
static long net_read(const struct mft_entry *e, unsigned h, size_t *len)
{
	long n = sys(SYS_read, e->b.hostfd, (long)frame, sizeof frame, 0);

	(void)h;
	if (n == -EAGAIN)
		return SOLO5_R_AGAIN;
	if (n < 0)
		return -1;
	*len = (size_t)n;
	return 0;
}

/* Waits up to `ns`; returns the ready handle set (the timer is not in it). */
static uint64_t yield(const boot_info *bi, uint64_t ns)
{
	struct { int64_t isec, insec, sec, nsec; } it = { 0, 0, (int64_t)(ns / 1000000000u),
							  (int64_t)(ns % 1000000000u) };
	struct epoll_event ev[4];
	uint64_t set = 0;
	long n;

	sys(SYS_timerfd_settime, bi->timerfd, 0, (long)&it, 0);
	{
		register long r10 __asm__("r10") = -1;
		register long r8 __asm__("r8") = 0;
		register long r9 __asm__("r9") = 8;

		__asm__ __volatile__("syscall"
				     : "=a"(n)
				     : "a"(SYS_epoll_pwait), "D"(bi->epollfd), "S"(ev), "d"(4),
				       "r"(r10), "r"(r8), "r"(r9)
				     : "rcx", "r11", "memory");
	}
	for (long i = 0; i < n; i++)
		if (ev[i].data != SPT_INTERNAL_TIMERFD)
			set |= 1ull << ev[i].data;
	return set;
}
#else
static long net_write(const struct mft_entry *e, unsigned h, size_t len)
{
	struct hvt_hc_net_write a = { .handle = h, .data = (uint64_t)(uintptr_t)frame, .len = len };

	(void)e;
	hvt_hypercall(HVT_HYPERCALL_NET_WRITE, &a);
	return a.ret == SOLO5_R_OK ? 0 : -1;
}

static long net_read(const struct mft_entry *e, unsigned h, size_t *len)
{
	struct hvt_hc_net_read a = { .handle = h, .data = (uint64_t)(uintptr_t)frame,
				     .len = sizeof frame };

	(void)e;
	hvt_hypercall(HVT_HYPERCALL_NET_READ, &a);
	if (a.ret == SOLO5_R_OK)
		*len = a.len;
	return a.ret == SOLO5_R_OK ? 0 : a.ret == SOLO5_R_AGAIN ? SOLO5_R_AGAIN : -1;
}

static uint64_t yield(const boot_info *bi, uint64_t ns)
{
	struct hvt_hc_poll a = { .timeout_nsecs = ns };

	(void)bi;
	hvt_hypercall(HVT_HYPERCALL_POLL, &a);
	return a.ready_set;
}
#endif

int guest_main(const boot_info *bi)
{
	const char *cmd = (const char *)(uintptr_t)bi->cmdline;
	unsigned hs = guest_device(bi, "storage"), hn = guest_device(bi, "service");
	const struct mft_entry *s = &guest_mft(bi)->e[hs], *n = &guest_mft(bi)->e[hn];
	size_t len = 0;

	if (!hs || !hn || !s->attached || !n->attached) {
		print("devices missing from the manifest copy\n");
		return 1;
	}
	if (cmd[0] == 0) {
		print("storage: capacity ");
		print_u64(s->u.block_basic.capacity);
		print(" block_size ");
		print_u64(s->u.block_basic.block_size);
		print("\nservice: mac ");
		for (int i = 0; i < 6; i++) {
			print_hex(n->u.net_basic.mac[i], 2);
			print(i < 5 ? ":" : "");
		}
		print(" mtu ");
		print_u64(n->u.net_basic.mtu);
		print("\n");
	} else if (str_eq(cmd, "net")) {
		for (int i = 0; i < 6; i++) {
			frame[i] = 0xff;
			frame[6 + i] = n->u.net_basic.mac[i];
		}
		frame[12] = 0x88;	/* local experimental ethertype */
		frame[13] = 0xb5;
		print(net_write(n, hn, 60) == 0 ? "write: ok\n" : "write: failed\n");
		print(net_read(n, hn, &len) == SOLO5_R_AGAIN ? "read: again\n" : "read: not again\n");
		print(yield(bi, 20000000) == 0 ? "yield: timer\n" : "yield: ready\n");
	} else if (str_eq(cmd, "netrecv")) {
		for (int i = 0; i < 250; i++) {
			if (yield(bi, 20000000) & (1ull << hn))
				break;
		}
		if (net_read(n, hn, &len) != 0 || len < 14) {
			print("no frame\n");
			return 1;
		}
		print("frame: ethertype 0x");
		print_hex((uint64_t)frame[12] << 8 | frame[13], 4);
		print("\n");
	} else {
		print("unknown command\n");
		return 2;
	}
	return 0;
}
