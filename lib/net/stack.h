/*
 * The stack assembled: struct fata_stack holds each layer's state, and stack.c, the one place
 * that knows every layer, wires them together and runs the input fiber. Only stack.c, the
 * public calls that take a struct fata_stack, and the tests include this; the layers include
 * only their own header and those below it:
 *
 *   tcp.h  dhcp.h -> udp.h -> icmp.h -> ipv4.h -> arp.h -> ethernet.h -> fata/netif.h
 *                          icmpv6.h -> ipv6.h ----------> ethernet.h
 *   (every layer also sees net_common.h and wire.h, and the wire formats in prot/)
 *
 * A layer that hands something up does it through a handler the upper layer registered:
 * Ethernet's EtherType table, IPv4's protocol table and ICMP error reporter, ARP's sender of
 * datagrams kept during a resolution, and the DHCP client's configuration call.
 *
 * Threading model: one input fiber per stack reads a frame into rx_buf and hands it up the layers
 * synchronously; anything those layers send on the way (ARP replies, echo replies, ICMP errors)
 * never blocks. Senders in other fibers may block only in arp_resolve(), before they touch
 * tx_buf, so one tx_buf per stack (in the Ethernet layer) is enough: nothing yields while a
 * frame is being built.
 */
#ifndef FATA_NET_STACK_H
#define FATA_NET_STACK_H

#include <fata/net.h>
#include <fata/netif.h>
#include <fata/sched.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arp.h"
#include "dhcp.h"
#include "ethernet.h"
#include "icmp.h"
#include "icmpv6.h"
#include "ipv4.h"
#include "ipv6.h"
#include "net_common.h"
#include "tcp.h"
#include "udp.h"

struct stack_ops;

/* The direct stack's struct fata_stack. */
struct fata_stack {
	const struct stack_ops *ops;	/* first: the public calls dispatch on it (stack_impl.h) */
	const char *name;
	struct net_tunables tun;	/* every layer points at this copy */
	struct fata_random *rng;	/* the library's generator (net_random()) */

	struct eth_layer eth;
	struct arp_layer arp;
	struct ipv4_layer ip;
	struct icmp_layer icmp;
	struct ipv6_layer ip6;		/* idle unless the configuration asks for IPv6 */
	struct icmpv6_layer icmp6;
	struct udp_layer udp;
	struct tcp_stack *tcp;
	struct dhcp_client *dhcp_client;
	NET_STATS(dhcp) dhcp_stats;	/* kept here: they outlive a client */

	struct fata_waitq configured;	/* fibers waiting for an address */
	uint8_t *rx_buf;		/* rx_n buffers of rx_cap bytes: the frames the input fiber
					 * reads at once (several only with batches) and handles */
	size_t rx_cap;
	unsigned rx_n;
	struct fata_fiber *input_fiber;
	bool closing;
};

/*
 * Makes a stack on `netif` (which it then owns) without starting anything: no input fiber, no
 * address. Fuzz harnesses and unit tests use it to feed frames with stack_input().
 */
struct fata_stack *stack_new(struct fata_netif *netif, const char *name);
/* Frees a stack made by stack_new() whose fibers have ended. */
void stack_free(struct fata_stack *s);
/* Handles one received frame (the input fiber's work). `frame` may be modified. */
void stack_input(struct fata_stack *s, uint8_t *frame, size_t len);
/* Runs what is due (reassembly timeouts, ARP retries) and returns the next time anything is. */
uint64_t stack_timers(struct fata_stack *s, uint64_t now);
/* Sets (addr != 0) or clears the IPv4 configuration; announces a new address with ARP and wakes
 * fibers waiting for one. */
void stack_set_ipv4(struct fata_stack *s, uint32_t addr, uint8_t prefix_len, uint32_t gateway,
		    const uint32_t *dns, unsigned ndns, bool dhcp);
/* The DHCP client's configuration call (dhcp_configure_fn; `ctx` is the stack): stack_set_ipv4()
 * with dhcp set. */
void stack_dhcp_configure(void *ctx, uint32_t addr, uint8_t prefix_len, uint32_t gateway,
			  const uint32_t *dns, unsigned ndns);

#endif
