/* Network interfaces on hvt: the NET_READ and NET_WRITE hypercalls on a manifest handle. */
#include <errno.h>
#include <stdio.h>

#include "hvt_abi.h"
#include "platform.h"
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
