/*
 * The few platform and clock functions the kv fuzz harnesses link against instead of a real
 * platform: logs are dropped, there is no host block device (the harnesses feed images from
 * memory), time stands still.
 */
#include <errno.h>
#include <stdlib.h>

#include <fata/time.h>

#include "platform.h"

void plat_console_write(const char *buf, size_t len)
{
	(void)buf;
	(void)len;
}

uint64_t fata_wall_ns(void)
{
	return 0;
}

int fata_utc_offset_min(uint64_t wall_ns)
{
	(void)wall_ns;
	return 0;
}

int plat_block_open(const char *name, const char *path, struct plat_block_info *info, char *why,
		    size_t whylen)
{
	(void)name, (void)path, (void)info, (void)why, (void)whylen;
	return -ENODEV;
}

int plat_block_read(int handle, uint64_t offset, void *buf, size_t len)
{
	(void)handle, (void)offset, (void)buf, (void)len;
	return -EIO;
}

int plat_block_write(int handle, uint64_t offset, const void *buf, size_t len)
{
	(void)handle, (void)offset, (void)buf, (void)len;
	return -EIO;
}

int plat_block_flush(int handle)
{
	(void)handle;
	return -EIO;
}

void plat_block_close(int handle)
{
	(void)handle;
}
