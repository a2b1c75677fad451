/*
 * DNS (RFC 1034, RFC 1035), both sides.
 *
 * A small authoritative responder: one zone of A records, answered over UDP by whatever loop
 * the unikernel runs (examples/applications/dns). Names in a query are compared
 * case-insensitively and echoed as they came; names and types the zone lacks get the zone's SOA,
 * names outside it REFUSED.
 *
 * A stub resolver (examples/applications/dns-resolve): A and AAAA queries over UDP to up to
 * FATA_DNS_MAX recursive servers (by default the ones the stack's DHCP lease named), with a
 * random ID and source port per query from the random generator, answers checked against the
 * question, CNAME chains followed, and retries over the servers until a deadline.
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

/* --- the stub resolver -------------------------------------------------------------------------- */

struct fata_stack;
struct fata_random;

#define FATA_DNS_TYPE_A 1
#define FATA_DNS_TYPE_CNAME 5
#define FATA_DNS_TYPE_AAAA 28
#define FATA_DNS_ADDRS_MAX 16	/* addresses of one type a result holds */
#define FATA_DNS_CHAIN_MAX 8	/* CNAMEs followed at most */
#define FATA_DNS_NAME_MAX 254	/* a name in text, without the final dot */

struct fata_dns_result {
	char name[FATA_DNS_NAME_MAX + 1];	/* the canonical name (the end of the CNAME chain) */
	unsigned ncnames;			/* CNAMEs followed to get there */
	unsigned naddrs;
	uint8_t addrs[FATA_DNS_ADDRS_MAX][16];	/* 4 bytes (A) or 16 (AAAA), network order */
	uint32_t ttl;				/* the smallest TTL along the way */
};

/*
 * Writes a query for `name` (text, with or without the final dot) and `qtype` with ID `id` and
 * RD set into `buf` (`cap` bytes). Returns its length, or -EINVAL when the name is not a valid
 * host name (labels of 1-63 letters, digits, '-' or '_', 253 characters at most), -ENOSPC.
 */
int fata_dns_query(const char *name, uint16_t qtype, uint16_t id, uint8_t *buf, size_t cap);

/*
 * Reads the response `msg` (`len` bytes) to the query `query` (as fata_dns_query() wrote it):
 * the ID, the question (name, case-insensitively, type and class) and QR must match, or it is
 * not an answer to that query (-EBADMSG; the caller keeps waiting). Follows the CNAMEs in the
 * answer section from the question's name and collects the records of the question's type at
 * the end of the chain into `out`. Returns 0 with at least one address; -ENOENT (NXDOMAIN);
 * -ENODATA (the name exists without such records, or the chain leaves the answer: out->name is
 * where it ended, so the caller may ask again for it); -EAGAIN (the server failed: SERVFAIL,
 * REFUSED, NOTIMP, or a truncated answer without addresses: ask another); -EBADMSG.
 */
int fata_dns_response(const uint8_t *query, size_t qlen, const uint8_t *msg, size_t len,
		      struct fata_dns_result *out);

/*
 * Resolves `name` to addresses of `qtype` (FATA_DNS_TYPE_A or FATA_DNS_TYPE_AAAA) through the
 * servers `servers[0..n)` (n 0: the stack's, from its DHCP lease), blocking the calling fiber.
 * Each try waits `try_ns` for an answer from one server, then the next server is asked, round
 * after round, until `deadline`. A CNAME chain that leaves an answer is followed with new
 * queries (FATA_DNS_CHAIN_MAX links in all). Returns 0 with `out` filled, or -ENOENT (no such
 * name), -ENODATA (no records of that type), -ETIMEDOUT (no server answered in time), -EINVAL
 * (bad name or type), -ENETUNREACH (no server known), -ELOOP (too long a CNAME chain) or what
 * fata_udp_bind() failed with.
 */
int fata_dns_resolve(struct fata_stack *stack, struct fata_random *rng, const uint32_t *servers,
		     unsigned n, const char *name, uint16_t qtype, uint64_t try_ns,
		     uint64_t deadline, struct fata_dns_result *out);

#endif
