/*
 * TLS 1.2 over fata_tcp connections, on BearSSL (Debian's libbearssl, linked into every target;
 * hvt and virtio link its source built without vector instructions).
 *
 * A server takes a PEM certificate chain and a PEM private key (RSA or EC; PKCS#1, SEC 1 or
 * PKCS#8), given as bytes or read from a kv_ro device, and offers only ECDHE key exchange
 * (X25519, P-256, P-384, P-521) with AES-128/256-GCM and ChaCha20-Poly1305, session resumption
 * by session ID (an LRU cache shared by the server's connections) and the ALPN protocol
 * "http/1.1". A client verifies the server's chain against PEM trust anchors and its name.
 *
 * Every connection is seeded from the configuration's entropy source, by default the library's
 * random generator (fata/random.h: the host's getrandom on unix, the tender's seed and
 * RDSEED/RDRAND on hvt and spt). Where it has no source, creating a server or client fails with
 * -ENOSYS: TLS never falls back to a weak source.
 *
 * Blocking calls block only the calling fiber; deadlines are monotonic nanoseconds (fata/time.h).
 * Functions return 0 (or a count) on success and a negative errno; errors are also logged under
 * the source "tls" (wrong inputs at error level, failed handshakes at debug level).
 */
#ifndef FATA_TLS_H
#define FATA_TLS_H

#include <stddef.h>
#include <stdint.h>

#include <fata/http.h>

struct fata_tcp;
struct fata_kv;
struct fata_stack;
struct fata_tls_server;
struct fata_tls_client;
struct fata_tls_conn;

/*
 * Fills `len` bytes at `buf` with output of a cryptographically strong generator (for instance
 * the random device's). Returns 0, or a negative errno when it cannot.
 */
typedef int (*fata_tls_entropy)(void *ctx, void *buf, size_t len);

/* Options of a server or client; fields left 0 take the default in brackets; NULL: defaults. */
struct fata_tls_config {
	fata_tls_entropy entropy;	/* [the library's random generator] */
	void *entropy_ctx;
	size_t session_cache;		/* server: bytes of the session cache [32768, about 330
					 * sessions]; (size_t)-1 turns resumption off */
	uint64_t handshake_ns;		/* a handshake must end in this time [10 s] */
};

/*
 * Makes a server from `chain` (one or more PEM "CERTIFICATE" blocks, the server's own first)
 * and `key` (a PEM "PRIVATE KEY", "RSA PRIVATE KEY" or "EC PRIVATE KEY" block). The buffers
 * may be freed afterwards. Returns 0 and *out, or -EINVAL (garbage PEM, no certificate, an
 * unusable key, a key that does not belong to the first certificate: logged with the reason),
 * -ENOSYS (no entropy source), -ENOMEM.
 */
int fata_tls_server_new(struct fata_tls_server **out, const struct fata_tls_config *cfg,
			const void *chain, size_t chain_len, const void *key, size_t key_len);

/*
 * As fata_tls_server_new, with the chain and the key read from the values `chain_key` and
 * `key_key` of `kv`. Errors of the store (-ENOENT, -EIO, ...) are returned as they are.
 */
int fata_tls_server_from_kv(struct fata_tls_server **out, const struct fata_tls_config *cfg,
			    struct fata_kv *kv, const char *chain_key, const char *key_key);

/* Frees a server. Its connections must be closed first. */
void fata_tls_server_free(struct fata_tls_server *s);

/*
 * Runs the server side of a handshake on `tcp` (which the connection then owns: closing the
 * connection closes it; on failure it is closed too). Returns 0 and *out, -ETIMEDOUT after
 * handshake_ns, -ECONNRESET when the peer closes, -EPROTO when the handshake fails (no common
 * cipher suite, bad record...), -ENOMEM, or an error of the TCP connection.
 */
int fata_tls_accept(struct fata_tls_server *s, struct fata_tcp *tcp, struct fata_tls_conn **out);

/*
 * Makes a client trusting the certificates of `anchors` (PEM "CERTIFICATE" blocks). Returns 0
 * and *out, -EINVAL (garbage PEM, no certificate), -ENOSYS (no entropy source), -ENOMEM.
 */
int fata_tls_client_new(struct fata_tls_client **out, const struct fata_tls_config *cfg,
			const void *anchors, size_t anchors_len);

/* Frees a client. Its connections must be closed first. */
void fata_tls_client_free(struct fata_tls_client *c);

/*
 * Runs the client side of a handshake on `tcp` (owned as by fata_tls_accept), offering ALPN
 * "http/1.1" and checking that the server's chain leads to an anchor, is valid at the wall-clock
 * time and names `server_name` (which is also sent as SNI; BearSSL matches DNS names only, so an
 * IP address as the name never verifies). Errors as fata_tls_accept; a chain that does not verify
 * gives -EPROTO and one error line, "certificate of NAME refused: REASON" (no trusted CA, wrong
 * name, expired...).
 */
int fata_tls_connect(struct fata_tls_client *c, struct fata_tcp *tcp, const char *server_name,
		     struct fata_tls_conn **out);

/*
 * Reads application data: returns bytes read (>= 1), 0 when the peer closed the stream (with or
 * without close_notify), -ETIMEDOUT after `deadline`, -EPROTO for a broken record, or an error
 * of the TCP connection.
 */
long fata_tls_read(struct fata_tls_conn *c, void *buf, size_t len, uint64_t deadline);

/* Writes and flushes all `len` bytes: returns `len`, or an error as fata_tls_read. */
long fata_tls_write(struct fata_tls_conn *c, const void *buf, size_t len, uint64_t deadline);

/* Sends close_notify and ends our direction of the TCP stream. Returns 0 or a negative errno. */
int fata_tls_shutdown(struct fata_tls_conn *c);

/* Closes the TCP connection and frees `c` (after fata_tls_shutdown for a clean end). */
void fata_tls_close(struct fata_tls_conn *c);

/* "TLSv1.2", the cipher suite's OpenSSL name and the ALPN protocol chosen ("" when none):
 * valid while the connection is open. */
struct fata_tls_info {
	const char *version;
	const char *cipher;
	const char *alpn;
};
void fata_tls_info(struct fata_tls_conn *c, struct fata_tls_info *info);

/* Fills `io` so that fata_http_serve_io() serves HTTP over the connection; io->close closes it. */
void fata_tls_http_io(struct fata_tls_conn *c, struct fata_http_io *io);

/*
 * The HTTP client's TLS hook (fata_http_get_options.tls_connect, with `tls` a struct
 * fata_tls_client): fata_tls_connect() on `tcp` for `host`, then fata_tls_http_io() into `io`.
 * Returns what fata_tls_connect() returns; `tcp` is closed on failure.
 */
int fata_tls_http_connect(void *tls, struct fata_tcp *tcp, const char *host, struct fata_http_io *io);

/*
 * Listens on TCP `port` of `stack` and serves HTTPS: each connection gets its own fiber, a
 * handshake with `s`, then fata_http_serve_io with `handler`, `arg` and `cfg` (may be NULL).
 * Returns 0 at once, or an error of fata_tcp_listen.
 */
int fata_tls_http_serve(struct fata_stack *stack, uint16_t port, struct fata_tls_server *s,
			fata_http_handler handler, void *arg, const struct fata_http_config *cfg);

#endif
