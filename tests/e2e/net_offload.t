#!/bin/bash
# Offloads on the tap (the NET_OFFLOAD extension, docs/architecture.md): Fata's stack on unix
# and spt sends TCP segments longer than the MTU for the host to cut and takes coalesced ones,
# and falls back to MTU-sized frames with FATA_NET_OFFLOAD=0 (unix) or --no-extensions (spt).
# The bytes on the wire are checked where a host checks them: the unikernel's segments are
# forwarded to a second namespace over a veth without offloads, where tcpdump verifies every
# TCP checksum and length and iperf3 counts what arrived.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/netns.sh"
netns_require iperf3 python3 tcpdump ethtool
PER=5
plan $((4 * PER))
netns_setup offload
PEER="fata-offpeer-$$"
trap 'netns_cleanup; ip netns del "$PEER" 2>/dev/null' EXIT
ip netns add "$PEER" &&
	nsx ip link add veth0 type veth peer name veth1 netns "$PEER" &&
	nsx ip addr add 198.18.1.1/24 dev veth0 && nsx ip link set veth0 up &&
	nsx sysctl -qw net.ipv4.ip_forward=1 &&
	nsx ethtool -K veth0 tso off gso off tx off >/dev/null &&
	ip netns exec "$PEER" ip addr add 198.18.1.2/24 dev veth1 &&
	ip netns exec "$PEER" ip link set veth1 up && ip netns exec "$PEER" ip link set lo up &&
	ip netns exec "$PEER" ethtool -K veth1 rx off gro off >/dev/null &&
	ip netns exec "$PEER" ip route add 198.18.0.0/24 via 198.18.1.1 ||
	skip_all "cannot set up the peer namespace and its veth"

# tap_rx: bytes and frames that the unikernel wrote into tap0 (the host's rx counters).
tap_rx() {
	nsx ip -j -s link show tap0 | python3 -c 'import json, sys
s = json.load(sys.stdin)[0]["stats64"]["rx"]
print(s["bytes"], s["packets"])'
}

field() {
	python3 -c 'import json, sys
try:
    print(eval(sys.argv[2], {"j": json.load(open(sys.argv[1]))}))
except Exception as e:
    print("unreadable: %r" % e)' "$1" "$2"
}

for variant in unix-direct spt-direct unix-plain spt-plain; do
	target=${variant%-*}
	out=$NETNS_TMP/$variant
	mkdir -p "$out"
	if [ "${variant#*-}" = direct ]; then
		net_app_start $variant applications/iperf3 iperf3 'iperf3 server on port 5201' \
			--ipv4-gateway=198.18.0.1
	else
		dir=$NETNS_TMP/$target-direct
		NET_LOG=$NETNS_TMP/$variant.log
		if [ $target = unix ]; then
			netns_bg "$NET_LOG" env FATA_NET_OFFLOAD=0 "$dir/dist/iperf3" \
				--ipv4=198.18.0.2/24 --ipv4-gateway=198.18.0.1
		else
			netns_bg "$NET_LOG" fata-spt -q --no-extensions --net:service=tap0 -- \
				"$dir/dist/iperf3.spt" --ipv4=198.18.0.2/24 --ipv4-gateway=198.18.0.1
		fi
		wait_log "$NET_LOG" 'iperf3 server on port 5201' 60
		ok $? "$variant: the same binary starts without offloads"
	fi
	pid=$NETNS_LAST
	rx0=$(tap_rx)

	# Out of the unikernel, forwarded and checked in the peer.
	ip netns exec "$PEER" timeout 20 tcpdump -i veth1 -nn -vv -c 300 'tcp src port 5201' \
		>"$out/dump" 2>/dev/null &
	dump=$!
	sleep 0.5
	ip netns exec "$PEER" timeout 30 iperf3 -c 198.18.0.2 -t 2 -R -J >"$out/R.json" 2>&1
	wait $dump
	got=$(field "$out/R.json" 'j["end"]["sum_received"]["bytes"]')
	[ "${got:-0}" -gt 1000000 ] 2>/dev/null
	ok $? "$variant: iperf3 -R through a router receives the unikernel's data ($got bytes)"
	good=$(grep -c 'cksum 0x[0-9a-f]* (correct)' "$out/dump")
	bad=$(grep -c 'incorrect' "$out/dump")
	long=$(sed -nE 's/.*, length ([0-9]+)\)$/\1/p' "$out/dump" | awk '$1 > 1500' | wc -l)
	[ "$good" -ge 200 ] && [ "$bad" = 0 ] && [ "$long" = 0 ]
	ok $? "$variant: tcpdump in the peer: TCP checksums correct ($good), none wrong ($bad), no datagram over 1500 ($long)"

	rx1=$(tap_rx)
	set -- $rx0 $rx1
	avg=$(( ($3 - $1) / ($4 - $2 > 0 ? $4 - $2 : 1) ))
	if [ "${variant#*-}" = direct ]; then
		[ "$avg" -gt 3000 ]
		ok $? "$variant: the unikernel writes segments longer than the MTU into the tap ($avg bytes a frame)"
	else
		[ "$avg" -le 1514 ] && [ "$avg" -gt 0 ]
		ok $? "$variant: without offloads every frame fits the MTU ($avg bytes a frame)"
	fi

	# Into the unikernel, from the namespace's own stack (coalesced, partial checksums).
	n0=$(grep -c 'test done: received' "$NET_LOG")
	nsx timeout 30 iperf3 -c 198.18.0.2 -t 2 -J >"$out/F.json" 2>&1
	got=$(field "$out/F.json" 'j["end"]["sum_received"]["bytes"]')
	for i in $(seq 100); do
		[ "$(grep -c 'test done: received' "$NET_LOG")" -gt "$n0" ] && break
		sleep 0.1
	done
	said=$(sed -nE 's/.*test done: received ([0-9]+) bytes.*/\1/p' "$NET_LOG" | tail -1)
	[ "${got:-0}" -gt 1000000 ] 2>/dev/null && [ "$got" = "$said" ]
	ok $? "$variant: iperf3 into the unikernel: it received what was sent ($got; it logged $said)"
	netns_stop $pid
done
tap_done
