/* Unit tests of UDP (lib/net/udp.c) on the fake interface: bind, receive (queue, truncation,
 * deadline, close), checksums and length checks, send and its errors. */
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

static long recv_within(struct fata_udp *u, void *buf, size_t len, uint32_t *ip, uint16_t *port,
			uint64_t ms)
{
	return fata_udp_recv(u, buf, len, ip, port, fata_monotonic_ns() + FATA_MS(ms));
}

static long blocked_result = 1;

static int blocked_reader(void *arg)
{
	char buf[8];

	blocked_result = fata_udp_recv(arg, buf, sizeof(buf), NULL, NULL, FATA_NEVER);
	return 0;
}

int main(void)
{
	struct fata_udp *u, *u2, *e1, *e2;
	struct fata_stack_stats a, b;
	char buf[100];
	uint32_t ip;
	uint16_t port;
	long n;
	size_t len;

	t_logs();
	s = t_stack(&f);
	ok(s != NULL, "stack on the fake interface");
	if (!s)
		return tap_done();

	u = fata_udp_bind(s, 7);
	ok(u && fata_udp_port(u) == 7, "bind port 7");
	errno = 0;
	ok(fata_udp_bind(s, 7) == NULL && errno == EADDRINUSE, "bind it again: EADDRINUSE");
	e1 = fata_udp_bind(s, 0);
	e2 = fata_udp_bind(s, 0);
	ok(e1 && e2 && fata_udp_port(e1) >= 49152 && fata_udp_port(e2) >= 49152 &&
	   fata_udp_port(e1) != fata_udp_port(e2), "port 0: two different ephemeral ports (%u, %u)",
	   e1 ? fata_udp_port(e1) : 0, e2 ? fata_udp_port(e2) : 0);
	fata_udp_close(e1);
	fata_udp_close(e2);

	/* Receive. */
	fake_inject(f, fr, t_udp(fr, PEER_IP, 1234, STACK_IP, 7, "hello", 5, 0));
	n = recv_within(u, buf, sizeof(buf), &ip, &port, 100);
	ok(n == 5 && memcmp(buf, "hello", 5) == 0 && ip == PEER_IP && port == 1234,
	   "a datagram with its sender's address and port");
	fake_inject(f, fr, t_udp(fr, PEER_IP, 1234, STACK_IP, 7, "", 0, 0));
	is_int(recv_within(u, buf, sizeof(buf), NULL, NULL, 100), 0, "an empty datagram");
	fake_inject(f, fr, t_udp(fr, PEER_IP, 1234, STACK_IP, 7, "no sum", 6, 0));
	t_put16(fr + 34 + 6, 0);	/* no checksum: allowed on IPv4 */
	fake_inject(f, fr, 34 + 8 + 6);
	n = recv_within(u, buf, sizeof(buf), NULL, NULL, 100);
	is_int(n, 6, "first of two");
	n = recv_within(u, buf, sizeof(buf), NULL, NULL, 100);
	ok(n == 6 && memcmp(buf, "no sum", 6) == 0, "checksum 0 means none: accepted");
	fake_inject(f, fr, t_udp(fr, PEER_IP, 1234, STACK_IP, 7, "0123456789", 10, 0));
	fake_inject(f, fr, t_udp(fr, PEER_IP, 1234, STACK_IP, 7, "next", 4, 0));
	n = recv_within(u, buf, 4, NULL, NULL, 100);
	ok(n == 4 && memcmp(buf, "0123", 4) == 0, "a short buffer gets the start of a datagram");
	n = recv_within(u, buf, sizeof(buf), NULL, NULL, 100);
	ok(n == 4 && memcmp(buf, "next", 4) == 0, "and the rest is discarded, not read next");
	{
		uint64_t t0 = fata_monotonic_ns();

		is_int(recv_within(u, buf, sizeof(buf), NULL, NULL, 30), -ETIMEDOUT,
		       "nothing until the deadline: ETIMEDOUT");
		ok(fata_monotonic_ns() - t0 >= FATA_MS(30), "after the deadline");
	}

	/* Bad datagrams are dropped and counted. */
	a = stats();
	fake_inject(f, fr, t_udp(fr, PEER_IP, 1234, STACK_IP, 7, "bad", 3, 0x1234));
	len = t_udp(fr, PEER_IP, 1234, STACK_IP, 7, "long", 4, 0);
	t_put16(fr + 34 + 4, 100);	/* length over the payload */
	fake_inject(f, fr, len);
	t_put16(fr + 34 + 4, 7);	/* length under the header */
	fake_inject(f, fr, len);
	fake_inject(f, fr, t_ip_frame(fr, PEER_IP, STACK_IP, 17, "abc", 3));
	fake_settle();
	b = stats();
	is_int(b.udp.drop_checksum - a.udp.drop_checksum, 1, "bad checksum dropped");
	is_int(b.udp.drop_len - a.udp.drop_len, 2, "length field over the payload or under 8");
	is_int(b.udp.drop_short - a.udp.drop_short, 1, "3-byte datagram dropped");
	is_int(recv_within(u, buf, sizeof(buf), NULL, NULL, 10), -ETIMEDOUT, "none of them delivered");

	/* The length field at the 12 bytes received, one above, one below, and at the header's 8. */
	for (int ulen = 13; ulen >= 8; ulen--) {
		if (ulen == 10 || ulen == 9)
			continue;
		a = stats();
		len = t_udp(fr, PEER_IP, 1234, STACK_IP, 7, "edge", 4, 0);
		t_put16(fr + 34 + 4, (uint16_t)ulen);
		t_put16(fr + 34 + 6, 0);	/* no checksum */
		fake_inject(f, fr, len);
		fake_settle();
		b = stats();
		if (ulen == 13) {
			is_int(b.udp.drop_len - a.udp.drop_len, 1, "length field 13 of 12 bytes: dropped");
			continue;
		}
		n = recv_within(u, buf, sizeof(buf), NULL, NULL, 100);
		ok(n == ulen - 8 && memcmp(buf, "edge", (size_t)(ulen - 8)) == 0,
		   "length field %d of 12 bytes: %d bytes delivered", ulen, ulen - 8);
	}

	/* The queue is bounded. */
	s->tun.udp_queue_bytes = 1000;
	u2 = fata_udp_bind(s, 8);
	a = stats();
	for (int i = 0; i < 20; i++)
		fake_inject(f, fr, t_udp(fr, PEER_IP, 1, STACK_IP, 8, buf, 92, 0));
	fake_settle();
	b = stats();
	is_int(b.udp.drop_queue_full - a.udp.drop_queue_full, 10, "1000-byte queue: 10 of 20 dropped");
	n = 0;
	while (recv_within(u2, buf, sizeof(buf), NULL, NULL, 1) == 92)
		n++;
	is_int(n, 10, "10 queued");

	/* Close wakes a blocked reader. */
	{
		struct fata_fiber *fib = fata_spawn(blocked_reader, u2, 0);

		fake_settle();
		fata_udp_close(u2);
		fata_join(fib);
		is_int(blocked_result, -EBADF, "close: a blocked reader gets EBADF");
	}

	/* Send. */
	fake_clear(f);
	is_int(fata_udp_send(u, PEER_IP, 1234, "pong", 4), 0, "send");
	n = t_expect(f, out, 0x0800, 17, FATA_MS(100));
	ok(n == 34 + 8 + 4 && t_get16(out + 34) == 7 && t_get16(out + 36) == 1234 &&
	   t_get16(out + 38) == 12 && memcmp(out + 42, "pong", 4) == 0,
	   "a datagram from port 7 to 1234 with the data");
	{
		uint16_t sum = t_get16(out + 40);

		t_put16(out + 40, 0);
		is_int(sum, t_udp_csum(STACK_IP, PEER_IP, out + 34, 12), "with the right checksum");
	}
	is_int(fata_udp_send(u, PEER_IP, 1234, buf, 65508), -EMSGSIZE, "65508 bytes: EMSGSIZE");
	is_int(fata_udp_send(u, PEER_IP, 0, buf, 1), -EINVAL, "port 0: EINVAL");
	is_int(fata_udp_send(u, 0, 1, buf, 1), -EINVAL, "address 0: EINVAL");
	{
		static uint8_t big[65507], back[65507];
		int same;

		for (size_t i = 0; i < sizeof(big); i++)
			big[i] = (uint8_t)(i * 31);
		fake_clear(f);
		is_int(fata_udp_send(u, PEER_IP, 7, big, sizeof(big)), 0, "send 65507 bytes");
		/* Loop the fragments back in: they reassemble into the same datagram for port 7. */
		while ((n = fake_take(f, out, sizeof(out), 0)) > 0) {
			memcpy(out, stack_mac, 6);
			memcpy(out + 6, peer_mac, 6);
			t_put32(out + 14 + 12, PEER_IP);
			t_put32(out + 14 + 16, STACK_IP);
			t_put16(out + 14 + 10, 0);
			t_put16(out + 14 + 10, t_csum(out + 14, 20, 0));
			fake_inject(f, out, (size_t)n);
		}
		n = recv_within(u, back, sizeof(back), NULL, NULL, 200);
		same = n == 65507 && memcmp(big, back, sizeof(big)) == 0;
		ok(same, "its 45 fragments, looped back, reassemble to the same 65507 bytes");
	}
	fata_udp_close(u);
	fata_udp_close(NULL);
	fata_stack_disconnect(s);
	return tap_done();
}
