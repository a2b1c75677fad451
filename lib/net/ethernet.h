/*
 * Inside the stack, the Ethernet layer (ethernet.c): the interface, its MAC and MTU, the one
 * transmit buffer, and the table of EtherType handlers the layers above register. Includes only
 * what lies below it (the interface, net_common.h).
 */
#ifndef FATA_NET_ETHERNET_H
#define FATA_NET_ETHERNET_H

#include <fata/netif.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net_common.h"

/* A layer's input for one EtherType: the payload after the header; `l2_group` when the frame
 * went to the broadcast address. `p` may be modified. */
typedef void (*eth_input_fn)(void *ctx, uint8_t *p, size_t len, bool l2_group);

#define ETH_MAX_TYPES 3		/* IPv4, ARP and IPv6 */

/* Whether a multicast (not broadcast) destination is a group the stack joined: IPv6's. */
typedef bool (*eth_mcast_fn)(void *ctx, const uint8_t mac[6]);

/* What Ethernet keeps per stack. */
struct eth_layer {
	struct fata_netif *netif;
	uint8_t mac[6];
	uint16_t mtu;
	uint8_t *tx_buf;		/* the frame being sent: mtu + 14 bytes (with offloads
					 * FATA_VNET_FRAME_MAX, after a header's room) */
	uint8_t *tx_mem;		/* what was allocated for tx_buf */
	bool tx_busy;			/* IPv4 is building a frame in tx_buf */
	/* Batches, on an interface that moves several frames per call (fata_netif_batch()):
	 * frames sent while the layer is held (eth_tx_hold()) wait in tx_slots buffers of
	 * tx_slot bytes from tx_mem, tx_buf pointing into the next free one, and go out together
	 * when it is released or the slots are full. Without, tx_slots is 1: each goes at once. */
	unsigned tx_slots, tx_hold, tx_queued;
	uint64_t hold_at;		/* the monotonic clock when the outermost hold began */
	size_t tx_slot;
	struct fata_netif_frame *tx_q;
	bool vnet;			/* the interface has offloads (fata/netif.h) */
	bool rx_csum_host;		/* the frame being handled: its checksums need no check */
	struct { uint16_t type; eth_input_fn fn; void *ctx; } types[ETH_MAX_TYPES];
	unsigned ntypes;
	eth_mcast_fn mcast_filter;	/* NULL: multicast frames are not for us */
	void *mcast_ctx;
	NET_STATS(eth) stats;
};

extern const uint8_t eth_broadcast[6];

/*
 * Sets up the layer on `netif` (whose MAC and MTU it reads) and allocates tx_buf. The stack
 * owns the interface; eth_free() does not close it. Returns 0 or -ENOMEM.
 */
int eth_init(struct eth_layer *s, struct fata_netif *netif);
/* Frees tx_buf. */
void eth_free(struct eth_layer *s);
/*
 * Registers the handler of EtherType `type` (e.g. ETH_TYPE_IPV4): how ARP and IPv4 plug in.
 * Returns 0, -EEXIST or -ENOSPC.
 */
int eth_register(struct eth_layer *s, uint16_t type, eth_input_fn fn, void *ctx);
/* Forgets the handler of EtherType `type` (an IPv6-only stack drops IPv4 and ARP). */
void eth_unregister(struct eth_layer *s, uint16_t type);
/* Sets who says which multicast destinations are ours (IPv6's groups). */
void eth_set_mcast_filter(struct eth_layer *s, eth_mcast_fn fn, void *ctx);
/* Checks one received frame's addresses and hands its payload to the handler of its type.
 * `frame` may be modified. */
void eth_input(struct eth_layer *s, uint8_t *frame, size_t len);
/*
 * With offloads: takes the header off one received header and frame (`len` bytes of both, at
 * least FATA_VNET_HDR_LEN + 14), notes in rx_csum_host whether the host vouches for its
 * checksums, and hands the frame to eth_input(), which then lets it be up to
 * FATA_VNET_FRAME_MAX bytes.
 */
void eth_input_vnet(struct eth_layer *s, uint8_t *buf, size_t len);
/*
 * Holds frames sent from now on back until as many eth_tx_release() calls, then sends them
 * together (several per exit on hvt). Nests; what is held must not yield. On an interface
 * without batches each frame still goes at once; only eth_now() sees the hold.
 */
void eth_tx_hold(struct eth_layer *s);
void eth_tx_release(struct eth_layer *s);
/*
 * The monotonic clock for the layers above: while the layer is held (which cannot yield), the
 * time the hold began, so that handling a batch of frames reads the clock once (a system call
 * on spt); otherwise fata_monotonic_ns().
 */
uint64_t eth_now(const struct eth_layer *s);
/* Sends the frame whose payload (`len` bytes) is already at s->tx_buf + 14. Returns 0 or what
 * fata_netif_write() returned (0 for a frame held back: its failure is only counted). */
int eth_output(struct eth_layer *s, const uint8_t dst[6], uint16_t type, size_t len);
/*
 * With offloads: as eth_output(), with the TCP checksum at payload offset `csum_at` left
 * partial for the host to finish and, when `gso_size` is not 0, the datagram (up to 64 KiB,
 * its TCP header `l4_hdr_len` bytes) cut by the host into segments of `gso_size` bytes of
 * payload. The payload starts with a 20-byte IPv4 header.
 */
int eth_output_tcp_offload(struct eth_layer *s, const uint8_t dst[6], size_t len, size_t csum_at,
			   size_t l4_hdr_len, uint16_t gso_size);

#endif
