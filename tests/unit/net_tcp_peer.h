/*
 * A scripted TCP peer for the unit tests of lib/net/tcp*.c: builds the peer's segments and
 * parses the stack's, written here from RFC 9293, RFC 7323 and RFC 2018 independently of
 * lib/net/ (like net_fake.c), on the fake interface of net_fake.h. The peer is 10.0.0.1, the
 * stack 10.0.0.2.
 */
#ifndef FATA_TEST_NET_TCP_PEER_H
#define FATA_TEST_NET_TCP_PEER_H

#include <fata/net.h>
#include <fata/tcp.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net_fake.h"

#define F_FIN 0x01
#define F_SYN 0x02
#define F_RST 0x04
#define F_PSH 0x08
#define F_ACK 0x10

/* A segment the stack sent, parsed. */
struct tseg {
	uint32_t src, dst;
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t wnd;
	uint8_t opt[40];
	size_t optlen;
	uint8_t data[FRAME_MAX];
	size_t len;
	bool csum_ok;
	bool has_mss, has_ws, has_ts, sack_perm;
	uint16_t mss;
	uint8_t ws;
	uint32_t tsval, tsecr;
	unsigned nsack;
	uint32_t sack[4][2];
};

/* A frame with a TCP segment from PEER_IP:sport to STACK_IP:dport, correct checksum. */
size_t t_tcp(uint8_t *frame, uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack,
	     uint8_t flags, uint16_t wnd, const void *opt, size_t optlen, const void *data,
	     size_t dlen);
/* Takes the next TCP segment the stack sent, skipping other frames, waiting up to `ms`.
 * Returns 0, or -1 when none came. */
int t_tcp_take(struct fake_netif *f, struct tseg *sg, unsigned ms);
/* Whether the stack sends no TCP segment within `ms`. */
bool t_tcp_none(struct fake_netif *f, unsigned ms);
/* "S.", "F.", "R", ... as tcpdump writes flags, for messages. */
const char *t_flags(uint8_t flags);

/* The peer's side of one connection. */
struct tpeer {
	struct fake_netif *f;
	uint16_t port;		/* the peer's port */
	uint16_t sport;		/* the stack's port */
	uint32_t iss;		/* the peer's initial sequence number */
	uint32_t snd_nxt;	/* the peer's next sequence number */
	uint32_t rcv_nxt;	/* what the peer acknowledges */
	uint32_t stack_iss;
	uint16_t wnd;		/* the window the peer advertises (already scaled down) */
	bool ts;		/* put a timestamp option on every segment */
	uint32_t tsval;		/* the peer's clock; bumped by every segment */
	uint32_t tsecr;		/* the stack's latest TSval */
	uint8_t stack_ws;	/* the stack's window shift (from its SYN or SYN-ACK) */
};

/* Options of a SYN: each of mss (0: none), wscale (-1: none), sack_perm, ts. Returns length. */
size_t tp_syn_options(uint8_t *o, uint16_t mss, int wscale, bool sack_perm, bool ts,
		      uint32_t tsval, uint32_t tsecr);
/* Sends a segment with the peer's sequence numbers (seq snd_nxt, ack rcv_nxt when F_ACK) and
 * advances snd_nxt past its data, SYN and FIN. With p->ts, adds NOP NOP TS. */
void tp_send(struct tpeer *p, uint8_t flags, const void *data, size_t len);
/* The same with sequence number, acknowledgment and window given, nothing advanced. */
void tp_send_at(struct tpeer *p, uint32_t seq, uint32_t ack, uint8_t flags, const void *data,
		size_t len);
/* Takes the next segment the stack sent on this connection; records its TSval. */
int tp_take(struct tpeer *p, struct tseg *sg, unsigned ms);
/* Takes segments until one carries data or FIN, and acknowledges nothing: returns 0 and the
 * segment, -1 when none came within `ms`. */
int tp_take_data(struct tpeer *p, struct tseg *sg, unsigned ms);

/*
 * The peer opens a connection to the stack's listener on `sport` from its port `port`: SYN
 * with MSS 1460, window scale 7, SACK permitted and timestamps (when `ts`), then checks the
 * SYN-ACK and sends the final ACK. Returns 0, or -1 with a diagnostic when something differs.
 */
int tp_open(struct tpeer *p, struct fake_netif *f, uint16_t port, uint16_t sport, bool ts);

/* A handler for fata_tcp_listen() that records the connection in `held` and blocks until
 * tp_release() (so the test drives it), then returns. */
extern struct fata_tcp *held;
int tp_hold_handler(struct fata_tcp *c, void *arg);
void tp_release(void);
/* Lets the stack's fibers run for about `ms`. */
void t_run_ms(unsigned ms);

/* Ends every connection of the stack with RST, so that the next test starts from a clean table
 * (handlers holding one see -ECONNABORTED). */
void t_tcp_abort_all(struct fata_stack *s);

/* Test tunables: short times, so that tests take milliseconds. Call before t_stack(). */
void t_tcp_tunables(void);

#endif
