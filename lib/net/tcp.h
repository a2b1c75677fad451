/*
 * Inside TCP: the connection block (TCB), the listeners, and what the TCP files call in each
 * other. Only lib/net/tcp*.c and their tests include this.
 *
 *   tcp.c         the fata_tcp_* interface, the connection table, ISNs and ports, freeing
 *   tcp_input.c   segment arrival (RFC 9293 3.10.7 with RFC 5961 and RFC 7323), reassembly
 *   tcp_output.c  what to send and when (Nagle, windows, congestion window), building segments
 *   tcp_timer.c   the timer fiber: retransmission, persist, delayed ACK, keepalive, TIME-WAIT
 *   tcp_cc.c      RTT estimation (RFC 6298) and NewReno congestion control (RFC 5681, 6582);
 *                 SACK loss recovery (RFC 6675) is in tcp_output.c
 *
 * Fibers: the stack's input fiber runs tcp_input() for each segment and never blocks; one timer
 * fiber per stack sleeps until the earliest timer of any connection; a listener's handler runs
 * in a fiber per connection; application fibers block in fata_tcp_read/write/connect on the
 * connection's wait queues. Nothing in TCP blocks while sending: every segment goes out with
 * ipv4_output(..., NET_NONBLOCK), so the single tx_buf rule of stack.h holds and a connection's
 * state never changes under a sender's feet. The one exception is connect()'s first SYN, which
 * may wait for ARP in the caller's fiber before anything is built.
 */
#ifndef FATA_NET_TCP_H
#define FATA_NET_TCP_H

#include <fata/tcp.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipv4.h"
#include "ipv6.h"
#include "prot/tcp.h"

/* Sequence number comparisons (modulo 2^32, RFC 9293 3.4). */
#define SEQ_LT(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) < 0)
#define SEQ_LEQ(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) <= 0)
#define SEQ_GT(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) > 0)
#define SEQ_GEQ(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) >= 0)

enum tcp_state {
	TCP_CLOSED,
	TCP_SYN_SENT,
	TCP_SYN_RECEIVED,
	TCP_ESTABLISHED,
	TCP_FIN_WAIT_1,
	TCP_FIN_WAIT_2,
	TCP_CLOSE_WAIT,
	TCP_CLOSING,
	TCP_LAST_ACK,
	TCP_TIME_WAIT,
};

enum tcp_timer {
	TCP_T_REXMT,		/* retransmission, or persist when `persist` is set */
	TCP_T_DELACK,		/* delayed ACK */
	TCP_T_KEEP,		/* keepalive */
	TCP_T_2MSL,		/* TIME-WAIT, and FIN-WAIT-2 after close */
	TCP_T_COUNT,
};

/* A range of sequence space [start, end). */
struct tcp_range {
	uint32_t start, end;
};

#define TCP_OOO_RANGES 16	/* out-of-order ranges the receiver keeps; past that a segment
				 * is dropped (and sent again by the peer) */
#define TCP_SACK_MAX 4		/* blocks one SACK option carries at most */
#define TCP_SCOREBOARD 8	/* SACKed ranges the sender remembers (RFC 6675 scoreboard) */
#define TCP_HASH 256
#define TCP_TSO_MAX (65535 - 20 - 60)	/* offloads: most payload in one segment for the host
					 * to cut (a 64 KiB datagram with the longest headers) */

struct tcp_listener;
struct stack_tcp_ops;

/* The direct stack's struct fata_tcp: a connection block. */
struct fata_tcp {
	const struct stack_tcp_ops *ops; /* first: the public calls dispatch on it (stack_impl.h) */
	struct tcp_stack *s;		/* NULL once the stack is gone (every call then fails) */
	struct fata_tcp *hnext;		/* hash chain, while in the table */
	struct fata_tcp *prev, *next;	/* every connection of the stack, for the timer fiber */
	struct tcp_listener *listener;	/* passive open, while in SYN-RECEIVED */
	fata_tcp_handler handler;
	void *handler_arg;

	uint32_t laddr, raddr;		/* IPv6: tcp_fold6() of the addresses, for hashing */
	uint8_t laddr6[16], raddr6[16];	/* IPv6 only */
	bool v6;			/* the connection runs over IPv6 */
	uint16_t lport, rport;
	uint8_t state;			/* enum tcp_state */
	bool in_table;			/* in the hash table and the list: the stack holds it */
	bool app_open;			/* the application holds it (until fata_tcp_close()) */
	bool handler_running;		/* the handler fiber still holds it */
	bool passive;			/* made by a listener */
	bool nodelay;			/* Nagle off */
	bool rd_eof;			/* the peer's FIN arrived (in order) */
	bool fin_queued;		/* our FIN follows the queued data; fin_seq is its number */
	bool ack_now;			/* the next tcp_output() sends an ACK even without data */
	bool persist;			/* TCP_T_REXMT is the persist timer */
	bool timing;			/* rtt_seq is being timed (no timestamps) */
	bool in_recovery;		/* fast recovery (NewReno, or RFC 6675 with SACK) */
	bool rtt_valid;
	bool ts_ok, ws_ok, sack_ok;	/* negotiated options */
	bool ooo_fin;			/* a FIN at ooo_fin_seq arrived out of order */
	unsigned users;			/* fibers inside a blocking call on it */
	int err;			/* 0, or why it ended: -ECONNRESET, -ECONNREFUSED, -ETIMEDOUT */

	/* Send side. The ring holds the bytes from snd_una on: sent and unacknowledged, then
	 * queued. Byte 0 of the ring has sequence number snd_una once the SYN is acknowledged. */
	uint32_t iss, snd_una, snd_nxt, snd_max, snd_wl1, snd_wl2, fin_seq;
	uint32_t snd_wnd, max_sndwnd;	/* bytes, scaled */
	uint8_t snd_wscale, rcv_wscale;
	uint16_t peer_mss;		/* from the SYN's MSS option (or 536) */
	uint32_t mss;			/* data bytes per full segment, after options */
	uint8_t *snd_buf;
	size_t snd_cap, snd_head, snd_len;

	/* Receive side. The ring holds the unread in-order bytes (rcv_used of them from rcv_head),
	 * then room for the window: out-of-order data sits at its offset from rcv_nxt. */
	uint32_t irs, rcv_nxt, rcv_adv, last_ack_sent, ooo_fin_seq;
	uint8_t *rcv_buf;
	size_t rcv_cap, rcv_head, rcv_used;
	size_t grown;			/* bytes both buffers grew by, in the stack's budget */
	struct tcp_range ooo[TCP_OOO_RANGES];	/* sorted, disjoint, not touching */
	unsigned nooo, ooo_last;	/* ooo_last: the range the latest segment went to */
	size_t ooo_bytes;
	unsigned unacked_segs;		/* data segments received since our last ACK */

	/* Timestamps (RFC 7323). */
	uint32_t ts_recent, ts_offset;
	uint64_t ts_recent_at;

	/* RTT and RTO (RFC 6298), nanoseconds. */
	uint64_t srtt, rttvar, rto, rtt_start;
	uint32_t rtt_seq;
	unsigned retries;		/* retransmissions (or unanswered probes) in a row */
	unsigned probes;		/* zero-window probes since the window closed (backoff) */

	/* Congestion control (bytes). */
	uint32_t cwnd, ssthresh, cwnd_acc, recover;
	uint32_t rxt_next;		/* in recovery: where the next SACK hole search starts */
	uint32_t rxt_mark;		/* snd_max when a hole was last sent again */
	unsigned dupacks;
	struct tcp_range sacked[TCP_SCOREBOARD];	/* what the peer SACKed above snd_una:
							 * sorted, disjoint */
	unsigned nsacked;

	/* Timers: absolute monotonic deadlines, FATA_NEVER when off. */
	uint64_t timer[TCP_T_COUNT];
	uint64_t next_timer;
	uint64_t last_rx;		/* for keepalive */
	uint64_t keep_idle, keep_intvl;	/* 0: keepalive off */
	unsigned keep_probes;

	struct fata_waitq rwait;	/* readers */
	struct fata_waitq wwait;	/* writers, and connect() */
};

struct tcp_listener {
	struct tcp_listener *next;
	uint16_t port;
	fata_tcp_handler handler;
	void *arg;
	unsigned pending;		/* its connections in SYN-RECEIVED */
};

/* What TCP keeps per stack (the stack's `tcp`). */
struct tcp_stack {
	struct ipv4_layer *ip;
	struct ipv6_layer *ip6;		/* NULL until tcp_init6() */
	const struct net_tunables *tun;
	struct fata_random *rng;	/* the stack's generator (net_random()) */
	NET_STATS(tcp) stats;
	struct fata_tcp *hash[TCP_HASH];
	struct fata_tcp *all;
	unsigned nconns;		/* in the table, TIME-WAIT included */
	size_t grown;			/* what all connections' buffers grew by (tcp_grow_total) */
	struct tcp_listener *listeners;
	uint64_t secret[2];		/* SipHash key for ISNs and ports (RFC 6528, RFC 6056) */
	uint32_t port_next;
	struct fata_fiber *timer_fiber;
	struct fata_waitq timer_wq;
	uint64_t timer_at;		/* when the timer fiber wakes next */
	bool stopping;
	uint64_t challenge_window;	/* second in which challenge ACKs are being counted */
	unsigned challenge_count;
	uint64_t cookie_sent_at;	/* when the last SYN cookie went out (0: never) */
	uint64_t warn_at;		/* when the last "under pressure" warning was logged */
	uint64_t warned[3];		/* cookies sent, SYNs refused at the limit and half-open
					 * connections dropped, as counted at that warning */
};

/* A received segment, parsed. */
struct tcp_seg {
	uint32_t src, dst;		/* IPv6: tcp_fold6() of src6 and dst6 */
	const uint8_t *src6, *dst6;	/* IPv6 only (NULL over IPv4) */
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint32_t wnd;			/* as in the header: not yet scaled */
	uint8_t flags;
	const uint8_t *data;
	size_t len;			/* bytes of data (SYN and FIN not counted) */
	bool has_mss, has_ws, has_ts, sack_perm;
	uint16_t mss;
	uint8_t ws;
	uint32_t tsval, tsecr;
	unsigned nsack;
	struct tcp_range sack[TCP_SACK_MAX];
};

static inline uint32_t tcp_seg_len(const struct tcp_seg *sg)
{
	return (uint32_t)sg->len + !!(sg->flags & TCP_SYN) + !!(sg->flags & TCP_FIN);
}

/* --- tcp.c ------------------------------------------------------------------------------------ */

/* Attaches TCP above `ip` (registering protocol 6), with the stack's tunables and generator.
 * Returns its state, or NULL when out of memory. */
struct tcp_stack *tcp_init(struct ipv4_layer *ip, const struct net_tunables *tun,
			   struct fata_random *rng);
/* Attaches TCP to IPv6 too (registering next header 6): listeners then take both families. */
void tcp_init6(struct tcp_stack *s, struct ipv6_layer *ip6);
/* The 32 bits an IPv6 address hashes and keys connections by (the XOR of its words). */
uint32_t tcp_fold6(const uint8_t *a);
/* tcp_lookup() for an IPv6 peer. */
struct fata_tcp *tcp_lookup6(struct tcp_stack *s, const uint8_t *raddr6, uint16_t rport,
			     uint16_t lport);
/* Makes a connection just made by tcp_conn_new() (with raddr tcp_fold6(raddr6)) an IPv6 one. */
void tcp_conn_set6(struct fata_tcp *c, const uint8_t *laddr6, const uint8_t *raddr6);
/* tcp_connect() to an address of either family. */
struct fata_tcp *tcp_connect_addr(struct tcp_stack *s, const struct fata_ip_addr *ip,
				  uint16_t port, uint64_t deadline, int *err);
/* Stops TCP's timer fiber and frees its state (from stack_free()). It leaves the connections the
 * application still holds allocated; every call on them then fails with -ENETDOWN. NULL is a
 * no-op. */
void tcp_free(struct tcp_stack *s);
/* fata_tcp_listen(), fata_tcp_unlisten() and fata_tcp_connect() (fata/tcp.h) on TCP's state:
 * stack.c holds the public calls. */
int tcp_listen(struct tcp_stack *s, uint16_t port, fata_tcp_handler handler, void *arg);
int tcp_unlisten(struct tcp_stack *s, uint16_t port);
struct fata_tcp *tcp_connect(struct tcp_stack *s, uint32_t ip, uint16_t port, uint64_t deadline,
			     int *err);
const char *tcp_state_name(unsigned state);
/* "LPORT-RADDR:RPORT" ("LPORT-[RADDR]:RPORT" over IPv6), how log messages name a connection. */
#define TCP_CONN_STRLEN 64
char *tcp_conn_str(const struct fata_tcp *c, char buf[TCP_CONN_STRLEN]);
/* Moves to `state`, logging the change at debug level. */
void tcp_set_state(struct fata_tcp *c, enum tcp_state state);
/* The connection for a segment from `raddr`:`rport` to our `lport`, or NULL. */
struct fata_tcp *tcp_lookup(struct tcp_stack *s, uint32_t raddr, uint16_t rport, uint16_t lport);
struct tcp_listener *tcp_find_listener(struct tcp_stack *s, uint16_t port);
/* A new connection in the table (state CLOSED, nothing sent), or NULL with *err -ENOMEM when
 * a limit or memory ran out. */
struct fata_tcp *tcp_conn_new(struct tcp_stack *s, uint32_t raddr, uint16_t rport,
			      uint16_t lport, int *err);
/* Allocates the send and receive rings; 0 or -ENOMEM. */
int tcp_conn_buffers(struct fata_tcp *c);
/* The connection is over for the stack (CLOSED): out of the table, timers off, waiters woken;
 * freed when nobody else holds it. `err` (0 or a negative errno) is what calls return now. */
void tcp_conn_done(struct fata_tcp *c, int err);
/* Aborts: sends RST (when synchronized) and ends the connection with `err`. */
void tcp_abort(struct fata_tcp *c, int err);
/* Frees `c` if neither the stack, the application, a handler fiber nor a blocked call holds it. */
void tcp_maybe_free(struct fata_tcp *c);
/* Passive open reached ESTABLISHED: start the listener's handler in its own fiber. */
void tcp_accept(struct fata_tcp *c);
/* An initial sequence number for the connection's 4-tuple (RFC 6528). */
uint32_t tcp_isn(struct tcp_stack *s, uint32_t laddr, uint16_t lport, uint32_t raddr,
		 uint16_t rport);
/* Internal knob (no public call yet): keepalive with the given idle time, interval and probe
 * count; idle 0 turns it off. New connections take the tunables' values. */
void tcp_set_keepalive(struct fata_tcp *c, uint64_t idle_ns, uint64_t intvl_ns, unsigned probes);
/* Counts a challenge ACK against the stack's per-second limit (RFC 5961 7); true: send it. */
bool tcp_challenge_allowed(struct tcp_stack *s);
/* Whether a new connection fits under tcp_max_conns (counting TIME-WAIT ones as room, since
 * tcp_conn_new() ends the oldest of them when it must). */
bool tcp_conn_room(struct tcp_stack *s);

/*
 * SYN cookies (RFC 4987 3.6), for a listener whose backlog is full: the SYN-ACK's sequence
 * number carries the state, so nothing is kept until the peer's ACK comes back.
 *
 *   bits 31-29  index of the peer's MSS in a table of 8 (the largest entry not above it)
 *   bits 28-27  a counter of 64-second periods, modulo 4
 *   bits 26-0   SipHash-2-4 (the stack's secret) of the 4-tuple, the peer's ISN, the whole
 *               counter and the MSS index
 *
 * A cookie is good for the period it was made in and the next (64 to 128 s). Window scaling,
 * SACK and timestamps are not offered in a cookie's SYN-ACK, so the connection runs without.
 */
/* The cookie (our ISN) for the SYN `sg`; *mss is the MSS the cookie stands for. */
uint32_t tcp_cookie_make(struct tcp_stack *s, const struct tcp_seg *sg, uint16_t *mss);
/* For an ACK `sg` (no SYN, no RST) to a listener: the peer's MSS when sg->ack - 1 is a cookie we
 * made for this 4-tuple and sg->seq - 1, else 0. */
uint16_t tcp_cookie_check(struct tcp_stack *s, const struct tcp_seg *sg);
/* Counts `counter` and logs one warning line about the pressure (cookies, the connection limit,
 * unreachable half-open connections), at most once every tun->tcp_pressure_warn_ns. */
void tcp_pressure(struct tcp_stack *s, uint64_t *counter);

/* --- tcp_input.c ------------------------------------------------------------------------------ */

/* Parses the header and options of a segment; 0 or -EBADMSG (short, bad data offset). */
int tcp_parse(const uint8_t *data, size_t len, struct tcp_seg *sg);
/* The IPv4 layer's handler for protocol 6 (`ctx` is the tcp_stack). */
void tcp_input(void *ctx, const struct ipv4_rx *rx, const uint8_t *data, size_t len);
/* The IPv6 layer's handler for next header 6. */
void tcp_input6(void *ctx, const struct ipv6_rx *rx, const uint8_t *data, size_t len);

/* --- tcp_output.c ----------------------------------------------------------------------------- */

/* Sends whatever the windows, Nagle and pending ACKs allow. Never blocks. */
void tcp_output(struct fata_tcp *c);
/* Sends one segment: `len` bytes of queued data starting at `seq` (which must lie in the ring),
 * with `flags`; options as the connection negotiated (SYN options when TCP_SYN is set). Returns
 * what ipv4_output() returns. */
int tcp_send(struct fata_tcp *c, uint32_t seq, uint8_t flags, size_t len);
/* The same, waiting for ARP until `deadline`: only for connect()'s first SYN, from the
 * application's fiber, where nothing else is being built. */
int tcp_send_at(struct fata_tcp *c, uint32_t seq, uint8_t flags, size_t len, uint64_t deadline);
/* Sends a pure ACK for rcv_nxt now. */
void tcp_send_ack(struct fata_tcp *c);
/* Sends a challenge ACK (RFC 5961), rate-limited. */
void tcp_send_challenge_ack(struct fata_tcp *c);
/* Answers the SYN `sg` with a SYN-ACK whose sequence number is the cookie `iss`: MSS option
 * only, window at most 65535, nothing kept. */
void tcp_send_cookie_synack(struct tcp_stack *s, const struct tcp_seg *sg, uint32_t iss);
/* Answers a segment that belongs to no connection with RST (RFC 9293 3.10.7.1). */
void tcp_send_reset_for(struct tcp_stack *s, const struct tcp_seg *sg);
/* Resends the first unacknowledged segment (fast retransmit, partial ACK). */
void tcp_retransmit_first(struct fata_tcp *c);
/* Sends the persist probe: one byte past the zero window, or what fits in a small one. */
void tcp_persist_probe(struct fata_tcp *c);
/* Sends a keepalive probe (an ACK for snd_una - 1, RFC 1122 4.2.3.6). */
void tcp_keepalive_probe(struct fata_tcp *c);
/* The window to advertise now (bytes, before scaling), with receiver-side SWS avoidance. */
uint32_t tcp_rcv_window(struct fata_tcp *c);
/* TSval for now. */
uint32_t tcp_ts_now(struct fata_tcp *c);
/* The clock for segments: the time the frames in hand arrived while the input fiber handles a
 * batch, and for the segments one output pass sends (eth_now()). */
static inline uint64_t tcp_now(const struct tcp_stack *s)
{
	return eth_now(s->ip->eth);
}

/* --- tcp_timer.c ------------------------------------------------------------------------------ */

/* Starts the stack's timer fiber if it is not running; 0 or -ENOMEM. */
int tcp_timer_start(struct tcp_stack *s);
/* Stops it and waits for it to end. */
void tcp_timer_stop(struct tcp_stack *s);
/* Arms (`when` a deadline) or stops (FATA_NEVER) one of the connection's timers. */
void tcp_timer_set(struct fata_tcp *c, enum tcp_timer t, uint64_t when);
/* Runs the connection's timers that are due at `now`. May free `c`. */
void tcp_timers_run(struct fata_tcp *c, uint64_t now);
/* (Re)starts the retransmission timer at now + rto. */
void tcp_rexmt_restart(struct fata_tcp *c);

/* --- tcp_cc.c --------------------------------------------------------------------------------- */

/* Sets the congestion state of a connection that has just been synchronized. */
void tcp_cc_init(struct fata_tcp *c);
/* A round-trip sample of `rtt` ns (RFC 6298 2). */
void tcp_rtt_sample(struct fata_tcp *c, uint64_t rtt);
/* `acked` new bytes were acknowledged (snd_una has moved already). */
void tcp_cc_ack(struct fata_tcp *c, uint32_t acked);
/* A duplicate ACK arrived. */
void tcp_cc_dupack(struct fata_tcp *c);
/* The retransmission timer expired. */
void tcp_cc_timeout(struct fata_tcp *c);
/* Bytes sent and not yet acknowledged. */
static inline uint32_t tcp_flight(const struct fata_tcp *c)
{
	return c->snd_max - c->snd_una;
}
/* The highest sequence number the peer SACKed (snd_una when none). */
uint32_t tcp_sack_high(const struct fata_tcp *c);
/* Bytes SACKed above snd_una. */
uint32_t tcp_sacked_bytes(const struct fata_tcp *c);
/* RFC 6675 "pipe": bytes thought to be in the network. Un-SACKed holes below the highest SACKed
 * byte count as lost unless they have been sent again in this recovery. */
uint32_t tcp_pipe(const struct fata_tcp *c);

/*
 * Whether the segments of `c` go out with offloads: partial checksums, up to TCP_TSO_MAX bytes.
 * IPv4 only: the tap is offered TSO4 alone.
 */
static inline bool tcp_offload(const struct fata_tcp *c)
{
	return !c->v6 && c->s->ip->eth->vnet;
}

#endif
