/* dns-resolve: resolves --domain-name with the stub resolver of fata/dns.h and prints what it
 * found. Exits 0 when an address was found, 2 when the name does not exist, 1 otherwise. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <fata/dns.h>

#include "fata/unikernel.h"

/* An IPv6 address in RFC 5952's text form (the longest run of two or more zero groups as ::). */
static void format_ipv6(const uint8_t a[16], char *buf, size_t len)
{
	uint16_t g[8];
	int best = -1, best_len = 0, o = 0;

	for (int i = 0; i < 8; i++)
		g[i] = (uint16_t)(a[2 * i] << 8 | a[2 * i + 1]);
	for (int i = 0; i < 8;) {
		int j = i;

		while (j < 8 && g[j] == 0)
			j++;
		if (j - i > best_len && j - i >= 2) {
			best = i;
			best_len = j - i;
		}
		i = j > i ? j : i + 1;
	}
	for (int i = 0; i < 8 && o < (int)len; i++) {
		if (i == best) {
			o += snprintf(buf + o, len - (size_t)o, "::");
			i += best_len - 1;
			continue;
		}
		o += snprintf(buf + o, len - (size_t)o, "%s%x", i && i != best + best_len ? ":" : "", g[i]);
	}
}

/* Resolves one type and prints it; the resolver's status. */
static int lookup(struct fata_stack *stack, struct fata_random *rng, const uint32_t *servers,
		  unsigned n, uint16_t type)
{
	const char *name = fata_key_domain_name();
	const char *kind = type == FATA_DNS_TYPE_A ? "IPv4" : "IPv6";
	uint64_t deadline = fata_monotonic_ns() + (uint64_t)fata_key_timeout_ms() * 1000000;
	struct fata_dns_result res;
	int r = fata_dns_resolve(stack, rng, servers, n, name, type,
				 (uint64_t)fata_key_try_ms() * 1000000, deadline, &res);

	switch (r) {
	case 0:
		break;
	case -ENOENT:
		fata_info("%s: no such name (NXDOMAIN)", name);
		return r;
	case -ENODATA:
		fata_info("%s: no %s address", name, kind);
		return r;
	default:
		fata_err("%s: %s lookup failed: %s", name, kind, strerror(-r));
		return r;
	}
	if (res.ncnames)
		fata_info("%s is an alias of %s (%u CNAME%s)", name, res.name, res.ncnames,
			  res.ncnames > 1 ? "s" : "");
	for (unsigned i = 0; i < res.naddrs; i++) {
		char text[48];

		if (type == FATA_DNS_TYPE_A)
			snprintf(text, sizeof(text), "%u.%u.%u.%u", res.addrs[i][0], res.addrs[i][1],
				 res.addrs[i][2], res.addrs[i][3]);
		else
			format_ipv6(res.addrs[i], text, sizeof(text));
		fata_info("%s has %s address %s (TTL %" PRIu32 " s)", name, kind, text, res.ttl);
	}
	return 0;
}

int start(struct fata_stack *stack, struct fata_random *rng)
{
	uint32_t servers[FATA_DNS_MAX];
	unsigned n = 0;
	const char *t = fata_key_type(), *p;
	bool a = strcmp(t, "A") == 0 || strcmp(t, "both") == 0;
	bool aaaa = strcmp(t, "AAAA") == 0 || strcmp(t, "both") == 0;
	int ra = -ENODATA, raaaa = -ENODATA;

	if (!a && !aaaa) {
		fata_err("--type=%s: expected A, AAAA or both", t);
		return 64;
	}
	if (fata_key_try_ms() < 1 || fata_key_timeout_ms() < 1) {
		fata_err("--try-ms and --timeout-ms must be at least 1");
		return 64;
	}
	for (p = fata_key_dns_server(); *p;) {
		size_t len = strcspn(p, ",");
		char ip[FATA_IPV4_STRLEN];
		union fata_key_value v;

		if (n == FATA_DNS_MAX || len == 0 || len >= sizeof(ip)) {
			fata_err("--dns-server: up to %d IPv4 addresses, comma-separated", FATA_DNS_MAX);
			return 64;
		}
		memcpy(ip, p, len);
		ip[len] = 0;
		if (fata_key_value_parse(FATA_KEY_IPV4, ip, &v) < 0) {
			fata_err("--dns-server: %s is not an IPv4 address", ip);
			return 64;
		}
		servers[n++] = v.ipv4;
		p += len + (p[len] == ',');
	}
	if (n == 0) {
		struct fata_ipv4_config c = fata_stack_ipv4(stack);
		char ip[FATA_IPV4_STRLEN];

		if (!c.dns[0]) {
			fata_err("no DNS server: give --dns-server, or configure with --dhcp=true");
			return 64;
		}
		fata_info("using the DNS server of the DHCP lease, %s", fata_ipv4_format(c.dns[0], ip));
	}
	if (a)
		ra = lookup(stack, rng, servers, n, FATA_DNS_TYPE_A);
	if (aaaa && ra != -ENOENT)
		raaaa = lookup(stack, rng, servers, n, FATA_DNS_TYPE_AAAA);
	if (ra == 0 || raaaa == 0)
		return 0;
	return ra == -ENOENT ? 2 : 1;
}
