/*
 * Fuzz harness: DHCP messages into the client's parser and state machine. The first byte picks
 * the client's state (selecting, requesting, renewing, rebinding); unless its bit 7 is set, the
 * harness makes the message's xid and chaddr the client's, so that it gets past the first checks.
 */
#include "net_fuzz.h"
#include "../../lib/net/dhcp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum dhcp_state states[] = {
		DHCP_SELECTING, DHCP_REQUESTING, DHCP_RENEWING, DHCP_REBINDING,
	};
	static struct dhcp_client c;
	struct fata_stack *s;
	struct dhcp_msg m;
	uint8_t msg[DHCP_RX_MAX];
	uint64_t now;
	size_t len;
	uint8_t sel;

	if (size < 1)
		return 0;
	sel = data[0];
	len = size - 1 > sizeof(msg) ? sizeof(msg) : size - 1;
	memcpy(msg, data + 1, len);
	dhcp_parse(msg, len, &m);
	s = fuzz_stack();
	if (!s)
		return 0;
	dhcp_client_init(&c, &s->udp, &s->tun, s->rng, &s->dhcp_stats, stack_dhcp_configure, s);
	c.state = states[sel & 3];
	c.xid = 0x12345678;
	c.offer_addr = 0x0a000032u;
	c.offer_server = FUZZ_PEER;
	c.lease.addr = FUZZ_IP;
	c.lease.server = FUZZ_PEER;
	now = fata_monotonic_ns();
	c.t1_at = now + FATA_SEC(10);
	c.t2_at = now + FATA_SEC(20);
	c.end_at = now + FATA_SEC(30);
	if (!(sel & 0x80) && len >= 44) {
		be32_put(msg + 4, c.xid);
		memcpy(msg + 28, fuzz_mac, 6);
	}
	dhcp_on_message(&c, msg, len, now);
	/* What the message started, as its timer comes due; not renewing, whose unicast would
	 * wait for ARP (this runs without the input fiber that could answer). */
	if (c.state == DHCP_INIT || c.state == DHCP_SELECTING || c.state == DHCP_REQUESTING ||
	    c.state == DHCP_REBINDING)
		dhcp_timer(&c, now + FATA_SEC(5));
	stack_free(s);
	return 0;
}
