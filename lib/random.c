/*
 * The random generator (include/fata/random.h): ChaCha20 keystream with fast key erasure, seeded
 * and reseeded through SHA-256 from the platform's sources (plat_random_host, plat_random_cpu).
 *
 * Output: the 32-byte key K gives RANDOM_BLOCKS ChaCha20 blocks (nonce 0, counters 0..); the
 * first 32 bytes become the next K and the rest is handed out, each byte wiped from the buffer as
 * it goes (Bernstein's "fast-key-erasure" generator). Whoever learns the state learns nothing
 * about output already given.
 *
 * (Re)seeding: K = SHA-256(label || K || host bytes || CPU values || clocks). Hashing rather
 * than XOR means that no source, however chosen, can cancel the others out; a source that
 * fails adds nothing but takes nothing away. The generator reseeds after RANDOM_RESEED_BYTES
 * of output or RANDOM_RESEED_NS, whichever comes first, at the next refill. On hvt and spt the
 * tender's seed is given once, so later reseeds draw on RDSEED/RDRAND (and the clocks) only.
 */
#include <fata/log.h>
#include <fata/random.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "crypto/chacha20.h"
#include "crypto/sha256.h"
#include "platform.h"

#define RANDOM_BLOCKS 16
#define RANDOM_BUF (RANDOM_BLOCKS * CHACHA20_BLOCK_LEN)
#define RANDOM_RESEED_BYTES (1ull << 20)
#define RANDOM_RESEED_NS (300 * PLAT_NS_PER_SEC)
#define RANDOM_CPU_WORDS 8	/* 64-bit values taken from the CPU per (re)seed */

struct fata_random {
	uint8_t key[CHACHA20_KEY_LEN];
	uint8_t buf[RANDOM_BUF];
	size_t avail;		/* unread bytes at the end of buf */
	uint64_t since_reseed;	/* bytes handed out since the last (re)seed */
	uint64_t reseed_at;	/* monotonic time of the next reseed */
	unsigned sources;	/* FATA_RANDOM_* of the last (re)seed that had any */
	bool seeded, fixed;
};

static struct fata_random the_generator;
static bool without_cpu;	/* fata_random_without_cpu() */

FATA_LOG_SOURCE(log_random, "random");

static void wipe(void *p, size_t len)
{
	memset(p, 0, len);
	__asm__ __volatile__("" : : "r"(p) : "memory");
}

/*
 * Mixes everything the platform has into the key; returns the FATA_RANDOM_* bits that gave
 * something, with a reason in `why` when the host failed.
 */
static unsigned mix_sources(struct fata_random *r, const char *label, char *why, size_t whylen)
{
	struct crypto_sha256 h;
	uint8_t host[PLAT_RANDOM_HOST_MAX];
	uint64_t word, clocks[2];
	unsigned got = 0;
	long n;

	crypto_sha256_init(&h);
	crypto_sha256_update(&h, label, strlen(label) + 1);
	crypto_sha256_update(&h, r->key, sizeof(r->key));
	n = plat_random_host(host, sizeof(host), why, whylen);
	if (n > 0) {
		crypto_sha256_update(&h, host, (size_t)n);
		got |= FATA_RANDOM_HOST;
	}
	for (int i = 0; i < RANDOM_CPU_WORDS && !without_cpu; i++) {
		int c = plat_random_cpu(&word);

		if (c < 0)
			break;
		crypto_sha256_update(&h, &word, sizeof(word));
		got |= c == PLAT_RANDOM_RDSEED ? FATA_RANDOM_RDSEED : FATA_RANDOM_RDRAND;
	}
	/* Not entropy one can count on, but it costs nothing and differs from run to run. */
	clocks[0] = plat_monotonic_ns();
	clocks[1] = plat_wall_ns();
	crypto_sha256_update(&h, clocks, sizeof(clocks));
	crypto_sha256_final(&h, r->key);
	wipe(host, sizeof(host));
	wipe(&word, sizeof(word));
	wipe(&h, sizeof(h));
	wipe(r->buf, sizeof(r->buf));
	r->avail = 0;
	r->since_reseed = 0;
	r->reseed_at = clocks[0] + RANDOM_RESEED_NS;
	return got;
}

static void refill(struct fata_random *r)
{
	static const uint8_t nonce[CHACHA20_NONCE_LEN];

	if (!r->fixed && (r->since_reseed >= RANDOM_RESEED_BYTES ||
			  plat_monotonic_ns() >= r->reseed_at)) {
		char why[128] = "";
		unsigned got = mix_sources(r, "fata random reseed", why, sizeof(why));

		if (got)
			r->sources = got;
	}
	for (uint32_t i = 0; i < RANDOM_BLOCKS; i++)
		chacha20_block(r->key, i, nonce, r->buf + i * CHACHA20_BLOCK_LEN);
	memcpy(r->key, r->buf, sizeof(r->key));
	wipe(r->buf, sizeof(r->key));
	r->avail = RANDOM_BUF - sizeof(r->key);
}

void fata_random_bytes(struct fata_random *r, void *buf, size_t len)
{
	uint8_t *out = buf;

	while (len) {
		size_t n;

		if (!r->avail)
			refill(r);
		n = len < r->avail ? len : r->avail;
		memcpy(out, r->buf + RANDOM_BUF - r->avail, n);
		wipe(r->buf + RANDOM_BUF - r->avail, n);
		r->avail -= n;
		r->since_reseed += n;
		out += n;
		len -= n;
	}
}

uint32_t fata_random_u32(struct fata_random *r)
{
	uint32_t v;

	fata_random_bytes(r, &v, sizeof(v));
	return v;
}

uint64_t fata_random_u64(struct fata_random *r)
{
	uint64_t v;

	fata_random_bytes(r, &v, sizeof(v));
	return v;
}

uint32_t fata_random_uniform(struct fata_random *r, uint32_t bound)
{
	uint32_t v, min;

	if (bound < 2)
		return 0;
	min = -bound % bound;	/* 2^32 mod bound: values below it would bias the result */
	do
		v = fata_random_u32(r);
	while (v < min);
	return v % bound;
}

unsigned fata_random_sources(const struct fata_random *r)
{
	return r->sources;
}

const char *fata_random_describe(const struct fata_random *r, char *buf, size_t size)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {
		{ FATA_RANDOM_HOST, "host" },
		{ FATA_RANDOM_RDSEED, "rdseed" },
		{ FATA_RANDOM_RDRAND, "rdrand" },
		{ FATA_RANDOM_FIXED, "fixed seed" },
	};
	size_t at = 0;

	if (!size)
		return buf;
	buf[0] = 0;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(r->sources & names[i].bit))
			continue;
		int n = snprintf(buf + at, size - at, "%s%s", at ? ", " : "", names[i].name);

		if (n < 0 || (size_t)n >= size - at)
			break;
		at += (size_t)n;
	}
	return buf;
}

struct fata_random *fata_random_default(void)
{
	struct fata_random *r = &the_generator;
	char why[128] = "";
	char names[64];
	unsigned got;

	if (r->seeded)
		return r;
	got = mix_sources(r, "fata random seed", why, sizeof(why));
	if (!got) {
		fata_log(&log_random, FATA_LOG_ERROR,
			 "no entropy source: %s%sthe tender handed over no seed (a stock Solo5 "
			 "tender, or --no-extensions) and the CPU offers neither RDSEED nor RDRAND; "
			 "this unikernel needs strong randomness and will not start", why,
			 why[0] ? "; " : "");
		wipe(r, sizeof(*r));
		return NULL;
	}
	r->sources = got;
	r->seeded = true;
	fata_log(&log_random, FATA_LOG_DEBUG, "seeded from %s",
		 fata_random_describe(r, names, sizeof(names)));
	return r;
}

struct fata_random *fata_random_connect(const char *name)
{
	struct fata_random *r = fata_random_default();
	char names[64];

	if (r)
		fata_log(&log_random, FATA_LOG_DEBUG, "%s: connected (%s)", name,
			 fata_random_describe(r, names, sizeof(names)));
	return r;
}

void fata_random_without_cpu(void)
{
	without_cpu = true;
}

void fata_random_fix(struct fata_random *r, const void *seed, size_t len)
{
	struct crypto_sha256 h;

	wipe(r, sizeof(*r));
	crypto_sha256_init(&h);
	crypto_sha256_update(&h, "fata random fixed", sizeof("fata random fixed"));
	crypto_sha256_update(&h, seed, len);
	crypto_sha256_final(&h, r->key);
	r->sources = FATA_RANDOM_FIXED;
	r->seeded = r->fixed = true;
}
