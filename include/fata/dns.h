/*
 * A small authoritative DNS responder (RFC 1034, RFC 1035): one zone of A records, answered over
 * UDP by whatever loop the unikernel runs (examples/applications/dns). Names in a query are
 * compared case-insensitively and echoed as they came; names and types the zone lacks get the
 * zone's SOA, names outside it REFUSED (this is no resolver).
 */
#ifndef FATA_DNS_H
#define FATA_DNS_H

#include <stddef.h>
#include <stdint.h>

#define FATA_DNS_WIRE_MAX 255	/* a name in wire form, with the root label */
#define FATA_DNS_RECORDS_MAX 64
#define FATA_DNS_UDP_MAX 512	/* every response fits a classic UDP message */

struct fata_dns_name {
	uint8_t wire[FATA_DNS_WIRE_MAX];	/* lower case, length-prefixed labels, 0 at the end */
	uint8_t len;
};

struct fata_dns_zone {
	struct fata_dns_name origin;
	uint32_t ttl;		/* of every record, and the SOA's minimum (negative answers) */
	size_t n;
	struct {
		struct fata_dns_name name;	/* absolute */
		uint32_t ipv4;			/* host byte order */
	} records[FATA_DNS_RECORDS_MAX];
};

/*
 * Fills `z` from `origin` (a domain name such as "fata.test", with or without the final dot)
 * and `spec`, "NAME=IPV4,NAME=IPV4,..." with names relative to the origin ("@" is the origin
 * itself). Labels are letters, digits, '-' and '_'. Returns 0, or -1 with what was wrong in `why`.
 */
int fata_dns_zone_parse(struct fata_dns_zone *z, const char *origin, const char *spec,
			uint32_t ttl, char *why, size_t whylen);

/*
 * Answers the DNS message `q` (`len` bytes) from `z` into `resp`, which has room for `cap`
 * bytes (at least FATA_DNS_UDP_MAX). Returns the response's length, or 0 when nothing should go
 * back: `q` is itself a response, or too short to carry an ID. Malformed queries get FORMERR,
 * opcodes other than QUERY get NOTIMP.
 */
size_t fata_dns_answer(const struct fata_dns_zone *z, const uint8_t *q, size_t len, uint8_t *resp,
		       size_t cap);

#endif
