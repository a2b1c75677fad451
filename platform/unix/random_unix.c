/* Entropy on unix: the host kernel's getrandom(2), which already mixes in the CPU's generator. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "platform.h"

long plat_random_host(void *buf, size_t len, char *why, size_t whylen)
{
	ssize_t n;

	if (len > PLAT_RANDOM_HOST_MAX)
		len = PLAT_RANDOM_HOST_MAX;
	do
		n = getrandom(buf, len, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		int e = errno;

		snprintf(why, whylen, "getrandom: %s", strerror(e));
		return -e;
	}
	return n;
}

int plat_random_cpu(uint64_t *out)
{
	(void)out;
	return -ENODEV;
}
