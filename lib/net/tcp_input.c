/*
 * TCP segment arrival: parsing, the checks of RFC 9293 3.10.7 in their order with those of
 * RFC 7323 (PAWS, timestamps) and RFC 5961 (challenge ACKs for RSTs and SYNs, ACK range),
 * acknowledgment processing, and reassembly into the receive ring. Runs in the stack's input
 * fiber and never blocks.
 */
#include <errno.h>
#include <string.h>

#include <fata/time.h>

#include "prot/ipv4.h"
#include "prot/ipv6.h"
#include "tcp.h"

FATA_LOG_SOURCE(log_tcp, "tcp");

/* RFC 7323 5.5: a TS.Recent older than this is no longer compared against. */
#define PAWS_IDLE_NS (24ull * 24 * 3600 * FATA_NS_PER_SEC)
/* The smallest MSS we accept from a peer (tiny ones would make us send tiny segments). */
#define MIN_PEER_MSS 64

int tcp_parse(const uint8_t *p, size_t len, struct tcp_seg *sg)
{
	size_t doff;

	memset(sg, 0, sizeof(*sg));
	if (len < TCP_HDR_LEN)
		return -EBADMSG;
	doff = (size_t)(p[12] >> 4) * 4;
	if (doff < TCP_HDR_LEN || doff > len)
		return -EBADMSG;
	sg->sport = be16_get(p);
	sg->dport = be16_get(p + 2);
	sg->seq = be32_get(p + 4);
	sg->ack = be32_get(p + 8);
	sg->flags = p[13];
	sg->wnd = be16_get(p + 14);
	sg->data = p + doff;
	sg->len = len - doff;
	for (size_t i = TCP_HDR_LEN; i < doff;) {
		uint8_t kind = p[i];
		size_t olen;

		if (kind == TCP_OPT_EOL)
			break;
		if (kind == TCP_OPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= doff)
			break;
		olen = p[i + 1];
		if (olen < 2 || i + olen > doff)
			break;	/* malformed: ignore the rest of the options */
		switch (kind) {
		case TCP_OPT_MSS:
			if (olen == TCP_OPT_MSS_LEN) {
				sg->has_mss = true;
				sg->mss = be16_get(p + i + 2);
			}
			break;
		case TCP_OPT_WS:
			if (olen == TCP_OPT_WS_LEN) {
				sg->has_ws = true;
				sg->ws = p[i + 2] > TCP_WS_MAX ? TCP_WS_MAX : p[i + 2];
			}
			break;
		case TCP_OPT_SACK_PERM:
			if (olen == TCP_OPT_SACK_PERM_LEN)
				sg->sack_perm = true;
			break;
		case TCP_OPT_SACK:
			if (olen >= TCP_OPT_SACK_BASE + TCP_OPT_SACK_BLOCK &&
			    (olen - TCP_OPT_SACK_BASE) % TCP_OPT_SACK_BLOCK == 0) {
				size_t n = (olen - TCP_OPT_SACK_BASE) / TCP_OPT_SACK_BLOCK;

				for (size_t b = 0; b < n && sg->nsack < TCP_SACK_MAX; b++) {
					const uint8_t *q = p + i + 2 + b * TCP_OPT_SACK_BLOCK;

					sg->sack[sg->nsack].start = be32_get(q);
					sg->sack[sg->nsack].end = be32_get(q + 4);
					sg->nsack++;
				}
			}
			break;
		case TCP_OPT_TS:
			if (olen == TCP_OPT_TS_LEN) {
				sg->has_ts = true;
				sg->tsval = be32_get(p + i + 2);
				sg->tsecr = be32_get(p + i + 6);
			}
			break;
		default:
			break;
		}
		i += olen;
	}
	return 0;
}

/* --- the receive ring -------------------------------------------------------------------------- */

/* Copies `len` bytes to offset `off` past rcv_nxt. */
static void ring_put(struct fata_tcp *c, size_t off, const uint8_t *data, size_t len)
{
	size_t pos = (c->rcv_head + c->rcv_used + off) % c->rcv_cap;
	size_t first = c->rcv_cap - pos < len ? c->rcv_cap - pos : len;

	memcpy(c->rcv_buf + pos, data, first);
	memcpy(c->rcv_buf, data + first, len - first);
}

/* Records [start, end) as held out of order; false when that needs more ranges or bytes than
 * allowed. */
static bool ooo_add(struct fata_tcp *c, uint32_t start, uint32_t end)
{
	struct tcp_range r[TCP_OOO_RANGES + 1];
	unsigned n = 0, i = 0, at = 0;
	size_t bytes = 0;
	bool placed = false;

	/* Merge the new range into the sorted list, joining whatever overlaps or touches it. */
	while (i < c->nooo || !placed) {
		struct tcp_range cur;

		if (!placed && (i == c->nooo || SEQ_LT(start, c->ooo[i].start))) {
			cur.start = start;
			cur.end = end;
			placed = true;
		} else {
			cur = c->ooo[i++];
		}
		if (n > 0 && SEQ_LEQ(cur.start, r[n - 1].end)) {
			if (SEQ_GT(cur.end, r[n - 1].end))
				r[n - 1].end = cur.end;
		} else {
			if (n == TCP_OOO_RANGES)
				return false;
			r[n++] = cur;
		}
	}
	for (i = 0; i < n; i++) {
		bytes += r[i].end - r[i].start;
		if (SEQ_LEQ(r[i].start, start) && SEQ_GEQ(r[i].end, end))
			at = i;
	}
	if (bytes > c->s->tun->tcp_ooo_max)
		return false;
	memcpy(c->ooo, r, n * sizeof(r[0]));
	c->nooo = n;
	c->ooo_last = at;
	c->ooo_bytes = bytes;
	return true;
}

static void fin_received(struct fata_tcp *c);

/*
 * Takes `len` bytes at `seq` (inside the window, so seq >= rcv_nxt). In order, they and whatever
 * out-of-order data they join become readable; out of order, they wait in the ring.
 */
static void take_data(struct fata_tcp *c, uint32_t seq, const uint8_t *data, size_t len)
{
	NET_STATS(tcp) *st = &c->s->stats;
	size_t off = seq - c->rcv_nxt, room = c->rcv_cap - c->rcv_used;

	if (off >= room) {
		c->ack_now = true;
		return;
	}
	if (len > room - off)
		len = room - off;	/* never past the ring, whatever was advertised */
	if (off > 0) {
		if (!ooo_add(c, seq, seq + (uint32_t)len)) {
			st->ooo_drops++;
		} else {
			ring_put(c, off, data, len);
			st->ooo_segments++;
		}
		/* RFC 5681 4.2: a duplicate ACK at once, with SACK blocks when agreed. */
		c->ack_now = true;
		return;
	}
	ring_put(c, 0, data, len);
	c->rcv_nxt += (uint32_t)len;
	c->rcv_used += len;
	if (c->nooo) {
		/* Filling a hole: join what follows, and ACK at once (RFC 5681 4.2). */
		while (c->nooo && SEQ_LEQ(c->ooo[0].start, c->rcv_nxt)) {
			if (SEQ_GT(c->ooo[0].end, c->rcv_nxt)) {
				uint32_t more = c->ooo[0].end - c->rcv_nxt;

				c->rcv_nxt += more;
				c->rcv_used += more;
			}
			c->ooo_bytes -= c->ooo[0].end - c->ooo[0].start;
			memmove(c->ooo, c->ooo + 1, (c->nooo - 1) * sizeof(c->ooo[0]));
			c->nooo--;
		}
		c->ooo_last = 0;
		c->ack_now = true;
	}
	/* An ACK for every second segment, else within the delayed-ACK time (RFC 1122 4.2.3.2). */
	if (++c->unacked_segs >= 2)
		c->ack_now = true;
	else if (c->timer[TCP_T_DELACK] == FATA_NEVER)
		tcp_timer_set(c, TCP_T_DELACK, c->last_rx + c->s->tun->tcp_delack_ns);	/* now */
	fata_waitq_wake_all(&c->rwait);
	if (c->ooo_fin && c->rcv_nxt == c->ooo_fin_seq)
		fin_received(c);
}

/* The peer's FIN, in order: the end of its stream. */
static void fin_received(struct fata_tcp *c)
{
	c->ooo_fin = false;
	c->rcv_nxt++;
	c->rd_eof = true;
	c->ack_now = true;
	switch (c->state) {
	case TCP_SYN_RECEIVED:
	case TCP_ESTABLISHED:
		tcp_set_state(c, TCP_CLOSE_WAIT);
		break;
	case TCP_FIN_WAIT_1:
		tcp_set_state(c, SEQ_GT(c->snd_una, c->fin_seq) ? TCP_TIME_WAIT : TCP_CLOSING);
		break;
	case TCP_FIN_WAIT_2:
		tcp_set_state(c, TCP_TIME_WAIT);
		break;
	default:
		break;
	}
	fata_waitq_wake_all(&c->rwait);
}

/* --- opening ------------------------------------------------------------------------------------ */

/* Takes up the options of the peer's SYN: what both sides offered is in use from now on. */
static void syn_options(struct fata_tcp *c, const struct tcp_seg *sg, bool we_offered)
{
	const struct net_tunables *tun = c->s->tun;
	uint32_t mss_wire;

	c->peer_mss = sg->has_mss ? (sg->mss < MIN_PEER_MSS ? MIN_PEER_MSS : sg->mss) : TCP_DEFAULT_MSS;
	c->ws_ok = sg->has_ws && (we_offered ? c->ws_ok : tun->tcp_window_scaling);
	c->ts_ok = sg->has_ts && (we_offered ? c->ts_ok : tun->tcp_timestamps);
	c->sack_ok = sg->sack_perm && (we_offered ? c->sack_ok : tun->tcp_sack);
	if (c->ws_ok) {
		c->snd_wscale = sg->ws;
	} else {
		c->snd_wscale = 0;
		c->rcv_wscale = 0;
	}
	if (c->ts_ok) {
		c->ts_recent = sg->tsval;
		c->ts_recent_at = tcp_now(c->s);
	}
	mss_wire = (uint32_t)c->s->ip->eth->mtu - (c->v6 ? 60 : 40);
	if (c->peer_mss < mss_wire)
		mss_wire = c->peer_mss;
	c->mss = mss_wire - (c->ts_ok ? 12 : 0);
}

static void conn_input(struct fata_tcp *c, const struct tcp_seg *sg);

/* The ACK `sg` returned a SYN cookie for a peer MSS of `mss`: the connection starts here, in
 * SYN-RECEIVED as if it had been kept, and conn_input() completes the handshake. */
static void cookie_open(struct tcp_stack *s, struct tcp_listener *l, const struct tcp_seg *sg,
			uint16_t mss)
{
	struct fata_tcp *c;
	uint32_t mss_wire = (uint32_t)s->ip->eth->mtu - 40;
	int err;

	c = tcp_conn_new(s, sg->src, sg->sport, sg->dport, &err);
	if (!c) {
		tcp_send_reset_for(s, sg);	/* the connection limit: see listen_input() */
		return;
	}
	s->stats.syncookies_ok++;
	s->stats.passive_opens++;
	c->passive = true;
	c->handler = l->handler;
	c->handler_arg = l->arg;
	c->irs = sg->seq - 1;
	c->rcv_nxt = sg->seq;
	/* What the cookie's SYN-ACK offered: no options but MSS, an unscaled window. */
	c->rcv_wscale = c->snd_wscale = 0;
	c->rcv_adv = c->rcv_nxt + (uint32_t)(c->rcv_cap > 65535 ? 65535 : c->rcv_cap);
	c->peer_mss = mss;
	c->mss = mss < mss_wire ? mss : mss_wire;
	c->iss = sg->ack - 1;
	c->snd_una = c->recover = c->iss;
	c->snd_nxt = c->snd_max = c->iss + 1;
	c->snd_wnd = c->max_sndwnd = sg->wnd;
	c->snd_wl1 = sg->seq;
	c->snd_wl2 = c->iss;
	c->retries = 1;		/* no RTT sample from a handshake we did not time */
	c->state = TCP_SYN_RECEIVED;
	c->users++;
	conn_input(c, sg);
	c->users--;
	tcp_maybe_free(c);
}

/*
 * A segment to a listener. A SYN opens a connection in SYN-RECEIVED while the listener has
 * fewer than tcp_backlog of them; past that it is answered with a SYN cookie (tcp.h), so a
 * flood of spoofed SYNs fills the backlog but never locks real clients out. At the stack's
 * connection limit (tcp_max_conns, after evicting TIME-WAIT) a SYN, or an ACK bearing a good
 * cookie, is answered with RST: the client learns at once that the service is full rather than
 * retrying for minutes. Each of these is counted and reported by the rate-limited warning.
 */
static void listen_input(struct tcp_stack *s, struct tcp_listener *l, const struct tcp_seg *sg)
{
	struct fata_tcp *c;
	int err;

	if (sg->flags & TCP_RST)
		return;
	if (sg->flags & TCP_ACK) {
		uint16_t mss;

		if (!(sg->flags & TCP_SYN) && s->tun->tcp_syncookies &&
		    (mss = tcp_cookie_check(s, sg)) != 0) {
			cookie_open(s, l, sg, mss);
			return;
		}
		if (s->cookie_sent_at)
			s->stats.syncookies_bad++;
		tcp_send_reset_for(s, sg);
		return;
	}
	if (!(sg->flags & TCP_SYN))
		return;
	if (!tcp_conn_room(s)) {
		tcp_pressure(s, &s->stats.conn_limit);
		tcp_send_reset_for(s, sg);
		return;
	}
	if (l->pending >= s->tun->tcp_backlog) {
		uint16_t mss;
		uint32_t iss;

		if (!s->tun->tcp_syncookies) {
			net_drop(&log_tcp, s->stats.backlog_drops, "SYN to port %u: backlog of %u full",
				 (unsigned)l->port, s->tun->tcp_backlog);
			return;
		}
		iss = tcp_cookie_make(s, sg, &mss);
		tcp_pressure(s, &s->stats.syncookies_sent);
		tcp_send_cookie_synack(s, sg, iss);
		return;
	}
	c = tcp_conn_new(s, sg->src, sg->sport, sg->dport, &err);
	if (!c) {
		tcp_send_reset_for(s, sg);
		return;
	}
	if (sg->src6)
		tcp_conn_set6(c, sg->dst6, sg->src6);
	s->stats.passive_opens++;
	c->passive = true;
	c->listener = l;
	l->pending++;
	c->handler = l->handler;
	c->handler_arg = l->arg;
	c->irs = sg->seq;
	c->rcv_nxt = sg->seq + 1;
	c->rcv_adv = c->rcv_nxt;
	syn_options(c, sg, false);
	c->iss = tcp_isn(s, c->laddr, c->lport, c->raddr, c->rport);
	c->snd_una = c->snd_nxt = c->snd_max = c->recover = c->iss;
	c->snd_wnd = c->max_sndwnd = sg->wnd;
	c->snd_wl1 = sg->seq;
	c->snd_wl2 = c->iss;
	/* Data in a SYN is not taken: it is not acknowledged and comes again. */
	c->state = TCP_SYN_RECEIVED;
	if (fata_log_enabled(&log_tcp, FATA_LOG_DEBUG)) {
		char n[TCP_CONN_STRLEN];

		fata_log(&log_tcp, FATA_LOG_DEBUG, "%s: LISTEN -> SYN-RECEIVED", tcp_conn_str(c, n));
	}
	c->rtt_start = tcp_now(s);
	tcp_send(c, c->iss, TCP_SYN | TCP_ACK, 0);
	c->snd_nxt = c->snd_max = c->iss + 1;
	tcp_rexmt_restart(c);
}

static void syn_sent_input(struct fata_tcp *c, const struct tcp_seg *sg)
{
	bool ack_ok = false;

	if (sg->flags & TCP_ACK) {
		if (SEQ_LEQ(sg->ack, c->iss) || SEQ_GT(sg->ack, c->snd_max)) {
			if (!(sg->flags & TCP_RST))
				tcp_send_reset_for(c->s, sg);
			return;
		}
		ack_ok = true;
	}
	if (sg->flags & TCP_RST) {
		/* RFC 5961 3.2: in SYN-SENT a RST counts when it acknowledges our SYN. */
		if (ack_ok) {
			c->s->stats.rst_rx++;
			c->s->stats.conn_dropped++;
			tcp_conn_done(c, -ECONNREFUSED);
		}
		return;
	}
	if (!(sg->flags & TCP_SYN))
		return;
	c->irs = sg->seq;
	c->rcv_nxt = sg->seq + 1;
	c->rcv_adv = c->rcv_nxt;
	syn_options(c, sg, true);
	c->snd_wnd = c->max_sndwnd = sg->wnd;	/* never scaled in a SYN */
	c->snd_wl1 = sg->seq;
	c->snd_wl2 = sg->ack;
	if (ack_ok) {
		uint64_t now = tcp_now(c->s);

		c->snd_una = sg->ack;
		if (SEQ_LT(c->snd_nxt, c->snd_una))
			c->snd_nxt = c->snd_una;
		if (c->ts_ok && sg->tsecr)
			tcp_rtt_sample(c, (uint64_t)(tcp_ts_now(c) - sg->tsecr) * FATA_NS_PER_MS);
		else if (c->retries == 0)
			tcp_rtt_sample(c, now - c->rtt_start);
		c->retries = 0;
		tcp_timer_set(c, TCP_T_REXMT, FATA_NEVER);
		tcp_cc_init(c);
		tcp_set_state(c, TCP_ESTABLISHED);
		if (c->keep_idle)
			tcp_timer_set(c, TCP_T_KEEP, now + c->keep_idle);
		c->ack_now = true;
		tcp_output(c);
		return;
	}
	/* Simultaneous open (RFC 9293 figure 7). */
	tcp_set_state(c, TCP_SYN_RECEIVED);
	tcp_send(c, c->iss, TCP_SYN | TCP_ACK, 0);
	tcp_rexmt_restart(c);
}

/* The handshake completed in SYN-RECEIVED; false when the connection could not go on. */
static bool syn_received_done(struct fata_tcp *c, const struct tcp_seg *sg)
{
	uint64_t now = tcp_now(c->s);

	if (tcp_conn_buffers(c) < 0) {
		fata_log(&log_tcp, FATA_LOG_WARNING, "no memory for a connection's buffers: reset");
		tcp_abort(c, -ENOMEM);
		return false;
	}
	c->snd_wnd = sg->wnd << c->snd_wscale;
	if (c->snd_wnd > c->max_sndwnd)
		c->max_sndwnd = c->snd_wnd;
	c->snd_wl1 = sg->seq;
	c->snd_wl2 = sg->ack;
	if (c->ts_ok && sg->has_ts && sg->tsecr)
		tcp_rtt_sample(c, (uint64_t)(tcp_ts_now(c) - sg->tsecr) * FATA_NS_PER_MS);
	else if (c->retries == 0)
		tcp_rtt_sample(c, now - c->rtt_start);
	c->retries = 0;
	tcp_cc_init(c);
	tcp_set_state(c, TCP_ESTABLISHED);
	if (c->keep_idle)
		tcp_timer_set(c, TCP_T_KEEP, now + c->keep_idle);
	if (c->passive) {
		tcp_accept(c);
		return c->in_table;
	}
	return true;
}

/* --- acknowledgments ----------------------------------------------------------------------------- */

/* Merges the peer's SACK blocks (RFC 2018) into the scoreboard; true when they tell something
 * new (RFC 6675: such an ACK counts as a duplicate even when it carries data). */
static bool take_sack(struct fata_tcp *c, const struct tcp_seg *sg)
{
	bool news = false;

	for (unsigned i = 0; i < sg->nsack; i++) {
		struct tcp_range b = sg->sack[i], r[TCP_SCOREBOARD + 1];
		unsigned n = 0, j = 0;
		bool placed = false, covered = false;

		if (!SEQ_LT(b.start, b.end) || !SEQ_GT(b.end, c->snd_una) ||
		    SEQ_GT(b.end, c->snd_max))
			continue;	/* below what is acknowledged, or never sent: ignored */
		if (SEQ_LT(b.start, c->snd_una))
			b.start = c->snd_una;
		for (j = 0; j < c->nsacked; j++) {
			if (SEQ_LEQ(c->sacked[j].start, b.start) && SEQ_GEQ(c->sacked[j].end, b.end))
				covered = true;
		}
		if (covered)
			continue;
		news = true;
		for (j = 0; j < c->nsacked || !placed;) {
			struct tcp_range cur;

			if (!placed && (j == c->nsacked || SEQ_LT(b.start, c->sacked[j].start))) {
				cur = b;
				placed = true;
			} else {
				cur = c->sacked[j++];
			}
			if (n > 0 && SEQ_LEQ(cur.start, r[n - 1].end)) {
				if (SEQ_GT(cur.end, r[n - 1].end))
					r[n - 1].end = cur.end;
			} else {
				r[n++] = cur;
			}
		}
		/* Full: the highest range goes (the low ones say which holes to fill first). */
		c->nsacked = n > TCP_SCOREBOARD ? TCP_SCOREBOARD : n;
		memcpy(c->sacked, r, c->nsacked * sizeof(r[0]));
	}
	return news;
}

/* Forgets what the cumulative ACK now covers. */
static void prune_sack(struct fata_tcp *c)
{
	unsigned n = 0;

	for (unsigned i = 0; i < c->nsacked; i++) {
		struct tcp_range r = c->sacked[i];

		if (SEQ_LEQ(r.end, c->snd_una))
			continue;
		if (SEQ_LT(r.start, c->snd_una))
			r.start = c->snd_una;
		c->sacked[n++] = r;
	}
	c->nsacked = n;
}

/* SEG.ACK is within (snd_una, snd_max]: new data (or our SYN or FIN) is acknowledged. */
static void new_ack(struct fata_tcp *c, const struct tcp_seg *sg)
{
	uint32_t acked = sg->ack - c->snd_una, data = acked;
	uint64_t now = tcp_now(c->s);

	if (c->snd_una == c->iss && data > 0)
		data--;		/* our SYN (simultaneous open) */
	if (c->fin_queued && SEQ_GT(sg->ack, c->fin_seq) && SEQ_LEQ(c->snd_una, c->fin_seq))
		data--;		/* our FIN */
	if (data > c->snd_len)
		data = (uint32_t)c->snd_len;
	/* RTT (RFC 6298, RFC 7323 4.2: only from ACKs of new data). */
	if (c->ts_ok && sg->has_ts && sg->tsecr)
		tcp_rtt_sample(c, (uint64_t)(tcp_ts_now(c) - sg->tsecr) * FATA_NS_PER_MS);
	else if (c->timing && SEQ_GT(sg->ack, c->rtt_seq)) {
		c->timing = false;
		tcp_rtt_sample(c, now - c->rtt_start);
	}
	if (data) {
		c->snd_head = (c->snd_head + data) % c->snd_cap;
		c->snd_len -= data;
		fata_waitq_wake_all(&c->wwait);
	}
	c->snd_una = sg->ack;
	if (SEQ_LT(c->snd_nxt, c->snd_una))
		c->snd_nxt = c->snd_una;
	if (c->nsacked)
		prune_sack(c);
	c->retries = 0;
	tcp_cc_ack(c, data);
	if (c->persist)
		return;	/* the persist timer goes on until the window opens */
	if (c->snd_una == c->snd_max)
		tcp_timer_set(c, TCP_T_REXMT, FATA_NEVER);
	else
		tcp_rexmt_restart(c);	/* RFC 6298 5.3 */
}

/* Returns false when the segment must go no further (the connection may be gone). */
static bool ack_input(struct fata_tcp *c, const struct tcp_seg *sg)
{
	uint32_t wnd = sg->wnd << c->snd_wscale;
	bool window_moves = SEQ_LT(c->snd_wl1, sg->seq) ||
			    (c->snd_wl1 == sg->seq && SEQ_LEQ(c->snd_wl2, sg->ack));
	bool advanced = SEQ_GT(sg->ack, c->snd_una), sack_news = false;

	if (advanced)
		new_ack(c, sg);
	if (c->sack_ok && sg->nsack)
		sack_news = take_sack(c, sg);
	if (sack_news && c->in_recovery && SEQ_GT(c->rxt_next, c->snd_una) &&
	    SEQ_GT(tcp_sack_high(c), c->rxt_mark)) {
		/* Data sent after our last retransmission arrived, and holes we filled are still
		 * holes: those retransmissions were lost too. Send them once more. */
		c->rxt_next = c->snd_una;
		c->rxt_mark = c->snd_max;
	}
	if (!advanced && sg->ack == c->snd_una && c->snd_max != c->snd_una && !c->persist &&
	    c->snd_wnd > 0 &&
	    (sack_news || (sg->len == 0 && !(sg->flags & (TCP_SYN | TCP_FIN)) &&
			   (wnd == c->snd_wnd || !window_moves)))) {
		/* A duplicate ACK (RFC 5681 2; with SACK, one that SACKs new data, RFC 6675 2). */
		tcp_cc_dupack(c);
	}
	if (window_moves) {
		c->snd_wnd = wnd;
		c->snd_wl1 = sg->seq;
		c->snd_wl2 = sg->ack;
		if (wnd > c->max_sndwnd)
			c->max_sndwnd = wnd;
		if (c->persist && wnd > 0) {
			/* The window opened: leave persist; tcp_output() sends from snd_nxt. */
			c->persist = false;
			c->retries = 0;
			tcp_timer_set(c, TCP_T_REXMT, FATA_NEVER);
			if (c->snd_una != c->snd_max)
				tcp_rexmt_restart(c);
		}
	}
	if (c->persist && c->app_open)
		c->retries = 0;	/* the peer answers probes: never give up (RFC 1122 4.2.2.17) */
	if (!c->fin_queued || SEQ_LEQ(c->snd_una, c->fin_seq))
		return true;
	/* Our FIN is acknowledged. */
	switch (c->state) {
	case TCP_FIN_WAIT_1:
		tcp_set_state(c, TCP_FIN_WAIT_2);
		break;
	case TCP_CLOSING:
		tcp_set_state(c, TCP_TIME_WAIT);
		break;
	case TCP_LAST_ACK:
		tcp_conn_done(c, 0);
		return false;
	default:
		break;
	}
	return true;
}

/* --- synchronized states -------------------------------------------------------------------------- */

static void reset_received(struct fata_tcp *c)
{
	NET_STATS(tcp) *st = &c->s->stats;

	st->rst_rx++;
	switch (c->state) {
	case TCP_SYN_RECEIVED:
		/* Passive: back to LISTEN, which here means forgetting it; active: refused. */
		tcp_conn_done(c, -ECONNREFUSED);
		break;
	case TCP_ESTABLISHED:
	case TCP_FIN_WAIT_1:
	case TCP_FIN_WAIT_2:
	case TCP_CLOSE_WAIT:
		st->conn_dropped++;
		tcp_conn_done(c, -ECONNRESET);
		break;
	default:
		tcp_conn_done(c, 0);
		break;
	}
}

/* A new SYN for a connection in TIME-WAIT may open a new one (RFC 9293 3.10.7.4, RFC 6191)
 * when its sequence number, or its timestamp, is past the old connection's. */
static bool time_wait_reopens(struct fata_tcp *c, const struct tcp_seg *sg)
{
	if ((sg->flags & (TCP_SYN | TCP_ACK | TCP_RST)) != TCP_SYN)
		return false;
	if (c->ts_ok && sg->has_ts)
		return SEQ_GT(sg->tsval, c->ts_recent);
	return SEQ_GT(sg->seq, c->rcv_nxt);
}

static void conn_input(struct fata_tcp *c, const struct tcp_seg *sg)
{
	struct tcp_stack *s = c->s;
	NET_STATS(tcp) *st = &s->stats;
	uint64_t now = tcp_now(c->s);
	uint32_t seq = sg->seq, wnd, slen;
	const uint8_t *data = sg->data;
	size_t len = sg->len;
	uint8_t flags = sg->flags;
	bool ok;

	c->last_rx = now;
	if (c->state == TCP_SYN_SENT) {
		syn_sent_input(c, sg);
		return;
	}
	if (c->state == TCP_TIME_WAIT && time_wait_reopens(c, sg)) {
		struct tcp_listener *l = tcp_find_listener(s, c->lport);

		tcp_conn_done(c, 0);
		if (l)
			listen_input(s, l, sg);
		return;
	}
	if (c->state == TCP_SYN_RECEIVED && (flags & (TCP_SYN | TCP_ACK | TCP_RST)) == TCP_SYN &&
	    seq == c->irs) {
		/* The peer did not get our SYN-ACK and sent its SYN again. */
		tcp_send(c, c->iss, TCP_SYN | TCP_ACK, 0);
		return;
	}
	if (c->ts_ok && !(flags & TCP_RST)) {
		/* RFC 7323 3.2: without a timestamp, a segment is dropped once they were agreed. */
		if (!sg->has_ts) {
			net_drop(&log_tcp, st->drop_unacceptable, "no timestamp");
			return;
		}
		/* PAWS (RFC 7323 5.3). */
		if (SEQ_LT(sg->tsval, c->ts_recent) && now - c->ts_recent_at < PAWS_IDLE_NS) {
			net_drop(&log_tcp, st->paws_drops, "old timestamp %u < %u",
				 (unsigned)sg->tsval, (unsigned)c->ts_recent);
			tcp_send_ack(c);
			return;
		}
	}
	/* A SYN we already have (simultaneous open: the SYN-ACK repeats the SYN) is trimmed. */
	if ((flags & TCP_SYN) && SEQ_LT(seq, c->rcv_nxt)) {
		flags &= (uint8_t)~TCP_SYN;
		seq++;
	}

	/* Sequence number acceptability (RFC 9293 3.10.7.4, first). */
	wnd = SEQ_GT(c->rcv_adv, c->rcv_nxt) ? c->rcv_adv - c->rcv_nxt : 0;
	slen = (uint32_t)len + !!(flags & TCP_SYN) + !!(flags & TCP_FIN);
#define IN_WINDOW(x) (SEQ_GEQ((x), c->rcv_nxt) && SEQ_LT((x), c->rcv_nxt + wnd))
	if (slen == 0)
		ok = wnd == 0 ? seq == c->rcv_nxt : IN_WINDOW(seq);
	else
		ok = wnd != 0 && (IN_WINDOW(seq) || IN_WINDOW(seq + slen - 1));
#undef IN_WINDOW
	if (!ok && wnd == 0 && seq == c->rcv_nxt) {
		/* A zero window still takes ACKs, URGs and RSTs: keep the header, drop the data,
		 * and answer (this is how a zero-window probe learns the window). A FIN without
		 * data needs no room and is taken, as Linux does. */
		if (len > 0)
			flags &= (uint8_t)~TCP_FIN;
		len = 0;
		flags &= (uint8_t)~TCP_SYN;
		ok = true;
		c->ack_now = true;
	}
	if (!ok) {
		if (!(flags & TCP_RST)) {
			if (c->state == TCP_TIME_WAIT && (flags & TCP_FIN))
				tcp_timer_set(c, TCP_T_2MSL, now + 2 * s->tun->tcp_msl_ns);
			tcp_send_ack(c);
		}
		net_drop(&log_tcp, st->drop_unacceptable, "segment %u+%u outside the window %u+%u",
			 (unsigned)seq, (unsigned)slen, (unsigned)c->rcv_nxt, (unsigned)wnd);
		return;
	}
	/* Keep only what lies in the window. */
	if (SEQ_LT(seq, c->rcv_nxt)) {
		uint32_t d = c->rcv_nxt - seq;

		if (d > len) {
			len = 0;
			flags &= (uint8_t)~TCP_FIN;	/* a FIN we already had */
		} else {
			data += d;
			len -= d;
		}
		seq = c->rcv_nxt;
	}
	if (SEQ_GT(seq + (uint32_t)len, c->rcv_nxt + wnd)) {
		len = c->rcv_nxt + wnd - seq;
		flags &= (uint8_t)~TCP_FIN;
	}

	/* RST (RFC 5961 3.2): exactly at RCV.NXT resets, elsewhere in the window is challenged. */
	if (flags & TCP_RST) {
		if (sg->seq == c->rcv_nxt) {
			reset_received(c);
		} else {
			st->rst_rx++;
			tcp_send_challenge_ack(c);
		}
		return;
	}
	/* SYN in the window (RFC 5961 4.2): challenge ACK. */
	if (flags & TCP_SYN) {
		if (c->state == TCP_SYN_RECEIVED && c->passive)
			tcp_conn_done(c, 0);
		else
			tcp_send_challenge_ack(c);
		return;
	}
	if (!(flags & TCP_ACK))
		return;
	if (c->state == TCP_SYN_RECEIVED) {
		if (!SEQ_LT(c->snd_una, sg->ack) || !SEQ_LEQ(sg->ack, c->snd_max)) {
			tcp_send_reset_for(s, sg);
			return;
		}
		if (!syn_received_done(c, sg))
			return;
	}
	/* RFC 5961 5.2: an ACK for something never sent, or too old, is answered and dropped. */
	if (SEQ_GT(sg->ack, c->snd_max) || SEQ_LT(sg->ack, c->snd_una - c->max_sndwnd)) {
		net_drop(&log_tcp, st->drop_unacceptable, "ACK %u outside %u..%u",
			 (unsigned)sg->ack, (unsigned)c->snd_una, (unsigned)c->snd_max);
		tcp_send_challenge_ack(c);
		return;
	}
	/* TS.Recent (RFC 7323 4.3). */
	if (c->ts_ok && sg->has_ts && SEQ_LEQ(sg->seq, c->last_ack_sent) &&
	    SEQ_GEQ(sg->tsval, c->ts_recent)) {
		c->ts_recent = sg->tsval;
		c->ts_recent_at = now;
	}
	if (!ack_input(c, sg))
		return;

	/* Text. */
	if (len > 0) {
		switch (c->state) {
		case TCP_ESTABLISHED:
		case TCP_FIN_WAIT_1:
		case TCP_FIN_WAIT_2:
			if (!c->app_open) {
				/* Nobody will read it (RFC 1122 4.2.2.13). */
				char n[TCP_CONN_STRLEN];

				fata_log(&log_tcp, FATA_LOG_DEBUG, "%s: data after close: reset",
					 tcp_conn_str(c, n));
				tcp_abort(c, -ECONNRESET);
				return;
			}
			take_data(c, seq, data, len);
			break;
		default:
			break;	/* after the peer's FIN: nothing more can come */
		}
	}
	if (flags & TCP_FIN) {
		if (seq + (uint32_t)len == c->rcv_nxt) {
			if (c->state == TCP_TIME_WAIT) {
				c->ack_now = true;
				tcp_timer_set(c, TCP_T_2MSL, now + 2 * s->tun->tcp_msl_ns);
			} else if (!c->rd_eof) {
				fin_received(c);
			}
		} else if (c->nooo) {
			/* After a hole: taken when the hole fills. */
			c->ooo_fin = true;
			c->ooo_fin_seq = seq + (uint32_t)len;
		}
	}
	if (c->in_table)
		tcp_output(c);
}

/* --- from the IPv4 layer ------------------------------------------------------------------------ */

static void dispatch(struct tcp_stack *s, struct tcp_seg *sg);

void tcp_input(void *ctx, const struct ipv4_rx *rx, const uint8_t *data, size_t len)
{
	struct tcp_stack *s = ctx;
	NET_STATS(tcp) *st = &s->stats;
	struct tcp_seg sg;
	struct net_csum sum;

	st->rx++;
	if (len > 0xffff || tcp_parse(data, len, &sg) < 0) {
		net_drop(&log_tcp, st->drop_short, "segment of %zu bytes", len);
		return;
	}
	net_csum_init(&sum);
	net_csum_pseudo(&sum, rx->src, rx->dst, IPV4_PROTO_TCP, (uint16_t)len);
	/* With offloads the host may have checked the checksum, or owe it (its own segments). */
	if (!s->ip->eth->rx_csum_host)
		net_csum_add(&sum, data, len);
	if (!s->ip->eth->rx_csum_host && net_csum_result(&sum) != 0) {
		net_drop(&log_tcp, st->drop_checksum, "bad checksum");
		return;
	}
	if (rx->to_group || !s->ip->addr || rx->dst != s->ip->addr || rx->src == 0 || sg.sport == 0 ||
	    sg.dport == 0 || (sg.flags & TCP_SYN && sg.flags & (TCP_RST | TCP_FIN))) {
		net_drop(&log_tcp, st->drop_bad, "to a group, from or to port 0, or bad flags");
		return;
	}
	sg.src = rx->src;
	sg.dst = rx->dst;
	sg.src6 = sg.dst6 = NULL;
	dispatch(s, &sg);
}

/* --- from the IPv6 layer ------------------------------------------------------------------------ */

void tcp_input6(void *ctx, const struct ipv6_rx *rx, const uint8_t *data, size_t len)
{
	struct tcp_stack *s = ctx;
	NET_STATS(tcp) *st = &s->stats;
	struct tcp_seg sg;
	struct net_csum sum;

	st->rx++;
	if (len > 0xffff || tcp_parse(data, len, &sg) < 0) {
		net_drop(&log_tcp, st->drop_short, "segment of %zu bytes", len);
		return;
	}
	net_csum_init(&sum);
	net_csum_pseudo6(&sum, rx->src, rx->dst, (uint32_t)len, IPV6_NH_TCP);
	/* With offloads the host may have checked the checksum, or owe it, as over IPv4. */
	if (!s->ip->eth->rx_csum_host)
		net_csum_add(&sum, data, len);
	if (!s->ip->eth->rx_csum_host && net_csum_result(&sum) != 0) {
		net_drop(&log_tcp, st->drop_checksum, "bad checksum");
		return;
	}
	if (rx->to_group || ipv6_is_unspecified(rx->src) || sg.sport == 0 || sg.dport == 0 ||
	    (sg.flags & TCP_SYN && sg.flags & (TCP_RST | TCP_FIN))) {
		net_drop(&log_tcp, st->drop_bad, "to a group, from or to port 0, or bad flags");
		return;
	}
	sg.src = tcp_fold6(rx->src);
	sg.dst = tcp_fold6(rx->dst);
	sg.src6 = rx->src;
	sg.dst6 = rx->dst;
	dispatch(s, &sg);
}

/* A checked segment of either family to its connection, its listener, or a reset. */
static void dispatch(struct tcp_stack *s, struct tcp_seg *sg)
{
	struct tcp_listener *l;
	struct fata_tcp *c;

	c = sg->src6 ? tcp_lookup6(s, sg->src6, sg->sport, sg->dport)
		    : tcp_lookup(s, sg->src, sg->sport, sg->dport);
	if (c) {
		c->users++;
		conn_input(c, sg);
		c->users--;
		tcp_maybe_free(c);
		return;
	}
	l = tcp_find_listener(s, sg->dport);
	if (l) {
		listen_input(s, l, sg);
		return;
	}
	/* CLOSED (RFC 9293 3.10.7.1): everything but a RST is answered with one. */
	if (!(sg->flags & TCP_RST))
		tcp_send_reset_for(s, sg);
}
