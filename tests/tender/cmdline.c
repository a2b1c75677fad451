/*
 * Test guest: prints its command line as the tender wrote it ("cmdline: ..."), then each argument
 * in brackets, split as the Fata runtime splits it: at spaces, where double quotes group and a
 * backslash takes the next character literally.
 */
#define MFT_ENTRIES 1
#include "guest.h"

MFT1_NOTE_DECLARE_BEGIN
	{ .name = "", .type = MFT_RESERVED_FIRST },
MFT1_NOTE_DECLARE_END

static char arg[8192];

int guest_main(const boot_info *bi)
{
	const char *s = (const char *)(uintptr_t)bi->cmdline;

	print("cmdline: ");
	print(s);
	print("\n");
	while (*s) {
		size_t n = 0;
		bool quoted = false;

		while (*s == ' ')
			s++;
		if (!*s)
			break;
		while (*s && (quoted || *s != ' ')) {
			if (*s == '"') {
				quoted = !quoted;
				s++;
			} else if (*s == '\\' && s[1]) {
				arg[n++] = s[1];
				s += 2;
			} else {
				arg[n++] = *s++;
			}
		}
		print("[");
		out(arg, n);
		print("]\n");
	}
	return 0;
}
