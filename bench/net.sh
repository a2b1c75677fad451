# Network stack I: ping flood rate and RTT against the unikernel (unix and spt over a tap, hvt
# when /dev/kvm exists), next to the Linux kernel answering over a veth pair; UDP echo packets per
# second. Everything runs in namespaces this script makes and removes; addresses are 198.18.0.0/15.
. "$BENCH_ROOT/bench/lib.sh"
[ "$(id -u)" = 0 ] || { echo "network benchmarks|skipped (need root)|-|"; exit 0; }
work=$(mktemp -d "${TMPDIR:-/tmp}/fata-bench-net.XXXXXX")
ns="fata-bench-$$"
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	ip netns del "$ns" 2>/dev/null; ip netns del "$ns-a" 2>/dev/null; ip netns del "$ns-b" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
COUNT=20000

# ping_flood NS ADDR: prints "PINGS_PER_SECOND AVG_RTT_US LOSS%".
ping_flood() {
	ip netns exec "$1" ping -q -f -c $COUNT -W 1 "$2" 2>/dev/null | awk -v n=$COUNT '
		/packets transmitted/ { loss = $6; split($0, a, "time "); t = a[2] + 0 }
		/rtt/ { split($4, r, "/"); avg = r[2] * 1000 }
		END { printf "%d %d %s\n", (t > 0 ? n * 1000 / t : 0), avg, loss }'
}

# The reference: Linux answering across a veth pair.
ip netns add "$ns-a" && ip netns add "$ns-b" &&
	ip link add fbv0 netns "$ns-a" type veth peer name fbv1 netns "$ns-b" &&
	ip -n "$ns-a" addr add 198.18.1.1/24 dev fbv0 && ip -n "$ns-b" addr add 198.18.1.2/24 dev fbv1 &&
	ip -n "$ns-a" link set fbv0 up && ip -n "$ns-b" link set fbv1 up &&
	ip -n "$ns-b" link set lo up || { echo "veth reference|FAILED|-|"; exit 0; }
read -r ref_rate ref_rtt _ < <(ping_flood "$ns-a" 198.18.1.2)
ip netns exec "$ns-b" python3 bench/udp_echo_server.py 7 & pids="$pids $!"
sleep 0.3
read -r ref_pps _ < <(ip netns exec "$ns-a" python3 bench/udp_echo_client.py 198.18.1.2 7 5000)

ip netns add "$ns" && ip -n "$ns" link set lo up && ip -n "$ns" tuntap add dev tap0 mode tap &&
	ip -n "$ns" addr add 198.18.0.1/24 dev tap0 && ip -n "$ns" link set tap0 up ||
	{ echo "tap namespace|FAILED|-|"; exit 0; }
for t in unix spt hvt; do
	[ $t = hvt ] && [ ! -e /dev/kvm ] && { echo "ping -f, udp echo (hvt)|n/a (no /dev/kvm)|-|"; continue; }
	bench_build device-usage/udp-echo "$work/$t" $t --net=direct ||
		{ echo "build udp-echo ($t)|FAILED|-|"; continue; }
	case $t in
	unix) ip netns exec "$ns" "$work/unix/dist/udp-echo" --ipv4=198.18.0.2/24 >/dev/null 2>&1 & ;;
	*) ip netns exec "$ns" fata-$t -q --net:service=tap0 -- "$work/$t/dist/udp-echo.$t" \
		--ipv4=198.18.0.2/24 >/dev/null 2>&1 & ;;
	esac
	pid=$!
	pids="$pids $pid"
	sleep 1
	read -r rate rtt loss < <(ping_flood "$ns" 198.18.0.2)
	echo "ping -f -c $COUNT ($t), replies per second|$rate|$ref_rate (Linux, veth)|1/s"
	echo "ping -f RTT ($t), average|$rtt|$ref_rtt (Linux, veth)|us"
	echo "ping -f loss ($t)|$loss|-|"
	read -r pps lost < <(ip netns exec "$ns" python3 bench/udp_echo_client.py 198.18.0.2 7 5000)
	echo "UDP echo ($t), one datagram in flight|$pps|$ref_pps (Linux, veth)|pkt/s"
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
done
