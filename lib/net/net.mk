# The IPv4 network stack (lib/net/): netif, Ethernet, ARP, IPv4, ICMP, UDP, DHCP client, and its
# tests: unit tests on a fake interface (plain and ASan+UBSan), fuzz harnesses replayed over their
# corpora, and end-to-end tests in network namespaces (tests/e2e/net_*.t).
NET_SRCS := lib/net/netif.c lib/net/checksum.c lib/net/stack.c lib/net/ethernet.c lib/net/arp.c \
	lib/net/ipv4.c lib/net/ipv4_reasm.c lib/net/icmp.c lib/net/udp.c lib/net/dhcp.c \
	lib/net/tcp.c lib/net/tcp_input.c lib/net/tcp_output.c lib/net/tcp_timer.c lib/net/tcp_cc.c lib/net/dns.c \
	lib/net/net.c
LIB_SRCS += $(NET_SRCS)
# The socket stack (--net=socket) runs on the host's sockets: unix only.
LIB_unix_SRCS += lib/net/socket_unix.c

# What a host test links: the core of the library OS and the stack, on the unix platform.
NET_TEST_LIBOS := lib/sched.c lib/arch/x86_64/switch.S lib/log.c lib/keys.c lib/time.c \
	lib/console.c lib/runtime.c $(NET_SRCS) platform/unix/platform_unix.c platform/unix/net_unix.c \
	platform/unix/console_unix.c platform/unix/time_unix.c

# --- unit tests: tests/unit/net_NAME.c with the fake interface tests/unit/net_fake.c -------------
NET_UNIT_TESTS := net_wire net_netif net_arp net_ipv4 net_icmp net_udp net_dhcp net_dns

define net_unit_test
build/tests/$(1).t: build/host/tests/unit/$(1).o build/host/tests/unit/net_fake.o \
		$(call objs,unix,$(NET_TEST_LIBOS))
	$$(call msg,LD,$$@)
	$$(Q)mkdir -p $$(@D) && $$(CC) -o $$@ $$^
build/tests/san/$(1).t: build/san/tests/unit/$(1).o build/san/tests/unit/net_fake.o \
		$(call objs,san,$(NET_TEST_LIBOS))
	$$(call msg,LD-SAN,$$@)
	$$(Q)mkdir -p $$(@D) && $$(CC) -fsanitize=address,undefined -o $$@ $$^
CHECK_TESTS += build/tests/$(1).t build/tests/san/$(1).t
CHECK_DEPS += build/tests/$(1).t build/tests/san/$(1).t
NET_CHECK += build/tests/$(1).t build/tests/san/$(1).t
endef
$(foreach t,$(NET_UNIT_TESTS),$(eval $(call net_unit_test,$(t))))

# TCP's unit tests also link the scripted peer tests/unit/net_tcp_peer.c.
NET_TCP_TESTS := net_tcp_open net_tcp_close net_tcp_data net_tcp_loss

define net_tcp_test
build/tests/$(1).t: build/host/tests/unit/$(1).o build/host/tests/unit/net_fake.o \
		build/host/tests/unit/net_tcp_peer.o $(call objs,unix,$(NET_TEST_LIBOS))
	$$(call msg,LD,$$@)
	$$(Q)mkdir -p $$(@D) && $$(CC) -o $$@ $$^
build/tests/san/$(1).t: build/san/tests/unit/$(1).o build/san/tests/unit/net_fake.o \
		build/san/tests/unit/net_tcp_peer.o $(call objs,san,$(NET_TEST_LIBOS))
	$$(call msg,LD-SAN,$$@)
	$$(Q)mkdir -p $$(@D) && $$(CC) -fsanitize=address,undefined -o $$@ $$^
CHECK_TESTS += build/tests/$(1).t build/tests/san/$(1).t
CHECK_DEPS += build/tests/$(1).t build/tests/san/$(1).t
NET_CHECK += build/tests/$(1).t build/tests/san/$(1).t
endef
$(foreach t,$(NET_TCP_TESTS),$(eval $(call net_tcp_test,$(t))))

# --- fuzzing: tests/fuzz/net_NAME.c ---------------------------------------------------------------
# make check replays tests/fuzz/corpus/net_NAME/ through each harness (tests/fuzz/replay.c finds
# the corpus from the binary's name). build/fuzz/net_NAME is the libFuzzer binary (clang):
#   build/fuzz/net_ipv4 -max_total_time=60 tests/fuzz/corpus/net_ipv4
FUZZ_CC ?= clang
NET_FUZZERS := net_eth net_arp net_ipv4 net_icmp net_udp net_dhcp net_tcp net_dns

define net_fuzzer
build/tests/san/fuzz_$(1).t: build/san/tests/fuzz/$(1).o build/san/tests/fuzz/replay.o \
		$(call objs,san,$(NET_TEST_LIBOS))
	$$(call msg,LD-SAN,$$@)
	$$(Q)mkdir -p $$(@D) && $$(CC) -fsanitize=address,undefined -o $$@ $$^
build/fuzz/$(1): tests/fuzz/$(1).c $(filter %.c,$(NET_TEST_LIBOS)) lib/arch/x86_64/switch.S
	$$(call msg,FUZZ-LD,$$@)
	$$(Q)mkdir -p $$(@D) && $$(FUZZ_CC) -std=gnu11 -g -O1 -Iinclude -Iabi -Iplatform \
		-fsanitize=fuzzer,address,undefined -o $$@ $$^
CHECK_TESTS += build/tests/san/fuzz_$(1).t
CHECK_DEPS += build/tests/san/fuzz_$(1).t
NET_CHECK += build/tests/san/fuzz_$(1).t
FUZZ_BINS += build/fuzz/$(1)
endef
$(foreach t,$(NET_FUZZERS),$(eval $(call net_fuzzer,$(t))))

# --- end-to-end: tests/e2e/net_*.t build udp-echo and drive it from inside a network namespace --
NET_E2E := $(sort $(wildcard tests/e2e/net_*.t))
CHECK_TESTS += $(NET_E2E)

# Builds and runs only the network tests: make net-check
.PHONY: net-check
net-check: all $(NET_CHECK)
	$(Q)prove --exec '' -j2 $(NET_CHECK) $(NET_E2E)
