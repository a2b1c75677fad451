#!/bin/bash
# fata-hvt --gdb: the option's checks, then (with KVM) a scripted gdb session that breaks in
# start, reads and changes a variable, steps and continues to the guest's exit, a session that
# kills the guest, and a client that sends garbage and bad addresses while a second connection
# is refused. SKIPs the debugger parts where KVM cannot debug guests.
. "$(dirname "$0")/../lib/tap.sh"

HVT="$FATA_ROOT/bin/fata-hvt"
SPT="$FATA_ROOT/bin/fata-spt"
[ -x "$HVT" ] && [ -x "$SPT" ] || skip_all "the tenders are not built"
tap_tmpdir
ulimit -c 0
NKVM=16	# the tests below that need KVM

for p in 0 70000 abc; do
	err=$("$HVT" --gdb --gdb-port=$p "$tmp/none.hvt" 2>&1)
	is "$?/$err" "1/fata-hvt: --gdb-port=$p: expected a TCP port from 1 to 65535" \
		"--gdb-port=$p is refused in one line"
done
err=$("$HVT" --gdb-port=4000 "$tmp/none.hvt" 2>&1)
is "$?/$err" "1/fata-hvt: --gdb-port=4000: only with --gdb" "--gdb-port needs --gdb"
err=$("$SPT" --gdb "$tmp/none.spt" 2>&1)
like "$err" "^fata-spt: --gdb is for fata-hvt; debug an spt unikernel by running fata-spt under gdb" \
	"fata-spt refuses --gdb and says how to debug it"
like "$("$HVT" --help)" "--gdb-port=N +the TCP port for --gdb \(default 1234\)" "--help has --gdb"

finish() { plan "$_tap_n"; tap_done; }
skip_kvm() { for i in $(seq $NKVM); do skip "$1"; done; finish; }
[ -e /dev/kvm ] || skip_kvm "no /dev/kvm on this machine: hvt guests cannot run"
command -v gdb >/dev/null || skip_kvm "gdb is not installed (scripts/install-deps.sh)"

# A unikernel whose exit status is the value of `answer`, which gdb can change.
copy_example examples/tutorial/noop "$tmp/uk"
cat >"$tmp/uk/unikernel.c" <<'EOF'
/* Exits with the value of `answer` (42 unless a debugger changed it). */
#include "fata/unikernel.h"

volatile int answer = 42;

int start(void)
{
	return answer;
}
EOF
(cd "$tmp/uk" && "$FATA" configure -t hvt >/dev/null && make --no-print-directory >/dev/null) \
	2>"$tmp/build.err" || { cat "$tmp/build.err" >&2; skip_kvm "the test unikernel did not build"; }
KERNEL="$tmp/uk/dist/noop.hvt"

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_tender NAME: runs fata-hvt --gdb on a free port in the background (PID in $pid, port in
# $port) and waits for its "waiting for gdb" line.
start_tender() {
	port=$(free_port)
	"$HVT" --gdb --gdb-port="$port" "$KERNEL" >"$tmp/$1.out" 2>"$tmp/$1.err" &
	pid=$!
	for _ in $(seq 100); do
		grep -qs "waiting for gdb" "$tmp/$1.err" && return 0
		kill -0 $pid 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# wait_tender: the tender's status (124 when it is still running after 60 s: then it is killed).
wait_tender() {
	for _ in $(seq 600); do
		kill -0 $pid 2>/dev/null || { wait $pid; return $?; }
		sleep 0.1
	done
	kill $pid
	wait $pid
	return 124
}

start_tender session
ok $? "fata-hvt --gdb says it waits for gdb"
is "$(grep "waiting for gdb" "$tmp/session.err")" "fata-hvt: waiting for gdb on 127.0.0.1:$port" \
	"... in one line naming 127.0.0.1 and the port"
if grep -q "cannot debug guests" "$tmp/session.err"; then
	diag "$(grep "cannot debug" "$tmp/session.err")"
	kill $pid
	wait $pid
	for i in $(seq $((NKVM - 2))); do skip "this host's KVM cannot debug guests"; done
	finish
fi
cd "$tmp/uk"
out=$(timeout 120 gdb -batch -nx -ex "target remote 127.0.0.1:$port" -ex 'break start' \
	-ex continue -ex 'print answer' -ex 'set var answer = 5' -ex stepi -ex 'info registers rip' \
	-ex continue dist/noop.hvt 2>&1)
wait_tender
status=$?
like "$out" "^Breakpoint 1, start \(\) at unikernel.c:" "gdb stops at the breakpoint in start"
like "$out" '^\$1 = 42$' "gdb reads the variable"
like "$out" "^rip +0x[0-9a-f]+ +0x[0-9a-f]+ <start\+[1-9][0-9]*>$" "stepi moves rip inside start"
like "$out" "exited with code 05" "gdb's write to the variable reached the guest; gdb sees the exit"
is "$status" 5 "the tender exits with the guest's status"
[ "$status" = 5 ] || diag "$out" "$(cat "$tmp/session.err")"

start_tender kill
out=$(timeout 120 gdb -batch -nx -ex "target remote 127.0.0.1:$port" -ex 'break start' \
	-ex continue -ex kill dist/noop.hvt 2>&1)
wait_tender
status=$?
like "$out" "^Breakpoint 1, start" "second session: stopped in start"
is "$status/$(tail -1 "$tmp/kill.err")" "1/fata-hvt: gdb killed the guest" \
	"gdb's kill ends the tender (status 1, one line)"

# Garbage, bad checksums, addresses outside guest memory and a second debugger: the tender
# answers, refuses, and runs the guest on when the client leaves.
start_tender garbage
res=$(timeout 60 python3 - "$port" <<'EOF'
import socket, sys
port = int(sys.argv[1])
def pkt(p):
    return b"$" + p + b"#%02x" % (sum(p) & 0xff)
s = socket.create_connection(("127.0.0.1", port))
s.settimeout(20)
def ask(p):
    s.sendall(pkt(p))
    got = b""
    while b"#" not in got:
        got += s.recv(1)
    got += s.recv(1)
    got += s.recv(1)
    return got.decode()
s.sendall(b"\x00garbage\xff+++")
s.sendall(b"$?#00")
print("badsum", s.recv(1).decode())
print("stop", ask(b"?"))
print("wrap", ask(b"mffffffffffffff00,100"))
print("end", ask(b"m20000000,1"))
print("huge", ask(b"m100000,fffffffffffffff"))
print("long", ask(b"m" + b"0" * 5000 + b",1"))
try:
    socket.create_connection(("127.0.0.1", port), timeout=5)
    print("second connected")
except OSError:
    print("second refused")
print("alive", ask(b"m100000,1")[:2])
s.close()
EOF
)
wait_tender
status=$?
like "$res" "^badsum -$" "a packet with a bad checksum is refused with '-'"
like "$res" "^stop \+\\\$S05#b8$" "after garbage, '?' is answered"
like "$res" "^wrap \+\\\$E14#" "an address range wrapping around 2^64 is refused"
is "$(printf '%s\n' "$res" | grep -cE '^(end|huge|long) \+\$E(14|01)#')" 3 \
	"addresses past guest memory, huge lengths and an overlong packet are refused"
like "$res" "^second refused$" "a second connection is refused while gdb is attached"
like "$res" "^alive \+\\\$" "the stub still answers"
is "$status/$(grep -c 'gdb detached; the guest runs on' "$tmp/garbage.err")" "42/1" \
	"when the client leaves, the guest runs to its exit (status 42)"
finish
