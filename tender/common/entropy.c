/* The entropy extension: the guest's seed, read from the host before the sandbox (entropy.h). */
#include <errno.h>
#include <sys/random.h>

#include "entropy.h"
#include "tender.h"

void tender_entropy_read(void *buf, size_t len)
{
	ssize_t n;

	do
		n = getrandom(buf, len, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		tender_die_errno("getrandom for the guest's entropy seed");
	if ((size_t)n != len)	/* cannot happen for len <= 256 once the pool is ready */
		tender_die("getrandom gave %zd of %zu bytes for the guest's entropy seed", n, len);
}
