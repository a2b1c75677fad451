/*
 * The stub resolver of fata/dns.h: building queries, checking and reading responses (name
 * decompression with bounded pointer chasing, CNAME chains), and the retry loop over the
 * servers on the public UDP interface, with IDs and ports from the random generator.
 */
#include <errno.h>
#include <string.h>

#include <fata/dns.h>
#include <fata/log.h>
#include <fata/net.h>
#include <fata/random.h>
#include <fata/time.h>

#include "prot/dns.h"
#include "wire.h"

FATA_LOG_SOURCE(log_resolver, "dns-resolver");

#define DNS_PORT 53
#define DNS_RCODE_SERVFAIL 2
#define EPHEMERAL_FIRST 49152u
#define PTR_HOPS_MAX 32		/* compression pointers followed in one name */
#define RR_MAX 64		/* answer records looked at */

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

/* `name` in wire form, lower case, into w (FATA_DNS_WIRE_MAX); its length, or -EINVAL. */
static int to_wire(const char *name, uint8_t *w)
{
	size_t n = strlen(name), pos = 0;

	if (n > 0 && name[n - 1] == '.')
		n--;
	if (n == 0 || n > 253)
		return -EINVAL;
	for (size_t i = 0; i < n;) {
		size_t l = 0;

		while (i + l < n && name[i + l] != '.') {
			char c = lower(name[i + l]);

			if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
				return -EINVAL;
			l++;
		}
		if (l == 0 || l > DNS_LABEL_MAX)
			return -EINVAL;
		w[pos++] = (uint8_t)l;
		for (size_t j = 0; j < l; j++)
			w[pos++] = (uint8_t)lower(name[i + j]);
		i += l + 1;
	}
	w[pos++] = 0;
	return (int)pos;
}

/* Whether two wire names (lower case) are the same; labels may hold any byte, even 0. */
static bool wire_eq(const uint8_t *a, const uint8_t *b)
{
	size_t i = 0;

	while (a[i] == b[i]) {
		if (a[i] == 0)
			return true;
		if (memcmp(a + i + 1, b + i + 1, a[i]) != 0)
			return false;
		i += 1 + a[i];
	}
	return false;
}

/* A wire name to text (no final dot) into t (FATA_DNS_NAME_MAX + 1); labels were checked. */
static void to_text(const uint8_t *w, char *t)
{
	size_t o = 0;

	for (size_t i = 0; w[i]; i += 1 + w[i]) {
		if (o)
			t[o++] = '.';
		for (size_t j = 0; j < w[i] && o < FATA_DNS_NAME_MAX; j++) {
			char c = (char)w[i + 1 + j];

			/* Whatever bytes a label holds, the text is printable. */
			t[o++] = c > 0x20 && c < 0x7f && c != '.' ? c : '?';
		}
	}
	t[o] = 0;
}

/*
 * Reads the name at `off` of `msg`, following compression pointers, into `w` (lower case, wire
 * form, FATA_DNS_WIRE_MAX bytes). `*end` is where the name ends in place (after the first
 * pointer). Returns 0 or -EBADMSG (past the end, too long, a pointer loop, reserved bits).
 */
static int read_name(const uint8_t *msg, size_t len, size_t off, uint8_t *w, size_t *end)
{
	size_t pos = 0;
	unsigned hops = 0;
	bool jumped = false;

	for (;;) {
		uint8_t l;

		if (off >= len)
			return -EBADMSG;
		l = msg[off];
		if ((l & DNS_LABEL_KIND) == DNS_LABEL_KIND) {
			if (off + 1 >= len || ++hops > PTR_HOPS_MAX)
				return -EBADMSG;
			if (!jumped)
				*end = off + 2;
			jumped = true;
			off = ((size_t)(l & 0x3f) << 8) | msg[off + 1];
			continue;
		}
		if (l & DNS_LABEL_KIND)
			return -EBADMSG;
		if (l == 0) {
			if (pos + 1 > FATA_DNS_WIRE_MAX)
				return -EBADMSG;
			w[pos] = 0;
			if (!jumped)
				*end = off + 1;
			return 0;
		}
		if (off + 1 + l > len || pos + 1 + l + 1 > FATA_DNS_WIRE_MAX)
			return -EBADMSG;
		w[pos++] = l;
		for (size_t j = 0; j < l; j++)
			w[pos++] = (uint8_t)lower((char)msg[off + 1 + j]);
		off += 1 + l;
	}
}

int fata_dns_query(const char *name, uint16_t qtype, uint16_t id, uint8_t *buf, size_t cap)
{
	uint8_t w[FATA_DNS_WIRE_MAX];
	int n = to_wire(name, w);

	if (n < 0)
		return n;
	if (cap < DNS_HDR_LEN + (size_t)n + 4)
		return -ENOSPC;
	memset(buf, 0, DNS_HDR_LEN);
	be16_put(buf, id);
	be16_put(buf + 2, DNS_RD);
	be16_put(buf + 4, 1);
	memcpy(buf + DNS_HDR_LEN, w, (size_t)n);
	be16_put(buf + DNS_HDR_LEN + n, qtype);
	be16_put(buf + DNS_HDR_LEN + n + 2, DNS_CLASS_IN);
	return DNS_HDR_LEN + n + 4;
}

/* One resource record of the answer section. */
struct rr {
	uint8_t owner[FATA_DNS_WIRE_MAX];
	uint16_t type;
	uint32_t ttl;
	size_t rdata, rdlen;	/* offset in the message */
};

int fata_dns_response(const uint8_t *query, size_t qlen, const uint8_t *msg, size_t len,
		      struct fata_dns_result *out)
{
	static struct rr rrs[RR_MAX];	/* the resolver runs in one fiber at a time per call */
	uint8_t qname[FATA_DNS_WIRE_MAX], name[FATA_DNS_WIRE_MAX], cur[FATA_DNS_WIRE_MAX];
	size_t off, end = 0, qn, nrr = 0;
	uint16_t flags, qtype, ancount, rcode;
	bool found;

	memset(out, 0, sizeof(*out));
	if (qlen < DNS_HDR_LEN + 5 || qlen > DNS_HDR_LEN + FATA_DNS_WIRE_MAX + 4 ||
	    len < DNS_HDR_LEN || memcmp(msg, query, 2) != 0)
		return -EBADMSG;
	qn = qlen - DNS_HDR_LEN - 4;
	flags = be16_get(msg + 2);
	if (!(flags & DNS_QR) || ((flags >> DNS_OPCODE_SHIFT) & DNS_OPCODE_MASK) != DNS_OPCODE_QUERY ||
	    be16_get(msg + 4) != 1)
		return -EBADMSG;
	/* The question must be ours (RFC 5452 9.1: ID, name, type, class). */
	if (read_name(msg, len, DNS_HDR_LEN, name, &end) < 0 || end + 4 > len)
		return -EBADMSG;
	memcpy(qname, query + DNS_HDR_LEN, qn);
	if (memcmp(name, qname, qn) != 0 || memcmp(msg + end, query + DNS_HDR_LEN + qn, 4) != 0)
		return -EBADMSG;
	qtype = be16_get(query + DNS_HDR_LEN + qn);
	rcode = flags & 0xf;
	if (rcode == DNS_RCODE_NXDOMAIN)
		return -ENOENT;
	if (rcode != DNS_RCODE_NOERROR)
		return -EAGAIN;
	ancount = be16_get(msg + 6);
	off = end + 4;
	for (unsigned i = 0; i < ancount && nrr < RR_MAX; i++) {
		struct rr *r = &rrs[nrr];

		if (read_name(msg, len, off, r->owner, &off) < 0 || off + 10 > len)
			return -EBADMSG;
		r->type = be16_get(msg + off);
		r->ttl = be32_get(msg + off + 4);
		r->rdlen = be16_get(msg + off + 8);
		r->rdata = off + 10;
		if (r->rdata + r->rdlen > len)
			return -EBADMSG;
		off = r->rdata + r->rdlen;
		if (be16_get(msg + r->rdata - 8) == DNS_CLASS_IN)	/* the class field */
			nrr++;
	}
	/* From the question's name along the CNAMEs, then the records of the type there. */
	memcpy(cur, qname, qn);
	out->ttl = 0xffffffffu;
	do {
		found = false;
		for (size_t i = 0; i < nrr; i++) {
			struct rr *r = &rrs[i];
			size_t e;

			if (r->type != FATA_DNS_TYPE_CNAME || !wire_eq(r->owner, cur))
				continue;
			if (out->ncnames == FATA_DNS_CHAIN_MAX ||
			    read_name(msg, r->rdata + r->rdlen, r->rdata, cur, &e) < 0)
				return -EBADMSG;
			out->ncnames++;
			if (r->ttl < out->ttl)
				out->ttl = r->ttl;
			found = true;
			break;
		}
	} while (found);
	to_text(cur, out->name);
	for (size_t i = 0; i < nrr; i++) {
		struct rr *r = &rrs[i];
		size_t alen = qtype == FATA_DNS_TYPE_A ? 4 : 16;

		if (r->type != qtype || r->rdlen != alen || !wire_eq(r->owner, cur) ||
		    out->naddrs == FATA_DNS_ADDRS_MAX)
			continue;
		memcpy(out->addrs[out->naddrs++], msg + r->rdata, alen);
		if (r->ttl < out->ttl)
			out->ttl = r->ttl;
	}
	if (out->naddrs)
		return 0;
	if (out->ttl == 0xffffffffu)
		out->ttl = 0;
	return (flags & DNS_TC) ? -EAGAIN : -ENODATA;
}

/* A socket on a random ephemeral port (RFC 5452 9.2); NULL with errno. */
static struct fata_udp *random_port(struct fata_stack *stack, struct fata_random *rng)
{
	for (int i = 0; i < 8; i++) {
		uint16_t port = (uint16_t)(EPHEMERAL_FIRST + fata_random_uniform(rng, 65536 - EPHEMERAL_FIRST));
		struct fata_udp *u = fata_udp_bind(stack, port);

		if (u || errno != EADDRINUSE)
			return u;
	}
	return fata_udp_bind(stack, 0);
}

/* One question to the servers until one answers it or the deadline; the answer's status. */
static int ask(struct fata_stack *stack, struct fata_random *rng, const uint32_t *servers,
	       unsigned n, const char *name, uint16_t qtype, uint64_t try_ns, uint64_t deadline,
	       struct fata_dns_result *out)
{
	static uint8_t resp[FATA_DNS_UDP_MAX];
	uint8_t q[FATA_DNS_UDP_MAX];
	int qlen = fata_dns_query(name, qtype, 0, q, sizeof(q)), r;
	bool failed[FATA_DNS_MAX] = { false };

	if (qlen < 0)
		return qlen;
	for (unsigned attempt = 0; fata_monotonic_ns() < deadline; attempt++) {
		unsigned s = attempt % n;
		struct fata_udp *u;
		uint64_t until;
		char ip[FATA_IPV4_STRLEN];

		if (failed[s]) {
			bool all = true;

			for (unsigned k = 0; k < n; k++)
				all &= failed[k];
			if (all)
				return -EAGAIN;
			continue;
		}
		r = -ETIMEDOUT;
		/* A new ID and port for every try. */
		be16_put(q, (uint16_t)fata_random_u32(rng));
		u = random_port(stack, rng);
		if (!u)
			return -errno;
		fata_log(&log_resolver, FATA_LOG_DEBUG, "%s type %u to %s, try %u", name, qtype,
			 fata_ipv4_format(servers[s], ip), attempt + 1);
		if (fata_udp_send(u, servers[s], DNS_PORT, q, (size_t)qlen) < 0) {
			fata_udp_close(u);
			if (attempt + 1 >= n * 8)
				break;
			continue;	/* unreachable server: the next one */
		}
		until = fata_monotonic_ns() + try_ns;
		if (until > deadline)
			until = deadline;
		for (;;) {
			uint32_t src;
			uint16_t sport;
			long got = fata_udp_recv(u, resp, sizeof(resp), &src, &sport, until);

			if (got < 0)
				break;
			if (src != servers[s] || sport != DNS_PORT)
				continue;	/* not from whom we asked: ignored */
			r = fata_dns_response(q, (size_t)qlen, resp, (size_t)got, out);
			if (r == -EBADMSG) {
				r = -ETIMEDOUT;
				continue;	/* not the answer to this question (spoofed, stale) */
			}
			break;
		}
		fata_udp_close(u);
		if (r == -EAGAIN) {
			failed[s] = true;
			r = -ETIMEDOUT;
			continue;
		}
		if (r != -ETIMEDOUT)
			return r;
	}
	return -ETIMEDOUT;
}

int fata_dns_resolve(struct fata_stack *stack, struct fata_random *rng, const uint32_t *servers,
		     unsigned n, const char *name, uint16_t qtype, uint64_t try_ns,
		     uint64_t deadline, struct fata_dns_result *out)
{
	uint32_t learned[FATA_DNS_MAX];
	char cur[FATA_DNS_NAME_MAX + 1];
	unsigned links = 0;
	uint32_t ttl = 0xffffffffu;
	int r;

	if (qtype != FATA_DNS_TYPE_A && qtype != FATA_DNS_TYPE_AAAA)
		return -EINVAL;
	if (n == 0) {
		/* The stack's servers: what its DHCP lease said. */
		struct fata_ipv4_config c = fata_stack_ipv4(stack);

		for (unsigned i = 0; i < FATA_DNS_MAX; i++) {
			if (c.dns[i])
				learned[n++] = c.dns[i];
		}
		servers = learned;
	}
	if (n == 0)
		return -ENETUNREACH;
	if (n > FATA_DNS_MAX)
		n = FATA_DNS_MAX;
	if (strlen(name) > FATA_DNS_NAME_MAX)
		return -EINVAL;
	strcpy(cur, name);
	for (;;) {
		r = ask(stack, rng, servers, n, cur, qtype, try_ns, deadline, out);
		if (out->ttl < ttl && (r == 0 || out->ncnames))
			ttl = out->ttl;
		links += out->ncnames;
		if (links > FATA_DNS_CHAIN_MAX)
			return -ELOOP;
		/* The chain left the answer: ask for where it ended. */
		if (r == -ENODATA && out->ncnames && strcmp(out->name, cur) != 0) {
			strcpy(cur, out->name);
			continue;
		}
		break;
	}
	out->ncnames = links;
	if (r == 0)
		out->ttl = ttl;
	return r;
}
