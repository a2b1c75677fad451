/*
 * Fuzz harness: IPv6 packets to a dual-stack stack (extension headers, fragments, ICMPv6, ND,
 * MLD, router advertisements). The first byte steers the harness: bit 0 sets the version and
 * payload length right, bit 1 sends to our address fd98:1800::2 (bit 2: to all-nodes instead),
 * bit 3 makes the source the peer's, bit 4 fixes the ICMPv6 checksum when the next header is 58,
 * bit 5 sets the hop limit to 255 (so ND messages pass their first check). The rest is the packet.
 * Two packets in one input (split at the second byte's value) exercise reassembly.
 */
#include "net_fuzz.h"

static const uint8_t our6[16] = { 0xfd, 0x98, 0x18, 0x00, [15] = 2 };
static const uint8_t peer6[16] = { 0xfd, 0x98, 0x18, 0x00, [15] = 1 };
static const uint8_t all_nodes6[16] = { 0xff, 0x02, [15] = 1 };

static void feed(struct fata_stack *s, uint8_t flags, const uint8_t *data, size_t size)
{
	uint8_t frame[FUZZ_FRAME_MAX];
	size_t len = fuzz_frame(frame, 0x86dd, data, size), plen;
	uint8_t *p = frame + 14;

	if (len < 14 + 40) {
		stack_input(s, frame, len);
		return;
	}
	plen = len - 14 - 40;
	if (flags & 1) {
		p[0] = (uint8_t)(0x60 | (p[0] & 0x0f));
		be16_put(p + 4, (uint16_t)plen);
	}
	if (flags & 2)
		memcpy(p + 24, our6, 16);
	else if (flags & 4)
		memcpy(p + 24, all_nodes6, 16);
	if (flags & 4)
		memcpy(frame, (const uint8_t[6]){ 0x33, 0x33, 0, 0, 0, 1 }, 6);
	if (flags & 8)
		memcpy(p + 8, peer6, 16);
	if (flags & 32)
		p[7] = 255;
	if ((flags & 16) && p[6] == 58 && plen >= 4) {
		struct net_csum c;

		be16_put(p + 42, 0);
		net_csum_init(&c);
		net_csum_pseudo6(&c, p + 8, p + 24, (uint32_t)plen, 58);
		net_csum_add(&c, p + 40, plen);
		be16_put(p + 42, net_csum_result(&c));
	}
	stack_input(s, frame, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fata_stack *s;
	uint8_t flags;
	size_t split;

	if (size < 2)
		return 0;
	flags = data[0];
	split = data[1];
	data += 2;
	size -= 2;
	net_tunables_default.dad_transmits = 0;
	s = fuzz_stack();
	if (!s)
		return 0;
	ipv6_enable(&s->ip6, true);
	ipv6_add_addr(&s->ip6, our6, 64, false, FATA_NEVER, FATA_NEVER);
	stack_timers(s, fata_monotonic_ns());	/* DAD off: the addresses are preferred now */
	if (split && split < size) {
		feed(s, flags, data, split);
		feed(s, flags, data + split, size - split);
	} else {
		feed(s, flags, data, size);
	}
	stack_timers(s, fata_monotonic_ns() + FATA_SEC(3600));
	stack_free(s);
	return 0;
}
