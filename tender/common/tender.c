/* Messages and small helpers shared by both tenders (tender.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tender.h"

const char *tender_name = "fata-tender";

int tender_fail(struct tender_err *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	return -1;
}

int tender_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Formats the whole line in a stack buffer and writes it at once: no stdio buffering, no
 * allocation, so it is safe after the seccomp filter is installed.
 */
static void vmessage(const char *fmt, va_list ap, const char *suffix)
{
	char line[1024];
	size_t n;

	n = (size_t)snprintf(line, sizeof line, "%s: ", tender_name);
	if (n < sizeof line)
		vsnprintf(line + n, sizeof line - n, fmt, ap);
	n = strlen(line);
	if (suffix && n < sizeof line)
		snprintf(line + n, sizeof line - n, ": %s", suffix);
	n = strlen(line);
	if (n == sizeof line - 1)
		n--;
	line[n++] = '\n';
	(void)tender_write_all(2, line, n);
}

#ifdef FATA_COVERAGE
void __gcov_dump(void);

void tender_cov_dump(void)
{
	static bool dumped;

	if (!dumped) {
		dumped = true;
		__gcov_dump();
	}
}
#endif

void tender_die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(fmt, ap, NULL);
	va_end(ap);
	tender_cov_dump();
	_exit(1);
}

void tender_die_errno(const char *fmt, ...)
{
	va_list ap;
	const char *why = strerror(errno);

	va_start(ap, fmt);
	vmessage(fmt, ap, why);
	va_end(ap);
	tender_cov_dump();
	_exit(1);
}

void tender_note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(fmt, ap, NULL);
	va_end(ap);
}
