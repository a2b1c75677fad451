/* Unit tests of ICMP (lib/net/icmp.c) on the fake interface: echo replies, broadcast echo,
 * malformed messages, port unreachable and its rate limit, the cases RFC 1122 forbids errors. */
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

static struct fata_stack_stats stats(void)
{
	struct fata_stack_stats st;

	fata_stack_stats(s, &st);
	return st;
}

/* Counts the ICMP messages of `type` written so far, emptying the queue. */
static int count_icmp(uint8_t type)
{
	long n;
	int c = 0;

	while ((n = fake_take(f, out, sizeof(out), 0)) > 0)
		c += n >= 42 && t_get16(out + 12) == 0x0800 && out[14 + 9] == 1 && out[34] == type;
	return c;
}

int main(void)
{
	uint8_t data[1000];
	struct fata_stack_stats a, b;
	size_t n;
	long got;
	int good = 1, replies;

	t_logs();
	s = t_stack(&f);
	ok(s != NULL, "stack on the fake interface");
	if (!s)
		return tap_done();
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i ^ 0x5a);

	/* Echo: same identifier, sequence and data; addresses swapped; valid checksums. */
	n = t_ping(fr, PEER_IP, STACK_IP, 0xbeef, 7, data, 56);
	fake_inject(f, fr, n);
	got = t_expect(f, out, 0x0800, 1, FATA_MS(100));
	ok(got == (long)n && memcmp(out, peer_mac, 6) == 0 && memcmp(out + 6, stack_mac, 6) == 0,
	   "echo reply of the same size, to the peer's MAC");
	ok(t_get32(out + 14 + 12) == STACK_IP && t_get32(out + 14 + 16) == PEER_IP,
	   "from 10.0.0.2 to 10.0.0.1");
	ok(out[34] == 0 && out[35] == 0 && t_get16(out + 38) == 0xbeef && t_get16(out + 40) == 7 &&
	   memcmp(out + 42, data, 56) == 0, "type 0, same identifier, sequence and data");
	ok(t_csum(out + 34, 64, 0) == 0 && t_csum(out + 14, 20, 0) == 0, "checksums valid");

	/* 100 pings, 100 replies; odd sizes too. */
	replies = 0;
	for (int i = 0; i < 100; i++) {
		n = t_ping(fr, PEER_IP, STACK_IP, 1, (uint16_t)i, data, (size_t)(i * 7 % 1000));
		fake_inject(f, fr, n);
		got = t_expect(f, out, 0x0800, 1, FATA_MS(100));
		replies += got == (long)n && t_get16(out + 40) == i;
		good &= t_csum(out + 34, (size_t)got - 34, 0) == 0 &&
			memcmp(out + 42, data, (size_t)got - 42) == 0;
	}
	is_int(replies, 100, "100 echo requests of many sizes, 100 replies");
	ok(good, "each with a valid checksum and the request's data");

	/* Not answered: to the broadcast, bad checksum, truncated. */
	a = stats();
	n = t_ping(fr, PEER_IP, 0xffffffffu, 1, 1, data, 8);
	memcpy(fr, bcast_mac, 6);
	fake_inject(f, fr, n);
	n = t_ping(fr, PEER_IP, STACK_IP, 1, 1, data, 8);
	fr[34 + 8] ^= 1;
	fake_inject(f, fr, n);
	fake_inject(f, fr, t_ip_frame(fr, PEER_IP, STACK_IP, 1, data, 5));
	fake_settle();
	b = stats();
	is_int(b.icmp.drop_broadcast - a.icmp.drop_broadcast, 1, "echo to the broadcast: ignored");
	is_int(b.icmp.drop_checksum - a.icmp.drop_checksum, 1, "bad checksum: dropped");
	is_int(b.icmp.drop_short - a.icmp.drop_short, 1, "5-byte message: dropped");
	is_int(count_icmp(0), 0, "none of them answered");

	/* The header's 8 bytes: an echo of exactly 8 is answered, 7 bytes are short. */
	a = stats();
	fake_inject(f, fr, t_ping(fr, PEER_IP, STACK_IP, 9, 1, data, 0));
	fake_inject(f, fr, t_ip_frame(fr, PEER_IP, STACK_IP, 1, data, 7));
	fake_settle();
	b = stats();
	is_int(b.icmp.drop_short - a.icmp.drop_short, 1, "7-byte message: dropped as short");
	is_int(count_icmp(0), 1, "an 8-byte echo request (no data) is answered");

	/* Port unreachable: quotes the IP header and the UDP header. */
	n = t_udp(fr, PEER_IP, 3333, STACK_IP, 4444, "hello", 5, 0);
	fake_inject(f, fr, n);
	got = t_expect(f, out, 0x0800, 1, FATA_MS(100));
	ok(got == 14 + 20 + 8 + 20 + 8 + 5 && out[34] == 3 && out[35] == 3,
	   "UDP to a closed port: port unreachable");
	ok(memcmp(out + 42, fr + 14, 20 + 8 + 5) == 0 && t_csum(out + 34, (size_t)got - 34, 0) == 0,
	   "quoting the datagram, with a valid checksum");

	/* Rate limit: a burst of 10, then 10 per second. */
	fake_settle();
	fata_sleep_ns(FATA_MS(1100));
	a = stats();
	for (int i = 0; i < 30; i++) {
		n = t_udp(fr, PEER_IP, 3333, STACK_IP, (uint16_t)(5000 + i), "x", 1, 0);
		fake_inject(f, fr, n);
	}
	fake_settle();
	b = stats();
	replies = count_icmp(3);
	is_int(replies, 10, "30 datagrams to closed ports at once: 10 errors (the burst)");
	is_int(b.icmp.rate_limited - a.icmp.rate_limited, 20, "20 rate-limited");
	fata_sleep_ns(FATA_MS(250));
	for (int i = 0; i < 5; i++) {
		n = t_udp(fr, PEER_IP, 3333, STACK_IP, (uint16_t)(6000 + i), "x", 1, 0);
		fake_inject(f, fr, n);
	}
	fake_settle();
	replies = count_icmp(3);
	ok(replies >= 2 && replies <= 3, "250 ms later: 2 more allowed (got %d)", replies);

	/* No errors about group destinations or odd sources. */
	fata_sleep_ns(FATA_MS(1100));
	n = t_udp(fr, PEER_IP, 3333, 0xffffffffu, 4444, "x", 1, 0);
	memcpy(fr, bcast_mac, 6);
	fake_inject(f, fr, n);
	n = t_udp(fr, PEER_IP, 3333, 0x0a0000ffu, 4444, "x", 1, 0);
	fake_inject(f, fr, n);
	n = t_udp(fr, 0, 68, STACK_IP, 4444, "x", 1, 0);
	fake_inject(f, fr, n);
	fake_settle();
	is_int(count_icmp(3), 0, "none to broadcast datagrams or from 0.0.0.0");
	b = stats();
	ok(b.icmp.unreach_tx >= 13, "errors sent are counted (%llu)", (unsigned long long)b.icmp.unreach_tx);

	/* Destination unreachable received: counted, nothing sent back. */
	{
		uint8_t m[36];

		memset(m, 0, sizeof(m));
		m[0] = 3;
		m[1] = 1;
		t_ip(m + 8, STACK_IP, FAR_IP, 17, 8, 1, 0, 64);
		t_put16(m + 2, t_csum(m, sizeof(m), 0));
		a = stats();
		fake_inject(f, fr, t_ip_frame(fr, PEER_IP, STACK_IP, 1, m, sizeof(m)));
		fake_settle();
		b = stats();
		is_int(b.icmp.unreach_rx - a.icmp.unreach_rx, 1, "destination unreachable counted");
		is_int(f->tx_count, 0, "and not answered");
	}
	fata_stack_disconnect(s);
	return tap_done();
}
