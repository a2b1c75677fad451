/* Network interfaces on hvt: the NET_READ and NET_WRITE hypercalls on a manifest handle, and
 * NET_READV and NET_WRITEV for several frames per exit where the tender offers them. */
#include <errno.h>
#include <stdio.h>

#include "hvt_abi.h"
#include "platform.h"
#include "platform_hvt.h"
#include "solo5.h"
#include "solo5_abi.h"

long plat_net_read(int handle, void *buf, size_t len)
{
	struct hvt_hc_net_read a = {
		.handle = (uint64_t)handle, .data = (uint64_t)(uintptr_t)buf, .len = len,
	};

	hvt_hypercall(HVT_HYPERCALL_NET_READ, &a);
	if (a.ret == SOLO5_R_AGAIN)
		return -EAGAIN;
	if (a.ret != SOLO5_R_OK)
		return a.ret == SOLO5_R_EINVAL ? -EINVAL : -EIO;
	/* A tender may report a truncated frame's whole length. */
	return a.len > len ? (long)len : (long)a.len;
}

int plat_net_write(int handle, const void *buf, size_t len)
{
	struct hvt_hc_net_write a = {
		.handle = (uint64_t)handle, .data = (uint64_t)(uintptr_t)buf, .len = len,
	};

	hvt_hypercall(HVT_HYPERCALL_NET_WRITE, &a);
	if (a.ret == SOLO5_R_OK)
		return 0;
	return a.ret == SOLO5_R_EINVAL ? -EINVAL : -EIO;
}

/* Frames per NET_READV or NET_WRITEV: the stack's batches are smaller (lib/net/stack.c). */
#define BATCH 16
_Static_assert(BATCH <= HVT_NET_BATCH_MAX, "within what the tender serves");

static int error_of(int32_t ret)
{
	return ret == SOLO5_R_AGAIN ? -EAGAIN : ret == SOLO5_R_EINVAL ? -EINVAL : -EIO;
}

static long net_readv(int handle, struct plat_net_frame *f, size_t n)
{
	struct hvt_net_frame v[BATCH];
	struct hvt_hc_net_batch a = {
		.handle = (uint64_t)handle, .frames = (uint64_t)(uintptr_t)v,
		.count = n < BATCH ? n : BATCH,
	};

	for (size_t i = 0; i < a.count; i++)
		v[i] = (struct hvt_net_frame){ .data = (uint64_t)(uintptr_t)f[i].data,
					       .len = f[i].len };
	hvt_hypercall(HVT_HYPERCALL_NET_READV, &a);
	if (a.ret != SOLO5_R_OK)
		return error_of(a.ret);
	if (a.done > a.count)
		a.done = a.count;
	for (size_t i = 0; i < a.done; i++) {
		if (v[i].len < f[i].len)	/* a tender may report a truncated frame's length */
			f[i].len = v[i].len;
	}
	return (long)a.done;
}

static int net_writev(int handle, const struct plat_net_frame *f, size_t n)
{
	struct hvt_net_frame v[BATCH];
	struct hvt_hc_net_batch a = { .handle = (uint64_t)handle, .frames = (uint64_t)(uintptr_t)v };
	int r = 0;

	while (n > 0) {
		a.count = n < BATCH ? n : BATCH;
		for (size_t i = 0; i < a.count; i++)
			v[i] = (struct hvt_net_frame){ .data = (uint64_t)(uintptr_t)f[i].data,
						       .len = f[i].len };
		hvt_hypercall(HVT_HYPERCALL_NET_WRITEV, &a);
		if (a.ret != SOLO5_R_OK && r == 0)
			r = error_of(a.ret);
		f += a.count;
		n -= a.count;
	}
	return r;
}

void hvt_net_batch_init(void)
{
	solo5_net_batch.max = BATCH;
	solo5_net_batch.readv = net_readv;
	solo5_net_batch.writev = net_writev;
}
