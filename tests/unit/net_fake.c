/* Test support for the network stack: the fake interface and the peer's frame builders. */
#include "net_fake.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/net/stack.h"

const uint8_t peer_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
const uint8_t stack_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 };
const uint8_t bcast_mac[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static struct fake_frame *frame_new(const void *data, size_t len)
{
	struct fake_frame *fr = malloc(sizeof(*fr) + len);

	if (!fr)
		abort();
	fr->next = NULL;
	fr->len = len;
	memcpy(fr->data, data, len);
	return fr;
}

static long fake_read(void *priv, void *buf, size_t len)
{
	struct fake_netif *f = priv;
	struct fake_frame *fr = f->rx_head;
	size_t n;

	if (f->fail_rx) {
		f->fail_rx--;
		return -EIO;
	}
	if (!fr)
		return -EAGAIN;
	f->rx_head = fr->next;
	if (!f->rx_head)
		f->rx_tail = NULL;
	f->rx_count--;
	n = fr->len < len ? fr->len : len;
	if (f->truncate_rx && n > f->truncate_rx)
		n = f->truncate_rx;
	memcpy(buf, fr->data, n);
	free(fr);
	return (long)n;
}

static int fake_write(void *priv, const void *buf, size_t len)
{
	struct fake_netif *f = priv;
	struct fake_frame *fr;

	f->written++;
	if (f->fail_tx) {
		f->fail_tx--;
		return -EIO;
	}
	if (f->drop_tx) {
		f->drop_tx--;
		return 0;
	}
	fr = frame_new(buf, len);
	if (f->tx_tail)
		f->tx_tail->next = fr;
	else
		f->tx_head = fr;
	f->tx_tail = fr;
	f->tx_count++;
	fata_waitq_wake_all(&f->tx_waiters);
	return 0;
}

static int fake_wait(void *priv, uint64_t deadline)
{
	struct fake_netif *f = priv;

	if (f->rx_head || f->interrupted)
		return 1;
	return fata_waitq_wait(&f->rx_waiters, deadline);
}

static void fake_interrupt(void *priv)
{
	struct fake_netif *f = priv;

	f->interrupted = true;
	fata_waitq_wake_all(&f->rx_waiters);
}

static void free_list(struct fake_frame *fr)
{
	while (fr) {
		struct fake_frame *next = fr->next;

		free(fr);
		fr = next;
	}
}

unsigned fake_closed;

static void fake_close(void *priv)
{
	struct fake_netif *f = priv;

	fake_closed++;
	free_list(f->rx_head);
	free_list(f->tx_head);
	free(f);
}

static const struct fata_netif_ops fake_ops = {
	.read = fake_read,
	.write = fake_write,
	.wait = fake_wait,
	.interrupt = fake_interrupt,
	.close = fake_close,
};

static long fake_read_many(void *priv, struct fata_netif_frame *fr, size_t n)
{
	struct fake_netif *f = priv;
	long got = 0;

	f->read_calls++;
	for (; (size_t)got < n; got++) {
		long r = fake_read(priv, fr[got].data, fr[got].len);

		if (r < 0) {
			if (got == 0)
				return r;
			break;
		}
		fr[got].len = (size_t)r;
	}
	if ((unsigned)got > f->most_read)
		f->most_read = (unsigned)got;
	return got;
}

static int fake_write_many(void *priv, const struct fata_netif_frame *fr, size_t n)
{
	struct fake_netif *f = priv;
	int r = 0;

	f->write_calls++;
	if (n > f->most_written)
		f->most_written = (unsigned)n;
	for (size_t i = 0; i < n; i++) {
		int e = fake_write(priv, fr[i].data, fr[i].len);

		r = r ? r : e;
	}
	return r;
}

static const struct fata_netif_ops fake_batch_ops = {
	.read = fake_read,
	.write = fake_write,
	.wait = fake_wait,
	.interrupt = fake_interrupt,
	.close = fake_close,
	.read_many = fake_read_many,
	.write_many = fake_write_many,
	.batch = FAKE_BATCH,
};

static struct fake_netif *make(const uint8_t mac[6], uint16_t mtu,
				const struct fata_netif_ops *ops)
{
	struct fake_netif *f = calloc(1, sizeof(*f));

	if (!f)
		abort();
	/* Same ISNs, ports, ids and DHCP jitter on every run: the stack's generator gets a fixed seed. */
	fata_random_fix(fata_random_default(), "net_fake", 8);
	f->netif = fata_netif_create("fake0", ops, f, mac, mtu);
	if (!f->netif)
		abort();
	return f;
}

struct fake_netif *fake_netif_new(const uint8_t mac[6], uint16_t mtu)
{
	return make(mac, mtu, &fake_ops);
}

struct fake_netif *fake_netif_new_batch(const uint8_t mac[6], uint16_t mtu)
{
	return make(mac, mtu, &fake_batch_ops);
}

void fake_inject(struct fake_netif *f, const void *frame, size_t len)
{
	struct fake_frame *fr = frame_new(frame, len);

	if (f->rx_tail)
		f->rx_tail->next = fr;
	else
		f->rx_head = fr;
	f->rx_tail = fr;
	f->rx_count++;
	fata_waitq_wake_all(&f->rx_waiters);
}

long fake_take(struct fake_netif *f, void *buf, size_t len, uint64_t deadline)
{
	struct fake_frame *fr;
	size_t n;

	while (!f->tx_head) {
		if (fata_monotonic_ns() >= deadline)
			return -1;
		fata_waitq_wait(&f->tx_waiters, deadline);
	}
	fr = f->tx_head;
	f->tx_head = fr->next;
	if (!f->tx_head)
		f->tx_tail = NULL;
	f->tx_count--;
	n = fr->len < len ? fr->len : len;
	memcpy(buf, fr->data, n);
	free(fr);
	return (long)n;
}

void fake_clear(struct fake_netif *f)
{
	free_list(f->tx_head);
	f->tx_head = f->tx_tail = NULL;
	f->tx_count = 0;
}

void fake_settle(void)
{
	for (int i = 0; i < 8; i++)
		fata_yield();
	fata_sleep_ns(FATA_MS(1));
	for (int i = 0; i < 8; i++)
		fata_yield();
}

/* --- the peer's frames ----------------------------------------------------------------------- */

uint16_t t_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

uint32_t t_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

void t_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

void t_put32(uint8_t *p, uint32_t v)
{
	t_put16(p, (uint16_t)(v >> 16));
	t_put16(p + 2, (uint16_t)v);
}

/* RFC 1071, byte by byte: slow and obviously right. */
uint16_t t_csum(const void *data, size_t len, uint32_t initial)
{
	const uint8_t *p = data;
	uint32_t sum = initial;

	for (size_t i = 0; i < len; i++)
		sum += i % 2 ? p[i] : (uint32_t)p[i] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

size_t t_eth(uint8_t *f, const uint8_t dst[6], const uint8_t src[6], uint16_t type)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	t_put16(f + 12, type);
	return 14;
}

size_t t_arp(uint8_t *f, uint16_t op, const uint8_t sha[6], uint32_t spa, const uint8_t tha[6],
	     uint32_t tpa, const uint8_t eth_dst[6])
{
	uint8_t *a = f + t_eth(f, eth_dst, sha, 0x0806);
	static const uint8_t zero[6];

	t_put16(a, 1);
	t_put16(a + 2, 0x0800);
	a[4] = 6;
	a[5] = 4;
	t_put16(a + 6, op);
	memcpy(a + 8, sha, 6);
	t_put32(a + 14, spa);
	memcpy(a + 18, tha ? tha : zero, 6);
	t_put32(a + 24, tpa);
	return 14 + 28;
}

size_t t_ip(uint8_t *p, uint32_t src, uint32_t dst, uint8_t proto, size_t plen, uint16_t id,
	    uint16_t frag, uint8_t ttl)
{
	p[0] = 0x45;
	p[1] = 0;
	t_put16(p + 2, (uint16_t)(20 + plen));
	t_put16(p + 4, id);
	t_put16(p + 6, frag);
	p[8] = ttl;
	p[9] = proto;
	t_put16(p + 10, 0);
	t_put32(p + 12, src);
	t_put32(p + 16, dst);
	t_put16(p + 10, t_csum(p, 20, 0));
	return 20;
}

size_t t_ip_frame(uint8_t *f, uint32_t src, uint32_t dst, uint8_t proto, const void *payload,
		  size_t plen)
{
	size_t n = t_eth(f, stack_mac, peer_mac, 0x0800);

	n += t_ip(f + n, src, dst, proto, plen, 0x1234, 0, 64);
	memcpy(f + n, payload, plen);
	return n + plen;
}

size_t t_ping(uint8_t *f, uint32_t src, uint32_t dst, uint16_t id, uint16_t seq,
	      const void *data, size_t dlen)
{
	uint8_t icmp[FRAME_MAX];

	icmp[0] = 8;
	icmp[1] = 0;
	t_put16(icmp + 2, 0);
	t_put16(icmp + 4, id);
	t_put16(icmp + 6, seq);
	memcpy(icmp + 8, data, dlen);
	t_put16(icmp + 2, t_csum(icmp, 8 + dlen, 0));
	return t_ip_frame(f, src, dst, 1, icmp, 8 + dlen);
}

uint16_t t_udp_csum(uint32_t src, uint32_t dst, const uint8_t *u, size_t ulen)
{
	uint32_t pseudo = (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + 17 +
			  (uint32_t)ulen;
	uint16_t c = t_csum(u, ulen, pseudo);

	return c ? c : 0xffff;
}

size_t t_udp(uint8_t *f, uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
	     const void *data, size_t dlen, uint16_t csum_override)
{
	uint8_t u[FRAME_MAX];

	t_put16(u, sport);
	t_put16(u + 2, dport);
	t_put16(u + 4, (uint16_t)(8 + dlen));
	t_put16(u + 6, 0);
	memcpy(u + 8, data, dlen);
	t_put16(u + 6, csum_override ? csum_override : t_udp_csum(src, dst, u, 8 + dlen));
	return t_ip_frame(f, src, dst, 17, u, 8 + dlen);
}

long t_expect(struct fake_netif *f, uint8_t *buf, uint16_t type, uint8_t proto, uint64_t timeout_ns)
{
	uint64_t deadline = fata_monotonic_ns() + timeout_ns;

	for (;;) {
		long n = fake_take(f, buf, FRAME_MAX, deadline);

		if (n < 0)
			return -1;
		if (n >= 14 && t_get16(buf + 12) == type &&
		    (type != 0x0800 || !proto || (n >= 34 && buf[14 + 9] == proto)))
			return n;
	}
}

void t_teach_peer(struct fake_netif *f)
{
	uint8_t fr[64];
	size_t n = t_arp(fr, 1, peer_mac, PEER_IP, NULL, STACK_IP, bcast_mac);

	fake_inject(f, fr, n);
	fake_settle();
}

struct fata_stack *t_stack(struct fake_netif **fp)
{
	struct fake_netif *f = fake_netif_new(stack_mac, 1500);
	struct fata_stack_config cfg = {
		.name = "stack", .ipv4 = { STACK_IP, 24 }, .gateway = GATEWAY_IP,
	};
	struct fata_stack *s = fata_stack_create(f->netif, &cfg);

	*fp = f;
	if (!s)
		return NULL;
	t_teach_peer(f);
	fake_clear(f);
	return s;
}

void t_logs(void)
{
	const char *spec = getenv("FATA_TEST_LOGS");

	fata_log_set_spec(spec ? spec : "quiet");
}
