/*
 * Inside the stack, ICMP (icmp.c): echo replies and the errors the stack reports, under a rate
 * limit. Includes only the layers below it (IPv4 and what lies under it).
 */
#ifndef FATA_NET_ICMP_H
#define FATA_NET_ICMP_H

#include <stddef.h>
#include <stdint.h>

#include "ipv4.h"

/* What ICMP keeps per stack. */
struct icmp_layer {
	struct ipv4_layer *ip;
	const struct net_tunables *tun;
	uint64_t credit, last;		/* token bucket, in ns of credit */
	NET_STATS(icmp) stats;
};

/* Sets up ICMP above `ip`: registers protocol 1 and the reporter of IPv4's errors. */
void icmp_init(struct icmp_layer *s, struct ipv4_layer *ip, const struct net_tunables *tun);
/*
 * Reports an error about a received datagram (`rx`, with `len` bytes of payload after its
 * header) to its sender, unless RFC 1122 3.2.2 forbids it (group destination, non-unicast
 * source, an ICMP error itself) or the rate limit is reached.
 */
void icmp_send_error(struct icmp_layer *s, uint8_t type, uint8_t code, const struct ipv4_rx *rx,
		     size_t len);

#endif
