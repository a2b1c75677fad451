/*
 * tcp-client: connects to an echo server, sends a pattern and checks what comes back (or, for
 * measurements, only sends or only receives). One fiber writes while the main one reads, so
 * neither direction waits for the other.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fata/unikernel.h"

#define CHUNK 16384

enum mode { ECHO, SEND, RECV };

struct writer {
	struct fata_tcp *conn;
	uint64_t bytes;
	long err;
};

static uint8_t pattern_at(uint64_t i)
{
	return (uint8_t)(i * 31 + i / 4093);
}

static int writer_main(void *arg)
{
	struct writer *w = arg;
	uint8_t *buf = malloc(CHUNK);
	uint64_t off = 0;

	if (!buf) {
		w->err = -ENOMEM;
		return 0;
	}
	while (off < w->bytes) {
		size_t n = w->bytes - off < CHUNK ? (size_t)(w->bytes - off) : CHUNK;
		long r;

		for (size_t i = 0; i < n; i++)
			buf[i] = pattern_at(off + i);
		r = fata_tcp_write(w->conn, buf, n, FATA_NEVER);
		if (r < 0) {
			/* The connection failed, or the reader closed it: it is not ours to touch. */
			w->err = r;
			free(buf);
			return 0;
		}
		off += (uint64_t)r;
	}
	free(buf);
	fata_tcp_shutdown(w->conn);
	return 0;
}

/* One connection; returns 0, or 1 after logging what went wrong. */
static int one(struct fata_stack *stack, uint32_t server, uint16_t port, uint64_t bytes,
	       enum mode mode, unsigned n, uint64_t *received)
{
	char ip[FATA_IPV4_STRLEN];
	struct writer w = { .bytes = mode == RECV ? 0 : bytes };
	struct fata_fiber *f;
	uint8_t *buf;
	uint64_t got = 0;
	int err = 0, status = 0;
	long r;

	fata_ipv4_format(server, ip);
	w.conn = fata_tcp_connect(stack, server, port, fata_monotonic_ns() + FATA_SEC(10), &err);
	if (!w.conn) {
		fata_err("connection %u: connect to %s:%u: %s", n, ip, (unsigned)port, strerror(-err));
		return 1;
	}
	buf = malloc(CHUNK);
	f = buf ? fata_spawn(writer_main, &w, 0) : NULL;
	if (!f) {
		fata_err("out of memory");
		free(buf);
		fata_tcp_close(w.conn);
		return 1;
	}
	while ((r = fata_tcp_read(w.conn, buf, CHUNK, FATA_NEVER)) > 0) {
		if (mode == ECHO) {
			for (long i = 0; i < r; i++) {
				if (buf[i] != pattern_at(got + (uint64_t)i)) {
					fata_err("connection %u: byte %llu differs: %u, expected %u", n,
						 (unsigned long long)(got + (uint64_t)i), buf[i],
						 pattern_at(got + (uint64_t)i));
					status = 1;
					break;
				}
			}
			if (status)
				break;
		}
		got += (uint64_t)r;
	}
	if (r < 0 && !status) {
		fata_err("connection %u: read: %s", n, strerror((int)-r));
		status = 1;
	}
	if (status) {
		/* A writer blocked on a full window returns -EBADF and leaves the connection be. */
		fata_tcp_close(w.conn);
	}
	fata_join(f);
	free(buf);
	if (w.err && !status) {
		fata_err("connection %u: write: %s", n, strerror((int)-w.err));
		status = 1;
	}
	if (!status && mode == ECHO && got != bytes) {
		fata_err("connection %u: %llu bytes came back, %llu sent", n, (unsigned long long)got,
			 (unsigned long long)bytes);
		status = 1;
	}
	if (!status)
		fata_tcp_close(w.conn);
	fata_debug("connection %u: %llu bytes sent, %llu received", n,
		   (unsigned long long)w.bytes, (unsigned long long)got);
	*received += got;
	return status;
}

int start(struct fata_stack *stack)
{
	const char *m = fata_key_mode();
	int64_t port = fata_key_port(), bytes = fata_key_bytes(), conns = fata_key_connections();
	uint32_t server = fata_key_server();
	char ip[FATA_IPV4_STRLEN];
	uint64_t t0, us, received = 0, sent;
	enum mode mode;

	if (!strcmp(m, "echo")) {
		mode = ECHO;
	} else if (!strcmp(m, "send")) {
		mode = SEND;
	} else if (!strcmp(m, "recv")) {
		mode = RECV;
	} else {
		fata_err("--mode=%s: expected echo, send or recv", m);
		return 64;
	}
	if (port < 1 || port > 65535 || bytes < 0 || conns < 1) {
		fata_err("expected --port from 1 to 65535, --bytes >= 0 and --connections >= 1");
		return 64;
	}
	fata_info("%s: %lld connection(s) to %s port %lld, %lld bytes each", m, (long long)conns,
		  fata_ipv4_format(server, ip), (long long)port, (long long)bytes);
	t0 = fata_monotonic_ns();
	for (int64_t i = 0; i < conns; i++) {
		if (one(stack, server, (uint16_t)port, (uint64_t)bytes, mode, (unsigned)i, &received))
			return 1;
	}
	us = (fata_monotonic_ns() - t0) / 1000;
	if (us == 0)
		us = 1;
	sent = mode == RECV ? 0 : (uint64_t)bytes * (uint64_t)conns;
	fata_info("done: %lld connection(s), %llu bytes sent, %llu received in %llu ms: "
		  "%llu Mbit/s, %llu connections/s", (long long)conns, (unsigned long long)sent,
		  (unsigned long long)received, (unsigned long long)(us / 1000),
		  (unsigned long long)((sent > received ? sent : received) * 8 / us),
		  (unsigned long long)((uint64_t)conns * 1000000 / us));
	if (mode == ECHO)
		fata_info("echo check passed: every byte came back");
	fata_stack_stats_log(stack);	/* the counters of each layer, with -l "*:debug" */
	return 0;
}
