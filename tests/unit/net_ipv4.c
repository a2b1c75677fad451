/* Unit tests of IPv4 (lib/net/ipv4.c, ipv4_reasm.c) on the fake interface: header checks, TTL,
 * fragmentation on send, reassembly (in order, out of order, duplicates, overlaps, timeout,
 * limits), routing, and the protocol registration TCP will use. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/net/stack.h"
#include "net_fake.h"
#include "tap.h"

static struct fata_key no_keys[1];
const struct fata_unikernel fata_unikernel = { .name = "test", .keys = no_keys };

static struct fake_netif *f;
static struct fata_stack *s;
static uint8_t fr[FRAME_MAX], out[FRAME_MAX];

static struct fata_stack_stats stats(void)
{
	struct fata_stack_stats st;

	fata_stack_stats(s, &st);
	return st;
}

/* One fragment of a UDP datagram from the peer: `data` is the IP payload piece at `off`. */
static size_t frag_frame(uint16_t id, size_t off, bool more, const uint8_t *data, size_t len)
{
	size_t n = t_eth(fr, stack_mac, peer_mac, 0x0800);

	n += t_ip(fr + n, PEER_IP, STACK_IP, 17, len, id, (uint16_t)((more ? 0x2000 : 0) | off / 8), 64);
	memcpy(fr + n, data, len);
	return n + len;
}

/* A whole UDP datagram (header + `dlen` pattern bytes) to port 7000, as an IP payload. */
static size_t udp_payload(uint8_t *u, size_t dlen, uint8_t seed)
{
	t_put16(u, 4444);
	t_put16(u + 2, 7000);
	t_put16(u + 4, (uint16_t)(8 + dlen));
	t_put16(u + 6, 0);
	for (size_t i = 0; i < dlen; i++)
		u[8 + i] = (uint8_t)(i * 7 + seed);
	t_put16(u + 6, t_udp_csum(PEER_IP, STACK_IP, u, 8 + dlen));
	return 8 + dlen;
}

/* Sends the payload in fragments of `piece` bytes, in the order given by `order` (indices). */
static void send_frags(uint16_t id, const uint8_t *p, size_t len, size_t piece, const int *order,
		       int norder)
{
	for (int k = 0; k < norder; k++) {
		size_t off = (size_t)order[k] * piece, this = len - off < piece ? len - off : piece;

		fake_inject(f, fr, frag_frame(id, off, off + this < len, p + off, this));
	}
}

static int check_recv(struct fata_udp *u, const uint8_t *p, size_t len)
{
	static uint8_t buf[70000];
	long n = fata_udp_recv(u, buf, sizeof(buf), NULL, NULL, fata_monotonic_ns() + FATA_MS(100));

	return n == (long)(len - 8) && memcmp(buf, p + 8, len - 8) == 0;
}

static int proto_calls;
static size_t proto_len;
static void *proto_ctx;

static void test_proto(void *ctx, const struct ipv4_rx *rx, const uint8_t *data, size_t len)
{
	(void)rx;
	(void)data;
	proto_calls++;
	proto_len = len;
	proto_ctx = ctx;
}

struct sender {
	struct fata_udp *u;
	uint32_t dst;
	size_t len;
	int result;
};

static int send_fiber(void *arg)
{
	struct sender *sd = arg;
	static uint8_t big[70000];

	for (size_t i = 0; i < sd->len; i++)
		big[i] = (uint8_t)(i * 13 + 1);
	sd->result = fata_udp_send(sd->u, sd->dst, 9, big, sd->len);
	return 0;
}

static int send_now(struct fata_udp *u, uint32_t dst, size_t len)
{
	struct sender sd = { u, dst, len, 1 };
	struct fata_fiber *fib = fata_spawn(send_fiber, &sd, 0);

	fake_settle();
	if (sd.result == 1) {
		/* Still resolving: answer for whoever it asks. */
		long n;

		while ((n = fake_take(f, out, sizeof(out), 0)) > 0) {
			if (t_get16(out + 12) == 0x0806) {
				size_t l = t_arp(fr, 2, peer_mac, t_get32(out + 14 + 24), stack_mac,
						 STACK_IP, stack_mac);

				fake_inject(f, fr, l);
			}
		}
	}
	fata_join(fib);
	return sd.result;
}

static void test_header_checks(void)
{
	struct fata_stack_stats a = stats(), b;
	static const uint8_t data[] = "abcdefgh";
	size_t n;

	n = t_ping(fr, PEER_IP, STACK_IP, 1, 1, data, 8);
	fake_inject(f, fr, 14 + 19);			/* 19 bytes of IP */
	fr[14] = 0x65;					/* version 6 */
	fake_inject(f, fr, n);
	fr[14] = 0x44;					/* IHL 4 */
	fake_inject(f, fr, n);
	n = t_ping(fr, PEER_IP, STACK_IP, 1, 1, data, 8);
	fr[14] = 0x4f;					/* IHL 15: 60 bytes, more than the frame */
	fake_inject(f, fr, 14 + 40);
	n = t_ping(fr, PEER_IP, STACK_IP, 1, 1, data, 8);
	t_put16(fr + 14 + 2, 200);			/* total length over the frame */
	fake_inject(f, fr, n);
	t_put16(fr + 14 + 2, 10);			/* total length under the header */
	fake_inject(f, fr, n);
	n = t_ping(fr, PEER_IP, STACK_IP, 1, 1, data, 8);
	fr[14 + 10] ^= 0x55;				/* header checksum */
	fake_inject(f, fr, n);
	n = t_ping(fr, 0xe0000001u, STACK_IP, 1, 1, data, 8);	/* multicast source */
	fake_inject(f, fr, n);
	n = t_ping(fr, PEER_IP, 0x0a000009, 1, 1, data, 8);	/* someone else */
	fake_inject(f, fr, n);
	n = t_ping(fr, PEER_IP, 0xe00000fbu, 1, 1, data, 8);	/* a multicast group */
	fake_inject(f, fr, n);
	fake_settle();
	b = stats();
	is_int(b.ipv4.drop_short - a.ipv4.drop_short, 2, "short packet and short header dropped");
	is_int(b.ipv4.drop_version - a.ipv4.drop_version, 1, "version 6 dropped");
	is_int(b.ipv4.drop_hdr_len - a.ipv4.drop_hdr_len, 1, "IHL 4 dropped");
	is_int(b.ipv4.drop_len - a.ipv4.drop_len, 2, "total length over the frame or under the header");
	is_int(b.ipv4.drop_checksum - a.ipv4.drop_checksum, 1, "bad header checksum dropped");
	is_int(b.ipv4.drop_bad_src - a.ipv4.drop_bad_src, 1, "multicast source dropped");
	is_int(b.ipv4.drop_not_for_us - a.ipv4.drop_not_for_us, 2, "other and multicast destinations");
	is_int(f->tx_count, 0, "nothing answered");

	/* Ethernet padding after the datagram is not data; TTL 1 is still delivered. */
	n = t_ping(fr, PEER_IP, STACK_IP, 1, 2, data, 8);
	fr[14 + 8] = 1;
	t_put16(fr + 14 + 10, 0);
	t_put16(fr + 14 + 10, t_csum(fr + 14, 20, 0));
	memset(fr + n, 0xee, 10);
	fake_inject(f, fr, n + 10);
	n = (size_t)t_expect(f, out, 0x0800, 1, FATA_MS(100));
	ok(n == 14 + 20 + 8 + 8 && memcmp(out + 42, data, 8) == 0,
	   "padded frame with TTL 1: echo reply carries the data without the padding");
	is_int(out[14 + 8], 64, "replies go out with TTL 64");
	ok(t_csum(out + 14, 20, 0) == 0 && t_get16(out + 14 + 2) == 36, "reply header checks out");
}

/* Rewrites the header checksum of the IPv4 packet in the frame `p`. */
static void ip_csum(uint8_t *p)
{
	t_put16(p + 14 + 10, 0);
	t_put16(p + 14 + 10, t_csum(p + 14, (size_t)(p[14] & 0xf) * 4, 0));
}

/* The header's length checks at their limits, one below and one above. */
static void test_header_edges(void)
{
	static const uint8_t data[] = "abcdefgh";
	struct fata_stack_stats a, b;
	size_t n;

	/* Total length at the packet's bytes in the frame (36), one below, one above. */
	for (int d = -1; d <= 1; d++) {
		a = stats();
		n = t_ping(fr, PEER_IP, STACK_IP, 1, 1, data, 8);
		t_put16(fr + 14 + 2, (uint16_t)((int)n - 14 + d));
		ip_csum(fr);
		fake_inject(f, fr, n);
		fake_settle();
		b = stats();
		is_int(b.ipv4.drop_len - a.ipv4.drop_len, d > 0, "total length of the received bytes "
		       "%+d: %s", d, d > 0 ? "dropped" : "taken");
		if (d == 0)
			is_int(b.icmp.echo_requests - a.icmp.echo_requests, 1, "and the ping is answered");
	}
	/* A frame one byte longer than the total length (padding): the datagram is taken whole. */
	fake_clear(f);
	a = stats();
	n = t_ping(fr, PEER_IP, STACK_IP, 1, 1, data, 8);
	fr[n] = 0;
	fake_inject(f, fr, n + 1);
	fake_settle();
	b = stats();
	is_int(b.icmp.echo_requests - a.icmp.echo_requests, 1, "one byte of padding: answered");
	ok(fake_take(f, out, sizeof out, 0) == (long)n && t_get16(out + 14 + 2) == n - 14,
	   "the reply is as long as the request without the padding");
	/* Total length at the header's 20 bytes, one below, one above. */
	for (int d = -1; d <= 1; d++) {
		a = stats();
		n = t_ping(fr, PEER_IP, STACK_IP, 1, 1, data, 8);
		t_put16(fr + 14 + 2, (uint16_t)(20 + d));
		ip_csum(fr);
		fake_inject(f, fr, n);
		fake_settle();
		b = stats();
		is_int(b.ipv4.drop_len - a.ipv4.drop_len, d < 0, "total length %d: %s", 20 + d,
		       d < 0 ? "dropped" : "taken by IP");
	}
	/* IHL 15 (a 60-byte header) in 59, 60 and 61 bytes of packet: short, then long enough. */
	for (int d = -1; d <= 1; d++) {
		a = stats();
		n = t_ping(fr, PEER_IP, STACK_IP, 1, 1, data, 8);
		fr[14] = 0x4f;
		memset(fr + n, 0, 40);
		fake_inject(f, fr, (size_t)(14 + 60 + d));
		fake_settle();
		b = stats();
		is_int(b.ipv4.drop_short - a.ipv4.drop_short, d < 0, "a 60-byte header in %d bytes: %s",
		       60 + d, d < 0 ? "short" : "not short");
	}
	fake_clear(f);
}

static void test_fragment_send(struct fata_udp *u)
{
	uint8_t dgram[4008];
	size_t got = 0;
	int frames = 0, good = 1;
	uint16_t id = 0;
	long n;

	is_int(send_now(u, PEER_IP, 4000), 0, "send 4000 bytes");
	while ((n = fake_take(f, out, sizeof(out), 0)) > 0) {
		uint8_t *ip = out + 14;
		uint16_t frag = t_get16(ip + 6);
		size_t len = t_get16(ip + 2) - 20, off = (size_t)(frag & 0x1fff) * 8;

		if (t_get16(out + 12) != 0x0800)
			continue;
		if (frames == 0)
			id = t_get16(ip + 4);
		good &= n <= 1514 && t_get16(ip + 4) == id && t_csum(ip, 20, 0) == 0 &&
			off == got && off + len <= sizeof(dgram);
		good &= (frames < 2) == ((frag & 0x2000) != 0);
		if (off + len <= sizeof(dgram))
			memcpy(dgram + off, ip + 20, len);
		got += len;
		frames++;
	}
	is_int(frames, 3, "4008 bytes of IP payload: three fragments");
	ok(good, "at offsets 0, 1480, 2960 with MF on all but the last, one ID, valid headers");
	is_int(got, 4008, "payload bytes");
	{
		uint32_t pseudo = (STACK_IP >> 16) + (STACK_IP & 0xffff) + (PEER_IP >> 16) +
				  (PEER_IP & 0xffff) + 17 + 4008;

		ok(t_csum(dgram, 4008, pseudo) == 0 && t_get16(dgram + 4) == 4008,
		   "the fragments carry the whole UDP datagram, checksum valid");
	}
	is_int(stats().ipv4.frags_tx, 3, "three fragments counted");
}

static void test_reassembly(struct fata_udp *u)
{
	static uint8_t p[65535];
	struct fata_stack_stats a, b;
	size_t len;
	int fwd[] = { 0, 1, 2 }, rev[] = { 2, 1, 0 }, dup[] = { 0, 1, 1, 0, 2 };

	len = udp_payload(p, 2992, 1);
	send_frags(100, p, len, 1480, fwd, 3);
	ok(check_recv(u, p, len), "in order: reassembled and delivered");
	len = udp_payload(p, 2992, 2);
	send_frags(101, p, len, 1480, rev, 3);
	ok(check_recv(u, p, len), "out of order: reassembled");
	a = stats();
	len = udp_payload(p, 2992, 3);
	send_frags(102, p, len, 1480, dup, 5);
	ok(check_recv(u, p, len), "with duplicates: reassembled");
	b = stats();
	is_int(b.udp.delivered - a.udp.delivered, 1, "and delivered once");

	/* Overlap: [0, 1480) then [1472, 2000): the datagram is dropped. */
	a = stats();
	len = udp_payload(p, 2992, 4);
	fake_inject(f, fr, frag_frame(103, 0, true, p, 1480));
	fake_inject(f, fr, frag_frame(103, 1472, true, p + 1472, 528));
	fake_inject(f, fr, frag_frame(103, 2000, false, p + 2000, len - 2000));
	fake_settle();
	b = stats();
	is_int(b.ipv4.reasm_overlap - a.ipv4.reasm_overlap, 1, "overlapping fragments: dropped");
	is_int(b.udp.delivered - a.udp.delivered, 0, "nothing delivered");

	/* Limits: oversize, misaligned, too many pieces. */
	a = stats();
	fake_inject(f, fr, frag_frame(104, 65512, false, p, 40));
	fake_inject(f, fr, frag_frame(105, 0, true, p, 13));
	for (int i = 0; i < REASM_MAX_PIECES + 1; i++)
		fake_inject(f, fr, frag_frame(106, (size_t)i * 16, true, p, 8));
	fake_settle();
	b = stats();
	is_int(b.ipv4.reasm_oversize - a.ipv4.reasm_oversize, 1, "fragment past 65535 bytes: dropped");
	is_int(b.ipv4.reasm_bad_frag - a.ipv4.reasm_bad_frag, 1, "MF fragment of 13 bytes: dropped");
	is_int(b.ipv4.reasm_too_many_frags - a.ipv4.reasm_too_many_frags, 1,
	       "more than %d pieces: dropped", REASM_MAX_PIECES);

	/* The largest datagram: 65535 bytes, 65507 of UDP data. */
	{
		int order[45];

		for (int i = 0; i < 45; i++)
			order[i] = 44 - i;
		len = udp_payload(p, 65507, 5);
		send_frags(107, p, len, 1480, order, 45);
		ok(check_recv(u, p, len), "65535-byte datagram from 45 fragments, reverse order");
	}

	/* Concurrent reassemblies are limited: the oldest makes room. (The overlap test's last
	 * fragment began one that is still waiting: start from none.) */
	ipv4_reasm_flush(&s->ip);
	a = stats();
	for (int i = 0; i < 9; i++)
		fake_inject(f, fr, frag_frame((uint16_t)(200 + i), 0, true, p, 8));
	fake_settle();
	b = stats();
	is_int(b.ipv4.reasm_evicted - a.ipv4.reasm_evicted, 1, "a ninth reassembly evicts the oldest");
	ipv4_reasm_flush(&s->ip);

	/* Timeout: a lone first fragment is abandoned and reported with time exceeded. */
	fake_clear(f);
	s->tun.reasm_timeout_ns = FATA_MS(50);
	a = stats();
	fake_inject(f, fr, frag_frame(300, 0, true, p, 16));
	fake_settle();
	fata_sleep_ns(FATA_MS(80));
	fake_settle();
	b = stats();
	is_int(b.ipv4.reasm_timeout - a.ipv4.reasm_timeout, 1, "reassembly times out");
	{
		long n = t_expect(f, out, 0x0800, 1, FATA_MS(50));
		uint8_t *icmp = out + 34;

		ok(n > 0 && icmp[0] == 11 && icmp[1] == 1 && t_get16(icmp + 8 + 4) == 300 &&
		   t_csum(icmp, (size_t)n - 34, 0) == 0,
		   "ICMP time exceeded in reassembly, quoting the first fragment");
	}
	s->tun.reasm_timeout_ns = FATA_SEC(30);
}

static void test_routing(struct fata_udp *u)
{
	struct sender sd = { u, FAR_IP, 10, 1 };
	struct fata_fiber *fib;
	long n;

	fake_clear(f);
	fib = fata_spawn(send_fiber, &sd, 0);
	n = fake_take(f, out, sizeof(out), fata_monotonic_ns() + FATA_MS(100));
	ok(n > 0 && t_get16(out + 12) == 0x0806 && t_get32(out + 14 + 24) == GATEWAY_IP,
	   "off-link destination: ARP for the gateway");
	fake_inject(f, fr, t_arp(fr, 2, peer_mac, GATEWAY_IP, stack_mac, STACK_IP, stack_mac));
	n = t_expect(f, out, 0x0800, 17, FATA_MS(100));
	fata_join(fib);
	ok(sd.result == 0 && n > 0 && t_get32(out + 14 + 16) == FAR_IP,
	   "and the datagram goes to the gateway's MAC with the far destination");
	is_int(send_now(u, STACK_IP, 4), -EHOSTUNREACH, "our own address: EHOSTUNREACH (no loopback)");
	fake_clear(f);
	is_int(send_now(u, 0xffffffffu, 4), 0, "limited broadcast");
	n = fake_take(f, out, sizeof(out), 0);
	ok(n > 0 && memcmp(out, bcast_mac, 6) == 0 && t_get16(out + 12) == 0x0800,
	   "goes to the Ethernet broadcast without ARP");
	is_int(send_now(u, 0x0a0000ffu, 4), 0, "directed broadcast 10.0.0.255");
	n = fake_take(f, out, sizeof(out), 0);
	ok(n > 0 && memcmp(out, bcast_mac, 6) == 0, "to the Ethernet broadcast too");

	{
		struct fake_netif *f2 = fake_netif_new(stack_mac, 1500);
		struct fata_stack_config cfg = { .name = "s2", .ipv4 = { 0xc0a80102u, 24 } };
		struct fata_stack *s2 = fata_stack_create(f2->netif, &cfg);
		struct fata_udp *u2 = fata_udp_bind(s2, 1);

		is_int(fata_udp_send(u2, FAR_IP, 9, "x", 1), -ENETUNREACH,
		       "off-link without a gateway: ENETUNREACH");
		fata_udp_close(u2);
		fata_stack_disconnect(s2);
	}
}

static void test_protocols(void)
{
	struct fata_stack_stats a;
	uint8_t payload[12] = "tcp segment";
	long n;

	is_int(ipv4_register(&s->ip, 253, test_proto, &proto_calls), 0, "register protocol 253");
	is_int(ipv4_register(&s->ip, 253, test_proto, NULL), -EEXIST, "twice: EEXIST");
	fake_inject(f, fr, t_ip_frame(fr, PEER_IP, STACK_IP, 253, payload, sizeof(payload)));
	fake_settle();
	ok(proto_calls == 1 && proto_len == sizeof(payload) && proto_ctx == &proto_calls,
	   "its handler gets the payload and its context");
	fake_clear(f);
	a = stats();
	fake_inject(f, fr, t_ip_frame(fr, PEER_IP, STACK_IP, 99, payload, sizeof(payload)));
	n = t_expect(f, out, 0x0800, 1, FATA_MS(100));
	ok(n > 0 && out[34] == 3 && out[35] == 2 && t_get32(out + 34 + 8 + 16) == STACK_IP,
	   "unknown protocol: ICMP protocol unreachable quoting the datagram");
	is_int(stats().ipv4.drop_proto - a.ipv4.drop_proto, 1, "and counted");
}

/* Static configurations fata_stack_create() refuses (and frees the interface it was given). */
static void test_config(void)
{
	static const struct { uint32_t addr; uint8_t len; uint32_t gw; const char *what; } bad[] = {
		{ 0, 24, 0, "0.0.0.0" },
		{ 0x0a000000u, 24, 0, "the network's own address" },
		{ 0x0a0000ffu, 24, 0, "the network's broadcast" },
		{ 0xe0000001u, 24, 0, "a multicast address" },
		{ 0x7f000001u, 8, 0, "a loopback address" },
		{ 0x0a000002u, 33, 0, "prefix 33" },
		{ 0x0a000002u, 24, 0x0a000102u, "a gateway off the network" },
		{ 0x0a000002u, 24, 0x0a000002u, "itself as gateway" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct fake_netif *fk = fake_netif_new(stack_mac, 1500);
		struct fata_stack_config cfg = {
			.name = "bad", .ipv4 = { bad[i].addr, bad[i].len }, .gateway = bad[i].gw,
		};

		ok(fata_stack_create(fk->netif, &cfg) == NULL, "refused: %s", bad[i].what);
	}
	{
		struct fake_netif *fk = fake_netif_new(stack_mac, 1500);
		struct fata_stack_config cfg = { .name = "p32", .ipv4 = { 0x0a000002u, 32 } };
		struct fata_stack *s32 = fata_stack_create(fk->netif, &cfg);
		struct fata_ipv4_config c;

		ok(s32 != NULL, "a /32 address is fine");
		c = fata_stack_ipv4(s32);
		ok(c.addr.addr == 0x0a000002u && c.addr.len == 32 && c.gateway == 0 && !c.dhcp,
		   "fata_stack_ipv4 reports it");
		fata_stack_stats_log(s32);
		fata_stack_disconnect(s32);
	}
}

int main(void)
{
	struct fata_udp *u;

	t_logs();
	s = t_stack(&f);
	ok(s != NULL, "stack on the fake interface");
	if (!s)
		return tap_done();
	u = fata_udp_bind(s, 7000);
	test_header_checks();
	test_header_edges();
	test_fragment_send(u);
	test_reassembly(u);
	test_routing(u);
	test_protocols();
	fata_log_set_spec("quiet,ipv4:debug");
	fata_stack_stats_log(s);
	t_logs();
	fata_udp_close(u);
	test_config();
	fata_stack_disconnect(s);
	return tap_done();
}
