# The HTTP/1.1 server library (include/fata/http.h, lib/http/) and its tests: unit tests of the
# parser and of the server over a scripted transport (plain and ASan+UBSan), and a fuzz harness
# whose corpus make check replays.
HTTP_CORE := lib/http/parse.c lib/http/date.c lib/http/server.c
HTTP_SRCS := $(HTTP_CORE) lib/http/tcp.c
LIB_SRCS += $(HTTP_SRCS)

HTTP_TEST_LIBOS := lib/sched.c lib/arch/x86_64/switch.S lib/log.c lib/keys.c lib/time.c \
	lib/console.c lib/runtime.c platform/unix/platform_unix.c platform/unix/console_unix.c \
	platform/unix/time_unix.c $(HTTP_CORE)
HTTP_UNIT_TESTS := http_parse http_server

define http_unit_test
build/tests/$(1).t: build/host/tests/unit/$(1).o $(call objs,unix,$(HTTP_TEST_LIBOS))
	$$(call msg,LD,$$@)
	$$(Q)mkdir -p $$(@D) && $$(CC) -o $$@ $$^
build/tests/san/$(1).t: build/san/tests/unit/$(1).o $(call objs,san,$(HTTP_TEST_LIBOS))
	$$(call msg,LD-SAN,$$@)
	$$(Q)mkdir -p $$(@D) && $$(CC) -fsanitize=address,undefined -o $$@ $$^
CHECK_TESTS += build/tests/$(1).t build/tests/san/$(1).t
CHECK_DEPS += build/tests/$(1).t build/tests/san/$(1).t
HTTP_CHECK += build/tests/$(1).t build/tests/san/$(1).t
endef
$(foreach t,$(HTTP_UNIT_TESTS),$(eval $(call http_unit_test,$(t))))

# --- fuzzing: tests/fuzz/http.c, corpus tests/fuzz/corpus/http/ ---------------------------------
build/tests/san/fuzz_http.t: build/san/tests/fuzz/http.o build/san/tests/fuzz/replay.o \
		$(call objs,san,$(HTTP_TEST_LIBOS))
	$(call msg,LD-SAN,$@)
	$(Q)mkdir -p $(@D) && $(CC) -fsanitize=address,undefined -o $@ $^
build/fuzz/http: tests/fuzz/http.c $(filter %.c,$(HTTP_TEST_LIBOS)) lib/arch/x86_64/switch.S
	$(call msg,FUZZ-LD,$@)
	$(Q)mkdir -p $(@D) && $(FUZZ_CC) -std=gnu11 -g -O1 -Iinclude -Iabi -Iplatform \
		-fsanitize=fuzzer,address,undefined -o $@ $^
CHECK_TESTS += build/tests/san/fuzz_http.t
CHECK_DEPS += build/tests/san/fuzz_http.t
HTTP_CHECK += build/tests/san/fuzz_http.t
FUZZ_BINS += build/fuzz/http

# Builds and runs only the HTTP tests: make http-check
.PHONY: http-check
http-check: all $(HTTP_CHECK)
	$(Q)prove --exec '' $(HTTP_CHECK) tests/e2e/net_http.t
