#!/bin/bash
# Tutorial step 4 on the socket stack (unix, --net=socket): the network example logs each
# connection and, at debug level, what it read; the UDP echo answers. Everything runs inside a
# network namespace of the test's own, over its loopback.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/netns.sh"
netns_require nc
plan 11
netns_setup sock
dir="$NETNS_TMP/network"
copy_example examples/device-usage/network "$dir"
(cd "$dir" && fata configure -t unix --net=socket >/dev/null && make --no-print-directory >/dev/null 2>&1)
ok $? "network: configure --net=socket and make"

netns_bg "$NETNS_TMP/debug.log" "$dir/dist/network" -l "*:debug"
pid=$NETNS_LAST
wait_log "$NETNS_TMP/debug.log" 'Manager: configuring' 10
ok $? "logs INF [tcpip-stack-socket] Manager: connect, then configuring"
sleep 0.2
echo -n hello tcp world | nsx nc -nw1 127.0.0.1 8080
wait_log "$NETNS_TMP/debug.log" 'hello tcp world' 5
log=$(cat "$NETNS_TMP/debug.log")
like "$log" 'INF \[tcpip-stack-socket\] Manager: connect$' "the socket stack says it connected"
like "$log" 'INF \[application\] new tcp connection from IP 127\.0\.0\.1 on port [0-9]+$' \
	"new tcp connection from IP 127.0.0.1 on port N"
like "$log" 'DBG \[application\] read: 15 bytes:$' "with -l *:debug: read: 15 bytes:"
like "$log" '^hello tcp world$' "and the bytes themselves"
netns_stop $pid

netns_bg "$NETNS_TMP/info.log" "$dir/dist/network" --port=9090
pid=$NETNS_LAST
wait_log "$NETNS_TMP/info.log" 'Manager: configuring' 10
sleep 0.2
echo -n quiet please | nsx nc -nw1 127.0.0.1 9090
wait_log "$NETNS_TMP/info.log" 'new tcp connection' 5
log=$(cat "$NETNS_TMP/info.log")
like "$log" 'new tcp connection from IP 127\.0\.0\.1' "--port=9090 at run time moves the listener"
unlike "$log" 'read:|quiet please' "at the default level the data is not logged"
netns_stop $pid

dir="$NETNS_TMP/udp"
copy_example examples/device-usage/udp-echo "$dir"
(cd "$dir" && fata configure -t unix --net=socket >/dev/null && make --no-print-directory >/dev/null 2>&1)
ok $? "udp-echo: configure --net=socket and make"
netns_bg "$NETNS_TMP/udp.log" "$dir/dist/udp-echo" --port=7007
wait_log "$NETNS_TMP/udp.log" 'Manager: configuring' 10
sleep 0.2
got=$(printf 'ping over udp' | nsx nc -u -nw1 127.0.0.1 7007)
is "$got" "ping over udp" "udp-echo on the socket stack returns the same bytes"
got=$(head -c 1400 /dev/urandom | base64 -w0 | head -c 1800)
back=$(printf '%s' "$got" | nsx nc -u -nw1 127.0.0.1 7007)
is "${#back}:$back" "${#got}:$got" "and a 1800-byte datagram byte for byte"
tap_done
