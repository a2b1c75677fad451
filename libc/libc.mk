# The freestanding C library for hvt and spt (libc/include/ are its headers), and its tests.
# The runtime archives of the freestanding targets take LIBC_SRCS (see the top-level Makefile).

LIBC_SRCS += libc/ctype.c libc/errno.c libc/exit.c libc/malloc.c libc/setjmp_x86_64.S \
	libc/stdio.c libc/stdlib.c libc/string.c libc/fortify.c libc/time.c

# libc/internal/ holds what only the libc, the platforms that boot it (see platform/*/platform.mk)
# and its tests see: the heap's set-up (fata_heap.h) and the stack protector's guard (fata_ssp.h).
# Unikernels and the library OS find only libc/include/, which is all `make install` copies.
LIBC_INTERNAL_CFLAGS := -Ilibc/internal
build/hvt/libc/%.o build/spt/libc/%.o build/virtio/libc/%.o: GUEST_CFLAGS += $(LIBC_INTERNAL_CFLAGS)

# The libc's names clash with the host's, so its unit test is a static freestanding Linux
# program: the libc and the test compiled as guest code, a _start and a platform layer made of
# raw system calls. It is built twice, plainly and with UBSan (in trap mode: no runtime needed).
LIBC_TEST_SRCS := $(LIBC_SRCS) tests/unit/libc_test.c tests/unit/libc/start.S \
	tests/unit/libc/plat_linux.c
LIBC_TEST_UBSAN := -fsanitize=undefined -fsanitize-undefined-trap-on-error

# $(1): object directory under build/, $(2): extra compiler flags, $(3): test program.
define libc_test
build/$(1)/%.o: %.c
	$$(call msg,CC-TEST,$$<)
	$$(Q)mkdir -p $$(@D) && $$(CC) $$(GUEST_CFLAGS) $$(LIBC_INTERNAL_CFLAGS) $(2) -c $$< -o $$@
build/$(1)/%.o: %.S
	$$(call msg,AS-TEST,$$<)
	$$(Q)mkdir -p $$(@D) && $$(CC) $$(GUEST_CFLAGS) $$(LIBC_INTERNAL_CFLAGS) $(2) -c $$< -o $$@
$(3): $(call objs,$(1),$(LIBC_TEST_SRCS))
	$$(call msg,LD,$$@)
	$$(Q)mkdir -p $$(@D) && $$(CC) -nostdlib -static -no-pie -Wl,--build-id=none -o $$@ $$^
CHECK_TESTS += $(3)
CHECK_DEPS += $(3)
endef
$(eval $(call libc_test,libc-test,,build/tests/libc.t))
$(eval $(call libc_test,libc-test-ubsan,$(LIBC_TEST_UBSAN),build/tests/libc-ubsan.t))

# The libc against the host's glibc on random input: one object with every libc symbol renamed
# fatalibc_*, linked into a host program.
build/libc-test/libc-renamed.o: $(call objs,libc-test,$(LIBC_SRCS))
	$(call msg,OBJCOPY,$@)
	$(Q)ld -r -o $@.tmp $^ && objcopy --prefix-symbols=fatalibc_ $@.tmp $@ && rm -f $@.tmp
build/tests/libc-glibc.t: build/host/tests/unit/libc/glibc_diff.o build/libc-test/libc-renamed.o
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D) && $(CC) -no-pie -o $@ $^
CHECK_TESTS += build/tests/libc-glibc.t
CHECK_DEPS += build/tests/libc-glibc.t
