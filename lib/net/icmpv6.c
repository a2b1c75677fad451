/*
 * ICMPv6 (RFC 4443): echo replies, the errors the stack reports (unreachable port, parameter
 * problems, reassembly time exceeded) under a token-bucket rate limit (2.4 f), and the errors
 * it receives: Packet Too Big lowers the path MTU (RFC 8201), the others are counted.
 */
#include <string.h>

#include <fata/time.h>

#include "icmpv6.h"
#include "prot/ipv6.h"

FATA_LOG_SOURCE(log_icmpv6, "icmpv6");

/* An error quotes as much of the offending packet as keeps it within the minimum MTU. */
#define QUOTE_MAX (IPV6_MIN_MTU - IPV6_HDR_LEN - ICMPV6_HDR_LEN)

static void echo(struct icmpv6_layer *s, const struct ipv6_rx *rx, const uint8_t *m, size_t len)
{
	NET_STATS(icmpv6) *st = &s->ip->icmp_stats;
	struct ipv6_tx tx = { .proto = IPV6_NH_ICMPV6, .tclass = rx->tclass };
	uint8_t h[ICMPV6_HDR_LEN];
	struct net_iov iov[2];
	struct net_csum c;

	st->echo_requests++;
	/* From the address it was sent to; to a group, from ours for the sender (RFC 4443 4.2). */
	if (ipv6_is_multicast(rx->dst)) {
		if (ipv6_select_source(s->ip, rx->src, tx.src) < 0)
			return;
	} else {
		memcpy(tx.src, rx->dst, 16);
	}
	memcpy(tx.dst, rx->src, 16);
	if (ipv6_is_unspecified(rx->src))
		return;
	memcpy(h, m, ICMPV6_HDR_LEN);
	h[0] = ICMPV6_ECHO_REPLY;
	h[1] = 0;
	be16_put(h + 2, 0);
	net_csum_init(&c);
	net_csum_pseudo6(&c, tx.src, tx.dst, (uint32_t)len, IPV6_NH_ICMPV6);
	net_csum_add(&c, h, ICMPV6_HDR_LEN);
	net_csum_add(&c, m + ICMPV6_HDR_LEN, len - ICMPV6_HDR_LEN);
	be16_put(h + 2, net_csum_result(&c));
	iov[0] = (struct net_iov){ h, ICMPV6_HDR_LEN };
	iov[1] = (struct net_iov){ m + ICMPV6_HDR_LEN, len - ICMPV6_HDR_LEN };
	if (ipv6_output(s->ip, &tx, iov, 2, NET_NONBLOCK) == 0) {
		st->tx++;
		st->echo_replies++;
	}
}

static void icmpv6_input(void *ctx, const struct ipv6_rx *rx, const uint8_t *m, size_t len)
{
	struct icmpv6_layer *s = ctx;
	NET_STATS(icmpv6) *st = &s->ip->icmp_stats;
	struct net_csum c;

	st->rx++;
	if (len < ICMPV6_HDR_LEN) {
		net_drop(&log_icmpv6, st->drop_short, "message of %zu bytes", len);
		return;
	}
	net_csum_init(&c);
	net_csum_pseudo6(&c, rx->src, rx->dst, (uint32_t)len, IPV6_NH_ICMPV6);
	net_csum_add(&c, m, len);
	if (net_csum_result(&c) != 0) {
		net_drop(&log_icmpv6, st->drop_checksum, "bad checksum");
		return;
	}
	switch (m[0]) {
	case ICMPV6_ECHO_REQUEST:
		echo(s, rx, m, len);
		break;
	case ICMPV6_PKT_TOO_BIG:
		st->errors_rx++;
		st->too_big_rx++;
		/* The MTU, then the packet we sent: its destination is the path's. */
		if (len >= ICMPV6_HDR_LEN + IPV6_HDR_LEN)
			ipv6_pmtu_update(s->ip, m + ICMPV6_HDR_LEN + 24, be32_get(m + 4));
		break;
	case ICMPV6_DEST_UNREACH:
	case ICMPV6_TIME_EXCEEDED:
	case ICMPV6_PARAM_PROBLEM:
		st->errors_rx++;
		fata_log(&log_icmpv6, FATA_LOG_DEBUG, "error type %u code %u", (unsigned)m[0],
			 (unsigned)m[1]);
		break;
	default:
		st->other_rx++;
		break;
	}
}

static void send_error(void *ctx, uint8_t type, uint8_t code, uint32_t param,
		       const struct ipv6_rx *rx, size_t len)
{
	icmpv6_send_error(ctx, type, code, param, rx, len);
}

void icmpv6_init(struct icmpv6_layer *s, struct ipv6_layer *ip, const struct net_tunables *tun)
{
	uint64_t cost = tun->icmp_rate ? FATA_NS_PER_SEC / tun->icmp_rate : 0;

	s->ip = ip;
	s->tun = tun;
	s->credit = cost * tun->icmp_burst;
	s->last = fata_monotonic_ns();
	ipv6_register(ip, IPV6_NH_ICMPV6, icmpv6_input, s);
	ipv6_set_error_output(ip, send_error, s);
}

static bool rate_ok(struct icmpv6_layer *s)
{
	uint64_t now = fata_monotonic_ns(), cost, cap;

	if (s->tun->icmp_rate == 0)
		return false;
	cost = FATA_NS_PER_SEC / s->tun->icmp_rate;
	cap = cost * (s->tun->icmp_burst ? s->tun->icmp_burst : 1);
	s->credit += now - s->last;
	s->last = now;
	if (s->credit > cap)
		s->credit = cap;
	if (s->credit < cost)
		return false;
	s->credit -= cost;
	return true;
}

/* Whether the packet is itself an ICMPv6 error (never answered with one). */
static bool is_error(const struct ipv6_rx *rx, size_t len)
{
	size_t total = rx->hdr_len + len;

	if (rx->hdr_len)
		return rx->proto == IPV6_NH_ICMPV6 && (len < 1 || ICMPV6_IS_ERROR(rx->pkt[rx->hdr_len]));
	/* Only the IPv6 header is known: judge by its next header. */
	return rx->pkt[6] == IPV6_NH_ICMPV6 &&
	       (total <= IPV6_HDR_LEN || ICMPV6_IS_ERROR(rx->pkt[IPV6_HDR_LEN]));
}

void icmpv6_send_error(struct icmpv6_layer *s, uint8_t type, uint8_t code, uint32_t param,
		       const struct ipv6_rx *rx, size_t len)
{
	NET_STATS(icmpv6) *st = &s->ip->icmp_stats;
	struct ipv6_tx tx = { .proto = IPV6_NH_ICMPV6 };
	size_t quote = rx->hdr_len + len;
	uint8_t h[ICMPV6_HDR_LEN];
	struct net_iov iov[2];
	struct net_csum c;
	bool group_ok = type == ICMPV6_PKT_TOO_BIG ||
			(type == ICMPV6_PARAM_PROBLEM && code == ICMPV6_PARAM_OPTION);

	/* RFC 4443 2.4 (e). */
	if ((rx->to_group && !group_ok) || ipv6_is_unspecified(rx->src) ||
	    ipv6_is_multicast(rx->src) || is_error(rx, len))
		return;
	if (!rate_ok(s)) {
		net_drop(&log_icmpv6, st->rate_limited, "error type %u not sent: rate limit",
			 (unsigned)type);
		return;
	}
	if (quote > QUOTE_MAX)
		quote = QUOTE_MAX;
	memcpy(tx.dst, rx->src, 16);
	if (!ipv6_is_multicast(rx->dst) && ipv6_our_addr(s->ip, rx->dst, false) >= 0)
		memcpy(tx.src, rx->dst, 16);
	else if (ipv6_select_source(s->ip, rx->src, tx.src) < 0)
		return;
	h[0] = type;
	h[1] = code;
	be16_put(h + 2, 0);
	be32_put(h + 4, param);
	net_csum_init(&c);
	net_csum_pseudo6(&c, tx.src, tx.dst, (uint32_t)(ICMPV6_HDR_LEN + quote), IPV6_NH_ICMPV6);
	net_csum_add(&c, h, ICMPV6_HDR_LEN);
	net_csum_add(&c, rx->pkt, quote);
	be16_put(h + 2, net_csum_result(&c));
	iov[0] = (struct net_iov){ h, ICMPV6_HDR_LEN };
	iov[1] = (struct net_iov){ rx->pkt, quote };
	if (ipv6_output(s->ip, &tx, iov, 2, NET_NONBLOCK) == 0) {
		st->tx++;
		if (type == ICMPV6_DEST_UNREACH)
			st->unreach_tx++;
		else if (type == ICMPV6_PARAM_PROBLEM)
			st->param_problem_tx++;
		else if (type == ICMPV6_TIME_EXCEEDED)
			st->time_exceeded_tx++;
	}
}
