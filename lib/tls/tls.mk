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
