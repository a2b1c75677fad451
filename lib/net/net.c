/*
 * The public calls of the stackv4 device (fata/net.h, fata/tcp.h) that take a stack, a UDP
 * socket or a TCP connection: each one calls the implementation the object belongs to through
 * the ops table at its start (stack_impl.h). The connect calls are the implementations' own.
 */
#include <errno.h>
#include <string.h>

#include <fata/net.h>
#include <fata/tcp.h>

#include "stack_impl.h"

/* The ops table at the start of each object (the contract in stack_impl.h): a pointer to a
 * struct converts to a pointer to its first member. */
static inline const struct stack_ops *ops_of(const struct fata_stack *s)
{
	return *(const struct stack_ops *const *)(const void *)s;
}

static inline const struct stack_udp_ops *udp_ops_of(const struct fata_udp *u)
{
	return *(const struct stack_udp_ops *const *)(const void *)u;
}

static inline const struct stack_tcp_ops *tcp_ops_of(const struct fata_tcp *c)
{
	return *(const struct stack_tcp_ops *const *)(const void *)c;
}

/* --- the stack --------------------------------------------------------------------------------- */

void fata_stack_disconnect(struct fata_stack *s)
{
	if (s)
		ops_of(s)->disconnect(s);
}

struct fata_ipv4_config fata_stack_ipv4(struct fata_stack *s)
{
	return ops_of(s)->ipv4(s);
}

void fata_stack_mac(struct fata_stack *s, uint8_t mac[FATA_MAC_LEN])
{
	ops_of(s)->mac(s, mac);
}

struct fata_netif *fata_stack_netif(struct fata_stack *s)
{
	return ops_of(s)->netif(s);
}

struct fata_ipv6_config fata_stack_ipv6(struct fata_stack *s)
{
	struct fata_ipv6_config c;

	if (ops_of(s)->ipv6)
		return ops_of(s)->ipv6(s);
	memset(&c, 0, sizeof(c));
	return c;
}

int fata_stack_wait_ipv6(struct fata_stack *s, uint64_t deadline)
{
	return ops_of(s)->wait_ipv6 ? ops_of(s)->wait_ipv6(s, deadline) : -EAFNOSUPPORT;
}

void fata_stack_stats(struct fata_stack *s, struct fata_stack_stats *out)
{
	ops_of(s)->stats(s, out);
}

void fata_stack_stats_log(struct fata_stack *s)
{
	ops_of(s)->stats_log(s);
}

/* --- UDP --------------------------------------------------------------------------------------- */

struct fata_udp *fata_udp_bind(struct fata_stack *s, uint16_t port)
{
	return ops_of(s)->udp_bind(s, port);
}

uint16_t fata_udp_port(const struct fata_udp *u)
{
	return udp_ops_of(u)->port(u);
}

long fata_udp_recv(struct fata_udp *u, void *buf, size_t len, uint32_t *src_ip,
		   uint16_t *src_port, uint64_t deadline)
{
	return udp_ops_of(u)->recv(u, buf, len, src_ip, src_port, deadline);
}

int fata_udp_send(struct fata_udp *u, uint32_t dst_ip, uint16_t dst_port, const void *buf,
		  size_t len)
{
	return udp_ops_of(u)->send(u, dst_ip, dst_port, buf, len);
}

long fata_udp_recv_addr(struct fata_udp *u, void *buf, size_t len, struct fata_ip_addr *src,
			uint16_t *src_port, uint64_t deadline)
{
	uint32_t ip = 0;
	long n;

	if (udp_ops_of(u)->recv_addr)
		return udp_ops_of(u)->recv_addr(u, buf, len, src, src_port, deadline);
	n = udp_ops_of(u)->recv(u, buf, len, &ip, src_port, deadline);
	if (n >= 0 && src)
		*src = fata_ip_v4(ip);
	return n;
}

int fata_udp_send_addr(struct fata_udp *u, const struct fata_ip_addr *dst, uint16_t dst_port,
		       const void *buf, size_t len)
{
	if (udp_ops_of(u)->send_addr)
		return udp_ops_of(u)->send_addr(u, dst, dst_port, buf, len);
	if (dst->family != FATA_AF_INET)
		return -EAFNOSUPPORT;
	return udp_ops_of(u)->send(u, dst->v4, dst_port, buf, len);
}

int fata_ip_parse(const char *text, struct fata_ip_addr *out)
{
	union fata_key_value v;

	if (fata_key_value_parse(FATA_KEY_IPV4, text, &v) == 0) {
		*out = fata_ip_v4(v.ipv4);
		return 0;
	}
	if (fata_ipv6_parse(text, v.ipv6.addr) == 0) {
		*out = fata_ip_v6(v.ipv6.addr);
		return 0;
	}
	return -1;
}

char *fata_ip_format(const struct fata_ip_addr *a, char buf[FATA_IP_STRLEN])
{
	if (a->family == FATA_AF_INET6)
		return fata_ipv6_format(a->v6, buf);
	return fata_ipv4_format(a->v4, buf);
}

void fata_udp_close(struct fata_udp *u)
{
	if (u)
		udp_ops_of(u)->close(u);
}

/* --- TCP --------------------------------------------------------------------------------------- */

int fata_tcp_listen(struct fata_stack *s, uint16_t port, fata_tcp_handler handler, void *arg)
{
	return ops_of(s)->tcp_listen(s, port, handler, arg);
}

int fata_tcp_unlisten(struct fata_stack *s, uint16_t port)
{
	return ops_of(s)->tcp_unlisten(s, port);
}

struct fata_tcp *fata_tcp_connect(struct fata_stack *s, uint32_t ip, uint16_t port,
				  uint64_t deadline, int *err)
{
	return ops_of(s)->tcp_connect(s, ip, port, deadline, err);
}

long fata_tcp_read(struct fata_tcp *c, void *buf, size_t len, uint64_t deadline)
{
	return tcp_ops_of(c)->read(c, buf, len, deadline);
}

long fata_tcp_write(struct fata_tcp *c, const void *buf, size_t len, uint64_t deadline)
{
	return tcp_ops_of(c)->write(c, buf, len, deadline);
}

int fata_tcp_shutdown(struct fata_tcp *c)
{
	return tcp_ops_of(c)->shutdown(c);
}

void fata_tcp_close(struct fata_tcp *c)
{
	if (c)
		tcp_ops_of(c)->close(c);
}

void fata_tcp_peer(struct fata_tcp *c, uint32_t *ip, uint16_t *port)
{
	tcp_ops_of(c)->peer(c, ip, port);
}

struct fata_tcp *fata_tcp_connect_addr(struct fata_stack *s, const struct fata_ip_addr *ip,
				       uint16_t port, uint64_t deadline, int *err)
{
	if (ops_of(s)->tcp_connect_addr)
		return ops_of(s)->tcp_connect_addr(s, ip, port, deadline, err);
	if (ip->family == FATA_AF_INET)
		return ops_of(s)->tcp_connect(s, ip->v4, port, deadline, err);
	if (err)
		*err = -EAFNOSUPPORT;
	return NULL;
}

void fata_tcp_peer_addr(struct fata_tcp *c, struct fata_ip_addr *ip, uint16_t *port)
{
	uint32_t v4 = 0;

	if (tcp_ops_of(c)->peer_addr) {
		tcp_ops_of(c)->peer_addr(c, ip, port);
		return;
	}
	tcp_ops_of(c)->peer(c, &v4, port);
	if (ip)
		*ip = fata_ip_v4(v4);
}

int fata_tcp_set_nodelay(struct fata_tcp *c, bool on)
{
	return tcp_ops_of(c)->set_nodelay(c, on);
}
