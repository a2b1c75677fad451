/*
 * fata-hvt --gdb: a GDB remote stub for the guest on 127.0.0.1. It waits for gdb before the
 * guest's first instruction, reads and writes guest memory through the tender's own mapping
 * (guest virtual == physical on hvt), sets breakpoints in the debug registers DR0-DR3 (int3
 * patches beyond four) and single-steps with KVM's guest debugging. The protocol itself is tender/common/gdb_proto.c.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <linux/kvm.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../common/gdb_proto.h"
#include "../common/sandbox.h"
#include "hvt.h"

#define X86_DB_VECTOR 1
#define X86_BP_VECTOR 3
#define X86_DR6_B0_3 0xfull	/* which of DR0-DR3 matched */
#define X86_DR7_L(i) (1ull << (2 * (i)))	/* enable DRi; R/W and LEN 0: on execution */

/* One stub per process: the hooks in the run loop and the hypercalls reach it without `h`. */
static struct {
	bool active;		/* a gdb is connected and has not detached */
	int fd;
	struct hvt *h;
	uint32_t control;	/* the last KVM_SET_GUEST_DEBUG flags */
	unsigned nhw;		/* hardware breakpoints, in DR0.. */
	uint64_t hw[GDB_MAX_HW_BREAKPOINTS];
	bool hw_changed;	/* ... not given to KVM yet */
	size_t pos, n;		/* bytes from gdb not fed yet: buf[pos..n) */
	uint8_t buf[1024];
	struct gdb_session s;
} g = { .fd = -1 };

static int get_regs(void *t, struct gdb_regs *r)
{
	struct hvt *h = t;
	struct kvm_regs k;
	struct kvm_sregs sk;

	if (ioctl(h->vcpu_fd, KVM_GET_REGS, &k) < 0 || ioctl(h->vcpu_fd, KVM_GET_SREGS, &sk) < 0)
		return -1;
	memset(r, 0, sizeof *r);
	r->gpr[0] = k.rax;
	r->gpr[1] = k.rbx;
	r->gpr[2] = k.rcx;
	r->gpr[3] = k.rdx;
	r->gpr[4] = k.rsi;
	r->gpr[5] = k.rdi;
	r->gpr[6] = k.rbp;
	r->gpr[7] = k.rsp;
	r->gpr[8] = k.r8;
	r->gpr[9] = k.r9;
	r->gpr[10] = k.r10;
	r->gpr[11] = k.r11;
	r->gpr[12] = k.r12;
	r->gpr[13] = k.r13;
	r->gpr[14] = k.r14;
	r->gpr[15] = k.r15;
	r->gpr[16] = k.rip;
	r->eflags = (uint32_t)k.rflags;
	r->seg[0] = sk.cs.selector;
	r->seg[1] = sk.ss.selector;
	r->seg[2] = sk.ds.selector;
	r->seg[3] = sk.es.selector;
	r->seg[4] = sk.fs.selector;
	r->seg[5] = sk.gs.selector;
	return 0;
}

/* The general registers, rip and the low half of rflags; segment selectors stay as they are. */
static int set_regs(void *t, const struct gdb_regs *r)
{
	struct hvt *h = t;
	struct kvm_regs k;

	if (ioctl(h->vcpu_fd, KVM_GET_REGS, &k) < 0)
		return -1;
	k.rax = r->gpr[0];
	k.rbx = r->gpr[1];
	k.rcx = r->gpr[2];
	k.rdx = r->gpr[3];
	k.rsi = r->gpr[4];
	k.rdi = r->gpr[5];
	k.rbp = r->gpr[6];
	k.rsp = r->gpr[7];
	k.r8 = r->gpr[8];
	k.r9 = r->gpr[9];
	k.r10 = r->gpr[10];
	k.r11 = r->gpr[11];
	k.r12 = r->gpr[12];
	k.r13 = r->gpr[13];
	k.r14 = r->gpr[14];
	k.r15 = r->gpr[15];
	k.rip = r->gpr[16];
	k.rflags = (k.rflags & ~0xffffffffull) | r->eflags | 0x2;	/* bit 1 is always set */
	return ioctl(h->vcpu_fd, KVM_SET_REGS, &k) < 0 ? -1 : 0;
}

/* The host address of guest range [addr, addr + len), or NULL when any of it lies outside. */
static uint8_t *guest_bytes(const struct hvt *h, uint64_t addr, size_t len)
{
	if (len > h->mem_size || addr > h->mem_size - len)
		return NULL;
	return h->mem + addr;
}

static int read_mem(void *t, uint64_t addr, void *buf, size_t len)
{
	const uint8_t *p = guest_bytes(t, addr, len);

	if (!p)
		return -1;
	memcpy(buf, p, len);
	return 0;
}

static int write_mem(void *t, uint64_t addr, const void *buf, size_t len)
{
	uint8_t *p = guest_bytes(t, addr, len);

	if (!p)
		return -1;
	memcpy(p, buf, len);
	return 0;
}

static int send_gdb(void *t, const void *buf, size_t len)
{
	(void)t;
	return tender_write_all(g.fd, buf, len);
}

/* Sets the vCPU's debugging flags and hardware breakpoints, when they changed. */
static int set_guest_debug(struct hvt *h, uint32_t control)
{
	struct kvm_guest_debug d;

	if (g.nhw > 0)
		control |= KVM_GUESTDBG_USE_HW_BP;
	if (control == g.control && !g.hw_changed)
		return 0;
	memset(&d, 0, sizeof d);
	d.control = control;
	for (unsigned i = 0; i < g.nhw; i++) {
		d.arch.debugreg[i] = g.hw[i];
		d.arch.debugreg[7] |= X86_DR7_L(i);
	}
	if (ioctl(h->vcpu_fd, KVM_SET_GUEST_DEBUG, &d) < 0)
		return -1;
	g.control = control;
	g.hw_changed = false;
	return 0;
}

/* Takes effect when the guest resumes (resume() sets the debug registers). */
static int set_hw_breakpoints(void *t, const uint64_t *addr, unsigned n)
{
	(void)t;
	if (n > GDB_MAX_HW_BREAKPOINTS)
		return -1;
	memcpy(g.hw, addr, n * sizeof addr[0]);
	g.nhw = n;
	g.hw_changed = true;
	return 0;
}

static const struct gdb_target_ops ops = {
	.get_regs = get_regs,
	.set_regs = set_regs,
	.read_mem = read_mem,
	.write_mem = write_mem,
	.send = send_gdb,
	.set_hw_breakpoints = set_hw_breakpoints,
};

/* Feeds gdb's bytes to the protocol until gdb wants the guest to run, leaves or kills it. */
static enum gdb_action serve(void)
{
	for (;;) {
		ssize_t n;

		while (g.pos < g.n) {
			enum gdb_action a = gdb_input(&g.s, g.buf[g.pos++]);

			/* Ctrl-C while the guest is stopped already: nothing to interrupt. */
			if (a != GDB_NONE && a != GDB_INTERRUPT)
				return a;
		}
		n = read(g.fd, g.buf, sizeof g.buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return GDB_DETACH;	/* gdb went away: the guest runs on without it */
		g.pos = 0;
		g.n = (size_t)n;
	}
}

/* Does what gdb asked for and returns to the run loop, or ends the process. */
static void resume(struct hvt *h, enum gdb_action a)
{
	uint32_t debug = KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_SW_BP;

	switch (a) {
	case GDB_KILL:
		tender_note("gdb killed the guest");
		_exit(1);
	case GDB_DETACH:
		if (gdb_clear_breakpoints(&g.s) > 0)
			tender_die("gdb detached, and a breakpoint could not be removed");
		if (g.s.can_debug && set_guest_debug(h, 0) < 0)
			tender_die_errno("KVM_SET_GUEST_DEBUG (turning debugging off)");
		g.active = false;
		tender_note("gdb detached; the guest runs on");
		return;
	case GDB_STEP:
		debug |= KVM_GUESTDBG_SINGLESTEP;
		/* fall through */
	default:
		if (g.s.can_debug && set_guest_debug(h, debug) < 0)
			tender_die_errno("KVM_SET_GUEST_DEBUG");
		return;
	}
}

void hvt_gdb_init(struct hvt *h, unsigned port)
{
	struct sockaddr_in a;
	bool can_debug = true;
	int one = 1, lfd;

	g.h = h;
	signal(SIGPIPE, SIG_IGN);	/* a gdb that went away is seen as EOF, not a signal */
	if (ioctl(h->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_SET_GUEST_DEBUG) <= 0) {
		tender_note("this host's KVM cannot debug guests (no KVM_CAP_SET_GUEST_DEBUG): no "
			    "breakpoints or single steps; registers and memory are readable at the "
			    "first stop");
		can_debug = false;
	} else if (set_guest_debug(h, KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_SW_BP) < 0) {
		tender_note("this host's KVM cannot debug guests (KVM_SET_GUEST_DEBUG: %s): no "
			    "breakpoints or single steps; registers and memory are readable at the "
			    "first stop", strerror(errno));
		can_debug = false;
	}

	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0)
		tender_die_errno("--gdb: socket");
	(void)setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(lfd, (struct sockaddr *)&a, sizeof a) < 0 || listen(lfd, 1) < 0)
		tender_die_errno("--gdb: cannot listen on 127.0.0.1:%u", port);
	tender_note("waiting for gdb on 127.0.0.1:%u", port);
	do
		g.fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	while (g.fd < 0 && errno == EINTR);
	if (g.fd < 0)
		tender_die_errno("--gdb: accept");
	close(lfd);	/* one debugger: later connections are refused */
	(void)setsockopt(g.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	gdb_session_init(&g.s, &ops, h, can_debug);
	g.active = true;
}

void hvt_gdb_sandbox(const struct hvt *h, scmp_filter_ctx ctx)
{
	struct scmp_arg_cmp c[2] = {
		tender_arg(0, SCMP_CMP_EQ, (scmp_datum_t)h->vcpu_fd),
		tender_arg(1, SCMP_CMP_EQ, KVM_SET_GUEST_DEBUG),
	};
	struct scmp_arg_cmp fd = tender_arg(0, SCMP_CMP_EQ, (scmp_datum_t)g.fd);

	if (!g.active)
		return;
	tender_sandbox_allow(ctx, "ioctl(KVM_SET_GUEST_DEBUG)", SCMP_SYS(ioctl), 2, c);
	c[1] = tender_arg(1, SCMP_CMP_EQ, KVM_SET_REGS);
	tender_sandbox_allow(ctx, "ioctl(KVM_SET_REGS)", SCMP_SYS(ioctl), 2, c);
	c[1] = tender_arg(1, SCMP_CMP_EQ, KVM_GET_SREGS);
	tender_sandbox_allow(ctx, "ioctl(KVM_GET_SREGS)", SCMP_SYS(ioctl), 2, c);
	tender_sandbox_allow(ctx, "read(gdb)", SCMP_SYS(read), 1, &fd);
	tender_sandbox_allow(ctx, "write(gdb)", SCMP_SYS(write), 1, &fd);
}

void hvt_gdb_first_stop(struct hvt *h)
{
	if (g.active)
		resume(h, serve());
}

void hvt_gdb_debug_exit(struct hvt *h)
{
	const struct kvm_run *run = h->run;

	if (!g.active)
		hvt_guest_error("debug exit (exception %u) at rip 0x%llx with no gdb attached",
				run->debug.arch.exception,
				(unsigned long long)run->debug.arch.pc);
	gdb_report_stop(&g.s, GDB_SIGTRAP, run->debug.arch.exception == X86_BP_VECTOR ||
			(run->debug.arch.exception == X86_DB_VECTOR &&
			 (run->debug.arch.dr6 & X86_DR6_B0_3)), run->debug.arch.pc);
	resume(h, serve());
}

void hvt_gdb_guest_exit(int status)
{
	if (g.active)
		gdb_report_exit(&g.s, status);
}

void hvt_gdb_guest_killed(void)
{
	if (g.active)
		gdb_report_killed(&g.s, GDB_SIGSEGV);
}
