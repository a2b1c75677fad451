/* Network interfaces on spt: read and write on the tap descriptor the tender put in the manifest. */
#include <errno.h>
#include <stdio.h>

#include "mft_abi.h"
#include "platform.h"
#include "solo5.h"
#include "syscall_x86_64.h"

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

static int net_fd(int handle)
{
	const struct mft *m = solo5_manifest();

	return m->e[handle].b.hostfd;
}

long plat_net_read(int handle, void *buf, size_t len)
{
	long n;

	do
		n = spt_syscall3(SYS_read, net_fd(handle), (long)buf, (long)len);
	while (n == -EINTR);
	if (n >= 0)	/* the tap reports a frame's whole length even when it truncated it */
		return (size_t)n > len ? (long)len : n;
	return n == -EWOULDBLOCK ? -EAGAIN : n;
}

int plat_net_write(int handle, const void *buf, size_t len)
{
	long n;

	do
		n = spt_syscall3(SYS_write, net_fd(handle), (long)buf, (long)len);
	while (n == -EINTR);
	if (n >= 0)
		return (size_t)n == len ? 0 : -EIO;
	/* A full queue drops the frame, as a busy wire would. */
	return n == -EAGAIN ? 0 : (int)n;
}
