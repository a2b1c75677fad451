/*
 * Inside the DHCP client: the parsed message and the state machine, for dhcp.c, stack.c and the
 * tests. Includes only the layers below it (UDP and what lies under it); the stack's
 * configuration is set through the call the stack registers (dhcp_configure_fn).
 */
#ifndef FATA_NET_DHCP_H
#define FATA_NET_DHCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "prot/dhcp.h"
#include "udp.h"

/* What the client reads out of a message. Addresses in host order. */
struct dhcp_msg {
	uint8_t op, htype, hlen, type;
	uint32_t xid, ciaddr, yiaddr, siaddr, giaddr;
	uint8_t chaddr[16];
	bool has_mask, has_router, has_server, has_lease, has_t1, has_t2;
	uint32_t mask, router, server, lease, t1, t2;
	uint32_t dns[FATA_DNS_MAX];
	unsigned ndns;
	char message[64];		/* option 56, printable characters only */
};

/* Parses a DHCP message (the UDP payload). Returns 0, or -EBADMSG when it is not one: too
 * short, wrong cookie, or an option running past its area. Reads nothing out of bounds. */
int dhcp_parse(const uint8_t *p, size_t len, struct dhcp_msg *m);

enum dhcp_state {
	DHCP_INIT,		/* about to send DHCPDISCOVER */
	DHCP_SELECTING,		/* DISCOVER sent, waiting for an offer */
	DHCP_REQUESTING,	/* REQUEST sent for an offer, waiting for ACK or NAK */
	DHCP_BOUND,		/* address in use until T1 */
	DHCP_RENEWING,		/* T1 passed: REQUEST unicast to the server */
	DHCP_REBINDING,		/* T2 passed: REQUEST broadcast to any server */
	DHCP_STOPPED,
};

struct dhcp_lease {
	uint32_t addr, mask, router, server;
	uint32_t dns[FATA_DNS_MAX];
	unsigned ndns;
	uint32_t lease, t1, t2;		/* seconds (DHCP_INFINITE: forever) */
};

/* The largest DHCP message the client reads; it advertises min(MTU, this) as its maximum message
 * size (option 57), so a larger MTU never makes a server send more than this buffer holds. */
#define DHCP_RX_MAX 1500

/* Sets (addr != 0) or clears the stack's IPv4 configuration from a lease: stack.c's
 * stack_dhcp_configure(). */
typedef void (*dhcp_configure_fn)(void *ctx, uint32_t addr, uint8_t prefix_len, uint32_t gateway,
				  const uint32_t *dns, unsigned ndns);

struct dhcp_client {
	struct udp_layer *udp;		/* sends and binds; its ip holds the configuration */
	const struct net_tunables *tun;
	struct fata_random *rng;	/* the stack's generator (net_random()) */
	NET_STATS(dhcp) *stats;		/* the stack's (they outlive a client) */
	dhcp_configure_fn configure;
	void *configure_ctx;
	struct fata_udp *sock;
	struct fata_fiber *fiber;
	enum dhcp_state state;
	bool stop, ever_bound;
	uint32_t xid;
	uint64_t began;			/* when this exchange began (the secs field) */
	uint64_t next_tx;		/* next (re)transmission, or INIT's start */
	unsigned tries;
	uint32_t offer_addr, offer_server;
	struct dhcp_lease lease;
	uint64_t t1_at, t2_at, end_at;
	uint8_t rx[DHCP_RX_MAX];
};

/* Sets up a client (state DHCP_INIT, nothing started) on `udp`. */
void dhcp_client_init(struct dhcp_client *c, struct udp_layer *udp, const struct net_tunables *tun,
		      struct fata_random *rng, NET_STATS(dhcp) *stats, dhcp_configure_fn configure,
		      void *configure_ctx);
/* Binds port 68 and starts the client's fiber; returns 0 or a negative errno. */
int dhcp_start(struct dhcp_client *c);
/* Stops the client and waits for its fiber; the caller then frees `c`. */
void dhcp_stop(struct dhcp_client *c);

/* The state machine, without the fiber: what is due at `now`, and one received message. */
void dhcp_timer(struct dhcp_client *c, uint64_t now);
void dhcp_on_message(struct dhcp_client *c, const uint8_t *p, size_t len, uint64_t now);
/* When dhcp_timer() next has something to do. */
uint64_t dhcp_deadline(const struct dhcp_client *c);

#endif
