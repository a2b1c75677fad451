/*
 * iperf3: a server for the stock iperf3 client, TCP tests only.
 *
 * The protocol: the client opens a control connection and sends a 37-byte cookie; the server
 * answers with one-byte states. PARAM_EXCHANGE asks for the test parameters (a 4-byte
 * big-endian length, then JSON); CREATE_STREAMS asks for the data connections, each of which
 * starts with the same cookie; TEST_START and TEST_RUNNING start the test. The client ends it
 * with TEST_END; EXCHANGE_RESULTS swaps results (the client's JSON first, then ours);
 * DISPLAY_RESULTS lets it print them, and it says IPERF_DONE. One test runs at a time; another
 * client meanwhile gets ACCESS_DENIED.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fata/unikernel.h"

#define COOKIE_LEN 37
#define MAX_STREAMS 16
#define BLOCK_MAX (1u << 20)	/* the largest -l we take */
#define JSON_MAX 8192
#define STEP_TIMEOUT FATA_SEC(10)	/* for each step the client must take */
#define POLL_NS (FATA_SEC(1) / 10)	/* how often a stream looks at the test's phase */

enum state {
	TEST_START = 1, TEST_RUNNING = 2, TEST_END = 4, PARAM_EXCHANGE = 9, CREATE_STREAMS = 10,
	CLIENT_TERMINATE = 12, EXCHANGE_RESULTS = 13, DISPLAY_RESULTS = 14, IPERF_DONE = 16,
	ACCESS_DENIED = 255,	/* -1 as a byte */
};

enum phase { IDLE, STREAMS, RUNNING, ENDED };

struct stream {
	uint64_t bytes;
	int id;
};

static struct {
	enum phase phase;
	char cookie[COOKIE_LEN];
	bool reverse;
	size_t len;		/* bytes per write (-l) */
	int want, have;		/* streams asked for, connected */
	int running;		/* stream fibers not yet finished */
	struct stream streams[MAX_STREAMS];
	char *block;		/* what reverse streams send */
	uint64_t t_start, t_end;
	struct fata_waitq changed;	/* woken whenever phase, have or running change */
} test;

static char sink[64 * 1024];	/* what received data is read into; nobody looks at it */

static uint64_t after(uint64_t ns)
{
	return fata_monotonic_ns() + ns;
}

/* Reads exactly `len` bytes; 0 on success, -1 on EOF, error or timeout. */
static int read_all(struct fata_tcp *c, void *buf, size_t len, uint64_t deadline)
{
	for (size_t got = 0; got < len;) {
		long n = fata_tcp_read(c, (char *)buf + got, len - got, deadline);

		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

static int send_state(struct fata_tcp *c, enum state s)
{
	unsigned char b = (unsigned char)s;

	return fata_tcp_write(c, &b, 1, after(STEP_TIMEOUT)) == 1 ? 0 : -1;
}

/* Reads one length-prefixed JSON object into buf (NUL-terminated). */
static int read_json(struct fata_tcp *c, char *buf, size_t size)
{
	unsigned char l[4];
	uint32_t len;

	if (read_all(c, l, sizeof(l), after(STEP_TIMEOUT)) < 0)
		return -1;
	len = (uint32_t)l[0] << 24 | (uint32_t)l[1] << 16 | (uint32_t)l[2] << 8 | l[3];
	if (len == 0 || len >= size) {
		fata_err("the client sent a JSON object of %u bytes; expected 1 to %zu", len, size - 1);
		return -1;
	}
	if (read_all(c, buf, len, after(STEP_TIMEOUT)) < 0)
		return -1;
	buf[len] = '\0';
	return 0;
}

static int write_json(struct fata_tcp *c, const char *json)
{
	size_t len = strlen(json);
	unsigned char l[4] = { (unsigned char)(len >> 24), (unsigned char)(len >> 16),
			       (unsigned char)(len >> 8), (unsigned char)len };
	uint64_t deadline = after(STEP_TIMEOUT);

	if (fata_tcp_write(c, l, sizeof(l), deadline) != (long)sizeof(l) ||
	    fata_tcp_write(c, json, len, deadline) != (long)len)
		return -1;
	return 0;
}

/* The value of top-level member `key` in the flat JSON object `json`, or NULL. */
static const char *json_value(const char *json, const char *key)
{
	size_t klen = strlen(key);

	for (const char *p = json; (p = strchr(p, '"')) != NULL; p++) {
		if (strncmp(p + 1, key, klen) == 0 && p[1 + klen] == '"') {
			p += klen + 2;
			while (*p == ' ')
				p++;
			if (*p++ != ':')
				return NULL;
			while (*p == ' ')
				p++;
			return p;
		}
	}
	return NULL;
}

static bool json_true(const char *json, const char *key)
{
	const char *v = json_value(json, key);

	return v && strncmp(v, "true", 4) == 0;
}

/* An integer member within [lo, hi], `dflt` when absent; -1 when malformed or out of range. */
static long json_int(const char *json, const char *key, long dflt, long lo, long hi)
{
	const char *v = json_value(json, key);
	char *end;
	long n;

	if (!v)
		return dflt;
	n = strtol(v, &end, 10);
	if (end == v || n < lo || n > hi)
		return -1;
	return n;
}

static void set_phase(enum phase p)
{
	test.phase = p;
	fata_waitq_wake_all(&test.changed);
}

/* --- data connections ---------------------------------------------------------------------- */

static void receive(struct fata_tcp *c, struct stream *s)
{
	while (test.phase != IDLE) {
		long n = fata_tcp_read(c, sink, sizeof(sink), after(POLL_NS));

		if (n == 0 || (n < 0 && n != -ETIMEDOUT))
			break;
		if (n > 0 && test.phase <= RUNNING)
			s->bytes += (uint64_t)n;
	}
}

static void send_blocks(struct fata_tcp *c, struct stream *s)
{
	while (test.phase == STREAMS)
		fata_waitq_wait(&test.changed, FATA_NEVER);
	while (test.phase == RUNNING) {
		long n = fata_tcp_write(c, test.block, test.len, after(POLL_NS));

		if (n > 0)
			s->bytes += (uint64_t)n;
		else if (n != -ETIMEDOUT)
			break;
	}
}

static void run_stream(struct fata_tcp *c)
{
	struct stream *s = &test.streams[test.have];

	s->id = test.have == 0 ? 1 : test.have + 2;	/* iperf3 numbers streams 1, 3, 4, ... */
	s->bytes = 0;
	test.have++;
	test.running++;
	fata_tcp_set_nodelay(c, true);
	fata_waitq_wake_all(&test.changed);
	if (test.reverse)
		send_blocks(c, s);
	else
		receive(c, s);
	test.running--;
	fata_waitq_wake_all(&test.changed);
}

/* --- the control connection ---------------------------------------------------------------- */

/* Waits until `cond` holds or the deadline passes; returns whether it holds. */
#define WAIT_UNTIL(cond, deadline) ({ \
	uint64_t d_ = (deadline); \
	while (!(cond) && fata_waitq_wait(&test.changed, d_)) \
		; \
	(cond); })

static int parameters(struct fata_tcp *c)
{
	char json[JSON_MAX];
	long parallel, len;

	if (send_state(c, PARAM_EXCHANGE) < 0 || read_json(c, json, sizeof(json)) < 0)
		return -1;
	fata_debug("parameters: %s", json);
	if (json_true(json, "udp") || json_true(json, "sctp") || json_true(json, "bidirectional")) {
		fata_err("the client asked for a UDP, SCTP or bidirectional test; only TCP tests "
			 "in one direction are served");
		return -1;
	}
	parallel = json_int(json, "parallel", 1, 1, MAX_STREAMS);
	len = json_int(json, "len", 128 * 1024, 1, BLOCK_MAX);
	if (parallel < 0 || len < 0) {
		fata_err("the client asked for %s; expected -P 1 to %d and -l 1 to %u bytes",
			 parallel < 0 ? "a bad number of streams" : "a bad block length", MAX_STREAMS,
			 BLOCK_MAX);
		return -1;
	}
	test.want = (int)parallel;
	test.len = (size_t)len;
	test.reverse = json_true(json, "reverse");
	if (test.reverse) {
		test.block = malloc(test.len);
		if (!test.block) {
			fata_err("no memory for a %zu-byte block", test.len);
			return -1;
		}
		for (size_t i = 0; i < test.len; i++)
			test.block[i] = (char)(i * 131 + 7);
	}
	return 0;
}

/* Our results: one entry per stream, in iperf3's field names. */
static void results_json(char *buf, size_t size)
{
	uint64_t us = (test.t_end - test.t_start) / 1000;
	size_t n = (size_t)snprintf(buf, size, "{\"cpu_util_total\":0,\"cpu_util_user\":0,"
				    "\"cpu_util_system\":0,\"sender_has_retransmits\":0,\"streams\":[");

	for (int i = 0; i < test.have && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s{\"id\":%d,\"bytes\":%llu,"
				      "\"retransmits\":0,\"jitter\":0,\"errors\":0,\"packets\":0,"
				      "\"start_time\":0,\"end_time\":%llu.%06llu}",
				      i ? "," : "", test.streams[i].id,
				      (unsigned long long)test.streams[i].bytes,
				      (unsigned long long)(us / 1000000),
				      (unsigned long long)(us % 1000000));
	if (n < size)
		snprintf(buf + n, size - n, "]}");
}

static void report(void)
{
	uint64_t bytes = 0, ms = (test.t_end - test.t_start) / 1000000;

	for (int i = 0; i < test.have; i++)
		bytes += test.streams[i].bytes;
	fata_info("test done: %s %llu bytes over %d stream(s) in %llu ms (%llu Mbit/s)",
		  test.reverse ? "sent" : "received", (unsigned long long)bytes, test.have,
		  (unsigned long long)ms, (unsigned long long)(ms ? bytes * 8 / 1000 / ms : 0));
}

static void run_test(struct fata_tcp *c)
{
	char json[JSON_MAX];
	unsigned char st;

	if (parameters(c) < 0)
		return;
	fata_info("test: %d stream(s), %s, %zu-byte blocks", test.want,
		  test.reverse ? "we send (-R)" : "we receive", test.len);
	set_phase(STREAMS);
	if (send_state(c, CREATE_STREAMS) < 0)
		return;
	if (!WAIT_UNTIL(test.have == test.want, after(STEP_TIMEOUT))) {
		fata_err("%d of %d data connections came", test.have, test.want);
		return;
	}
	test.t_start = fata_monotonic_ns();
	set_phase(RUNNING);
	if (send_state(c, TEST_START) < 0 || send_state(c, TEST_RUNNING) < 0)
		return;
	/* The client times the test (-t, -n or -k); it may run as long as it likes. */
	if (read_all(c, &st, 1, FATA_NEVER) < 0 || st != TEST_END) {
		fata_err("the client ended the test early (state %d)", st);
		return;
	}
	test.t_end = fata_monotonic_ns();
	set_phase(ENDED);
	if (send_state(c, EXCHANGE_RESULTS) < 0 || read_json(c, json, sizeof(json)) < 0)
		return;
	results_json(json, sizeof(json));
	if (write_json(c, json) < 0 || send_state(c, DISPLAY_RESULTS) < 0)
		return;
	if (read_all(c, &st, 1, after(STEP_TIMEOUT)) < 0 || st != IPERF_DONE)
		fata_warn("the client did not say IPERF_DONE (state %d)", st);
	report();
}

static int on_connection(struct fata_tcp *c, void *arg)
{
	char cookie[COOKIE_LEN];
	uint32_t ip;
	uint16_t port;
	char ipstr[FATA_IPV4_STRLEN];

	(void)arg;
	if (read_all(c, cookie, sizeof(cookie), after(STEP_TIMEOUT)) < 0)
		return 0;
	if (test.phase == STREAMS && test.have < test.want &&
	    memcmp(cookie, test.cookie, sizeof(cookie)) == 0) {
		run_stream(c);
		return 0;
	}
	fata_tcp_peer(c, &ip, &port);
	if (test.phase != IDLE) {
		fata_info("busy: refusing %s port %u", fata_ipv4_format(ip, ipstr), port);
		send_state(c, ACCESS_DENIED);
		return 0;
	}
	fata_info("control connection from %s port %u", fata_ipv4_format(ip, ipstr), port);
	memcpy(test.cookie, cookie, sizeof(cookie));
	test.have = test.want = 0;
	run_test(c);
	/* Whatever happened, the streams stop and the next client may come. */
	set_phase(IDLE);
	if (!WAIT_UNTIL(test.running == 0, after(STEP_TIMEOUT)))
		fata_warn("%d stream(s) still running", test.running);
	free(test.block);
	test.block = NULL;
	return 0;
}

int start(struct fata_stack *stack)
{
	int64_t port = fata_key_port();
	int err;

	if (port < 1 || port > 65535) {
		fata_err("--port=%lld: expected a port number from 1 to 65535", (long long)port);
		return 1;
	}
	err = fata_tcp_listen(stack, (uint16_t)port, on_connection, NULL);
	if (err < 0) {
		fata_err("cannot listen on port %lld: %s", (long long)port, strerror(-err));
		return 1;
	}
	fata_info("iperf3 server on port %lld", (long long)port);
	for (;;)
		fata_sleep_ns(FATA_SEC(3600));
}
