#!/bin/bash
# fata-hvt --count-instructions: the option's checks, then (with KVM) the count line of a Fata
# guest (noop, with its entry `start` before the end), of a stripped copy (no symbol table), of
# a test guest without either entry symbol that exits with status 7, and of one that faults;
# each keeps the exit status it has without the option.
. "$(dirname "$0")/../lib/tap.sh"

HVT="$FATA_ROOT/bin/fata-hvt"
SPT="$FATA_ROOT/bin/fata-spt"
G="$FATA_ROOT/build/tests/tender"
[ -x "$HVT" ] && [ -x "$SPT" ] || skip_all "the tenders are not built"
for f in hello.hvt wx.hvt; do
	[ -f "$G/$f" ] || skip_all "test guests not built (make tender-check or make check)"
done
tap_tmpdir
ulimit -c 0
NKVM=14	# the tests below that need KVM

run() {
	out=$(timeout 120 "$HVT" "$@" 2>"$tmp/err")
	status=$?
	err=$(cat "$tmp/err")
}

like "$("$HVT" --help)" "--count-instructions +single-step the guest" "--help has --count-instructions"
run --count-instructions --gdb "$G/hello.hvt"
is "$status/$err" "1/fata-hvt: --count-instructions and --gdb exclude each other: both drive the guest's debugging; give one of them" \
	"--count-instructions with --gdb is refused in one line"
err=$("$SPT" --count-instructions "$tmp/none.spt" 2>&1)
is "$?/$err" "1/fata-spt: --count-instructions is for fata-hvt (it single-steps a KVM guest)" \
	"fata-spt refuses --count-instructions"

finish() { plan "$_tap_n"; tap_done; }
skip_kvm() { for i in $(seq $NKVM); do skip "$1"; done; finish; }
[ -e /dev/kvm ] || skip_kvm "no /dev/kvm on this machine: hvt guests cannot run"
run -q --count-instructions "$G/hello.hvt"
[[ $err != *"cannot single-step guests"* ]] || skip_kvm "this host's KVM cannot debug guests: $err"

COUNT='^fata-hvt: counted ([0-9]+) guest instructions, ([0-9]+) hypercalls \(([A-Z_ 0-9,]+)\); '

copy_example examples/tutorial/noop "$tmp/noop"
(cd "$tmp/noop" && "$FATA" configure -t hvt >/dev/null && make --no-print-directory >/dev/null) \
	2>"$tmp/build.err" || cat "$tmp/build.err" >&2
KERNEL="$tmp/noop/dist/noop.hvt"

run -q --count-instructions "$KERNEL"
is "$status/$out" "0/" "noop: exits 0 and prints nothing, as without the option"
if like "$err" "${COUNT}start reached after [0-9]+ instructions$" "noop: a count line naming start" &&
   is "$(printf '%s\n' "$err" | wc -l)" 1 "noop: it is the one line on stderr with -q"; then
	[[ $err =~ $COUNT ]] && total=${BASH_REMATCH[1]} calls=${BASH_REMATCH[3]}
	[[ $err =~ after\ ([0-9]+)\ instructions ]] && entry=${BASH_REMATCH[1]}
	[ "$entry" -gt 0 ] && [ "$entry" -lt "$total" ]
	ok $? "noop: start comes after $entry of $total instructions"
	like "$calls" "HALT 1\$" "noop: the hypercalls end with one HALT ($calls)"
else
	skip "no count line"; skip "no count line"; skip "no count line"
fi
run --count-instructions "$KERNEL"
like "$(tail -2 <<<"$err" | tr '\n' '|')" "^fata-hvt: counted .*\|fata-hvt: guest exited with status 0\|$" \
	"without -q: the count line, then the guest's status"

strip -o "$tmp/stripped.hvt" "$KERNEL"
run -q --count-instructions "$tmp/stripped.hvt"
is "$status" 0 "stripped noop: still runs"
like "$err" "${COUNT}no symbol table: the application's entry is unknown$" \
	"stripped noop: says there is no symbol table"
[[ $err =~ $COUNT ]]
is "${BASH_REMATCH[1]}" "$total" "stripped noop: the same number of instructions"

run -q "$G/hello.hvt"
want="$status/$out"
run -q --count-instructions "$G/hello.hvt"
is "$status/$out" "$want" "a test guest keeps its status and output ($want)"
like "$err" "${COUNT}no symbol start or solo5_app_main$" "a guest without either entry symbol"

# A write to text: the guest faults, the tender stops it; the counts come first.
run -q --count-instructions "$G/wx.hvt" wtext
is "$status" 1 "a faulting guest: status 1, as without the option"
like "$(head -1 <<<"$err")" "${COUNT}no symbol start or solo5_app_main$" \
	"a faulting guest: the count line first"
like "$(sed -n 2p <<<"$err")" "^fata-hvt: guest error: triple fault" "a faulting guest: then the guest error"

# A hypercall with an argument outside guest memory: the tender stops it; the counts come first.
truncate -s 8192 "$tmp/disk.img"
run -q --count-instructions --block:storage="$tmp/disk.img" "$G/blk.hvt" badptr
is "$status" 1 "a bad hypercall argument: status 1, as without the option"
like "$(head -1 <<<"$err")" "${COUNT}no symbol start or solo5_app_main$" \
	"a bad hypercall argument: the count line first"
like "$(sed -n 2p <<<"$err")" "^fata-hvt: guest error in hypercall PUTS: data at" \
	"a bad hypercall argument: then the guest error"
finish
