/*
 * Inside the stack, IPv4 (ipv4.c, ipv4_reasm.c): the address configuration, the protocol table,
 * reassembly, and routing what is sent. Includes only the layers below it (ARP, Ethernet). The
 * protocols above plug in by registering: their input with ipv4_register(), and ICMP its error
 * reporter with ipv4_set_error_output().
 */
#ifndef FATA_NET_IPV4_H
#define FATA_NET_IPV4_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arp.h"

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
	/* Offloads (eth.vnet only): the payload's checksum at offset csum_at (not 0) holds only
	 * the pseudo-header sum, for the host to finish; with gso_size, a payload over the MTU
	 * goes as one frame that the host cuts into segments of gso_size bytes after the
	 * l4_hdr_len bytes of TCP header. */
	uint8_t csum_at;
	uint8_t l4_hdr_len;
	uint16_t gso_size;
};

/* A protocol's input: `data`/`len` is the payload (reassembled when it came in fragments);
 * `ctx` is what the protocol registered. */
typedef void (*ipv4_input_fn)(void *ctx, const struct ipv4_rx *rx, const uint8_t *data,
			      size_t len);
/* Reports an error (ICMP type and code) about a received datagram to its sender: ICMP's
 * icmp_send_error(). */
typedef void (*ipv4_error_fn)(void *ctx, uint8_t type, uint8_t code, const struct ipv4_rx *rx,
			      size_t len);

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

/* What IPv4 keeps per stack. */
struct ipv4_layer {
	struct arp_layer *arp;
	struct eth_layer *eth;
	const struct net_tunables *tun;

	/* The configuration (host order); addr 0: none. Set by stack_set_ipv4(). */
	uint32_t addr, mask, gateway;
	uint8_t prefix_len;
	uint32_t dns[FATA_DNS_MAX];
	bool dhcp;
	uint16_t ip_id;

	struct { uint8_t proto; ipv4_input_fn fn; void *ctx; } protos[IPV4_MAX_PROTOS];
	unsigned nprotos;
	ipv4_error_fn error_output;	/* NULL: errors are not reported */
	void *error_ctx;
	struct reasm *reasm[REASM_SLOTS];
	NET_STATS(ipv4) stats;
};

/*
 * Sets up IPv4 above `arp` and `eth`: registers for ETH_TYPE_IPV4 and as ARP's sender of kept
 * datagrams. `ip_id` is the first identification field to send.
 */
void ipv4_init(struct ipv4_layer *s, struct arp_layer *arp, struct eth_layer *eth,
	       const struct net_tunables *tun, uint16_t ip_id);
/* Handles one datagram (Ethernet's handler for ETH_TYPE_IPV4; `ctx` is the ipv4_layer). */
void ipv4_input(void *ctx, uint8_t *p, size_t len, bool l2_group);
/*
 * Registers the handler of IP protocol `proto` (e.g. IPV4_PROTO_TCP). Returns 0, -EEXIST or
 * -ENOSPC. This is how a transport plugs in: TCP calls ipv4_register(ip, IPV4_PROTO_TCP, ...)
 * when it is attached to a stack, and sends with ipv4_output().
 */
int ipv4_register(struct ipv4_layer *s, uint8_t proto, ipv4_input_fn fn, void *ctx);
/* Registers the reporter of errors about received datagrams (ICMP). */
void ipv4_set_error_output(struct ipv4_layer *s, ipv4_error_fn fn, void *ctx);
/*
 * Sends a datagram whose payload is the concatenation of iov[0..n): routes it (on-link, or via
 * the gateway), resolves the next hop (blocking until `deadline`; with NET_NONBLOCK the datagram
 * waits in the ARP entry instead), and fragments it to the MTU. Returns 0 once the frames are
 * handed to the interface (or the datagram is queued), or -EMSGSIZE, -ENETUNREACH (no address,
 * or no route), -EHOSTUNREACH (ARP failed, or the destination is our own address), -ETIMEDOUT,
 * -ENOBUFS, -ENOMEM, or -EIO (the interface refused a frame).
 */
int ipv4_output(struct ipv4_layer *s, const struct ipv4_tx *tx, const struct net_iov *iov,
		size_t n, uint64_t deadline);
/* Whether a datagram to `dst` could leave now: there is a route, and its next hop has answered
 * ARP (or it is a group address). Sends nothing. */
bool ipv4_reachable(struct ipv4_layer *s, uint32_t dst);
/* Sends a datagram held whole (header then payload) to a resolved MAC (ARP's pending queue;
 * `ctx` is the ipv4_layer). */
int ipv4_output_resolved(void *ctx, const uint8_t mac[6], const uint8_t *datagram, size_t len);
/* Hands a complete datagram (reassembled or not) to its protocol. */
void ipv4_deliver(struct ipv4_layer *s, const struct ipv4_rx *rx, const uint8_t *data,
		  size_t len);
/* Reports an error about a received datagram through the registered reporter, if any. */
static inline void ipv4_send_error(struct ipv4_layer *s, uint8_t type, uint8_t code,
				   const struct ipv4_rx *rx, size_t len)
{
	if (s->error_output)
		s->error_output(s->error_ctx, type, code, rx, len);
}

/* Adds a fragment; returns the reassembly when it is complete (free it with ipv4_reasm_free()
 * after delivery), else NULL. `hdr` is the fragment's header, `data` its payload. */
struct reasm *ipv4_reasm_add(struct ipv4_layer *s, const uint8_t *hdr, size_t hdr_len,
			     const uint8_t *data, size_t len, bool to_group, uint64_t now);
void ipv4_reasm_free(struct ipv4_layer *s, struct reasm *r);
/* Abandons the reassemblies that timed out; returns the next expiry (FATA_NEVER if none). */
uint64_t ipv4_reasm_timers(struct ipv4_layer *s, uint64_t now);
/* Frees every reassembly. */
void ipv4_reasm_flush(struct ipv4_layer *s);

#endif
