/* TLS 1.2 servers and clients on BearSSL's engine, driven over fata_tcp with deadlines. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <fata/kv.h>
#include <fata/random.h>
#include <fata/tcp.h>
#include <fata/time.h>

#include "tls_impl.h"

#define DEFAULT_CACHE 32768
#define DEFAULT_HANDSHAKE_NS (10ull * 1000000000ull)
#define SEED_LEN 32
#define CLOSE_NS (1000000000ull)	/* time given to our close_notify */

/* Only ECDHE with AEAD ciphers, the strong end of TLS 1.2 (RFC 7525 §4.2). */
static const uint16_t rsa_suites[] = {
	BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
};
static const uint16_t ec_suites[] = {
	BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
};
static const uint16_t client_suites[] = {
	BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
	BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
};

static const struct {
	uint16_t id;
	const char *name;
} suite_names[] = {
	{ BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, "ECDHE-RSA-AES128-GCM-SHA256" },
	{ BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, "ECDHE-RSA-AES256-GCM-SHA384" },
	{ BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, "ECDHE-RSA-CHACHA20-POLY1305" },
	{ BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, "ECDHE-ECDSA-AES128-GCM-SHA256" },
	{ BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, "ECDHE-ECDSA-AES256-GCM-SHA384" },
	{ BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, "ECDHE-ECDSA-CHACHA20-POLY1305" },
};

static const char *alpn_names[] = { "http/1.1" };

struct fata_tls_server {
	fata_tls_entropy entropy;
	void *entropy_ctx;
	uint64_t handshake_ns;
	br_x509_certificate *chain;
	size_t chain_len;
	br_skey_decoder_context key;	/* holds the private key's numbers */
	unsigned key_type;		/* BR_KEYTYPE_RSA or BR_KEYTYPE_EC */
	bool cache_on;
	br_ssl_session_cache_lru cache;
	unsigned char *cache_store;
};

struct fata_tls_client {
	fata_tls_entropy entropy;
	void *entropy_ctx;
	uint64_t handshake_ns;
	br_x509_trust_anchor *anchors;
	size_t nanchors;
};

struct fata_tls_conn {
	union {
		br_ssl_server_context server;
		br_ssl_client_context client;
	} u;
	br_x509_minimal_context x509;	/* a client's chain check */
	br_ssl_engine_context *eng;
	struct fata_tcp *tcp;
	int err;			/* sticky: the transport's error, once it failed */
	bool eof;			/* the peer closed TCP after the handshake */
	unsigned char iobuf[BR_SSL_BUFSIZE_BIDI];
};

/* --- configuration --------------------------------------------------------------------------- */

static int take_config(const struct fata_tls_config *cfg, fata_tls_entropy *entropy, void **ctx,
		       uint64_t *handshake_ns)
{
	*entropy = cfg && cfg->entropy ? cfg->entropy : tls_default_entropy;
	*ctx = cfg && cfg->entropy ? cfg->entropy_ctx : NULL;
	*handshake_ns = cfg && cfg->handshake_ns ? cfg->handshake_ns : DEFAULT_HANDSHAKE_NS;
	if (!*entropy || (*entropy == tls_default_entropy && !fata_random_default())) {
		fata_log(&tls_log, FATA_LOG_ERROR, "no entropy source: the random generator has "
			 "none here (see fata/random.h), and TLS never uses a weak one");
		return -ENOSYS;
	}
	return 0;
}

/* --- server's certificate chain and key ---------------------------------------------------------- */

struct load {
	struct fata_tls_server *s;
	bool have_key;
	int err;
};

static int add_cert(void *arg, const char *name, unsigned char *der, size_t len)
{
	struct fata_tls_server *s = arg;
	br_x509_certificate *chain;

	if (strcmp(name, "CERTIFICATE") != 0 && strcmp(name, "X509 CERTIFICATE") != 0) {
		free(der);
		return 0;
	}
	chain = realloc(s->chain, (s->chain_len + 1) * sizeof(*chain));
	if (!chain) {
		free(der);
		return -ENOMEM;
	}
	s->chain = chain;
	s->chain[s->chain_len].data = der;
	s->chain[s->chain_len].data_len = len;
	s->chain_len++;
	return 0;
}

static int add_key(void *arg, const char *name, unsigned char *der, size_t len)
{
	struct load *l = arg;

	if (strcmp(name, "PRIVATE KEY") != 0 && strcmp(name, "RSA PRIVATE KEY") != 0 &&
	    strcmp(name, "EC PRIVATE KEY") != 0) {
		free(der);
		return 0;		/* "EC PARAMETERS" and friends */
	}
	if (l->have_key) {
		free(der);
		fata_log(&tls_log, FATA_LOG_ERROR, "the key file holds more than one private key");
		return -EINVAL;
	}
	br_skey_decoder_init(&l->s->key);
	br_skey_decoder_push(&l->s->key, der, len);
	free(der);
	if (br_skey_decoder_last_error(&l->s->key) != 0) {
		fata_log(&tls_log, FATA_LOG_ERROR, "the private key cannot be decoded (BearSSL "
			 "error %d)", br_skey_decoder_last_error(&l->s->key));
		return -EINVAL;
	}
	l->have_key = true;
	return 0;
}

static void dn_ignore(void *ctx, const void *data, size_t len)
{
	(void)ctx, (void)data, (void)len;
}

/* Equal as big-endian numbers (leading zeros aside). */
static bool same_number(const unsigned char *a, size_t alen, const unsigned char *b, size_t blen)
{
	while (alen > 0 && *a == 0)
		a++, alen--;
	while (blen > 0 && *b == 0)
		b++, blen--;
	return alen == blen && memcmp(a, b, alen) == 0;
}

/* Whether the private key is the one whose public half the first certificate carries. */
static int check_key_matches(struct fata_tls_server *s)
{
	br_x509_decoder_context dc;
	const br_x509_pkey *pk;
	int err = -EINVAL;

	br_x509_decoder_init(&dc, dn_ignore, NULL);
	br_x509_decoder_push(&dc, s->chain[0].data, s->chain[0].data_len);
	pk = br_x509_decoder_get_pkey(&dc);
	if (!pk) {
		fata_log(&tls_log, FATA_LOG_ERROR, "the first certificate cannot be decoded (BearSSL "
			 "error %d)", br_x509_decoder_last_error(&dc));
		return -EINVAL;
	}
	if (pk->key_type != s->key_type) {
		fata_log(&tls_log, FATA_LOG_ERROR, "the private key is %s, the certificate's key %s",
			 s->key_type == BR_KEYTYPE_RSA ? "RSA" : "EC",
			 pk->key_type == BR_KEYTYPE_RSA ? "RSA" : "EC");
		return -EINVAL;
	}
	if (s->key_type == BR_KEYTYPE_RSA) {
		const br_rsa_private_key *sk = br_skey_decoder_get_rsa(&s->key);
		br_rsa_compute_modulus modulus = br_rsa_compute_modulus_get_default();
		size_t nlen = modulus(NULL, sk);
		unsigned char *n = nlen ? malloc(nlen) : NULL;

		/* The modulus names the key pair (BearSSL 0.6's br_rsa_compute_pubexp gives 0 for
		 * keys of OpenSSL 3, so the exponent is not compared). */
		if (!n)
			return nlen ? -ENOMEM : -EINVAL;
		modulus(n, sk);
		if (same_number(n, nlen, pk->key.rsa.n, pk->key.rsa.nlen))
			err = 0;
		free(n);
	} else {
		const br_ec_private_key *sk = br_skey_decoder_get_ec(&s->key);
		unsigned char q[BR_EC_KBUF_PUB_MAX_SIZE];
		br_ec_public_key pub;
		size_t qlen = br_ec_compute_pub(br_ec_get_default(), &pub, q, sk);

		if (qlen != 0 && pub.curve == pk->key.ec.curve && qlen == pk->key.ec.qlen &&
		    memcmp(q, pk->key.ec.q, qlen) == 0)
			err = 0;
	}
	if (err)
		fata_log(&tls_log, FATA_LOG_ERROR, "the private key does not belong to the first "
			 "certificate of the chain");
	return err;
}

int fata_tls_server_new(struct fata_tls_server **out, const struct fata_tls_config *cfg,
			const void *chain, size_t chain_len, const void *key, size_t key_len)
{
	struct fata_tls_server *s;
	struct load l = { 0 };
	size_t cache = cfg && cfg->session_cache ? cfg->session_cache : DEFAULT_CACHE;
	int err;

	*out = NULL;
	if (!chain || !key)
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	err = take_config(cfg, &s->entropy, &s->entropy_ctx, &s->handshake_ns);
	if (err)
		goto fail;
	err = tls_pem_each(chain, chain_len, add_cert, s);
	if (err < 0) {
		if (err == -EINVAL)
			fata_log(&tls_log, FATA_LOG_ERROR, "the certificate chain is not valid PEM");
		goto fail;
	}
	if (s->chain_len == 0) {
		fata_log(&tls_log, FATA_LOG_ERROR, "the certificate chain holds no certificate");
		err = -EINVAL;
		goto fail;
	}
	l.s = s;
	err = tls_pem_each(key, key_len, add_key, &l);
	if (err < 0) {
		if (err == -EINVAL && !l.have_key)
			fata_log(&tls_log, FATA_LOG_ERROR, "the private key is not valid PEM");
		goto fail;
	}
	if (!l.have_key) {
		fata_log(&tls_log, FATA_LOG_ERROR, "the key file holds no private key");
		err = -EINVAL;
		goto fail;
	}
	s->key_type = (unsigned)br_skey_decoder_key_type(&s->key);
	err = check_key_matches(s);
	if (err)
		goto fail;
	if (cache != (size_t)-1) {
		s->cache_store = malloc(cache);
		if (!s->cache_store) {
			err = -ENOMEM;
			goto fail;
		}
		br_ssl_session_cache_lru_init(&s->cache, s->cache_store, cache);
		s->cache_on = true;
	}
	*out = s;
	return 0;
fail:
	fata_tls_server_free(s);
	return err;
}

int fata_tls_server_from_kv(struct fata_tls_server **out, const struct fata_tls_config *cfg,
			    struct fata_kv *kv, const char *chain_key, const char *key_key)
{
	void *chain = NULL, *key = NULL;
	size_t chain_len, key_len;
	int err;

	*out = NULL;
	err = fata_kv_get(kv, chain_key, &chain, &chain_len);
	if (err < 0) {
		fata_log(&tls_log, FATA_LOG_ERROR, "%s: cannot read the certificate chain: %s",
			 chain_key, strerror(-err));
		return err;
	}
	err = fata_kv_get(kv, key_key, &key, &key_len);
	if (err < 0) {
		fata_log(&tls_log, FATA_LOG_ERROR, "%s: cannot read the private key: %s", key_key,
			 strerror(-err));
		free(chain);
		return err;
	}
	err = fata_tls_server_new(out, cfg, chain, chain_len, key, key_len);
	/* The key's bytes do not outlive the call. */
	memset(key, 0, key_len);
	free(key);
	free(chain);
	return err;
}

void fata_tls_server_free(struct fata_tls_server *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->chain_len; i++)
		free(s->chain[i].data);
	free(s->chain);
	free(s->cache_store);
	memset(&s->key, 0, sizeof(s->key));
	free(s);
}

/* --- client's trust anchors ----------------------------------------------------------------------- */

struct dnbuf {
	unsigned char *p;
	size_t len;
	bool oom;
};

static void dn_append(void *ctx, const void *data, size_t len)
{
	struct dnbuf *d = ctx;
	unsigned char *p;

	if (d->oom)
		return;
	p = realloc(d->p, d->len + len);
	if (!p) {
		d->oom = true;
		return;
	}
	memcpy(p + d->len, data, len);
	d->p = p;
	d->len += len;
}

static unsigned char *dup_bytes(const unsigned char *p, size_t len)
{
	unsigned char *q = malloc(len ? len : 1);

	if (q)
		memcpy(q, p, len);
	return q;
}

static int add_anchor(void *arg, const char *name, unsigned char *der, size_t len)
{
	struct fata_tls_client *c = arg;
	br_x509_decoder_context dc;
	struct dnbuf dn = { 0 };
	const br_x509_pkey *pk;
	br_x509_trust_anchor *ta;

	if (strcmp(name, "CERTIFICATE") != 0 && strcmp(name, "X509 CERTIFICATE") != 0) {
		free(der);
		return 0;
	}
	br_x509_decoder_init(&dc, dn_append, &dn);
	br_x509_decoder_push(&dc, der, len);
	free(der);
	pk = br_x509_decoder_get_pkey(&dc);
	if (!pk || dn.oom) {
		free(dn.p);
		fata_log(&tls_log, FATA_LOG_ERROR, "a trust anchor cannot be decoded (BearSSL error "
			 "%d)", br_x509_decoder_last_error(&dc));
		return dn.oom ? -ENOMEM : -EINVAL;
	}
	ta = realloc(c->anchors, (c->nanchors + 1) * sizeof(*ta));
	if (!ta) {
		free(dn.p);
		return -ENOMEM;
	}
	c->anchors = ta;
	ta += c->nanchors;
	memset(ta, 0, sizeof(*ta));
	ta->dn.data = dn.p;
	ta->dn.len = dn.len;
	ta->flags = br_x509_decoder_isCA(&dc) ? BR_X509_TA_CA : 0;
	ta->pkey.key_type = pk->key_type;
	c->nanchors++;		/* from here on, free() in fata_tls_client_free */
	if (pk->key_type == BR_KEYTYPE_RSA) {
		ta->pkey.key.rsa.n = dup_bytes(pk->key.rsa.n, pk->key.rsa.nlen);
		ta->pkey.key.rsa.nlen = pk->key.rsa.nlen;
		ta->pkey.key.rsa.e = dup_bytes(pk->key.rsa.e, pk->key.rsa.elen);
		ta->pkey.key.rsa.elen = pk->key.rsa.elen;
		if (!ta->pkey.key.rsa.n || !ta->pkey.key.rsa.e)
			return -ENOMEM;
	} else {
		ta->pkey.key.ec.curve = pk->key.ec.curve;
		ta->pkey.key.ec.q = dup_bytes(pk->key.ec.q, pk->key.ec.qlen);
		ta->pkey.key.ec.qlen = pk->key.ec.qlen;
		if (!ta->pkey.key.ec.q)
			return -ENOMEM;
	}
	return 0;
}

int fata_tls_client_new(struct fata_tls_client **out, const struct fata_tls_config *cfg,
			const void *anchors, size_t anchors_len)
{
	struct fata_tls_client *c;
	int err;

	*out = NULL;
	if (!anchors)
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	err = take_config(cfg, &c->entropy, &c->entropy_ctx, &c->handshake_ns);
	if (err)
		goto fail;
	err = tls_pem_each(anchors, anchors_len, add_anchor, c);
	if (err < 0) {
		if (err == -EINVAL)
			fata_log(&tls_log, FATA_LOG_ERROR, "the trust anchors are not valid PEM");
		goto fail;
	}
	if (c->nanchors == 0) {
		fata_log(&tls_log, FATA_LOG_ERROR, "the trust anchors hold no certificate");
		err = -EINVAL;
		goto fail;
	}
	*out = c;
	return 0;
fail:
	fata_tls_client_free(c);
	return err;
}

void fata_tls_client_free(struct fata_tls_client *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nanchors; i++) {
		br_x509_trust_anchor *ta = &c->anchors[i];

		free(ta->dn.data);
		if (ta->pkey.key_type == BR_KEYTYPE_RSA) {
			free(ta->pkey.key.rsa.n);
			free(ta->pkey.key.rsa.e);
		} else {
			free(ta->pkey.key.ec.q);
		}
	}
	free(c->anchors);
	free(c);
}

/* --- engine set-up ------------------------------------------------------------------------------- */

/* What both sides need: TLS 1.2 only, SHA-2 (and SHA-1 for peers' signature lists), the PRFs,
 * ECDHE curves, AES-GCM and ChaCha20-Poly1305 (BearSSL picks AES-NI/PCLMUL/SSE2 code when the
 * CPU has it), one buffer for both directions and ALPN. */
static void engine_common(struct fata_tls_conn *c, const uint16_t *suites, size_t nsuites)
{
	br_ssl_engine_context *eng = c->eng;

	br_ssl_engine_set_versions(eng, BR_TLS12, BR_TLS12);
	br_ssl_engine_set_suites(eng, suites, nsuites);
	br_ssl_engine_set_default_ec(eng);
	br_ssl_engine_set_hash(eng, br_sha1_ID, &br_sha1_vtable);
	br_ssl_engine_set_hash(eng, br_sha224_ID, &br_sha224_vtable);
	br_ssl_engine_set_hash(eng, br_sha256_ID, &br_sha256_vtable);
	br_ssl_engine_set_hash(eng, br_sha384_ID, &br_sha384_vtable);
	br_ssl_engine_set_hash(eng, br_sha512_ID, &br_sha512_vtable);
	br_ssl_engine_set_prf_sha256(eng, &br_tls12_sha256_prf);
	br_ssl_engine_set_prf_sha384(eng, &br_tls12_sha384_prf);
	br_ssl_engine_set_default_aes_gcm(eng);
	br_ssl_engine_set_default_chapol(eng);
	br_ssl_engine_set_buffer(eng, c->iobuf, sizeof(c->iobuf), 1);
	br_ssl_engine_set_protocol_names(eng, alpn_names, 1);
}

static int seed(br_ssl_engine_context *eng, fata_tls_entropy entropy, void *ctx)
{
	unsigned char buf[SEED_LEN];
	int err = entropy(ctx, buf, sizeof(buf));

	if (err < 0) {
		fata_log(&tls_log, FATA_LOG_ERROR, "the entropy source failed: %s", strerror(-err));
		return err;
	}
	br_ssl_engine_inject_entropy(eng, buf, sizeof(buf));
	memset(buf, 0, sizeof(buf));
	return 0;
}

/* --- the record loop ----------------------------------------------------------------------------- */

static int closed_error(struct fata_tls_conn *c)
{
	int e = br_ssl_engine_last_error(c->eng);

	if (c->err)
		return c->err;
	if (e == BR_ERR_OK)
		return -EPIPE;	/* closed cleanly: nothing more to send or read */
	fata_log(&tls_log, FATA_LOG_DEBUG, "connection failed: BearSSL error %d", e);
	return e == BR_ERR_IO ? -ECONNRESET : -EPROTO;
}

/* Moves records until the engine's state has one of the `target` bits (or it closes). */
static int run_until(struct fata_tls_conn *c, unsigned target, uint64_t deadline)
{
	for (;;) {
		unsigned st = br_ssl_engine_current_state(c->eng);
		unsigned char *buf;
		size_t len;
		long n;

		if (c->err)
			return c->err;
		if (st & BR_SSL_CLOSED)
			return closed_error(c);
		if (st & BR_SSL_SENDREC) {
			buf = br_ssl_engine_sendrec_buf(c->eng, &len);
			n = fata_tcp_write(c->tcp, buf, len, deadline);
			if (n < 0) {
				c->err = (int)n;
				return c->err;
			}
			br_ssl_engine_sendrec_ack(c->eng, len);
			continue;
		}
		if (st & target)
			return 0;
		if (st & BR_SSL_RECVAPP)
			return -EPROTO;	/* wants to write, but unread data blocks the engine */
		if (st & BR_SSL_RECVREC) {
			if (c->eof)
				return 0;
			buf = br_ssl_engine_recvrec_buf(c->eng, &len);
			n = fata_tcp_read(c->tcp, buf, len, deadline);
			if (n < 0) {
				if (n != -ETIMEDOUT)
					c->err = (int)n;
				return (int)n;
			}
			if (n == 0) {
				c->eof = true;
				return 0;
			}
			br_ssl_engine_recvrec_ack(c->eng, (size_t)n);
			continue;
		}
		br_ssl_engine_flush(c->eng, 0);
	}
}

static int handshake(struct fata_tls_conn *c, uint64_t handshake_ns)
{
	int err = run_until(c, BR_SSL_SENDAPP | BR_SSL_RECVAPP,
			    fata_monotonic_ns() + handshake_ns);

	if (err == 0 && c->eof)
		err = -ECONNRESET;
	if (err == -EPIPE)
		err = -ECONNRESET;
	if (err)
		fata_log(&tls_log, FATA_LOG_DEBUG, "handshake failed: %s (BearSSL error %d)",
			 strerror(-err), br_ssl_engine_last_error(c->eng));
	return err;
}

int fata_tls_accept(struct fata_tls_server *s, struct fata_tcp *tcp, struct fata_tls_conn **out)
{
	struct fata_tls_conn *c;
	br_ssl_server_context *sc;
	int err;

	*out = NULL;
	c = calloc(1, sizeof(*c));
	if (!c) {
		fata_tcp_close(tcp);
		return -ENOMEM;
	}
	c->tcp = tcp;
	sc = &c->u.server;
	br_ssl_server_zero(sc);
	c->eng = &sc->eng;
	if (s->key_type == BR_KEYTYPE_RSA) {
		engine_common(c, rsa_suites, sizeof(rsa_suites) / sizeof(rsa_suites[0]));
		br_ssl_server_set_single_rsa(sc, s->chain, s->chain_len,
					     br_skey_decoder_get_rsa(&s->key), BR_KEYTYPE_SIGN,
					     br_rsa_private_get_default(),
					     br_rsa_pkcs1_sign_get_default());
	} else {
		engine_common(c, ec_suites, sizeof(ec_suites) / sizeof(ec_suites[0]));
		br_ssl_server_set_single_ec(sc, s->chain, s->chain_len,
					    br_skey_decoder_get_ec(&s->key), BR_KEYTYPE_SIGN,
					    BR_KEYTYPE_EC, br_ec_get_default(),
					    br_ecdsa_sign_asn1_get_default());
	}
	if (s->cache_on)
		br_ssl_server_set_cache(sc, &s->cache.vtable);
	err = seed(c->eng, s->entropy, s->entropy_ctx);
	if (err)
		goto fail;
	if (!br_ssl_server_reset(sc)) {
		fata_log(&tls_log, FATA_LOG_ERROR, "cannot start a handshake: BearSSL error %d",
			 br_ssl_engine_last_error(c->eng));
		err = -EPROTO;
		goto fail;
	}
	err = handshake(c, s->handshake_ns);
	if (err)
		goto fail;
	*out = c;
	return 0;
fail:
	fata_tls_close(c);
	return err;
}

/* Why BearSSL's X.509 engine refused a chain (error `e`), for the one line a user reads. */
static const char *x509_reason(int e, const char *name)
{
	switch (e) {
	case BR_ERR_X509_NOT_TRUSTED:
		return "it does not lead to a trusted CA";
	case BR_ERR_X509_BAD_SERVER_NAME:
		return name ? "it does not name the server (DNS names only, not IP addresses)"
			    : "no server name to check";
	case BR_ERR_X509_EXPIRED:
		return "expired or not yet valid at the wall-clock time";
	case BR_ERR_X509_TIME_UNKNOWN:
		return "no wall-clock time to check it against";
	case BR_ERR_X509_BAD_SIGNATURE:
		return "a signature in the chain does not verify";
	case BR_ERR_X509_NOT_CA:
		return "an intermediate certificate is not a CA";
	case BR_ERR_X509_FORBIDDEN_KEY_USAGE:
		return "its key usage forbids this use";
	case BR_ERR_X509_WEAK_PUBLIC_KEY:
		return "its public key is too weak";
	case BR_ERR_X509_EMPTY_CHAIN:
		return "the server sent no certificate";
	default:
		return "malformed or unsupported certificate";
	}
}

/* BearSSL counts days from January 1st of year 0 (proleptic Gregorian): 1970-01-01 is 719528. */
#define UNIX_EPOCH_DAYS 719528u

int fata_tls_connect(struct fata_tls_client *cl, struct fata_tcp *tcp, const char *server_name,
		     struct fata_tls_conn **out)
{
	struct fata_tls_conn *c;
	br_ssl_client_context *cc;
	uint64_t secs = fata_wall_ns() / 1000000000ull;
	int err;

	*out = NULL;
	c = calloc(1, sizeof(*c));
	if (!c) {
		fata_tcp_close(tcp);
		return -ENOMEM;
	}
	c->tcp = tcp;
	cc = &c->u.client;
	br_ssl_client_init_full(cc, &c->x509, cl->anchors, cl->nanchors);
	c->eng = &cc->eng;
	engine_common(c, client_suites, sizeof(client_suites) / sizeof(client_suites[0]));
	br_x509_minimal_set_time(&c->x509, UNIX_EPOCH_DAYS + (uint32_t)(secs / 86400),
				 (uint32_t)(secs % 86400));
	err = seed(c->eng, cl->entropy, cl->entropy_ctx);
	if (err)
		goto fail;
	if (!br_ssl_client_reset(cc, server_name, 0)) {
		fata_log(&tls_log, FATA_LOG_ERROR, "cannot start a handshake: BearSSL error %d",
			 br_ssl_engine_last_error(c->eng));
		err = -EPROTO;
		goto fail;
	}
	err = handshake(c, cl->handshake_ns);
	if (err) {
		int e = br_ssl_engine_last_error(c->eng);

		if (e >= BR_ERR_X509_OK && e <= BR_ERR_X509_NOT_TRUSTED)
			fata_log(&tls_log, FATA_LOG_ERROR, "certificate of %s refused: %s",
				 server_name ? server_name : "the server", x509_reason(e, server_name));
		goto fail;
	}
	*out = c;
	return 0;
fail:
	fata_tls_close(c);
	return err;
}

/* --- application data ------------------------------------------------------------------------------ */

long fata_tls_read(struct fata_tls_conn *c, void *buf, size_t len, uint64_t deadline)
{
	unsigned char *app;
	size_t alen;
	int err;

	if (len == 0)
		return 0;
	err = run_until(c, BR_SSL_RECVAPP, deadline);
	if (err == -EPIPE)
		return 0;	/* close_notify */
	if (err)
		return err;
	if (!(br_ssl_engine_current_state(c->eng) & BR_SSL_RECVAPP))
		return 0;	/* the peer closed TCP without close_notify */
	app = br_ssl_engine_recvapp_buf(c->eng, &alen);
	if (alen > len)
		alen = len;
	memcpy(buf, app, alen);
	br_ssl_engine_recvapp_ack(c->eng, alen);
	return (long)alen;
}

long fata_tls_write(struct fata_tls_conn *c, const void *buf, size_t len, uint64_t deadline)
{
	const unsigned char *p = buf;
	size_t left = len;
	int err;

	while (left > 0) {
		unsigned char *app;
		size_t alen;

		err = run_until(c, BR_SSL_SENDAPP, deadline);
		if (err)
			return err;
		if (!(br_ssl_engine_current_state(c->eng) & BR_SSL_SENDAPP))
			return -EPIPE;
		app = br_ssl_engine_sendapp_buf(c->eng, &alen);
		if (alen > left)
			alen = left;
		memcpy(app, p, alen);
		br_ssl_engine_sendapp_ack(c->eng, alen);
		p += alen;
		left -= alen;
	}
	br_ssl_engine_flush(c->eng, 0);
	err = run_until(c, BR_SSL_SENDAPP | BR_SSL_RECVAPP, deadline);
	return err ? err : (long)len;
}

int fata_tls_shutdown(struct fata_tls_conn *c)
{
	uint64_t deadline = fata_monotonic_ns() + CLOSE_NS;
	unsigned st;

	br_ssl_engine_close(c->eng);
	/* Send our close_notify; the peer's is not awaited. */
	while (!c->err && ((st = br_ssl_engine_current_state(c->eng)) & BR_SSL_SENDREC)) {
		size_t len;
		unsigned char *buf = br_ssl_engine_sendrec_buf(c->eng, &len);
		long n = fata_tcp_write(c->tcp, buf, len, deadline);

		if (n < 0)
			return (int)n;
		br_ssl_engine_sendrec_ack(c->eng, len);
	}
	return fata_tcp_shutdown(c->tcp);
}

void fata_tls_close(struct fata_tls_conn *c)
{
	if (!c)
		return;
	if (c->tcp)
		fata_tcp_close(c->tcp);
	/* Keys and plaintext of the session do not outlive it. */
	memset(c, 0, sizeof(*c));
	free(c);
}

void fata_tls_info(struct fata_tls_conn *c, struct fata_tls_info *info)
{
	br_ssl_session_parameters sp;
	const char *alpn = br_ssl_engine_get_selected_protocol(c->eng);

	br_ssl_engine_get_session_parameters(c->eng, &sp);
	info->version = br_ssl_engine_get_version(c->eng) == BR_TLS12 ? "TLSv1.2" : "?";
	info->cipher = "?";
	for (size_t i = 0; i < sizeof(suite_names) / sizeof(suite_names[0]); i++) {
		if (suite_names[i].id == sp.cipher_suite)
			info->cipher = suite_names[i].name;
	}
	info->alpn = alpn ? alpn : "";
}
