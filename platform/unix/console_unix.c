/* The console on unix: the process's stdout and stderr. */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "platform.h"

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
