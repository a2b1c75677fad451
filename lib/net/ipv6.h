/*
 * Inside the stack, IPv6 (ipv6.c, ipv6_nd.c, ipv6_reasm.c): addresses and their duplicate
 * address detection, Neighbor Discovery (the neighbour cache, router advertisements, SLAAC),
 * the multicast groups and their MLDv2 reports, extension headers, reassembly, path MTUs, the
 * protocol table, and routing what is sent. It sits beside IPv4 on Ethernet and includes only
 * the layers below it (Ethernet). ND and MLD travel in ICMPv6 but belong here, since sending
 * needs them; ICMPv6's echo and errors plug in from above (icmpv6.h), as ICMP does on IPv4.
 */
#ifndef FATA_NET_IPV6_H
#define FATA_NET_IPV6_H

#include <fata/sched.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ethernet.h"

/* A packet as the IPv6 layer hands it to a protocol. */
struct ipv6_rx {
	const uint8_t *src, *dst;	/* 16 bytes each, inside `pkt` */
	uint8_t proto, hop_limit, tclass;
	bool to_group;		/* to a multicast address, or in an L2 broadcast/multicast frame */
	const uint8_t *pkt;	/* the packet from its IPv6 header on (reassembled if it was) ... */
	size_t hdr_len;		/* ... of which this many bytes of headers precede the payload */
};

/* What a protocol asks the IPv6 layer to send. */
struct ipv6_tx {
	uint8_t src[16];	/* all zero: chosen for dst (RFC 6724, simply) */
	uint8_t dst[16];
	uint8_t proto;
	uint8_t hop_limit;	/* 0: IPV6_DEFAULT_HOP_LIMIT */
	uint8_t tclass;
};

typedef void (*ipv6_input_fn)(void *ctx, const struct ipv6_rx *rx, const uint8_t *data,
			      size_t len);
/* Reports an error (ICMPv6 type, code and the 32-bit parameter: pointer or MTU) about a
 * received packet: ICMPv6's icmpv6_send_error(). */
typedef void (*ipv6_error_fn)(void *ctx, uint8_t type, uint8_t code, uint32_t param,
			      const struct ipv6_rx *rx, size_t len);

#define IPV6_MAX_PROTOS 4
#define IPV6_NEIGHBOURS 32
#define IPV6_GROUPS 8
#define IPV6_PREFIXES 4
#define IPV6_PMTU_ENTRIES 8
#define IPV6_REASM_SLOTS 8
#define IPV6_REASM_MAX_PIECES 128
#define IPV6_MAX_EXT_HEADERS 8	/* more extension headers than this: the packet is dropped */

/* Neighbour cache states (RFC 4861 7.3.2). */
enum nd_state {
	ND_FREE,
	ND_INCOMPLETE,		/* solicitations sent to the solicited-node group, no answer yet */
	ND_REACHABLE,		/* confirmed recently: until `expires` */
	ND_STALE,		/* not confirmed lately; used, and probed on first use */
	ND_DELAY,		/* used while stale: probe after a pause */
	ND_PROBE,		/* unicast solicitations sent */
	ND_FAILED,		/* nobody answered; freed when its last waiter has left */
};

struct nd_entry {
	uint8_t ip[16];
	uint8_t mac[6];
	uint8_t state;		/* enum nd_state */
	uint8_t tries;
	bool router;
	uint32_t gen;		/* bumped when a resolution fails, so its waiters notice */
	uint64_t expires;	/* REACHABLE: until; DELAY: probe at */
	uint64_t next;		/* INCOMPLETE, PROBE: next solicitation */
	uint64_t used;
	unsigned waiters;
	struct fata_waitq waitq;
	uint8_t *pending;	/* one packet (40-byte header, then payload) awaiting the mac */
	size_t pending_len;
};

/* One of our addresses (fata/net.h FATA_IPV6_* states). */
struct ipv6_addr {
	uint8_t a[16];
	uint8_t prefix_len;
	uint8_t state;
	bool autoconf;
	uint8_t dad_left;	/* DAD solicitations still to send */
	uint64_t dad_next;	/* TENTATIVE: the next solicitation, or the end of DAD */
	uint64_t preferred_until, valid_until;	/* FATA_NEVER for a static address */
};

struct ipv6_reasm {
	uint8_t src[16], dst[16];
	uint32_t id;
	bool have_first, have_last, to_group;
	uint64_t expires;
	uint8_t *unfrag;	/* the first fragment's headers before its fragment header */
	size_t unfrag_len, nh_off, first_len;
	uint8_t next;		/* the fragment header's next header, from the first fragment */
	uint8_t *buf;		/* the fragmentable part, at its offsets */
	size_t cap, total, received;
	unsigned npieces;
	struct { uint16_t start, end; } pieces[IPV6_REASM_MAX_PIECES];
};

/* What IPv6 keeps per stack. */
struct ipv6_layer {
	struct eth_layer *eth;
	const struct net_tunables *tun;
	struct fata_random *rng;
	bool enabled;
	bool accept_ra;

	struct ipv6_addr addrs[FATA_IPV6_ADDRS];	/* [0]: the link-local one */
	struct { uint8_t p[16]; uint8_t len; uint64_t valid_until; } prefixes[IPV6_PREFIXES];
	uint8_t router[16];		/* default router, all zero: none */
	uint64_t router_until;		/* FATA_NEVER: static */
	uint16_t mtu;			/* the link's, lowered by an RA's MTU option */
	uint8_t cur_hop_limit;
	uint32_t frag_id;

	struct { uint8_t g[16]; unsigned users; } groups[IPV6_GROUPS];
	uint64_t mld_next;		/* unsolicited report due (FATA_NEVER: none) */
	uint8_t mld_left;		/* reports still to repeat (RFC 3810 robustness) */
	uint8_t rs_left;		/* router solicitations still to send */
	uint64_t rs_next;

	struct nd_entry cache[IPV6_NEIGHBOURS];
	struct { uint8_t dst[16]; uint16_t mtu; uint64_t expires; } pmtu[IPV6_PMTU_ENTRIES];
	struct ipv6_reasm *reasm[IPV6_REASM_SLOTS];

	struct { uint8_t proto; ipv6_input_fn fn; void *ctx; } protos[IPV6_MAX_PROTOS];
	unsigned nprotos;
	ipv6_error_fn error_output;
	void *error_ctx;
	struct fata_waitq addr_waitq;	/* fibers waiting for an address to become preferred */
	NET_STATS(ipv6) stats;
	NET_STATS(icmpv6) icmp_stats;	/* ND and MLD count here; ICMPv6 (icmpv6.c) points at it */
};

/* --- addresses ---------------------------------------------------------------------------------- */

extern const uint8_t ipv6_all_nodes[16];	/* ff02::1 */
extern const uint8_t ipv6_all_routers[16];	/* ff02::2 */
extern const uint8_t ipv6_unspecified[16];	/* :: */

static inline bool ipv6_eq(const uint8_t *a, const uint8_t *b)
{
	return memcmp(a, b, 16) == 0;
}

static inline bool ipv6_is_unspecified(const uint8_t *a)
{
	return ipv6_eq(a, ipv6_unspecified);
}

static inline bool ipv6_is_multicast(const uint8_t *a)
{
	return a[0] == 0xff;
}

static inline bool ipv6_is_link_local(const uint8_t *a)
{
	return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
}

static inline bool ipv6_is_loopback(const uint8_t *a)
{
	static const uint8_t lo[16] = { [15] = 1 };

	return ipv6_eq(a, lo);
}

/* Whether the first `len` bits of a and b agree. */
bool ipv6_prefix_match(const uint8_t *a, const uint8_t *b, unsigned len);
/* The solicited-node multicast group of `a` (ff02::1:ffXX:XXXX, RFC 4291 2.7.1). */
void ipv6_solicited_node(const uint8_t *a, uint8_t group[16]);
/* The Ethernet address of a multicast group (33:33 and its last 32 bits, RFC 2464 7). */
void ipv6_multicast_mac(const uint8_t *group, uint8_t mac[6]);
/* The modified EUI-64 interface identifier of a MAC (RFC 4291 2.5.1, RFC 2464 4) into the last
 * 8 bytes of `a`. */
void ipv6_eui64(const uint8_t mac[6], uint8_t a[16]);

/* --- the layer ----------------------------------------------------------------------------------- */

/* Sets up IPv6 above `eth` without enabling it (an IPv4-only stack has the layer, idle). */
void ipv6_init(struct ipv6_layer *s, struct eth_layer *eth, const struct net_tunables *tun,
	       struct fata_random *rng);
/*
 * Turns IPv6 on: registers for ETH_TYPE_IPV6, forms the link-local address from the MAC and
 * starts its DAD, joins all-nodes, and (with accept_ra) solicits routers once the link-local
 * address is usable.
 */
void ipv6_enable(struct ipv6_layer *s, bool accept_ra);
/*
 * Adds a static address (DAD first, so it is TENTATIVE for a second or so) and makes its prefix
 * on-link. Returns 0, -EINVAL (not a unicast address, prefix over 128), -EEXIST or -ENOSPC.
 */
int ipv6_add_addr(struct ipv6_layer *s, const uint8_t *a, uint8_t prefix_len, bool autoconf,
		  uint64_t preferred_until, uint64_t valid_until);
/* Sets a static default router (a link-local or on-link address). */
void ipv6_set_router(struct ipv6_layer *s, const uint8_t *router);
/* Whether `a` is one of our addresses in a usable state (PREFERRED or DEPRECATED); with
 * `tentative`, TENTATIVE ones count too. Returns its slot or -1. */
int ipv6_our_addr(const struct ipv6_layer *s, const uint8_t *a, bool tentative);
/* Whether we have a preferred address of global scope. */
bool ipv6_has_global(const struct ipv6_layer *s);
/* Chooses the source address for `dst` (into `src`); -ENETUNREACH when there is none. */
int ipv6_select_source(const struct ipv6_layer *s, const uint8_t *dst, uint8_t src[16]);

/* Handles one packet (Ethernet's handler for ETH_TYPE_IPV6; `ctx` is the ipv6_layer). */
void ipv6_input(void *ctx, uint8_t *p, size_t len, bool l2_group);
/* Registers the handler of next header `proto` (ICMPv6, UDP, TCP). Returns 0, -EEXIST or
 * -ENOSPC. */
int ipv6_register(struct ipv6_layer *s, uint8_t proto, ipv6_input_fn fn, void *ctx);
/* Registers the reporter of errors about received packets (ICMPv6). */
void ipv6_set_error_output(struct ipv6_layer *s, ipv6_error_fn fn, void *ctx);
static inline void ipv6_send_error(struct ipv6_layer *s, uint8_t type, uint8_t code,
				   uint32_t param, const struct ipv6_rx *rx, size_t len)
{
	if (s->error_output)
		s->error_output(s->error_ctx, type, code, param, rx, len);
}
/*
 * Sends a packet whose payload is the concatenation of iov[0..n): routes it (on-link or via the
 * default router), resolves the next hop by ND (blocking until `deadline`; with NET_NONBLOCK the
 * packet waits in the neighbour entry), and fragments it to the path MTU. Returns 0, or
 * -EMSGSIZE, -ENETUNREACH, -EHOSTUNREACH, -ETIMEDOUT, -ENOBUFS, -ENOMEM or -EIO.
 */
int ipv6_output(struct ipv6_layer *s, const struct ipv6_tx *tx, const struct net_iov *iov,
		size_t n, uint64_t deadline);
/* The path MTU towards `dst` (the link MTU unless a Packet Too Big lowered it). */
uint16_t ipv6_path_mtu(struct ipv6_layer *s, const uint8_t *dst);
/* Lowers the path MTU towards `dst` (never under 1280), from a Packet Too Big. */
void ipv6_pmtu_update(struct ipv6_layer *s, const uint8_t *dst, uint32_t mtu);
/* Timers: DAD, router solicitations, MLD reports, the neighbour cache, reassembly, lifetimes.
 * Returns the next time anything is due. */
uint64_t ipv6_timers(struct ipv6_layer *s, uint64_t now);
/* Frees every reassembly and neighbour entry's packet, waking waiters. */
void ipv6_flush(struct ipv6_layer *s);

/* --- inside the layer (ipv6.c, ipv6_nd.c, ipv6_reasm.c) --------------------------------------- */

/* Sends a complete packet (header and payload in `pkt`) to `mac`, fragmenting it to `mtu`.
 * Never blocks. */
int ipv6_emit(struct ipv6_layer *s, const uint8_t mac[6], const uint8_t *hdr,
	      const struct net_iov *iov, size_t n, size_t plen, uint16_t mtu);
/* ND and MLD messages handed up by ipv6_input (checksum checked, hop limit not). */
void nd_input(struct ipv6_layer *s, const struct ipv6_rx *rx, const uint8_t *data, size_t len);
/* Finds the MAC of the on-link `ip` (as arp_resolve()). */
int nd_resolve(struct ipv6_layer *s, const uint8_t *ip, uint8_t mac[6], uint64_t deadline);
/* Keeps a packet (malloc'd; ownership passes) for `ip` until it resolves. */
void nd_queue(struct ipv6_layer *s, const uint8_t *ip, uint8_t *pkt, size_t len);
/* Joins and leaves a multicast group (the Ethernet filter and MLD reports). */
void ipv6_join(struct ipv6_layer *s, const uint8_t *group);
void ipv6_leave(struct ipv6_layer *s, const uint8_t *group);
uint64_t nd_timers(struct ipv6_layer *s, uint64_t now);
/*
 * Adds a fragment; returns the length of the reassembled packet, written into `*out` (malloc'd,
 * the caller frees it) as the first fragment's headers without the fragment header (the field
 * that named it, at `*nh_out`, now naming what followed it) and then the data from `*unfrag_out`
 * on; or 0 when it is not complete. `frag_off` is where the fragment header starts in `pkt`,
 * `nh_off` where the next header field that named it is.
 */
size_t ipv6_reasm_add(struct ipv6_layer *s, const uint8_t *pkt, size_t len, size_t frag_off,
		      size_t nh_off, bool to_group, uint8_t **out, size_t *unfrag_out,
		      size_t *nh_out, uint64_t now);
uint64_t ipv6_reasm_timers(struct ipv6_layer *s, uint64_t now);
void ipv6_reasm_flush(struct ipv6_layer *s);

#endif
