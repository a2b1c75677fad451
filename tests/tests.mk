# Host unit tests of the library OS: each tests/unit/NAME.c is linked with the sources in
# UNIT_DEPS_NAME and built twice, plain (build/tests/NAME.t) and with ASan+UBSan
# (build/tests/san/NAME.t). Other fragments may add their own tests to CHECK_TESTS.
UNIT_TESTS := keys log sched block random
LIBOS_HOST := lib/sched.c lib/arch/x86_64/switch.S lib/log.c lib/keys.c lib/time.c lib/console.c \
	lib/runtime.c lib/block.c platform/unix/platform_unix.c platform/unix/console_unix.c \
	platform/unix/time_unix.c platform/unix/block_unix.c
UNIT_DEPS_keys := lib/keys.c
UNIT_DEPS_log := $(LIBOS_HOST)
UNIT_DEPS_sched := $(LIBOS_HOST)
UNIT_DEPS_block := $(LIBOS_HOST)
UNIT_DEPS_random := $(LIBOS_HOST) lib/random.c $(CRYPTO_SRCS) platform/unix/random_unix.c

define unit_test
build/tests/$(1).t: build/host/tests/unit/$(1).o $(call objs,unix,$(UNIT_DEPS_$(1)))
	$$(call msg,LD,$$@)
	$$(Q)mkdir -p $$(@D) && $$(CC) -o $$@ $$^
build/tests/san/$(1).t: build/san/tests/unit/$(1).o $(call objs,san,$(UNIT_DEPS_$(1)))
	$$(call msg,LD-SAN,$$@)
	$$(Q)mkdir -p $$(@D) && $$(CC) -fsanitize=address,undefined -o $$@ $$^
CHECK_TESTS += build/tests/$(1).t build/tests/san/$(1).t
CHECK_DEPS += build/tests/$(1).t build/tests/san/$(1).t
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_test,$(t))))

# End-to-end tests: shell scripts that build and run real unikernels.
CHECK_TESTS += $(sort $(wildcard tests/e2e/unix_*.t tests/e2e/solo5_*.t tests/e2e/random_*.t))
