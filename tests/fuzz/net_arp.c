/* Fuzz harness: ARP packets (after an Ethernet header for us) into the stack. The input may hold
 * several packets, each preceded by its length byte, to reach the cache's update paths. */
#include "net_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fata_stack *s = fuzz_stack();
	uint8_t frame[FUZZ_FRAME_MAX];
	uint8_t mac[6];

	if (!s)
		return 0;
	while (size > 0) {
		size_t len = data[0] < size - 1 ? data[0] : size - 1;

		stack_input(s, frame, fuzz_frame(frame, 0x0806, data + 1, len));
		data += 1 + len;
		size -= 1 + len;
	}
	/* Resolve without blocking what may now be cached or pending. */
	arp_resolve(&s->arp, FUZZ_PEER, mac, NET_NONBLOCK);
	arp_resolve(&s->arp, 0x0a000003u, mac, NET_NONBLOCK);
	stack_timers(s, UINT64_MAX / 2);
	stack_free(s);
	return 0;
}
