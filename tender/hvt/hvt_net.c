/*
 * fata-hvt's network hypercalls: NET_WRITE and NET_READ move one Ethernet frame to or from the tap
 * (non-blocking) per call; NET_WRITEV and NET_READV (HVT_FEATURE_NET_BATCH) up to
 * HVT_NET_BATCH_MAX of them per exit, each checked as the single calls check theirs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "hvt.h"
#include "solo5_abi.h"

/* Sends one frame of `len` bytes at guest `gpa`; a SOLO5_R_* result. */
static int32_t write_frame(struct hvt *h, unsigned nr, const struct tender_device *d,
			   uint64_t gpa, uint64_t len)
{
	const void *data;
	ssize_t n;

	/* With NET_OFFLOAD a frame may be a 64 KiB TCP segment for the host to cut, after its header. */
	if (len > (d->vnet ? SOLO5_VNET_HDR_LEN + SOLO5_VNET_FRAME_MAX
			   : (uint64_t)d->mtu + SOLO5_ETHER_HEADER))
		return SOLO5_R_EINVAL;
	data = hvt_guest_range(h, nr, "data", gpa, len);
	n = write(d->fd, data, len);
	/* A full tap queue drops the frame, as a busy wire would. */
	if (n == (ssize_t)len || (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)))
		return SOLO5_R_OK;
	return SOLO5_R_EUNSPEC;
}

/* Reads one frame into the `*len` bytes at guest `gpa`, setting *len to its size. */
static int32_t read_frame(struct hvt *h, unsigned nr, const struct tender_device *d,
			  uint64_t gpa, uint64_t *len)
{
	void *data = hvt_guest_range_w(h, nr, "data", gpa, *len);
	ssize_t n = read(d->fd, data, *len);

	if (n >= 0) {
		*len = (uint64_t)n;
		return SOLO5_R_OK;
	}
	return errno == EAGAIN || errno == EWOULDBLOCK ? SOLO5_R_AGAIN : SOLO5_R_EUNSPEC;
}

void hvt_net_write(struct hvt *h, unsigned nr, uint64_t gpa)
{
	struct hvt_hc_net_write a;
	const struct tender_device *d;

	hvt_arg_in(h, nr, gpa, &a, sizeof a);
	d = hvt_device(h, a.handle, MFT_DEV_NET_BASIC);
	a.ret = d ? write_frame(h, nr, d, a.data, a.len) : SOLO5_R_EINVAL;
	hvt_arg_out(h, nr, gpa, &a, sizeof a);
}

void hvt_net_read(struct hvt *h, unsigned nr, uint64_t gpa)
{
	struct hvt_hc_net_read a;
	const struct tender_device *d;

	hvt_arg_in(h, nr, gpa, &a, sizeof a);
	d = hvt_device(h, a.handle, MFT_DEV_NET_BASIC);
	a.ret = d ? read_frame(h, nr, d, a.data, &a.len) : SOLO5_R_EINVAL;
	hvt_arg_out(h, nr, gpa, &a, sizeof a);
}

/*
 * The array of a NET_READV or NET_WRITEV: its count checked, every frame's range checked before
 * any frame moves (a bad one stops the guest with nothing half done), copied into `f`. Returns
 * the device, or NULL (EINVAL) for a bad handle.
 */
static const struct tender_device *batch_in(struct hvt *h, unsigned nr,
					    const struct hvt_hc_net_batch *a,
					    struct hvt_net_frame f[HVT_NET_BATCH_MAX], bool into)
{
	const struct tender_device *d = hvt_device(h, a->handle, MFT_DEV_NET_BASIC);

	if (a->count == 0 || a->count > HVT_NET_BATCH_MAX)
		hvt_guest_error("hypercall %s: count %llu is not 1..%u", nr == HVT_HYPERCALL_NET_READV ?
				"NET_READV" : "NET_WRITEV", (unsigned long long)a->count,
				HVT_NET_BATCH_MAX);
	/* The array is written back: it must be writable guest memory. */
	memcpy(f, hvt_guest_range_w(h, nr, "the frame array", a->frames, a->count * sizeof(*f)),
	       a->count * sizeof(*f));
	for (uint64_t i = 0; d && i < a->count; i++) {
		if (into)
			hvt_guest_range_w(h, nr, "data", f[i].data, f[i].len);
		else
			hvt_guest_range(h, nr, "data", f[i].data, f[i].len);
	}
	return d;
}

/* Writes the frames' results back and counts the exit (unless `calls` is NULL: a bad handle),
 * then the hypercall's own result. */
static void batch_out(struct hvt *h, unsigned nr, uint64_t gpa, const struct hvt_hc_net_batch *a,
		      const struct hvt_net_frame *f, uint64_t *calls, uint64_t *frames,
		      uint64_t *most)
{
	if (calls) {
		memcpy(hvt_guest_range_w(h, nr, "the frame array", a->frames, a->count * sizeof(*f)),
		       f, a->count * sizeof(*f));
		++*calls;
		*frames += a->done;
		if (a->done > *most)
			*most = a->done;
	}
	hvt_arg_out(h, nr, gpa, a, sizeof *a);
}

void hvt_net_writev(struct hvt *h, unsigned nr, uint64_t gpa)
{
	struct hvt_net_frame f[HVT_NET_BATCH_MAX];
	struct hvt_hc_net_batch a;
	const struct tender_device *d;

	hvt_arg_in(h, nr, gpa, &a, sizeof a);
	d = batch_in(h, nr, &a, f, false);
	a.done = 0;
	a.ret = d ? SOLO5_R_OK : SOLO5_R_EINVAL;
	for (uint64_t i = 0; d && i < a.count; i++) {
		f[i].ret = write_frame(h, nr, d, f[i].data, f[i].len);
		if (f[i].ret != SOLO5_R_OK && a.ret == SOLO5_R_OK)
			a.ret = f[i].ret;
		a.done++;
	}
	batch_out(h, nr, gpa, &a, f, d ? &h->net_stats.writev : NULL, &h->net_stats.frames_out,
		  &h->net_stats.most_out);
}

void hvt_net_readv(struct hvt *h, unsigned nr, uint64_t gpa)
{
	struct hvt_net_frame f[HVT_NET_BATCH_MAX];
	struct hvt_hc_net_batch a;
	const struct tender_device *d;

	hvt_arg_in(h, nr, gpa, &a, sizeof a);
	d = batch_in(h, nr, &a, f, true);
	a.done = 0;
	a.ret = d ? SOLO5_R_OK : SOLO5_R_EINVAL;
	while (d && a.done < a.count) {
		struct hvt_net_frame *p = &f[a.done];

		p->ret = read_frame(h, nr, d, p->data, &p->len);
		if (p->ret != SOLO5_R_OK) {
			if (a.done == 0)
				a.ret = p->ret;
			break;
		}
		a.done++;
	}
	batch_out(h, nr, gpa, &a, f, d ? &h->net_stats.readv : NULL, &h->net_stats.frames_in,
		  &h->net_stats.most_in);
}
