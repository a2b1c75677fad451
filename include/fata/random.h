/*
 * Random: the entropy device a unikernel declares with `class = random`, a cryptographically
 * secure generator (ChaCha20 with fast key erasure, reseeded through SHA-256), seeded at start
 * from the host (getrandom on unix; on hvt and spt the seed the tender hands over) mixed with the
 * CPU's RDSEED/RDRAND where CPUID offers them. The network stack draws from the same generator.
 *
 * A unikernel that declares a random device or a direct network stack needs strong randomness:
 * where no source exists at all (a stock Solo5 tender on a CPU without RDRAND and RDSEED) it
 * refuses to start, with one line saying so and exit status 1. Nothing falls back to a weak
 * source.
 *
 * Every function may be called from any fiber; none blocks or fails once connected.
 */
#ifndef FATA_RANDOM_H
#define FATA_RANDOM_H

#include <stddef.h>
#include <stdint.h>

/* The generator. */
struct fata_random;

/* Fills `buf` with `len` random bytes (any length). */
void fata_random_bytes(struct fata_random *r, void *buf, size_t len);

/* A uniformly distributed 32-bit or 64-bit value. */
uint32_t fata_random_u32(struct fata_random *r);
uint64_t fata_random_u64(struct fata_random *r);

/* A uniformly distributed value in [0, bound) without modulo bias; 0 when bound is 0. */
uint32_t fata_random_uniform(struct fata_random *r, uint32_t bound);

/* Sources the generator was seeded from, as bits. */
#define FATA_RANDOM_HOST 0x1	/* unix: getrandom; hvt/spt: the tender's seed */
#define FATA_RANDOM_RDSEED 0x2	/* the CPU's RDSEED */
#define FATA_RANDOM_RDRAND 0x4	/* the CPU's RDRAND */
#define FATA_RANDOM_FIXED 0x8	/* fata_random_fix(): a fixed seed, for tests */

/* The FATA_RANDOM_* bits of the sources the generator was last seeded or reseeded from. */
unsigned fata_random_sources(const struct fata_random *r);

/*
 * Writes the sources as text ("host, rdseed, rdrand") into `buf` of `size` bytes (NUL-terminated,
 * truncated if need be) and returns `buf`.
 */
const char *fata_random_describe(const struct fata_random *r, char *buf, size_t size);

/*
 * For generated code: the random device `name`. Every device shares the library's one generator
 * (fata_random_default()). Returns NULL, after one error line, when there is no source.
 */
struct fata_random *fata_random_connect(const char *name);

/*
 * For the library (the network stack) and tests: the library's generator, seeded on first use
 * from every source the platform has. Returns NULL after logging one error line (source
 * `random`) when the platform has no source at all; the caller then refuses to start.
 */
struct fata_random *fata_random_default(void);

/*
 * For tests only: the generator ignores the CPU's RDSEED and RDRAND, as on a CPU without them.
 * The runtime calls it for the hidden option --x-random-without-cpu, so that a test can show the
 * refusal to start where no source exists (with a tender that hands over no seed). It can only
 * take a source away, never make the generator weaker without refusing.
 */
void fata_random_without_cpu(void);

/*
 * For tests only: makes `r` deterministic, seeded from `seed` alone and never reseeded from the
 * platform, so the same seed gives the same output. `r` may be fata_random_default()'s, before or
 * after its first use.
 */
void fata_random_fix(struct fata_random *r, const void *seed, size_t len);

#endif
