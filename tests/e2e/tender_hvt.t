#!/bin/bash
# fata-hvt: what works without KVM (help, version, the message when /dev/kvm is missing), and
# with KVM the test guests: output and status, the command line, block I/O, a bad hypercall.
. "$(dirname "$0")/../lib/tap.sh"

G="$FATA_ROOT/build/tests/tender"
HVT="$FATA_ROOT/bin/fata-hvt"
for f in hello.hvt cmdline.hvt blk.hvt devices.hvt; do
	[ -f "$G/$f" ] || skip_all "test guests not built (make tender-check or make check)"
done
[ -x "$HVT" ] || skip_all "fata-hvt not built"

tap_tmpdir >/dev/null
tmp=$_tap_tmp
ulimit -c 0

run() {
	out=$("$HVT" "$@" 2>"$tmp/err")
	status=$?
	err=$(cat "$tmp/err")
}

run --help
is "$status" 0 "--help exits 0"
like "$out" "^usage: fata-hvt \[OPTIONS\] \[--\] KERNEL \[ARGS...\]" "--help prints the usage"
run --version
like "$out" "^fata-hvt [0-9.]+ \(Solo5 hvt ABI version 2\)$" "--version names the ABI"

printf 'sector zero text\n' >"$tmp/disk.img"
truncate -s 8192 "$tmp/disk.img"

if [ ! -e /dev/kvm ]; then
	run "$G/hello.hvt"
	is "$status" 1 "without /dev/kvm: status 1"
	is "$err" "fata-hvt: /dev/kvm: No such file or directory (KVM is needed to run hvt unikernels)" \
		"without /dev/kvm: one line saying KVM is needed"
	run -q --mem=3 --block:storage="$tmp/disk.img" "$G/blk.hvt" rw
	is "$err" "fata-hvt: /dev/kvm: No such file or directory (KVM is needed to run hvt unikernels)" \
		"options, binary and devices are checked before KVM is needed"
	for i in $(seq 19); do
		skip "no /dev/kvm on this machine: hvt guests cannot run"
	done
	plan "$_tap_n"
	tap_done
fi

for i in 1 2 3; do
	skip "this machine has /dev/kvm; the no-KVM message is tested elsewhere"
done

run -q "$G/hello.hvt"
is "$out" "hello from guest" "hello: PUTS writes to stdout"
is "$status" 7 "hello: HALT's status is the process status"
run "$G/hello.hvt"
like "$err" "fata-hvt: guest exited with status 7" "without -q: says the guest's status on stderr"
like "$err" "text +0x00100000-0x00101000 r-x" "without -q: the memory map on stderr"
run -q --mem=3 "$G/hello.hvt"
is "$status" 7 "--mem=3 is rounded down to 2 MB and runs"

run -q "$G/cmdline.hvt" plain "two words" 'a "q" \ b'
is "$(printf '%s\n' "$out" | tail -n +2)" "$(printf '[%s]\n' plain "two words" 'a "q" \ b')" \
	"the command line round-trips"

run -q --block:storage="$tmp/disk.img" "$G/blk.hvt" info
is "$out" "capacity 8192 block_size 512" "block: capacity and block size in the manifest"
run -q --block:storage="$tmp/disk.img" --block-sector-size:storage=4096 "$G/blk.hvt" info
is "$out" "capacity 8192 block_size 4096" "block: --block-sector-size sets the block size"
run -q --block:storage="$tmp/disk.img" "$G/blk.hvt" rw
is "$out" "$(printf 'sector 0: sector zero text\nwrote sector 1')" "block: read and write"
is "$(dd if="$tmp/disk.img" bs=512 skip=1 count=1 status=none | head -1)" "written by guest" \
	"block: the guest's write reached the file"
run -q --block:storage="$tmp/disk.img" "$G/blk.hvt" beyond
is "$out" "$(printf 'reading past the end\nEINVAL')" "block: reading at the capacity is EINVAL"
printf 'the last sector\n' | dd of="$tmp/disk.img" bs=512 seek=15 conv=notrunc status=none
run -q --block:storage="$tmp/disk.img" "$G/blk.hvt" multi
is "$out" "$(printf 'feature: block multi\nlast sector: the last sector')" \
	"block: HVT_FEATURE_BLOCK_MULTI is offered; 16 blocks in one BLOCK_READ"
run -q --no-extensions --block:storage="$tmp/disk.img" "$G/blk.hvt" multi
is "$status/$out" "1/$(printf 'feature: none\none read of the whole disk failed')" \
	"block: --no-extensions offers no multi-block I/O, and 16 blocks in one call are refused"
run -q --block:storage="$tmp/disk.img" "$G/blk.hvt" badptr
is "$status" 1 "a PUTS outside guest memory stops the guest with status 1"
like "$err" "^fata-hvt: guest error in hypercall PUTS: data at 0x[0-9a-f]+ \(100 bytes\) is outside guest memory" \
	"and says which hypercall and what was wrong"

# Network devices: a tap in a network namespace of our own (198.18.0.0/15, never the host's).
innetns() {
	unshare -n bash -c 'sysctl -q -w net.ipv6.conf.default.disable_ipv6=1 2>/dev/null
		ip link set lo up && ip tuntap add dev fatatap0 mode tap &&
			ip link set fatatap0 up || exit 99
		'"$1" "${@:2}"
}
if unshare -n true 2>/dev/null && command -v ip >/dev/null; then
	devs=(--block:storage="$tmp/disk.img" --net:service=fatatap0)
	out=$(innetns '"$0" -q "$@"' "$HVT" "${devs[@]}" --net-mac:service=02:00:00:00:00:2a \
		"$G/devices.hvt" 2>&1)
	is "$out" "$(printf 'storage: capacity 8192 block_size 512\nservice: mac 02:00:00:00:00:2a mtu 1500')" \
		"net: a tap attached by name; --net-mac and MTU 1500 in the manifest"
	out=$(innetns '"$0" -q "$@"' "$HVT" "${devs[@]}" "$G/devices.hvt" net 2>&1)
	is "$out" "$(printf 'write: ok\nread: again\nyield: timer')" \
		"net: NET_WRITE, AGAIN from NET_READ, POLL times out"
	out=$(innetns '"$0" fatatap0 "$1" -q --block:storage="$2" --net:service=@3 "$3" net' \
		"$FATA_ROOT/tests/lib/tapfd.py" "$HVT" "$tmp/disk.img" "$G/devices.hvt" 2>&1)
	is "$out" "$(printf 'write: ok\nread: again\nyield: timer')" \
		"net: a tap handed over as an open descriptor (--net:service=@3)"
	out=$(innetns '"$0" -q "$@" & sleep 0.3; ip addr add 198.18.0.1/24 dev fatatap0
		ping -c 1 -W 2 198.18.0.2 >/dev/null 2>&1; wait' "$HVT" "${devs[@]}" \
		"$G/devices.hvt" netrecv 2>&1)
	is "$out" "frame: ethertype 0x0806" "net: POLL wakes the guest for the host's ARP request"
else
	for i in 1 2 3 4; do skip "cannot make a network namespace here (unshare -n)"; done
fi

plan "$_tap_n"
tap_done
