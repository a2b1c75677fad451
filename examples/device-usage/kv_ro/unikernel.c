/* kv_ro: reads the key "secret" and checks it against a known constant, as in MirageOS. */
#include <stdlib.h>
#include <string.h>

#include "fata/unikernel.h"

static const char expected[] = "foo\n";

int start(struct fata_kv *kv)
{
	void *data;
	size_t len;
	int err = fata_kv_get(kv, "secret", &data, &len);

	if (err < 0) {
		fata_warn("Could not read the key secret: %s", strerror(-err));
		return 1;
	}
	if (len != strlen(expected) || memcmp(data, expected, len) != 0) {
		fata_warn("Contents of extremely secret vital storage are not what we expected!");
		free(data);
		return 1;
	}
	fata_info("Contents of extremely secret vital storage confirmed!");
	free(data);
	return 0;
}
