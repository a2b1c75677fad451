/*
 * Unit tests of TCP under a SYN flood (lib/net/tcp*.c) with the scripted peer: SYN cookies once
 * the backlog is full (the cookie's SYN-ACK, the ACK that opens the connection, forged and
 * mismatched ACKs, the MSS it stands for), half-open connections to on-link addresses that never
 * answer ARP dropped after one RTO, a real client served during a flood of spoofed SYNs without
 * its ARP entry being pushed out, and the one rate-limited warning line.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

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

/* A SYN from an arbitrary source address (spoofed), MSS `mss` (0: none). */
static void syn_from(uint32_t src, uint16_t sport, uint16_t dport, uint32_t seq, uint16_t mss)
{
	uint8_t tcp[24], opt[4] = { 2, 4, (uint8_t)(mss >> 8), (uint8_t)mss };
	size_t n = 20 + (mss ? 4 : 0), len;
	uint8_t pseudo[12];
	uint32_t sum;

	memset(tcp, 0, sizeof(tcp));
	t_put16(tcp, sport);
	t_put16(tcp + 2, dport);
	t_put32(tcp + 4, seq);
	tcp[12] = (uint8_t)(n / 4 << 4);
	tcp[13] = F_SYN;
	t_put16(tcp + 14, 65535);
	if (mss)
		memcpy(tcp + 20, opt, 4);
	t_put32(pseudo, src);
	t_put32(pseudo + 4, STACK_IP);
	pseudo[8] = 0;
	pseudo[9] = 6;
	t_put16(pseudo + 10, (uint16_t)n);
	sum = (uint16_t)~t_csum(pseudo, sizeof(pseudo), 0);
	t_put16(tcp + 16, t_csum(tcp, n, sum));
	len = t_ip_frame(fr, src, STACK_IP, 6, tcp, n);
	fake_inject(f, fr, len);
}

/* Takes the next segment the stack sends to the peer's port `dport`, skipping others (the
 * half-open connections of the backlog send their SYN-ACKs again meanwhile). 0 or -1. */
static int take_to(uint16_t dport, struct tseg *sg, unsigned ms)
{
	uint64_t until = fata_monotonic_ns() + FATA_MS(ms);

	while (fata_monotonic_ns() < until) {
		if (t_tcp_take(f, sg, 10) == 0 && sg->dport == dport)
			return 0;
	}
	return -1;
}

/* Fills port 80's backlog of 2 with half-open connections from the peer (ports 41000, 41001). */
static void fill_backlog(void)
{
	struct tseg sg;

	s->tun.tcp_backlog = 2;
	for (int i = 0; i < 2; i++)
		fake_inject(f, fr, t_tcp(fr, (uint16_t)(41000 + i), 80, 100, 0, F_SYN, 1000, NULL, 0,
					 NULL, 0));
	while (t_tcp_take(f, &sg, 30) == 0)
		;
}

static void cookies(void)
{
	struct fata_stack_stats a = stats(), b;
	struct tseg sg;
	uint8_t opt[40];
	size_t n;

	is_int(fata_tcp_listen(s, 80, tp_hold_handler, NULL), 0, "listen on port 80");
	fill_backlog();
	n = tp_syn_options(opt, 1460, 7, true, true, 5000, 0);
	fake_inject(f, fr, t_tcp(fr, 42000, 80, 7000, 0, F_SYN, 65535, opt, n, NULL, 0));
	ok(t_tcp_take(f, &sg, 200) == 0 && sg.flags == (F_SYN | F_ACK) && sg.ack == 7001 &&
	   sg.csum_ok, "backlog full: the SYN is still answered with a SYN-ACK");
	ok(sg.has_mss && sg.mss == 1460 && !sg.has_ws && !sg.has_ts && !sg.sack_perm,
	   "a cookie's SYN-ACK offers MSS only (no window scale, SACK, timestamps)");
	b = stats();
	is_int(b.tcp.syncookies_sent - a.tcp.syncookies_sent, 1, "counted as a SYN cookie");
	is_int(s->tcp->listeners->pending, 2, "and nothing kept for it");

	/* A forged ACK (wrong cookie), and the right cookie with the wrong sequence number or
	 * from another port: RST, nothing opened. */
	fake_inject(f, fr, t_tcp(fr, 42000, 80, 7001, sg.seq + 2, F_ACK, 512, NULL, 0, NULL, 0));
	ok(take_to(42000, &sg, 100) == 0 && sg.flags == F_RST, "an ACK with a wrong cookie: RST");
	a = stats();
	{
		struct tseg syn;

		fake_inject(f, fr, t_tcp(fr, 42001, 80, 9000, 0, F_SYN, 65535, NULL, 0, NULL, 0));
		ok(take_to(42001, &syn, 200) == 0 && syn.flags == (F_SYN | F_ACK), "another cookie");
		ok(syn.mss == 1460, "the stack's MSS in it");
		fake_inject(f, fr, t_tcp(fr, 42001, 80, 9002, syn.seq + 1, F_ACK, 512, NULL, 0, NULL, 0));
		ok(take_to(42001, &sg, 100) == 0 && sg.flags == F_RST, "its cookie, another seq: RST");
		fake_inject(f, fr, t_tcp(fr, 42002, 80, 9001, syn.seq + 1, F_ACK, 512, NULL, 0, NULL, 0));
		ok(take_to(42002, &sg, 100) == 0 && sg.flags == F_RST, "its cookie, another port: RST");
		b = stats();
		is_int(b.tcp.syncookies_bad - a.tcp.syncookies_bad, 2, "both counted as bad cookies");
		ok(held == NULL && b.tcp.syncookies_ok == a.tcp.syncookies_ok, "nothing opened");

		/* The right ACK, with data: the connection opens and the data arrives. */
		fake_inject(f, fr, t_tcp(fr, 42001, 80, 9001, syn.seq + 1, F_ACK | F_PSH, 512, NULL, 0,
					 "hello", 5));
		fake_settle();
		b = stats();
		is_int(b.tcp.syncookies_ok - a.tcp.syncookies_ok, 1, "the cookie's ACK opens it");
		ok(held != NULL && held->state == TCP_ESTABLISHED, "established, handler running");
		if (held) {
			char buf[16];
			long r = fata_tcp_read(held, buf, sizeof(buf), fata_monotonic_ns() + FATA_MS(200));

			ok(r == 5 && memcmp(buf, "hello", 5) == 0, "the data in the ACK is delivered");
			ok(held->mss == 536 && !held->ws_ok && !held->ts_ok && !held->sack_ok,
			   "MSS from the cookie, no other options");
			ok(fata_tcp_write(held, "world", 5, FATA_NEVER) == 5, "write");
			ok(take_to(42001, &sg, 200) == 0 && sg.len == 5 && sg.seq == syn.seq + 1 &&
			   sg.ack == 9006 && memcmp(sg.data, "world", 5) == 0,
			   "data goes out after the cookie, acknowledging the peer's");
			tp_release();
		}
	}

	/* The MSS the cookie stands for: the largest of its table not above the peer's (536 when
	 * the SYN has no MSS option, as above). */
	{
		struct tseg syn;

		fake_clear(f);
		syn_from(PEER_IP, 42010, 80, 500, 1400);
		ok(take_to(42010, &syn, 200) == 0 && syn.flags == (F_SYN | F_ACK), "a SYN with MSS 1400");
		fake_inject(f, fr, t_tcp(fr, 42010, 80, 501, syn.seq + 1, F_ACK, 512, NULL, 0, NULL, 0));
		fake_settle();
		ok(held && held->mss == 1360, "the connection's MSS is 1360 (the table's entry)");
		if (held)
			tp_release();
	}

	/* Cookies off: a full backlog drops the SYN, as before. */
	fake_clear(f);
	a = stats();
	s->tun.tcp_syncookies = false;
	fake_inject(f, fr, t_tcp(fr, 42020, 80, 7000, 0, F_SYN, 65535, NULL, 0, NULL, 0));
	ok(take_to(42020, &sg, 100) < 0, "cookies off: a SYN past the backlog gets no answer");
	b = stats();
	is_int(b.tcp.backlog_drops - a.tcp.backlog_drops, 1, "counted as a backlog drop");
	s->tun.tcp_syncookies = true;

	/* At the connection limit, even with cookies: RST, and a cookie's ACK too. */
	{
		struct tseg syn;

		fake_inject(f, fr, t_tcp(fr, 42030, 80, 300, 0, F_SYN, 65535, NULL, 0, NULL, 0));
		ok(take_to(42030, &syn, 200) == 0 && syn.flags == (F_SYN | F_ACK), "a cookie");
		s->tun.tcp_max_conns = s->tcp->nconns;
		a = stats();
		fake_inject(f, fr, t_tcp(fr, 42031, 80, 300, 0, F_SYN, 65535, NULL, 0, NULL, 0));
		ok(take_to(42031, &sg, 200) == 0 && sg.flags == (F_RST | F_ACK) && sg.ack == 301,
		   "at the connection limit a SYN is answered with RST");
		fake_inject(f, fr, t_tcp(fr, 42030, 80, 301, syn.seq + 1, F_ACK, 512, NULL, 0, NULL, 0));
		ok(take_to(42030, &sg, 200) == 0 && sg.flags == F_RST && sg.seq == syn.seq + 1,
		   "and so is a good cookie's ACK");
		b = stats();
		is_int(b.tcp.conn_limit - a.tcp.conn_limit, 2, "both counted at the limit");
		s->tun.tcp_max_conns = 1024;
	}
	s->tun.tcp_backlog = 128;
	fata_tcp_unlisten(s, 80);
	t_tcp_abort_all(s);
	fake_clear(f);
}

/* Counts the half-open connections of the stack. */
static unsigned half_open(void)
{
	unsigned n = 0;

	for (struct fata_tcp *c = s->tcp->all; c; c = c->next)
		n += c->state == TCP_SYN_RECEIVED;
	return n;
}

static void unreachable(void)
{
	struct fata_stack_stats a = stats(), b;
	struct tseg sg;
	uint8_t buf[FRAME_MAX];
	long n;

	is_int(fata_tcp_listen(s, 80, tp_hold_handler, NULL), 0, "listen on port 80");
	/* 10.0.0.77 is on-link and never answers ARP; 198.51.100.1 is off-link and the gateway
	 * never answers either; the peer answers. */
	syn_from(0x0a00004du, 5000, 80, 1, 1460);
	syn_from(FAR_IP, 5001, 80, 1, 1460);
	fake_inject(f, fr, t_tcp(fr, 5002, 80, 1, 0, F_SYN, 65535, NULL, 0, NULL, 0));
	n = t_expect(f, buf, 0x0806, 0, FATA_MS(100));
	ok(n > 0, "the stack asks ARP for a SYN's source");
	fake_settle();
	is_int(half_open(), 3, "three half-open connections");
	/* The test RTO is 100 ms: after it only the peer's remains, SYN-ACK sent again. */
	t_run_ms(150);
	is_int(half_open(), 1, "after one RTO the two unreachable ones are gone");
	ok(tcp_lookup(s->tcp, PEER_IP, 5002, 80) != NULL, "the reachable peer's is kept");
	b = stats();
	is_int(b.tcp.halfopen_unreachable - a.tcp.halfopen_unreachable, 2, "counted as unreachable");
	{
		bool resent = false;

		while (t_tcp_take(f, &sg, 30) == 0)
			resent |= sg.dport == 5002 && sg.flags == (F_SYN | F_ACK);
		ok(resent, "and its SYN-ACK was sent again");
	}
	fata_tcp_unlisten(s, 80);
	t_tcp_abort_all(s);
	fake_clear(f);
}

static void flood(void)
{
	struct fata_stack_stats a = stats(), b;
	uint8_t buf[FRAME_MAX];
	struct tpeer p;
	unsigned arp_for_peer = 0;
	long n;

	s->tun.tcp_backlog = 8;
	is_int(fata_tcp_listen(s, 80, tp_hold_handler, NULL), 0, "listen on port 80");
	/* 2000 SYNs from spoofed on-link sources: they fill the backlog, then get cookies, and
	 * every one of them makes the stack ask ARP. */
	for (unsigned i = 0; i < 2000; i++) {
		syn_from(0x0a000000u | (3 + i % 250), (uint16_t)(1024 + i), 80, i * 7919u, 1460);
		if (i % 64 == 63)
			fake_settle();
	}
	fake_settle();
	b = stats();
	is_int(half_open(), 8, "the flood fills the backlog of 8 and no more");
	ok(b.tcp.syncookies_sent - a.tcp.syncookies_sent >= 1900, "the rest are cookies");
	while ((n = fake_take(f, buf, sizeof(buf), fata_monotonic_ns() + FATA_MS(5))) >= 0) {
		if (n >= 42 && t_get16(buf + 12) == 0x0806 && t_get32(buf + 38) == PEER_IP)
			arp_for_peer++;
	}
	is_int(arp_for_peer, 0, "the peer's ARP entry survived the flood");
	if (tp_open(&p, f, 45000, 80, true) == 0) {
		fake_settle();
		ok(held != NULL, "a real client still connects during the flood");
		if (held)
			tp_release();
	} else {
		ok(0, "a real client still connects during the flood");
	}
	t_run_ms(150);
	is_int(half_open(), 0, "after one RTO the spoofed half-open connections are gone");
	s->tun.tcp_backlog = 128;
	fata_tcp_unlisten(s, 80);
	t_tcp_abort_all(s);
	fake_clear(f);
}

/* The warning: one line for all the pressure, at most once per interval. */
static void warning(void)
{
	int fds[2], saved;
	char out[4096];
	ssize_t n;
	unsigned lines = 0;

	fata_log_set_spec("tcp:warning");
	s->tcp->warn_at = 0;
	s->tun.tcp_backlog = 1;
	fflush(stdout);
	if (pipe(fds) < 0 || (saved = dup(STDOUT_FILENO)) < 0) {
		ok(0, "pipe");
		return;
	}
	dup2(fds[1], STDOUT_FILENO);
	fata_tcp_listen(s, 80, tp_hold_handler, NULL);
	for (unsigned i = 0; i < 50; i++)
		syn_from(PEER_IP, (uint16_t)(2000 + i), 80, i, 1460);
	fake_settle();
	dup2(saved, STDOUT_FILENO);
	close(saved);
	close(fds[1]);
	n = read(fds[0], out, sizeof(out) - 1);
	close(fds[0]);
	out[n > 0 ? n : 0] = '\0';
	for (char *p = out; (p = strchr(p, '\n')) != NULL; p++)
		lines++;
	is_int(lines, 1, "49 cookies under pressure: one warning line");
	ok(strstr(out, "WRN [tcp] under pressure (SYN flood?)") != NULL, "it says what happens");
	fata_log_set_spec("quiet");
	s->tun.tcp_backlog = 128;
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
	cookies();
	unreachable();
	flood();
	warning();
	fata_stack_disconnect(s);
	return tap_done();
}
