/*
 * Devices: matching the --block:/--net: options against the manifest, opening block files and
 * tap devices, and the manifest copy the guest gets with the devices' properties filled in.
 */
#ifndef FATA_TENDER_DEVICES_H
#define FATA_TENDER_DEVICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mft_abi.h"
#include "opts.h"
#include "tender.h"

/*
 * A net device's MTU is its tap's (SIOCGIFMTU), as with Solo5; the guest accepts and sends frames
 * of up to MTU + 14 bytes. TENDER_NET_MTU is what the guest is told when the tap's MTU cannot be
 * read (a tap handed over as a descriptor from another network namespace). The largest MTU keeps
 * such a frame's length within 16 bits; the smallest is IPv4's (RFC 791), also Linux's for a tap.
 */
#define TENDER_NET_MTU 1500u
#define TENDER_NET_MTU_MIN 68u
#define TENDER_NET_MTU_MAX (65535u - 14)

/* One manifest entry's attachment; the index is the handle. */
struct tender_device {
	bool attached;
	bool readonly;		/* block: the file could only be opened read-only */
	int fd;			/* block file or tap; -1 when not (yet) open */
	const struct tender_devopt *opt;	/* --block: or --net: */
	const struct tender_devopt *sector;	/* --block-sector-size:, or NULL */
	const struct tender_devopt *mac_opt;	/* --net-mac:, or NULL */
	uint64_t capacity;	/* block: bytes, a multiple of block_size */
	uint16_t block_size;	/* block */
	uint8_t mac[6];		/* net */
	uint16_t mtu;		/* net: the tap's, or TENDER_NET_MTU when it cannot be read */
	char note[200];		/* net: why the MTU is not the tap's own, or "" */
};

struct tender_devices {
	unsigned n;		/* mft->entries */
	struct tender_device d[MFT_MAX_ENTRIES];
	uint32_t block_max;	/* largest block request: TENDER_BLOCK_MULTI_MAX, or 0 (one block) */
};

/*
 * Multi-block requests (HVT_FEATURE_BLOCK_MULTI, SPT_FEATURE_BLOCK_MULTI): block_size << j bytes,
 * at most TENDER_BLOCK_MULTI_MAX. The sandbox checks every such size as a rule of its own (about
 * 75 BPF instructions per device), so the tenders offer them only up to
 * TENDER_BLOCK_MULTI_DEVICES block devices; BPF programs hold at most 4096 instructions.
 */
#define TENDER_BLOCK_MULTI_MAX (256u * 1024)
#define TENDER_BLOCK_MULTI_DEVICES 32

/*
 * Whether the tender serves a request of `len` bytes at `offset` on `d`: len is block_size << j
 * and at most `max` (one block when max is 0), offset is block-aligned, and the request ends
 * within the capacity (overflow-safe).
 */
bool tender_block_request_ok(const struct tender_device *d, uint32_t max, uint64_t offset,
			     uint64_t len);

/*
 * Matches the device options in `o` against `mft` (from the binary `kernel`, for messages): each
 * name must be declared, with the option's type; every declared device must get a --block: or
 * --net:. Opens nothing. Returns 0, or -1 with a message in `err`.
 */
int tender_devices_resolve(const struct tender_opts *o, const struct mft *mft, const char *kernel,
			   struct tender_devices *devs, struct tender_err *err);

/*
 * Opens what tender_devices_resolve() matched: block files (read-write, else read-only; the size
 * must be a non-zero multiple of the sector size) and tap devices (an existing tap interface
 * through /dev/net/tun, or an open descriptor; made non-blocking), reads each tap's MTU (falling
 * back to TENDER_NET_MTU with a message in the device's `note` when it cannot, and clamping it to
 * TENDER_NET_MTU_MAX, also with a note), picks MAC addresses, and sets `block_max`. Returns 0, or
 * -1 with a message in `err`.
 */
int tender_devices_open(const struct mft *mft, struct tender_devices *devs,
			struct tender_err *err);

/*
 * Writes the guest's copy of the manifest (mft_size bytes) to `out`: each device's properties
 * filled in and `attached` set; b.hostfd is the host descriptor when `with_hostfd` (spt, whose
 * guest makes the system calls itself) and 0 otherwise.
 */
void tender_mft_fill(const struct mft *mft, size_t mft_size, const struct tender_devices *devs,
		     bool with_hostfd, void *out);

/*
 * Prints the banner and the guest memory map on stderr: segments as text/rodata/data, the heap
 * and stack above them, and the devices.
 */
struct tender_image;
void tender_print_banner(const char *target, const char *kernel, const struct tender_image *img,
			 uint64_t mem_size, const struct mft *mft,
			 const struct tender_devices *devs);

#endif
