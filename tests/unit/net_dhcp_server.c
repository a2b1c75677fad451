/*
 * Unit tests of the DHCP server (lib/net/dhcp_server.c) through its pure input function: the
 * configuration checks, DISCOVER/OFFER/REQUEST/ACK with every option, several clients, the
 * other server's offer, INIT-REBOOT inside and outside the range, renewal, RELEASE, DECLINE,
 * expiry, static hosts, INFORM, lease-time caps and malformed messages. Requests are built here
 * from RFC 2131 independently of the server.
 */
#include <fata/dhcp_server.h>
#include <fata/log.h>
#include <fata/runtime.h>
#include <fata/time.h>

#include <stdlib.h>
#include <string.h>

#include "tap.h"

static struct fata_key no_keys[1];
const struct fata_unikernel fata_unikernel = { .name = "test", .keys = no_keys };

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))
#define SERVER IP(198, 18, 0, 2)
#define SEC(n) ((uint64_t)(n) * 1000000000ull)

static struct fata_dhcp_server *srv;
static uint8_t reply[576];
static size_t rlen;
static uint32_t rdst;

/* A parsed reply: the fixed fields and the options we look at. */
struct rep {
	uint8_t op, type;
	uint32_t xid, ciaddr, yiaddr, server, lease, t1, t2, mask, router, dns[3];
	unsigned ndns;
	uint16_t mtu;
	char domain[64];
	uint8_t chaddr[6];
	bool has_lease;
};

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static struct rep parse_reply(void)
{
	struct rep r;

	memset(&r, 0, sizeof(r));
	if (rlen < 240)
		return r;
	r.op = reply[0];
	r.xid = get32(reply + 4);
	r.ciaddr = get32(reply + 12);
	r.yiaddr = get32(reply + 16);
	memcpy(r.chaddr, reply + 28, 6);
	for (size_t i = 240; i + 1 < rlen && reply[i] != 255;) {
		uint8_t c = reply[i], n;
		const uint8_t *v;

		if (c == 0) {
			i++;
			continue;
		}
		n = reply[i + 1];
		v = reply + i + 2;
		switch (c) {
		case 53: r.type = v[0]; break;
		case 54: r.server = get32(v); break;
		case 51: r.lease = get32(v); r.has_lease = true; break;
		case 58: r.t1 = get32(v); break;
		case 59: r.t2 = get32(v); break;
		case 1: r.mask = get32(v); break;
		case 3: r.router = get32(v); break;
		case 6:
			for (unsigned k = 0; k + 4 <= n && r.ndns < 3; k += 4)
				r.dns[r.ndns++] = get32(v + k);
			break;
		case 15: memcpy(r.domain, v, n < 63 ? n : 63); break;
		case 26: r.mtu = (uint16_t)(v[0] << 8 | v[1]); break;
		default: break;
		}
		i += 2 + (size_t)n;
	}
	return r;
}

/* Options of a request. */
struct ropt {
	uint32_t reqip, server, lease, ciaddr;
	const char *hostname;
};

/* Sends a request of `type` from client `id` (MAC 02:00:00:00:00:id) at `now` seconds. */
static struct rep send_req(uint8_t type, uint8_t id, uint64_t now, struct ropt o)
{
	uint8_t m[400];
	size_t n = 240;

	memset(m, 0, sizeof(m));
	m[0] = 1;
	m[1] = 1;
	m[2] = 6;
	put32(m + 4, 0x1000u + id);
	put32(m + 12, o.ciaddr);
	m[28] = 2;
	m[33] = id;
	put32(m + 236, 0x63825363u);
	m[n++] = 53;
	m[n++] = 1;
	m[n++] = type;
	if (o.reqip) {
		m[n++] = 50;
		m[n++] = 4;
		put32(m + n, o.reqip);
		n += 4;
	}
	if (o.server) {
		m[n++] = 54;
		m[n++] = 4;
		put32(m + n, o.server);
		n += 4;
	}
	if (o.lease) {
		m[n++] = 51;
		m[n++] = 4;
		put32(m + n, o.lease);
		n += 4;
	}
	if (o.hostname) {
		m[n++] = 12;
		m[n++] = (uint8_t)strlen(o.hostname);
		memcpy(m + n, o.hostname, strlen(o.hostname));
		n += strlen(o.hostname);
	}
	m[n++] = 255;
	rdst = 0;
	rlen = fata_dhcp_server_input(srv, SEC(now), m, n, reply, sizeof(reply), &rdst);
	return parse_reply();
}

/* DISCOVER then REQUEST for the offer: the address bound, or 0. */
static uint32_t lease_one(uint8_t id, uint64_t now)
{
	struct rep r = send_req(1, id, now, (struct ropt){ 0 });

	if (r.type != 2)
		return 0;
	r = send_req(3, id, now, (struct ropt){ .reqip = r.yiaddr, .server = SERVER });
	return r.type == 5 ? r.yiaddr : 0;
}

static struct fata_dhcp_server_config base(void)
{
	struct fata_dhcp_server_config c;

	memset(&c, 0, sizeof(c));
	c.server = SERVER;
	c.mask = 0xffffff00u;
	c.range_first = IP(198, 18, 0, 100);
	c.range_last = IP(198, 18, 0, 103);
	c.router = IP(198, 18, 0, 1);
	c.dns[0] = IP(198, 18, 0, 53);
	c.dns[1] = IP(198, 18, 0, 54);
	strcpy(c.domain, "fata.test");
	c.mtu = 1400;
	c.lease_secs = 600;
	c.max_lease_secs = 3600;
	c.nhosts = 1;
	c.hosts[0].mac[0] = 2;
	c.hosts[0].mac[5] = 0x50;
	c.hosts[0].addr = IP(198, 18, 0, 50);
	return c;
}

static void config_checks(void)
{
	struct fata_dhcp_server_config c;
	struct fata_dhcp_server *s;
	char why[160];

#define BAD(change, what) \
	do { \
		c = base(); \
		change; \
		s = fata_dhcp_server_new(&c, why, sizeof(why)); \
		ok(s == NULL && why[0], what " (%s)", s ? "accepted" : why); \
		fata_dhcp_server_free(s); \
	} while (0)
	BAD(c.range_first = IP(198, 18, 1, 100), "range outside the subnet: refused");
	BAD(c.range_last = IP(198, 18, 0, 99), "range last before first: refused");
	BAD(c.range_last = IP(198, 18, 0, 255), "range up to the broadcast address: refused");
	BAD(c.range_first = IP(198, 18, 0, 2), "range holding the server: refused");
	BAD(c.hosts[0].addr = IP(198, 19, 0, 5), "static host outside the subnet: refused");
	BAD(c.mask = 0xff00ff00u, "non-contiguous netmask: refused");
	BAD(c.lease_secs = 7200, "lease above the maximum: refused");
	BAD((c.mask = 0xfff00000u, c.range_first = IP(198, 16, 0, 1), c.range_last = IP(198, 16, 16, 1)),
	    "a range of 4097 addresses: refused");
	c = base();
	c.mask = 0xfff00000u;
	c.range_first = IP(198, 16, 0, 1);
	c.range_last = IP(198, 16, 16, 0);
	s = fata_dhcp_server_new(&c, why, sizeof(why));
	ok(s != NULL, "a range of 4096 addresses: accepted");
	fata_dhcp_server_free(s);
#undef BAD
}

static void exchange(void)
{
	struct rep r;
	uint32_t a, b;
	bool bound;

	r = send_req(1, 1, 0, (struct ropt){ .hostname = "one" });
	is_int(r.type, 2, "DISCOVER: OFFER");
	ok(r.op == 2 && r.xid == 0x1001 && r.chaddr[0] == 2 && r.chaddr[5] == 1,
	   "a BOOTREPLY with the client's xid and chaddr");
	ok(r.yiaddr == IP(198, 18, 0, 100), "the first address of the range offered");
	ok(rdst == 0xffffffffu, "broadcast (the client has no address yet)");
	ok(rlen >= 300, "padded to BOOTP's 300 bytes");
	ok(r.server == SERVER && r.mask == 0xffffff00u && r.router == IP(198, 18, 0, 1),
	   "server id, netmask and router");
	ok(r.ndns == 2 && r.dns[0] == IP(198, 18, 0, 53) && r.dns[1] == IP(198, 18, 0, 54),
	   "both DNS servers");
	is_str(r.domain, "fata.test", "the domain name");
	ok(r.mtu == 1400, "the MTU");
	ok(r.lease == 600 && r.t1 == 300 && r.t2 == 525, "lease 600 s, T1 300, T2 525");
	ok(fata_dhcp_server_lease(srv, (uint8_t[6]){ 2, 0, 0, 0, 0, 1 }, SEC(0), &a, &bound) &&
	   a == IP(198, 18, 0, 100) && !bound, "the table holds the offer, not bound");

	r = send_req(3, 1, 1, (struct ropt){ .reqip = IP(198, 18, 0, 100), .server = SERVER });
	is_int(r.type, 5, "REQUEST for the offer: ACK");
	ok(r.yiaddr == IP(198, 18, 0, 100) && r.lease == 600, "for that address, 600 s");
	ok(fata_dhcp_server_lease(srv, (uint8_t[6]){ 2, 0, 0, 0, 0, 1 }, SEC(1), &a, &bound) && bound,
	   "bound in the table");

	b = lease_one(2, 2);
	ok(b == IP(198, 18, 0, 101), "a second client gets the next address");

	/* A third client takes another server's offer: ours is withdrawn. */
	r = send_req(1, 3, 3, (struct ropt){ 0 });
	ok(r.type == 2 && r.yiaddr == IP(198, 18, 0, 102), "third client offered .102");
	r = send_req(3, 3, 3, (struct ropt){ .reqip = IP(198, 18, 0, 77), .server = IP(198, 18, 0, 3) });
	ok(rlen == 0, "it requests another server's offer: no answer");
	r = send_req(1, 4, 4, (struct ropt){ 0 });
	ok(r.type == 2 && r.yiaddr == IP(198, 18, 0, 103), "a fourth gets the never-used .103");
	r = send_req(1, 6, 4, (struct ropt){ 0 });
	ok(r.type == 2 && r.yiaddr == IP(198, 18, 0, 102), "and a fifth the withdrawn .102");

	/* INIT-REBOOT. */
	r = send_req(3, 5, 5, (struct ropt){ .reqip = IP(198, 18, 0, 200) });
	ok(r.type == 6 && rdst == 0xffffffffu, "INIT-REBOOT outside the range: NAK, broadcast");
	r = send_req(3, 5, 5, (struct ropt){ .reqip = IP(198, 18, 9, 9) });
	ok(r.type == 6, "INIT-REBOOT outside the subnet: NAK");
	r = send_req(3, 5, 5, (struct ropt){ .reqip = IP(198, 18, 0, 100) });
	ok(r.type == 6, "INIT-REBOOT for another client's address: NAK");
	r = send_req(3, 1, 6, (struct ropt){ .reqip = IP(198, 18, 0, 100) });
	ok(r.type == 5 && r.yiaddr == IP(198, 18, 0, 100), "INIT-REBOOT for its own: ACK");

	/* A DISCOVER asking for an address outside the range gets one inside. */
	r = send_req(1, 5, 70, (struct ropt){ .reqip = IP(198, 18, 0, 200) });
	ok(r.type == 2 && r.yiaddr >= IP(198, 18, 0, 100) && r.yiaddr <= IP(198, 18, 0, 103),
	   "DISCOVER asking for an address outside the range: offered one inside");

	/* Renewal: unicast, lease extended, asking for more than the maximum. */
	r = send_req(3, 1, 300, (struct ropt){ .ciaddr = IP(198, 18, 0, 100), .lease = 99999 });
	ok(r.type == 5 && r.ciaddr == IP(198, 18, 0, 100) && r.yiaddr == IP(198, 18, 0, 100),
	   "RENEWING: ACK with ciaddr and yiaddr");
	ok(rdst == IP(198, 18, 0, 100), "unicast to the client");
	is_int(r.lease, 3600, "a lease of 99999 s asked: capped at the maximum 3600");
	r = send_req(3, 1, 301, (struct ropt){ .ciaddr = IP(198, 18, 0, 101) });
	ok(r.type == 6, "renewing someone else's address: NAK");

	/* RELEASE, and the address comes back to the same client. */
	r = send_req(7, 2, 310, (struct ropt){ .ciaddr = IP(198, 18, 0, 101), .server = SERVER });
	ok(rlen == 0, "RELEASE: no answer");
	ok(fata_dhcp_server_lease(srv, (uint8_t[6]){ 2, 0, 0, 0, 0, 2 }, SEC(310), &a, &bound) &&
	   !bound, "released in the table");
	r = send_req(1, 2, 311, (struct ropt){ 0 });
	ok(r.type == 2 && r.yiaddr == IP(198, 18, 0, 101), "the same client gets the same address back");

	/* INFORM. */
	r = send_req(8, 9, 320, (struct ropt){ .ciaddr = IP(198, 18, 0, 9) });
	ok(r.type == 5 && r.yiaddr == 0 && r.ciaddr == IP(198, 18, 0, 9) && !r.has_lease &&
	   r.ndns == 2 && rdst == IP(198, 18, 0, 9), "INFORM: ACK with parameters, no lease, unicast");
}

static void exhaustion_and_expiry(void)
{
	struct fata_dhcp_server_config c = base();
	struct rep r;
	char why[160];

	fata_dhcp_server_free(srv);
	c.range_last = IP(198, 18, 0, 101);	/* two addresses */
	srv = fata_dhcp_server_new(&c, why, sizeof(why));
	ok(lease_one(1, 0) && lease_one(2, 0), "two clients fill a range of two");
	r = send_req(1, 3, 10, (struct ropt){ 0 });
	ok(rlen == 0, "a third: no address, no answer");
	r = send_req(1, 3, 601, (struct ropt){ 0 });
	ok(r.type == 2, "after the 600 s leases expire it gets an offer");
	r = send_req(3, 1, 602, (struct ropt){ .ciaddr = r.yiaddr });
	ok(r.type == 6, "and the client whose lease it was is NAKed when it renews late");

	/* DECLINE: the address rests. */
	fata_dhcp_server_free(srv);
	srv = fata_dhcp_server_new(&c, why, sizeof(why));
	ok(lease_one(1, 0) == IP(198, 18, 0, 100), "client 1 bound to .100");
	r = send_req(4, 1, 1, (struct ropt){ .reqip = IP(198, 18, 0, 100), .server = SERVER });
	ok(rlen == 0, "DECLINE: no answer");
	r = send_req(1, 1, 2, (struct ropt){ 0 });
	ok(r.type == 2 && r.yiaddr == IP(198, 18, 0, 101), "the decliner gets another address");
	r = send_req(3, 1, 2, (struct ropt){ .reqip = r.yiaddr, .server = SERVER, .lease = 3600 });
	ok(r.type == 5 && r.lease == 3600, "and takes it for an hour");
	r = send_req(1, 2, 3, (struct ropt){ 0 });
	ok(rlen == 0, "and the declined one is given to nobody (the range is used up)");
	r = send_req(1, 2, 700, (struct ropt){ 0 });
	ok(r.type == 2 && r.yiaddr == IP(198, 18, 0, 100), "ten minutes later it is given again");
}

static void static_hosts(void)
{
	struct rep r;

	r = send_req(1, 0x50, 0, (struct ropt){ 0 });
	ok(r.type == 2 && r.yiaddr == IP(198, 18, 0, 50), "a static host is offered its address");
	r = send_req(3, 0x50, 0, (struct ropt){ .reqip = IP(198, 18, 0, 101), .server = SERVER });
	ok(r.type == 6, "and NAKed when it asks for another");
	r = send_req(3, 0x50, 0, (struct ropt){ .reqip = IP(198, 18, 0, 50), .server = SERVER });
	ok(r.type == 5 && r.yiaddr == IP(198, 18, 0, 50), "ACKed for its own");
	r = send_req(3, 7, 0, (struct ropt){ .reqip = IP(198, 18, 0, 50) });
	ok(r.type == 6, "nobody else gets a static host's address");
}

static void malformed(void)
{
	uint8_t m[300];
	uint32_t dst;

	memset(m, 0, sizeof(m));
	m[0] = 1;
	m[1] = 1;
	m[2] = 6;
	put32(m + 236, 0x63825363u);
	m[28] = 2;	/* the static host, which always has an address */
	m[33] = 0x50;
	m[240] = 53;
	m[241] = 1;
	m[242] = 1;
	m[243] = 255;
	ok(fata_dhcp_server_input(srv, 0, m, 244, reply, sizeof(reply), &dst) > 0,
	   "a minimal DISCOVER is answered");
	ok(fata_dhcp_server_input(srv, 0, m, 239, reply, sizeof(reply), &dst) == 0,
	   "239 bytes: ignored");
	m[243] = 12;	/* hostname option whose length runs past the end */
	m[244] = 200;
	ok(fata_dhcp_server_input(srv, 0, m, 250, reply, sizeof(reply), &dst) == 0,
	   "an option running past the end: ignored");
	m[243] = 255;
	m[0] = 2;
	ok(fata_dhcp_server_input(srv, 0, m, 244, reply, sizeof(reply), &dst) == 0,
	   "a BOOTREPLY: ignored");
	m[0] = 1;
	m[242] = 2;
	ok(fata_dhcp_server_input(srv, 0, m, 244, reply, sizeof(reply), &dst) == 0,
	   "an OFFER sent to the server: ignored");
	m[242] = 1;
	m[24] = 10;	/* giaddr: through a relay */
	ok(fata_dhcp_server_input(srv, 0, m, 244, reply, sizeof(reply), &dst) == 0,
	   "through a relay agent: ignored (unsupported)");
}

int main(void)
{
	struct fata_dhcp_server_config c = base();
	char why[160];

	fata_log_set_spec(getenv("FATA_TEST_LOGS") ? getenv("FATA_TEST_LOGS") : "quiet");
	config_checks();
	srv = fata_dhcp_server_new(&c, why, sizeof(why));
	ok(srv != NULL, "a server for 198.18.0.100-103");
	if (!srv)
		return tap_done();
	exchange();
	static_hosts();
	exhaustion_and_expiry();
	malformed();
	fata_dhcp_server_free(srv);
	return tap_done();
}
