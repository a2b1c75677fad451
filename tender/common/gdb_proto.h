/*
 * The GDB remote serial protocol as fata-hvt's stub speaks it, without any I/O or KVM: framing
 * ($data#cc, acks, '}' escapes), the commands (registers, memory, software breakpoints, step,
 * continue, kill, detach) and the stop and exit replies. The stub feeds it the bytes gdb sent; it
 * answers through the target's send() and tells the stub when gdb wants the guest to run.
 */
#ifndef FATA_TENDER_GDB_PROTO_H
#define FATA_TENDER_GDB_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The longest packet payload either side sends (advertised as PacketSize). */
#define GDB_PACKET_MAX 4096u
#define GDB_MAX_BREAKPOINTS 64u
#define GDB_MAX_HW_BREAKPOINTS 4u	/* x86's DR0-DR3 */
#define GDB_X86_INT3 0xcc

/* Signals as gdb numbers them in stop and exit replies. */
#define GDB_SIGINT 2
#define GDB_SIGTRAP 5
#define GDB_SIGKILL 9
#define GDB_SIGSEGV 11

/*
 * gdb's default amd64 register layout for 'g', 'G', 'p' and 'P' (without a target description):
 * rax rbx rcx rdx rsi rdi rbp rsp r8..r15 rip (8 bytes each), then eflags cs ss ds es fs gs (4
 * bytes each), little-endian. The x87 and SSE registers after them are not sent: gdb shows them
 * as unavailable.
 */
#define GDB_REG_RIP 16
#define GDB_REG_EFLAGS 17
#define GDB_NREGS 24
#define GDB_REGS_BYTES (17 * 8 + 7 * 4)
struct gdb_regs {
	uint64_t gpr[17];	/* rax rbx rcx rdx rsi rdi rbp rsp r8..r15 rip */
	uint32_t eflags;
	uint32_t seg[6];	/* cs ss ds es fs gs selectors */
};

/*
 * What the stub provides. Every function returns 0, or -1 when it cannot (for memory: any byte
 * of [addr, addr + len) outside the guest). `t` is the `target` given to gdb_session_init().
 */
struct gdb_target_ops {
	int (*get_regs)(void *t, struct gdb_regs *r);
	int (*set_regs)(void *t, const struct gdb_regs *r);
	int (*read_mem)(void *t, uint64_t addr, void *buf, size_t len);
	int (*write_mem)(void *t, uint64_t addr, const void *buf, size_t len);
	/* Writes buf[0..len) to gdb. */
	int (*send)(void *t, const void *buf, size_t len);
	/*
	 * Optional (NULL: int3 patching only): makes addr[0..n) (n <= GDB_MAX_HW_BREAKPOINTS) the
	 * hardware instruction breakpoints, replacing the previous set.
	 */
	int (*set_hw_breakpoints)(void *t, const uint64_t *addr, unsigned n);
};

/* What gdb asked for, as gdb_input() returns it. */
enum gdb_action {
	GDB_NONE,	/* nothing for the stub to do: keep feeding bytes */
	GDB_CONTINUE,	/* run the guest until something stops it */
	GDB_STEP,	/* run one guest instruction */
	GDB_KILL,	/* end the guest (gdb expects no reply) */
	GDB_DETACH,	/* gdb left ("OK" was sent): remove nothing more, run the guest freely */
	GDB_INTERRUPT,	/* Ctrl-C (0x03) outside a packet */
};

/*
 * A breakpoint gdb asked for with Z0. The first GDB_MAX_HW_BREAKPOINTS are hardware ones when
 * the target has them (memory stays untouched, which works where int3 does not), the others are
 * int3 patches.
 */
struct gdb_breakpoint {
	uint64_t addr;
	bool hw;
	uint8_t saved;		/* int3: the byte it replaced */
};

/* One connection's state. All buffers are inside: nothing is allocated. */
struct gdb_session {
	const struct gdb_target_ops *ops;
	void *target;
	bool can_debug;		/* breakpoints and single step work (else Z0 and 's' are refused) */
	char stop_reply[16];	/* the last stop, which '?' repeats */
	/* input framing */
	enum { GDB_IDLE, GDB_DATA, GDB_ESCAPE, GDB_CSUM1, GDB_CSUM2 } state;
	uint8_t sum;		/* of the raw bytes between '$' and '#' */
	uint8_t csum;		/* the checksum gdb sent */
	bool overlong;
	size_t len;
	char in[GDB_PACKET_MAX + 1];
	/* the last reply, framed, for a resend after gdb's '-' */
	size_t out_len;
	char out[GDB_PACKET_MAX + 4];
	unsigned nbp;
	struct gdb_breakpoint bp[GDB_MAX_BREAKPOINTS];
};

/*
 * Starts a session on `target`, stopped with SIGTRAP ("S05"). `can_debug` false: Z0, 's' and 'c' still
 * answer, but breakpoints are refused (E01) and a step runs freely like 'c'.
 */
void gdb_session_init(struct gdb_session *s, const struct gdb_target_ops *ops, void *target,
		      bool can_debug);

/*
 * Feeds one byte from gdb. Acknowledges each complete packet ('+', or '-' on a bad checksum, so
 * that gdb resends), answers it through ops->send and returns what the stub must do. Malformed
 * commands get an error reply ("E01"), unknown ones the empty reply, packets longer than
 * GDB_PACKET_MAX an error. Never reads or writes guest memory outside what read_mem/write_mem
 * accept.
 */
enum gdb_action gdb_input(struct gdb_session *s, uint8_t c);

/*
 * Tells gdb the guest stopped with `signal` at `pc`. `breakpoint`: the CPU says a breakpoint
 * stopped it (an int3 or a hardware breakpoint); when pc holds one of the session's, the reply
 * is "T05swbreak:;" or "T05hwbreak:;" (so gdb takes pc as the breakpoint's address), otherwise
 * "S" + signal.
 */
void gdb_report_stop(struct gdb_session *s, int signal, bool breakpoint, uint64_t pc);

/* Tells gdb the guest exited with `status` ("W" + two hex digits of status & 0xff). */
void gdb_report_exit(struct gdb_session *s, int status);

/* Tells gdb the guest was ended by `signal` ("X" + signal). */
void gdb_report_killed(struct gdb_session *s, int signal);

/* True when `addr` holds one of the session's breakpoints. */
bool gdb_is_breakpoint(const struct gdb_session *s, uint64_t addr);

/*
 * Removes every breakpoint (restoring the saved bytes), as on detach. Returns the number of
 * bytes that could not be restored (0 normally).
 */
unsigned gdb_clear_breakpoints(struct gdb_session *s);

#endif
