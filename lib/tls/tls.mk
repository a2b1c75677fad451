# The TLS library (include/fata/tls.h, lib/tls/) on Debian's BearSSL (libbearssl-dev): its objects
# go into every runtime archive, and unikernels link libbearssl.a after libfata.a (mk/flags.mk).
TLS_SRCS := lib/tls/pem.c lib/tls/tls.c lib/tls/http_tls.c
LIB_SRCS += $(TLS_SRCS)
# The default entropy source, chosen by target: getrandom on unix, none on hvt and spt. Extra
# prerequisites of an archive join the objects its rule archives ($^).
build/unix/libfata.a: build/unix/lib/tls/entropy_unix.o
build/hvt/libfata.a: build/hvt/lib/tls/entropy_solo5.o
build/spt/libfata.a: build/spt/lib/tls/entropy_solo5.o
# Guest code sees no /usr/include; BearSSL's headers (which need only stddef.h and stdint.h)
# are all in their own folder.
BEARSSL_INCLUDE := /usr/include/bearssl
build/hvt/lib/tls/%.o: GUEST_CFLAGS_hvt += -isystem $(BEARSSL_INCLUDE)
build/spt/lib/tls/%.o: GUEST_CFLAGS_spt += -isystem $(BEARSSL_INCLUDE)

# Unit test of the loading and its errors (tests/unit/tls_load.c), plainly and with ASan+UBSan:
# a small library OS in an archive, then BearSSL.
# (tests/unit/tls_load.c stands in for TCP.)
TLS_TEST_SRCS := $(HTTP_TEST_LIBOS) $(TLS_SRCS) $(KV_SRCS) lib/block.c lib/tls/entropy_unix.c \
	platform/unix/block_unix.c platform/unix/kv_direct.c
build/tests/tls-libos.a: $(call objs,unix,$(TLS_TEST_SRCS))
	$(Q)mkdir -p $(@D) && rm -f $@ && ar rcs $@ $^
build/tests/san/tls-libos.a: $(call objs,san,$(TLS_TEST_SRCS))
	$(Q)mkdir -p $(@D) && rm -f $@ && ar rcs $@ $^
build/tests/tls_load.t: build/host/tests/unit/tls_load.o build/tests/tls-libos.a
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D) && $(CC) -o $@ $^ $(FATA_BEARSSL_LIB)
build/tests/san/tls_load.t: build/san/tests/unit/tls_load.o build/tests/san/tls-libos.a
	$(call msg,LD-SAN,$@)
	$(Q)mkdir -p $(@D) && $(CC) -fsanitize=address,undefined -o $@ $^ $(FATA_BEARSSL_LIB)
CHECK_TESTS += build/tests/tls_load.t build/tests/san/tls_load.t
# tests/e2e/net_tls.t joins make check with the other net_*.t (lib/net/net.mk).
CHECK_DEPS += build/tests/tls_load.t build/tests/san/tls_load.t
