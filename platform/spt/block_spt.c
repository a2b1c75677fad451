/* Block devices on spt: pread64/pwrite64 on the fd the tender put in the manifest, one block per
 * call or (SPT_FEATURE_BLOCK_MULTI) up to SPT_BLOCK_MULTI_MAX. */
#include <errno.h>

#include "platform.h"
#include "platform_spt.h"
#include "solo5.h"
#include "syscall_x86_64.h"

int plat_block_read(int handle, uint64_t offset, void *buf, size_t len)
{
	for (size_t done = 0, n; done < len; done += n) {
		n = solo5_block_chunk(handle, len - done);
		if (spt_syscall6(SYS_pread64, spt_hostfd(handle), (long)((char *)buf + done), (long)n,
				 (long)(offset + done), 0, 0) != (long)n)
			return -EIO;
	}
	return 0;
}

int plat_block_write(int handle, uint64_t offset, const void *buf, size_t len)
{
	for (size_t done = 0, n; done < len; done += n) {
		n = solo5_block_chunk(handle, len - done);
		if (spt_syscall6(SYS_pwrite64, spt_hostfd(handle), (long)((const char *)buf + done),
				 (long)n, (long)(offset + done), 0, 0) != (long)n)
			return -EIO;
	}
	return 0;
}

/* The base ABI has no flush: writes reach the host file at once (pwrite64 on its fd). */
int plat_block_flush(int handle)
{
	(void)handle;
	return 0;
}
