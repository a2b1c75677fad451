/* Ethernet II: checks each received frame's addresses and type, frames what the stack sends. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <fata/time.h>

#include "ethernet.h"
#include "prot/ethernet.h"

FATA_LOG_SOURCE(log_eth, "ethif");

const uint8_t eth_broadcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/* Frames held back at most, and the memory their slots may take (with offloads a slot holds
 * 64 KiB, so fewer of them). */
#define TX_BATCH_MAX 16
#define TX_BATCH_BYTES (256 * 1024)

int eth_init(struct eth_layer *s, struct fata_netif *netif)
{
	unsigned batch = fata_netif_batch(netif);

	s->netif = netif;
	fata_netif_mac(netif, s->mac);
	s->mtu = fata_netif_mtu(netif);
	s->vnet = fata_netif_vnet(netif) != 0;
	/* With offloads, room for the header in front of the frame: one write, no copy. */
	s->tx_slot = s->vnet ? FATA_VNET_HDR_LEN + FATA_VNET_FRAME_MAX : (size_t)s->mtu + ETH_HDR_LEN;
	s->tx_slot = (s->tx_slot + 63) & ~(size_t)63;
	s->tx_slots = 1;
	if (batch > 1) {
		s->tx_slots = batch < TX_BATCH_MAX ? batch : TX_BATCH_MAX;
		if (s->tx_slots > TX_BATCH_BYTES / s->tx_slot)
			s->tx_slots = TX_BATCH_BYTES / s->tx_slot > 1 ? TX_BATCH_BYTES / s->tx_slot : 1;
	}
	s->tx_q = calloc(s->tx_slots, sizeof(*s->tx_q));
	s->tx_mem = malloc(s->tx_slots * s->tx_slot);
	s->tx_buf = s->tx_mem && s->vnet ? s->tx_mem + FATA_VNET_HDR_LEN : s->tx_mem;
	return s->tx_buf && s->tx_q ? 0 : -ENOMEM;
}

void eth_free(struct eth_layer *s)
{
	free(s->tx_mem);
	free(s->tx_q);
	s->tx_mem = NULL;
	s->tx_buf = NULL;
	s->tx_q = NULL;
}

/* Sends what is held back, and starts again from the first slot. */
static void tx_flush(struct eth_layer *s)
{
	int r;

	if (s->tx_queued == 0)
		return;
	r = fata_netif_write_many(s->netif, s->tx_q, s->tx_queued);
	if (r < 0) {
		s->stats.tx_errors++;
		if (fata_log_enabled(&log_eth, FATA_LOG_DEBUG))
			fata_log(&log_eth, FATA_LOG_DEBUG, "write of %u frames failed: %d",
				 s->tx_queued, r);
	}
	s->tx_queued = 0;
	s->tx_buf = s->vnet ? s->tx_mem + FATA_VNET_HDR_LEN : s->tx_mem;
}

void eth_tx_hold(struct eth_layer *s)
{
	if (s->tx_hold++ == 0)
		s->hold_at = fata_monotonic_ns();
}

uint64_t eth_now(const struct eth_layer *s)
{
	return s->tx_hold ? s->hold_at : fata_monotonic_ns();
}

void eth_tx_release(struct eth_layer *s)
{
	if (s->tx_hold > 0 && --s->tx_hold == 0)
		tx_flush(s);
}

int eth_register(struct eth_layer *s, uint16_t type, eth_input_fn fn, void *ctx)
{
	for (unsigned i = 0; i < s->ntypes; i++) {
		if (s->types[i].type == type)
			return -EEXIST;
	}
	if (s->ntypes == ETH_MAX_TYPES)
		return -ENOSPC;
	s->types[s->ntypes].type = type;
	s->types[s->ntypes].fn = fn;
	s->types[s->ntypes].ctx = ctx;
	s->ntypes++;
	return 0;
}

void eth_unregister(struct eth_layer *s, uint16_t type)
{
	for (unsigned i = 0; i < s->ntypes; i++) {
		if (s->types[i].type == type) {
			s->types[i] = s->types[--s->ntypes];
			return;
		}
	}
}

void eth_set_mcast_filter(struct eth_layer *s, eth_mcast_fn fn, void *ctx)
{
	s->mcast_filter = fn;
	s->mcast_ctx = ctx;
}

void eth_input(struct eth_layer *s, uint8_t *frame, size_t len)
{
	NET_STATS(eth) *st = &s->stats;
	const struct eth_hdr *h = (const struct eth_hdr *)frame;
	bool group;
	uint16_t type;

	st->rx++;
	if (len < ETH_HDR_LEN) {
		net_drop(&log_eth, st->drop_short, "frame of %zu bytes", len);
		return;
	}
	if (len > (s->vnet ? (size_t)FATA_VNET_FRAME_MAX : (size_t)s->mtu + ETH_HDR_LEN)) {
		net_drop(&log_eth, st->drop_oversize, "frame of %zu bytes over mtu %u", len,
			 (unsigned)s->mtu);
		return;
	}
	if ((h->src[0] & ETH_GROUP_BIT) || memcmp(h->src, s->mac, ETH_ADDR_LEN) == 0) {
		net_drop(&log_eth, st->drop_bad_src, "group or own source address");
		return;
	}
	group = (h->dst[0] & ETH_GROUP_BIT) != 0;
	/* Broadcast is for everybody; multicast only for the groups IPv6 joined. */
	if (group ? memcmp(h->dst, eth_broadcast, ETH_ADDR_LEN) != 0 &&
		    !(s->mcast_filter && s->mcast_filter(s->mcast_ctx, h->dst))
		  : memcmp(h->dst, s->mac, ETH_ADDR_LEN) != 0) {
		net_drop(&log_eth, st->drop_not_for_us, "frame for another address");
		return;
	}
	type = be16_get(h->type);
	for (unsigned i = 0; i < s->ntypes; i++) {
		if (s->types[i].type == type) {
			s->types[i].fn(s->types[i].ctx, frame + ETH_HDR_LEN, len - ETH_HDR_LEN, group);
			return;
		}
	}
	net_drop(&log_eth, st->drop_type, "EtherType 0x%04x", type);
}

void eth_input_vnet(struct eth_layer *s, uint8_t *buf, size_t len)
{
	struct fata_vnet_hdr h;

	memcpy(&h, buf, sizeof(h));
	s->rx_csum_host = (h.flags & (FATA_VNET_F_NEEDS_CSUM | FATA_VNET_F_DATA_VALID)) != 0;
	if (s->rx_csum_host)
		s->stats.rx_csum_host++;
	if (len - FATA_VNET_HDR_LEN > (size_t)s->mtu + ETH_HDR_LEN) {
		/* Only the host's coalescing (GRO) makes frames over the MTU; it marks them. */
		if (h.gso_type == FATA_VNET_GSO_NONE) {
			s->stats.rx++;
			net_drop(&log_eth, s->stats.drop_oversize, "frame of %zu bytes over mtu %u",
				 len - FATA_VNET_HDR_LEN, (unsigned)s->mtu);
			s->rx_csum_host = false;
			return;
		}
		s->stats.rx_big++;
	}
	eth_input(s, buf + FATA_VNET_HDR_LEN, len - FATA_VNET_HDR_LEN);
	s->rx_csum_host = false;
}

/* Frames what tx_buf + 14 holds and sends it, after the header `vh` with offloads. */
static int send_frame(struct eth_layer *s, const uint8_t dst[6], uint16_t type, size_t len,
		      const struct fata_vnet_hdr *vh)
{
	struct eth_hdr *h = (struct eth_hdr *)s->tx_buf;
	int r;

	memcpy(h->dst, dst, ETH_ADDR_LEN);
	memcpy(h->src, s->mac, ETH_ADDR_LEN);
	be16_put(h->type, type);
	/* Held back: into the queue, the next frame built in the next slot. A frame the interface
	 * would refuse goes alone below, so that the sender hears why. */
	if (s->tx_hold && s->tx_slots > 1 &&
	    ETH_HDR_LEN + len <= (s->vnet && vh->gso_type ? (size_t)FATA_VNET_FRAME_MAX
							  : (size_t)s->mtu + ETH_HDR_LEN)) {
		size_t hdr = s->vnet ? FATA_VNET_HDR_LEN : 0;

		if (hdr)
			memcpy(s->tx_buf - hdr, vh, hdr);
		s->tx_q[s->tx_queued++] = (struct fata_netif_frame){
			.data = s->tx_buf - hdr, .len = hdr + ETH_HDR_LEN + len,
		};
		s->stats.tx++;
		if (s->tx_queued == s->tx_slots)
			tx_flush(s);
		else
			s->tx_buf = s->tx_mem + s->tx_queued * s->tx_slot + hdr;
		return 0;
	}
	tx_flush(s);	/* what was held goes first; the frame stays where it was built */
	if (s->vnet) {
		memcpy((uint8_t *)h - FATA_VNET_HDR_LEN, vh, FATA_VNET_HDR_LEN);
		r = fata_netif_write_vnet(s->netif, (uint8_t *)h - FATA_VNET_HDR_LEN,
					  FATA_VNET_HDR_LEN + ETH_HDR_LEN + len);
	} else {
		r = fata_netif_write(s->netif, h, ETH_HDR_LEN + len);
	}
	if (r < 0) {
		s->stats.tx_errors++;
		if (fata_log_enabled(&log_eth, FATA_LOG_DEBUG))
			fata_log(&log_eth, FATA_LOG_DEBUG, "write of %zu bytes failed: %d",
				 ETH_HDR_LEN + len, r);
		return r;
	}
	s->stats.tx++;
	return 0;
}

int eth_output(struct eth_layer *s, const uint8_t dst[6], uint16_t type, size_t len)
{
	static const struct fata_vnet_hdr none;

	return send_frame(s, dst, type, len, &none);
}

int eth_output_tcp_offload(struct eth_layer *s, const uint8_t dst[6], size_t len, size_t csum_at,
			   size_t l4_hdr_len, uint16_t gso_size)
{
	struct fata_vnet_hdr vh = {
		.flags = FATA_VNET_F_NEEDS_CSUM,
		.csum_start = ETH_HDR_LEN + 20,
		.csum_offset = (uint16_t)(csum_at - 20),
	};
	int r;

	if (gso_size) {
		vh.gso_type = FATA_VNET_GSO_TCPV4;
		vh.gso_size = gso_size;
		vh.hdr_len = (uint16_t)(ETH_HDR_LEN + 20 + l4_hdr_len);
	}
	r = send_frame(s, dst, ETH_TYPE_IPV4, len, &vh);
	if (r == 0 && ETH_HDR_LEN + len > (size_t)s->mtu + ETH_HDR_LEN)
		s->stats.tx_big++;
	return r;
}
