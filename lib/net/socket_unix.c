/*
 * The socket stack (unix only, `fata configure --net=socket`): include/fata/net.h and tcp.h over
 * the host kernel's sockets. The generated code connects it with fata_stack_connect_socket();
 * from then on the public calls reach it through its ops tables (stack_impl.h), so code written
 * against the stack interface cannot tell which stack it runs on.
 *
 * With IPv6 in the configuration (stackv4v6, stackv6) and no --ipv4 address to bind to, its
 * sockets are IPv6 ones that take IPv4 too (IPV6_V6ONLY off; on with --ipv6-only), and IPv4
 * peers, which the kernel shows as ::ffff:a.b.c.d, are given back as IPv4 addresses.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
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
	struct socket_stack *stack;
	int fd;
	uint16_t port;
};

struct socket_tcp {
	const struct stack_tcp_ops *ops;
	int fd;
	struct fata_ip_addr peer;
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

/* Whether the stack's sockets are IPv6 ones (taking IPv4 too unless IPv6-only). */
static bool use6(const struct socket_stack *s)
{
	return (s->cfg.ipv6 || s->cfg.ipv6_only) && s->addr == 0;
}

/* `a`:`port` as a socket address for the stack's family (IPv4 mapped into IPv6 there), or
 * -EAFNOSUPPORT. */
static int to_sockaddr(const struct socket_stack *s, const struct fata_ip_addr *a, uint16_t port,
		       struct sockaddr_storage *ss, socklen_t *len, bool v6)
{
	memset(ss, 0, sizeof(*ss));
	if (v6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		if (a->family == FATA_AF_INET6) {
			memcpy(&sin6->sin6_addr, a->v6, 16);
		} else {
			uint32_t v4 = htonl(a->v4);

			sin6->sin6_addr.s6_addr[10] = 0xff;
			sin6->sin6_addr.s6_addr[11] = 0xff;
			memcpy(&sin6->sin6_addr.s6_addr[12], &v4, 4);
		}
		*len = sizeof(*sin6);
		return 0;
	}
	(void)s;
	if (a->family != FATA_AF_INET)
		return -EAFNOSUPPORT;
	*(struct sockaddr_in *)ss = sin_of(a->v4, port);
	*len = sizeof(struct sockaddr_in);
	return 0;
}

/* The address and port of a socket address; IPv4-mapped IPv6 becomes IPv4. */
static void from_sockaddr(const struct sockaddr_storage *ss, struct fata_ip_addr *a,
			  uint16_t *port)
{
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;

		if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
			uint32_t v4;

			memcpy(&v4, &sin6->sin6_addr.s6_addr[12], 4);
			*a = fata_ip_v4(ntohl(v4));
		} else {
			*a = fata_ip_v6(sin6->sin6_addr.s6_addr);
		}
		*port = ntohs(sin6->sin6_port);
	} else {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;

		*a = fata_ip_v4(ntohl(sin->sin_addr.s_addr));
		*port = ntohs(sin->sin_port);
	}
}

/* A non-blocking, close-on-exec socket of the family, or -errno. */
static int new_socket_family(int family, int type, bool v6only)
{
	int fd = socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), v = v6only;

	if (fd < 0)
		return -errno;
	if (family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v, sizeof(v));
	return fd;
}

/* A socket of the stack's family (see use6()). */
static int new_socket_for(const struct socket_stack *s, int type)
{
	return use6(s) ? new_socket_family(AF_INET6, type, s->cfg.ipv6_only)
		       : new_socket_family(AF_INET, type, false);
}

/* The stack's local address for binding `port`. */
static void local_sockaddr(const struct socket_stack *s, uint16_t port,
			   struct sockaddr_storage *ss, socklen_t *len)
{
	struct fata_ip_addr any = { .family = FATA_AF_INET6 }, v4 = fata_ip_v4(s->addr);

	to_sockaddr(s, use6(s) ? &any : &v4, port, ss, len, use6(s));
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
	struct sockaddr_storage ss;
	struct fata_ip_addr bound;
	socklen_t len;
	int fd, err;

	if (!u) {
		errno = ENOMEM;
		return NULL;
	}
	local_sockaddr(s, port, &ss, &len);
	fd = new_socket_for(s, SOCK_DGRAM);
	if (fd < 0 || bind(fd, (struct sockaddr *)&ss, len) < 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
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
	u->stack = s;
	from_sockaddr(&ss, &bound, &u->port);
	return (struct fata_udp *)(void *)u;
}

static uint16_t sock_udp_port(const struct fata_udp *sock)
{
	return ((const struct socket_udp *)(const void *)sock)->port;
}

static long sock_udp_recv_addr(struct fata_udp *sock, void *buf, size_t len,
			       struct fata_ip_addr *src, uint16_t *src_port, uint64_t deadline)
{
	struct socket_udp *u = udp_of(sock);

	for (;;) {
		struct sockaddr_storage ss;
		socklen_t slen = sizeof(ss);
		ssize_t n = recvfrom(u->fd, buf, len, MSG_TRUNC, (struct sockaddr *)&ss, &slen);

		if (n >= 0) {
			struct fata_ip_addr a;
			uint16_t port;

			from_sockaddr(&ss, &a, &port);
			if (src)
				*src = a;
			if (src_port)
				*src_port = port;
			return (size_t)n > len ? (long)len : (long)n;
		}
		if (errno != EAGAIN && errno != EINTR)
			return -errno;
		if (wait_fd(u->fd, FATA_IO_READ, deadline) < 0)
			return -ETIMEDOUT;
	}
}

static long sock_udp_recv(struct fata_udp *sock, void *buf, size_t len, uint32_t *src_ip,
			  uint16_t *src_port, uint64_t deadline)
{
	struct fata_ip_addr a;
	long n = sock_udp_recv_addr(sock, buf, len, &a, src_port, deadline);

	if (n >= 0 && src_ip)
		*src_ip = a.family == FATA_AF_INET ? a.v4 : 0;
	return n;
}

static int sock_udp_send_addr(struct fata_udp *sock, const struct fata_ip_addr *dst,
			      uint16_t dst_port, const void *buf, size_t len)
{
	struct socket_udp *u = udp_of(sock);
	struct sockaddr_storage ss;
	socklen_t slen;
	int r;

	if (len > FATA_UDP_MAX_PAYLOAD)
		return -EMSGSIZE;
	r = to_sockaddr(u->stack, dst, dst_port, &ss, &slen, use6(u->stack));
	if (r < 0)
		return r;
	for (;;) {
		if (sendto(u->fd, buf, len, 0, (struct sockaddr *)&ss, slen) >= 0)
			return 0;
		if (errno != EAGAIN && errno != EINTR)
			return -errno;
		/* UDP sends never block for long: wait for room, as the direct stack's would. */
		fata_wait_io(u->fd, FATA_IO_WRITE, FATA_NEVER);
	}
}

static int sock_udp_send(struct fata_udp *sock, uint32_t dst_ip, uint16_t dst_port,
			 const void *buf, size_t len)
{
	struct fata_ip_addr a = fata_ip_v4(dst_ip);

	return sock_udp_send_addr(sock, &a, dst_port, buf, len);
}

static void sock_udp_close(struct fata_udp *sock)
{
	struct socket_udp *u = udp_of(sock);

	close(u->fd);
	free(u);
}

/* --- TCP ------------------------------------------------------------------------------------- */

static struct socket_tcp *conn_new(int fd, const struct sockaddr_storage *peer)
{
	struct socket_tcp *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->ops = &socket_tcp_ops;
	c->fd = fd;
	from_sockaddr(peer, &c->peer, &c->peer_port);
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
		struct sockaddr_storage peer;
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
	struct sockaddr_storage ss;
	socklen_t slen;
	struct listener *l;
	struct fata_fiber *f;
	int fd, one = 1, err;

	if (port == 0 || !handler)
		return -EINVAL;
	for (l = s->listeners; l; l = l->next)
		if (l->port == port)
			return -EADDRINUSE;
	local_sockaddr(s, port, &ss, &slen);
	fd = new_socket_for(s, SOCK_STREAM);
	if (fd < 0)
		return fd;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, slen) < 0 || listen(fd, LISTEN_BACKLOG) < 0) {
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

static struct fata_tcp *sock_tcp_connect_addr(struct fata_stack *stack,
					      const struct fata_ip_addr *ip, uint16_t port,
					      uint64_t deadline, int *err)
{
	struct socket_stack *s = stack_of(stack);
	struct sockaddr_in local = sin_of(s->addr, 0);
	struct sockaddr_storage ss;
	struct socket_tcp *c;
	socklen_t slen, elen = sizeof(int);
	bool v6 = ip->family == FATA_AF_INET6;
	int fd, e = 0;
	static const uint8_t zero[16];

	/* No port, no address, or a group. */
	if (port == 0 || (v6 ? ip->v6[0] == 0xff || memcmp(ip->v6, zero, 16) == 0
			     : ip->v4 == 0 || ip->v4 >= 0xe0000000u)) {
		fd = -EINVAL;
		goto fail;
	}
	if (v6 && !s->cfg.ipv6 && !s->cfg.ipv6_only) {
		fd = -EAFNOSUPPORT;
		goto fail;
	}
	to_sockaddr(s, ip, port, &ss, &slen, v6);
	fd = new_socket_family(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, v6);
	if (fd < 0)
		goto fail;
	if (!v6 && s->addr && bind(fd, (struct sockaddr *)&local, sizeof(local)) < 0)
		goto fail_errno;
	if (connect(fd, (struct sockaddr *)&ss, slen) < 0) {
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
	c = conn_new(fd, &ss);
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

static struct fata_tcp *sock_tcp_connect(struct fata_stack *stack, uint32_t ip, uint16_t port,
					 uint64_t deadline, int *err)
{
	struct fata_ip_addr a = fata_ip_v4(ip);

	return sock_tcp_connect_addr(stack, &a, port, deadline, err);
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
		*ip = c->peer.family == FATA_AF_INET ? c->peer.v4 : 0;
	if (port)
		*port = c->peer_port;
}

static void sock_tcp_peer_addr(struct fata_tcp *conn, struct fata_ip_addr *ip, uint16_t *port)
{
	struct socket_tcp *c = tcp_of(conn);

	if (ip)
		*ip = c->peer;
	if (port)
		*port = c->peer_port;
}

/* The host owns the addresses: IPv6 is there when the configuration asked for it. */
static struct fata_ipv6_config sock_ipv6(struct fata_stack *stack)
{
	struct fata_ipv6_config c;

	memset(&c, 0, sizeof(c));
	c.enabled = stack_of(stack)->cfg.ipv6 || stack_of(stack)->cfg.ipv6_only;
	return c;
}

static int sock_wait_ipv6(struct fata_stack *stack, uint64_t deadline)
{
	(void)deadline;
	return sock_ipv6(stack).enabled ? 0 : -EAFNOSUPPORT;
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
	.ipv6 = sock_ipv6,
	.wait_ipv6 = sock_wait_ipv6,
	.tcp_connect_addr = sock_tcp_connect_addr,
};

static const struct stack_udp_ops socket_udp_ops = {
	.port = sock_udp_port,
	.recv = sock_udp_recv,
	.send = sock_udp_send,
	.close = sock_udp_close,
	.recv_addr = sock_udp_recv_addr,
	.send_addr = sock_udp_send_addr,
};

static const struct stack_tcp_ops socket_tcp_ops = {
	.read = sock_tcp_read,
	.write = sock_tcp_write,
	.shutdown = sock_tcp_shutdown,
	.close = sock_tcp_close,
	.peer = sock_tcp_peer,
	.set_nodelay = sock_tcp_set_nodelay,
	.peer_addr = sock_tcp_peer_addr,
};
