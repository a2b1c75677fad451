/* Prints where the random generator was seeded from, then random bytes, numbers and dice. */
#include <inttypes.h>
#include <stdio.h>

#include "fata/unikernel.h"

int start(struct fata_random *rng)
{
	char sources[64], hex[2 * 32 + 1];
	uint8_t bytes[32];
	int64_t count = fata_key_count();

	if (count < 1 || count > 64) {
		fata_err("--count=%" PRId64 ": expected 1 to 64", count);
		return 1;
	}
	fata_info("using ChaCha20 (fast key erasure), entropy sources: %s",
		  fata_random_describe(rng, sources, sizeof(sources)));
	for (int64_t i = 0; i < count; i++) {
		fata_random_bytes(rng, bytes, sizeof(bytes));
		for (size_t j = 0; j < sizeof(bytes); j++)
			snprintf(hex + 2 * j, 3, "%02x", bytes[j]);
		fata_info("32 random bytes: %s", hex);
	}
	for (int64_t i = 0; i < count; i++)
		fata_info("random u32: %" PRIu32 ", random u64: %" PRIu64, fata_random_u32(rng),
			  fata_random_u64(rng));
	for (int64_t i = 0; i < count; i++) {
		char dice[3 * 10 + 1];

		for (int j = 0; j < 10; j++)
			snprintf(dice + 2 * j, 3, "%" PRIu32 " ", fata_random_uniform(rng, 6) + 1);
		dice[19] = 0;
		fata_info("ten dice: %s", dice);
	}
	return 0;
}
