/* The Internet checksum (RFC 1071) and scatter lists: shared by IPv4, ICMP, UDP and TCP. */
#include <string.h>

#include "wire.h"

void net_csum_init(struct net_csum *c)
{
	c->sum = 0;
	c->odd = 0;
}

/*
 * The sum of an even number of bytes as 16-bit words in the CPU's order, folded to 16 bits.
 * RFC 1071 (section 2, B): a ones' complement sum does not depend on byte order, so the words
 * are loaded as they lie, 32 bits at a time into 64 (2^16 is 1 modulo 0xffff, so the carries out
 * of each half count as they should), and only the folded result is swapped.
 */
static uint16_t sum_native(const uint8_t *p, size_t len)
{
	uint64_t s = 0;
	uint32_t w[8];
	uint16_t h;

	while (len >= sizeof(w)) {
		__builtin_memcpy(w, p, sizeof(w));
		s += (uint64_t)w[0] + w[1] + w[2] + w[3] + w[4] + w[5] + w[6] + w[7];
		p += sizeof(w);
		len -= sizeof(w);
	}
	for (; len >= 4; p += 4, len -= 4) {
		__builtin_memcpy(w, p, 4);
		s += w[0];
	}
	if (len >= 2) {
		__builtin_memcpy(&h, p, 2);
		s += h;
	}
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

void net_csum_add(struct net_csum *c, const void *data, size_t len)
{
	const uint8_t *p = data;
	uint16_t n;

	if (len == 0)
		return;
	if (c->odd) {
		c->sum += p[0];
		p++;
		len--;
		c->odd = 0;
	}
	n = sum_native(p, len & ~(size_t)1);
	/* Back to network order: the words' bytes as they lie on the wire. */
	c->sum += __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? (uint16_t)(n << 8 | n >> 8) : n;
	if (len & 1) {
		c->sum += (uint64_t)p[len - 1] << 8;
		c->odd = 1;
	}
}

void net_csum_pseudo(struct net_csum *c, uint32_t src, uint32_t dst, uint8_t proto, uint16_t len)
{
	uint8_t ph[12];

	be32_put(ph, src);
	be32_put(ph + 4, dst);
	ph[8] = 0;
	ph[9] = proto;
	be16_put(ph + 10, len);
	/* The pseudo-header is summed as if it came first: an even number of bytes. */
	c->sum += (uint64_t)be16_get(ph) + be16_get(ph + 2) + be16_get(ph + 4) + be16_get(ph + 6) +
		  be16_get(ph + 8) + be16_get(ph + 10);
}

void net_csum_pseudo6(struct net_csum *c, const uint8_t *src, const uint8_t *dst, uint32_t len,
		      uint8_t next)
{
	for (int i = 0; i < 16; i += 2)
		c->sum += (uint64_t)be16_get(src + i) + be16_get(dst + i);
	c->sum += (uint64_t)(len >> 16) + (len & 0xffff) + next;
}

uint16_t net_csum_result(const struct net_csum *c)
{
	uint64_t s = c->sum;

	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

uint16_t net_checksum(const void *data, size_t len)
{
	struct net_csum c;

	net_csum_init(&c);
	net_csum_add(&c, data, len);
	return net_csum_result(&c);
}

size_t net_iov_len(const struct net_iov *iov, size_t n)
{
	size_t len = 0;

	for (size_t i = 0; i < n; i++)
		len += iov[i].len;
	return len;
}

void net_iov_copy(void *dst, const struct net_iov *iov, size_t n, size_t off, size_t len)
{
	uint8_t *d = dst;

	for (size_t i = 0; i < n && len > 0; i++) {
		size_t take;

		if (off >= iov[i].len) {
			off -= iov[i].len;
			continue;
		}
		take = iov[i].len - off;
		if (take > len)
			take = len;
		memcpy(d, (const uint8_t *)iov[i].base + off, take);
		d += take;
		len -= take;
		off = 0;
	}
}

void net_csum_add_iov(struct net_csum *c, const struct net_iov *iov, size_t n)
{
	for (size_t i = 0; i < n; i++)
		net_csum_add(c, iov[i].base, iov[i].len);
}
