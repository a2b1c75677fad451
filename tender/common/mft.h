/* The manifest (MFT1 note) as the tenders check and use it. */
#ifndef FATA_TENDER_MFT_H
#define FATA_TENDER_MFT_H

#include <stddef.h>
#include <stdint.h>

#include "mft_abi.h"
#include "tender.h"

/*
 * Checks a manifest read from an MFT1 note (`desc` is the note's manifest, after the 4 bytes of
 * alignment padding, `size` bytes; it need not be aligned) and returns a malloc'ed, aligned copy
 * in *out (free() it). Rejects: a version other than MFT_VERSION, no entries or more than
 * MFT_MAX_ENTRIES, a size that is not exactly MFT_SIZE(entries), an entry 0 that is not the
 * reserved entry with an empty name, a name that is not 1..MFT_NAME_MAX letters and digits with
 * a NUL after it, an unknown type, non-zero private fields (u, b, attached) and duplicate names.
 * Returns 0, or -1 with a message (which does not name the file) in `err`.
 */
int tender_mft_check(const uint8_t *desc, size_t size, struct mft **out, struct tender_err *err);

/* The index of the entry called `name`, or -1. `name` may be any string. */
int tender_mft_find(const struct mft *mft, const char *name);

/* "block" for MFT_DEV_BLOCK_BASIC, "net" for MFT_DEV_NET_BASIC, else "reserved". */
const char *tender_mft_type_name(uint32_t type);

#endif
