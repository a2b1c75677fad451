/* Writes to the console device: whole lines, then a line built from pieces. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "fata/unikernel.h"

int start(struct fata_console *console, struct fata_time *time)
{
	int64_t count = fata_key_count();
	char line[64];

	if (count < 0 || count > 1000) {
		fata_err("--count=%" PRId64 ": expected 0 to 1000", count);
		return 1;
	}
	for (int64_t i = 0; i < count; i++) {
		fata_console_log(console, "hello");
		fata_time_sleep_ns(time, FATA_MS(100));
		fata_console_log(console, "world");
	}
	/* fata_console_write() writes bytes as they are: the newline is ours. */
	fata_console_write(console, "pieces: ", 8);
	snprintf(line, sizeof(line), "%" PRId64 " pairs written\n", count);
	fata_console_write(console, line, strlen(line));
	return 0;
}
