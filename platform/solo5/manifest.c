/* Device lookup in the manifest the Solo5 tender handed over: handles are manifest indices. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "mft_abi.h"
#include "platform.h"
#include "solo5.h"

uint32_t solo5_block_size[MFT_MAX_ENTRIES];
uint32_t solo5_block_multi_max;

size_t solo5_block_chunk(int handle, size_t left)
{
	size_t n = solo5_block_size[handle];

	while (n * 2 <= left && n * 2 <= solo5_block_multi_max)
		n *= 2;
	return n;
}

/* Finds the entry `name` of `type`; returns its index or a negative errno with a reason. */
int solo5_device_find(const char *name, uint32_t type, const struct mft_entry **entry, char *why,
		      size_t whylen)
{
	const struct mft *m = solo5_manifest();

	for (uint32_t i = 1; m && i < m->entries && i < MFT_MAX_ENTRIES; i++) {
		const struct mft_entry *e = &m->e[i];

		if (strncmp(e->name, name, MFT_NAME_SIZE) != 0)
			continue;
		if (e->type != type) {
			snprintf(why, whylen, "manifest entry %s is not of the expected type", name);
			return -EINVAL;
		}
		if (!e->attached) {
			snprintf(why, whylen, "%s is not attached by the tender", name);
			return -ENODEV;
		}
		*entry = e;
		return (int)i;
	}
	snprintf(why, whylen, "no device %s in the manifest", name);
	return -ENOENT;
}

int plat_block_open(const char *name, const char *path, struct plat_block_info *info,
		    char *why, size_t whylen)
{
	const struct mft_entry *e;
	int h = solo5_device_find(name, MFT_DEV_BLOCK_BASIC, &e, why, whylen);

	(void)path;
	if (h < 0)
		return h;
	if (e->u.block_basic.block_size < 512 || e->u.block_basic.capacity == 0) {
		snprintf(why, whylen, "%s has an unusable geometry", name);
		return -EINVAL;
	}
	info->capacity = e->u.block_basic.capacity;
	info->sector_size = e->u.block_basic.block_size;
	info->read_only = 0;
	solo5_block_size[h] = info->sector_size;
	return h;
}

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

/* Solo5 devices stay attached for the guest's whole life. */
void plat_block_close(int handle)
{
	(void)handle;
}
