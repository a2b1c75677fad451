/* fata_http_serve: the HTTP server over fata_tcp connections (either stack). */
#include <fata/http.h>
#include <fata/tcp.h>

#include <errno.h>
#include <stdlib.h>

#include "parse.h"

struct http_server {
	fata_http_handler handler;
	void *arg;
	struct fata_http_config cfg;
};

static long tcp_io_read(void *ctx, void *buf, size_t len, uint64_t deadline)
{
	return fata_tcp_read(ctx, buf, len, deadline);
}

static long tcp_io_write(void *ctx, const void *buf, size_t len, uint64_t deadline)
{
	return fata_tcp_write(ctx, buf, len, deadline);
}

static int tcp_io_shutdown(void *ctx)
{
	return fata_tcp_shutdown(ctx);
}

static void tcp_io_close(void *ctx)
{
	fata_tcp_close(ctx);
}

static int on_connection(struct fata_tcp *conn, void *arg)
{
	struct http_server *s = arg;
	struct fata_http_io io = {
		.read = tcp_io_read, .write = tcp_io_write, .shutdown = tcp_io_shutdown,
		.close = tcp_io_close, .ctx = conn,
	};

	/* Responses leave in whole writes: there is nothing for Nagle's algorithm to merge. */
	fata_tcp_set_nodelay(conn, true);
	fata_http_serve_io(&io, s->handler, s->arg, &s->cfg);
	return 0;
}

int fata_http_serve(struct fata_stack *stack, uint16_t port, fata_http_handler handler, void *arg,
		    const struct fata_http_config *cfg)
{
	struct http_server *s;
	int err;

	if (!handler)
		return -EINVAL;
	s = malloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->handler = handler;
	s->arg = arg;
	http_config_defaults(&s->cfg, cfg);
	err = fata_tcp_listen(stack, port, on_connection, s);
	if (err < 0)
		free(s);
	return err;
}
