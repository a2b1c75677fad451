/*
 * Unit tests of the stub resolver's wire side (lib/net/dns_resolver.c): queries byte for byte,
 * invalid names, and responses built here from RFC 1035: A and AAAA answers, CNAME chains with
 * compression, a chain that leaves the answer, NXDOMAIN, NODATA, server failures, answers to
 * another question, pointer loops, truncation and TTLs.
 */
#include <errno.h>
#include <fata/dns.h>
#include <fata/runtime.h>
#include <string.h>

#include "tap.h"

static struct fata_key no_keys[1];
const struct fata_unikernel fata_unikernel = { .name = "test", .keys = no_keys };

static uint8_t q[512], m[512];
static int qlen;
static size_t mlen;
static struct fata_dns_result res;

/* Starts a response to the query in q: its ID and question (with the question's bytes as they
 * are), flags `flags`, `an` answers to come. */
static void resp(uint16_t flags, uint16_t an)
{
	memcpy(m, q, (size_t)qlen);
	m[2] = (uint8_t)(flags >> 8);
	m[3] = (uint8_t)flags;
	m[6] = (uint8_t)(an >> 8);
	m[7] = (uint8_t)an;
	mlen = (size_t)qlen;
}

static void put(const void *p, size_t n)
{
	memcpy(m + mlen, p, n);
	mlen += n;
}

/* A record: owner (raw wire bytes, maybe a pointer), type, TTL, rdata. */
static void rr(const void *owner, size_t olen, uint16_t type, uint32_t ttl, const void *rd,
	       size_t rdlen)
{
	uint8_t h[10] = { (uint8_t)(type >> 8), (uint8_t)type, 0, 1, (uint8_t)(ttl >> 24),
			  (uint8_t)(ttl >> 16), (uint8_t)(ttl >> 8), (uint8_t)ttl,
			  (uint8_t)(rdlen >> 8), (uint8_t)rdlen };

	put(owner, olen);
	put(h, 10);
	put(rd, rdlen);
}

static int parse(void)
{
	return fata_dns_response(q, (size_t)qlen, m, mlen, &res);
}

static const uint8_t QPTR[2] = { 0xc0, 12 };	/* the question's name */

int main(void)
{
	static const uint8_t want[] = {
		0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
		3, 'w', 'w', 'w', 4, 'f', 'a', 't', 'a', 4, 't', 'e', 's', 't', 0, 0, 1, 0, 1,
	};
	char longname[300];
	uint8_t a1[4] = { 198, 18, 0, 80 }, a2[4] = { 198, 18, 0, 81 };
	uint8_t six[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x81 };

	/* Queries. */
	qlen = fata_dns_query("WWW.fata.test.", FATA_DNS_TYPE_A, 0x1234, q, sizeof(q));
	ok(qlen == (int)sizeof(want) && memcmp(q, want, sizeof(want)) == 0,
	   "a query: ID, RD, one question, lower case, no final dot in the wire name");
	is_int(fata_dns_query("a..b", 1, 0, q, sizeof(q)), -EINVAL, "an empty label: EINVAL");
	is_int(fata_dns_query("a b.c", 1, 0, q, sizeof(q)), -EINVAL, "a space: EINVAL");
	is_int(fata_dns_query("", 1, 0, q, sizeof(q)), -EINVAL, "an empty name: EINVAL");
	memset(longname, 'a', 64);
	longname[64] = 0;
	is_int(fata_dns_query(longname, 1, 0, q, sizeof(q)), -EINVAL, "a 64-byte label: EINVAL");
	longname[63] = 0;
	ok(fata_dns_query(longname, 1, 0, q, sizeof(q)) > 0, "a 63-byte label: fine");
	for (int i = 0; i < 253; i++)
		longname[i] = i % 2 ? '.' : 'a';
	longname[253] = 0;
	ok(fata_dns_query(longname, 1, 0, q, sizeof(q)) > 0, "a 253-character name: fine");
	longname[253] = 'a';
	longname[254] = 0;
	is_int(fata_dns_query(longname, 1, 0, q, sizeof(q)), -EINVAL, "254 characters: EINVAL");
	is_int(fata_dns_query("www.fata.test", 1, 0, q, 20), -ENOSPC, "no room: ENOSPC");

	/* A. */
	qlen = fata_dns_query("www.fata.test", FATA_DNS_TYPE_A, 0x1234, q, sizeof(q));
	resp(0x8180, 2);
	rr(QPTR, 2, 1, 300, a1, 4);
	rr(QPTR, 2, 1, 60, a2, 4);
	ok(parse() == 0 && res.naddrs == 2 && memcmp(res.addrs[0], a1, 4) == 0 &&
	   memcmp(res.addrs[1], a2, 4) == 0, "two A records");
	ok(res.ttl == 60 && res.ncnames == 0, "TTL: the smaller; no CNAME");
	is_str(res.name, "www.fata.test", "the name");
	m[0] ^= 1;
	is_int(parse(), -EBADMSG, "another ID: not our answer");
	m[0] ^= 1;
	m[2] &= 0x7f;
	is_int(parse(), -EBADMSG, "QR clear: not an answer");
	m[2] |= 0x80;
	m[13] = 'W';
	ok(parse() == 0, "the question's name in upper case: still ours (0x20 case randomisation)");
	m[13] = 'x';
	is_int(parse(), -EBADMSG, "another name in the question: not ours");
	m[13] = 'w';
	m[qlen - 3] = 28;
	is_int(parse(), -EBADMSG, "another type in the question: not ours");
	m[qlen - 3] = 1;
	mlen -= 2;
	is_int(parse(), -EBADMSG, "the last record cut short: EBADMSG");

	/* Other records, other owners, other classes. */
	resp(0x8180, 3);
	rr("\5other\4fata\4test", 17, 1, 300, a2, 4);
	rr(QPTR, 2, 16, 300, "\4text", 5);
	rr(QPTR, 2, 1, 300, a1, 4);
	ok(parse() == 0 && res.naddrs == 1 && memcmp(res.addrs[0], a1, 4) == 0,
	   "records of other owners and types are skipped");

	/* AAAA and a CNAME chain with compression. */
	qlen = fata_dns_query("alias.fata.test", FATA_DNS_TYPE_AAAA, 7, q, sizeof(q));
	resp(0x8180, 3);
	rr(QPTR, 2, 5, 100, "\4host\xc0\x12", 7);	/* alias -> host.(fata.test at 18) */
	{
		size_t host = mlen - 7;
		uint8_t p[2] = { 0xc0, (uint8_t)host };

		rr(p, 2, 28, 50, six, 16);
		rr(p, 2, 1, 50, a1, 4);	/* an A record: not what was asked */
	}
	ok(parse() == 0 && res.naddrs == 1 && memcmp(res.addrs[0], six, 16) == 0,
	   "AAAA through a CNAME");
	ok(res.ncnames == 1 && res.ttl == 50, "one CNAME followed; TTL the chain's smallest");
	is_str(res.name, "host.fata.test", "the canonical name");

	/* A chain that leaves the answer. */
	resp(0x8180, 1);
	rr(QPTR, 2, 5, 100, "\3far\4away\0", 10);
	is_int(parse(), -ENODATA, "a CNAME to a name without records here: ENODATA");
	ok(res.ncnames == 1, "with the CNAME counted");
	is_str(res.name, "far.away", "and where it ended (to ask again)");

	/* A CNAME loop is cut. */
	resp(0x8180, 1);
	rr(QPTR, 2, 5, 100, QPTR, 2);
	is_int(parse(), -EBADMSG, "a CNAME to itself: EBADMSG after the chain limit");

	/* Status codes. */
	resp(0x8183, 0);
	is_int(parse(), -ENOENT, "NXDOMAIN: ENOENT");
	resp(0x8180, 0);
	is_int(parse(), -ENODATA, "NOERROR and no records: ENODATA");
	resp(0x8182, 0);
	is_int(parse(), -EAGAIN, "SERVFAIL: EAGAIN (ask another)");
	resp(0x8185, 0);
	is_int(parse(), -EAGAIN, "REFUSED: EAGAIN");
	resp(0x8380, 0);
	is_int(parse(), -EAGAIN, "truncated without addresses: EAGAIN");

	/* Hostile names. */
	resp(0x8180, 1);
	{
		size_t self = mlen;
		uint8_t p[2] = { 0xc0, (uint8_t)self };

		rr(p, 2, 1, 1, a1, 4);	/* an owner pointing at itself */
	}
	is_int(parse(), -EBADMSG, "a compression pointer loop: EBADMSG");
	resp(0x8180, 1);
	rr("\xc1\xff", 2, 1, 1, a1, 4);
	is_int(parse(), -EBADMSG, "a pointer past the end: EBADMSG");
	resp(0x8180, 1);
	rr("\x80" "abc", 4, 1, 1, a1, 4);
	is_int(parse(), -EBADMSG, "a reserved label type: EBADMSG");
	return tap_done();
}
