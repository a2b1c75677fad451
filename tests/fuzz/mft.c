/*
 * Fuzz harness of the tenders' manifest check (tender/common/mft.c): the input is an MFT1 note's
 * manifest. An accepted one is searched for each of its names, which must be found where they
 * are, and for a name it cannot hold.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../tender/common/mft.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tender_err err;
	struct mft *m;

	if (tender_mft_check(data, size, &m, &err) < 0) {
		if (m != NULL)
			abort();
		return 0;
	}
	for (unsigned i = 1; i < m->entries; i++) {
		if (tender_mft_find(m, m->e[i].name) != (int)i)
			abort();	/* names are unique: each found at its own index */
		(void)tender_mft_type_name(m->e[i].type);
	}
	if (tender_mft_find(m, "") >= 1)
		abort();
	free(m);
	return 0;
}
