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

# Debian's BearSSL (libbearssl-dev), linked after libfata.a into every unikernel: only the objects
# that TLS code uses come in. Another build may be named, as the hvt tests do on a machine whose
# KVM cannot run vector instructions (docs/architecture.md, "TLS").
FATA_BEARSSL_LIB ?= /usr/lib/x86_64-linux-gnu/libbearssl.a

V ?= 0
ifeq ($(V),1)
Q :=
msg = @true
else
Q := @
msg = @printf '  %-8s %s\n' '$(1)' '$(2)';
endif
