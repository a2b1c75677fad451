/* Raw Linux system calls for the spt guest (x86_64): the only way out of the sandbox. */
#ifndef FATA_SPT_SYSCALL_H
#define FATA_SPT_SYSCALL_H

#include <stdint.h>

#define SYS_read 0
#define SYS_write 1
#define SYS_pread64 17
#define SYS_pwrite64 18
#define SYS_mprotect 10
#define SYS_exit_group 231
#define SYS_clock_gettime 228
#define SYS_epoll_pwait 281
#define SYS_timerfd_settime 286

static inline long spt_syscall3(long n, long a, long b, long c)
{
	long ret;

	__asm__ __volatile__("syscall"
			     : "=a"(ret)
			     : "a"(n), "D"(a), "S"(b), "d"(c)
			     : "rcx", "r11", "memory");
	return ret;
}

static inline long spt_syscall6(long n, long a, long b, long c, long d, long e, long f)
{
	long ret;
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;

	__asm__ __volatile__("syscall"
			     : "=a"(ret)
			     : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			     : "rcx", "r11", "memory");
	return ret;
}

#endif
