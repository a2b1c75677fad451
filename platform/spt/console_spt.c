/* The console on spt: write(2) on the standard output the tender leaves open. */
#include "platform.h"
#include "syscall_x86_64.h"

void plat_console_write(const char *buf, size_t len)
{
	while (len > 0) {
		long n = spt_syscall3(SYS_write, 1, (long)buf, (long)len);

		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

void plat_console_err(const char *buf, size_t len)
{
	plat_console_write(buf, len);
}
