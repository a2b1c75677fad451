/* Unit tests of ARP (lib/net/arp.c) on the fake interface: gratuitous ARP, replies, resolution,
 * retries and timeout, cache expiry, the datagram kept while resolving, malformed packets. */
#include <errno.h>
#include <string.h>

#include "../../lib/net/stack.h"
#include "net_fake.h"
#include "tap.h"

static struct fata_key no_keys[1];
const struct fata_unikernel fata_unikernel = { .name = "test", .keys = no_keys };

static const uint8_t other_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x33 };
static const uint8_t new_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x44 };

struct sender {
	struct fata_udp *u;
	uint32_t dst;
	int result;
};

static int send_fiber(void *arg)
{
	struct sender *sd = arg;

	sd->result = fata_udp_send(sd->u, sd->dst, 9, "hi", 2);
	return 0;
}

/* Is buf an ARP packet with this opcode, sender and target address? */
static int is_arp(const uint8_t *f, long n, uint16_t op, uint32_t spa, uint32_t tpa)
{
	return n >= 42 && t_get16(f + 12) == 0x0806 && t_get16(f + 14 + 6) == op &&
	       t_get32(f + 14 + 14) == spa && t_get32(f + 14 + 24) == tpa;
}

int main(void)
{
	struct fake_netif *f = fake_netif_new(stack_mac, 1500);
	struct fata_stack_config cfg = { .name = "stack", .ipv4 = { STACK_IP, 24 } };
	struct fata_stack *s;
	struct fata_stack_stats st;
	struct fata_udp *u;
	struct sender sd = { 0 }, sd2 = { 0 };
	struct fata_fiber *fib, *fib2;
	uint8_t fr[FRAME_MAX], out[FRAME_MAX];
	long n;
	size_t len;
	int count;

	t_logs();
	s = fata_stack_create(f->netif, &cfg);
	ok(s != NULL, "stack on the fake interface");
	if (!s)
		return tap_done();
	s->tun.arp_retry_ns = FATA_MS(20);
	s->tun.arp_ttl_ns = FATA_MS(150);

	/* Gratuitous ARP: a broadcast request for our own address from ourselves. */
	n = fake_take(f, out, sizeof(out), fata_monotonic_ns() + FATA_MS(100));
	ok(is_arp(out, n, 1, STACK_IP, STACK_IP) && memcmp(out, bcast_mac, 6) == 0 &&
	   memcmp(out + 14 + 8, stack_mac, 6) == 0, "gratuitous ARP announces 10.0.0.2 at our MAC");
	fata_stack_stats(s, &st);
	is_int(st.arp.gratuitous_tx, 1, "counted as gratuitous");

	/* A request for our address gets a reply to the asker. */
	len = t_arp(fr, 1, peer_mac, PEER_IP, NULL, STACK_IP, bcast_mac);
	fake_inject(f, fr, len);
	n = fake_take(f, out, sizeof(out), fata_monotonic_ns() + FATA_MS(100));
	ok(is_arp(out, n, 2, STACK_IP, PEER_IP) && memcmp(out, peer_mac, 6) == 0 &&
	   memcmp(out + 14 + 8, stack_mac, 6) == 0 && memcmp(out + 14 + 18, peer_mac, 6) == 0,
	   "reply: 10.0.0.2 is-at our MAC, sent to the asker");

	/* The asker was learned: sending to it needs no request. */
	u = fata_udp_bind(s, 5000);
	sd.u = u;
	sd.dst = PEER_IP;
	fib = fata_spawn(send_fiber, &sd, 0);
	n = fake_take(f, out, sizeof(out), fata_monotonic_ns() + FATA_MS(100));
	fata_join(fib);
	ok(sd.result == 0 && n > 0 && t_get16(out + 12) == 0x0800 && memcmp(out, peer_mac, 6) == 0,
	   "datagram to the asker goes straight to its MAC");

	/* Requests for other addresses are not answered. */
	len = t_arp(fr, 1, peer_mac, PEER_IP, NULL, 0x0a000063, bcast_mac);
	fake_inject(f, fr, len);
	fake_settle();
	is_int(f->tx_count, 0, "no reply for another address");
	fata_stack_stats(s, &st);
	is_int(st.arp.drop_not_for_us, 1, "counted as not for us");

	/* Resolution: the sender blocks until the reply. */
	sd.dst = 0x0a000003;
	sd.result = 1;
	fib = fata_spawn(send_fiber, &sd, 0);
	n = fake_take(f, out, sizeof(out), fata_monotonic_ns() + FATA_MS(100));
	ok(is_arp(out, n, 1, STACK_IP, 0x0a000003) && memcmp(out, bcast_mac, 6) == 0,
	   "who-has 10.0.0.3, broadcast");
	is_int(sd.result, 1, "the sender waits for the answer");
	len = t_arp(fr, 2, other_mac, 0x0a000003, stack_mac, STACK_IP, stack_mac);
	fake_inject(f, fr, len);
	n = t_expect(f, out, 0x0800, 17, FATA_MS(100));
	fata_join(fib);
	ok(sd.result == 0 && n > 0 && memcmp(out, other_mac, 6) == 0,
	   "after the reply the datagram goes to 10.0.0.3's MAC");

	/* Two senders waiting on one resolution both get through on one reply. */
	fake_clear(f);
	sd.dst = sd2.dst = 0x0a000007;
	sd2.u = u;
	sd.result = sd2.result = 1;
	fib = fata_spawn(send_fiber, &sd, 0);
	fib2 = fata_spawn(send_fiber, &sd2, 0);
	fake_settle();
	count = 0;
	while ((n = fake_take(f, out, sizeof(out), 0)) > 0)
		count += is_arp(out, n, 1, STACK_IP, 0x0a000007);
	is_int(count, 1, "two waiters, one request");
	len = t_arp(fr, 2, other_mac, 0x0a000007, stack_mac, STACK_IP, stack_mac);
	fake_inject(f, fr, len);
	fata_join(fib);
	fata_join(fib2);
	ok(sd.result == 0 && sd2.result == 0, "both senders succeed");

	/* Nobody answers: three requests at the retry interval, then EHOSTUNREACH. */
	fake_clear(f);
	sd.dst = 0x0a000004;
	sd.result = 1;
	{
		uint64_t t0 = fata_monotonic_ns(), took;

		fib = fata_spawn(send_fiber, &sd, 0);
		fata_join(fib);
		took = fata_monotonic_ns() - t0;
		is_int(sd.result, -EHOSTUNREACH, "no answer: EHOSTUNREACH");
		ok(took >= FATA_MS(55) && took < FATA_MS(1000),
		   "after three 20 ms retries (took %llu ms)", (unsigned long long)(took / 1000000));
	}
	count = 0;
	while ((n = fake_take(f, out, sizeof(out), 0)) > 0)
		count += is_arp(out, n, 1, STACK_IP, 0x0a000004);
	is_int(count, 3, "three requests sent");
	fata_stack_stats(s, &st);
	is_int(st.arp.resolve_timeouts, 1, "the timeout is counted");
	is_int(st.ipv4.tx_unresolved, 1, "and the datagram as unresolved");

	/* Expiry: fresh for the TTL, then stale (used, and asked again directly), then gone. */
	fake_clear(f);
	len = t_arp(fr, 1, peer_mac, PEER_IP, NULL, STACK_IP, bcast_mac);
	fake_inject(f, fr, len);
	fake_settle();
	fake_clear(f);
	fata_sleep_ns(FATA_MS(170));
	sd.dst = PEER_IP;
	sd.result = 1;
	fib = fata_spawn(send_fiber, &sd, 0);
	fata_join(fib);
	n = fake_take(f, out, sizeof(out), 0);
	ok(sd.result == 0 && is_arp(out, n, 1, STACK_IP, PEER_IP) && memcmp(out, peer_mac, 6) == 0,
	   "stale entry: a unicast request to the old MAC ...");
	n = fake_take(f, out, sizeof(out), 0);
	ok(n > 0 && t_get16(out + 12) == 0x0800 && memcmp(out, peer_mac, 6) == 0,
	   "... and the datagram still goes to the old MAC");
	fata_sleep_ns(FATA_MS(200));
	fake_clear(f);
	sd.result = 1;
	fib = fata_spawn(send_fiber, &sd, 0);
	n = fake_take(f, out, sizeof(out), fata_monotonic_ns() + FATA_MS(100));
	ok(is_arp(out, n, 1, STACK_IP, PEER_IP) && memcmp(out, bcast_mac, 6) == 0,
	   "expired entry: resolved afresh with a broadcast request");
	len = t_arp(fr, 2, new_mac, PEER_IP, stack_mac, STACK_IP, stack_mac);
	fake_inject(f, fr, len);
	n = t_expect(f, out, 0x0800, 17, FATA_MS(100));
	fata_join(fib);
	ok(sd.result == 0 && n > 0 && memcmp(out, new_mac, 6) == 0, "and the new MAC is used");

	/* A gratuitous ARP from a known neighbour updates its MAC. */
	len = t_arp(fr, 1, other_mac, PEER_IP, NULL, PEER_IP, bcast_mac);
	fake_inject(f, fr, len);
	fake_settle();
	fake_clear(f);
	fib = fata_spawn(send_fiber, &sd, 0);
	n = t_expect(f, out, 0x0800, 17, FATA_MS(100));
	fata_join(fib);
	ok(n > 0 && memcmp(out, other_mac, 6) == 0, "gratuitous ARP from a neighbour updates it");

	/* The input fiber never blocks: an echo request from an unknown host is answered once its
	 * MAC is known, from the datagram kept in the ARP entry. */
	fake_clear(f);
	{
		static const uint8_t data[] = "ping";
		uint32_t who = 0x0a000009;
		uint8_t *ip;

		len = t_ping(fr, who, STACK_IP, 7, 1, data, sizeof(data));
		fake_inject(f, fr, len);
		n = fake_take(f, out, sizeof(out), fata_monotonic_ns() + FATA_MS(100));
		ok(is_arp(out, n, 1, STACK_IP, who), "echo request from an unknown host: who-has it");
		len = t_arp(fr, 2, new_mac, who, stack_mac, STACK_IP, stack_mac);
		fake_inject(f, fr, len);
		n = t_expect(f, out, 0x0800, 1, FATA_MS(100));
		ip = out + 14;
		ok(n > 0 && memcmp(out, new_mac, 6) == 0 && ip[20] == 0 && t_get32(ip + 16) == who,
		   "the kept echo reply is sent when the reply comes");
	}
	/* ... and dropped (counted) when nobody answers. */
	len = t_ping(fr, 0x0a00000a, STACK_IP, 7, 2, "x", 1);
	fake_inject(f, fr, len);
	fata_sleep_ns(FATA_MS(120));
	fata_stack_stats(s, &st);
	is_int(st.arp.pending_drops, 1, "an unanswered kept datagram is dropped and counted");

	/* Malformed and hostile packets. */
	fata_stack_stats(s, &st);
	{
		uint64_t bad = st.arp.drop_bad, shrt = st.arp.drop_short;

		len = t_arp(fr, 1, peer_mac, PEER_IP, NULL, STACK_IP, bcast_mac);
		fake_inject(f, fr, 14 + 27);
		fr[14 + 4] = 8;		/* hlen 8 */
		fake_inject(f, fr, len);
		len = t_arp(fr, 3, peer_mac, PEER_IP, NULL, STACK_IP, bcast_mac);	/* opcode 3 */
		fake_inject(f, fr, len);
		len = t_arp(fr, 1, peer_mac, 0xffffffffu, NULL, STACK_IP, bcast_mac);	/* group spa */
		fake_inject(f, fr, len);
		fake_settle();
		fata_stack_stats(s, &st);
		is_int(st.arp.drop_short - shrt, 1, "truncated packet counted as short");
		is_int(st.arp.drop_bad - bad, 3, "bad hlen, opcode and sender counted as bad");
		/* Somebody else claims our address. */
		len = t_arp(fr, 2, other_mac, STACK_IP, NULL, STACK_IP, bcast_mac);
		fake_inject(f, fr, len);
		fake_settle();
		fata_stack_stats(s, &st);
		is_int(st.arp.drop_bad - bad, 4, "a claim on our address is refused");
	}
	fake_clear(f);
	fake_settle();
	is_int(f->tx_count, 0, "no answer to any of them");

	fata_udp_close(u);
	fata_stack_disconnect(s);
	fake_settle();
	is_int(fake_closed, 1, "disconnect closes the interface");
	return tap_done();
}
