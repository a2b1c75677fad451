/*
 * The socket stack (unix only, `fata configure --net=socket`): include/fata/net.h and tcp.h over
 * the host kernel's sockets. The generated code connects it with fata_stack_connect_socket();
 * from then on the public calls reach it through its ops tables (stack_impl.h), so code written
 * against the stack interface cannot tell which stack it runs on.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fata/log.h>
#include <fata/net.h>
#include <fata/runtime.h>
#include <fata/sched.h>
#include <fata/tcp.h>

#include "stack_impl.h"

FATA_LOG_SOURCE(log_stack, "tcpip-stack-socket");
FATA_LOG_SOURCE(log_udp, "udpv4-socket");
FATA_LOG_SOURCE(log_tcp, "tcpv4-socket");

#define LISTEN_BACKLOG 128

struct listener {
	struct socket_stack *stack;
	uint16_t port;
	int fd;
	bool stopping;
	fata_tcp_handler handler;
	void *arg;
	struct listener *next;
};

/* The socket stack's objects: each begins with its ops table, as stack_impl.h requires. */
struct socket_stack {
	const struct stack_ops *ops;
	struct fata_stack_config cfg;
	uint32_t addr;			/* the address we bind to: --ipv4 (0: every address) */
	struct listener *listeners;
};

struct socket_udp {
	const struct stack_udp_ops *ops;
	int fd;
	uint16_t port;
};

struct socket_tcp {
	const struct stack_tcp_ops *ops;
	int fd;
	uint32_t peer_ip;
	uint16_t peer_port;
	bool in_handler;	/* the listener's fiber frees it when the handler returns */
	bool closed;
};

static const struct stack_ops socket_ops;
static const struct stack_udp_ops socket_udp_ops;
static const struct stack_tcp_ops socket_tcp_ops;

/* The handles the public calls pass in are our own structs. */
static struct socket_stack *stack_of(struct fata_stack *s)
{
	return (struct socket_stack *)(void *)s;
}

static struct socket_udp *udp_of(struct fata_udp *u)
{
	return (struct socket_udp *)(void *)u;
}

static struct socket_tcp *tcp_of(struct fata_tcp *c)
{
	return (struct socket_tcp *)(void *)c;
}

static struct sockaddr_in sin_of(uint32_t ip, uint16_t port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };

	sin.sin_addr.s_addr = htonl(ip);
	sin.sin_port = htons(port);
	return sin;
}

/* A non-blocking, close-on-exec socket, or -errno. */
static int new_socket(int type)
{
	int fd = socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	return fd < 0 ? -errno : fd;
}

/* Waits until `fd` is ready for `events`; 0, or -ETIMEDOUT when the deadline passed first. */
static int wait_fd(int fd, int events, uint64_t deadline)
{
	return fata_wait_io(fd, events, deadline) ? 0 : -ETIMEDOUT;
}

/* --- the stack ------------------------------------------------------------------------------- */

struct fata_stack *fata_stack_connect_socket(const struct fata_stack_config *cfg)
{
	struct socket_stack *s = calloc(1, sizeof(*s));
	char ip[FATA_IPV4_STRLEN];

	fata_log(&log_stack, FATA_LOG_INFO, "Manager: connect");
	if (!s) {
		fata_log(&log_stack, FATA_LOG_ERROR, "out of memory");
		return NULL;
	}
	s->ops = &socket_ops;
	s->cfg = *cfg;
	s->addr = cfg->ipv4.addr;
	fata_log(&log_stack, FATA_LOG_INFO, "Manager: configuring");
	fata_log(&log_stack, FATA_LOG_DEBUG, "listening on %s", fata_ipv4_format(s->addr, ip));
	return (struct fata_stack *)(void *)s;
}

static int sock_tcp_unlisten(struct fata_stack *stack, uint16_t port);

static void sock_disconnect(struct fata_stack *stack)
{
	struct socket_stack *s = stack_of(stack);

	while (s->listeners)
		sock_tcp_unlisten(stack, s->listeners->port);
	free(s);
}

static struct fata_ipv4_config sock_ipv4(struct fata_stack *stack)
{
	struct socket_stack *s = stack_of(stack);
	struct fata_ipv4_config c = { .addr = s->cfg.ipv4, .gateway = s->cfg.gateway };

	return c;
}

/* The host kernel owns the interfaces: there is no MAC, netif or per-layer count of our own. */
static void sock_mac(struct fata_stack *s, uint8_t mac[FATA_MAC_LEN])
{
	(void)s;
	memset(mac, 0, FATA_MAC_LEN);
}

static struct fata_netif *sock_netif(struct fata_stack *s)
{
	(void)s;
	return NULL;
}

static void sock_stats(struct fata_stack *s, struct fata_stack_stats *out)
{
	(void)s;
	memset(out, 0, sizeof(*out));
}

static void sock_stats_log(struct fata_stack *s)
{
	(void)s;
}

/* --- UDP ------------------------------------------------------------------------------------- */

static struct fata_udp *sock_udp_bind(struct fata_stack *stack, uint16_t port)
{
	struct socket_stack *s = stack_of(stack);
	struct socket_udp *u = calloc(1, sizeof(*u));
	struct sockaddr_in sin = sin_of(s->addr, port);
	socklen_t len = sizeof(sin);
	int fd, err;

	if (!u) {
		errno = ENOMEM;
		return NULL;
	}
	fd = new_socket(SOCK_DGRAM);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) < 0) {
		err = fd < 0 ? -fd : errno;
		fata_log(&log_udp, FATA_LOG_DEBUG, "bind to port %u failed: %s", port, strerror(err));
		if (fd >= 0)
			close(fd);
		free(u);
		errno = err;
		return NULL;
	}
	u->ops = &socket_udp_ops;
	u->fd = fd;
	u->port = ntohs(sin.sin_port);
	return (struct fata_udp *)(void *)u;
}

static uint16_t sock_udp_port(const struct fata_udp *sock)
{
	return ((const struct socket_udp *)(const void *)sock)->port;
}

static long sock_udp_recv(struct fata_udp *sock, void *buf, size_t len, uint32_t *src_ip,
			  uint16_t *src_port, uint64_t deadline)
{
	struct socket_udp *u = udp_of(sock);

	for (;;) {
		struct sockaddr_in sin;
		socklen_t slen = sizeof(sin);
		ssize_t n = recvfrom(u->fd, buf, len, MSG_TRUNC, (struct sockaddr *)&sin, &slen);

		if (n >= 0) {
			if (src_ip)
				*src_ip = ntohl(sin.sin_addr.s_addr);
			if (src_port)
				*src_port = ntohs(sin.sin_port);
			return (size_t)n > len ? (long)len : (long)n;
		}
		if (errno != EAGAIN && errno != EINTR)
			return -errno;
		if (wait_fd(u->fd, FATA_IO_READ, deadline) < 0)
			return -ETIMEDOUT;
	}
}

static int sock_udp_send(struct fata_udp *sock, uint32_t dst_ip, uint16_t dst_port,
			 const void *buf, size_t len)
{
	struct socket_udp *u = udp_of(sock);
	struct sockaddr_in sin = sin_of(dst_ip, dst_port);

	if (len > FATA_UDP_MAX_PAYLOAD)
		return -EMSGSIZE;
	for (;;) {
		if (sendto(u->fd, buf, len, 0, (struct sockaddr *)&sin, sizeof(sin)) >= 0)
			return 0;
		if (errno != EAGAIN && errno != EINTR)
			return -errno;
		/* UDP sends never block for long: wait for room, as the direct stack's would. */
		fata_wait_io(u->fd, FATA_IO_WRITE, FATA_NEVER);
	}
}

static void sock_udp_close(struct fata_udp *sock)
{
	struct socket_udp *u = udp_of(sock);

	close(u->fd);
	free(u);
}

/* --- TCP ------------------------------------------------------------------------------------- */

static struct socket_tcp *conn_new(int fd, const struct sockaddr_in *peer)
{
	struct socket_tcp *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->ops = &socket_tcp_ops;
	c->fd = fd;
	c->peer_ip = ntohl(peer->sin_addr.s_addr);
	c->peer_port = ntohs(peer->sin_port);
	return c;
}

struct handler_ctx {
	struct listener *l;
	struct socket_tcp *conn;
};

/* One fiber per connection: runs the handler, then closes what it left open. */
static int handler_fiber(void *arg)
{
	struct handler_ctx *h = arg;
	struct socket_tcp *c = h->conn;

	h->l->handler((struct fata_tcp *)(void *)c, h->l->arg);
	if (!c->closed)
		close(c->fd);
	free(c);
	free(h);
	return 0;
}

static int listener_fiber(void *arg)
{
	struct listener *l = arg;

	while (!l->stopping) {
		struct sockaddr_in peer;
		socklen_t plen = sizeof(peer);
		int fd = accept4(l->fd, (struct sockaddr *)&peer, &plen, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct handler_ctx *h;
		struct fata_fiber *f;

		if (fd < 0) {
			if (errno == EAGAIN || errno == EINTR || errno == ECONNABORTED) {
				fata_wait_io(l->fd, FATA_IO_READ, FATA_NEVER);
				continue;
			}
			if (l->stopping)
				break;
			/* Out of descriptors or memory: back off rather than spin. */
			fata_log(&log_tcp, FATA_LOG_WARNING, "accept on port %u: %s", l->port,
				 strerror(errno));
			fata_sleep_ns(100 * 1000000ull);
			continue;
		}
		h = calloc(1, sizeof(*h));
		if (h)
			h->conn = conn_new(fd, &peer);
		if (!h || !h->conn) {
			fata_log(&log_tcp, FATA_LOG_WARNING, "out of memory: connection dropped");
			close(fd);
			free(h);
			continue;
		}
		h->l = l;
		h->conn->in_handler = true;
		f = fata_spawn(handler_fiber, h, 0);
		if (!f) {
			fata_log(&log_tcp, FATA_LOG_WARNING, "out of memory: connection dropped");
			close(fd);
			free(h->conn);
			free(h);
			continue;
		}
		fata_detach(f);
	}
	close(l->fd);
	free(l);
	return 0;
}

static int sock_tcp_listen(struct fata_stack *stack, uint16_t port, fata_tcp_handler handler,
			   void *arg)
{
	struct socket_stack *s = stack_of(stack);
	struct sockaddr_in sin = sin_of(s->addr, port);
	struct listener *l;
	struct fata_fiber *f;
	int fd, one = 1, err;

	if (port == 0 || !handler)
		return -EINVAL;
	for (l = s->listeners; l; l = l->next)
		if (l->port == port)
			return -EADDRINUSE;
	fd = new_socket(SOCK_STREAM);
	if (fd < 0)
		return fd;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 || listen(fd, LISTEN_BACKLOG) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	l = calloc(1, sizeof(*l));
	if (!l) {
		close(fd);
		return -ENOMEM;
	}
	*l = (struct listener){ .stack = s, .port = port, .fd = fd, .handler = handler, .arg = arg };
	f = fata_spawn(listener_fiber, l, 0);
	if (!f) {
		close(fd);
		free(l);
		return -ENOMEM;
	}
	fata_detach(f);
	l->next = s->listeners;
	s->listeners = l;
	return 0;
}

static int sock_tcp_unlisten(struct fata_stack *stack, uint16_t port)
{
	struct socket_stack *s = stack_of(stack);

	for (struct listener **pp = &s->listeners; *pp; pp = &(*pp)->next) {
		struct listener *l = *pp;

		if (l->port != port)
			continue;
		*pp = l->next;
		/* Wake its fiber with an error; it closes the socket and frees itself. */
		l->stopping = true;
		shutdown(l->fd, SHUT_RDWR);
		return 0;
	}
	return -ENOENT;
}

static struct fata_tcp *sock_tcp_connect(struct fata_stack *stack, uint32_t ip, uint16_t port,
					 uint64_t deadline, int *err)
{
	struct socket_stack *s = stack_of(stack);
	struct sockaddr_in sin = sin_of(ip, port), local = sin_of(s->addr, 0);
	struct socket_tcp *c;
	int fd, e = 0;
	socklen_t elen = sizeof(e);

	if (port == 0 || ip == 0 || ip >= 0xe0000000u) {	/* no port, no address, or a group */
		fd = -EINVAL;
		goto fail;
	}
	fd = new_socket(SOCK_STREAM);
	if (fd < 0)
		goto fail;
	if (s->addr && bind(fd, (struct sockaddr *)&local, sizeof(local)) < 0)
		goto fail_errno;
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		if (errno != EINPROGRESS)
			goto fail_errno;
		if (wait_fd(fd, FATA_IO_WRITE, deadline) < 0) {
			e = ETIMEDOUT;
			goto fail_close;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &elen) < 0)
			goto fail_errno;
		if (e)
			goto fail_close;
	}
	c = conn_new(fd, &sin);
	if (!c) {
		e = ENOMEM;
		goto fail_close;
	}
	return (struct fata_tcp *)(void *)c;

fail_errno:
	e = errno;
fail_close:
	close(fd);
	fd = -e;
fail:
	if (err)
		*err = fd;
	return NULL;
}

static long sock_tcp_read(struct fata_tcp *conn, void *buf, size_t len, uint64_t deadline)
{
	struct socket_tcp *c = tcp_of(conn);

	if (c->closed)
		return -EBADF;
	for (;;) {
		ssize_t n = recv(c->fd, buf, len, 0);

		if (n >= 0)
			return (long)n;
		if (errno != EAGAIN && errno != EINTR)
			return -errno;
		if (wait_fd(c->fd, FATA_IO_READ, deadline) < 0)
			return -ETIMEDOUT;
	}
}

static long sock_tcp_write(struct fata_tcp *conn, const void *buf, size_t len, uint64_t deadline)
{
	struct socket_tcp *c = tcp_of(conn);
	size_t done = 0;

	if (c->closed)
		return -EPIPE;
	while (done < len) {
		ssize_t n = send(c->fd, (const char *)buf + done, len - done, MSG_NOSIGNAL);

		if (n >= 0) {
			done += (size_t)n;
			continue;
		}
		if (errno != EAGAIN && errno != EINTR)
			return done ? (long)done : -errno;
		if (wait_fd(c->fd, FATA_IO_WRITE, deadline) < 0)
			return done ? (long)done : -ETIMEDOUT;
	}
	return (long)done;
}

static int sock_tcp_shutdown(struct fata_tcp *conn)
{
	return shutdown(tcp_of(conn)->fd, SHUT_WR) < 0 ? -errno : 0;
}

static void sock_tcp_close(struct fata_tcp *conn)
{
	struct socket_tcp *c = tcp_of(conn);

	if (c->closed)
		return;
	close(c->fd);
	c->closed = true;
	if (!c->in_handler)
		free(c);
}

static void sock_tcp_peer(struct fata_tcp *conn, uint32_t *ip, uint16_t *port)
{
	struct socket_tcp *c = tcp_of(conn);

	if (ip)
		*ip = c->peer_ip;
	if (port)
		*port = c->peer_port;
}

static int sock_tcp_set_nodelay(struct fata_tcp *conn, bool on)
{
	int v = on;

	return setsockopt(tcp_of(conn)->fd, IPPROTO_TCP, TCP_NODELAY, &v, sizeof(v)) < 0 ? -errno : 0;
}

/* --- the ops tables ---------------------------------------------------------------------------- */

static const struct stack_ops socket_ops = {
	.disconnect = sock_disconnect,
	.ipv4 = sock_ipv4,
	.mac = sock_mac,
	.netif = sock_netif,
	.stats = sock_stats,
	.stats_log = sock_stats_log,
	.udp_bind = sock_udp_bind,
	.tcp_listen = sock_tcp_listen,
	.tcp_unlisten = sock_tcp_unlisten,
	.tcp_connect = sock_tcp_connect,
};

static const struct stack_udp_ops socket_udp_ops = {
	.port = sock_udp_port,
	.recv = sock_udp_recv,
	.send = sock_udp_send,
	.close = sock_udp_close,
};

static const struct stack_tcp_ops socket_tcp_ops = {
	.read = sock_tcp_read,
	.write = sock_tcp_write,
	.shutdown = sock_tcp_shutdown,
	.close = sock_tcp_close,
	.peer = sock_tcp_peer,
	.set_nodelay = sock_tcp_set_nodelay,
};
