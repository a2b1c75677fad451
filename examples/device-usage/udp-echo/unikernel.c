/* udp-echo: sends every UDP datagram that arrives on --port back to its sender (RFC 862). */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "fata/unikernel.h"

int start(struct fata_stack *stack)
{
	static uint8_t buf[FATA_UDP_MAX_PAYLOAD];
	int64_t port = fata_key_port();
	char ip[FATA_IP_STRLEN];
	struct fata_udp *u;

	if (port < 1 || port > 65535) {
		fata_err("--port=%lld: expected a port from 1 to 65535", (long long)port);
		return 64;
	}
	u = fata_udp_bind(stack, (uint16_t)port);
	if (!u) {
		fata_err("cannot bind UDP port %lld: %s", (long long)port, strerror(errno));
		return 1;
	}
	fata_info("echoing UDP datagrams on %s port %u",
		  fata_ipv4_format(fata_stack_ipv4(stack).addr.addr, ip), (unsigned)port);
	for (;;) {
		struct fata_ip_addr src;
		uint16_t sport;
		long n = fata_udp_recv_addr(u, buf, sizeof(buf), &src, &sport, FATA_NEVER);
		int r;

		if (n < 0)
			continue;
		fata_debug("%ld bytes from %s:%u", n, fata_ip_format(&src, ip), (unsigned)sport);
		r = fata_udp_send_addr(u, &src, sport, buf, (size_t)n);
		if (r < 0)
			fata_warn("echo to %s:%u failed: %s", fata_ip_format(&src, ip), (unsigned)sport,
				  strerror(-r));
	}
}
