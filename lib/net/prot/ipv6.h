/* IPv6 (RFC 8200), ICMPv6 (RFC 4443), Neighbor Discovery (RFC 4861) and MLDv2 (RFC 3810): wire
 * format only. */
#ifndef FATA_NET_PROT_IPV6_H
#define FATA_NET_PROT_IPV6_H

#include <stdint.h>

#define IPV6_HDR_LEN 40
#define IPV6_VERSION 6
#define IPV6_MIN_MTU 1280		/* every link carries this much (RFC 8200 5) */
#define IPV6_MAX_PAYLOAD 65535		/* without jumbograms */
#define IPV6_DEFAULT_HOP_LIMIT 64
#define IPV6_ND_HOP_LIMIT 255		/* ND messages are sent with, and must arrive with, 255 */

struct ipv6_hdr {
	uint8_t vtf[4];			/* version 4 bits, traffic class 8, flow label 20 */
	uint8_t plen[2];		/* payload length: everything after these 40 bytes */
	uint8_t next;			/* next header */
	uint8_t hop_limit;
	uint8_t src[16];
	uint8_t dst[16];
} __attribute__((packed));
_Static_assert(sizeof(struct ipv6_hdr) == IPV6_HDR_LEN, "IPv6 header is 40 bytes");

/* Next header values. */
#define IPV6_NH_HOPOPTS 0
#define IPV6_NH_TCP 6
#define IPV6_NH_UDP 17
#define IPV6_NH_ROUTING 43
#define IPV6_NH_FRAGMENT 44
#define IPV6_NH_ESP 50
#define IPV6_NH_AH 51
#define IPV6_NH_ICMPV6 58
#define IPV6_NH_NONE 59
#define IPV6_NH_DSTOPTS 60

/* The fragment header (RFC 8200 4.5). */
#define IPV6_FRAG_HDR_LEN 8
#define IPV6_FRAG_OFFSET_MASK 0xfff8	/* of the 16-bit field: offset in 8-byte units << 3 */
#define IPV6_FRAG_MF 0x0001
struct ipv6_frag_hdr {
	uint8_t next;
	uint8_t reserved;
	uint8_t off_flags[2];
	uint8_t id[4];
} __attribute__((packed));

/* Options of the hop-by-hop and destination options headers (RFC 8200 4.2). */
#define IPV6_OPT_PAD1 0
#define IPV6_OPT_PADN 1
#define IPV6_OPT_ROUTER_ALERT 5
/* The two high bits of an option's type: what to do with an option we do not know. */
#define IPV6_OPT_ACTION(t) ((t) >> 6)
#define IPV6_OPT_SKIP 0
#define IPV6_OPT_DISCARD 1
#define IPV6_OPT_DISCARD_ICMP 2
#define IPV6_OPT_DISCARD_ICMP_UNICAST 3

/* ICMPv6 types. */
#define ICMPV6_DEST_UNREACH 1
#define ICMPV6_PKT_TOO_BIG 2
#define ICMPV6_TIME_EXCEEDED 3
#define ICMPV6_PARAM_PROBLEM 4
#define ICMPV6_ECHO_REQUEST 128
#define ICMPV6_ECHO_REPLY 129
#define ICMPV6_MLD_QUERY 130
#define ICMPV6_MLD_REPORT 131
#define ICMPV6_MLD_DONE 132
#define ICMPV6_RS 133
#define ICMPV6_RA 134
#define ICMPV6_NS 135
#define ICMPV6_NA 136
#define ICMPV6_REDIRECT 137
#define ICMPV6_MLD2_REPORT 143
/* Types under 128 are errors (RFC 4443 2.1). */
#define ICMPV6_IS_ERROR(t) ((t) < 128)

/* Codes. */
#define ICMPV6_UNREACH_NOROUTE 0
#define ICMPV6_UNREACH_ADDR 3
#define ICMPV6_UNREACH_PORT 4
#define ICMPV6_EXC_HOPLIMIT 0
#define ICMPV6_EXC_REASSEMBLY 1
#define ICMPV6_PARAM_HEADER 0		/* erroneous header field */
#define ICMPV6_PARAM_NEXT_HEADER 1	/* unrecognized next header */
#define ICMPV6_PARAM_OPTION 2		/* unrecognized option */

#define ICMPV6_HDR_LEN 8		/* type, code, checksum, and 4 bytes that depend on the type */

/* Neighbor Discovery (RFC 4861 4). Lengths of the fixed parts, options follow. */
#define ND_RS_LEN 8
#define ND_RA_LEN 16
#define ND_NS_LEN 24			/* header, reserved, target address */
#define ND_NA_LEN 24
#define ND_NA_ROUTER 0x80
#define ND_NA_SOLICITED 0x40
#define ND_NA_OVERRIDE 0x20
#define ND_RA_MANAGED 0x80
#define ND_RA_OTHER 0x40

/* ND options: type, length in units of 8 bytes, data. */
#define ND_OPT_SLLA 1
#define ND_OPT_TLLA 2
#define ND_OPT_PREFIX 3
#define ND_OPT_REDIRECTED 4
#define ND_OPT_MTU 5
#define ND_OPT_PREFIX_LEN 32
#define ND_PREFIX_ONLINK 0x80
#define ND_PREFIX_AUTO 0x40

/* MLDv2 (RFC 3810 5.2): a report of multicast address records. */
#define MLD2_REPORT_HDR_LEN 8
#define MLD2_RECORD_LEN 20		/* with no sources and no auxiliary data */
#define MLD2_MODE_IS_EXCLUDE 2
#define MLD2_CHANGE_TO_INCLUDE 3
#define MLD2_CHANGE_TO_EXCLUDE 4

#endif
