# Network namespaces for end-to-end network tests (DESIGN.md decision 11). Source after tap.sh.
#
# Each test makes its own namespace fata-TAG-PID with a tap device tap0 inside, host side
# 198.18.0.1/24, runs the unikernel inside it and drives it with real tools run inside it too.
# Nothing is configured or sent in the root namespace, and no address outside 198.18.0.0/15 is
# used. netns_cleanup (run at exit) kills only the processes the test started and deletes the
# namespace and the scratch directory.

NETNS=""
NETNS_HOST=198.18.0.1
NETNS_PIDS=""
NETNS_TMP=$(mktemp -d "${TMPDIR:-/tmp}/fata-net.XXXXXX")

netns_cleanup() {
	local pid
	for pid in $NETNS_PIDS; do
		kill "$pid" 2>/dev/null
	done
	for pid in $NETNS_PIDS; do
		wait "$pid" 2>/dev/null
	done
	[ -n "$NETNS" ] && ip netns del "$NETNS" 2>/dev/null
	rm -rf "$NETNS_TMP"
}
trap netns_cleanup EXIT

# netns_require CMD...: skips the whole test unless we may make namespaces and taps and every CMD
# is installed.
netns_require() {
	local c
	[ "$(id -u)" = 0 ] || skip_all "needs root to create network namespaces and tap devices"
	command -v ip >/dev/null 2>&1 || skip_all "needs ip (iproute2)"
	[ -c /dev/net/tun ] || skip_all "needs /dev/net/tun"
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || skip_all "needs $c (see scripts/install-deps.sh)"
	done
}

# netns_setup TAG: makes the namespace and its tap0 (198.18.0.1/24, up). Skips the test if the
# kernel refuses.
netns_setup() {
	NETNS="fata-$1-$$"
	ip netns add "$NETNS" 2>"$NETNS_TMP/netns.err" ||
		skip_all "cannot create a network namespace: $(cat "$NETNS_TMP/netns.err")"
	ip netns exec "$NETNS" ip link set lo up &&
	ip netns exec "$NETNS" ip tuntap add dev tap0 mode tap &&
	ip netns exec "$NETNS" ip addr add "$NETNS_HOST/24" dev tap0 &&
	ip netns exec "$NETNS" ip link set tap0 up ||
		skip_all "cannot set up tap0 in the namespace"
}

# nsx CMD...: runs CMD inside the namespace.
nsx() {
	ip netns exec "$NETNS" "$@"
}

# netns_bg LOG CMD...: starts CMD inside the namespace in the background with its output in LOG;
# its PID is in NETNS_LAST and is killed at exit.
netns_bg() {
	local log=$1
	shift
	ip netns exec "$NETNS" "$@" >"$log" 2>&1 &
	NETNS_LAST=$!
	NETNS_PIDS="$NETNS_PIDS $NETNS_LAST"
}

# netns_stop PID: stops a process this test started.
netns_stop() {
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

# wait_log FILE REGEX SECONDS: waits until a line of FILE matches REGEX (grep -E).
wait_log() {
	local i
	for i in $(seq $(($3 * 20))); do
		grep -Eq -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# --- building the UDP echo unikernel ---------------------------------------------------------

# The configuration the stackv4 device class generates, written by hand while `fata configure`
# does not know the class: the same files in the same shape (docs/architecture.md).
net_generate() { # net_generate DIR TARGET DHCP
	local dir=$1 target=$2 dhcp=$3 netif nkeys=4
	mkdir -p "$dir/fata"
	cat >"$dir/Makefile" <<-EOF
		# Written by tests/lib/netns.sh in the shape fata configure writes.
		FATA := $FATA_ROOT/bin/fata
		FATA_HOME := $FATA_ROOT
		NAME := udp-echo
		TARGET := $target
		SOURCES := unikernel.c
		CFLAGS_EXTRA :=
		EXTRA_FILES :=
		include \$(FATA_HOME)/mk/unikernel.mk
	EOF
	cat >"$dir/fata/unikernel.h" <<-'EOF'
		/* Written by tests/lib/netns.sh in the shape fata configure writes. */
		#ifndef FATA_GENERATED_UNIKERNEL_H
		#define FATA_GENERATED_UNIKERNEL_H

		#include <fata/fata.h>
		#include <fata/net.h>

		int start(struct fata_stack *stack);

		int64_t fata_key_port(void);
		bool fata_key_dhcp(void);
		struct fata_ipv4_prefix fata_key_ipv4(void);
		uint32_t fata_key_ipv4_gateway(void);
		const char *fata_key_interface(void);

		#endif
	EOF
	if [ "$target" = unix ]; then
		netif='keys[4].value.s'
		nkeys=5
	else
		netif='"service"'
	fi
	cat >"$dir/fata/main.c" <<-EOF
		/* Written by tests/lib/netns.sh in the shape fata configure writes. */
		#include "unikernel.h"

		static struct fata_key keys[] = {
			{ .name = "port", .type = FATA_KEY_INT, .doc = "The UDP port on which to echo datagrams.",
			  .default_text = "7", .stage = FATA_STAGE_BOTH },
			{ .name = "dhcp", .type = FATA_KEY_BOOL, .doc = "Whether to use DHCP to configure the stack.",
			  .default_text = "$dhcp", .stage = FATA_STAGE_CONFIGURE },
			{ .name = "ipv4", .type = FATA_KEY_IPV4_PREFIX, .doc = "The IPv4 address and prefix of the stack.",
			  .default_text = "10.0.0.2/24", .stage = FATA_STAGE_RUNTIME },
			{ .name = "ipv4-gateway", .type = FATA_KEY_IPV4, .doc = "The IPv4 gateway (0.0.0.0: none).",
			  .default_text = "0.0.0.0", .stage = FATA_STAGE_RUNTIME },
			{ .name = "interface", .type = FATA_KEY_STRING, .doc = "The tap device of the stack.",
			  .default_text = "tap0", .stage = FATA_STAGE_BOTH },
		};

		int64_t fata_key_port(void) { return keys[0].value.i; }
		bool fata_key_dhcp(void) { return keys[1].value.b; }
		struct fata_ipv4_prefix fata_key_ipv4(void) { return keys[2].value.prefix; }
		uint32_t fata_key_ipv4_gateway(void) { return keys[3].value.ipv4; }
		const char *fata_key_interface(void) { return keys[4].value.s; }

		static int run(void)
		{
			struct fata_stack_config stack_config = {
				.name = "stack",
				.netif = $netif,
				.dhcp = keys[1].value.b,
				.ipv4 = keys[2].value.prefix,
				.gateway = keys[3].value.ipv4,
			};
			struct fata_stack *stack = fata_stack_connect(&stack_config);

			if (!stack)
				return 1;
			return start(stack);
		}

		const struct fata_unikernel fata_unikernel = {
			.name = "udp-echo",
			.target = "$target",
			.keys = keys,
			.nkeys = $nkeys,
			.run = run,
		};
	EOF
	[ "$target" = unix ] && return 0
	cat >"$dir/fata/manifest.c" <<-'EOF'
		/* Written by tests/lib/netns.sh in the shape fata configure writes: the MFT1 note with
		 * one network device, "service". */
		#include <stddef.h>
		#include <stdint.h>

		struct fata_mft_entry {
			char name[68];
			uint32_t type;
			uint8_t private_zero[32];
		};

		struct fata_mft1_note {
			uint32_t n_namesz;
			uint32_t n_descsz;
			uint32_t n_type;
			char n_name[8];
			uint32_t desc_pad;
			uint32_t version;
			uint32_t entries;
			struct fata_mft_entry e[2];
		};

		const struct fata_mft1_note fata_mft1_note
			__attribute__((section(".note.solo5.manifest"), aligned(8), used)) = {
			.n_namesz = sizeof("Solo5"),
			.n_descsz = sizeof(struct fata_mft1_note) - offsetof(struct fata_mft1_note, desc_pad),
			.n_type = 0x3154464d,
			.n_name = "Solo5",
			.version = 1,
			.entries = 2,
			.e = {
				{ .name = "", .type = 1u << 30 },
				{ .name = "service", .type = 2 },
			},
		};
	EOF
}

# net_build DIR TARGET DHCP: copies examples/device-usage/udp-echo to DIR and builds it with
# `fata configure -t TARGET --net=direct --dhcp=DHCP` when fata knows the stackv4 class, else
# with the files net_generate writes. Returns make's status; the log is DIR.log.
net_build() {
	local dir=$1 target=$2 dhcp=$3
	copy_example examples/device-usage/udp-echo "$dir"
	if (cd "$dir" && "$FATA" configure -t "$target" --net=direct --dhcp="$dhcp") >"$dir.log" 2>&1; then
		NET_GENERATED=fata
	else
		grep -q stackv4 "$dir.log" || { cat "$dir.log" >&2; return 1; }
		NET_GENERATED=hand
		net_generate "$dir" "$target" "$dhcp"
	fi
	(cd "$dir" && make --no-print-directory) >>"$dir.log" 2>&1
}

# The five lines MirageOS prints when a static or DHCP stack comes up, for address $2 in log $1:
# checks them with `like` (five tests) and sets NET_MAC to the unikernel's MAC.
net_check_connect_lines() { # net_check_connect_lines LOG IP IFNAME
	local out ip=${2//./\\.}
	out=$(cat "$1")
	NET_MAC=$(printf '%s\n' "$out" | sed -nE 's/.*INF \[netif\] Plugging into [^ ]+ with mac ([0-9a-f:]{17})$/\1/p' | head -1)
	like "$out" "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} [+-][0-9]{2}:[0-9]{2}: INF \[netif\] Plugging into $3 with mac [0-9a-f]{2}(:[0-9a-f]{2}){5}$" \
		"netif: Plugging into $3 with mac ..."
	like "$out" "INF \[ethif\] Connected Ethernet interface ${NET_MAC:-none}$" "ethif: Connected Ethernet interface MAC"
	like "$out" "INF \[arpv4\] Connected arpv4 device on ${NET_MAC:-none}$" "arpv4: Connected arpv4 device on MAC"
	like "$out" "INF \[udp\] UDP interface connected on $ip$" "udp: UDP interface connected on $2"
	like "$out" "INF \[tcpip-stack-direct\] stack assembled: mac=${NET_MAC:-none},ip=$ip$" \
		"tcpip-stack-direct: stack assembled: mac=MAC,ip=$2"
}
