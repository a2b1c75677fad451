/* The scripted TCP peer of the unit tests (see net_tcp_peer.h). */
#include "net_tcp_peer.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../../lib/net/stack.h"
#include "../../lib/net/tcp.h"

static uint16_t tcp_csum(uint32_t src, uint32_t dst, const uint8_t *seg, size_t len)
{
	uint32_t pseudo = (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + 6 +
			  (uint32_t)len;

	return t_csum(seg, len, pseudo);
}

size_t t_tcp(uint8_t *frame, uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack,
	     uint8_t flags, uint16_t wnd, const void *opt, size_t optlen, const void *data,
	     size_t dlen)
{
	uint8_t seg[FRAME_MAX];
	size_t hlen = 20 + optlen;

	t_put16(seg, sport);
	t_put16(seg + 2, dport);
	t_put32(seg + 4, seq);
	t_put32(seg + 8, ack);
	seg[12] = (uint8_t)(hlen / 4 << 4);
	seg[13] = flags;
	t_put16(seg + 14, wnd);
	t_put16(seg + 16, 0);
	t_put16(seg + 18, 0);
	if (optlen)
		memcpy(seg + 20, opt, optlen);
	if (dlen)
		memcpy(seg + hlen, data, dlen);
	t_put16(seg + 16, tcp_csum(PEER_IP, STACK_IP, seg, hlen + dlen));
	return t_ip_frame(frame, PEER_IP, STACK_IP, 6, seg, hlen + dlen);
}

static void parse_options(struct tseg *sg)
{
	const uint8_t *o = sg->opt;
	size_t n = sg->optlen;

	for (size_t i = 0; i < n;) {
		size_t l;

		if (o[i] == 0)
			break;
		if (o[i] == 1) {
			i++;
			continue;
		}
		if (i + 1 >= n || o[i + 1] < 2 || i + o[i + 1] > n)
			break;
		l = o[i + 1];
		if (o[i] == 2 && l == 4) {
			sg->has_mss = true;
			sg->mss = t_get16(o + i + 2);
		} else if (o[i] == 3 && l == 3) {
			sg->has_ws = true;
			sg->ws = o[i + 2];
		} else if (o[i] == 4 && l == 2) {
			sg->sack_perm = true;
		} else if (o[i] == 5 && l >= 10) {
			for (size_t b = 0; b < (l - 2) / 8 && sg->nsack < 4; b++) {
				sg->sack[sg->nsack][0] = t_get32(o + i + 2 + 8 * b);
				sg->sack[sg->nsack][1] = t_get32(o + i + 6 + 8 * b);
				sg->nsack++;
			}
		} else if (o[i] == 8 && l == 10) {
			sg->has_ts = true;
			sg->tsval = t_get32(o + i + 2);
			sg->tsecr = t_get32(o + i + 6);
		}
		i += l;
	}
}

int t_tcp_take(struct fake_netif *f, struct tseg *sg, unsigned ms)
{
	static uint8_t fr[FRAME_MAX];
	long n = t_expect(f, fr, 0x0800, 6, FATA_MS(ms));
	const uint8_t *ip = fr + 14, *t;
	size_t ihl, total, tlen, hlen;

	memset(sg, 0, sizeof(*sg));
	if (n < 0)
		return -1;
	ihl = (size_t)(ip[0] & 0xf) * 4;
	total = t_get16(ip + 2);
	if ((size_t)n < 14 + total || total < ihl + 20)
		return -1;
	t = ip + ihl;
	tlen = total - ihl;
	hlen = (size_t)(t[12] >> 4) * 4;
	if (hlen < 20 || hlen > tlen)
		return -1;
	sg->src = t_get32(ip + 12);
	sg->dst = t_get32(ip + 16);
	sg->sport = t_get16(t);
	sg->dport = t_get16(t + 2);
	sg->seq = t_get32(t + 4);
	sg->ack = t_get32(t + 8);
	sg->flags = t[13];
	sg->wnd = t_get16(t + 14);
	sg->optlen = hlen - 20;
	memcpy(sg->opt, t + 20, sg->optlen);
	sg->len = tlen - hlen;
	memcpy(sg->data, t + hlen, sg->len);
	sg->csum_ok = tcp_csum(sg->src, sg->dst, t, tlen) == 0;
	parse_options(sg);
	return 0;
}

bool t_tcp_none(struct fake_netif *f, unsigned ms)
{
	struct tseg sg;

	return t_tcp_take(f, &sg, ms) < 0;
}

const char *t_flags(uint8_t flags)
{
	static char buf[8];
	char *p = buf;

	if (flags & F_SYN)
		*p++ = 'S';
	if (flags & F_FIN)
		*p++ = 'F';
	if (flags & F_RST)
		*p++ = 'R';
	if (flags & F_PSH)
		*p++ = 'P';
	if (flags & F_ACK)
		*p++ = '.';
	*p = 0;
	return buf;
}

size_t tp_syn_options(uint8_t *o, uint16_t mss, int wscale, bool sack_perm, bool ts,
		      uint32_t tsval, uint32_t tsecr)
{
	size_t n = 0;

	if (mss) {
		o[n++] = 2;
		o[n++] = 4;
		t_put16(o + n, mss);
		n += 2;
	}
	if (sack_perm) {
		o[n++] = 1;
		o[n++] = 1;
		o[n++] = 4;
		o[n++] = 2;
	}
	if (ts) {
		o[n++] = 1;
		o[n++] = 1;
		o[n++] = 8;
		o[n++] = 10;
		t_put32(o + n, tsval);
		t_put32(o + n + 4, tsecr);
		n += 8;
	}
	if (wscale >= 0) {
		o[n++] = 1;
		o[n++] = 3;
		o[n++] = 3;
		o[n++] = (uint8_t)wscale;
	}
	return n;
}

void tp_send_at(struct tpeer *p, uint32_t seq, uint32_t ack, uint8_t flags, const void *data,
		size_t len)
{
	static uint8_t fr[FRAME_MAX];
	uint8_t opt[12];
	size_t optlen = 0;

	if (p->ts) {
		opt[0] = 1;
		opt[1] = 1;
		opt[2] = 8;
		opt[3] = 10;
		t_put32(opt + 4, ++p->tsval);
		t_put32(opt + 8, p->tsecr);
		optlen = 12;
	}
	fake_inject(p->f, fr, t_tcp(fr, p->port, p->sport, seq, (flags & F_ACK) ? ack : 0, flags,
				     p->wnd, opt, optlen, data, len));
}

void tp_send(struct tpeer *p, uint8_t flags, const void *data, size_t len)
{
	tp_send_at(p, p->snd_nxt, p->rcv_nxt, flags, data, len);
	p->snd_nxt += (uint32_t)len + !!(flags & F_SYN) + !!(flags & F_FIN);
}

int tp_take(struct tpeer *p, struct tseg *sg, unsigned ms)
{
	uint64_t deadline = fata_monotonic_ns() + FATA_MS(ms);

	for (;;) {
		uint64_t now = fata_monotonic_ns();

		if (now >= deadline || t_tcp_take(p->f, sg, (unsigned)((deadline - now) / FATA_NS_PER_MS) + 1) < 0)
			return -1;
		if (sg->dport != p->port || sg->sport != p->sport)
			continue;
		if (sg->has_ts)
			p->tsecr = sg->tsval;
		return 0;
	}
}

int tp_take_data(struct tpeer *p, struct tseg *sg, unsigned ms)
{
	uint64_t deadline = fata_monotonic_ns() + FATA_MS(ms);

	for (;;) {
		uint64_t now = fata_monotonic_ns();

		if (now >= deadline || tp_take(p, sg, (unsigned)((deadline - now) / FATA_NS_PER_MS) + 1) < 0)
			return -1;
		if (sg->len || (sg->flags & (F_FIN | F_RST)))
			return 0;
	}
}

int tp_open(struct tpeer *p, struct fake_netif *f, uint16_t port, uint16_t sport, bool ts)
{
	uint8_t opt[40], fr[FRAME_MAX];
	struct tseg sg;
	size_t optlen;

	memset(p, 0, sizeof(*p));
	p->f = f;
	p->port = port;
	p->sport = sport;
	p->iss = 1000000u + port;
	p->snd_nxt = p->iss;
	p->wnd = 512;		/* 512 << 7 = 64 KiB */
	p->ts = false;
	p->tsval = 5000;
	optlen = tp_syn_options(opt, 1460, 7, true, ts, p->tsval, 0);
	fake_inject(f, fr, t_tcp(fr, port, sport, p->iss, 0, F_SYN, 65535, opt, optlen, NULL, 0));
	p->snd_nxt++;
	if (tp_take(p, &sg, 500) < 0) {
		printf("# tp_open: no SYN-ACK\n");
		return -1;
	}
	if (sg.flags != (F_SYN | F_ACK) || sg.ack != p->iss + 1 || !sg.csum_ok) {
		printf("# tp_open: got %s ack %u (want S. ack %u), checksum %s\n", t_flags(sg.flags),
		       (unsigned)sg.ack, (unsigned)(p->iss + 1), sg.csum_ok ? "ok" : "bad");
		return -1;
	}
	p->stack_iss = sg.seq;
	p->rcv_nxt = sg.seq + 1;
	p->stack_ws = sg.has_ws ? sg.ws : 0;
	p->ts = ts;
	tp_send(p, F_ACK, NULL, 0);
	return 0;
}

struct fata_tcp *held;
static bool released;
static struct fata_waitq release_q;

int tp_hold_handler(struct fata_tcp *c, void *arg)
{
	(void)arg;
	held = c;
	released = false;
	while (!released)
		fata_waitq_wait(&release_q, FATA_NEVER);
	return 0;
}

void tp_release(void)
{
	released = true;
	fata_waitq_wake_all(&release_q);
	fake_settle();
	held = NULL;
}

void t_run_ms(unsigned ms)
{
	fata_sleep_ns(FATA_MS(ms));
}

void t_tcp_tunables(void)
{
	struct net_tunables *t = &net_tunables_default;

	t->tcp_rto_initial_ns = FATA_MS(100);
	t->tcp_rto_min_ns = FATA_MS(40);
	t->tcp_rto_max_ns = FATA_SEC(2);
	t->tcp_msl_ns = FATA_MS(50);
	t->tcp_delack_ns = FATA_MS(20);
	t->tcp_fin_timeout_ns = FATA_MS(200);
	t->tcp_retries = 4;
	t->tcp_syn_retries = 3;
	/* Buffers stay at 64 KiB: the tests check windows byte for byte (growing has its own). */
	t->tcp_buf_max = t->tcp_rcv_buf;
}

void t_tcp_abort_all(struct fata_stack *s)
{
	while (s->tcp->all)
		tcp_abort(s->tcp->all, -ECONNABORTED);
	fake_settle();
}
