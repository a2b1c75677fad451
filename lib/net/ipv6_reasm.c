/*
 * IPv6 reassembly (RFC 8200 4.5) with IPv4's limits and defences: a few packets at a time (the
 * oldest evicted), 65535 bytes of payload at most, 128 pieces, abandoned 60 s after the first
 * fragment (time exceeded when the first fragment is in), any overlap drops the whole packet
 * (RFC 5722), and a first fragment must hold the whole header chain (RFC 7112).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <fata/time.h>

#include "ipv6.h"
#include "prot/ipv6.h"

FATA_LOG_SOURCE(log_reasm6, "ipv6");

#define FIRST_QUOTE_MAX (IPV6_MIN_MTU - IPV6_HDR_LEN - ICMPV6_HDR_LEN)

static void slot_free(struct ipv6_layer *s, unsigned i)
{
	struct ipv6_reasm *r = s->reasm[i];

	if (!r)
		return;
	free(r->unfrag);
	free(r->buf);
	free(r);
	s->reasm[i] = NULL;
}

void ipv6_reasm_flush(struct ipv6_layer *s)
{
	for (unsigned i = 0; i < IPV6_REASM_SLOTS; i++)
		slot_free(s, i);
}

static int lookup(struct ipv6_layer *s, const uint8_t *src, const uint8_t *dst, uint32_t id,
		  uint64_t now)
{
	unsigned max = s->tun->reasm_max < IPV6_REASM_SLOTS ? s->tun->reasm_max : IPV6_REASM_SLOTS;
	unsigned used = 0, free_slot = IPV6_REASM_SLOTS, oldest = IPV6_REASM_SLOTS;
	struct ipv6_reasm *r;

	for (unsigned i = 0; i < IPV6_REASM_SLOTS; i++) {
		r = s->reasm[i];
		if (!r) {
			if (free_slot == IPV6_REASM_SLOTS)
				free_slot = i;
			continue;
		}
		if (r->id == id && ipv6_eq(r->src, src) && ipv6_eq(r->dst, dst))
			return (int)i;
		used++;
		if (oldest == IPV6_REASM_SLOTS || r->expires < s->reasm[oldest]->expires)
			oldest = i;
	}
	if (max == 0)
		return -1;
	if (used >= max || free_slot == IPV6_REASM_SLOTS) {
		net_drop(&log_reasm6, s->stats.reasm_evicted, "reassembly evicted: %u under way",
			 used);
		slot_free(s, oldest);
		free_slot = oldest;
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		return -1;
	memcpy(r->src, src, 16);
	memcpy(r->dst, dst, 16);
	r->id = id;
	r->expires = now + s->tun->ipv6_reasm_timeout_ns;
	s->reasm[free_slot] = r;
	return (int)free_slot;
}

static int reserve(struct ipv6_reasm *r, size_t end)
{
	size_t cap = r->cap ? r->cap : 2048;
	uint8_t *nb;

	if (end <= r->cap)
		return 0;
	while (cap < end)
		cap *= 2;
	if (cap > IPV6_MAX_PAYLOAD)
		cap = IPV6_MAX_PAYLOAD;
	nb = realloc(r->buf, cap);
	if (!nb)
		return -ENOMEM;
	memset(nb + r->cap, 0, cap - r->cap);
	r->buf = nb;
	r->cap = cap;
	return 0;
}

/* Whether the headers after the fragment header, starting with `next` in data[0..len), are all
 * there (RFC 7112: the first fragment carries the whole chain). */
static bool chain_complete(uint8_t next, const uint8_t *data, size_t len)
{
	size_t off = 0;

	for (unsigned n = 0; n <= IPV6_MAX_EXT_HEADERS; n++) {
		size_t hl;

		if (next != IPV6_NH_HOPOPTS && next != IPV6_NH_ROUTING && next != IPV6_NH_DSTOPTS)
			return true;
		if (off + 2 > len)
			return false;
		hl = ((size_t)data[off + 1] + 1) * 8;
		if (off + hl > len)
			return false;
		next = data[off];
		off += hl;
	}
	return false;
}

/* An error about the fragment `p` itself. */
static void frag_error(struct ipv6_layer *s, uint8_t code, uint32_t ptr, const uint8_t *p,
		       size_t len, bool to_group)
{
	struct ipv6_rx rx = {
		.src = p + 8, .dst = p + 24, .proto = p[6], .to_group = to_group,
		.pkt = p, .hdr_len = 0,
	};

	ipv6_send_error(s, ICMPV6_PARAM_PROBLEM, code, ptr, &rx, len);
}

size_t ipv6_reasm_add(struct ipv6_layer *s, const uint8_t *pkt, size_t len, size_t frag_off,
		      size_t nh_off, bool to_group, uint8_t **out, size_t *unfrag_out,
		      size_t *nh_out, uint64_t now)
{
	NET_STATS(ipv6) *st = &s->stats;
	const uint8_t *fh = pkt + frag_off, *data = fh + IPV6_FRAG_HDR_LEN;
	size_t dlen = len - frag_off - IPV6_FRAG_HDR_LEN;
	uint16_t fo = be16_get(fh + 2);
	size_t off = fo & IPV6_FRAG_OFFSET_MASK, end = off + dlen;
	bool more = (fo & IPV6_FRAG_MF) != 0;
	struct ipv6_reasm *r;
	int slot;

	if (more && (dlen == 0 || dlen % 8 != 0)) {
		/* RFC 8200 4.5: parameter problem pointing at the payload length. */
		net_drop(&log_reasm6, st->reasm_bad_frag, "fragment of %zu bytes with M", dlen);
		frag_error(s, ICMPV6_PARAM_HEADER, 4, pkt, len, to_group);
		return 0;
	}
	if (end > IPV6_MAX_PAYLOAD - (frag_off - IPV6_HDR_LEN)) {
		net_drop(&log_reasm6, st->reasm_oversize, "fragment ends past 65535 bytes");
		frag_error(s, ICMPV6_PARAM_HEADER, (uint32_t)(frag_off + 2), pkt, len, to_group);
		return 0;
	}
	if (off == 0 && !chain_complete(fh[0], data, dlen)) {
		net_drop(&log_reasm6, st->reasm_bad_frag, "first fragment without the header chain");
		return 0;
	}
	slot = lookup(s, pkt + 8, pkt + 24, be32_get(fh + 4), now);
	if (slot < 0)
		return 0;
	r = s->reasm[slot];
	if (r->have_last && (end > r->total || (!more && end != r->total))) {
		net_drop(&log_reasm6, st->reasm_oversize, "fragment past the packet's end");
		goto abandon;
	}
	if (!more) {
		for (unsigned i = 0; i < r->npieces; i++) {
			if (r->pieces[i].end > end) {
				net_drop(&log_reasm6, st->reasm_oversize,
					 "last fragment ends before others");
				goto abandon;
			}
		}
	}
	for (unsigned i = 0; i < r->npieces; i++) {
		if (r->pieces[i].start == off && r->pieces[i].end == end)
			return 0;	/* an exact duplicate */
		if (off < r->pieces[i].end && r->pieces[i].start < end) {
			net_drop(&log_reasm6, st->reasm_overlap, "overlapping fragments");
			goto abandon;
		}
	}
	if (r->npieces == IPV6_REASM_MAX_PIECES) {
		net_drop(&log_reasm6, st->reasm_bad_frag, "more than %u fragments",
			 IPV6_REASM_MAX_PIECES);
		goto abandon;
	}
	if (reserve(r, end) < 0)
		goto abandon;
	r->pieces[r->npieces].start = (uint16_t)off;
	r->pieces[r->npieces].end = (uint16_t)end;
	r->npieces++;
	memcpy(r->buf + off, data, dlen);
	r->received += dlen;
	r->to_group |= to_group;
	if (!more) {
		r->have_last = true;
		r->total = end;
	}
	if (off == 0) {
		/* Keep the first fragment (cut to what an error may quote) for its headers. */
		size_t keep = len < FIRST_QUOTE_MAX ? len : FIRST_QUOTE_MAX;

		if (keep < frag_off)
			goto abandon;
		r->unfrag = malloc(keep);
		if (!r->unfrag)
			goto abandon;
		memcpy(r->unfrag, pkt, keep);
		r->unfrag_len = frag_off;
		r->nh_off = nh_off;
		r->next = fh[0];
		r->have_first = true;
		r->first_len = keep;
	}
	if (r->have_first && r->have_last && r->received == r->total) {
		size_t wlen = r->unfrag_len + r->total;
		uint8_t *w = malloc(wlen);

		if (!w)
			goto abandon;
		memcpy(w, r->unfrag, r->unfrag_len);
		memcpy(w + r->unfrag_len, r->buf, r->total);
		w[r->nh_off] = r->next;
		be16_put(w + 4, (uint16_t)(wlen - IPV6_HDR_LEN));
		*out = w;
		*unfrag_out = r->unfrag_len;
		*nh_out = r->nh_off;
		slot_free(s, (unsigned)slot);
		return wlen;
	}
	return 0;
abandon:
	slot_free(s, (unsigned)slot);
	return 0;
}

uint64_t ipv6_reasm_timers(struct ipv6_layer *s, uint64_t now)
{
	uint64_t next = FATA_NEVER;

	for (unsigned i = 0; i < IPV6_REASM_SLOTS; i++) {
		struct ipv6_reasm *r = s->reasm[i];

		if (!r)
			continue;
		if (now < r->expires) {
			if (r->expires < next)
				next = r->expires;
			continue;
		}
		net_drop(&log_reasm6, s->stats.reasm_timeout, "reassembly timed out");
		/* RFC 8200 4.5: time exceeded, quoting the first fragment, when it came. */
		if (r->have_first) {
			struct ipv6_rx rx = {
				.src = r->unfrag + 8, .dst = r->unfrag + 24,
				.proto = IPV6_NH_FRAGMENT, .to_group = r->to_group,
				.pkt = r->unfrag, .hdr_len = 0,
			};

			ipv6_send_error(s, ICMPV6_TIME_EXCEEDED, ICMPV6_EXC_REASSEMBLY, 0, &rx,
					r->first_len);
		}
		slot_free(s, i);
	}
	return next;
}
