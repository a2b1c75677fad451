/*
 * The IPv4 network stack device (config.ini `class = stackv4`): UDP and TCP (fata/tcp.h) over an
 * Ethernet interface, with ARP, ICMP, IPv4 fragmentation and reassembly, and a DHCP client.
 *
 * Addresses and ports are in host byte order everywhere in this interface. Deadlines are
 * absolute monotonic nanoseconds (fata_monotonic_ns()), FATA_NEVER for none; a blocking call
 * blocks only the calling fiber. Functions return 0 or a count on success and a negative errno
 * on failure, except those that return a pointer (NULL with errno set).
 *
 * The stack reads frames in a fiber of its own and handles each one completely (ARP replies,
 * echo replies, UDP delivery) before the next; senders run in their own fibers. Sending to a
 * neighbour whose MAC address is not known blocks the sender while ARP resolves it (three
 * requests one second apart), and fails with -EHOSTUNREACH if nobody answers.
 *
 * The same interface is implemented over the host's sockets on unix (`--net=socket`,
 * fata_stack_connect_socket()): the connect call picks the implementation, every other call
 * works on whichever stack its object came from, and code written against the interface does
 * not see which one it runs on.
 */
#ifndef FATA_NET_H
#define FATA_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <fata/keys.h>
#include <fata/netif.h>
#include <fata/sched.h>
#include <fata/tcp.h>
#include <fata/tcp.h>

struct fata_stack;
struct fata_udp;

#define FATA_UDP_MAX_PAYLOAD 65507	/* bytes one UDP datagram over IPv4 carries at most */
#define FATA_DNS_MAX 3

/* --- connecting ------------------------------------------------------------------------------ */

/* What the generated code passes to fata_stack_connect(). */
struct fata_stack_config {
	const char *name;		/* device name in config.ini, e.g. "stack" */
	const char *netif;		/* hvt/spt: manifest entry (default "service"); unix: tap
					 * device from --interface (default "tap0") */
	bool dhcp;			/* configure key --dhcp: get the address from a DHCP server */
	struct fata_ipv4_prefix ipv4;	/* runtime key --ipv4 (default 10.0.0.2/24); unused with dhcp */
	uint32_t gateway;		/* runtime key --ipv4-gateway, 0 = none; unused with dhcp */
	/* IPv6 (the stackv4v6 and stackv6 classes); all zero: IPv4 only, as stackv4. */
	bool ipv6;			/* speak IPv6: a link-local address from the MAC, and ... */
	struct fata_ipv6_prefix ipv6_addr;	/* ... --ipv6 (len 0: none, only SLAAC) */
	struct fata_ipv6 ipv6_gateway;	/* --ipv6-gateway (all zero: none, or the RA's router) */
	bool accept_ra;			/* --accept-router-advertisements: SLAAC and routers */
	bool ipv6_only;			/* --ipv6-only: no IPv4 at all (no ARP, no DHCP) */
};

/*
 * Opens the interface, assembles the stack and configures its address: the static one of the
 * configuration, or (with dhcp) the one a DHCP server leases, waiting as long as it takes.
 * Announces the address with a gratuitous ARP. Logs, as MirageOS does:
 *   INF [netif] Plugging into tap0 with mac MAC
 *   INF [ethif] Connected Ethernet interface MAC
 *   INF [arpv4] Connected arpv4 device on MAC
 *   INF [udp] UDP interface connected on IP
 *   INF [tcpip-stack-direct] stack assembled: mac=MAC,ip=IP
 * Returns NULL after logging the reason (interface missing, bad address, out of memory).
 */
struct fata_stack *fata_stack_connect(const struct fata_stack_config *cfg);

/*
 * The socket stack (unix, --net=socket): the same interface over the host kernel's sockets,
 * listening on cfg->ipv4's address (0.0.0.0: every address). Only the name and ipv4 of the
 * configuration are used. Logs "Manager: connect" and "Manager: configuring" under
 * tcpip-stack-socket. fata_stack_mac(), fata_stack_netif() and fata_stack_stats() tell nothing
 * on this stack (zeros, NULL): the host kernel owns the interfaces.
 */
struct fata_stack *fata_stack_connect_socket(const struct fata_stack_config *cfg);

/*
 * Assembles a stack on an interface the caller made (e.g. with fata_netif_create()); the stack
 * owns `netif` from then on, also on failure. Otherwise as fata_stack_connect().
 */
struct fata_stack *fata_stack_create(struct fata_netif *netif, const struct fata_stack_config *cfg);

/*
 * Stops the stack's fibers and frees it with its interface. Every UDP socket MUST have been
 * closed and no fiber may be blocked in a call on the stack. With an interface that cannot be
 * interrupted (the platform's), this waits for the next frame or a second at most. Unikernels
 * rarely need this: devices live as long as the unikernel.
 */
void fata_stack_disconnect(struct fata_stack *s);

/* --- state ----------------------------------------------------------------------------------- */

/* The stack's IPv4 configuration. */
struct fata_ipv4_config {
	struct fata_ipv4_prefix addr;	/* addr 0: none (yet, or the DHCP lease was lost) */
	uint32_t gateway;		/* 0: none */
	uint32_t dns[FATA_DNS_MAX];	/* from DHCP; 0 where unused */
	bool dhcp;			/* the address comes from a DHCP lease */
};

/* The current configuration (it changes when a DHCP lease is renewed with other values). */
struct fata_ipv4_config fata_stack_ipv4(struct fata_stack *s);

#define FATA_IPV6_ADDRS 4	/* addresses an interface holds: link-local, static, SLAAC */

/* One IPv6 address of the stack and where it stands (RFC 4862). */
struct fata_ipv6_addr_info {
	struct fata_ipv6_prefix addr;
	uint8_t state;			/* FATA_IPV6_TENTATIVE, _PREFERRED, _DEPRECATED, _DUPLICATE */
	bool autoconf;			/* from a router advertisement (SLAAC) */
};
#define FATA_IPV6_NONE 0
#define FATA_IPV6_TENTATIVE 1		/* duplicate address detection under way: not used yet */
#define FATA_IPV6_PREFERRED 2
#define FATA_IPV6_DEPRECATED 3		/* preferred lifetime over: answers, not chosen as source */
#define FATA_IPV6_DUPLICATE 4		/* another host has it: never used */

/* The stack's IPv6 configuration. */
struct fata_ipv6_config {
	bool enabled;
	struct fata_ipv6_addr_info addrs[FATA_IPV6_ADDRS];	/* state NONE where unused */
	uint8_t router[16];		/* default router (all zero: none) */
	uint16_t mtu;			/* the link's, or the one a router advertised */
};

/* The current IPv6 configuration ({ .enabled = false } on a stack without IPv6). */
struct fata_ipv6_config fata_stack_ipv6(struct fata_stack *s);

/*
 * Waits until the stack has a preferred IPv6 address of global scope (from --ipv6 or SLAAC),
 * or until `deadline`. Returns 0, -ETIMEDOUT, or -EAFNOSUPPORT (no IPv6 on the stack).
 */
int fata_stack_wait_ipv6(struct fata_stack *s, uint64_t deadline);

/* The interface's MAC address. */
void fata_stack_mac(struct fata_stack *s, uint8_t mac[FATA_MAC_LEN]);

/* The underlying interface (for its statistics). */
struct fata_netif *fata_stack_netif(struct fata_stack *s);

/*
 * Counters of each layer, never reset. A frame or datagram is counted once as received (`rx`)
 * at each layer it reaches, and at most once as dropped, under the first reason it fails.
 */
struct fata_stack_stats {
	struct {
		uint64_t rx, tx;
		uint64_t drop_short;		/* shorter than the header */
		uint64_t drop_oversize;		/* longer than mtu + 14 */
		uint64_t drop_not_for_us;	/* unicast to another MAC, or multicast */
		uint64_t drop_bad_src;		/* group or own source address */
		uint64_t drop_type;		/* EtherType we do not speak (VLAN, IPv6, 802.3) */
		uint64_t tx_errors;		/* the interface refused a frame */
		uint64_t rx_big;		/* offloads: coalesced frames over mtu + 14 */
		uint64_t tx_big;		/* offloads: TCP segments over mtu + 14 for the host
						 * to cut */
		uint64_t rx_csum_host;		/* offloads: frames whose checksums the host
						 * checked or owes (not checked again) */
	} eth;
	struct {
		uint64_t rx, tx;
		uint64_t drop_short;
		uint64_t drop_bad;		/* hardware/protocol type or lengths, opcode, addresses */
		uint64_t drop_not_for_us;	/* requests for another address (not answered) */
		uint64_t requests_rx, replies_rx, requests_tx, replies_tx;
		uint64_t gratuitous_tx;
		uint64_t resolve_timeouts;	/* resolutions that failed: nobody answered */
		uint64_t cache_full;		/* a new neighbour found every entry busy */
		uint64_t pending_drops;		/* datagrams that waited for a resolution that failed,
						 * or were replaced by a later one */
	} arp;
	struct {
		uint64_t rx, tx, delivered;
		uint64_t drop_short;		/* shorter than 20 bytes or than its header length */
		uint64_t drop_version;		/* not version 4 */
		uint64_t drop_hdr_len;		/* IHL under 5 */
		uint64_t drop_checksum;		/* bad header checksum */
		uint64_t drop_len;		/* total length over the frame, or under the header */
		uint64_t drop_bad_src;		/* broadcast, multicast or class E source */
		uint64_t drop_not_for_us;	/* another destination */
		uint64_t drop_proto;		/* no handler for the protocol */
		uint64_t frags_rx;		/* fragments received */
		uint64_t reasm_ok;		/* datagrams reassembled */
		uint64_t reasm_timeout;		/* reassemblies abandoned after 30 s */
		uint64_t reasm_overlap;		/* reassemblies abandoned: fragments overlapped */
		uint64_t reasm_oversize;	/* fragments past 65535 bytes, or past the end */
		uint64_t reasm_bad_frag;	/* a non-last fragment whose length is not 8k */
		uint64_t reasm_evicted;		/* reassemblies dropped to make room for a new one */
		uint64_t reasm_too_many_frags;	/* reassemblies abandoned: too many pieces */
		uint64_t frags_tx;		/* fragments sent */
		uint64_t tx_no_route;		/* no address, or nothing on-link and no gateway */
		uint64_t tx_unresolved;		/* ARP found no neighbour for the next hop */
		uint64_t tx_too_big;		/* over 65535 bytes, or DF and over the MTU */
	} ipv4;
	struct {
		uint64_t rx, tx;
		uint64_t drop_short;
		uint64_t drop_checksum;
		uint64_t drop_broadcast;	/* echo requests to a broadcast or multicast address */
		uint64_t echo_requests, echo_replies;
		uint64_t unreach_rx;		/* destination unreachable received */
		uint64_t unreach_tx;		/* destination unreachable sent (port, protocol) */
		uint64_t time_exceeded_tx;	/* reassembly timeouts reported */
		uint64_t rate_limited;		/* errors not sent because of the rate limit */
		uint64_t other_rx;		/* other types, ignored */
	} icmp;
	struct {
		uint64_t rx, tx, delivered;
		uint64_t drop_short;		/* shorter than 8 bytes */
		uint64_t drop_len;		/* length field under 8 or over the IP payload */
		uint64_t drop_checksum;
		uint64_t drop_no_port;		/* nobody bound the port (answered with ICMP) */
		uint64_t drop_queue_full;	/* the socket's receive queue was full */
	} udp;
	struct {
		uint64_t rx, tx;		/* segments */
		uint64_t drop_short;		/* shorter than 20 bytes or than its data offset */
		uint64_t drop_checksum;
		uint64_t drop_bad;		/* to a group address, port 0, or bad flags */
		uint64_t drop_unacceptable;	/* outside the window, a bad ACK, or PAWS */
		uint64_t active_opens;		/* connections started by fata_tcp_connect() */
		uint64_t passive_opens;		/* SYNs taken by a listener */
		uint64_t established;		/* connections that reached ESTABLISHED */
		uint64_t conn_dropped;		/* ended by a reset, a timeout or a failure */
		uint64_t conn_limit;		/* refused: the stack's connection limit */
		uint64_t backlog_drops;		/* SYNs dropped: the listener's backlog was full */
		uint64_t rst_rx, rst_tx;
		uint64_t challenge_acks;	/* RFC 5961 challenge ACKs sent */
		uint64_t paws_drops;		/* old timestamps (RFC 7323 PAWS) */
		uint64_t retransmits;		/* segments sent again */
		uint64_t timeouts;		/* retransmission timer expiries */
		uint64_t fast_retransmits;	/* on three duplicate ACKs */
		uint64_t ooo_segments;		/* held out of order for reassembly */
		uint64_t ooo_drops;		/* out of order with no room left to hold them */
		uint64_t zero_window_probes;
		uint64_t keepalive_probes;
		uint64_t delayed_acks;		/* ACKs sent by the delayed-ACK timer */
		uint64_t syncookies_sent;	/* SYN-ACKs with a SYN cookie (backlog full) */
		uint64_t syncookies_ok;		/* connections opened by a valid cookie */
		uint64_t syncookies_bad;	/* ACKs to a listener that carried no valid cookie */
		uint64_t halfopen_unreachable;	/* half-open connections dropped: no ARP answer
						 * (or no route) within the first RTO */
	} tcp;
	struct {
		uint64_t discovers, offers, requests, acks, naks;
		uint64_t drop_bad;		/* malformed, or not for this client or transaction */
		uint64_t renewals, rebinds;	/* leases extended in RENEWING, in REBINDING */
		uint64_t leases_lost;		/* NAK while bound, or the lease ran out */
	} dhcp;
	struct {
		uint64_t rx, tx, delivered;
		uint64_t drop_short;		/* shorter than 40 bytes, or a header cut short */
		uint64_t drop_version;		/* not version 6 */
		uint64_t drop_len;		/* payload length over the frame */
		uint64_t drop_bad_src;		/* multicast source, or one of our own addresses */
		uint64_t drop_not_for_us;	/* another destination, or a group we did not join */
		uint64_t drop_proto;		/* unknown next header (answered with ICMPv6) */
		uint64_t drop_ext;		/* a bad or refused extension header or option */
		uint64_t frags_rx, reasm_ok, reasm_timeout, reasm_overlap, reasm_oversize;
		uint64_t reasm_bad_frag;	/* not a multiple of 8 bytes, or the chain cut short */
		uint64_t reasm_evicted;
		uint64_t frags_tx;
		uint64_t tx_no_route;		/* no source address, or no router for the destination */
		uint64_t tx_unresolved;		/* neighbour discovery found nobody */
		uint64_t tx_too_big;		/* over 65535 bytes */
		uint64_t pmtu_updates;		/* path MTUs lowered by Packet Too Big */
	} ipv6;
	struct {
		uint64_t rx, tx;
		uint64_t drop_short, drop_checksum;
		uint64_t drop_bad;		/* ND or MLD messages that fail RFC 4861's checks */
		uint64_t echo_requests, echo_replies;
		uint64_t errors_rx;		/* error messages received */
		uint64_t too_big_rx;		/* Packet Too Big received */
		uint64_t unreach_tx, param_problem_tx, time_exceeded_tx;
		uint64_t rate_limited;		/* errors not sent because of the rate limit */
		uint64_t ns_rx, ns_tx, na_rx, na_tx, rs_tx, ra_rx;
		uint64_t mld_reports_tx;
		uint64_t dad_conflicts;		/* our addresses found in use by another host */
		uint64_t resolve_timeouts;	/* neighbours that never answered */
		uint64_t cache_full;		/* a new neighbour found every entry busy */
		uint64_t other_rx;		/* other types, ignored */
	} icmpv6;
};

/* Copies the counters into `out`. */
void fata_stack_stats(struct fata_stack *s, struct fata_stack_stats *out);

/* Logs every non-zero counter at debug level, one line per layer (under that layer's source). */
void fata_stack_stats_log(struct fata_stack *s);

/* --- addresses of either family ---------------------------------------------------------------- */

#define FATA_AF_INET 4
#define FATA_AF_INET6 6
#define FATA_IP_STRLEN FATA_IPV6_STRLEN

/* An IPv4 or an IPv6 address: what the *_addr calls take and give. */
struct fata_ip_addr {
	uint8_t family;			/* FATA_AF_INET or FATA_AF_INET6 */
	uint32_t v4;			/* FATA_AF_INET: the address, host order */
	uint8_t v6[16];			/* FATA_AF_INET6: the address, network order */
};

/* An address of either family from an IPv4 address (host byte order). */
static inline struct fata_ip_addr fata_ip_v4(uint32_t a)
{
	struct fata_ip_addr r = { .family = FATA_AF_INET, .v4 = a };

	return r;
}

/* An address of either family from an IPv6 address (16 bytes, network order). */
static inline struct fata_ip_addr fata_ip_v6(const uint8_t a[16])
{
	struct fata_ip_addr r = { .family = FATA_AF_INET6 };

	for (int i = 0; i < 16; i++)
		r.v6[i] = a[i];
	return r;
}

/* Parses a dotted quad or an IPv6 address. Returns 0 or -1. */
int fata_ip_parse(const char *text, struct fata_ip_addr *out);
/* Formats either family (IPv6 as RFC 5952 says); returns buf. */
char *fata_ip_format(const struct fata_ip_addr *a, char buf[FATA_IP_STRLEN]);

/* --- UDP ------------------------------------------------------------------------------------- */

/*
 * Binds UDP port `port` (0: an unused port from 49152-65535) on every address of the stack.
 * Datagrams that arrive for the port wait in the socket's queue (64 KiB; more are dropped and
 * counted) until fata_udp_recv() takes them. Returns NULL with errno EADDRINUSE (the port is
 * bound), EAGAIN (port 0 and no free port) or ENOMEM.
 */
struct fata_udp *fata_udp_bind(struct fata_stack *s, uint16_t port);

/* The socket's local port. */
uint16_t fata_udp_port(const struct fata_udp *u);

/*
 * Takes the oldest datagram from the socket's queue, blocking the calling fiber until one
 * arrives or until `deadline`. Copies at most `len` bytes of it into `buf` (the rest of a longer
 * datagram is discarded) and the sender's address and port into `*src_ip`, `*src_port` (either
 * may be NULL). Returns the number of bytes copied (0 for an empty datagram), or -ETIMEDOUT at
 * the deadline, or -EBADF when the socket is closed meanwhile.
 */
long fata_udp_recv(struct fata_udp *u, void *buf, size_t len, uint32_t *src_ip,
		   uint16_t *src_port, uint64_t deadline);

/*
 * Sends `len` bytes (0..65507) from the socket's port to `dst_ip`:`dst_port`, fragmenting the
 * datagram when it exceeds the MTU. May block the calling fiber while ARP resolves the next hop.
 * Returns 0 once the frames are handed to the interface, or:
 *   -EMSGSIZE       len is over 65507
 *   -EINVAL         dst_port is 0, or dst_ip is 0
 *   -ENETUNREACH    the stack has no address (DHCP not bound), or dst_ip is not on-link and
 *                   there is no gateway
 *   -EHOSTUNREACH   ARP got no answer for the next hop, or dst_ip is the stack's own address
 *                   (there is no loopback)
 *   -EIO            the interface refused a frame
 *   -EBADF          the socket is closed
 */
int fata_udp_send(struct fata_udp *u, uint32_t dst_ip, uint16_t dst_port, const void *buf,
		  size_t len);

/*
 * fata_udp_recv() for either family: the sender's address into `*src` (may be NULL). A socket
 * receives over IPv4 and IPv6 alike; fata_udp_recv() shows an IPv6 sender as address 0, so code
 * that must answer IPv6 peers uses this call and fata_udp_send_addr().
 */
long fata_udp_recv_addr(struct fata_udp *u, void *buf, size_t len, struct fata_ip_addr *src,
			uint16_t *src_port, uint64_t deadline);

/* fata_udp_send() to an address of either family; -EAFNOSUPPORT when the stack lacks it. */
int fata_udp_send_addr(struct fata_udp *u, const struct fata_ip_addr *dst, uint16_t dst_port,
		       const void *buf, size_t len);

/*
 * TCP over either family (fata/tcp.h has the rest): listeners take connections over IPv4 and
 * IPv6 alike; these connect to, and tell, an address of either family. fata_tcp_peer() shows an
 * IPv6 peer as address 0. fata_tcp_connect_addr() returns as fata_tcp_connect(), and
 * -EAFNOSUPPORT in *err when the stack lacks the family.
 */
struct fata_tcp *fata_tcp_connect_addr(struct fata_stack *s, const struct fata_ip_addr *ip,
				       uint16_t port, uint64_t deadline, int *err);
void fata_tcp_peer_addr(struct fata_tcp *c, struct fata_ip_addr *ip, uint16_t *port);

/* Unbinds the port and frees the socket; queued datagrams are dropped and fibers blocked in
 * fata_udp_recv() on it return -EBADF. `u` is invalid afterwards. NULL is a no-op. */
void fata_udp_close(struct fata_udp *u);

/* --- addresses ------------------------------------------------------------------------------- */


/* The netmask of a prefix length (0..32), host order. */
static inline uint32_t fata_ipv4_mask(unsigned prefix_len)
{
	return prefix_len == 0 ? 0 : prefix_len >= 32 ? 0xffffffffu : ~(0xffffffffu >> prefix_len);
}

#endif
