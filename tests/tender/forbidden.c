/* Test guest (spt): makes a system call outside the allow-list (getpid); the sandbox kills it. */
#define MFT_ENTRIES 1
#include "guest.h"

MFT1_NOTE_DECLARE_BEGIN
	{ .name = "", .type = MFT_RESERVED_FIRST },
MFT1_NOTE_DECLARE_END

int guest_main(const boot_info *bi)
{
	(void)bi;
	print("calling getpid\n");
	sys(SYS_getpid, 0, 0, 0, 0);
	print("still alive after getpid\n");
	return 0;
}
