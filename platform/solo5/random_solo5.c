/*
 * Entropy on hvt and spt: the seed the tender handed over in the boot info (kept here by the boot
 * file until the library OS asks for it) and the CPU's RDSEED/RDRAND where CPUID offers them.
 * Both instructions work on general registers, so -mgeneral-regs-only code may use them.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "platform.h"
#include "solo5.h"

static uint8_t seed[PLAT_RANDOM_HOST_MAX];
static size_t seed_len;

void solo5_random_seed(const void *p, size_t len)
{
	if (len > sizeof(seed))
		len = sizeof(seed);
	memcpy(seed, p, len);
	seed_len = len;
}

long plat_random_host(void *buf, size_t len, char *why, size_t whylen)
{
	(void)why;
	(void)whylen;
	if (len > seed_len)
		len = seed_len;
	memcpy(buf, seed, len);
	/* Given out once: a later reader of guest memory finds nothing of it here. */
	memset(seed, 0, sizeof(seed));
	__asm__ __volatile__("" : : "r"(seed) : "memory");
	seed_len = 0;
	return (long)len;
}

static void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ __volatile__("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			     : "a"(leaf), "c"(sub));
}

/* 0: not yet asked; then bits 1 (RDSEED) and 2 (RDRAND) plus 0x80 (asked). */
static unsigned have;

static unsigned cpu_sources(void)
{
	uint32_t r[4];
	unsigned h = 0x80;

	cpuid(0, 0, r);
	if (r[0] >= 7) {
		uint32_t r7[4];

		cpuid(7, 0, r7);
		if (r7[1] & (1u << 18))
			h |= 1;
	}
	cpuid(1, 0, r);
	if (r[2] & (1u << 30))
		h |= 2;
	return h;
}

static bool rdseed(uint64_t *v)
{
	unsigned char ok;

	__asm__ __volatile__("rdseed %0; setc %1" : "=r"(*v), "=qm"(ok) : : "cc");
	return ok;
}

static bool rdrand(uint64_t *v)
{
	unsigned char ok;

	__asm__ __volatile__("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok) : : "cc");
	return ok;
}

int plat_random_cpu(uint64_t *out)
{
	if (!have)
		have = cpu_sources();
	/* RDSEED may run dry under load: a few tries, then RDRAND (Intel's DRNG guide retries
	 * RDRAND ten times; a failure beyond that means a broken generator). */
	if (have & 1) {
		for (int i = 0; i < 32; i++) {
			if (rdseed(out))
				return PLAT_RANDOM_RDSEED;
			__asm__ __volatile__("pause");
		}
	}
	if (have & 2) {
		for (int i = 0; i < 10; i++) {
			if (rdrand(out))
				return PLAT_RANDOM_RDRAND;
		}
		return -EIO;
	}
	return (have & 1) ? -EIO : -ENODEV;
}
