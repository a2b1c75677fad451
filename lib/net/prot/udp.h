/* UDP (RFC 768): wire format only. */
#ifndef FATA_NET_PROT_UDP_H
#define FATA_NET_PROT_UDP_H

#include <stdint.h>

#define UDP_HDR_LEN 8
#define UDP_MAX_PAYLOAD (65535 - 20 - UDP_HDR_LEN)	/* 65507: what one IPv4 datagram carries */

struct udp_hdr {
	uint8_t sport[2];
	uint8_t dport[2];
	uint8_t len[2];			/* header and data, bytes */
	uint8_t csum[2];		/* over pseudo-header, header and data; 0: none (IPv4 only) */
} __attribute__((packed));
_Static_assert(sizeof(struct udp_hdr) == UDP_HDR_LEN, "UDP header is 8 bytes");

#endif
