/*
 * The base of fata-hvt and fata-spt (tender.c): their name for messages, error reporting and
 * overflow-safe arithmetic. The rest of what they share has one header per source: the options
 * (opts.h), the ELF loader (elf_load.h), the manifest (mft.h), the devices (devices.h, block.h,
 * net.h), the sandbox (sandbox.h), the start-up (start.h), core files (dumpcore.h) and the gdb
 * protocol (gdb_proto.h).
 */
#ifndef FATA_TENDER_H
#define FATA_TENDER_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define TENDER_VERSION "0.1.0"

/* "fata-hvt" or "fata-spt": set by main() before anything else, prefixes every message. */
extern const char *tender_name;

/*
 * An error from a function that does not exit by itself (so that tests and the fuzzer can call
 * it): one line, without the tender's name, e.g. "dist/x.hvt: segment 1 at 0x1000 is below
 * 0x100000".
 */
struct tender_err {
	char msg[512];
};

/* Formats `fmt` into `err` and returns -1. */
__attribute__((format(printf, 2, 3)))
int tender_fail(struct tender_err *err, const char *fmt, ...);

/*
 * Prints "NAME: message" on stderr and exits with status 1: for errors in the user's input or in
 * setting up, before the guest runs. Uses only write(2), so it also works under the seccomp
 * filter.
 */
__attribute__((format(printf, 1, 2), noreturn))
void tender_die(const char *fmt, ...);

/* As tender_die(), with ": " and strerror(errno) appended. */
__attribute__((format(printf, 1, 2), noreturn))
void tender_die_errno(const char *fmt, ...);

/*
 * make coverage only (built with -DFATA_COVERAGE, scripts/cov-cc): writes the gcov data of this
 * process now, once, since the tenders end with _exit() or the guest's own exit_group, which skip
 * gcov's exit handler. tender_die() calls it, and tender_sandbox_install() calls it last before
 * the filter goes in (which forbids the files gcov writes), so it covers everything up to the
 * sandbox; later calls do nothing. Elsewhere a no-op.
 */
#ifdef FATA_COVERAGE
void tender_cov_dump(void);
#else
static inline void tender_cov_dump(void)
{
}
#endif

/* Prints "NAME: message" on stderr and carries on. */
__attribute__((format(printf, 1, 2)))
void tender_note(const char *fmt, ...);

/* Writes all of buf[0..len) to `fd`, retrying after short writes and EINTR. 0 or -1. */
int tender_write_all(int fd, const void *buf, size_t len);

/* a + b into *sum; false when it overflows. */
static inline int tender_add_ok(uint64_t a, uint64_t b, uint64_t *sum)
{
	return !__builtin_add_overflow(a, b, sum);
}

#endif
