#!/bin/bash
# The stub resolver (examples/applications/dns-resolve) against dnsmasq in a network namespace:
# A records, a two-link CNAME chain to A and AAAA records, NXDOMAIN, NODATA, a silent first server
# (the resolver moves on to the next), no server at all (it gives up at its deadline), a new
# random ID and source port for every query, and the DNS server learnt from a DHCP lease; then
# unbound serving a local zone (A, CNAME to A and AAAA, NXDOMAIN). On unix with the direct stack
# and with the socket stack, then once on spt and hvt.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/netns.sh"
netns_require dnsmasq tcpdump unbound
plan 23
netns_setup dnsres
UK=198.18.0.2
SILENT=198.18.0.3
nsx ip addr add $SILENT/24 dev tap0

dlog=$NETNS_TMP/dnsmasq.out
netns_bg "$dlog" dnsmasq --no-daemon --conf-file=/dev/null --user=root --no-resolv \
	--listen-address=$NETNS_HOST --bind-interfaces --port=53 --local=/fata.test/ \
	--address=/www.fata.test/198.18.0.80 --host-record=host.fata.test,198.18.0.81,2001:db8::81 \
	--host-record=v4only.fata.test,198.18.0.82 \
	--cname=alias.fata.test,host.fata.test --cname=alias2.fata.test,alias.fata.test \
	--dhcp-range=198.18.0.50,198.18.0.60,255.255.255.0,2m \
	--dhcp-option=option:dns-server,$NETNS_HOST --dhcp-leasefile="$NETNS_TMP/leases" \
	--pid-file="$NETNS_TMP/dnsmasq.pid" --log-queries --log-facility=-
wait_log "$dlog" 'started' 10
ok $? "dnsmasq answers for fata.test on $NETNS_HOST"

# build DIR TARGET NET DHCP
build() {
	copy_example examples/applications/dns-resolve "$1"
	(cd "$1" && "$FATA" configure -t "$2" --net="$3" --dhcp="$4" && make --no-print-directory) \
		>"$1.log" 2>&1
}
# resolve OUT TARGET BINARY ARGS...: runs dns-resolve in the namespace; status in st.
resolve() {
	local out=$1 target=$2 bin=$3
	shift 3
	case $target in
	unix) nsx timeout 60 "$bin" "$@" >"$out" 2>&1 ;;
	*) nsx timeout 120 "$FATA_ROOT/bin/fata-$target" --net:service=tap0 -- "$bin" "$@" >"$out" 2>&1 ;;
	esac
	st=$?
}

d=$NETNS_TMP/direct
build "$d" unix direct false
ok $? "dns-resolve builds for unix with the direct stack"
R=("$d/dist/dns-resolve" --ipv4=$UK/24)

netns_bg "$NETNS_TMP/tcpdump.err" tcpdump -Z root -U -l -ni tap0 "udp dst port 53 and src host $UK"
tcpd=$NETNS_LAST
wait_log "$NETNS_TMP/tcpdump.err" 'listening on' 10

resolve "$NETNS_TMP/a.out" unix "${R[@]}" --dns-server=$NETNS_HOST --type=A
is "$st" 0 "A of www.fata.test: exit 0"
like "$(cat "$NETNS_TMP/a.out")" 'INF \[application\] www\.fata\.test has IPv4 address 198\.18\.0\.80 \(TTL [0-9]+ s\)$' \
	"it prints the A record dnsmasq serves"
like "$(cat "$dlog")" "query\[A\] www\.fata\.test from $UK" "dnsmasq saw the query from $UK"

resolve "$NETNS_TMP/chain.out" unix "${R[@]}" --dns-server=$NETNS_HOST --domain-name=alias2.fata.test
out=$(cat "$NETNS_TMP/chain.out")
is "$st" 0 "alias2.fata.test, both types: exit 0"
like "$out" 'alias2\.fata\.test is an alias of host\.fata\.test \(2 CNAMEs\)' "the CNAME chain alias2 -> alias -> host is followed"
like "$out" 'alias2\.fata\.test has IPv4 address 198\.18\.0\.81 ' "to host's A record"
like "$out" 'alias2\.fata\.test has IPv6 address 2001:db8::81 ' "and its AAAA record"

resolve "$NETNS_TMP/nx.out" unix "${R[@]}" --dns-server=$NETNS_HOST --domain-name=nothere.fata.test
is "$st/$(grep -c 'nothere.fata.test: no such name (NXDOMAIN)' "$NETNS_TMP/nx.out")" 2/1 "a name that does not exist: NXDOMAIN, exit 2"
resolve "$NETNS_TMP/nodata.out" unix "${R[@]}" --dns-server=$NETNS_HOST --type=AAAA --domain-name=v4only.fata.test
is "$st/$(grep -c 'v4only.fata.test: no IPv6 address' "$NETNS_TMP/nodata.out")" 1/1 "no AAAA record: said so, exit 1"

t0=$(date +%s%N)
resolve "$NETNS_TMP/retry.out" unix "${R[@]}" --dns-server=$SILENT,$NETNS_HOST --type=A --try-ms=500
t1=$(date +%s%N)
[ "$st" = 0 ] && grep -q 'has IPv4 address 198.18.0.80' "$NETNS_TMP/retry.out" && [ $(((t1 - t0) / 1000000)) -ge 500 ]
ok $? "a silent first server: after 500 ms the second is asked and answers ($(((t1 - t0) / 1000000)) ms)"
t0=$(date +%s%N)
resolve "$NETNS_TMP/none.out" unix "${R[@]}" --dns-server=$SILENT --type=A --try-ms=300 --timeout-ms=1500
t1=$(date +%s%N)
ms=$(((t1 - t0) / 1000000))
[ "$st" = 1 ] && grep -q 'lookup failed: Connection timed out\|lookup failed: Timer expired\|timed out' "$NETNS_TMP/none.out" &&
	[ $ms -ge 1400 ] && [ $ms -lt 10000 ]
ok $? "no server answers: it gives up at its 1.5 s deadline ($ms ms, status $st: $(grep -o 'lookup failed.*' "$NETNS_TMP/none.out"))"

sleep 0.3
netns_stop $tcpd
q=$(sed -nE "s/.* $UK\.([0-9]+) > [0-9.]+\.53: ([0-9]+)\+.*/\1 \2/p" "$NETNS_TMP/tcpdump.err")
n=$(wc -l <<<"$q")
ports=$(cut -d' ' -f1 <<<"$q" | sort -u | wc -l)
ids=$(cut -d' ' -f2 <<<"$q" | sort -u | wc -l)
# Random 14-bit ports and 16-bit IDs: one chance collision in a dozen is possible (~0.4 %), two
# are not; a counter or a fixed port would fail at once.
[ "$n" -ge 8 ] && [ "$ports" -ge $((n - 1)) ] && [ "$ids" -ge $((n - 1)) ]
ok $? "every query has its own source port and ID ($n queries, $ports ports, $ids IDs)"

# The DNS server from the DHCP lease.
dd=$NETNS_TMP/dhcp
build "$dd" unix direct true
resolve "$NETNS_TMP/dhcp.out" unix "$dd/dist/dns-resolve" --type=A
out=$(cat "$NETNS_TMP/dhcp.out")
[ "$st" = 0 ] && grep -q "using the DNS server of the DHCP lease, $NETNS_HOST" <<<"$out" &&
	grep -q 'has IPv4 address 198.18.0.80' <<<"$out"
ok $? "with --dhcp=true the resolver asks the DNS server of the lease (status $st)"

# The socket stack: the same code on the host's sockets.
s=$NETNS_TMP/socket
build "$s" unix socket false
resolve "$NETNS_TMP/socket.out" unix "$s/dist/dns-resolve" --dns-server=$NETNS_HOST --domain-name=alias.fata.test
[ "$st" = 0 ] && grep -q 'alias.fata.test has IPv6 address 2001:db8::81' "$NETNS_TMP/socket.out"
ok $? "the socket stack resolves alias.fata.test too (status $st)"

# unbound (Debian's) as a second server: started in the namespace on its own address with a
# configuration of the test's own (no daemon, no chroot, no root user switch, files in the scratch
# folder, iterator only so no trust anchor is needed), answering a static local zone. It never
# needs the outside network: every name asked lies inside the zone.
UNB=198.18.0.4
nsx ip addr add $UNB/24 dev tap0
cat >"$NETNS_TMP/unbound.conf" <<EOF
server:
	interface: $UNB
	port: 53
	do-ip6: no
	access-control: 198.18.0.0/24 allow
	username: ""
	chroot: ""
	directory: "$NETNS_TMP"
	pidfile: "$NETNS_TMP/unbound.pid"
	use-syslog: no
	logfile: ""
	log-queries: yes
	verbosity: 1
	do-daemonize: no
	module-config: "iterator"
	local-zone: "fata.test." static
	local-data: "www.fata.test. 300 IN A 198.18.0.90"
	local-data: "host.fata.test. 300 IN A 198.18.0.91"
	local-data: "host.fata.test. 300 IN AAAA 2001:db8::91"
	local-data: "alias.fata.test. 300 IN CNAME host.fata.test."
EOF
netns_bg "$NETNS_TMP/unbound.out" unbound -d -c "$NETNS_TMP/unbound.conf"
UNBOUND=$NETNS_LAST
wait_log "$NETNS_TMP/unbound.out" 'start of service' 10
ok $? "unbound answers for fata.test on $UNB (pid $UNBOUND)" || cat "$NETNS_TMP/unbound.out" >&2
resolve "$NETNS_TMP/ua.out" unix "${R[@]}" --dns-server=$UNB --type=A
[ "$st" = 0 ] && grep -q 'INF \[application\] www\.fata\.test has IPv4 address 198\.18\.0\.90 (TTL [0-9]* s)$' "$NETNS_TMP/ua.out"
ok $? "unbound: it prints the A record unbound serves (status $st)"
like "$(cat "$NETNS_TMP/unbound.out")" "info: $UK www\.fata\.test\. A IN" "unbound saw the query from $UK"
resolve "$NETNS_TMP/uc.out" unix "${R[@]}" --dns-server=$UNB --domain-name=alias.fata.test
out=$(cat "$NETNS_TMP/uc.out")
[ "$st" = 0 ] && grep -q 'alias\.fata\.test is an alias of host\.fata\.test (1 CNAME)' <<<"$out" &&
	grep -q 'alias\.fata\.test has IPv4 address 198\.18\.0\.91 ' <<<"$out" &&
	grep -q 'alias\.fata\.test has IPv6 address 2001:db8::91 ' <<<"$out"
ok $? "unbound: a CNAME to host's A and AAAA records (status $st)"
resolve "$NETNS_TMP/unx.out" unix "${R[@]}" --dns-server=$UNB --domain-name=nothere.fata.test
is "$st/$(grep -c 'nothere.fata.test: no such name (NXDOMAIN)' "$NETNS_TMP/unx.out")" 2/1 "unbound: NXDOMAIN, exit 2"
netns_stop $UNBOUND

for target in spt hvt; do
	if [ ! -x "$FATA_ROOT/bin/fata-$target" ]; then
		skip "$target: bin/fata-$target is not built"
		continue
	fi
	if [ $target = hvt ] && [ ! -e /dev/kvm ]; then
		skip "hvt: /dev/kvm is missing on this machine"
		continue
	fi
	g=$NETNS_TMP/$target
	build "$g" $target direct false
	resolve "$NETNS_TMP/$target.out" $target "$g/dist/dns-resolve.$target" --ipv4=$UK/24 \
		--dns-server=$NETNS_HOST --domain-name=alias2.fata.test --type=A
	[ "$st" = 0 ] && grep -q 'alias2.fata.test has IPv4 address 198.18.0.81' "$NETNS_TMP/$target.out"
	ok $? "$target: resolves alias2.fata.test through the chain (status $st)"
done
tap_done
