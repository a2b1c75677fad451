/*
 * Test guest (spt): makes a system call the sandbox must refuse, named by the command line:
 *   (empty)        getpid, outside the allow-list;
 *   mprotect-exec  mprotect of a heap page to PROT_READ | PROT_EXEC;
 *   mprotect-out   mprotect(PROT_NONE) of the page at mem_size, just outside guest memory;
 *   mprotect-len   mprotect(PROT_NONE) of two pages at once;
 * or one it must allow: mprotect-ok makes a heap page PROT_NONE and back (SPT_FEATURE_STACK_GUARD)
 * and exits 0. The sandbox kills the process with SIGSYS.
 */
#define MFT_ENTRIES 1
#include "guest.h"

MFT1_NOTE_DECLARE_BEGIN
	{ .name = "", .type = MFT_RESERVED_FIRST },
MFT1_NOTE_DECLARE_END

#define SYS_mprotect 10

int guest_main(const boot_info *bi)
{
	const char *what = (const char *)(uintptr_t)bi->cmdline;
	long page = (long)bi->kernel_end;

	if (!*what) {
		print("calling getpid\n");
		sys(SYS_getpid, 0, 0, 0, 0);
	} else if (str_eq(what, "mprotect-exec")) {
		print("calling mprotect\n");
		sys(SYS_mprotect, page, 4096, 5, 0);
	} else if (str_eq(what, "mprotect-out")) {
		print("calling mprotect\n");
		sys(SYS_mprotect, (long)bi->mem_size, 4096, 0, 0);
	} else if (str_eq(what, "mprotect-len")) {
		print("calling mprotect\n");
		sys(SYS_mprotect, page, 8192, 0, 0);
	} else if (str_eq(what, "mprotect-ok")) {
		if (sys(SYS_mprotect, page, 4096, 0, 0) != 0 || sys(SYS_mprotect, page, 4096, 3, 0) != 0)
			return 1;
		*(volatile char *)page = 1;
		print("guard page made and given back\n");
		return 0;
	}
	print("still alive after the system call\n");
	return 0;
}
