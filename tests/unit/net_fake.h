/*
 * Test support for the network stack: a fake interface with in-memory queues and fault injection,
 * and builders of the frames a peer would send (written here from the RFCs, independently of
 * lib/net/, so that the tests check the stack against the wire format rather than against itself).
 */
#ifndef FATA_TEST_NET_FAKE_H
#define FATA_TEST_NET_FAKE_H

#include <fata/net.h>
#include <fata/netif.h>
#include <fata/runtime.h>
#include <fata/sched.h>
#include <fata/time.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FRAME_MAX 9100

struct fake_frame {
	struct fake_frame *next;
	size_t len;
	uint8_t data[];
};

struct fake_netif {
	struct fata_netif *netif;
	struct fake_frame *rx_head, *rx_tail;	/* what the stack will read */
	struct fake_frame *tx_head, *tx_tail;	/* what the stack wrote */
	unsigned rx_count, tx_count;
	struct fata_waitq rx_waiters, tx_waiters;
	bool interrupted;
	/* Fault injection. */
	unsigned drop_tx;		/* the next N writes "succeed" but vanish */
	unsigned fail_tx;		/* the next N writes fail with -EIO */
	unsigned fail_rx;		/* the next N reads fail with -EIO */
	size_t truncate_rx;		/* when non-zero, frames are read cut to this length */
	uint64_t written;		/* frames the stack wrote, dropped or not */
	/* With batches (fake_netif_new_batch()): the calls of read_many and write_many, and the
	 * most frames one of them moved. */
	unsigned read_calls, write_calls, most_read, most_written;
};

/* How many fake interfaces were closed (freed by their fata_netif's disconnect). */
extern unsigned fake_closed;
/* A fake interface; its fata_netif (f->netif) owns it and frees it when disconnected. */
struct fake_netif *fake_netif_new(const uint8_t mac[6], uint16_t mtu);
/* The same with read_many and write_many moving up to FAKE_BATCH frames per call (as hvt's
 * NET_READV and NET_WRITEV), each call counted. */
#define FAKE_BATCH 8
struct fake_netif *fake_netif_new_batch(const uint8_t mac[6], uint16_t mtu);
/* Queues a frame for the stack to read and wakes the input fiber. */
void fake_inject(struct fake_netif *f, const void *frame, size_t len);
/* Takes the oldest frame the stack wrote into buf (at most len bytes), waiting for one until
 * `deadline` (letting the stack's fibers run). Returns its length, or -1 at the deadline. */
long fake_take(struct fake_netif *f, void *buf, size_t len, uint64_t deadline);
/* Discards everything the stack wrote so far. */
void fake_clear(struct fake_netif *f);
/* Lets the stack's fibers run until they all wait (a few yields and a short sleep). */
void fake_settle(void);

/* --- frame building: the peer's side ----------------------------------------------------------- */

extern const uint8_t peer_mac[6], stack_mac[6], bcast_mac[6];
#define STACK_IP 0x0a000002u	/* 10.0.0.2 */
#define PEER_IP 0x0a000001u	/* 10.0.0.1 */
#define GATEWAY_IP 0x0a0000feu	/* 10.0.0.254 */
#define FAR_IP 0xc6336401u	/* 198.51.100.1: off-link */

uint16_t t_get16(const uint8_t *p);
uint32_t t_get32(const uint8_t *p);
void t_put16(uint8_t *p, uint16_t v);
void t_put32(uint8_t *p, uint32_t v);
uint16_t t_csum(const void *data, size_t len, uint32_t initial);

size_t t_eth(uint8_t *f, const uint8_t dst[6], const uint8_t src[6], uint16_t type);
/* An ARP packet (after a 14-byte Ethernet header) in f; returns the frame's length. */
size_t t_arp(uint8_t *f, uint16_t op, const uint8_t sha[6], uint32_t spa, const uint8_t tha[6],
	     uint32_t tpa, const uint8_t eth_dst[6]);
/* An IPv4 header at p for `plen` bytes of payload; frag = flags|offset field. Returns 20. */
size_t t_ip(uint8_t *p, uint32_t src, uint32_t dst, uint8_t proto, size_t plen, uint16_t id,
	    uint16_t frag, uint8_t ttl);
/* A whole frame from the peer: Ethernet + IPv4 + payload. Returns its length. */
size_t t_ip_frame(uint8_t *f, uint32_t src, uint32_t dst, uint8_t proto, const void *payload,
		  size_t plen);
/* An ICMP echo request frame. */
size_t t_ping(uint8_t *f, uint32_t src, uint32_t dst, uint16_t id, uint16_t seq,
	      const void *data, size_t dlen);
/* A UDP datagram frame with a correct checksum (or `csum_override` when non-zero). */
size_t t_udp(uint8_t *f, uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
	     const void *data, size_t dlen, uint16_t csum_override);
/* UDP checksum of a datagram at u (header included) between src and dst. */
uint16_t t_udp_csum(uint32_t src, uint32_t dst, const uint8_t *u, size_t ulen);

/* Takes written frames until one matches EtherType `type` (and for IPv4, protocol `proto` when
 * non-zero), dropping the others. Returns its length or -1. */
long t_expect(struct fake_netif *f, uint8_t *buf, uint16_t type, uint8_t proto, uint64_t timeout_ns);

/* A stack on a fake interface with address 10.0.0.2/24 and gateway 10.0.0.254, and the peer
 * 10.0.0.1 already known to its ARP cache (the gratuitous ARP is taken off the queue). */
struct fata_stack *t_stack(struct fake_netif **fp);
/* Tells the stack where 10.0.0.1 is (an ARP reply). */
void t_teach_peer(struct fake_netif *f);

/* Log thresholds for tests: quiet, unless FATA_TEST_LOGS is set (e.g. "*:debug"). */
void t_logs(void);

#endif
