# The network stack (lib/net/): netif, Ethernet, ARP, IPv4 with reassembly, ICMP, UDP, TCP, the
# DHCP client and the DNS responder, and its tests: unit tests on a fake interface (plain and
# ASan+UBSan), fuzz harnesses replayed over their corpora, and end-to-end tests in network
# namespaces (tests/e2e/net_*.t).
NET_SRCS := lib/net/netif.c lib/net/checksum.c lib/net/stack.c lib/net/ethernet.c lib/net/arp.c \
	lib/net/ipv4.c lib/net/ipv4_reasm.c lib/net/icmp.c lib/net/ipv6.c lib/net/ipv6_nd.c \
	lib/net/ipv6_reasm.c lib/net/icmpv6.c lib/net/udp.c lib/net/dhcp.c \
	lib/net/tcp.c lib/net/tcp_input.c lib/net/tcp_output.c lib/net/tcp_timer.c lib/net/tcp_cc.c lib/net/dns.c \
	lib/net/dhcp_server.c lib/net/dns_resolver.c lib/net/net.c
LIB_SRCS += $(NET_SRCS)
# The socket stack (--net=socket) runs on the host's sockets: unix only.
LIB_unix_SRCS += lib/net/socket_unix.c

# What a host test links: the core of the library OS and the stack, on the unix platform.
NET_TEST_LIBOS := $(LIB_CORE_SRCS) $(LIB_RANDOM_SRCS) $(NET_SRCS) $(PLATFORM_unix_CORE_SRCS) \
	platform/unix/net_unix.c platform/unix/random_unix.c

# --- unit tests: tests/unit/net_NAME.c with the fake interface tests/unit/net_fake.c -------------
# (mk/unit.mk's unit_test: plain and ASan+UBSan). TCP's also link the scripted peer
# tests/unit/net_tcp_peer.c.
NET_UNIT_TESTS := net_wire net_netif net_arp net_ipv4 net_icmp net_udp net_dhcp net_dns \
	net_dhcp_server net_dns_resolver net_ipv6
NET_TCP_TESTS := net_tcp_open net_tcp_close net_tcp_data net_tcp_loss net_tcp_flood
$(foreach t,$(NET_UNIT_TESTS),$(eval $(call unit_test,$(t),tests/unit/net_fake.c,$(NET_TEST_LIBOS))))
$(foreach t,$(NET_TCP_TESTS),$(eval $(call unit_test,$(t),tests/unit/net_fake.c \
	tests/unit/net_tcp_peer.c,$(NET_TEST_LIBOS))))

# --- fuzzing: tests/fuzz/net_NAME.c ---------------------------------------------------------------
# make check replays tests/fuzz/corpus/net_NAME/ through each harness (mk/unit.mk's fuzz_test);
# build/fuzz/net_NAME is the libFuzzer binary (clang):
#   build/fuzz/net_ipv4 -max_total_time=60 tests/fuzz/corpus/net_ipv4
NET_FUZZERS := net_eth net_arp net_ipv4 net_icmp net_udp net_dhcp net_tcp net_dns \
	net_dhcp_server net_dns_resolver net_tcp_cookie net_ipv6
$(foreach t,$(NET_FUZZERS),$(eval $(call fuzz_test,$(t),$(NET_TEST_LIBOS))))
# The HTTP client (lib/http/client.c) calls the stack and the resolver, so its test is here.
$(eval $(call unit_test,http_client,,$(NET_TEST_LIBOS) $(HTTP_CORE) lib/http/client.c))
NET_CHECK := $(call unit_test_bins,$(NET_UNIT_TESTS) $(NET_TCP_TESTS) http_client) \
	$(call fuzz_test_bins,$(NET_FUZZERS))

# --- end-to-end: tests/e2e/net_*.t build udp-echo and drive it from inside a network namespace --
NET_E2E := $(sort $(wildcard tests/e2e/net_*.t))
CHECK_TESTS += $(NET_E2E)

# Builds and runs only the network tests: make net-check
.PHONY: net-check
net-check: all $(NET_CHECK)
	$(Q)prove --exec '' -j2 $(NET_CHECK) $(NET_E2E)
