#!/bin/bash
# The net device's MTU is the tap's, on unix, spt and hvt (when /dev/kvm exists): tcp-echo on the
# direct stack, in a network namespace of its own. With tap0 at MTU 9000, `ping -s 8000 -M do` is
# answered with unfragmented replies, the unikernel's SYN-ACK offers MSS 8960 and its echo sends
# TCP segments larger than 1500 bytes; with tap0 at MTU 1280 it offers MSS 1240 and fragments its
# replies to larger pings within 1280 bytes. tcpdump in the namespace is the evidence. hvt moves
# 30 kB instead of 100 kB: guest code may be emulated.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/netns.sh"
netns_require ping python3 tcpdump nc
PER_TARGET=12
plan $((3 * PER_TARGET + 2))
netns_setup mtu
UK=198.18.0.2
TOOL=$NETNS_TMP/echo.py

cat >"$TOOL" <<'EOF'
# echo HOST PORT BYTES: sends BYTES random bytes and checks they come back the same.
import random, socket, sys, threading
host, port, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
data = random.Random(size).randbytes(size)
s = socket.create_connection((host, port), timeout=60)
def writer():
    s.sendall(data)
    s.shutdown(socket.SHUT_WR)
th = threading.Thread(target=writer)
th.start()
got = bytearray()
while True:
    b = s.recv(1 << 16)
    if not b:
        break
    got += b
th.join()
print("ok" if bytes(got) == data else "MISMATCH: %d bytes back, %d sent" % (len(got), len(data)))
EOF

# capture FILE: starts tcpdump on tap0 writing FILE; its PID is CAP.
capture() {
	netns_bg "$1.err" tcpdump -Z root -U --immediate-mode -ni tap0 -w "$1" "icmp or tcp port 7"
	CAP=$NETNS_LAST
	wait_log "$1.err" 'listening on' 10 || diag "tcpdump did not start: $(cat "$1.err")"
}

# count FILE FILTER: how many captured packets match FILTER.
count() { tcpdump -nr "$1" "$2" 2>/dev/null | wc -l; }

# synack_mss FILE: the MSS option of the unikernel's SYN-ACK.
synack_mss() {
	tcpdump -nr "$1" "src host $UK and tcp[tcpflags] & (tcp-syn|tcp-ack) == (tcp-syn|tcp-ack)" \
		2>/dev/null | sed -nE 's/.*options \[mss ([0-9]+).*/\1/p' | head -1
}

# start_uk TARGET BINARY LOG: starts the unikernel on tap0; its PID is NETNS_LAST.
start_uk() {
	if [ "$1" = unix ]; then
		netns_bg "$3" "$2" --ipv4=$UK/24 -l netif:debug
	else
		netns_bg "$3" "$FATA_ROOT/bin/fata-$1" --net:service=tap0 -- "$2" --ipv4=$UK/24
	fi
}

for target in unix spt hvt; do
	if [ "$target" != unix ] && [ ! -x "$FATA_ROOT/bin/fata-$target" ]; then
		for i in $(seq $PER_TARGET); do skip "$target: bin/fata-$target is not built"; done
		continue
	fi
	if [ "$target" = hvt ] && [ ! -e /dev/kvm ]; then
		for i in $(seq $PER_TARGET); do skip "hvt: /dev/kvm is missing on this machine"; done
		continue
	fi
	ext=; [ "$target" = unix ] || ext=.$target
	bytes=100000
	[ "$target" = hvt ] && bytes=30000
	dir=$NETNS_TMP/echo-$target
	copy_example examples/device-usage/tcp-echo "$dir"
	(cd "$dir" && "$FATA" configure -t $target --net=direct && make --no-print-directory) \
		>"$dir.log" 2>&1
	ok $? "$target: tcp-echo builds"

	# MTU 9000.
	nsx ip link set tap0 mtu 9000
	nsx ip neigh flush dev tap0
	log=$NETNS_TMP/$target-9000.out
	start_uk $target "$dir/dist/tcp-echo$ext" "$log"
	pid=$NETNS_LAST
	wait_log "$log" 'echo on 198' 60
	ok $? "$target: tcp-echo comes up on a tap with MTU 9000"
	if [ "$target" != unix ]; then
		like "$(cat "$log")" "net service: tap0, mac [0-9a-f:]{17}, mtu 9000, offloads$" \
			"$target: the tender's banner shows MTU 9000"
	else
		like "$(cat "$log")" "DBG \[netif\] tap0: mtu 9000," "unix: the stack takes MTU 9000"
	fi
	pcap=$NETNS_TMP/$target-9000.pcap
	capture "$pcap"
	out=$(nsx ping -c 3 -i 0.3 -W 5 -s 8000 -M do $UK 2>&1)
	like "$out" '3 packets transmitted, 3 received' \
		"$target: ping -s 8000 -M do through MTU 9000: answered"
	out=$(nsx timeout 120 python3 "$TOOL" $UK 7 $bytes 2>&1)
	is "$out" ok "$target: $((bytes / 1000)) kB echoed byte for byte"
	sleep 0.3
	netns_stop $CAP
	replies=$(count "$pcap" "src host $UK and icmp[icmptype] == icmp-echoreply and greater 8042")
	frags=$(count "$pcap" "src host $UK and ip[6:2] & 0x3fff != 0")
	[ "$replies" -ge 3 ] && [ "$frags" -eq 0 ]
	ok $? "$target: the replies are single 8042-byte frames ($replies such, $frags fragments)"
	mss=$(synack_mss "$pcap")
	is "$mss" 8960 "$target: the unikernel's SYN-ACK offers MSS 8960"
	big=$(count "$pcap" "src host $UK and tcp and greater 1515")
	[ "$big" -ge 1 ]
	ok $? "$target: it sends TCP segments over 1500 bytes ($big frames over 1514 bytes)"
	netns_stop $pid

	# MTU 1280.
	nsx ip link set tap0 mtu 1280
	nsx ip neigh flush dev tap0
	log=$NETNS_TMP/$target-1280.out
	start_uk $target "$dir/dist/tcp-echo$ext" "$log"
	pid=$NETNS_LAST
	wait_log "$log" 'echo on 198' 60
	pcap=$NETNS_TMP/$target-1280.pcap
	capture "$pcap"
	out=$(echo -n small world | nsx nc -nw2 $UK 7)
	is "$out" "small world" "$target: MTU 1280: nc gets its bytes back"
	mss=$(synack_mss "$pcap")
	out=$(nsx ping -c 2 -i 0.3 -W 5 -s 3000 $UK 2>&1)
	sleep 0.3
	netns_stop $CAP
	is "$mss" 1240 "$target: MTU 1280: the SYN-ACK offers MSS 1240"
	frags=$(count "$pcap" "src host $UK and icmp and ip[6:2] & 0x3fff != 0")
	over=$(count "$pcap" "src host $UK and greater 1295")
	[ "$frags" -ge 4 ] && [ "$over" -eq 0 ] &&
		[[ "$out" == *"2 packets transmitted, 2 received"* ]]
	ok $? "$target: MTU 1280: ping -s 3000 answered in fragments within 1280 bytes ($frags fragments, $over frames over 1294 bytes)"
	unlike "$(cat "$log" "$NETNS_TMP/$target-9000.out")" 'fatal|ERR ' "$target: no error in the logs"
	netns_stop $pid
done

# A tap handed over as a descriptor by a process in another network namespace: its MTU cannot be
# read there, so the guest gets 1500 and the tender says so in one line, unless -q.
nsx ip link set tap0 mtu 9000
spt=$NETNS_TMP/echo-spt/dist/tcp-echo.spt
if [ -x "$FATA_ROOT/bin/fata-spt" ] && [ -f "$spt" ]; then
	for q in "" -q; do
		log=$NETNS_TMP/fd$q.out
		netns_bg "$log" python3 "$FATA_ROOT/tests/lib/tapfd.py" tap0 unshare -n \
			"$FATA_ROOT/bin/fata-spt" $q --net:service=@3 -- "$spt" --ipv4=$UK/24
		wait_log "$log" 'echo on 198' 30
		up=$?
		notes=$(grep -c "^fata-spt: --net:service=@3: cannot read the MTU of tap 'tap0' (it is in another network namespace); the guest gets MTU 1500$" "$log")
		if [ -z "$q" ]; then
			grep -Eq 'net service: @3, mac [0-9a-f:]{17}, mtu 1500$' "$log" &&
				[ "$up" = 0 ] && [ "$notes" = 1 ]
			ok $? "spt: a tap from another namespace: one note, MTU 1500, and the guest runs"
		else
			[ "$up" = 0 ] && [ "$(grep -c . "$log")" -gt 0 ] && [ "$notes" = 0 ]
			ok $? "spt: -q: the guest runs and no note is printed"
		fi
		[ "$up" = 0 ] || diag "$(cat "$log")"
		netns_stop $NETNS_LAST
	done
else
	skip "spt: fata-spt or tcp-echo.spt is not built"
	skip "spt: fata-spt or tcp-echo.spt is not built"
fi
nsx ip link set tap0 mtu 1500
tap_done
