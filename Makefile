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
# Freestanding guest code (hvt, spt).
GUEST_CFLAGS := $(COMMON_CFLAGS) $(FATA_GUEST_CFLAGS) -Iabi -Iplatform

# Filled in by the fragments.
ALL :=            # what `make` builds
CHECK_TESTS :=    # *.t files prove runs in `make check`
CHECK_DEPS :=     # what the tests need built first
TARGETS := unix hvt spt
LIB_SRCS :=
LIB_unix_SRCS :=  # library OS pieces only the unix target has (they use the host's libc)
LIBC_SRCS :=
PLATFORM_unix_SRCS :=
PLATFORM_hvt_SRCS :=
PLATFORM_spt_SRCS :=

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

# --- runtime archives: library OS + platform (+ libc for the freestanding targets) ---------------
RUNTIME_SRCS_unix = $(LIB_SRCS) $(LIB_unix_SRCS) $(PLATFORM_unix_SRCS)
RUNTIME_SRCS_hvt = $(LIB_SRCS) $(PLATFORM_hvt_SRCS) $(LIBC_SRCS)
RUNTIME_SRCS_spt = $(LIB_SRCS) $(PLATFORM_spt_SRCS) $(LIBC_SRCS)
define runtime_archive
build/$(1)/libfata.a: $(call objs,$(1),$(RUNTIME_SRCS_$(1)))
	$$(call msg,AR,$$@)
	$$(Q)rm -f $$@ && ar rcs $$@ $$^
RUNTIME_ARCHIVES += build/$(1)/libfata.a
endef
$(foreach t,$(TARGETS),$(if $(PLATFORM_$(t)_SRCS),$(eval $(call runtime_archive,$(t)))))

all: $(ALL) $(RUNTIME_ARCHIVES)

# --- set-up, tests, benchmarks -----------------------------------------------------------------
.PHONY: all deps check bench demo install clean fuzz
deps:
	$(Q)scripts/install-deps.sh

check: deps
	$(Q)$(MAKE) --no-print-directory check-deps
	$(Q)prove --exec '' -j2 $(CHECK_TESTS)

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
FUZZ_SECONDS ?= 60
fuzz:
	$(Q)scripts/install-deps.sh clang libclang-rt-14-dev
	$(Q)$(MAKE) --no-print-directory $(FUZZ_BINS)
	$(Q)for f in $(FUZZ_BINS); do n=$${f##*/}; mkdir -p build/fuzz/$$n.new && \
		echo "fuzz: $$n for $(FUZZ_SECONDS) s" && \
		$$f -max_total_time=$(FUZZ_SECONDS) build/fuzz/$$n.new tests/fuzz/corpus/$$n \
			2>build/fuzz/$$n.log || { tail -30 build/fuzz/$$n.log; exit 1; }; done

install: all
	$(Q)scripts/install.sh "$(DESTDIR)$(PREFIX)"

clean:
	rm -rf build bin

-include $(shell find build -name '*.d' 2>/dev/null)
