/* The legacy PIC's interrupt stubs of the virtio guest: they only acknowledge (the tick exists to
 * end hlt). */
	.text

/* IRQs 0-7 (vectors 32-39): end of interrupt to the master PIC. */
	.globl virtio_irq_master
virtio_irq_master:
	pushq	%rax
	movb	$0x20, %al
	outb	%al, $0x20
	popq	%rax
	iretq

/* IRQs 8-15 (vectors 40-47): end of interrupt to both PICs. */
	.globl virtio_irq_slave
virtio_irq_slave:
	pushq	%rax
	movb	$0x20, %al
	outb	%al, $0xa0
	outb	%al, $0x20
	popq	%rax
	iretq

	.section .note.GNU-stack,"",@progbits
