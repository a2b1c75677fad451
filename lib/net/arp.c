/*
 * ARP for IPv4 over Ethernet (RFC 826): a cache of neighbours with expiry, resolution with
 * retries that blocks only the asking fiber, replies for our own address, gratuitous ARP
 * (RFC 5227 announcements), and one datagram kept per unresolved neighbour (RFC 1122 2.3.2.2).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <fata/time.h>

#include "arp.h"
#include "prot/arp.h"
#include "prot/ethernet.h"

FATA_LOG_SOURCE(log_arp, "arpv4");

static void ipstr(uint32_t ip, char buf[FATA_IPV4_STRLEN])
{
	fata_ipv4_format(ip, buf);
}

/* Sends an ARP packet; `eth_dst` NULL is broadcast. */
static int arp_send(struct arp_layer *s, uint16_t op, const uint8_t *eth_dst, uint32_t spa,
		    const uint8_t tha[6], uint32_t tpa)
{
	struct arp_pkt *a = (struct arp_pkt *)(s->eth->tx_buf + ETH_HDR_LEN);
	int r;

	be16_put(a->htype, ARP_HTYPE_ETHERNET);
	be16_put(a->ptype, ARP_PTYPE_IPV4);
	a->hlen = 6;
	a->plen = 4;
	be16_put(a->op, op);
	memcpy(a->sha, s->eth->mac, 6);
	be32_put(a->spa, spa);
	if (tha)
		memcpy(a->tha, tha, 6);
	else
		memset(a->tha, 0, 6);
	be32_put(a->tpa, tpa);
	r = eth_output(s->eth, eth_dst ? eth_dst : eth_broadcast, ETH_TYPE_ARP, ARP_LEN);
	if (r == 0) {
		s->stats.tx++;
		if (op == ARP_OP_REQUEST)
			s->stats.requests_tx++;
		else
			s->stats.replies_tx++;
	}
	return r;
}

static void send_request(struct arp_layer *s, uint32_t ip, const uint8_t *unicast)
{
	char b[FATA_IPV4_STRLEN];

	if (fata_log_enabled(&log_arp, FATA_LOG_DEBUG))
		fata_log(&log_arp, FATA_LOG_DEBUG, "who-has %s?", (ipstr(ip, b), b));
	arp_send(s, ARP_OP_REQUEST, unicast, s->addr, NULL, ip);
}

static struct arp_entry *find(struct arp_layer *s, uint32_t ip)
{
	for (unsigned i = 0; i < ARP_ENTRIES; i++) {
		if (s->cache[i].state != ARP_FREE && s->cache[i].ip == ip)
			return &s->cache[i];
	}
	return NULL;
}

static void drop_pending(struct arp_layer *s, struct arp_entry *e)
{
	if (e->pending) {
		free(e->pending);
		e->pending = NULL;
		e->pending_len = 0;
		s->stats.pending_drops++;
	}
}

static void release(struct arp_layer *s, struct arp_entry *e)
{
	drop_pending(s, e);
	e->state = ARP_FREE;
	e->ip = 0;
}

/* Whether `e` makes a better victim than `v`: unanswered resolutions go before neighbours that
 * answered (a flood of packets from spoofed on-link sources then churns only the unanswered
 * entries and never pushes out a real neighbour), and the least recently used goes first. */
static bool better_victim(const struct arp_entry *e, const struct arp_entry *v)
{
	if (!v)
		return true;
	if (e->state != v->state)
		return e->state == ARP_INCOMPLETE;
	return e->used < v->used;
}

/* A free entry, or else the best victim that nobody waits for (better_victim()). */
static struct arp_entry *alloc(struct arp_layer *s, uint32_t ip, uint64_t now)
{
	struct arp_entry *victim = NULL;

	for (unsigned i = 0; i < ARP_ENTRIES; i++) {
		struct arp_entry *e = &s->cache[i];

		if (e->state == ARP_FREE) {
			victim = e;
			break;
		}
		if (e->waiters == 0 && e->state != ARP_FAILED && better_victim(e, victim))
			victim = e;
	}
	if (!victim) {
		s->stats.cache_full++;
		return NULL;
	}
	if (victim->state != ARP_FREE)
		release(s, victim);
	victim->ip = ip;
	victim->state = ARP_INCOMPLETE;
	victim->tries = 0;
	victim->next = now;
	victim->used = now;
	victim->expires = 0;
	return victim;
}

static void fail(struct arp_layer *s, struct arp_entry *e)
{
	char b[FATA_IPV4_STRLEN];

	s->stats.resolve_timeouts++;
	fata_log(&log_arp, FATA_LOG_DEBUG, "no answer for %s after %u requests",
		 (ipstr(e->ip, b), b), (unsigned)e->tries);
	e->gen++;
	if (e->waiters) {
		drop_pending(s, e);
		e->state = ARP_FAILED;
		fata_waitq_wake_all(&e->waitq);
	} else {
		release(s, e);
	}
}

/* An INCOMPLETE entry's clock: the next request, or failure after the last one. */
static void tick(struct arp_layer *s, struct arp_entry *e, uint64_t now)
{
	if (e->state != ARP_INCOMPLETE || now < e->next)
		return;
	if (e->tries >= s->tun->arp_retries) {
		fail(s, e);
		return;
	}
	e->tries++;
	e->next = now + s->tun->arp_retry_ns;
	send_request(s, e->ip, NULL);
}

/* A neighbour's MAC is known: remember it, wake whoever waits, send what was kept for it. */
static void learn(struct arp_layer *s, struct arp_entry *e, const uint8_t mac[6], uint64_t now)
{
	bool was_waiting = e->state != ARP_REACHABLE;

	memcpy(e->mac, mac, 6);
	e->state = ARP_REACHABLE;
	e->expires = now + s->tun->arp_ttl_ns;
	e->next = e->expires;
	e->used = now;
	if (was_waiting) {
		char b[FATA_IPV4_STRLEN], m[FATA_MAC_STRLEN];

		if (fata_log_enabled(&log_arp, FATA_LOG_DEBUG))
			fata_log(&log_arp, FATA_LOG_DEBUG, "%s is-at %s", (ipstr(e->ip, b), b),
				 fata_mac_format(mac, m));
	}
	fata_waitq_wake_all(&e->waitq);
	if (e->pending) {
		uint8_t *d = e->pending;
		size_t len = e->pending_len;

		e->pending = NULL;
		e->pending_len = 0;
		if (s->pending_output)
			s->pending_output(s->pending_ctx, e->mac, d, len);
		free(d);
	}
}

void arp_init(struct arp_layer *s, struct eth_layer *eth, const struct net_tunables *tun)
{
	s->eth = eth;
	s->tun = tun;
	eth_register(eth, ETH_TYPE_ARP, arp_input, s);
}

void arp_set_pending_output(struct arp_layer *s, arp_pending_fn fn, void *ctx)
{
	s->pending_output = fn;
	s->pending_ctx = ctx;
}

void arp_input(void *ctx, uint8_t *p, size_t len, bool l2_group)
{
	struct arp_layer *s = ctx;
	NET_STATS(arp) *st = &s->stats;
	const struct arp_pkt *a = (const struct arp_pkt *)p;
	uint64_t now = fata_monotonic_ns();
	uint32_t spa, tpa;
	uint16_t op;
	struct arp_entry *e;
	bool merged = false;

	(void)l2_group;
	st->rx++;
	if (len < ARP_LEN) {
		net_drop(&log_arp, st->drop_short, "packet of %zu bytes", len);
		return;
	}
	op = be16_get(a->op);
	if (be16_get(a->htype) != ARP_HTYPE_ETHERNET || be16_get(a->ptype) != ARP_PTYPE_IPV4 ||
	    a->hlen != 6 || a->plen != 4 || (op != ARP_OP_REQUEST && op != ARP_OP_REPLY)) {
		net_drop(&log_arp, st->drop_bad, "not IPv4 over Ethernet, or opcode %u",
			 (unsigned)op);
		return;
	}
	spa = be32_get(a->spa);
	tpa = be32_get(a->tpa);
	if ((a->sha[0] & ETH_GROUP_BIT) || memcmp(a->sha, s->eth->mac, 6) == 0 || ipv4_is_group(spa)) {
		net_drop(&log_arp, st->drop_bad, "bad sender address");
		return;
	}
	if (op == ARP_OP_REQUEST)
		st->requests_rx++;
	else
		st->replies_rx++;
	if (s->addr && spa == s->addr) {
		char b[FATA_IPV4_STRLEN], m[FATA_MAC_STRLEN];

		fata_log(&log_arp, FATA_LOG_WARNING, "%s also claims our address %s",
			 fata_mac_format(a->sha, m), (ipstr(spa, b), b));
		st->drop_bad++;
		return;
	}
	/* RFC 826: update a neighbour we know, whoever the packet is for. A probe (sender 0.0.0.0)
	 * says nothing about the sender. */
	if (spa != 0 && (e = find(s, spa)) != NULL && e->state != ARP_FAILED) {
		learn(s, e, a->sha, now);
		merged = true;
	}
	if (s->addr == 0 || tpa != s->addr) {
		if (op == ARP_OP_REQUEST)
			net_drop(&log_arp, st->drop_not_for_us, "request for another address");
		return;
	}
	/* For us: the sender will talk to us, so remember it. */
	if (!merged && spa != 0 && (e = alloc(s, spa, now)) != NULL)
		learn(s, e, a->sha, now);
	if (op == ARP_OP_REQUEST)
		arp_send(s, ARP_OP_REPLY, a->sha, s->addr, a->sha, spa);
}

int arp_resolve(struct arp_layer *s, uint32_t ip, uint8_t mac[6], uint64_t deadline)
{
	uint64_t now = fata_monotonic_ns();
	struct arp_entry *e = find(s, ip);
	uint32_t gen;

	if (e && e->state == ARP_REACHABLE) {
		e->used = now;
		if (now < e->expires) {
			memcpy(mac, e->mac, 6);
			return 0;
		}
		if (now - e->expires < s->tun->arp_ttl_ns) {
			/* Stale: keep using it while asking the neighbour directly. */
			if (now >= e->next) {
				e->next = now + s->tun->arp_retry_ns;
				send_request(s, ip, e->mac);
			}
			memcpy(mac, e->mac, 6);
			return 0;
		}
		/* Too old to trust: resolve afresh. */
		e->state = ARP_INCOMPLETE;
		e->tries = 0;
		e->next = now;
	} else if (e && e->state == ARP_FAILED) {
		e->state = ARP_INCOMPLETE;
		e->tries = 0;
		e->next = now;
	} else if (!e) {
		e = alloc(s, ip, now);
		if (!e)
			return -ENOBUFS;
	}
	gen = e->gen;
	for (;;) {
		uint64_t until;
		int woken;

		if (e->state == ARP_REACHABLE && e->ip == ip) {
			memcpy(mac, e->mac, 6);
			return 0;
		}
		if (e->ip != ip || e->gen != gen || e->state != ARP_INCOMPLETE)
			return -EHOSTUNREACH;
		now = fata_monotonic_ns();
		tick(s, e, now);
		if (e->state != ARP_INCOMPLETE)
			continue;
		if (deadline == NET_NONBLOCK)
			return -EAGAIN;
		if (now >= deadline)
			return -ETIMEDOUT;
		until = e->next < deadline ? e->next : deadline;
		e->waiters++;
		woken = fata_waitq_wait(&e->waitq, until);
		e->waiters--;
		(void)woken;
		if (e->state == ARP_FAILED && e->waiters == 0 && e->gen != gen) {
			/* The last one out frees a failed entry. */
			release(s, e);
			return -EHOSTUNREACH;
		}
	}
}

bool arp_known(struct arp_layer *s, uint32_t ip)
{
	struct arp_entry *e = find(s, ip);

	return e && e->state == ARP_REACHABLE;
}

void arp_queue(struct arp_layer *s, uint32_t ip, uint8_t *datagram, size_t len)
{
	struct arp_entry *e = find(s, ip);

	if (!e || e->state != ARP_INCOMPLETE) {
		s->stats.pending_drops++;
		free(datagram);
		return;
	}
	drop_pending(s, e);	/* keep the latest */
	e->pending = datagram;
	e->pending_len = len;
}

void arp_announce(struct arp_layer *s)
{
	char b[FATA_IPV4_STRLEN], m[FATA_MAC_STRLEN];

	if (!s->addr)
		return;
	fata_log(&log_arp, FATA_LOG_DEBUG, "Sending gratuitous ARP for %s (%s)",
		 (ipstr(s->addr, b), b), fata_mac_format(s->eth->mac, m));
	if (arp_send(s, ARP_OP_REQUEST, NULL, s->addr, NULL, s->addr) == 0)
		s->stats.gratuitous_tx++;
}

uint64_t arp_timers(struct arp_layer *s, uint64_t now)
{
	uint64_t next = FATA_NEVER;

	for (unsigned i = 0; i < ARP_ENTRIES; i++) {
		struct arp_entry *e = &s->cache[i];

		switch (e->state) {
		case ARP_INCOMPLETE:
			/* Fibers blocked in arp_resolve() keep their own clock; this serves the
			 * datagrams queued without blocking. */
			tick(s, e, now);
			if (e->state == ARP_INCOMPLETE && e->next < next)
				next = e->next;
			break;
		case ARP_REACHABLE:
			/* Past fresh and stale: forget it. */
			if (now >= e->expires && now - e->expires >= s->tun->arp_ttl_ns &&
			    e->waiters == 0)
				release(s, e);
			break;
		default:
			break;
		}
	}
	return next;
}

void arp_flush(struct arp_layer *s)
{
	for (unsigned i = 0; i < ARP_ENTRIES; i++) {
		struct arp_entry *e = &s->cache[i];

		if (e->state == ARP_FREE)
			continue;
		if (e->waiters) {
			e->gen++;
			drop_pending(s, e);
			e->state = ARP_FAILED;
			fata_waitq_wake_all(&e->waitq);
		} else {
			release(s, e);
		}
	}
}
