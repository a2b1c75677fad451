/* Unit tests of the DNS responder (lib/net/dns.c): the zone spec and its errors, answers of each
 * kind (A, NXDOMAIN, NODATA, SOA, REFUSED), the header bits, and malformed queries. */
#include <fata/dns.h>
#include <fata/runtime.h>
#include <stdio.h>
#include <string.h>

#include "../../lib/net/wire.h"
#include "tap.h"

static struct fata_key no_keys[1];
const struct fata_unikernel fata_unikernel = { .name = "test", .keys = no_keys };

static struct fata_dns_zone z;
static uint8_t q[600], r[FATA_DNS_UDP_MAX];
static char why[160];

/* Builds a query for `name` (presentation, no final dot) of `type` into q; returns its length. */
static size_t query(uint16_t id, uint16_t flags, const char *name, uint16_t type, uint16_t qclass)
{
	size_t n = 12;

	memset(q, 0, 12);
	be16_put(q, id);
	be16_put(q + 2, flags);
	be16_put(q + 4, 1);
	while (*name) {
		const char *dot = strchr(name, '.');
		size_t l = dot ? (size_t)(dot - name) : strlen(name);

		q[n++] = (uint8_t)l;
		memcpy(q + n, name, l);
		n += l;
		name += l + (dot ? 1 : 0);
	}
	q[n++] = 0;
	be16_put(q + n, type);
	be16_put(q + n + 2, qclass);
	return n + 4;
}

static size_t ask(const char *name, uint16_t type)
{
	return fata_dns_answer(&z, q, query(0x1234, 0x0100, name, type, 1), r, sizeof(r));
}

static unsigned rcode(void) { return be16_get(r + 2) & 0xf; }
static unsigned ancount(void) { return be16_get(r + 6); }
static unsigned nscount(void) { return be16_get(r + 8); }

static void test_zone(void)
{
	ok(fata_dns_zone_parse(&z, "Fata.Test.", "@=198.18.0.2,www=198.18.0.3,a.b=198.18.0.4", 60,
			       why, sizeof(why)) == 0 && z.n == 3, "a zone of three records");
	ok(z.origin.len == 11 && memcmp(z.origin.wire, "\4fata\4test", 11) == 0,
	   "the origin in lower-case wire form, final dot dropped");
	ok(z.records[0].name.len == 11 && z.records[0].ipv4 == 0xc6120002, "@ is the origin");
	ok(z.records[2].name.len == 15 && memcmp(z.records[2].name.wire, "\1a\1b\4fata\4test", 15) == 0,
	   "a.b lies below the origin");
#define BAD(origin, spec, want, what) do { struct fata_dns_zone bz; \
	ok(fata_dns_zone_parse(&bz, origin, spec, 60, why, sizeof(why)) < 0 && strstr(why, want), \
	   "refused: %s (%s)", what, why); } while (0)
	BAD("", "", "origin is empty", "an empty origin");
	BAD("fata..test", "", "labels are 1 to 63", "an empty label");
	BAD("fata.test", "www", "expected NAME=IPV4", "no '='");
	BAD("fata.test", "=1.2.3.4", "expected NAME=IPV4", "no name");
	BAD("fata.test", "www=1.2.3", "is not an IPv4 address", "a bad address");
	BAD("fata.test", "www=1.2.3.4.5.6.7.8.9", "expected an IPv4 address", "a long address");
	BAD("fata.test", "w w=1.2.3.4", "' ' in a name", "a space in a name");
	BAD("fata.test", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=1.2.3.4",
	    "labels are 1 to 63", "a label of 64 characters");
	{
		char spec[2000] = "";

		for (int i = 0; i < 65; i++)
			snprintf(spec + strlen(spec), sizeof(spec) - strlen(spec), "%sh%d=1.2.3.4",
				 i ? "," : "", i);
		BAD("fata.test", spec, "more than 64 records", "65 records");
	}
	{
		/* Each limit at, below and above: 63-character labels, 64 records, 253-character names. */
		struct fata_dns_zone bz;
		char spec[2000] = "", name[300];

		for (int i = 0; i < 64; i++)
			snprintf(spec + strlen(spec), sizeof(spec) - strlen(spec), "%sh%d=1.2.3.4",
				 i ? "," : "", i);
		ok(fata_dns_zone_parse(&bz, "fata.test", spec, 60, why, sizeof(why)) == 0 && bz.n == 64,
		   "64 records");
		memset(name, 'a', 63);
		strcpy(name + 63, "=1.2.3.4");
		ok(fata_dns_zone_parse(&bz, "fata.test", name, 60, why, sizeof(why)) == 0,
		   "a label of 63 characters");
		for (int len = 252; len <= 254; len++) {
			/* Labels of 63 separated by dots, then what is left. */
			for (int i = 0; i < len; i++)
				name[i] = i % 64 == 63 ? '.' : 'a';
			name[len] = '\0';
			is_int(fata_dns_zone_parse(&bz, name, "@=1.2.3.4", 60, why, sizeof(why)),
			       len <= 253 ? 0 : -1, "an origin of %d characters", len);
		}
	}
	ok(fata_dns_zone_parse(&z, "fata.test", "@=198.18.0.2,www=198.18.0.3,a.b=198.18.0.4", 60,
			       why, sizeof(why)) == 0, "the zone again");
}

static void test_answers(void)
{
	size_t n, qlen;

	n = ask("www.fata.test", 1);
	ok(n == 31 + 16 && rcode() == 0 && ancount() == 1 && nscount() == 0, "A: one answer");
	ok(be16_get(r) == 0x1234 && (be16_get(r + 2) & 0x8500) == 0x8500,
	   "the ID, QR, AA and RD come back");
	ok(be16_get(r + 31) == 0xc00c && be16_get(r + 33) == 1 && be32_get(r + 37) == 60 &&
	   be16_get(r + 41) == 4 && be32_get(r + 43) == 0xc6120003,
	   "the answer points at the question's name: A, TTL 60, 198.18.0.3");
	qlen = query(7, 0, "WWW.fata.TEST", 1, 1);
	n = fata_dns_answer(&z, q, qlen, r, sizeof(r));
	ok(n == qlen + 16 && memcmp(r + 12, "\3WWW", 4) == 0 && ancount() == 1,
	   "case does not matter, and the question comes back as it was asked");
	ok((be16_get(r + 2) & 0x0100) == 0, "RD stays clear when it was");
	n = ask("fata.test", 1);
	ok(ancount() == 1 && be32_get(r + n - 4) == 0xc6120002, "A at the origin (@)");
	n = ask("www.fata.test", 255);
	ok(ancount() == 1 && rcode() == 0, "ANY: the address");

	n = ask("nothere.fata.test", 1);
	ok(rcode() == 3 && ancount() == 0 && nscount() == 1, "a missing name: NXDOMAIN and an SOA");
	ok(be16_get(r + 35) == 0xc000 + 12 + 8 && be16_get(r + 37) == 6,
	   "the SOA's owner points at the origin inside the question");
	ok(n <= FATA_DNS_UDP_MAX && be32_get(r + n - 4) == 60, "the SOA's minimum is the TTL");
	n = ask("www.fata.test", 28);
	ok(rcode() == 0 && ancount() == 0 && nscount() == 1, "AAAA of a name with only A: NODATA");
	n = ask("b.fata.test", 1);
	ok(rcode() == 0 && ancount() == 0 && nscount() == 1,
	   "a name with only records below it exists: NODATA, not NXDOMAIN");
	n = ask("fata.test", 6);
	ok(rcode() == 0 && ancount() == 1 && nscount() == 0 && be16_get(r + 27 + 2) == 6,
	   "SOA at the origin: the answer");
	n = ask("example.com", 1);
	ok(rcode() == 5 && ancount() == 0 && (be16_get(r + 2) & 0x0400) == 0,
	   "outside the zone: REFUSED, not authoritative");
	n = ask("xfata.test", 1);
	ok(rcode() == 5, "a name that only ends in the same letters is outside the zone");
	n = fata_dns_answer(&z, q, query(1, 0, "www.fata.test", 1, 3), r, sizeof(r));
	ok(rcode() == 5, "class CHAOS: REFUSED");
}

static void test_malformed(void)
{
	size_t qlen;
	char big[300];

	qlen = query(1, 0x8000, "www.fata.test", 1, 1);
	is_int(fata_dns_answer(&z, q, qlen, r, sizeof(r)), 0, "a response gets no answer");
	is_int(fata_dns_answer(&z, q, 11, r, sizeof(r)), 0, "11 bytes get no answer");
	is_int(fata_dns_answer(&z, q, qlen, r, 100), 0, "too small a buffer: no answer");
	qlen = query(1, 2 << 11, "www.fata.test", 1, 1);
	ok(fata_dns_answer(&z, q, qlen, r, sizeof(r)) == 12 && rcode() == 4 &&
	   (be16_get(r + 2) >> 11 & 15) == 2, "opcode STATUS: NOTIMP, header only");
#define FORMERR(len, what) ok(fata_dns_answer(&z, q, (len), r, sizeof(r)) == 12 && rcode() == 1, \
			       "FORMERR: %s", what)
	qlen = query(1, 0, "www.fata.test", 1, 1);
	be16_put(q + 4, 2);
	FORMERR(qlen, "two questions");
	be16_put(q + 4, 0);
	FORMERR(qlen, "no question");
	qlen = query(1, 0, "www.fata.test", 1, 1);
	FORMERR(qlen - 1, "QCLASS cut short");
	FORMERR(15, "the name cut inside a label");
	FORMERR(12, "no name at all");
	q[12] = 0xc0;
	q[13] = 12;
	FORMERR(qlen, "a compression pointer in the question");
	q[12] = 0x40;
	FORMERR(qlen, "a reserved label type");
	memset(big, 'a', sizeof(big));
	for (size_t i = 63; i < sizeof(big); i += 64)
		big[i] = '.';
	big[sizeof(big) - 1] = 0;
	qlen = query(1, 0, big, 1, 1);
	FORMERR(qlen, "a name longer than 255 bytes");
}

int main(void)
{
	test_zone();
	test_answers();
	test_malformed();
	return tap_done();
}
