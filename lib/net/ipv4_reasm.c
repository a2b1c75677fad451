/*
 * IPv4 reassembly (RFC 791 3.2, RFC 815): a few datagrams at a time, each at most 65535 bytes,
 * abandoned 30 s after their first fragment. Overlapping fragments are an attack or a broken
 * sender, never needed: a fragment that overlaps another (other than an exact duplicate) drops
 * the whole datagram, as RFC 5722 asks of IPv6.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <fata/time.h>

#include "ipv4.h"
#include "prot/icmp.h"
#include "prot/ipv4.h"

FATA_LOG_SOURCE(log_reasm, "ipv4");

static void slot_free(struct ipv4_layer *s, unsigned i)
{
	if (s->reasm[i]) {
		free(s->reasm[i]->buf);
		free(s->reasm[i]);
		s->reasm[i] = NULL;
	}
}

void ipv4_reasm_free(struct ipv4_layer *s, struct reasm *r)
{
	for (unsigned i = 0; i < REASM_SLOTS; i++) {
		if (s->reasm[i] == r) {
			slot_free(s, i);
			return;
		}
	}
}

void ipv4_reasm_flush(struct ipv4_layer *s)
{
	for (unsigned i = 0; i < REASM_SLOTS; i++)
		slot_free(s, i);
}

/* The reassembly of (src, dst, id, proto), or a new one (evicting the oldest when full). */
static struct reasm *lookup(struct ipv4_layer *s, uint32_t src, uint32_t dst, uint16_t id,
			    uint8_t proto, uint64_t now)
{
	unsigned max = s->tun->reasm_max < REASM_SLOTS ? s->tun->reasm_max : REASM_SLOTS;
	unsigned used = 0, free_slot = REASM_SLOTS, oldest = REASM_SLOTS;
	struct reasm *r;

	for (unsigned i = 0; i < REASM_SLOTS; i++) {
		r = s->reasm[i];
		if (!r) {
			if (free_slot == REASM_SLOTS)
				free_slot = i;
			continue;
		}
		if (r->src == src && r->dst == dst && r->id == id && r->proto == proto)
			return r;
		used++;
		if (oldest == REASM_SLOTS || r->expires < s->reasm[oldest]->expires)
			oldest = i;
	}
	if (max == 0)
		return NULL;
	if (used >= max || free_slot == REASM_SLOTS) {
		net_drop(&log_reasm, s->stats.reasm_evicted,
			 "reassembly evicted: %u under way", used);
		slot_free(s, oldest);
		free_slot = oldest;
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->src = src;
	r->dst = dst;
	r->id = id;
	r->proto = proto;
	r->expires = now + s->tun->reasm_timeout_ns;
	s->reasm[free_slot] = r;
	return r;
}

/* Makes room for data up to `end`, growing by doubling (the datagram's size is unknown until
 * its last fragment). */
static int reserve(struct reasm *r, size_t end)
{
	size_t cap = r->cap ? r->cap : 2048;
	uint8_t *nb;

	if (end <= r->cap)
		return 0;
	while (cap < end)
		cap *= 2;
	if (cap > IPV4_MAX_LEN)
		cap = IPV4_MAX_LEN;
	nb = realloc(r->buf, REASM_HEADROOM + cap);
	if (!nb)
		return -ENOMEM;
	memset(nb + REASM_HEADROOM + r->cap, 0, cap - r->cap);
	r->buf = nb;
	r->cap = cap;
	return 0;
}

struct reasm *ipv4_reasm_add(struct ipv4_layer *s, const uint8_t *hdr, size_t hdr_len,
			     const uint8_t *data, size_t len, bool to_group, uint64_t now)
{
	NET_STATS(ipv4) *st = &s->stats;
	uint16_t frag = be16_get(hdr + 6);
	size_t off = (size_t)(frag & IPV4_OFFSET_MASK) * 8, end = off + len;
	bool more = (frag & IPV4_FLAG_MF) != 0;
	struct reasm *r;

	if (more && (len == 0 || len % 8 != 0)) {
		net_drop(&log_reasm, st->reasm_bad_frag, "fragment of %zu bytes with MF", len);
		return NULL;
	}
	r = lookup(s, be32_get(hdr + 12), be32_get(hdr + 16), be16_get(hdr + 4), hdr[9], now);
	if (!r)
		return NULL;
	if (hdr_len + end > IPV4_MAX_LEN) {
		net_drop(&log_reasm, st->reasm_oversize, "fragment ends past 65535 bytes");
		goto abandon;
	}
	if (r->have_last && (end > r->total || (!more && end != r->total))) {
		net_drop(&log_reasm, st->reasm_oversize, "fragment past the datagram's end");
		goto abandon;
	}
	if (!more) {
		for (unsigned i = 0; i < r->npieces; i++) {
			if (r->pieces[i].end > end) {
				net_drop(&log_reasm, st->reasm_oversize,
					 "last fragment ends before others");
				goto abandon;
			}
		}
	}
	for (unsigned i = 0; i < r->npieces; i++) {
		if (r->pieces[i].start == off && r->pieces[i].end == end)
			return NULL;	/* a duplicate: nothing new */
		if (off < r->pieces[i].end && r->pieces[i].start < end) {
			net_drop(&log_reasm, st->reasm_overlap, "overlapping fragments");
			goto abandon;
		}
	}
	if (r->npieces == REASM_MAX_PIECES) {
		net_drop(&log_reasm, st->reasm_too_many_frags, "more than %u fragments",
			 REASM_MAX_PIECES);
		goto abandon;
	}
	if (reserve(r, end) < 0)
		goto abandon;
	r->pieces[r->npieces].start = (uint16_t)off;
	r->pieces[r->npieces].end = (uint16_t)end;
	r->npieces++;
	memcpy(r->buf + REASM_HEADROOM + off, data, len);
	r->received += len;
	r->to_group |= to_group;
	if (!more) {
		r->have_last = true;
		r->total = end;
	}
	if (off == 0) {
		/* Keep the first fragment's header in front of the data, fixed up to describe the
		 * whole datagram, for the protocol (and for ICMP errors that quote it). */
		uint8_t *h = r->buf + REASM_HEADROOM - hdr_len;

		memcpy(h, hdr, hdr_len);
		r->have_first = true;
		r->hdr_len = hdr_len;
	}
	if (r->have_first && r->have_last && r->received == r->total) {
		uint8_t *h = r->buf + REASM_HEADROOM - r->hdr_len;

		be16_put(h + 2, (uint16_t)(r->hdr_len + r->total));
		be16_put(h + 6, 0);
		be16_put(h + 10, 0);
		be16_put(h + 10, net_checksum(h, r->hdr_len));
		return r;
	}
	return NULL;
abandon:
	ipv4_reasm_free(s, r);
	return NULL;
}

uint64_t ipv4_reasm_timers(struct ipv4_layer *s, uint64_t now)
{
	uint64_t next = FATA_NEVER;

	for (unsigned i = 0; i < REASM_SLOTS; i++) {
		struct reasm *r = s->reasm[i];

		if (!r)
			continue;
		if (now < r->expires) {
			if (r->expires < next)
				next = r->expires;
			continue;
		}
		net_drop(&log_reasm, s->stats.reasm_timeout, "reassembly timed out");
		/* RFC 792: time exceeded in reassembly, when the first fragment is there to quote. */
		if (r->have_first) {
			struct ipv4_rx rx = {
				.src = r->src, .dst = r->dst, .proto = r->proto,
				.to_group = r->to_group,
				.hdr = r->buf + REASM_HEADROOM - r->hdr_len, .hdr_len = r->hdr_len,
			};
			size_t have = r->pieces[0].end;

			for (unsigned j = 0; j < r->npieces; j++) {
				if (r->pieces[j].start == 0)
					have = r->pieces[j].end;
			}
			ipv4_send_error(s, ICMP_TIME_EXCEEDED, ICMP_EXC_REASSEMBLY, &rx, have);
		}
		slot_free(s, i);
	}
	return next;
}
