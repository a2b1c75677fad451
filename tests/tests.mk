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
CHECK_TESTS += $(sort $(wildcard tests/e2e/unix_*.t tests/e2e/solo5_*.t tests/e2e/random_*.t \
	tests/e2e/virtio_*.t)) tests/e2e/device_examples.t tests/e2e/docs_api.t tests/e2e/readme_net.t

# Fuzz harnesses of the parsers that had none (mk/unit.mk's fuzz_test; make check replays each
# corpus in tests/fuzz/corpus/NAME/, make fuzz runs them): config.ini through the fata command's
# parser, run-time key values, the tenders' manifest check, and fata-hvt's hypercall handlers
# against a fake guest memory (tender_die wrapped so a guest error returns to the harness).
comma := ,
$(eval $(call fuzz_test,config,$(CLI_LIB_SRCS),$(CLI_LIBS)))
$(eval $(call fuzz_test,keys,lib/keys.c))
$(eval $(call fuzz_test,mft,tender/common/mft.c tender/common/tender.c))
# fata-spt's seccomp filter as built for random manifests, run by a BPF interpreter on random calls.
$(eval $(call fuzz_test,spt_syscall,$(TENDER_COMMON_SRCS) $(TENDER_SPT_FILTER_SRCS),$(TENDER_LIBS)))
$(eval $(call fuzz_test,hvt_hypercall,$(TENDER_UNIT_SRCS_tender_hvt),\
	-Wl$(comma)--wrap=tender_die $(TENDER_LIBS)))
