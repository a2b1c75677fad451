/* Unit tests of the netif device (lib/net/netif.c) over the fake interface: argument checks,
 * length limits, statistics, truncation, interruption; several frames per call, with and
 * without an implementation that batches, and the stack's use of batches. */
#include <errno.h>
#include <string.h>

#include "net_fake.h"
#include "tap.h"

static struct fata_key no_keys[1];
const struct fata_unikernel fata_unikernel = { .name = "test", .keys = no_keys };

static struct fake_netif *fake;
static int waited;

static int waiter(void *arg)
{
	(void)arg;
	waited = fata_netif_wait(fake->netif, FATA_NEVER);
	return 0;
}

/* fata_netif_read_many() and fata_netif_write_many() on `f`: 10 frames in, 10 out. */
static void many(struct fake_netif *f, const char *what)
{
	static uint8_t bufs[12][1600];
	struct fata_netif_frame fr[12];
	struct fata_netif_stats st;
	uint8_t frame[1600];
	long got, total = 0;
	bool right = true;

	memset(frame, 0x5c, sizeof(frame));
	for (int i = 0; i < 10; i++) {
		frame[0] = (uint8_t)i;
		fake_inject(f, frame, 60 + (size_t)i);
	}
	while (total < 10) {
		for (int i = 0; i < 12; i++)
			fr[i] = (struct fata_netif_frame){ bufs[i], sizeof(bufs[i]) };
		got = fata_netif_read_many(f->netif, fr, 12);
		if (got <= 0)
			break;
		for (long i = 0; i < got; i++)
			right &= fr[i].len == (size_t)(60 + total + i) && bufs[i][0] == total + i;
		total += got;
	}
	ok(total == 10 && right, "%s: read_many gets the 10 frames in order, each its length", what);
	fr[0] = (struct fata_netif_frame){ bufs[0], sizeof(bufs[0]) };
	is_int(fata_netif_read_many(f->netif, fr, 12), -EAGAIN, "%s: then EAGAIN", what);
	for (int i = 0; i < 10; i++)
		fr[i] = (struct fata_netif_frame){ frame, i == 3 ? 13 : i == 4 ? 1515 : 1514 };
	is_int(fata_netif_write_many(f->netif, fr, 10), -EINVAL,
	       "%s: write_many tells the first bad length", what);
	fata_netif_stats(f->netif, &st);
	ok(f->tx_count == 8 && st.tx_frames == 8 && st.tx_errors == 2 && st.rx_frames == 10,
	   "%s: the 8 good frames went out, the 2 bad ones are counted as errors", what);
}

int main(void)
{
	static const struct fata_netif_ops incomplete = { 0 };
	struct fata_netif_stats st;
	struct fata_netif *n;
	uint8_t mac[6], frame[2000], buf[2000];
	char text[FATA_MAC_STRLEN];
	struct fata_fiber *f;

	t_logs();
	ok(fata_netif_create("x", &incomplete, NULL, stack_mac, 1500) == NULL,
	   "create refuses ops without read/write/wait");
	fake = fake_netif_new(stack_mac, 1500);
	n = fake->netif;
	is_str(fata_netif_name(n), "fake0", "name");
	fata_netif_mac(n, mac);
	ok(memcmp(mac, stack_mac, 6) == 0, "mac");
	is_int(fata_netif_mtu(n), 1500, "mtu");
	is_str(fata_mac_format(peer_mac, text), "02:00:00:00:00:01", "mac format");

	memset(frame, 0xab, sizeof(frame));
	is_int(fata_netif_read(n, buf, sizeof(buf)), -EAGAIN, "read with nothing waiting: EAGAIN");
	is_int(fata_netif_write(n, frame, 13), -EINVAL, "a frame under 14 bytes: EINVAL");
	is_int(fata_netif_write(n, frame, 1515), -EMSGSIZE, "a frame over mtu + 14: EMSGSIZE");
	is_int(fata_netif_write(n, frame, 1514), 0, "a frame of mtu + 14");
	is_int(fata_netif_write(n, frame, 60), 0, "a minimal frame");
	fake->fail_tx = 1;
	is_int(fata_netif_write(n, frame, 60), -EIO, "the implementation's error comes back");
	fata_netif_stats(n, &st);
	ok(st.tx_frames == 2 && st.tx_bytes == 1574 && st.tx_errors == 3,
	   "tx counters: 2 frames, 1574 bytes, 3 errors");
	is_int(fake->tx_count, 2, "two frames reached the wire");

	fake_inject(fake, frame, 100);
	is_int(fata_netif_read(n, buf, sizeof(buf)), 100, "read a frame");
	fake_inject(fake, frame, 100);
	is_int(fata_netif_read(n, buf, 50), 50, "a longer frame is truncated to the buffer");
	fake->fail_rx = 1;
	is_int(fata_netif_read(n, buf, sizeof(buf)), -EIO, "a read error comes back");
	fata_netif_stats(n, &st);
	ok(st.rx_frames == 2 && st.rx_bytes == 150 && st.rx_errors == 1,
	   "rx counters: 2 frames, 150 bytes, 1 error (EAGAIN is not one)");

	f = fata_spawn(waiter, NULL, 0);
	fata_yield();
	is_int(fata_netif_interrupt(n), 1, "the fake can be interrupted");
	fata_join(f);
	is_int(waited, 1, "interrupt ends a wait");
	is_int(fake_closed, 0, "the fake is open before the disconnect");
	fata_netif_disconnect(n);
	is_int(fake_closed, 1, "disconnect closes the fake (and ASan checks it is freed)");
	fata_netif_disconnect(NULL);
	is_int(fake_closed, 1, "disconnecting NULL closes nothing");

	fake = fake_netif_new(stack_mac, 1500);
	is_int(fata_netif_batch(fake->netif), 1, "no batches: fata_netif_batch() is 1");
	many(fake, "one by one");
	fata_netif_disconnect(fake->netif);
	fake = fake_netif_new_batch(stack_mac, 1500);
	is_int(fata_netif_batch(fake->netif), FAKE_BATCH, "batches: fata_netif_batch() is ops->batch");
	many(fake, "batches");
	ok(fake->read_calls == 3 && fake->most_read == FAKE_BATCH,
	   "batches: 8 frames, then 2, in the implementation's calls (and one that found none)");
	ok(fake->write_calls == 1 && fake->most_written == 8,
	   "batches: the 8 good frames in one call of write_many");
	fata_netif_disconnect(fake->netif);

	/* The stack on an interface with batches: what arrives together is answered together. */
	{
		struct fata_stack_config cfg = { .name = "stack", .ipv4 = { STACK_IP, 24 } };
		struct fata_stack *s;
		uint8_t ping[200];
		int replies = 0;

		fake = fake_netif_new_batch(stack_mac, 1500);
		s = fata_stack_create(fake->netif, &cfg);
		t_teach_peer(fake);
		fake_settle();
		fake_clear(fake);
		fake->read_calls = fake->write_calls = fake->most_read = fake->most_written = 0;
		for (uint16_t i = 0; i < 6; i++)
			fake_inject(fake, ping, t_ping(ping, PEER_IP, STACK_IP, 7, i, "batch", 5));
		fake_settle();
		while (t_expect(fake, buf, 0x0800, 1, FATA_MS(1)) > 0)
			replies++;
		is_int(replies, 6, "6 echo requests at once: 6 replies");
		ok(fake->most_read == 6 && fake->most_written == 6,
		   "the stack read the 6 requests in one call and sent the 6 replies in one");
		fata_stack_disconnect(s);
	}
	return tap_done();
}
