/* Fuzz harness: ICMP messages in a valid IPv4 datagram to the stack. When the first byte is odd
 * the harness fixes the ICMP checksum, so that the message reaches the type handling. */
#include "net_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fata_stack *s;
	uint8_t frame[FUZZ_FRAME_MAX];
	bool fix;
	size_t len;

	if (size < 1)
		return 0;
	fix = data[0] & 1;
	data++;
	size--;
	len = size > FUZZ_FRAME_MAX - 34 ? FUZZ_FRAME_MAX - 34 : size;
	s = fuzz_stack();
	if (!s)
		return 0;
	memcpy(frame, fuzz_mac, 6);
	memcpy(frame + 6, fuzz_peer_mac, 6);
	be16_put(frame + 12, 0x0800);
	fuzz_ip_header(frame + 14, 1, len);
	memcpy(frame + 34, data, len);
	if (fix && len >= 4) {
		be16_put(frame + 36, 0);
		be16_put(frame + 36, net_checksum(frame + 34, len));
	}
	stack_input(s, frame, 34 + len);
	stack_free(s);
	return 0;
}
