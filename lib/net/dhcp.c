/*
 * The DHCP client (RFC 2131, options of RFC 2132): DISCOVER, OFFER, REQUEST, ACK (NAK restarts),
 * then renewal at T1 (unicast to the server) and rebinding at T2 (broadcast) in a fiber of its
 * own. The lease gives the address, subnet mask, router and DNS servers.
 *
 * Every time is counted in "DHCP seconds" (tunables: dhcp_unit_ns) so that the tests can run a
 * whole lease's life in a fraction of a second.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <fata/runtime.h>
#include <fata/time.h>

#include "dhcp.h"
#include "prot/ipv4.h"
#include "prot/udp.h"

FATA_LOG_SOURCE(log_dhcp, "dhcp");

#define MAX_REQUEST_TRIES 4		/* REQUEST retransmissions before starting over */
#define MIN_RENEW_RETRY 60		/* seconds, RFC 2131 4.4.5 */
#define TX_MIN 300			/* BOOTP's minimum message size (RFC 951) */
#define TX_OPTIONS 128			/* room for our options: 71 bytes at most */
#define HOSTNAME_MAX 32

/* --- parsing ----------------------------------------------------------------------------------- */

static void take_addr(const uint8_t *v, size_t len, bool *has, uint32_t *out)
{
	if (len == 4) {
		*out = be32_get(v);
		*has = true;
	}
}

/* Parses one option area; `overload` receives option 52 when it is allowed here. */
static int parse_options(const uint8_t *p, size_t len, struct dhcp_msg *m, uint8_t *overload)
{
	size_t i = 0;

	while (i < len) {
		uint8_t code = p[i++], olen;
		const uint8_t *v;

		if (code == DHCP_OPT_PAD)
			continue;
		if (code == DHCP_OPT_END)
			return 0;
		if (i >= len)
			return -EBADMSG;
		olen = p[i++];
		if (olen > len - i)
			return -EBADMSG;
		v = p + i;
		i += olen;
		switch (code) {
		case DHCP_OPT_MSG_TYPE:
			if (olen == 1)
				m->type = v[0];
			break;
		case DHCP_OPT_SUBNET_MASK:
			take_addr(v, olen, &m->has_mask, &m->mask);
			break;
		case DHCP_OPT_ROUTER:
			if (olen >= 4 && olen % 4 == 0)
				take_addr(v, 4, &m->has_router, &m->router);
			break;
		case DHCP_OPT_DNS:
			if (olen % 4 == 0) {
				m->ndns = 0;
				for (size_t j = 0; j + 4 <= olen && m->ndns < FATA_DNS_MAX; j += 4)
					m->dns[m->ndns++] = be32_get(v + j);
			}
			break;
		case DHCP_OPT_SERVER_ID:
			take_addr(v, olen, &m->has_server, &m->server);
			break;
		case DHCP_OPT_LEASE_TIME:
			take_addr(v, olen, &m->has_lease, &m->lease);
			break;
		case DHCP_OPT_T1:
			take_addr(v, olen, &m->has_t1, &m->t1);
			break;
		case DHCP_OPT_T2:
			take_addr(v, olen, &m->has_t2, &m->t2);
			break;
		case DHCP_OPT_MESSAGE: {
			size_t n = 0;

			for (size_t j = 0; j < olen && n < sizeof(m->message) - 1; j++)
				m->message[n++] = v[j] >= 0x20 && v[j] < 0x7f ? (char)v[j] : '?';
			m->message[n] = '\0';
			break;
		}
		case DHCP_OPT_OVERLOAD:
			if (overload && olen == 1)
				*overload = v[0];
			break;
		default:
			break;
		}
	}
	return 0;		/* no END option: tolerated */
}

int dhcp_parse(const uint8_t *p, size_t len, struct dhcp_msg *m)
{
	const struct dhcp_hdr *h = (const struct dhcp_hdr *)p;
	uint8_t overload = 0;

	memset(m, 0, sizeof(*m));
	if (len < DHCP_FIXED_LEN || be32_get(h->magic) != DHCP_MAGIC)
		return -EBADMSG;
	m->op = h->op;
	m->htype = h->htype;
	m->hlen = h->hlen;
	m->xid = be32_get(h->xid);
	m->ciaddr = be32_get(h->ciaddr);
	m->yiaddr = be32_get(h->yiaddr);
	m->siaddr = be32_get(h->siaddr);
	m->giaddr = be32_get(h->giaddr);
	memcpy(m->chaddr, h->chaddr, sizeof(m->chaddr));
	if (parse_options(p + DHCP_FIXED_LEN, len - DHCP_FIXED_LEN, m, &overload) < 0)
		return -EBADMSG;
	/* RFC 2132 9.3: the file field first, then sname. */
	if ((overload & 1) && parse_options(h->file, DHCP_FILE_LEN, m, NULL) < 0)
		return -EBADMSG;
	if ((overload & 2) && parse_options(h->sname, DHCP_SNAME_LEN, m, NULL) < 0)
		return -EBADMSG;
	return 0;
}

/* --- sending ----------------------------------------------------------------------------------- */

static uint64_t unit(const struct dhcp_client *c)
{
	return c->tun->dhcp_unit_ns ? c->tun->dhcp_unit_ns : 1;
}

/* RFC 2131 4.1: 4, 8, 16, 32 then 64 seconds, each randomized by -1..+1 second. */
static uint64_t backoff(struct dhcp_client *c, unsigned tries)
{
	uint64_t u = unit(c), base = (tries >= 4 ? 64 : 4u << tries) * u;

	return base - u + (uint64_t)net_random(c->rng) * (2 * u) / 0x100000000ull;
}

static size_t put_opt(uint8_t *o, size_t i, uint8_t code, const void *v, uint8_t len)
{
	o[i] = code;
	o[i + 1] = len;
	memcpy(o + i + 2, v, len);
	return i + 2 + len;
}

static size_t put_addr_opt(uint8_t *o, size_t i, uint8_t code, uint32_t addr)
{
	uint8_t v[4];

	be32_put(v, addr);
	return put_opt(o, i, code, v, 4);
}

/* Sends a DISCOVER or REQUEST fitting the state; `dst` is the server or the broadcast. */
static void send_msg(struct dhcp_client *c, uint8_t type, uint32_t dst, uint64_t now)
{
	struct eth_layer *eth = c->udp->ip->eth;
	uint8_t msg[DHCP_FIXED_LEN + TX_OPTIONS], *o = msg + DHCP_FIXED_LEN, v[8];
	struct dhcp_hdr *h = (struct dhcp_hdr *)msg;
	static const uint8_t params[] = {
		DHCP_OPT_SUBNET_MASK, DHCP_OPT_ROUTER, DHCP_OPT_DNS, DHCP_OPT_LEASE_TIME,
		DHCP_OPT_T1, DHCP_OPT_T2,
	};
	uint64_t secs = (now - c->began) / unit(c);
	const char *name = fata_unikernel.name;
	size_t i = 0, nlen = 0;
	int r;

	memset(msg, 0, sizeof(msg));
	h->op = BOOTP_REQUEST;
	h->htype = BOOTP_HTYPE_ETHERNET;
	h->hlen = 6;
	be32_put(h->xid, c->xid);
	be16_put(h->secs, secs > 0xffff ? 0xffff : (uint16_t)secs);
	if (c->state == DHCP_RENEWING || c->state == DHCP_REBINDING)
		be32_put(h->ciaddr, c->lease.addr);
	memcpy(h->chaddr, eth->mac, 6);
	be32_put(h->magic, DHCP_MAGIC);

	v[0] = type;
	i = put_opt(o, i, DHCP_OPT_MSG_TYPE, v, 1);
	v[0] = BOOTP_HTYPE_ETHERNET;
	memcpy(v + 1, eth->mac, 6);
	i = put_opt(o, i, DHCP_OPT_CLIENT_ID, v, 7);
	if (c->state == DHCP_REQUESTING) {
		i = put_addr_opt(o, i, DHCP_OPT_REQUESTED_IP, c->offer_addr);
		i = put_addr_opt(o, i, DHCP_OPT_SERVER_ID, c->offer_server);
	}
	be16_put(v, eth->mtu < DHCP_MIN_MSG ? DHCP_MIN_MSG : eth->mtu > DHCP_RX_MAX ? DHCP_RX_MAX : eth->mtu);
	i = put_opt(o, i, DHCP_OPT_MAX_MSG_SIZE, v, 2);
	i = put_opt(o, i, DHCP_OPT_PARAM_LIST, params, sizeof(params));
	/* The unikernel's name as host name, when it is a valid one (RFC 1123 labels). */
	while (name && name[nlen] && nlen < HOSTNAME_MAX &&
	       ((name[nlen] >= 'a' && name[nlen] <= 'z') || (name[nlen] >= '0' && name[nlen] <= '9') ||
		(name[nlen] >= 'A' && name[nlen] <= 'Z') || name[nlen] == '-'))
		nlen++;
	if (nlen && name[nlen] == '\0')
		i = put_opt(o, i, DHCP_OPT_HOSTNAME, name, (uint8_t)nlen);
	o[i++] = DHCP_OPT_END;
	_Static_assert(3 + 9 + 6 + 6 + 4 + 2 + 6 + 2 + HOSTNAME_MAX + 1 <= TX_OPTIONS,
		       "room for every option");

	r = udp_output(c->udp, DHCP_CLIENT_PORT, dst, DHCP_SERVER_PORT, msg,
		       DHCP_FIXED_LEN + i < TX_MIN ? TX_MIN : DHCP_FIXED_LEN + i, FATA_NEVER);
	if (r < 0) {
		fata_log(&log_dhcp, FATA_LOG_DEBUG, "sending %s failed: %d",
			 type == DHCP_DISCOVER ? "DHCPDISCOVER" : "DHCPREQUEST", r);
		return;
	}
	if (type == DHCP_DISCOVER)
		c->stats->discovers++;
	else
		c->stats->requests++;
}

/* --- the state machine ------------------------------------------------------------------------- */

static uint8_t prefix_of(uint32_t mask)
{
	uint8_t n = 0;

	while (n < 32 && (mask & (0x80000000u >> n)))
		n++;
	return n;
}

/* The mask of an address's class, for servers that send none (RFC 1122 3.3.1.1 history). */
static uint32_t classful_mask(uint32_t a)
{
	if (a >> 31 == 0)
		return 0xff000000u;
	if (a >> 30 == 2)
		return 0xffff0000u;
	return 0xffffff00u;
}

static bool usable_addr(uint32_t a)
{
	return a != 0 && !ipv4_is_group(a) && (a >> 28) != 0xf && (a >> 24) != 127;
}

static void lose_lease(struct dhcp_client *c, const char *why)
{
	char b[FATA_IPV4_STRLEN];

	c->stats->leases_lost++;
	fata_log(&log_dhcp, FATA_LOG_WARNING, "Lease of %s lost: %s", fata_ipv4_format(c->lease.addr, b),
		 why);
	c->configure(c->configure_ctx, 0, 0, 0, NULL, 0);
	memset(&c->lease, 0, sizeof(c->lease));
}

static void restart(struct dhcp_client *c, uint64_t now, uint64_t delay)
{
	c->state = DHCP_INIT;
	c->next_tx = now + delay;
}

/* Applies an ACK's lease: address, mask, router, DNS and the renewal times. */
static void bind_lease(struct dhcp_client *c, const struct dhcp_msg *m, uint64_t now)
{
	const struct ipv4_layer *cur = c->udp->ip;
	struct dhcp_lease l;
	enum dhcp_state was = c->state;
	uint64_t u = unit(c);
	char ip[FATA_IPV4_STRLEN], gw[FATA_IPV4_STRLEN], dns[FATA_IPV4_STRLEN], srv[FATA_IPV4_STRLEN];

	memset(&l, 0, sizeof(l));
	l.addr = m->yiaddr;
	l.mask = m->has_mask ? m->mask : classful_mask(m->yiaddr);
	l.router = m->has_router ? m->router : 0;
	l.server = m->has_server ? m->server : c->offer_server;
	l.ndns = m->ndns;
	memcpy(l.dns, m->dns, sizeof(l.dns));
	l.lease = m->has_lease ? m->lease : DHCP_INFINITE;
	if (l.lease == 0)
		l.lease = 1;
	if (l.lease == DHCP_INFINITE) {
		l.t1 = l.t2 = DHCP_INFINITE;
		c->t1_at = c->t2_at = c->end_at = FATA_NEVER;
	} else {
		/* RFC 2131 4.4.5: T1 0.5 and T2 0.875 of the lease, unless the server says. */
		l.t1 = m->has_t1 && m->t1 < l.lease ? m->t1 : l.lease / 2;
		l.t2 = m->has_t2 && m->t2 < l.lease && m->t2 >= l.t1 ? m->t2
								 : (uint32_t)((uint64_t)l.lease * 7 / 8);
		if (l.t2 < l.t1)
			l.t2 = l.t1;
		c->t1_at = now + l.t1 * u;
		c->t2_at = now + l.t2 * u;
		c->end_at = now + l.lease * u;
	}
	if (l.addr != cur->addr || prefix_of(l.mask) != cur->prefix_len || l.router != cur->gateway ||
	    memcmp(l.dns, cur->dns, sizeof(l.dns)) != 0)
		c->configure(c->configure_ctx, l.addr, prefix_of(l.mask), l.router, l.dns, l.ndns);
	c->lease = l;
	c->state = DHCP_BOUND;
	c->tries = 0;
	fata_ipv4_format(l.addr, ip);
	fata_ipv4_format(l.router, gw);
	fata_ipv4_format(l.ndns ? l.dns[0] : 0, dns);
	fata_ipv4_format(l.server, srv);
	if (was == DHCP_RENEWING || was == DHCP_REBINDING) {
		if (was == DHCP_RENEWING)
			c->stats->renewals++;
		else
			c->stats->rebinds++;
		fata_log(&log_dhcp, FATA_LOG_INFO, "Lease of %s/%u %s by %s for %u s", ip,
			 (unsigned)prefix_of(l.mask), was == DHCP_RENEWING ? "renewed" : "rebound",
			 srv, (unsigned)l.lease);
	} else {
		fata_log(&log_dhcp, FATA_LOG_INFO,
			 "Lease obtained: IP %s/%u, router %s, DNS %s, lease %u s, server %s", ip,
			 (unsigned)prefix_of(l.mask), l.router ? gw : "none", l.ndns ? dns : "none",
			 (unsigned)l.lease, srv);
	}
	c->ever_bound = true;
}

void dhcp_timer(struct dhcp_client *c, uint64_t now)
{
	uint64_t u = unit(c), wait;

	switch (c->state) {
	case DHCP_INIT:
		if (now < c->next_tx)
			return;
		c->xid = net_random(c->rng);
		c->began = now;
		c->tries = 0;
		c->state = DHCP_SELECTING;
		send_msg(c, DHCP_DISCOVER, IPV4_BROADCAST, now);
		c->next_tx = now + backoff(c, 0);
		break;
	case DHCP_SELECTING:
		if (now < c->next_tx)
			return;
		c->tries++;
		send_msg(c, DHCP_DISCOVER, IPV4_BROADCAST, now);
		c->next_tx = now + backoff(c, c->tries);
		break;
	case DHCP_REQUESTING:
		if (now < c->next_tx)
			return;
		if (c->tries >= MAX_REQUEST_TRIES) {
			fata_log(&log_dhcp, FATA_LOG_INFO, "No answer to DHCPREQUEST; starting over");
			restart(c, now, 0);
			dhcp_timer(c, now);
			return;
		}
		c->tries++;
		send_msg(c, DHCP_REQUEST, IPV4_BROADCAST, now);
		c->next_tx = now + backoff(c, c->tries);
		break;
	case DHCP_BOUND:
		if (now < c->t1_at)
			return;
		c->state = DHCP_RENEWING;
		c->xid = net_random(c->rng);
		c->began = now;
		c->next_tx = now;
		/* fall through */
	case DHCP_RENEWING:
		if (now >= c->t2_at) {
			c->state = DHCP_REBINDING;
			c->next_tx = now;
			dhcp_timer(c, now);
			return;
		}
		if (now < c->next_tx)
			return;
		send_msg(c, DHCP_REQUEST, c->lease.server, now);
		/* RFC 2131 4.4.5: half the time left to T2, but at least 60 seconds. */
		wait = (c->t2_at - now) / 2;
		c->next_tx = now + (wait > MIN_RENEW_RETRY * u ? wait : MIN_RENEW_RETRY * u);
		break;
	case DHCP_REBINDING:
		if (now >= c->end_at) {
			lose_lease(c, "it expired");
			restart(c, now, 0);
			dhcp_timer(c, now);
			return;
		}
		if (now < c->next_tx)
			return;
		send_msg(c, DHCP_REQUEST, IPV4_BROADCAST, now);
		wait = (c->end_at - now) / 2;
		c->next_tx = now + (wait > MIN_RENEW_RETRY * u ? wait : MIN_RENEW_RETRY * u);
		break;
	case DHCP_STOPPED:
		break;
	}
}

uint64_t dhcp_deadline(const struct dhcp_client *c)
{
	switch (c->state) {
	case DHCP_INIT:
	case DHCP_SELECTING:
	case DHCP_REQUESTING:
		return c->next_tx;
	case DHCP_BOUND:
		return c->t1_at;
	case DHCP_RENEWING:
		return c->next_tx < c->t2_at ? c->next_tx : c->t2_at;
	case DHCP_REBINDING:
		return c->next_tx < c->end_at ? c->next_tx : c->end_at;
	case DHCP_STOPPED:
		break;
	}
	return FATA_NEVER;
}

void dhcp_on_message(struct dhcp_client *c, const uint8_t *p, size_t len, uint64_t now)
{
	struct dhcp_msg m;
	char b[FATA_IPV4_STRLEN];

	if (dhcp_parse(p, len, &m) < 0) {
		net_drop(&log_dhcp, c->stats->drop_bad, "malformed message of %zu bytes", len);
		return;
	}
	if (m.op != BOOTP_REPLY || m.htype != BOOTP_HTYPE_ETHERNET || m.hlen != 6 ||
	    m.xid != c->xid || memcmp(m.chaddr, c->udp->ip->eth->mac, 6) != 0) {
		net_drop(&log_dhcp, c->stats->drop_bad, "reply for another client or exchange");
		return;
	}
	if (m.type == DHCP_OFFER)
		c->stats->offers++;
	else if (m.type == DHCP_ACK)
		c->stats->acks++;
	else if (m.type == DHCP_NAK)
		c->stats->naks++;
	switch (c->state) {
	case DHCP_SELECTING:
		if (m.type != DHCP_OFFER || !usable_addr(m.yiaddr) || !m.has_server)
			break;
		if (fata_log_enabled(&log_dhcp, FATA_LOG_DEBUG)) {
			char srv[FATA_IPV4_STRLEN];

			fata_log(&log_dhcp, FATA_LOG_DEBUG, "DHCPOFFER of %s from %s",
				 fata_ipv4_format(m.yiaddr, b), fata_ipv4_format(m.server, srv));
		}
		c->offer_addr = m.yiaddr;
		c->offer_server = m.server;
		c->state = DHCP_REQUESTING;
		c->tries = 0;
		send_msg(c, DHCP_REQUEST, IPV4_BROADCAST, now);
		c->next_tx = now + backoff(c, 0);
		return;
	case DHCP_REQUESTING:
		if (m.has_server && m.server != c->offer_server)
			break;
		if (m.type == DHCP_ACK && m.yiaddr == c->offer_addr) {
			bind_lease(c, &m, now);
			return;
		}
		if (m.type == DHCP_NAK) {
			fata_log(&log_dhcp, FATA_LOG_INFO, "DHCPNAK for %s%s%s; starting over",
				 fata_ipv4_format(c->offer_addr, b), m.message[0] ? ": " : "",
				 m.message);
			restart(c, now, unit(c));
			return;
		}
		break;
	case DHCP_RENEWING:
	case DHCP_REBINDING:
		if (c->state == DHCP_RENEWING && m.has_server && m.server != c->lease.server)
			break;
		if (m.type == DHCP_ACK && usable_addr(m.yiaddr)) {
			bind_lease(c, &m, now);
			return;
		}
		if (m.type == DHCP_NAK) {
			lose_lease(c, m.message[0] ? m.message : "the server refused to extend it");
			restart(c, now, 0);
			return;
		}
		break;
	default:
		break;
	}
	net_drop(&log_dhcp, c->stats->drop_bad, "message type %u unexpected in state %d",
		 (unsigned)m.type, (int)c->state);
}

/* --- the fiber --------------------------------------------------------------------------------- */

static int dhcp_main(void *arg)
{
	struct dhcp_client *c = arg;

	while (!c->stop) {
		uint32_t src;
		uint16_t sport;
		long n;

		dhcp_timer(c, fata_monotonic_ns());
		if (c->stop)
			break;
		n = udp_recv(c->sock, c->rx, sizeof(c->rx), &src, &sport, dhcp_deadline(c));
		if (n == -EBADF || c->stop)
			break;
		if (n >= 0) {
			if (sport == DHCP_SERVER_PORT)
				dhcp_on_message(c, c->rx, (size_t)n, fata_monotonic_ns());
			else
				c->stats->drop_bad++;
		}
	}
	return 0;
}

void dhcp_client_init(struct dhcp_client *c, struct udp_layer *udp, const struct net_tunables *tun,
		      struct fata_random *rng, NET_STATS(dhcp) *stats, dhcp_configure_fn configure,
		      void *configure_ctx)
{
	memset(c, 0, sizeof(*c));
	c->udp = udp;
	c->tun = tun;
	c->rng = rng;
	c->stats = stats;
	c->configure = configure;
	c->configure_ctx = configure_ctx;
	c->state = DHCP_INIT;
	c->next_tx = 0;
}

int dhcp_start(struct dhcp_client *c)
{
	c->sock = udp_bind(c->udp, DHCP_CLIENT_PORT);
	if (!c->sock)
		return -errno;
	c->fiber = fata_spawn(dhcp_main, c, 0);
	if (!c->fiber) {
		udp_close(c->sock);
		c->sock = NULL;
		return -ENOMEM;
	}
	fata_log(&log_dhcp, FATA_LOG_DEBUG, "client started on %s",
		 fata_netif_name(c->udp->ip->eth->netif));
	return 0;
}

void dhcp_stop(struct dhcp_client *c)
{
	c->stop = true;
	c->state = DHCP_STOPPED;
	udp_close(c->sock);
	fata_join(c->fiber);
}
