/*
 * Fuzz harness: the SYN-cookie path. A listener on port 80 whose backlog (128 half-open
 * connections from 10.0.0.1, ports 10000-10127) is full, so every further SYN is answered with a
 * cookie; then segments with sequence and acknowledgment numbers from the input hit it: ACKs
 * with arbitrary numbers (bad cookies: RST), ACKs carrying the cookie of a SYN sent just before
 * (a connection opens), near misses of it, with any flags, options and data.
 *
 * Input: records of ctl, len, then len bytes: seq (4), ack (4), flags (1), window (2), then the
 * TCP options and data of the segment. ctl bits: 0x01 first send a SYN from source port 20000 + (seq & 1023) with the
 * record's window and an MSS of 536 + ack's low 11 bits, 0x02 replace seq and ack by that SYN's
 * ISN + 1 and its cookie + 1, each plus the record's seq and ack as deltas when 0x04 is set too,
 * 0x08 run the due timers of the backlog's first connection afterwards, 0x30 >> 4 words of
 * options (0-3) taken from the bytes after the window.
 *
 * The harness checks one property a user relies on: an ACK carrying exactly the cookie of a SYN
 * for a 4-tuple with no connection opens one (syncookies_ok grows by one).
 */
#include <stdlib.h>

#include "net_fuzz.h"

#include <fata/tcp.h>

#include "../../lib/net/tcp.h"

#define BACKLOG_PORT 10000
#define COOKIE_PORT 20000

static int handler(struct fata_tcp *c, void *arg)
{
	(void)c;
	(void)arg;
	return 0;	/* runs at teardown: nothing may block */
}

/* Sends the `len`-byte TCP segment at frame + 34 from the peer, with its checksum fixed. */
static void send_segment(struct fata_stack *s, uint8_t *frame, size_t len)
{
	struct net_csum sum;
	uint8_t *t = frame + 34;

	be16_put(t + 16, 0);
	net_csum_init(&sum);
	net_csum_pseudo(&sum, FUZZ_PEER, FUZZ_IP, 6, (uint16_t)len);
	net_csum_add(&sum, t, len);
	be16_put(t + 16, net_csum_result(&sum));
	memcpy(frame, fuzz_mac, 6);
	memcpy(frame + 6, fuzz_peer_mac, 6);
	be16_put(frame + 12, 0x0800);
	fuzz_ip_header(frame + 14, 6, len);
	stack_input(s, frame, 34 + len);
}

/* Builds a 20-byte header to port 80 at t, its data offset counting `opt` bytes of options. */
static void header(uint8_t *t, uint16_t sport, uint32_t seq, uint32_t ack, uint8_t flags,
		   uint16_t wnd, size_t opt)
{
	memset(t, 0, 20);
	be16_put(t, sport);
	be16_put(t + 2, 80);
	be32_put(t + 4, seq);
	be32_put(t + 8, ack);
	t[12] = (uint8_t)((5 + opt / 4) << 4);
	t[13] = flags;
	be16_put(t + 14, wnd);
}

static void syn(struct fata_stack *s, uint8_t *frame, uint16_t sport, uint32_t isn, uint16_t mss,
		uint16_t wnd)
{
	uint8_t *t = frame + 34;

	header(t, sport, isn, 0, TCP_SYN, wnd, 4);
	t[20] = 2;
	t[21] = 4;
	be16_put(t + 22, mss);
	send_segment(s, frame, 24);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fata_stack *s;
	struct tcp_stack *tcp;
	uint8_t frame[FUZZ_FRAME_MAX];
	struct tcp_seg last = { 0 };
	uint32_t last_cookie = 0;
	bool have_last = false;
	size_t i;

	s = fuzz_stack();
	if (!s)
		return 0;
	tcp = s->tcp;
	fata_tcp_listen(s, 80, handler, NULL);
	for (unsigned p = 0; p < tcp->tun->tcp_backlog; p++)
		syn(s, frame, (uint16_t)(BACKLOG_PORT + p), 7000u * p, 1460, 65535);
	for (i = 0; i + 2 <= size;) {
		uint8_t ctl = data[i], flags;
		size_t len = data[i + 1], opt = (size_t)((ctl >> 4) & 3) * 4, dlen;
		const uint8_t *rec = data + i + 2;
		uint32_t seq, ack;
		uint16_t wnd, sport;
		uint8_t *t = frame + 34;
		bool exact, fresh, room;
		uint64_t ok_before;

		i += 2;
		if (len > size - i)
			len = size - i;
		i += len;
		if (len < 11)
			continue;
		seq = be32_get(rec);
		ack = be32_get(rec + 4);
		flags = rec[8];
		wnd = be16_get(rec + 9);
		rec += 11;
		len -= 11;
		if (opt > len)
			opt = len & ~(size_t)3;
		dlen = len - opt;
		if (dlen > FUZZ_FRAME_MAX - 34 - 20 - opt)
			dlen = FUZZ_FRAME_MAX - 34 - 20 - opt;
		sport = (uint16_t)(COOKIE_PORT + (seq & 1023));
		if (ctl & 0x01) {
			uint16_t mss;

			syn(s, frame, sport, seq ^ 0x5a5a5a5a, (uint16_t)(536 + (ack & 2047)), wnd);
			/* The cookie the listener just sent, recomputed as tcp_input did. */
			memset(&last, 0, sizeof(last));
			last.src = FUZZ_PEER;
			last.dst = FUZZ_IP;
			last.sport = sport;
			last.dport = 80;
			last.seq = seq ^ 0x5a5a5a5a;
			last.flags = TCP_SYN;
			last.has_mss = true;
			last.mss = (uint16_t)(536 + (ack & 2047));
			last_cookie = tcp_cookie_make(tcp, &last, &mss);
			have_last = true;
		}
		exact = false;
		if ((ctl & 0x02) && have_last) {
			sport = last.sport;
			if (ctl & 0x04) {
				seq += last.seq + 1;
				ack += last_cookie + 1;
			} else {
				seq = last.seq + 1;
				ack = last_cookie + 1;
				/* Exactly the handshake's last ACK, when the flags say ACK alone. */
				exact = (flags & (TCP_SYN | TCP_RST | TCP_FIN | TCP_ACK)) == TCP_ACK;
			}
		}
		fresh = tcp_lookup(tcp, FUZZ_PEER, sport, 80) == NULL;
		room = tcp_conn_room(tcp);
		ok_before = tcp->stats.syncookies_ok;
		header(t, sport, seq, ack, flags, wnd, opt);
		memcpy(t + 20, rec, opt + dlen);
		send_segment(s, frame, 20 + opt + dlen);
		if (exact && fresh && room && tcp->stats.syncookies_ok != ok_before + 1)
			abort();	/* a good cookie was refused */
		if (ctl & 0x08) {
			struct fata_tcp *c = tcp_lookup(tcp, FUZZ_PEER, BACKLOG_PORT, 80);

			if (c && c->in_table && c->next_timer != FATA_NEVER) {
				c->users++;
				tcp_timers_run(c, c->next_timer);
				c->users--;
				tcp_maybe_free(c);
			}
		}
	}
	stack_free(s);
	return 0;
}
