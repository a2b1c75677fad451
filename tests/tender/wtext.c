/* Test guest: writes into its own text segment, which is mapped read-only and executable. */
#define MFT_ENTRIES 1
#include "guest.h"

MFT1_NOTE_DECLARE_BEGIN
	{ .name = "", .type = MFT_RESERVED_FIRST },
MFT1_NOTE_DECLARE_END

int guest_main(const boot_info *bi)
{
	volatile uint8_t *text = (volatile uint8_t *)(uintptr_t)&guest_main;

	(void)bi;
	print("writing to text\n");
	*text = 0xcc;
	print("still alive after writing to text\n");
	return 0;
}
