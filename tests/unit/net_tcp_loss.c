/*
 * Unit tests of TCP's sender under loss (lib/net/tcp*.c) with a scripted peer on the fake
 * interface: the retransmission timer with exponential backoff and its limit, go-back after a
 * timeout with the congestion window at one segment, slow start, fast retransmit on three
 * duplicate ACKs with limited transmit, NewReno partial ACKs, SACK-based recovery of several
 * holes, and keepalive probes.
 */
#include <errno.h>
#include <string.h>

#include "../../lib/net/stack.h"
#include "../../lib/net/tcp.h"
#include "net_tcp_peer.h"
#include "tap.h"

#define MSS 1448	/* 1460 - 12 bytes of timestamps */

static struct fata_key no_keys[1];
const struct fata_unikernel fata_unikernel = { .name = "test", .keys = no_keys };

static struct fake_netif *f;
static struct fata_stack *s;
static uint16_t next_port = 10000;
static uint8_t pattern[70000];

static struct fata_stack_stats stats(void)
{
	struct fata_stack_stats st;

	fata_stack_stats(s, &st);
	return st;
}

/* A connection from the peer with MSS 1460, window scale 7, timestamps, SACK when `sack`. */
static struct fata_tcp *open_conn(struct tpeer *p, bool sack)
{
	uint8_t opt[40], fr[FRAME_MAX];
	struct tseg sg;
	size_t n;

	if (sack) {
		if (tp_open(p, f, next_port++, 80, true) < 0)
			return NULL;
	} else {
		memset(p, 0, sizeof(*p));
		p->f = f;
		p->port = next_port++;
		p->sport = 80;
		p->wnd = 512;
		p->tsval = 100;
		n = tp_syn_options(opt, 1460, 7, false, true, p->tsval, 0);
		fake_inject(f, fr, t_tcp(fr, p->port, 80, 5000, 0, F_SYN, 65535, opt, n, NULL, 0));
		if (tp_take(p, &sg, 200) < 0)
			return NULL;
		p->snd_nxt = 5001;
		p->rcv_nxt = sg.seq + 1;
		p->ts = true;
		tp_send(p, F_ACK, NULL, 0);
	}
	fake_settle();
	if (held)
		fata_tcp_set_nodelay(held, true);
	return held;
}

static void done(void)
{
	s->tun.tcp_rto_min_ns = FATA_MS(40);
	tp_release();
	t_tcp_abort_all(s);
	fake_clear(f);
}

/* Takes data segments into seqs[] (relative to `base`), up to `max`, for `ms`. */
static int take_segs(struct tpeer *p, uint32_t base, uint32_t *seqs, int max, unsigned ms)
{
	struct tseg sg;
	int n = 0;

	while (n < max && tp_take_data(p, &sg, ms) == 0)
		seqs[n++] = sg.seq - base;
	return n;
}

static void ack_to(struct tpeer *p, uint32_t ack)
{
	p->rcv_nxt = ack;
	tp_send(p, F_ACK, NULL, 0);
}

static void timeouts(void)
{
	struct fata_stack_stats a = stats(), b;
	struct tpeer p;
	struct fata_tcp *c = open_conn(&p, true);
	struct tseg sg, first;
	uint64_t t[6];
	int k = 0;
	char buf[4];

	ok(c != NULL, "connection open");
	if (!c)
		return;
	s->tun.tcp_retries = 3;
	fata_tcp_write(c, pattern, 1000, FATA_NEVER);
	ok(tp_take_data(&p, &first, 100) == 0 && first.len == 1000, "1000 bytes sent");
	t[k++] = fata_monotonic_ns();
	while (k < 6 && tp_take_data(&p, &sg, 1000) == 0) {
		if (sg.seq == first.seq && sg.len == 1000 && !memcmp(sg.data, pattern, 1000))
			t[k++] = fata_monotonic_ns();
	}
	is_int(k, 4, "no ACK: sent again three times (tcp_retries 3), the same bytes");
	/* Doubling, give or take a loaded machine's scheduling delays. */
	ok(k == 4 && t[1] - t[0] >= FATA_MS(38) && 4 * (t[2] - t[1]) >= 7 * (t[1] - t[0]) &&
	   4 * (t[3] - t[2]) >= 7 * (t[2] - t[1]),
	   "the RTO doubles each time (%llu, %llu, %llu ms)",
	   (unsigned long long)((t[1] - t[0]) / FATA_NS_PER_MS),
	   (unsigned long long)((t[2] - t[1]) / FATA_NS_PER_MS),
	   (unsigned long long)((t[3] - t[2]) / FATA_NS_PER_MS));
	is_int(fata_tcp_read(c, buf, sizeof(buf), fata_monotonic_ns() + FATA_SEC(2)), -ETIMEDOUT,
	       "then the connection gives up: read returns ETIMEDOUT");
	is_int(fata_tcp_write(c, buf, 1, FATA_NEVER), -ETIMEDOUT, "and so does write");
	b = stats();
	is_int(b.tcp.retransmits - a.tcp.retransmits, 3, "three retransmissions counted");
	is_int(b.tcp.conn_dropped - a.tcp.conn_dropped, 1, "one connection dropped");
	s->tun.tcp_retries = 4;
	done();
}

static void go_back_and_slow_start(void)
{
	struct tpeer p;
	struct fata_tcp *c = open_conn(&p, true);
	uint32_t base, seqs[16];
	int n;

	if (!c)
		return;
	base = p.rcv_nxt;
	fata_tcp_write(c, pattern, 40000, FATA_NEVER);
	n = take_segs(&p, base, seqs, 16, 20);
	ok(n == 3 && seqs[0] == 0 && seqs[1] == MSS && seqs[2] == 2 * MSS,
	   "initial window: 3 segments (4380 bytes, RFC 5681 3.1) (%d)", n);
	ack_to(&p, base + MSS);
	n = take_segs(&p, base, seqs, 16, 20);
	ok(n == 2 && seqs[0] == 3 * MSS && seqs[1] == 4 * MSS, "slow start: an ACK of one segment lets two go");
	ack_to(&p, base + 3 * MSS);
	n = take_segs(&p, base, seqs, 16, 20);
	is_int(n, 3, "an ACK of two: three more (cwnd grows by one SMSS per ACK, RFC 3465 L = 1)");
	/* Now lose everything in flight: the timer goes off, one segment goes, from snd_una. */
	{
		struct tseg sg;

		ok(tp_take_data(&p, &sg, 200) == 0 && sg.seq == base + 3 * MSS && t_tcp_none(f, 20),
		   "timeout: only the first unacknowledged segment again (cwnd 1)");
	}
	is_int(c->cwnd, MSS, "cwnd is one segment");
	ack_to(&p, base + 4 * MSS);
	n = take_segs(&p, base, seqs, 16, 20);
	ok(n == 2 && seqs[0] == 4 * MSS && seqs[1] == 5 * MSS, "its ACK: the next two, going back over what was sent");
	is_int(c->ssthresh, 5 * MSS / 2, "ssthresh: half of the 5 segments that were in flight");
	done();
}

/* Gets a connection to 9 segments in flight: s0..s2 acked, s3..s8 out. The minimum RTO is
 * raised so that no timeout interferes with the scripted duplicate ACKs. */
static struct fata_tcp *nine_in_flight(struct tpeer *p, bool sack, uint32_t *base)
{
	struct fata_tcp *c;
	uint32_t seqs[16];
	int n;

	s->tun.tcp_rto_min_ns = FATA_MS(500);
	c = open_conn(p, sack);

	if (!c)
		return NULL;
	*base = p->rcv_nxt;
	fata_tcp_write(c, pattern, 60000, FATA_NEVER);
	take_segs(p, *base, seqs, 16, 20);
	for (int i = 1; i <= 3; i++)
		ack_to(p, *base + (uint32_t)i * MSS);
	n = take_segs(p, *base, seqs, 16, 20);
	ok(n == 6 && seqs[0] == 3 * MSS && seqs[5] == 8 * MSS, "s3..s8 in flight (%d)", n);
	return c;
}

static void newreno(void)
{
	struct fata_stack_stats a = stats(), b;
	struct tpeer p;
	uint32_t base, seqs[16];
	struct fata_tcp *c = nine_in_flight(&p, false, &base);
	uint64_t t0;
	int n;

	if (!c)
		return;
	ok(!c->sack_ok, "no SACK on this connection");
	/* s3 and s5 were lost. s4 arrives: a duplicate ACK. */
	t0 = fata_monotonic_ns();
	ack_to(&p, base + 3 * MSS);
	n = take_segs(&p, base, seqs, 16, 10);
	ok(n == 1 && seqs[0] == 9 * MSS, "first duplicate ACK: limited transmit sends one new segment (RFC 3042)");
	ack_to(&p, base + 3 * MSS);
	n = take_segs(&p, base, seqs, 16, 10);
	ok(n == 1 && seqs[0] == 10 * MSS, "second: another");
	ack_to(&p, base + 3 * MSS);
	n = take_segs(&p, base, seqs, 16, 10);
	ok(n >= 1 && seqs[0] == 3 * MSS && fata_monotonic_ns() - t0 < FATA_MS(38),
	   "third: s3 is sent again at once, before any timeout (fast retransmit)");
	ok(c->in_recovery && c->ssthresh == 4 * MSS, "fast recovery, ssthresh = flight / 2 (%u)", c->ssthresh);
	/* The retransmitted s3 fills the first hole: the ACK covers s3..s4, not s5 (partial). */
	ack_to(&p, base + 5 * MSS);
	n = take_segs(&p, base, seqs, 16, 10);
	ok(n >= 1 && seqs[0] == 5 * MSS, "a partial ACK: s5 is sent again at once (RFC 6582)");
	ok(c->in_recovery, "still in recovery");
	ack_to(&p, base + 11 * MSS);
	fake_settle();
	ok(!c->in_recovery, "a full ACK ends recovery");
	ok(c->cwnd <= c->ssthresh, "cwnd no larger than ssthresh (%u <= %u)", c->cwnd, c->ssthresh);
	b = stats();
	is_int(b.tcp.fast_retransmits - a.tcp.fast_retransmits, 2, "two fast retransmissions counted");
	is_int(b.tcp.timeouts - a.tcp.timeouts, 0, "and no timeout");
	done();
}

static void sack_recovery(void)
{
	struct fata_stack_stats a = stats(), b;
	struct tpeer p;
	uint32_t base, seqs[16];
	struct fata_tcp *c = nine_in_flight(&p, true, &base);
	uint8_t opt[40], fr[FRAME_MAX];
	int n;

	if (!c)
		return;
	ok(c->sack_ok, "SACK on this connection");
	/* s3 and s5 lost; the peer reports what it holds above them. */
#define SACK_ACK(...) do { \
		uint32_t blk[][2] = { __VA_ARGS__ }; \
		size_t k = 0, nb = sizeof(blk) / sizeof(blk[0]); \
		opt[k++] = 1; opt[k++] = 1; opt[k++] = 8; opt[k++] = 10; \
		t_put32(opt + k, ++p.tsval); t_put32(opt + k + 4, p.tsecr); k += 8; \
		opt[k++] = 1; opt[k++] = 1; opt[k++] = 5; opt[k++] = (uint8_t)(2 + 8 * nb); \
		for (size_t i = 0; i < nb; i++, k += 8) { \
			t_put32(opt + k, base + blk[i][0] * MSS); \
			t_put32(opt + k + 4, base + blk[i][1] * MSS); \
		} \
		fake_inject(f, fr, t_tcp(fr, p.port, 80, p.snd_nxt, base + 3 * MSS, F_ACK, p.wnd, \
					 opt, k, NULL, 0)); \
	} while (0)
	SACK_ACK({ 4, 5 });
	n = take_segs(&p, base, seqs, 16, 10);
	ok(n == 1 && seqs[0] == 9 * MSS, "SACK of s4: limited transmit");
	SACK_ACK({ 6, 7 }, { 4, 5 });
	n = take_segs(&p, base, seqs, 16, 10);
	ok(n == 1 && seqs[0] == 10 * MSS, "SACK of s6: limited transmit");
	SACK_ACK({ 6, 9 }, { 4, 5 });
	n = take_segs(&p, base, seqs, 16, 10);
	ok(n >= 2 && seqs[0] == 3 * MSS && seqs[1] == 5 * MSS,
	   "four segments SACKed above s3: both holes, s3 and s5, are sent again (RFC 6675)");
	ok(c->in_recovery, "in recovery");
	SACK_ACK({ 6, 11 });
	n = take_segs(&p, base, seqs, 16, 10);
	ok(n == 0 || seqs[0] != 5 * MSS, "s5 is not sent a third time on a further duplicate");
	ack_to(&p, base + 11 * MSS);
	fake_settle();
	ok(!c->in_recovery, "the full ACK ends recovery");
	b = stats();
	is_int(b.tcp.timeouts - a.tcp.timeouts, 0, "no timeout");
	ok(b.tcp.retransmits - a.tcp.retransmits >= 2, "the retransmissions counted");
	done();
}

static void keepalive(void)
{
	struct fata_stack_stats a = stats(), b;
	struct tpeer p;
	struct fata_tcp *c = open_conn(&p, true);
	struct tseg sg;
	uint64_t t0 = fata_monotonic_ns();
	char buf[4];
	int probes = 0;

	if (!c)
		return;
	ok(t_tcp_none(f, 80), "keepalive is off by default: an idle connection is silent");
	tcp_set_keepalive(c, FATA_MS(50), FATA_MS(30), 2);
	t0 = fata_monotonic_ns();
	ok(tp_take(&p, &sg, 200) == 0 && sg.flags == F_ACK && sg.len == 0 &&
	   sg.seq == p.rcv_nxt - 1, "turned on: after the idle time a probe, an ACK for SND.UNA - 1");
	(void)t0;
	tp_send(&p, F_ACK, NULL, 0);
	ok(t_tcp_none(f, 40), "the peer answers: quiet again");
	while (tp_take(&p, &sg, 200) == 0) {
		if (sg.flags == F_ACK && sg.seq == p.rcv_nxt - 1)
			probes++;
	}
	is_int(probes, 2, "no more answers: two probes");
	is_int(fata_tcp_read(c, buf, sizeof(buf), 0), -ETIMEDOUT, "then the connection is dropped: ETIMEDOUT");
	b = stats();
	is_int(b.tcp.keepalive_probes - a.tcp.keepalive_probes, 3, "three probes counted");
	done();
}

int main(void)
{
	t_logs();
	t_tcp_tunables();
	for (size_t i = 0; i < sizeof(pattern); i++)
		pattern[i] = (uint8_t)(i * 13 + i / 253);
	s = t_stack(&f);
	ok(s != NULL, "stack on the fake interface");
	if (!s)
		return tap_done();
	fata_tcp_listen(s, 80, tp_hold_handler, NULL);
	timeouts();
	go_back_and_slow_start();
	newreno();
	sack_recovery();
	keepalive();
	fata_stack_disconnect(s);
	return tap_done();
}
