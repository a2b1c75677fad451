/* The unix platform: the unikernel is an ordinary Linux process on the host's libc. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <fata/runtime.h>
#include <fata/sched.h>
#include <fata/time.h>

#include "platform.h"

#define GUARD 4096

static void write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return;		/* nowhere left to report it */
		}
		buf += n;
		len -= (size_t)n;
	}
}

void plat_console_write(const char *buf, size_t len)
{
	fflush(stdout);		/* keep order with anything the unikernel printf()ed */
	write_all(STDOUT_FILENO, buf, len);
}

void plat_console_err(const char *buf, size_t len)
{
	fflush(stdout);
	write_all(STDERR_FILENO, buf, len);
}

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * FATA_NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

uint64_t plat_monotonic_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

uint64_t plat_wall_ns(void)
{
	return clock_ns(CLOCK_REALTIME);
}

int plat_utc_offset_min(uint64_t wall_ns)
{
	time_t t = (time_t)(wall_ns / FATA_NS_PER_SEC);
	struct tm tm;

	if (!localtime_r(&t, &tm))
		return 0;
	return (int)(tm.tm_gmtoff / 60);
}

void plat_wait(uint64_t deadline, struct plat_io_wait *waits, size_t n)
{
	struct pollfd stackfds[16], *fds = stackfds;
	struct timespec ts, *tsp = NULL;

	if (n > 16) {
		fds = calloc(n, sizeof(*fds));
		if (!fds)
			fata_panic("out of memory waiting for %zu I/O sources", n);
	}
	for (size_t i = 0; i < n; i++) {
		fds[i].fd = waits[i].source;
		fds[i].events = (short)((waits[i].events & FATA_IO_READ ? POLLIN : 0) |
					(waits[i].events & FATA_IO_WRITE ? POLLOUT : 0));
		fds[i].revents = 0;
	}
	if (deadline != FATA_NEVER) {
		uint64_t now = plat_monotonic_ns(), left = deadline > now ? deadline - now : 0;

		ts.tv_sec = (time_t)(left / FATA_NS_PER_SEC);
		ts.tv_nsec = (long)(left % FATA_NS_PER_SEC);
		tsp = &ts;
	}
	if (ppoll(fds, n, tsp, NULL) > 0) {
		for (size_t i = 0; i < n; i++) {
			short r = fds[i].revents, ev = 0;

			/* Errors and hang-ups wake both directions: the next I/O call reports them. */
			if (r & (POLLIN | POLLHUP | POLLERR | POLLNVAL))
				ev |= FATA_IO_READ;
			if (r & (POLLOUT | POLLHUP | POLLERR | POLLNVAL))
				ev |= FATA_IO_WRITE;
			waits[i].revents = (short)(ev & waits[i].events);
		}
	}
	if (fds != stackfds)
		free(fds);
}

_Noreturn void plat_exit(int status)
{
	exit(status);
}

/* Fiber stacks get a guard page below them, so an overflow faults instead of corrupting. */
void *plat_stack_alloc(size_t len)
{
	char *p = mmap(NULL, len + GUARD, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	mprotect(p, GUARD, PROT_NONE);
	return p + GUARD;
}

void plat_stack_free(void *p, size_t len)
{
	if (p)
		munmap((char *)p - GUARD, len + GUARD);
}

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
