/* PEM decoding for the TLS library: walks the objects of a PEM text with BearSSL's decoder. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tls_impl.h"

struct fata_log_src tls_log = { .name = "tls" };

struct growbuf {
	unsigned char *p;
	size_t len, cap;
	bool oom;
};

static void grow_append(void *ctx, const void *data, size_t len)
{
	struct growbuf *g = ctx;

	if (g->oom)
		return;
	if (len > g->cap - g->len) {
		size_t cap = g->cap ? g->cap : 1024;
		unsigned char *p;

		while (len > cap - g->len) {
			if (cap > (size_t)1 << 30) {
				g->oom = true;
				return;
			}
			cap *= 2;
		}
		p = realloc(g->p, cap);
		if (!p) {
			g->oom = true;
			return;
		}
		g->p = p;
		g->cap = cap;
	}
	memcpy(g->p + g->len, data, len);
	g->len += len;
}

int tls_pem_each(const void *data, size_t len,
		 int (*fn)(void *arg, const char *name, unsigned char *der, size_t len), void *arg)
{
	br_pem_decoder_context pc;
	struct growbuf g = { 0 };
	const unsigned char *p = data;
	size_t left = len;
	bool extra = false, inside = false;
	char name[128];
	int count = 0, err;

	br_pem_decoder_init(&pc);
	for (;;) {
		if (left == 0) {
			/* A last newline ends an END line that the text does not end with. */
			if (extra)
				break;
			p = (const unsigned char *)"\n";
			left = 1;
			extra = true;
		}
		size_t k = br_pem_decoder_push(&pc, p, left);

		p += k;
		left -= k;
		switch (br_pem_decoder_event(&pc)) {
		case BR_PEM_BEGIN_OBJ:
			snprintf(name, sizeof(name), "%s", br_pem_decoder_name(&pc));
			g.len = 0;
			br_pem_decoder_setdest(&pc, grow_append, &g);
			inside = true;
			break;
		case BR_PEM_END_OBJ:
			inside = false;
			if (g.oom) {
				free(g.p);
				return -ENOMEM;
			}
			err = fn(arg, name, g.p, g.len);
			g.p = NULL;
			g.len = g.cap = 0;
			if (err < 0)
				return err;
			count++;
			break;
		case BR_PEM_ERROR:
			free(g.p);
			return -EINVAL;
		default:
			break;
		}
	}
	free(g.p);
	return inside ? -EINVAL : count;
}
