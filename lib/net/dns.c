/*
 * The authoritative DNS responder of include/fata/dns.h. Queries are parsed without trusting a
 * single length: every label is bounds-checked against the message, compression pointers (which
 * a question has no use for) are FORMERR, and the response is built in a buffer whose size the
 * largest answer is checked against at compile time.
 */
#include <fata/dns.h>
#include <fata/keys.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "prot/dns.h"
#include "wire.h"

/* Largest response: header, question (name + 4), SOA (pointer, 10, MNAME "ns" + pointer,
 * RNAME "hostmaster" + pointer, 20), an A record never beside it. */
#define DNS_SOA_RR_LEN (2 + 10 + (1 + 2 + 2) + (1 + 10 + 2) + 20)
_Static_assert(DNS_HDR_LEN + FATA_DNS_WIRE_MAX + 4 + DNS_SOA_RR_LEN <= FATA_DNS_UDP_MAX,
	       "every response fits 512 bytes");

static uint8_t lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

/* --- the zone ----------------------------------------------------------------------------- */

static bool label_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_';
}

/* Appends the presentation name text[0..len) (no final dot; may be empty) to `n` in wire form. */
static int name_append(struct fata_dns_name *n, const char *text, size_t len, char *why,
		       size_t whylen)
{
	size_t i = 0;

	while (i < len) {
		size_t start = i;

		while (i < len && text[i] != '.')
			i++;
		if (i == start || i - start > DNS_LABEL_MAX) {
			snprintf(why, whylen, "'%.*s': labels are 1 to %d characters", (int)len, text,
				 DNS_LABEL_MAX);
			return -1;
		}
		if ((size_t)n->len + 1 + (i - start) + 1 > FATA_DNS_WIRE_MAX) {
			snprintf(why, whylen, "'%.*s': a name is at most 253 characters", (int)len,
				 text);
			return -1;
		}
		n->wire[n->len++] = (uint8_t)(i - start);
		for (size_t k = start; k < i; k++) {
			if (!label_char(text[k])) {
				snprintf(why, whylen, "'%.*s': '%c' in a name; expected letters, "
					 "digits, '-' or '_'", (int)len, text, text[k]);
				return -1;
			}
			n->wire[n->len++] = lower((uint8_t)text[k]);
		}
		if (i < len)
			i++;	/* the dot */
	}
	return 0;
}

int fata_dns_zone_parse(struct fata_dns_zone *z, const char *origin, const char *spec,
			uint32_t ttl, char *why, size_t whylen)
{
	size_t olen = strlen(origin);
	const char *p = spec;

	memset(z, 0, sizeof(*z));
	z->ttl = ttl;
	if (olen > 0 && origin[olen - 1] == '.')
		olen--;
	if (olen == 0) {
		snprintf(why, whylen, "the zone's origin is empty; expected a domain name such as fata.test");
		return -1;
	}
	if (name_append(&z->origin, origin, olen, why, whylen) < 0)
		return -1;
	z->origin.wire[z->origin.len++] = 0;
	while (*p) {
		const char *end = strchr(p, ','), *eq;
		size_t len = end ? (size_t)(end - p) : strlen(p);
		char addr[16];
		union fata_key_value v;
		struct fata_dns_name *n;

		eq = memchr(p, '=', len);
		if (!eq || eq == p) {
			snprintf(why, whylen, "'%.*s': expected NAME=IPV4", (int)len, p);
			return -1;
		}
		if (z->n == FATA_DNS_RECORDS_MAX) {
			snprintf(why, whylen, "more than %d records", FATA_DNS_RECORDS_MAX);
			return -1;
		}
		if ((size_t)(p + len - eq - 1) >= sizeof(addr)) {
			snprintf(why, whylen, "'%.*s': expected an IPv4 address after '='", (int)len, p);
			return -1;
		}
		memcpy(addr, eq + 1, (size_t)(p + len - eq - 1));
		addr[p + len - eq - 1] = '\0';
		if (fata_key_value_parse(FATA_KEY_IPV4, addr, &v) < 0) {
			snprintf(why, whylen, "'%.*s': '%s' is not an IPv4 address", (int)len, p, addr);
			return -1;
		}
		n = &z->records[z->n].name;
		if (!(eq - p == 1 && *p == '@')) {
			if (name_append(n, p, (size_t)(eq - p), why, whylen) < 0)
				return -1;
		}
		if ((size_t)n->len + z->origin.len > FATA_DNS_WIRE_MAX) {
			snprintf(why, whylen, "'%.*s': with the origin the name is too long",
				 (int)(eq - p), p);
			return -1;
		}
		memcpy(n->wire + n->len, z->origin.wire, z->origin.len);
		n->len = (uint8_t)(n->len + z->origin.len);
		z->records[z->n++].ipv4 = v.ipv4;
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

/* --- answering ------------------------------------------------------------------------------ */

struct query {
	struct fata_dns_name name;	/* lower-cased */
	uint8_t label_at[128];		/* offset of each label in name.wire */
	unsigned labels;
	size_t end;			/* offset in the message just after QTYPE and QCLASS */
	uint16_t type, qclass;
};

/* Parses the question at offset 12; false when malformed. */
static bool parse_question(const uint8_t *q, size_t len, struct query *qu)
{
	size_t at = DNS_HDR_LEN;

	qu->name.len = 0;
	qu->labels = 0;
	for (;;) {
		uint8_t l;

		if (at >= len)
			return false;
		l = q[at];
		if (l & DNS_LABEL_KIND)
			return false;	/* a pointer (or reserved) in a question */
		if ((size_t)qu->name.len + 1 + l > FATA_DNS_WIRE_MAX || at + 1 + l > len)
			return false;
		if (l == 0)
			break;
		qu->label_at[qu->labels++] = qu->name.len;
		qu->name.wire[qu->name.len++] = l;
		for (unsigned i = 0; i < l; i++)
			qu->name.wire[qu->name.len++] = lower(q[at + 1 + i]);
		at += 1 + (size_t)l;
	}
	qu->name.wire[qu->name.len++] = 0;
	at++;
	if (at + 4 > len)
		return false;
	qu->type = be16_get(q + at);
	qu->qclass = be16_get(q + at + 2);
	qu->end = at + 4;
	return true;
}

static bool name_eq(const uint8_t *a, size_t alen, const struct fata_dns_name *b)
{
	return alen == b->len && memcmp(a, b->wire, alen) == 0;
}

/* The index of the label of the query's name from which on it equals `suffix`, or -1. */
static int suffix_label(const struct query *qu, const struct fata_dns_name *suffix)
{
	for (unsigned i = 0; i < qu->labels; i++) {
		size_t off = qu->label_at[i];

		if (name_eq(qu->name.wire + off, qu->name.len - off, suffix))
			return (int)i;
	}
	return -1;
}

/* Whether some record lies below the query's name (which then exists, without records). */
static bool has_descendant(const struct fata_dns_zone *z, const struct query *qu)
{
	for (size_t r = 0; r < z->n; r++) {
		const struct fata_dns_name *n = &z->records[r].name;

		for (size_t off = 0; off + 1 < n->len; off += 1 + (size_t)n->wire[off])
			if (off > 0 && name_eq(n->wire + off, n->len - off, &qu->name))
				return true;
	}
	return false;
}

static uint8_t *put_rr_head(uint8_t *p, uint16_t owner_ptr, uint16_t type, uint32_t ttl,
			    uint16_t rdlen)
{
	be16_put(p, owner_ptr);
	be16_put(p + 2, type);
	be16_put(p + 4, DNS_CLASS_IN);
	be32_put(p + 6, ttl);
	be16_put(p + 10, rdlen);
	return p + 12;
}

/* The zone's SOA, its owner (the origin) at message offset `origin_at`. */
static uint8_t *put_soa(uint8_t *p, const struct fata_dns_zone *z, uint16_t origin_at)
{
	static const uint8_t hostmaster[] = "\012hostmaster";

	p = put_rr_head(p, DNS_PTR(origin_at), DNS_TYPE_SOA, z->ttl, DNS_SOA_RR_LEN - 12);
	*p++ = 2;
	*p++ = 'n';
	*p++ = 's';
	be16_put(p, DNS_PTR(origin_at));
	p += 2;
	memcpy(p, hostmaster, 11);
	p += 11;
	be16_put(p, DNS_PTR(origin_at));
	p += 2;
	be32_put(p, 1);			/* serial */
	be32_put(p + 4, 3600);		/* refresh */
	be32_put(p + 8, 600);		/* retry */
	be32_put(p + 12, 86400);	/* expire */
	be32_put(p + 16, z->ttl);	/* minimum: how long a negative answer may be cached */
	return p + 20;
}

static size_t header_only(uint8_t *resp, uint16_t flags, unsigned rcode)
{
	be16_put(resp + 2, (uint16_t)(flags | rcode));
	memset(resp + 4, 0, 8);
	return DNS_HDR_LEN;
}

size_t fata_dns_answer(const struct fata_dns_zone *z, const uint8_t *q, size_t len, uint8_t *resp,
		       size_t cap)
{
	struct query qu;
	uint16_t qflags, flags, ancount = 0, nscount = 0;
	unsigned rcode = DNS_RCODE_NOERROR;
	uint8_t *p;
	int origin_label;

	if (len < DNS_HDR_LEN || cap < FATA_DNS_UDP_MAX)
		return 0;
	qflags = be16_get(q + 2);
	if (qflags & DNS_QR)
		return 0;	/* never answer an answer */
	memcpy(resp, q, 2);	/* the ID */
	flags = (uint16_t)(DNS_QR | (qflags & (DNS_OPCODE_MASK << DNS_OPCODE_SHIFT)) |
			   (qflags & DNS_RD));
	if (((qflags >> DNS_OPCODE_SHIFT) & DNS_OPCODE_MASK) != DNS_OPCODE_QUERY)
		return header_only(resp, flags, DNS_RCODE_NOTIMP);
	if (be16_get(q + 4) != 1 || !parse_question(q, len, &qu))
		return header_only(resp, flags, DNS_RCODE_FORMERR);

	/* The question as it came (its case too), then the answer. */
	memcpy(resp + DNS_HDR_LEN, q + DNS_HDR_LEN, qu.end - DNS_HDR_LEN);
	p = resp + qu.end;
	origin_label = suffix_label(&qu, &z->origin);
	if ((qu.qclass != DNS_CLASS_IN && qu.qclass != DNS_CLASS_ANY) || origin_label < 0) {
		rcode = DNS_RCODE_REFUSED;
	} else {
		/* The origin's offset in the message: where its labels start in the question. */
		uint16_t origin_at = (uint16_t)(DNS_HDR_LEN + qu.label_at[origin_label]);
		bool found = false, want_a = qu.type == DNS_TYPE_A || qu.type == DNS_TYPE_ANY;

		flags |= DNS_AA;
		for (size_t r = 0; r < z->n; r++) {
			if (!name_eq(qu.name.wire, qu.name.len, &z->records[r].name))
				continue;
			found = true;
			if (want_a) {
				p = put_rr_head(p, DNS_PTR(DNS_HDR_LEN), DNS_TYPE_A, z->ttl, 4);
				be32_put(p, z->records[r].ipv4);
				p += 4;
				ancount++;
			}
			break;	/* one address per name */
		}
		if (origin_label == 0 && (qu.type == DNS_TYPE_SOA || qu.type == DNS_TYPE_ANY) &&
		    ancount == 0) {
			p = put_soa(p, z, origin_at);
			ancount++;
		} else if (ancount == 0) {
			if (!found && origin_label != 0 && !has_descendant(z, &qu))
				rcode = DNS_RCODE_NXDOMAIN;
			p = put_soa(p, z, origin_at);
			nscount++;
		}
	}
	be16_put(resp + 2, (uint16_t)(flags | rcode));
	be16_put(resp + 4, 1);
	be16_put(resp + 6, ancount);
	be16_put(resp + 8, nscount);
	be16_put(resp + 10, 0);
	return (size_t)(p - resp);
}
