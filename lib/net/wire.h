/* Byte order and the Internet checksum: what every protocol file uses to read and write wire data. */
#ifndef FATA_NET_WIRE_H
#define FATA_NET_WIRE_H

#include <stddef.h>
#include <stdint.h>

/* Big-endian loads and stores at any alignment; wire structs spell multi-byte fields as bytes. */
static inline uint16_t be16_get(const uint8_t *p)
{
	return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static inline uint32_t be32_get(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void be16_put(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void be32_put(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/*
 * The Internet checksum (RFC 1071) accumulated over pieces of any length: a piece that ends on
 * an odd byte leaves the next one starting in the low half of a 16-bit word.
 */
struct net_csum {
	uint64_t sum;
	unsigned odd;
};

void net_csum_init(struct net_csum *c);
void net_csum_add(struct net_csum *c, const void *data, size_t len);
/* Adds the TCP/UDP pseudo-header of RFC 768 / RFC 793 (addresses in host order). */
void net_csum_pseudo(struct net_csum *c, uint32_t src, uint32_t dst, uint8_t proto, uint16_t len);
/* Adds the IPv6 pseudo-header of RFC 8200 8.1: source, destination (16 bytes each), the
 * upper-layer length and the next header. */
void net_csum_pseudo6(struct net_csum *c, const uint8_t *src, const uint8_t *dst, uint32_t len,
		      uint8_t next);
/* The one's complement of the folded sum: the value to put in a checksum field. A received
 * message whose checksum field was included checks out when this is 0. */
uint16_t net_csum_result(const struct net_csum *c);

/* The checksum of one buffer. */
uint16_t net_checksum(const void *data, size_t len);

/* A piece of a datagram being sent: the layers above IPv4 hand it header and data separately. */
struct net_iov {
	const void *base;
	size_t len;
};

/* Total length of `n` pieces, and copying `len` bytes starting at `off` out of them. */
size_t net_iov_len(const struct net_iov *iov, size_t n);
void net_iov_copy(void *dst, const struct net_iov *iov, size_t n, size_t off, size_t len);
void net_csum_add_iov(struct net_csum *c, const struct net_iov *iov, size_t n);

#endif
