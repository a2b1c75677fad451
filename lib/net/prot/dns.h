/* DNS messages (RFC 1035 section 4): wire format only. */
#ifndef FATA_NET_PROT_DNS_H
#define FATA_NET_PROT_DNS_H

#define DNS_HDR_LEN 12
#define DNS_LABEL_MAX 63

/* Header flags (the 16 bits after the ID). */
#define DNS_QR 0x8000u		/* a response */
#define DNS_OPCODE_SHIFT 11
#define DNS_OPCODE_MASK 0xfu
#define DNS_AA 0x0400u		/* authoritative answer */
#define DNS_TC 0x0200u
#define DNS_RD 0x0100u		/* recursion desired: copied into the response */

#define DNS_OPCODE_QUERY 0
#define DNS_RCODE_NOERROR 0
#define DNS_RCODE_FORMERR 1
#define DNS_RCODE_NXDOMAIN 3
#define DNS_RCODE_NOTIMP 4
#define DNS_RCODE_REFUSED 5

#define DNS_TYPE_A 1
#define DNS_TYPE_SOA 6
#define DNS_TYPE_ANY 255
#define DNS_CLASS_IN 1
#define DNS_CLASS_ANY 255

/* A label length byte with these bits set is a compression pointer (0xc0) or reserved. */
#define DNS_LABEL_KIND 0xc0u
#define DNS_PTR(off) (0xc000u | (off))

#endif
