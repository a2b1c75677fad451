/* The console device: text straight to the platform console. */
#include <fata/console.h>

#include <string.h>

#include "platform.h"

struct fata_console {
	int unused;
};

static struct fata_console the_console;

struct fata_console *fata_console_connect(void)
{
	return &the_console;
}

void fata_console_write(struct fata_console *c, const char *buf, size_t len)
{
	(void)c;
	plat_console_write(buf, len);
}

void fata_console_log(struct fata_console *c, const char *s)
{
	(void)c;
	plat_console_write(s, strlen(s));
	plat_console_write("\n", 1);
}
