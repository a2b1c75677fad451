/* Device lookup in the manifest the Solo5 tender handed over: handles are manifest indices. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "mft_abi.h"
#include "platform.h"
#include "solo5.h"

/* Finds the entry `name` of `type`; returns its index or a negative errno with a reason. */
int solo5_device_find(const char *name, uint32_t type, const struct mft_entry **entry, char *why,
		      size_t whylen)
{
	const struct mft *m = solo5_manifest();

	for (uint32_t i = 1; m && i < m->entries && i < MFT_MAX_ENTRIES; i++) {
		const struct mft_entry *e = &m->e[i];

		if (strncmp(e->name, name, MFT_NAME_SIZE) != 0)
			continue;
		if (e->type != type) {
			snprintf(why, whylen, "manifest entry %s is not of the expected type", name);
			return -EINVAL;
		}
		if (!e->attached) {
			snprintf(why, whylen, "%s is not attached by the tender", name);
			return -ENODEV;
		}
		*entry = e;
		return (int)i;
	}
	snprintf(why, whylen, "no device %s in the manifest", name);
	return -ENOENT;
}
