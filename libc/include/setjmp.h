/* Non-local jumps for x86_64: setjmp saves the callee-saved registers, longjmp restores them. */
#ifndef FATA_LIBC_SETJMP_H
#define FATA_LIBC_SETJMP_H

/* rbx, rbp, r12, r13, r14, r15, rsp, rip (in that order, libc/setjmp_x86_64.S). */
typedef unsigned long jmp_buf[8];

/* Saves the calling environment in env and returns 0; returns again, with longjmp's value, each
 * time longjmp(env, ...) is called. */
int setjmp(jmp_buf env) __attribute__((returns_twice));
#define setjmp setjmp

/*
 * Returns to the setjmp that filled env, making it return val (1 if val is 0). The function that
 * called setjmp must not have returned yet. Local variables of that function changed after
 * setjmp have an indeterminate value unless they are volatile (C11 7.13.2.1).
 */
_Noreturn void longjmp(jmp_buf env, int val);

#endif
