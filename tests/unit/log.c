/* Unit tests of log formatting and the -l specification (lib/log.c). */
#include <fata/log.h>
#include <fata/runtime.h>
#include <fata/time.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"

static struct fata_key no_keys[1];
const struct fata_unikernel fata_unikernel = { .name = "test", .keys = no_keys };

FATA_LOG_SOURCE(netif, "netif");
FATA_LOG_SOURCE(tcp, "tcp");

/* What one fata_log() call writes to the console (stdout), header cut off: the test reads it
 * back through a pipe. */
static char captured[4096];

__attribute__((format(printf, 1, 2))) static const char *logged(const char *fmt, ...)
{
	int fds[2], saved;
	ssize_t n;
	va_list ap;
	char *msg;

	fflush(stdout);
	if (pipe(fds) < 0 || (saved = dup(STDOUT_FILENO)) < 0)
		return "pipe failed";
	dup2(fds[1], STDOUT_FILENO);
	va_start(ap, fmt);
	fata_vlog(&tcp, FATA_LOG_WARNING, fmt, ap);
	va_end(ap);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	close(fds[1]);
	n = read(fds[0], captured, sizeof(captured) - 1);
	close(fds[0]);
	captured[n > 0 ? n : 0] = '\0';
	msg = strstr(captured, "[tcp] ");
	return msg ? msg + 6 : captured;
}

/* Control characters in logged strings are escaped; the format's own text is not. */
static void escaping(void)
{
	char want[256];
	const char *got;

	fata_log_set_spec("info");
	got = logged("key %s!", "x\n2017-02-08 08:54:44 -01:00: ERR [forged] y");
	is_str(got, "key x\\n2017-02-08 08:54:44 -01:00: ERR [forged] y!\n",
	       "a newline in a string argument is escaped: one line");
	is_str(logged("%s|%c|%s", "\r\t\x1b[2J\x7f", '\n', "caf\xc3\xa9 \\n"),
	       "\\r\\t\\x1b[2J\\x7f|\\n|caf\xc3\xa9 \\n\n",
	       "CR, tab, ESC, DEL and a char escaped; UTF-8 and backslashes kept");
	is_str(logged("two\nlines %u", 7u), "two\nlines 7\n", "the format's own newline is kept");
	snprintf(want, sizeof(want), "%d|%5s|%-4u|%llx|%zu|%%|%.2s|%*d|%08lx|%p|%hhu|%jd\n", -12,
		 "ab", 3u, 0xdeadbeefcafeULL, (size_t)99, "xyz", 6, 42, 0xabcUL, (void *)want,
		 (unsigned char)200, (intmax_t)-5);
	got = logged("%d|%5s|%-4u|%llx|%zu|%%|%.2s|%*d|%08lx|%p|%hhu|%jd", -12, "ab", 3u,
		     0xdeadbeefcafeULL, (size_t)99, "xyz", 6, 42, 0xabcUL, (void *)want,
		     (unsigned char)200, (intmax_t)-5);
	is_str(got, want, "conversions, flags, widths and lengths print as printf does");
	is_str(logged("%.1f %s", 2.5, "a\nb"), "2.5 a\\nb\n",
	       "a floating-point format: the whole message escaped");
	{
		char big[3000];

		memset(big, 'a', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		got = logged("%s", big);
		ok(strlen(got) < 2048 && got[strlen(got) - 1] == '\n' && !strchr(got, '\n')[1],
		   "a long message is cut and still ends in one newline");
	}
}

int main(void)
{
	char buf[128];

	fata_log_format_header(buf, sizeof(buf), 1486547684, -60, FATA_LOG_INFO, "application");
	is_str(buf, "2017-02-08 08:54:44 -01:00: INF [application] ", "tutorial's line, offset -01:00");
	fata_log_format_header(buf, sizeof(buf), 1486547684, 330, FATA_LOG_DEBUG, "netif");
	is_str(buf, "2017-02-08 15:24:44 +05:30: DBG [netif] ", "positive half-hour offset");
	fata_log_format_header(buf, sizeof(buf), 1486547684, FATA_UTC_UNKNOWN, FATA_LOG_ERROR, "x");
	is_str(buf, "2017-02-08 09:54:44 -00:00: ERR [x] ", "unknown offset prints -00:00");
	fata_log_format_header(buf, sizeof(buf), 951782400, 0, FATA_LOG_WARNING, "y");
	is_str(buf, "2000-02-29 00:00:00 +00:00: WRN [y] ", "leap day 2000");
	fata_log_format_header(buf, sizeof(buf), 0, 0, FATA_LOG_APP, "z");
	is_str(buf, "1970-01-01 00:00:00 +00:00: APP [z] ", "epoch");
	fata_log_format_header(buf, sizeof(buf), 4102444799LL, 0, FATA_LOG_INFO, "z");
	is_str(buf, "2099-12-31 23:59:59 +00:00: INF [z] ", "end of 2099");

	ok(fata_log_enabled(&netif, FATA_LOG_INFO), "info on by default");
	ok(!fata_log_enabled(&netif, FATA_LOG_DEBUG), "debug off by default");
	ok(fata_log_set_spec("netif:debug,tcp:error") == 0, "spec with two sources");
	ok(fata_log_enabled(&netif, FATA_LOG_DEBUG), "netif:debug");
	ok(!fata_log_enabled(&tcp, FATA_LOG_WARNING) && fata_log_enabled(&tcp, FATA_LOG_ERROR), "tcp:error");
	ok(fata_log_enabled(&fata_log_application, FATA_LOG_INFO) &&
	   !fata_log_enabled(&fata_log_application, FATA_LOG_DEBUG), "others keep info");
	ok(fata_log_set_spec("*:debug") == 0 && fata_log_enabled(&tcp, FATA_LOG_DEBUG) &&
	   fata_log_enabled(&fata_log_application, FATA_LOG_DEBUG), "*:debug applies everywhere");
	ok(fata_log_set_spec("quiet") == 0 && !fata_log_enabled(&tcp, FATA_LOG_APP), "quiet");
	ok(fata_log_set_spec("warning,netif:info") == 0 && fata_log_enabled(&netif, FATA_LOG_INFO) &&
	   !fata_log_enabled(&tcp, FATA_LOG_INFO), "default level then a source");
	ok(fata_log_set_spec("netif:loud") < 0, "bad level rejected");
	ok(fata_log_enabled(&netif, FATA_LOG_INFO) && !fata_log_enabled(&tcp, FATA_LOG_INFO),
	   "a rejected spec changes nothing");
	ok(fata_log_set_spec(":debug") < 0, "empty source rejected");
	ok(fata_log_set_spec("debug,") == 0, "trailing comma tolerated");
	escaping();
	return tap_done();
}
