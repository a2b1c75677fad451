/*
 * A multiboot (version 1) header for the disk image's copy of a virtio unikernel: SYSLINUX's
 * mboot.c32 and GRUB load multiboot kernels but not PVH ones. It is linked only into that copy
 * (make image), never into dist/NAME.virtio, because QEMU's -kernel prefers a multiboot header to
 * the PVH note. The "a.out kludge" (flag 16) gives the load addresses, so the loader needs not
 * understand a 64-bit ELF file.
 */
#define MB_MAGIC 0x1badb002
#define MB_FLAGS 0x00010002	/* addresses given; memory information wanted */

	.section .multiboot, "a"
	.balign 4
mb_header:
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)
	.long mb_header			/* header_addr */
	.long __fata_text_start		/* load_addr */
	.long __fata_bss_start		/* load_end_addr */
	.long _end			/* bss_end_addr */
	.long virtio_entry32		/* entry_addr */

	.section .note.GNU-stack,"",@progbits
