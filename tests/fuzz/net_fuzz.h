/*
 * What the network fuzz harnesses share: a stack on a sink interface (writes vanish, reads find
 * nothing) with address 10.0.0.2/24, gateway 10.0.0.254, and the peer 10.0.0.1 at 02:00:00:00:00:01
 * in its ARP cache, so that replies are built and sent rather than kept for ARP. Each input gets
 * a fresh stack, so that a replay does not depend on the inputs before it.
 */
#ifndef FATA_FUZZ_NET_H
#define FATA_FUZZ_NET_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <fata/log.h>
#include <fata/runtime.h>
#include <fata/time.h>

#include "../../lib/net/stack.h"

static struct fata_key fuzz_no_keys[1];
const struct fata_unikernel fata_unikernel = { .name = "fuzz", .keys = fuzz_no_keys };

static const uint8_t fuzz_mac[6] = { 0x02, 0, 0, 0, 0, 0x02 };
static const uint8_t fuzz_peer_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
#define FUZZ_IP 0x0a000002u
#define FUZZ_PEER 0x0a000001u
#define FUZZ_FRAME_MAX 1514

static long sink_read(void *priv, void *buf, size_t len)
{
	(void)priv;
	(void)buf;
	(void)len;
	return -EAGAIN;
}

static int sink_write(void *priv, const void *buf, size_t len)
{
	(void)priv;
	(void)buf;
	(void)len;
	return 0;
}

static int sink_wait(void *priv, uint64_t deadline)
{
	(void)priv;
	(void)deadline;
	return 0;
}

static const struct fata_netif_ops sink_ops = {
	.read = sink_read, .write = sink_write, .wait = sink_wait,
};

/* Puts an Ethernet header for us from the peer in front of `len` bytes of `type`. */
static inline size_t fuzz_frame(uint8_t *frame, uint16_t type, const uint8_t *data, size_t len)
{
	if (len > FUZZ_FRAME_MAX - 14)
		len = FUZZ_FRAME_MAX - 14;
	memcpy(frame, fuzz_mac, 6);
	memcpy(frame + 6, fuzz_peer_mac, 6);
	be16_put(frame + 12, type);
	memcpy(frame + 14, data, len);
	return 14 + len;
}

/* An IPv4 header from the peer to us for `plen` bytes of `proto`, checksum filled in. */
static inline void fuzz_ip_header(uint8_t *h, uint8_t proto, size_t plen)
{
	memset(h, 0, 20);
	h[0] = 0x45;
	be16_put(h + 2, (uint16_t)(20 + plen));
	h[8] = 64;
	h[9] = proto;
	be32_put(h + 12, FUZZ_PEER);
	be32_put(h + 16, FUZZ_IP);
	be16_put(h + 10, net_checksum(h, 20));
}

static struct fata_stack *fuzz_stack(void)
{
	static bool quiet;
	struct fata_netif *n;
	struct fata_stack *s;
	uint8_t arp[42];

	if (!quiet) {
		fata_log_set_spec("quiet");
		quiet = true;
	}
	n = fata_netif_create("fuzz", &sink_ops, NULL, fuzz_mac, 1500);
	if (!n)
		return NULL;
	s = stack_new(n, "fuzz");
	if (!s)
		return NULL;
	stack_set_ipv4(s, FUZZ_IP, 24, 0x0a0000feu, NULL, 0, false);
	/* The peer asks for us: now it is in the cache. */
	memcpy(arp, (const uint8_t[6]){ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, 6);
	memcpy(arp + 6, fuzz_peer_mac, 6);
	be16_put(arp + 12, 0x0806);
	be16_put(arp + 14, 1);
	be16_put(arp + 16, 0x0800);
	arp[18] = 6;
	arp[19] = 4;
	be16_put(arp + 20, 1);
	memcpy(arp + 22, fuzz_peer_mac, 6);
	be32_put(arp + 28, FUZZ_PEER);
	memset(arp + 32, 0, 6);
	be32_put(arp + 38, FUZZ_IP);
	stack_input(s, arp, sizeof(arp));
	return s;
}

#endif
