#!/bin/bash
# The DHCP server example (examples/applications/dhcp) on spt, against real clients, in network
# namespaces this test makes: the unikernel's tap0 and one veth per client on a bridge in the
# test's namespace, each client in a namespace of its own with its own MAC. Four clients at once
# (three busybox udhcpc, one ISC dhclient) get distinct leases with every option, a static host
# gets its fixed address, a client asking for an address outside the range gets one inside, a
# udhcpc renews at T1 (leases are 20 s here), and Fata's own DHCP client (udp-echo on unix with
# --dhcp=true) gets a lease and answers ping on it.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/netns.sh"
netns_require busybox dhclient ping
plan 16
[ -x "$FATA_ROOT/bin/fata-spt" ] || skip_all "bin/fata-spt is not built"
netns_setup dhcpd
UK=198.18.0.2
CLIENT_NS=""
CLIENT_PIDS=""
cleanup_all() {
	local p ns
	for p in $CLIENT_PIDS; do kill "$p" 2>/dev/null; done
	for p in $CLIENT_PIDS; do wait "$p" 2>/dev/null; done
	for ns in $CLIENT_NS; do ip netns del "$ns" 2>/dev/null; done
	netns_cleanup
}
trap cleanup_all EXIT

# The segment: a bridge in the test's namespace, the host side's address moved onto it.
nsx ip link add br0 type bridge &&
nsx ip addr del $NETNS_HOST/24 dev tap0 &&
nsx ip link set tap0 master br0 &&
nsx ip addr add $NETNS_HOST/24 dev br0 &&
nsx ip link set br0 up || skip_all "cannot make a bridge in the namespace"

# client_ns N MAC: namespace $NETNS-cN with interface vc (MAC) on the bridge.
client_ns() {
	local ns=$NETNS-c$1
	ip netns add "$ns" || return 1
	CLIENT_NS="$CLIENT_NS $ns"
	nsx ip link add vh$1 type veth peer name vc netns "$ns" &&
	nsx ip link set vh$1 master br0 &&
	nsx ip link set vh$1 up &&
	ip netns exec "$ns" ip link set vc address "$2" &&
	ip netns exec "$ns" ip link set lo up &&
	ip netns exec "$ns" ip link set vc up
}

# Scripts the clients run on each event: one line of what they got into OUT.
for n in 1 2 3 4 5; do
	cat >"$NETNS_TMP/udhcpc$n.sh" <<EOF
#!/bin/sh
echo "\$1 ip=\$ip mask=\$mask router=\$router dns=\$dns domain=\$domain mtu=\$mtu lease=\$lease server=\$serverid" >>$NETNS_TMP/c$n.out
[ "\$1" = bound ] && ip addr add \$ip/\$mask dev \$interface
exit 0
EOF
	chmod +x "$NETNS_TMP/udhcpc$n.sh"
done
cat >"$NETNS_TMP/dhclient.sh" <<EOF
#!/bin/sh
echo "\$reason ip=\$new_ip_address mask=\$new_subnet_mask router=\$new_routers dns=\$new_domain_name_servers domain=\$new_domain_name lease=\$new_dhcp_lease_time server=\$new_dhcp_server_identifier" >>$NETNS_TMP/c4.out
case "\$reason" in BOUND|RENEW|REBOOT) ip addr add \$new_ip_address/24 dev \$interface ;; esac
exit 0
EOF
chmod +x "$NETNS_TMP/dhclient.sh"

dir=$NETNS_TMP/dhcp
copy_example examples/applications/dhcp "$dir"
(cd "$dir" && "$FATA" configure -t spt --net=direct && make --no-print-directory) >"$dir.log" 2>&1
ok $? "the dhcp example builds for spt"
log=$NETNS_TMP/dhcp.out
netns_bg "$log" "$FATA_ROOT/bin/fata-spt" --net:service=tap0 -- "$dir/dist/dhcp.spt" \
	--ipv4=$UK/24 --range-start=198.18.0.100 --range-end=198.18.0.120 --router=$NETNS_HOST \
	--dns=198.18.0.53,198.18.0.54 --domain=fata.test --mtu=1400 --lease-time=20 \
	--max-lease-time=60 --hosts=02:00:00:00:01:01=198.18.0.50
wait_log "$log" 'dhcpd\] serving 198.18.0.100-198.18.0.120' 60
ok $? "the server comes up on spt"

made=0
for n in 1 2 3 4 5; do client_ns $n 02:00:00:00:01:0$n && made=$((made + 1)); done
[ $made = 5 ] || skip_all "cannot make the clients' namespaces"

# Four clients at once; client 2 stays to renew.
cx() { local n=$1; shift; ip netns exec "$NETNS-c$n" "$@"; }
cx 1 busybox udhcpc -f -q -n -t 5 -T 2 -i vc -s "$NETNS_TMP/udhcpc1.sh" >"$NETNS_TMP/c1.log" 2>&1 &
CLIENT_PIDS="$CLIENT_PIDS $!"
cx 2 busybox udhcpc -f -n -t 5 -T 2 -i vc -s "$NETNS_TMP/udhcpc2.sh" >"$NETNS_TMP/c2.log" 2>&1 &
CLIENT_PIDS="$CLIENT_PIDS $!"
cx 3 busybox udhcpc -f -q -n -t 5 -T 2 -i vc -s "$NETNS_TMP/udhcpc3.sh" >"$NETNS_TMP/c3.log" 2>&1 &
CLIENT_PIDS="$CLIENT_PIDS $!"
cx 4 dhclient -d -1 -v -cf /dev/null -sf "$NETNS_TMP/dhclient.sh" -lf "$NETNS_TMP/c4.leases" \
	-pf "$NETNS_TMP/c4.pid" vc >"$NETNS_TMP/c4.log" 2>&1 &
CLIENT_PIDS="$CLIENT_PIDS $!"
for n in 1 2 3; do wait_log "$NETNS_TMP/c$n.out" '^bound' 20; done
wait_log "$NETNS_TMP/c4.out" '^BOUND' 20

c1=$(grep -m1 '^bound' "$NETNS_TMP/c1.out")
c2=$(grep -m1 '^bound' "$NETNS_TMP/c2.out")
c3=$(grep -m1 '^bound' "$NETNS_TMP/c3.out")
c4=$(grep -m1 '^BOUND' "$NETNS_TMP/c4.out")
like "$c1" '^bound ip=198\.18\.0\.50 ' "udhcpc (static host by MAC): its fixed address 198.18.0.50 ($c1)"
like "$c2" '^bound ip=198\.18\.0\.1([01][0-9]|20) mask=24 router=198\.18\.0\.1 dns=198\.18\.0\.53 198\.18\.0\.54 domain=fata\.test mtu=1400 lease=20 server=198\.18\.0\.2$' \
	"udhcpc: a lease in the range with router, both DNS servers, domain, MTU, 20 s ($c2)"
like "$c3" '^bound ip=198\.18\.0\.1([01][0-9]|20) ' "a third udhcpc at the same time: a lease in the range"
like "$c4" '^BOUND ip=198\.18\.0\.1([01][0-9]|20) mask=255\.255\.255\.0 router=198\.18\.0\.1 dns=198\.18\.0\.53 198\.18\.0\.54 domain=fata\.test lease=20 server=198\.18\.0\.2$' \
	"dhclient at the same time: a lease with router, DNS, domain, 20 s ($c4)"
ips=$(for c in "$c1" "$c2" "$c3" "$c4"; do sed -E 's/^[a-zA-Z]+ ip=([0-9.]+) .*/\1/' <<<"$c"; done | sort -u | wc -l)
is "$ips" 4 "four clients, four different addresses"
ip2=$(sed -E 's/^bound ip=([0-9.]+) .*/\1/' <<<"$c2")
out=$(nsx ping -c 2 -i 0.2 -W 2 "$ip2" 2>&1)
like "$out" '2 received' "the leased address $ip2 is up on its client (ping through the bridge)"

# A client asking for an address outside the range.
cx 5 busybox udhcpc -f -q -n -t 5 -T 2 -i vc -r 198.18.0.200 -s "$NETNS_TMP/udhcpc5.sh" \
	>"$NETNS_TMP/c5.log" 2>&1
c5=$(grep -m1 '^bound' "$NETNS_TMP/c5.out")
like "$c5" '^bound ip=198\.18\.0\.1([01][0-9]|20) ' "udhcpc asking for 198.18.0.200 (outside the range) gets one inside ($c5)"
like "$(cat "$log")" 'DISCOVER from 02:00:00:00:01:05: offering 198\.18\.0\.1' "the server logged its offer"

# Renewal at T1 (10 s): udhcpc unicasts a REQUEST, the server ACKs it.
wait_log "$NETNS_TMP/c2.out" '^renew' 25
ok $? "udhcpc renews its lease at T1: $(grep -m1 '^renew' "$NETNS_TMP/c2.out")"
n=$(grep -c "REQUEST from 02:00:00:00:01:02: ACK for $ip2" "$log")
[ "$n" -ge 2 ]
ok $? "the server ACKed client 2 again ($n ACKs for $ip2)"

# Fata's own client: udp-echo with --dhcp=true on unix, on a second tap on the bridge.
nsx ip tuntap add dev tap1 mode tap && nsx ip link set tap1 master br0 && nsx ip link set tap1 up
edir=$NETNS_TMP/echo
net_build "$edir" unix true
ok $? "udp-echo builds for unix with --dhcp=true"
netns_bg "$NETNS_TMP/echo.out" "$edir/dist/udp-echo" --interface=tap1
wait_log "$NETNS_TMP/echo.out" 'stack assembled' 30
lease=$(grep -E 'INF \[dhcp\] Lease obtained' "$NETNS_TMP/echo.out")
like "$lease" 'Lease obtained: IP 198\.18\.0\.1([01][0-9]|20)/24, router 198\.18\.0\.1, DNS 198\.18\.0\.53, lease 20 s, server 198\.18\.0\.2$' \
	"Fata's DHCP client gets a lease from Fata's DHCP server ($lease)"
fip=$(sed -nE 's/.*Lease obtained: IP ([0-9.]+)\/.*/\1/p' <<<"$lease")
out=$(nsx ping -c 2 -i 0.2 -W 2 "${fip:-198.18.0.254}" 2>&1)
like "$out" '2 received' "and answers ping on ${fip:-?}"
unlike "$(cat "$log")" 'ERR |fatal' "no error in the server's log"
tap_done
