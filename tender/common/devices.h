/*
 * Devices, the part every kind shares: matching the --block:/--net: options against the
 * manifest, opening what they name through the kind's module (block.h, net.h), the manifest copy
 * the guest gets with the devices' properties filled in, the banner lines and the seccomp rules.
 */
#ifndef FATA_TENDER_DEVICES_H
#define FATA_TENDER_DEVICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "block.h"
#include "mft_abi.h"
#include "net.h"
#include "opts.h"
#include "sandbox.h"
#include "tender.h"

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
	bool vnet;		/* net: open the tap with a virtio-net header and offloads */
};

struct tender_devices {
	unsigned n;		/* mft->entries */
	struct tender_device d[MFT_MAX_ENTRIES];
	uint32_t block_max;	/* largest block request: TENDER_BLOCK_MULTI_MAX, or 0 (one block) */
	bool net_offload;	/* every tap has a virtio-net header and offloads (NET_OFFLOAD) */
};

/*
 * What a device kind's module (block.c, net.c) gives devices.c; one per manifest type. Each
 * function gets the device of one manifest entry, whose options tender_devices_resolve() set.
 */
struct tender_devkind {
	uint32_t type;		/* MFT_DEV_* */
	const char *opt;	/* "block": --block:NAME=VALUE attaches it */
	const char *value;	/* what VALUE is, for messages: "PATH" */
	/* Opens the host side of entry `name` into d->fd, sets d->attached. 0, or -1 and `err`. */
	int (*open)(const char *name, struct tender_device *d, struct tender_err *err);
	/* Writes the device's properties into the guest's copy of its manifest entry. */
	void (*fill)(struct mft_entry *e, const struct tender_device *d);
	/* Prints the banner line of entry `name` on stderr. */
	void (*banner)(const char *name, const struct tender_device *d);
	/* Allows the system calls on d->fd that the guest's I/O needs (hvt and spt alike). */
	void (*sandbox)(scmp_filter_ctx ctx, const struct tender_device *d,
			const struct tender_devices *devs);
};

/*
 * Matches the device options in `o` against `mft` (from the binary `kernel`, for messages): each
 * name must be declared, with the option's type; every declared device must get a --block: or
 * --net:. Opens nothing. Returns 0, or -1 with a message in `err`.
 */
int tender_devices_resolve(const struct tender_opts *o, const struct mft *mft, const char *kernel,
			   struct tender_devices *devs, struct tender_err *err);

/*
 * Opens what tender_devices_resolve() matched, each through its kind's `open`: block files
 * (read-write, else read-only; the size must be a non-zero multiple of the sector size) and tap
 * devices (an existing tap interface through /dev/net/tun, or an open descriptor; made
 * non-blocking), reading each tap's MTU (falling back to TENDER_NET_MTU with a message in the
 * device's `note` when it cannot, and clamping it to TENDER_NET_MTU_MAX, also with a note) and
 * picking MAC addresses; sets `block_max`. When `net_offload` (the guest asked for the
 * NET_OFFLOAD extension and may have it), taps opened by name get a virtio-net header and
 * checksum and TSO offloads, and `net_offload` stays set only when every tap got them (a tap
 * handed over as a descriptor keeps the flags it was opened with). Returns 0, or -1 with a
 * message in `err`.
 */
int tender_devices_open(const struct mft *mft, struct tender_devices *devs, bool net_offload,
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

/*
 * Adds to `ctx` the system calls on every device's host descriptor that the guest's I/O needs
 * (each kind's `sandbox`). Dies on failure.
 */
void tender_devices_sandbox(scmp_filter_ctx ctx, const struct mft *mft,
			    const struct tender_devices *devs);

#endif
