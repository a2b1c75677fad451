# The TLS library (include/fata/tls.h, lib/tls/) on Debian's BearSSL (libbearssl-dev): its objects
# go into every runtime archive, and unikernels link a libbearssl.a after libfata.a (mk/flags.mk).
TLS_SRCS := lib/tls/pem.c lib/tls/tls.c lib/tls/http_tls.c lib/tls/entropy.c
LIB_SRCS += $(TLS_SRCS)
# Guest code sees no /usr/include; BearSSL's headers (which need only stddef.h and stdint.h)
# are all in their own folder.
BEARSSL_INCLUDE := /usr/include/bearssl
build/hvt/lib/tls/%.o: GUEST_CFLAGS_hvt += -isystem $(BEARSSL_INCLUDE)
build/spt/lib/tls/%.o: GUEST_CFLAGS_spt += -isystem $(BEARSSL_INCLUDE)
build/virtio/lib/tls/%.o: GUEST_CFLAGS_virtio += -isystem $(BEARSSL_INCLUDE)

# hvt and virtio unikernels link BearSSL built from Debian's source for general-purpose registers
# (mk/bearssl.mk, FATA_BEARSSL_VM_LIB in mk/flags.mk). Offline, the source cannot be fetched: they
# link Debian's archive then, and make says so each time (it tries again).
FATA_CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/fata
ALL += build/bearssl/libbearssl.a
build/bearssl/libbearssl.a: scripts/fetch-bearssl.sh mk/bearssl.mk mk/flags.mk
	$(Q)if tar=$$(scripts/fetch-bearssl.sh "$(FATA_CACHE)"); then \
		rm -rf build/bearssl && mkdir -p build/bearssl/src && \
		tar -xJf "$$tar" -C build/bearssl/src --strip-components=1 && \
		$(MAKE) --no-print-directory -f mk/bearssl.mk FATA_HOME=$(FATA_HOME) SRC=build/bearssl/src \
			OUT=build/bearssl; \
	else \
		st=$$?; [ $$st = 1 ] || exit $$st; \
		echo "fata: hvt and virtio unikernels link $(FATA_BEARSSL_LIB), whose SSE/AES-NI code some KVM hosts cannot run" >&2; \
	fi

# Unit test of the loading and its errors (tests/unit/tls_load.c, which stands in for TCP),
# plainly and with ASan+UBSan, linked with BearSSL.
TLS_TEST_SRCS := $(HTTP_TEST_LIBOS) $(filter-out lib/tls/http_tls.c,$(TLS_SRCS)) $(KV_SRCS) $(LIB_BLOCK_SRCS) $(LIB_RANDOM_SRCS) \
	lib/kv/direct_unix.c platform/unix/block_unix.c platform/unix/random_unix.c
$(eval $(call unit_test,tls_load,,$(TLS_TEST_SRCS),$(FATA_BEARSSL_LIB)))
# tests/e2e/net_tls.t joins make check with the other net_*.t (lib/net/net.mk).
