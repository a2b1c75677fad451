/*
 * Inside the stack, ARP (arp.c): the neighbour cache, resolution, and the address ARP answers
 * for. Includes only the layers below it (Ethernet). IPv4 plugs in from above by registering
 * the sender of datagrams that waited for a resolution (arp_set_pending_output()).
 */
#ifndef FATA_NET_ARP_H
#define FATA_NET_ARP_H

#include <fata/sched.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ethernet.h"

#define ARP_ENTRIES 32

enum arp_state {
	ARP_FREE,
	ARP_INCOMPLETE,		/* requests sent, no reply yet */
	ARP_REACHABLE,		/* mac known; fresh until `expires`, then stale */
	ARP_FAILED,		/* nobody answered; freed when its last waiter has left */
};

struct arp_entry {
	uint32_t ip;
	uint8_t mac[6];
	uint8_t state;		/* enum arp_state */
	uint8_t tries;		/* requests sent for the current resolution */
	uint32_t gen;		/* bumped when a resolution fails, so its waiters notice */
	uint64_t expires;	/* REACHABLE: fresh until */
	uint64_t next;		/* INCOMPLETE: next request; REACHABLE: earliest refresh request */
	uint64_t used;		/* last lookup or update, for eviction */
	unsigned waiters;
	struct fata_waitq waitq;
	uint8_t *pending;	/* one IPv4 datagram sent without blocking, awaiting the mac */
	size_t pending_len;
};

/* Sends a datagram held whole (header then payload) to a resolved MAC: IPv4's, for the datagram
 * an entry kept. */
typedef int (*arp_pending_fn)(void *ctx, const uint8_t mac[6], const uint8_t *datagram,
			      size_t len);

/* What ARP keeps per stack. */
struct arp_layer {
	struct eth_layer *eth;
	const struct net_tunables *tun;
	uint32_t addr;			/* our IPv4 address (host order), 0: none */
	struct arp_entry cache[ARP_ENTRIES];
	arp_pending_fn pending_output;
	void *pending_ctx;
	NET_STATS(arp) stats;
};

/* Sets up ARP above `eth` (registering for ETH_TYPE_ARP), with the stack's tunables. */
void arp_init(struct arp_layer *s, struct eth_layer *eth, const struct net_tunables *tun);
/* Registers who sends the datagrams kept for a neighbour once it resolves (IPv4). */
void arp_set_pending_output(struct arp_layer *s, arp_pending_fn fn, void *ctx);
/* Handles one ARP packet (Ethernet's handler for ETH_TYPE_ARP; `ctx` is the arp_layer). */
void arp_input(void *ctx, uint8_t *p, size_t len, bool l2_group);
/*
 * Finds the MAC of the on-link neighbour `ip`. Blocks the calling fiber until the answer, the
 * end of the retries or `deadline`; with NET_NONBLOCK it sends a request and returns -EAGAIN
 * instead of waiting. Returns 0, -EAGAIN, -EHOSTUNREACH (nobody answered), -ETIMEDOUT (the
 * deadline came first) or -ENOBUFS (every cache entry is busy).
 */
int arp_resolve(struct arp_layer *s, uint32_t ip, uint8_t mac[6], uint64_t deadline);
/* Whether `ip` has answered ARP and is still in the cache (fresh or stale); no request sent. */
bool arp_known(struct arp_layer *s, uint32_t ip);
/* Keeps `datagram` (malloc'd; ownership passes) to send to `ip` once it resolves. */
void arp_queue(struct arp_layer *s, uint32_t ip, uint8_t *datagram, size_t len);
/* Sends a gratuitous ARP (an announcement, RFC 5227) for s->addr. */
void arp_announce(struct arp_layer *s);
/* Retries and expiries; returns the next time anything is due. */
uint64_t arp_timers(struct arp_layer *s, uint64_t now);
/* Forgets every entry (waking waiters, dropping pending datagrams). */
void arp_flush(struct arp_layer *s);

#endif
