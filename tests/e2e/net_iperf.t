#!/bin/bash
# The stock iperf3 client against examples/applications/iperf3, in a namespace of the test's own:
# on the socket stack (unix) and on Fata's own stack (unix, spt; hvt with /dev/kvm). A test in
# each direction and with parallel streams, the results the unikernel reports are the ones the
# client prints, a second client is told the server is busy, a UDP test is refused. hvt runs
# only the two short tests in one stream (guest code may be emulated).
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/netns.sh"
netns_require iperf3 python3
PER=8
plan $((4 * PER))
netns_setup iperf

# field FILE EXPR: evaluates EXPR over iperf3's JSON output j (python3), prints the result.
field() {
	python3 -c 'import json, sys
try:
    j = json.load(open(sys.argv[1]))
    print(eval(sys.argv[2]))
except Exception as e:
    print("unreadable: %r" % e)' "$1" "$2"
}

for variant in unix-socket unix-direct spt-direct hvt-direct; do
	target=${variant%-*}
	if [ $target = hvt ] && [ ! -e /dev/kvm ]; then
		for i in $(seq $PER); do skip "hvt: /dev/kvm is missing on this machine"; done
		continue
	fi
	t=2 to=30
	[ $target = hvt ] && t=1 to=120
	net_app_start $variant applications/iperf3 iperf3 'iperf3 server on port 5201'
	pid=$NETNS_LAST addr=$NET_ADDR log=$NET_LOG
	out=$NETNS_TMP/$variant

	nsx timeout $to iperf3 -c $addr -t $t -J >"$out.1.json" 2>&1
	got=$(field "$out.1.json" 'j["end"]["sum_received"]["bytes"]')
	wait_log "$log" 'test done: received' 10
	said=$(sed -nE 's/.*test done: received ([0-9]+) bytes.*/\1/p' "$log" | head -1)
	[ "${got:-0}" -gt 0 ] 2>/dev/null && [ "$got" = "$said" ]
	ok $? "$variant: iperf3 -t $t: the client prints what the unikernel received ($got; it logged $said)"

	nsx timeout $to iperf3 -c $addr -t $t -R -J >"$out.R.json" 2>&1
	got=$(field "$out.R.json" '"%d %d" % (j["end"]["sum_received"]["bytes"], j["start"]["test_start"]["reverse"])')
	set -- $got
	[ "${1:-0}" -gt 0 ] 2>/dev/null && [ "${2:-}" = 1 ]
	ok $? "$variant: iperf3 -R: the client receives from the unikernel ($1 bytes)"

	if [ $target = hvt ]; then
		for i in $(seq 5); do skip "hvt: parallel, busy and UDP cases run on unix and spt only"; done
		netns_stop $pid
		continue
	fi
	nsx timeout $to iperf3 -c $addr -t $t -P 4 -J >"$out.P.json" 2>&1
	got=$(field "$out.P.json" '",".join(str(s["receiver"]["bytes"] > 0) for s in j["end"]["streams"])')
	is "$got" "True,True,True,True" "$variant: iperf3 -P 4: four streams, each one carried data"

	tests_before=$(grep -c 'test: 1 stream' "$log")
	nsx timeout $to iperf3 -c $addr -t 3 >/dev/null 2>&1 &
	first=$!
	for i in $(seq 200); do
		[ "$(grep -c 'test: 1 stream' "$log")" -gt "$tests_before" ] && break
		sleep 0.05
	done
	busy=$(nsx timeout $to iperf3 -c $addr -t 1 2>&1)
	like "$busy" 'the server is busy running a test' "$variant: a second client meanwhile is told the server is busy"
	wait $first
	ok $? "$variant: and the first client's test completes"

	udp=$(nsx timeout $to iperf3 -c $addr -u -t 1 2>&1)
	like "$udp" 'iperf3: error' "$variant: a UDP test is refused"
	like "$(cat "$log")" 'ERR \[application\] the client asked for a UDP, SCTP or bidirectional test' \
		"$variant: and the unikernel says why"
	netns_stop $pid
done
tap_done
