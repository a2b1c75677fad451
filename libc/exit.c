/* Ending the unikernel: exit, abort, failed assertions and the stack protector's handler. */
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fata_ssp.h"
#include "platform.h"

/* A fixed value until the platform stores a random one. The low byte is 0 so that a string
 * overflow cannot copy the canary out or rewrite it with its own value. */
uintptr_t __stack_chk_guard = 0x5d3c9a61e2b47f00UL;

static void say(const char *s, size_t len)
{
	plat_console_write(s, len);
}

#define SAY(literal) say(literal, sizeof(literal) - 1)

_Noreturn void __stack_chk_fail(void)
{
	SAY("stack smashing detected\n");
	plat_exit(255);
}

_Noreturn void exit(int status)
{
	plat_exit(status);
}

_Noreturn void abort(void)
{
	SAY("abort() called\n");
	plat_exit(255);
}

_Noreturn void __assert_fail(const char *expr, const char *file, unsigned int line,
			     const char *func)
{
	fprintf(stderr, "%s:%u: %s: assertion '%s' failed\n", file, line, func, expr);
	abort();
}
