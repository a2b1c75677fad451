#!/bin/bash
# The random device (examples/device-usage/prng) on unix, spt and hvt: the output's shape, two
# runs differ, the sources each tender gives (the entropy extension, the CPU's RDSEED/RDRAND under
# --no-extensions), and the refusal to start with no source at all (--x-random-without-cpu, a
# hidden runtime option that takes the CPU's generator away, under --no-extensions).
. "$(dirname "$0")/../lib/tap.sh"
plan 23
tap_tmpdir

cpu_rng=$(grep -m1 -ow 'rdseed\|rdrand' /proc/cpuinfo)
shape() { # shape OUTPUT LABEL: the example's lines for --count=2
	local out=$1 ts='[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} [-+][0-9:]{5}: INF \[application\]'
	is "$(printf '%s\n' "$out" | grep -cE "^$ts 32 random bytes: [0-9a-f]{64}\$")/$(
		printf '%s\n' "$out" | grep -cE "^$ts random u32: [0-9]+, random u64: [0-9]+\$")/$(
		printf '%s\n' "$out" | grep -cE "^$ts ten dice: ([1-6] ){9}[1-6]\$")" 2/2/2 \
		"$2: two lines each of bytes, numbers and dice"
}
bytes() { printf '%s\n' "$1" | grep 'random bytes' | sed 's/.*: //'; }

for target in unix spt hvt; do
	if [ $target = hvt ] && [ ! -e /dev/kvm ]; then
		for i in $(seq 9); do skip "hvt: /dev/kvm is missing on this machine"; done
		continue
	fi
	dir=$tmp/$target
	copy_example examples/device-usage/prng "$dir"
	(cd "$dir" && fata configure -t $target >/dev/null && make --no-print-directory >/dev/null) 2>"$dir.err"
	ok $? "$target: prng builds"
	case $target in
	unix) run() { (cd "$dir" && timeout 60 dist/prng "$@" 2>&1); } ;;
	*) run() { local opts=(); [ "$1" = --no-extensions ] && { opts=(--no-extensions); shift; }
		(cd "$dir" && timeout 120 fata-$target -q "${opts[@]}" -- dist/prng.$target "$@" 2>&1); } ;;
	esac
	out1=$(run --count=2); st=$?
	out2=$(run --count=2)
	is "$st" 0 "$target: exits 0"
	shape "$out1" "$target"
	[ -n "$(bytes "$out1")" ] && [ "$(bytes "$out1")" != "$(bytes "$out2")" ]
	ok $? "$target: two runs print different bytes"
	if [ $target = unix ]; then
		like "$out1" 'entropy sources: host$' "unix: seeded from getrandom"
		continue
	fi
	like "$out1" "entropy sources: host(, rdseed|, rdrand)*\$" "$target: seeded from the tender's seed"
	out=$(run --no-extensions --count=2); st=$?
	if [ -n "$cpu_rng" ]; then
		is "$st" 0 "$target --no-extensions: runs on the CPU's generator"
		like "$out" "entropy sources: (rdseed|rdrand)(, rdrand)?\$" \
			"$target --no-extensions: seeded from RDSEED/RDRAND only"
	else
		skip "this CPU has neither RDRAND nor RDSEED"
		skip "this CPU has neither RDRAND nor RDSEED"
	fi
	out=$(run --no-extensions --x-random-without-cpu --count=2); st=$?
	is "$st/$(printf '%s\n' "$out" | wc -l)" 1/1 "$target: no source at all: exit 1, one line"
	like "$out" 'ERR \[random\] no entropy source: .*will not start$' "$target: and it says why"
done
