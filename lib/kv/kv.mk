# The key-value stores (include/fata/kv.h) and their tests. The direct store reads the host's
# folder through its libc: unix only.
KV_SRCS := lib/kv/kv.c lib/kv/index.c lib/kv/blk.c lib/kv/sha256.c lib/kv/crunch.c \
	lib/kv/tar.c lib/kv/fat.c
LIB_SRCS += $(KV_SRCS)
LIB_unix_SRCS += lib/kv/direct_unix.c

# --- tests -----------------------------------------------------------------------------------------
# The test folder (tests/unit/kv_tree.c writes it) and its crunch table and images, made with the
# same rules as a unikernel's (mk/kv.mk), every entry stamped with one time.
include mk/kv.mk
KV_TEST := build/tests/kv
KV_TEST_MTIME := 1700000000

$(KV_TEST)/mktree: tests/unit/kv_tree.c tests/unit/kv_tree.h
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D) && $(CC) $(HOST_CFLAGS) -DKV_TREE_MAIN -o $@ $<
$(KV_TEST)/tree.stamp: $(KV_TEST)/mktree
	$(call msg,GEN,$(KV_TEST)/tree)
	$(Q)rm -rf $(KV_TEST)/tree && $(KV_TEST)/mktree $(KV_TEST)/tree && \
		find $(KV_TEST)/tree -exec touch -h -d @$(KV_TEST_MTIME) {} + && touch $@
$(KV_TEST)/static_tree.c: FATA := bin/fata
$(KV_TEST)/static_tree.c: $(KV_TEST)/tree.stamp bin/fata
	$(call msg,CRUNCH,$@)
	$(Q)$(call fata_kv_crunch,tree,$(KV_TEST)/tree,$@)
$(KV_TEST)/tree.tar: $(KV_TEST)/tree.stamp
	$(call msg,TAR,$@)
	$(Q)$(call fata_kv_archive,$(KV_TEST)/tree,$@)
$(KV_TEST)/tree.img: $(KV_TEST)/tree.stamp
	$(call msg,MKFS.FAT,$@)
	$(Q)$(call fata_kv_fat,$(KV_TEST)/tree,$@,16)
$(KV_TEST)/tree32.img: $(KV_TEST)/tree.stamp
	$(call msg,MKFS.FAT,$@)
	$(Q)$(call fata_kv_fat,$(KV_TEST)/tree,$@,32)
# A small folder for the corruption tests: the example's, as ustar and as FAT12, FAT16, FAT32.
KV_SMALL := examples/device-usage/kv_ro/t
$(KV_TEST)/small.tar: $(call fata_kv_files,$(KV_SMALL))
	$(call msg,TAR,$@)
	$(Q)mkdir -p $(@D) && $(call fata_kv_archive,$(KV_SMALL),$@)
$(KV_TEST)/small16.img $(KV_TEST)/small32.img: $(KV_TEST)/small%.img: $(call fata_kv_files,$(KV_SMALL))
	$(call msg,MKFS.FAT,$@)
	$(Q)mkdir -p $(@D) && $(call fata_kv_fat,$(KV_SMALL),$@,$*)
$(KV_TEST)/small12.img: $(call fata_kv_files,$(KV_SMALL))
	$(call msg,MKFS.FAT,$@)
	$(Q)mkdir -p $(@D) && rm -f $@ && PATH="$$PATH:/usr/sbin:/sbin" mkfs.fat -C -F 12 -n FATA \
		--invariant -i 46415441 $@ 1440 >/dev/null && cd $(KV_SMALL) && \
		SOURCE_DATE_EPOCH=$(KV_TEST_MTIME) TZ=UTC MTOOLS_SKIP_CHECK=1 \
		mcopy -s -i $(CURDIR)/$@ secret decoy.txt subdir ::/
KV_TEST_DATA := $(addprefix $(KV_TEST)/,tree.tar tree.img tree32.img small.tar small12.img \
	small16.img small32.img)

# What the kv tests link: the library OS on the unix platform.
KV_TEST_LIBOS := lib/sched.c lib/arch/x86_64/switch.S lib/log.c lib/keys.c lib/time.c \
	lib/console.c lib/runtime.c lib/block.c $(KV_SRCS) platform/unix/platform_unix.c \
	platform/unix/console_unix.c platform/unix/time_unix.c platform/unix/block_unix.c \
	lib/kv/direct_unix.c
KV_UNIT_TESTS := kv_same kv_corrupt
KV_EXTRA_kv_same := $(KV_TEST)/static_tree.c tests/unit/kv_tree.c
KV_EXTRA_kv_corrupt :=

define kv_unit_test
build/tests/$(1).t: build/host/tests/unit/$(1).o $(call objs,host,$(KV_EXTRA_$(1))) \
		$(call objs,unix,$(KV_TEST_LIBOS)) | $(KV_TEST_DATA)
	$$(call msg,LD,$$@)
	$$(Q)mkdir -p $$(@D) && $$(CC) -o $$@ $$(filter %.o,$$^)
build/tests/san/$(1).t: build/san/tests/unit/$(1).o $(call objs,san,$(KV_EXTRA_$(1))) \
		$(call objs,san,$(KV_TEST_LIBOS)) | $(KV_TEST_DATA)
	$$(call msg,LD-SAN,$$@)
	$$(Q)mkdir -p $$(@D) && $$(CC) -fsanitize=address,undefined -o $$@ $$(filter %.o,$$^)
CHECK_TESTS += build/tests/$(1).t build/tests/san/$(1).t
CHECK_DEPS += build/tests/$(1).t build/tests/san/$(1).t
endef
$(foreach t,$(KV_UNIT_TESTS),$(eval $(call kv_unit_test,$(t))))

# --- fuzzing: tests/fuzz/kv_tar.c, kv_fat.c ----------------------------------------------------------
# make check replays tests/fuzz/corpus/kv_tar/ and kv_fat/ (tests/fuzz/replay.c); make fuzz runs
# libFuzzer (clang): build/fuzz/kv_tar -max_total_time=60 tests/fuzz/corpus/kv_tar
KV_FUZZ_LIBOS := lib/log.c lib/block.c lib/kv/kv.c lib/kv/index.c lib/kv/blk.c lib/kv/sha256.c \
	lib/kv/tar.c lib/kv/fat.c tests/fuzz/kv_plat.c
define kv_fuzz
build/tests/san/fuzz_$(1).t: build/san/tests/fuzz/$(1).o build/san/tests/fuzz/replay.o \
		$(call objs,san,$(KV_FUZZ_LIBOS))
	$$(call msg,LD-SAN,$$@)
	$$(Q)mkdir -p $$(@D) && $$(CC) -fsanitize=address,undefined -o $$@ $$^
CHECK_TESTS += build/tests/san/fuzz_$(1).t
CHECK_DEPS += build/tests/san/fuzz_$(1).t
build/fuzz/$(1): tests/fuzz/$(1).c $(KV_FUZZ_LIBOS)
	$$(call msg,FUZZ-LD,$$@)
	$$(Q)mkdir -p $$(@D) && $$(FUZZ_CC) -std=gnu11 -g -O1 -Iinclude -Iplatform \
		-fsanitize=fuzzer,address,undefined -o $$@ $$^
FUZZ_BINS += build/fuzz/$(1)
endef
$(foreach f,kv_tar kv_fat,$(eval $(call kv_fuzz,$(f))))

# --- end-to-end: the kv_ro example on every target and implementation --------------------------
CHECK_TESTS += $(sort $(wildcard tests/e2e/kv_*.t))

.PHONY: kv-check
kv-check: bin/fata bin/fata-spt build/unix/libfata.a build/spt/libfata.a build/hvt/libfata.a \
		$(foreach t,$(KV_UNIT_TESTS),build/tests/$(t).t build/tests/san/$(t).t) \
		build/tests/san/fuzz_kv_tar.t build/tests/san/fuzz_kv_fat.t
	$(Q)prove --exec '' $(foreach t,$(KV_UNIT_TESTS),build/tests/$(t).t build/tests/san/$(t).t) \
		build/tests/san/fuzz_kv_tar.t build/tests/san/fuzz_kv_fat.t \
		$(sort $(wildcard tests/e2e/kv_*.t))
