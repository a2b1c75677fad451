/*
 * IPv6 (RFC 8200): checks every received header, walks the extension headers (skipping or
 * refusing them as section 4 says), hands packets to the registered protocols (after
 * reassembly, ipv6_reasm.c), chooses source addresses, routes what is sent (on-link or via the
 * default router) and fragments it to the path MTU.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <fata/runtime.h>
#include <fata/time.h>

#include "ipv6.h"
#include "prot/ethernet.h"
#include "prot/ipv6.h"

FATA_LOG_SOURCE(log_ipv6, "ipv6");

const uint8_t ipv6_all_nodes[16] = { 0xff, 0x02, [15] = 1 };
const uint8_t ipv6_all_routers[16] = { 0xff, 0x02, [15] = 2 };
const uint8_t ipv6_unspecified[16];

/* --- addresses ---------------------------------------------------------------------------------- */

bool ipv6_prefix_match(const uint8_t *a, const uint8_t *b, unsigned len)
{
	unsigned bytes = len / 8, bits = len % 8;

	if (len > 128)
		return false;
	if (memcmp(a, b, bytes) != 0)
		return false;
	if (bits == 0)
		return true;
	return ((a[bytes] ^ b[bytes]) & (uint8_t)(0xff << (8 - bits))) == 0;
}

void ipv6_solicited_node(const uint8_t *a, uint8_t group[16])
{
	static const uint8_t base[13] = { 0xff, 0x02, [11] = 0x01, [12] = 0xff };

	memcpy(group, base, 13);
	memcpy(group + 13, a + 13, 3);
}

void ipv6_multicast_mac(const uint8_t *group, uint8_t mac[6])
{
	mac[0] = 0x33;
	mac[1] = 0x33;
	memcpy(mac + 2, group + 12, 4);
}

void ipv6_eui64(const uint8_t mac[6], uint8_t a[16])
{
	a[8] = mac[0] ^ 0x02;	/* the universal/local bit, inverted */
	a[9] = mac[1];
	a[10] = mac[2];
	a[11] = 0xff;
	a[12] = 0xfe;
	a[13] = mac[3];
	a[14] = mac[4];
	a[15] = mac[5];
}

int ipv6_our_addr(const struct ipv6_layer *s, const uint8_t *a, bool tentative)
{
	for (int i = 0; i < FATA_IPV6_ADDRS; i++) {
		const struct ipv6_addr *x = &s->addrs[i];

		if ((x->state == FATA_IPV6_PREFERRED || x->state == FATA_IPV6_DEPRECATED ||
		     (tentative && x->state == FATA_IPV6_TENTATIVE)) && ipv6_eq(x->a, a))
			return i;
	}
	return -1;
}

bool ipv6_has_global(const struct ipv6_layer *s)
{
	for (int i = 0; i < FATA_IPV6_ADDRS; i++) {
		if (s->addrs[i].state == FATA_IPV6_PREFERRED && !ipv6_is_link_local(s->addrs[i].a))
			return true;
	}
	return false;
}

int ipv6_select_source(const struct ipv6_layer *s, const uint8_t *dst, uint8_t src[16])
{
	int best = -1;
	unsigned best_len = 0;

	/* Link-local and link-scope multicast destinations: the link-local address. Others: the
	 * preferred global address sharing the longest prefix (RFC 6724 rules 2, 3 and 8). */
	bool link = ipv6_is_link_local(dst) ||
		    (ipv6_is_multicast(dst) && (dst[1] & 0x0f) <= 2);

	for (int i = 0; i < FATA_IPV6_ADDRS; i++) {
		const struct ipv6_addr *x = &s->addrs[i];
		unsigned len = 0;

		if (x->state != FATA_IPV6_PREFERRED || ipv6_is_link_local(x->a) != link)
			continue;
		while (len < 128 && ipv6_prefix_match(x->a, dst, len + 1))
			len++;
		if (best < 0 || len > best_len) {
			best = i;
			best_len = len;
		}
	}
	if (best < 0 && !link && s->addrs[0].state == FATA_IPV6_PREFERRED)
		best = 0;	/* only the link-local one: better than nothing on-link */
	if (best < 0)
		return -ENETUNREACH;
	memcpy(src, s->addrs[best].a, 16);
	return 0;
}

static bool mcast_filter(void *ctx, const uint8_t mac[6])
{
	struct ipv6_layer *s = ctx;
	uint8_t m[6];

	for (unsigned i = 0; i < IPV6_GROUPS; i++) {
		if (!s->groups[i].users)
			continue;
		ipv6_multicast_mac(s->groups[i].g, m);
		if (memcmp(m, mac, 6) == 0)
			return true;
	}
	return false;
}

static bool joined(const struct ipv6_layer *s, const uint8_t *group)
{
	for (unsigned i = 0; i < IPV6_GROUPS; i++) {
		if (s->groups[i].users && ipv6_eq(s->groups[i].g, group))
			return true;
	}
	return false;
}

/* --- setting up ---------------------------------------------------------------------------------- */

void ipv6_init(struct ipv6_layer *s, struct eth_layer *eth, const struct net_tunables *tun,
	       struct fata_random *rng)
{
	s->eth = eth;
	s->tun = tun;
	s->rng = rng;
	s->mtu = eth->mtu;
	s->cur_hop_limit = IPV6_DEFAULT_HOP_LIMIT;
	s->frag_id = net_random(rng);
	s->mld_next = s->rs_next = FATA_NEVER;
}

void ipv6_enable(struct ipv6_layer *s, bool accept_ra)
{
	uint8_t ll[16] = { 0xfe, 0x80 };

	if (s->enabled)
		return;
	s->enabled = true;
	s->accept_ra = accept_ra;
	eth_register(s->eth, ETH_TYPE_IPV6, ipv6_input, s);
	eth_set_mcast_filter(s->eth, mcast_filter, s);
	ipv6_join(s, ipv6_all_nodes);
	ipv6_eui64(s->eth->mac, ll);
	ipv6_add_addr(s, ll, 64, false, FATA_NEVER, FATA_NEVER);
}

int ipv6_add_addr(struct ipv6_layer *s, const uint8_t *a, uint8_t prefix_len, bool autoconf,
		  uint64_t preferred_until, uint64_t valid_until)
{
	uint8_t group[16];
	int slot = -1;

	if (prefix_len > 128 || ipv6_is_multicast(a) || ipv6_is_unspecified(a) ||
	    ipv6_is_loopback(a))
		return -EINVAL;
	for (int i = 0; i < FATA_IPV6_ADDRS; i++) {
		if (s->addrs[i].state != FATA_IPV6_NONE && ipv6_eq(s->addrs[i].a, a))
			return -EEXIST;
		if (slot < 0 && s->addrs[i].state == FATA_IPV6_NONE &&
		    (i > 0 || ipv6_is_link_local(a)))
			slot = i;
	}
	if (slot < 0)
		return -ENOSPC;
	memcpy(s->addrs[slot].a, a, 16);
	s->addrs[slot].prefix_len = prefix_len;
	s->addrs[slot].autoconf = autoconf;
	s->addrs[slot].preferred_until = preferred_until;
	s->addrs[slot].valid_until = valid_until;
	s->addrs[slot].state = FATA_IPV6_TENTATIVE;
	s->addrs[slot].dad_left = (uint8_t)s->tun->dad_transmits;
	s->addrs[slot].dad_next = fata_monotonic_ns() +
		(s->tun->dad_delay_ns ? net_random(s->rng) % s->tun->dad_delay_ns : 0);
	/* The solicited-node group first, so that the DAD answer and later solicitations reach
	 * us through switches that snoop MLD (RFC 4862 5.4.2). */
	ipv6_solicited_node(a, group);
	ipv6_join(s, group);
	if (!autoconf && !ipv6_is_link_local(a) && prefix_len > 0) {
		for (unsigned i = 0; i < IPV6_PREFIXES; i++) {
			if (s->prefixes[i].len == 0) {
				memcpy(s->prefixes[i].p, a, 16);
				s->prefixes[i].len = prefix_len;
				s->prefixes[i].valid_until = FATA_NEVER;
				break;
			}
		}
	}
	return 0;
}

void ipv6_set_router(struct ipv6_layer *s, const uint8_t *router)
{
	memcpy(s->router, router, 16);
	s->router_until = FATA_NEVER;
}

int ipv6_register(struct ipv6_layer *s, uint8_t proto, ipv6_input_fn fn, void *ctx)
{
	for (unsigned i = 0; i < s->nprotos; i++) {
		if (s->protos[i].proto == proto)
			return -EEXIST;
	}
	if (s->nprotos == IPV6_MAX_PROTOS)
		return -ENOSPC;
	s->protos[s->nprotos].proto = proto;
	s->protos[s->nprotos].fn = fn;
	s->protos[s->nprotos].ctx = ctx;
	s->nprotos++;
	return 0;
}

void ipv6_set_error_output(struct ipv6_layer *s, ipv6_error_fn fn, void *ctx)
{
	s->error_output = fn;
	s->error_ctx = ctx;
}

/* --- receiving ----------------------------------------------------------------------------------- */

/* An error about the whole packet `p` (`len` bytes), pointing at byte `ptr` of it. */
static void packet_error(struct ipv6_layer *s, uint8_t type, uint8_t code, uint32_t ptr,
			 const uint8_t *p, size_t len, bool to_group)
{
	struct ipv6_rx rx = {
		.src = p + 8, .dst = p + 24, .proto = p[6], .to_group = to_group,
		.pkt = p, .hdr_len = 0,
	};

	ipv6_send_error(s, type, code, ptr, &rx, len);
}

/*
 * Walks the options of a hop-by-hop or destination options header at p[off..off+hl). Returns 0
 * to go on, -1 when the packet is to be dropped (an error sent where the option type asks).
 */
static int walk_options(struct ipv6_layer *s, const uint8_t *p, size_t len, size_t off,
			size_t hl, bool to_group)
{
	size_t i = off + 2, end = off + hl;

	while (i < end) {
		uint8_t t = p[i];
		size_t olen;

		if (t == IPV6_OPT_PAD1) {
			i++;
			continue;
		}
		if (i + 2 > end || i + 2 + p[i + 1] > end) {
			net_drop(&log_ipv6, s->stats.drop_ext, "option runs past its header");
			packet_error(s, ICMPV6_PARAM_PROBLEM, ICMPV6_PARAM_HEADER, (uint32_t)i, p,
				     len, to_group);
			return -1;
		}
		olen = p[i + 1];
		if (t != IPV6_OPT_PADN && t != IPV6_OPT_ROUTER_ALERT) {
			switch (IPV6_OPT_ACTION(t)) {
			case IPV6_OPT_SKIP:
				break;
			case IPV6_OPT_DISCARD_ICMP_UNICAST:
				if (ipv6_is_multicast(p + 24)) {
					net_drop(&log_ipv6, s->stats.drop_ext, "option 0x%02x", t);
					return -1;
				}
				/* fall through */
			case IPV6_OPT_DISCARD_ICMP:
				net_drop(&log_ipv6, s->stats.drop_ext, "option 0x%02x", t);
				/* RFC 8200 4.2: reported even to a multicast destination. */
				packet_error(s, ICMPV6_PARAM_PROBLEM, ICMPV6_PARAM_OPTION,
					     (uint32_t)i, p, len, false);
				return -1;
			default:
				net_drop(&log_ipv6, s->stats.drop_ext, "option 0x%02x", t);
				return -1;
			}
		}
		i += 2 + olen;
	}
	return 0;
}

/* Hands the payload at p[off..len) to the protocol `next`. */
static void deliver(struct ipv6_layer *s, const uint8_t *p, size_t len, size_t off,
		    uint8_t next, size_t nh_off, bool to_group, bool to_tentative)
{
	struct ipv6_rx rx = {
		.src = p + 8, .dst = p + 24, .proto = next, .hop_limit = p[7],
		.tclass = (uint8_t)((p[0] & 0x0f) << 4 | p[1] >> 4),
		.to_group = to_group, .pkt = p, .hdr_len = off,
	};
	const uint8_t *data = p + off;
	size_t dlen = len - off;

	if (next == IPV6_NH_ICMPV6 && dlen >= 1 && data[0] >= ICMPV6_MLD_QUERY &&
	    data[0] <= ICMPV6_MLD2_REPORT) {
		struct net_csum c;

		s->icmp_stats.rx++;
		if (dlen < ICMPV6_HDR_LEN) {
			net_drop(&log_ipv6, s->icmp_stats.drop_short, "ND message of %zu bytes", dlen);
			return;
		}
		net_csum_init(&c);
		net_csum_pseudo6(&c, rx.src, rx.dst, (uint32_t)dlen, IPV6_NH_ICMPV6);
		net_csum_add(&c, data, dlen);
		if (net_csum_result(&c) != 0) {
			net_drop(&log_ipv6, s->icmp_stats.drop_checksum, "ND: bad checksum");
			return;
		}
		s->stats.delivered++;
		nd_input(s, &rx, data, dlen);
		return;
	}
	/* RFC 4862 5.4: a tentative address receives nothing but Neighbor Discovery. */
	if (to_tentative) {
		net_drop(&log_ipv6, s->stats.drop_not_for_us, "packet to a tentative address");
		return;
	}
	for (unsigned i = 0; i < s->nprotos; i++) {
		if (s->protos[i].proto == next) {
			s->stats.delivered++;
			s->protos[i].fn(s->protos[i].ctx, &rx, data, dlen);
			return;
		}
	}
	net_drop(&log_ipv6, s->stats.drop_proto, "next header %u", (unsigned)next);
	packet_error(s, ICMPV6_PARAM_PROBLEM, ICMPV6_PARAM_NEXT_HEADER, (uint32_t)nh_off, p, len,
		     to_group);
}

/* Walks the header chain from p[off] (whose type `next` was named at p[nh_off]). */
static void walk(struct ipv6_layer *s, const uint8_t *p, size_t len, size_t off, uint8_t next,
		 size_t nh_off, bool to_group, bool to_tentative, bool reassembled)
{
	NET_STATS(ipv6) *st = &s->stats;

	for (unsigned nhdrs = 0;; nhdrs++) {
		size_t hl;

		if (nhdrs > IPV6_MAX_EXT_HEADERS) {
			net_drop(&log_ipv6, st->drop_ext, "more than %u extension headers",
				 IPV6_MAX_EXT_HEADERS);
			return;
		}
		switch (next) {
		case IPV6_NH_HOPOPTS:
		case IPV6_NH_DSTOPTS:
		case IPV6_NH_ROUTING:
			if (next == IPV6_NH_HOPOPTS && off != IPV6_HDR_LEN) {
				/* RFC 8200 4.1: hop-by-hop options only right after the header. */
				net_drop(&log_ipv6, st->drop_ext, "hop-by-hop options not first");
				packet_error(s, ICMPV6_PARAM_PROBLEM, ICMPV6_PARAM_NEXT_HEADER,
					     (uint32_t)nh_off, p, len, to_group);
				return;
			}
			if (off + 8 > len || off + ((size_t)p[off + 1] + 1) * 8 > len) {
				net_drop(&log_ipv6, st->drop_short, "extension header cut short");
				return;
			}
			hl = ((size_t)p[off + 1] + 1) * 8;
			if (next == IPV6_NH_ROUTING) {
				/* RFC 8200 4.4: a host with segments left to visit does not route;
				 * with none left the header is skipped. Type 0 (RFC 5095) and
				 * every other type alike. */
				if (p[off + 3] != 0) {
					net_drop(&log_ipv6, st->drop_ext, "routing header type %u",
						 (unsigned)p[off + 2]);
					packet_error(s, ICMPV6_PARAM_PROBLEM, ICMPV6_PARAM_HEADER,
						     (uint32_t)(off + 2), p, len, to_group);
					return;
				}
			} else if (walk_options(s, p, len, off, hl, to_group) < 0) {
				return;
			}
			nh_off = off;
			next = p[off];
			off += hl;
			break;
		case IPV6_NH_FRAGMENT: {
			uint16_t fo;

			if (off + IPV6_FRAG_HDR_LEN > len) {
				net_drop(&log_ipv6, st->drop_short, "fragment header cut short");
				return;
			}
			fo = be16_get(p + off + 2);
			if ((fo & (IPV6_FRAG_OFFSET_MASK | IPV6_FRAG_MF)) == 0) {
				/* An atomic fragment (RFC 6946): processed on its own. */
				nh_off = off;
				next = p[off];
				off += IPV6_FRAG_HDR_LEN;
				break;
			}
			st->frags_rx++;
			if (reassembled) {
				net_drop(&log_ipv6, st->reasm_bad_frag, "fragment inside a fragment");
				return;
			} else {
				uint8_t *whole = NULL;
				size_t unfrag = 0, nh = 0;
				size_t wlen = ipv6_reasm_add(s, p, len, off, nh_off, to_group, &whole,
							     &unfrag, &nh, fata_monotonic_ns());

				if (wlen) {
					st->reasm_ok++;
					walk(s, whole, wlen, unfrag, whole[nh], nh, to_group,
					     to_tentative, true);
					free(whole);
				}
			}
			return;
		}
		case IPV6_NH_NONE:
			return;
		default:
			deliver(s, p, len, off, next, nh_off, to_group, to_tentative);
			return;
		}
	}
}

void ipv6_input(void *ctx, uint8_t *p, size_t len, bool l2_group)
{
	struct ipv6_layer *s = ctx;
	NET_STATS(ipv6) *st = &s->stats;
	size_t plen;
	const uint8_t *dst;
	bool to_group, to_tentative = false;

	st->rx++;
	if (len < IPV6_HDR_LEN) {
		net_drop(&log_ipv6, st->drop_short, "packet of %zu bytes", len);
		return;
	}
	if (p[0] >> 4 != IPV6_VERSION) {
		net_drop(&log_ipv6, st->drop_version, "version %u", (unsigned)(p[0] >> 4));
		return;
	}
	plen = be16_get(p + 4);
	if (IPV6_HDR_LEN + plen > len) {
		net_drop(&log_ipv6, st->drop_len, "payload length %zu, received %zu", plen,
			 len - IPV6_HDR_LEN);
		return;
	}
	len = IPV6_HDR_LEN + plen;	/* Ethernet may pad */
	dst = p + 24;
	if (ipv6_is_multicast(p + 8)) {
		net_drop(&log_ipv6, st->drop_bad_src, "multicast source");
		return;
	}
	to_group = l2_group || ipv6_is_multicast(dst);
	if (ipv6_is_multicast(dst)) {
		if (!joined(s, dst)) {
			net_drop(&log_ipv6, st->drop_not_for_us, "group we did not join");
			return;
		}
	} else if (ipv6_our_addr(s, dst, false) < 0) {
		if (ipv6_our_addr(s, dst, true) < 0) {
			net_drop(&log_ipv6, st->drop_not_for_us, "packet for another destination");
			return;
		}
		to_tentative = true;
	}
	walk(s, p, len, IPV6_HDR_LEN, p[6], 6, to_group, to_tentative, false);
}

/* --- sending ------------------------------------------------------------------------------------- */

int ipv6_emit(struct ipv6_layer *s, const uint8_t mac[6], const uint8_t *hdr,
	      const struct net_iov *iov, size_t n, size_t plen, uint16_t mtu)
{
	size_t maxdata, chunk, off = 0;
	uint32_t id;
	int r = 0;

	if (s->eth->tx_busy)
		fata_panic("ipv6: a frame is being built already (a sender yielded while sending)");
	if (mtu > s->eth->mtu)
		mtu = s->eth->mtu;
	s->eth->tx_busy = true;
	if (IPV6_HDR_LEN + plen <= mtu) {
		uint8_t *ip = s->eth->tx_buf + ETH_HDR_LEN;

		memcpy(ip, hdr, IPV6_HDR_LEN);
		be16_put(ip + 4, (uint16_t)plen);
		net_iov_copy(ip + IPV6_HDR_LEN, iov, n, 0, plen);
		r = eth_output(s->eth, mac, ETH_TYPE_IPV6, IPV6_HDR_LEN + plen);
		goto out;
	}
	/* RFC 8200 4.5: only the IPv6 header is unfragmentable in what we send. */
	maxdata = ((size_t)mtu - IPV6_HDR_LEN - IPV6_FRAG_HDR_LEN) & ~(size_t)7;
	chunk = maxdata;
	id = s->frag_id++;
	do {
		uint8_t *ip = s->eth->tx_buf + ETH_HDR_LEN, *fh = ip + IPV6_HDR_LEN;
		size_t this = plen - off < chunk ? plen - off : chunk;
		uint16_t fo = (uint16_t)off;	/* a multiple of 8: offset << 3 in 8-byte units */

		if (off + this < plen)
			fo |= IPV6_FRAG_MF;
		memcpy(ip, hdr, IPV6_HDR_LEN);
		be16_put(ip + 4, (uint16_t)(IPV6_FRAG_HDR_LEN + this));
		ip[6] = IPV6_NH_FRAGMENT;
		fh[0] = hdr[6];
		fh[1] = 0;
		be16_put(fh + 2, fo);
		be32_put(fh + 4, id);
		net_iov_copy(fh + IPV6_FRAG_HDR_LEN, iov, n, off, this);
		r = eth_output(s->eth, mac, ETH_TYPE_IPV6,
			       IPV6_HDR_LEN + IPV6_FRAG_HDR_LEN + this);
		if (r < 0)
			break;
		s->stats.frags_tx++;
		off += this;
	} while (off < plen);
out:
	s->eth->tx_busy = false;
	if (r < 0)
		return -EIO;
	s->stats.tx++;
	return 0;
}

uint16_t ipv6_path_mtu(struct ipv6_layer *s, const uint8_t *dst)
{
	uint64_t now = fata_monotonic_ns();

	for (unsigned i = 0; i < IPV6_PMTU_ENTRIES; i++) {
		if (s->pmtu[i].mtu && now < s->pmtu[i].expires && ipv6_eq(s->pmtu[i].dst, dst))
			return s->pmtu[i].mtu < s->mtu ? s->pmtu[i].mtu : s->mtu;
	}
	return s->mtu;
}

void ipv6_pmtu_update(struct ipv6_layer *s, const uint8_t *dst, uint32_t mtu)
{
	uint64_t now = fata_monotonic_ns();
	unsigned slot = 0;

	/* RFC 8201 4: never under the minimum link MTU, and never raised by a Packet Too Big. */
	if (mtu < IPV6_MIN_MTU)
		mtu = IPV6_MIN_MTU;
	if (mtu >= ipv6_path_mtu(s, dst))
		return;
	for (unsigned i = 0; i < IPV6_PMTU_ENTRIES; i++) {
		if (s->pmtu[i].mtu && ipv6_eq(s->pmtu[i].dst, dst)) {
			slot = i;
			break;
		}
		if (s->pmtu[i].mtu == 0 || s->pmtu[i].expires < s->pmtu[slot].expires)
			slot = i;
	}
	memcpy(s->pmtu[slot].dst, dst, 16);
	s->pmtu[slot].mtu = (uint16_t)mtu;
	s->pmtu[slot].expires = now + s->tun->pmtu_ttl_ns;
	s->stats.pmtu_updates++;
	fata_log(&log_ipv6, FATA_LOG_DEBUG, "path MTU lowered to %u", (unsigned)mtu);
}

static bool on_link(const struct ipv6_layer *s, const uint8_t *dst)
{
	uint64_t now = fata_monotonic_ns();

	if (ipv6_is_link_local(dst))
		return true;
	for (unsigned i = 0; i < IPV6_PREFIXES; i++) {
		if (s->prefixes[i].len && now < s->prefixes[i].valid_until &&
		    ipv6_prefix_match(s->prefixes[i].p, dst, s->prefixes[i].len))
			return true;
	}
	return false;
}

int ipv6_output(struct ipv6_layer *s, const struct ipv6_tx *tx, const struct net_iov *iov,
		size_t n, uint64_t deadline)
{
	size_t plen = net_iov_len(iov, n);
	uint8_t hdr[IPV6_HDR_LEN], mac[6];
	const uint8_t *next_hop = tx->dst;
	bool group = ipv6_is_multicast(tx->dst);
	int r;

	if (!s->enabled) {
		s->stats.tx_no_route++;
		return -ENETUNREACH;
	}
	if (plen > IPV6_MAX_PAYLOAD) {
		s->stats.tx_too_big++;
		return -EMSGSIZE;
	}
	if (ipv6_is_unspecified(tx->dst) || ipv6_is_loopback(tx->dst) ||
	    ipv6_our_addr(s, tx->dst, true) >= 0)
		return -EHOSTUNREACH;	/* no loopback */
	memset(hdr, 0, sizeof(hdr));
	hdr[0] = (uint8_t)(IPV6_VERSION << 4 | tx->tclass >> 4);
	hdr[1] = (uint8_t)(tx->tclass << 4);
	hdr[6] = tx->proto;
	hdr[7] = tx->hop_limit ? tx->hop_limit : s->cur_hop_limit;
	if (!ipv6_is_unspecified(tx->src))
		memcpy(hdr + 8, tx->src, 16);
	else if (ipv6_select_source(s, tx->dst, hdr + 8) < 0) {
		s->stats.tx_no_route++;
		return -ENETUNREACH;
	}
	memcpy(hdr + 24, tx->dst, 16);
	if (group) {
		ipv6_multicast_mac(tx->dst, mac);
	} else {
		if (!on_link(s, tx->dst)) {
			if (ipv6_is_unspecified(s->router) ||
			    fata_monotonic_ns() >= s->router_until) {
				s->stats.tx_no_route++;
				return -ENETUNREACH;
			}
			next_hop = s->router;
		}
		r = nd_resolve(s, next_hop, mac, deadline);
		if (r == -EAGAIN) {
			uint8_t *d = malloc(IPV6_HDR_LEN + plen);

			if (!d)
				return -ENOMEM;
			memcpy(d, hdr, IPV6_HDR_LEN);
			be16_put(d + 4, (uint16_t)plen);
			net_iov_copy(d + IPV6_HDR_LEN, iov, n, 0, plen);
			nd_queue(s, next_hop, d, IPV6_HDR_LEN + plen);
			return 0;
		}
		if (r < 0) {
			s->stats.tx_unresolved++;
			return r;
		}
	}
	return ipv6_emit(s, mac, hdr, iov, n, plen, ipv6_path_mtu(s, tx->dst));
}

uint64_t ipv6_timers(struct ipv6_layer *s, uint64_t now)
{
	uint64_t a, b;

	if (!s->enabled)
		return FATA_NEVER;
	a = ipv6_reasm_timers(s, now);
	b = nd_timers(s, now);
	return a < b ? a : b;
}

void ipv6_flush(struct ipv6_layer *s)
{
	ipv6_reasm_flush(s);
	for (unsigned i = 0; i < IPV6_NEIGHBOURS; i++) {
		struct nd_entry *e = &s->cache[i];

		free(e->pending);
		e->pending = NULL;
		if (e->waiters) {
			e->state = ND_FAILED;
			e->gen++;
			fata_waitq_wake_all(&e->waitq);
		} else {
			e->state = ND_FREE;
		}
	}
}
