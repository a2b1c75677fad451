/*
 * Test guest for W^X as the tenders give it to a guest that never loads page tables of its own
 * (as stock Solo5 guests do not): the command line names one thing to try, which must stop the
 * guest; printing "FAILURE" means it was allowed.
 *   wtext, wrodata: write to a byte of text or rodata;
 *   xdata, xrodata: call a `ret` placed in data or rodata;
 *   wtext-nowp (hvt): clear CR0.WP, so ring 0 ignores the read-only page, then write to text:
 *     only the tender's read-only host mapping stops it.
 */
#define MFT_ENTRIES 1
#include "guest.h"

MFT1_NOTE_DECLARE_BEGIN
	{ .name = "", .type = MFT_RESERVED_FIRST },
MFT1_NOTE_DECLARE_END

static const uint8_t ret_in_rodata[16] __attribute__((aligned(16))) = { 0xc3 };
static uint8_t ret_in_data[16] __attribute__((aligned(16))) = { 0xc3 };

static void call(const void *code)
{
	((void (*)(void))(uintptr_t)code)();
}

static void write_text(void)
{
	*(volatile uint8_t *)(uintptr_t)&guest_main = 0xcc;
}

int guest_main(const boot_info *bi)
{
	const char *what = (const char *)(uintptr_t)bi->cmdline;

	print("trying ");
	print(what);
	print("\n");
	if (str_eq(what, "wtext")) {
		write_text();
	} else if (str_eq(what, "wrodata")) {
		*(volatile uint8_t *)&ret_in_rodata[1] = 1;
	} else if (str_eq(what, "xdata")) {
		call(ret_in_data);
	} else if (str_eq(what, "xrodata")) {
		call(ret_in_rodata);
#ifdef GUEST_HVT
	} else if (str_eq(what, "wtext-nowp")) {
		uint64_t cr0;

		__asm__ __volatile__("mov %%cr0, %0" : "=r"(cr0));
		cr0 &= ~(1ull << 16);
		__asm__ __volatile__("mov %0, %%cr0" : : "r"(cr0) : "memory");
		write_text();
#endif
	} else {
		print("unknown test\n");
		return 2;
	}
	print("FAILURE: allowed\n");
	return 1;
}
