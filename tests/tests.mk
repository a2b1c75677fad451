# Host unit tests of the library OS's core: each tests/unit/NAME.c is linked with the sources in
# UNIT_DEPS_NAME and built twice, plain (build/tests/NAME.t) and with ASan+UBSan
# (build/tests/san/NAME.t) by mk/unit.mk's unit_test. Other fragments add their own tests.
UNIT_TESTS := keys log sched block random
LIBOS_HOST := $(LIB_CORE_SRCS) $(LIB_BLOCK_SRCS) $(PLATFORM_unix_CORE_SRCS) \
	platform/unix/block_unix.c
UNIT_DEPS_keys := lib/keys.c
UNIT_DEPS_log := $(LIBOS_HOST)
UNIT_DEPS_sched := $(LIBOS_HOST)
UNIT_DEPS_block := $(LIBOS_HOST)
UNIT_DEPS_random := $(LIBOS_HOST) $(LIB_RANDOM_SRCS) platform/unix/random_unix.c
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_test,$(t),,$(UNIT_DEPS_$(t)))))

# End-to-end tests: shell scripts that build and run real unikernels.
CHECK_TESTS += $(sort $(wildcard tests/e2e/unix_*.t tests/e2e/solo5_*.t tests/e2e/random_*.t))
