/*
 * Unit tests of IPv6 in the direct stack (lib/net/ipv6*.c, icmpv6.c) on the fake interface:
 * the link-local address from the MAC, DAD and its conflicts, MLDv2 reports, neighbour
 * solicitation and resolution, echo, extension headers as RFC 8200 says, fragments (reassembly,
 * overlaps, bad lengths), Packet Too Big, SLAAC from a router advertisement, and the text form
 * of addresses. Frames are built here from the RFCs, not with lib/net/.
 */
#include <errno.h>
#include <string.h>

#include "../../lib/net/stack.h"
#include "net_fake.h"
#include "tap.h"

static struct fata_key no_keys[1];
const struct fata_unikernel fata_unikernel = { .name = "test", .keys = no_keys };

static struct fake_netif *f;
static struct fata_stack *s;
static uint8_t fr[FRAME_MAX], out[FRAME_MAX];

static const uint8_t our_ll[16] = { 0xfe, 0x80, [11] = 0xff, [12] = 0xfe, [15] = 0x02 };
static const uint8_t our_global[16] = { 0xfd, 0x98, 0x18, 0x00, [15] = 0x02 };
static const uint8_t peer_global[16] = { 0xfd, 0x98, 0x18, 0x00, [15] = 0x01 };
static const uint8_t peer_ll[16] = { 0xfe, 0x80, [15] = 0x01 };
static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 0x01 };

static struct fata_stack_stats stats(void)
{
	struct fata_stack_stats st;

	fata_stack_stats(s, &st);
	return st;
}

/* The ICMPv6 checksum over the pseudo-header (RFC 8200 8.1) and `len` bytes at m. */
static uint16_t csum6(const uint8_t *src, const uint8_t *dst, const uint8_t *m, size_t len,
		      uint8_t next)
{
	uint32_t sum = 0;

	for (int i = 0; i < 16; i += 2)
		sum += (uint32_t)(src[i] << 8 | src[i + 1]) + (uint32_t)(dst[i] << 8 | dst[i + 1]);
	sum += (uint32_t)(len >> 16) + (uint32_t)(len & 0xffff) + next;
	return t_csum(m, len, sum);
}

/* Ethernet + IPv6 header from the peer; `plen` bytes of payload follow at f + 54. */
static size_t ip6(uint8_t *f, const uint8_t *dmac, const uint8_t *src, const uint8_t *dst,
		  uint8_t next, uint8_t hlim, size_t plen)
{
	t_eth(f, dmac, peer_mac, 0x86dd);
	memset(f + 14, 0, 40);
	f[14] = 0x60;
	t_put16(f + 18, (uint16_t)plen);
	f[20] = next;
	f[21] = hlim;
	memcpy(f + 22, src, 16);
	memcpy(f + 38, dst, 16);
	return 54 + plen;
}

/* An ICMPv6 message (type, code, 4 bytes, data) at `off` bytes into the payload, checksummed. */
static void icmp6_at(uint8_t *f, size_t off, uint8_t type, uint8_t code, uint32_t rest,
		     const void *data, size_t dlen)
{
	uint8_t *m = f + 54 + off;

	m[0] = type;
	m[1] = code;
	t_put16(m + 2, 0);
	t_put32(m + 4, rest);
	memcpy(m + 8, data, dlen);
	t_put16(m + 2, csum6(f + 22, f + 38, m, 8 + dlen, 58));
}

static size_t ping6(uint8_t *f, const uint8_t *src, const uint8_t *dst, uint16_t seq,
		    const void *data, size_t dlen)
{
	size_t n = ip6(f, stack_mac, src, dst, 58, 64, 8 + dlen);

	icmp6_at(f, 0, 128, 0, 0xbeef0000u | seq, data, dlen);
	return n;
}

/* Takes written frames until an IPv6 one whose first next header is `next` (and, for ICMPv6,
 * of `type`), or -1. */
static long expect6(uint8_t next, int type, uint64_t timeout)
{
	uint64_t deadline = fata_monotonic_ns() + timeout;

	for (;;) {
		long n = fake_take(f, out, sizeof(out), deadline);

		if (n < 0)
			return -1;
		if (n >= 54 && t_get16(out + 12) == 0x86dd && out[20] == next &&
		    (type < 0 || (n >= 55 && out[54] == type)))
			return n;
	}
}

static int count6(int type)
{
	long n;
	int c = 0;

	while ((n = fake_take(f, out, sizeof(out), 0)) > 0)
		c += n >= 55 && t_get16(out + 12) == 0x86dd && out[20] == 58 && out[54] == type;
	return c;
}

/* Tells the stack the peer's MAC with a neighbour solicitation for our global address. */
static void teach_peer(const uint8_t *peer, const uint8_t *target)
{
	uint8_t body[24];
	size_t n;

	memcpy(body, target, 16);
	body[16] = 1;
	body[17] = 1;
	memcpy(body + 18, peer_mac, 6);
	n = ip6(fr, stack_mac, peer, target, 58, 255, 8 + 24);
	icmp6_at(fr, 0, 135, 0, 0, body, 24);
	fake_inject(f, fr, n);
	fake_settle();
}

/* Injects `late_frame` into `late_if` a little after it starts: while a stack is being made. */
static struct fake_netif *late_if;
static uint8_t late_frame[128];
static size_t late_len;

static int inject_late(void *arg)
{
	(void)arg;
	fata_sleep_ns(FATA_MS(30));
	fake_inject(late_if, late_frame, late_len);
	return 0;
}

static void text_tests(void)
{
	uint8_t a[16];
	char buf[FATA_IPV6_STRLEN];
	struct fata_ipv6_prefix p;
	static const char *const good[][2] = {
		{ "::", "::" }, { "::1", "::1" }, { "fe80::1", "fe80::1" },
		{ "FD98:1800:0:0:0:0:0:2", "fd98:1800::2" }, { "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8" },
		{ "1:0:0:2:0:0:0:3", "1:0:0:2::3" }, { "1::", "1::" }, { "1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0" },
		{ "::ffff:198.18.0.1", "::ffff:c612:1" }, { "2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1" },
	};
	static const char *const bad[] = {
		"", ":", ":::", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", "g::", "1:2:3:4:5:6:7",
		"::1.2.3", "1:", ":1", "1:2:3:4:5:6:7:8::", "fe80::1%eth0",
	};
	int good_ok = 1, bad_ok = 1;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		if (fata_ipv6_parse(good[i][0], a) < 0 || strcmp(fata_ipv6_format(a, buf), good[i][1])) {
			printf("# %s -> %s\n", good[i][0], fata_ipv6_parse(good[i][0], a) < 0 ? "error" : buf);
			good_ok = 0;
		}
	}
	ok(good_ok, "IPv6 text: parsed, and formatted as RFC 5952 says");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (fata_ipv6_parse(bad[i], a) == 0) {
			printf("# accepted %s\n", bad[i]);
			bad_ok = 0;
		}
	}
	ok(bad_ok, "malformed IPv6 text refused");
	ok(fata_ipv6_prefix_parse("fd98:1800::2/64", &p) == 0 && p.len == 64 && p.addr[15] == 2 &&
	   fata_ipv6_prefix_parse("fd98::/129", &p) < 0, "ADDR/PREFIX parsed, 129 refused");
}

int main(void)
{
	struct fata_stack_config cfg = {
		.name = "stack", .ipv4 = { STACK_IP, 24 }, .ipv6 = true,
		.ipv6_addr = { { 0xfd, 0x98, 0x18, 0x00, [15] = 0x02 }, 64 }, .accept_ra = true,
	};
	struct fata_stack_stats a, b;
	struct fata_ipv6_config c6;
	uint8_t data[1600], sn[16] = { 0xff, 0x02, [11] = 1, [12] = 0xff, [15] = 2 };
	uint8_t snmac[6] = { 0x33, 0x33, 0xff, 0, 0, 2 };
	int dad_ns = 0, mld = 0, mld_hbh = 0;
	long n, got;

	t_logs();
	text_tests();
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7);
	net_tunables_default.dad_delay_ns = 0;
	net_tunables_default.nd_retrans_ns = FATA_MS(50);
	net_tunables_default.rs_interval_ns = FATA_MS(50);
	net_tunables_default.ipv6_reasm_timeout_ns = FATA_MS(300);

	f = fake_netif_new(stack_mac, 1500);
	s = fata_stack_create(f->netif, &cfg);
	ok(s != NULL, "a dual-stack stack on the fake interface");
	if (!s)
		return tap_done();
	c6 = fata_stack_ipv6(s);
	ok(c6.enabled && memcmp(c6.addrs[0].addr.addr, our_ll, 16) == 0 &&
	   c6.addrs[0].state == FATA_IPV6_PREFERRED, "link-local fe80::ff:fe00:2 from the MAC, preferred");
	ok(memcmp(c6.addrs[1].addr.addr, our_global, 16) == 0 && c6.addrs[1].addr.len == 64 &&
	   c6.addrs[1].state == FATA_IPV6_PREFERRED, "--ipv6 fd98:1800::2/64 preferred after DAD");
	/* What it sent meanwhile: DAD solicitations from :: and MLDv2 reports. */
	while ((n = fake_take(f, out, sizeof(out), 0)) > 0) {
		if (n < 54 || t_get16(out + 12) != 0x86dd)
			continue;
		if (out[20] == 58 && out[54] == 135 && memcmp(out + 22, (uint8_t[16]){ 0 }, 16) == 0 &&
		    memcmp(out + 38, sn, 16) == 0 && memcmp(out, snmac, 6) == 0 && out[21] == 255 &&
		    memcmp(out + 62, our_global, 16) == 0 && n == 54 + 24 &&
		    csum6(out + 22, out + 38, out + 54, 24, 58) == 0)
			dad_ns++;
		if (out[20] == 0 && out[54] == 58 && out[56] == 5 && out[62] == 143 && out[21] == 1 &&
		    out[53] == 0x16 && memcmp(out, (uint8_t[6]){ 0x33, 0x33, 0, 0, 0, 0x16 }, 6) == 0) {
			mld_hbh++;
			mld += csum6(out + 22, out + 38, out + 62, (size_t)n - 62, 58) == 0;
		}
	}
	is_int(dad_ns, 1, "one DAD solicitation for the global address: from ::, to its solicited-node group");
	ok(mld_hbh >= 2 && mld == mld_hbh, "MLDv2 reports to ff02::16 with router alert, hop limit 1, valid checksums");

	/* Neighbour solicitation for our address: a solicited advertisement with our MAC. */
	teach_peer(peer_global, our_global);
	got = expect6(58, 136, FATA_MS(100));
	ok(got >= 54 + 32 && memcmp(out, peer_mac, 6) == 0 && memcmp(out + 38, peer_global, 16) == 0 &&
	   memcmp(out + 22, our_global, 16) == 0 && (out[58] & 0x60) == 0x60 &&
	   memcmp(out + 62, our_global, 16) == 0 && out[78] == 2 && memcmp(out + 80, stack_mac, 6) == 0,
	   "NS answered: NA solicited+override, target and TLLA ours, to the peer");
	ok(csum6(out + 22, out + 38, out + 54, (size_t)got - 54, 58) == 0 && out[21] == 255,
	   "with a valid checksum and hop limit 255");
	/* ND with a hop limit under 255 was forwarded: ignored. */
	a = stats();
	n = ip6(fr, stack_mac, peer_global, our_global, 58, 64, 24);
	icmp6_at(fr, 0, 135, 0, 0, our_global, 16);
	fake_inject(f, fr, (size_t)n);
	fake_settle();
	b = stats();
	is_int(b.icmpv6.drop_bad - a.icmpv6.drop_bad, 1, "NS with hop limit 64: dropped");
	is_int(count6(136), 0, "and not answered");

	/* Echo to the global and the link-local address. */
	n = (long)ping6(fr, peer_global, our_global, 1, data, 56);
	fake_inject(f, fr, (size_t)n);
	got = expect6(58, 129, FATA_MS(100));
	ok(got == n && memcmp(out + 22, our_global, 16) == 0 && memcmp(out + 38, peer_global, 16) == 0 &&
	   t_get16(out + 58) == 0xbeef && t_get16(out + 60) == 1 && memcmp(out + 62, data, 56) == 0 &&
	   csum6(out + 22, out + 38, out + 54, 64, 58) == 0, "echo to fd98:1800::2 answered, data and checksum right");
	teach_peer(peer_ll, our_ll);
	fake_clear(f);
	n = (long)ping6(fr, peer_ll, our_ll, 2, data, 10);
	fake_inject(f, fr, (size_t)n);
	got = expect6(58, 129, FATA_MS(100));
	ok(got == n && memcmp(out + 22, our_ll, 16) == 0 && memcmp(out + 38, peer_ll, 16) == 0,
	   "echo to the link-local address answered from it");
	/* To all-nodes: answered from the link-local address. */
	n = (long)ping6(fr, peer_ll, all_nodes, 3, data, 10);
	memcpy(fr, (uint8_t[6]){ 0x33, 0x33, 0, 0, 0, 1 }, 6);
	fake_inject(f, fr, (size_t)n);
	got = expect6(58, 129, FATA_MS(100));
	ok(got == n && memcmp(out + 22, our_ll, 16) == 0, "echo to ff02::1 answered from fe80::ff:fe00:2");
	/* A group we did not join: dropped by Ethernet. */
	a = stats();
	n = (long)ping6(fr, peer_ll, (uint8_t[16]){ 0xff, 0x02, [15] = 0x99 }, 4, data, 10);
	memcpy(fr, (uint8_t[6]){ 0x33, 0x33, 0, 0, 0, 0x99 }, 6);
	fake_inject(f, fr, (size_t)n);
	fake_settle();
	b = stats();
	is_int(b.eth.drop_not_for_us - a.eth.drop_not_for_us, 1, "multicast to a group not joined: dropped");
	is_int(count6(129), 0, "not answered");

	/* Unknown next header: parameter problem code 1 pointing at byte 6. */
	n = ip6(fr, stack_mac, peer_global, our_global, 253, 64, 8);
	memset(fr + 54, 0, 8);
	fake_inject(f, fr, (size_t)n);
	got = expect6(58, 4, FATA_MS(100));
	ok(got == 54 + 8 + 48 && out[55] == 1 && t_get32(out + 58) == 6 &&
	   memcmp(out + 62, fr + 14, 48) == 0, "next header 253: parameter problem code 1, pointer 6, quoting the packet");

	/* Destination options: an unknown option to skip (00), to discard (01), to report (10). */
	{
		static const uint8_t types[3] = { 0x1e, 0x5e, 0x9e };
		int replies[3], probs[3];

		for (int i = 0; i < 3; i++) {
			n = ip6(fr, stack_mac, peer_global, our_global, 60, 64, 8 + 8 + 8);
			memset(fr + 54, 0, 8);
			fr[54] = 58;
			fr[56] = types[i];
			fr[57] = 4;
			icmp6_at(fr, 8, 128, 0, 0xbeef0000u | 9, data, 8);
			fake_inject(f, fr, (size_t)n);
			fake_settle();
			replies[i] = 0;
			probs[i] = 0;
			while ((got = fake_take(f, out, sizeof(out), 0)) > 0) {
				replies[i] += out[20] == 58 && out[54] == 129;
				probs[i] += out[20] == 58 && out[54] == 4 && out[55] == 2 &&
					    t_get32(out + 58) == 42;
			}
		}
		ok(replies[0] == 1 && probs[0] == 0, "option type 0x1e (skip): the echo behind it answered");
		ok(replies[1] == 0 && probs[1] == 0, "option type 0x5e (discard): silently dropped");
		ok(replies[2] == 0 && probs[2] == 1, "option type 0x9e: parameter problem code 2 pointing at it");
	}
	/* Routing header: segments left 0 is skipped, anything else refused. */
	for (int left = 0; left < 2; left++) {
		n = ip6(fr, stack_mac, peer_global, our_global, 43, 64, 8 + 8 + 8);
		memset(fr + 54, 0, 8);
		fr[54] = 58;
		fr[56] = 4;
		fr[57] = (uint8_t)left;
		icmp6_at(fr, 8, 128, 0, 0xbeef0000u | 10, data, 8);
		fake_inject(f, fr, (size_t)n);
		got = expect6(58, left ? 4 : 129, FATA_MS(100));
		if (left)
			ok(got > 0 && out[55] == 0 && t_get32(out + 58) == 42,
			   "routing header with a segment left: parameter problem code 0 at its type");
		else
			ok(got > 0, "routing header with no segment left: skipped, echo answered");
	}
	/* Hop-by-hop options after another header: refused. */
	n = ip6(fr, stack_mac, peer_global, our_global, 60, 64, 8 + 8 + 16);
	memset(fr + 54, 0, 16);
	fr[54] = 0;
	fr[62] = 58;
	icmp6_at(fr, 16, 128, 0, 0, data, 8);
	fake_inject(f, fr, (size_t)n);
	got = expect6(58, 4, FATA_MS(100));
	ok(got > 0 && out[55] == 1 && t_get32(out + 58) == 40, "hop-by-hop options not first: parameter problem at the field naming it");

	/* Fragments: an echo of 1200 bytes in two pieces, second first. */
	{
		uint8_t whole[8 + 1200], f2[FRAME_MAX];
		size_t m1 = 1200 / 2 & ~7u, m2 = 8 + 1200 - m1;

		n = (long)ping6(fr, peer_global, our_global, 11, data, 1200);
		memcpy(whole, fr + 54, sizeof(whole));
		/* Second piece. */
		ip6(f2, stack_mac, peer_global, our_global, 44, 64, 8 + m2);
		memset(f2 + 54, 0, 8);
		f2[54] = 58;
		t_put16(f2 + 56, (uint16_t)m1);
		t_put32(f2 + 58, 0x1234);
		memcpy(f2 + 62, whole + m1, m2);
		fake_inject(f, f2, 62 + m2);
		ip6(fr, stack_mac, peer_global, our_global, 44, 64, 8 + m1);
		memset(fr + 54, 0, 8);
		fr[54] = 58;
		t_put16(fr + 56, 1);
		t_put32(fr + 58, 0x1234);
		memcpy(fr + 62, whole, m1);
		fake_inject(f, fr, 62 + m1);
		got = expect6(58, 129, FATA_MS(200));
		ok(got == 54 + 8 + 1200 && memcmp(out + 62, data, 1200) == 0 &&
		   csum6(out + 22, out + 38, out + 54, 1208, 58) == 0, "fragmented echo reassembled and answered");
		/* Overlap: the same, with the second piece starting 8 bytes early. */
		a = stats();
		t_put32(f2 + 58, 0x1235);
		t_put16(f2 + 56, (uint16_t)(m1 - 8));
		fake_inject(f, f2, 62 + m2);
		t_put32(fr + 58, 0x1235);
		fake_inject(f, fr, 62 + m1);
		fake_settle();
		b = stats();
		is_int(b.ipv6.reasm_overlap - a.ipv6.reasm_overlap, 1, "overlapping fragments: the packet dropped");
		is_int(count6(129), 0, "and not answered");
		/* A non-last fragment of 100 bytes: parameter problem pointing at the payload length. */
		t_put32(fr + 58, 0x1236);
		t_put16(fr + 18, 8 + 100);
		fake_inject(f, fr, 62 + 100);
		got = expect6(58, 4, FATA_MS(100));
		ok(got > 0 && out[55] == 0 && t_get32(out + 58) == 4, "fragment not a multiple of 8: parameter problem at byte 4");
		/* The first piece alone: after the timeout, time exceeded in reassembly. */
		t_put32(fr + 58, 0x1237);
		t_put16(fr + 18, (uint16_t)(8 + m1));
		fake_inject(f, fr, 62 + m1);
		got = expect6(58, 3, FATA_MS(1000));
		ok(got > 0 && out[55] == 1, "a lone first fragment: time exceeded (reassembly) after the timeout");
	}

	/* Packet Too Big: the path MTU drops to 1280 and a large reply goes out in fragments. */
	{
		uint8_t ptb[8 + 1232];
		int frags = 0;
		size_t total = 0;

		n = (long)ping6(fr, peer_global, our_global, 12, data, 1400);
		memcpy(ptb, fr + 14, 40 + 8 + 1232 - 40);
		n = ip6(fr, stack_mac, peer_global, our_global, 58, 64, 8 + 1232);
		/* Quote a packet we sent to peer_global. */
		memset(ptb, 0, sizeof(ptb));
		ptb[0] = 0x60;
		memcpy(ptb + 8, our_global, 16);
		memcpy(ptb + 24, peer_global, 16);
		icmp6_at(fr, 0, 2, 0, 1280, ptb, 1232);
		fake_inject(f, fr, (size_t)n);
		fake_settle();
		b = stats();
		ok(b.ipv6.pmtu_updates >= 1 && b.icmpv6.too_big_rx >= 1, "Packet Too Big taken");
		n = (long)ping6(fr, peer_global, our_global, 13, data, 1400);
		fake_inject(f, fr, (size_t)n);
		fake_settle();
		while ((got = fake_take(f, out, sizeof(out), 0)) > 0) {
			if (out[20] == 44) {
				frags++;
				total += (size_t)got - 62;
				ok(got - 14 <= 1280, "fragment within 1280 bytes");
			}
		}
		ok(frags == 2 && total == 8 + 1400, "the 1448-byte reply went out in 2 fragments");
	}

	/* SLAAC: an RA from fe80::1 with prefix fd98:1800:0:1::/64 (A, L) and MTU 1400. */
	{
		uint8_t ra[8 + 8 + 32 + 8];
		const uint8_t want[16] = { 0xfd, 0x98, 0x18, 0, 0, 0, 0, 1, 0, 0, 0, 0xff, 0xfe, 0, 0, 2 };

		memset(ra, 0, sizeof(ra));
		/* cur hop limit, flags, router lifetime in `rest`; reachable, retrans: 0. */
		ra[8] = 5;
		ra[9] = 1;
		t_put32(ra + 12, 1400);
		ra[16] = 3;
		ra[17] = 4;
		ra[18] = 64;
		ra[19] = 0xc0;
		t_put32(ra + 20, 3600);
		t_put32(ra + 24, 1800);
		memcpy(ra + 32, (uint8_t[8]){ 0xfd, 0x98, 0x18, 0, 0, 0, 0, 1 }, 8);
		ra[48] = 1;
		ra[49] = 1;
		memcpy(ra + 50, peer_mac, 6);
		n = ip6(fr, (uint8_t[6]){ 0x33, 0x33, 0, 0, 0, 1 }, peer_ll, all_nodes, 58, 255, 8 + sizeof(ra));
		icmp6_at(fr, 0, 134, 0, 64u << 24 | 1800, ra, sizeof(ra));
		fake_inject(f, fr, (size_t)n);
		fake_settle();
		fata_sleep_ns(FATA_MS(200));
		c6 = fata_stack_ipv6(s);
		ok(memcmp(c6.addrs[2].addr.addr, want, 16) == 0 && c6.addrs[2].autoconf &&
		   c6.addrs[2].state == FATA_IPV6_PREFERRED, "SLAAC: fd98:1800:0:1:0:ff:fe00:2 preferred after DAD");
		ok(memcmp(c6.router, peer_ll, 16) == 0 && c6.mtu == 1400, "default router fe80::1, MTU 1400");
		ok(fata_stack_wait_ipv6(s, 0) == 0, "fata_stack_wait_ipv6: a global address is there");
		/* Off-link now goes to the router. */
		fake_clear(f);
	}

	/* UDP over IPv6: received with its IPv6 sender, answered, checksum mandatory. */
	{
		struct fata_udp *u = fata_udp_bind(s, 7);
		struct fata_ip_addr src;
		uint16_t sport = 0;
		uint8_t buf[64];
		long r;

		teach_peer(peer_global, our_global);
		fake_clear(f);
		n = ip6(fr, stack_mac, peer_global, our_global, 17, 64, 8 + 5);
		t_put16(fr + 54, 4444);
		t_put16(fr + 56, 7);
		t_put16(fr + 58, 13);
		t_put16(fr + 60, 0);
		memcpy(fr + 62, "hello", 5);
		t_put16(fr + 60, csum6(fr + 22, fr + 38, fr + 54, 13, 17));
		fake_inject(f, fr, (size_t)n);
		r = fata_udp_recv_addr(u, buf, sizeof(buf), &src, &sport, fata_monotonic_ns() + FATA_MS(100));
		ok(r == 5 && memcmp(buf, "hello", 5) == 0 && src.family == FATA_AF_INET6 &&
		   memcmp(src.v6, peer_global, 16) == 0 && sport == 4444, "UDP over IPv6: datagram and its IPv6 sender");
		ok(fata_udp_send_addr(u, &src, sport, "world", 5) == 0, "fata_udp_send_addr to it");
		got = expect6(17, -1, FATA_MS(100));
		ok(got == 54 + 13 && memcmp(out + 22, our_global, 16) == 0 && t_get16(out + 54) == 7 &&
		   t_get16(out + 56) == 4444 && memcmp(out + 62, "world", 5) == 0 &&
		   csum6(out + 22, out + 38, out + 54, 13, 17) == 0, "the answer: ports, data, checksum over the IPv6 pseudo-header");
		a = stats();
		t_put16(fr + 60, 0);
		fake_inject(f, fr, (size_t)n);
		fake_settle();
		b = stats();
		is_int(b.udp.drop_checksum - a.udp.drop_checksum, 1, "checksum 0 over IPv6: dropped (RFC 8200 8.1)");
		t_put16(fr + 56, 9);
		t_put16(fr + 60, 0);
		t_put16(fr + 60, csum6(fr + 22, fr + 38, fr + 54, 13, 17));
		fake_inject(f, fr, (size_t)n);
		got = expect6(58, 1, FATA_MS(100));
		ok(got > 0 && out[55] == 4 && memcmp(out + 62, fr + 14, 40 + 13) == 0,
		   "a closed port: ICMPv6 port unreachable quoting the datagram");
		fata_udp_close(u);
	}

	/* DAD conflict: an address another host answers for is never used. */
	{
		struct fata_stack_config cfg2 = cfg;
		struct fake_netif *f2 = fake_netif_new((uint8_t[6]){ 2, 0, 0, 0, 0, 3 }, 1500);
		struct fata_stack *s2;
		uint8_t na[16 + 8];
		const uint8_t dup[16] = { 0xfd, 0x98, 0x18, 0x00, [15] = 0x07 };

		net_tunables_default.nd_retrans_ns = FATA_MS(300);
		memcpy(cfg2.ipv6_addr.addr, dup, 16);
		/* Answer the DAD probe the way another owner would (RFC 4861 7.2.4). */
		memcpy(na, dup, 16);
		na[16] = 2;
		na[17] = 1;
		memcpy(na + 18, peer_mac, 6);
		n = ip6(fr, (uint8_t[6]){ 0x33, 0x33, 0, 0, 0, 1 }, dup, all_nodes, 58, 255, 8 + 24);
		icmp6_at(fr, 0, 136, 0, 0x20u << 24, na, 24);
		late_if = f2;
		memcpy(late_frame, fr, (size_t)n);
		late_len = (size_t)n;
		fata_detach(fata_spawn(inject_late, NULL, 0));
		s2 = fata_stack_create(f2->netif, &cfg2);
		ok(s2 != NULL, "a second stack with fd98:1800::7");
		if (s2) {
			c6 = fata_stack_ipv6(s2);
			ok(c6.addrs[1].state == FATA_IPV6_DUPLICATE, "another host has it: DUPLICATE");
			fata_stack_stats(s2, &b);
			is_int(b.icmpv6.dad_conflicts, 1, "one DAD conflict counted");
			fata_stack_disconnect(s2);
		}
	}

	fata_stack_disconnect(s);
	return tap_done();
}
