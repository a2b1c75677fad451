/* http-hello: reads one request head, answers 200 with --body (405 for methods but GET/HEAD). */
#include <stdio.h>
#include <string.h>

#include "fata/unikernel.h"

#define REQUEST_MAX 8192
#define TIMEOUT FATA_SEC(10)

static void respond(struct fata_tcp *conn, const char *status, const char *body, int head_only)
{
	char buf[1024];
	int n = snprintf(buf, sizeof(buf),
			 "HTTP/1.1 %s\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n"
			 "Connection: close\r\nServer: fata\r\n\r\n%s",
			 status, strlen(body) + 1, head_only ? "" : body);

	if (n > 0 && n < (int)sizeof(buf) - 1) {
		if (!head_only)
			buf[n++] = '\n';
		fata_tcp_write(conn, buf, (size_t)n, fata_monotonic_ns() + TIMEOUT);
	}
}

static int on_connection(struct fata_tcp *conn, void *arg)
{
	char local[REQUEST_MAX + 1];
	size_t len = 0;
	uint64_t deadline = fata_monotonic_ns() + TIMEOUT;

	(void)arg;
	while (len < REQUEST_MAX) {
		long n = fata_tcp_read(conn, local + len, REQUEST_MAX - len, deadline);

		if (n <= 0)
			goto out;
		len += (size_t)n;
		local[len] = '\0';
		if (strstr(local, "\r\n\r\n"))
			break;
	}
	if (len >= REQUEST_MAX) {
		respond(conn, "431 Request Header Fields Too Large", "request head too large", 0);
	} else if (strncmp(local, "GET ", 4) == 0) {
		fata_debug("%.*s", (int)(strchr(local, '\r') - local), local);
		respond(conn, "200 OK", fata_key_body(), 0);
	} else if (strncmp(local, "HEAD ", 5) == 0) {
		respond(conn, "200 OK", fata_key_body(), 1);
	} else {
		respond(conn, "405 Method Not Allowed", "only GET and HEAD", 0);
	}
out:
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
	fata_info("serving HTTP on port %lld", (long long)port);
	for (;;)
		fata_sleep_ns(FATA_SEC(3600));
}
