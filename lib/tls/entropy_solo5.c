/* hvt and spt have no default entropy source for TLS: the unikernel must pass one (random device). */
#include "tls_impl.h"

const fata_tls_entropy tls_default_entropy = NULL;
