# TCP on the direct stack: throughput into and out of the tcp-echo example (its discard and
# chargen services) on unix and spt over a tap, short connections per second and the echo round
# trip, each next to the same client against Linux's TCP between two namespaces over a veth pair
# (a small Python server with the same three services). The client is the same Python in both.
# Each throughput also runs with offloads off on both sides: veth after `ethtool -K ... off`,
# the unikernel under --no-extensions (FATA_NET_OFFLOAD=0 on unix). Then iperf3 (when installed):
# its client against examples/applications/iperf3 on unix and spt, next to iperf3's own server
# over the veth pair, and the ratios issue #19 asks for: at least 1 against veth without
# offloads, 0.7 the aim against veth with them.
# Needs root (network namespaces); addresses from 198.18.0.0/15 only, in namespaces of its own.
. "$BENCH_ROOT/bench/lib.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/fata-bench-tcp.XXXXXX")	# removed by cleanup below
if [ "$(id -u)" != 0 ] || ! command -v python3 >/dev/null || ! command -v ip >/dev/null ||
	[ ! -c /dev/net/tun ]; then
	echo "tcp benchmarks|n/a (needs root, ip, python3, /dev/net/tun)|-|"
	exit 0
fi
MB=${TCP_BENCH_MB:-64}
tag=$$
NS_UK=fata-bench-tcp-$tag NS_A=fata-bench-tcpa-$tag NS_B=fata-bench-tcpb-$tag
pids=""
cleanup() {
	local p
	for p in $pids; do kill "$p" 2>/dev/null; done
	for p in $pids; do wait "$p" 2>/dev/null; done
	ip netns del "$NS_UK" 2>/dev/null
	ip netns del "$NS_A" 2>/dev/null
	ip netns del "$NS_B" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

cat >"$work/tcpbench.py" <<'EOF'
import socket, socketserver, statistics, sys, threading, time

def into(host, total):
    s = socket.create_connection((host, 9))
    buf, sent = b"\0" * (1 << 20), 0
    t0 = time.perf_counter()
    while sent < total:
        sent += s.send(buf[:min(len(buf), total - sent)])
    s.shutdown(socket.SHUT_WR)
    s.recv(1)		# the server closes once it has read everything
    return total * 8 / (time.perf_counter() - t0) / 1e6

def outof(host, total):
    s = socket.create_connection((host, 19))
    got = 0
    t0 = time.perf_counter()
    while got < total:
        b = s.recv(1 << 20)
        if not b:
            break
        got += len(b)
    dt = time.perf_counter() - t0
    s.close()
    return got * 8 / dt / 1e6

def conns(host, n):
    t0 = time.perf_counter()
    for _ in range(n):
        s = socket.create_connection((host, 7))
        s.sendall(b"x")
        s.recv(1)
        s.close()
    return n / (time.perf_counter() - t0)

def rtt(host, n):
    s = socket.create_connection((host, 7))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    msg, times = b"x" * 64, []
    for _ in range(n):
        t0 = time.perf_counter()
        s.sendall(msg)
        got = 0
        while got < 64:
            got += len(s.recv(64 - got))
        times.append((time.perf_counter() - t0) * 1e6)
    s.close()
    return statistics.median(times)

class Echo(socketserver.BaseRequestHandler):
    def handle(self):
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        while True:
            b = self.request.recv(1 << 16)
            if not b:
                return
            self.request.sendall(b)

class Discard(socketserver.BaseRequestHandler):
    def handle(self):
        while self.request.recv(1 << 20):
            pass

class Chargen(socketserver.BaseRequestHandler):
    def handle(self):
        buf = bytes(range(32, 127)) * 700
        try:
            while True:
                self.request.sendall(buf)
        except OSError:
            pass

def serve(addr):
    socketserver.ThreadingTCPServer.allow_reuse_address = True
    socketserver.ThreadingTCPServer.daemon_threads = True
    for port, h in ((7, Echo), (9, Discard), (19, Chargen)):
        srv = socketserver.ThreadingTCPServer((addr, port), h)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
    print("serving", flush=True)
    threading.Event().wait()

cmd = sys.argv[1]
if cmd == "serve":
    serve(sys.argv[2])
else:
    host, arg = sys.argv[2], int(sys.argv[3])
    print("%.0f" % {"into": into, "outof": outof, "conns": conns, "rtt": rtt}[cmd](host, arg))
EOF

# The reference: two namespaces, Linux at both ends of a veth pair.
ip netns add "$NS_A" && ip netns add "$NS_B" &&
	ip link add veth-a-$tag netns "$NS_A" type veth peer name veth-b-$tag netns "$NS_B" &&
	ip netns exec "$NS_A" ip addr add 198.18.1.1/24 dev veth-a-$tag &&
	ip netns exec "$NS_B" ip addr add 198.18.1.2/24 dev veth-b-$tag &&
	ip netns exec "$NS_A" ip link set veth-a-$tag up &&
	ip netns exec "$NS_B" ip link set veth-b-$tag up &&
	ip netns exec "$NS_A" ip link set lo up && ip netns exec "$NS_B" ip link set lo up ||
	{ echo "tcp benchmarks|n/a (cannot make namespaces)|-|"; exit 0; }
ip netns exec "$NS_B" python3 "$work/tcpbench.py" serve 198.18.1.2 >"$work/ref.out" 2>&1 &
pids="$pids $!"
for i in $(seq 50); do grep -q serving "$work/ref.out" && break; sleep 0.1; done
# veth_offloads on|off: checksum offload, TSO, GSO, GRO and scatter-gather on both ends of the pair.
veth_offloads() {
	ip netns exec "$NS_A" ethtool -K veth-a-$tag tx "$1" rx "$1" sg "$1" tso "$1" gso "$1" gro "$1" &&
		ip netns exec "$NS_B" ethtool -K veth-b-$tag tx "$1" rx "$1" sg "$1" tso "$1" gso "$1" gro "$1"
} >/dev/null 2>&1
ref() { ip netns exec "$NS_A" timeout 120 python3 "$work/tcpbench.py" "$1" 198.18.1.2 "$2" 2>/dev/null; }
r_into=$(ref into $((MB << 20)))
r_out=$(ref outof $((MB << 20)))
r_conns=$(ref conns 1000)
r_rtt=$(ref rtt 2000)
if command -v ethtool >/dev/null && veth_offloads off; then
	r0_into=$(ref into $((MB << 20)))
	r0_out=$(ref outof $((MB << 20)))
	veth_offloads on
else
	r0_into="n/a" r0_out="n/a"	# no ethtool: the reference without offloads is missing
fi

# The unikernel: tcp-echo in a namespace with a tap.
ip netns add "$NS_UK" && ip netns exec "$NS_UK" ip link set lo up &&
	ip netns exec "$NS_UK" ip tuntap add dev tap0 mode tap &&
	ip netns exec "$NS_UK" ip addr add 198.18.0.1/24 dev tap0 &&
	ip netns exec "$NS_UK" ip link set tap0 up ||
	{ echo "tcp benchmarks|n/a (cannot make a tap)|-|"; exit 0; }
# start_uk EXAMPLE NAME TARGET READY [offloads]: builds examples/EXAMPLE for TARGET with the direct
# stack (once) and starts dist/NAME in $NS_UK on 198.18.0.2 (its PID in uk), then waits for a log
# line READY. With "nooffload", the tap carries plain frames: the tenders offer no extensions
# (--no-extensions, as a stock Solo5 tender would) and unix is told FATA_NET_OFFLOAD=0.
start_uk() {
	local dir=$work/$2-$3 off=""
	[ -x "$dir/dist/$2" ] || [ -e "$dir/dist/$2.$3" ] || bench_build "$1" "$dir" "$3" --net=direct ||
		{ echo "$2 build ($3)|FAILED|-|"; return 1; }
	[ "${5:-}" = nooffload ] && off=1
	if [ "$3" = unix ]; then
		ip netns exec "$NS_UK" env ${off:+FATA_NET_OFFLOAD=0} "$dir/dist/$2" --ipv4=198.18.0.2/24 \
			>"$work/uk.out" 2>&1 &
	else
		ip netns exec "$NS_UK" "fata-$3" -q ${off:+--no-extensions} --net:service=tap0 -- \
			"$dir/dist/$2.$3" --ipv4=198.18.0.2/24 >"$work/uk.out" 2>&1 &
	fi
	uk=$!
	pids="$pids $uk"
	for i in $(seq 100); do grep -q "$4" "$work/uk.out" && break; sleep 0.1; done
	ip netns exec "$NS_UK" ip neigh flush dev tap0
}
stop_uk() { kill $uk 2>/dev/null; wait $uk 2>/dev/null; }
uk() { ip netns exec "$NS_UK" timeout 120 python3 "$work/tcpbench.py" "$1" 198.18.0.2 "$2" 2>/dev/null; }
for t in unix spt; do
	start_uk device-usage/tcp-echo tcp-echo $t 'echo on' || continue
	echo "tcp into the unikernel, $MB MiB ($t)|$(uk into $((MB << 20)))|$r_into (veth)|Mbit/s"
	echo "tcp out of the unikernel, $MB MiB ($t)|$(uk outof $((MB << 20)))|$r_out (veth)|Mbit/s"
	echo "tcp short connections, 1 byte echoed ($t)|$(uk conns 1000)|$r_conns (veth)|conn/s"
	echo "tcp echo round trip, 64 bytes, median ($t)|$(uk rtt 2000)|$r_rtt (veth)|us"
	stop_uk
	start_uk device-usage/tcp-echo tcp-echo $t 'echo on' nooffload || continue
	echo "tcp into, no offloads on either side ($t)|$(uk into $((MB << 20)))|$r0_into (veth -K off)|Mbit/s"
	echo "tcp out of, no offloads on either side ($t)|$(uk outof $((MB << 20)))|$r0_out (veth -K off)|Mbit/s"
	stop_uk
done

# iperf3: the stock client against the iperf3 example, next to Linux's iperf3 server over veth.
command -v iperf3 >/dev/null || { echo "iperf3|n/a (iperf3 is not installed)|-|"; exit 0; }
SECS=${IPERF_BENCH_SECONDS:-5}
# mbits NS HOST ARGS...: iperf3's received rate in Mbit/s for a test from namespace NS.
mbits() {
	local ns=$1 host=$2
	shift 2
	ip netns exec "$ns" timeout $((SECS + 30)) iperf3 -c "$host" -t "$SECS" -J "$@" 2>/dev/null |
		python3 -c 'import json, sys
try: print("%.0f" % (json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 1e6))
except Exception: print("failed")'
}
# ratio A B: A / B to two places, or "-" when either is not a number.
ratio() { python3 -c 'import sys
try: print("%.2f" % (float(sys.argv[1]) / float(sys.argv[2])))
except Exception: print("-")' "$1" "$2"; }
ip netns exec "$NS_B" iperf3 -s -B 198.18.1.2 >/dev/null 2>&1 &
pids="$pids $!"
sleep 0.5
r_in=$(mbits "$NS_A" 198.18.1.2)
r_out=$(mbits "$NS_A" 198.18.1.2 -R)
if command -v ethtool >/dev/null && veth_offloads off; then
	r0_in=$(mbits "$NS_A" 198.18.1.2)
	r0_out=$(mbits "$NS_A" 198.18.1.2 -R)
	veth_offloads on
else
	r0_in="n/a" r0_out="n/a"
fi
for t in unix spt; do
	start_uk applications/iperf3 iperf3 $t 'iperf3 server on' || continue
	in=$(mbits "$NS_UK" 198.18.0.2)
	out=$(mbits "$NS_UK" 198.18.0.2 -R)
	stop_uk
	echo "iperf3 -t $SECS into the unikernel ($t)|$in|$r_in (veth)|Mbit/s"
	echo "iperf3 -t $SECS -R, out of the unikernel ($t)|$out|$r_out (veth)|Mbit/s"
	echo "  iperf3 into ($t) / veth, / veth -K off|$(ratio "$in" "$r_in"), $(ratio "$in" "$r0_in")|0.70, 1.00 (aim)|ratio"
	echo "  iperf3 -R ($t) / veth, / veth -K off|$(ratio "$out" "$r_out"), $(ratio "$out" "$r0_out")|0.70, 1.00 (aim)|ratio"
	start_uk applications/iperf3 iperf3 $t 'iperf3 server on' nooffload || continue
	echo "iperf3 into, no offloads on either side ($t)|$(mbits "$NS_UK" 198.18.0.2)|$r0_in (veth -K off)|Mbit/s"
	echo "iperf3 -R, no offloads on either side ($t)|$(mbits "$NS_UK" 198.18.0.2 -R)|$r0_out (veth -K off)|Mbit/s"
	stop_uk
done
