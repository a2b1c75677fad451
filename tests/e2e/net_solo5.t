#!/bin/bash
# The direct stack on the Solo5 targets, in a network namespace of its own: udp-echo under
# fata-spt (and fata-hvt when /dev/kvm exists) with --net:service=tap0, static and with DHCP from
# dnsmasq: the tutorial's log lines, arping, ping (also larger than the MTU) and UDP echo.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/netns.sh"
netns_require ping arping socat dnsmasq
PER_TARGET=15
plan $((2 * PER_TARGET))
netns_setup solo5
UK=198.18.0.2

netns_bg "$NETNS_TMP/dnsmasq.out" dnsmasq --no-daemon --conf-file=/dev/null --user=root --port=0 \
	--no-resolv --interface=tap0 --bind-interfaces \
	--dhcp-range=198.18.0.50,198.18.0.60,255.255.255.0,2m \
	--dhcp-leasefile="$NETNS_TMP/leases" --pid-file="$NETNS_TMP/dnsmasq.pid"
wait_log "$NETNS_TMP/dnsmasq.out" 'DHCP, IP range' 10 || diag "dnsmasq did not start"

for target in spt hvt; do
	tender=$FATA_ROOT/bin/fata-$target
	if [ ! -x "$tender" ]; then
		for i in $(seq $PER_TARGET); do skip "$target: bin/fata-$target is not built"; done
		continue
	fi
	if [ "$target" = hvt ] && [ ! -e /dev/kvm ]; then
		for i in $(seq $PER_TARGET); do skip "hvt: /dev/kvm is missing on this machine"; done
		continue
	fi
	dir=$NETNS_TMP/$target
	log=$NETNS_TMP/$target.out
	nsx ip neigh flush dev tap0

	net_build "$dir" $target false
	ok $? "$target: udp-echo builds"
	netns_bg "$log" "$tender" --net:service=tap0 -- "$dir/dist/udp-echo.$target" --ipv4=$UK/24
	pid=$NETNS_LAST
	wait_log "$log" 'stack assembled' 60
	ok $? "$target: the stack comes up"
	net_check_connect_lines "$log" $UK service
	out=$(nsx arping -c 2 -w 5 -I tap0 $UK 2>&1 | tr 'A-F' 'a-f')
	like "$out" "reply from $UK \[$NET_MAC\]" "$target: arping resolves the unikernel's MAC"
	out=$(nsx ping -c 100 -i 0.01 -W 2 $UK 2>&1)
	like "$out" '100 packets transmitted, 100 received' "$target: ping -c 100 -i 0.01: 100 replies"
	out=$(nsx ping -c 3 -i 0.2 -s 3000 -W 2 $UK 2>&1)
	like "$out" '3 packets transmitted, 3 received' "$target: ping -s 3000: answered"
	out=$(printf 'hello %s' $target | nsx socat -t 2 - UDP:$UK:7)
	is "$out" "hello $target" "$target: UDP echo"
	head -c 4000 /dev/urandom >"$NETNS_TMP/big.in"
	nsx socat -t 2 - UDP:$UK:7 <"$NETNS_TMP/big.in" >"$NETNS_TMP/big.out"
	cmp -s "$NETNS_TMP/big.in" "$NETNS_TMP/big.out"
	ok $? "$target: 4000 random bytes come back the same"
	netns_stop $pid

	dir=$NETNS_TMP/$target-dhcp
	log=$NETNS_TMP/$target-dhcp.out
	net_build "$dir" $target true
	ok $? "$target: udp-echo builds with --dhcp=true"
	netns_bg "$log" "$tender" --net:service=tap0 -- "$dir/dist/udp-echo.$target"
	pid=$NETNS_LAST
	wait_log "$log" 'stack assembled' 60
	ip=$(sed -nE 's/.*INF \[dhcp\] Lease obtained: IP ([0-9.]+)\/24.*/\1/p' "$log")
	like "$ip" '^198\.18\.0\.(5[0-9]|60)$' "$target: DHCP lease from dnsmasq ($ip)"
	out=$(nsx ping -c 5 -i 0.05 -W 2 "${ip:-198.18.0.50}" 2>&1)
	like "$out" '5 packets transmitted, 5 received' "$target: ping on the leased address"
	netns_stop $pid
done
tap_done
