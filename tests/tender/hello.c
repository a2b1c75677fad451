/* Test guest: prints "hello from guest" and exits with status 7. */
#define MFT_ENTRIES 1
#include "guest.h"

MFT1_NOTE_DECLARE_BEGIN
	{ .name = "", .type = MFT_RESERVED_FIRST },
MFT1_NOTE_DECLARE_END

int guest_main(const boot_info *bi)
{
	(void)bi;
	print("hello from guest\n");
	return 7;
}
