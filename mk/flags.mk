# Compiler flags and output verbosity shared by Fata's own build and every unikernel's
# (mk/unikernel.mk): quiet lines like "CC lib/sched.c", V=1 for the full commands.
# Needs FATA_HOME (the source tree or PREFIX/lib/fata).
CC ?= gcc
FATA_GCC_INCLUDE := $(shell $(CC) -print-file-name=include)
# Freestanding guest code for hvt and spt: no SSE/AVX (see docs/architecture.md), no libc of the
# host, our own stack-protector guard.
FATA_GUEST_CFLAGS := -ffreestanding -nostdinc -fno-pic -fno-pie -mno-red-zone -mgeneral-regs-only \
	-fno-asynchronous-unwind-tables -fstack-protector-strong -mstack-protector-guard=global \
	-isystem $(FATA_HOME)/libc/include -isystem $(FATA_GCC_INCLUDE) -I$(FATA_HOME)/include \
	-I$(FATA_HOME)/abi
FATA_GUEST_LDFLAGS := -nostdlib -static -no-pie -Wl,--build-id=none -Wl,-z,max-page-size=0x1000 \
	-Wl,-T,$(FATA_HOME)/mk/solo5.ld
FATA_VIRTIO_LDFLAGS := -nostdlib -static -no-pie -Wl,--build-id=none -Wl,-z,max-page-size=0x1000 \
	-Wl,-T,$(FATA_HOME)/mk/virtio.ld

# BearSSL, linked after libfata.a into every unikernel: only the objects that TLS code uses come
# in. unix and spt, which run as host processes, link Debian's (libbearssl-dev). hvt and virtio,
# which run in a VM, link Fata's build of the same source for general-purpose registers
# (lib/tls/tls.mk), or Debian's where it could not be made (offline; docs/architecture.md, "TLS").
FATA_BEARSSL_LIB ?= /usr/lib/x86_64-linux-gnu/libbearssl.a
FATA_BEARSSL_VM_LIB ?= $(or $(wildcard $(FATA_HOME)/build/bearssl/libbearssl.a),$(FATA_BEARSSL_LIB))

V ?= 0
ifeq ($(V),1)
Q :=
msg = @true
else
Q := @
msg = @printf '  %-8s %s\n' '$(1)' '$(2)';
endif
