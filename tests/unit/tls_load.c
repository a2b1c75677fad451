/* Unit test of the TLS library's loading: PEM chains and keys from memory and from a kv store,
 * and the errors a user makes (garbage, no certificate, the wrong key, no entropy). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fata/kv.h>
#include <fata/tcp.h>
#include <fata/tls.h>

#include <fata/runtime.h>

#include "tap.h"

static struct fata_key no_keys[1];
const struct fata_unikernel fata_unikernel = { .name = "test", .keys = no_keys };

#define CERTS "examples/applications/https-hello/certs/"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = malloc(65536);

	*len = f ? fread(buf, 1, 65535, f) : 0;
	if (f)
		fclose(f);
	buf[*len] = '\0';
	return buf;
}

static int fake_entropy(void *ctx, void *buf, size_t len)
{
	(void)ctx;
	memset(buf, 0x5a, len);
	return 0;
}

int main(void)
{
	struct fata_tls_config cfg = { .entropy = fake_entropy };
	struct fata_tls_server *s;
	struct fata_tls_client *c;
	size_t rl, rk, el, ek, cal;
	char *rsa_chain = slurp(CERTS "rsa/chain.pem", &rl), *rsa_key = slurp(CERTS "rsa/key.pem", &rk);
	char *ec_chain = slurp(CERTS "ecdsa/chain.pem", &el), *ec_key = slurp(CERTS "ecdsa/key.pem", &ek);
	char *ca = slurp(CERTS "ca.pem", &cal);
	struct fata_kv *kv;
	char *cut;

	ok(rl && rk && el && ek && cal, "the example's test certificates are there");
	is_int(fata_tls_server_new(&s, &cfg, rsa_chain, rl, rsa_key, rk), 0, "RSA chain and key load");
	fata_tls_server_free(s);
	is_int(fata_tls_server_new(&s, &cfg, ec_chain, el, ec_key, ek), 0, "ECDSA chain and key load");
	fata_tls_server_free(s);
	is_int(fata_tls_server_new(&s, NULL, ec_chain, el, ec_key, ek), 0,
	       "unix: no entropy source given takes getrandom");
	fata_tls_server_free(s);
	is_int(fata_tls_server_new(&s, &cfg, rsa_chain, rl, ec_key, ek), -EINVAL,
	       "an EC key with an RSA certificate: -EINVAL");
	ok(s == NULL, "and no server");
	is_int(fata_tls_server_new(&s, &cfg, ec_chain, el, rsa_key, rk), -EINVAL,
	       "an RSA key with an EC certificate: -EINVAL");
	/* ca.pem's certificate is EC too, but of another key. */
	is_int(fata_tls_server_new(&s, &cfg, ca, cal, ec_key, ek), -EINVAL,
	       "an EC key that is not the certificate's: -EINVAL");
	is_int(fata_tls_server_new(&s, &cfg, "hello world\n", 12, ec_key, ek), -EINVAL,
	       "text without a certificate: -EINVAL");
	is_int(fata_tls_server_new(&s, &cfg, "", 0, ec_key, ek), -EINVAL, "an empty chain: -EINVAL");
	is_int(fata_tls_server_new(&s, &cfg, ec_chain, el, "", 0), -EINVAL, "no key: -EINVAL");
	is_int(fata_tls_server_new(&s, &cfg, ec_chain, el, ec_chain, el), -EINVAL,
	       "a certificate where the key should be: -EINVAL");
	/* Garbage inside a PEM block, and a block without its END line. */
	cut = strdup(ec_chain);
	memcpy(cut + 40, "!!!!", 4);
	is_int(fata_tls_server_new(&s, &cfg, cut, el, ec_key, ek), -EINVAL,
	       "bad base64 in a certificate: -EINVAL");
	free(cut);
	is_int(fata_tls_server_new(&s, &cfg, ec_chain, el, ec_key, ek / 2), -EINVAL,
	       "a key cut in half: -EINVAL");
	cut = strdup(ec_key);
	cut[60] ^= 0x01;
	is_int(fata_tls_server_new(&s, &cfg, ec_chain, el, cut, ek), -EINVAL,
	       "a key with a changed byte: -EINVAL");
	free(cut);

	kv = fata_kv_direct_connect("certs", CERTS);
	ok(kv != NULL, "the certs folder as a direct kv store");
	is_int(fata_tls_server_from_kv(&s, &cfg, kv, "rsa/chain.pem", "rsa/key.pem"), 0,
	       "a server from the kv store");
	fata_tls_server_free(s);
	is_int(fata_tls_server_from_kv(&s, &cfg, kv, "rsa/nothing.pem", "rsa/key.pem"), -ENOENT,
	       "a missing chain in the store: -ENOENT");
	is_int(fata_tls_server_from_kv(&s, &cfg, kv, "rsa/chain.pem", "ecdsa/key.pem"), -EINVAL,
	       "the wrong key from the store: -EINVAL");
	fata_kv_disconnect(kv);

	is_int(fata_tls_client_new(&c, &cfg, ca, cal), 0, "a client trusting the test CA");
	fata_tls_client_free(c);
	is_int(fata_tls_client_new(&c, &cfg, "junk", 4), -EINVAL, "a client without anchors: -EINVAL");

	free(rsa_chain), free(rsa_key), free(ec_chain), free(ec_key), free(ca);
	return tap_done();
}

/* No network here: the connection functions the library links against. */
long fata_tcp_read(struct fata_tcp *c, void *buf, size_t len, uint64_t deadline)
{
	(void)c, (void)buf, (void)len, (void)deadline;
	return -ENOTCONN;
}

long fata_tcp_write(struct fata_tcp *c, const void *buf, size_t len, uint64_t deadline)
{
	(void)c, (void)buf, (void)len, (void)deadline;
	return -ENOTCONN;
}

int fata_tcp_shutdown(struct fata_tcp *c)
{
	(void)c;
	return -ENOTCONN;
}

void fata_tcp_close(struct fata_tcp *c)
{
	(void)c;
}
