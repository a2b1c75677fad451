/*
 * What a stackv4 implementation provides: one ops table per kind of object it hands out (stack,
 * UDP socket, TCP connection). The direct stack (stack.c, udp.c, tcp.c) and, on unix, the socket
 * stack (socket_unix.c) each fill them in; net.c holds the public calls of fata/net.h and
 * fata/tcp.h and dispatches each one through the table of the object it is given.
 *
 * So the implementation is chosen by the connect call the generated code makes
 * (fata_stack_connect() or fata_stack_connect_socket()), never by link order, and both can be
 * linked into one program. The cost is one indirect call per public call.
 *
 * The contract: every struct fata_stack, fata_udp and fata_tcp an implementation returns MUST
 * begin with the pointer to its ops table (a `const struct stack_ops *` and so on) and keep it
 * for the object's whole life. net.c has already handled NULL where the public interface allows
 * it (disconnect, close), so no op is called with NULL.
 */
#ifndef FATA_NET_STACK_IMPL_H
#define FATA_NET_STACK_IMPL_H

#include <fata/net.h>
#include <fata/tcp.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The calls that take a struct fata_stack; each as its public call in fata/net.h, fata/tcp.h. */
struct stack_ops {
	void (*disconnect)(struct fata_stack *s);
	struct fata_ipv4_config (*ipv4)(struct fata_stack *s);
	void (*mac)(struct fata_stack *s, uint8_t mac[FATA_MAC_LEN]);
	struct fata_netif *(*netif)(struct fata_stack *s);
	void (*stats)(struct fata_stack *s, struct fata_stack_stats *out);
	void (*stats_log)(struct fata_stack *s);
	struct fata_udp *(*udp_bind)(struct fata_stack *s, uint16_t port);
	int (*tcp_listen)(struct fata_stack *s, uint16_t port, fata_tcp_handler handler, void *arg);
	int (*tcp_unlisten)(struct fata_stack *s, uint16_t port);
	struct fata_tcp *(*tcp_connect)(struct fata_stack *s, uint32_t ip, uint16_t port,
					uint64_t deadline, int *err);
	/* IPv6; NULL: the implementation has none (fata_stack_ipv6() says disabled). */
	struct fata_ipv6_config (*ipv6)(struct fata_stack *s);
	int (*wait_ipv6)(struct fata_stack *s, uint64_t deadline);
	struct fata_tcp *(*tcp_connect_addr)(struct fata_stack *s, const struct fata_ip_addr *ip,
					     uint16_t port, uint64_t deadline, int *err);
};

/* The calls that take a struct fata_udp (fata/net.h). */
struct stack_udp_ops {
	uint16_t (*port)(const struct fata_udp *u);
	long (*recv)(struct fata_udp *u, void *buf, size_t len, uint32_t *src_ip,
		     uint16_t *src_port, uint64_t deadline);
	int (*send)(struct fata_udp *u, uint32_t dst_ip, uint16_t dst_port, const void *buf,
		    size_t len);
	void (*close)(struct fata_udp *u);
	/* Either family; NULL: IPv4 only, net.c goes through recv and send. */
	long (*recv_addr)(struct fata_udp *u, void *buf, size_t len, struct fata_ip_addr *src,
			  uint16_t *src_port, uint64_t deadline);
	int (*send_addr)(struct fata_udp *u, const struct fata_ip_addr *dst, uint16_t dst_port,
			 const void *buf, size_t len);
};

/* The calls that take a struct fata_tcp (fata/tcp.h). */
struct stack_tcp_ops {
	long (*read)(struct fata_tcp *c, void *buf, size_t len, uint64_t deadline);
	long (*write)(struct fata_tcp *c, const void *buf, size_t len, uint64_t deadline);
	int (*shutdown)(struct fata_tcp *c);
	void (*close)(struct fata_tcp *c);
	void (*peer)(struct fata_tcp *c, uint32_t *ip, uint16_t *port);
	int (*set_nodelay)(struct fata_tcp *c, bool on);
	void (*peer_addr)(struct fata_tcp *c, struct fata_ip_addr *ip, uint16_t *port); /* or NULL */
};

#endif
