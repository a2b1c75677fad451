/* Ethernet II framing (IEEE 802.3 with an EtherType): wire format only. */
#ifndef FATA_NET_PROT_ETHERNET_H
#define FATA_NET_PROT_ETHERNET_H

#include <stdint.h>

#define ETH_ADDR_LEN 6
#define ETH_HDR_LEN 14
#define ETH_MIN_TYPE 0x0600		/* below: an 802.3 length field, not a type */

#define ETH_TYPE_IPV4 0x0800
#define ETH_TYPE_ARP 0x0806
#define ETH_TYPE_VLAN 0x8100
#define ETH_TYPE_IPV6 0x86dd

struct eth_hdr {
	uint8_t dst[ETH_ADDR_LEN];
	uint8_t src[ETH_ADDR_LEN];
	uint8_t type[2];		/* big-endian */
} __attribute__((packed));
_Static_assert(sizeof(struct eth_hdr) == ETH_HDR_LEN, "Ethernet header is 14 bytes");

/* Bit 0 of the first byte: group (multicast or broadcast) address. Bit 1: locally administered. */
#define ETH_GROUP_BIT 0x01
#define ETH_LOCAL_BIT 0x02

#endif
