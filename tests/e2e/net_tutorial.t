#!/bin/bash
# Tutorial step 4 on Fata's own stack (--net=direct): the network example on unix, spt and hvt
# (hvt only with /dev/kvm) logs the tutorial's lines for `echo -n hello tcp world | nc -nw1 ADDR 8080`.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/netns.sh"
netns_require nc
plan 27
netns_setup tut
addr=198.18.0.2

for target in unix spt hvt; do
	if [ $target = hvt ] && [ ! -e /dev/kvm ]; then
		for i in $(seq 9); do skip "hvt: /dev/kvm is missing on this machine"; done
		continue
	fi
	dir="$NETNS_TMP/$target"
	copy_example examples/device-usage/network "$dir"
	(cd "$dir" && fata configure -t $target --net=direct >/dev/null && make --no-print-directory >/dev/null 2>&1)
	ok $? "$target: configure --net=direct and make"
	log="$NETNS_TMP/$target.log"
	case $target in
	unix) netns_bg "$log" "$dir/dist/network" --ipv4=$addr/24 -l "*:debug" ;;
	*) netns_bg "$log" fata-$target -q --net:service=tap0 -- "$dir/dist/network.$target" \
		--ipv4=$addr/24 -l "*:debug" ;;
	esac
	pid=$NETNS_LAST
	to=10
	[ $target = hvt ] && to=120	# guest code may be emulated
	wait_log "$log" 'stack assembled' $to
	ok $? "$target: the stack comes up"
	echo -n hello tcp world | nsx nc -nw1 $addr 8080
	wait_log "$log" '^hello tcp world$' $to
	out=$(grep -v '^[0-9-]* [0-9:]* [-+0-9:]*: DBG \[\(tcp\|ipv4\|ethif\|arpv4\|netif\|udp\|icmp\)\]' "$log")
	like "$out" "INF \[netif\] Plugging into (tap0|service) with mac [0-9a-f:]{17}$" "$target: netif line"
	like "$out" "INF \[udp\] UDP interface connected on $addr$" "$target: udp line"
	like "$out" "INF \[tcpip-stack-direct\] stack assembled: mac=[0-9a-f:]{17},ip=$addr$" "$target: stack assembled"
	like "$out" "INF \[application\] new tcp connection from IP 198\.18\.0\.1 on port [0-9]+$" \
		"$target: new tcp connection from IP 198.18.0.1 on port N"
	like "$out" "DBG \[application\] read: 15 bytes:$" "$target: read: 15 bytes:"
	like "$out" "^hello tcp world$" "$target: the bytes"
	echo -n again | nsx nc -nw1 $addr 8080
	wait_log "$log" '^again$' $to
	is "$(grep -c 'new tcp connection' "$log")" 2 "$target: a second connection after the first closed"
	netns_stop $pid
done
tap_done
