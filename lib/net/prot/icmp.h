/* ICMP for IPv4 (RFC 792): wire format only. */
#ifndef FATA_NET_PROT_ICMP_H
#define FATA_NET_PROT_ICMP_H

#include <stdint.h>

#define ICMP_HDR_LEN 8

#define ICMP_ECHO_REPLY 0
#define ICMP_DEST_UNREACH 3
#define ICMP_SOURCE_QUENCH 4
#define ICMP_REDIRECT 5
#define ICMP_ECHO_REQUEST 8
#define ICMP_TIME_EXCEEDED 11
#define ICMP_PARAM_PROBLEM 12
#define ICMP_TIMESTAMP 13
#define ICMP_TIMESTAMP_REPLY 14

/* Codes of ICMP_DEST_UNREACH. */
#define ICMP_UNREACH_NET 0
#define ICMP_UNREACH_HOST 1
#define ICMP_UNREACH_PROTOCOL 2
#define ICMP_UNREACH_PORT 3
#define ICMP_UNREACH_NEEDFRAG 4

/* Codes of ICMP_TIME_EXCEEDED. */
#define ICMP_EXC_TTL 0
#define ICMP_EXC_REASSEMBLY 1

/* An error quotes the offending datagram: its header and at least 8 bytes of data (RFC 792),
 * here as much as keeps the error within 576 bytes (RFC 1812 4.3.2.3). */
#define ICMP_ERROR_QUOTE_MAX (576 - 20 - ICMP_HDR_LEN)

struct icmp_hdr {
	uint8_t type;
	uint8_t code;
	uint8_t csum[2];		/* over the whole ICMP message */
	uint8_t rest[4];		/* echo: identifier[2], sequence[2]; errors: unused or MTU */
} __attribute__((packed));
_Static_assert(sizeof(struct icmp_hdr) == ICMP_HDR_LEN, "ICMP header is 8 bytes");

#endif
