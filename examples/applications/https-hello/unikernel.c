/* https-hello: serves --body over HTTPS (fata/tls.h) with the certificate --cert of the certs store. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <fata/http.h>
#include <fata/tls.h>

#include "fata/unikernel.h"

static char page[1024];

static int hello(const struct fata_http_request *req, struct fata_http_response *resp, void *arg)
{
	(void)arg;
	fata_debug("%s %s", fata_http_method_name(req->method), req->path);
	fata_http_set_body(resp, "text/plain", page, strlen(page));
	return 0;
}

int start(struct fata_kv *certs, struct fata_stack *stack)
{
	int64_t port = fata_key_port();
	const char *cert = fata_key_cert();
	int64_t handshake = fata_key_handshake_timeout();
	struct fata_tls_config tls_cfg = { 0 };
	struct fata_tls_server *tls;
	char chain[64], key[64];
	int err;

	if (port < 1 || port > 65535) {
		fata_err("--port=%lld: expected a port number from 1 to 65535", (long long)port);
		return 1;
	}
	if (strcmp(cert, "rsa") != 0 && strcmp(cert, "ecdsa") != 0) {
		fata_err("--cert=%s: expected rsa or ecdsa", cert);
		return 1;
	}
	if (handshake < 1 || handshake > 3600) {
		fata_err("--handshake-timeout=%lld: expected 1 to 3600 seconds", (long long)handshake);
		return 1;
	}
	tls_cfg.handshake_ns = (uint64_t)FATA_SEC(handshake);
	snprintf(page, sizeof(page), "%s\n", fata_key_body());
	snprintf(chain, sizeof(chain), "%s/chain.pem", cert);
	snprintf(key, sizeof(key), "%s/key.pem", cert);
	err = fata_tls_server_from_kv(&tls, &tls_cfg, certs, chain, key);
	if (err < 0) {
		fata_err("cannot set up TLS with %s and %s: %s", chain, key, strerror(-err));
		return 1;
	}
	err = fata_tls_http_serve(stack, (uint16_t)port, tls, hello, NULL, NULL);
	if (err < 0) {
		fata_err("cannot listen on port %lld: %s", (long long)port, strerror(-err));
		return 1;
	}
	fata_info("serving HTTPS on port %lld with the %s certificate", (long long)port, cert);
	for (;;)
		fata_sleep_ns(FATA_SEC(3600));
}
