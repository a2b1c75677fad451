#!/bin/bash
# The network steps of the tutorial on the virtio target: QEMU (TCG) with virtio-net on a tap in
# a namespace of the test's own. The network example with a static address (its log lines, a TCP
# connection, ping), udp-echo with DHCP from dnsmasq, TCP echo, http-hello with curl and the DNS
# example with dig; the network example and TCP echo again on the microvm machine (virtio-mmio).
# SKIPs when qemu-system-x86_64 is missing.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/netns.sh"
command -v qemu-system-x86_64 >/dev/null 2>&1 ||
	skip_all "qemu-system-x86_64 is missing (scripts/install-deps.sh installs qemu-system-x86)"
netns_require nc ping dnsmasq curl dig socat
plan 22
netns_setup virtio
export FATA_VIRTIO_ACCEL=tcg
UK=198.18.0.2

# start EXAMPLE BIN READY-REGEX CONFIGURE-ARGS -- RUN-ARGS: builds examples/EXAMPLE for virtio
# and runs it on tap0; LOG and PID name it.
start() {
	local example=$1 bin=$2 ready=$3 dir=$NETNS_TMP/${1##*/} conf=()
	shift 3
	while [ $# -gt 0 ] && [ "$1" != -- ]; do conf+=("$1"); shift; done
	shift
	copy_example "examples/$example" "$dir"
	(cd "$dir" && fata configure -t virtio "${conf[@]}" >/dev/null &&
		make --no-print-directory >/dev/null 2>&1)
	ok $? "$bin: configure -t virtio and make"
	LOG=$NETNS_TMP/${example##*/}.log
	nsx ip neigh flush dev tap0
	netns_bg "$LOG" "$dir/dist/$bin" --net:service=tap0 "$@"
	PID=$NETNS_LAST
	wait_log "$LOG" "$ready" 60
}

# --- the network example, static address -------------------------------------------------------
start device-usage/network network 'stack assembled' -- --ipv4=$UK/24 -l application:debug
ok $? "network: the stack comes up"
like "$(cat "$LOG")" "INF \[netif\] Plugging into service with mac 52:54:00:12:34:56" \
	"network: the MAC comes from the virtio-net device"
like "$(cat "$LOG")" "INF \[tcpip-stack-direct\] stack assembled: mac=52:54:00:12:34:56,ip=$UK" \
	"network: stack assembled with the static address"
echo -n hello tcp world | nsx nc -nw1 $UK 8080
wait_log "$LOG" '^hello tcp world$' 20
ok $? "network: a TCP connection's bytes are logged"
out=$(nsx ping -c 20 -i 0.05 -W 2 $UK 2>&1)
like "$out" '20 packets transmitted, 20 received' "network: ping -c 20: 20 replies"
netns_stop $PID

# --- DHCP ---------------------------------------------------------------------------------------
netns_bg "$NETNS_TMP/dnsmasq.out" dnsmasq --no-daemon --conf-file=/dev/null --user=root --port=0 \
	--no-resolv --interface=tap0 --bind-interfaces \
	--dhcp-range=198.18.0.50,198.18.0.60,255.255.255.0,2m \
	--dhcp-leasefile="$NETNS_TMP/leases" --pid-file="$NETNS_TMP/dnsmasq.pid"
DNSMASQ=$NETNS_LAST
wait_log "$NETNS_TMP/dnsmasq.out" 'DHCP, IP range' 10 || diag "dnsmasq did not start"
start device-usage/udp-echo udp-echo 'stack assembled' --net=direct --dhcp=true --
ip=$(sed -nE 's/.*INF \[dhcp\] Lease obtained: IP ([0-9.]+)\/24.*/\1/p' "$LOG")
like "$ip" '^198\.18\.0\.(5[0-9]|60)$' "udp-echo: DHCP lease from dnsmasq ($ip)"
out=$(printf 'hello virtio' | nsx socat -t 2 - UDP:${ip:-198.18.0.50}:7)
is "$out" "hello virtio" "udp-echo: UDP echo on the leased address"
netns_stop $PID
netns_stop $DNSMASQ

# --- TCP echo -----------------------------------------------------------------------------------
start device-usage/tcp-echo tcp-echo 'echo on' -- --ipv4=$UK/24
ok $? "tcp-echo: serving"
head -c 100000 /dev/urandom >"$NETNS_TMP/in"
nsx socat -t 5 - TCP:$UK:7 <"$NETNS_TMP/in" >"$NETNS_TMP/out"
cmp -s "$NETNS_TMP/in" "$NETNS_TMP/out"
ok $? "tcp-echo: 100000 random bytes come back the same"
netns_stop $PID

# --- the same on the microvm machine: virtio-net over virtio-mmio --------------------------------
nsx ip neigh flush dev tap0
netns_bg "$NETNS_TMP/network-microvm.log" "$NETNS_TMP/network/dist/network" --machine=microvm \
	--net:service=tap0 --ipv4=$UK/24 -l application:debug
PID=$NETNS_LAST LOG=$NETNS_TMP/network-microvm.log
wait_log "$LOG" 'stack assembled' 60
like "$(cat "$LOG")" "INF \[tcpip-stack-direct\] stack assembled: mac=52:54:00:12:34:56,ip=$UK" \
	"microvm: network's stack assembled, MAC from the virtio-mmio device, static address"
out=$(nsx ping -c 10 -i 0.05 -W 2 $UK 2>&1)
like "$out" '10 packets transmitted, 10 received' "microvm: network: ping -c 10: 10 replies"
echo -n hello microvm | nsx nc -nw1 $UK 8080
wait_log "$LOG" '^hello microvm.?$' 20
ok $? "microvm: network: a TCP connection's bytes are logged"
netns_stop $PID
nsx ip neigh flush dev tap0
netns_bg "$NETNS_TMP/tcp-echo-microvm.log" "$NETNS_TMP/tcp-echo/dist/tcp-echo" --machine=microvm \
	--net:service=tap0 --ipv4=$UK/24
PID=$NETNS_LAST
wait_log "$NETNS_TMP/tcp-echo-microvm.log" 'echo on' 60
nsx socat -t 5 - TCP:$UK:7 <"$NETNS_TMP/in" >"$NETNS_TMP/out-microvm"
cmp -s "$NETNS_TMP/in" "$NETNS_TMP/out-microvm"
ok $? "microvm: tcp-echo: 100000 random bytes come back the same"
netns_stop $PID

# --- http-hello ---------------------------------------------------------------------------------
start applications/http-hello http-hello 'serving HTTP' -- --ipv4=$UK/24 --body="Hola from virtio"
ok $? "http-hello: serving"
is "$(nsx curl -sS -m 20 http://$UK:8080/ 2>&1)" "Hola from virtio" "http-hello: curl gets the page"
netns_stop $PID

# --- dns ----------------------------------------------------------------------------------------
start applications/dns dns 'serving zone' -- --ipv4=$UK/24 --records=www=198.18.0.7
ok $? "dns: serving"
like "$(nsx dig @$UK +time=5 +tries=2 www.fata.test)" \
	'^www\.fata\.test\.[[:space:]]+300[[:space:]]+IN[[:space:]]+A[[:space:]]+198\.18\.0\.7$' \
	"dns: dig www.fata.test gets A 198.18.0.7"
netns_stop $PID
tap_done
