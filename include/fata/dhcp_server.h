/*
 * A DHCP server (RFC 2131, options of RFC 2132) for one IPv4 subnet: an address range, static
 * hosts by MAC address, lease times, and the router, DNS servers, domain name and MTU options.
 * It answers DISCOVER, REQUEST (selecting, init-reboot, renewing, rebinding), DECLINE, RELEASE
 * and INFORM; leases live in memory only and expire. No relay agents (giaddr), no BOOTP-only
 * clients, no failover.
 *
 * The protocol is a pure function, fata_dhcp_server_input(), so that it can be tested and fuzzed
 * without a network; fata_dhcp_server_run() is the loop that serves it on a stack's UDP port 67.
 * Addresses are in host byte order; times are monotonic nanoseconds.
 *
 * Replies to a client without an address (ciaddr 0) are broadcast, which RFC 2131 4.1 allows
 * when the server cannot send to a MAC address without ARP; replies to a client that has one
 * (renewal, INFORM) are unicast to it. NAKs are always broadcast.
 */
#ifndef FATA_DHCP_SERVER_H
#define FATA_DHCP_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <fata/net.h>

#define FATA_DHCP_HOSTS_MAX 64		/* static hosts */
#define FATA_DHCP_RANGE_MAX 4096	/* addresses in the dynamic range */
#define FATA_DHCP_DOMAIN_MAX 63

struct fata_dhcp_host {
	uint8_t mac[6];
	uint32_t addr;
};

struct fata_dhcp_server_config {
	uint32_t server;		/* our address: the server identifier (option 54) */
	uint32_t mask;			/* the subnet's netmask (option 1) */
	uint32_t range_first, range_last;	/* the dynamic range, inclusive, in the subnet */
	uint32_t router;		/* option 3; 0: none */
	uint32_t dns[FATA_DNS_MAX];	/* option 6; 0 where unused */
	char domain[FATA_DHCP_DOMAIN_MAX + 1];	/* option 15; "" for none */
	uint16_t mtu;			/* option 26; 0: none */
	uint32_t lease_secs;		/* given when the client asks for none (e.g. 3600) */
	uint32_t max_lease_secs;	/* the most a client may ask for */
	struct fata_dhcp_host hosts[FATA_DHCP_HOSTS_MAX];	/* always get their address */
	size_t nhosts;
};

struct fata_dhcp_server;

/*
 * Checks `cfg` and makes a server with an empty lease table. The range and every static host
 * must lie in the server's subnet and not be the server itself, the network or the broadcast
 * address; the range holds at most FATA_DHCP_RANGE_MAX addresses; the lease times are non-zero
 * with lease_secs <= max_lease_secs. Returns NULL with `why` (a sentence) when the configuration
 * is bad, or with why "out of memory".
 */
struct fata_dhcp_server *fata_dhcp_server_new(const struct fata_dhcp_server_config *cfg,
					      char *why, size_t whylen);

/* Frees the server. NULL is a no-op. */
void fata_dhcp_server_free(struct fata_dhcp_server *srv);

/*
 * Handles one message `msg` (`len` bytes, a UDP payload that came to port 67) at time `now`,
 * updating the lease table. When a reply must go, writes it into `reply` (`cap` bytes, at least
 * 576) and its destination into `*dst` (an address, or 0xffffffff for broadcast; the port is 68)
 * and returns its length; otherwise returns 0 (not a request, for another server, RELEASE,
 * DECLINE, no address left, malformed). Never reads outside `msg`.
 */
size_t fata_dhcp_server_input(struct fata_dhcp_server *srv, uint64_t now, const uint8_t *msg,
			      size_t len, uint8_t *reply, size_t cap, uint32_t *dst);

/* What the lease table holds for the client with MAC `mac` (its latest entry): the address,
 * and whether it is bound (ACKed, not released and not expired) at `now`. Returns false when
 * the table knows nothing of it. For logs and tests. */
bool fata_dhcp_server_lease(const struct fata_dhcp_server *srv, const uint8_t mac[6],
			    uint64_t now, uint32_t *addr, bool *bound);

/*
 * Serves DHCP on `stack`'s UDP port 67 until the port cannot be read any more; logs every lease
 * given, renewed, released or declined under the source "dhcpd". If cfg->server was 0, the
 * stack's address is used. Returns a negative errno (-EADDRINUSE when port 67 is taken). Its
 * buffers are static: one serving loop per unikernel.
 */
int fata_dhcp_server_run(struct fata_dhcp_server *srv, struct fata_stack *stack);

#endif
