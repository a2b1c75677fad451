/*
 * TCP timers. Each connection keeps four deadlines (retransmission or persist, delayed ACK,
 * keepalive, 2 MSL) and their minimum; one fiber per stack sleeps until the earliest minimum of
 * all connections, runs what is due, and sleeps again. Arming a timer earlier than the fiber's
 * wake-up time wakes it to recompute. A sleeping fiber costs one entry in the scheduler's timer
 * heap; a wake-up scans the connections (at most tcp_max_conns), which is cheap next to the
 * work a timer does.
 */
#include <errno.h>

#include <fata/time.h>

#include "tcp.h"

FATA_LOG_SOURCE(log_tcp, "tcp");

/* Stack size of the timer fiber: it only runs TCP's own code. */
#define TIMER_STACK (32 * 1024)

void tcp_timer_set(struct fata_tcp *c, enum tcp_timer t, uint64_t when)
{
	struct tcp_stack *ts;
	uint64_t next = FATA_NEVER;

	c->timer[t] = when;
	for (int i = 0; i < TCP_T_COUNT; i++) {
		if (c->timer[i] < next)
			next = c->timer[i];
	}
	c->next_timer = next;
	if (!c->s || !c->in_table)
		return;
	ts = c->s;
	if (when < ts->timer_at) {
		ts->timer_at = when;
		fata_waitq_wake_one(&ts->timer_wq);
	}
}

void tcp_rexmt_restart(struct fata_tcp *c)
{
	c->persist = false;
	tcp_timer_set(c, TCP_T_REXMT, fata_monotonic_ns() + c->rto);
}

static uint64_t backed_off(const struct fata_tcp *c)
{
	uint64_t rto = c->rto * 2;

	return rto > c->s->tun->tcp_rto_max_ns ? c->s->tun->tcp_rto_max_ns : rto;
}

static void persist_fire(struct fata_tcp *c, uint64_t now);

/* The retransmission timer (RFC 6298 5.4-5.7) or the handshake's. */
static void rexmt_fire(struct fata_tcp *c, uint64_t now)
{
	struct tcp_stack *s = c->s;
	bool handshake = c->state == TCP_SYN_SENT || c->state == TCP_SYN_RECEIVED;
	unsigned limit = handshake ? s->tun->tcp_syn_retries : s->tun->tcp_retries;

	if (!handshake && c->snd_una == c->snd_max)
		return;
	s->stats.timeouts++;
	if (c->state == TCP_SYN_RECEIVED && c->passive && !ipv4_reachable(s->ip, c->raddr)) {
		/* A whole RTO without an ARP answer (or with no route): most likely a spoofed
		 * source. Sending the SYN-ACK again would only ask ARP again; drop it now rather
		 * than keep a backlog slot through the retransmission schedule. */
		char n[TCP_CONN_STRLEN];

		fata_log(&log_tcp, FATA_LOG_DEBUG, "%s: SYN-RECEIVED: peer unreachable, dropped",
			 tcp_conn_str(c, n));
		tcp_pressure(s, &s->stats.halfopen_unreachable);
		tcp_conn_done(c, -EHOSTUNREACH);
		return;
	}
	if (++c->retries > limit) {
		char n[TCP_CONN_STRLEN];

		fata_log(&log_tcp, FATA_LOG_DEBUG, "%s: %s: no answer after %u retransmissions",
			 tcp_conn_str(c, n), tcp_state_name(c->state), limit);
		s->stats.conn_dropped++;
		tcp_conn_done(c, -ETIMEDOUT);
		return;
	}
	c->rto = backed_off(c);
	if (fata_log_enabled(&log_tcp, FATA_LOG_DEBUG)) {
		char n[TCP_CONN_STRLEN];

		fata_log(&log_tcp, FATA_LOG_DEBUG, "%s: %s: retransmission timeout %u, next in %llu ms",
			 tcp_conn_str(c, n), tcp_state_name(c->state), c->retries,
			 (unsigned long long)(c->rto / FATA_NS_PER_MS));
	}
	c->timing = false;
	if (handshake) {
		s->stats.retransmits++;
		tcp_send(c, c->iss, c->state == TCP_SYN_SENT ? TCP_SYN : TCP_SYN | TCP_ACK, 0);
	} else if (c->snd_wnd == 0) {
		/* The peer's window is closed: what is in flight cannot go; probe instead. */
		c->snd_nxt = c->snd_una;
		c->retries--;
		c->persist = true;
		c->probes = 0;
		persist_fire(c, now);
		return;
	} else {
		tcp_cc_timeout(c);
		/* Go back: everything from snd_una is sent again as the congestion window grows
		 * (tcp_output() counts what it resends). */
		c->snd_nxt = c->snd_una;
		tcp_output(c);
	}
	c->timer[TCP_T_REXMT] = FATA_NEVER;
	tcp_timer_set(c, TCP_T_REXMT, now + c->rto);
}

/* The persist timer (RFC 9293 3.8.6.1): probe the peer's zero window, backing off. */
static void persist_fire(struct fata_tcp *c, uint64_t now)
{
	struct tcp_stack *s = c->s;
	uint64_t t;

	if (++c->retries > s->tun->tcp_retries) {
		/* Only reached when nobody answers, or nobody holds the connection any more. */
		tcp_abort(c, -ETIMEDOUT);
		return;
	}
	tcp_persist_probe(c);
	t = c->rto < s->tun->tcp_rto_min_ns ? s->tun->tcp_rto_min_ns : c->rto;
	for (unsigned i = 0; i < c->probes && t < s->tun->tcp_rto_max_ns; i++)
		t *= 2;
	c->probes++;
	if (t > s->tun->tcp_rto_max_ns)
		t = s->tun->tcp_rto_max_ns;
	if (c->snd_wnd > 0 && c->snd_nxt != c->snd_una) {
		/* Data went into a small window: it is in flight now, under the normal timer. */
		tcp_rexmt_restart(c);
		return;
	}
	c->persist = true;
	tcp_timer_set(c, TCP_T_REXMT, now + t);
}

static void keepalive_fire(struct fata_tcp *c, uint64_t now)
{
	struct tcp_stack *s = c->s;
	uint64_t idle_until = c->last_rx + c->keep_idle;
	uint64_t since;
	unsigned sent;

	if (!c->keep_idle || (c->state != TCP_ESTABLISHED && c->state != TCP_CLOSE_WAIT))
		return;
	if (now < idle_until) {
		tcp_timer_set(c, TCP_T_KEEP, idle_until);
		return;
	}
	/* Probes sent since the peer was last heard of. */
	since = now - idle_until;
	sent = (unsigned)(since / c->keep_intvl) + 1;
	if (sent > c->keep_probes) {
		char n[TCP_CONN_STRLEN];

		fata_log(&log_tcp, FATA_LOG_DEBUG, "%s: keepalive: no answer to %u probes",
			 tcp_conn_str(c, n), c->keep_probes);
		s->stats.conn_dropped++;
		tcp_conn_done(c, -ETIMEDOUT);
		return;
	}
	tcp_keepalive_probe(c);
	tcp_timer_set(c, TCP_T_KEEP, idle_until + (uint64_t)sent * c->keep_intvl);
}

void tcp_timers_run(struct fata_tcp *c, uint64_t now)
{
	if (c->timer[TCP_T_2MSL] <= now) {
		c->timer[TCP_T_2MSL] = FATA_NEVER;
		/* TIME-WAIT is over, or an orphan waited in FIN-WAIT-2 long enough. */
		tcp_conn_done(c, 0);
		return;
	}
	if (c->timer[TCP_T_REXMT] <= now) {
		c->timer[TCP_T_REXMT] = FATA_NEVER;
		if (c->persist)
			persist_fire(c, now);
		else
			rexmt_fire(c, now);
		if (!c->in_table)
			return;
	}
	if (c->timer[TCP_T_DELACK] <= now) {
		c->timer[TCP_T_DELACK] = FATA_NEVER;
		c->s->stats.delayed_acks++;
		tcp_send_ack(c);
	}
	if (c->timer[TCP_T_KEEP] <= now) {
		c->timer[TCP_T_KEEP] = FATA_NEVER;
		keepalive_fire(c, now);
		if (!c->in_table)
			return;
	}
	tcp_timer_set(c, TCP_T_DELACK, c->timer[TCP_T_DELACK]);	/* recomputes next_timer */
}

static int timer_main(void *arg)
{
	struct tcp_stack *t = arg;

	while (!t->stopping) {
		uint64_t now = fata_monotonic_ns(), next = FATA_NEVER;

		/* While scanning, nothing needs to wake us: arming happens only in the scan. */
		t->timer_at = 0;
		for (struct fata_tcp *c = t->all, *nc; c; c = nc) {
			nc = c->next;
			if (c->next_timer <= now) {
				c->users++;
				tcp_timers_run(c, now);
				c->users--;
				if (!c->in_table) {
					tcp_maybe_free(c);
					continue;
				}
			}
			if (c->next_timer < next)
				next = c->next_timer;
		}
		t->timer_at = next;
		fata_waitq_wait(&t->timer_wq, next);
	}
	return 0;
}

int tcp_timer_start(struct tcp_stack *t)
{

	if (t->timer_fiber)
		return 0;
	t->stopping = false;
	t->timer_at = FATA_NEVER;
	t->timer_fiber = fata_spawn(timer_main, t, TIMER_STACK);
	return t->timer_fiber ? 0 : -ENOMEM;
}

void tcp_timer_stop(struct tcp_stack *t)
{

	if (!t->timer_fiber)
		return;
	t->stopping = true;
	fata_waitq_wake_all(&t->timer_wq);
	fata_join(t->timer_fiber);
	t->timer_fiber = NULL;
}
