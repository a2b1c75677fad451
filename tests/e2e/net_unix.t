#!/bin/bash
# The direct stack on unix with a static address, in a network namespace of its own: the
# tutorial's log lines, arping, 100 pings, a ping larger than the MTU, UDP echo with nc and socat,
# port unreachable, and hostile frames from a raw socket that must be dropped and counted.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/netns.sh"
netns_require ping arping socat nc python3 tcpdump
plan 29
netns_setup unix
UK=198.18.0.2
dir=$NETNS_TMP/echo
log=$NETNS_TMP/echo.out

net_build "$dir" unix false
ok $? "udp-echo builds for unix"
[ -x "$dir/dist/udp-echo" ] || { cat "$dir.log" | sed 's/^/# /'; exit 1; }
netns_bg "$log" "$dir/dist/udp-echo" --ipv4=$UK/24 -l "*:debug"
pid=$NETNS_LAST
wait_log "$log" 'stack assembled' 10
ok $? "the stack comes up"
net_check_connect_lines "$log" $UK tap0
like "$NET_MAC" '^.[26ae]:' "the MAC ($NET_MAC) is locally administered"

out=$(nsx arping -c 3 -w 5 -I tap0 $UK 2>&1)
ok $? "arping gets answers"
like "$(printf '%s\n' "$out" | tr 'A-F' 'a-f')" "reply from $UK \[$NET_MAC\]" "arping resolves the unikernel's MAC"

out=$(nsx ping -c 100 -i 0.01 -W 2 $UK 2>&1)
like "$out" '100 packets transmitted, 100 received' "ping -c 100 -i 0.01: 100 replies"

netns_bg "$NETNS_TMP/tcpdump.err" tcpdump -Z root -U --immediate-mode -ni tap0 -w "$NETNS_TMP/big.pcap" "src host $UK"
tcpd=$NETNS_LAST
wait_log "$NETNS_TMP/tcpdump.err" 'listening on' 10
out=$(nsx ping -c 3 -i 0.2 -s 3000 -W 2 $UK 2>&1)
like "$out" '3 packets transmitted, 3 received' "ping -s 3000 (larger than the MTU): answered"
sleep 0.5
netns_stop $tcpd
frags=$(tcpdump -nvr "$NETNS_TMP/big.pcap" 2>/dev/null | grep -c 'offset 0, flags \[+\]')
[ "$frags" -ge 3 ]
ok $? "the replies leave in fragments ($frags first fragments seen by tcpdump)"
like "$(grep -c 'DBG \[ipv4\] dropped' "$log")" '^0$' "no IPv4 drops so far"

out=$( (printf 'hello fata'; sleep 1) | nsx nc -u -w 1 $UK 7)
is "$out" "hello fata" "nc -u: the echo returns the same bytes"
out=$(printf 'hello socat' | nsx socat -t 2 - UDP:$UK:7)
is "$out" "hello socat" "socat: the echo returns the same bytes"
head -c 4000 /dev/urandom >"$NETNS_TMP/big.in"
nsx socat -t 2 - UDP:$UK:7 <"$NETNS_TMP/big.in" >"$NETNS_TMP/big.out"
cmp -s "$NETNS_TMP/big.in" "$NETNS_TMP/big.out"
ok $? "4000 random bytes (fragmented both ways) come back the same"

out=$(nsx python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
s.connect(("'$UK'", 9))
s.send(b"anyone?")
try:
    s.recv(100)
    print("answered")
except ConnectionRefusedError:
    print("refused")
except socket.timeout:
    print("timeout")
')
is "$out" "refused" "UDP to a closed port: ICMP port unreachable (the kernel reports refused)"

# Hostile frames from a raw socket: truncated, oversized, bad checksums, garbage.
nsx ip link set tap0 mtu 9000
nsx python3 - "$NET_MAC" <<'EOF'
import os, random, socket, struct, sys
mac = bytes.fromhex(sys.argv[1].replace(":", ""))
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("tap0", 0))
me = s.getsockname()[4]
src, dst = socket.inet_aton("198.18.0.1"), socket.inet_aton("198.18.0.2")
def csum(b):
    if len(b) % 2: b += b"\0"
    t = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while t >> 16: t = (t & 0xffff) + (t >> 16)
    return ~t & 0xffff
def ip(proto, payload, total=None, bad=False):
    h = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, total or 20 + len(payload), 7, 0, 64, proto, 0, src, dst))
    h[10:12] = struct.pack("!H", csum(bytes(h)) ^ (0x5555 if bad else 0))
    return bytes(h) + payload
def eth(p): return mac + me + b"\x08\x00" + p
def icmp(bad=False):
    m = bytearray(b"\x08\x00\x00\x00\x00\x01\x00\x01" + b"x" * 32)
    m[2:4] = struct.pack("!H", csum(bytes(m)) ^ (0x1111 if bad else 0))
    return bytes(m)
def udp(bad=False):
    u = bytearray(struct.pack("!HHHH", 5555, 7, 13, 0) + b"hello")
    ph = src + dst + struct.pack("!BBH", 0, 17, 13)
    u[6:8] = struct.pack("!H", (csum(ph + bytes(u)) or 0xffff) ^ (0x2222 if bad else 0))
    return bytes(u)
s.send(eth(ip(1, icmp())[:30]))                  # truncated: header says 68 bytes
s.send(eth(ip(1, icmp())[:12]))                  # shorter than a header
s.send(eth(ip(1, icmp()) + b"z" * 3000))         # oversized frame
s.send(eth(ip(1, icmp(), bad=True)))             # bad header checksum
s.send(eth(ip(1, icmp(bad=True))))               # bad ICMP checksum
s.send(eth(ip(17, udp(bad=True))))               # bad UDP checksum
b = bytearray(eth(ip(1, icmp()))); b[14] = 0x65  # version 6
s.send(bytes(b))
random.seed(1)
for i in range(300):                             # garbage
    t = random.choice([b"\x08\x00", b"\x08\x06", os.urandom(2)])
    s.send(mac + me + t + os.urandom(random.randint(0, 1400)))
EOF
ok $? "hostile frames sent from a raw socket"
nsx ip link set tap0 mtu 1500
sleep 0.5
kill -0 $pid 2>/dev/null
ok $? "the unikernel is still running"
drops=$(grep -E 'DBG \[[a-z0-9]+\] dropped: ' "$log")
like "$drops" 'DBG \[ipv4\] dropped: total length [0-9]+, header 20, received 30 \([0-9]+ so far\)' \
	"truncated datagram dropped and counted"
like "$drops" 'DBG \[ipv4\] dropped: packet of 12 bytes \([0-9]+ so far\)' "short packet dropped and counted"
like "$drops" 'DBG \[ethif\] dropped: frame of [0-9]+ bytes over mtu 1500 \([0-9]+ so far\)' \
	"oversized frame dropped and counted"
like "$drops" 'DBG \[ipv4\] dropped: bad header checksum \([0-9]+ so far\)' "bad IP checksum dropped and counted"
like "$drops" 'DBG \[icmp\] dropped: bad checksum \([0-9]+ so far\)' "bad ICMP checksum dropped and counted"
like "$drops" 'DBG \[udp\] dropped: bad checksum \([0-9]+ so far\)' "bad UDP checksum dropped and counted"
like "$drops" 'DBG \[ipv4\] dropped: version 6 \([0-9]+ so far\)' "wrong IP version dropped and counted"
out=$(nsx ping -c 5 -i 0.05 -W 2 $UK 2>&1)
like "$out" '5 packets transmitted, 5 received' "and it still answers ping"
unlike "$(cat "$log")" 'fatal|ERR ' "no error or fatal message in its log"
tap_done
