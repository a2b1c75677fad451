#!/bin/bash
# fata net up|down|list, only in namespaces this test names, and the unix direct stack refusing
# a tap that does not exist (TUNSETIFF would create it) or an interface that is not a tap.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/netns.sh"
netns_require dnsmasq setpriv
plan 28
netns_setup fnet
ns2="fata-fnet2-$$"
export FATA_NET_STATE="$NETNS_TMP/state"
fnet_cleanup() {
	local pid
	if ip netns list | awk '{print $1}' | grep -qx "$ns2"; then
		for pid in $(ip netns pids "$ns2"); do kill "$pid"; done
		ip netns del "$ns2"
	fi
	netns_cleanup
}
trap fnet_cleanup EXIT

# --- item 1: a missing tap is refused, not created -------------------------------------------
net_build "$NETNS_TMP/static" unix false
ok $? "udp-echo builds for unix (static address)"
out=$(nsx timeout 10 "$NETNS_TMP/static/dist/udp-echo" --interface=tapx --ipv4=198.18.0.2/24 2>&1)
st=$?
like "$out" "ERR \[netif\] cannot connect network interface tapx: there is no network interface 'tapx'; create it with: ip tuntap add dev tapx mode tap && ip link set tapx up \(or: fata net up tapx\)$" \
	"a missing tap: one line naming it and how to create it"
ok $((st == 0)) "... and the unikernel fails (status $st)"
nsx ip link show dev tapx >/dev/null 2>&1
ok $((! $?)) "... and no tap tapx was created"
chmod -R a+rX "$NETNS_TMP"
nsx ip tuntap add dev tapo mode tap user root	# a tap without an owner is anyone's
out=$(nsx timeout 10 setpriv --reuid=nobody --regid=nogroup --clear-groups \
	"$NETNS_TMP/static/dist/udp-echo" --interface=tapo --ipv4=198.18.0.2/24 2>&1)
like "$out" "cannot connect network interface tapo: (tap device tapo: Operation not permitted \(needs CAP_NET_ADMIN, or a tap made for this user: ip tuntap add dev NAME mode tap user USER\)|/dev/net/tun: Permission denied \(opening it needs root)" \
	"as nobody, a root's tap: says which privilege is missing"
out=$(nsx timeout 10 "$NETNS_TMP/static/dist/udp-echo" --interface=lo --ipv4=198.18.0.2/24 2>&1)
like "$out" "'lo' is not a tap interface" "an interface that is not a tap is refused by name"

# --- fata net up --netns NEW --dhcp: the namespace, the tap, dnsmasq ---------------------------
out=$("$FATA" net up ft0 --netns "$ns2" --address 198.18.1.1/24 --dhcp 2>&1)
ok $? "fata net up ft0 --netns NEW --dhcp" || diag "$out"
like "$out" "^fata net: tap ft0 is up in network namespace $ns2, host address 198\.18\.1\.1/24, DHCP 198\.18\.1\.100-198\.18\.1\.199 by dnsmasq$" \
	"it says what it made"
like "$out" "^  ip netns exec $ns2 fata-hvt --net:service=ft0 -- dist/NAME\.hvt$" "it prints the fata-hvt line"
like "$(ip -n "$ns2" -br addr show dev ft0)" "198\.18\.1\.1/24" "the tap has the host address in the namespace"
pid=$(cat "$FATA_NET_STATE/ft0/dnsmasq.pid" 2>/dev/null)
like "$(tr '\0' ' ' <"/proc/${pid:-0}/cmdline" 2>/dev/null)" "^dnsmasq " "dnsmasq runs (PID $pid from the state dir)"
net_build "$NETNS_TMP/dhcp" unix true
ok $? "udp-echo builds for unix with --dhcp=true"
log=$NETNS_TMP/dhcp.out
ip netns exec "$ns2" "$NETNS_TMP/dhcp/dist/udp-echo" --interface=ft0 >"$log" 2>&1 &
uk=$!
wait_log "$log" 'stack assembled' 30
like "$(cat "$log")" "stack assembled: mac=[0-9a-f:]+,ip=198\.18\.1\.1[0-9][0-9]$" \
	"a DHCP unikernel gets an address from fata net's dnsmasq"
kill $uk; wait $uk 2>/dev/null
like "$(cat "$FATA_NET_STATE/ft0/leases" 2>/dev/null)" "198\.18\.1\.1[0-9][0-9]" "the lease is in the state dir"
out=$("$FATA" net up ft0 --netns "$ns2" 2>&1)
like "$out" "^fata net: ft0 is already up" "up twice: refused"
out=$("$FATA" net list 2>&1)
like "$out" "^ft0 +netns=$ns2 bridge=- address=198\.18\.1\.1/24 dhcp=dnsmasq $pid tap=present$" "list shows it"
"$FATA" net down ft0 >/dev/null
ok $? "fata net down ft0"
ip netns list | awk '{print $1}' | grep -qx "$ns2"
ok $((! $?)) "the namespace fata net created is gone"
unlike "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" "dnsmasq" "dnsmasq is stopped"

# --- in an existing namespace, on a bridge: down removes only what up made -------------------
nsx ip link add fbr0 type bridge
out=$("$FATA" net up ft1 --netns "$NETNS" --bridge fbr0 2>&1)
ok $? "fata net up ft1 --netns EXISTING --bridge fbr0" || diag "$out"
like "$(nsx ip -d link show dev ft1)" "master fbr0" "the tap is attached to the bridge"
"$FATA" net down ft1 >/dev/null
nsx ip link show dev ft1 >/dev/null 2>&1
ok $((! $?)) "down removed the tap"
ok "$(nsx ip link show dev fbr0 >/dev/null 2>&1 && nsx ip link show dev tap0 >/dev/null 2>&1 &&
	ip netns list | grep -q "^$NETNS"; echo $?)" "... and kept the bridge, the other tap and the namespace it did not make"
out=$("$FATA" net up ft2 --netns "$NETNS" --bridge nobr 2>&1)
like "$out" "^fata net: there is no bridge nobr in namespace $NETNS; create it with: ip link add nobr type bridge$" \
	"a missing bridge: one line"
ok "$([ ! -e "$FATA_NET_STATE/ft2" ] && ! nsx ip link show dev ft2 >/dev/null 2>&1; echo $?)" \
	"... and the failed up leaves nothing behind"
out=$("$FATA" net up tap0 --netns "$NETNS" 2>&1)
like "$out" "an interface tap0 already exists in namespace $NETNS" "an interface fata net did not make is not taken over"
out=$("$FATA" net down tap0 2>&1)
like "$out" "^fata net: tap0 was not made by fata net" "... nor removed by down"
out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups "$FATA" net up ft3 --netns "$NETNS" 2>&1)
is "$out" "fata net: up needs root (it creates and removes network interfaces); run it as root, e.g. sudo fata net up ..." \
	"without root: one line saying so"
tap_done
