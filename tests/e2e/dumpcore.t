#!/bin/bash
# --dumpcore=DIR on both tenders, with the probe (tests/e2e/fixtures/probe): a guest that faults
# or aborts leaves DIR/core.fata-TARGET.PID, an ELF core that gdb opens with the unikernel and
# whose backtrace names the faulting function; without the option, or when the guest exits
# normally, nothing is written; a missing DIR, a DIR that is a symbolic link, or a core name that
# already exists (here a symbolic link to elsewhere) give a clear error and write nothing
# outside DIR.
. "$(dirname "$0")/../lib/tap.sh"
plan 40
tap_tmpdir
to=120	# guest code is emulated on some KVM hosts
ulimit -c 0	# the host's own core dumps of the dying tender are not what is tested

for target in spt hvt; do
	if [ "$target" = hvt ] && [ ! -e /dev/kvm ]; then
		for i in $(seq 20); do skip "hvt: /dev/kvm is missing on this machine"; done
		continue
	fi
	[ $target = spt ] && fault=139 || fault=255
	d="$tmp/$target"
	copy_example tests/e2e/fixtures/probe "$d/probe"
	(cd "$d/probe" && fata configure -t $target >/dev/null && make --no-print-directory >/dev/null) \
		2>"$d/build.err"
	ok $? "$target: the probe builds"
	uk="$d/probe/dist/probe.$target"
	mkdir -p "$d/cwd" "$d/cores" "$d/elsewhere"

	# run [OPTIONS...] -- GUEST-ARGS...: runs in the empty $d/cwd; sets st, out, err.
	run() {
		local opts=()
		while [ "$1" != -- ]; do opts+=("$1"); shift; done
		shift
		out=$(cd "$d/cwd" && timeout $to "fata-$target" -q --mem=4 "${opts[@]}" "$uk" "$@" \
			2>"$d/err")
		st=$?
		err=$(cat "$d/err")
	}

	run -- --do=pf
	is "$st" $fault "$target: without --dumpcore a page fault ends with status $fault"
	is "$(ls -A "$d/cwd")" "" "$target: and no file is written"

	run --dumpcore="$d/cores" -- --do=pf
	is "$st" $fault "$target: with --dumpcore the status is the same ($fault)"
	core=$(ls "$d/cores"/core.fata-$target.* 2>/dev/null)
	is "$(echo "$core" | grep -c .)" 1 "$target: one core file appears in DIR"
	like "$err" "^fata-$target: dumpcore: guest core written to $d/cores/core\.fata-$target\.[0-9]+ " \
		"$target: and the tender says where"
	like "$(readelf -h "$core" 2>&1)" 'Type: +CORE' "$target: readelf: it is an ELF core"
	like "$(readelf -l "$core" 2>&1)" 'LOAD +0x[0-9a-f]+ 0x00000000000(0|1)0000 ' \
		"$target: guest memory is a PT_LOAD segment at its guest address"
	bt=$(gdb -nx -batch -ex bt "$uk" "$core" 2>&1)
	like "$bt" '^#0  0x[0-9a-f]+ in start \(.*\) at unikernel\.c:[0-9]+$' \
		"$target: gdb bt: frame #0 is the faulting function, start(), with its line"
	like "$bt" '^#1  .* in fata_runtime_main ' "$target: gdb bt: and its caller"
	[ "$(stat -c %b "$core")" -lt 2048 ]
	ok $? "$target: the core is sparse: zero pages take no disk space ($(stat -c %b "$core") blocks)"
	rm -f "$d/cores"/*

	run --dumpcore="$d/cores" -- --do=smash
	is "$st" 255 "$target: an abort (stack smashing) ends with status 255"
	core=$(ls "$d/cores"/core.fata-$target.* 2>/dev/null)
	bt=$(gdb -nx -batch -ex bt "$uk" "$core" 2>&1)
	like "$bt" ' in __stack_chk_fail ' "$target: an abort dumps too; gdb bt shows the abort's path"
	rm -f "$d/cores"/*

	run --dumpcore="$d/cores" --
	is "$st/$(ls -A "$d/cores")" "0/" "$target: a guest that exits 0 leaves no core"

	run --dumpcore="$d/missing" --
	is "$st/$out" "1/" "$target: a missing DIR is an error before the guest runs"
	like "$err" "^fata-$target: --dumpcore=$d/missing: No such file or directory$" \
		"$target: and says so"

	ln -sfn "$d/elsewhere" "$d/link"
	run --dumpcore="$d/link" -- --do=pf
	is "$st/$(ls -A "$d/elsewhere")" "1/" "$target: a DIR that is a symbolic link is refused"
	like "$err" "is a symbolic link" "$target: and the message says why"

	# The core's name already exists, as a symbolic link to elsewhere: exec keeps the PID.
	out=$(cd "$d/cwd" && timeout $to sh -c 'ln -s "$1/stolen" "$2/core.fata-$3.$$" &&
		exec "fata-$3" -q --mem=4 --dumpcore="$2" "$4" --do=pf' sh "$d/elsewhere" "$d/cores" \
		$target "$uk" 2>"$d/err")
	st=$?
	is "$st/$(ls -A "$d/elsewhere")" "$fault/" \
		"$target: an existing file of the core's name is not followed nor replaced"
	like "$(cat "$d/err")" "^fata-$target: dumpcore: $d/cores/core\.fata-$target\.[0-9]+: File exists; no core written$" \
		"$target: and the tender says no core was written"
done
tap_done
