/* HTTPS: the HTTP/1.1 server library and the client's TLS hook (fata/http.h) over TLS connections. */
#include <errno.h>
#include <stdlib.h>

#include <fata/tcp.h>

#include "tls_impl.h"

struct https_server {
	struct fata_tls_server *tls;
	fata_http_handler handler;
	void *arg;
	struct fata_http_config cfg;
	bool has_cfg;
};

static long io_read(void *ctx, void *buf, size_t len, uint64_t deadline)
{
	return fata_tls_read(ctx, buf, len, deadline);
}

static long io_write(void *ctx, const void *buf, size_t len, uint64_t deadline)
{
	return fata_tls_write(ctx, buf, len, deadline);
}

static int io_shutdown(void *ctx)
{
	return fata_tls_shutdown(ctx);
}

static void io_close(void *ctx)
{
	fata_tls_close(ctx);
}

void fata_tls_http_io(struct fata_tls_conn *c, struct fata_http_io *io)
{
	io->read = io_read;
	io->write = io_write;
	io->shutdown = io_shutdown;
	io->close = io_close;
	io->ctx = c;
}

int fata_tls_http_connect(void *tls, struct fata_tcp *tcp, const char *host, struct fata_http_io *io)
{
	struct fata_tls_conn *c;
	int err = fata_tls_connect(tls, tcp, host, &c);

	if (err < 0)
		return err;
	fata_tls_http_io(c, io);
	return 0;
}

static int on_connection(struct fata_tcp *tcp, void *arg)
{
	struct https_server *s = arg;
	struct fata_tls_conn *c;
	struct fata_http_io io;

	fata_tcp_set_nodelay(tcp, true);
	if (fata_tls_accept(s->tls, tcp, &c) < 0)
		return 0;	/* logged at debug level; the connection is closed */
	if (fata_log_enabled(&tls_log, FATA_LOG_DEBUG)) {
		struct fata_tls_info info;

		fata_tls_info(c, &info);
		fata_log(&tls_log, FATA_LOG_DEBUG, "handshake done: %s %s alpn=%s", info.version,
			 info.cipher, info.alpn);
	}
	fata_tls_http_io(c, &io);
	fata_http_serve_io(&io, s->handler, s->arg, s->has_cfg ? &s->cfg : NULL);
	return 0;
}

int fata_tls_http_serve(struct fata_stack *stack, uint16_t port, struct fata_tls_server *tls,
			fata_http_handler handler, void *arg, const struct fata_http_config *cfg)
{
	struct https_server *s;
	int err;

	if (!tls || !handler)
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->tls = tls;
	s->handler = handler;
	s->arg = arg;
	if (cfg) {
		s->cfg = *cfg;
		s->has_cfg = true;
	}
	err = fata_tcp_listen(stack, port, on_connection, s);
	if (err < 0)
		free(s);
	return err;
}
