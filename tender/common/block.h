/*
 * Block devices in the tenders: --block-sector-size: syntax, opening the file behind
 * --block:NAME=PATH, the size checks of a block request, and the seccomp rules for a block file.
 * The hypercalls of fata-hvt that use them are in tender/hvt/hvt_block.c; an spt guest makes the
 * system calls itself, within these rules.
 */
#ifndef FATA_TENDER_BLOCK_H
#define FATA_TENDER_BLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "mft_abi.h"
#include "opts.h"
#include "tender.h"

#define TENDER_MIN_SECTOR 512u
#define TENDER_MAX_SECTOR 32768u	/* block_size is a uint16_t in the manifest */

/*
 * Multi-block requests (HVT_FEATURE_BLOCK_MULTI, SPT_FEATURE_BLOCK_MULTI): block_size << j bytes,
 * at most TENDER_BLOCK_MULTI_MAX. The sandbox checks every such size as a rule of its own (about
 * 75 BPF instructions per device), so the tenders offer them only up to
 * TENDER_BLOCK_MULTI_DEVICES block devices; BPF programs hold at most 4096 instructions.
 */
#define TENDER_BLOCK_MULTI_MAX (256u * 1024)
#define TENDER_BLOCK_MULTI_DEVICES 32

struct tender_device;
struct tender_devkind;

/* The block kind's entry points for devices.c (open, manifest, banner, seccomp rules). */
extern const struct tender_devkind tender_block_kind;

/*
 * Checks --block-sector-size:NAME=N (`d->value`) and stores N in d->number: a power of two from
 * TENDER_MIN_SECTOR to TENDER_MAX_SECTOR. Returns 0, or -1 with a message in `err`.
 */
int tender_block_check_sector(struct tender_devopt *d, struct tender_err *err);

/*
 * The largest block request the tenders offer for the devices `mft` declares:
 * TENDER_BLOCK_MULTI_MAX, or 0 (one block per request) with more than TENDER_BLOCK_MULTI_DEVICES
 * block devices.
 */
uint32_t tender_block_max(const struct mft *mft);

/*
 * Whether the tender serves a request of `len` bytes at `offset` on `d`: len is block_size << j
 * and at most `max` (one block when max is 0), offset is block-aligned, and the request ends
 * within the capacity (overflow-safe).
 */
bool tender_block_request_ok(const struct tender_device *d, uint32_t max, uint64_t offset,
			     uint64_t len);

#endif
