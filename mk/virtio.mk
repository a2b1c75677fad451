# The virtio target's extra outputs, included by mk/unikernel.mk: the QEMU launcher dist/NAME,
# the libvirt domain dist/NAME.xml, and with `make image` a bootable raw disk dist/NAME.img.
# VIRTIO_DEVICES (from the generated Makefile) lists KIND:NAME in manifest order.
.PHONY: image
build: dist/$(NAME) dist/$(NAME).xml

dist/$(NAME): Makefile $(FATA_HOME)/mk/virtio-run.sh
	$(call msg,GEN,$@)
	$(Q)mkdir -p dist && sed -e 's|@NAME@|$(NAME)|g' -e 's|@DEVICES@|$(VIRTIO_DEVICES)|g' \
		$(FATA_HOME)/mk/virtio-run.sh > $@.tmp && chmod +x $@.tmp && mv $@.tmp $@

dist/$(NAME).xml: Makefile $(FATA_HOME)/mk/virtio-xml.sh
	$(call msg,GEN,$@)
	$(Q)mkdir -p dist && $(FATA_HOME)/mk/virtio-xml.sh $(NAME) "$(CURDIR)/dist" \
		"$(VIRTIO_DEVICES)" > $@.tmp && mv $@.tmp $@

# The disk image's kernel is the same objects with a multiboot header in front (SYSLINUX's
# mboot.c32 loads multiboot kernels, not PVH ones). IMAGE_CMDLINE is the command line it boots.
IMAGE_CMDLINE ?=
_build/$(NAME).multiboot: $(OBJS) $(RUNTIME) $(FATA_HOME)/build/virtio/multiboot.o
	$(call msg,LD,$@)
	$(Q)$(CC) $(TARGET_LDFLAGS) -o $@ $(FATA_HOME)/build/virtio/multiboot.o $(OBJS) $(RUNTIME) \
		$(TARGET_LIBS)

image: dist/$(NAME).img
dist/$(NAME).img: _build/$(NAME).multiboot $(FATA_HOME)/mk/virtio-image.sh
	$(call msg,IMAGE,$@)
	$(Q)mkdir -p dist && $(FATA_HOME)/mk/virtio-image.sh $@ $< "$(IMAGE_CMDLINE)"
