/* Unit tests of the wire helpers (lib/net/checksum.c, wire.h): byte order, the Internet checksum
 * over pieces of any length, the pseudo-header, scatter lists. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/net/tcp.h"
#include "../../lib/net/wire.h"
#include "net_fake.h"
#include "tap.h"

static struct fata_key no_keys[1];
const struct fata_unikernel fata_unikernel = { .name = "test", .keys = no_keys };

/* tcp_parse's length checks at their limits, one below and one above. */
static void test_tcp_parse_edges(void)
{
	uint8_t seg[64] = { 0 };
	struct tcp_seg sg;

	seg[12] = 5 << 4;
	is_int(tcp_parse(seg, 20, &sg), 0, "TCP: a 20-byte header alone");
	is_int(tcp_parse(seg, 19, &sg), -EBADMSG, "TCP: 19 bytes are short");
	is_int(tcp_parse(seg, 21, &sg), 0, "TCP: 21 bytes: one byte of data");
	ok(sg.len == 1 && sg.data == seg + 20, "TCP: the byte after the header is data");
	seg[12] = 4 << 4;
	is_int(tcp_parse(seg, 40, &sg), -EBADMSG, "TCP: data offset 4 words");
	seg[12] = 6 << 4;
	is_int(tcp_parse(seg, 24, &sg), 0, "TCP: data offset 6 words in 24 bytes");
	ok(sg.len == 0, "TCP: no data");
	is_int(tcp_parse(seg, 23, &sg), -EBADMSG, "TCP: data offset 6 words in 23 bytes");
	is_int(tcp_parse(seg, 25, &sg), 0, "TCP: data offset 6 words in 25 bytes");
	/* An MSS option ending exactly at the data offset is read; one byte past it is not. */
	seg[20] = TCP_OPT_MSS, seg[21] = TCP_OPT_MSS_LEN, seg[22] = 0x05, seg[23] = 0xb4;
	ok(tcp_parse(seg, 24, &sg) == 0 && sg.has_mss && sg.mss == 1460,
	   "TCP: an MSS option ending at the data offset");
	seg[12] = 7 << 4;
	seg[20] = TCP_OPT_NOP, seg[21] = TCP_OPT_NOP, seg[22] = TCP_OPT_NOP;
	seg[23] = TCP_OPT_MSS, seg[24] = TCP_OPT_MSS_LEN, seg[25] = 0x05, seg[26] = 0xb4;
	ok(tcp_parse(seg, 28, &sg) == 0 && sg.has_mss && sg.mss == 1460,
	   "TCP: an MSS option ending one byte before the data offset");
	seg[12] = 6 << 4;
	seg[20] = TCP_OPT_NOP, seg[21] = TCP_OPT_MSS, seg[22] = TCP_OPT_MSS_LEN, seg[23] = 0x05;
	ok(tcp_parse(seg, 28, &sg) == 0 && !sg.has_mss,
	   "TCP: an MSS option running one byte past the data offset is ignored");
}

int main(void)
{
	/* RFC 1071 section 3's example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2, checksum 220d. */
	static const uint8_t rfc[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
	uint8_t b[4], big[3001], out[16];
	struct net_csum c;
	int bad = 0;

	be16_put(b, 0x1234);
	ok(b[0] == 0x12 && b[1] == 0x34 && be16_get(b) == 0x1234, "be16 store and load");
	be32_put(b, 0xc0a80001u);
	ok(b[0] == 192 && b[3] == 1 && be32_get(b) == 0xc0a80001u, "be32 store and load");
	is_int(net_checksum(rfc, sizeof(rfc)), 0x220d, "RFC 1071 example");
	is_int(net_checksum(rfc, 0), 0xffff, "empty buffer");
	is_int(net_checksum(rfc, 3), t_csum(rfc, 3, 0), "odd length pads with a zero byte");

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 131 + 7);
	/* Any split into pieces, odd or even, gives the one-buffer checksum. */
	for (size_t a = 0; a < 9; a++) {
		for (size_t l = 0; l < 9; l++) {
			net_csum_init(&c);
			net_csum_add(&c, big, a);
			net_csum_add(&c, big + a, l);
			net_csum_add(&c, big + a + l, sizeof(big) - a - l);
			bad += net_csum_result(&c) != t_csum(big, sizeof(big), 0);
		}
	}
	is_int(bad, 0, "checksum over three pieces at every odd and even split");
	{
		/* Lengths around the 32-byte steps, from every alignment, and a 64 KiB run of 0xff
		 * (the most carries), each against the word-by-word reference. */
		static uint8_t ff[65536];

		bad = 0;
		for (size_t off = 0; off < 8; off++)
			for (size_t l = 0; l < 200; l++)
				bad += net_checksum(big + off, l) != t_csum(big + off, l, 0);
		is_int(bad, 0, "every length to 200 bytes from every alignment");
		memset(ff, 0xff, sizeof(ff));
		is_int(net_checksum(ff, sizeof(ff)), t_csum(ff, sizeof(ff), 0), "64 KiB of 0xff");
		is_int(net_checksum(ff, sizeof(ff) - 1), t_csum(ff, sizeof(ff) - 1, 0),
		       "64 KiB less one byte of 0xff");
	}
	{
		/* A message with its own checksum inserted checks out to 0. */
		uint8_t m[11] = { 1, 2, 3, 4, 0, 0, 5, 6, 7, 8, 9 };

		be16_put(m + 4, net_checksum(m, sizeof(m)));
		is_int(net_checksum(m, sizeof(m)), 0, "a message including its checksum sums to 0");
	}
	{
		/* Pseudo-header: same as summing its 12 bytes in front. */
		uint8_t ph[12 + 13];

		be32_put(ph, 0x0a000001);
		be32_put(ph + 4, 0x0a000002);
		ph[8] = 0;
		ph[9] = 17;
		be16_put(ph + 10, 13);
		memcpy(ph + 12, big, 13);
		net_csum_init(&c);
		net_csum_pseudo(&c, 0x0a000001, 0x0a000002, 17, 13);
		net_csum_add(&c, big, 13);
		is_int(net_csum_result(&c), t_csum(ph, sizeof(ph), 0), "pseudo-header sum");
	}
	{
		struct net_iov iov[3] = { { "abc", 3 }, { "", 0 }, { "defgh", 5 } };

		is_int(net_iov_len(iov, 3), 8, "iov length");
		memset(out, 0, sizeof(out));
		net_iov_copy(out, iov, 3, 2, 4);
		is_str((char *)out, "cdef", "iov copy across pieces");
		memset(out, 0, sizeof(out));
		net_iov_copy(out, iov, 3, 7, 1);
		is_str((char *)out, "h", "iov copy of the last byte");
		net_csum_init(&c);
		net_csum_add_iov(&c, iov, 3);
		is_int(net_csum_result(&c), t_csum("abcdefgh", 8, 0), "checksum over an iov");
	}
	test_tcp_parse_edges();
	return tap_done();
}
