/* ARP for IPv4 over Ethernet (RFC 826): wire format only. */
#ifndef FATA_NET_PROT_ARP_H
#define FATA_NET_PROT_ARP_H

#include <stdint.h>

#define ARP_HTYPE_ETHERNET 1
#define ARP_PTYPE_IPV4 0x0800
#define ARP_OP_REQUEST 1
#define ARP_OP_REPLY 2
#define ARP_LEN 28

struct arp_pkt {
	uint8_t htype[2];		/* hardware type: 1, Ethernet */
	uint8_t ptype[2];		/* protocol type: 0x0800, IPv4 */
	uint8_t hlen;			/* 6 */
	uint8_t plen;			/* 4 */
	uint8_t op[2];			/* request or reply */
	uint8_t sha[6];			/* sender hardware address */
	uint8_t spa[4];			/* sender protocol address */
	uint8_t tha[6];			/* target hardware address (zero in requests) */
	uint8_t tpa[4];			/* target protocol address */
} __attribute__((packed));
_Static_assert(sizeof(struct arp_pkt) == ARP_LEN, "ARP for IPv4 over Ethernet is 28 bytes");

#endif
