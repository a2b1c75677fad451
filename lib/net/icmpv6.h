/*
 * Inside the stack, ICMPv6 (icmpv6.c): echo replies, the errors the stack reports under a rate
 * limit, and the errors it hears (Packet Too Big lowers a path MTU). ND and MLD, which also
 * travel in ICMPv6, belong to the IPv6 layer below (ipv6_nd.c). Includes only IPv6 and what
 * lies under it.
 */
#ifndef FATA_NET_ICMPV6_H
#define FATA_NET_ICMPV6_H

#include <stddef.h>
#include <stdint.h>

#include "ipv6.h"

/* What ICMPv6 keeps per stack. Its counters are the IPv6 layer's icmp_stats, shared with ND. */
struct icmpv6_layer {
	struct ipv6_layer *ip;
	const struct net_tunables *tun;
	uint64_t credit, last;		/* token bucket, in ns of credit */
};

/* Sets up ICMPv6 above `ip`: registers next header 58 and the reporter of IPv6's errors. */
void icmpv6_init(struct icmpv6_layer *s, struct ipv6_layer *ip, const struct net_tunables *tun);
/*
 * Reports an error (type, code, and the 32-bit field: pointer or MTU) about a received packet
 * (`rx`, `len` bytes of payload after its rx->hdr_len bytes of headers) to its sender, unless
 * RFC 4443 2.4 (e) forbids it (an error, a multicast destination other than for Packet Too Big
 * and unknown options, an unspecified or multicast source) or the rate limit is reached.
 */
void icmpv6_send_error(struct icmpv6_layer *s, uint8_t type, uint8_t code, uint32_t param,
		       const struct ipv6_rx *rx, size_t len);

#endif
