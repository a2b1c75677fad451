/*
 * What fata-spt says when its guest faults (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP): one line
 * naming the signal, the faulting address and rip, the registers; then the process dies by that
 * same signal, as under solo5-spt (a shell sees 128 + the signal: 139 for SIGSEGV). The guest
 * runs in this process with its own FS base and maybe a broken stack, so the handler runs on a
 * stack of its own and touches neither libc nor TLS (no errno, no stack protector): raw system
 * calls, its own formatting.
 *
 * Dying by the signal: the handler is installed with SA_RESETHAND (the disposition is back to
 * the default once it runs) and SA_NODEFER (the signal is not blocked while it runs), so the
 * tgkill() it sends itself at the end is delivered at once and takes the default action. The
 * seccomp filter allows exactly tgkill(this pid, this tid, one of the five signals): all a guest
 * can do with it is kill itself.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include "../common/tender.h"
#include "spt.h"

static const int fault_sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP };
static long self_pid, self_tid;

static uint8_t fault_stack[64 * 1024] __attribute__((aligned(16)));

#define NOSSP __attribute__((no_stack_protector))

NOSSP static long raw3(long nr, long a, long b, long c)
{
	long ret;

	__asm__ __volatile__("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b), "d"(c)
			     : "rcx", "r11", "memory");
	return ret;
}

NOSSP static char *put_str(char *p, const char *s)
{
	while (*s)
		*p++ = *s++;
	return p;
}

NOSSP static char *put_hex(char *p, uint64_t v, int width)
{
	static const char digits[] = "0123456789abcdef";
	int n = 1;

	while (n < 16 && v >> (4 * n))
		n++;
	if (n < width)
		n = width;
	for (int i = n - 1; i >= 0; i--)
		*p++ = digits[(v >> (4 * i)) & 15];
	return p;
}

NOSSP static void on_fault(int sig, siginfo_t *si, void *ucv)
{
	static const char *const regname[] = { "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp",
					       "r8 ", "r9 ", "r10", "r11", "r12", "r13", "r14",
					       "r15" };
	static const int regidx[] = { REG_RAX, REG_RBX, REG_RCX, REG_RDX, REG_RSI, REG_RDI,
				      REG_RBP, REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13,
				      REG_R14, REG_R15 };
	const greg_t *g = ((const ucontext_t *)ucv)->uc_mcontext.gregs;
	const char *name = sig == SIGSEGV ? "SIGSEGV (invalid memory access)" :
			   sig == SIGBUS ? "SIGBUS (bus error)" :
			   sig == SIGILL ? "SIGILL (invalid instruction)" :
			   sig == SIGFPE ? "SIGFPE (arithmetic error)" : "SIGTRAP (breakpoint)";
	char buf[640], *p = buf;

	p = put_str(p, "fata-spt: guest fault: ");
	p = put_str(p, name);
	p = put_str(p, ", address 0x");
	p = put_hex(p, (uint64_t)(uintptr_t)si->si_addr, 1);
	p = put_str(p, ", rip 0x");
	p = put_hex(p, (uint64_t)g[REG_RIP], 1);
	p = put_str(p, ", rsp 0x");
	p = put_hex(p, (uint64_t)g[REG_RSP], 1);
	p = put_str(p, ", rflags 0x");
	p = put_hex(p, (uint64_t)g[REG_EFL], 1);
	for (size_t i = 0; i < sizeof(regidx) / sizeof(regidx[0]); i++) {
		p = put_str(p, i % 4 ? " " : "\n  ");
		p = put_str(p, regname[i]);
		*p++ = ' ';
		p = put_hex(p, (uint64_t)g[regidx[i]], 16);
	}
	*p++ = '\n';
	raw3(SYS_write, 2, (long)buf, (long)(p - buf));
	raw3(SYS_tgkill, self_pid, self_tid, sig);
	raw3(SYS_exit_group, 255, 0, 0);	/* not reached: the signal's default action ends us */
}

void spt_fault_init(void)
{
	stack_t ss = { .ss_sp = fault_stack, .ss_size = sizeof(fault_stack) };
	struct sigaction sa;

	if (sigaltstack(&ss, NULL) < 0)
		tender_die_errno("sigaltstack");
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESETHAND | SA_NODEFER;
	sigfillset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(fault_sigs) / sizeof(fault_sigs[0]); i++)
		sigdelset(&sa.sa_mask, fault_sigs[i]);	/* a fault inside the handler kills at once */
	for (size_t i = 0; i < sizeof(fault_sigs) / sizeof(fault_sigs[0]); i++)
		if (sigaction(fault_sigs[i], &sa, NULL) < 0)
			tender_die_errno("sigaction");
}

void spt_fault_sandbox(scmp_filter_ctx ctx)
{
	self_pid = getpid();
	self_tid = gettid();
	for (size_t i = 0; i < sizeof(fault_sigs) / sizeof(fault_sigs[0]); i++) {
		struct scmp_arg_cmp c[3] = {
			tender_arg(0, SCMP_CMP_EQ, (scmp_datum_t)self_pid),
			tender_arg(1, SCMP_CMP_EQ, (scmp_datum_t)self_tid),
			tender_arg(2, SCMP_CMP_EQ, (scmp_datum_t)fault_sigs[i]),
		};

		tender_sandbox_allow(ctx, "tgkill(self, a fault signal)", SCMP_SYS(tgkill), 3, c);
	}
}
