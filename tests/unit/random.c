/* Unit tests of the random generator (lib/random.c) and its primitives: ChaCha20 (RFC 8439),
 * SHA-256 (FIPS 180-4), the fixed-seed output, uniform ranges and the unix sources. */
#include <fata/random.h>
#include <fata/runtime.h>

#include <stdio.h>
#include <string.h>

#include "../../lib/crypto/chacha20.h"
#include "../../lib/crypto/sha256.h"
#include "tap.h"

static struct fata_key no_keys[1];
const struct fata_unikernel fata_unikernel = { .name = "test", .keys = no_keys };

static const char *hex(const uint8_t *p, size_t len)
{
	static char s[2 * 128 + 1];

	for (size_t i = 0; i < len && i < 128; i++)
		snprintf(s + 2 * i, 3, "%02x", p[i]);
	return s;
}

static void test_chacha20(void)
{
	uint8_t key[32], nonce[12] = { 0, 0, 0, 9, 0, 0, 0, 0x4a, 0, 0, 0, 0 }, out[64];

	/* RFC 8439 2.3.2: key 00..1f, nonce 000000090000004a00000000, counter 1. */
	for (int i = 0; i < 32; i++)
		key[i] = (uint8_t)i;
	chacha20_block(key, 1, nonce, out);
	is_str(hex(out, 64), "10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e"
	       "d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e",
	       "ChaCha20 block, RFC 8439 2.3.2");
	/* RFC 8439 A.1, test vectors 1 and 2: all-zero key and nonce, counters 0 and 1. */
	memset(key, 0, sizeof(key));
	memset(nonce, 0, sizeof(nonce));
	chacha20_block(key, 0, nonce, out);
	is_str(hex(out, 64), "76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7"
	       "da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586",
	       "ChaCha20 block, RFC 8439 A.1 #1");
	chacha20_block(key, 1, nonce, out);
	is_str(hex(out, 64), "9f07e7be5551387a98ba977c732d080dcb0f29a048e3656912c6533e32ee7aed"
	       "29b721769ce64e43d57133b074d839d531ed1f28510afb45ace10a1f4b794d6f",
	       "ChaCha20 block, RFC 8439 A.1 #2");
}

static void test_sha256(void)
{
	struct crypto_sha256 h;
	uint8_t d[32];
	const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

	crypto_sha256_init(&h);
	crypto_sha256_update(&h, "abc", 3);
	crypto_sha256_final(&h, d);
	is_str(hex(d, 32), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	       "SHA-256 \"abc\" (FIPS 180-4 example)");
	crypto_sha256_init(&h);
	crypto_sha256_update(&h, m, strlen(m));
	crypto_sha256_final(&h, d);
	is_str(hex(d, 32), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
	       "SHA-256 two-block message (FIPS 180-4 example)");
}

/*
 * The generator's construction with a fixed seed: key = SHA-256("fata random fixed\0" || seed),
 * 16 ChaCha20 blocks per refill, the first 32 bytes the next key. Expected values computed
 * independently (openssl's chacha20 and Python's hashlib), see docs/architecture.md.
 */
static void test_fixed(void)
{
	struct fata_random *r = fata_random_default();
	static uint8_t a[2048], b[2048];
	char names[64];

	fata_random_fix(r, "test", 4);
	fata_random_bytes(r, a, sizeof(a));
	is_str(hex(a, 32), "043de73cf0b90f8c0a950c9e5bb59ddd3a04d7719cc2f78aadaa1df3d78b8a27",
	       "fixed seed: the first 32 bytes");
	is_str(hex(a + 992, 32), "7da3e3087d21cc82d70131ce92e6e7d32b84192f95de92f22227769f71a10938",
	       "fixed seed: bytes 992-1023 come from the erased-and-replaced key");
	is_str(fata_random_describe(r, names, sizeof(names)), "fixed seed", "describe: fixed seed");
	fata_random_fix(r, "test", 4);
	for (size_t i = 0; i < sizeof(b); i += 7)
		fata_random_bytes(r, b + i, sizeof(b) - i < 7 ? sizeof(b) - i : 7);
	ok(memcmp(a, b, sizeof(a)) == 0, "reading in pieces gives the same stream");
	fata_random_fix(r, "tesu", 4);
	fata_random_bytes(r, b, 32);
	ok(memcmp(a, b, 32) != 0, "another seed, another stream");
}

static void test_uniform(struct fata_random *r)
{
	unsigned seen[6] = { 0 }, bad = 0, all = 1;

	is_int(fata_random_uniform(r, 0), 0, "uniform(0) is 0");
	is_int(fata_random_uniform(r, 1), 0, "uniform(1) is 0");
	for (int i = 0; i < 6000; i++) {
		uint32_t v = fata_random_uniform(r, 6);

		if (v >= 6)
			bad++;
		else
			seen[v]++;
	}
	for (int i = 0; i < 6; i++)
		all &= seen[i] > 800 && seen[i] < 1200;
	ok(!bad && all, "uniform(6): 6000 throws within range, each face 800-1200 times");
	ok(fata_random_uniform(r, 0x80000001u) <= 0x80000000u, "uniform near 2^31");
}

int main(void)
{
	struct fata_random *r;
	uint8_t a[32], b[32];
	char names[64];

	test_chacha20();
	test_sha256();
	r = fata_random_default();
	ok(r != NULL, "unix: the default generator is seeded");
	if (!r)
		return tap_done();
	ok(fata_random_sources(r) & FATA_RANDOM_HOST, "unix: seeded from the host (getrandom)");
	is_str(fata_random_describe(r, names, sizeof(names)), "host", "describe: host");
	fata_random_describe(r, names, 3);
	is_str(names, "ho", "describe truncates to the buffer");
	ok(fata_random_connect("rng") == r, "a random device is the default generator");
	fata_random_bytes(r, a, sizeof(a));
	fata_random_bytes(r, b, sizeof(b));
	ok(memcmp(a, b, sizeof(a)) != 0, "two reads differ");
	ok(fata_random_u64(r) != fata_random_u64(r), "two u64 differ");
	fata_random_without_cpu();
	ok(fata_random_default() == r, "without the CPU, unix still has the host");
	test_uniform(r);
	test_fixed();
	return tap_done();
}
