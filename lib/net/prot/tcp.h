/* TCP (RFC 9293) with the options of RFC 7323 (window scale, timestamps) and RFC 2018 (SACK):
 * wire format only. */
#ifndef FATA_NET_PROT_TCP_H
#define FATA_NET_PROT_TCP_H

#include <stdint.h>

#define TCP_HDR_LEN 20			/* without options */
#define TCP_HDR_MAX 60			/* data offset 15 */
#define TCP_OPT_MAX (TCP_HDR_MAX - TCP_HDR_LEN)

/* Control bits (the low byte of the 16-bit field after the data offset). */
#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_ACK 0x10
#define TCP_URG 0x20
#define TCP_ECE 0x40
#define TCP_CWR 0x80

struct tcp_hdr {
	uint8_t sport[2];
	uint8_t dport[2];
	uint8_t seq[4];
	uint8_t ack[4];
	uint8_t doff;			/* data offset in words (high 4 bits), reserved (low 4) */
	uint8_t flags;			/* TCP_FIN ... TCP_CWR */
	uint8_t wnd[2];			/* shifted by the peer's window scale, except in a SYN */
	uint8_t csum[2];		/* over pseudo-header, header and data */
	uint8_t urg[2];
	/* options: (doff - 5) * 4 bytes */
} __attribute__((packed));
_Static_assert(sizeof(struct tcp_hdr) == TCP_HDR_LEN, "TCP header is 20 bytes");

/* Option kinds and their lengths (kind and length bytes included). */
#define TCP_OPT_EOL 0
#define TCP_OPT_NOP 1
#define TCP_OPT_MSS 2			/* SYN only */
#define TCP_OPT_MSS_LEN 4
#define TCP_OPT_WS 3			/* window scale, SYN only (RFC 7323 2) */
#define TCP_OPT_WS_LEN 3
#define TCP_OPT_SACK_PERM 4		/* SYN only (RFC 2018 2) */
#define TCP_OPT_SACK_PERM_LEN 2
#define TCP_OPT_SACK 5			/* 2 + 8 bytes per block (RFC 2018 3) */
#define TCP_OPT_SACK_BASE 2
#define TCP_OPT_SACK_BLOCK 8
#define TCP_OPT_TS 8			/* timestamps: TSval, TSecr (RFC 7323 3) */
#define TCP_OPT_TS_LEN 10

#define TCP_WS_MAX 14			/* larger shifts are taken as 14 (RFC 7323 2.3) */
#define TCP_DEFAULT_MSS 536		/* when the peer sends none (RFC 9293 3.7.1) */

#endif
