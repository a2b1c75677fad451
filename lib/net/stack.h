/*
 * Inside the IPv4 stack: the stack's state and what its layers call in each other. Only lib/net/
 * and its tests include this. Each layer lives in its own file (ethernet.c, arp.c, ipv4.c,
 * ipv4_reasm.c, icmp.c, udp.c, tcp*.c, dhcp.c); stack.c assembles them and runs the input fiber.
 *
 * Threading model: one input fiber per stack reads a frame into rx_buf and hands it up the layers
 * synchronously; anything those layers send on the way (ARP replies, echo replies, ICMP errors)
 * never blocks. Senders in other fibers may block only in arp_resolve(), before they touch
 * tx_buf, so one tx_buf per stack is enough: nothing yields while a frame is being built.
 */
#ifndef FATA_NET_STACK_H
#define FATA_NET_STACK_H

#include <fata/log.h>
#include <fata/net.h>
#include <fata/netif.h>
#include <fata/sched.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire.h"

/* Never block: a deadline that has always passed (ipv4_output(), arp_resolve()). */
#define NET_NONBLOCK 0

/*
 * Timings and limits. Every stack copies net_tunables_default when it is made; unit tests
 * shorten the times there before making one, instead of waiting real minutes.
 */
struct net_tunables {
	uint64_t arp_ttl_ns;		/* a resolved neighbour is fresh this long (60 s), then
					 * stale for as long again: still used, asked again */
	uint64_t arp_retry_ns;		/* between requests of one resolution (1 s) */
	unsigned arp_retries;		/* requests before a resolution fails (3) */
	uint64_t reasm_timeout_ns;	/* a reassembly is abandoned this long after it began (30 s) */
	unsigned reasm_max;		/* concurrent reassemblies (8, at most REASM_SLOTS) */
	unsigned icmp_rate;		/* ICMP errors per second (10) ... */
	unsigned icmp_burst;		/* ... with bursts of this many (10) */
	size_t udp_queue_bytes;		/* receive queue of a UDP socket (64 KiB) */
	uint64_t dhcp_unit_ns;		/* what DHCP counts as one second (1 s) */
	/* TCP (lib/net/tcp.h). */
	size_t tcp_snd_buf;		/* send buffer of a connection (64 KiB) */
	size_t tcp_rcv_buf;		/* receive buffer, the most we advertise (64 KiB) */
	size_t tcp_ooo_max;		/* out-of-order bytes held per connection (64 KiB) */
	unsigned tcp_max_conns;		/* connections per stack, TIME-WAIT included (1024) */
	unsigned tcp_backlog;		/* a listener's connections in SYN-RECEIVED (128) */
	uint64_t tcp_msl_ns;		/* maximum segment lifetime; TIME-WAIT is 2 MSL (30 s) */
	uint64_t tcp_rto_initial_ns;	/* RTO before any RTT sample (1 s, RFC 6298) */
	uint64_t tcp_rto_min_ns;	/* (200 ms, as Linux; RFC 6298 says 1 s) */
	uint64_t tcp_rto_max_ns;	/* (60 s) */
	unsigned tcp_retries;		/* retransmissions of data before giving up (15) */
	unsigned tcp_syn_retries;	/* of a SYN or SYN-ACK (6) */
	uint64_t tcp_delack_ns;		/* delayed ACK (40 ms; RFC 1122 allows up to 500) */
	uint64_t tcp_fin_timeout_ns;	/* FIN-WAIT-2 after close before giving up (60 s) */
	uint64_t tcp_keepalive_ns;	/* idle time before keepalive probes (0: off) */
	uint64_t tcp_keepalive_intvl_ns;	/* between probes (75 s) */
	unsigned tcp_keepalive_probes;	/* unanswered probes before giving up (9) */
	unsigned tcp_challenge_acks;	/* challenge ACKs per second (1000, RFC 5961 7) */
	bool tcp_timestamps, tcp_window_scaling, tcp_sack;	/* offered in SYNs (all true) */
};
extern struct net_tunables net_tunables_default;

/* --- ARP cache ------------------------------------------------------------------------------- */

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

/* --- IPv4 ------------------------------------------------------------------------------------ */

/* A datagram as the IPv4 layer hands it to a protocol. */
struct ipv4_rx {
	uint32_t src, dst;
	uint8_t proto, ttl, tos;
	bool to_group;		/* sent to a broadcast or multicast address (never answer errors) */
	const uint8_t *hdr;	/* the header as received, immediately followed by the payload */
	size_t hdr_len;
};

/* What a protocol asks the IPv4 layer to send. */
struct ipv4_tx {
	uint32_t src;		/* 0: the stack's address (which may be 0 before DHCP binds) */
	uint32_t dst;
	uint8_t proto;
	uint8_t ttl;		/* 0: IPV4_DEFAULT_TTL */
	uint8_t tos;
	bool df;		/* don't fragment: -EMSGSIZE rather than fragments */
};

/* A protocol's input: `data`/`len` is the payload (reassembled when it came in fragments). */
typedef void (*ipv4_input_fn)(struct fata_stack *s, void *ctx, const struct ipv4_rx *rx,
			      const uint8_t *data, size_t len);

#define IPV4_MAX_PROTOS 8
#define REASM_SLOTS 16
#define REASM_MAX_PIECES 128
#define REASM_HEADROOM 60	/* the first fragment's header is copied in front of the data */

struct reasm {
	uint32_t src, dst;
	uint16_t id;
	uint8_t proto;
	bool have_first, have_last, to_group;
	uint64_t expires;
	uint8_t *buf;		/* REASM_HEADROOM bytes, then the data at its offset */
	size_t cap;		/* bytes of data room after the headroom */
	size_t hdr_len;		/* of the first fragment, once it is in */
	size_t total;		/* data bytes, once the last fragment is in */
	size_t received;	/* data bytes so far (pieces never overlap) */
	unsigned npieces;
	struct { uint16_t start, end; } pieces[REASM_MAX_PIECES];
};

/* --- the stack ------------------------------------------------------------------------------- */

struct dhcp_client;
struct tcp_stack;

struct fata_stack {
	const char *name;
	struct fata_netif *netif;
	uint8_t mac[6];
	uint16_t mtu;
	struct net_tunables tun;
	struct fata_stack_stats stats;
	uint64_t rng;

	/* IPv4 configuration (host order); addr 0: none. */
	uint32_t addr, mask, gateway;
	uint8_t prefix_len;
	uint32_t dns[FATA_DNS_MAX];
	bool dhcp;
	uint16_t ip_id;
	struct fata_waitq configured;	/* fibers waiting for an address */

	uint8_t *rx_buf;		/* the frame the input fiber handles */
	size_t rx_cap;
	uint8_t *tx_buf;		/* the frame being sent: mtu + 14 bytes */
	bool tx_busy;

	struct arp_entry arp[ARP_ENTRIES];

	struct { uint8_t proto; ipv4_input_fn fn; void *ctx; } protos[IPV4_MAX_PROTOS];
	unsigned nprotos;
	struct reasm *reasm[REASM_SLOTS];

	uint64_t icmp_credit, icmp_last;	/* token bucket, in ns of credit */

	struct fata_udp *udp_socks;
	uint16_t udp_next_port;

	struct dhcp_client *dhcp_client;

	struct tcp_stack *tcp;		/* lib/net/tcp.h */

	struct fata_fiber *input_fiber;
	bool closing;
};

/* A pseudo-random number (xorshift64*): transaction ids, ports, IP ids. Not for secrets. */
uint32_t stack_random(struct fata_stack *s);

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

/* Counts a drop and, at debug level, says why. */
#define net_drop(src, counter, ...) \
	do { \
		(counter)++; \
		if (fata_log_enabled((src), FATA_LOG_DEBUG)) \
			net_log_drop((src), (unsigned long long)(counter), __VA_ARGS__); \
	} while (0)
void net_log_drop(struct fata_log_src *src, unsigned long long count, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* IPv4 address classes (host order). */
static inline bool ipv4_is_multicast(uint32_t a)
{
	return (a >> 28) == 0xe;
}

static inline bool ipv4_is_group(uint32_t a)
{
	return a == 0xffffffffu || ipv4_is_multicast(a);
}

/* --- Ethernet (ethernet.c) --------------------------------------------------------------------- */

extern const uint8_t eth_broadcast[6];
void eth_input(struct fata_stack *s, uint8_t *frame, size_t len);
/* Sends the frame whose payload (`len` bytes) is already at s->tx_buf + 14. */
int eth_output(struct fata_stack *s, const uint8_t dst[6], uint16_t type, size_t len);

/* --- ARP (arp.c) ------------------------------------------------------------------------------ */

void arp_input(struct fata_stack *s, const uint8_t *p, size_t len);
/*
 * Finds the MAC of the on-link neighbour `ip`. Blocks the calling fiber until the answer, the
 * end of the retries or `deadline`; with NET_NONBLOCK it sends a request and returns -EAGAIN
 * instead of waiting. Returns 0, -EAGAIN, -EHOSTUNREACH (nobody answered), -ETIMEDOUT (the
 * deadline came first) or -ENOBUFS (every cache entry is busy).
 */
int arp_resolve(struct fata_stack *s, uint32_t ip, uint8_t mac[6], uint64_t deadline);
/* Keeps `datagram` (malloc'd; ownership passes) to send to `ip` once it resolves. */
void arp_queue(struct fata_stack *s, uint32_t ip, uint8_t *datagram, size_t len);
/* Sends a gratuitous ARP (an announcement, RFC 5227) for the stack's address. */
void arp_announce(struct fata_stack *s);
/* Retries and expiries; returns the next time anything is due. */
uint64_t arp_timers(struct fata_stack *s, uint64_t now);
/* Forgets every entry (waking waiters, dropping pending datagrams). */
void arp_flush(struct fata_stack *s);

/* --- IPv4 (ipv4.c, ipv4_reasm.c) -------------------------------------------------------------- */

void ipv4_input(struct fata_stack *s, uint8_t *p, size_t len, bool l2_group);
/*
 * Registers the handler of IP protocol `proto` (e.g. IPV4_PROTO_TCP). Returns 0, -EEXIST or
 * -ENOSPC. This is how a transport plugs in: TCP calls ipv4_register(s, IPV4_PROTO_TCP, ...)
 * when it is attached to a stack, and sends with ipv4_output().
 */
int ipv4_register(struct fata_stack *s, uint8_t proto, ipv4_input_fn fn, void *ctx);
/*
 * Sends a datagram whose payload is the concatenation of iov[0..n): routes it (on-link, or via
 * the gateway), resolves the next hop (blocking until `deadline`; with NET_NONBLOCK the datagram
 * waits in the ARP entry instead), and fragments it to the MTU. Returns 0 once the frames are
 * handed to the interface (or the datagram is queued), or -EMSGSIZE, -ENETUNREACH (no address,
 * or no route), -EHOSTUNREACH (ARP failed, or the destination is our own address), -ETIMEDOUT,
 * -ENOBUFS, -ENOMEM, or -EIO (the interface refused a frame).
 */
int ipv4_output(struct fata_stack *s, const struct ipv4_tx *tx, const struct net_iov *iov,
		size_t n, uint64_t deadline);
/* Sends a datagram held whole (header then payload) to a resolved MAC (ARP's pending queue). */
int ipv4_output_resolved(struct fata_stack *s, const uint8_t mac[6], const uint8_t *datagram,
			 size_t len);
/* Hands a complete datagram (reassembled or not) to its protocol. */
void ipv4_deliver(struct fata_stack *s, const struct ipv4_rx *rx, const uint8_t *data, size_t len);

/* Adds a fragment; returns the reassembly when it is complete (free it with ipv4_reasm_free()
 * after delivery), else NULL. `hdr` is the fragment's header, `data` its payload. */
struct reasm *ipv4_reasm_add(struct fata_stack *s, const uint8_t *hdr, size_t hdr_len,
			     const uint8_t *data, size_t len, bool to_group, uint64_t now);
void ipv4_reasm_free(struct fata_stack *s, struct reasm *r);
/* Abandons the reassemblies that timed out; returns the next expiry (FATA_NEVER if none). */
uint64_t ipv4_reasm_timers(struct fata_stack *s, uint64_t now);
/* Frees every reassembly. */
void ipv4_reasm_flush(struct fata_stack *s);

/* --- ICMP (icmp.c) ---------------------------------------------------------------------------- */

void icmp_init(struct fata_stack *s);
/*
 * Reports an error about a received datagram (`rx`, with `len` bytes of payload after its
 * header) to its sender, unless RFC 1122 3.2.2 forbids it (group destination, non-unicast
 * source, an ICMP error itself) or the rate limit is reached.
 */
void icmp_send_error(struct fata_stack *s, uint8_t type, uint8_t code, const struct ipv4_rx *rx,
		     size_t len);

/* --- UDP (udp.c) ------------------------------------------------------------------------------ */

void udp_init(struct fata_stack *s);
/* Sends a datagram from `sport` (from the stack's address, or 0.0.0.0 when it has none). */
int udp_output(struct fata_stack *s, uint16_t sport, uint32_t dst, uint16_t dport,
	       const void *buf, size_t len, uint64_t deadline);

/* --- TCP (tcp*.c, internals in tcp.h) ------------------------------------------------------------ */

/* Attaches TCP to a stack (from stack_new()); 0 or -ENOMEM. */
int tcp_init(struct fata_stack *s);
/* Stops TCP's timer fiber and frees its state (from stack_free()). */
void tcp_free(struct fata_stack *s);

/* --- DHCP client (dhcp.c) --------------------------------------------------------------------- */

/* Starts the client's fiber; returns 0 or a negative errno. */
int dhcp_start(struct fata_stack *s);
/* Stops the client and waits for its fiber. */
void dhcp_stop(struct fata_stack *s);

#endif
