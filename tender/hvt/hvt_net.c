/*
 * fata-hvt's network hypercalls, NET_WRITE and NET_READ: one Ethernet frame written to or read
 * from the tap (non-blocking) per call.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <unistd.h>

#include "hvt.h"
#include "solo5_abi.h"

void hvt_net_write(struct hvt *h, unsigned nr, uint64_t gpa)
{
	struct hvt_hc_net_write a;
	const struct tender_device *d;

	hvt_arg_in(h, nr, gpa, &a, sizeof a);
	d = hvt_device(h, a.handle, MFT_DEV_NET_BASIC);
	/* With NET_OFFLOAD a frame may be a 64 KiB TCP segment for the host to cut, after its header. */
	if (!d || a.len > (d->vnet ? SOLO5_VNET_HDR_LEN + SOLO5_VNET_FRAME_MAX
				   : (uint64_t)d->mtu + SOLO5_ETHER_HEADER)) {
		a.ret = SOLO5_R_EINVAL;
	} else {
		const void *data = hvt_guest_range(h, nr, "data", a.data, a.len);
		ssize_t n = write(d->fd, data, a.len);

		/* A full tap queue drops the frame, as a busy wire would. */
		if (n == (ssize_t)a.len || (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)))
			a.ret = SOLO5_R_OK;
		else
			a.ret = SOLO5_R_EUNSPEC;
	}
	hvt_arg_out(h, nr, gpa, &a, sizeof a);
}

void hvt_net_read(struct hvt *h, unsigned nr, uint64_t gpa)
{
	struct hvt_hc_net_read a;
	const struct tender_device *d;

	hvt_arg_in(h, nr, gpa, &a, sizeof a);
	d = hvt_device(h, a.handle, MFT_DEV_NET_BASIC);
	if (!d) {
		a.ret = SOLO5_R_EINVAL;
	} else {
		void *data = hvt_guest_range_w(h, nr, "data", a.data, a.len);
		ssize_t n = read(d->fd, data, a.len);

		if (n >= 0) {
			a.len = (uint64_t)n;
			a.ret = SOLO5_R_OK;
		} else {
			a.ret = errno == EAGAIN || errno == EWOULDBLOCK ? SOLO5_R_AGAIN
								       : SOLO5_R_EUNSPEC;
		}
	}
	hvt_arg_out(h, nr, gpa, &a, sizeof a);
}
