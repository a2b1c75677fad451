# Fata: builds the fata command, the tenders and one runtime archive per target.
# `make` builds, `make check` runs every test, `make bench` measures, `make demo` runs hello-key.
# Each area adds its sources and tests in its own fragment (*/*.mk); this file holds the rules.

.DEFAULT_GOAL := all
.SUFFIXES:
.DELETE_ON_ERROR:

PREFIX ?= /usr/local
FATA_HOME := $(CURDIR)
include mk/flags.mk

COMMON_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -O2 -g -MMD -MP
# Host programs (fata, tenders, tests) and the unix runtime.
HOST_CFLAGS := $(COMMON_CFLAGS) -Iinclude -Iabi -Iplatform
SAN_CFLAGS := $(HOST_CFLAGS) -O1 -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
# Freestanding guest code (hvt, spt, virtio).
GUEST_CFLAGS := $(COMMON_CFLAGS) $(FATA_GUEST_CFLAGS) -Iabi -Iplatform

# Filled in by the fragments.
ALL :=            # what `make` builds
CHECK_TESTS :=    # *.t files prove runs in `make check`
CHECK_DEPS :=     # what the tests need built first
TARGETS := unix hvt spt virtio
LIB_SRCS :=
LIB_unix_SRCS :=  # library OS pieces only the unix target has (they use the host's libc)
LIBC_SRCS :=
PLATFORM_unix_SRCS :=
PLATFORM_hvt_SRCS :=
PLATFORM_spt_SRCS :=
PLATFORM_virtio_SRCS :=

# Object files of sources $(2) built for $(1) (unix, hvt, spt, host or san).
objs = $(addprefix build/$(1)/,$(addsuffix .o,$(basename $(2))))

include mk/unit.mk
# The library OS's and the platforms' source lists first: the other fragments' tests link them.
SRC_FRAGMENTS := lib/lib.mk $(sort $(wildcard platform/*/*.mk))
include $(SRC_FRAGMENTS)
include $(sort $(filter-out mk/% $(SRC_FRAGMENTS),$(wildcard */*.mk lib/*/*.mk tender/*/*.mk)))

# --- object rules -----------------------------------------------------------------------------
build/unix/%.o: %.c
	$(call msg,CC,$<)
	$(Q)mkdir -p $(@D) && $(CC) $(HOST_CFLAGS) -c $< -o $@
build/unix/%.o: %.S
	$(call msg,AS,$<)
	$(Q)mkdir -p $(@D) && $(CC) $(HOST_CFLAGS) -c $< -o $@
build/host/%.o: %.c
	$(call msg,CC,$<)
	$(Q)mkdir -p $(@D) && $(CC) $(HOST_CFLAGS) -c $< -o $@
build/san/%.o: %.c
	$(call msg,CC-SAN,$<)
	$(Q)mkdir -p $(@D) && $(CC) $(SAN_CFLAGS) -c $< -o $@
build/san/%.o: %.S
	$(call msg,AS,$<)
	$(Q)mkdir -p $(@D) && $(CC) $(SAN_CFLAGS) -c $< -o $@
define guest_rules
build/$(1)/%.o: %.c
	$$(call msg,CC-$(1),$$<)
	$$(Q)mkdir -p $$(@D) && $$(CC) $$(GUEST_CFLAGS) $$(GUEST_CFLAGS_$(1)) -c $$< -o $$@
build/$(1)/%.o: %.S
	$$(call msg,AS-$(1),$$<)
	$$(Q)mkdir -p $$(@D) && $$(CC) $$(GUEST_CFLAGS) $$(GUEST_CFLAGS_$(1)) -c $$< -o $$@
endef
$(eval $(call guest_rules,hvt))
$(eval $(call guest_rules,spt))
$(eval $(call guest_rules,virtio))

# --- runtime archives: library OS + platform (+ libc for the freestanding targets) ---------------
RUNTIME_SRCS_unix = $(LIB_SRCS) $(LIB_unix_SRCS) $(PLATFORM_unix_SRCS)
RUNTIME_SRCS_hvt = $(LIB_SRCS) $(PLATFORM_hvt_SRCS) $(LIBC_SRCS)
RUNTIME_SRCS_spt = $(LIB_SRCS) $(PLATFORM_spt_SRCS) $(LIBC_SRCS)
RUNTIME_SRCS_virtio = $(LIB_SRCS) $(PLATFORM_virtio_SRCS) $(LIBC_SRCS)
define runtime_archive
build/$(1)/libfata.a: $(call objs,$(1),$(RUNTIME_SRCS_$(1)))
	$$(call msg,AR,$$@)
	$$(Q)rm -f $$@ && ar rcs $$@ $$^
RUNTIME_ARCHIVES += build/$(1)/libfata.a
endef
$(foreach t,$(TARGETS),$(if $(PLATFORM_$(t)_SRCS),$(eval $(call runtime_archive,$(t)))))

all: $(ALL) $(RUNTIME_ARCHIVES)

# --- set-up, tests, benchmarks -----------------------------------------------------------------
.PHONY: all deps check bench demo install clean fuzz coverage
deps:
	$(Q)scripts/install-deps.sh

# Each test runs under tests/lib/run-test: a time limit (tests/lib/time-limits; a hang fails naming
# the test) and its skips recorded in build/check-skips, listed at the end (tests/lib/skip-report;
# .ci/run adds --strict, failing on a skip that is not by design on that machine).
CHECK_SKIPS := build/check-skips
# An end-to-end test in no fragment's list would never run: make check refuses to start then.
E2E_UNLISTED = $(filter-out $(CHECK_TESTS),$(wildcard tests/e2e/*.t))
check: deps
	$(Q)test -z "$(E2E_UNLISTED)" || { echo "make check: not in CHECK_TESTS: $(E2E_UNLISTED)"; exit 1; }
	$(Q)$(MAKE) --no-print-directory check-deps
	$(Q)mkdir -p build && : >$(CHECK_SKIPS)
	$(Q)FATA_SKIP_LOG=$(CURDIR)/$(CHECK_SKIPS) prove --exec tests/lib/run-test -j2 $(CHECK_TESTS); \
		s=$$?; tests/lib/skip-report $(CHECK_SKIPS); exit $$s

.PHONY: check-deps
check-deps: all $(CHECK_DEPS)

bench: deps
	$(Q)scripts/install-deps.sh nginx-light wrk
	$(Q)$(MAKE) -s --no-print-directory all
	$(Q)bench/run

demo: deps
	$(Q)$(MAKE) -s --no-print-directory all
	$(Q)scripts/demo.sh

# Each harness in FUZZ_BINS (build/fuzz/NAME, libFuzzer) runs FUZZ_SECONDS over its corpus
# tests/fuzz/corpus/NAME; new inputs land in build/fuzz/NAME.new for review.
# FUZZ="config keys" runs only those; each prints the executions it survived (libFuzzer's "Done").
FUZZ_SECONDS ?= 60
FUZZ ?=
FUZZ_RUN = $(if $(FUZZ),$(addprefix build/fuzz/,$(FUZZ)),$(FUZZ_BINS))
fuzz:
	$(Q)scripts/install-deps.sh clang libclang-rt-14-dev
	$(Q)$(MAKE) --no-print-directory $(FUZZ_RUN)
	$(Q)for f in $(FUZZ_RUN); do n=$${f##*/}; mkdir -p build/fuzz/$$n.new && \
		echo "fuzz: $$n for $(FUZZ_SECONDS) s" && \
		$$f -max_total_time=$(FUZZ_SECONDS) build/fuzz/$$n.new tests/fuzz/corpus/$$n \
			2>build/fuzz/$$n.log || { tail -30 build/fuzz/$$n.log; exit 1; }; \
		grep -h '^Done' build/fuzz/$$n.log | sed "s/^/fuzz: $$n: /"; done

# Line and branch coverage of lib/, platform/, tender/ and cli/ from make check, built apart in
# build/cov/ (scripts/coverage.sh): HTML in build/cov/html/index.html, totals printed.
coverage: deps
	$(Q)scripts/install-deps.sh gcovr
	$(Q)scripts/coverage.sh

install: all
	$(Q)scripts/install.sh "$(DESTDIR)$(PREFIX)"

clean:
	rm -rf build bin

-include $(shell find build -name '*.d' 2>/dev/null)
