/*
 * Unit tests of TCP opening (lib/net/tcp*.c) with a scripted peer on the fake interface: the
 * passive and active handshakes byte for byte, option negotiation (MSS, window scale, SACK,
 * timestamps), simultaneous open, RSTs and bad ACKs during the handshake, SYN and SYN-ACK
 * retransmission, closed ports, backlog and connection limits, listen/unlisten errors.
 */
#include <errno.h>
#include <string.h>

#include "../../lib/net/stack.h"
#include "../../lib/net/tcp.h"
#include "net_tcp_peer.h"
#include "tap.h"

static struct fata_key no_keys[1];
const struct fata_unikernel fata_unikernel = { .name = "test", .keys = no_keys };

static struct fake_netif *f;
static struct fata_stack *s;
static uint8_t fr[FRAME_MAX];

static struct fata_stack_stats stats(void)
{
	struct fata_stack_stats st;

	fata_stack_stats(s, &st);
	return st;
}

/* fata_tcp_connect() in a fiber of its own, while the test plays the peer. */
struct job {
	uint16_t port;
	unsigned ms;
	struct fata_tcp *c;
	int err;
	bool done;
};

static int connect_fiber(void *arg)
{
	struct job *j = arg;

	j->c = fata_tcp_connect(s, PEER_IP, j->port, fata_monotonic_ns() + FATA_MS(j->ms), &j->err);
	j->done = true;
	return 0;
}

static struct fata_fiber *start_connect(struct job *j, uint16_t port, unsigned ms)
{
	memset(j, 0, sizeof(*j));
	j->port = port;
	j->ms = ms;
	return fata_spawn(connect_fiber, j, 0);
}

static void passive(void)
{
	static const uint8_t want_opt[20] = {
		2, 4, 0x05, 0xb4,	/* MSS 1460 */
		4, 2,			/* SACK permitted */
		8, 10, 0, 0, 0, 0, 0, 0, 0x13, 0x88,	/* TS, TSecr = 5000 (filled below) */
		1, 3, 3, 1,		/* NOP, window scale 1 (64 KiB receive buffer) */
	};
	uint8_t opt[40], want[20];
	struct fata_stack_stats a = stats(), b;
	struct tpeer p = { .f = f, .port = 40000, .sport = 80, .ts = false, .wnd = 512 };
	struct tseg sg;
	size_t n;

	is_int(fata_tcp_listen(s, 80, tp_hold_handler, NULL), 0, "listen on port 80");
	is_int(fata_tcp_listen(s, 80, tp_hold_handler, NULL), -EADDRINUSE, "again: EADDRINUSE");
	is_int(fata_tcp_listen(s, 0, tp_hold_handler, NULL), -EINVAL, "port 0: EINVAL");
	is_int(fata_tcp_unlisten(s, 81), -ENOENT, "unlisten a port nobody listens on: ENOENT");

	n = tp_syn_options(opt, 1460, 7, true, true, 5000, 0);
	fake_inject(f, fr, t_tcp(fr, 40000, 80, 777, 0, F_SYN, 65535, opt, n, NULL, 0));
	ok(tp_take(&p, &sg, 200) == 0, "SYN to a listener: an answer");
	is_str(t_flags(sg.flags), "S.", "it is a SYN-ACK");
	ok(sg.src == STACK_IP && sg.dst == PEER_IP && sg.sport == 80 && sg.dport == 40000,
	   "from 10.0.0.2:80 to 10.0.0.1:40000");
	is_int(sg.ack, 778, "acknowledging the SYN (ISS + 1)");
	is_int(sg.wnd, 65535, "window 65535 (not scaled in a SYN)");
	ok(sg.csum_ok, "checksum right");
	memcpy(want, want_opt, sizeof(want));
	memcpy(want + 8, sg.opt + 8, 4);	/* TSval: the stack's clock */
	ok(sg.optlen == 20 && memcmp(sg.opt, want, 20) == 0,
	   "options byte for byte: MSS 1460, SACK-permitted, TS echoing 5000, NOP, WS 1");
	ok(held == NULL, "no handler before the handshake completes");
	p.stack_iss = sg.seq;
	p.snd_nxt = 778;
	p.rcv_nxt = sg.seq + 1;
	p.ts = true;
	p.tsval = 5000;
	tp_send(&p, F_ACK, NULL, 0);
	fake_settle();
	ok(held != NULL, "the final ACK starts the handler with the connection");
	if (held) {
		uint32_t ip;
		uint16_t port;

		fata_tcp_peer(held, &ip, &port);
		ok(ip == PEER_IP && port == 40000, "fata_tcp_peer: 10.0.0.1:40000");
	}
	b = stats();
	is_int(b.tcp.passive_opens - a.tcp.passive_opens, 1, "counted: one passive open");
	is_int(b.tcp.established - a.tcp.established, 1, "counted: one established");
	ok(t_tcp_none(f, 30), "nothing more sent (no ACK of an ACK)");

	/* A segment from the stack now carries the negotiated options: TS only, window scaled. */
	fata_tcp_write(held, "hi", 2, FATA_NEVER);
	ok(tp_take(&p, &sg, 200) == 0 && sg.len == 2 && memcmp(sg.data, "hi", 2) == 0,
	   "data from the stack");
	ok(sg.optlen == 12 && sg.opt[0] == 1 && sg.opt[1] == 1 && sg.opt[2] == 8 && sg.opt[3] == 10 &&
	   sg.tsecr == p.tsval, "with NOP NOP TS echoing the peer's latest TSval");
	is_int(sg.wnd, 32768, "window 65536 >> 1: the scaled field");
	is_int(sg.seq, p.rcv_nxt, "sequence number ISS + 1");
	is_str(t_flags(sg.flags), "P.", "PSH on the last segment of a write");
	tp_release();
	t_tcp_abort_all(s);
	fake_clear(f);
}

/* A SYN without options, then one with MSS 1000 and timestamps but no window scale. */
static void negotiation(void)
{
	static uint8_t big[3000];
	struct tpeer p = { .f = f, .port = 40001, .sport = 80, .wnd = 65535 };
	uint8_t opt[40];
	struct tseg sg;
	size_t n;
	bool sizes = true;

	fake_inject(f, fr, t_tcp(fr, 40001, 80, 5000, 0, F_SYN, 4000, NULL, 0, NULL, 0));
	ok(tp_take(&p, &sg, 200) == 0 && sg.flags == (F_SYN | F_ACK), "SYN without options: SYN-ACK");
	ok(sg.optlen == 4 && sg.opt[0] == 2 && sg.opt[1] == 4 && t_get16(sg.opt + 2) == 1460,
	   "only MSS in the SYN-ACK: nothing the peer did not offer");
	p.snd_nxt = 5001;
	p.rcv_nxt = sg.seq + 1;
	tp_send(&p, F_ACK, NULL, 0);
	fake_settle();
	ok(held != NULL, "established");
	if (!held)
		return;
	fata_tcp_set_nodelay(held, true);
	fata_tcp_write(held, big, sizeof(big), FATA_NEVER);
	for (int i = 0; i < 4; i++) {
		if (tp_take(&p, &sg, 200) < 0 || sg.len != 536 || sg.optlen != 0)
			sizes = false;
	}
	ok(sizes, "without an MSS option segments carry 536 bytes (RFC 9293 3.7.1), no options");
	ok(t_tcp_none(f, 30), "the initial window, 4 segments of 536 (RFC 5681 3.1), holds the rest");
	p.rcv_nxt += 4 * 536;
	tp_send(&p, F_ACK, NULL, 0);
	ok(tp_take(&p, &sg, 200) == 0 && sg.len == 536, "an ACK lets more go");
	tp_release();
	t_tcp_abort_all(s);
	fake_clear(f);

	p = (struct tpeer){ .f = f, .port = 40002, .sport = 80, .wnd = 65535, .ts = false };
	n = tp_syn_options(opt, 1000, -1, false, true, 9, 0);
	fake_inject(f, fr, t_tcp(fr, 40002, 80, 6000, 0, F_SYN, 65535, opt, n, NULL, 0));
	ok(tp_take(&p, &sg, 200) == 0 && sg.flags == (F_SYN | F_ACK), "SYN with MSS 1000 and TS: SYN-ACK");
	ok(sg.has_ts && sg.tsecr == 9 && !sg.has_ws && !sg.sack_perm, "SYN-ACK: TS echoing 9, no WS, no SACK");
	p.snd_nxt = 6001;
	p.rcv_nxt = sg.seq + 1;
	p.ts = true;
	p.tsval = 9;
	tp_send(&p, F_ACK, NULL, 0);
	fake_settle();
	if (!held)
		return;
	fata_tcp_write(held, big, 2000, FATA_NEVER);
	ok(tp_take(&p, &sg, 200) == 0 && sg.len == 988 && sg.optlen == 12,
	   "MSS 1000 with timestamps: 988 bytes of data + 12 of options");
	is_int(sg.wnd, 65535, "no window scaling: the window field is capped at 65535");
	tp_release();
	t_tcp_abort_all(s);
	fake_clear(f);
}

static void active(void)
{
	struct fata_stack_stats a = stats(), b;
	struct tpeer p = { .f = f, .port = 8080, .wnd = 512 };
	struct fata_fiber *fib;
	struct job j;
	struct tseg sg;
	uint8_t opt[40], want[20] = { 2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 0, 0, 0, 0, 0, 1, 3, 3, 1 };
	size_t n;

	fib = start_connect(&j, 8080, 1000);
	ok(t_tcp_take(f, &sg, 200) == 0, "connect sends a segment");
	is_str(t_flags(sg.flags), "S", "a SYN");
	ok(sg.dport == 8080 && sg.sport >= 49152, "to port 8080 from an ephemeral port (%u)", sg.sport);
	is_int(sg.wnd, 65535, "window 65535");
	memcpy(want + 8, sg.opt + 8, 4);
	ok(sg.optlen == 20 && memcmp(sg.opt, want, 20) == 0,
	   "options byte for byte: MSS 1460, SACK-permitted, TS (TSecr 0), NOP, WS 1");
	ok(sg.csum_ok && sg.ack == 0, "checksum right, acknowledgment field 0");
	p.sport = sg.sport;
	p.rcv_nxt = sg.seq + 1;
	p.stack_iss = sg.seq;
	p.snd_nxt = 90000;
	n = tp_syn_options(opt, 1200, 2, true, true, 444, sg.tsval);
	fake_inject(f, fr, t_tcp(fr, 8080, p.sport, 90000, sg.seq + 1, F_SYN | F_ACK, 30000, opt, n,
				 NULL, 0));
	p.snd_nxt = 90001;
	ok(tp_take(&p, &sg, 200) == 0, "the SYN-ACK is answered");
	ok(sg.flags == F_ACK && sg.seq == p.rcv_nxt && sg.ack == 90001,
	   "with an ACK: seq ISS + 1, ack 90001");
	ok(sg.has_ts && sg.tsecr == 444, "TS echoing the SYN-ACK's 444");
	is_int(sg.wnd, 32768, "window scaled by 1 from now on");
	fata_join(fib);
	ok(j.c != NULL && j.err == 0, "connect returns the connection");
	b = stats();
	is_int(b.tcp.active_opens - a.tcp.active_opens, 1, "counted: one active open");
	if (!j.c)
		return;
	p.ts = true;
	p.tsval = 444;
	p.tsecr = sg.tsval;
	{
		static uint8_t big[5000];

		fata_tcp_write(j.c, big, sizeof(big), FATA_NEVER);
		ok(tp_take(&p, &sg, 200) == 0 && sg.len == 1200 - 12,
		   "data segments respect the peer's MSS 1200 (1188 + 12 bytes of options)");
	}
	fata_tcp_close(j.c);
	t_tcp_abort_all(s);
	fake_clear(f);
}

static void refused_and_timeout(void)
{
	struct fata_stack_stats a, b;
	struct fata_fiber *fib;
	struct job j;
	struct tseg sg;
	uint64_t t[4];
	int k = 0;

	fib = start_connect(&j, 81, 2000);
	ok(t_tcp_take(f, &sg, 200) == 0 && sg.flags == F_SYN, "connect to port 81: SYN");
	/* A RST without ACK and a RST with a wrong ACK are ignored in SYN-SENT (RFC 5961 3.2). */
	fake_inject(f, fr, t_tcp(fr, 81, sg.sport, 1, 0, F_RST, 0, NULL, 0, NULL, 0));
	fake_inject(f, fr, t_tcp(fr, 81, sg.sport, 0, sg.seq + 7, F_RST | F_ACK, 0, NULL, 0, NULL, 0));
	fake_settle();
	ok(!j.done, "RST without ACK, or acknowledging something else: ignored");
	/* A SYN-ACK acknowledging the wrong thing is answered with RST <SEQ=SEG.ACK>. */
	fake_inject(f, fr, t_tcp(fr, 81, sg.sport, 55, sg.seq + 9, F_SYN | F_ACK, 1000, NULL, 0, NULL, 0));
	{
		struct tseg r;

		ok(t_tcp_take(f, &r, 200) == 0 && r.flags == F_RST && r.seq == sg.seq + 9,
		   "a SYN-ACK with a bad ACK: RST with its ACK as sequence number");
	}
	fake_inject(f, fr, t_tcp(fr, 81, sg.sport, 0, sg.seq + 1, F_RST | F_ACK, 0, NULL, 0, NULL, 0));
	fata_join(fib);
	ok(j.c == NULL && j.err == -ECONNREFUSED, "RST acknowledging the SYN: ECONNREFUSED (%d)", j.err);

	s->tun.tcp_syn_retries = 2;
	a = stats();
	fib = start_connect(&j, 82, 5000);
	while (k < 4 && t_tcp_take(f, &sg, 1000) == 0) {
		if (sg.flags == F_SYN)
			t[k++] = fata_monotonic_ns();
	}
	fata_join(fib);
	is_int(k, 3, "an unanswered SYN is sent 3 times (syn_retries 2)");
	ok(k == 3 && t[1] - t[0] >= FATA_MS(90) && t[2] - t[1] >= FATA_MS(190),
	   "after the initial RTO (100 ms), then twice that (%llu, %llu ms)",
	   k == 3 ? (unsigned long long)((t[1] - t[0]) / FATA_NS_PER_MS) : 0ull,
	   k == 3 ? (unsigned long long)((t[2] - t[1]) / FATA_NS_PER_MS) : 0ull);
	ok(j.c == NULL && j.err == -ETIMEDOUT, "then connect fails with ETIMEDOUT (%d)", j.err);
	b = stats();
	ok(b.tcp.timeouts - a.tcp.timeouts == 3, "three retransmission timeouts counted");
	s->tun.tcp_syn_retries = 3;

	fib = start_connect(&j, 83, 50);
	fata_join(fib);
	ok(j.c == NULL && j.err == -ETIMEDOUT, "a connect deadline passing: ETIMEDOUT");
	t_tcp_abort_all(s);
	fake_clear(f);
	{
		int err = 0;

		ok(fata_tcp_connect(s, 0, 80, FATA_NEVER, &err) == NULL && err == -EINVAL,
		   "connect to 0.0.0.0: EINVAL");
		ok(fata_tcp_connect(s, PEER_IP, 0, FATA_NEVER, &err) == NULL && err == -EINVAL,
		   "connect to port 0: EINVAL");
		ok(fata_tcp_connect(s, STACK_IP, 80, FATA_NEVER, &err) == NULL && err == -EHOSTUNREACH,
		   "connect to our own address: EHOSTUNREACH (no loopback)");
	}
	fake_clear(f);
}

static void simultaneous(void)
{
	struct tpeer p = { .f = f, .port = 7000, .wnd = 1000 };
	struct fata_fiber *fib;
	struct job j;
	struct tseg syn, sa;

	fib = start_connect(&j, 7000, 2000);
	ok(t_tcp_take(f, &syn, 200) == 0 && syn.flags == F_SYN, "simultaneous open: our SYN");
	p.sport = syn.sport;
	/* The peer's own SYN crosses ours (RFC 9293 figure 7). */
	fake_inject(f, fr, t_tcp(fr, 7000, syn.sport, 300, 0, F_SYN, 1000, NULL, 0, NULL, 0));
	ok(t_tcp_take(f, &sa, 200) == 0, "the crossing SYN is answered");
	ok(sa.flags == (F_SYN | F_ACK) && sa.seq == syn.seq && sa.ack == 301,
	   "with SYN-ACK <SEQ=ISS><ACK=301> (SYN-RECEIVED)");
	ok(!j.done, "connect still waits");
	fake_inject(f, fr, t_tcp(fr, 7000, syn.sport, 300, syn.seq + 1, F_SYN | F_ACK, 1000, NULL, 0,
				 NULL, 0));
	fata_join(fib);
	ok(j.c != NULL, "the peer's SYN-ACK: ESTABLISHED, connect returns");
	ok(t_tcp_none(f, 30), "and nothing needs sending: the SYN was trimmed as a duplicate");
	if (j.c) {
		struct tseg d;

		p.rcv_nxt = syn.seq + 1;
		fata_tcp_write(j.c, "x", 1, FATA_NEVER);
		ok(tp_take(&p, &d, 200) == 0 && d.len == 1 && d.seq == syn.seq + 1 && d.ack == 301,
		   "data flows: seq ISS + 1, ack 301");
		fata_tcp_close(j.c);
	}
	t_tcp_abort_all(s);
	fake_clear(f);
}

static void closed_ports_and_resets(void)
{
	struct fata_stack_stats a = stats(), b;
	struct tpeer p = { .f = f, .port = 41000, .sport = 80, .wnd = 512 };
	struct tseg sg;

	fake_inject(f, fr, t_tcp(fr, 41000, 99, 1234, 0, F_SYN, 1000, NULL, 0, NULL, 0));
	ok(t_tcp_take(f, &sg, 200) == 0, "SYN to a closed port: answered");
	ok(sg.flags == (F_RST | F_ACK) && sg.seq == 0 && sg.ack == 1235 && sg.wnd == 0 &&
	   sg.optlen == 0 && sg.csum_ok, "with <SEQ=0><ACK=1235><CTL=RST,ACK>");
	fake_inject(f, fr, t_tcp(fr, 41000, 99, 1234, 98765, F_ACK, 1000, NULL, 0, "ab", 2));
	ok(t_tcp_take(f, &sg, 200) == 0 && sg.flags == F_RST && sg.seq == 98765,
	   "an ACK to a closed port: <SEQ=SEG.ACK><CTL=RST>");
	fake_inject(f, fr, t_tcp(fr, 41000, 99, 1234, 98765, F_RST | F_ACK, 1000, NULL, 0, NULL, 0));
	ok(t_tcp_none(f, 30), "a RST to a closed port: silence");
	fake_inject(f, fr, t_tcp(fr, 41000, 80, 1234, 98765, F_ACK, 1000, NULL, 0, NULL, 0));
	ok(t_tcp_take(f, &sg, 200) == 0 && sg.flags == F_RST && sg.seq == 98765,
	   "an ACK to a listener: RST");
	fake_inject(f, fr, t_tcp(fr, 41000, 80, 1234, 0, F_SYN | F_FIN, 1000, NULL, 0, NULL, 0));
	fake_inject(f, fr, t_tcp(fr, 41000, 80, 1234, 0, F_SYN | F_RST, 1000, NULL, 0, NULL, 0));
	ok(t_tcp_none(f, 30), "SYN+FIN and SYN+RST: dropped");
	{
		size_t n = t_tcp(fr, 41000, 80, 1234, 0, F_SYN, 1000, NULL, 0, NULL, 0);

		fr[14 + 20 + 16] ^= 0x55;
		fake_inject(f, fr, n);
		fr[14 + 20 + 16] ^= 0x55;
		fr[14 + 20 + 12] = 0x40;	/* data offset 4 words */
		fake_inject(f, fr, n);
		fake_inject(f, fr, t_ip_frame(fr, PEER_IP, STACK_IP, 6, "short", 5));
	}
	ok(t_tcp_none(f, 30), "bad checksum, data offset under 5, 5-byte segment: dropped");
	b = stats();
	is_int(b.tcp.drop_checksum - a.tcp.drop_checksum, 1, "counted: bad checksum");
	is_int(b.tcp.drop_short - a.tcp.drop_short, 2, "counted: two short ones");
	is_int(b.tcp.drop_bad - a.tcp.drop_bad, 2, "counted: two with bad flags");
	is_int(b.tcp.rst_tx - a.tcp.rst_tx, 3, "counted: three RSTs sent");

	/* RST in SYN-RECEIVED: the embryonic connection goes, the listener stays. */
	fake_inject(f, fr, t_tcp(fr, 41001, 80, 500, 0, F_SYN, 1000, NULL, 0, NULL, 0));
	ok(t_tcp_take(f, &sg, 200) == 0 && sg.flags == (F_SYN | F_ACK), "SYN: SYN-ACK");
	/* The peer's SYN again (our SYN-ACK was lost): the SYN-ACK again. */
	fake_inject(f, fr, t_tcp(fr, 41001, 80, 500, 0, F_SYN, 1000, NULL, 0, NULL, 0));
	{
		struct tseg again;

		ok(t_tcp_take(f, &again, 200) == 0 && again.flags == (F_SYN | F_ACK) &&
		   again.seq == sg.seq && again.ack == 501, "a repeated SYN in SYN-RECEIVED: the same SYN-ACK");
	}
	fake_inject(f, fr, t_tcp(fr, 41001, 80, 503, 0, F_RST, 0, NULL, 0, NULL, 0));
	ok(t_tcp_take(f, &sg, 200) == 0 && sg.flags == F_ACK, "RST in the window but not at RCV.NXT: a challenge ACK");
	fake_inject(f, fr, t_tcp(fr, 41001, 80, 501, 0, F_RST, 0, NULL, 0, NULL, 0));
	fake_settle();
	fake_inject(f, fr, t_tcp(fr, 41001, 80, 501, sg.seq + 1, F_ACK, 1000, NULL, 0, NULL, 0));
	ok(t_tcp_take(f, &sg, 200) == 0 && sg.flags == F_RST,
	   "RST at RCV.NXT ends SYN-RECEIVED: its ACK now meets the listener and gets RST");
	ok(held == NULL, "and no handler ran");
	/* SYN-ACK retransmission: the final ACK never comes. */
	fake_inject(f, fr, t_tcp(fr, 41002, 80, 700, 0, F_SYN, 1000, NULL, 0, NULL, 0));
	{
		struct tseg x, y;
		uint64_t t0;

		ok(t_tcp_take(f, &x, 200) == 0, "SYN: SYN-ACK");
		t0 = fata_monotonic_ns();
		ok(t_tcp_take(f, &y, 400) == 0 && y.flags == (F_SYN | F_ACK) && y.seq == x.seq &&
		   fata_monotonic_ns() - t0 >= FATA_MS(90), "no ACK: the SYN-ACK again after the RTO");
		/* Out-of-range ACK in SYN-RECEIVED: RST <SEQ=SEG.ACK>. */
		fake_inject(f, fr, t_tcp(fr, 41002, 80, 701, x.seq + 5, F_ACK, 1000, NULL, 0, NULL, 0));
		ok(t_tcp_take(f, &y, 200) == 0 && y.flags == F_RST && y.seq == x.seq + 5,
		   "an ACK for something not sent in SYN-RECEIVED: RST");
		p.port = 41002;
		p.snd_nxt = 701;
		p.rcv_nxt = x.seq + 1;
		tp_send(&p, F_ACK, NULL, 0);
		fake_settle();
		ok(held != NULL, "and the right ACK still completes it");
		tp_release();
	}
	t_tcp_abort_all(s);
	fake_clear(f);
}

static void limits(void)
{
	struct fata_stack_stats a = stats(), b;
	struct tseg sg;
	int answered = 0;

	s->tun.tcp_backlog = 2;
	s->tun.tcp_syncookies = false;	/* with them, see net_tcp_flood.c */
	for (int i = 0; i < 3; i++)
		fake_inject(f, fr, t_tcp(fr, (uint16_t)(42000 + i), 80, 100, 0, F_SYN, 1000, NULL, 0,
					 NULL, 0));
	while (t_tcp_take(f, &sg, 50) == 0) {
		if (sg.flags == (F_SYN | F_ACK) && sg.ack == 101)
			answered++;
	}
	is_int(answered, 2, "backlog 2, no SYN cookies: two of three SYNs answered");
	b = stats();
	is_int(b.tcp.backlog_drops - a.tcp.backlog_drops, 1, "the third counted as a backlog drop");
	is_int(fata_tcp_unlisten(s, 80), 0, "unlisten");
	{
		int rsts = 0;

		while (t_tcp_take(f, &sg, 50) == 0) {
			if (sg.flags == (F_RST | F_ACK))
				rsts++;
		}
		is_int(rsts, 2, "the two half-open connections are reset");
	}
	fake_inject(f, fr, t_tcp(fr, 42000, 80, 100, 0, F_SYN, 1000, NULL, 0, NULL, 0));
	ok(t_tcp_take(f, &sg, 200) == 0 && sg.flags == (F_RST | F_ACK), "port 80 is closed now");
	s->tun.tcp_backlog = 128;
	s->tun.tcp_syncookies = true;

	is_int(fata_tcp_listen(s, 80, tp_hold_handler, NULL), 0, "listen again");
	s->tun.tcp_max_conns = s->tcp->nconns + 1;
	a = stats();
	fake_inject(f, fr, t_tcp(fr, 43000, 80, 100, 0, F_SYN, 1000, NULL, 0, NULL, 0));
	fake_inject(f, fr, t_tcp(fr, 43001, 80, 100, 0, F_SYN, 1000, NULL, 0, NULL, 0));
	answered = 0;
	{
		int rsts = 0;

		while (t_tcp_take(f, &sg, 50) == 0) {
			if (sg.flags == (F_SYN | F_ACK))
				answered++;
			else if (sg.flags == (F_RST | F_ACK) && sg.dport == 43001 && sg.ack == 101)
				rsts++;
		}
		is_int(answered, 1, "at the connection limit but one: one SYN-ACK");
		is_int(rsts, 1, "and the second SYN is refused with RST");
	}
	{
		int err = 0;

		ok(fata_tcp_connect(s, PEER_IP, 80, FATA_NEVER, &err) == NULL && err == -ENOMEM,
		   "connect at the limit: ENOMEM");
	}
	b = stats();
	is_int(b.tcp.conn_limit - a.tcp.conn_limit, 2, "both counted as refused by the limit");
	s->tun.tcp_max_conns = 1024;
	fata_tcp_unlisten(s, 80);
	t_tcp_abort_all(s);
	fake_clear(f);
}

int main(void)
{
	t_logs();
	t_tcp_tunables();
	s = t_stack(&f);
	ok(s != NULL, "stack on the fake interface");
	if (!s)
		return tap_done();
	passive();
	negotiation();
	active();
	refused_and_timeout();
	simultaneous();
	closed_ports_and_resets();
	limits();
	fata_stack_disconnect(s);
	return tap_done();
}
