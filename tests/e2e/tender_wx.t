#!/bin/bash
# W^X for guests that never load page tables of their own (as stock Solo5 guests do not): the
# tenders alone must stop a write to text or rodata and a jump into data or rodata, and say
# where. On hvt this is the page tables fata-hvt builds from the ELF program headers, and behind
# them the read-only host mapping (wtext-nowp turns off CR0.WP, so only the host stops it).
. "$(dirname "$0")/../lib/tap.sh"

G="$FATA_ROOT/build/tests/tender"
for f in wx.hvt wx.spt forbidden.spt; do
	[ -f "$G/$f" ] || skip_all "test guests not built (make tender-check or make check)"
done

tap_tmpdir >/dev/null
tmp=$_tap_tmp
ulimit -c 0

run() {
	out=$(timeout 120 "$@" 2>"$tmp/err")
	status=$?
	err=$(cat "$tmp/err")
}

# The guest's page fault, which it has no handler for: the tender reports the address (cr2)
# and the segment it lies in.
declare -A seg=([wtext]='segment 0 \(r-x\)' [wrodata]='segment 1 \(r--\)'
		[xdata]='segment 2 \(rw-\)' [xrodata]='segment 1 \(r--\)')
if [ -e /dev/kvm ]; then
	for what in wtext wrodata xdata xrodata; do
		run "$FATA_ROOT/bin/fata-hvt" -q "$G/wx.hvt" "$what"
		is "$status" 1 "hvt $what: the guest is stopped (status 1)"
		is "$out" "trying $what" "hvt $what: nothing runs after it"
		like "$err" "^fata-hvt: guest error: triple fault .* at rip 0x1[0-9a-f]{5}; last page fault address \(cr2\) 0x1[0-9a-f]{5} in ${seg[$what]}$" \
			"hvt $what: reported with the address and its segment"
	done
	run "$FATA_ROOT/bin/fata-hvt" -q "$G/wx.hvt" wtext-nowp
	is "$status" 1 "hvt wtext-nowp: the read-only host mapping stops the write"
	is "$out" "trying wtext-nowp" "hvt wtext-nowp: nothing runs after it"
	like "$err" '^fata-hvt: guest error: write to read-only memory at 0x1[0-9a-f]{5} in segment 0 \(r-x\), at rip 0x1[0-9a-f]{5}$' \
		"hvt wtext-nowp: reported with the address and its segment"
else
	for i in $(seq 15); do
		skip "no /dev/kvm on this machine: hvt guests cannot run"
	done
fi

for what in wtext wrodata xdata xrodata; do
	run "$FATA_ROOT/bin/fata-spt" -q "$G/wx.spt" "$what"
	is "$status" 139 "spt $what: the guest dies by SIGSEGV (139), as under solo5-spt"
	is "$out" "trying $what" "spt $what: nothing runs after it"
	like "$err" '^fata-spt: guest fault: SIGSEGV \(invalid memory access\), address 0x1[0-9a-f]{5}, rip 0x1[0-9a-f]{5}' \
		"spt $what: reported with the address"
done

# spt's guard pages for fiber stacks (SPT_FEATURE_STACK_GUARD): the sandbox allows mprotect of one
# page inside guest memory to PROT_NONE or read-write, and nothing else.
run "$FATA_ROOT/bin/fata-spt" -q "$G/forbidden.spt" mprotect-ok
is "$status/$out" "0/guard page made and given back" "spt: mprotect of one heap page to PROT_NONE and back"
for what in mprotect-exec mprotect-out mprotect-len; do
	run "$FATA_ROOT/bin/fata-spt" -q "$G/forbidden.spt" "$what"
	is "$status/$out" "159/calling mprotect" "spt $what: killed by the sandbox (SIGSYS)"
done
run "$FATA_ROOT/bin/fata-spt" -q --no-extensions "$G/forbidden.spt" mprotect-ok
is "$status" 159 "spt --no-extensions: no mprotect at all, as under solo5-spt"

plan "$_tap_n"
tap_done
