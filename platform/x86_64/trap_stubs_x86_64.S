/*
 * Exception entry stubs of the x86_64 guests (hvt, virtio): push a uniform frame and call
 * x86_trap(frame).
 */
	.text

/* Vectors without an error code push a zero so every frame looks the same. */
.macro TRAP_NOERR vec
	.globl x86_trap_\vec
x86_trap_\vec:
	pushq	$0
	pushq	$\vec
	jmp	trap_common
.endm
.macro TRAP_ERR vec
	.globl x86_trap_\vec
x86_trap_\vec:
	pushq	$\vec
	jmp	trap_common
.endm

TRAP_NOERR 0
TRAP_NOERR 1
TRAP_NOERR 2
TRAP_NOERR 3
TRAP_NOERR 4
TRAP_NOERR 5
TRAP_NOERR 6
TRAP_NOERR 7
TRAP_ERR 8
TRAP_NOERR 9
TRAP_ERR 10
TRAP_ERR 11
TRAP_ERR 12
TRAP_ERR 13
TRAP_ERR 14
TRAP_NOERR 15
TRAP_NOERR 16
TRAP_ERR 17
TRAP_NOERR 18
TRAP_NOERR 19
TRAP_NOERR 20

/* Frame, from the stack pointer up: r15..rax (15 registers), vector, error code, then what the
 * CPU pushed: rip, cs, rflags, rsp, ss. See struct x86_trap_frame. */
trap_common:
	pushq	%rax
	pushq	%rbx
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%rbp
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, %rdi
	andq	$-16, %rsp
	call	x86_trap
	ud2

	.section .note.GNU-stack,"",@progbits
