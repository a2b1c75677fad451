/*
 * fata_spt_launch(stack, entry, boot_info): switches to the guest's stack and jumps to its entry
 * point with the boot info as the first argument. Never returns. The other general registers are
 * cleared so that no host address reaches the guest through them.
 */
	.text
	.globl fata_spt_launch
	.type fata_spt_launch, @function
fata_spt_launch:
	movq %rdi, %rsp
	movq %rdx, %rdi
	movq %rsi, %rax
	xorl %ebx, %ebx
	xorl %ecx, %ecx
	xorl %edx, %edx
	xorl %esi, %esi
	xorl %ebp, %ebp
	xorl %r8d, %r8d
	xorl %r9d, %r9d
	xorl %r10d, %r10d
	xorl %r11d, %r11d
	xorl %r12d, %r12d
	xorl %r13d, %r13d
	xorl %r14d, %r14d
	xorl %r15d, %r15d
	cld
	jmp *%rax
	.size fata_spt_launch, . - fata_spt_launch

	.section .note.GNU-stack, "", @progbits
