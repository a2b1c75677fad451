/* SHA-256 (FIPS 180-4), library-internal: the kv stores' digests and the random generator's mixing. */
#ifndef FATA_CRYPTO_SHA256_H
#define FATA_CRYPTO_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define CRYPTO_SHA256_LEN 32

/* A hash in progress; init, any number of updates, then final. */
struct crypto_sha256 {
	uint32_t h[8];
	uint64_t bytes;
	uint8_t buf[64];
	size_t fill;
};

/* Starts a new hash in `s`. */
void crypto_sha256_init(struct crypto_sha256 *s);

/* Adds `len` bytes at `data` (any length, any number of calls). */
void crypto_sha256_update(struct crypto_sha256 *s, const void *data, size_t len);

/* Writes the 32-byte digest of everything added to `out`; `s` must be initialised again after. */
void crypto_sha256_final(struct crypto_sha256 *s, uint8_t out[32]);

#endif
