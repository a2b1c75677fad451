/*
 * fata-hvt's block hypercalls, BLOCK_WRITE and BLOCK_READ: pwrite/pread on the block file for
 * requests that tender_block_request_ok() accepts.
 */
#define _GNU_SOURCE
#include <unistd.h>

#include "hvt.h"
#include "solo5_abi.h"

_Static_assert(HVT_BLOCK_MULTI_MAX == TENDER_BLOCK_MULTI_MAX, "the ABI's limit is the tender's");

/* SOLO5_R_OK when the tender serves this request on `d`, else SOLO5_R_EINVAL. */
static int block_args(const struct hvt *h, const struct tender_device *d, uint64_t offset,
		      uint64_t len)
{
	return d && tender_block_request_ok(d, h->devs->block_max, offset, len) ? SOLO5_R_OK
										 : SOLO5_R_EINVAL;
}

void hvt_block_write(struct hvt *h, unsigned nr, uint64_t gpa)
{
	struct hvt_hc_block_write a;
	const struct tender_device *d;

	hvt_arg_in(h, nr, gpa, &a, sizeof a);
	d = hvt_device(h, a.handle, MFT_DEV_BLOCK_BASIC);
	a.ret = block_args(h, d, a.offset, a.len);
	if (a.ret == SOLO5_R_OK && d->readonly)
		a.ret = SOLO5_R_EINVAL;	/* see the TODO in block.c */
	if (a.ret == SOLO5_R_OK) {
		const void *data = hvt_guest_range(h, nr, "data", a.data, a.len);
		ssize_t n = pwrite(d->fd, data, a.len, (off_t)a.offset);

		a.ret = n == (ssize_t)a.len ? SOLO5_R_OK : SOLO5_R_EUNSPEC;
	}
	hvt_arg_out(h, nr, gpa, &a, sizeof a);
}

void hvt_block_read(struct hvt *h, unsigned nr, uint64_t gpa)
{
	struct hvt_hc_block_read a;
	const struct tender_device *d;

	hvt_arg_in(h, nr, gpa, &a, sizeof a);
	d = hvt_device(h, a.handle, MFT_DEV_BLOCK_BASIC);
	a.ret = block_args(h, d, a.offset, a.len);
	if (a.ret == SOLO5_R_OK) {
		void *data = hvt_guest_range_w(h, nr, "data", a.data, a.len);
		ssize_t n = pread(d->fd, data, a.len, (off_t)a.offset);

		a.ret = n == (ssize_t)a.len ? SOLO5_R_OK : SOLO5_R_EUNSPEC;
	}
	hvt_arg_out(h, nr, gpa, &a, sizeof a);
}
