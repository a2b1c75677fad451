/* The ChaCha20 block function (RFC 8439, section 2.3), library-internal: the random generator's
 * keystream. */
#ifndef FATA_CRYPTO_CHACHA20_H
#define FATA_CRYPTO_CHACHA20_H

#include <stdint.h>

#define CHACHA20_KEY_LEN 32
#define CHACHA20_NONCE_LEN 12
#define CHACHA20_BLOCK_LEN 64

/*
 * Writes the 64-byte keystream block number `counter` of `key` and `nonce` to `out` (RFC 8439's
 * serialized block: the state words after the 20 rounds and the feed-forward, little-endian).
 */
void chacha20_block(const uint8_t key[CHACHA20_KEY_LEN], uint32_t counter,
		    const uint8_t nonce[CHACHA20_NONCE_LEN], uint8_t out[CHACHA20_BLOCK_LEN]);

#endif
