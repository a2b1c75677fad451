/* Unit tests of log formatting and the -l specification (lib/log.c). */
#include <fata/log.h>
#include <fata/runtime.h>
#include <fata/time.h>

#include "tap.h"

static struct fata_key no_keys[1];
const struct fata_unikernel fata_unikernel = { .name = "test", .keys = no_keys };

FATA_LOG_SOURCE(netif, "netif");
FATA_LOG_SOURCE(tcp, "tcp");

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
	return tap_done();
}
