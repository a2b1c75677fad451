/*
 * UDP (RFC 768, RFC 1122 4.1): sockets bound to a port with a bounded receive queue, checksums
 * both ways, and port unreachable for datagrams nobody listens to.
 *
 * A socket's queue is a byte ring allocated when it is bound, holding each datagram as an
 * 8-byte record header (source address, source port, length; 16 bytes more for an IPv6 source)
 * and its data, so receiving costs
 * no allocation.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <fata/time.h>

#include "prot/icmp.h"
#include "prot/ipv4.h"
#include "prot/ipv6.h"
#include "prot/udp.h"
#include "stack_impl.h"
#include "udp.h"

FATA_LOG_SOURCE(log_udp, "udp");

/* A queued datagram's record: IPv4 source address, source port, length; then, when that address
 * is 255.255.255.255 (never a source: IPv4 drops it), the 16-byte IPv6 source. */
#define REC_HDR 8
#define REC_V6_MARK 0xffffffffu
#define EPHEMERAL_FIRST 49152u

static const struct stack_udp_ops udp_ops;

/* The direct stack's struct fata_udp: a bound socket. */
struct fata_udp {
	const struct stack_udp_ops *ops; /* first: the public calls dispatch on it (stack_impl.h) */
	struct udp_layer *s;
	struct fata_udp *next;
	uint16_t port;
	bool closed;
	unsigned users;			/* fibers inside udp_recv() */
	struct fata_waitq readers;
	uint8_t *ring;
	size_t cap, head, used;		/* read position and bytes queued */
	unsigned count;			/* datagrams queued */
};

static struct fata_udp *find(struct udp_layer *s, uint16_t port)
{
	for (struct fata_udp *u = s->socks; u; u = u->next) {
		if (u->port == port)
			return u;
	}
	return NULL;
}

static void ring_put(struct fata_udp *u, const void *src, size_t len)
{
	size_t tail = (u->head + u->used) % u->cap, first = u->cap - tail;

	if (first > len)
		first = len;
	memcpy(u->ring + tail, src, first);
	memcpy(u->ring, (const uint8_t *)src + first, len - first);
	u->used += len;
}

/* Takes `len` bytes off the front; `dst` NULL discards them. */
static void ring_get(struct fata_udp *u, void *dst, size_t len)
{
	size_t first = u->cap - u->head;

	if (first > len)
		first = len;
	if (dst) {
		memcpy(dst, u->ring + u->head, first);
		memcpy((uint8_t *)dst + first, u->ring, len - first);
	}
	u->head = (u->head + len) % u->cap;
	u->used -= len;
}

/* Queues a datagram from `v4`, or (v6 non-NULL) from that IPv6 address. */
static void enqueue(struct udp_layer *s, struct fata_udp *u, uint32_t v4, const uint8_t *v6,
		    const struct udp_hdr *h, const uint8_t *payload, size_t plen)
{
	uint8_t rec[REC_HDR];
	size_t extra = v6 ? 16 : 0;

	if (REC_HDR + extra + plen > u->cap - u->used) {
		net_drop(&log_udp, s->stats.drop_queue_full, "queue of port %u full",
			 (unsigned)u->port);
		return;
	}
	be32_put(rec, v6 ? REC_V6_MARK : v4);
	memcpy(rec + 4, h->sport, 2);
	be16_put(rec + 6, (uint16_t)plen);
	ring_put(u, rec, REC_HDR);
	if (v6)
		ring_put(u, v6, 16);
	ring_put(u, payload, plen);
	u->count++;
	s->stats.delivered++;
	fata_waitq_wake_one(&u->readers);
}

static void udp_input(void *ctx, const struct ipv4_rx *rx, const uint8_t *data, size_t len)
{
	struct udp_layer *s = ctx;
	NET_STATS(udp) *st = &s->stats;
	const struct udp_hdr *h = (const struct udp_hdr *)data;
	struct fata_udp *u;
	size_t ulen;

	st->rx++;
	if (len < UDP_HDR_LEN) {
		net_drop(&log_udp, st->drop_short, "datagram of %zu bytes", len);
		return;
	}
	ulen = be16_get(h->len);
	if (ulen < UDP_HDR_LEN || ulen > len) {
		net_drop(&log_udp, st->drop_len, "length field %zu, %zu received", ulen, len);
		return;
	}
	/* With offloads the host may have checked the checksum, or owe it (its own datagrams). */
	if (be16_get(h->csum) != 0 && !s->ip->eth->rx_csum_host) {
		struct net_csum c;

		net_csum_init(&c);
		net_csum_pseudo(&c, rx->src, rx->dst, IPV4_PROTO_UDP, (uint16_t)ulen);
		net_csum_add(&c, data, ulen);
		if (net_csum_result(&c) != 0) {
			net_drop(&log_udp, st->drop_checksum, "bad checksum");
			return;
		}
	}
	u = find(s, be16_get(h->dport));
	if (!u) {
		net_drop(&log_udp, st->drop_no_port, "nobody on port %u",
			 (unsigned)be16_get(h->dport));
		icmp_send_error(s->icmp, ICMP_DEST_UNREACH, ICMP_UNREACH_PORT, rx, len);
		return;
	}
	enqueue(s, u, rx->src, NULL, h, data + UDP_HDR_LEN, ulen - UDP_HDR_LEN);
}

void udp_init(struct udp_layer *s, struct ipv4_layer *ip, struct icmp_layer *icmp,
	      const struct net_tunables *tun, uint32_t random)
{
	s->ip = ip;
	s->icmp = icmp;
	s->tun = tun;
	s->next_port = (uint16_t)(EPHEMERAL_FIRST + random % (65536 - EPHEMERAL_FIRST));
	ipv4_register(ip, IPV4_PROTO_UDP, udp_input, s);
}

/* UDP over IPv6 (RFC 8200 8.1): the checksum is mandatory. */
static void udp6_input(void *ctx, const struct ipv6_rx *rx, const uint8_t *data, size_t len)
{
	struct udp_layer *s = ctx;
	NET_STATS(udp) *st = &s->stats;
	const struct udp_hdr *h = (const struct udp_hdr *)data;
	struct net_csum c;
	struct fata_udp *u;
	size_t ulen;

	st->rx++;
	if (len < UDP_HDR_LEN) {
		net_drop(&log_udp, st->drop_short, "datagram of %zu bytes", len);
		return;
	}
	ulen = be16_get(h->len);
	if (ulen < UDP_HDR_LEN || ulen > len) {
		net_drop(&log_udp, st->drop_len, "length field %zu, %zu received", ulen, len);
		return;
	}
	net_csum_init(&c);
	net_csum_pseudo6(&c, rx->src, rx->dst, (uint32_t)ulen, IPV6_NH_UDP);
	net_csum_add(&c, data, ulen);
	/* With offloads the host may have checked the checksum, or owe it, as over IPv4. */
	if (!s->ip->eth->rx_csum_host && (be16_get(h->csum) == 0 || net_csum_result(&c) != 0)) {
		net_drop(&log_udp, st->drop_checksum, "bad or missing checksum (IPv6)");
		return;
	}
	u = find(s, be16_get(h->dport));
	if (!u) {
		net_drop(&log_udp, st->drop_no_port, "nobody on port %u",
			 (unsigned)be16_get(h->dport));
		if (s->icmp6)
			icmpv6_send_error(s->icmp6, ICMPV6_DEST_UNREACH, ICMPV6_UNREACH_PORT, 0, rx,
					  len);
		return;
	}
	enqueue(s, u, 0, rx->src, h, data + UDP_HDR_LEN, ulen - UDP_HDR_LEN);
}

void udp_init6(struct udp_layer *s, struct ipv6_layer *ip6, struct icmpv6_layer *icmp6)
{
	s->ip6 = ip6;
	s->icmp6 = icmp6;
	ipv6_register(ip6, IPV6_NH_UDP, udp6_input, s);
}

int udp_output6(struct udp_layer *s, uint16_t sport, const uint8_t *dst, uint16_t dport,
		const void *buf, size_t len, uint64_t deadline)
{
	struct udp_hdr h;
	struct net_csum c;
	struct net_iov iov[2] = { { &h, UDP_HDR_LEN }, { buf, len } };
	struct ipv6_tx tx = { .proto = IPV6_NH_UDP };
	uint16_t sum;
	int r;

	if (len > UDP_MAX_PAYLOAD)
		return -EMSGSIZE;
	memcpy(tx.dst, dst, 16);
	/* Fix the source now: the checksum covers it. */
	if (ipv6_select_source(s->ip6, dst, tx.src) < 0)
		return -ENETUNREACH;
	be16_put(h.sport, sport);
	be16_put(h.dport, dport);
	be16_put(h.len, (uint16_t)(UDP_HDR_LEN + len));
	be16_put(h.csum, 0);
	net_csum_init(&c);
	net_csum_pseudo6(&c, tx.src, dst, (uint32_t)(UDP_HDR_LEN + len), IPV6_NH_UDP);
	net_csum_add(&c, &h, UDP_HDR_LEN);
	net_csum_add(&c, buf, len);
	sum = net_csum_result(&c);
	be16_put(h.csum, sum ? sum : 0xffff);
	r = ipv6_output(s->ip6, &tx, iov, 2, deadline);
	if (r == 0)
		s->stats.tx++;
	return r;
}

int udp_output(struct udp_layer *s, uint16_t sport, uint32_t dst, uint16_t dport,
	       const void *buf, size_t len, uint64_t deadline)
{
	struct udp_hdr h;
	struct net_csum c;
	struct net_iov iov[2] = { { &h, UDP_HDR_LEN }, { buf, len } };
	/* Fix the source now: the checksum covers it, and resolving may block. */
	struct ipv4_tx tx = { .src = s->ip->addr, .dst = dst, .proto = IPV4_PROTO_UDP };
	uint16_t sum;
	int r;

	if (len > UDP_MAX_PAYLOAD)
		return -EMSGSIZE;
	be16_put(h.sport, sport);
	be16_put(h.dport, dport);
	be16_put(h.len, (uint16_t)(UDP_HDR_LEN + len));
	be16_put(h.csum, 0);
	net_csum_init(&c);
	net_csum_pseudo(&c, tx.src, dst, IPV4_PROTO_UDP, (uint16_t)(UDP_HDR_LEN + len));
	net_csum_add(&c, &h, UDP_HDR_LEN);
	net_csum_add(&c, buf, len);
	sum = net_csum_result(&c);
	be16_put(h.csum, sum ? sum : 0xffff);	/* 0 means "no checksum" */
	r = ipv4_output(s->ip, &tx, iov, 2, deadline);
	if (r == 0)
		s->stats.tx++;
	return r;
}

/* --- the socket interface ----------------------------------------------------------------------- */

struct fata_udp *udp_bind(struct udp_layer *s, uint16_t port)
{
	struct fata_udp *u;

	if (port == 0) {
		for (unsigned i = 0; i < 65536 - EPHEMERAL_FIRST; i++) {
			uint16_t p = s->next_port;

			s->next_port = p == 65535 ? EPHEMERAL_FIRST : (uint16_t)(p + 1);
			if (!find(s, p)) {
				port = p;
				break;
			}
		}
		if (port == 0) {
			errno = EAGAIN;
			return NULL;
		}
	} else if (find(s, port)) {
		errno = EADDRINUSE;
		return NULL;
	}
	u = calloc(1, sizeof(*u));
	if (!u || !(u->ring = malloc(s->tun->udp_queue_bytes))) {
		free(u);
		errno = ENOMEM;
		return NULL;
	}
	u->ops = &udp_ops;
	u->s = s;
	u->port = port;
	u->cap = s->tun->udp_queue_bytes;
	u->next = s->socks;
	s->socks = u;
	fata_log(&log_udp, FATA_LOG_DEBUG, "bound port %u", (unsigned)port);
	return u;
}

static uint16_t udp_port(const struct fata_udp *u)
{
	return u->port;
}

/* Takes the oldest datagram, with its sender in `*src` (either family). */
static long recv_rec(struct fata_udp *u, void *buf, size_t len, struct fata_ip_addr *src,
		     uint16_t *src_port, uint64_t deadline)
{
	uint8_t rec[REC_HDR];
	size_t dlen;

	while (!u->closed && u->count == 0) {
		if (fata_monotonic_ns() >= deadline)
			return -ETIMEDOUT;
		u->users++;
		fata_waitq_wait(&u->readers, deadline);
		u->users--;
	}
	if (u->closed) {
		if (u->users == 0)
			free(u);	/* the last one out frees a socket closed under it */
		return -EBADF;
	}
	ring_get(u, rec, REC_HDR);
	dlen = be16_get(rec + 6);
	if (be32_get(rec) == REC_V6_MARK) {
		uint8_t a6[16];

		ring_get(u, a6, 16);
		if (src)
			*src = fata_ip_v6(a6);
	} else if (src) {
		*src = fata_ip_v4(be32_get(rec));
	}
	if (src_port)
		*src_port = be16_get(rec + 4);
	if (dlen <= len) {
		ring_get(u, buf, dlen);
	} else {
		ring_get(u, buf, len);
		ring_get(u, NULL, dlen - len);
		dlen = len;
	}
	u->count--;
	/* Another reader may be waiting for the next datagram. */
	if (u->count && u->readers.head)
		fata_waitq_wake_one(&u->readers);
	return (long)dlen;
}

long udp_recv(struct fata_udp *u, void *buf, size_t len, uint32_t *src_ip, uint16_t *src_port,
	      uint64_t deadline)
{
	struct fata_ip_addr a;
	long n = recv_rec(u, buf, len, &a, src_port, deadline);

	if (n >= 0 && src_ip)
		*src_ip = a.family == FATA_AF_INET ? a.v4 : 0;
	return n;
}

static int udp_send(struct fata_udp *u, uint32_t dst_ip, uint16_t dst_port, const void *buf,
		    size_t len)
{
	if (u->closed)
		return -EBADF;
	if (len > UDP_MAX_PAYLOAD)
		return -EMSGSIZE;
	if (dst_ip == 0 || dst_port == 0 || (len && !buf))
		return -EINVAL;
	if (!u->s->ip->addr)
		return -ENETUNREACH;
	return udp_output(u->s, u->port, dst_ip, dst_port, buf, len, FATA_NEVER);
}

static int udp_send_addr(struct fata_udp *u, const struct fata_ip_addr *dst, uint16_t dst_port,
			 const void *buf, size_t len)
{
	if (dst->family == FATA_AF_INET)
		return udp_send(u, dst->v4, dst_port, buf, len);
	if (u->closed)
		return -EBADF;
	if (dst->family != FATA_AF_INET6)
		return -EAFNOSUPPORT;
	if (!u->s->ip6 || !u->s->ip6->enabled)
		return -EAFNOSUPPORT;
	if (len > UDP_MAX_PAYLOAD)
		return -EMSGSIZE;
	if (dst_port == 0 || (len && !buf) || ipv6_is_unspecified(dst->v6))
		return -EINVAL;
	return udp_output6(u->s, u->port, dst->v6, dst_port, buf, len, FATA_NEVER);
}

void udp_close(struct fata_udp *u)
{
	struct fata_udp **pp;

	if (!u || u->closed)
		return;
	for (pp = &u->s->socks; *pp; pp = &(*pp)->next) {
		if (*pp == u) {
			*pp = u->next;
			break;
		}
	}
	u->closed = true;
	free(u->ring);
	u->ring = NULL;
	if (u->users) {
		fata_waitq_wake_all(&u->readers);	/* the last of them frees it */
		return;
	}
	free(u);
}

static const struct stack_udp_ops udp_ops = {
	.port = udp_port,
	.recv = udp_recv,
	.send = udp_send,
	.close = udp_close,
	.recv_addr = recv_rec,
	.send_addr = udp_send_addr,
};
