# The fata command (host) and its tests.
CLI_SRCS := cli/main.c cli/help.c cli/crunch.c cli/config.c cli/devices.c cli/gen.c cli/project.c \
	cli/buf.c cli/inspect.c cli/package.c cli/oci.c
# fata inspect checks binaries with the tenders' own ELF and manifest checks.
CLI_TENDER_SRCS := tender/common/tender.c tender/common/elf_load.c tender/common/mft.c
# What the unit tests link: the parser and the generators (not the commands, help or crunch).
CLI_LIB_SRCS := cli/config.c cli/devices.c cli/gen.c cli/buf.c lib/keys.c
CLI_LIBS := -linih

bin/fata: $(call objs,host,$(CLI_SRCS) $(CLI_TENDER_SRCS) lib/keys.c lib/crypto/sha256.c)
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D) && $(CC) -o $@ $^ $(CLI_LIBS)
ALL += bin/fata

# Unit tests of the config parser and the generators, plain and with ASan+UBSan.
CLI_UNIT_TESTS := cli_config
$(foreach t,$(CLI_UNIT_TESTS),$(eval $(call unit_test,$(t),$(CLI_LIB_SRCS),,$(CLI_LIBS))))

# End-to-end tests of the command (golden outputs in tests/e2e/golden/, fixtures in tests/cli/).
CHECK_TESTS += $(sort $(wildcard tests/e2e/cli_*.t))
CHECK_DEPS += bin/fata

.PHONY: cli-check
cli-check: bin/fata $(call unit_test_bins,$(CLI_UNIT_TESTS))
	$(Q)prove --exec '' $(call unit_test_bins,$(CLI_UNIT_TESTS)) \
		$(sort $(wildcard tests/e2e/cli_*.t))
