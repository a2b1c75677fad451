#!/bin/bash
# The page tables an hvt guest builds for itself (platform/x86_64/paging.c), read from a core
# file (--dumpcore) and walked page by page by tests/lib/hvt_pagetables.py: W^X, the unmapped
# zero page, guard page and end of memory, the identity mapping; with 2, 4 and 512 MiB of
# memory, and for an image whose 5 MiB of rodata span whole 2 MiB regions. Also that a small
# image needs few 4 KiB pages (the rest are 2 MiB pages: what keeps the boot short).
. "$(dirname "$0")/../lib/tap.sh"
tap_tmpdir
to=120
ulimit -c 0
NKVM=8
finish() { plan "$_tap_n"; tap_done; }
[ -e /dev/kvm ] || { for i in $(seq $NKVM); do skip "hvt: /dev/kvm is missing on this machine"; done; finish; }
grep -qw nx /proc/cpuinfo && nx=1 || nx=0

# uk NAME SOURCE: a noop copy with unikernel.c replaced, built for hvt; faults in start().
uk() {
	copy_example examples/tutorial/noop "$tmp/$1"
	printf '%s\n' "$2" >"$tmp/$1/unikernel.c"
	(cd "$tmp/$1" && "$FATA" configure -t hvt >/dev/null && make --no-print-directory >/dev/null) \
		2>"$tmp/$1.err" || cat "$tmp/$1.err" >&2
}
# check NAME MB: runs it with --mem=MB and --dumpcore, then walks the tables in the core.
check() {
	rm -rf "$tmp/cores" && mkdir "$tmp/cores"
	timeout $to fata-hvt -q --mem=$2 --dumpcore="$tmp/cores" "$tmp/$1/dist/noop.hvt" >/dev/null 2>&1
	st=$?
	res=$(python3 "$FATA_ROOT/tests/lib/hvt_pagetables.py" "$tmp"/cores/core.* \
		"$tmp/$1/dist/noop.hvt" $2 $nx 2>&1)
}

uk small '#include "fata/unikernel.h"
int start(void) { return *(volatile int *)8; }'
for mb in 2 4 512; do
	check small $mb
	like "$st/$res" "^255/pages [0-9]+ 4k [0-9]+ 2m [0-9]+ 2m-image [0-9]+ mismatches 0$" \
		"--mem=$mb: every page as the rules say (status $st; $(tail -1 <<<"$res"))"
done
[[ $res =~ 4k\ ([0-9]+) ]] && small=${BASH_REMATCH[1]}
[ "${small:-9999}" -le 1024 ]
ok $? "--mem=512: 4 KiB pages only in two 2 MiB regions ($small)"

uk big '#include "fata/unikernel.h"
const char big_ro[5 << 20] = { 1 };
int start(void)
{
	const char *p = big_ro;
	__asm__ volatile("" : "+r"(p));
	return p[0] + *(volatile int *)8;
}'
check big 16
like "$st/$res" "^255/pages [0-9]+ 4k [0-9]+ 2m [0-9]+ 2m-image [0-9]+ mismatches 0$" \
	"5 MiB of rodata, --mem=16: every page as the rules say ($(tail -1 <<<"$res"))"
[[ $res =~ 2m-image\ ([0-9]+) ]]
is "${BASH_REMATCH[1]}" 1024 "the two whole 2 MiB regions of rodata are read-only 2 MiB pages"

# The checker itself: the same core against the wrong memory size must not pass.
check small 4
res=$(python3 "$FATA_ROOT/tests/lib/hvt_pagetables.py" "$tmp"/cores/core.* \
	"$tmp/small/dist/noop.hvt" 6 $nx 2>&1)
like "$res" "mismatches [1-9]" "the checker finds pages that differ from the rules"
like "$res" "^page 0x3bf000: None, expected \(True, " "and names the first: the guard page of 4 MiB"
finish
