/* dns: answers DNS queries on --port from one zone of A records (include/fata/dns.h). */
#include <errno.h>
#include <fata/dns.h>
#include <string.h>

#include "fata/unikernel.h"

int start(struct fata_stack *stack)
{
	static struct fata_dns_zone zone;
	static uint8_t query[FATA_UDP_MAX_PAYLOAD], resp[FATA_DNS_UDP_MAX];
	int64_t port = fata_key_port(), ttl = fata_key_ttl();
	char why[160], ip[FATA_IPV4_STRLEN], addr[FATA_IP_STRLEN];
	struct fata_udp *u;

	if (port < 1 || port > 65535) {
		fata_err("--port=%lld: expected a port from 1 to 65535", (long long)port);
		return 64;
	}
	if (ttl < 0 || ttl > 0x7fffffff) {
		fata_err("--ttl=%lld: expected 0 to 2147483647 seconds", (long long)ttl);
		return 64;
	}
	if (fata_dns_zone_parse(&zone, fata_key_zone(), fata_key_records(), (uint32_t)ttl, why,
				sizeof(why)) < 0) {
		fata_err("--zone/--records: %s", why);
		return 64;
	}
	u = fata_udp_bind(stack, (uint16_t)port);
	if (!u) {
		fata_err("cannot bind UDP port %lld: %s", (long long)port, strerror(errno));
		return 1;
	}
	fata_info("serving zone %s (%zu records) on %s port %lld", fata_key_zone(), zone.n,
		  fata_ipv4_format(fata_stack_ipv4(stack).addr.addr, ip), (long long)port);
	for (;;) {
		struct fata_ip_addr src;
		uint16_t sport;
		long n = fata_udp_recv_addr(u, query, sizeof(query), &src, &sport, FATA_NEVER);
		size_t len;

		if (n < 0)
			continue;
		len = fata_dns_answer(&zone, query, (size_t)n, resp, sizeof(resp));
		fata_debug("%ld-byte query from %s:%u, %zu-byte answer", n, fata_ip_format(&src, addr),
			   (unsigned)sport, len);
		if (len > 0)
			fata_udp_send_addr(u, &src, sport, resp, len);
	}
}
