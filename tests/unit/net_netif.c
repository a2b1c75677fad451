/* Unit tests of the netif device (lib/net/netif.c) over the fake interface: argument checks,
 * length limits, statistics, truncation, interruption. */
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
	return tap_done();
}
