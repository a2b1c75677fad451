/* The console on hvt: the PUTS hypercall, for output and errors alike. */
#include "hvt_abi.h"
#include "platform.h"

void plat_console_write(const char *buf, size_t len)
{
	struct hvt_hc_puts a = { .data = (uint64_t)(uintptr_t)buf, .len = len };

	hvt_hypercall(HVT_HYPERCALL_PUTS, &a);
}

void plat_console_err(const char *buf, size_t len)
{
	plat_console_write(buf, len);
}
