# IPv6 next to IPv4 on the direct stack, in the same run against the same unikernel: tcp-echo made
# class stackv4v6 on unix and spt, a ping flood (ping -f) and TCP into and out of it (discard and
# chargen) over IPv6, each row with the IPv4 figure as its reference.
# Needs root (a network namespace); addresses fd98:1800::/64 and 198.18.0.0/15, in it only.
. "$BENCH_ROOT/bench/lib.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/fata-bench-ipv6.XXXXXX")	# removed by cleanup below
if [ "$(id -u)" != 0 ] || ! command -v python3 >/dev/null || ! command -v ping >/dev/null ||
	[ ! -c /dev/net/tun ]; then
	echo "ipv6 benchmarks|n/a (needs root, ping, python3, /dev/net/tun)|-|"
	exit 0
fi
MB=${TCP_BENCH_MB:-64}
PINGS=${PING_BENCH_COUNT:-5000}
NS=fata-bench-ipv6-$$
uk=""
cleanup() {
	[ -n "$uk" ] && kill "$uk" 2>/dev/null && wait "$uk" 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
ip netns add "$NS" && ip netns exec "$NS" ip link set lo up &&
	ip netns exec "$NS" ip tuntap add dev tap0 mode tap &&
	ip netns exec "$NS" ip addr add 198.18.0.1/24 dev tap0 &&
	ip netns exec "$NS" ip -6 addr add fd98:1800::1/64 dev tap0 nodad &&
	ip netns exec "$NS" ip link set tap0 up ||
	{ echo "ipv6 benchmarks|n/a (cannot make a tap)|-|"; exit 0; }

cat >"$work/tcp.py" <<'EOF'
import socket, sys, time
host, what, total = sys.argv[1], sys.argv[2], int(sys.argv[3])
s = socket.create_connection((host, 9 if what == "into" else 19))
t0, n = time.perf_counter(), 0
if what == "into":
    buf = b"\0" * (1 << 20)
    while n < total:
        n += s.send(buf[:min(len(buf), total - n)])
    s.shutdown(socket.SHUT_WR)
    s.recv(1)
else:
    while n < total:
        b = s.recv(1 << 20)
        if not b:
            break
        n += len(b)
print("%.0f" % (n * 8 / (time.perf_counter() - t0) / 1e6))
EOF
# flood HOST [-6]: replies per second of ping -f -c $PINGS.
flood() {
	ip netns exec "$NS" timeout 120 ping "$2" -q -f -c "$PINGS" "$1" 2>/dev/null |
		sed -n 's/.* \([0-9]*\) received.*time \([0-9]*\)ms.*/\1 \2/p' |
		awk '{ if ($2 > 0) printf "%.0f\n", $1 * 1000 / $2; else print "failed" }'
}
tcp() { ip netns exec "$NS" timeout 120 python3 "$work/tcp.py" "$1" "$2" $((MB << 20)) 2>/dev/null; }

for t in unix spt; do
	dir=$work/tcp-echo-$t
	mkdir -p "$dir" && cp -r "$BENCH_ROOT/examples/device-usage/tcp-echo/." "$dir/" &&
		sed -i 's/^class = stackv4$/class = stackv4v6/' "$dir/config.ini" &&
		(cd "$dir" && fata configure -t $t --net=direct >/dev/null &&
			make --no-print-directory >/dev/null 2>&1) ||
		{ echo "tcp-echo as stackv4v6 build ($t)|FAILED|-|"; continue; }
	args="--ipv4=198.18.0.2/24 --ipv6=fd98:1800::2/64 --accept-router-advertisements=false"
	if [ $t = unix ]; then
		# shellcheck disable=SC2086
		ip netns exec "$NS" "$dir/dist/tcp-echo" $args >"$work/uk.out" 2>&1 &
	else
		# shellcheck disable=SC2086
		ip netns exec "$NS" fata-spt -q --net:service=tap0 -- "$dir/dist/tcp-echo.spt" $args \
			>"$work/uk.out" 2>&1 &
	fi
	uk=$!
	for i in $(seq 100); do grep -q 'echo on' "$work/uk.out" && break; sleep 0.1; done
	ip netns exec "$NS" ip neigh flush dev tap0
	echo "ping -f -c $PINGS, IPv6 (ref: IPv4) ($t)|$(flood fd98:1800::2 -6)|$(flood 198.18.0.2 -4) (IPv4)|replies/s"
	echo "tcp into, $MB MiB, IPv6 (ref: IPv4) ($t)|$(tcp fd98:1800::2 into)|$(tcp 198.18.0.2 into) (IPv4)|Mbit/s"
	echo "tcp out of, $MB MiB, IPv6 (ref: IPv4) ($t)|$(tcp fd98:1800::2 outof)|$(tcp 198.18.0.2 outof) (IPv4)|Mbit/s"
	kill $uk 2>/dev/null
	wait $uk 2>/dev/null
	uk=""
done
