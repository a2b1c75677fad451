/*
 * TCP on the direct stack: the fata_tcp_* calls of fata/tcp.h (as its ops table, stack_impl.h),
 * the connection table, initial sequence numbers (RFC 6528) and ephemeral ports (RFC 6056), and
 * the lifetime of a connection block. Segment handling is in tcp_input.c, sending in
 * tcp_output.c, timers in tcp_timer.c, congestion control in tcp_cc.c (see tcp.h for the whole
 * picture).
 *
 * A connection block is held by up to four parties: the stack (while it is in the table, up to
 * CLOSED), the application (until fata_tcp_close()), a listener's handler fiber (until the
 * handler returns) and the fibers inside a call on it (`users`). The last one to let go frees it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fata/time.h>

#include "prot/ipv4.h"
#include "prot/ipv6.h"
#include "stack_impl.h"
#include "tcp.h"

FATA_LOG_SOURCE(log_tcp, "tcp");

#define EPHEMERAL_FIRST 49152u
#define EPHEMERAL_COUNT (65536u - EPHEMERAL_FIRST)

static const struct stack_tcp_ops tcp_ops;
static void tcp_close(struct fata_tcp *c);

/* --- SipHash-2-4: the keyed hash behind ISNs, ports and the table ------------------------------ */

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND \
	do { \
		v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32); \
		v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2; \
		v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0; \
		v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32); \
	} while (0)

static uint64_t siphash(const uint64_t key[2], const uint8_t *m, size_t len)
{
	uint64_t v0 = 0x736f6d6570736575ull ^ key[0], v1 = 0x646f72616e646f6dull ^ key[1];
	uint64_t v2 = 0x6c7967656e657261ull ^ key[0], v3 = 0x7465646279746573ull ^ key[1];
	uint64_t b = (uint64_t)len << 56;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		uint64_t w = 0;

		for (int j = 7; j >= 0; j--)
			w = w << 8 | m[i + (size_t)j];
		v3 ^= w;
		SIPROUND;
		SIPROUND;
		v0 ^= w;
	}
	for (size_t j = 0; i + j < len; j++)
		b |= (uint64_t)m[i + j] << (8 * j);
	v3 ^= b;
	SIPROUND;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

static uint64_t tuple_hash(const struct tcp_stack *t, uint32_t laddr, uint16_t lport,
			   uint32_t raddr, uint16_t rport)
{
	uint8_t m[12];

	be32_put(m, laddr);
	be32_put(m + 4, raddr);
	be16_put(m + 8, lport);
	be16_put(m + 10, rport);
	return siphash(t->secret, m, sizeof(m));
}

uint32_t tcp_isn(struct tcp_stack *s, uint32_t laddr, uint16_t lport, uint32_t raddr,
		 uint16_t rport)
{
	/* RFC 6528: ISN = M + F(4-tuple, secret), M a clock ticking every 4 us. */
	return (uint32_t)(fata_monotonic_ns() / 4000) +
	       (uint32_t)tuple_hash(s, laddr, lport, raddr, rport);
}

/* --- the table --------------------------------------------------------------------------------- */

static unsigned bucket(struct tcp_stack *s, uint32_t raddr, uint16_t rport, uint16_t lport)
{
	/* Keyed, so that a peer cannot aim its connections at one chain. */
	return (unsigned)(tuple_hash(s, 0, lport, raddr, rport) >> 32) % TCP_HASH;
}

struct fata_tcp *tcp_lookup(struct tcp_stack *s, uint32_t raddr, uint16_t rport, uint16_t lport)
{
	for (struct fata_tcp *c = s->hash[bucket(s, raddr, rport, lport)]; c; c = c->hnext) {
		if (c->raddr == raddr && c->rport == rport && c->lport == lport && !c->v6)
			return c;
	}
	return NULL;
}

uint32_t tcp_fold6(const uint8_t *a)
{
	return be32_get(a) ^ be32_get(a + 4) ^ be32_get(a + 8) ^ be32_get(a + 12);
}

struct fata_tcp *tcp_lookup6(struct tcp_stack *s, const uint8_t *raddr6, uint16_t rport,
			     uint16_t lport)
{
	uint32_t f = tcp_fold6(raddr6);

	for (struct fata_tcp *c = s->hash[bucket(s, f, rport, lport)]; c; c = c->hnext) {
		if (c->v6 && c->rport == rport && c->lport == lport && ipv6_eq(c->raddr6, raddr6))
			return c;
	}
	return NULL;
}

void tcp_conn_set6(struct fata_tcp *c, const uint8_t *laddr6, const uint8_t *raddr6)
{
	c->v6 = true;
	memcpy(c->laddr6, laddr6, 16);
	memcpy(c->raddr6, raddr6, 16);
	c->laddr = tcp_fold6(laddr6);
}

struct tcp_listener *tcp_find_listener(struct tcp_stack *s, uint16_t port)
{
	for (struct tcp_listener *l = s->listeners; l; l = l->next) {
		if (l->port == port)
			return l;
	}
	return NULL;
}

static void table_remove(struct fata_tcp *c)
{
	struct tcp_stack *t = c->s;
	struct fata_tcp **pp = &t->hash[bucket(c->s, c->raddr, c->rport, c->lport)];

	for (; *pp; pp = &(*pp)->hnext) {
		if (*pp == c) {
			*pp = c->hnext;
			break;
		}
	}
	if (c->prev)
		c->prev->next = c->next;
	else
		t->all = c->next;
	if (c->next)
		c->next->prev = c->prev;
	c->hnext = c->prev = c->next = NULL;
	c->in_table = false;
	t->nconns--;
}

/* The connection in TIME-WAIT that ends first, or NULL. */
static struct fata_tcp *oldest_time_wait(struct tcp_stack *s)
{
	struct fata_tcp *oldest = NULL;

	for (struct fata_tcp *c = s->all; c; c = c->next) {
		if (c->state == TCP_TIME_WAIT &&
		    (!oldest || c->timer[TCP_T_2MSL] < oldest->timer[TCP_T_2MSL]))
			oldest = c;
	}
	return oldest;
}

static uint8_t wscale_for(size_t buf)
{
	uint8_t shift = 0;

	while (shift < TCP_WS_MAX && (buf >> shift) > 65535)
		shift++;
	return shift;
}

struct fata_tcp *tcp_conn_new(struct tcp_stack *t, uint32_t raddr, uint16_t rport,
			      uint16_t lport, int *err)
{
	struct fata_tcp *c;
	unsigned b;

	if (t->nconns >= t->tun->tcp_max_conns) {
		/* Make room by ending the oldest connection in TIME-WAIT, if there is one. */
		struct fata_tcp *old = oldest_time_wait(t);

		if (!old) {
			tcp_pressure(t, &t->stats.conn_limit);
			*err = -ENOMEM;
			return NULL;
		}
		tcp_conn_done(old, 0);
	}
	if (tcp_timer_start(t) < 0 || !(c = calloc(1, sizeof(*c)))) {
		*err = -ENOMEM;
		return NULL;
	}
	c->ops = &tcp_ops;
	c->s = t;
	c->laddr = t->ip->addr;
	c->raddr = raddr;
	c->rport = rport;
	c->lport = lport;
	c->state = TCP_CLOSED;
	c->snd_cap = t->tun->tcp_snd_buf;
	c->rcv_cap = t->tun->tcp_rcv_buf;
	/* The scale is fixed by the SYN: big enough for the most the buffer may grow to. */
	c->rcv_wscale = t->tun->tcp_window_scaling ?
			wscale_for(c->rcv_cap > t->tun->tcp_buf_max ? c->rcv_cap : t->tun->tcp_buf_max)
			: 0;
	c->peer_mss = TCP_DEFAULT_MSS;
	c->mss = TCP_DEFAULT_MSS;
	c->rto = t->tun->tcp_rto_initial_ns;
	c->ts_offset = (uint32_t)(tuple_hash(t, t->ip->addr, lport, raddr, rport) >> 32);
	c->keep_idle = t->tun->tcp_keepalive_ns;
	c->keep_intvl = t->tun->tcp_keepalive_intvl_ns;
	c->keep_probes = t->tun->tcp_keepalive_probes;
	c->last_rx = fata_monotonic_ns();
	for (int i = 0; i < TCP_T_COUNT; i++)
		c->timer[i] = FATA_NEVER;
	c->next_timer = FATA_NEVER;
	b = bucket(t, raddr, rport, lport);
	c->hnext = t->hash[b];
	t->hash[b] = c;
	c->next = t->all;
	if (t->all)
		t->all->prev = c;
	t->all = c;
	c->in_table = true;
	t->nconns++;
	return c;
}

int tcp_conn_buffers(struct fata_tcp *c)
{
	if (!c->snd_buf)
		c->snd_buf = malloc(c->snd_cap);
	if (!c->rcv_buf)
		c->rcv_buf = malloc(c->rcv_cap);
	return c->snd_buf && c->rcv_buf ? 0 : -ENOMEM;
}

/*
 * Growing. A connection starts with tcp_snd_buf and tcp_rcv_buf bytes, and a buffer doubles (up
 * to tcp_buf_max) only when it alone holds a bulk transfer back: the receive buffer when the
 * application waited on an empty one and then found it at least half full (the sender filled
 * most of our window at once while the reader kept up); the send buffer when the application
 * has to wait while all of it is in flight (but for a tail short of a segment) and both the
 * peer's window and the congestion window would take more. A slow reader, or a peer that stops
 * reading, never makes either grow. The ring is laid out anew from its head, every byte at the
 * same distance from it, so out-of-order data stays where its sequence number says. What all
 * connections grew by together stays within tcp_grow_total, so that many fast connections do
 * not take the heap from new ones. A failed allocation leaves the buffer as it was.
 */
static bool ring_grow(struct fata_tcp *c, uint8_t **buf, size_t *cap, size_t *head)
{
	size_t max = c->s ? c->s->tun->tcp_buf_max : 0, ncap = *cap * 2, first = *cap - *head;
	uint8_t *n;

	if (*cap >= max)
		return false;
	if (ncap > max)
		ncap = max;
	if (c->s->grown + (ncap - *cap) > c->s->tun->tcp_grow_total)
		return false;
	n = malloc(ncap);
	if (!n)
		return false;
	c->grown += ncap - *cap;
	c->s->grown += ncap - *cap;
	memcpy(n, *buf + *head, first);
	memcpy(n + first, *buf, *head);
	free(*buf);
	*buf = n;
	*cap = ncap;
	*head = 0;
	return true;
}

static void free_buffers(struct fata_tcp *c)
{
	free(c->snd_buf);
	free(c->rcv_buf);
	c->snd_buf = c->rcv_buf = NULL;
	c->snd_len = c->rcv_used = 0;
	if (c->s)
		c->s->grown -= c->grown;
	c->grown = 0;
}

void tcp_maybe_free(struct fata_tcp *c)
{
	if (c->in_table || c->app_open || c->handler_running || c->users)
		return;
	free_buffers(c);
	free(c);
}

static const char *const state_names[] = {
	"CLOSED", "SYN-SENT", "SYN-RECEIVED", "ESTABLISHED", "FIN-WAIT-1", "FIN-WAIT-2",
	"CLOSE-WAIT", "CLOSING", "LAST-ACK", "TIME-WAIT",
};

const char *tcp_state_name(unsigned state)
{
	return state < sizeof(state_names) / sizeof(state_names[0]) ? state_names[state] : "?";
}

char *tcp_conn_str(const struct fata_tcp *c, char buf[TCP_CONN_STRLEN])
{
	char r[FATA_IPV6_STRLEN];

	if (c->v6)
		snprintf(buf, TCP_CONN_STRLEN, "%u-[%s]:%u", (unsigned)c->lport,
			 fata_ipv6_format(c->raddr6, r), (unsigned)c->rport);
	else
		snprintf(buf, TCP_CONN_STRLEN, "%u-%s:%u", (unsigned)c->lport,
			 fata_ipv4_format(c->raddr, r), (unsigned)c->rport);
	return buf;
}

void tcp_set_state(struct fata_tcp *c, enum tcp_state state)
{
	if (fata_log_enabled(&log_tcp, FATA_LOG_DEBUG)) {
		char n[TCP_CONN_STRLEN];

		fata_log(&log_tcp, FATA_LOG_DEBUG, "%s: %s -> %s", tcp_conn_str(c, n),
			 tcp_state_name(c->state), tcp_state_name(state));
	}
	if (c->state == TCP_SYN_RECEIVED && c->listener) {
		c->listener->pending--;
		c->listener = NULL;
	}
	c->state = (uint8_t)state;
	switch (state) {
	case TCP_ESTABLISHED:
		c->s->stats.established++;
		break;
	case TCP_FIN_WAIT_2:
		if (!c->app_open)
			tcp_timer_set(c, TCP_T_2MSL, fata_monotonic_ns() + c->s->tun->tcp_fin_timeout_ns);
		break;
	case TCP_TIME_WAIT:
		/* Only the 2 MSL timer runs in TIME-WAIT. */
		c->persist = false;
		tcp_timer_set(c, TCP_T_REXMT, FATA_NEVER);
		tcp_timer_set(c, TCP_T_DELACK, FATA_NEVER);
		tcp_timer_set(c, TCP_T_KEEP, FATA_NEVER);
		tcp_timer_set(c, TCP_T_2MSL, fata_monotonic_ns() + 2 * c->s->tun->tcp_msl_ns);
		if (!c->app_open)
			free_buffers(c);
		break;
	default:
		break;
	}
	/* Readers see EOF, connect() sees the handshake end, writers see the end. */
	fata_waitq_wake_all(&c->rwait);
	fata_waitq_wake_all(&c->wwait);
}

void tcp_conn_done(struct fata_tcp *c, int err)
{
	if (!c->in_table)
		return;
	if (err && !c->err)
		c->err = err;
	tcp_set_state(c, TCP_CLOSED);
	table_remove(c);
	for (int i = 0; i < TCP_T_COUNT; i++)
		c->timer[i] = FATA_NEVER;
	c->next_timer = FATA_NEVER;
	tcp_maybe_free(c);
}

void tcp_abort(struct fata_tcp *c, int err)
{
	if (!c->in_table)
		return;
	if (c->state != TCP_SYN_SENT && c->state != TCP_CLOSED && c->state != TCP_TIME_WAIT)
		tcp_send(c, c->snd_max, TCP_RST | TCP_ACK, 0);
	c->s->stats.conn_dropped++;
	tcp_conn_done(c, err);
}

bool tcp_challenge_allowed(struct tcp_stack *t)
{
	uint64_t sec = fata_monotonic_ns() / FATA_NS_PER_SEC;

	if (sec != t->challenge_window) {
		t->challenge_window = sec;
		t->challenge_count = 0;
	}
	if (t->challenge_count >= t->tun->tcp_challenge_acks)
		return false;
	t->challenge_count++;
	return true;
}

void tcp_set_keepalive(struct fata_tcp *c, uint64_t idle_ns, uint64_t intvl_ns, unsigned probes)
{
	c->keep_idle = idle_ns;
	c->keep_intvl = intvl_ns ? intvl_ns : FATA_SEC(1);
	c->keep_probes = probes;
	if (!c->s || !c->in_table)
		return;
	tcp_timer_set(c, TCP_T_KEEP, idle_ns ? c->last_rx + idle_ns : FATA_NEVER);
}

bool tcp_conn_room(struct tcp_stack *t)
{
	return t->nconns < t->tun->tcp_max_conns || oldest_time_wait(t);
}

/* --- SYN cookies (tcp.h) ----------------------------------------------------------------------- */

#define COOKIE_PERIOD_NS (64 * FATA_NS_PER_SEC)
#define COOKIE_HASH_MASK 0x07ffffffu

/* MSS values a cookie can stand for: common ones, so that the one used is close to the peer's. */
static const uint16_t cookie_mss[8] = { 64, 256, 536, 1024, 1220, 1360, 1440, 1460 };

static uint32_t cookie_hash(struct tcp_stack *t, const struct tcp_seg *sg, uint32_t irs,
			    uint32_t period, unsigned idx)
{
	uint8_t m[22];

	m[0] = 'C';	/* apart from the tuple hashes of ISNs and ports */
	be32_put(m + 1, sg->dst);
	be32_put(m + 5, sg->src);
	be16_put(m + 9, sg->dport);
	be16_put(m + 11, sg->sport);
	be32_put(m + 13, irs);
	be32_put(m + 17, period);
	m[21] = (uint8_t)idx;
	return (uint32_t)siphash(t->secret, m, sizeof(m)) & COOKIE_HASH_MASK;
}

uint32_t tcp_cookie_make(struct tcp_stack *t, const struct tcp_seg *sg, uint16_t *mss)
{
	uint32_t period = (uint32_t)(fata_monotonic_ns() / COOKIE_PERIOD_NS);
	uint16_t peer = sg->has_mss ? sg->mss : TCP_DEFAULT_MSS;
	unsigned idx = 0;

	for (unsigned i = 0; i < 8; i++) {
		if (cookie_mss[i] <= peer)
			idx = i;
	}
	*mss = cookie_mss[idx];
	t->cookie_sent_at = fata_monotonic_ns();
	return (uint32_t)idx << 29 | (period & 3) << 27 | cookie_hash(t, sg, sg->seq, period, idx);
}

uint16_t tcp_cookie_check(struct tcp_stack *t, const struct tcp_seg *sg)
{
	uint64_t now = fata_monotonic_ns();
	uint32_t cookie = sg->ack - 1, period = (uint32_t)(now / COOKIE_PERIOD_NS);
	unsigned idx = cookie >> 29;

	/* Only while cookies are being sent: otherwise a stray ACK is just answered with RST,
	 * and nobody gets 2^27 guesses at leisure. */
	if (!t->cookie_sent_at || now - t->cookie_sent_at > 2 * COOKIE_PERIOD_NS)
		return 0;
	/* Made in this period or the one before. */
	for (uint32_t back = 0; back < 2 && back <= period; back++) {
		uint32_t p = period - back;

		if (((cookie >> 27) & 3) == (p & 3) &&
		    cookie_hash(t, sg, sg->seq - 1, p, idx) == (cookie & COOKIE_HASH_MASK))
			return cookie_mss[idx];
	}
	return 0;
}

void tcp_pressure(struct tcp_stack *t, uint64_t *counter)
{
	uint64_t now = fata_monotonic_ns();
	uint64_t *c[3] = { &t->stats.syncookies_sent, &t->stats.conn_limit,
			   &t->stats.halfopen_unreachable };

	(*counter)++;
	if (t->warn_at && now - t->warn_at < t->tun->tcp_pressure_warn_ns)
		return;
	/* One line for all three kinds, with what happened since the previous line. */
	fata_log(&log_tcp, FATA_LOG_WARNING,
		 "under pressure (SYN flood?): since the last warning %llu SYN cookies sent, %llu "
		 "connections refused at the limit of %u, %llu unreachable half-open ones dropped",
		 (unsigned long long)(*c[0] - t->warned[0]), (unsigned long long)(*c[1] - t->warned[1]),
		 t->tun->tcp_max_conns, (unsigned long long)(*c[2] - t->warned[2]));
	for (int i = 0; i < 3; i++)
		t->warned[i] = *c[i];
	t->warn_at = now ? now : 1;
}

/* --- accepting --------------------------------------------------------------------------------- */

static int handler_main(void *arg)
{
	struct fata_tcp *c = arg;
	int r = c->handler(c, c->handler_arg);

	if (c->app_open)
		tcp_close(c);
	c->handler_running = false;
	tcp_maybe_free(c);
	return r;
}

void tcp_accept(struct fata_tcp *c)
{
	struct fata_fiber *f;

	c->app_open = true;
	c->handler_running = true;
	f = fata_spawn(handler_main, c, 0);
	if (!f) {
		c->app_open = false;
		c->handler_running = false;
		fata_log(&log_tcp, FATA_LOG_WARNING, "no memory for a connection's fiber: reset");
		tcp_abort(c, -ENOMEM);
		return;
	}
	fata_detach(f);
}

/* --- set-up and tear-down ---------------------------------------------------------------------- */

struct tcp_stack *tcp_init(struct ipv4_layer *ip, const struct net_tunables *tun,
			   struct fata_random *rng)
{
	struct tcp_stack *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->ip = ip;
	t->tun = tun;
	t->rng = rng;
	/* The secret key of RFC 6528 (ISNs) and RFC 6056 (ports), from the CSPRNG. */
	fata_random_bytes(rng, t->secret, sizeof(t->secret));
	t->port_next = net_random(rng);
	t->timer_at = FATA_NEVER;
	if (ipv4_register(ip, IPV4_PROTO_TCP, tcp_input, t) < 0) {
		free(t);
		return NULL;
	}
	return t;
}

void tcp_init6(struct tcp_stack *t, struct ipv6_layer *ip6)
{
	t->ip6 = ip6;
	ipv6_register(ip6, IPV6_NH_TCP, tcp_input6, t);
}

void tcp_free(struct tcp_stack *t)
{
	if (!t)
		return;
	tcp_timer_stop(t);
	while (t->listeners) {
		struct tcp_listener *l = t->listeners;

		t->listeners = l->next;
		free(l);
	}
	while (t->all) {
		struct fata_tcp *c = t->all;

		if (!c->err)
			c->err = -ENETDOWN;
		c->listener = NULL;
		table_remove(c);
		c->state = TCP_CLOSED;
		c->s = NULL;
		fata_waitq_wake_all(&c->rwait);
		fata_waitq_wake_all(&c->wwait);
		tcp_maybe_free(c);
	}
	free(t);
}

/* --- the interface of fata/tcp.h --------------------------------------------------------------- */

int tcp_listen(struct tcp_stack *s, uint16_t port, fata_tcp_handler handler, void *arg)
{
	struct tcp_listener *l;

	if (port == 0 || !handler)
		return -EINVAL;
	if (tcp_find_listener(s, port))
		return -EADDRINUSE;
	l = calloc(1, sizeof(*l));
	if (!l || tcp_timer_start(s) < 0) {
		free(l);
		return -ENOMEM;
	}
	l->port = port;
	l->handler = handler;
	l->arg = arg;
	l->next = s->listeners;
	s->listeners = l;
	fata_log(&log_tcp, FATA_LOG_DEBUG, "listening on port %u", (unsigned)port);
	return 0;
}

int tcp_unlisten(struct tcp_stack *s, uint16_t port)
{
	struct tcp_listener **pp, *l;

	for (pp = &s->listeners; *pp && (*pp)->port != port; pp = &(*pp)->next)
		;
	l = *pp;
	if (!l)
		return -ENOENT;
	*pp = l->next;
	/* Half-open connections of the listener have nobody to accept them any more. */
	for (struct fata_tcp *c = s->all, *next; c; c = next) {
		next = c->next;
		if (c->listener == l)
			tcp_abort(c, -ECONNABORTED);
	}
	free(l);
	fata_log(&log_tcp, FATA_LOG_DEBUG, "stopped listening on port %u", (unsigned)port);
	return 0;
}

/* An ephemeral port for a connection to raddr:rport (RFC 6056 algorithm 3), or 0. */
static uint16_t pick_port(struct tcp_stack *t, uint32_t raddr, const uint8_t *raddr6,
			  uint16_t rport)
{
	uint32_t offset = (uint32_t)tuple_hash(t, t->ip->addr, 0, raddr, rport);

	for (uint32_t i = 0; i < EPHEMERAL_COUNT; i++) {
		uint16_t port = (uint16_t)(EPHEMERAL_FIRST + (offset + t->port_next + i) % EPHEMERAL_COUNT);

		if (!tcp_find_listener(t, port) &&
		    !(raddr6 ? tcp_lookup6(t, raddr6, rport, port) : tcp_lookup(t, raddr, rport, port))) {
			t->port_next += i + 1;
			return port;
		}
	}
	return 0;
}

/* tcp_connect() to `ip`, or with `ip6` non-NULL to that IPv6 address. */
static struct fata_tcp *connect_any(struct tcp_stack *s, uint32_t ip, const uint8_t *ip6,
				    uint16_t port, uint64_t deadline, int *err)
{
	struct fata_tcp *c;
	uint8_t src6[16];
	uint16_t lport;
	int r = 0;

	if (ip6) {
		if (!s->ip6 || !s->ip6->enabled) {
			r = -EAFNOSUPPORT;
			goto fail;
		}
		if (port == 0 || ipv6_is_multicast(ip6) || ipv6_is_unspecified(ip6)) {
			r = -EINVAL;
			goto fail;
		}
		if (ipv6_select_source(s->ip6, ip6, src6) < 0) {
			r = -ENETUNREACH;
			goto fail;
		}
		ip = tcp_fold6(ip6);
	} else if (!s->ip->addr) {
		r = -ENETUNREACH;
		goto fail;
	}
	if (!ip6 && (ip == 0 || port == 0 || ipv4_is_group(ip))) {
		r = -EINVAL;
		goto fail;
	}
	lport = pick_port(s, ip, ip6, port);
	if (!lport) {
		r = -EADDRNOTAVAIL;
		goto fail;
	}
	c = tcp_conn_new(s, ip, port, lport, &r);
	if (!c)
		goto fail;
	if (ip6)
		tcp_conn_set6(c, src6, ip6);
	if (tcp_conn_buffers(c) < 0) {
		tcp_conn_done(c, -ENOMEM);
		r = -ENOMEM;
		goto fail;
	}
	c->app_open = true;
	c->users++;
	/* What we offer; tcp_input keeps what the peer takes up. */
	c->ws_ok = s->tun->tcp_window_scaling;
	c->ts_ok = s->tun->tcp_timestamps;
	c->sack_ok = s->tun->tcp_sack;
	c->iss = tcp_isn(s, c->laddr, lport, ip, port);
	c->snd_una = c->snd_nxt = c->snd_max = c->iss;
	c->recover = c->iss;
	s->stats.active_opens++;
	tcp_set_state(c, TCP_SYN_SENT);
	/* The first SYN may wait for ARP (this is an application fiber, and nothing has been
	 * built in tx_buf yet): an unreachable neighbour fails the connect at once. */
	c->rtt_start = fata_monotonic_ns();
	r = tcp_send_at(c, c->iss, TCP_SYN, 0, deadline);
	if (r < 0 && r != -ENOBUFS && r != -ENOMEM && r != -EIO)
		goto out;
	c->snd_nxt = c->snd_max = c->iss + 1;
	tcp_rexmt_restart(c);
	r = 0;
	while (c->in_table && (c->state == TCP_SYN_SENT || c->state == TCP_SYN_RECEIVED)) {
		if (deadline != FATA_NEVER && fata_monotonic_ns() >= deadline) {
			r = -ETIMEDOUT;
			break;
		}
		fata_waitq_wait(&c->wwait, deadline);
	}
out:
	c->users--;
	if (r == 0 && c->in_table && c->state >= TCP_ESTABLISHED && !c->err) {
		if (err)
			*err = 0;
		return c;
	}
	if (r == 0)
		r = c->err ? c->err : -ECONNREFUSED;
	if (c->s && c->in_table) {
		if (c->state == TCP_SYN_SENT)
			tcp_conn_done(c, r);
		else
			tcp_abort(c, r);
	}
	c->app_open = false;
	tcp_maybe_free(c);
fail:
	if (err)
		*err = r;
	errno = -r;
	return NULL;
}

struct fata_tcp *tcp_connect(struct tcp_stack *s, uint32_t ip, uint16_t port,
			     uint64_t deadline, int *err)
{
	return connect_any(s, ip, NULL, port, deadline, err);
}

struct fata_tcp *tcp_connect_addr(struct tcp_stack *s, const struct fata_ip_addr *ip,
				  uint16_t port, uint64_t deadline, int *err)
{
	if (ip->family == FATA_AF_INET6)
		return connect_any(s, 0, ip->v6, port, deadline, err);
	if (ip->family == FATA_AF_INET)
		return connect_any(s, ip->v4, NULL, port, deadline, err);
	if (err)
		*err = -EAFNOSUPPORT;
	return NULL;
}

/* Sends a window update when reading opened the window enough to matter. */
static void window_update(struct fata_tcp *c)
{
	uint32_t cur = SEQ_GT(c->rcv_adv, c->rcv_nxt) ? c->rcv_adv - c->rcv_nxt : 0;
	uint32_t now = tcp_rcv_window(c);

	if (now > cur && (now - cur >= 2 * c->mss || (cur < c->mss && now >= c->mss))) {
		c->ack_now = true;
		tcp_output(c);
	}
}

static long tcp_read(struct fata_tcp *c, void *buf, size_t len, uint64_t deadline)
{
	bool waited = false;
	long r;

	c->users++;
	for (;;) {
		if (!c->app_open) {
			r = -EBADF;
			break;
		}
		if (c->rcv_used > 0 && !c->err) {
			size_t n, first;

			/* The window, not the reader, held the sender back: a bigger one (growing). */
			if (waited && c->rcv_used >= c->rcv_cap / 2 &&
			    ((size_t)65535 << c->rcv_wscale) > c->rcv_cap)
				ring_grow(c, &c->rcv_buf, &c->rcv_cap, &c->rcv_head);
			n = len < c->rcv_used ? len : c->rcv_used;
			first = c->rcv_cap - c->rcv_head;

			if (first > n)
				first = n;
			memcpy(buf, c->rcv_buf + c->rcv_head, first);
			memcpy((uint8_t *)buf + first, c->rcv_buf, n - first);
			c->rcv_head = (c->rcv_head + n) % c->rcv_cap;
			c->rcv_used -= n;
			if (c->s && c->in_table)
				window_update(c);
			r = (long)n;
			break;
		}
		if (len == 0) {
			r = 0;
			break;
		}
		if (c->err) {
			r = c->err;
			break;
		}
		if (c->rd_eof || !c->s || !c->in_table) {
			r = 0;
			break;
		}
		if (deadline != FATA_NEVER && fata_monotonic_ns() >= deadline) {
			r = -ETIMEDOUT;
			break;
		}
		waited = true;
		fata_waitq_wait(&c->rwait, deadline);
	}
	c->users--;
	tcp_maybe_free(c);
	return r;
}

static long tcp_write(struct fata_tcp *c, const void *buf, size_t len, uint64_t deadline)
{
	const uint8_t *p = buf;
	size_t done = 0;
	long r;

	c->users++;
	for (;;) {
		size_t room, n, tail, first;

		if (!c->app_open) {
			r = -EBADF;
			break;
		}
		if (c->err) {
			r = c->err;
			break;
		}
		if (!c->s || !c->in_table || c->fin_queued ||
		    (c->state != TCP_ESTABLISHED && c->state != TCP_CLOSE_WAIT)) {
			r = -EPIPE;
			break;
		}
		if (done == len) {
			r = (long)len;
			break;
		}
		room = c->snd_cap - c->snd_len;
		/* All of it in flight (but a tail Nagle holds), and the peer and the network would
		 * take more (growing). */
		if (room == 0 && c->snd_len - (c->snd_nxt - c->snd_una) < c->mss &&
		    c->snd_wnd > c->snd_cap &&
		    c->cwnd > c->snd_cap && ring_grow(c, &c->snd_buf, &c->snd_cap, &c->snd_head))
			room = c->snd_cap - c->snd_len;
		if (room == 0) {
			if (deadline != FATA_NEVER && fata_monotonic_ns() >= deadline) {
				r = done ? (long)done : -ETIMEDOUT;
				break;
			}
			fata_waitq_wait(&c->wwait, deadline);
			continue;
		}
		n = len - done < room ? len - done : room;
		tail = (c->snd_head + c->snd_len) % c->snd_cap;
		first = c->snd_cap - tail < n ? c->snd_cap - tail : n;
		memcpy(c->snd_buf + tail, p + done, first);
		memcpy(c->snd_buf, p + done + first, n - first);
		c->snd_len += n;
		done += n;
		tcp_output(c);
	}
	c->users--;
	tcp_maybe_free(c);
	return r;
}

static int tcp_shutdown(struct fata_tcp *c)
{
	if (!c->app_open)
		return -EBADF;
	if (c->err)
		return c->err;
	if (c->fin_queued)
		return 0;
	if (!c->s || !c->in_table)
		return -ENOTCONN;
	switch (c->state) {
	case TCP_ESTABLISHED:
		tcp_set_state(c, TCP_FIN_WAIT_1);
		break;
	case TCP_CLOSE_WAIT:
		tcp_set_state(c, TCP_LAST_ACK);
		break;
	default:
		return -ENOTCONN;
	}
	c->fin_queued = true;
	c->fin_seq = c->snd_una + (uint32_t)c->snd_len;
	tcp_output(c);
	return 0;
}

static void tcp_close(struct fata_tcp *c)
{
	if (!c || !c->app_open)
		return;
	c->users++;	/* until the end here, whatever the calls below do */
	if (c->s && c->in_table && !c->err) {
		if (!c->fin_queued && (c->state == TCP_ESTABLISHED || c->state == TCP_CLOSE_WAIT))
			tcp_shutdown(c);
	}
	c->app_open = false;
	/* Unread data goes; whatever arrives from now on is answered with RST (tcp_input). */
	c->rcv_head = (c->rcv_head + c->rcv_used) % (c->rcv_cap ? c->rcv_cap : 1);
	c->rcv_used = 0;
	if (c->s && c->in_table) {
		if (c->state == TCP_FIN_WAIT_2)
			tcp_timer_set(c, TCP_T_2MSL, fata_monotonic_ns() + c->s->tun->tcp_fin_timeout_ns);
		else if (c->state == TCP_TIME_WAIT)
			free_buffers(c);
		else if (c->state == TCP_SYN_SENT)
			tcp_conn_done(c, 0);
	}
	/* Other fibers blocked on it return -EBADF. */
	fata_waitq_wake_all(&c->rwait);
	fata_waitq_wake_all(&c->wwait);
	c->users--;
	tcp_maybe_free(c);
}

static void tcp_peer(struct fata_tcp *c, uint32_t *ip, uint16_t *port)
{
	if (ip)
		*ip = c->v6 ? 0 : c->raddr;
	if (port)
		*port = c->rport;
}

static void tcp_peer_addr(struct fata_tcp *c, struct fata_ip_addr *ip, uint16_t *port)
{
	if (ip)
		*ip = c->v6 ? fata_ip_v6(c->raddr6) : fata_ip_v4(c->raddr);
	if (port)
		*port = c->rport;
}

static int tcp_set_nodelay(struct fata_tcp *c, bool on)
{
	c->nodelay = on;
	if (on && c->s && c->in_table)
		tcp_output(c);
	return 0;
}

static const struct stack_tcp_ops tcp_ops = {
	.read = tcp_read,
	.write = tcp_write,
	.shutdown = tcp_shutdown,
	.close = tcp_close,
	.peer = tcp_peer,
	.set_nodelay = tcp_set_nodelay,
	.peer_addr = tcp_peer_addr,
};
