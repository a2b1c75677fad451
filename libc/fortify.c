/*
 * What precompiled libraries built with _FORTIFY_SOURCE and for glibc expect of a libc (Debian's
 * libbearssl.a): the checked copies __memcpy_chk & co., __errno_location, and open/read/close,
 * which fail because a unikernel has no files (BearSSL's system seeder then reports no source).
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "fata_ssp.h"

void *__memcpy_chk(void *dst, const void *src, size_t n, size_t dst_len);
void *__memmove_chk(void *dst, const void *src, size_t n, size_t dst_len);
void *__memset_chk(void *dst, int c, size_t n, size_t dst_len);
int *__errno_location(void);
int open(const char *path, int flags, ...);
long read(int fd, void *buf, size_t len);
int close(int fd);

/* An overflow the compiler could see coming: end the unikernel as a smashed stack does. */
static _Noreturn void overflow(void)
{
	__stack_chk_fail();
}

void *__memcpy_chk(void *dst, const void *src, size_t n, size_t dst_len)
{
	if (n > dst_len)
		overflow();
	return memcpy(dst, src, n);
}

void *__memmove_chk(void *dst, const void *src, size_t n, size_t dst_len)
{
	if (n > dst_len)
		overflow();
	return memmove(dst, src, n);
}

void *__memset_chk(void *dst, int c, size_t n, size_t dst_len)
{
	if (n > dst_len)
		overflow();
	return memset(dst, c, n);
}

int *__errno_location(void)
{
	return &errno;
}

int open(const char *path, int flags, ...)
{
	(void)path, (void)flags;
	errno = ENOENT;
	return -1;
}

long read(int fd, void *buf, size_t len)
{
	(void)fd, (void)buf, (void)len;
	errno = EBADF;
	return -1;
}

int close(int fd)
{
	(void)fd;
	errno = EBADF;
	return -1;
}
