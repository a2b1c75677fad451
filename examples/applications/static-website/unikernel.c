/* static-website: serves the htdocs store over HTTP, or over HTTPS with plain HTTP redirecting to it. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <fata/http.h>
#include <fata/http_static.h>
#include <fata/tls.h>

#include "fata/unikernel.h"

static int64_t https_port;

/*
 * Plain HTTP while HTTPS is on: every request gets 301 to the same path on the HTTPS port of the
 * host the client asked for (its Host field without the port; an IPv6 literal keeps its
 * brackets).
 */
static int redirect(const struct fata_http_request *req, struct fata_http_response *resp,
		    void *arg)
{
	const char *host = fata_http_header(req, "Host"), *end;
	char loc[FATA_HTTP_EXTRA_MAX - 16], port[8] = "";
	int n;

	(void)arg;
	if (!host || !host[0] || strcspn(host, "/?#@\\ ") != strlen(host)) {
		resp->status = 400;
		fata_http_set_body(resp, "text/plain", "400 Bad Request\n", 16);
		return 0;
	}
	end = host[0] == '[' ? strchr(host, ']') : strchr(host, ':');
	if (host[0] == '[')
		end = end ? end + 1 : host + strlen(host);
	else if (!end)
		end = host + strlen(host);
	if (https_port != 443)
		snprintf(port, sizeof(port), ":%d", (int)https_port);
	n = snprintf(loc, sizeof(loc), "https://%.*s%s%s%s%s", (int)(end - host), host, port,
		     req->path, req->query[0] ? "?" : "", req->query);
	if (n < 0 || (size_t)n >= sizeof(loc) || fata_http_add_header(resp, "Location", loc) < 0) {
		resp->status = 414;
		resp->close = true;
		return 0;
	}
	resp->status = 301;
	fata_http_set_body(resp, "text/plain", "301 Moved Permanently\n", 22);
	return 0;
}

static bool port_ok(const char *key, int64_t port, bool zero_ok)
{
	if ((port == 0 && zero_ok) || (port >= 1 && port <= 65535))
		return true;
	fata_err("--%s=%lld: expected a port number from %d to 65535", key, (long long)port,
		 zero_ok ? 0 : 1);
	return false;
}

int start(struct fata_kv *htdocs, struct fata_kv *certs, struct fata_stack *stack)
{
	int64_t http_port = fata_key_http_port();
	const char *cert = fata_key_cert(), *etag = fata_key_etag();
	struct fata_http_static_config site_cfg = { 0 };
	struct fata_http_static *site;
	struct fata_http_config http_cfg = { 0 };
	int64_t head_timeout = fata_key_head_timeout();
	bool tls = fata_key_tls();
	int err;

	https_port = fata_key_https_port();
	if (!port_ok("http-port", http_port, tls) || (tls && !port_ok("https-port", https_port, false)))
		return 1;
	if (head_timeout < 1 || head_timeout > 3600) {
		fata_err("--head-timeout=%lld: expected 1 to 3600 seconds", (long long)head_timeout);
		return 1;
	}
	http_cfg.head_ns = (uint64_t)FATA_SEC(head_timeout);
	if (strcmp(etag, "digest") == 0) {
		site_cfg.etag = FATA_HTTP_ETAG_DIGEST;
	} else if (strcmp(etag, "mtime") == 0) {
		site_cfg.etag = FATA_HTTP_ETAG_SIZE_MTIME;
	} else {
		fata_err("--etag=%s: expected digest or mtime", etag);
		return 1;
	}
	err = fata_http_static_new(&site, htdocs, &site_cfg);
	if (err < 0) {
		fata_err("cannot make the site: %s", strerror(-err));
		return 1;
	}
	if (tls) {
		struct fata_tls_config tls_cfg = { 0 };
		struct fata_tls_server *server;
		char chain[64], key[64];

		if (strcmp(cert, "rsa") != 0 && strcmp(cert, "ecdsa") != 0) {
			fata_err("--cert=%s: expected rsa or ecdsa", cert);
			return 1;
		}
		snprintf(chain, sizeof(chain), "%s/chain.pem", cert);
		snprintf(key, sizeof(key), "%s/key.pem", cert);
		err = fata_tls_server_from_kv(&server, &tls_cfg, certs, chain, key);
		if (err < 0) {
			fata_err("cannot set up TLS with %s and %s: %s", chain, key, strerror(-err));
			return 1;
		}
		err = fata_tls_http_serve(stack, (uint16_t)https_port, server,
					  fata_http_static_handler, site, &http_cfg);
		if (err < 0) {
			fata_err("cannot listen on port %lld: %s", (long long)https_port,
				 strerror(-err));
			return 1;
		}
		fata_info("serving HTTPS on port %lld with the %s certificate", (long long)https_port,
			  cert);
	}
	if (http_port) {
		err = fata_http_serve(stack, (uint16_t)http_port,
				      tls ? redirect : fata_http_static_handler, site, &http_cfg);
		if (err < 0) {
			fata_err("cannot listen on port %lld: %s", (long long)http_port,
				 strerror(-err));
			return 1;
		}
		fata_info("serving HTTP on port %lld%s", (long long)http_port,
			  tls ? ", redirecting to HTTPS" : "");
	}
	for (;;)
		fata_sleep_ns(FATA_SEC(3600));
}
