/*
 * TCP round-trip time estimation (RFC 6298) and NewReno congestion control: slow start and
 * congestion avoidance (RFC 5681 3.1), fast retransmit and fast recovery (RFC 5681 3.2) with
 * NewReno's partial acknowledgments (RFC 6582); when the peer does SACK, loss recovery follows
 * RFC 6675 instead (pipe and scoreboard, see tcp_output.c). All arithmetic is in integers:
 * times in nanoseconds, windows in bytes.
 */
#include <fata/time.h>

#include "tcp.h"

#define CWND_MAX 0x3fffffffu

void tcp_rtt_sample(struct fata_tcp *c, uint64_t rtt)
{
	const struct net_tunables *tun = c->s->tun;
	uint64_t var;

	if (rtt > tun->tcp_rto_max_ns)
		return;		/* nonsense (e.g. a bogus echoed timestamp) */
	if (!c->rtt_valid) {
		c->srtt = rtt;
		c->rttvar = rtt / 2;
		c->rtt_valid = true;
	} else {
		uint64_t delta = c->srtt > rtt ? c->srtt - rtt : rtt - c->srtt;

		c->rttvar = (3 * c->rttvar + delta) / 4;
		c->srtt = (7 * c->srtt + rtt) / 8;
	}
	/* RTO = SRTT + max(G, 4 RTTVAR) with the minimum RTO as G, as Linux does: on a LAN the
	 * RTO stays above a peer's longest delayed ACK (200 ms for Linux) instead of racing it. */
	var = 4 * c->rttvar;
	if (var < tun->tcp_rto_min_ns)
		var = tun->tcp_rto_min_ns;
	c->rto = c->srtt + var;
	if (c->rto > tun->tcp_rto_max_ns)
		c->rto = tun->tcp_rto_max_ns;
}

void tcp_cc_init(struct fata_tcp *c)
{
	uint32_t mss = c->mss;

	/* RFC 5681 3.1: IW = min(4 * SMSS, max(2 * SMSS, 4380)). */
	c->cwnd = 4 * mss < (2 * mss > 4380 ? 2 * mss : 4380) ? 4 * mss :
		  (2 * mss > 4380 ? 2 * mss : 4380);
	c->ssthresh = CWND_MAX;
	c->cwnd_acc = 0;
	c->dupacks = 0;
	c->in_recovery = false;
	c->recover = c->snd_una;
	c->rxt_next = c->snd_una;
}

static uint32_t half_flight(const struct fata_tcp *c)
{
	uint32_t half = tcp_flight(c) / 2;

	return half > 2 * c->mss ? half : 2 * c->mss;
}

void tcp_cc_ack(struct fata_tcp *c, uint32_t acked)
{
	if (c->in_recovery) {
		if (SEQ_GEQ(c->snd_una, c->recover)) {
			/* Full acknowledgment (RFC 6582 3.2 step 3, option 1). */
			uint32_t flight = tcp_flight(c);
			uint32_t w = (flight > c->mss ? flight : c->mss) + c->mss;

			c->cwnd = w < c->ssthresh ? w : c->ssthresh;
			c->in_recovery = false;
			c->dupacks = 0;
			c->cwnd_acc = 0;
			return;
		}
		if (SEQ_LT(c->rxt_next, c->snd_una))
			c->rxt_next = c->snd_una;
		if (c->sack_ok)
			return;	/* RFC 6675: tcp_output() sends the holes the scoreboard shows */
		/* Partial acknowledgment (RFC 6582 step 4): the next hole is lost too. */
		c->s->stats.fast_retransmits++;
		tcp_retransmit_first(c);
		c->cwnd = c->cwnd > acked ? c->cwnd - acked : 0;
		if (acked >= c->mss)
			c->cwnd += c->mss;
		if (c->cwnd < c->mss)
			c->cwnd = c->mss;
		return;
	}
	c->dupacks = 0;
	if (c->cwnd < c->ssthresh) {
		/* Slow start: at most one SMSS per ACK (RFC 5681 3.1, RFC 3465 L = 1). */
		c->cwnd += acked < c->mss ? acked : c->mss;
	} else {
		/* Congestion avoidance: one SMSS per window of acknowledged bytes. */
		c->cwnd_acc += acked;
		if (c->cwnd_acc >= c->cwnd) {
			c->cwnd_acc -= c->cwnd;
			c->cwnd += c->mss;
		}
	}
	if (c->cwnd > CWND_MAX)
		c->cwnd = CWND_MAX;
}

void tcp_cc_dupack(struct fata_tcp *c)
{
	c->dupacks++;
	if (c->in_recovery) {
		/* Each duplicate ACK means a segment left the network (RFC 5681 3.2 step 4);
		 * with SACK the scoreboard's pipe says that instead (RFC 6675). */
		if (!c->sack_ok)
			c->cwnd += c->mss;
		return;
	}
	/* Three duplicates, or (RFC 6675 IsLost) three segments' worth SACKed above snd_una. */
	if (c->dupacks < 3 && !(c->sack_ok && tcp_sacked_bytes(c) >= 3 * c->mss))
		return;
	/* RFC 6582 3.2 step 2: not again for losses of data sent before the last recovery. */
	if (SEQ_LT(c->snd_una, c->recover))
		return;
	c->s->stats.fast_retransmits++;
	c->ssthresh = half_flight(c);
	c->recover = c->snd_max;
	c->in_recovery = true;
	c->rxt_next = c->snd_una;
	c->timing = false;
	tcp_retransmit_first(c);
	c->cwnd = c->sack_ok ? c->ssthresh : c->ssthresh + 3 * c->mss;
}

void tcp_cc_timeout(struct fata_tcp *c)
{
	/* RFC 5681 3.1 (4), RFC 6582 4: one segment, and recovery starts over from here. */
	c->ssthresh = half_flight(c);
	c->cwnd = c->mss;
	c->cwnd_acc = 0;
	c->dupacks = 0;
	c->in_recovery = false;
	c->recover = c->snd_max;
	c->rxt_next = c->snd_una;
	c->nsacked = 0;
}
