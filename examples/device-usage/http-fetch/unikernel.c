/* http-fetch: GETs --url (http or https) with the HTTP client of fata/http.h and prints what
 * came back. Exits 0 for a 2xx response, 1 for another status or a failure. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fata/http.h>
#include <fata/kv.h>
#include <fata/tcp.h>
#include <fata/tls.h>

#include "fata/unikernel.h"

/* The TLS client, made from the CA certificates of value --ca of the certs store when the
 * first https connection needs it: a fetch over http alone reads no CA and runs no TLS code.
 * A handshake may take as long as the whole fetch (--timeout-ms). */
struct lazy_tls {
	struct fata_kv *certs;
	struct fata_tls_client *client;
	struct fata_tls_config cfg;
};

static int tls_connect(void *arg, struct fata_tcp *tcp, const char *host, struct fata_http_io *io)
{
	struct lazy_tls *t = arg;

	if (!t->client) {
		void *pem;
		size_t len;
		int r = fata_kv_get(t->certs, fata_key_ca(), &pem, &len);

		if (r == 0) {
			r = fata_tls_client_new(&t->client, &t->cfg, pem, len);
			free(pem);
			if (r < 0)
				fata_err("--ca=%s: no usable CA certificate (%s)", fata_key_ca(),
					 strerror(-r));
		} else {
			fata_err("--ca=%s: %s in the certs store", fata_key_ca(), strerror(-r));
		}
		if (r < 0) {
			fata_tcp_close(tcp);
			return r;
		}
	}
	return fata_tls_http_connect(t->client, tcp, host, io);
}

int start(struct fata_kv *certs, struct fata_stack *stack, struct fata_random *rng,
	  struct fata_console *console)
{
	struct fata_http_get_options opt = { 0 };
	struct lazy_tls tls = { certs, NULL, { 0 } };
	struct fata_http_result res;
	uint32_t dns;
	int r;

	if (fata_key_max_redirects() < 0 || fata_key_max_redirects() > 100 ||
	    fata_key_timeout_ms() < 1 || fata_key_max_bytes() < 1) {
		fata_err("--max-redirects 0-100, --timeout-ms and --max-bytes at least 1");
		return 64;
	}
	if (fata_key_dns_server()[0]) {
		union fata_key_value v;

		if (fata_key_value_parse(FATA_KEY_IPV4, fata_key_dns_server(), &v) < 0) {
			fata_err("--dns-server=%s: not an IPv4 address", fata_key_dns_server());
			return 64;
		}
		dns = v.ipv4;
		opt.dns = &dns;
		opt.ndns = 1;
	}
	opt.max_redirects = (unsigned)fata_key_max_redirects();
	tls.cfg.handshake_ns = (uint64_t)fata_key_timeout_ms() * 1000000;
	opt.deadline = fata_monotonic_ns() + tls.cfg.handshake_ns;
	opt.body_max = (size_t)fata_key_max_bytes();
	opt.rng = rng;
	opt.tls_connect = tls_connect;
	opt.tls = &tls;
	fata_info("GET %s", fata_key_url());
	r = fata_http_get(stack, fata_key_url(), &opt, &res);
	if (tls.client)
		fata_tls_client_free(tls.client);
	if (r == -ELOOP) {
		fata_err("more than %u redirects; the last went to %s", opt.max_redirects, res.location);
		fata_http_result_free(&res);
		return 1;
	}
	if (r < 0) {
		fata_err("%s: %s", fata_key_url(), strerror(-r));
		return 1;
	}
	fata_info("HTTP %d %s from %s://%s:%u%s, %zu bytes%s%s, %u redirect%s", res.status,
		  res.reason, res.url.https ? "https" : "http", res.url.host, (unsigned)res.url.port, res.url.target, res.body_len,
		  res.content_type[0] ? " of " : "", res.content_type, res.redirects,
		  res.redirects == 1 ? "" : "s");
	if (res.body_len)
		fata_console_write(console, (const char *)res.body, res.body_len);
	r = res.status >= 200 && res.status < 300 ? 0 : 1;
	fata_http_result_free(&res);
	return r;
}
