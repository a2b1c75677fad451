# The key-value stores (include/fata/kv.h) and their tests. The direct store reads the host's
# folder through its libc: unix only.
KV_SRCS := lib/kv/kv.c lib/kv/index.c lib/kv/blk.c lib/kv/crunch.c \
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
KV_TEST_LIBOS := $(LIB_CORE_SRCS) $(LIB_BLOCK_SRCS) $(KV_SRCS) $(CRYPTO_SRCS) $(PLATFORM_unix_CORE_SRCS) \
	platform/unix/block_unix.c lib/kv/direct_unix.c
KV_UNIT_TESTS := kv_same kv_corrupt
KV_EXTRA_kv_same := $(KV_TEST)/static_tree.c tests/unit/kv_tree.c
KV_EXTRA_kv_corrupt :=
$(foreach t,$(KV_UNIT_TESTS),$(eval $(call unit_test,$(t),$(KV_EXTRA_$(t)),$(KV_TEST_LIBOS),,\
	$(KV_TEST_DATA))))

# --- fuzzing: tests/fuzz/kv_tar.c, kv_fat.c ----------------------------------------------------------
# make check replays tests/fuzz/corpus/kv_tar/ and kv_fat/ (mk/unit.mk's fuzz_test); make fuzz
# runs libFuzzer (clang): build/fuzz/kv_tar -max_total_time=60 tests/fuzz/corpus/kv_tar
# The harnesses read images from memory and need no platform but tests/fuzz/kv_plat.c.
KV_FUZZERS := kv_tar kv_fat
KV_FUZZ_LIBOS := lib/log.c $(LIB_BLOCK_SRCS) $(filter-out lib/kv/crunch.c,$(KV_SRCS)) \
	lib/crypto/sha256.c tests/fuzz/kv_plat.c
$(foreach f,$(KV_FUZZERS),$(eval $(call fuzz_test,$(f),$(KV_FUZZ_LIBOS))))
KV_CHECK := $(call unit_test_bins,$(KV_UNIT_TESTS)) $(call fuzz_test_bins,$(KV_FUZZERS))

# --- end-to-end: the kv_ro example on every target and implementation --------------------------
CHECK_TESTS += $(sort $(wildcard tests/e2e/kv_*.t))

.PHONY: kv-check
kv-check: bin/fata bin/fata-spt build/unix/libfata.a build/spt/libfata.a build/hvt/libfata.a \
		$(KV_CHECK)
	$(Q)prove --exec '' $(KV_CHECK) $(sort $(wildcard tests/e2e/kv_*.t))
