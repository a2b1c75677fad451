/* dhcp: a DHCP server (include/fata/dhcp_server.h) configured from keys, on the stack's port 67. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <fata/dhcp_server.h>

#include "fata/unikernel.h"

/* Parses "xx:xx:xx:xx:xx:xx" (exactly) into mac; 0 or -1. */
static int parse_mac(const char *s, size_t len, uint8_t mac[6])
{
	if (len != 17)
		return -1;
	for (int i = 0; i < 6; i++) {
		unsigned v = 0;

		for (int j = 0; j < 2; j++) {
			char c = s[3 * i + j];

			if (c >= '0' && c <= '9')
				v = v * 16 + (unsigned)(c - '0');
			else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
				v = v * 16 + (unsigned)((c | 0x20) - 'a' + 10);
			else
				return -1;
		}
		if (i < 5 && s[3 * i + 2] != ':')
			return -1;
		mac[i] = (uint8_t)v;
	}
	return 0;
}

/* Parses one dotted quad of `len` characters. */
static int parse_ip(const char *s, size_t len, uint32_t *ip)
{
	char buf[FATA_IPV4_STRLEN];
	union fata_key_value v;

	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = 0;
	if (fata_key_value_parse(FATA_KEY_IPV4, buf, &v) < 0)
		return -1;
	*ip = v.ipv4;
	return 0;
}

/* The keys into `c`; 0, or -1 after saying what was wrong. */
static int configure(struct fata_dhcp_server_config *c, struct fata_stack *stack)
{
	struct fata_ipv4_config ip = fata_stack_ipv4(stack);
	const char *p;
	size_t n = 0;

	memset(c, 0, sizeof(*c));
	c->server = ip.addr.addr;
	c->mask = fata_ipv4_mask(ip.addr.len);
	c->range_first = fata_key_range_start();
	c->range_last = fata_key_range_end();
	c->router = fata_key_router();
	for (p = fata_key_dns(); *p;) {
		size_t len = strcspn(p, ",");

		if (n == FATA_DNS_MAX || parse_ip(p, len, &c->dns[n]) < 0) {
			fata_err("--dns=%s: expected up to %d IPv4 addresses, comma-separated",
				 fata_key_dns(), FATA_DNS_MAX);
			return -1;
		}
		n++;
		p += len + (p[len] == ',');
	}
	if (strlen(fata_key_domain()) > FATA_DHCP_DOMAIN_MAX) {
		fata_err("--domain: at most %d characters", FATA_DHCP_DOMAIN_MAX);
		return -1;
	}
	strcpy(c->domain, fata_key_domain());
	if (fata_key_mtu() != 0 && (fata_key_mtu() < 68 || fata_key_mtu() > 65535)) {
		fata_err("--mtu=%" PRId64 ": expected 0 or 68 to 65535", fata_key_mtu());
		return -1;
	}
	c->mtu = (uint16_t)fata_key_mtu();
	if (fata_key_lease_time() < 1 || fata_key_max_lease_time() > 0xfffffffe ||
	    fata_key_lease_time() > fata_key_max_lease_time()) {
		fata_err("--lease-time and --max-lease-time: 1 s <= lease-time <= max-lease-time");
		return -1;
	}
	c->lease_secs = (uint32_t)fata_key_lease_time();
	c->max_lease_secs = (uint32_t)fata_key_max_lease_time();
	for (p = fata_key_hosts(); *p;) {
		size_t len = strcspn(p, ","), eq = strcspn(p, "=");

		if (c->nhosts == FATA_DHCP_HOSTS_MAX || eq >= len ||
		    parse_mac(p, eq, c->hosts[c->nhosts].mac) < 0 ||
		    parse_ip(p + eq + 1, len - eq - 1, &c->hosts[c->nhosts].addr) < 0) {
			fata_err("--hosts: expected MAC=IPV4,... (at most %d), as in "
				 "02:00:00:00:00:01=10.0.0.10", FATA_DHCP_HOSTS_MAX);
			return -1;
		}
		c->nhosts++;
		p += len + (p[len] == ',');
	}
	return 0;
}

int start(struct fata_stack *stack)
{
	static struct fata_dhcp_server_config cfg;
	struct fata_dhcp_server *srv;
	char why[200];
	int r;

	if (configure(&cfg, stack) < 0)
		return 64;
	srv = fata_dhcp_server_new(&cfg, why, sizeof(why));
	if (!srv) {
		fata_err("%s", why);
		return 64;
	}
	r = fata_dhcp_server_run(srv, stack);
	fata_err("DHCP server stopped: %s", strerror(-r));
	fata_dhcp_server_free(srv);
	return 1;
}
