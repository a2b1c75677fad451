#!/bin/bash
# The tutorial's steps 0-2 on the Solo5 targets: spt always, hvt when /dev/kvm exists.
# Runtime keys go after the kernel: fata-spt -- dist/hello.spt --hello="Hola!".
. "$(dirname "$0")/../lib/tap.sh"
plan 38
tap_tmpdir

build() { # build DIR CONFIGURE-ARGS...
	local dir=$1
	shift
	(cd "$dir" && fata configure "$@" >/dev/null && make --no-print-directory >/dev/null) 2>"$dir.err"
}

for target in spt hvt; do
	tender="fata-$target"
	if [ "$target" = hvt ] && [ ! -e /dev/kvm ]; then
		for i in $(seq 19); do skip "hvt: /dev/kvm is missing on this machine"; done
		continue
	fi
	# Guest code is emulated on some KVM hosts: generous timeouts for hvt.
	to=60

	copy_example examples/tutorial/noop "$tmp/$target-noop"
	build "$tmp/$target-noop" -t $target
	ok $? "$target: noop builds"
	out=$(cd "$tmp/$target-noop" && timeout $to $tender --quiet dist/noop.$target 2>&1)
	is "$?/$out" "0/" "$target: noop exits 0 and prints nothing"
	out=$(cd "$tmp/$target-noop" && timeout $to $tender --quiet --mem=2 dist/noop.$target 2>&1)
	is "$?/$out" "0/" "$target: noop runs with --mem=2"

	copy_example examples/tutorial/hello "$tmp/$target-hello"
	build "$tmp/$target-hello" -t $target
	ok $? "$target: hello builds"
	out=$(cd "$tmp/$target-hello" && timeout $to $tender --mem=2 dist/hello.$target 2>/dev/null)
	st=$?
	is "$st" 0 "$target: hello exits 0 with --mem=2"
	is "$(printf '%s\n' "$out" | grep -cE '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} -00:00: INF \[application\] hello$')" 4 \
		"$target: four hello lines, UTC offset unknown (-00:00)"

	for ex in noop hello; do
		strip -o "$tmp/$ex.stripped" "$tmp/$target-$ex/dist/$ex.$target"
		size=$(stat -c %s "$tmp/$ex.stripped")
		[ "$size" -lt 65536 ]
		ok $? "$target: $ex.$target is under 64 KiB stripped ($size bytes)"
	done

	copy_example examples/tutorial/hello-key "$tmp/$target-hk"
	build "$tmp/$target-hk" -t $target --hello="Hola!"
	ok $? "$target: hello-key builds with --hello=Hola!"
	out=$(cd "$tmp/$target-hk" && timeout $to $tender -- dist/hello.$target 2>/dev/null)
	is "$(printf '%s\n' "$out" | grep -c 'INF \[application\] Hola!$')" 4 "$target: configure-time key"
	out=$(cd "$tmp/$target-hk" && timeout $to $tender -- dist/hello.$target --hello="Hello there, world!" 2>/dev/null)
	is "$(printf '%s\n' "$out" | grep -c 'INF \[application\] Hello there, world!$')" 4 \
		"$target: run-time key with spaces arrives whole"
	out=$(cd "$tmp/$target-hk" && timeout $to $tender -- dist/hello.$target --help 2>/dev/null)
	is "$?" 0 "$target: --help exits 0"
	like "$out" 'How to say hello' "$target: --help documents the key"
	err=$(cd "$tmp/$target-hk" && timeout $to $tender -- dist/hello.$target --bogus=1 2>&1)
	is "$?" 64 "$target: unknown option exits 64"
	like "$err" 'unknown option --bogus' "$target: and names it"

	copy_example examples/device-usage/block "$tmp/$target-block"
	build "$tmp/$target-block" -t $target
	ok $? "$target: block_test builds and makes disk.img"
	out=$(cd "$tmp/$target-block" && timeout 300 $tender --block:storage=disk.img dist/block_test.$target 2>/dev/null)
	is "$?" 0 "$target: block_test exits 0"
	like "$out" 'Total tests passed:  10' "$target: block_test passes 10 of 10"
	out=$(cd "$tmp/$target-block" && timeout 300 $tender --no-extensions --block:storage=disk.img dist/block_test.$target 2>/dev/null)
	like "$out" 'Total tests passed:  10' \
		"$target: and with --no-extensions (one block per call, as under a stock Solo5 tender)"
done
tap_done
