# BearSSL for the guests that run in a VM (hvt, virtio): Debian's source (scripts/fetch-bearssl.sh)
# built like the rest of the guest code, with no vector instructions (docs/architecture.md, "TLS").
# Run by lib/tls/tls.mk once the source is unpacked in SRC:
#   make -f mk/bearssl.mk FATA_HOME=... SRC=build/bearssl/src OUT=build/bearssl
# Every file of src/ goes in, as in BearSSL's own makefile (Debian's archive has the same 277).
.SUFFIXES:
.DELETE_ON_ERROR:
include $(FATA_HOME)/mk/flags.mk

BEARSSL_SRCS := $(shell find $(SRC)/src -name '*.c')
BEARSSL_OBJS := $(patsubst $(SRC)/src/%.c,$(OUT)/obj/%.o,$(BEARSSL_SRCS))
# -Os as BearSSL's and Debian's builds. Off: the AES-NI/PCLMUL, SSE2 and POWER8 code, RDRAND
# (the engine is seeded by lib/tls), /dev/urandom and time() (no OS: lib/tls sets the X.509
# time). 128-bit multiplications stay: they are MUL on general registers.
BEARSSL_CFLAGS := $(FATA_GUEST_CFLAGS) -Os -I$(SRC)/inc -I$(SRC)/src \
	-DBR_AES_X86NI=0 -DBR_SSE2=0 -DBR_POWER8=0 -DBR_RDRAND=0 \
	-DBR_USE_URANDOM=0 -DBR_USE_WIN32_RAND=0 -DBR_USE_UNIX_TIME=0 -DBR_USE_WIN32_TIME=0

$(OUT)/libbearssl.a: $(BEARSSL_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(OUT)/obj/%.o: $(SRC)/src/%.c
	$(Q)mkdir -p $(@D) && $(CC) $(BEARSSL_CFLAGS) -c $< -o $@
