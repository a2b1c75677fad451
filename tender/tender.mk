# The tenders bin/fata-hvt and bin/fata-spt, and their tests: unit tests of the loader and the
# options (plain and ASan+UBSan), the ELF fuzz harness replayed over its corpus, the test guests
# in tests/tender/ and the end-to-end tests tests/e2e/tender_*.t.

# Each device kind is a module of its own: tender/common/KIND.c (options, opening, manifest,
# seccomp rules) and tender/hvt/hvt_KIND.c (its hypercalls); see docs/architecture.md.
TENDER_COMMON_SRCS := $(addprefix tender/common/,tender.c elf_load.c mft.c opts.c devices.c \
	block.c net.c start.c sandbox.c dumpcore.c entropy.c)
TENDER_HVT_HYPERCALL_SRCS := $(addprefix tender/hvt/,hvt_hypercall.c hvt_block.c hvt_net.c)
TENDER_HVT_SRCS := $(addprefix tender/hvt/,hvt_main.c hvt_kvm.c hvt_kvm_x86_64.c hvt_cpu_x86_64.c \
	hvt_dumpcore_x86_64.c hvt_gdb.c hvt_count.c) $(TENDER_HVT_HYPERCALL_SRCS) tender/common/gdb_proto.c
TENDER_SPT_FILTER_SRCS := tender/spt/spt_filter.c tender/spt/spt_fault.c
TENDER_SPT_SRCS := tender/spt/spt_main.c tender/spt/spt_dumpcore.c tender/spt/spt_launch_x86_64.S \
	$(TENDER_SPT_FILTER_SRCS)
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

# --- unit tests: tests/unit/tender_NAME.c, plain and sanitized (mk/unit.mk's unit_test) ---------
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
	tender/hvt/hvt_gdb.c tender/hvt/hvt_count.c tender/common/gdb_proto.c
TENDER_UNIT_LIBS_tender_hvt := $(TENDER_LIBS)
TENDER_UNIT_SRCS_tender_gdb := tender/common/gdb_proto.c

$(foreach t,$(TENDER_UNIT_TESTS),$(eval $(call unit_test,$(t),$(TENDER_UNIT_SRCS_$(t)),,\
	$(TENDER_UNIT_LIBS_$(t)))))

# --- fuzzing: tests/fuzz/elf.c -------------------------------------------------------------------
# make check replays tests/fuzz/corpus/elf/ through the harness (mk/unit.mk's fuzz_test).
# build/fuzz/elf is the libFuzzer binary (clang); new inputs go to the first directory:
#   mkdir -p build/fuzz/elf.new && build/fuzz/elf -max_total_time=60 build/fuzz/elf.new tests/fuzz/corpus/elf
$(eval $(call fuzz_test,elf,$(TENDER_COMMON_SRCS),$(TENDER_LIBS)))

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
# dumpcore.t (--dumpcore on both tenders) was outside every list, so make check never ran it.
CHECK_TESTS += $(sort $(wildcard tests/e2e/tender_*.t)) tests/e2e/dumpcore.t
CHECK_DEPS += bin/fata-hvt bin/fata-spt $(TENDER_GUESTS)

# Builds and runs only the tender tests: make tender-check
TENDER_CHECK := $(call unit_test_bins,$(TENDER_UNIT_TESTS)) $(call fuzz_test_bins,elf)
tender-check: bin/fata-hvt bin/fata-spt $(TENDER_GUESTS) $(TENDER_CHECK)
	$(Q)prove --exec '' $(TENDER_CHECK) $(sort $(wildcard tests/e2e/tender_*.t))

# What fata package puts in an spt container image (build/oci/): fata-spt linked statically
# (static-pie: the guest owns the low addresses, as with the dynamic tender) with Debian's
# libseccomp.a, and spt-init, the entry point that attaches the container's network.
ALL += build/oci/fata-spt build/oci/spt-init

build/oci/fata-spt: $(call tender_objs,host,$(TENDER_SPT_SRCS) $(TENDER_COMMON_SRCS))
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D) && $(CC) -static-pie -Wl,-z,relro,-z,now,-z,noexecstack -o $@ $^ \
		$(TENDER_LIBS)

build/oci/spt-init: $(call objs,host,tender/spt/spt_init.c)
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D) && $(CC) -static -o $@ $^

CHECK_DEPS += build/oci/fata-spt build/oci/spt-init
# fata package end to end (cli/package.c): skopeo, umoci and runc read and run the images.
CHECK_TESTS += tests/e2e/oci_package.t
