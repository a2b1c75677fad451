/* The default entropy source of TLS on unix: the host kernel's getrandom(2). */
#include <errno.h>
#include <sys/random.h>

#include "tls_impl.h"

static int host_getrandom(void *ctx, void *buf, size_t len)
{
	unsigned char *p = buf;

	(void)ctx;
	while (len > 0) {
		ssize_t n = getrandom(p, len, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

const fata_tls_entropy tls_default_entropy = host_getrandom;
