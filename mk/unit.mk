# The rules every fragment uses for its host tests (included by the top-level Makefile before the
# fragments): a C unit test built plain and with ASan+UBSan, and a fuzz harness.
FUZZ_CC ?= clang

# A unit test tests/unit/$(1).c, linked into build/tests/$(1).t and, with ASan+UBSan, into
# build/tests/san/$(1).t, both run by make check. $(2): sources compiled for the host
# (build/host/); $(3): sources of the runtime, whose plain objects are the unix target's
# (build/unix/, shared with build/unix/libfata.a); $(4): libraries; $(5): what must exist first
# (order-only, e.g. test data).
define unit_test
build/tests/$(1).t: build/host/tests/unit/$(1).o $(call objs,host,$(2)) $(call objs,unix,$(3)) \
		| $(5)
	$$(call msg,LD,$$@)
	$$(Q)mkdir -p $$(@D) && $$(CC) -o $$@ $$^ $(4)
build/tests/san/$(1).t: build/san/tests/unit/$(1).o $(call objs,san,$(2) $(3)) | $(5)
	$$(call msg,LD-SAN,$$@)
	$$(Q)mkdir -p $$(@D) && $$(CC) -fsanitize=address,undefined -o $$@ $$^ $(4)
CHECK_TESTS += build/tests/$(1).t build/tests/san/$(1).t
CHECK_DEPS += build/tests/$(1).t build/tests/san/$(1).t
endef
# The two binaries of each unit test named in $(1).
unit_test_bins = $(foreach t,$(1),build/tests/$(t).t build/tests/san/$(t).t)

# A fuzz harness tests/fuzz/$(1).c (libFuzzer's entry point) with the sources $(2) and the
# libraries $(3). make check runs build/tests/san/fuzz_$(1).t, the harness with the replay driver
# tests/fuzz/replay.c, over tests/fuzz/corpus/$(1)/; make fuzz builds build/fuzz/$(1) with clang.
define fuzz_test
build/tests/san/fuzz_$(1).t: build/san/tests/fuzz/$(1).o build/san/tests/fuzz/replay.o \
		$(call objs,san,$(2))
	$$(call msg,LD-SAN,$$@)
	$$(Q)mkdir -p $$(@D) && $$(CC) -fsanitize=address,undefined -o $$@ $$^ $(3)
build/fuzz/$(1): tests/fuzz/$(1).c $(2)
	$$(call msg,FUZZ-LD,$$@)
	$$(Q)mkdir -p $$(@D) && $$(FUZZ_CC) -std=gnu11 -g -O1 -Iinclude -Iabi -Iplatform \
		-fsanitize=fuzzer,address,undefined -o $$@ $$^ $(3)
CHECK_TESTS += build/tests/san/fuzz_$(1).t
CHECK_DEPS += build/tests/san/fuzz_$(1).t
FUZZ_BINS += build/fuzz/$(1)
endef
# The replay tests of the fuzz harnesses named in $(1).
fuzz_test_bins = $(foreach t,$(1),build/tests/san/fuzz_$(t).t)
