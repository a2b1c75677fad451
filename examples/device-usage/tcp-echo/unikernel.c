/*
 * tcp-echo: TCP echo (RFC 862), discard (RFC 863) and character generator (RFC 864) services.
 * fata_tcp_listen() runs each handler in a fiber of its own per connection and closes the
 * connection when the handler returns.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fata/unikernel.h"

#define BUF 16384

enum service { ECHO, DISCARD, CHARGEN };

static const char *const names[] = { "echo", "discard", "chargen" };

static void log_peer(struct fata_tcp *conn, enum service what)
{
	char ip[FATA_IP_STRLEN];
	struct fata_ip_addr addr;
	uint16_t port;

	fata_tcp_peer_addr(conn, &addr, &port);
	fata_debug("%s: new tcp connection from IP %s on port %u", names[what],
		   fata_ip_format(&addr, ip), (unsigned)port);
}

static int echo(struct fata_tcp *conn, void *arg)
{
	/* A write may block, and other connections' fibers run meanwhile: a buffer each. */
	uint8_t *buf = malloc(BUF);
	unsigned long long total = 0;
	long n;

	(void)arg;
	if (!buf)
		return 0;
	log_peer(conn, ECHO);
	fata_tcp_set_nodelay(conn, true);
	while ((n = fata_tcp_read(conn, buf, BUF, FATA_NEVER)) > 0) {
		long w = fata_tcp_write(conn, buf, (size_t)n, FATA_NEVER);

		if (w < 0) {
			n = w;
			break;
		}
		total += (unsigned long long)n;
	}
	if (n < 0)
		fata_debug("echo: %s", strerror((int)-n));
	fata_debug("echo: %llu bytes echoed", total);
	free(buf);
	return 0;
}

static int discard(struct fata_tcp *conn, void *arg)
{
	static uint8_t buf[BUF];	/* what is read is dropped: one buffer serves all */
	unsigned long long total = 0;
	long n;

	(void)arg;
	log_peer(conn, DISCARD);
	while ((n = fata_tcp_read(conn, buf, sizeof(buf), FATA_NEVER)) > 0)
		total += (unsigned long long)n;
	fata_debug("discard: %llu bytes read", total);
	return 0;
}

static int chargen(struct fata_tcp *conn, void *arg)
{
	static uint8_t buf[74 * 95];
	static int ready;
	unsigned long long total = 0;

	(void)arg;
	if (!ready) {
		/* RFC 864's rotating 72-character lines, 95 of them: the pattern repeats after that. */
		for (int line = 0; line < 95; line++) {
			for (int i = 0; i < 72; i++)
				buf[line * 74 + i] = (uint8_t)(' ' + (line + i) % 95);
			buf[line * 74 + 72] = '\r';
			buf[line * 74 + 73] = '\n';
		}
		ready = 1;
	}
	log_peer(conn, CHARGEN);
	for (;;) {
		long w = fata_tcp_write(conn, buf, sizeof(buf), FATA_NEVER);

		if (w < 0)
			break;
		total += (unsigned long long)w;
	}
	fata_debug("chargen: %llu bytes sent", total);
	return 0;
}

static int serve(struct fata_stack *stack, int64_t port, fata_tcp_handler handler, const char *what)
{
	int r;

	if (port == 0)
		return 0;
	if (port < 0 || port > 65535) {
		fata_err("%s port %lld: expected a port from 1 to 65535, or 0", what, (long long)port);
		return 64;
	}
	r = fata_tcp_listen(stack, (uint16_t)port, handler, NULL);
	if (r < 0) {
		fata_err("cannot listen on TCP port %lld: %s", (long long)port, strerror(-r));
		return 1;
	}
	return 0;
}

int start(struct fata_stack *stack)
{
	char ip[FATA_IPV4_STRLEN];
	int r;

	if ((r = serve(stack, fata_key_port(), echo, "--port")) != 0 ||
	    (r = serve(stack, fata_key_discard_port(), discard, "--discard-port")) != 0 ||
	    (r = serve(stack, fata_key_chargen_port(), chargen, "--chargen-port")) != 0)
		return r;
	fata_info("echo on %s port %lld, discard on %lld, chargen on %lld",
		  fata_ipv4_format(fata_stack_ipv4(stack).addr.addr, ip), (long long)fata_key_port(),
		  (long long)fata_key_discard_port(), (long long)fata_key_chargen_port());
	/* The services run in their connections' fibers; this one has nothing more to do. */
	for (;;)
		fata_sleep_ns(FATA_SEC(3600));
}
