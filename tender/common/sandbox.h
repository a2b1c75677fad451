/*
 * The seccomp allow-list both tenders drop into: built with libseccomp, then installed with one
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
 * Allows pread64 and pwrite64 on block device `d`: block_size << j bytes per call up to `max`
 * (one block when 0), each size with offset <= capacity - size, so no call reaches past the
 * capacity (a regular file would grow). A read-only file was opened O_RDONLY: its writes fail
 * with EBADF.
 */
struct tender_device;
void tender_sandbox_allow_block(scmp_filter_ctx ctx, const struct tender_device *d, uint32_t max);

/*
 * Compiles the filter to BPF, releases `ctx`, sets no_new_privs and installs the program with
 * the seccomp system call. From the return on, only the allowed system calls work; the caller
 * must not allocate, free or print through stdio any more. Dies on failure.
 */
void tender_sandbox_install(scmp_filter_ctx ctx);

#endif
