/* Block devices on hvt: the BLOCK_READ and BLOCK_WRITE hypercalls on a manifest handle. */
#include <errno.h>

#include "hvt_abi.h"
#include "platform.h"
#include "solo5.h"

/* Block I/O: one block per hypercall, or up to HVT_BLOCK_MULTI_MAX with the extension. */
int plat_block_read(int handle, uint64_t offset, void *buf, size_t len)
{
	for (size_t done = 0, n; done < len; done += n) {
		n = solo5_block_chunk(handle, len - done);
		struct hvt_hc_block_read a = {
			.handle = (uint64_t)handle, .offset = offset + done,
			.data = (uint64_t)(uintptr_t)((char *)buf + done), .len = n,
		};

		hvt_hypercall(HVT_HYPERCALL_BLOCK_READ, &a);
		if (a.ret != 0 || a.len != n)
			return -EIO;
	}
	return 0;
}

int plat_block_write(int handle, uint64_t offset, const void *buf, size_t len)
{
	for (size_t done = 0, n; done < len; done += n) {
		n = solo5_block_chunk(handle, len - done);
		struct hvt_hc_block_write a = {
			.handle = (uint64_t)handle, .offset = offset + done,
			.data = (uint64_t)(uintptr_t)((const char *)buf + done), .len = n,
		};

		hvt_hypercall(HVT_HYPERCALL_BLOCK_WRITE, &a);
		if (a.ret != 0)
			return -EIO;
	}
	return 0;
}

/* The base ABI has no flush: the tender writes through to the host file on every call. */
int plat_block_flush(int handle)
{
	(void)handle;
	return 0;
}
