/* Fiber context switch for x86_64: saves the callee-saved registers on the old stack. */
	.text
	.globl	sched_switch
	.type	sched_switch, @function
/* void sched_switch(void **save_sp, void *load_sp) */
sched_switch:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, (%rdi)
	movq	%rsi, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret
	.size	sched_switch, .-sched_switch

	.globl	sched_trampoline
	.type	sched_trampoline, @function
/* First code a new fiber runs: its entry function is in %r12, switched in by sched_switch. */
sched_trampoline:
	movq	%r12, %rax
	xorl	%ebp, %ebp
	callq	*%rax
	ud2
	.size	sched_trampoline, .-sched_trampoline

	.section .note.GNU-stack,"",@progbits
