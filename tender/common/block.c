/* Block devices in the tenders (block.h): a file attached with --block:NAME=PATH. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "block.h"
#include "devices.h"

typedef unsigned long long ull;

int tender_block_check_sector(struct tender_devopt *d, struct tender_err *err)
{
	if (tender_parse_number(d->value, UINT64_MAX, &d->number) < 0 ||
	    d->number < TENDER_MIN_SECTOR || d->number > TENDER_MAX_SECTOR ||
	    (d->number & (d->number - 1)))
		return tender_fail(err, "%s: the sector size must be a power of two from %u to %u",
				   d->arg, TENDER_MIN_SECTOR, TENDER_MAX_SECTOR);
	return 0;
}

uint32_t tender_block_max(const struct mft *mft)
{
	unsigned n = 0;

	for (unsigned i = 1; i < mft->entries; i++)
		n += mft->e[i].type == MFT_DEV_BLOCK_BASIC;
	return n <= TENDER_BLOCK_MULTI_DEVICES ? TENDER_BLOCK_MULTI_MAX : 0;
}

bool tender_block_request_ok(const struct tender_device *d, uint32_t max, uint64_t offset,
			     uint64_t len)
{
	uint64_t n = d->block_size;

	while (n < len && n * 2 <= max)
		n *= 2;
	return len == n && offset % d->block_size == 0 && offset < d->capacity &&
	       len <= d->capacity - offset;
}

static int block_open(const char *name, struct tender_device *d, struct tender_err *err)
{
	const char *path = d->opt->value;
	struct stat st;
	off_t size;

	d->block_size = d->sector ? (uint16_t)d->sector->number : TENDER_MIN_SECTOR;
	d->fd = open(path, O_RDWR | O_CLOEXEC);
	if (d->fd < 0 && (errno == EACCES || errno == EROFS || errno == EPERM)) {
		/*
		 * Solo5's block_basic has no read-only flag, so the guest is not told: its writes
		 * fail with SOLO5_R_EINVAL (hvt) or EBADF from the host (spt).
		 * TODO: advertise read-only devices with a manifest feature bit once the ABI has one.
		 */
		d->fd = open(path, O_RDONLY | O_CLOEXEC);
		d->readonly = true;
	}
	if (d->fd < 0)
		return tender_fail(err, "%s: %s: %s", d->opt->arg, path, strerror(errno));
	if (fstat(d->fd, &st) < 0)
		return tender_fail(err, "%s: %s: %s", d->opt->arg, path, strerror(errno));
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
		return tender_fail(err, "%s: %s is not a regular file or a block device",
				   d->opt->arg, path);
	size = lseek(d->fd, 0, SEEK_END);
	if (size < 0)
		return tender_fail(err, "%s: %s: %s", d->opt->arg, path, strerror(errno));
	if (size == 0)
		return tender_fail(err, "%s: %s is empty; block device '%s' needs at least one "
				   "sector", d->opt->arg, path, name);
	if ((uint64_t)size % d->block_size)
		return tender_fail(err, "%s: %s has %llu bytes, not a multiple of the sector size "
				   "%u", d->opt->arg, path, (ull)size, d->block_size);
	d->capacity = (uint64_t)size;
	d->attached = true;
	return 0;
}

static void block_fill(struct mft_entry *e, const struct tender_device *d)
{
	e->u.block_basic.capacity = d->capacity;
	e->u.block_basic.block_size = d->block_size;
}

static void block_banner(const char *name, const struct tender_device *d)
{
	fprintf(stderr, "%s:   block %s: %s, %llu sectors of %u bytes%s\n", tender_name, name,
		d->opt->value, (ull)(d->capacity / d->block_size), d->block_size,
		d->readonly ? ", read-only" : "");
}

/*
 * pread64 and pwrite64 on the block file: block_size << j bytes per call up to devs->block_max
 * (one block when 0), each size with offset <= capacity - size, so no call reaches past the
 * capacity (a regular file would grow). A read-only file was opened O_RDONLY: its writes fail
 * with EBADF.
 */
static void block_sandbox(scmp_filter_ctx ctx, const struct tender_device *d,
			  const struct tender_devices *devs)
{
	uint64_t top = devs->block_max > d->block_size ? devs->block_max : d->block_size;

	if (top > d->capacity)
		top = d->capacity;	/* a multiple of block_size, so one block always fits */
	for (uint64_t n = d->block_size; n <= top; n *= 2) {
		struct scmp_arg_cmp c[3] = {
			tender_arg(0, SCMP_CMP_EQ, (scmp_datum_t)d->fd),
			tender_arg(2, SCMP_CMP_EQ, n),
			tender_arg(3, SCMP_CMP_LE, d->capacity - n),
		};

		tender_sandbox_allow(ctx, "pread64(block)", SCMP_SYS(pread64), 3, c);
		tender_sandbox_allow(ctx, "pwrite64(block)", SCMP_SYS(pwrite64), 3, c);
	}
}

const struct tender_devkind tender_block_kind = {
	.type = MFT_DEV_BLOCK_BASIC,
	.opt = "block",
	.value = "PATH",
	.open = block_open,
	.fill = block_fill,
	.banner = block_banner,
	.sandbox = block_sandbox,
};
