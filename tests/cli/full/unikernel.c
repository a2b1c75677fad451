/* Uses every key type and both devices, so that the generated header is checked by a compiler. */
#include "fata/unikernel.h"

int start(struct fata_time *time, struct fata_console *console)
{
	struct fata_ipv4_prefix net = fata_key_ipv4();
	uint32_t gw = fata_key_ipv4_gateway();
	int64_t port = fata_key_port();
	bool verbose = fata_key_verbose();

	fata_console_log(console, fata_key_greeting());
	if (verbose)
		fata_info("port %lld, net %08x/%u, gateway %08x", (long long)port,
			  (unsigned)net.addr, net.len, (unsigned)gw);
	fata_time_sleep_ns(time, FATA_MS(1));
	return 0;
}
