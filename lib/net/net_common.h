/*
 * What every layer of the IPv4 stack shares, below all of them: the tunables, counting drops,
 * the random generator, NET_NONBLOCK and the IPv4 address classes. Includes no layer.
 */
#ifndef FATA_NET_COMMON_H
#define FATA_NET_COMMON_H

#include <fata/log.h>
#include <fata/net.h>
#include <fata/random.h>
#include <fata/sched.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire.h"

/* Never block: a deadline that has always passed (ipv4_output(), arp_resolve()). */
#define NET_NONBLOCK 0

/*
 * Timings and limits. Every stack copies net_tunables_default when it is made and each layer
 * points at that copy; unit tests shorten the times there before making one, instead of waiting
 * real minutes.
 */
struct net_tunables {
	uint64_t arp_ttl_ns;		/* a resolved neighbour is fresh this long (60 s), then
					 * stale for as long again: still used, asked again */
	uint64_t arp_retry_ns;		/* between requests of one resolution (1 s) */
	unsigned arp_retries;		/* requests before a resolution fails (3) */
	uint64_t reasm_timeout_ns;	/* a reassembly is abandoned this long after it began (30 s) */
	unsigned reasm_max;		/* concurrent reassemblies (8, at most REASM_SLOTS) */
	unsigned icmp_rate;		/* ICMP errors per second (10) ... */
	unsigned icmp_burst;		/* ... with bursts of this many (10) */
	size_t udp_queue_bytes;		/* receive queue of a UDP socket (64 KiB) */
	uint64_t dhcp_unit_ns;		/* what DHCP counts as one second (1 s) */
	/* TCP (lib/net/tcp.h). */
	size_t tcp_snd_buf;		/* send buffer of a connection to start with (64 KiB) */
	size_t tcp_rcv_buf;		/* receive buffer to start with (64 KiB) */
	size_t tcp_buf_max;		/* either buffer doubles up to this while it alone holds
					 * a bulk transfer back (1 MiB; tcp.c, "growing") */
	size_t tcp_grow_total;		/* ... and all connections together grow by at most this
					 * (8 MiB), so many fast ones cannot take the heap */
	size_t tcp_ooo_max;		/* out-of-order bytes held per connection (64 KiB) */
	unsigned tcp_max_conns;		/* connections per stack, TIME-WAIT included (1024) */
	unsigned tcp_backlog;		/* a listener's connections in SYN-RECEIVED (128) */
	uint64_t tcp_msl_ns;		/* maximum segment lifetime; TIME-WAIT is 2 MSL (30 s) */
	uint64_t tcp_rto_initial_ns;	/* RTO before any RTT sample (1 s, RFC 6298) */
	uint64_t tcp_rto_min_ns;	/* (200 ms, as Linux; RFC 6298 says 1 s) */
	uint64_t tcp_rto_max_ns;	/* (60 s) */
	unsigned tcp_retries;		/* retransmissions of data before giving up (15) */
	unsigned tcp_syn_retries;	/* of a SYN or SYN-ACK (6) */
	uint64_t tcp_delack_ns;		/* delayed ACK (40 ms; RFC 1122 allows up to 500) */
	uint64_t tcp_fin_timeout_ns;	/* FIN-WAIT-2 after close before giving up (60 s) */
	uint64_t tcp_keepalive_ns;	/* idle time before keepalive probes (0: off) */
	uint64_t tcp_keepalive_intvl_ns;	/* between probes (75 s) */
	unsigned tcp_keepalive_probes;	/* unanswered probes before giving up (9) */
	unsigned tcp_challenge_acks;	/* challenge ACKs per second (1000, RFC 5961 7) */
	bool tcp_timestamps, tcp_window_scaling, tcp_sack;	/* offered in SYNs (all true) */
	bool tcp_syncookies;		/* SYN cookies once a listener's backlog is full (true) */
	uint64_t tcp_pressure_warn_ns;	/* at most one "under pressure" warning this often (60 s) */
	/* IPv6 (lib/net/ipv6.h). */
	uint64_t ipv6_reasm_timeout_ns;	/* a reassembly is abandoned after this (60 s) */
	uint64_t nd_reachable_ns;	/* a confirmed neighbour is REACHABLE this long (30 s) */
	uint64_t nd_retrans_ns;		/* between solicitations (1 s) */
	unsigned nd_retries;		/* solicitations before a resolution fails (3) */
	uint64_t nd_delay_ns;		/* DELAY before probing a stale neighbour in use (5 s) */
	unsigned dad_transmits;		/* DAD solicitations per address (1) */
	uint64_t dad_delay_ns;		/* at most this random pause before the first (1 s) */
	uint64_t rs_interval_ns;	/* between router solicitations (4 s) ... */
	unsigned rs_count;		/* ... of which at most this many (3) */
	uint64_t pmtu_ttl_ns;		/* a lowered path MTU is forgotten after this (10 min) */
};
extern struct net_tunables net_tunables_default;

/*
 * One layer's counters: the type of its member of the public struct fata_stack_stats. Each layer
 * keeps its own in its state; fata_stack_stats() gathers them.
 */
#define NET_STATS(layer) __typeof__(((struct fata_stack_stats *)0)->layer)

/* A random number from the stack's generator (the library's CSPRNG, fata/random.h): transaction
 * ids, ports, IP ids, DHCP timer jitter. */
uint32_t net_random(struct fata_random *rng);

/* Counts a drop and, at debug level, says why. */
#define net_drop(src, counter, ...) \
	do { \
		(counter)++; \
		if (fata_log_enabled((src), FATA_LOG_DEBUG)) \
			net_log_drop((src), (unsigned long long)(counter), __VA_ARGS__); \
	} while (0)
void net_log_drop(struct fata_log_src *src, unsigned long long count, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* IPv4 address classes (host order). */
static inline bool ipv4_is_multicast(uint32_t a)
{
	return (a >> 28) == 0xe;
}

static inline bool ipv4_is_group(uint32_t a)
{
	return a == 0xffffffffu || ipv4_is_multicast(a);
}

#endif
