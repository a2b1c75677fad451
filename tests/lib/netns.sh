# Network namespaces for end-to-end network tests: every test network lives in namespaces the test
# creates (tap inside, addresses from 198.18.0.0/15), never in the root one. Source after tap.sh.
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
	return 0
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

# --- an application on one stack and target ---------------------------------------------------

# net_app_start VARIANT EXAMPLE BINARY READY [ARGS...]: builds examples/EXAMPLE in
# $NETNS_TMP/VARIANT for VARIANT (unix-socket, unix-direct, spt-direct or hvt-direct: target and
# stack) as one test, starts dist/BINARY in the namespace with ARGS (on the direct stack also
# --ipv4=198.18.0.2/24, and under fata-spt/fata-hvt on tap0), and waits up to 60 s for a log
# line matching READY. Sets NET_ADDR (where it answers), NET_LOG and NETNS_LAST.
net_app_start() {
	local variant=$1 example=$2 bin=$3 ready=$4 target=${1%-*} net=${1#*-} dir
	shift 4
	dir="$NETNS_TMP/$variant"
	copy_example "examples/$example" "$dir"
	(cd "$dir" && "$FATA" configure -t "$target" --net="$net" >/dev/null &&
		make --no-print-directory >/dev/null 2>&1)
	ok $? "$variant: configure and make"
	NET_LOG="$NETNS_TMP/$variant.log"
	if [ "$net" = socket ]; then
		NET_ADDR=127.0.0.1
		netns_bg "$NET_LOG" "$dir/dist/$bin" "$@"
	elif [ "$target" = unix ]; then
		NET_ADDR=198.18.0.2
		netns_bg "$NET_LOG" "$dir/dist/$bin" --ipv4=$NET_ADDR/24 "$@"
	else
		NET_ADDR=198.18.0.2
		netns_bg "$NET_LOG" "fata-$target" -q --net:service=tap0 -- "$dir/dist/$bin.$target" \
			--ipv4=$NET_ADDR/24 "$@"
	fi
	wait_log "$NET_LOG" "$ready" 60
}

# --- building the UDP echo unikernel ---------------------------------------------------------

# net_build DIR TARGET DHCP: copies examples/device-usage/udp-echo to DIR and builds it with
# `fata configure -t TARGET --net=direct --dhcp=DHCP`. Returns the status; the log is DIR.log.
net_build() {
	local dir=$1 target=$2 dhcp=$3
	copy_example examples/device-usage/udp-echo "$dir"
	(cd "$dir" && "$FATA" configure -t "$target" --net=direct --dhcp="$dhcp" &&
		make --no-print-directory) >"$dir.log" 2>&1
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
