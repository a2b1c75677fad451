/*
 * The default entropy source of TLS on every target: the library's random generator
 * (include/fata/random.h), seeded from the host and the CPU. Where it has no source, TLS refuses
 * to start instead of falling back to anything weaker.
 */
#include <errno.h>

#include <fata/random.h>

#include "tls_impl.h"

static int library_random(void *ctx, void *buf, size_t len)
{
	struct fata_random *r = fata_random_default();

	(void)ctx;
	if (!r)
		return -ENODEV;
	fata_random_bytes(r, buf, len);
	return 0;
}

const fata_tls_entropy tls_default_entropy = library_random;
