/*
 * Guest core files (--dumpcore=DIR): an ELF core of the guest, x86_64, that gdb opens together
 * with the unikernel binary. One PT_NOTE with an NT_PRSTATUS note (the registers) and one PT_LOAD
 * segment that covers guest memory at its guest addresses. Pages that are all zero are not
 * written: they stay holes of a sparse file, so a core takes disk space only for the memory the
 * guest used, and its length is bounded by guest memory (at most 4 GiB) plus one page.
 */
#ifndef FATA_TENDER_DUMPCORE_H
#define FATA_TENDER_DUMPCORE_H

#include <stddef.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/user.h>

#include "tender.h"

/* Guest memory as the writer sees it: [base, base + size), read through a callback. */
struct tender_core_mem {
	uint64_t base;		/* guest address of the first byte; page-aligned */
	uint64_t size;		/* bytes; a multiple of the page size */
	/*
	 * Copies `len` bytes of guest memory at guest address `addr` into `buf`. Returns 0, or -1
	 * when they cannot be read (the page is then left as a hole, reading as zeros).
	 */
	int (*read)(void *ctx, uint64_t addr, void *buf, size_t len);
	void *ctx;
};

/*
 * Opens the directory `dir` for core files (O_DIRECTORY, O_NOFOLLOW: a symbolic link is refused)
 * and checks that it is writable. Returns the descriptor (close-on-exec), or -1 with a message
 * in `err`.
 */
int tender_dumpcore_open_dir(const char *dir, struct tender_err *err);

/*
 * Formats the core file name of process `pid` for `tender_name` into `name`:
 * "core.fata-hvt.PID" or "core.fata-spt.PID".
 */
void tender_dumpcore_name(char *name, size_t size, long pid);

/*
 * Creates `name` in directory `dirfd` for writing: O_CREAT | O_EXCL | O_NOFOLLOW, mode 0600, so
 * it never follows a symbolic link and never reuses an existing file. Uses the raw openat system
 * call with exactly TENDER_DUMPCORE_OPEN_FLAGS, so a seccomp filter can allow it by its flags.
 * Returns the descriptor, or -1 with errno set.
 */
int tender_dumpcore_create(int dirfd, const char *name);
#define TENDER_DUMPCORE_OPEN_FLAGS (O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC)

/*
 * Writes the core into `fd` (a new, empty file): the ELF header, the notes with `regs` (the
 * guest's registers, in the host's x86_64 user_regs_struct layout), `signo` (the signal that
 * ended the guest, 0 for an abort) and `pid`, then guest memory `mem`, skipping all-zero pages,
 * and sets the file's length. Uses only pwrite64 and ftruncate on `fd`. Returns the number of
 * pages written, or -1 with a message in `err`.
 */
long tender_dumpcore_write(int fd, const struct user_regs_struct *regs, int signo, long pid,
			   const struct tender_core_mem *mem, struct tender_err *err);

#endif
