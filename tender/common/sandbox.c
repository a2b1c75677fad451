/*
 * The seccomp filter: the rules both tenders share, and installing it. libseccomp's
 * seccomp_load() frees its BPF program after the filter is active, and free() may call brk or
 * munmap, which the filter forbids. So the program is exported into a memfd, read into a static
 * buffer, and installed with the raw system call after libseccomp is done with its memory.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "sandbox.h"
#include "tender.h"

/* BPF programs are at most 4096 instructions of 8 bytes. */
static struct sock_filter program[4096];

scmp_filter_ctx tender_sandbox_new(void)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);

	if (!ctx)
		tender_die("seccomp_init failed");
	return ctx;
}

void tender_sandbox_allow(scmp_filter_ctx ctx, const char *what, int syscall, unsigned n,
			  const struct scmp_arg_cmp *cmp)
{
	int rc = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, syscall, n, cmp);

	if (rc < 0)
		tender_die("seccomp rule for %s: %s", what, strerror(-rc));
}

#define A0(v) tender_arg(0, SCMP_CMP_EQ, (scmp_datum_t)(v))

void tender_sandbox_base(scmp_filter_ctx ctx, int epoll_fd, int timer_fd)
{
	struct scmp_arg_cmp c;

	c = A0(1);
	tender_sandbox_allow(ctx, "write(stdout)", SCMP_SYS(write), 1, &c);
	c = A0(2);
	tender_sandbox_allow(ctx, "write(stderr)", SCMP_SYS(write), 1, &c);
	tender_sandbox_allow(ctx, "exit_group", SCMP_SYS(exit_group), 0, NULL);
	c = A0(epoll_fd);
	tender_sandbox_allow(ctx, "epoll_pwait", SCMP_SYS(epoll_pwait), 1, &c);
	c = A0(timer_fd);
	tender_sandbox_allow(ctx, "timerfd_settime", SCMP_SYS(timerfd_settime), 1, &c);
	c = A0(CLOCK_REALTIME);
	tender_sandbox_allow(ctx, "clock_gettime(CLOCK_REALTIME)", SCMP_SYS(clock_gettime), 1, &c);
}

void tender_sandbox_install(scmp_filter_ctx ctx)
{
	struct sock_fprog prog;
	struct stat st;
	ssize_t got;
	int rc, fd = memfd_create("fata-seccomp", MFD_CLOEXEC);

	if (fd < 0)
		tender_die_errno("memfd_create");
	rc = seccomp_export_bpf(ctx, fd);
	if (rc < 0)
		tender_die("seccomp_export_bpf: %s", strerror(-rc));
	seccomp_release(ctx);
	if (fstat(fd, &st) < 0)
		tender_die_errno("fstat on the seccomp program");
	if (st.st_size <= 0 || (size_t)st.st_size > sizeof program ||
	    st.st_size % sizeof program[0])
		tender_die("seccomp program has an unexpected size (%lld bytes)",
			   (long long)st.st_size);
	got = pread(fd, program, (size_t)st.st_size, 0);
	if (got != st.st_size)
		tender_die("reading the seccomp program failed");
	close(fd);

	tender_cov_dump();	/* the last moment gcov may still open its files */
	prog.len = (unsigned short)(st.st_size / sizeof program[0]);
	prog.filter = program;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		tender_die_errno("prctl(PR_SET_NO_NEW_PRIVS)");
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
		tender_die_errno("installing the seccomp filter");
}
