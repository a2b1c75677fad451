/*
 * fata-spt --dumpcore=DIR: the guest runs in a child process that this one traces, so that the
 * core file is written from outside the sandbox. The guest can make every system call the
 * filter allows, so the filter allows none that creates a file; instead the parent, which never
 * runs guest code and has no filter, watches the child with ptrace:
 *  - at a fault signal's delivery (before the fault handler runs) it saves the registers;
 *  - when the child exits (PTRACE_EVENT_EXIT, memory still intact) by that signal or with status
 *    255 (an abort), it creates DIR/core.fata-spt.PID (O_EXCL, O_NOFOLLOW, through the directory
 *    descriptor opened before the fork) and copies guest memory from /proc/CHILD/mem;
 *  - then it ends as the child ended: the same exit status, or death by the same signal.
 * The guest cannot talk to the parent: it only faults or exits, and the parent reads nothing
 * from the child but registers and the fixed range of guest memory.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../common/dumpcore.h"
#include "../common/tender.h"

void spt_dumpcore_start(const char *dir, uint64_t mem_base, uint64_t mem_size, bool note);
void spt_watch_start(void);

static pid_t child;
static bool note_exit;		/* say how the guest ended, as fata-hvt does (not with -q) */

static void forward(int sig)
{
	kill(child, sig);
}

static int is_fault(int sig)
{
	return sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE || sig == SIGTRAP;
}

static int read_mem(void *ctx, uint64_t addr, void *buf, size_t len)
{
	int fd = *(int *)ctx;

	return pread(fd, buf, len, (off_t)addr) == (ssize_t)len ? 0 : -1;
}

static void dump(int dirfd, const char *dir, int memfd, const struct user_regs_struct *regs,
		 int sig, uint64_t base, uint64_t size)
{
	struct tender_core_mem mem = { .base = base, .size = size, .read = read_mem, .ctx = &memfd };
	struct tender_err err;
	char name[64];
	long pages;
	int fd;

	tender_dumpcore_name(name, sizeof name, (long)getpid());
	fd = tender_dumpcore_create(dirfd, name);
	if (fd < 0) {
		tender_note("dumpcore: %s/%s: %s; no core written", dir, name, strerror(errno));
		return;
	}
	pages = tender_dumpcore_write(fd, regs, sig, (long)child, &mem, &err);
	close(fd);
	if (pages < 0)
		tender_note("dumpcore: %s/%s: %s", dir, name, err.msg);
	else
		tender_note("dumpcore: guest core written to %s/%s (%ld non-zero pages)", dir, name,
			    pages);
}

static _Noreturn void end_like(int status)
{
	tender_cov_dump();	/* make coverage: this process never installs the sandbox */
	if (note_exit && WIFEXITED(status))
		tender_note("guest exited with status %d", WEXITSTATUS(status));
	else if (note_exit && WIFSIGNALED(status))
		tender_note("guest ended by signal %d (%s)", WTERMSIG(status),
			    strsignal(WTERMSIG(status)));
	if (WIFSIGNALED(status)) {
		int sig = WTERMSIG(status);
		struct rlimit none = { 0, 0 };
		sigset_t set;

		setrlimit(RLIMIT_CORE, &none);	/* the child already dumped if it was to */
		signal(sig, SIG_DFL);
		sigemptyset(&set);
		sigaddset(&set, sig);
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		raise(sig);
		_exit(128 + sig);
	}
	_exit(WEXITSTATUS(status));
}

/* The parent's loop: until the child is gone. */
static _Noreturn void supervise(int dirfd, const char *dir, int memfd, uint64_t base,
				uint64_t size)
{
	struct user_regs_struct fault_regs;
	int fault_sig = 0;

	for (;;) {
		int st, sig, event;

		if (waitpid(child, &st, __WALL) < 0) {
			if (errno == EINTR)
				continue;
			tender_die_errno("waitpid");
		}
		if (WIFEXITED(st) || WIFSIGNALED(st))
			end_like(st);
		if (!WIFSTOPPED(st))
			continue;
		sig = WSTOPSIG(st);
		event = st >> 16;
		if (event == PTRACE_EVENT_EXIT) {
			unsigned long how = 0;
			struct user_regs_struct regs;

			ptrace(PTRACE_GETEVENTMSG, child, 0, &how);
			if (fault_sig && WIFSIGNALED((int)how) && WTERMSIG((int)how) == fault_sig)
				dump(dirfd, dir, memfd, &fault_regs, fault_sig, base, size);
			else if (WIFEXITED((int)how) && WEXITSTATUS((int)how) == 255 &&
				 ptrace(PTRACE_GETREGS, child, 0, &regs) == 0)
				dump(dirfd, dir, memfd, &regs, 0, base, size);
			ptrace(PTRACE_CONT, child, 0, 0);
		} else if (event == PTRACE_EVENT_STOP) {
			ptrace(PTRACE_LISTEN, child, 0, 0);	/* a group stop: stay stopped */
		} else {
			/* A signal for the child: note the first fault, then deliver it. */
			if (is_fault(sig) && !fault_sig &&
			    ptrace(PTRACE_GETREGS, child, 0, &fault_regs) == 0)
				fault_sig = sig;
			ptrace(PTRACE_CONT, child, 0, sig);
		}
	}
}

/* The child's side of a fork: dies with the parent. Returns in the child only. */
static void fork_guest(void)
{
	pid_t parent = getpid();

	fflush(NULL);
	child = fork();
	if (child < 0)
		tender_die_errno("fork");
	if (child == 0 && (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent))
		_exit(1);
}

/*
 * Without -q and without --dumpcore: the guest runs in a child, and this process waits for it
 * only to print "guest exited with status N" (the guest's exit_group is no tender code), then
 * ends as the child did. Signals that end a program are forwarded.
 */
void spt_watch_start(void)
{
	static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };

	note_exit = true;
	fork_guest();
	if (child == 0)
		return;
	for (size_t i = 0; i < sizeof forwarded / sizeof forwarded[0]; i++)
		signal(forwarded[i], forward);
	for (;;) {
		int st;

		if (waitpid(child, &st, 0) < 0) {
			if (errno == EINTR)
				continue;
			tender_die_errno("waitpid");
		}
		if (WIFEXITED(st) || WIFSIGNALED(st))
			end_like(st);
	}
}

void spt_dumpcore_start(const char *dir, uint64_t mem_base, uint64_t mem_size, bool note)
{
	static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };
	struct tender_err err;
	int dirfd, memfd, sync[2];
	pid_t parent = getpid();
	char path[64];

	note_exit = note;
	dirfd = tender_dumpcore_open_dir(dir, &err);
	if (dirfd < 0)
		tender_die("%s", err.msg);
	if (pipe2(sync, O_CLOEXEC) < 0)
		tender_die_errno("pipe2");
	fflush(NULL);
	child = fork();
	if (child < 0)
		tender_die_errno("fork");
	if (child == 0) {
		char c;

		/* The guest's side: dies with the parent, runs once the parent traces it. */
		close(sync[1]);
		close(dirfd);
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
			_exit(1);
		if (read(sync[0], &c, 1) != 1)
			_exit(1);	/* the parent said why */
		close(sync[0]);
		return;
	}
	close(sync[0]);
	if (ptrace(PTRACE_SEIZE, child, 0, PTRACE_O_TRACEEXIT | PTRACE_O_EXITKILL) < 0) {
		int e = errno;

		kill(child, SIGKILL);
		errno = e;
		tender_die_errno("--dumpcore needs to trace the guest's process (ptrace)");
	}
	snprintf(path, sizeof path, "/proc/%d/mem", (int)child);
	memfd = open(path, O_RDONLY | O_CLOEXEC);
	if (memfd < 0) {
		int e = errno;

		kill(child, SIGKILL);
		errno = e;
		tender_die_errno("%s", path);
	}
	for (size_t i = 0; i < sizeof forwarded / sizeof forwarded[0]; i++)
		signal(forwarded[i], forward);
	if (write(sync[1], "g", 1) != 1)
		tender_die_errno("starting the guest's process");
	close(sync[1]);
	supervise(dirfd, dir, memfd, mem_base, mem_size);
}
