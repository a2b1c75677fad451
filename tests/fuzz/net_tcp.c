/*
 * Fuzz harness: TCP segments to the stack, against a listener on port 80, a connection it
 * accepted, or one it opened (SYN-SENT), with the application reading, writing, shutting down
 * and closing in between and the connection's timers firing on demand.
 *
 * Input: one byte of mode (% 3: 0 listener only, 1 a connection the listener accepted from
 * 10.0.0.1:4000, 2 a connection to 10.0.0.1:8080 in SYN-SENT), then records:
 *   ctl, len, len bytes of TCP segment (header and data)
 * ctl bits: 0x01 fix the checksum, 0x02 add the connection's RCV.NXT to the sequence number
 * and its SND.UNA to the acknowledgment (so that offsets land near the window), 0x04 set the
 * ports to the connection's, 0x08 run the connection's due timers afterwards, 0x10 an
 * application call afterwards chosen by the record's first byte, 0x20 len counts 8-byte units.
 */
#include "net_fuzz.h"

#include <fata/tcp.h>

#include "../../lib/net/tcp.h"

#define PEER_PORT 4000
#define ACTIVE_PORT 8080
#define ACTIVE_LPORT 50000

static uint8_t scratch[70000];

static int handler(struct fata_tcp *c, void *arg)
{
	uint8_t buf[512];

	(void)arg;
	/* Runs when the harness tears the stack down: nothing may block. */
	fata_tcp_read(c, buf, sizeof(buf), 0);
	fata_tcp_write(c, "bye", 3, 0);
	return 0;
}

/* The connection under test, or NULL. */
static struct fata_tcp *target(struct fata_stack *s, int mode, struct fata_tcp *mine)
{
	if (mode == 2)
		return mine && mine->app_open ? mine : NULL;
	return tcp_lookup(s->tcp, FUZZ_PEER, PEER_PORT, 80);
}

static void app_call(struct fata_tcp *c, const uint8_t *rec, size_t len, struct fata_tcp **mine)
{
	uint8_t op = len ? rec[0] : 0, arg = len > 1 ? rec[1] : 0;

	if (!c || !c->app_open)
		return;
	switch (op % 6) {
	case 0:
		fata_tcp_write(c, scratch, (size_t)arg * 257, 0);
		break;
	case 1:
		fata_tcp_read(c, scratch, (size_t)arg * 257 + 1, 0);
		break;
	case 2:
		fata_tcp_shutdown(c);
		break;
	case 3:
		fata_tcp_set_nodelay(c, arg & 1);
		break;
	case 4:
		tcp_set_keepalive(c, (arg & 1) ? FATA_SEC(1) : 0, FATA_SEC(1), 2);
		break;
	case 5:
		if (c == *mine)
			*mine = NULL;
		fata_tcp_close(c);
		break;
	}
}

/* Sends the `len`-byte segment at frame + 34 from the peer, with its checksum fixed. */
static void send_segment(struct fata_stack *s, uint8_t *frame, size_t len)
{
	struct net_csum sum;
	uint8_t *t = frame + 34;

	be16_put(t + 16, 0);
	net_csum_init(&sum);
	net_csum_pseudo(&sum, FUZZ_PEER, FUZZ_IP, 6, (uint16_t)len);
	net_csum_add(&sum, t, len);
	be16_put(t + 16, net_csum_result(&sum));
	memcpy(frame, fuzz_mac, 6);
	memcpy(frame + 6, fuzz_peer_mac, 6);
	be16_put(frame + 12, 0x0800);
	fuzz_ip_header(frame + 14, 6, len);
	stack_input(s, frame, 34 + len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fata_stack *s;
	struct fata_tcp *mine = NULL, *c;
	uint8_t frame[FUZZ_FRAME_MAX];
	int mode, err;
	size_t i;

	if (size < 1)
		return 0;
	mode = data[0] % 3;
	s = fuzz_stack();
	if (!s)
		return 0;
	fata_tcp_listen(s, 80, handler, NULL);
	if (mode == 1) {
		/* The handshake from 10.0.0.1:4000: SYN with MSS, SACK, timestamps and window scale,
		 * then the ACK of the SYN-ACK with NOP NOP TS and 8 bytes of data. */
		static const uint8_t syn_opt[20] = { 2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0,
						     0, 0, 1, 3, 3, 7 };
		uint8_t *t = frame + 34;

		memset(t, 0, 40);
		be16_put(t, PEER_PORT);
		be16_put(t + 2, 80);
		be32_put(t + 4, 1000);
		t[12] = 10 << 4;
		t[13] = TCP_SYN;
		be16_put(t + 14, 65535);
		memcpy(t + 20, syn_opt, sizeof(syn_opt));
		send_segment(s, frame, 40);
		c = tcp_lookup(s->tcp, FUZZ_PEER, PEER_PORT, 80);
		if (c) {
			memset(t + 4, 0, 36);
			be32_put(t + 4, 1001);
			be32_put(t + 8, c->iss + 1);
			t[12] = 8 << 4;
			t[13] = TCP_ACK;
			be16_put(t + 14, 512);
			memcpy(t + 20, (const uint8_t[4]){ 1, 1, 8, 10 }, 4);
			be32_put(t + 24, 2);
			be32_put(t + 28, c->ts_recent);
			memcpy(t + 32, "handshk!", 8);
			send_segment(s, frame, 40);
		}
	} else if (mode == 2) {
		mine = tcp_conn_new(s->tcp, FUZZ_PEER, ACTIVE_PORT, ACTIVE_LPORT, &err);
		if (mine && tcp_conn_buffers(mine) == 0) {
			mine->app_open = true;
			mine->ws_ok = mine->ts_ok = mine->sack_ok = true;
			mine->iss = 0x12345678u;
			mine->snd_una = mine->recover = mine->iss;
			mine->snd_nxt = mine->snd_max = mine->iss + 1;
			mine->state = TCP_SYN_SENT;
		} else if (mine) {
			tcp_conn_done(mine, -ENOMEM);
			mine = NULL;
		}
	}
	for (i = 1; i + 2 <= size;) {
		uint8_t ctl = data[i];
		size_t len = data[i + 1], room = FUZZ_FRAME_MAX - 34;
		const uint8_t *rec = data + i + 2;
		uint8_t *t = frame + 34;

		if (ctl & 0x20)
			len *= 8;
		i += 2;
		if (len > size - i)
			len = size - i;
		if (len > room)
			len = room;
		i += len;
		memcpy(t, rec, len);
		c = target(s, mode, mine);
		if (len >= 20 && (ctl & 0x04)) {
			be16_put(t, mode == 2 ? ACTIVE_PORT : PEER_PORT);
			be16_put(t + 2, mode == 2 ? ACTIVE_LPORT : 80);
		}
		if (len >= 20 && (ctl & 0x02) && c) {
			be32_put(t + 4, be32_get(t + 4) + c->rcv_nxt);
			be32_put(t + 8, be32_get(t + 8) + c->snd_una);
		}
		if (len >= 20 && (ctl & 0x01)) {
			send_segment(s, frame, len);
		} else {
			memcpy(frame, fuzz_mac, 6);
			memcpy(frame + 6, fuzz_peer_mac, 6);
			be16_put(frame + 12, 0x0800);
			fuzz_ip_header(frame + 14, 6, len);
			stack_input(s, frame, 34 + len);
		}
		c = target(s, mode, mine);
		if ((ctl & 0x08) && c && c->in_table && c->next_timer != FATA_NEVER) {
			c->users++;
			tcp_timers_run(c, c->next_timer);
			c->users--;
			tcp_maybe_free(c);
			c = target(s, mode, mine);
		}
		if (ctl & 0x10)
			app_call(c, rec, len, &mine);
	}
	if (mine)
		fata_tcp_close(mine);
	stack_free(s);
	return 0;
}
