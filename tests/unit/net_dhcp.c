/*
 * Unit tests of the DHCP client (lib/net/dhcp.c) against a scripted server on the fake interface:
 * DISCOVER and its retransmission, OFFER, REQUEST, NAK (start over), ACK and the lease's values,
 * renewal at T1, rebinding at T2, expiry, NAK while renewing, and replies that are not ours. DHCP
 * seconds are shortened to 10 ms through the tunables, so a whole lease lives in 400 ms.
 */
#include <errno.h>
#include <string.h>

#include "../../lib/net/dhcp.h"
#include "../../lib/net/stack.h"
#include "net_fake.h"
#include "tap.h"

static struct fata_key no_keys[1];
const struct fata_unikernel fata_unikernel = { .name = "dhcptest", .keys = no_keys };

#define UNIT FATA_MS(10)
#define SERVER_IP PEER_IP
#define ADDR(n) (0x0a000000u | (n))

static struct fake_netif *f;
static struct fata_stack *s;
static uint8_t fr[FRAME_MAX], out[FRAME_MAX];

/* What the server sees in a client's message. */
struct seen {
	uint8_t type;
	uint32_t xid, ciaddr, requested, server_id, ip_src, ip_dst;
	bool eth_broadcast, has_params, asks_mask_router_dns, has_hostname;
	uint64_t at;
};

static void parse_client(const uint8_t *frame, long n, struct seen *m)
{
	const uint8_t *ip = frame + 14, *d = frame + 42, *o = d + 240;
	size_t olen = (size_t)n - 42 - 240;

	memset(m, 0, sizeof(*m));
	m->at = fata_monotonic_ns();
	m->eth_broadcast = memcmp(frame, bcast_mac, 6) == 0;
	m->ip_src = t_get32(ip + 12);
	m->ip_dst = t_get32(ip + 16);
	m->xid = t_get32(d + 4);
	m->ciaddr = t_get32(d + 12);
	for (size_t i = 0; i < olen && o[i] != 255;) {
		uint8_t code = o[i], len;

		if (code == 0) {
			i++;
			continue;
		}
		len = o[i + 1];
		if (code == 53)
			m->type = o[i + 2];
		if (code == 50)
			m->requested = t_get32(o + i + 2);
		if (code == 54)
			m->server_id = t_get32(o + i + 2);
		if (code == 12)
			m->has_hostname = len == 8 && memcmp(o + i + 2, "dhcptest", 8) == 0;
		if (code == 55) {
			bool mask = false, router = false, dns = false;

			m->has_params = true;
			for (int j = 0; j < len; j++) {
				mask |= o[i + 2 + j] == 1;
				router |= o[i + 2 + j] == 3;
				dns |= o[i + 2 + j] == 6;
			}
			m->asks_mask_router_dns = mask && router && dns;
		}
		i += 2u + len;
	}
}

/* The next DHCP message from the client within `ms`, answering ARP for the server meanwhile.
 * Returns 0 when none came. */
static int next_msg(struct seen *m, unsigned ms)
{
	uint64_t deadline = fata_monotonic_ns() + FATA_MS(ms);

	for (;;) {
		long n = fake_take(f, out, sizeof(out), deadline);

		if (n < 0)
			return 0;
		if (n >= 42 && t_get16(out + 12) == 0x0806 && t_get16(out + 20) == 1 &&
		    t_get32(out + 38) == SERVER_IP) {
			size_t l = t_arp(fr, 2, peer_mac, SERVER_IP, out + 22, t_get32(out + 28),
					 out + 22);

			fake_inject(f, fr, l);
			continue;
		}
		if (n >= 42 + 240 && t_get16(out + 12) == 0x0800 && out[14 + 9] == 17 &&
		    t_get16(out + 36) == 67) {
			parse_client(out, n, m);
			return 1;
		}
	}
}

struct reply {
	uint8_t type;
	uint32_t xid, yiaddr, dst;	/* dst 0: broadcast */
	uint32_t lease, t1, t2;		/* 0: option left out */
	const uint8_t *chaddr;		/* NULL: the stack's */
	const char *message;
};

static void send_reply(const struct reply *r)
{
	uint8_t d[400], *o = d + 240;
	size_t i = 0, n;

	memset(d, 0, sizeof(d));
	d[0] = 2;
	d[1] = 1;
	d[2] = 6;
	t_put32(d + 4, r->xid);
	t_put32(d + 16, r->yiaddr);
	t_put32(d + 20, SERVER_IP);
	memcpy(d + 28, r->chaddr ? r->chaddr : stack_mac, 6);
	t_put32(d + 236, 0x63825363);
	o[i++] = 53, o[i++] = 1, o[i++] = r->type;
	o[i++] = 54, o[i++] = 4, t_put32(o + i, SERVER_IP), i += 4;
	if (r->type != 6) {
		o[i++] = 1, o[i++] = 4, t_put32(o + i, 0xffffff00u), i += 4;
		o[i++] = 3, o[i++] = 8, t_put32(o + i, ADDR(254)), t_put32(o + i + 4, ADDR(253)), i += 8;
		o[i++] = 6, o[i++] = 8, t_put32(o + i, ADDR(53)), t_put32(o + i + 4, ADDR(54)), i += 8;
	}
	if (r->lease)
		o[i++] = 51, o[i++] = 4, t_put32(o + i, r->lease), i += 4;
	if (r->t1)
		o[i++] = 58, o[i++] = 4, t_put32(o + i, r->t1), i += 4;
	if (r->t2)
		o[i++] = 59, o[i++] = 4, t_put32(o + i, r->t2), i += 4;
	if (r->message) {
		size_t l = strlen(r->message);

		o[i++] = 56, o[i++] = (uint8_t)l, memcpy(o + i, r->message, l), i += l;
	}
	o[i++] = 255;
	n = t_udp(fr, SERVER_IP, 67, r->dst ? r->dst : 0xffffffffu, 68, d, 240 + i, 0);
	if (!r->dst)
		memcpy(fr, bcast_mac, 6);
	fake_inject(f, fr, n);
}

static int connect_fiber(void *arg)
{
	struct fata_stack_config cfg = { .name = "stack", .dhcp = true };

	(void)arg;
	s = fata_stack_create(f->netif, &cfg);
	return 0;
}

static struct fata_stack_stats stats(void)
{
	struct fata_stack_stats st;

	fata_stack_stats(s, &st);
	return st;
}

static void parser_cases(void)
{
	struct dhcp_msg m;
	uint8_t d[300];

	memset(d, 0, sizeof(d));
	t_put32(d + 236, 0x63825363);
	d[240] = 53, d[241] = 1, d[242] = 5, d[243] = 255;
	is_int(dhcp_parse(d, 244, &m), 0, "parser: a minimal ACK");
	is_int(m.type, 5, "parser: its type");
	is_int(dhcp_parse(d, 239, &m), -EBADMSG, "parser: shorter than the fixed part");
	d[241] = 10;
	is_int(dhcp_parse(d, 244, &m), -EBADMSG, "parser: an option running past the end");
	d[241] = 1;
	t_put32(d + 236, 0x63825364);
	is_int(dhcp_parse(d, 244, &m), -EBADMSG, "parser: wrong magic cookie");
	t_put32(d + 236, 0x63825363);
	/* Overload: the type lives in the file field. */
	d[240] = 52, d[241] = 1, d[242] = 1, d[243] = 255;
	d[108] = 53, d[109] = 1, d[110] = 2, d[111] = 255;
	ok(dhcp_parse(d, 244, &m) == 0 && m.type == 2, "parser: options overloaded into file");
	d[240] = 51, d[241] = 3, d[242] = 1, d[243] = 2, d[244] = 3, d[245] = 255;
	ok(dhcp_parse(d, 246, &m) == 0 && !m.has_lease, "parser: a lease option of 3 bytes is ignored");
}

int main(void)
{
	struct fata_fiber *fib;
	struct fata_ipv4_config ip;
	struct fata_stack_stats st;
	struct seen m, m2;
	uint64_t bound_at;

	t_logs();
	parser_cases();
	net_tunables_default.dhcp_unit_ns = UNIT;
	net_tunables_default.arp_retry_ns = FATA_MS(20);
	f = fake_netif_new(stack_mac, 1500);
	fib = fata_spawn(connect_fiber, NULL, 0);

	/* DISCOVER, broadcast from 0.0.0.0, then again after 4 +- 1 seconds. */
	ok(next_msg(&m, 100) && m.type == 1, "DHCPDISCOVER");
	ok(m.eth_broadcast && m.ip_src == 0 && m.ip_dst == 0xffffffffu && m.ciaddr == 0,
	   "broadcast from 0.0.0.0");
	ok(m.asks_mask_router_dns && m.has_hostname, "asks for mask, router and DNS; names itself");
	ok(next_msg(&m2, 200) && m2.type == 1 && m2.xid == m.xid, "retransmitted, same xid");
	ok(m2.at - m.at >= 3 * UNIT && m2.at - m.at <= 6 * UNIT,
	   "after 3-5 DHCP seconds (%llu ms)", (unsigned long long)((m2.at - m.at) / 1000000));

	/* Offers that are not ours are ignored: each carries its own address, and the client must
	 * neither request it nor answer it at all (a REQUEST here means a spoofed offer won). */
	send_reply(&(struct reply){ .type = 2, .xid = m.xid + 1, .yiaddr = ADDR(60) });
	ok(!next_msg(&m2, 20) || m2.type != 3, "an offer with another xid gets no REQUEST");
	send_reply(&(struct reply){ .type = 2, .xid = m.xid, .yiaddr = ADDR(61), .chaddr = peer_mac });
	ok(!next_msg(&m2, 20) || m2.type != 3, "an offer for another chaddr gets no REQUEST");

	/* OFFER, REQUEST, NAK: start over. */
	send_reply(&(struct reply){ .type = 2, .xid = m.xid, .yiaddr = ADDR(50) });
	ok(next_msg(&m2, 100) && m2.type == 3, "offer answered with DHCPREQUEST");
	ok(m2.xid == m.xid && m2.requested == ADDR(50) && m2.server_id == SERVER_IP &&
	   m2.ciaddr == 0 && m2.eth_broadcast, "broadcast, requesting 10.0.0.50 from the server");
	send_reply(&(struct reply){ .type = 6, .xid = m.xid, .message = "address taken" });
	ok(next_msg(&m, 100) && m.type == 1 && m.xid != m2.xid, "NAK: a new DHCPDISCOVER");

	/* OFFER, REQUEST, ACK: bound. */
	send_reply(&(struct reply){ .type = 2, .xid = m.xid, .yiaddr = ADDR(51) });
	ok(next_msg(&m2, 100) && m2.type == 3 && m2.requested == ADDR(51), "REQUEST for 10.0.0.51");
	send_reply(&(struct reply){ .type = 5, .xid = m.xid, .yiaddr = ADDR(51), .lease = 40,
				    .t1 = 10, .t2 = 20 });
	bound_at = fata_monotonic_ns();
	fata_join(fib);
	ok(s != NULL, "ACK: fata_stack_create returns the stack");
	if (!s)
		return tap_done();
	ip = fata_stack_ipv4(s);
	ok(ip.addr.addr == ADDR(51) && ip.addr.len == 24 && ip.gateway == ADDR(254) && ip.dhcp,
	   "address 10.0.0.51/24, gateway 10.0.0.254 (the first router)");
	ok(ip.dns[0] == ADDR(53) && ip.dns[1] == ADDR(54) && ip.dns[2] == 0, "DNS servers .53 and .54");
	{
		long n = t_expect(f, out, 0x0806, 0, FATA_MS(50));

		ok(n > 0 && t_get32(out + 28) == ADDR(51) && t_get32(out + 38) == ADDR(51),
		   "gratuitous ARP for the new address");
	}
	st = stats();
	ok(st.dhcp.discovers == 3 && st.dhcp.offers >= 2 && st.dhcp.requests == 2 &&
	   st.dhcp.acks == 1 && st.dhcp.naks == 1, "counters: 3 discovers, 2 requests, 1 ACK, 1 NAK");
	is_int(st.dhcp.drop_bad, 2, "the two foreign offers were dropped");

	/* Renewing at T1: unicast to the server, from our address. */
	ok(next_msg(&m, 200) && m.type == 3, "T1: DHCPREQUEST");
	ok(m.at - bound_at >= 9 * UNIT && m.at - bound_at <= 15 * UNIT,
	   "about 10 DHCP seconds after the ACK (%llu ms)",
	   (unsigned long long)((m.at - bound_at) / 1000000));
	ok(!m.eth_broadcast && m.ip_dst == SERVER_IP && m.ip_src == ADDR(51) &&
	   m.ciaddr == ADDR(51) && m.requested == 0 && m.server_id == 0,
	   "unicast to the server with ciaddr, no requested address or server id");
	send_reply(&(struct reply){ .type = 5, .xid = m.xid, .yiaddr = ADDR(51), .dst = ADDR(51),
				    .lease = 40, .t1 = 10, .t2 = 20 });
	bound_at = fata_monotonic_ns();
	fake_settle();
	is_int(stats().dhcp.renewals, 1, "renewed");

	/* Rebinding at T2: the renewal goes unanswered, then a broadcast. */
	ok(next_msg(&m, 200) && m.type == 3 && !m.eth_broadcast, "T1 again: unicast REQUEST (ignored)");
	ok(next_msg(&m, 200) && m.type == 3 && m.eth_broadcast && m.ip_dst == 0xffffffffu &&
	   m.ciaddr == ADDR(51), "T2: broadcast DHCPREQUEST with ciaddr");
	ok(m.at - bound_at >= 19 * UNIT && m.at - bound_at <= 26 * UNIT,
	   "about 20 DHCP seconds after the ACK (%llu ms)",
	   (unsigned long long)((m.at - bound_at) / 1000000));
	send_reply(&(struct reply){ .type = 5, .xid = m.xid, .yiaddr = ADDR(51), .lease = 40,
				    .t1 = 10, .t2 = 20 });
	bound_at = fata_monotonic_ns();
	fake_settle();
	is_int(stats().dhcp.rebinds, 1, "rebound");
	is_int(fata_stack_ipv4(s).addr.addr, ADDR(51), "same address");

	/* Nobody answers any more: at the end of the lease the address goes, DISCOVER again. */
	do {
		if (!next_msg(&m, 600))
			break;
	} while (m.type != 1);
	ok(m.type == 1 && m.at - bound_at >= 39 * UNIT, "lease ran out: DHCPDISCOVER (after %llu ms)",
	   (unsigned long long)((m.at - bound_at) / 1000000));
	ip = fata_stack_ipv4(s);
	ok(ip.addr.addr == 0 && ip.gateway == 0, "and the address is gone");
	is_int(stats().dhcp.leases_lost, 1, "lease lost counted");
	{
		struct fata_udp *u = fata_udp_bind(s, 99);

		is_int(fata_udp_send(u, PEER_IP, 9, "x", 1), -ENETUNREACH,
		       "sending without an address: ENETUNREACH");
		fata_udp_close(u);
	}

	/* Bound again; a NAK while renewing takes the address away at once. */
	send_reply(&(struct reply){ .type = 2, .xid = m.xid, .yiaddr = ADDR(52) });
	ok(next_msg(&m2, 100) && m2.type == 3 && m2.requested == ADDR(52), "new offer, REQUEST");
	send_reply(&(struct reply){ .type = 5, .xid = m.xid, .yiaddr = ADDR(52), .lease = 1000,
				    .t1 = 10, .t2 = 900 });
	fake_settle();
	is_int(fata_stack_ipv4(s).addr.addr, ADDR(52), "bound to 10.0.0.52");
	ok(next_msg(&m, 200) && m.type == 3 && m.ciaddr == ADDR(52), "T1: REQUEST");
	send_reply(&(struct reply){ .type = 6, .xid = m.xid, .dst = ADDR(52), .message = "moved" });
	ok(next_msg(&m, 100) && m.type == 1, "NAK while renewing: DHCPDISCOVER");
	is_int(fata_stack_ipv4(s).addr.addr, 0, "address gone at once");
	is_int(stats().dhcp.leases_lost, 2, "second lease lost");

	fata_stack_disconnect(s);
	s = NULL;
	/* The interface is closed; the client's timers must not fire into freed memory (ASan) when
	 * its next retransmission would be due. */
	fake_settle();
	fata_sleep_ns(8 * UNIT);
	fake_settle();
	is_int(fake_closed, 1, "disconnect stops the client and closes the interface");
	return tap_done();
}
