/* The GDB remote serial protocol, pure: framing, commands and replies (gdb_proto.h). */
#include <stdio.h>
#include <string.h>

#include "gdb_proto.h"

static const char hexdigits[] = "0123456789abcdef";

static int hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Sends `payload` as "$payload#cc" and keeps it for a resend. */
static int reply(struct gdb_session *s, const char *payload, size_t len)
{
	uint8_t sum = 0;

	if (len > GDB_PACKET_MAX)
		len = 0;	/* cannot happen: every reply is built within GDB_PACKET_MAX */
	s->out[0] = '$';
	memcpy(s->out + 1, payload, len);
	for (size_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + (uint8_t)payload[i]);
	s->out[len + 1] = '#';
	s->out[len + 2] = hexdigits[sum >> 4];
	s->out[len + 3] = hexdigits[sum & 15];
	s->out_len = len + 4;
	(void)s->ops->send(s->target, s->out, s->out_len);
	return 0;
}

static int reply_str(struct gdb_session *s, const char *str)
{
	return reply(s, str, strlen(str));
}

/* Answers a request that cannot be served; GDB_NONE for command(). */
static enum gdb_action fail(struct gdb_session *s)
{
	reply_str(s, "E01");
	return GDB_NONE;
}

static void ack(struct gdb_session *s, char c)
{
	(void)s->ops->send(s->target, &c, 1);
}

/*
 * Parses a hex number from *p (at least one digit, no overflow) up to `end`, and moves *p past
 * it. 0 or -1.
 */
static int parse_hex(const char **p, const char *end, uint64_t *out)
{
	uint64_t v = 0;
	const char *q = *p;

	if (q == end || hexval((uint8_t)*q) < 0)
		return -1;
	for (; q < end && hexval((uint8_t)*q) >= 0; q++) {
		if (v >> 60)
			return -1;
		v = v << 4 | (uint64_t)hexval((uint8_t)*q);
	}
	*p = q;
	*out = v;
	return 0;
}

/* Expects the character `c` at *p and moves past it. */
static int expect(const char **p, const char *end, char c)
{
	if (*p == end || **p != c)
		return -1;
	(*p)++;
	return 0;
}

/* Decodes exactly `n` bytes from 2n hex digits. */
static int decode_hex(const char *p, size_t digits, uint8_t *out, size_t n)
{
	if (digits != 2 * n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int hi = hexval((uint8_t)p[2 * i]), lo = hexval((uint8_t)p[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

static void encode_hex(const uint8_t *in, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hexdigits[in[i] >> 4];
		out[2 * i + 1] = hexdigits[in[i] & 15];
	}
}

/* The register file as gdb's 'g' packet lays it out (GDB_REGS_BYTES, little-endian). */
static void regs_to_bytes(const struct gdb_regs *r, uint8_t *b)
{
	for (int i = 0; i < 17; i++)
		for (int j = 0; j < 8; j++)
			*b++ = (uint8_t)(r->gpr[i] >> (8 * j));
	for (int i = 0; i < 7; i++) {
		uint32_t v = i == 0 ? r->eflags : r->seg[i - 1];

		for (int j = 0; j < 4; j++)
			*b++ = (uint8_t)(v >> (8 * j));
	}
}

static void regs_from_bytes(const uint8_t *b, struct gdb_regs *r)
{
	memset(r, 0, sizeof *r);
	for (int i = 0; i < 17; i++)
		for (int j = 0; j < 8; j++)
			r->gpr[i] |= (uint64_t)*b++ << (8 * j);
	for (int i = 0; i < 7; i++) {
		uint32_t v = 0;

		for (int j = 0; j < 4; j++)
			v |= (uint32_t)*b++ << (8 * j);
		if (i == 0)
			r->eflags = v;
		else
			r->seg[i - 1] = v;
	}
}

/* Byte offset and size of register n in the 'g' layout. */
static void reg_slot(unsigned n, size_t *off, size_t *size)
{
	*off = n < 17 ? 8 * n : 17 * 8 + 4 * (n - 17);
	*size = n < 17 ? 8 : 4;
}

static struct gdb_breakpoint *find_bp(const struct gdb_session *s, uint64_t addr)
{
	for (unsigned i = 0; i < s->nbp; i++)
		if (s->bp[i].addr == addr)
			return (struct gdb_breakpoint *)&s->bp[i];
	return NULL;
}

bool gdb_is_breakpoint(const struct gdb_session *s, uint64_t addr)
{
	return find_bp(s, addr) != NULL;
}

/*
 * Memory reads show the bytes the breakpoints replaced, and writes over a breakpoint change the
 * saved byte and keep the int3: gdb sees the program, not the patches.
 */
static int mem_read(struct gdb_session *s, uint64_t addr, uint8_t *buf, size_t len)
{
	if (s->ops->read_mem(s->target, addr, buf, len) < 0)
		return -1;
	for (unsigned i = 0; i < s->nbp; i++)
		if (!s->bp[i].hw && s->bp[i].addr >= addr && s->bp[i].addr - addr < len)
			buf[s->bp[i].addr - addr] = s->bp[i].saved;
	return 0;
}

static int mem_write(struct gdb_session *s, uint64_t addr, uint8_t *buf, size_t len)
{
	uint8_t dummy;

	if (len == 0)
		return s->ops->read_mem(s->target, addr, &dummy, 0);
	for (unsigned i = 0; i < s->nbp; i++)
		if (!s->bp[i].hw && s->bp[i].addr >= addr && s->bp[i].addr - addr < len) {
			s->bp[i].saved = buf[s->bp[i].addr - addr];
			buf[s->bp[i].addr - addr] = GDB_X86_INT3;
		}
	return s->ops->write_mem(s->target, addr, buf, len);
}

/* Hands the target the addresses of the hardware breakpoints, except the one at `skip`. */
static int sync_hw(struct gdb_session *s, const struct gdb_breakpoint *skip)
{
	uint64_t addr[GDB_MAX_HW_BREAKPOINTS];
	unsigned n = 0;

	for (unsigned i = 0; i < s->nbp; i++)
		if (s->bp[i].hw && &s->bp[i] != skip && n < GDB_MAX_HW_BREAKPOINTS)
			addr[n++] = s->bp[i].addr;
	return s->ops->set_hw_breakpoints(s->target, addr, n);
}

static unsigned count_hw(const struct gdb_session *s)
{
	unsigned n = 0;

	for (unsigned i = 0; i < s->nbp; i++)
		n += s->bp[i].hw;
	return n;
}

static int insert_bp(struct gdb_session *s, uint64_t addr)
{
	struct gdb_breakpoint *b;
	uint8_t int3 = GDB_X86_INT3, dummy;

	if (!s->can_debug)
		return -1;
	if (find_bp(s, addr))
		return 0;	/* gdb may insert the same address twice */
	if (s->nbp == GDB_MAX_BREAKPOINTS || s->ops->read_mem(s->target, addr, &dummy, 1) < 0)
		return -1;
	b = &s->bp[s->nbp++];
	b->addr = addr;
	b->hw = s->ops->set_hw_breakpoints && count_hw(s) < GDB_MAX_HW_BREAKPOINTS;
	if (b->hw && sync_hw(s, NULL) == 0)
		return 0;
	b->hw = false;	/* no hardware breakpoint: patch an int3 */
	if (s->ops->read_mem(s->target, addr, &b->saved, 1) < 0 ||
	    s->ops->write_mem(s->target, addr, &int3, 1) < 0) {
		s->nbp--;
		return -1;
	}
	return 0;
}

static int remove_bp(struct gdb_session *s, uint64_t addr)
{
	struct gdb_breakpoint *b = find_bp(s, addr);

	if (!b)
		return 0;	/* already gone: gdb's view and ours agree */
	if (b->hw ? sync_hw(s, b) < 0 : s->ops->write_mem(s->target, addr, &b->saved, 1) < 0)
		return -1;
	*b = s->bp[--s->nbp];
	return 0;
}

unsigned gdb_clear_breakpoints(struct gdb_session *s)
{
	unsigned failed = 0;

	while (s->nbp > 0)
		if (remove_bp(s, s->bp[s->nbp - 1].addr) < 0) {
			failed++;
			s->nbp--;
		}
	return failed;
}

/* 'm addr,len' */
static int cmd_read_mem(struct gdb_session *s, const char *p, const char *end)
{
	static uint8_t buf[GDB_PACKET_MAX / 2];
	static char hex[GDB_PACKET_MAX];
	uint64_t addr, len;

	if (parse_hex(&p, end, &addr) < 0 || expect(&p, end, ',') < 0 ||
	    parse_hex(&p, end, &len) < 0 || p != end || len > sizeof buf)
		return reply_str(s, "E01");
	if (mem_read(s, addr, buf, len) < 0)
		return reply_str(s, "E14");	/* EFAULT, as gdbserver says it */
	encode_hex(buf, len, hex);
	return reply(s, hex, 2 * len);
}

/* 'M addr,len:hex' and 'X addr,len:binary' */
static int cmd_write_mem(struct gdb_session *s, const char *p, const char *end, bool binary)
{
	static uint8_t buf[GDB_PACKET_MAX];
	uint64_t addr, len;

	if (parse_hex(&p, end, &addr) < 0 || expect(&p, end, ',') < 0 ||
	    parse_hex(&p, end, &len) < 0 || expect(&p, end, ':') < 0 || len > sizeof buf)
		return reply_str(s, "E01");
	if (binary) {
		if ((size_t)(end - p) != len)
			return reply_str(s, "E01");
		memcpy(buf, p, len);
	} else if (decode_hex(p, (size_t)(end - p), buf, len) < 0) {
		return reply_str(s, "E01");
	}
	if (mem_write(s, addr, buf, len) < 0)
		return reply_str(s, "E14");
	return reply_str(s, "OK");
}

/* 'Z0,addr,kind' and 'z0,addr,kind'; other breakpoint types are not supported (empty reply). */
static int cmd_breakpoint(struct gdb_session *s, const char *p, const char *end, bool insert)
{
	uint64_t addr, kind;

	if (end - p < 1 || *p != '0')
		return reply_str(s, "");
	p++;
	if (expect(&p, end, ',') < 0 || parse_hex(&p, end, &addr) < 0 ||
	    expect(&p, end, ',') < 0 || parse_hex(&p, end, &kind) < 0)
		return reply_str(s, "E01");
	/* Conditions (";X...") may follow; the stub evaluates none, gdb does. */
	if (p != end && *p != ';')
		return reply_str(s, "E01");
	if (kind != 1)
		return reply_str(s, "E01");	/* an int3 is one byte */
	if ((insert ? insert_bp(s, addr) : remove_bp(s, addr)) < 0)
		return reply_str(s, "E14");
	return reply_str(s, "OK");
}

static int cmd_get_regs(struct gdb_session *s)
{
	struct gdb_regs r;
	uint8_t b[GDB_REGS_BYTES];
	char hex[2 * GDB_REGS_BYTES];

	if (s->ops->get_regs(s->target, &r) < 0)
		return reply_str(s, "E01");
	regs_to_bytes(&r, b);
	encode_hex(b, sizeof b, hex);
	return reply(s, hex, sizeof hex);
}

static int cmd_set_regs(struct gdb_session *s, const char *p, const char *end)
{
	struct gdb_regs r;
	uint8_t b[GDB_REGS_BYTES];

	if (decode_hex(p, (size_t)(end - p), b, sizeof b) < 0)
		return reply_str(s, "E01");
	regs_from_bytes(b, &r);
	if (s->ops->set_regs(s->target, &r) < 0)
		return reply_str(s, "E01");
	return reply_str(s, "OK");
}

/* 'p n' and 'P n=value' */
static int cmd_reg(struct gdb_session *s, const char *p, const char *end, bool write)
{
	struct gdb_regs r;
	uint8_t b[GDB_REGS_BYTES];
	char hex[16];
	uint64_t n;
	size_t off, size;

	if (parse_hex(&p, end, &n) < 0 || (write ? expect(&p, end, '=') < 0 : p != end))
		return reply_str(s, "E01");
	if (n >= GDB_NREGS)
		return reply_str(s, "E01");
	reg_slot((unsigned)n, &off, &size);
	if (s->ops->get_regs(s->target, &r) < 0)
		return reply_str(s, "E01");
	regs_to_bytes(&r, b);
	if (!write) {
		encode_hex(b + off, size, hex);
		return reply(s, hex, 2 * size);
	}
	if (decode_hex(p, (size_t)(end - p), b + off, size) < 0)
		return reply_str(s, "E01");
	regs_from_bytes(b, &r);
	if (s->ops->set_regs(s->target, &r) < 0)
		return reply_str(s, "E01");
	return reply_str(s, "OK");
}

/*
 * 'c [addr]', 's [addr]', 'C sig[;addr]', 'S sig[;addr]': the signal is dropped (the guest has
 * no signals); an address moves rip first.
 */
static enum gdb_action cmd_resume(struct gdb_session *s, const char *p, const char *end,
				  bool step, bool with_signal)
{
	struct gdb_regs r;
	uint64_t v;

	if (with_signal) {
		if (parse_hex(&p, end, &v) < 0)
			return fail(s);
		if (p != end && expect(&p, end, ';') < 0)
			return fail(s);
	}
	if (p != end) {
		if (parse_hex(&p, end, &v) < 0 || p != end)
			return fail(s);
		if (s->ops->get_regs(s->target, &r) < 0)
			return fail(s);
		r.gpr[GDB_REG_RIP] = v;
		if (s->ops->set_regs(s->target, &r) < 0)
			return fail(s);
	}
	return step && s->can_debug ? GDB_STEP : GDB_CONTINUE;
}

static bool starts(const char *p, const char *end, const char *prefix)
{
	size_t n = strlen(prefix);

	return (size_t)(end - p) >= n && memcmp(p, prefix, n) == 0;
}

static enum gdb_action command(struct gdb_session *s, const char *p, size_t len)
{
	const char *end = p + len;
	char buf[64];

	if (len == 0) {
		reply_str(s, "");
		return GDB_NONE;
	}
	switch (p[0]) {
	case '?':
		reply_str(s, s->stop_reply);
		return GDB_NONE;
	case 'g':
		cmd_get_regs(s);
		return GDB_NONE;
	case 'G':
		cmd_set_regs(s, p + 1, end);
		return GDB_NONE;
	case 'p':
	case 'P':
		cmd_reg(s, p + 1, end, p[0] == 'P');
		return GDB_NONE;
	case 'm':
		cmd_read_mem(s, p + 1, end);
		return GDB_NONE;
	case 'M':
	case 'X':
		cmd_write_mem(s, p + 1, end, p[0] == 'X');
		return GDB_NONE;
	case 'Z':
	case 'z':
		cmd_breakpoint(s, p + 1, end, p[0] == 'Z');
		return GDB_NONE;
	case 'c':
	case 's':
		return cmd_resume(s, p + 1, end, p[0] == 's', false);
	case 'C':
	case 'S':
		return cmd_resume(s, p + 1, end, p[0] == 'S', true);
	case 'k':
		return GDB_KILL;
	case 'D':
		reply_str(s, "OK");
		return GDB_DETACH;
	case 'H':
	case 'T':
		reply_str(s, "OK");	/* one thread: every thread id is it, and it is alive */
		return GDB_NONE;
	}
	if (starts(p, end, "qSupported")) {
		snprintf(buf, sizeof buf, "PacketSize=%x;swbreak+;hwbreak+", GDB_PACKET_MAX);
		reply_str(s, buf);
	} else if (starts(p, end, "qAttached")) {
		reply_str(s, "1");	/* detaching leaves the guest running */
	} else {
		reply_str(s, "");	/* not supported: gdb falls back or does without */
	}
	return GDB_NONE;
}

void gdb_session_init(struct gdb_session *s, const struct gdb_target_ops *ops, void *target,
		      bool can_debug)
{
	memset(s, 0, sizeof *s);
	s->ops = ops;
	s->target = target;
	s->can_debug = can_debug;
	strcpy(s->stop_reply, "S05");
	s->state = GDB_IDLE;
}

enum gdb_action gdb_input(struct gdb_session *s, uint8_t c)
{
	int v;

	switch (s->state) {
	case GDB_IDLE:
		if (c == '$') {
			s->state = GDB_DATA;
			s->sum = 0;
			s->len = 0;
			s->overlong = false;
		} else if (c == '-' && s->out_len > 0) {
			(void)s->ops->send(s->target, s->out, s->out_len);
		} else if (c == 0x03) {
			return GDB_INTERRUPT;
		}
		return GDB_NONE;	/* '+' and noise between packets are ignored */
	case GDB_DATA:
	case GDB_ESCAPE:
		if (c == '$') {		/* a new packet: the broken one is dropped */
			s->state = GDB_DATA;
			s->sum = 0;
			s->len = 0;
			s->overlong = false;
			return GDB_NONE;
		}
		if (c == '#' && s->state == GDB_DATA) {
			s->state = GDB_CSUM1;
			return GDB_NONE;
		}
		s->sum = (uint8_t)(s->sum + c);
		if (s->state == GDB_DATA && c == '}') {
			s->state = GDB_ESCAPE;
			return GDB_NONE;
		}
		if (s->state == GDB_ESCAPE)
			c ^= 0x20;
		s->state = GDB_DATA;
		if (s->len == GDB_PACKET_MAX)
			s->overlong = true;
		else
			s->in[s->len++] = (char)c;
		return GDB_NONE;
	case GDB_CSUM1:
	case GDB_CSUM2:
		v = hexval(c);
		if (v < 0) {
			s->state = GDB_IDLE;
			ack(s, '-');
			return GDB_NONE;
		}
		if (s->state == GDB_CSUM1) {
			s->csum = (uint8_t)(v << 4);
			s->state = GDB_CSUM2;
			return GDB_NONE;
		}
		s->csum |= (uint8_t)v;
		s->state = GDB_IDLE;
		if (s->csum != s->sum) {
			ack(s, '-');
			return GDB_NONE;
		}
		ack(s, '+');
		if (s->overlong) {
			reply_str(s, "E01");
			return GDB_NONE;
		}
		s->in[s->len] = 0;
		return command(s, s->in, s->len);
	}
	return GDB_NONE;
}

void gdb_report_stop(struct gdb_session *s, int signal, bool breakpoint, uint64_t pc)
{
	const struct gdb_breakpoint *b = breakpoint ? find_bp(s, pc) : NULL;

	if (b)
		snprintf(s->stop_reply, sizeof s->stop_reply, "T%02x%s:;", signal & 0xff,
			 b->hw ? "hwbreak" : "swbreak");
	else
		snprintf(s->stop_reply, sizeof s->stop_reply, "S%02x", signal & 0xff);
	reply_str(s, s->stop_reply);
}

void gdb_report_exit(struct gdb_session *s, int status)
{
	char buf[8];

	snprintf(buf, sizeof buf, "W%02x", status & 0xff);
	reply_str(s, buf);
}

void gdb_report_killed(struct gdb_session *s, int signal)
{
	char buf[8];

	snprintf(buf, sizeof buf, "X%02x", signal & 0xff);
	reply_str(s, buf);
}
