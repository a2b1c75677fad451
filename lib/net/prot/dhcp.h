/* DHCP (RFC 2131) on BOOTP (RFC 951) and its options (RFC 2132): wire format only. */
#ifndef FATA_NET_PROT_DHCP_H
#define FATA_NET_PROT_DHCP_H

#include <stdint.h>

#define DHCP_SERVER_PORT 67
#define DHCP_CLIENT_PORT 68

#define BOOTP_REQUEST 1
#define BOOTP_REPLY 2
#define BOOTP_HTYPE_ETHERNET 1
#define BOOTP_FLAG_BROADCAST 0x8000

#define DHCP_MAGIC 0x63825363u		/* 99.130.83.99 */
#define DHCP_FIXED_LEN 240		/* BOOTP header and the magic cookie */
#define DHCP_SNAME_LEN 64
#define DHCP_FILE_LEN 128
#define DHCP_MIN_MSG 576		/* every client accepts at least this much (RFC 2131 2) */

/* Option 53, DHCP message type. */
#define DHCP_DISCOVER 1
#define DHCP_OFFER 2
#define DHCP_REQUEST 3
#define DHCP_DECLINE 4
#define DHCP_ACK 5
#define DHCP_NAK 6
#define DHCP_RELEASE 7
#define DHCP_INFORM 8

/* Option codes. */
#define DHCP_OPT_PAD 0
#define DHCP_OPT_SUBNET_MASK 1
#define DHCP_OPT_ROUTER 3
#define DHCP_OPT_DNS 6
#define DHCP_OPT_HOSTNAME 12
#define DHCP_OPT_REQUESTED_IP 50
#define DHCP_OPT_LEASE_TIME 51
#define DHCP_OPT_OVERLOAD 52		/* 1: options continue in file, 2: in sname, 3: both */
#define DHCP_OPT_MSG_TYPE 53
#define DHCP_OPT_SERVER_ID 54
#define DHCP_OPT_PARAM_LIST 55
#define DHCP_OPT_MESSAGE 56
#define DHCP_OPT_MAX_MSG_SIZE 57
#define DHCP_OPT_T1 58			/* renewal time */
#define DHCP_OPT_T2 59			/* rebinding time */
#define DHCP_OPT_CLIENT_ID 61
#define DHCP_OPT_END 255

#define DHCP_INFINITE 0xffffffffu	/* lease time that never ends */

struct dhcp_hdr {
	uint8_t op;			/* BOOTP_REQUEST or BOOTP_REPLY */
	uint8_t htype;
	uint8_t hlen;
	uint8_t hops;
	uint8_t xid[4];			/* transaction id, chosen by the client */
	uint8_t secs[2];		/* seconds since the client began */
	uint8_t flags[2];
	uint8_t ciaddr[4];		/* client address, when it has one */
	uint8_t yiaddr[4];		/* "your" address: what the server offers or assigns */
	uint8_t siaddr[4];		/* next server (boot) */
	uint8_t giaddr[4];		/* relay agent */
	uint8_t chaddr[16];		/* client hardware address */
	uint8_t sname[DHCP_SNAME_LEN];
	uint8_t file[DHCP_FILE_LEN];
	uint8_t magic[4];
	/* options, to the end of the datagram */
} __attribute__((packed));
_Static_assert(sizeof(struct dhcp_hdr) == DHCP_FIXED_LEN, "BOOTP header and cookie are 240 bytes");

#endif
