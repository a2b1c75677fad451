#!/bin/bash
# Bad input to fata-hvt and fata-spt: every case must give exactly one line on stderr that names
# the problem, and exit status 1 (never a crash). hvt checks everything before it opens /dev/kvm,
# so these run on machines without KVM too.
. "$(dirname "$0")/../lib/tap.sh"

G="$FATA_ROOT/build/tests/tender"
for f in hello.hvt hello.spt devices.hvt devices.spt blk.hvt blk.spt; do
	[ -f "$G/$f" ] || skip_all "test guests not built (make tender-check or make check)"
done
[ -x "$FATA_ROOT/bin/fata-hvt" ] && [ -x "$FATA_ROOT/bin/fata-spt" ] ||
	skip_all "tenders not built"
command -v python3 >/dev/null || skip_all "python3 is needed to make the broken binaries"

tap_tmpdir >/dev/null	# not $(tap_tmpdir): the subshell's exit would remove it at once
tmp=$_tap_tmp
ulimit -c 0
truncate -s 4096 "$tmp/disk.img"
truncate -s 1000 "$tmp/odd.img"
: >"$tmp/empty.img"
long=$(head -c 9000 /dev/zero | tr '\0' x)

# bad T REGEX DESCRIPTION ARGS...: runs fata-T ARGS and checks status 1, one line, the message.
bad() {
	local t=$1 re=$2 desc=$3 err status lines
	shift 3
	err=$("$FATA_ROOT/bin/fata-$t" "$@" 2>&1 >/dev/null)
	status=$?
	lines=$(printf '%s\n' "$err" | wc -l)
	if [ "$status" -eq 1 ] && [ "$lines" -eq 1 ]; then
		ok 0 "$t: $desc: status 1, one line"
	else
		ok 1 "$t: $desc: status 1, one line"
		diag "status $status, stderr:" "$err"
	fi
	like "$err" "^fata-$t: $re" "$t: $desc: says what is wrong"
}

for t in hvt spt; do
	other=spt
	[ $t = spt ] && other=hvt
	python3 "$FATA_ROOT/tests/tender/mkbad.py" "$G/hello.$t" "$tmp/bad-$t" ||
		{ echo "Bail out! mkbad.py failed"; exit 1; }
	b="$tmp/bad-$t"

	bad $t "$b/notelf: not an ELF file$" "not an ELF" "$b/notelf"
	bad $t "$b/trunc-ident: truncated: 10 bytes" "ELF cut at 10 bytes" "$b/trunc-ident"
	bad $t "$b/trunc-header: truncated: 63 bytes" "ELF cut in its header" "$b/trunc-header"
	bad $t "$b/trunc-phdrs: truncated: the program header table" "ELF cut in its program headers" \
		"$b/trunc-phdrs"
	bad $t "$b/trunc-notes: truncated: note segment" "ELF cut in a note" "$b/trunc-notes"
	bad $t "$b/trunc-text: truncated:" "ELF cut in its text" "$b/trunc-text"
	bad $t "$G/hello.$other: built for the $other target \(ABI target [12]\), not $t" \
		"$other binary given to $t" "$G/hello.$other"
	bad $t "$b/abi-version: needs $t ABI version 3, this tender implements version 2" \
		"wrong ABI version" "$b/abi-version"
	bad $t "$b/no-mft: no Solo5 MFT1 manifest note" "no manifest" "$b/no-mft"
	bad $t "$b/mft-entries: manifest has 65 entries" "manifest with 65 entries" "$b/mft-entries"
	bad $t "$b/low-segment: segment 0 at 0x1000 is below 0x100000" "segment below 0x100000" \
		"$b/low-segment"
	bad $t "$b/big-segment: segment at 0x[0-9a-f]+\.\.0x[0-9a-f]+ ends past the end of guest memory \(16 MB\); needs --mem=3[0-9] or more" \
		"segment past the end of memory" --mem=16 "$b/big-segment"
	bad $t "$b/wx-segment: segment 0 at 0x100000 is both writable and executable" \
		"writable and executable segment" "$b/wx-segment"
	bad $t "$tmp/nonexistent: No such file or directory" "missing kernel file" "$tmp/nonexistent"
	bad $t "$tmp: not a regular file" "kernel is a directory" "$tmp"

	bad $t "$G/blk.$t: declared devices are not attached; give --block:storage=PATH$" \
		"declared block device not attached" "$G/blk.$t"
	bad $t "$G/devices.$t: declared devices are not attached; give --block:storage=PATH, --net:service=IFACE$" \
		"declared devices not attached" "$G/devices.$t"
	bad $t "--block:nope=$tmp/disk.img: $G/blk.$t declares no device 'nope' \(its devices: storage \(block\)\)" \
		"--block: for an undeclared name" --block:nope="$tmp/disk.img" "$G/blk.$t"
	bad $t "--block:service=$tmp/disk.img: 'service' is a net device, not a block device" \
		"net device given as block" --block:storage="$tmp/disk.img" \
		--block:service="$tmp/disk.img" "$G/devices.$t"
	bad $t "--net:storage=tap0: 'storage' is a block device, not a net device" \
		"block device given as net" --net:storage=tap0 "$G/blk.$t"
	bad $t "--block:storage=$tmp/missing.img: $tmp/missing.img: No such file or directory" \
		"missing block file" --block:storage="$tmp/missing.img" "$G/blk.$t"
	bad $t "--block:storage=$tmp/odd.img: $tmp/odd.img has 1000 bytes, not a multiple of the sector size 512" \
		"block file not a multiple of the sector size" --block:storage="$tmp/odd.img" "$G/blk.$t"
	bad $t "--block:storage=$tmp/disk.img: $tmp/disk.img has 4096 bytes, not a multiple of the sector size 8192" \
		"block file smaller than one sector" --block-sector-size:storage=8192 \
		--block:storage="$tmp/disk.img" "$G/blk.$t"
	bad $t "--block:storage=$tmp/empty.img: $tmp/empty.img is empty" "empty block file" \
		--block:storage="$tmp/empty.img" "$G/blk.$t"
	bad $t "--block-sector-size:storage=1000: the sector size must be a power of two from 512 to 32768" \
		"sector size not a power of two" --block-sector-size:storage=1000 "$G/blk.$t"
	bad $t "--block:storage=$tmp/disk.img: device 'storage' already has this option" \
		"the same device twice" --block:storage="$tmp/disk.img" --block:storage="$tmp/disk.img" \
		"$G/blk.$t"
	bad $t "--block:=$tmp/disk.img: a device name is 1 to 67 letters and digits" "empty device name" \
		--block:="$tmp/disk.img" "$G/blk.$t"
	bad $t "--net-mac:service=02:00:00:00:00: expected a MAC address" "bad MAC" \
		--net-mac:service=02:00:00:00:00 "$G/devices.$t"
	bad $t "--net:service=@x: expected a file descriptor number" "bad @FD" \
		--net:service=@x "$G/devices.$t"
	bad $t "--net:service=@9: descriptor 9 is not open" "@FD not open" \
		--block:storage="$tmp/disk.img" --net:service=@9 "$G/devices.$t"
	exec 9<"$tmp/disk.img"
	bad $t "--net:service=@9: descriptor 9 is not a tap device" "@FD that is a file" \
		--block:storage="$tmp/disk.img" --net:service=@9 "$G/devices.$t"
	exec 9<&-
	bad $t "--mem=1: guest memory must be 2 to 4096 MB" "--mem too small" --mem=1 "$G/hello.$t"
	bad $t "--mem=abc: expected a number of megabytes" "--mem not a number" --mem=abc "$G/hello.$t"
	bad $t "--mem=: expected a number of megabytes" "--mem empty" --mem= "$G/hello.$t"
	bad $t "--mem=99999999999999999999999: expected a number of megabytes" "--mem overflowing" \
		--mem=99999999999999999999999 "$G/hello.$t"
	bad $t "unknown option '--frobnicate' \(see --help\)" "unknown option" --frobnicate "$G/hello.$t"
	bad $t "missing KERNEL" "no arguments at all"
	bad $t "missing KERNEL" "options but no kernel" --mem=64 --
	bad $t "the guest's command line would be 9000 characters long; at most 8191 fit" \
		"command line too long" "$G/hello.$t" "$long"
done

plan "$_tap_n"
tap_done
