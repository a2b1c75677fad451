/*
 * The virtio platform's entry: a 32-bit protected-mode entry point (PVH, and multiboot for disk
 * images), which zeroes .bss, builds boot page tables (the first 4 GiB identity-mapped with 2 MiB
 * pages), enters long mode and calls virtio_boot(magic, info) in C on a boot stack.
 */
#define MSR_EFER 0xc0000080
#define XEN_ELFNOTE_PHYS32_ENTRY 18

/* The PVH note: QEMU (and Firecracker, Cloud Hypervisor) jump to its address in 32-bit mode
 * with %ebx holding the physical address of struct hvm_start_info. */
	.section .note.fata.pvh, "a", @note
	.balign 4
	.long 4
	.long 4
	.long XEN_ELFNOTE_PHYS32_ENTRY
	.asciz "Xen"
	.long virtio_entry32

	.section .text.entry, "ax"
	.code32
	.globl virtio_entry32
virtio_entry32:
	cli
	cld
	movl	%eax, %ebp		/* multiboot magic (or whatever PVH left there) */
	movl	%ebx, %esi		/* hvm_start_info or multiboot_info */
	/* Zero .bss: a loader should, but the boot tables live there. */
	movl	$__fata_bss_start, %edi
	movl	$_end, %ecx
	subl	%edi, %ecx
	xorl	%eax, %eax
	rep stosb
	movl	$boot_stack_top, %esp
	/* 2048 large pages: boot_pd[i] = i << 21 | present | writable | large. */
	movl	$boot_pd, %edi
	xorl	%ecx, %ecx
1:	movl	%ecx, %eax
	shll	$21, %eax
	orl	$0x83, %eax
	movl	%eax, (%edi,%ecx,8)
	incl	%ecx
	cmpl	$2048, %ecx
	jb	1b
	/* Four PDPT entries, one per GiB, and the PML4's first entry. */
	movl	$boot_pdpt, %edi
	movl	$boot_pd, %eax
	orl	$0x3, %eax
	movl	$4, %ecx
2:	movl	%eax, (%edi)
	addl	$4096, %eax
	addl	$8, %edi
	loop	2b
	movl	$boot_pdpt, %eax
	orl	$0x3, %eax
	movl	%eax, boot_pml4
	/* PAE, then the tables, then EFER.LME, then paging. */
	movl	%cr4, %eax
	orl	$(1 << 5), %eax
	movl	%eax, %cr4
	movl	$boot_pml4, %eax
	movl	%eax, %cr3
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$(1 << 8), %eax
	wrmsr
	movl	%cr0, %eax
	orl	$0x80010001, %eax	/* PG | WP | PE */
	movl	%eax, %cr0
	lgdt	boot_gdtr
	ljmp	$0x08, $entry64

	.code64
entry64:
	movl	$0x10, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs
	movl	%ebp, %edi		/* zero-extended: magic */
	movl	%esi, %esi		/* info */
	xorl	%ebp, %ebp
	call	virtio_boot
3:	cli
	hlt
	jmp	3b

	.section .rodata
	.balign 16
boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff	/* 64-bit code */
	.quad 0x00cf92000000ffff	/* data */
boot_gdtr:
	.word boot_gdtr - boot_gdt - 1
	.long boot_gdt

	.section .bss
	.balign 4096
boot_pml4:
	.skip 4096
boot_pdpt:
	.skip 4096
boot_pd:
	.skip 4 * 4096
	.balign 16
	.skip 16384
boot_stack_top:

	.section .note.GNU-stack,"",@progbits
