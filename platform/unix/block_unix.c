/* Block devices on unix: a regular file or a host block device, read with pread and pwrite. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "platform.h"

int plat_block_open(const char *name, const char *path, struct plat_block_info *info,
		    char *why, size_t whylen)
{
	struct stat st;
	int fd, ro = 0;

	(void)name;
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0 && (errno == EACCES || errno == EROFS || errno == EPERM)) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		ro = 1;
	}
	if (fd < 0 && errno == ENOENT && path[0] != '/') {
		char cwd[512];

		snprintf(why, whylen, "%s: no such file in %s (make creates it; run from the "
			 "unikernel's folder)", path, getcwd(cwd, sizeof(cwd)) ? cwd : ".");
		return -ENOENT;
	}
	if (fd < 0) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		return -errno;
	}
	if (fstat(fd, &st) < 0 || !(S_ISREG(st.st_mode) || S_ISBLK(st.st_mode))) {
		snprintf(why, whylen, "%s: not a regular file or block device", path);
		close(fd);
		return -EINVAL;
	}
	if (S_ISBLK(st.st_mode)) {
		uint64_t size = 0;

		if (ioctl(fd, BLKGETSIZE64, &size) < 0)
			size = 0;
		info->capacity = size;
	} else {
		info->capacity = (uint64_t)st.st_size;
	}
	info->sector_size = 512;
	info->read_only = ro;
	if (info->capacity % info->sector_size != 0 || info->capacity == 0) {
		snprintf(why, whylen, "%s: size %llu is not a non-zero multiple of %u-byte sectors",
			 path, (unsigned long long)info->capacity, info->sector_size);
		close(fd);
		return -EINVAL;
	}
	return fd;
}

int plat_block_read(int handle, uint64_t offset, void *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = pread(handle, buf, len, (off_t)offset);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -EIO;	/* a short file is an I/O error: the size was checked */
		buf = (char *)buf + n;
		offset += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

int plat_block_write(int handle, uint64_t offset, const void *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = pwrite(handle, buf, len, (off_t)offset);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -EIO;
		buf = (const char *)buf + n;
		offset += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

int plat_block_flush(int handle)
{
	return fdatasync(handle) < 0 ? -EIO : 0;
}

void plat_block_close(int handle)
{
	close(handle);
}
