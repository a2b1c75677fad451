/* Logs each new TCP connection and the data of its first read, then closes it. */
#include <string.h>

#include "fata/unikernel.h"

static int on_connection(struct fata_tcp *conn, void *arg)
{
	char ip[FATA_IPV4_STRLEN], buf[4096];
	uint32_t peer;
	uint16_t port;
	long n;

	(void)arg;
	fata_tcp_peer(conn, &peer, &port);
	fata_info("new tcp connection from IP %s on port %u", fata_ipv4_format(peer, ip), port);
	n = fata_tcp_read(conn, buf, sizeof(buf), FATA_NEVER);
	if (n == 0)
		fata_info("Closing connection!");
	else if (n < 0)
		fata_warn("Error reading data from established connection: %s", strerror((int)-n));
	else
		fata_debug("read: %ld bytes:\n%.*s", n, (int)n, buf);
	fata_tcp_close(conn);
	return 0;
}

int start(struct fata_stack *stack)
{
	int64_t port = fata_key_port();
	int err;

	if (port < 1 || port > 65535) {
		fata_err("--port=%lld: expected a port number from 1 to 65535", (long long)port);
		return 1;
	}
	err = fata_tcp_listen(stack, (uint16_t)port, on_connection, NULL);
	if (err < 0) {
		fata_err("cannot listen on port %lld: %s", (long long)port, strerror(-err));
		return 1;
	}
	/* Connections run in fibers of their own; this one just keeps the unikernel alive. */
	for (;;)
		fata_sleep_ns(FATA_SEC(3600));
}
