/* Ethernet II: checks each received frame's addresses and type, frames what the stack sends. */
#include <string.h>

#include "prot/ethernet.h"
#include "stack.h"

FATA_LOG_SOURCE(log_eth, "ethif");

const uint8_t eth_broadcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

void eth_input(struct fata_stack *s, uint8_t *frame, size_t len)
{
	struct fata_stack_stats *st = &s->stats;
	const struct eth_hdr *h = (const struct eth_hdr *)frame;
	bool group;
	uint16_t type;

	st->eth.rx++;
	if (len < ETH_HDR_LEN) {
		net_drop(&log_eth, st->eth.drop_short, "frame of %zu bytes", len);
		return;
	}
	if (len > (size_t)s->mtu + ETH_HDR_LEN) {
		net_drop(&log_eth, st->eth.drop_oversize, "frame of %zu bytes over mtu %u", len,
			 (unsigned)s->mtu);
		return;
	}
	if ((h->src[0] & ETH_GROUP_BIT) || memcmp(h->src, s->mac, ETH_ADDR_LEN) == 0) {
		net_drop(&log_eth, st->eth.drop_bad_src, "group or own source address");
		return;
	}
	group = (h->dst[0] & ETH_GROUP_BIT) != 0;
	/* Broadcast is for everybody; we join no multicast group. */
	if (group ? memcmp(h->dst, eth_broadcast, ETH_ADDR_LEN) != 0
		  : memcmp(h->dst, s->mac, ETH_ADDR_LEN) != 0) {
		net_drop(&log_eth, st->eth.drop_not_for_us, "frame for another address");
		return;
	}
	type = be16_get(h->type);
	switch (type) {
	case ETH_TYPE_IPV4:
		ipv4_input(s, frame + ETH_HDR_LEN, len - ETH_HDR_LEN, group);
		break;
	case ETH_TYPE_ARP:
		arp_input(s, frame + ETH_HDR_LEN, len - ETH_HDR_LEN);
		break;
	default:
		net_drop(&log_eth, st->eth.drop_type, "EtherType 0x%04x", type);
		break;
	}
}

int eth_output(struct fata_stack *s, const uint8_t dst[6], uint16_t type, size_t len)
{
	struct eth_hdr *h = (struct eth_hdr *)s->tx_buf;
	int r;

	memcpy(h->dst, dst, ETH_ADDR_LEN);
	memcpy(h->src, s->mac, ETH_ADDR_LEN);
	be16_put(h->type, type);
	r = fata_netif_write(s->netif, s->tx_buf, ETH_HDR_LEN + len);
	if (r < 0) {
		s->stats.eth.tx_errors++;
		if (fata_log_enabled(&log_eth, FATA_LOG_DEBUG))
			fata_log(&log_eth, FATA_LOG_DEBUG, "write of %zu bytes failed: %d",
				 ETH_HDR_LEN + len, r);
		return r;
	}
	s->stats.eth.tx++;
	return 0;
}
