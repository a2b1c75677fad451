/*
 * ICMP for IPv4 (RFC 792, RFC 1122 3.2.2): echo replies, and the errors the stack reports
 * (port and protocol unreachable, reassembly time exceeded) under a token-bucket rate limit.
 */
#include <string.h>

#include <fata/time.h>

#include "icmp.h"
#include "prot/icmp.h"
#include "prot/ipv4.h"

FATA_LOG_SOURCE(log_icmp, "icmp");

static bool is_error_type(uint8_t type)
{
	return type == ICMP_DEST_UNREACH || type == ICMP_SOURCE_QUENCH || type == ICMP_REDIRECT ||
	       type == ICMP_TIME_EXCEEDED || type == ICMP_PARAM_PROBLEM;
}

static void icmp_input(void *ctx, const struct ipv4_rx *rx, const uint8_t *data, size_t len)
{
	struct icmp_layer *s = ctx;
	NET_STATS(icmp) *st = &s->stats;
	const struct icmp_hdr *h = (const struct icmp_hdr *)data;

	st->rx++;
	if (len < ICMP_HDR_LEN) {
		net_drop(&log_icmp, st->drop_short, "message of %zu bytes", len);
		return;
	}
	if (net_checksum(data, len) != 0) {
		net_drop(&log_icmp, st->drop_checksum, "bad checksum");
		return;
	}
	switch (h->type) {
	case ICMP_ECHO_REQUEST: {
		struct icmp_hdr reply;
		struct net_csum c;
		struct net_iov iov[2];
		struct ipv4_tx tx = { .src = rx->dst, .dst = rx->src, .proto = IPV4_PROTO_ICMP };

		st->echo_requests++;
		/* RFC 1122 3.2.2.6 lets a host ignore echo requests to a broadcast address, which
		 * keeps it out of smurf attacks. */
		if (rx->to_group || !s->ip->addr || rx->dst != s->ip->addr) {
			net_drop(&log_icmp, st->drop_broadcast, "echo request to a group address");
			return;
		}
		reply = *h;
		reply.type = ICMP_ECHO_REPLY;
		reply.code = 0;
		be16_put(reply.csum, 0);
		net_csum_init(&c);
		net_csum_add(&c, &reply, ICMP_HDR_LEN);
		net_csum_add(&c, data + ICMP_HDR_LEN, len - ICMP_HDR_LEN);
		be16_put(reply.csum, net_csum_result(&c));
		iov[0] = (struct net_iov){ &reply, ICMP_HDR_LEN };
		iov[1] = (struct net_iov){ data + ICMP_HDR_LEN, len - ICMP_HDR_LEN };
		tx.tos = rx->tos;
		if (ipv4_output(s->ip, &tx, iov, 2, NET_NONBLOCK) == 0) {
			st->tx++;
			st->echo_replies++;
		}
		break;
	}
	case ICMP_DEST_UNREACH:
		st->unreach_rx++;
		fata_log(&log_icmp, FATA_LOG_DEBUG, "destination unreachable (code %u)",
			 (unsigned)h->code);
		break;
	default:
		st->other_rx++;
		fata_log(&log_icmp, FATA_LOG_DEBUG, "ignored type %u code %u", (unsigned)h->type,
			 (unsigned)h->code);
		break;
	}
}

static void send_error(void *ctx, uint8_t type, uint8_t code, const struct ipv4_rx *rx,
		       size_t len)
{
	icmp_send_error(ctx, type, code, rx, len);
}

void icmp_init(struct icmp_layer *s, struct ipv4_layer *ip, const struct net_tunables *tun)
{
	uint64_t cost = tun->icmp_rate ? FATA_NS_PER_SEC / tun->icmp_rate : 0;

	s->ip = ip;
	s->tun = tun;
	s->credit = cost * s->tun->icmp_burst;
	s->last = fata_monotonic_ns();
	ipv4_register(ip, IPV4_PROTO_ICMP, icmp_input, s);
	ipv4_set_error_output(ip, send_error, s);
}

/* Token bucket: each error costs 1/rate s of credit; credit accrues with time up to a burst. */
static bool rate_ok(struct icmp_layer *s)
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

void icmp_send_error(struct icmp_layer *s, uint8_t type, uint8_t code, const struct ipv4_rx *rx,
		     size_t len)
{
	struct icmp_hdr h;
	struct net_csum c;
	struct net_iov iov[2];
	struct ipv4_tx tx = { .src = rx->dst, .dst = rx->src, .proto = IPV4_PROTO_ICMP };
	size_t quote = rx->hdr_len + len;
	const uint8_t *payload = rx->hdr + rx->hdr_len;
	uint16_t frag = be16_get(rx->hdr + 6);

	/* RFC 1122 3.2.2: never about a datagram to a group, from a non-unicast source, a
	 * non-initial fragment, or an ICMP error. */
	if (rx->to_group || rx->src == 0 || ipv4_is_group(rx->src) || !s->ip->addr ||
	    (frag & IPV4_OFFSET_MASK))
		return;
	if (rx->proto == IPV4_PROTO_ICMP && (len < 1 || is_error_type(payload[0])))
		return;
	if (!rate_ok(s)) {
		net_drop(&log_icmp, s->stats.rate_limited, "error type %u not sent: rate limit",
			 (unsigned)type);
		return;
	}
	if (quote > ICMP_ERROR_QUOTE_MAX)
		quote = ICMP_ERROR_QUOTE_MAX;
	memset(&h, 0, sizeof(h));
	h.type = type;
	h.code = code;
	net_csum_init(&c);
	net_csum_add(&c, &h, ICMP_HDR_LEN);
	net_csum_add(&c, rx->hdr, quote);
	be16_put(h.csum, net_csum_result(&c));
	iov[0] = (struct net_iov){ &h, ICMP_HDR_LEN };
	iov[1] = (struct net_iov){ rx->hdr, quote };
	if (rx->dst != s->ip->addr)
		tx.src = s->ip->addr;
	if (ipv4_output(s->ip, &tx, iov, 2, NET_NONBLOCK) == 0) {
		s->stats.tx++;
		if (type == ICMP_DEST_UNREACH)
			s->stats.unreach_tx++;
		else if (type == ICMP_TIME_EXCEEDED)
			s->stats.time_exceeded_tx++;
	}
}
