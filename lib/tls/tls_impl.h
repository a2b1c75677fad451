/* What the TLS library's files share: PEM decoding, key checks, the default entropy source. */
#ifndef FATA_LIB_TLS_IMPL_H
#define FATA_LIB_TLS_IMPL_H

#include <bearssl.h>
#include <fata/log.h>
#include <fata/tls.h>

extern struct fata_log_src tls_log;

/*
 * Calls fn(arg, name, der, len) for each PEM object of data[0..len) in order; `der` (malloc'd)
 * becomes fn's to free. Text outside objects is ignored. Returns the number of objects, -EINVAL
 * for a broken object (bad base64, missing END line), -ENOMEM, or fn's first negative return.
 */
int tls_pem_each(const void *data, size_t len,
		 int (*fn)(void *arg, const char *name, unsigned char *der, size_t len), void *arg);

/* The source used when fata_tls_config.entropy is NULL: getrandom(2) on unix, NULL elsewhere
 * (lib/tls/entropy_*.c, chosen by target). */
extern const fata_tls_entropy tls_default_entropy;

#endif
