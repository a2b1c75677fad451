/* The console: a write-only text stream (stdout on unix, the tender's console on hvt/spt). */
#ifndef FATA_CONSOLE_H
#define FATA_CONSOLE_H

#include <stddef.h>

struct fata_console;

/* Writes `len` bytes as they are. */
void fata_console_write(struct fata_console *c, const char *buf, size_t len);

/* Writes a string followed by a newline. */
void fata_console_log(struct fata_console *c, const char *s);

/* For generated code: the console device. */
struct fata_console *fata_console_connect(void);

#endif
