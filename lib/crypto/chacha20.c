/* The ChaCha20 block function, written from RFC 8439 section 2.3 (quarter round 2.1). */
#include <string.h>

#include "chacha20.h"

static uint32_t rol(uint32_t x, unsigned n)
{
	return x << n | x >> (32 - n);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

#define QR(a, b, c, d) \
	do { \
		a += b; d ^= a; d = rol(d, 16); \
		c += d; b ^= c; b = rol(b, 12); \
		a += b; d ^= a; d = rol(d, 8); \
		c += d; b ^= c; b = rol(b, 7); \
	} while (0)

void chacha20_block(const uint8_t key[CHACHA20_KEY_LEN], uint32_t counter,
		    const uint8_t nonce[CHACHA20_NONCE_LEN], uint8_t out[CHACHA20_BLOCK_LEN])
{
	uint32_t in[16], x[16];

	in[0] = 0x61707865;	/* "expand 32-byte k" */
	in[1] = 0x3320646e;
	in[2] = 0x79622d32;
	in[3] = 0x6b206574;
	for (int i = 0; i < 8; i++)
		in[4 + i] = le32(key + 4 * i);
	in[12] = counter;
	for (int i = 0; i < 3; i++)
		in[13 + i] = le32(nonce + 4 * i);
	memcpy(x, in, sizeof(x));
	for (int i = 0; i < 10; i++) {
		QR(x[0], x[4], x[8], x[12]);	/* columns */
		QR(x[1], x[5], x[9], x[13]);
		QR(x[2], x[6], x[10], x[14]);
		QR(x[3], x[7], x[11], x[15]);
		QR(x[0], x[5], x[10], x[15]);	/* diagonals */
		QR(x[1], x[6], x[11], x[12]);
		QR(x[2], x[7], x[8], x[13]);
		QR(x[3], x[4], x[9], x[14]);
	}
	for (int i = 0; i < 16; i++) {
		uint32_t v = x[i] + in[i];

		out[4 * i] = (uint8_t)v;
		out[4 * i + 1] = (uint8_t)(v >> 8);
		out[4 * i + 2] = (uint8_t)(v >> 16);
		out[4 * i + 3] = (uint8_t)(v >> 24);
	}
	/* The key words in x[] and in[] are secrets: leave none on the stack. */
	memset(x, 0, sizeof(x));
	memset(in, 0, sizeof(in));
	__asm__ __volatile__("" : : "r"(x), "r"(in) : "memory");
}
