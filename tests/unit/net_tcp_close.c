/*
 * Unit tests of TCP closing (lib/net/tcp*.c) with a scripted peer on the fake interface: every
 * transition of RFC 9293's diagram after ESTABLISHED (active, passive and simultaneous close,
 * FIN-WAIT-1 straight to TIME-WAIT), TIME-WAIT's retransmitted FIN and its expiry after 2 MSL,
 * reopening from TIME-WAIT, FIN retransmission, the orphaned FIN-WAIT-2 timeout, RST in every
 * state (RFC 5961 exact match, challenge ACK otherwise), SYN in ESTABLISHED, data after close,
 * and the handler's return closing its connection.
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
static uint16_t next_port = 30000;

static const char *state(struct fata_tcp *c)
{
	return c ? tcp_state_name(c->state) : "(none)";
}

/* A connection from the peer to the listener on 80, held by the handler. */
static struct fata_tcp *open_conn(struct tpeer *p)
{
	if (tp_open(p, f, next_port++, 80, true) < 0)
		return NULL;
	fake_settle();
	return held;
}

/* Whether a segment on p's 4-tuple now meets no connection (it is answered with RST). */
static bool gone(struct tpeer *p)
{
	struct tseg sg;

	tp_send(p, F_ACK, NULL, 0);
	return tp_take(p, &sg, 200) == 0 && (sg.flags & F_RST);
}

static void active_close(void)
{
	struct tpeer p;
	struct fata_tcp *c = open_conn(&p);
	struct tseg sg;
	char buf[8];
	uint32_t fin;

	ok(c != NULL, "active close: connection open");
	if (!c)
		return;
	is_int(fata_tcp_shutdown(c), 0, "shutdown");
	ok(tp_take(&p, &sg, 200) == 0 && sg.flags == (F_FIN | F_ACK) && sg.seq == p.rcv_nxt &&
	   sg.len == 0, "sends FIN at the next sequence number");
	is_str(state(c), "FIN-WAIT-1", "FIN-WAIT-1");
	is_int(fata_tcp_write(c, "x", 1, FATA_NEVER), -EPIPE, "write after shutdown: EPIPE");
	fin = sg.seq;
	p.rcv_nxt = fin + 1;
	/* Unacknowledged, the FIN is sent again. */
	ok(tp_take(&p, &sg, 300) == 0 && sg.flags == (F_FIN | F_ACK) && sg.seq == fin,
	   "FIN not acknowledged: sent again after the RTO");
	tp_send(&p, F_ACK, NULL, 0);
	fake_settle();
	is_str(state(c), "FIN-WAIT-2", "its ACK: FIN-WAIT-2");
	ok(t_tcp_none(f, 30), "nothing sent in FIN-WAIT-2");
	tp_send(&p, F_ACK | F_PSH, "late", 4);
	ok(tp_take(&p, &sg, 200) == 0 && sg.ack == p.snd_nxt, "data in FIN-WAIT-2 is taken and acknowledged");
	is_int(fata_tcp_read(c, buf, sizeof(buf), FATA_NEVER), 4, "and read");
	tp_send(&p, F_FIN | F_ACK, NULL, 0);
	ok(tp_take(&p, &sg, 200) == 0 && sg.flags == F_ACK && sg.ack == p.snd_nxt,
	   "the peer's FIN is acknowledged at once");
	is_str(state(c), "TIME-WAIT", "TIME-WAIT");
	is_int(fata_tcp_read(c, buf, sizeof(buf), FATA_NEVER), 0, "read: 0, the end of the stream");
	tp_send_at(&p, p.snd_nxt - 1, p.rcv_nxt, F_FIN | F_ACK, NULL, 0);
	ok(tp_take(&p, &sg, 200) == 0 && sg.flags == F_ACK && sg.ack == p.snd_nxt,
	   "the FIN again (our ACK was lost): acknowledged again");
	t_run_ms(60);
	is_str(state(c), "TIME-WAIT", "still TIME-WAIT after 60 ms (2 MSL = 100 ms, restarted)");
	t_run_ms(80);
	is_str(state(c), "CLOSED", "CLOSED after 2 MSL");
	ok(gone(&p), "the 4-tuple is free: a segment gets RST");
	tp_release();
}

static void fin_wait_1_to_time_wait(void)
{
	struct tpeer p;
	struct fata_tcp *c = open_conn(&p);
	struct tseg sg;

	if (!c)
		return;
	fata_tcp_write(c, "bye", 3, FATA_NEVER);
	fata_tcp_shutdown(c);
	ok(tp_take_data(&p, &sg, 200) == 0 && sg.len == 3, "queued data goes first");
	p.rcv_nxt += 3;
	if (!(sg.flags & F_FIN))
		tp_take_data(&p, &sg, 200);
	ok(sg.flags & F_FIN, "then the FIN");
	p.rcv_nxt++;
	tp_send(&p, F_FIN | F_ACK, NULL, 0);
	ok(tp_take(&p, &sg, 200) == 0 && sg.flags == F_ACK, "FIN acknowledging our FIN: ACK");
	is_str(state(c), "TIME-WAIT", "FIN-WAIT-1 straight to TIME-WAIT");
	/* RFC 9293 3.10.7.4 / RFC 6191: a new SYN with a higher sequence number reopens. */
	{
		uint8_t opt[40];
		size_t n = tp_syn_options(opt, 1460, 7, true, true, p.tsval + 100, 0);

		fake_inject(f, fr, t_tcp(fr, p.port, 80, p.snd_nxt + 100000, 0, F_SYN, 65535, opt, n,
					 NULL, 0));
		ok(tp_take(&p, &sg, 200) == 0 && sg.flags == (F_SYN | F_ACK) &&
		   sg.ack == p.snd_nxt + 100001, "a new SYN in TIME-WAIT opens a new connection");
		is_str(state(c), "CLOSED", "and ends the old one");
	}
	tp_release();
	t_tcp_abort_all(s);
	fake_clear(f);
}

static void passive_close(void)
{
	struct tpeer p;
	struct fata_tcp *c = open_conn(&p);
	struct tseg sg;
	char buf[8];

	if (!c)
		return;
	tp_send(&p, F_FIN | F_ACK, NULL, 0);
	ok(tp_take(&p, &sg, 200) == 0 && sg.flags == F_ACK && sg.ack == p.snd_nxt,
	   "passive close: the peer's FIN acknowledged at once");
	is_str(state(c), "CLOSE-WAIT", "CLOSE-WAIT");
	is_int(fata_tcp_read(c, buf, sizeof(buf), FATA_NEVER), 0, "read: 0");
	is_int(fata_tcp_write(c, "still", 5, FATA_NEVER), 5, "write still works in CLOSE-WAIT");
	ok(tp_take_data(&p, &sg, 200) == 0 && sg.len == 5, "and the data goes");
	p.rcv_nxt += 5;
	fata_tcp_shutdown(c);
	ok(tp_take_data(&p, &sg, 200) == 0 && (sg.flags & F_FIN) && sg.seq == p.rcv_nxt, "close: FIN");
	is_str(state(c), "LAST-ACK", "LAST-ACK");
	p.rcv_nxt++;
	tp_send(&p, F_ACK, NULL, 0);
	fake_settle();
	is_str(state(c), "CLOSED", "its ACK: CLOSED, no TIME-WAIT on this side");
	is_int(fata_tcp_read(c, buf, sizeof(buf), FATA_NEVER), 0, "read on the closed connection: 0");
	tp_release();
	fake_clear(f);
}

static void simultaneous_close(void)
{
	struct tpeer p;
	struct fata_tcp *c = open_conn(&p);
	struct tseg sg;

	if (!c)
		return;
	fata_tcp_shutdown(c);
	ok(tp_take(&p, &sg, 200) == 0 && (sg.flags & F_FIN), "simultaneous close: our FIN");
	/* The peer's FIN crosses ours: it does not acknowledge our FIN. */
	tp_send(&p, F_FIN | F_ACK, NULL, 0);
	ok(tp_take(&p, &sg, 200) == 0 && sg.flags == F_ACK && sg.ack == p.snd_nxt,
	   "its FIN is acknowledged");
	is_str(state(c), "CLOSING", "CLOSING");
	p.rcv_nxt++;
	tp_send(&p, F_ACK, NULL, 0);
	fake_settle();
	is_str(state(c), "TIME-WAIT", "the ACK of our FIN: TIME-WAIT");
	t_run_ms(150);
	is_str(state(c), "CLOSED", "then CLOSED");
	tp_release();
	fake_clear(f);
}

/* Puts a fresh connection into `want` and sends RST at RCV.NXT. */
static void rst_in(const char *want, int expect_read)
{
	struct tpeer p;
	struct fata_tcp *c = open_conn(&p);
	struct tseg sg;
	char buf[8];
	bool ours_fin = false;

	if (!c)
		return;
	if (!strcmp(want, "FIN-WAIT-1") || !strcmp(want, "FIN-WAIT-2") || !strcmp(want, "CLOSING") ||
	    !strcmp(want, "TIME-WAIT")) {
		fata_tcp_shutdown(c);
		tp_take(&p, &sg, 200);
		ours_fin = true;
	}
	if (!strcmp(want, "FIN-WAIT-2") || !strcmp(want, "TIME-WAIT")) {
		p.rcv_nxt++;
		tp_send(&p, F_ACK, NULL, 0);
	}
	if (!strcmp(want, "CLOSE-WAIT") || !strcmp(want, "LAST-ACK") || !strcmp(want, "CLOSING") ||
	    !strcmp(want, "TIME-WAIT")) {
		tp_send(&p, F_FIN | F_ACK, NULL, 0);
		tp_take(&p, &sg, 200);
	}
	if (!strcmp(want, "LAST-ACK")) {
		fata_tcp_shutdown(c);
		tp_take(&p, &sg, 200);
	}
	(void)ours_fin;
	fake_settle();
	fake_clear(f);
	is_str(state(c), want, "%s reached", want);
	/* In the window but not at RCV.NXT: a challenge ACK, the connection stays. */
	tp_send_at(&p, p.snd_nxt + 10, 0, F_RST, NULL, 0);
	ok(tp_take(&p, &sg, 200) == 0 && sg.flags == F_ACK && sg.ack == p.snd_nxt,
	   "%s: RST in the window, not at RCV.NXT: challenge ACK (RFC 5961 3.2)", want);
	is_str(state(c), want, "%s: and nothing changes", want);
	/* Outside the window: dropped silently. */
	tp_send_at(&p, p.snd_nxt + 0x40000000u, 0, F_RST, NULL, 0);
	ok(t_tcp_none(f, 30), "%s: RST outside the window: ignored", want);
	is_str(state(c), want, "%s: still", want);
	tp_send_at(&p, p.snd_nxt, 0, F_RST, NULL, 0);
	fake_settle();
	is_str(state(c), "CLOSED", "%s: RST at RCV.NXT closes", want);
	is_int(fata_tcp_read(c, buf, sizeof(buf), 0), expect_read, "%s: then read returns %d", want,
	       expect_read);
	ok(t_tcp_none(f, 30), "%s: and a RST is never answered", want);
	tp_release();
	fake_clear(f);
}

static void rfc5961_syn(void)
{
	struct fata_stack_stats a, b;
	struct tpeer p;
	struct fata_tcp *c = open_conn(&p);
	struct tseg sg;

	if (!c)
		return;
	fata_stack_stats(s, &a);
	tp_send_at(&p, p.snd_nxt + 5, 0, F_SYN, NULL, 0);
	ok(tp_take(&p, &sg, 200) == 0 && sg.flags == F_ACK && sg.ack == p.snd_nxt &&
	   sg.seq == p.rcv_nxt, "SYN in ESTABLISHED: challenge ACK (RFC 5961 4.2)");
	is_str(state(c), "ESTABLISHED", "the connection stays");
	/* An ACK for data never sent (RFC 5961 5.2) is answered and dropped. */
	tp_send_at(&p, p.snd_nxt, p.rcv_nxt + 5000, F_ACK | F_PSH, "data", 4);
	ok(tp_take(&p, &sg, 200) == 0 && sg.flags == F_ACK && sg.ack == p.snd_nxt,
	   "an ACK of data never sent: ACK, and its data is not taken");
	fata_stack_stats(s, &b);
	is_int(b.tcp.challenge_acks - a.tcp.challenge_acks, 2, "two challenge ACKs counted");
	/* The rate limit (RFC 5961 7). */
	s->tun.tcp_challenge_acks = 0;
	s->tcp->challenge_count = 0;
	tp_send_at(&p, p.snd_nxt + 5, 0, F_SYN, NULL, 0);
	ok(t_tcp_none(f, 30), "with the limit reached: no challenge ACK");
	s->tun.tcp_challenge_acks = 1000;
	tp_release();
	t_tcp_abort_all(s);
	fake_clear(f);
}

static void orphans(void)
{
	struct tpeer p;
	struct fata_tcp *c = open_conn(&p);
	struct tseg sg;

	if (!c)
		return;
	/* The handler returns: its connection is closed for it. */
	tp_release();
	ok(tp_take(&p, &sg, 200) == 0 && (sg.flags & F_FIN), "the handler returns: FIN");
	p.rcv_nxt = sg.seq + 1;
	tp_send(&p, F_ACK, NULL, 0);
	fake_settle();
	/* Orphaned in FIN-WAIT-2: given up after the FIN timeout (200 ms here). */
	ok(t_tcp_none(f, 100), "FIN-WAIT-2 after close: quiet");
	t_run_ms(150);
	ok(gone(&p), "and gone after the FIN-WAIT-2 timeout");

	/* Data arriving after close is answered with RST. */
	c = open_conn(&p);
	if (!c)
		return;
	tp_release();
	ok(tp_take(&p, &sg, 200) == 0 && (sg.flags & F_FIN), "closed by the handler's return: FIN");
	p.rcv_nxt = sg.seq + 1;
	tp_send(&p, F_ACK | F_PSH, "more", 4);
	ok(tp_take(&p, &sg, 200) == 0 && (sg.flags & F_RST), "data after close: RST (RFC 1122 4.2.2.13)");
	ok(gone(&p), "and the connection is gone");

	/* Unread data is dropped by close, but queued data still goes, then FIN. */
	c = open_conn(&p);
	if (!c)
		return;
	tp_send(&p, F_ACK | F_PSH, "unread", 6);
	tp_take(&p, &sg, 200);
	fata_tcp_write(c, "answer", 6, FATA_NEVER);
	held = NULL;
	fata_tcp_close(c);
	ok(tp_take_data(&p, &sg, 200) == 0 && sg.len == 6 && !memcmp(sg.data, "answer", 6),
	   "close: queued data still goes");
	p.rcv_nxt += 6;
	if (!(sg.flags & F_FIN))
		tp_take_data(&p, &sg, 200);
	ok(sg.flags & F_FIN, "then FIN");
	tp_release();
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
	fata_tcp_listen(s, 80, tp_hold_handler, NULL);
	active_close();
	fin_wait_1_to_time_wait();
	passive_close();
	simultaneous_close();
	rst_in("ESTABLISHED", -ECONNRESET);
	rst_in("FIN-WAIT-1", -ECONNRESET);
	rst_in("FIN-WAIT-2", -ECONNRESET);
	rst_in("CLOSE-WAIT", -ECONNRESET);
	rst_in("CLOSING", 0);
	rst_in("LAST-ACK", 0);
	s->tun.tcp_msl_ns = FATA_MS(500);	/* time for the checks before TIME-WAIT ends */
	rst_in("TIME-WAIT", 0);
	s->tun.tcp_msl_ns = FATA_MS(50);
	rfc5961_syn();
	orphans();
	fata_stack_disconnect(s);
	return tap_done();
}
