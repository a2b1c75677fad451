/* Entry point of the freestanding libc test (a static Linux program): sets the stack protector's
 * guard, runs libc_test_main() and exits with its result through exit_group. */
	.text
	.globl	_start
	.type	_start, @function
_start:
	xorl	%ebp, %ebp
	andq	$-16, %rsp
	/* A guard that differs per run, from the time stamp counter; low byte 0 as the libc's. */
	rdtsc
	shlq	$32, %rdx
	orq	%rax, %rdx
	movabsq	$0x9e3779b97f4a7c15, %rax
	imulq	%rax, %rdx
	xorb	%dl, %dl
	movq	%rdx, __stack_chk_guard(%rip)
	call	libc_test_main
	movl	%eax, %edi
	movl	$231, %eax		/* exit_group */
	syscall
	hlt
	.size	_start, . - _start

	.section .note.GNU-stack, "", @progbits
