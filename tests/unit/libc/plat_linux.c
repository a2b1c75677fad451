/* The platform layer for the freestanding libc test: console and exit as raw Linux syscalls. */
#include <stdbool.h>
#include <string.h>

#include "platform.h"
#include "sys.h"

#define SYS_read 0
#define SYS_write 1
#define SYS_close 3
#define SYS_fork 57
#define SYS_wait4 61
#define SYS_exit_group 231
#define SYS_pipe2 293
#define SYS_clock_gettime 228
#define EINTR_ 4

static long syscall4(long n, long a, long b, long c, long d)
{
	register long r10 __asm__("r10") = d;
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10)
			 : "rcx", "r11", "memory");
	return ret;
}

void sys_write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		long r = syscall4(SYS_write, fd, (long)buf, (long)len, 0);

		if (r == -EINTR_)
			continue;
		if (r <= 0)
			return;
		buf += r;
		len -= (size_t)r;
	}
}

ssize_t sys_read(int fd, void *buf, size_t len)
{
	long r;

	do
		r = syscall4(SYS_read, fd, (long)buf, (long)len, 0);
	while (r == -EINTR_);
	return r;
}

int sys_close(int fd) { return (int)syscall4(SYS_close, fd, 0, 0, 0); }
int sys_pipe(int fds[2]) { return (int)syscall4(SYS_pipe2, (long)fds, 0, 0, 0); }
int sys_fork(void) { return (int)syscall4(SYS_fork, 0, 0, 0, 0); }

int sys_wait(int pid)
{
	int status = 0;
	long r;

	do
		r = syscall4(SYS_wait4, pid, (long)&status, 0, 0);
	while (r == -EINTR_);
	if (r != pid)
		return -1000;
	if ((status & 0x7f) == 0)
		return (status >> 8) & 0xff;
	return -(status & 0x7f);
}

_Noreturn void sys_exit(int status)
{
	for (;;)
		syscall4(SYS_exit_group, status, 0, 0, 0);
}

int console_fd = 1;
char capture_buf[8192];
size_t capture_len;
int capture_writes;
static bool capturing;

void capture_start(void)
{
	capture_len = 0;
	capture_writes = 0;
	capturing = true;
}

void capture_stop(void)
{
	capturing = false;
}

void plat_console_write(const char *buf, size_t len)
{
	if (capturing) {
		size_t room = sizeof(capture_buf) - capture_len;

		capture_writes++;
		if (len > room)
			len = room;
		memcpy(capture_buf + capture_len, buf, len);
		capture_len += len;
		return;
	}
	sys_write_all(console_fd, buf, len);
}

_Noreturn void plat_exit(int status)
{
	sys_exit(status);
}

/* For time(): CLOCK_REALTIME (0). */
uint64_t plat_wall_ns(void)
{
	long ts[2] = { 0, 0 };

	syscall4(SYS_clock_gettime, 0, (long)ts, 0, 0);
	return (uint64_t)ts[0] * 1000000000ull + (uint64_t)ts[1];
}
