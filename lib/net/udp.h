/*
 * Inside the stack, UDP (udp.c): the bound sockets and sending, over IPv4 and IPv6. Includes only
 * the layers below it (ICMP and ICMPv6 for port unreachable, IPv4, IPv6, and what lies under
 * them).
 */
#ifndef FATA_NET_UDP_H
#define FATA_NET_UDP_H

#include <stddef.h>
#include <stdint.h>

#include "icmp.h"
#include "icmpv6.h"
#include "ipv4.h"
#include "ipv6.h"

/* What UDP keeps per stack. */
struct udp_layer {
	struct ipv4_layer *ip;
	struct icmp_layer *icmp;
	const struct net_tunables *tun;
	struct ipv6_layer *ip6;		/* NULL until udp_init6() */
	struct icmpv6_layer *icmp6;
	struct fata_udp *socks;
	uint16_t next_port;
	NET_STATS(udp) stats;
};

/* Sets up UDP above `ip` (registering protocol 17); `random` picks the first ephemeral port. */
void udp_init(struct udp_layer *s, struct ipv4_layer *ip, struct icmp_layer *icmp,
	      const struct net_tunables *tun, uint32_t random);
/* Attaches UDP to IPv6 too (registering next header 17). */
void udp_init6(struct udp_layer *s, struct ipv6_layer *ip6, struct icmpv6_layer *icmp6);
/* udp_output() over IPv6, from the source address chosen for `dst`. */
int udp_output6(struct udp_layer *s, uint16_t sport, const uint8_t *dst, uint16_t dport,
		const void *buf, size_t len, uint64_t deadline);
/* fata_udp_bind() on the layer (through stack.c's ops table). */
struct fata_udp *udp_bind(struct udp_layer *s, uint16_t port);
/* Sends a datagram from `sport` (from the stack's address, or 0.0.0.0 when it has none). */
int udp_output(struct udp_layer *s, uint16_t sport, uint32_t dst, uint16_t dport,
	       const void *buf, size_t len, uint64_t deadline);
/* fata_udp_recv() and fata_udp_close() of a socket of this layer, for the stack's own users (the
 * DHCP client) that need not go through the public calls. */
long udp_recv(struct fata_udp *u, void *buf, size_t len, uint32_t *src_ip, uint16_t *src_port,
	      uint64_t deadline);
void udp_close(struct fata_udp *u);

#endif
