/* The IPv4 header (RFC 791): wire format only. */
#ifndef FATA_NET_PROT_IPV4_H
#define FATA_NET_PROT_IPV4_H

#include <stdint.h>

#define IPV4_VERSION 4
#define IPV4_HDR_MIN 20			/* IHL 5 */
#define IPV4_HDR_MAX 60			/* IHL 15 */
#define IPV4_MAX_LEN 65535		/* total length, header included */
#define IPV4_DEFAULT_TTL 64

/* The flags and fragment offset field. */
#define IPV4_FLAG_RESERVED 0x8000
#define IPV4_FLAG_DF 0x4000		/* don't fragment */
#define IPV4_FLAG_MF 0x2000		/* more fragments */
#define IPV4_OFFSET_MASK 0x1fff		/* in units of 8 bytes */

#define IPV4_PROTO_ICMP 1
#define IPV4_PROTO_TCP 6
#define IPV4_PROTO_UDP 17

#define IPV4_BROADCAST 0xffffffffu

struct ipv4_hdr {
	uint8_t ver_ihl;		/* version (high 4 bits), header length in words (low 4) */
	uint8_t tos;
	uint8_t total_len[2];		/* header and data, bytes */
	uint8_t id[2];
	uint8_t frag[2];		/* flags (3 bits) and offset (13 bits) */
	uint8_t ttl;
	uint8_t proto;
	uint8_t csum[2];		/* over the header only */
	uint8_t src[4];
	uint8_t dst[4];
	/* options: (IHL - 5) * 4 bytes */
} __attribute__((packed));
_Static_assert(sizeof(struct ipv4_hdr) == IPV4_HDR_MIN, "IPv4 header is 20 bytes");

#endif
