#!/bin/bash
# TCP on the direct stack, end to end, in a network namespace of its own, on unix, spt and hvt
# (when /dev/kvm exists). The tcp-echo example answers nc, echoes 10 MB byte for byte, serves
# 100 connections at once, closes its window on a peer that stops reading without its memory
# growing, and echoes 10 MB through 5 % packet loss each way; the tcp-client example gets 10 MB
# echoed byte for byte by a Linux server (socat), also through loss, and reports a refused
# connection. hvt moves 200 kB and opens 20 connections instead: guest code may be emulated.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/netns.sh"
netns_require nc python3 socat tcpdump
PER_TARGET=14
plan $((3 * PER_TARGET))
netns_setup tcp
UK=198.18.0.2
HOST=$NETNS_HOST
TOOL=$NETNS_TMP/tcptool.py

cat >"$TOOL" <<'EOF'
# Test clients: echo HOST PORT BYTES | many HOST PORT N | stall HOST PORT
import os, random, socket, sys, threading, time

def echo(host, port, size, timeout=60):
    data = random.Random(size).randbytes(size)
    s = socket.create_connection((host, port), timeout=timeout)
    t0 = time.time()
    def writer():
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
    th = threading.Thread(target=writer)
    th.start()
    got = bytearray()
    while True:
        b = s.recv(1 << 16)
        if not b:
            break
        got += b
    th.join()
    s.close()
    if bytes(got) != data:
        return "MISMATCH: %d bytes back, %d sent" % (len(got), len(data))
    return "ok %.2f s" % (time.time() - t0)

def many(host, port, n):
    res = [None] * n
    def one(i):
        try:
            res[i] = echo(host, port, 20000 + i, 30).startswith("ok")
        except Exception as e:
            res[i] = repr(e)
    ts = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in ts: t.start()
    for t in ts: t.join()
    bad = [r for r in res if r is not True]
    return "%d of %d ok %s" % (n - len(bad), n, bad[:3])

def stall(host, port):
    # A tiny receive buffer and no reading: the echo has nowhere to go.
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect((host, port))
    s.settimeout(3)
    sent, chunk = 0, b"x" * 16384
    try:
        while True:
            sent += s.send(chunk)
    except socket.timeout:
        pass
    print(sent, flush=True)
    sys.stdin.readline()	# hold the connection until told
    s.close()
    return "closed"

cmd, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
if cmd == "echo":
    print(echo(host, port, int(sys.argv[4])))
elif cmd == "many":
    print(many(host, port, int(sys.argv[4])))
else:
    print(stall(host, port))
EOF

# tcp_build EXAMPLE DIR TARGET: configures and builds a copy of examples/device-usage/EXAMPLE.
tcp_build() {
	copy_example "examples/device-usage/$1" "$2"
	(cd "$2" && "$FATA" configure -t "$3" --net=direct && make --no-print-directory) >"$2.log" 2>&1
}

# uk_cmd TARGET BINARY: the command line that runs a unikernel on the namespace's tap0.
uk_cmd() {
	if [ "$1" = unix ]; then
		UK_CMD=("$2")
	else
		UK_CMD=("$FATA_ROOT/bin/fata-$1" --net:service=tap0 -- "$2")
	fi
}

# run_uk TARGET BINARY LOG ARGS...: starts a unikernel in the namespace; its PID is NETNS_LAST.
run_uk() {
	uk_cmd "$1" "$2"
	local log=$3
	shift 3
	netns_bg "$log" "${UK_CMD[@]}" --ipv4=$UK/24 "$@"
}

# run_client TARGET BINARY LOG ARGS...: runs a unikernel to its end (at most 300 s); sets st.
run_client() {
	uk_cmd "$1" "$2"
	local log=$3
	shift 3
	nsx timeout 300 "${UK_CMD[@]}" --ipv4=$UK/24 "$@" >"$log" 2>&1
	st=$?
}

rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status" 2>/dev/null; }

loss_on() {
	nsx nft add table inet loss &&
	nsx nft add chain inet loss in '{ type filter hook input priority 0 ; }' &&
	nsx nft add rule inet loss in iifname tap0 numgen random mod 100 '<' 5 drop &&
	nsx nft add chain inet loss out '{ type filter hook output priority 0 ; }' &&
	nsx nft add rule inet loss out oifname tap0 numgen random mod 100 '<' 5 drop
}
loss_off() { nsx nft delete table inet loss 2>/dev/null; }
have_nft() { command -v nft >/dev/null 2>&1; }

for target in unix spt hvt; do
	if [ "$target" != unix ] && [ ! -x "$FATA_ROOT/bin/fata-$target" ]; then
		for i in $(seq $PER_TARGET); do skip "$target: bin/fata-$target is not built"; done
		continue
	fi
	if [ "$target" = hvt ] && [ ! -e /dev/kvm ]; then
		for i in $(seq $PER_TARGET); do skip "hvt: /dev/kvm is missing on this machine"; done
		continue
	fi
	ext=; [ "$target" = unix ] || ext=.$target
	bytes=10000000 conns=100
	[ "$target" = hvt ] && bytes=200000 conns=20
	size="$((bytes / 1000)) kB"
	dir=$NETNS_TMP/echo-$target
	log=$NETNS_TMP/echo-$target.out
	nsx ip neigh flush dev tap0

	tcp_build tcp-echo "$dir" $target
	ok $? "$target: tcp-echo builds"
	run_uk $target "$dir/dist/tcp-echo$ext" "$log"
	pid=$NETNS_LAST
	wait_log "$log" 'echo on 198' 60
	ok $? "$target: tcp-echo comes up"

	out=$(echo -n hello tcp world | nsx nc -nw1 $UK 7)
	is "$out" "hello tcp world" "$target: nc gets its bytes back"
	out=$(nsx timeout 60 python3 "$TOOL" echo $UK 7 $bytes)
	like "$out" '^ok' "$target: $size echoed byte for byte ($out)"
	out=$(nsx timeout 60 python3 "$TOOL" many $UK 7 $conns)
	like "$out" "^$conns of $conns ok" "$target: $conns concurrent connections all echoed ($out)"

	# Flow control: a peer that stops reading.
	netns_bg "$NETNS_TMP/fc.err" tcpdump -Z root -U --immediate-mode -ni tap0 \
		-w "$NETNS_TMP/fc-$target.pcap" "tcp port 7 and src host $UK"
	tcpd=$NETNS_LAST
	wait_log "$NETNS_TMP/fc.err" 'listening on' 10
	rss0=$(rss_kb $pid)
	mkfifo "$NETNS_TMP/hold-$target"
	nsx python3 "$TOOL" stall $UK 7 <"$NETNS_TMP/hold-$target" >"$NETNS_TMP/stall-$target.out" &
	stall=$!
	exec 9>"$NETNS_TMP/hold-$target"
	wait_log "$NETNS_TMP/stall-$target.out" '^[0-9]+$' 20
	rss1=$(rss_kb $pid)
	exec 9>&-
	wait $stall
	sleep 0.3
	netns_stop $tcpd
	zero=$(tcpdump -nr "$NETNS_TMP/fc-$target.pcap" 2>/dev/null | grep -c ', win 0,')
	[ "${zero:-0}" -ge 1 ]
	ok $? "$target: a peer that stops reading sees the window close ($zero segments with window 0; it got $(head -1 "$NETNS_TMP/stall-$target.out") bytes in)"
	[ -n "$rss0" ] && [ -n "$rss1" ] && [ $((rss1 - rss0)) -lt 2048 ]
	ok $? "$target: and the unikernel's memory does not grow (RSS $rss0 kB, then $rss1 kB)"
	out=$(echo -n still here | nsx nc -nw1 $UK 7)
	is "$out" "still here" "$target: the next connection is served"

	if have_nft && loss_on; then
		out=$(nsx timeout 100 python3 "$TOOL" echo $UK 7 $bytes)
		like "$out" '^ok' "$target: 5 % loss each way: $size echoed byte for byte ($out)"
		loss_off
	else
		skip "$target: needs nft (nftables) for the loss test"
	fi
	unlike "$(cat "$log")" 'fatal|ERR ' "$target: no error in the echo server's log"
	netns_stop $pid

	# The client against Linux's TCP.
	cdir=$NETNS_TMP/client-$target
	clog=$NETNS_TMP/client-$target.out
	nsx ip neigh flush dev tap0
	tcp_build tcp-client "$cdir" $target
	ok $? "$target: tcp-client builds"
	netns_bg "$NETNS_TMP/socat.err" socat TCP-LISTEN:7,fork,reuseaddr EXEC:cat
	socat=$NETNS_LAST
	sleep 0.2
	run_client $target "$cdir/dist/tcp-client$ext" "$clog" --server=$HOST --bytes=$bytes
	[ $st = 0 ] && grep -q 'echo check passed' "$clog"
	ok $? "$target: tcp-client gets $size echoed byte for byte by socat (status $st; $(sed -nE 's/.*done: .* in ([0-9]+ ms).*/\1/p' "$clog"))"
	if have_nft && loss_on; then
		run_client $target "$cdir/dist/tcp-client$ext" "$clog.loss" --server=$HOST --bytes=$bytes
		[ $st = 0 ] && grep -q 'echo check passed' "$clog.loss"
		ok $? "$target: and through 5 % loss each way (status $st; $(sed -nE 's/.*done: .* in ([0-9]+ ms).*/\1/p' "$clog.loss"))"
		loss_off
	else
		skip "$target: needs nft (nftables) for the loss test"
	fi
	netns_stop $socat
	run_client $target "$cdir/dist/tcp-client$ext" "$clog.refused" --server=$HOST --port=9
	[ $st = 1 ] && grep -q 'Connection refused' "$clog.refused"
	ok $? "$target: a closed port: connection refused, status 1"
done
tap_done
