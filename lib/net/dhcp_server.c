/*
 * The DHCP server of fata/dhcp_server.h: parsing requests, the lease table (one entry per
 * address of the range, one per static host), the decisions of RFC 2131 4.3, building replies,
 * and the serving loop on the public UDP interface (so it runs on either stack).
 *
 * Clients are told apart by their hardware address (chaddr); option 61 is not used. An address
 * keeps the MAC of its last client after the lease ends or is released, so a client coming back
 * gets the same address again unless somebody else needed it: new clients get never-used
 * addresses first, then the one that has been free longest.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fata/dhcp_server.h>
#include <fata/log.h>
#include <fata/time.h>

#include "prot/dhcp.h"
#include "wire.h"

FATA_LOG_SOURCE(log_dhcpd, "dhcpd");

#define OFFER_HOLD_NS (60 * FATA_NS_PER_SEC)	/* an offer is kept for the client this long */
#define DECLINE_HOLD_NS (600 * FATA_NS_PER_SEC)	/* a declined address rests this long */
#define REPLY_MIN 300				/* BOOTP's minimum message, padded with zeros */
#define DHCP_OPT_DOMAIN 15
#define DHCP_OPT_MTU 26
#define BROADCAST 0xffffffffu

enum lease_state {
	L_FREE,			/* never given */
	L_OFFERED,		/* offered to `mac` until `expires` */
	L_BOUND,		/* leased to `mac` until `expires` */
	L_RELEASED,		/* free again; `mac` had it last (zeros: nobody) */
	L_DECLINED,		/* a client found it in use: nobody gets it until `expires` */
};

struct lease {
	uint8_t mac[6];
	uint8_t state;		/* enum lease_state */
	uint64_t expires;	/* or, for L_RELEASED, when it became free */
};

struct fata_dhcp_server {
	struct fata_dhcp_server_config cfg;
	size_t nrange;
	struct lease *range;			/* index: address - range_first */
	struct lease hosts[FATA_DHCP_HOSTS_MAX];	/* the static hosts' */
};

/* A request, parsed. */
struct req {
	uint8_t type;
	uint8_t xid[4], flags[2], chaddr[16];
	uint32_t ciaddr, giaddr;
	bool has_reqip, has_server, has_lease;
	uint32_t reqip, server, lease;
	char hostname[64];
};

static const char *const type_names[] = {
	"?", "DISCOVER", "OFFER", "REQUEST", "DECLINE", "ACK", "NAK", "RELEASE", "INFORM",
};

/* --- configuration ----------------------------------------------------------------------------- */

static bool usable(const struct fata_dhcp_server_config *c, uint32_t a)
{
	return (a & c->mask) == (c->server & c->mask) && a != c->server &&
	       (a & ~c->mask) != 0 && (a & ~c->mask) != ~c->mask;
}

struct fata_dhcp_server *fata_dhcp_server_new(const struct fata_dhcp_server_config *cfg,
					      char *why, size_t whylen)
{
	struct fata_dhcp_server *srv;
	uint32_t prefix = ~cfg->mask;

	/* The mask must be contiguous ones, and leave room for hosts. */
	if ((prefix & (prefix + 1)) != 0 || prefix < 3) {
		snprintf(why, whylen, "the netmask must be a prefix of /30 or shorter");
		return NULL;
	}
	if (!cfg->server) {
		snprintf(why, whylen, "the server has no address");
		return NULL;
	}
	if (!usable(cfg, cfg->range_first) || !usable(cfg, cfg->range_last) ||
	    cfg->range_last < cfg->range_first) {
		snprintf(why, whylen, "the range must be in the server's subnet, first before last, "
			 "and not the server, network or broadcast address");
		return NULL;
	}
	if (cfg->server >= cfg->range_first && cfg->server <= cfg->range_last) {
		snprintf(why, whylen, "the range must not hold the server's own address");
		return NULL;
	}
	if (cfg->range_last - cfg->range_first >= FATA_DHCP_RANGE_MAX) {
		snprintf(why, whylen, "the range holds more than %d addresses", FATA_DHCP_RANGE_MAX);
		return NULL;
	}
	if (cfg->nhosts > FATA_DHCP_HOSTS_MAX) {
		snprintf(why, whylen, "more than %d static hosts", FATA_DHCP_HOSTS_MAX);
		return NULL;
	}
	for (size_t i = 0; i < cfg->nhosts; i++) {
		if (!usable(cfg, cfg->hosts[i].addr)) {
			snprintf(why, whylen, "static host %zu: its address is not usable in the subnet",
				 i + 1);
			return NULL;
		}
	}
	if (!cfg->lease_secs || cfg->lease_secs > cfg->max_lease_secs) {
		snprintf(why, whylen, "the lease time must be from 1 s to the maximum lease time");
		return NULL;
	}
	if (memchr(cfg->domain, 0, sizeof(cfg->domain)) == NULL) {
		snprintf(why, whylen, "the domain name is too long");
		return NULL;
	}
	srv = calloc(1, sizeof(*srv));
	if (srv) {
		srv->cfg = *cfg;
		srv->nrange = (size_t)(cfg->range_last - cfg->range_first) + 1;
		srv->range = calloc(srv->nrange, sizeof(*srv->range));
	}
	if (!srv || !srv->range) {
		free(srv);
		snprintf(why, whylen, "out of memory");
		return NULL;
	}
	return srv;
}

void fata_dhcp_server_free(struct fata_dhcp_server *srv)
{
	if (!srv)
		return;
	free(srv->range);
	free(srv);
}

/* --- parsing ----------------------------------------------------------------------------------- */

static int parse(const uint8_t *p, size_t len, struct req *q)
{
	const struct dhcp_hdr *h = (const struct dhcp_hdr *)p;

	memset(q, 0, sizeof(*q));
	if (len < DHCP_FIXED_LEN || h->op != BOOTP_REQUEST || h->htype != BOOTP_HTYPE_ETHERNET ||
	    h->hlen != 6 || be32_get(h->magic) != DHCP_MAGIC)
		return -EBADMSG;
	memcpy(q->xid, h->xid, 4);
	memcpy(q->flags, h->flags, 2);
	memcpy(q->chaddr, h->chaddr, 16);
	q->ciaddr = be32_get(h->ciaddr);
	q->giaddr = be32_get(h->giaddr);
	for (size_t i = DHCP_FIXED_LEN; i < len;) {
		uint8_t code = p[i], olen;
		const uint8_t *v;

		if (code == DHCP_OPT_PAD) {
			i++;
			continue;
		}
		if (code == DHCP_OPT_END)
			break;
		if (i + 2 > len || i + 2 + (size_t)p[i + 1] > len)
			return -EBADMSG;	/* an option runs past the message */
		olen = p[i + 1];
		v = p + i + 2;
		switch (code) {
		case DHCP_OPT_MSG_TYPE:
			if (olen == 1)
				q->type = v[0];
			break;
		case DHCP_OPT_REQUESTED_IP:
			if (olen == 4) {
				q->has_reqip = true;
				q->reqip = be32_get(v);
			}
			break;
		case DHCP_OPT_SERVER_ID:
			if (olen == 4) {
				q->has_server = true;
				q->server = be32_get(v);
			}
			break;
		case DHCP_OPT_LEASE_TIME:
			if (olen == 4) {
				q->has_lease = true;
				q->lease = be32_get(v);
			}
			break;
		case DHCP_OPT_HOSTNAME: {
			size_t n = olen < sizeof(q->hostname) - 1 ? olen : sizeof(q->hostname) - 1;

			memcpy(q->hostname, v, n);	/* logged escaped (fata_log) */
			q->hostname[n] = 0;
			break;
		}
		default:
			break;
		}
		i += 2 + (size_t)olen;
	}
	return q->type >= DHCP_DISCOVER && q->type <= DHCP_INFORM ? 0 : -EBADMSG;
}

/* --- the lease table --------------------------------------------------------------------------- */

static struct fata_dhcp_host *static_host(struct fata_dhcp_server *srv, const uint8_t *mac)
{
	for (size_t i = 0; i < srv->cfg.nhosts; i++) {
		if (memcmp(srv->cfg.hosts[i].mac, mac, 6) == 0)
			return &srv->cfg.hosts[i];
	}
	return NULL;
}

static bool is_static_addr(const struct fata_dhcp_server *srv, uint32_t a)
{
	for (size_t i = 0; i < srv->cfg.nhosts; i++) {
		if (srv->cfg.hosts[i].addr == a)
			return true;
	}
	return false;
}

static struct lease *entry(struct fata_dhcp_server *srv, uint32_t a)
{
	if (a < srv->cfg.range_first || a > srv->cfg.range_last)
		return NULL;
	return &srv->range[a - srv->cfg.range_first];
}

static uint32_t addr_of(const struct fata_dhcp_server *srv, const struct lease *e)
{
	return srv->cfg.range_first + (uint32_t)(e - srv->range);
}

/* Whether address entry `e` may go to the client `mac` now. */
static bool available(const struct fata_dhcp_server *srv, const struct lease *e,
		      const uint8_t *mac, uint64_t now)
{
	if (is_static_addr(srv, addr_of(srv, e)))
		return false;
	switch (e->state) {
	case L_FREE:
	case L_RELEASED:
		return true;
	case L_OFFERED:
	case L_BOUND:
		return memcmp(e->mac, mac, 6) == 0 || e->expires <= now;
	default:
		return e->expires <= now;
	}
}

/* The dynamic entry that last belonged to `mac` (offered, bound or released), or NULL. */
static struct lease *client_entry(struct fata_dhcp_server *srv, const uint8_t *mac)
{
	for (size_t i = 0; i < srv->nrange; i++) {
		struct lease *e = &srv->range[i];

		if ((e->state == L_OFFERED || e->state == L_BOUND || e->state == L_RELEASED) &&
		    memcmp(e->mac, mac, 6) == 0)
			return e;
	}
	return NULL;
}

/* An address for a new client: never used first, then the one free the longest. */
static struct lease *pick_free(struct fata_dhcp_server *srv, const uint8_t *mac, uint64_t now)
{
	struct lease *best = NULL;

	for (size_t i = 0; i < srv->nrange; i++) {
		struct lease *e = &srv->range[i];

		if (!available(srv, e, mac, now))
			continue;
		if (e->state == L_FREE)
			return e;
		if (!best || e->expires < best->expires)
			best = e;
	}
	return best;
}

/* `mac` moves to entry `keep`: whatever else it held is released. */
static void forget_client(struct fata_dhcp_server *srv, const uint8_t *mac, struct lease *keep,
			  uint64_t now)
{
	for (size_t i = 0; i < srv->nrange; i++) {
		struct lease *e = &srv->range[i];

		if (e != keep && (e->state == L_OFFERED || e->state == L_BOUND) &&
		    memcmp(e->mac, mac, 6) == 0) {
			e->state = L_RELEASED;
			e->expires = now;
		}
	}
}

bool fata_dhcp_server_lease(const struct fata_dhcp_server *srv, const uint8_t mac[6],
			    uint64_t now, uint32_t *addr, bool *bound)
{
	struct fata_dhcp_server *s = (struct fata_dhcp_server *)srv;
	struct fata_dhcp_host *h = static_host(s, mac);
	struct lease *e;

	if (h) {
		e = &s->hosts[h - s->cfg.hosts];
		if (e->state == L_FREE)
			return false;
		*addr = h->addr;
	} else {
		e = client_entry(s, mac);
		if (!e)
			return false;
		*addr = addr_of(s, e);
	}
	*bound = e->state == L_BOUND && e->expires > now;
	return true;
}

/* --- replies ----------------------------------------------------------------------------------- */

static size_t opt4(uint8_t *o, uint8_t code, uint32_t v)
{
	o[0] = code;
	o[1] = 4;
	be32_put(o + 2, v);
	return 6;
}

/* Builds a reply of `type` to `q`; `lease` 0: none (INFORM, NAK). Returns its length. */
static size_t build(const struct fata_dhcp_server *srv, const struct req *q, uint8_t type,
		    uint32_t ciaddr, uint32_t yiaddr, uint32_t lease, uint8_t *r, size_t cap)
{
	const struct fata_dhcp_server_config *c = &srv->cfg;
	struct dhcp_hdr *h = (struct dhcp_hdr *)r;
	uint8_t *o = r + DHCP_FIXED_LEN;
	size_t n = 0, ndns = 0, dlen = strlen(c->domain);

	/* Fixed options at most 3 + 6 * 6 + 2 + 4 * FATA_DNS_MAX + 2 + 63 + 4 + 1 bytes. */
	if (cap < DHCP_MIN_MSG)
		return 0;
	memset(r, 0, DHCP_MIN_MSG);
	h->op = BOOTP_REPLY;
	h->htype = BOOTP_HTYPE_ETHERNET;
	h->hlen = 6;
	memcpy(h->xid, q->xid, 4);
	memcpy(h->flags, q->flags, 2);
	be32_put(h->ciaddr, ciaddr);
	be32_put(h->yiaddr, yiaddr);
	be32_put(h->giaddr, q->giaddr);
	memcpy(h->chaddr, q->chaddr, 16);
	be32_put(h->magic, DHCP_MAGIC);
	o[n++] = DHCP_OPT_MSG_TYPE;
	o[n++] = 1;
	o[n++] = type;
	n += opt4(o + n, DHCP_OPT_SERVER_ID, c->server);
	if (type == DHCP_NAK)
		goto end;
	if (lease) {
		n += opt4(o + n, DHCP_OPT_LEASE_TIME, lease);
		if (lease != DHCP_INFINITE) {
			n += opt4(o + n, DHCP_OPT_T1, lease / 2);
			n += opt4(o + n, DHCP_OPT_T2, (uint32_t)((uint64_t)lease * 7 / 8));
		}
	}
	n += opt4(o + n, DHCP_OPT_SUBNET_MASK, c->mask);
	if (c->router)
		n += opt4(o + n, DHCP_OPT_ROUTER, c->router);
	for (size_t i = 0; i < FATA_DNS_MAX; i++)
		ndns += c->dns[i] != 0;
	if (ndns) {
		o[n++] = DHCP_OPT_DNS;
		o[n++] = (uint8_t)(4 * ndns);
		for (size_t i = 0; i < FATA_DNS_MAX; i++) {
			if (c->dns[i]) {
				be32_put(o + n, c->dns[i]);
				n += 4;
			}
		}
	}
	if (dlen) {
		o[n++] = DHCP_OPT_DOMAIN;
		o[n++] = (uint8_t)dlen;
		memcpy(o + n, c->domain, dlen);
		n += dlen;
	}
	if (c->mtu) {
		o[n++] = DHCP_OPT_MTU;
		o[n++] = 2;
		be16_put(o + n, c->mtu);
		n += 2;
	}
end:
	o[n++] = DHCP_OPT_END;
	n += DHCP_FIXED_LEN;
	return n < REPLY_MIN ? REPLY_MIN : n;
}

/* The lease to grant: what the client asked for, within the maximum, else the default. */
static uint32_t lease_for(const struct fata_dhcp_server *srv, const struct req *q)
{
	if (q->has_lease && q->lease > 0)
		return q->lease < srv->cfg.max_lease_secs ? q->lease : srv->cfg.max_lease_secs;
	return srv->cfg.lease_secs;
}

static uint64_t lease_end(uint64_t now, uint32_t secs)
{
	return secs == DHCP_INFINITE ? FATA_NEVER : now + (uint64_t)secs * FATA_NS_PER_SEC;
}

static void log_event(const struct req *q, const char *what, uint32_t addr, uint32_t secs)
{
	char m[FATA_MAC_STRLEN], a[FATA_IPV4_STRLEN];

	fata_log(&log_dhcpd, FATA_LOG_INFO, "%s from %s%s%s%s: %s %s%s", type_names[q->type],
		 fata_mac_format(q->chaddr, m), q->hostname[0] ? " (\"" : "", q->hostname,
		 q->hostname[0] ? "\")" : "", what, fata_ipv4_format(addr, a),
		 secs ? (secs == DHCP_INFINITE ? " forever" : "") : "");
	if (secs && secs != DHCP_INFINITE)
		fata_log(&log_dhcpd, FATA_LOG_DEBUG, "lease of %u s", (unsigned)secs);
}

/* --- the decisions (RFC 2131 4.3) ---------------------------------------------------------------- */

static size_t discover(struct fata_dhcp_server *srv, const struct req *q, uint64_t now,
		       uint8_t *r, size_t cap, uint32_t *dst)
{
	struct fata_dhcp_host *h = static_host(srv, q->chaddr);
	struct lease *e = NULL;
	uint32_t addr, secs = lease_for(srv, q);

	if (h) {
		addr = h->addr;
	} else {
		e = client_entry(srv, q->chaddr);
		if (e && !available(srv, e, q->chaddr, now))
			e = NULL;
		if (!e && q->has_reqip && (e = entry(srv, q->reqip)) != NULL &&
		    !available(srv, e, q->chaddr, now))
			e = NULL;
		if (!e)
			e = pick_free(srv, q->chaddr, now);
		if (!e) {
			char m[FATA_MAC_STRLEN];

			fata_log(&log_dhcpd, FATA_LOG_WARNING, "DISCOVER from %s: no free address",
				 fata_mac_format(q->chaddr, m));
			return 0;
		}
		addr = addr_of(srv, e);
		if (!(e->state == L_BOUND && e->expires > now && memcmp(e->mac, q->chaddr, 6) == 0)) {
			forget_client(srv, q->chaddr, e, now);
			memcpy(e->mac, q->chaddr, 6);
			e->state = L_OFFERED;
			e->expires = now + OFFER_HOLD_NS;
		}
	}
	log_event(q, "offering", addr, 0);
	*dst = q->ciaddr ? q->ciaddr : BROADCAST;
	return build(srv, q, DHCP_OFFER, 0, addr, secs, r, cap);
}

static size_t nak(struct fata_dhcp_server *srv, const struct req *q, uint32_t addr, uint8_t *r,
		  size_t cap, uint32_t *dst)
{
	log_event(q, "NAK for", addr, 0);
	*dst = BROADCAST;
	return build(srv, q, DHCP_NAK, 0, 0, 0, r, cap);
}

/* Binds `addr` to the client and ACKs it. */
static size_t ack(struct fata_dhcp_server *srv, const struct req *q, uint32_t addr, uint64_t now,
		  uint8_t *r, size_t cap, uint32_t *dst)
{
	struct fata_dhcp_host *h = static_host(srv, q->chaddr);
	uint32_t secs = lease_for(srv, q);
	struct lease *e = h ? &srv->hosts[h - srv->cfg.hosts] : entry(srv, addr);

	if (!h)
		forget_client(srv, q->chaddr, e, now);
	memcpy(e->mac, q->chaddr, 6);
	e->state = L_BOUND;
	e->expires = lease_end(now, secs);
	log_event(q, "ACK for", addr, secs);
	*dst = q->ciaddr ? q->ciaddr : BROADCAST;
	return build(srv, q, DHCP_ACK, q->ciaddr, addr, secs, r, cap);
}

/* Whether `addr` may be bound to the client: its static address, or a range address that is
 * free or already its own. */
static bool may_have(struct fata_dhcp_server *srv, const struct req *q, uint32_t addr,
		     uint64_t now)
{
	struct fata_dhcp_host *h = static_host(srv, q->chaddr);
	struct lease *e;

	if (h)
		return addr == h->addr;
	e = entry(srv, addr);
	return e && available(srv, e, q->chaddr, now);
}

static size_t request(struct fata_dhcp_server *srv, const struct req *q, uint64_t now,
		      uint8_t *r, size_t cap, uint32_t *dst)
{
	const struct fata_dhcp_server_config *c = &srv->cfg;

	if (q->has_server) {
		/* SELECTING: the client answers one server's offer. */
		if (q->server != c->server) {
			struct lease *e = client_entry(srv, q->chaddr);

			if (e && e->state == L_OFFERED) {
				e->state = L_RELEASED;	/* it took another server's offer */
				e->expires = now;
			}
			return 0;
		}
		if (!q->has_reqip || !may_have(srv, q, q->reqip, now))
			return nak(srv, q, q->has_reqip ? q->reqip : 0, r, cap, dst);
		return ack(srv, q, q->reqip, now, r, cap, dst);
	}
	if (q->has_reqip) {
		/* INIT-REBOOT: a client that remembers an address asks to keep it. */
		if (!may_have(srv, q, q->reqip, now))
			return nak(srv, q, q->reqip, r, cap, dst);
		return ack(srv, q, q->reqip, now, r, cap, dst);
	}
	if (q->ciaddr) {
		/* RENEWING (unicast) or REBINDING (broadcast): extend the lease it has. */
		if ((q->ciaddr & c->mask) != (c->server & c->mask))
			return 0;	/* not our subnet: another server's client */
		if (!may_have(srv, q, q->ciaddr, now))
			return nak(srv, q, q->ciaddr, r, cap, dst);
		return ack(srv, q, q->ciaddr, now, r, cap, dst);
	}
	return 0;
}

size_t fata_dhcp_server_input(struct fata_dhcp_server *srv, uint64_t now, const uint8_t *msg,
			      size_t len, uint8_t *reply, size_t cap, uint32_t *dst)
{
	struct fata_dhcp_host *h;
	struct lease *e;
	struct req q;

	if (parse(msg, len, &q) < 0 || q.giaddr != 0 || cap < DHCP_MIN_MSG)
		return 0;	/* not for us, or through a relay agent (unsupported) */
	switch (q.type) {
	case DHCP_DISCOVER:
		return discover(srv, &q, now, reply, cap, dst);
	case DHCP_REQUEST:
		return request(srv, &q, now, reply, cap, dst);
	case DHCP_DECLINE:
		/* The client found the address in use (RFC 2131 3.1.5): nobody gets it for a while. */
		if ((q.has_server && q.server != srv->cfg.server) || !q.has_reqip)
			return 0;
		h = static_host(srv, q.chaddr);
		e = h ? &srv->hosts[h - srv->cfg.hosts] : entry(srv, q.reqip);
		if (!e || memcmp(e->mac, q.chaddr, 6) != 0 || e->state == L_DECLINED)
			return 0;
		fata_log(&log_dhcpd, FATA_LOG_WARNING, "DECLINE: %s is in use by another host%s",
			 fata_ipv4_format(q.reqip, (char[FATA_IPV4_STRLEN]){ 0 }),
			 h ? " (a static host's address: fix the network)" : "");
		if (h) {
			e->state = L_FREE;	/* a static host has no other address to get */
			return 0;
		}
		e->state = L_DECLINED;
		memset(e->mac, 0, 6);
		e->expires = now + DECLINE_HOLD_NS;
		return 0;
	case DHCP_RELEASE:
		if ((q.has_server && q.server != srv->cfg.server) || !q.ciaddr)
			return 0;
		h = static_host(srv, q.chaddr);
		e = h ? (q.ciaddr == h->addr ? &srv->hosts[h - srv->cfg.hosts] : NULL)
		      : entry(srv, q.ciaddr);
		if (!e || memcmp(e->mac, q.chaddr, 6) != 0 || e->state != L_BOUND)
			return 0;
		log_event(&q, "released", q.ciaddr, 0);
		e->state = L_RELEASED;
		e->expires = now;
		return 0;
	case DHCP_INFORM:
		/* A client with an address of its own wants the other parameters only. */
		if (!q.ciaddr)
			return 0;
		log_event(&q, "parameters for", q.ciaddr, 0);
		*dst = q.ciaddr;
		return build(srv, &q, DHCP_ACK, q.ciaddr, 0, 0, reply, cap);
	default:
		return 0;
	}
}

/* --- serving ----------------------------------------------------------------------------------- */

int fata_dhcp_server_run(struct fata_dhcp_server *srv, struct fata_stack *stack)
{
	static uint8_t in[FATA_UDP_MAX_PAYLOAD], out[DHCP_MIN_MSG];
	struct fata_udp *u;
	char a[FATA_IPV4_STRLEN], b[FATA_IPV4_STRLEN];

	if (!srv->cfg.server)
		srv->cfg.server = fata_stack_ipv4(stack).addr.addr;
	u = fata_udp_bind(stack, DHCP_SERVER_PORT);
	if (!u)
		return -errno;
	fata_log(&log_dhcpd, FATA_LOG_INFO, "serving %s-%s (%zu addresses, %zu static hosts) on port %d",
		 fata_ipv4_format(srv->cfg.range_first, a), fata_ipv4_format(srv->cfg.range_last, b),
		 srv->nrange, srv->cfg.nhosts, DHCP_SERVER_PORT);
	for (;;) {
		uint32_t dst = 0;
		long n = fata_udp_recv(u, in, sizeof(in), NULL, NULL, FATA_NEVER);
		size_t len;
		int r;

		if (n == -EBADF) {
			fata_udp_close(u);
			return (int)n;
		}
		if (n < 0)
			continue;
		len = fata_dhcp_server_input(srv, fata_monotonic_ns(), in, (size_t)n, out, sizeof(out),
					     &dst);
		if (len && (r = fata_udp_send(u, dst, DHCP_CLIENT_PORT, out, len)) < 0)
			fata_log(&log_dhcpd, FATA_LOG_WARNING, "reply to %s: %s",
				 fata_ipv4_format(dst, a), strerror(-r));
	}
}
