/*
 * The seccomp allow-list both tenders drop into: built with libseccomp from the shared base
 * rules, each device kind's rules (block.c, net.c) and each tender's own, then installed with one
 * system call, so that nothing allocates or frees memory once the filter is active.
 */
#ifndef FATA_TENDER_SANDBOX_H
#define FATA_TENDER_SANDBOX_H

#include <seccomp.h>

/* "Argument `arg` `op` `value`" (libseccomp's SCMP_A* macros leave datum_b to the compiler). */
static inline struct scmp_arg_cmp tender_arg(unsigned arg, enum scmp_compare op,
					     scmp_datum_t value)
{
	struct scmp_arg_cmp c = { .arg = arg, .op = op, .datum_a = value, .datum_b = 0 };

	return c;
}

/* A new filter whose default action kills the whole process (SIGSYS). Dies on failure. */
scmp_filter_ctx tender_sandbox_new(void);

/*
 * Allows `syscall` (SCMP_SYS(...)) when all `n` argument comparisons hold. `what` names the rule
 * in the error message. Dies on failure.
 */
void tender_sandbox_allow(scmp_filter_ctx ctx, const char *what, int syscall, unsigned n,
			  const struct scmp_arg_cmp *cmp);

/*
 * The rules both tenders need whatever the guest does: write on 1 (the console) and 2 (the
 * tender's own messages), exit_group, epoll_pwait on `epoll_fd` and timerfd_settime on
 * `timer_fd` (the guest's poll and its timeout), and clock_gettime(CLOCK_REALTIME) (the wall
 * clock, which the vDSO answers but may fall back on). Each device's rules come from
 * tender_devices_sandbox() (devices.h).
 */
void tender_sandbox_base(scmp_filter_ctx ctx, int epoll_fd, int timer_fd);

/*
 * Compiles the filter to BPF, releases `ctx`, sets no_new_privs and installs the program with
 * the seccomp system call. From the return on, only the allowed system calls work; the caller
 * must not allocate, free or print through stdio any more. Dies on failure.
 */
void tender_sandbox_install(scmp_filter_ctx ctx);

#endif
