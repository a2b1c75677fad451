#!/bin/bash
# fata-spt running real guests (tests/tender/): output and exit status, the sandbox killing a
# forbidden system call, read-only text, the command line round trip, block I/O within and beyond
# the seccomp rules.
. "$(dirname "$0")/../lib/tap.sh"

G="$FATA_ROOT/build/tests/tender"
SPT="$FATA_ROOT/bin/fata-spt"
for f in hello.spt forbidden.spt wtext.spt cmdline.spt blk.spt; do
	[ -f "$G/$f" ] || skip_all "test guests not built (make tender-check or make check)"
done
[ -x "$SPT" ] || skip_all "fata-spt not built"

tap_tmpdir >/dev/null
tmp=$_tap_tmp
ulimit -c 0

# run ARGS...: runs fata-spt; sets $out, $err, $status.
run() {
	out=$("$SPT" "$@" 2>"$tmp/err")
	status=$?
	err=$(cat "$tmp/err")
}

run -q "$G/hello.spt"
is "$out" "hello from guest" "hello: the guest's output on stdout"
is "$status" 7 "hello: the guest's exit status is the process status"
is "$err" "" "hello: --quiet prints nothing on stderr"

run "$G/hello.spt"
is "$out" "hello from guest" "hello without -q: stdout holds only the guest's output"
like "$err" "^fata-spt [0-9.]+: spt unikernel .*hello.spt, 512 MB of memory$" "banner on stderr"
like "$err" "text +0x00100000-0x00101000 r-x" "memory map: text is r-x"
like "$err" "rodata +0x00101000-0x00102000 r--" "memory map: rodata is r--"
like "$err" "heap +0x00102000-0x20000000 rw-" "memory map: heap up to the end of memory"

run -q --mem=2 "$G/hello.spt"
is "$status" 7 "runs with --mem=2"

run -q "$G/forbidden.spt"
is "$status" 159 "a forbidden system call (getpid) kills the guest with SIGSYS"
is "$out" "calling getpid" "nothing runs after the forbidden system call"

run -q "$G/wtext.spt"
is "$status" 139 "writing to its own text ends the guest by SIGSEGV (status 139), as under solo5-spt"
is "$out" "writing to text" "nothing runs after the write to text"
like "$err" '^fata-spt: guest fault: SIGSEGV \(invalid memory access\), address 0x1[0-9a-f]{5}, rip 0x1[0-9a-f]{5}, ' \
	"and the tender says where the guest faulted"

run -q "$G/cmdline.spt" plain "two words" 'a "quoted" word' 'back\slash' '' "  spaces  " --key=v
is "$status" 0 "cmdline guest exits 0"
is "$(printf '%s\n' "$out" | head -1)" \
	'cmdline: plain "two words" "a \"quoted\" word" "back\\slash" "" "  spaces  " --key=v' \
	"the command line quotes arguments with spaces, quotes and backslashes"
is "$(printf '%s\n' "$out" | tail -n +2)" "$(printf '[%s]\n' plain "two words" 'a "quoted" word' \
	'back\slash' '' "  spaces  " --key=v)" "split again, the arguments come back unchanged"

run -q -- "$G/cmdline.spt" --mem=8
is "$out" "$(printf 'cmdline: --mem=8\n[--mem=8]')" "arguments after the kernel go to the guest"

run -q "$G/cmdline.spt"
is "$out" "cmdline: " "no arguments: an empty command line"

printf 'sector zero text\n' >"$tmp/disk.img"
truncate -s 8192 "$tmp/disk.img"
run -q --block:storage="$tmp/disk.img" "$G/blk.spt" info
is "$out" "capacity 8192 block_size 512" "block: capacity and default block size in the manifest"
run -q --block:storage="$tmp/disk.img" --block-sector-size:storage=4096 "$G/blk.spt" info
is "$out" "capacity 8192 block_size 4096" "block: --block-sector-size sets the block size"
run -q --block:storage="$tmp/disk.img" "$G/blk.spt" rw
is "$status" 0 "block: read and write within capacity"
is "$out" "$(printf 'sector 0: sector zero text\nwrote sector 1')" "block: the guest reads sector 0"
is "$(dd if="$tmp/disk.img" bs=512 skip=1 count=1 status=none | head -1)" "written by guest" \
	"block: the guest's write reached the file"
is "$(stat -c %s "$tmp/disk.img")" 8192 "block: the file did not grow"
run -q --block:storage="$tmp/disk.img" "$G/blk.spt" badcount
is "$status" 159 "block: reading other than one block kills the guest (SIGSYS)"
run -q --block:storage="$tmp/disk.img" "$G/blk.spt" beyond
is "$status" 159 "block: reading at the capacity kills the guest (SIGSYS)"
printf 'the last sector\n' | dd of="$tmp/disk.img" bs=512 seek=15 conv=notrunc status=none
run -q --block:storage="$tmp/disk.img" "$G/blk.spt" multi
is "$out" "$(printf 'feature: block multi\nlast sector: the last sector')" \
	"block: SPT_FEATURE_BLOCK_MULTI is offered; 16 blocks in one pread64"
run -q --no-extensions --block:storage="$tmp/disk.img" "$G/blk.spt" multi
is "$status/$out" "159/feature: none" \
	"block: --no-extensions offers no multi-block I/O, and the sandbox kills 16 blocks in one call"
run -q --block:storage="$tmp/disk.img" "$G/blk.spt" three
is "$status/$out" "159/reading three blocks" "block: three blocks (not a power of two) in one call: SIGSYS"
run -q --block:storage="$tmp/disk.img" "$G/blk.spt" straddle
is "$status/$out" "159/reading across the end" "block: two blocks from the last one, past the capacity: SIGSYS"
is "$(stat -c %s "$tmp/disk.img")" 8192 "block: the file still did not grow"

# Network devices: a tap in a network namespace of our own (198.18.0.0/15, never the host's).
innetns() { # innetns SCRIPT ARGS...: runs SCRIPT in a new network namespace with tap fatatap0 up
	unshare -n bash -c 'sysctl -q -w net.ipv6.conf.default.disable_ipv6=1 2>/dev/null
		ip link set lo up && ip tuntap add dev fatatap0 mode tap &&
			ip link set fatatap0 up || exit 99
		'"$1" "${@:2}"
}
if [ -f "$G/devices.spt" ] && unshare -n true 2>/dev/null && command -v ip >/dev/null; then
	devs=(--block:storage="$tmp/disk.img" --net:service=fatatap0)
	out=$(innetns '"$0" -q "$@"' "$SPT" "${devs[@]}" --net-mac:service=02:00:00:00:00:2a \
		"$G/devices.spt" 2>&1)
	is "$out" "$(printf 'storage: capacity 8192 block_size 512\nservice: mac 02:00:00:00:00:2a mtu 1500')" \
		"net: a tap attached by name; --net-mac and MTU 1500 in the manifest"
	out=$(innetns '"$0" -q "$@"' "$SPT" "${devs[@]}" "$G/devices.spt" net 2>&1)
	is "$out" "$(printf 'write: ok\nread: again\nyield: timer')" \
		"net: write a frame, AGAIN when nothing to read, the timerfd ends a yield"
	out=$(innetns '"$0" fatatap0 "$1" -q --block:storage="$2" --net:service=@3 "$3" net' \
		"$FATA_ROOT/tests/lib/tapfd.py" "$SPT" "$tmp/disk.img" "$G/devices.spt" 2>&1)
	is "$out" "$(printf 'write: ok\nread: again\nyield: timer')" \
		"net: a tap handed over as an open descriptor (--net:service=@3)"
	out=$(innetns '"$0" -q "$@" & sleep 0.3; ip addr add 198.18.0.1/24 dev fatatap0
		ping -c 1 -W 2 198.18.0.2 >/dev/null 2>&1; wait' "$SPT" "${devs[@]}" \
		"$G/devices.spt" netrecv 2>&1)
	is "$out" "frame: ethertype 0x0806" "net: epoll wakes the guest for the host's ARP request"
	out=$(innetns '"$0" -q "$@" netrecv >/dev/null 2>&1 & first=$!; sleep 0.3
		"$0" -q "$@"; kill $first; wait' "$SPT" "${devs[@]}" "$G/devices.spt" 2>&1)
	is "$out" "fata-spt: --net:service=fatatap0: tap interface 'fatatap0' is in use" \
		"net: a tap another tender has is refused"
	out=$(innetns '"$0" -q --block:storage="$1" --net:service=lo "$2"' "$SPT" "$tmp/disk.img" \
		"$G/devices.spt" 2>&1)
	is "$out" "fata-spt: --net:service=lo: 'lo' is not a tap interface" \
		"net: an interface that is not a tap is refused"
else
	for i in 1 2 3 4 5 6; do skip "cannot make a network namespace here (unshare -n)"; done
fi

run --help
is "$status" 0 "--help exits 0"
like "$out" "^usage: fata-spt \[OPTIONS\] \[--\] KERNEL \[ARGS...\]" "--help prints the usage"
run --version
is "$status" 0 "--version exits 0"
like "$out" "^fata-spt [0-9.]+ \(Solo5 spt ABI version 2\)$" "--version names the ABI"

plan "$_tap_n"
tap_done
