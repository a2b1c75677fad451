/*
 * Neighbor Discovery (RFC 4861) and what rides on it: the neighbour cache and its states,
 * answering solicitations for our addresses, duplicate address detection (RFC 4862 5.4),
 * router solicitation and advertisements with stateless autoconfiguration (RFC 4862 5.5), and
 * the MLDv2 reports (RFC 3810) that make switches forward our groups to us.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <fata/time.h>

#include "ipv6.h"
#include "prot/ethernet.h"
#include "prot/ipv6.h"

FATA_LOG_SOURCE(log_nd, "ipv6");

#define TWO_HOURS FATA_SEC(7200)
static const uint8_t mld2_routers[16] = { 0xff, 0x02, [15] = 0x16 };	/* ff02::16 */

/* --- sending ND and MLD messages ------------------------------------------------------------------ */

/*
 * Sends the ICMPv6 message `msg` (checksum filled in here) with hop limit 255 from `src` to
 * `dst`, at `mac` (NULL: dst's multicast MAC). `hbh`: with a hop-by-hop header carrying the
 * router alert option (MLD, RFC 3810 5).
 */
static int send_icmp(struct ipv6_layer *s, const uint8_t *src, const uint8_t *dst,
		     const uint8_t *mac, uint8_t *msg, size_t len, bool hbh)
{
	static const uint8_t ra_opt[8] = { IPV6_NH_ICMPV6, 0, IPV6_OPT_ROUTER_ALERT, 2, 0, 0,
					   IPV6_OPT_PADN, 0 };
	uint8_t hdr[IPV6_HDR_LEN], m[6];
	struct net_iov iov[2];
	struct net_csum c;
	size_t n = 0;

	memset(hdr, 0, sizeof(hdr));
	hdr[0] = IPV6_VERSION << 4;
	hdr[6] = hbh ? IPV6_NH_HOPOPTS : IPV6_NH_ICMPV6;
	hdr[7] = hbh ? 1 : IPV6_ND_HOP_LIMIT;	/* MLD: link-local, hop limit 1 */
	memcpy(hdr + 8, src, 16);
	memcpy(hdr + 24, dst, 16);
	be16_put(msg + 2, 0);
	net_csum_init(&c);
	net_csum_pseudo6(&c, src, dst, (uint32_t)len, IPV6_NH_ICMPV6);
	net_csum_add(&c, msg, len);
	be16_put(msg + 2, net_csum_result(&c));
	if (hbh)
		iov[n++] = (struct net_iov){ ra_opt, sizeof(ra_opt) };
	iov[n++] = (struct net_iov){ msg, len };
	if (!mac) {
		ipv6_multicast_mac(dst, m);
		mac = m;
	}
	if (s->eth->tx_busy)
		return -EBUSY;	/* a sender is building a frame: we are inside its call */
	if (ipv6_emit(s, mac, hdr, iov, n, net_iov_len(iov, n), s->mtu) < 0)
		return -EIO;
	s->icmp_stats.tx++;
	return 0;
}

/* Our link-layer address as an ND option (type, 1 unit) at p. */
static size_t lla_option(struct ipv6_layer *s, uint8_t *p, uint8_t type)
{
	p[0] = type;
	p[1] = 1;
	memcpy(p + 2, s->eth->mac, 6);
	return 8;
}

/* A neighbour solicitation for `target`: to its solicited-node group (mac NULL) or unicast. */
static void send_ns(struct ipv6_layer *s, const uint8_t *target, const uint8_t *mac, bool dad)
{
	uint8_t msg[ND_NS_LEN + 8], src[16], dst[16];
	size_t len = ND_NS_LEN;

	memset(msg, 0, sizeof(msg));
	msg[0] = ICMPV6_NS;
	memcpy(msg + 8, target, 16);
	if (dad) {
		memset(src, 0, 16);
	} else {
		if (ipv6_select_source(s, target, src) < 0 &&
		    ipv6_select_source(s, ipv6_all_nodes, src) < 0)
			return;
		len += lla_option(s, msg + len, ND_OPT_SLLA);
	}
	if (mac)
		memcpy(dst, target, 16);
	else
		ipv6_solicited_node(target, dst);
	if (send_icmp(s, src, dst, mac, msg, len, false) == 0)
		s->icmp_stats.ns_tx++;
}

static void send_na(struct ipv6_layer *s, const uint8_t *target, const uint8_t *dst,
		    const uint8_t *mac, bool solicited)
{
	uint8_t msg[ND_NA_LEN + 8];
	size_t len = ND_NA_LEN;

	memset(msg, 0, sizeof(msg));
	msg[0] = ICMPV6_NA;
	msg[4] = (uint8_t)((solicited ? ND_NA_SOLICITED : 0) | ND_NA_OVERRIDE);
	memcpy(msg + 8, target, 16);
	len += lla_option(s, msg + len, ND_OPT_TLLA);
	/* From the target itself, so that the solicitor's checks pass. */
	if (send_icmp(s, target, dst, mac, msg, len, false) == 0)
		s->icmp_stats.na_tx++;
}

static void send_rs(struct ipv6_layer *s)
{
	uint8_t msg[ND_RS_LEN + 8];
	size_t len = ND_RS_LEN;

	if (s->addrs[0].state != FATA_IPV6_PREFERRED)
		return;
	memset(msg, 0, sizeof(msg));
	msg[0] = ICMPV6_RS;
	len += lla_option(s, msg + len, ND_OPT_SLLA);
	if (send_icmp(s, s->addrs[0].a, ipv6_all_routers, NULL, msg, len, false) == 0)
		s->icmp_stats.rs_tx++;
}

/* An MLDv2 report of every group we are in (but all-nodes, never reported), of record type
 * `type`; or, with `only`, of that one group alone. */
static void send_mld(struct ipv6_layer *s, uint8_t type, const uint8_t *only)
{
	uint8_t msg[MLD2_REPORT_HDR_LEN + IPV6_GROUPS * MLD2_RECORD_LEN];
	const uint8_t *src = s->addrs[0].state == FATA_IPV6_PREFERRED ? s->addrs[0].a
								       : ipv6_unspecified;
	size_t len = MLD2_REPORT_HDR_LEN;
	unsigned n = 0;

	memset(msg, 0, sizeof(msg));
	msg[0] = ICMPV6_MLD2_REPORT;
	for (unsigned i = 0; i < IPV6_GROUPS; i++) {
		const uint8_t *g = s->groups[i].g;

		if (only)
			g = only;
		else if (!s->groups[i].users || ipv6_eq(g, ipv6_all_nodes))
			continue;
		msg[len] = type;
		memcpy(msg + len + 4, g, 16);
		len += MLD2_RECORD_LEN;
		n++;
		if (only)
			break;
	}
	if (n == 0)
		return;
	be16_put(msg + 6, (uint16_t)n);
	if (send_icmp(s, src, mld2_routers, NULL, msg, len, true) == 0)
		s->icmp_stats.mld_reports_tx++;
}

void ipv6_join(struct ipv6_layer *s, const uint8_t *group)
{
	int slot = -1;

	for (unsigned i = 0; i < IPV6_GROUPS; i++) {
		if (s->groups[i].users && ipv6_eq(s->groups[i].g, group)) {
			s->groups[i].users++;
			return;
		}
		if (slot < 0 && !s->groups[i].users)
			slot = (int)i;
	}
	if (slot < 0)
		return;
	memcpy(s->groups[slot].g, group, 16);
	s->groups[slot].users = 1;
	if (ipv6_eq(group, ipv6_all_nodes))
		return;
	/* RFC 3810 6.1: report the change at once and repeat it (robustness 2). */
	send_mld(s, MLD2_CHANGE_TO_EXCLUDE, group);
	s->mld_left = 1;
	s->mld_next = fata_monotonic_ns() + FATA_SEC(1);
}

void ipv6_leave(struct ipv6_layer *s, const uint8_t *group)
{
	for (unsigned i = 0; i < IPV6_GROUPS; i++) {
		if (s->groups[i].users && ipv6_eq(s->groups[i].g, group)) {
			if (--s->groups[i].users == 0 && !ipv6_eq(group, ipv6_all_nodes))
				send_mld(s, MLD2_CHANGE_TO_INCLUDE, group);
			return;
		}
	}
}

/* --- the neighbour cache ------------------------------------------------------------------------- */

static struct nd_entry *find(struct ipv6_layer *s, const uint8_t *ip)
{
	for (unsigned i = 0; i < IPV6_NEIGHBOURS; i++) {
		if (s->cache[i].state != ND_FREE && ipv6_eq(s->cache[i].ip, ip))
			return &s->cache[i];
	}
	return NULL;
}

/* A new entry for `ip`, evicting the least recently used idle one; NULL when all are busy. */
static struct nd_entry *grab(struct ipv6_layer *s, const uint8_t *ip, uint64_t now)
{
	struct nd_entry *victim = NULL;

	for (unsigned i = 0; i < IPV6_NEIGHBOURS; i++) {
		struct nd_entry *e = &s->cache[i];

		if (e->state == ND_FREE) {
			victim = e;
			break;
		}
		if (e->waiters || e->state == ND_INCOMPLETE)
			continue;
		if (!victim || e->used < victim->used)
			victim = e;
	}
	if (!victim) {
		s->icmp_stats.cache_full++;
		return NULL;
	}
	free(victim->pending);
	memset(victim, 0, offsetof(struct nd_entry, waitq));
	victim->pending = NULL;
	victim->pending_len = 0;
	memcpy(victim->ip, ip, 16);
	victim->used = now;
	return victim;
}

/* Sends the packet an entry kept, now that its MAC is known. */
static void flush_pending(struct ipv6_layer *s, struct nd_entry *e)
{
	uint8_t *p = e->pending;
	size_t len = e->pending_len;
	struct net_iov iov;

	if (!p)
		return;
	e->pending = NULL;
	e->pending_len = 0;
	iov = (struct net_iov){ p + IPV6_HDR_LEN, len - IPV6_HDR_LEN };
	if (!s->eth->tx_busy)
		ipv6_emit(s, e->mac, p, &iov, 1, len - IPV6_HDR_LEN, ipv6_path_mtu(s, p + 24));
	free(p);
}

/* What a solicitation or advertisement told us about `ip`'s MAC (RFC 4861 7.2.3, 7.2.5). */
static void learn(struct ipv6_layer *s, const uint8_t *ip, const uint8_t *mac, bool solicited,
		  bool override, bool create)
{
	uint64_t now = fata_monotonic_ns();
	struct nd_entry *e = find(s, ip);
	bool changed;

	if (!e) {
		if (!create || !mac)
			return;
		e = grab(s, ip, now);
		if (!e)
			return;
		memcpy(e->mac, mac, 6);
		e->state = ND_STALE;
		return;
	}
	if (e->state == ND_FAILED)
		return;
	if (e->state == ND_INCOMPLETE) {
		if (!mac)
			return;
		memcpy(e->mac, mac, 6);
		e->state = solicited ? ND_REACHABLE : ND_STALE;
		e->expires = now + s->tun->nd_reachable_ns;
		e->used = now;
		flush_pending(s, e);
		fata_waitq_wake_all(&e->waitq);
		return;
	}
	changed = mac && memcmp(mac, e->mac, 6) != 0;
	if (!override && changed) {
		if (e->state == ND_REACHABLE)
			e->state = ND_STALE;
		return;
	}
	if (mac)
		memcpy(e->mac, mac, 6);
	if (solicited) {
		e->state = ND_REACHABLE;
		e->expires = now + s->tun->nd_reachable_ns;
	} else if (changed) {
		e->state = ND_STALE;
	}
}

int nd_resolve(struct ipv6_layer *s, const uint8_t *ip, uint8_t mac[6], uint64_t deadline)
{
	uint64_t now = fata_monotonic_ns();
	struct nd_entry *e = find(s, ip);
	uint32_t gen;

	if (!e) {
		e = grab(s, ip, now);
		if (!e)
			return -ENOBUFS;
		e->state = ND_INCOMPLETE;
		e->tries = 1;
		e->next = now + s->tun->nd_retrans_ns;
		send_ns(s, ip, NULL, false);
	}
	e->used = now;
	switch (e->state) {
	case ND_REACHABLE:
		if (now < e->expires) {
			memcpy(mac, e->mac, 6);
			return 0;
		}
		e->state = ND_STALE;
		/* fall through */
	case ND_STALE:
		/* RFC 4861 7.3.3: use it, and probe if nothing confirms it meanwhile. */
		e->state = ND_DELAY;
		e->expires = now + s->tun->nd_delay_ns;
		/* fall through */
	case ND_DELAY:
	case ND_PROBE:
		memcpy(mac, e->mac, 6);
		return 0;
	case ND_FAILED:
		return -EHOSTUNREACH;
	default:
		break;
	}
	if (deadline == NET_NONBLOCK)
		return -EAGAIN;
	gen = e->gen;
	e->waiters++;
	while (e->state == ND_INCOMPLETE && e->gen == gen) {
		if (fata_waitq_wait(&e->waitq, deadline) < 0 && fata_monotonic_ns() >= deadline)
			break;
	}
	e->waiters--;
	if (e->gen != gen || e->state == ND_FAILED) {
		if (e->state == ND_FAILED && e->waiters == 0)
			e->state = ND_FREE;
		return -EHOSTUNREACH;
	}
	if (e->state == ND_INCOMPLETE)
		return -ETIMEDOUT;
	memcpy(mac, e->mac, 6);
	return 0;
}

void nd_queue(struct ipv6_layer *s, const uint8_t *ip, uint8_t *pkt, size_t len)
{
	struct nd_entry *e = find(s, ip);

	if (!e || e->state != ND_INCOMPLETE) {
		free(pkt);
		return;
	}
	free(e->pending);	/* RFC 4861 7.2.2: at least one; we keep the latest */
	e->pending = pkt;
	e->pending_len = len;
}

/* --- duplicate address detection ------------------------------------------------------------------ */

static void duplicate(struct ipv6_layer *s, int slot)
{
	struct ipv6_addr *x = &s->addrs[slot];
	char a[FATA_IPV6_STRLEN];
	uint8_t group[16];

	s->icmp_stats.dad_conflicts++;
	if (x->state != FATA_IPV6_TENTATIVE) {
		/* RFC 4862 5.4.4: an address in use is kept; the conflict is logged. */
		fata_log(&log_nd, FATA_LOG_WARNING, "another host uses our address %s",
			 fata_ipv6_format(x->a, a));
		return;
	}
	x->state = FATA_IPV6_DUPLICATE;
	ipv6_solicited_node(x->a, group);
	ipv6_leave(s, group);
	fata_log(&log_nd, FATA_LOG_ERROR,
		 "duplicate address detected: %s is in use by another host, not using it",
		 fata_ipv6_format(x->a, a));
}

static void address_ready(struct ipv6_layer *s, int slot, uint64_t now)
{
	struct ipv6_addr *x = &s->addrs[slot];
	char a[FATA_IPV6_STRLEN];

	x->state = FATA_IPV6_PREFERRED;
	fata_log(&log_nd, FATA_LOG_INFO, "IPv6 address %s/%u%s", fata_ipv6_format(x->a, a),
		 (unsigned)x->prefix_len, x->autoconf ? " (SLAAC)" : "");
	if (slot == 0) {
		/* The link-local address is usable: MLD reports get a source, and routers are
		 * solicited (RFC 4861 6.3.7). */
		send_mld(s, MLD2_MODE_IS_EXCLUDE, NULL);
		if (s->accept_ra && s->tun->rs_count) {
			s->rs_left = (uint8_t)s->tun->rs_count;
			s->rs_next = now;
		}
	}
	fata_waitq_wake_all(&s->addr_waitq);
}

/* --- receiving ----------------------------------------------------------------------------------- */

/*
 * Walks the options of an ND message: checks every one has a non-zero length within the
 * message (RFC 4861 4.6) and returns the link-layer address option of type `lla_type` (or NULL).
 * Returns -1 when the options are malformed.
 */
static int options(const uint8_t *p, size_t len, uint8_t lla_type, const uint8_t **lla)
{
	size_t off = 0;

	*lla = NULL;
	while (off < len) {
		size_t olen;

		if (off + 2 > len || p[off + 1] == 0)
			return -1;
		olen = (size_t)p[off + 1] * 8;
		if (off + olen > len)
			return -1;
		if (p[off] == lla_type && olen >= 8)
			*lla = p + off + 2;
		off += olen;
	}
	return 0;
}

static void ns_input(struct ipv6_layer *s, const struct ipv6_rx *rx, const uint8_t *m,
		     size_t len)
{
	const uint8_t *target = m + 8, *slla;
	bool dad = ipv6_is_unspecified(rx->src);
	uint8_t sn[16];
	int slot;

	s->icmp_stats.ns_rx++;
	if (len < ND_NS_LEN || ipv6_is_multicast(target) ||
	    options(m + ND_NS_LEN, len - ND_NS_LEN, ND_OPT_SLLA, &slla) < 0)
		goto bad;
	ipv6_solicited_node(target, sn);
	if (dad && (!ipv6_eq(rx->dst, sn) || slla))
		goto bad;
	slot = ipv6_our_addr(s, target, true);
	if (slot < 0) {
		net_drop(&log_nd, s->stats.drop_not_for_us, "solicitation for another target");
		return;
	}
	if (s->addrs[slot].state == FATA_IPV6_TENTATIVE) {
		/* RFC 4862 5.4.3: another host tries the same address: it is a duplicate. A
		 * solicitation from a unicast source is not for us yet. */
		if (dad)
			duplicate(s, slot);
		return;
	}
	if (dad) {
		/* Defend it (RFC 4861 7.2.4): an advertisement to all nodes. */
		send_na(s, target, ipv6_all_nodes, NULL, false);
		return;
	}
	if (slla)
		learn(s, rx->src, slla, false, true, true);
	{
		struct nd_entry *e = find(s, rx->src);

		send_na(s, target, rx->src, e && e->state != ND_INCOMPLETE ? e->mac : NULL, true);
	}
	return;
bad:
	net_drop(&log_nd, s->icmp_stats.drop_bad, "malformed neighbour solicitation");
}

static void na_input(struct ipv6_layer *s, const struct ipv6_rx *rx, const uint8_t *m,
		     size_t len)
{
	const uint8_t *target = m + 8, *tlla;
	bool solicited = m[4] & ND_NA_SOLICITED, override = m[4] & ND_NA_OVERRIDE;
	struct nd_entry *e;
	int slot;

	s->icmp_stats.na_rx++;
	if (len < ND_NA_LEN || ipv6_is_multicast(target) ||
	    (ipv6_is_multicast(rx->dst) && solicited) ||
	    options(m + ND_NA_LEN, len - ND_NA_LEN, ND_OPT_TLLA, &tlla) < 0) {
		net_drop(&log_nd, s->icmp_stats.drop_bad, "malformed neighbour advertisement");
		return;
	}
	slot = ipv6_our_addr(s, target, true);
	if (slot >= 0) {
		duplicate(s, slot);
		return;
	}
	learn(s, target, tlla, solicited, override, false);
	e = find(s, target);
	if (e && e->state != ND_INCOMPLETE)
		e->router = (m[4] & ND_NA_ROUTER) != 0;
}

/* A prefix information option (RFC 4862 5.5.3). */
static void prefix_option(struct ipv6_layer *s, const uint8_t *o, uint64_t now)
{
	uint8_t plen = o[2], flags = o[3], a[16];
	uint32_t valid = be32_get(o + 4), preferred = be32_get(o + 8);
	const uint8_t *prefix = o + 16;
	uint64_t valid_until = valid == 0xffffffffu ? FATA_NEVER : now + FATA_SEC((uint64_t)valid);
	uint64_t pref_until = preferred == 0xffffffffu ? FATA_NEVER
						       : now + FATA_SEC((uint64_t)preferred);
	char text[FATA_IPV6_STRLEN];

	if (plen > 128 || ipv6_is_link_local(prefix) || ipv6_is_multicast(prefix) ||
	    preferred > valid)
		return;
	if (flags & ND_PREFIX_ONLINK) {
		int slot = -1;

		for (unsigned i = 0; i < IPV6_PREFIXES; i++) {
			if (s->prefixes[i].len == plen &&
			    ipv6_prefix_match(s->prefixes[i].p, prefix, plen)) {
				slot = (int)i;
				break;
			}
			if (slot < 0 && (s->prefixes[i].len == 0 ||
					 now >= s->prefixes[i].valid_until))
				slot = (int)i;
		}
		if (slot >= 0 && (valid || s->prefixes[slot].len)) {
			memcpy(s->prefixes[slot].p, prefix, 16);
			s->prefixes[slot].len = valid ? plen : 0;
			s->prefixes[slot].valid_until = valid_until;
		}
	}
	/* SLAAC needs a 64-bit interface identifier (RFC 4291 2.5.1): only /64 prefixes. */
	if (!(flags & ND_PREFIX_AUTO) || plen != 64 || valid == 0)
		return;
	memcpy(a, prefix, 8);
	ipv6_eui64(s->eth->mac, a);
	for (int i = 0; i < FATA_IPV6_ADDRS; i++) {
		struct ipv6_addr *x = &s->addrs[i];
		uint64_t remaining;

		if (x->state == FATA_IPV6_NONE || !ipv6_eq(x->a, a))
			continue;
		if (!x->autoconf)
			return;
		/* The two-hour rule (RFC 4862 5.5.3 e) against shortening attacks. */
		remaining = x->valid_until > now ? x->valid_until - now : 0;
		if (valid_until - now > TWO_HOURS || valid_until > x->valid_until)
			x->valid_until = valid_until;
		else if (remaining > TWO_HOURS)
			x->valid_until = now + TWO_HOURS;
		x->preferred_until = pref_until;
		if (x->state == FATA_IPV6_DEPRECATED && now < pref_until)
			x->state = FATA_IPV6_PREFERRED;
		return;
	}
	if (ipv6_add_addr(s, a, 64, true, pref_until, valid_until) == 0)
		fata_log(&log_nd, FATA_LOG_DEBUG, "SLAAC: trying %s/64",
			 fata_ipv6_format(a, text));
}

static void ra_input(struct ipv6_layer *s, const struct ipv6_rx *rx, const uint8_t *m,
		     size_t len)
{
	uint64_t now = fata_monotonic_ns();
	const uint8_t *slla;
	uint16_t lifetime;
	size_t off;

	s->icmp_stats.ra_rx++;
	if (!ipv6_is_link_local(rx->src) || len < ND_RA_LEN ||
	    options(m + ND_RA_LEN, len - ND_RA_LEN, ND_OPT_SLLA, &slla) < 0) {
		net_drop(&log_nd, s->icmp_stats.drop_bad, "malformed router advertisement");
		return;
	}
	if (!s->accept_ra)
		return;
	s->rs_left = 0;
	s->rs_next = FATA_NEVER;
	if (m[4])
		s->cur_hop_limit = m[4];
	lifetime = be16_get(m + 6);
	if (lifetime) {
		if (!ipv6_eq(s->router, rx->src)) {
			char r[FATA_IPV6_STRLEN];

			fata_log(&log_nd, FATA_LOG_INFO, "default router %s",
				 fata_ipv6_format(rx->src, r));
		}
		memcpy(s->router, rx->src, 16);
		s->router_until = now + FATA_SEC((uint64_t)lifetime);
	} else if (ipv6_eq(s->router, rx->src)) {
		memset(s->router, 0, 16);
	}
	if (slla)
		learn(s, rx->src, slla, false, true, true);
	for (off = ND_RA_LEN; off + 8 <= len; off += (size_t)m[off + 1] * 8) {
		const uint8_t *o = m + off;

		if (o[0] == ND_OPT_MTU && o[1] == 1) {
			uint32_t mtu = be32_get(o + 4);

			if (mtu >= IPV6_MIN_MTU && mtu <= s->eth->mtu)
				s->mtu = (uint16_t)mtu;
		} else if (o[0] == ND_OPT_PREFIX && o[1] == 4) {
			prefix_option(s, o, now);
		}
	}
}

void nd_input(struct ipv6_layer *s, const struct ipv6_rx *rx, const uint8_t *m, size_t len)
{
	uint8_t type = m[0];

	/* RFC 4861: ND messages arrive with hop limit 255 (not forwarded) and code 0. MLD
	 * messages are link-local too, with hop limit 1. */
	if (type >= ICMPV6_RS && type <= ICMPV6_REDIRECT &&
	    (rx->hop_limit != IPV6_ND_HOP_LIMIT || m[1] != 0)) {
		net_drop(&log_nd, s->icmp_stats.drop_bad, "ND type %u: hop limit %u, code %u",
			 (unsigned)type, (unsigned)rx->hop_limit, (unsigned)m[1]);
		return;
	}
	switch (type) {
	case ICMPV6_NS:
		ns_input(s, rx, m, len);
		break;
	case ICMPV6_NA:
		na_input(s, rx, m, len);
		break;
	case ICMPV6_RA:
		ra_input(s, rx, m, len);
		break;
	case ICMPV6_MLD_QUERY:
		/* Answer within a second (RFC 3810 6.2, simplified: the whole state once). */
		if (len >= 24 && ipv6_is_link_local(rx->src)) {
			s->mld_left = 1;
			s->mld_next = fata_monotonic_ns() +
				      net_random(s->rng) % FATA_SEC(1);
		}
		break;
	default:
		s->icmp_stats.other_rx++;	/* RS, redirects, other hosts' reports */
		break;
	}
}

/* --- timers -------------------------------------------------------------------------------------- */

static uint64_t earliest(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

uint64_t nd_timers(struct ipv6_layer *s, uint64_t now)
{
	uint64_t next = FATA_NEVER;

	/* Our addresses: DAD, then lifetimes. */
	for (int i = 0; i < FATA_IPV6_ADDRS; i++) {
		struct ipv6_addr *x = &s->addrs[i];

		if (x->state == FATA_IPV6_TENTATIVE) {
			if (now >= x->dad_next) {
				if (x->dad_left) {
					x->dad_left--;
					send_ns(s, x->a, NULL, true);
					x->dad_next = now + s->tun->nd_retrans_ns;
				} else {
					address_ready(s, i, now);
				}
			}
			if (x->state == FATA_IPV6_TENTATIVE)
				next = earliest(next, x->dad_next);
		}
		if (x->state == FATA_IPV6_PREFERRED || x->state == FATA_IPV6_DEPRECATED) {
			if (now >= x->valid_until) {
				uint8_t group[16];
				char a[FATA_IPV6_STRLEN];

				fata_log(&log_nd, FATA_LOG_INFO, "IPv6 address %s expired",
					 fata_ipv6_format(x->a, a));
				ipv6_solicited_node(x->a, group);
				ipv6_leave(s, group);
				x->state = FATA_IPV6_NONE;
				continue;
			}
			if (x->state == FATA_IPV6_PREFERRED && now >= x->preferred_until)
				x->state = FATA_IPV6_DEPRECATED;
			next = earliest(next, x->state == FATA_IPV6_PREFERRED ? x->preferred_until
									      : x->valid_until);
		}
	}
	if (s->rs_left && now >= s->rs_next) {
		send_rs(s);
		s->rs_left--;
		s->rs_next = s->rs_left ? now + s->tun->rs_interval_ns : FATA_NEVER;
	}
	next = earliest(next, s->rs_next);
	if (now >= s->mld_next) {
		send_mld(s, MLD2_MODE_IS_EXCLUDE, NULL);
		s->mld_next = FATA_NEVER;
		if (s->mld_left) {
			s->mld_left--;
			s->mld_next = now + FATA_SEC(1);
		}
	}
	next = earliest(next, s->mld_next);
	if (!ipv6_is_unspecified(s->router) && now >= s->router_until)
		memset(s->router, 0, 16);
	else if (!ipv6_is_unspecified(s->router))
		next = earliest(next, s->router_until);

	/* The neighbour cache (RFC 4861 7.3.3). */
	for (unsigned i = 0; i < IPV6_NEIGHBOURS; i++) {
		struct nd_entry *e = &s->cache[i];

		switch (e->state) {
		case ND_INCOMPLETE:
			if (now >= e->next) {
				if (e->tries >= s->tun->nd_retries) {
					s->icmp_stats.resolve_timeouts++;
					free(e->pending);
					e->pending = NULL;
					e->gen++;
					e->state = e->waiters ? ND_FAILED : ND_FREE;
					fata_waitq_wake_all(&e->waitq);
					continue;
				}
				e->tries++;
				send_ns(s, e->ip, NULL, false);
				e->next = now + s->tun->nd_retrans_ns;
			}
			next = earliest(next, e->next);
			break;
		case ND_REACHABLE:
			if (now >= e->expires)
				e->state = ND_STALE;
			else
				next = earliest(next, e->expires);
			break;
		case ND_DELAY:
			if (now >= e->expires) {
				e->state = ND_PROBE;
				e->tries = 1;
				send_ns(s, e->ip, e->mac, false);
				e->next = now + s->tun->nd_retrans_ns;
				next = earliest(next, e->next);
			} else {
				next = earliest(next, e->expires);
			}
			break;
		case ND_PROBE:
			if (now >= e->next) {
				if (e->tries >= s->tun->nd_retries) {
					if (!e->waiters)
						e->state = ND_FREE;
					continue;
				}
				e->tries++;
				send_ns(s, e->ip, e->mac, false);
				e->next = now + s->tun->nd_retrans_ns;
			}
			next = earliest(next, e->next);
			break;
		default:
			break;
		}
	}
	return next;
}
