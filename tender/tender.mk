# The tenders bin/fata-hvt and bin/fata-spt, and their tests: unit tests of the loader and the
# options (plain and ASan+UBSan), the ELF fuzz harness replayed over its corpus, the test guests
# in tests/tender/ and the end-to-end tests tests/e2e/tender_*.t.

# Each device kind is a module of its own: tender/common/KIND.c (options, opening, manifest,
# seccomp rules) and tender/hvt/hvt_KIND.c (its hypercalls); see docs/architecture.md.
TENDER_COMMON_SRCS := $(addprefix tender/common/,util.c elf_load.c mft.c opts.c devices.c \
	block.c net.c start.c sandbox.c dumpcore.c entropy.c)
TENDER_HVT_HYPERCALL_SRCS := $(addprefix tender/hvt/,hvt_hypercall.c hvt_block.c hvt_net.c)
TENDER_HVT_SRCS := $(addprefix tender/hvt/,hvt_main.c hvt_kvm.c hvt_kvm_x86_64.c hvt_cpu_x86_64.c \
	hvt_dumpcore_x86_64.c hvt_gdb.c) $(TENDER_HVT_HYPERCALL_SRCS) tender/common/gdb_proto.c
TENDER_SPT_SRCS := tender/spt/spt_main.c tender/spt/spt_fault.c tender/spt/spt_dumpcore.c \
	tender/spt/spt_launch_x86_64.S
TENDER_LDFLAGS := -pie -Wl,-z,relro,-z,now,-z,noexecstack
TENDER_LIBS := -lseccomp

tender_objs = $(addprefix build/$(1)/,$(addsuffix .o,$(basename $(2))))

ALL += bin/fata-hvt bin/fata-spt

bin/fata-hvt: $(call tender_objs,host,$(TENDER_HVT_SRCS) $(TENDER_COMMON_SRCS))
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D) && $(CC) $(TENDER_LDFLAGS) -o $@ $^ $(TENDER_LIBS)

bin/fata-spt: $(call tender_objs,host,$(TENDER_SPT_SRCS) $(TENDER_COMMON_SRCS))
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D) && $(CC) $(TENDER_LDFLAGS) -o $@ $^ $(TENDER_LIBS)

# The top-level rules build host objects from C only.
build/host/tender/spt/%.o: tender/spt/%.S
	$(call msg,AS,$<)
	$(Q)mkdir -p $(@D) && $(CC) $(HOST_CFLAGS) -c $< -o $@

# --- unit tests: tests/unit/tender_NAME.c, plain and sanitized ---------------------------------
# tender_hvt serves hypercalls against fake guest memory: fata-hvt's logic without KVM.
# tender_gdb drives the gdb protocol against a fake target.
TENDER_UNIT_TESTS := tender_elf tender_opts tender_hvt tender_gdb
# The common code holds each device kind's seccomp rules, hence -lseccomp.
TENDER_UNIT_SRCS_tender_elf := $(TENDER_COMMON_SRCS)
TENDER_UNIT_LIBS_tender_elf := $(TENDER_LIBS)
TENDER_UNIT_SRCS_tender_opts := $(TENDER_COMMON_SRCS)
TENDER_UNIT_LIBS_tender_opts := $(TENDER_LIBS)
TENDER_UNIT_SRCS_tender_hvt := $(TENDER_COMMON_SRCS) $(TENDER_HVT_HYPERCALL_SRCS) \
	tender/hvt/hvt_cpu_x86_64.c tender/hvt/hvt_kvm.c tender/hvt/hvt_dumpcore_x86_64.c \
	tender/hvt/hvt_gdb.c tender/common/gdb_proto.c
TENDER_UNIT_LIBS_tender_hvt := $(TENDER_LIBS)
TENDER_UNIT_SRCS_tender_gdb := tender/common/gdb_proto.c

define tender_unit_test
build/tests/$(1).t: build/host/tests/unit/$(1).o $(call tender_objs,host,$(TENDER_UNIT_SRCS_$(1)))
	$$(call msg,LD,$$@)
	$$(Q)mkdir -p $$(@D) && $$(CC) -o $$@ $$^ $(TENDER_UNIT_LIBS_$(1))
build/tests/san/$(1).t: build/san/tests/unit/$(1).o $(call tender_objs,san,$(TENDER_UNIT_SRCS_$(1)))
	$$(call msg,LD-SAN,$$@)
	$$(Q)mkdir -p $$(@D) && $$(CC) -fsanitize=address,undefined -o $$@ $$^ \
		$(TENDER_UNIT_LIBS_$(1))
CHECK_TESTS += build/tests/$(1).t build/tests/san/$(1).t
CHECK_DEPS += build/tests/$(1).t build/tests/san/$(1).t
endef
$(foreach t,$(TENDER_UNIT_TESTS),$(eval $(call tender_unit_test,$(t))))

# --- fuzzing: tests/fuzz/elf.c -------------------------------------------------------------------
# make check replays tests/fuzz/corpus/elf/ through the harness (replay.c finds the corpus from
# its own name, fuzz_elf.t). build/fuzz/elf is the libFuzzer binary (clang); new inputs go to the
# first directory:  mkdir -p build/fuzz/elf.new &&
#   build/fuzz/elf -max_total_time=60 build/fuzz/elf.new tests/fuzz/corpus/elf
build/tests/san/fuzz_elf.t: build/san/tests/fuzz/elf.o build/san/tests/fuzz/replay.o \
		$(call tender_objs,san,$(TENDER_COMMON_SRCS))
	$(call msg,LD-SAN,$@)
	$(Q)mkdir -p $(@D) && $(CC) -fsanitize=address,undefined -o $@ $^ $(TENDER_LIBS)
CHECK_TESTS += build/tests/san/fuzz_elf.t
CHECK_DEPS += build/tests/san/fuzz_elf.t

FUZZ_CC ?= clang
build/fuzz/elf: tests/fuzz/elf.c $(TENDER_COMMON_SRCS)
	$(call msg,FUZZ-LD,$@)
	$(Q)mkdir -p $(@D) && $(FUZZ_CC) -std=gnu11 -g -O1 -Iabi \
		-fsanitize=fuzzer,address,undefined -o $@ $^ $(TENDER_LIBS)
FUZZ_BINS += build/fuzz/elf

# --- test guests: tests/tender/NAME.c built as NAME.spt and/or NAME.hvt -----------------------
TENDER_GUEST_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -O2 -ffreestanding -nostdinc \
	-isystem $(shell $(CC) -print-file-name=include) -Iabi -fno-pic -fno-pie -mno-red-zone \
	-mgeneral-regs-only -fno-stack-protector -fno-asynchronous-unwind-tables -fno-builtin \
	-nostdlib -static -no-pie -Wl,-T,tests/tender/guest.ld -Wl,-z,max-page-size=0x1000 \
	-Wl,--build-id=none
TENDER_GUESTS := $(addprefix build/tests/tender/,hello.spt hello.hvt cmdline.spt cmdline.hvt \
	forbidden.spt wtext.spt devices.spt devices.hvt blk.spt blk.hvt wx.spt wx.hvt)
TENDER_GUEST_DEPS := tests/tender/guest.h tests/tender/guest.ld abi/elf_abi.h abi/mft_abi.h \
	abi/hvt_abi.h abi/spt_abi.h abi/solo5_abi.h

build/tests/tender/%.spt: tests/tender/%.c $(TENDER_GUEST_DEPS)
	$(call msg,CC-GUEST,$@)
	$(Q)mkdir -p $(@D) && $(CC) $(TENDER_GUEST_CFLAGS) -DGUEST_SPT -o $@ $<
build/tests/tender/%.hvt: tests/tender/%.c $(TENDER_GUEST_DEPS)
	$(call msg,CC-GUEST,$@)
	$(Q)mkdir -p $(@D) && $(CC) $(TENDER_GUEST_CFLAGS) -DGUEST_HVT -o $@ $<

# --- end-to-end tests ---------------------------------------------------------------------------
.PHONY: tender-check
CHECK_TESTS += $(sort $(wildcard tests/e2e/tender_*.t))
CHECK_DEPS += bin/fata-hvt bin/fata-spt $(TENDER_GUESTS)

# Builds and runs only the tender tests: make tender-check
tender-check: bin/fata-hvt bin/fata-spt $(TENDER_GUESTS) \
		$(foreach t,$(TENDER_UNIT_TESTS),build/tests/$(t).t build/tests/san/$(t).t) \
		build/tests/san/fuzz_elf.t
	$(Q)prove --exec '' $(foreach t,$(TENDER_UNIT_TESTS),build/tests/$(t).t \
		build/tests/san/$(t).t) build/tests/san/fuzz_elf.t \
		$(sort $(wildcard tests/e2e/tender_*.t))
