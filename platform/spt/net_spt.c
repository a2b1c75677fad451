/* Network interfaces on spt: read and write on the tap descriptor the tender put in the manifest. */
#include <errno.h>
#include <stdio.h>

#include "mft_abi.h"
#include "platform.h"
#include "platform_spt.h"
#include "solo5.h"
#include "syscall_x86_64.h"

long plat_net_read(int handle, void *buf, size_t len)
{
	long n;

	do
		n = spt_syscall3(SYS_read, spt_hostfd(handle), (long)buf, (long)len);
	while (n == -EINTR);
	if (n >= 0)	/* the tap reports a frame's whole length even when it truncated it */
		return (size_t)n > len ? (long)len : n;
	return n == -EWOULDBLOCK ? -EAGAIN : n;
}

int plat_net_write(int handle, const void *buf, size_t len)
{
	long n;

	do
		n = spt_syscall3(SYS_write, spt_hostfd(handle), (long)buf, (long)len);
	while (n == -EINTR);
	if (n >= 0)
		return (size_t)n == len ? 0 : -EIO;
	/* A full queue drops the frame, as a busy wire would. */
	return n == -EAGAIN ? 0 : (int)n;
}
