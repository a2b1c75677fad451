/*
 * TCP over a stackv4 device (include/fata/net.h). The same calls work on every stack: the direct
 * stack (Fata's own TCP over a netif) and, on unix, the socket stack (the host kernel's TCP).
 *
 * Calls block only the calling fiber. Every blocking call takes a deadline in monotonic
 * nanoseconds (FATA_NEVER: wait as long as it takes) and returns -ETIMEDOUT when it passes.
 * Errors are negative errno values:
 *   -ECONNREFUSED  the peer answered a connection attempt with RST
 *   -ECONNRESET    the peer reset the connection
 *   -ETIMEDOUT     the deadline passed, or the peer stopped answering retransmissions
 *   -EPIPE         write after fata_tcp_shutdown() or after the connection closed
 *   -EADDRINUSE    listen on a port that already has a listener
 *   -ENOMEM        a connection or buffer limit was reached
 *   -ENETUNREACH   no route or no address yet
 *   -EHOSTUNREACH  nobody answered ARP for the next hop, or the address is our own
 *   -EINVAL        port 0, address 0 or a group address, no handler
 *   -EADDRNOTAVAIL no ephemeral port is free for a connect
 *   -EBADF         another fiber closed the connection while this one was blocked on it
 */
#ifndef FATA_TCP_H
#define FATA_TCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fata_stack;
struct fata_tcp;

/*
 * Runs once per accepted connection, in a fiber of its own. When it returns, the connection is
 * closed (as by fata_tcp_close()) if the handler has not closed it already.
 */
typedef int (*fata_tcp_handler)(struct fata_tcp *conn, void *arg);

/* Accepts connections on `port` (all local addresses) and runs `handler(conn, arg)` for each.
 * Returns 0, -EADDRINUSE, -ENOMEM, or -EINVAL (port 0, no handler). */
int fata_tcp_listen(struct fata_stack *s, uint16_t port, fata_tcp_handler handler, void *arg);

/* Stops accepting on `port`; established connections go on. Returns 0 or -ENOENT. */
int fata_tcp_unlisten(struct fata_stack *s, uint16_t port);

/*
 * Opens a connection to `ip` (host byte order) : `port`. Returns the connection, or NULL with a
 * negative errno in *err (when err is not NULL).
 */
struct fata_tcp *fata_tcp_connect(struct fata_stack *s, uint32_t ip, uint16_t port,
				  uint64_t deadline, int *err);

/*
 * Reads up to `len` bytes. Returns how many (at least 1), 0 at the end of the peer's stream,
 * or a negative errno.
 */
long fata_tcp_read(struct fata_tcp *c, void *buf, size_t len, uint64_t deadline);

/*
 * Writes all `len` bytes, blocking while the send buffer is full (flow control). Returns `len`,
 * or a negative errno; when the deadline passes part way, returns the bytes already queued if
 * there are any, -ETIMEDOUT otherwise.
 */
long fata_tcp_write(struct fata_tcp *c, const void *buf, size_t len, uint64_t deadline);

/* Ends our direction of the stream (sends FIN after the queued data). Reads still work. */
int fata_tcp_shutdown(struct fata_tcp *c);

/* Closes the connection and frees it: queued data is still delivered, then FIN; unread data
 * received afterwards is answered with RST. `c` is invalid afterwards. */
void fata_tcp_close(struct fata_tcp *c);

/* The peer's address (host byte order) and port. */
void fata_tcp_peer(struct fata_tcp *c, uint32_t *ip, uint16_t *port);

/* Turns Nagle's algorithm off (true: send small segments at once) or back on. */
int fata_tcp_set_nodelay(struct fata_tcp *c, bool on);

#endif
