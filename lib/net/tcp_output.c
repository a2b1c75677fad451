/*
 * TCP sending: deciding what may go out now (send and congestion windows, Nagle's algorithm of
 * RFC 896 and the sender's silly window avoidance of RFC 1122 4.2.3.4, FIN after the data), the
 * window we advertise (with the receiver's silly window avoidance), and building segments with
 * their options. Nothing here blocks or allocates: a segment is a header on the stack and up to
 * two pieces of the send ring, handed to ipv4_output(..., NET_NONBLOCK).
 */
#include <errno.h>
#include <string.h>

#include <fata/time.h>

#include "prot/ipv4.h"
#include "prot/ipv6.h"
#include "tcp.h"

FATA_LOG_SOURCE(log_tcp, "tcp");

uint32_t tcp_ts_now(struct fata_tcp *c)
{
	return (uint32_t)(tcp_now(c->s) / FATA_NS_PER_MS) + c->ts_offset;
}

uint32_t tcp_rcv_window(struct fata_tcp *c)
{
	size_t free_space = c->rcv_cap - c->rcv_used, max = (size_t)65535 << c->rcv_wscale;
	uint32_t cur = SEQ_GT(c->rcv_adv, c->rcv_nxt) ? c->rcv_adv - c->rcv_nxt : 0;
	size_t step = c->rcv_cap / 2 < c->mss ? c->rcv_cap / 2 : c->mss;

	if (free_space > max)
		free_space = max;
	/* RFC 1122 4.2.3.3: move the right edge only by a useful amount. */
	if (free_space < (size_t)cur + step)
		return cur;
	return (uint32_t)free_space;
}

/* Writes the options of a segment with `flags` into `o`; returns their length (a multiple of
 * 4). `sack_room`: whether SACK blocks may be added (only to pure ACKs, whose size does not
 * count against the MSS). */
static size_t build_options(struct fata_tcp *c, uint8_t *o, uint8_t flags, bool sack_room)
{
	size_t n = 0;

	if (flags & TCP_SYN) {
		o[n++] = TCP_OPT_MSS;
		o[n++] = TCP_OPT_MSS_LEN;
		be16_put(o + n, (uint16_t)(c->s->ip->eth->mtu - (c->v6 ? 60 : 40)));
		n += 2;
		if (c->sack_ok) {
			if (!c->ts_ok) {
				o[n++] = TCP_OPT_NOP;
				o[n++] = TCP_OPT_NOP;
			}
			o[n++] = TCP_OPT_SACK_PERM;
			o[n++] = TCP_OPT_SACK_PERM_LEN;
		}
		if (c->ts_ok) {
			if (!c->sack_ok) {
				o[n++] = TCP_OPT_NOP;
				o[n++] = TCP_OPT_NOP;
			}
			o[n++] = TCP_OPT_TS;
			o[n++] = TCP_OPT_TS_LEN;
			be32_put(o + n, tcp_ts_now(c));
			/* TSecr is the peer's TSval in a SYN-ACK, 0 in a SYN. */
			be32_put(o + n + 4, (flags & TCP_ACK) ? c->ts_recent : 0);
			n += 8;
		}
		if (c->ws_ok) {
			o[n++] = TCP_OPT_NOP;
			o[n++] = TCP_OPT_WS;
			o[n++] = TCP_OPT_WS_LEN;
			o[n++] = c->rcv_wscale;
		}
		return n;
	}
	if (c->ts_ok) {
		o[n++] = TCP_OPT_NOP;
		o[n++] = TCP_OPT_NOP;
		o[n++] = TCP_OPT_TS;
		o[n++] = TCP_OPT_TS_LEN;
		be32_put(o + n, tcp_ts_now(c));
		be32_put(o + n + 4, c->ts_recent);
		n += 8;
	}
	if (c->sack_ok && c->nooo && sack_room && !(flags & TCP_RST)) {
		/* RFC 2018 4: the block of the latest segment first, then the others. */
		unsigned max = (unsigned)((TCP_OPT_MAX - n - 4) / TCP_OPT_SACK_BLOCK), k = 0;
		uint8_t *len_at;

		o[n++] = TCP_OPT_NOP;
		o[n++] = TCP_OPT_NOP;
		o[n++] = TCP_OPT_SACK;
		len_at = o + n++;
		for (unsigned i = 0; i < c->nooo && k < max; i++) {
			unsigned idx = i == 0 ? c->ooo_last : (i <= c->ooo_last ? i - 1 : i);

			be32_put(o + n, c->ooo[idx].start);
			be32_put(o + n + 4, c->ooo[idx].end);
			n += TCP_OPT_SACK_BLOCK;
			k++;
		}
		*len_at = (uint8_t)(TCP_OPT_SACK_BASE + k * TCP_OPT_SACK_BLOCK);
	}
	return n;
}

int tcp_send_at(struct fata_tcp *c, uint32_t seq, uint8_t flags, size_t len, uint64_t deadline)
{
	struct tcp_stack *s = c->s;
	uint8_t hdr[TCP_HDR_MAX];
	struct net_iov iov[3] = { { hdr, 0 } };
	struct ipv4_tx tx = { .src = c->laddr, .dst = c->raddr, .proto = IPV4_PROTO_TCP };
	struct net_csum sum;
	size_t hlen, n = 1;
	uint32_t wnd;
	uint16_t field;
	int r;

	hlen = TCP_HDR_LEN + build_options(c, hdr + TCP_HDR_LEN, flags, len == 0);
	be16_put(hdr, c->lport);
	be16_put(hdr + 2, c->rport);
	be32_put(hdr + 4, seq);
	be32_put(hdr + 8, (flags & TCP_ACK) ? c->rcv_nxt : 0);
	hdr[12] = (uint8_t)(hlen / 4 << 4);
	hdr[13] = flags;
	wnd = tcp_rcv_window(c);
	if (flags & TCP_SYN) {
		field = (uint16_t)(wnd > 65535 ? 65535 : wnd);	/* never scaled (RFC 7323 2.2) */
		wnd = field;
	} else {
		uint32_t scaled = wnd >> c->rcv_wscale;

		uint32_t up = (wnd + (1u << c->rcv_wscale) - 1) >> c->rcv_wscale;

		/* Rounding down must not move the right edge back (RFC 9293 3.8.6), but rounding up
		 * must not promise more than the ring holds: the edge would creep right by up to
		 * 2^wscale - 1 bytes at every ACK, and the peer's tail be dropped. Between the two,
		 * the edge moves back by less than 2^wscale, which RFC 7323 2.4 allows for. */
		if (SEQ_LT(c->rcv_nxt + (scaled << c->rcv_wscale), c->rcv_adv) &&
		    ((size_t)up << c->rcv_wscale) <= c->rcv_cap - c->rcv_used)
			scaled = up;
		field = (uint16_t)(scaled > 65535 ? 65535 : scaled);
		wnd = (uint32_t)field << c->rcv_wscale;
	}
	if (SEQ_GT(c->rcv_nxt + wnd, c->rcv_adv))
		c->rcv_adv = c->rcv_nxt + wnd;
	be16_put(hdr + 14, field);
	be16_put(hdr + 16, 0);
	be16_put(hdr + 18, 0);
	iov[0].len = hlen;
	if (len) {
		size_t pos = (c->snd_head + (size_t)(seq - c->snd_una)) % c->snd_cap;
		size_t first = c->snd_cap - pos < len ? c->snd_cap - pos : len;

		iov[n].base = c->snd_buf + pos;
		iov[n++].len = first;
		if (first < len) {
			iov[n].base = c->snd_buf;
			iov[n++].len = len - first;
		}
	}
	net_csum_init(&sum);
	if (c->v6)
		net_csum_pseudo6(&sum, c->laddr6, c->raddr6, (uint32_t)(hlen + len), IPV6_NH_TCP);
	else
		net_csum_pseudo(&sum, tx.src, tx.dst, IPV4_PROTO_TCP, (uint16_t)(hlen + len));
	if (tcp_offload(c)) {
		/* The host adds the segment to the pseudo-header sum (and cuts it at the MSS). */
		be16_put(hdr + 16, (uint16_t)~net_csum_result(&sum));
		tx.csum_at = 16;
		tx.l4_hdr_len = (uint8_t)hlen;
		tx.gso_size = (uint16_t)c->mss;
	} else {
		net_csum_add_iov(&sum, iov, n);
		be16_put(hdr + 16, net_csum_result(&sum));
	}
	if (flags & TCP_ACK) {
		c->last_ack_sent = c->rcv_nxt;
		c->ack_now = false;
		c->unacked_segs = 0;
		if (c->timer[TCP_T_DELACK] != FATA_NEVER)
			tcp_timer_set(c, TCP_T_DELACK, FATA_NEVER);
	}
	if (c->v6) {
		struct ipv6_tx tx6 = { .proto = IPV6_NH_TCP };

		memcpy(tx6.src, c->laddr6, 16);
		memcpy(tx6.dst, c->raddr6, 16);
		r = s->ip6 ? ipv6_output(s->ip6, &tx6, iov, n, deadline) : -EAFNOSUPPORT;
	} else {
		r = ipv4_output(s->ip, &tx, iov, n, deadline);
	}
	s->stats.tx++;
	if (flags & TCP_RST)
		s->stats.rst_tx++;
	return r;
}

int tcp_send(struct fata_tcp *c, uint32_t seq, uint8_t flags, size_t len)
{
	return tcp_send_at(c, seq, flags, len, NET_NONBLOCK);
}

void tcp_send_ack(struct fata_tcp *c)
{
	tcp_send(c, c->snd_nxt, TCP_ACK, 0);
}

void tcp_send_challenge_ack(struct fata_tcp *c)
{
	if (!tcp_challenge_allowed(c->s))
		return;
	c->s->stats.challenge_acks++;
	tcp_send_ack(c);
}

void tcp_send_cookie_synack(struct tcp_stack *s, const struct tcp_seg *sg, uint32_t iss)
{
	uint8_t hdr[TCP_HDR_LEN + TCP_OPT_MSS_LEN];
	struct net_iov iov = { hdr, sizeof(hdr) };
	struct ipv4_tx tx = { .src = sg->dst, .dst = sg->src, .proto = IPV4_PROTO_TCP };
	size_t wnd = s->tun->tcp_rcv_buf > 65535 ? 65535 : s->tun->tcp_rcv_buf;
	struct net_csum sum;

	memset(hdr, 0, sizeof(hdr));
	be16_put(hdr, sg->dport);
	be16_put(hdr + 2, sg->sport);
	be32_put(hdr + 4, iss);
	be32_put(hdr + 8, sg->seq + 1);
	hdr[12] = sizeof(hdr) / 4 << 4;
	hdr[13] = TCP_SYN | TCP_ACK;
	be16_put(hdr + 14, (uint16_t)wnd);
	hdr[TCP_HDR_LEN] = TCP_OPT_MSS;
	hdr[TCP_HDR_LEN + 1] = TCP_OPT_MSS_LEN;
	be16_put(hdr + TCP_HDR_LEN + 2, (uint16_t)(s->ip->eth->mtu - 40));
	net_csum_init(&sum);
	net_csum_pseudo(&sum, tx.src, tx.dst, IPV4_PROTO_TCP, sizeof(hdr));
	net_csum_add(&sum, hdr, sizeof(hdr));
	be16_put(hdr + 16, net_csum_result(&sum));
	ipv4_output(s->ip, &tx, &iov, 1, NET_NONBLOCK);
	s->stats.tx++;
}

void tcp_send_reset_for(struct tcp_stack *s, const struct tcp_seg *sg)
{
	uint8_t hdr[TCP_HDR_LEN];
	struct net_iov iov = { hdr, TCP_HDR_LEN };
	struct ipv4_tx tx = { .src = sg->dst, .dst = sg->src, .proto = IPV4_PROTO_TCP };
	struct net_csum sum;

	memset(hdr, 0, sizeof(hdr));
	be16_put(hdr, sg->dport);
	be16_put(hdr + 2, sg->sport);
	if (sg->flags & TCP_ACK) {
		be32_put(hdr + 4, sg->ack);
		hdr[13] = TCP_RST;
	} else {
		be32_put(hdr + 8, sg->seq + tcp_seg_len(sg));
		hdr[13] = TCP_RST | TCP_ACK;
	}
	hdr[12] = TCP_HDR_LEN / 4 << 4;
	net_csum_init(&sum);
	if (sg->src6)
		net_csum_pseudo6(&sum, sg->dst6, sg->src6, TCP_HDR_LEN, IPV6_NH_TCP);
	else
		net_csum_pseudo(&sum, tx.src, tx.dst, IPV4_PROTO_TCP, TCP_HDR_LEN);
	net_csum_add(&sum, hdr, TCP_HDR_LEN);
	be16_put(hdr + 16, net_csum_result(&sum));
	if (sg->src6) {
		struct ipv6_tx tx6 = { .proto = IPV6_NH_TCP };

		memcpy(tx6.src, sg->dst6, 16);
		memcpy(tx6.dst, sg->src6, 16);
		if (s->ip6)
			ipv6_output(s->ip6, &tx6, &iov, 1, NET_NONBLOCK);
	} else {
		ipv4_output(s->ip, &tx, &iov, 1, NET_NONBLOCK);
	}
	s->stats.tx++;
	s->stats.rst_tx++;
}

/* Counts a segment that covers sequence space sent before, and stops timing (Karn). */
static void count_retransmit(struct fata_tcp *c, uint32_t seq, uint32_t end)
{
	c->s->stats.retransmits++;
	if (c->timing && SEQ_LEQ(seq, c->rtt_seq) && SEQ_LT(c->rtt_seq, end))
		c->timing = false;
}

/* Whether the byte at `seq` is covered by a SACK block; if so, moves `*seq` past it. */
static bool skip_sacked(const struct fata_tcp *c, uint32_t *seq)
{
	for (unsigned i = 0; i < c->nsacked; i++) {
		if (SEQ_GEQ(*seq, c->sacked[i].start) && SEQ_LT(*seq, c->sacked[i].end)) {
			*seq = c->sacked[i].end;
			return true;
		}
	}
	return false;
}

uint32_t tcp_sack_high(const struct fata_tcp *c)
{
	uint32_t high = c->snd_una;

	for (unsigned i = 0; i < c->nsacked; i++) {
		if (SEQ_GT(c->sacked[i].end, high))
			high = c->sacked[i].end;
	}
	return high;
}

uint32_t tcp_sacked_bytes(const struct fata_tcp *c)
{
	uint32_t n = 0;

	for (unsigned i = 0; i < c->nsacked; i++)
		n += c->sacked[i].end - c->sacked[i].start;
	return n;
}

/* Bytes in [a, b) that no SACK block covers. */
static uint32_t unsacked_in(const struct fata_tcp *c, uint32_t a, uint32_t b)
{
	uint32_t n = b - a;

	for (unsigned i = 0; i < c->nsacked; i++) {
		uint32_t s = c->sacked[i].start, e = c->sacked[i].end;

		if (SEQ_LT(s, a))
			s = a;
		if (SEQ_GT(e, b))
			e = b;
		if (SEQ_LT(s, e))
			n -= e - s;
	}
	return n;
}

uint32_t tcp_pipe(const struct fata_tcp *c)
{
	uint32_t high = tcp_sack_high(c), lim;

	if (!c->nsacked)
		return c->snd_max - c->snd_una;
	lim = SEQ_LT(c->rxt_next, high) ? c->rxt_next : high;
	return (c->snd_max - high) + (SEQ_GT(lim, c->snd_una) ? unsacked_in(c, c->snd_una, lim) : 0);
}

/* Sends the segment of sent data that starts at `seq` again (at most one MSS, not past what
 * was sent, not into a SACKed block, with the FIN if it ends there). Returns where it ended. */
static uint32_t resend_at(struct fata_tcp *c, uint32_t seq)
{
	size_t off = seq - c->snd_una, sent = c->snd_max - c->snd_una, len = 0;
	uint8_t flags = TCP_ACK;

	if (off < c->snd_len) {
		len = c->snd_len - off;
		if (len > sent - off)
			len = sent - off;
		if (len > c->mss)
			len = c->mss;
		/* Do not run into a later SACKed block. */
		for (unsigned i = 0; i < c->nsacked; i++) {
			if (SEQ_GT(c->sacked[i].start, seq) &&
			    SEQ_LT(c->sacked[i].start, seq + (uint32_t)len))
				len = c->sacked[i].start - seq;
		}
	}
	if (c->fin_queued && seq + (uint32_t)len == c->fin_seq && SEQ_GT(c->snd_max, c->fin_seq))
		flags |= TCP_FIN;
	if (len == 0 && !(flags & TCP_FIN))
		return seq;
	count_retransmit(c, seq, seq + (uint32_t)len + !!(flags & TCP_FIN));
	tcp_send(c, seq, flags, len);
	c->rxt_mark = c->snd_max;
	return seq + (uint32_t)len + !!(flags & TCP_FIN);
}

void tcp_retransmit_first(struct fata_tcp *c)
{
	uint32_t end = resend_at(c, c->snd_una);

	if (SEQ_GT(end, c->rxt_next))
		c->rxt_next = end;
}

void tcp_persist_probe(struct fata_tcp *c)
{
	size_t off = c->snd_nxt - c->snd_una;
	size_t avail = off < c->snd_len ? c->snd_len - off : 0, len;

	if (avail == 0)
		return;
	if (c->snd_wnd == 0) {
		/* One byte past the window; snd_nxt stays, so it is sent again normally later. */
		c->s->stats.zero_window_probes++;
		tcp_send(c, c->snd_nxt, TCP_ACK, 1);
		if (SEQ_GT(c->snd_nxt + 1, c->snd_max))
			c->snd_max = c->snd_nxt + 1;
		return;
	}
	/* A small window that Nagle and silly window avoidance kept us from using. */
	len = c->snd_wnd < avail ? c->snd_wnd : avail;
	if (len > c->mss)
		len = c->mss;
	if (SEQ_LT(c->snd_nxt, c->snd_max))
		count_retransmit(c, c->snd_nxt, c->snd_nxt + (uint32_t)len);
	tcp_send(c, c->snd_nxt, TCP_ACK | TCP_PSH, len);
	c->snd_nxt += (uint32_t)len;
	if (SEQ_GT(c->snd_nxt, c->snd_max))
		c->snd_max = c->snd_nxt;
}

void tcp_keepalive_probe(struct fata_tcp *c)
{
	c->s->stats.keepalive_probes++;
	tcp_send(c, c->snd_una - 1, TCP_ACK, 0);
}

/*
 * In SACK recovery (RFC 6675 NextSeg, rule 1): sends the first hole from rxt_next on below the
 * highest SACKed byte. Each hole goes once per recovery; a lost retransmission waits for the
 * retransmission timer. Returns whether one went out.
 */
static bool sack_resend(struct fata_tcp *c)
{
	uint32_t seq = c->rxt_next, high = tcp_sack_high(c);

	if (SEQ_LT(seq, c->snd_una))
		seq = c->snd_una;
	while (skip_sacked(c, &seq))
		;
	if (!SEQ_LT(seq, high))
		return false;
	c->rxt_next = resend_at(c, seq);
	return SEQ_GT(c->rxt_next, seq);
}

static void output_pass(struct fata_tcp *c);

/* The segments of one pass leave together where the interface has batches. */
void tcp_output(struct fata_tcp *c)
{
	struct eth_layer *eth = c->s ? c->s->ip->eth : NULL;

	if (eth)
		eth_tx_hold(eth);
	output_pass(c);
	if (eth)
		eth_tx_release(eth);
}

static void output_pass(struct fata_tcp *c)
{
	struct tcp_stack *s = c->s;
	size_t avail = 0;

	if (!s || !c->in_table)
		return;
	switch (c->state) {
	case TCP_ESTABLISHED:
	case TCP_CLOSE_WAIT:
	case TCP_FIN_WAIT_1:
	case TCP_CLOSING:
	case TCP_LAST_ACK:
		break;
	case TCP_FIN_WAIT_2:
	case TCP_TIME_WAIT:
		if (c->ack_now)
			tcp_send_ack(c);
		return;
	default:
		return;	/* the handshake has its own segments */
	}
	/* SACK recovery: the holes go first, as far as the congestion window allows. */
	if (c->in_recovery && c->sack_ok) {
		while (c->cwnd >= tcp_pipe(c) + c->mss && sack_resend(c))
			;
	}
	for (;;) {
		size_t off = c->snd_nxt - c->snd_una, len = 0, seg_max, by_wnd, by_cwnd;
		uint32_t cwnd = c->cwnd, inflight = c->snd_nxt - c->snd_una, used;
		uint8_t flags = TCP_ACK;
		bool fin = false, go = false;

		avail = off < c->snd_len ? c->snd_len - off : 0;
		/* Limited transmit (RFC 3042): new data on the first two duplicate ACKs. */
		if (!c->in_recovery && c->dupacks > 0 && c->dupacks < 3)
			cwnd += c->dupacks * c->mss;
		used = c->in_recovery && c->sack_ok ? tcp_pipe(c) : inflight;
		by_wnd = c->snd_wnd > inflight ? c->snd_wnd - inflight : 0;
		by_cwnd = cwnd > used ? cwnd - used : 0;
		/* SACK blocks only ever go on pure ACKs. With offloads, up to 64 KiB of whole
		 * segments at once, which the host cuts at the MSS. */
		seg_max = tcp_offload(c) ? TCP_TSO_MAX / c->mss * c->mss : c->mss;
		if (avail) {
			len = by_wnd < by_cwnd ? by_wnd : by_cwnd;
			if (len > avail)
				len = avail;
			if (len > seg_max)
				len = seg_max;
			if (len > c->mss && len < avail)
				len -= len % c->mss;	/* a short segment only at the end */
		}
		if (c->fin_queued && (c->state == TCP_FIN_WAIT_1 || c->state == TCP_CLOSING ||
				      c->state == TCP_LAST_ACK) &&
		    SEQ_LEQ(c->snd_nxt, c->fin_seq) && c->snd_nxt + (uint32_t)len == c->fin_seq)
			fin = true;
		if (len > 0) {
			if (len >= c->mss)
				go = true;
			else if (len == avail && (c->nodelay || inflight == 0 || fin))
				go = true;	/* Nagle: a small segment only with nothing in flight */
			else if (c->max_sndwnd && len >= c->max_sndwnd / 2)
				go = true;	/* RFC 1122 4.2.3.4 */
		} else if (fin && avail == 0) {
			go = true;
		}
		if (!go)
			break;
		if (fin)
			flags |= TCP_FIN;
		if (len && len == avail)
			flags |= TCP_PSH;
		if (SEQ_LT(c->snd_nxt, c->snd_max)) {
			count_retransmit(c, c->snd_nxt, c->snd_nxt + (uint32_t)len + fin);
		} else if (!c->timing && !c->ts_ok) {
			c->timing = true;
			c->rtt_seq = c->snd_nxt;
			c->rtt_start = tcp_now(c->s);
		}
		tcp_send(c, c->snd_nxt, flags, len);
		c->snd_nxt += (uint32_t)len + fin;
		if (SEQ_GT(c->snd_nxt, c->snd_max))
			c->snd_max = c->snd_nxt;
		if (c->persist) {
			c->persist = false;
			tcp_timer_set(c, TCP_T_REXMT, FATA_NEVER);
		}
		if (c->timer[TCP_T_REXMT] == FATA_NEVER)
			tcp_rexmt_restart(c);
	}
	if (c->ack_now)
		tcp_send_ack(c);
	/* Data waits and nothing is in flight to bring an ACK: probe the window (RFC 9293 3.8.6.1). */
	if (avail > 0 && c->snd_max == c->snd_una && c->timer[TCP_T_REXMT] == FATA_NEVER) {
		uint64_t t = c->rto;

		c->persist = true;
		c->retries = 0;
		c->probes = 0;
		if (t < s->tun->tcp_rto_min_ns)
			t = s->tun->tcp_rto_min_ns;
		tcp_timer_set(c, TCP_T_REXMT, tcp_now(c->s) + t);
	}
	(void)log_tcp;
}
