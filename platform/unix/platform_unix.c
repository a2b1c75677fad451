/* The unix platform: the unikernel is an ordinary Linux process on the host's libc. Its entry is
 * main.c; the devices live in console_unix.c, time_unix.c, block_unix.c and net_unix.c. */
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "platform.h"

#define GUARD 4096

_Noreturn void plat_exit(int status)
{
	exit(status);
}

/* Fiber stacks get a guard page below them, so an overflow faults instead of corrupting. */
int plat_stack_alloc(size_t len, void **stack, char *why, size_t whylen)
{
	char *p = mmap(NULL, len + GUARD, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	(void)why;
	(void)whylen;
	if (p == MAP_FAILED)
		return -ENOMEM;
	mprotect(p, GUARD, PROT_NONE);
	*stack = p + GUARD;
	return 0;
}

int plat_stack_free(void *p, size_t len, char *why, size_t whylen)
{
	(void)why;
	(void)whylen;
	if (p)
		munmap((char *)p - GUARD, len + GUARD);
	return 0;
}
