# The HTTP/1.1 server library (include/fata/http.h, lib/http/) and its tests: unit tests of the
# parser and of the server over a scripted transport (plain and ASan+UBSan), and a fuzz harness
# whose corpus make check replays.
HTTP_CORE := lib/http/parse.c lib/http/date.c lib/http/server.c
HTTP_SRCS := $(HTTP_CORE) lib/http/tcp.c lib/http/static.c lib/http/client.c
# The client's unit test links the network stack too: it is in lib/net/net.mk.
LIB_SRCS += $(HTTP_SRCS)

HTTP_TEST_LIBOS := $(LIB_CORE_SRCS) $(PLATFORM_unix_CORE_SRCS) $(HTTP_CORE)
HTTP_UNIT_TESTS := http_parse http_server
$(foreach t,$(HTTP_UNIT_TESTS),$(eval $(call unit_test,$(t),,$(HTTP_TEST_LIBOS))))
$(eval $(call fuzz_test,http,$(HTTP_TEST_LIBOS)))
HTTP_CHECK := $(call unit_test_bins,$(HTTP_UNIT_TESTS) http_static) $(call fuzz_test_bins,http)

# Builds and runs only the HTTP tests: make http-check
.PHONY: http-check
http-check: all $(HTTP_CHECK)
	$(Q)prove --exec '' $(HTTP_CHECK) tests/e2e/net_http.t

# The static-file handler (include/fata/http_static.h) over a hand-made crunch store. lib/kv/kv.mk
# comes after this fragment, so its KV_SRCS is not set yet: the stores' files are named here.
HTTP_STATIC_TEST_LIBOS := $(HTTP_TEST_LIBOS) lib/http/static.c $(wildcard lib/kv/*.c) $(LIB_BLOCK_SRCS) \
	$(LIB_RANDOM_SRCS) platform/unix/block_unix.c platform/unix/random_unix.c
$(eval $(call unit_test,http_static,,$(HTTP_STATIC_TEST_LIBOS)))
