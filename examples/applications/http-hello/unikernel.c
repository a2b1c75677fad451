/* http-hello: answers every GET and HEAD with --body, on the HTTP/1.1 library (fata/http.h). */
#include <stdio.h>
#include <string.h>

#include <fata/http.h>

#include "fata/unikernel.h"

static char page[1024];

static int hello(const struct fata_http_request *req, struct fata_http_response *resp, void *arg)
{
	(void)arg;
	fata_debug("%s %s", fata_http_method_name(req->method), req->path);
	fata_http_set_body(resp, "text/plain", page, strlen(page));
	return 0;
}

int start(struct fata_stack *stack)
{
	int64_t port = fata_key_port();
	int64_t head_timeout = fata_key_head_timeout();
	struct fata_http_config cfg = { 0 };
	int err;

	if (port < 1 || port > 65535) {
		fata_err("--port=%lld: expected a port number from 1 to 65535", (long long)port);
		return 1;
	}
	if (head_timeout < 1 || head_timeout > 3600) {
		fata_err("--head-timeout=%lld: expected seconds from 1 to 3600",
			 (long long)head_timeout);
		return 1;
	}
	snprintf(page, sizeof(page), "%s\n", fata_key_body());
	cfg.head_ns = FATA_SEC(head_timeout);
	err = fata_http_serve(stack, (uint16_t)port, hello, NULL, &cfg);
	if (err < 0) {
		fata_err("cannot listen on port %lld: %s", (long long)port, strerror(-err));
		return 1;
	}
	fata_info("serving HTTP on port %lld", (long long)port);
	for (;;)
		fata_sleep_ns(FATA_SEC(3600));
}
