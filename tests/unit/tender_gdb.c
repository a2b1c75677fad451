/*
 * Unit tests of fata-hvt's gdb protocol (tender/common/gdb_proto.c) against a fake target of 64
 * KiB of memory: framing, acks and checksums, escapes, overlong and malformed packets, registers,
 * memory at and beyond the edges, breakpoints hidden from memory reads, step/continue/kill/detach
 * and the stop and exit replies.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../../tender/common/gdb_proto.h"
#include "tap.h"

#define MEM_SIZE 0x10000u

static struct {
	uint8_t mem[MEM_SIZE];
	struct gdb_regs regs;
	char sent[3 * GDB_PACKET_MAX];
	size_t nsent;
	unsigned mem_calls;
	uint64_t hw[GDB_MAX_HW_BREAKPOINTS];
	unsigned nhw;
} t;

static int get_regs(void *p, struct gdb_regs *r)
{
	(void)p;
	*r = t.regs;
	return 0;
}

static int set_regs(void *p, const struct gdb_regs *r)
{
	(void)p;
	t.regs = *r;
	return 0;
}

/* The same overflow-safe check as the hvt stub's. */
static int in_mem(uint64_t addr, size_t len)
{
	t.mem_calls++;
	return len <= MEM_SIZE && addr <= MEM_SIZE - len;
}

static int read_mem(void *p, uint64_t addr, void *buf, size_t len)
{
	(void)p;
	if (!in_mem(addr, len))
		return -1;
	memcpy(buf, t.mem + addr, len);
	return 0;
}

static int write_mem(void *p, uint64_t addr, const void *buf, size_t len)
{
	(void)p;
	if (!in_mem(addr, len))
		return -1;
	memcpy(t.mem + addr, buf, len);
	return 0;
}

static int send(void *p, const void *buf, size_t len)
{
	(void)p;
	if (len > sizeof t.sent - 1 - t.nsent)
		len = sizeof t.sent - 1 - t.nsent;
	memcpy(t.sent + t.nsent, buf, len);
	t.nsent += len;
	t.sent[t.nsent] = 0;
	return 0;
}

static int set_hw(void *p, const uint64_t *addr, unsigned n)
{
	(void)p;
	memcpy(t.hw, addr, n * sizeof addr[0]);
	t.nhw = n;
	return 0;
}

static const struct gdb_target_ops ops = {
	.get_regs = get_regs, .set_regs = set_regs, .read_mem = read_mem, .write_mem = write_mem,
	.send = send,
};

static const struct gdb_target_ops ops_hw = {
	.get_regs = get_regs, .set_regs = set_regs, .read_mem = read_mem, .write_mem = write_mem,
	.send = send, .set_hw_breakpoints = set_hw,
};

static struct gdb_session s;

/* Feeds raw bytes; returns the last action other than GDB_NONE. */
static enum gdb_action feed_raw(const char *bytes, size_t len)
{
	enum gdb_action last = GDB_NONE;

	t.nsent = 0;
	t.sent[0] = 0;
	for (size_t i = 0; i < len; i++) {
		enum gdb_action a = gdb_input(&s, (uint8_t)bytes[i]);

		if (a != GDB_NONE)
			last = a;
	}
	return last;
}

/* Frames `payload` as gdb does and feeds it. */
static enum gdb_action feed(const char *payload)
{
	static char buf[2 * GDB_PACKET_MAX];
	uint8_t sum = 0;
	size_t n = strlen(payload);

	for (size_t i = 0; i < n; i++)
		sum = (uint8_t)(sum + (uint8_t)payload[i]);
	snprintf(buf, sizeof buf, "$%s#%02x", payload, sum);
	return feed_raw(buf, strlen(buf));
}

/* What the stub answered, without the ack and the framing ("" for the empty reply). */
static const char *answer(void)
{
	static char out[2 * GDB_PACKET_MAX];
	const char *p = t.sent;
	size_t n;

	if (*p == '+')
		p++;
	if (*p != '$')
		return "(no reply)";
	n = strlen(p);
	if (n < 4 || p[n - 3] != '#')
		return "(bad framing)";
	memcpy(out, p + 1, n - 4);
	out[n - 4] = 0;
	return out;
}

static void test_framing(void)
{
	feed("?");
	is_str(t.sent, "+$S05#b8", "'?' at the first stop: acked, S05 with its checksum");
	feed_raw("$?#00", 5);
	is_str(t.sent, "-", "a bad checksum is refused with '-'");
	feed_raw("$?#zz", 5);
	is_str(t.sent, "-", "a checksum that is not hex is refused");
	feed_raw("-", 1);
	is_str(t.sent, "$S05#b8", "'-' from gdb resends the last reply");
	feed_raw("+++garbage\x7f\xff", 13);
	is_str(t.sent, "", "noise between packets is ignored");
	feed_raw("$g$?#3f", 7);
	is_str(t.sent, "+$S05#b8", "'$' inside a packet starts a new one");
	ok(feed_raw("\x03", 1) == GDB_INTERRUPT, "Ctrl-C outside a packet");

	static char big[GDB_PACKET_MAX + 10];
	memset(big, 'm', sizeof big - 1);
	big[sizeof big - 1] = 0;
	feed(big);
	is_str(t.sent, "+$E01#a6", "an overlong packet: acked, then an error");
	big[GDB_PACKET_MAX] = 0;	/* exactly GDB_PACKET_MAX bytes: parsed (a bad 'm') */
	feed(big);
	is_str(answer(), "E01", "a packet of exactly PacketSize bytes is read whole");

	feed("qSupported:multiprocess+;swbreak+;hwbreak+");
	is_str(answer(), "PacketSize=1000;swbreak+;hwbreak+", "qSupported: PacketSize, swbreak, hwbreak");
	feed("vMustReplyEmpty");
	is_str(answer(), "", "unknown packets get the empty reply");
	feed("");
	is_str(answer(), "", "an empty packet gets the empty reply");
	feed("Hg0");
	is_str(answer(), "OK", "Hg0");
	feed("qAttached");
	is_str(answer(), "1", "qAttached: an existing process");
}

static void test_registers(void)
{
	char want[2 * GDB_REGS_BYTES + 1];

	for (int i = 0; i < 17; i++)
		t.regs.gpr[i] = 0x1111111111111111ull * (uint64_t)(i % 15 + 1);
	t.regs.gpr[GDB_REG_RIP] = 0x100123;
	t.regs.eflags = 0x246;
	t.regs.seg[0] = 0x08;
	t.regs.seg[1] = 0x10;
	feed("g");
	ok(strlen(answer()) == 2 * GDB_REGS_BYTES, "'g': %u registers in %u hex digits", GDB_NREGS,
	   2 * GDB_REGS_BYTES);
	strcpy(want, answer());
	ok(strncmp(want, "1111111111111111" "2222222222222222", 32) == 0, "'g': rax then rbx");
	ok(strncmp(want + 16 * 16, "2301100000000000", 16) == 0, "'g': rip little-endian at 16");
	ok(strncmp(want + 17 * 16, "46020000" "08000000" "10000000", 24) == 0,
	   "'g': eflags, cs, ss as 4 bytes each");
	feed("p10");
	is_str(answer(), "2301100000000000", "'p10' is rip");
	feed("p11");
	is_str(answer(), "46020000", "'p11' is eflags");
	feed("p18");
	is_str(answer(), "E01", "'p18' (st0, not sent) is refused");
	feed("pzz");
	is_str(answer(), "E01", "'p' with no number");

	feed("P10=0010100000000000");
	is_str(answer(), "OK", "'P' writes rip");
	is_int(t.regs.gpr[GDB_REG_RIP], 0x101000, "rip written little-endian");
	feed("P10=0010");
	is_str(answer(), "E01", "'P' with too few digits");
	feed("P99=00");
	is_str(answer(), "E01", "'P' of an unknown register");

	want[0] = '9';	/* rax = 0x...19 */
	{
		char g[2 * GDB_REGS_BYTES + 2] = "G";

		strcat(g, want);
		feed(g);
		is_str(answer(), "OK", "'G' with every register");
		is_int(t.regs.gpr[0], 0x1111111111111191ull, "'G' set rax (low byte first)");
		g[strlen(g) - 1] = 0;
		feed(g);
		is_str(answer(), "E01", "'G' one digit short");
	}
}

static void test_memory(void)
{
	memcpy(t.mem + 0x1000, "\x01\x02\xfe\xff", 4);
	feed("m1000,4");
	is_str(answer(), "0102feff", "'m' reads memory");
	feed("mfffc,4");
	is_str(answer(), "00000000", "'m' of the last 4 bytes of memory");
	feed("mffff,2");
	is_str(answer(), "E14", "'m' one byte past the end: EFAULT");
	feed("m10000,1");
	is_str(answer(), "E14", "'m' at the end of memory");
	feed("mffffffffffffffff,2");
	is_str(answer(), "E14", "'m' whose end wraps around 2^64");
	feed("m10000000000000000,1");
	is_str(answer(), "E01", "'m' with an address over 64 bits");
	feed("m1000,801");
	is_str(answer(), "E01", "'m' longer than a reply can carry");
	feed("m1000,800");
	ok(strlen(answer()) == 0x1000, "'m' of PacketSize/2 bytes");
	feed("m1000");
	is_str(answer(), "E01", "'m' without a length");
	feed("m1000,4x");
	is_str(answer(), "E01", "'m' with trailing bytes");
	feed("m,4");
	is_str(answer(), "E01", "'m' without an address");

	feed("M2000,3:a1b2c3");
	is_str(answer(), "OK", "'M' writes");
	ok(memcmp(t.mem + 0x2000, "\xa1\xb2\xc3", 3) == 0, "'M' wrote the bytes");
	feed("M2000,3:a1b2");
	is_str(answer(), "E01", "'M' with fewer digits than its length");
	feed("M2000,1:g0");
	is_str(answer(), "E01", "'M' with a bad digit");
	feed("Mffff,2:0102");
	is_str(answer(), "E14", "'M' across the end of memory");
	ok(t.mem[0xffff] == 0, "... wrote nothing");

	/* 'X' carries binary: '#', '$' and '}' are escaped as '}' and the byte ^ 0x20. */
	feed("X3000,4:a}\x03}\x04}]");
	is_str(answer(), "OK", "'X' with escaped bytes");
	ok(memcmp(t.mem + 0x3000, "a#$}", 4) == 0, "'X' unescaped '#', '$' and '}'");
	feed("X3000,0:");
	is_str(answer(), "OK", "'X' of 0 bytes (gdb's probe)");
	feed("X3000,5:abcd");
	is_str(answer(), "E01", "'X' with fewer bytes than its length");
	feed("X10001,0:");
	is_str(answer(), "E14", "'X' of 0 bytes beyond memory");
}

static void test_breakpoints(void)
{
	t.mem[0x4000] = 0x55;
	t.mem[0x4001] = 0x48;
	feed("Z0,4000,1");
	is_str(answer(), "OK", "Z0 inserts a breakpoint");
	is_int(t.mem[0x4000], 0xcc, "... as an int3 in memory");
	feed("m4000,2");
	is_str(answer(), "5548", "'m' shows the original byte, not the int3");
	feed("Z0,4000,1");
	is_str(answer(), "OK", "the same breakpoint twice");
	feed("M4000,1:90");
	is_int(t.mem[0x4000], 0xcc, "writing over a breakpoint keeps the int3");
	feed("m4000,1");
	is_str(answer(), "90", "... and changes the byte it will restore");
	feed("Z0,10000,1");
	is_str(answer(), "E14", "a breakpoint beyond memory");
	feed("Z0,4000,4");
	is_str(answer(), "E01", "a breakpoint of kind 4 (an int3 is 1 byte)");
	feed("Z1,4000,1");
	is_str(answer(), "", "hardware breakpoints: not supported");
	feed("Z0,4000");
	is_str(answer(), "E01", "Z0 without a kind");

	t.nsent = 0;
	gdb_report_stop(&s, GDB_SIGTRAP, true, 0x4000);
	ok(strncmp(t.sent, "$T05swbreak:;#", 14) == 0, "a stop on our int3 says swbreak");
	t.nsent = 0;
	gdb_report_stop(&s, GDB_SIGTRAP, true, 0x4001);
	ok(strstr(t.sent, "$S05#") != NULL, "an int3 that is not ours: S05");
	feed("?");
	is_str(answer(), "S05", "'?' repeats the last stop");

	feed("z0,4000,1");
	is_str(answer(), "OK", "z0 removes it");
	is_int(t.mem[0x4000], 0x90, "... restoring the byte");
	feed("z0,4000,1");
	is_str(answer(), "OK", "removing it again is harmless");

	for (unsigned i = 0; i < GDB_MAX_BREAKPOINTS; i++) {
		char p[32];

		snprintf(p, sizeof p, "Z0,%x,1", 0x5000 + i);
		feed(p);
	}
	feed("Z0,6000,1");
	is_str(answer(), "E14", "one breakpoint more than the table holds");
	is_int(gdb_clear_breakpoints(&s), 0, "clearing all breakpoints");
	is_int(t.mem[0x5000], 0, "... restored their bytes");
}

/* With debug registers: the first four breakpoints are hardware ones, the fifth an int3. */
static void test_hw_breakpoints(void)
{
	gdb_session_init(&s, &ops_hw, NULL, true);
	memset(t.mem + 0x7000, 0x90, 16);
	for (unsigned i = 0; i < 5; i++) {
		char p[32];

		snprintf(p, sizeof p, "Z0,%x,1", 0x7000 + i);
		feed(p);
		ok(strcmp(answer(), "OK") == 0, "Z0 number %u", i + 1);
	}
	is_int(t.nhw, 4, "four hardware breakpoints");
	ok(t.hw[0] == 0x7000 && t.hw[3] == 0x7003, "... at the first four addresses");
	ok(t.mem[0x7000] == 0x90 && t.mem[0x7003] == 0x90, "... memory untouched");
	is_int(t.mem[0x7004], 0xcc, "the fifth is an int3");
	feed("Z0,10000,1");
	is_str(answer(), "E14", "a hardware breakpoint beyond memory is refused too");
	t.nsent = 0;
	gdb_report_stop(&s, GDB_SIGTRAP, true, 0x7002);
	ok(strncmp(t.sent, "$T05hwbreak:;#", 14) == 0, "a stop on a hardware breakpoint: hwbreak");
	t.nsent = 0;
	gdb_report_stop(&s, GDB_SIGTRAP, false, 0x7002);
	ok(strncmp(t.sent, "$S05#", 5) == 0, "a single step that lands on one: S05");
	feed("z0,7001,1");
	is_str(answer(), "OK", "z0 of a hardware breakpoint");
	ok(t.nhw == 3 && t.hw[0] == 0x7000 && t.hw[1] == 0x7002 && t.hw[2] == 0x7003,
	   "... leaves the other three");
	feed("Z0,7008,1");
	ok(t.nhw == 4 && t.mem[0x7008] == 0x90, "the freed register is used again");
	is_int(gdb_clear_breakpoints(&s), 0, "clearing");
	ok(t.nhw == 0 && t.mem[0x7004] == 0x90, "... frees the registers and removes the int3");
}

static void test_resume(void)
{
	ok(feed("c") == GDB_CONTINUE, "'c' continues");
	is_str(t.sent, "+", "... with only an ack (the reply is the next stop)");
	ok(feed("s") == GDB_STEP, "'s' steps");
	ok(feed("c100000") == GDB_CONTINUE && t.regs.gpr[GDB_REG_RIP] == 0x100000,
	   "'c addr' continues at addr");
	ok(feed("S05;100010") == GDB_STEP && t.regs.gpr[GDB_REG_RIP] == 0x100010,
	   "'S sig;addr' steps at addr");
	ok(feed("cxyz") == GDB_NONE && strcmp(answer(), "E01") == 0, "'c' with junk: error");
	ok(feed("k") == GDB_KILL, "'k' kills");
	ok(feed("D") == GDB_DETACH && strcmp(answer(), "OK") == 0, "'D' detaches with OK");

	t.nsent = 0;
	gdb_report_exit(&s, 0x107);
	ok(strncmp(t.sent, "$W07#", 5) == 0, "W with the status modulo 256");
	t.nsent = 0;
	gdb_report_killed(&s, GDB_SIGSEGV);
	ok(strncmp(t.sent, "$X0b#", 5) == 0, "X with the signal");

	gdb_session_init(&s, &ops, NULL, false);
	feed("Z0,4000,1");
	is_str(answer(), "E14", "without KVM guest debugging: breakpoints are refused");
	ok(feed("s") == GDB_CONTINUE, "... and a step runs freely");
	feed("m1000,1");
	is_str(answer(), "01", "... memory is still readable");
	feed("g");
	ok(strlen(answer()) == 2 * GDB_REGS_BYTES, "... and registers too");
}

int main(void)
{
	gdb_session_init(&s, &ops, NULL, true);
	test_framing();
	test_registers();
	test_memory();
	test_breakpoints();
	test_hw_breakpoints();
	test_resume();
	return tap_done();
}
