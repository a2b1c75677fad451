#!/bin/bash
# The direct stack on unix with DHCP (configure --dhcp=true) against dnsmasq, in a network
# namespace of its own: the lease, the tutorial's log lines on the leased address, ping and UDP
# echo on it, and the renewal at T1 (dnsmasq's shortest lease is 2 minutes: T1 comes after 60 s).
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/netns.sh"
netns_require dnsmasq ping socat
plan 15
netns_setup dhcp
dir=$NETNS_TMP/echo
log=$NETNS_TMP/echo.out
dlog=$NETNS_TMP/dnsmasq.out

net_build "$dir" unix true
ok $? "udp-echo builds for unix with --dhcp=true"
[ -x "$dir/dist/udp-echo" ] || { sed 's/^/# /' "$dir.log"; exit 1; }

netns_bg "$dlog" dnsmasq --no-daemon --conf-file=/dev/null --user=root --port=0 --no-resolv \
	--interface=tap0 --bind-interfaces --dhcp-range=198.18.0.50,198.18.0.60,255.255.255.0,2m \
	--dhcp-option=option:router,$NETNS_HOST --dhcp-option=option:dns-server,$NETNS_HOST \
	--dhcp-leasefile="$NETNS_TMP/leases" --pid-file="$NETNS_TMP/dnsmasq.pid" --log-dhcp
wait_log "$dlog" 'DHCP, IP range' 10
ok $? "dnsmasq serves 198.18.0.50-60 on tap0"

netns_bg "$log" "$dir/dist/udp-echo" -l dhcp:debug
pid=$NETNS_LAST
wait_log "$log" 'stack assembled' 30
ok $? "the stack comes up"
lease=$(grep -E 'INF \[dhcp\] Lease obtained' "$log")
like "$lease" 'Lease obtained: IP 198\.18\.0\.(5[0-9]|60)/24, router 198\.18\.0\.1, DNS 198\.18\.0\.1, lease 120 s, server 198\.18\.0\.1$' \
	"the lease is logged: address in the range, /24, router, DNS, 120 s"
IP=$(printf '%s\n' "$lease" | sed -nE 's/.*Lease obtained: IP ([0-9.]+)\/.*/\1/p')
IP=${IP:-198.18.0.50}
net_check_connect_lines "$log" "$IP" tap0
like "$(cat "$dlog")" "DHCPACK\(tap0\) $IP $NET_MAC" "dnsmasq acknowledged $IP for $NET_MAC"

out=$(nsx ping -c 10 -i 0.05 -W 2 "$IP" 2>&1)
like "$out" '10 packets transmitted, 10 received' "ping $IP: 10 replies"
out=$(printf 'leased echo' | nsx socat -t 2 - UDP:"$IP":7)
is "$out" "leased echo" "UDP echo on the leased address"

# T1 is half the lease: 60 s. The renewal is a unicast DHCPREQUEST to dnsmasq.
wait_log "$log" "INF \[dhcp\] Lease of ${IP//./\\.}/24 renewed by 198\.18\.0\.1 for 120 s" 80
ok $? "the lease is renewed at T1"
is "$(grep -c "DHCPACK(tap0) $IP" "$dlog")" 2 "dnsmasq acknowledged twice"
out=$(nsx ping -c 3 -i 0.05 -W 2 "$IP" 2>&1)
like "$out" '3 packets transmitted, 3 received' "still answering on the same address"
tap_done
