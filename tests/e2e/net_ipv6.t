#!/bin/bash
# IPv6 on the direct stack, in a network namespace of its own (fd98:1800::/64 and link-local
# only, DESIGN.md decision 16): the ping6 example (stackv4v6) on unix answers ping -6 to its
# static and link-local addresses and, meanwhile, ping over IPv4; fragments both ways; extension
# headers from scapy skipped or refused as RFC 8200 says; TCP (nc -6), UDP (socat) and HTTP
# (curl -6) over IPv6 with tcp-echo, udp-echo and http-hello made stackv4v6; SLAAC from radvd
# (on unix, spt and hvt); and DAD refusing an address the host already has.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/netns.sh"
netns_require ping radvd python3 nc socat curl
/usr/bin/python3 -c 'import scapy.all' 2>/dev/null || skip_all "needs python3-scapy (see scripts/install-deps.sh)"
plan 48
netns_setup ipv6
HOST6=fd98:1800::1
UK6=fd98:1800::2
nsx ip -6 addr add $HOST6/64 dev tap0 nodad || skip_all "cannot add $HOST6 to tap0"
# The host's own link-local address must not sit in DAD when we ping from it.
nsx sysctl -qw net.ipv6.conf.tap0.accept_dad=0
host_ll_ready() { # waits (5 s at most) until no address of tap0 is tentative
	local i
	for i in $(seq 50); do
		nsx ip -6 addr show dev tap0 tentative | grep -q inet6 || return 0
		sleep 0.1
	done
	return 1
}

dir=$NETNS_TMP/ping6
copy_example examples/device-usage/ping6 "$dir"
(cd "$dir" && "$FATA" configure -t unix --net=direct >/dev/null && make >/dev/null 2>&1)
ok $? "ping6 (class stackv4v6) builds for unix with the direct stack"

# --- a static address ----------------------------------------------------------------------------
log=$NETNS_TMP/static.log
netns_bg "$log" "$dir/dist/ping6" --ipv4=198.18.0.2/24 --ipv6=$UK6/64 --wait=3 \
	--accept-router-advertisements=false
pid=$NETNS_LAST
wait_log "$log" 'ready: answering' 20
ok $? "ping6 comes up"
ll=$(sed -n 's/.*IPv6 address \(fe80::[0-9a-f:]*\)\/64 preferred.*/\1/p' "$log" | head -1)
like "$ll" '^fe80::[0-9a-f:]*ff:fe' "it logs its link-local address from the MAC ($ll)"
grep -q "IPv6 address $UK6/64 preferred" "$log"
ok $? "it logs --ipv6=$UK6/64 as preferred (DAD passed)"

out=$(nsx ping -6 -c 5 -i 0.2 -W 2 $UK6 2>&1)
like "$out" '5 packets transmitted, 5 received' "ping -6 $UK6: 5 replies"
host_ll_ready || diag "tap0 still has tentative addresses"
out=$(nsx ping -6 -c 3 -i 0.2 -W 2 "$ll%tap0" 2>&1)
like "$out" '3 packets transmitted, 3 received' "ping -6 to the link-local address: 3 replies"
out=$(nsx ping -c 3 -i 0.2 -W 2 198.18.0.2 2>&1)
like "$out" '3 packets transmitted, 3 received' "IPv4 still answers on the same stack"
out=$(nsx ping -6 -c 3 -i 0.2 -s 3000 -W 2 $UK6 2>&1)
like "$out" '3 packets transmitted, 3 received' "ping -6 -s 3000: fragments reassembled, the replies fragmented"
out=$(nsx ip -6 neigh show $UK6 dev tap0 2>&1)
like "$out" 'lladdr' "the host's neighbour discovery resolved the unikernel ($out)"

# Extension headers, built with scapy (RFC 8200 4): what to skip and what to refuse.
scapy_out=$(nsx /usr/bin/python3 - "$UK6" <<'EOF' 2>&1
import sys
import time
from scapy.all import conf, send, AsyncSniffer, IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrRouting, HBHOptUnknown, ICMPv6EchoRequest, Raw
conf.verb = 0
dst = sys.argv[1]
def probe(name, pkt):
    # Sniffed rather than matched by sr1: scapy would expect the answer to a routing header
    # from its last address. Neighbour discovery messages are not answers.
    sn = AsyncSniffer(iface="tap0", filter="icmp6 and src host " + dst,
                      lfilter=lambda p: p.haslayer(IPv6) and p[IPv6].nh == 58 and bytes(p[IPv6].payload)[0] not in (133, 134, 135, 136, 143))
    sn.start()
    time.sleep(0.3)
    send(pkt, iface="tap0")
    time.sleep(1)
    got = sn.stop()
    if not got:
        print(name, "none")
    else:
        b = bytes(got[0][IPv6].payload)
        print(name, b[0], b[1], int.from_bytes(b[4:8], "big"))
probe("skip", IPv6(dst=dst)/IPv6ExtHdrDestOpt(options=[HBHOptUnknown(otype=0x1e, optdata=b"ab")])/ICMPv6EchoRequest(id=1, seq=1))
probe("report", IPv6(dst=dst)/IPv6ExtHdrDestOpt(options=[HBHOptUnknown(otype=0x9e, optdata=b"ab")])/ICMPv6EchoRequest(id=1, seq=2))
probe("routing", IPv6(dst=dst)/IPv6ExtHdrRouting(type=4, segleft=1, addresses=["fd98:1800::9"])/ICMPv6EchoRequest(id=1, seq=3))
probe("nexthdr", IPv6(dst=dst, nh=253)/Raw(b"\0" * 8))
EOF
)
like "$scapy_out" 'skip 129 ' "an unknown option of type 00xxxxxx is skipped: echo answered"
like "$scapy_out" 'report 4 2 42' "type 10xxxxxx: parameter problem code 2 pointing at the option"
like "$scapy_out" 'routing 4 0 42' "a routing header with segments left: parameter problem code 0 at its type"
like "$scapy_out" 'nexthdr 4 1 6' "an unknown next header: parameter problem code 1 pointing at it"
netns_stop $pid

# --- TCP, UDP and HTTP over IPv6: tcp-echo, udp-echo and http-hello as class stackv4v6 --------------
# (the examples ship as stackv4; their code takes peers of either family)
dual_build() { # dual_build EXAMPLE DIR: copies it, makes its stack dual, builds for unix direct
	copy_example "examples/$1" "$2"
	sed -i 's/^class = stackv4$/class = stackv4v6/' "$2/config.ini"
	(cd "$2" && "$FATA" configure -t unix --net=direct >/dev/null && make >/dev/null 2>&1)
}
for ex in device-usage/tcp-echo device-usage/udp-echo applications/http-hello; do
	name=${ex#*/}
	dual_build $ex "$NETNS_TMP/$name"
	ok $? "$name builds as stackv4v6"
done
netns_bg "$NETNS_TMP/tcp-echo.log" "$NETNS_TMP/tcp-echo/dist/tcp-echo" --ipv4=198.18.0.2/24 \
	--ipv6=$UK6/64 --accept-router-advertisements=false -l "*:debug"
pid=$NETNS_LAST
wait_log "$NETNS_TMP/tcp-echo.log" 'echo on' 20
out=$(printf 'hello over IPv6' | nsx nc -6 -N -w 3 $UK6 7 2>&1)
is "$out" "hello over IPv6" "nc -6: TCP echo over IPv6"
head -c 200000 /dev/urandom >"$NETNS_TMP/big6.in"
nsx nc -6 -N -w 5 $UK6 7 <"$NETNS_TMP/big6.in" >"$NETNS_TMP/big6.out" 2>&1
cmp -s "$NETNS_TMP/big6.in" "$NETNS_TMP/big6.out"
ok $? "200 KB of random bytes echoed over IPv6 unchanged"
out=$(printf 'and IPv4' | nsx nc -N -w 3 198.18.0.2 7 2>&1)
is "$out" "and IPv4" "the same listener over IPv4"
like "$(cat "$NETNS_TMP/tcp-echo.log")" "new tcp connection from IP $HOST6 on port" "the peer is logged with its IPv6 address"
out=$(nsx nc -6 -z -w 2 $UK6 4321 2>&1; echo "rc=$?")
like "$out" 'rc=1' "a closed port over IPv6: refused (RST)"
netns_stop $pid

netns_bg "$NETNS_TMP/udp-echo.log" "$NETNS_TMP/udp-echo/dist/udp-echo" --ipv4=198.18.0.2/24 \
	--ipv6=$UK6/64 --accept-router-advertisements=false
pid=$NETNS_LAST
wait_log "$NETNS_TMP/udp-echo.log" 'echoing UDP' 20
out=$(printf 'udp over IPv6' | nsx socat -t 2 - "UDP6:[$UK6]:7" 2>&1)
is "$out" "udp over IPv6" "socat UDP6: UDP echo over IPv6"
head -c 4000 /dev/urandom >"$NETNS_TMP/u6.in"
nsx socat -t 2 - "UDP6:[$UK6]:7" <"$NETNS_TMP/u6.in" >"$NETNS_TMP/u6.out"
cmp -s "$NETNS_TMP/u6.in" "$NETNS_TMP/u6.out"
ok $? "a 4000-byte datagram (fragments both ways) echoed over IPv6"
netns_stop $pid

netns_bg "$NETNS_TMP/http.log" "$NETNS_TMP/http-hello/dist/http-hello" --ipv4=198.18.0.2/24 \
	--ipv6=$UK6/64 --accept-router-advertisements=false
pid=$NETNS_LAST
wait_log "$NETNS_TMP/http.log" 'serving HTTP' 20
out=$(nsx curl -6 -sS -m 5 "http://[$UK6]:8080/" 2>&1)
like "$out" 'Hello from Fata!' "curl -6: HTTP over IPv6"
out=$(nsx curl -sS -m 5 "http://198.18.0.2:8080/" 2>&1)
like "$out" 'Hello from Fata!' "curl over IPv4 at the same time"
netns_stop $pid

# The socket stack (unix, host sockets) as stackv4v6: one listener for both families.
copy_example examples/device-usage/tcp-echo "$NETNS_TMP/tcp-echo-socket"
sed -i 's/^class = stackv4$/class = stackv4v6/' "$NETNS_TMP/tcp-echo-socket/config.ini"
(cd "$NETNS_TMP/tcp-echo-socket" && "$FATA" configure -t unix --net=socket >/dev/null &&
	make >/dev/null 2>&1)
ok $? "tcp-echo builds as stackv4v6 on the socket stack"
netns_bg "$NETNS_TMP/tcp-echo-socket.log" "$NETNS_TMP/tcp-echo-socket/dist/tcp-echo" -l "*:debug"
pid=$NETNS_LAST
wait_log "$NETNS_TMP/tcp-echo-socket.log" 'echo on' 20
out=$(printf 'six' | nsx nc -6 -N -w 3 ::1 7 2>&1; printf ' '; printf 'four' | nsx nc -N -w 3 127.0.0.1 7 2>&1)
is "$out" "six four" "socket stack: the same listener answers nc -6 ::1 and nc 127.0.0.1"
like "$(cat "$NETNS_TMP/tcp-echo-socket.log")" 'connection from IP ::1 on port' "and logs the IPv6 peer as ::1"
netns_stop $pid

# --- SLAAC from radvd ------------------------------------------------------------------------------
cat >"$NETNS_TMP/radvd.conf" <<EOF
interface tap0 {
	AdvSendAdvert on;
	MinRtrAdvInterval 3;
	MaxRtrAdvInterval 4;
	AdvLinkMTU 1400;
	prefix fd98:1800::/64 { AdvOnLink on; AdvAutonomous on; };
};
EOF
# radvd insists on forwarding: inside the test's namespace only.
nsx sysctl -qw net.ipv6.conf.all.forwarding=1
slaac_run() { # slaac_run NAME CMD...: runs CMD with radvd beside it; sets SLAAC (the address)
	local name=$1 rpid
	shift
	log=$NETNS_TMP/$name.log
	netns_bg "$log" "$@"
	pid=$NETNS_LAST
	wait_log "$log" 'Connected Ethernet interface' 20
	netns_bg "$NETNS_TMP/radvd-$name.log" radvd -n -m stderr -C "$NETNS_TMP/radvd.conf" \
		-p "$NETNS_TMP/radvd-$name.pid"
	rpid=$NETNS_LAST
	wait_log "$log" 'ready: answering' 40
	ok $? "$name: ping6 comes up with radvd on the link"
	SLAAC=$(sed -n 's/.*IPv6 address \(fd98:1800::[0-9a-f:]*\)\/64 preferred (SLAAC).*/\1/p' "$log" | head -1)
	like "$SLAAC" '^fd98:1800::[0-9a-f:]*ff:fe' "$name: SLAAC address from radvd's prefix ($SLAAC)"
	like "$(cat "$log")" 'IPv6 router fe80::[0-9a-f:]*, MTU 1400' "$name: default router and MTU from the advertisement"
	out=$(nsx ping -6 -c 3 -i 0.2 -W 2 "$SLAAC" 2>&1)
	like "$out" '3 packets transmitted, 3 received' "$name: ping -6 to the SLAAC address"
	out=$(nsx ping -c 3 -i 0.2 -W 2 198.18.0.2 2>&1)
	like "$out" '3 packets transmitted, 3 received' "$name: and ping over IPv4 meanwhile"
	netns_stop $rpid
	netns_stop $pid
}
slaac_run unix-slaac "$dir/dist/ping6" --ipv4=198.18.0.2/24 --wait=20
# The same on the Solo5 targets (hvt only with /dev/kvm: its guests are slow here).
for target in spt hvt; do
	tender=$FATA_ROOT/bin/fata-$target
	if [ ! -x "$tender" ] || { [ $target = hvt ] && [ ! -e /dev/kvm ]; }; then
		for i in 1 2 3 4 5 6; do skip "$target: no bin/fata-$target or no /dev/kvm"; done
		continue
	fi
	tdir=$NETNS_TMP/ping6-$target
	copy_example examples/device-usage/ping6 "$tdir"
	(cd "$tdir" && "$FATA" configure -t $target >/dev/null && make >/dev/null 2>&1)
	ok $? "$target: ping6 builds"
	nsx ip neigh flush dev tap0
	slaac_run $target-slaac "$tender" -q --net:service=tap0 -- "$tdir/dist/ping6.$target" \
		--ipv4=198.18.0.2/24 --wait=30
done

# --- DAD: the host already has fd98:1800::1 -----------------------------------------------------------
log=$NETNS_TMP/dad.log
netns_bg "$log" "$dir/dist/ping6" --ipv4=198.18.0.2/24 --ipv6=$HOST6/64 --wait=1 \
	--accept-router-advertisements=false
pid=$NETNS_LAST
wait_log "$log" 'ready: answering' 20
ll=$(sed -n 's/.*IPv6 address \(fe80::[0-9a-f:]*\)\/64 preferred.*/\1/p' "$log" | head -1)
like "$(cat "$log")" "duplicate address detected: $HOST6 is in use" "DAD: the host's address is refused"
like "$(cat "$log")" "IPv6 address $HOST6/64 duplicate" "and shown as duplicate, not used"
host_ll_ready || diag "tap0 still has tentative addresses"
out=$(nsx ping -6 -c 2 -i 0.2 -W 1 "$ll%tap0" 2>&1)
like "$out" '2 received' "the link-local address still works"
netns_stop $pid
