/* Network interfaces on hvt and spt alike: opening a manifest entry. Each platform moves the
 * frames (net_hvt.c, net_spt.c). */
#include <errno.h>
#include <stdio.h>

#include "mft_abi.h"
#include "platform.h"
#include "solo5.h"

bool solo5_net_vnet;
struct solo5_net_batch solo5_net_batch;

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
	info->vnet = solo5_net_vnet;
	info->batch = solo5_net_batch.max;
	info->readv = solo5_net_batch.readv;
	info->writev = solo5_net_batch.writev;
	return h;
}
