/* Fuzz harness: UDP datagrams in a valid IPv4 datagram to the stack, which has port 7 bound.
 * When the first byte is odd the harness fixes the UDP checksum. */
#include "net_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fata_stack *s;
	struct fata_udp *u;
	uint8_t frame[FUZZ_FRAME_MAX], buf[2048];
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
	u = fata_udp_bind(s, 7);
	memcpy(frame, fuzz_mac, 6);
	memcpy(frame + 6, fuzz_peer_mac, 6);
	be16_put(frame + 12, 0x0800);
	fuzz_ip_header(frame + 14, 17, len);
	memcpy(frame + 34, data, len);
	if (fix && len >= 8) {
		struct net_csum c;
		uint16_t sum;

		be16_put(frame + 40, 0);
		net_csum_init(&c);
		net_csum_pseudo(&c, FUZZ_PEER, FUZZ_IP, 17, (uint16_t)len);
		net_csum_add(&c, frame + 34, len);
		sum = net_csum_result(&c);
		be16_put(frame + 40, sum ? sum : 0xffff);
	}
	stack_input(s, frame, 34 + len);
	if (u) {
		uint32_t ip;
		uint16_t port;

		while (fata_udp_recv(u, buf, sizeof(buf), &ip, &port, 0) >= 0)
			;
		fata_udp_close(u);
	}
	stack_free(s);
	return 0;
}
