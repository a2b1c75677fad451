/* The stack protector's guard word and failure handler (-mstack-protector-guard=global). */
#ifndef FATA_LIBC_FATA_SSP_H
#define FATA_LIBC_FATA_SSP_H

#include <stdint.h>

/*
 * The canary the compiler puts in protected stack frames. It starts with a fixed value; the
 * platform stores a random one at boot, from a function that never returns (a frame entered
 * before the change would fail its check on return).
 */
extern uintptr_t __stack_chk_guard;

/* Called by compiler-generated code when a frame's canary was overwritten: prints "stack
 * smashing detected" to the console and ends the unikernel with status 255. */
_Noreturn void __stack_chk_fail(void);

#endif
