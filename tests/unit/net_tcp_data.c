/*
 * Unit tests of TCP data transfer (lib/net/tcp*.c) with a scripted peer on the fake interface:
 * delayed ACKs, ACK of every second segment, out-of-order reassembly with SACK blocks and its
 * limits, a FIN after a hole, flow control (the window closing to zero, window updates, silly
 * window avoidance on both sides), the send buffer's limit, zero-window probes with backoff,
 * Nagle against nodelay, PAWS and segments without timestamps, read and write semantics.
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
static uint16_t next_port = 20000;
static uint8_t pattern[70000];

static struct fata_stack_stats stats(void)
{
	struct fata_stack_stats st;

	fata_stack_stats(s, &st);
	return st;
}

static struct fata_tcp *open_conn(struct tpeer *p)
{
	if (tp_open(p, f, next_port++, 80, true) < 0)
		return NULL;
	fake_settle();
	return held;
}

static void done(void)
{
	tp_release();
	t_tcp_abort_all(s);
	fake_clear(f);
}

static void delayed_ack(void)
{
	struct fata_stack_stats a = stats(), b;
	struct tpeer p;
	struct fata_tcp *c = open_conn(&p);
	struct tseg sg;
	uint8_t buf[4000];
	uint64_t t0;

	ok(c != NULL, "connection open");
	if (!c)
		return;
	t0 = fata_monotonic_ns();
	tp_send(&p, F_ACK | F_PSH, pattern, 100);
	ok(tp_take(&p, &sg, 300) == 0 && sg.flags == F_ACK && sg.ack == p.snd_nxt,
	   "one segment: acknowledged");
	ok(fata_monotonic_ns() - t0 >= FATA_MS(15), "but only after the delayed-ACK time (%llu ms)",
	   (unsigned long long)((fata_monotonic_ns() - t0) / FATA_NS_PER_MS));
	b = stats();
	is_int(b.tcp.delayed_acks - a.tcp.delayed_acks, 1, "counted as a delayed ACK");
	is_int(sg.wnd, (65536 - 100) >> 1, "the window shows the 100 unread bytes");
	is_int(fata_tcp_read(c, buf, 60, FATA_NEVER), 60, "read 60 of them");
	is_int(fata_tcp_read(c, buf + 60, sizeof(buf), FATA_NEVER), 40, "then the other 40");
	ok(memcmp(buf, pattern, 100) == 0, "byte for byte");
	t0 = fata_monotonic_ns();
	tp_send(&p, F_ACK, pattern, 1448);
	tp_send(&p, F_ACK, pattern + 1448, 1448);
	ok(tp_take(&p, &sg, 300) == 0 && sg.ack == p.snd_nxt &&
	   fata_monotonic_ns() - t0 < FATA_MS(15), "two full segments: an ACK at once");
	ok(t_tcp_none(f, 40), "one ACK for both");
	is_int(fata_tcp_read(c, buf, sizeof(buf), 0), 2896, "2896 bytes to read");
	{
		uint64_t t1 = fata_monotonic_ns();

		is_int(fata_tcp_read(c, buf, sizeof(buf), t1 + FATA_MS(30)), -ETIMEDOUT,
		       "nothing more until the deadline: ETIMEDOUT");
		ok(fata_monotonic_ns() - t1 >= FATA_MS(30), "after the deadline");
		is_int(fata_tcp_read(c, buf, 0, FATA_NEVER), 0, "read of 0 bytes: 0");
		is_int(fata_tcp_write(c, buf, 0, FATA_NEVER), 0, "write of 0 bytes: 0");
	}
	done();
}

static void reassembly(void)
{
	struct fata_stack_stats a = stats(), b;
	struct tpeer p;
	struct fata_tcp *c = open_conn(&p);
	struct tseg sg;
	static uint8_t buf[8000];
	uint32_t base;

	if (!c)
		return;
	base = p.snd_nxt;
	tp_send_at(&p, base + 1000, p.rcv_nxt, F_ACK, pattern + 1000, 1000);
	ok(tp_take(&p, &sg, 100) == 0 && sg.ack == base, "a segment after a hole: a duplicate ACK at once");
	ok(sg.nsack == 1 && sg.sack[0][0] == base + 1000 && sg.sack[0][1] == base + 2000,
	   "with the SACK block {1000:2000}");
	ok(sg.optlen == 12 + 12 && sg.opt[12] == 1 && sg.opt[13] == 1 && sg.opt[14] == 5 &&
	   sg.opt[15] == 10, "laid out as NOP NOP TS NOP NOP SACK(10)");
	tp_send_at(&p, base + 3000, p.rcv_nxt, F_ACK, pattern + 3000, 1000);
	ok(tp_take(&p, &sg, 100) == 0 && sg.ack == base && sg.nsack == 2 &&
	   sg.sack[0][0] == base + 3000 && sg.sack[1][0] == base + 1000,
	   "another hole: two blocks, the latest first (RFC 2018 4)");
	tp_send_at(&p, base + 2000, p.rcv_nxt, F_ACK, pattern + 2000, 1000);
	ok(tp_take(&p, &sg, 100) == 0 && sg.ack == base && sg.nsack == 1 &&
	   sg.sack[0][0] == base + 1000 && sg.sack[0][1] == base + 4000,
	   "the middle fills: one block {1000:4000}");
	is_int(fata_tcp_read(c, buf, sizeof(buf), 0), -ETIMEDOUT, "nothing readable across the hole");
	tp_send_at(&p, base, p.rcv_nxt, F_ACK, pattern, 1000);
	ok(tp_take(&p, &sg, 100) == 0 && sg.ack == base + 4000 && sg.nsack == 0,
	   "the hole fills: everything acknowledged at once, no SACK");
	is_int(fata_tcp_read(c, buf, sizeof(buf), 0), 4000, "4000 bytes readable");
	ok(memcmp(buf, pattern, 4000) == 0, "in order, byte for byte");
	ok(tp_take(&p, &sg, 100) == 0 && sg.ack == base + 4000 && sg.wnd == 32768,
	   "reading 4000 bytes opens the window by more than two segments: a window update");
	/* A duplicate and an overlapping segment. */
	p.snd_nxt = base + 4000;
	tp_send_at(&p, base + 3500, p.rcv_nxt, F_ACK, pattern + 3500, 1000);
	ok(tp_take(&p, &sg, 100) == 0 && sg.ack == base + 4500, "overlapping the left edge: the new part taken (%d)", (int)(sg.ack - base));
	tp_send_at(&p, base + 1000, p.rcv_nxt, F_ACK, pattern + 1000, 500);
	ok(tp_take(&p, &sg, 100) == 0 && sg.ack == base + 4500, "an old segment: a duplicate ACK");
	is_int(fata_tcp_read(c, buf, sizeof(buf), 0), 500, "500 new bytes");
	ok(memcmp(buf, pattern + 4000, 500) == 0, "the right ones");
	p.snd_nxt = base + 4500;
	b = stats();
	is_int(b.tcp.ooo_segments - a.tcp.ooo_segments, 3, "three segments held out of order");

	/* A FIN after a hole is taken when the hole fills. */
	tp_send_at(&p, p.snd_nxt + 100, p.rcv_nxt, F_ACK | F_FIN, pattern, 100);
	tp_take(&p, &sg, 100);
	is_str(tcp_state_name(c->state), "ESTABLISHED", "FIN after a hole: not yet");
	tp_send(&p, F_ACK, pattern, 100);
	ok(tp_take(&p, &sg, 100) == 0 && sg.ack == p.snd_nxt + 101, "the hole fills: data and FIN acknowledged");
	is_str(tcp_state_name(c->state), "CLOSE-WAIT", "CLOSE-WAIT");
	is_int(fata_tcp_read(c, buf, sizeof(buf), 0), 200, "200 bytes");
	is_int(fata_tcp_read(c, buf, sizeof(buf), 0), 0, "then the end of the stream");
	done();

	/* Limits: at most tcp_ooo_max bytes out of order. */
	s->tun.tcp_ooo_max = 1500;
	c = open_conn(&p);
	if (!c)
		return;
	a = stats();
	base = p.snd_nxt;
	tp_send_at(&p, base + 1000, p.rcv_nxt, F_ACK, pattern, 1000);
	tp_send_at(&p, base + 3000, p.rcv_nxt, F_ACK, pattern, 1000);
	tp_take(&p, &sg, 100);
	ok(tp_take(&p, &sg, 100) == 0 && sg.nsack == 1, "over the out-of-order limit: the segment is not held");
	b = stats();
	is_int(b.tcp.ooo_drops - a.tcp.ooo_drops, 1, "counted");
	s->tun.tcp_ooo_max = 64 * 1024;
	done();
}

static void flow_control(void)
{
	struct tpeer p;
	struct fata_tcp *c = open_conn(&p);
	struct tseg sg;
	static uint8_t buf[70000];
	uint32_t wnd_bytes = 0;
	size_t sent = 0;

	if (!c)
		return;
	/* The application does not read: the window closes. */
	while (sent + 1448 <= 65536) {
		tp_send(&p, F_ACK, pattern + sent, 1448);
		sent += 1448;
	}
	tp_send(&p, F_ACK, pattern + sent, 65536 - sent);
	sent = 65536;
	fake_settle();
	{
		uint32_t ack = 0;

		while (tp_take(&p, &sg, 50) == 0) {
			wnd_bytes = (uint32_t)sg.wnd << 1;
			ack = sg.ack;
		}
		is_int(ack, p.snd_nxt, "64 KiB acknowledged");
	}
	is_int(wnd_bytes, 0, "and the window is zero: the receive buffer is full");
	tp_send(&p, F_ACK, pattern, 1000);
	ok(tp_take(&p, &sg, 100) == 0 && sg.ack == p.snd_nxt - 1000 && sg.wnd == 0,
	   "more data: not taken, the ACK repeats the window 0");
	p.snd_nxt -= 1000;
	tp_send(&p, F_ACK, pattern, 1);
	ok(tp_take(&p, &sg, 100) == 0 && sg.ack == p.snd_nxt - 1 && sg.wnd == 0,
	   "a zero-window probe: answered, window still 0");
	p.snd_nxt -= 1;
	tp_send(&p, F_ACK | F_FIN, NULL, 0);
	ok(tp_take(&p, &sg, 100) == 0 && sg.ack == p.snd_nxt && sg.wnd == 0,
	   "a FIN without data at the zero window is taken: it needs no room");
	is_int(fata_tcp_read(c, buf, 100, 0), 100, "the application reads 100 bytes");
	ok(t_tcp_none(f, 30), "too little for a window update (silly window avoidance)");
	is_int(fata_tcp_read(c, buf + 100, 3000, 0), 3000, "it reads 3000 more");
	ok(tp_take(&p, &sg, 100) == 0 && sg.ack == p.snd_nxt && sg.wnd == 3100 >> 1,
	   "a window update at once: 3100 bytes (%u)", (unsigned)sg.wnd << 1);
	is_int(fata_tcp_read(c, buf + 3100, sizeof(buf), 0), 65536 - 3100, "the rest");
	ok(memcmp(buf, pattern, 65536) == 0, "64 KiB byte for byte");
	is_int(fata_tcp_read(c, buf, sizeof(buf), 0), 0, "then the end of the stream");
	ok(tp_take(&p, &sg, 100) == 0 && sg.wnd == 32768, "the window opens fully again");
	done();
}

static struct fata_tcp *reader_conn;
static long reader_got;

static int reader(void *arg)
{
	static uint8_t buf[70000];

	(void)arg;
	reader_got = fata_tcp_read(reader_conn, buf, sizeof(buf), FATA_NEVER);
	return 0;
}

static struct fata_tcp *writer_conn;
static long writer_got;
static uint8_t big[600000];

static int writer(void *arg)
{
	(void)arg;
	writer_got = fata_tcp_write(writer_conn, big, sizeof(big), fata_monotonic_ns() + FATA_SEC(5));
	return 0;
}

/* The window the last segment the stack sent on `p` advertised, in bytes. */
static uint32_t last_window(struct tpeer *p)
{
	struct tseg sg;
	uint32_t wnd = 0;

	while (tp_take(p, &sg, 50) == 0)
		wnd = (uint32_t)sg.wnd << p->stack_ws;
	return wnd;
}

/* A buffer grows only when it alone holds a bulk transfer back (tcp.c, "growing"). */
static void growing(void)
{
	static uint8_t buf[70000];
	struct fata_fiber *fb;
	struct tpeer p;
	struct fata_tcp *c;
	uint32_t wnd;

	s->tun.tcp_buf_max = 256 * 1024;
	c = open_conn(&p);
	if (!c)
		return;
	ok(p.stack_ws >= 3, "the SYN-ACK's window scale leaves room for 256 KiB (%u)",
	   (unsigned)p.stack_ws);
	reader_conn = c;
	fb = fata_spawn(reader, NULL, 0);
	fake_settle();	/* the reader waits on the empty buffer */
	for (int i = 0; i < 30; i++)
		tp_send(&p, F_ACK, pattern + i * 1448, 1448);
	fake_settle();
	fata_join(fb);
	is_int(reader_got, 30 * 1448, "a waiting reader gets the 43440 bytes that came at once");
	wnd = last_window(&p);
	ok(wnd > 65536, "... and the buffer doubled: the window is now %u bytes", (unsigned)wnd);
	done();

	/* The same waiting reader when the stack's growth budget is spent: no growth. */
	s->tun.tcp_grow_total = 0;
	c = open_conn(&p);
	if (!c)
		return;
	reader_conn = c;
	fb = fata_spawn(reader, NULL, 0);
	fake_settle();
	for (int i = 0; i < 30; i++)
		tp_send(&p, F_ACK, pattern + i * 1448, 1448);
	fake_settle();
	fata_join(fb);
	is_int(reader_got, 30 * 1448, "with tcp_grow_total 0, the waiting reader gets its bytes");
	wnd = last_window(&p);
	ok(wnd > 0 && wnd <= 65536, "... but the buffer stays as it was: window %u", (unsigned)wnd);
	done();
	s->tun.tcp_grow_total = net_tunables_default.tcp_grow_total;

	/* The same data for a reader that did not wait (a slow one): no growth. */
	c = open_conn(&p);
	if (!c)
		return;
	for (int i = 0; i < 30; i++)
		tp_send(&p, F_ACK, pattern + i * 1448, 1448);
	fake_settle();
	is_int(fata_tcp_read(c, buf, sizeof(buf), 0), 30 * 1448, "a reader that finds the data there");
	wnd = last_window(&p);
	ok(wnd > 0 && wnd <= 65536, "... leaves the buffer as it was: window %u", (unsigned)wnd);
	done();

	/* Sending: a peer that ACKs everything with a wide window; once the congestion window
	 * outgrows the buffer, the buffer is what holds the writer back, and it doubles. */
	c = open_conn(&p);
	if (!c)
		return;
	writer_conn = c;
	p.wnd = 65535;	/* << 7: 8 MiB */
	tp_send(&p, F_ACK, NULL, 0);
	fake_settle();
	fb = fata_spawn(writer, NULL, 0);
	{
		struct tseg sg;
		uint32_t acked = p.rcv_nxt, end = p.rcv_nxt + (uint32_t)sizeof(big);

		while (SEQ_LT(acked, end) && tp_take(&p, &sg, 500) == 0) {
			if (sg.len == 0)
				continue;
			if (SEQ_GT(sg.seq + (uint32_t)sg.len, p.rcv_nxt))
				p.rcv_nxt = sg.seq + (uint32_t)sg.len;
			acked = p.rcv_nxt;
			tp_send(&p, F_ACK, NULL, 0);
		}
		is_int(acked - (end - (uint32_t)sizeof(big)), sizeof(big),
		       "a writer of 600000 bytes: every byte sent and acknowledged");
	}
	fata_join(fb);
	is_int(writer_got, sizeof(big), "... the write returns all of it");
	ok(c->snd_cap > 65536, "... and the send buffer grew (%zu bytes)", c->snd_cap);
	done();
	s->tun.tcp_buf_max = s->tun.tcp_rcv_buf;
}

static void send_side(void)
{
	struct tpeer p;
	struct fata_tcp *c = open_conn(&p);
	struct tseg sg;
	uint64_t t[8];
	int k = 0;
	long n;

	if (!c)
		return;
	/* The peer's window closes: nothing can go. */
	p.wnd = 0;
	tp_send(&p, F_ACK, NULL, 0);
	fake_settle();
	n = fata_tcp_write(c, pattern, 70000, fata_monotonic_ns() + FATA_MS(30));
	is_int(n, 65536, "write blocks when the 64 KiB send buffer is full: returns what was queued");
	is_int(fata_tcp_write(c, pattern, 10, fata_monotonic_ns() + FATA_MS(10)), -ETIMEDOUT,
	       "and a write that queues nothing by its deadline: ETIMEDOUT");
	/* Zero-window probes: one byte past the window, backing off, never giving up. */
	s->tun.tcp_rto_max_ns = FATA_MS(200);
	while (k < 7 && tp_take(&p, &sg, 500) == 0) {
		if (sg.len == 1 && sg.seq == p.rcv_nxt) {
			t[k++] = fata_monotonic_ns();
			tp_send(&p, F_ACK, NULL, 0);	/* still window 0 */
		}
	}
	is_int(k, 7, "seven one-byte probes (more than tcp_retries) while the peer answers");
	ok(k == 7 && t[2] - t[1] > t[1] - t[0] + FATA_MS(20), "the interval backs off");
	ok(c->in_table && c->state == TCP_ESTABLISHED, "the connection lives on");
	ok(stats().tcp.zero_window_probes >= 7, "probes counted");
	s->tun.tcp_rto_max_ns = FATA_SEC(2);
	/* The window opens. */
	p.wnd = 512;
	tp_send(&p, F_ACK, NULL, 0);
	ok(tp_take_data(&p, &sg, 200) == 0 && sg.seq == p.rcv_nxt && sg.len == 1448,
	   "window open: data flows from the first unacknowledged byte");
	done();

	/* Sender silly window avoidance and the peer's scaled window. */
	c = open_conn(&p);
	if (!c)
		return;
	p.wnd = 4;	/* 4 << 7 = 512 bytes */
	tp_send(&p, F_ACK, NULL, 0);
	fake_settle();
	fata_tcp_set_nodelay(c, true);
	fata_tcp_write(c, pattern, 3000, FATA_NEVER);
	ok(tp_take_data(&p, &sg, 100) == 0 && sg.len == 512, "a scaled window of 4 << 7: 512 bytes go");
	ok(t_tcp_none(f, 20), "then nothing: the window is full");
	p.rcv_nxt += 512;
	p.wnd = 1;	/* 128 bytes: less than half the largest window seen */
	tp_send(&p, F_ACK, NULL, 0);
	ok(t_tcp_none(f, 20), "a 128-byte window is not filled with a tiny segment (RFC 1122 4.2.3.4)");
	ok(tp_take_data(&p, &sg, 300) == 0 && sg.len == 128 && sg.seq == p.rcv_nxt,
	   "until the persist timer forces it");
	done();
}

static void nagle(void)
{
	struct tpeer p;
	struct fata_tcp *c = open_conn(&p);
	struct tseg sg;

	if (!c)
		return;
	fata_tcp_write(c, "a", 1, FATA_NEVER);
	ok(tp_take_data(&p, &sg, 100) == 0 && sg.len == 1, "Nagle: a small write with nothing in flight goes");
	fata_tcp_write(c, "b", 1, FATA_NEVER);
	fata_tcp_write(c, "c", 1, FATA_NEVER);
	ok(t_tcp_none(f, 30), "the next small writes wait while it is unacknowledged");
	p.rcv_nxt += 1;
	tp_send(&p, F_ACK, NULL, 0);
	ok(tp_take_data(&p, &sg, 100) == 0 && sg.len == 2 && !memcmp(sg.data, "bc", 2),
	   "its ACK releases them as one segment");
	p.rcv_nxt += 2;
	tp_send(&p, F_ACK, NULL, 0);
	fata_tcp_set_nodelay(c, true);
	fata_tcp_write(c, "d", 1, FATA_NEVER);
	fata_tcp_write(c, "e", 1, FATA_NEVER);
	ok(tp_take_data(&p, &sg, 100) == 0 && sg.len == 1 && sg.data[0] == 'd' &&
	   tp_take_data(&p, &sg, 100) == 0 && sg.len == 1 && sg.data[0] == 'e',
	   "nodelay: each small write goes at once");
	p.rcv_nxt += 2;
	tp_send(&p, F_ACK, NULL, 0);
	fata_tcp_set_nodelay(c, false);
	fata_tcp_write(c, pattern, 3000, FATA_NEVER);
	ok(tp_take_data(&p, &sg, 100) == 0 && sg.len == 1448 &&
	   tp_take_data(&p, &sg, 100) == 0 && sg.len == 1448, "Nagle: full segments go");
	ok(t_tcp_none(f, 30), "the 104-byte tail waits for the ACKs");
	p.rcv_nxt += 2896;
	tp_send(&p, F_ACK, NULL, 0);
	ok(tp_take_data(&p, &sg, 100) == 0 && sg.len == 104 && (sg.flags & F_PSH), "then goes with PSH");
	done();
}

static void timestamps(void)
{
	struct fata_stack_stats a = stats(), b;
	struct tpeer p;
	struct fata_tcp *c = open_conn(&p);
	struct tseg sg;
	uint8_t buf[100];

	if (!c)
		return;
	tp_send(&p, F_ACK | F_PSH, "new", 3);
	tp_take(&p, &sg, 100);
	p.tsval -= 10;	/* older than TS.Recent */
	tp_send(&p, F_ACK | F_PSH, "old", 3);
	ok(tp_take(&p, &sg, 100) == 0 && sg.ack == p.snd_nxt - 3,
	   "a segment with an old timestamp: PAWS drops it and says so with an ACK");
	p.snd_nxt -= 3;
	p.tsval += 20;
	{
		uint8_t fr[FRAME_MAX];

		fake_inject(f, fr, t_tcp(fr, p.port, 80, p.snd_nxt, p.rcv_nxt, F_ACK | F_PSH, p.wnd,
					 NULL, 0, "nots", 4));
	}
	ok(t_tcp_none(f, 40), "a segment without a timestamp once they are in use: dropped (RFC 7323 3.2)");
	is_int(fata_tcp_read(c, buf, sizeof(buf), 0), 3, "only the first segment was taken");
	b = stats();
	is_int(b.tcp.paws_drops - a.tcp.paws_drops, 1, "one PAWS drop counted");
	tp_send(&p, F_ACK | F_PSH, "ok", 2);
	tp_take(&p, &sg, 100);
	ok(sg.has_ts && sg.tsecr == p.tsval, "our TSecr echoes the peer's latest TSval");
	done();
}

/* The receive window's right edge, RCV.NXT + RCV.WND (RFC 9293 3.10.7.4), as the stack's latest
 * segment advertised it: the last byte inside is taken, a byte at the edge is not; the same for a
 * segment without data. */
static void window_edge(void)
{
	struct fata_stack_stats a, b;
	struct tpeer p;
	struct fata_tcp *c = open_conn(&p);
	struct tseg sg;
	uint32_t base, edge;

#define EDGE(sg) ((sg).ack + ((uint32_t)(sg).wnd << p.stack_ws))
	if (!c)
		return;
	base = p.snd_nxt;
	/* A byte after a hole makes the stack advertise its scaled window. */
	tp_send_at(&p, base + 1000, p.rcv_nxt, F_ACK, pattern, 1);
	ok(tp_take(&p, &sg, 100) == 0 && sg.ack == base, "a byte after a hole: the window advertised");
	edge = EDGE(sg);
	ok(edge - base >= 60000, "about 64 KiB (%u)", (unsigned)(edge - base));
	a = stats();
	tp_send_at(&p, edge - 1, p.rcv_nxt, F_ACK, pattern, 1);
	ok(tp_take(&p, &sg, 100) == 0 && sg.ack == base && sg.nsack >= 1 &&
	   sg.sack[0][0] == edge - 1 && sg.sack[0][1] == edge,
	   "one byte at RCV.NXT + RCV.WND - 1: taken, SACKed");
	b = stats();
	is_int(b.tcp.drop_unacceptable - a.tcp.drop_unacceptable, 0, "not counted as unacceptable");
	is_int(b.tcp.ooo_segments - a.tcp.ooo_segments, 1, "held out of order");
	edge = EDGE(sg);
	a = b;
	tp_send_at(&p, edge, p.rcv_nxt, F_ACK, pattern, 1);
	ok(tp_take(&p, &sg, 100) == 0 && sg.ack == base && sg.nsack >= 1 && sg.sack[0][1] != edge + 1,
	   "one byte at RCV.NXT + RCV.WND: outside, a duplicate ACK, nothing past the edge SACKed");
	b = stats();
	is_int(b.tcp.drop_unacceptable - a.tcp.drop_unacceptable, 1, "counted as unacceptable");
	is_int(b.tcp.ooo_segments - a.tcp.ooo_segments, 0, "not held");
	edge = EDGE(sg);
	a = b;
	tp_send_at(&p, edge, p.rcv_nxt, F_ACK, NULL, 0);
	tp_take(&p, &sg, 50);
	b = stats();
	is_int(b.tcp.drop_unacceptable - a.tcp.drop_unacceptable, 1,
	       "an empty segment at RCV.NXT + RCV.WND: unacceptable");
	a = b;
	tp_send_at(&p, edge - 1, p.rcv_nxt, F_ACK, NULL, 0);
	tp_take(&p, &sg, 50);
	b = stats();
	is_int(b.tcp.drop_unacceptable - a.tcp.drop_unacceptable, 0,
	       "an empty segment at RCV.NXT + RCV.WND - 1: acceptable");
	/* Before the window: the last byte at RCV.NXT - 1 is old, one more reaches RCV.NXT. */
	a = b;
	tp_send_at(&p, base - 10, p.rcv_nxt, F_ACK, pattern, 10);
	ok(tp_take(&p, &sg, 100) == 0 && sg.ack == base, "ten old bytes ending at RCV.NXT - 1: a duplicate ACK");
	b = stats();
	is_int(b.tcp.drop_unacceptable - a.tcp.drop_unacceptable, 1, "and unacceptable");
	tp_send_at(&p, base - 10, p.rcv_nxt, F_ACK, pattern, 11);
	ok(tp_take(&p, &sg, 100) == 0 && sg.ack == base + 1,
	   "eleven bytes whose last is at RCV.NXT: that byte taken");
#undef EDGE
	done();
}

int main(void)
{
	t_logs();
	t_tcp_tunables();
	for (size_t i = 0; i < sizeof(pattern); i++)
		pattern[i] = (uint8_t)(i * 7 + i / 251);
	s = t_stack(&f);
	ok(s != NULL, "stack on the fake interface");
	if (!s)
		return tap_done();
	fata_tcp_listen(s, 80, tp_hold_handler, NULL);
	delayed_ack();
	reassembly();
	window_edge();
	flow_control();
	growing();
	send_side();
	nagle();
	timestamps();
	fata_stack_disconnect(s);
	return tap_done();
}
