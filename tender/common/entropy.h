/* The entropy extension (HVT_FEATURE_ENTROPY / SPT_FEATURE_ENTROPY): the seed a tender hands the
 * guest in its boot info. */
#ifndef TENDER_ENTROPY_H
#define TENDER_ENTROPY_H

#include <stddef.h>

/*
 * Fills `buf` with `len` (at most 256) secret bytes from the host's getrandom(2), waiting until
 * the kernel's pool is initialised. Called before the sandbox, which does not allow getrandom.
 * Exits with a one-line error (status 1) when the host cannot give them.
 */
void tender_entropy_read(void *buf, size_t len);

#endif
