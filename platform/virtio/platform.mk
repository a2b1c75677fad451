# The virtio platform: a guest of QEMU (or another hypervisor) with virtio devices over PCI or MMIO.
PLATFORM_virtio_SRCS := platform/virtio/boot_x86_64.S platform/virtio/platform_virtio.c \
	platform/virtio/traps_virtio.c platform/virtio/irq_x86_64.S \
	platform/x86_64/traps.c platform/x86_64/trap_stubs_x86_64.S platform/x86_64/paging.c \
	platform/virtio/console_virtio.c \
	platform/virtio/time_virtio.c platform/virtio/virtio_pci.c \
	platform/virtio/virtio_mmio.c \
	platform/virtio/block_virtio.c platform/virtio/net_virtio.c \
	platform/solo5/boot.c platform/solo5/cmdline.c platform/solo5/random_solo5.c
# Only the platform's own files see its private headers and the libc's (libc/internal/).
build/virtio/platform/%.o: GUEST_CFLAGS_virtio := -Iplatform/solo5 -Iplatform/virtio -Iplatform/x86_64 -Ilibc/internal
# The multiboot header, linked only into a disk image's copy of a unikernel (mk/unikernel.mk).
ALL += build/virtio/multiboot.o
build/virtio/multiboot.o: platform/virtio/multiboot_x86_64.S
	$(call msg,AS-virtio,$<)
	$(Q)mkdir -p $(@D) && $(CC) $(GUEST_CFLAGS) -c $< -o $@
