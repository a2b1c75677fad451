/* Network interfaces on hvt: the NET_READ and NET_WRITE hypercalls on a manifest handle. */
#include <errno.h>
#include <stdio.h>

#include "hvt_abi.h"
#include "platform.h"
#include "solo5.h"
#include "solo5_abi.h"

int plat_net_open(const char *name, const char *ifname, struct plat_net_info *info, char *why,
		  size_t whylen)
{
	const struct mft_entry *e;
	int h = solo5_device_find(name, MFT_DEV_NET_BASIC, &e, why, whylen);

	(void)ifname;
	if (h < 0)
		return h;
	if (e->u.net_basic.mtu < 68) {
		snprintf(why, whylen, "%s has an unusable mtu %u", name, (unsigned)e->u.net_basic.mtu);
		return -EINVAL;
	}
	for (int i = 0; i < 6; i++)
		info->mac[i] = e->u.net_basic.mac[i];
	info->mtu = e->u.net_basic.mtu;
	return h;
}

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
