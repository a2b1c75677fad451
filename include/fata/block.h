/*
 * Block devices: an array of fixed-size sectors, read and written whole. On unix a host file
 * backs the device; on hvt and spt it is the tender's --block:NAME=PATH.
 *
 * Every call takes whole sectors: `len` MUST be a non-zero multiple of the sector size and the
 * range [sector, sector + len / sector_size) MUST lie within the device. Functions return 0 on
 * success or a negative errno:
 *   -EINVAL  len is zero or not a multiple of the sector size, or buf is NULL
 *   -ERANGE  the range reaches past the last sector
 *   -EROFS   a write or flush to a device that is not read_write
 *   -EIO     the host reported an error
 * A failed call changes nothing the caller can see except, for a failed write, the sectors it
 * was writing.
 */
#ifndef FATA_BLOCK_H
#define FATA_BLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fata_block;

struct fata_block_info {
	uint64_t sectors;	/* number of sectors */
	uint32_t sector_size;	/* bytes per sector, a power of two, at least 512 */
	bool read_write;	/* false when the backing file or image is read-only */
};

/* Describes the device. Never fails. */
void fata_block_info(struct fata_block *b, struct fata_block_info *info);

/* Reads len bytes starting at `sector` into buf. */
int fata_block_read(struct fata_block *b, uint64_t sector, void *buf, size_t len);

/* Writes len bytes from buf starting at `sector`. */
int fata_block_write(struct fata_block *b, uint64_t sector, const void *buf, size_t len);

/* Makes completed writes durable on the host. */
int fata_block_flush(struct fata_block *b);

/* The device's name as declared in config.ini. */
const char *fata_block_name(struct fata_block *b);

/*
 * For generated code: connects the block device `name`; on unix `file` is the backing file.
 * Logs why and returns NULL when the device cannot be had.
 */
struct fata_block *fata_block_connect(const char *name, const char *file);

/* Closes the device; `b` is invalid afterwards. Unikernels rarely need this: devices live as
 * long as the unikernel. */
void fata_block_disconnect(struct fata_block *b);

#endif
