/* Block devices on hvt and spt alike: opening a manifest entry, and cutting requests into the
 * sizes the tender accepts. Each platform moves the data (block_hvt.c, block_spt.c). */
#include <errno.h>
#include <stdio.h>

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

/* Solo5 devices stay attached for the guest's whole life. */
void plat_block_close(int handle)
{
	(void)handle;
}
