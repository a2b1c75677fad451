/*
 * IPv4 (RFC 791, with the host requirements of RFC 1122): checks every received header, hands
 * datagrams to the registered protocols (after reassembly, ipv4_reasm.c), routes what is sent
 * (on-link or via the gateway) and fragments it to the MTU.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <fata/runtime.h>
#include <fata/time.h>

#include "ipv4.h"
#include "prot/ethernet.h"
#include "prot/icmp.h"
#include "prot/ipv4.h"

FATA_LOG_SOURCE(log_ipv4, "ipv4");

void ipv4_init(struct ipv4_layer *s, struct arp_layer *arp, struct eth_layer *eth,
	       const struct net_tunables *tun, uint16_t ip_id)
{
	s->arp = arp;
	s->eth = eth;
	s->tun = tun;
	s->ip_id = ip_id;
	eth_register(eth, ETH_TYPE_IPV4, ipv4_input, s);
	arp_set_pending_output(arp, ipv4_output_resolved, s);
}

void ipv4_set_error_output(struct ipv4_layer *s, ipv4_error_fn fn, void *ctx)
{
	s->error_output = fn;
	s->error_ctx = ctx;
}

int ipv4_register(struct ipv4_layer *s, uint8_t proto, ipv4_input_fn fn, void *ctx)
{
	for (unsigned i = 0; i < s->nprotos; i++) {
		if (s->protos[i].proto == proto)
			return -EEXIST;
	}
	if (s->nprotos == IPV4_MAX_PROTOS)
		return -ENOSPC;
	s->protos[s->nprotos].proto = proto;
	s->protos[s->nprotos].fn = fn;
	s->protos[s->nprotos].ctx = ctx;
	s->nprotos++;
	return 0;
}

/* The subnet's directed broadcast address, or 0 when the prefix has none (/31, /32). */
static uint32_t directed_broadcast(const struct ipv4_layer *s)
{
	if (!s->addr || s->prefix_len >= 31)
		return 0;
	return s->addr | ~s->mask;
}

/* Sources that may never appear on a datagram (RFC 1122 3.2.1.3): broadcast, multicast,
 * class E, our subnet's broadcast. 0.0.0.0 is allowed: a host without an address yet. */
static bool bad_source(const struct ipv4_layer *s, uint32_t src)
{
	uint32_t db = directed_broadcast(s);

	return ipv4_is_group(src) || (src >> 28) == 0xf || (db && src == db);
}

void ipv4_deliver(struct ipv4_layer *s, const struct ipv4_rx *rx, const uint8_t *data, size_t len)
{
	for (unsigned i = 0; i < s->nprotos; i++) {
		if (s->protos[i].proto == rx->proto) {
			s->stats.delivered++;
			s->protos[i].fn(s->protos[i].ctx, rx, data, len);
			return;
		}
	}
	net_drop(&log_ipv4, s->stats.drop_proto, "protocol %u", (unsigned)rx->proto);
	ipv4_send_error(s, ICMP_DEST_UNREACH, ICMP_UNREACH_PROTOCOL, rx, len);
}

void ipv4_input(void *ctx, uint8_t *p, size_t len, bool l2_group)
{
	struct ipv4_layer *s = ctx;
	NET_STATS(ipv4) *st = &s->stats;
	const struct ipv4_hdr *h = (const struct ipv4_hdr *)p;
	struct ipv4_rx rx;
	size_t hlen, total;
	uint16_t frag;
	uint32_t db;

	st->rx++;
	if (len < IPV4_HDR_MIN) {
		net_drop(&log_ipv4, st->drop_short, "packet of %zu bytes", len);
		return;
	}
	if (h->ver_ihl >> 4 != IPV4_VERSION) {
		net_drop(&log_ipv4, st->drop_version, "version %u", (unsigned)(h->ver_ihl >> 4));
		return;
	}
	hlen = (size_t)(h->ver_ihl & 0xf) * 4;
	if (hlen < IPV4_HDR_MIN) {
		net_drop(&log_ipv4, st->drop_hdr_len, "header length %zu", hlen);
		return;
	}
	if (hlen > len) {
		net_drop(&log_ipv4, st->drop_short, "header of %zu bytes in %zu", hlen, len);
		return;
	}
	total = be16_get(h->total_len);
	if (total < hlen || total > len) {
		net_drop(&log_ipv4, st->drop_len, "total length %zu, header %zu, received %zu",
			 total, hlen, len);
		return;
	}
	if (net_checksum(p, hlen) != 0) {
		net_drop(&log_ipv4, st->drop_checksum, "bad header checksum");
		return;
	}
	/* Ethernet may pad short frames: the header says where the datagram ends. */
	len = total;
	rx.src = be32_get(h->src);
	rx.dst = be32_get(h->dst);
	rx.proto = h->proto;
	rx.ttl = h->ttl;
	rx.tos = h->tos;
	rx.hdr = p;
	rx.hdr_len = hlen;
	if (bad_source(s, rx.src)) {
		net_drop(&log_ipv4, st->drop_bad_src, "source address %08x", (unsigned)rx.src);
		return;
	}
	db = directed_broadcast(s);
	rx.to_group = l2_group || rx.dst == IPV4_BROADCAST || (db && rx.dst == db) ||
		      ipv4_is_multicast(rx.dst);
	/* Without an address (DHCP not bound yet) every unicast datagram may be ours: a DHCP
	 * server may send its offer to the address it offers. We join no multicast group. */
	if (ipv4_is_multicast(rx.dst) ||
	    !(rx.dst == IPV4_BROADCAST || !s->addr || rx.dst == s->addr || (db && rx.dst == db))) {
		net_drop(&log_ipv4, st->drop_not_for_us, "datagram for another destination");
		return;
	}
	/* No TTL check: a host delivers whatever TTL it arrives with (RFC 1122 3.2.1.7). */
	frag = be16_get(h->frag);
	if (frag & (IPV4_FLAG_MF | IPV4_OFFSET_MASK)) {
		struct reasm *r;

		st->frags_rx++;
		r = ipv4_reasm_add(s, p, hlen, p + hlen, len - hlen, rx.to_group,
				   fata_monotonic_ns());
		if (!r)
			return;
		rx.hdr = r->buf + REASM_HEADROOM - r->hdr_len;
		rx.hdr_len = r->hdr_len;
		st->reasm_ok++;
		ipv4_deliver(s, &rx, r->buf + REASM_HEADROOM, r->total);
		ipv4_reasm_free(s, r);
		return;
	}
	ipv4_deliver(s, &rx, p + hlen, len - hlen);
}

/* --- sending ---------------------------------------------------------------------------------- */

/* Fills the 20-byte header template: everything but total length, fragment field and checksum. */
static void fill_header(struct ipv4_layer *s, uint8_t *hdr, const struct ipv4_tx *tx, uint32_t src)
{
	struct ipv4_hdr *h = (struct ipv4_hdr *)hdr;

	h->ver_ihl = IPV4_VERSION << 4 | IPV4_HDR_MIN / 4;
	h->tos = tx->tos;
	be16_put(h->total_len, 0);
	be16_put(h->id, s->ip_id++);
	be16_put(h->frag, tx->df ? IPV4_FLAG_DF : 0);
	h->ttl = tx->ttl ? tx->ttl : IPV4_DEFAULT_TTL;
	h->proto = tx->proto;
	be16_put(h->csum, 0);
	be32_put(h->src, src);
	be32_put(h->dst, tx->dst);
}

/*
 * Sends the datagram `tmpl` (a 20-byte header template) + payload to `mac`, in fragments when it
 * exceeds the MTU. Nothing here blocks, so the one tx_buf is safe.
 */
static int emit(struct ipv4_layer *s, const uint8_t mac[6], const uint8_t *tmpl,
		const struct net_iov *iov, size_t n, size_t plen, const struct ipv4_tx *tx)
{
	size_t maxdata = (size_t)s->eth->mtu - IPV4_HDR_MIN, chunk, off = 0;
	bool df = (be16_get(tmpl + 6) & IPV4_FLAG_DF) != 0;
	int r = 0;

	/* Offloads: one frame, whatever its length; the host finishes it (and cuts it up). */
	if (tx && tx->csum_at && s->eth->vnet && (plen <= maxdata || tx->gso_size)) {
		uint8_t *ip = s->eth->tx_buf + ETH_HDR_LEN;

		if (s->eth->tx_busy)
			fata_panic("ipv4: a frame is being built already (a sender yielded)");
		memcpy(ip, tmpl, IPV4_HDR_MIN);
		be16_put(ip + 2, (uint16_t)(IPV4_HDR_MIN + plen));
		be16_put(ip + 10, 0);
		be16_put(ip + 10, net_checksum(ip, IPV4_HDR_MIN));
		net_iov_copy(ip + IPV4_HDR_MIN, iov, n, 0, plen);
		r = eth_output_tcp_offload(s->eth, mac, IPV4_HDR_MIN + plen, IPV4_HDR_MIN + tx->csum_at,
					   tx->l4_hdr_len, plen > maxdata ? tx->gso_size : 0);
		if (r < 0)
			return r == -EMSGSIZE ? -EMSGSIZE : -EIO;
		/* The host numbers the segments on from this datagram's id. */
		if (plen > maxdata)
			s->ip_id = (uint16_t)(s->ip_id + (plen + tx->gso_size - 1) / tx->gso_size - 1);
		s->stats.tx++;
		return 0;
	}

	if (plen > maxdata && df) {
		s->stats.tx_too_big++;
		return -EMSGSIZE;
	}
	chunk = plen > maxdata ? maxdata & ~(size_t)7 : plen;
	if (s->eth->tx_busy)
		fata_panic("ipv4: a frame is being built already (a sender yielded while sending)");
	s->eth->tx_busy = true;
	do {
		uint8_t *ip = s->eth->tx_buf + ETH_HDR_LEN;
		size_t this = plen - off < chunk ? plen - off : chunk;
		uint16_t frag = df ? IPV4_FLAG_DF : 0;

		if (plen > maxdata) {
			frag |= (uint16_t)(off / 8);
			if (off + this < plen)
				frag |= IPV4_FLAG_MF;
		}
		memcpy(ip, tmpl, IPV4_HDR_MIN);
		be16_put(ip + 2, (uint16_t)(IPV4_HDR_MIN + this));
		be16_put(ip + 6, frag);
		be16_put(ip + 10, 0);
		be16_put(ip + 10, net_checksum(ip, IPV4_HDR_MIN));
		net_iov_copy(ip + IPV4_HDR_MIN, iov, n, off, this);
		r = eth_output(s->eth, mac, ETH_TYPE_IPV4, IPV4_HDR_MIN + this);
		if (r < 0)
			break;
		if (plen > maxdata)
			s->stats.frags_tx++;
		off += this;
	} while (off < plen);
	s->eth->tx_busy = false;
	if (r < 0)
		return r == -EMSGSIZE ? -EMSGSIZE : -EIO;
	s->stats.tx++;
	return 0;
}

/* Multicast MAC of a group (RFC 1112 6.4). */
static void multicast_mac(uint32_t group, uint8_t mac[6])
{
	mac[0] = 0x01;
	mac[1] = 0x00;
	mac[2] = 0x5e;
	mac[3] = (uint8_t)(group >> 16 & 0x7f);
	mac[4] = (uint8_t)(group >> 8);
	mac[5] = (uint8_t)group;
}

/* Where a datagram to `dst` goes: `*next_hop` to resolve, or `*group` with `mac` filled in. */
static int route(const struct ipv4_layer *s, uint32_t dst, uint32_t *next_hop, bool *group,
		 uint8_t mac[6])
{
	uint32_t db = directed_broadcast(s);

	*group = false;
	if (dst == IPV4_BROADCAST || (db && dst == db)) {
		memcpy(mac, eth_broadcast, 6);
		*group = true;
		return 0;
	}
	if (ipv4_is_multicast(dst)) {
		multicast_mac(dst, mac);
		*group = true;
		return 0;
	}
	if (!s->addr)
		return -ENETUNREACH;	/* no address yet */
	if (dst == s->addr || dst == 0)
		return -EHOSTUNREACH;	/* no loopback */
	if ((dst & s->mask) == (s->addr & s->mask)) {
		*next_hop = dst;
		return 0;
	}
	if (!s->gateway)
		return -ENETUNREACH;
	*next_hop = s->gateway;
	return 0;
}

bool ipv4_reachable(struct ipv4_layer *s, uint32_t dst)
{
	uint32_t next_hop = 0;
	uint8_t mac[6];
	bool group;

	if (route(s, dst, &next_hop, &group, mac) < 0)
		return false;
	return group || arp_known(s->arp, next_hop);
}

int ipv4_output(struct ipv4_layer *s, const struct ipv4_tx *tx, const struct net_iov *iov,
		size_t n, uint64_t deadline)
{
	size_t plen = net_iov_len(iov, n);
	uint32_t src = tx->src ? tx->src : s->addr, next_hop = 0;
	uint8_t tmpl[IPV4_HDR_MIN], mac[6];
	bool group;
	int r;

	if (plen > IPV4_MAX_LEN - IPV4_HDR_MIN) {
		s->stats.tx_too_big++;
		return -EMSGSIZE;
	}
	r = route(s, tx->dst, &next_hop, &group, mac);
	if (r < 0) {
		s->stats.tx_no_route++;
		return r;
	}
	if (!src && tx->dst != IPV4_BROADCAST) {
		s->stats.tx_no_route++;
		return -ENETUNREACH;
	}
	if (!group) {
		r = arp_resolve(s->arp, next_hop, mac, deadline);
		if (r == -EAGAIN) {
			/* Keep the whole datagram in the ARP entry until the neighbour answers. */
			uint8_t *d;

			/* Offloads wait for no one: a segment for the host to cut is dropped (TCP
			 * sends it again, MTU-sized), a partial checksum is finished. */
			if (tx->csum_at && tx->gso_size && plen > (size_t)s->eth->mtu - IPV4_HDR_MIN) {
				s->stats.tx_unresolved++;
				return 0;
			}
			d = malloc(IPV4_HDR_MIN + plen);
			if (!d)
				return -ENOMEM;
			fill_header(s, d, tx, src);
			net_iov_copy(d + IPV4_HDR_MIN, iov, n, 0, plen);
			if (tx->csum_at && (size_t)tx->csum_at + 2 <= plen) {
				struct net_csum sum;

				net_csum_init(&sum);
				net_csum_add(&sum, d + IPV4_HDR_MIN, plen);
				be16_put(d + IPV4_HDR_MIN + tx->csum_at, net_csum_result(&sum));
			}
			arp_queue(s->arp, next_hop, d, IPV4_HDR_MIN + plen);
			return 0;
		}
		if (r < 0) {
			s->stats.tx_unresolved++;
			return r;
		}
	}
	fill_header(s, tmpl, tx, src);
	return emit(s, mac, tmpl, iov, n, plen, tx);
}

int ipv4_output_resolved(void *ctx, const uint8_t mac[6], const uint8_t *datagram, size_t len)
{
	struct ipv4_layer *s = ctx;
	struct net_iov iov = { datagram + IPV4_HDR_MIN, len - IPV4_HDR_MIN };

	if (len < IPV4_HDR_MIN)
		return -EINVAL;
	return emit(s, mac, datagram, &iov, 1, len - IPV4_HDR_MIN, NULL);
}
