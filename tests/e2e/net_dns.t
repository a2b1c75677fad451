#!/bin/bash
# dig against examples/applications/dns, in a namespace of the test's own: on the socket stack
# (unix) and on Fata's own stack (unix, spt; hvt with /dev/kvm). An A record, the case of the
# question kept, NXDOMAIN with the zone's SOA, REFUSED outside the zone, FORMERR for a malformed
# query while the server goes on answering, and 200 queries in a row all answered.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/netns.sh"
netns_require dig python3
PER=9
plan $((4 * PER))
netns_setup dns
RECORDS=@=198.18.0.2,www=198.18.0.7,mail.corp=198.18.0.8

cat >"$NETNS_TMP/dnsq.py" <<'PY'
# dnsq.py HOST N: sends a malformed query (a compression pointer as the question's name) and
# prints the response code, then N queries for www.fata.test and prints how many were answered.
import socket, struct, sys
host, n = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
s.sendto(struct.pack(">HHHHHH", 7, 0, 1, 0, 0, 0) + b"\xc0\x0c\0\1\0\1", (host, 53))
try:
    print("rcode %d" % (s.recv(512)[3] & 15))
except socket.timeout:
    print("no answer")
s.sendto(b"\xff" * 5, (host, 53))	# too short to answer: dropped
q = b"\3www\4fata\4test\0\0\1\0\1"
got = 0
for i in range(n):
    s.sendto(struct.pack(">HHHHHH", i, 0x100, 1, 0, 0, 0) + q, (host, 53))
    try:
        r = s.recv(512)
        got += struct.unpack(">H", r[:2])[0] == i and r[7] == 1
    except socket.timeout:
        pass
print("%d of %d answered" % (got, n))
PY

for variant in unix-socket unix-direct spt-direct hvt-direct; do
	target=${variant%-*}
	if [ $target = hvt ] && [ ! -e /dev/kvm ]; then
		for i in $(seq $PER); do skip "hvt: /dev/kvm is missing on this machine"; done
		continue
	fi
	net_app_start $variant applications/dns dns 'serving zone fata.test \(3 records\)' \
		--records=$RECORDS
	pid=$NETNS_LAST addr=$NET_ADDR log=$NET_LOG
	dig="nsx dig @$addr +time=5 +tries=2"

	out=$($dig www.fata.test)
	like "$out" '^www\.fata\.test\.[[:space:]]+300[[:space:]]+IN[[:space:]]+A[[:space:]]+198\.18\.0\.7$' \
		"$variant: dig www.fata.test: A 198.18.0.7, TTL 300"
	like "$out" 'status: NOERROR.*' "$variant: status NOERROR"
	like "$out" '^;; flags: qr aa rd;' "$variant: an authoritative answer"
	out=$($dig nothere.fata.test)
	like "$out" 'status: NXDOMAIN' "$variant: a missing name: NXDOMAIN"
	like "$out" '^fata\.test\.[[:space:]]+300[[:space:]]+IN[[:space:]]+SOA[[:space:]]+ns\.fata\.test\. hostmaster\.fata\.test\. 1 ' \
		"$variant: with the zone's SOA"
	out=$($dig MAIL.Corp.FATA.test example.com)
	like "$out" '^MAIL\.Corp\.FATA\.test\.[[:space:]]+300[[:space:]]+IN[[:space:]]+A[[:space:]]+198\.18\.0\.8$' \
		"$variant: case does not matter, and comes back as asked; so do names of two labels"
	like "$out" 'status: REFUSED' "$variant: outside the zone: REFUSED"
	out=$(nsx timeout 60 python3 "$NETNS_TMP/dnsq.py" $addr 200)
	is "$out" "$(printf 'rcode 1\n200 of 200 answered')" \
		"$variant: a malformed query gets FORMERR, a runt nothing, and 200 queries all answers"
	netns_stop $pid
done
tap_done
