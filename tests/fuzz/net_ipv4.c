/*
 * Fuzz harness: IPv4 packets into the stack, several per input to reach reassembly. Each record
 * is a flags byte, a length byte pair, then the packet. Flag 1 fixes the header checksum and
 * flag 2 the total length, so that the fuzzer gets past the header checks to fragments and the
 * protocols. Reassembly timers then run as if 31 s had passed.
 */
#include "net_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fata_stack *s = fuzz_stack();
	struct fata_udp *u;
	uint8_t frame[FUZZ_FRAME_MAX];

	if (!s)
		return 0;
	u = fata_udp_bind(s, 7);
	while (size >= 3) {
		uint8_t flags = data[0];
		size_t len = (size_t)data[1] << 8 | data[2], flen;
		uint8_t *ip = frame + 14;

		data += 3;
		size -= 3;
		if (len > size)
			len = size;
		flen = fuzz_frame(frame, 0x0800, data, len);
		data += len;
		size -= len;
		if (flen >= 34 && (ip[0] >> 4) == 4) {
			size_t hlen = (size_t)(ip[0] & 0xf) * 4;

			if ((flags & 2))
				be16_put(ip + 2, (uint16_t)(flen - 14));
			if ((flags & 1) && hlen >= 20 && hlen <= flen - 14) {
				be16_put(ip + 10, 0);
				be16_put(ip + 10, net_checksum(ip, hlen));
			}
		}
		stack_input(s, frame, flen);
	}
	if (u) {
		uint8_t buf[64];

		while (fata_udp_recv(u, buf, sizeof(buf), NULL, NULL, 0) >= 0)
			;
	}
	stack_timers(s, fata_monotonic_ns() + FATA_SEC(31));
	fata_udp_close(u);
	stack_free(s);
	return 0;
}
