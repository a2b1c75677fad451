/* Checking a manifest from an untrusted binary, and looking devices up in it. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "mft.h"

const char *tender_mft_type_name(uint32_t type)
{
	switch (type) {
	case MFT_DEV_BLOCK_BASIC:
		return "block";
	case MFT_DEV_NET_BASIC:
		return "net";
	default:
		return "reserved";
	}
}

static bool all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

/* Checks entry `i` (not 0). The name is known to be NUL-terminated within the array. */
static int check_entry(const struct mft_entry *e, unsigned i, struct tender_err *err)
{
	size_t len = strlen(e->name);

	if (len == 0)
		return tender_fail(err, "manifest entry %u has an empty name", i);
	for (size_t k = 0; k < len; k++) {
		char c = e->name[k];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
			return tender_fail(err, "manifest entry %u: name has a character other "
					   "than letters and digits", i);
	}
	if (e->type != MFT_DEV_BLOCK_BASIC && e->type != MFT_DEV_NET_BASIC)
		return tender_fail(err, "manifest entry %u ('%s') has unknown type %u", i, e->name,
				   e->type);
	return 0;
}

int tender_mft_check(const uint8_t *desc, size_t size, struct mft **out, struct tender_err *err)
{
	uint32_t version, entries;
	struct mft *m;

	*out = NULL;
	if (size < 8)
		return tender_fail(err, "manifest note is %zu bytes, too short", size);
	memcpy(&version, desc, 4);
	memcpy(&entries, desc + 4, 4);
	if (version != MFT_VERSION)
		return tender_fail(err, "manifest version is %u, this tender reads version %u",
				   version, MFT_VERSION);
	if (entries < 1 || entries > MFT_MAX_ENTRIES)
		return tender_fail(err, "manifest has %u entries, must have 1 to %u", entries,
				   MFT_MAX_ENTRIES);
	if (size != MFT_SIZE(entries))
		return tender_fail(err, "manifest note holds %zu bytes, but %u entries take %u",
				   size, entries, MFT_SIZE(entries));

	m = malloc(size);
	if (!m)
		return tender_fail(err, "out of memory for the manifest");
	memcpy(m, desc, size);

	for (unsigned i = 0; i < entries; i++) {
		const struct mft_entry *e = &m->e[i];

		if (memchr(e->name, 0, sizeof e->name) == NULL) {
			tender_fail(err, "manifest entry %u: name is not NUL-terminated", i);
			goto bad;
		}
		if (!all_zero(&e->u, sizeof e->u) || !all_zero(&e->b, sizeof e->b) || e->attached) {
			tender_fail(err, "manifest entry %u has non-zero private fields", i);
			goto bad;
		}
		if (i == 0) {
			if (e->type != MFT_RESERVED_FIRST || e->name[0] != 0) {
				tender_fail(err, "manifest entry 0 is not the reserved entry");
				goto bad;
			}
			continue;
		}
		if (check_entry(e, i, err) < 0)
			goto bad;
		for (unsigned k = 1; k < i; k++) {
			if (strcmp(m->e[k].name, e->name) == 0) {
				tender_fail(err, "manifest declares device '%s' twice", e->name);
				goto bad;
			}
		}
	}
	*out = m;
	return 0;
bad:
	free(m);
	return -1;
}

int tender_mft_find(const struct mft *mft, const char *name)
{
	if (name[0] == 0)
		return -1;	/* entry 0 has an empty name and is not a device */
	for (unsigned i = 1; i < mft->entries; i++)
		if (strncmp(mft->e[i].name, name, sizeof mft->e[i].name) == 0)
			return (int)i;
	return -1;
}
