/* Boot steps shared by hvt and spt: stack guard, heap, arguments, then the runtime's main. */
#include "fata_heap.h"
#include "fata_ssp.h"
#include <stdint.h>

#include "platform.h"
#include "solo5.h"

/* The main fiber's stack sits at the top of guest memory, with one guard page below it. */
#define MAIN_STACK_SIZE (256 * 1024)
#define GUARD_SIZE 4096

uint64_t solo5_stack_guard(uint64_t kernel_end, uint64_t mem_size)
{
	if (mem_size < kernel_end + MAIN_STACK_SIZE + GUARD_SIZE)
		return 0;
	return mem_size - MAIN_STACK_SIZE - GUARD_SIZE;
}

static const void *manifest;

const void *solo5_manifest(void)
{
	return manifest;
}

/* Never returns, so no frame of its own outlives the change of guard. */
__attribute__((no_stack_protector))
_Noreturn void solo5_boot(uint64_t seed, uint64_t kernel_end, uint64_t mem_size, char *cmdline,
			  const void *mft)
{
	static char *argv[SOLO5_MAX_ARGS];
	/* The tender's copy sits in memory the guest may only read: split a copy of our own. */
	static char line[SOLO5_CMDLINE_SIZE];
	uint64_t heap_end;
	size_t i;
	int argc;

	/* A zero byte first stops string overflows from reading the guard out. */
	__stack_chk_guard = (uintptr_t)(seed * 0x9e3779b97f4a7c15ull) & ~(uintptr_t)0xff;
	manifest = mft;
	heap_end = solo5_stack_guard(kernel_end, mem_size);
	if (heap_end == 0)
		heap_end = kernel_end;	/* no room: an empty heap */
	fata_heap_init((void *)(uintptr_t)kernel_end, (size_t)(heap_end - kernel_end));
	argv[0] = NULL;		/* the tender gives no program name */
	for (i = 0; cmdline && cmdline[i] && i < sizeof(line) - 1; i++)
		line[i] = cmdline[i];
	line[i] = '\0';
	argc = 1 + solo5_cmdline_split(line, argv + 1, SOLO5_MAX_ARGS - 1);
	plat_exit(fata_runtime_main(argc, argv));
}
