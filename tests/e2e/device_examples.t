#!/bin/bash
# The device-usage examples clock, console and disk-lottery on unix, spt and hvt: the clock's
# readings are close to the host's and its sleeps last what was asked, the console prints its
# lines bare and in order, and disk-lottery's tickets are read back and its winner outlives the
# run (the next run announces it).
. "$(dirname "$0")/../lib/tap.sh"
PER_TARGET=9
plan $((3 * PER_TARGET))
tap_tmpdir

for target in unix spt hvt; do
	if [ $target != unix ] && [ ! -x "$FATA_ROOT/bin/fata-$target" ]; then
		for i in $(seq $PER_TARGET); do skip "$target: bin/fata-$target is not built"; done
		continue
	fi
	if [ $target = hvt ] && [ ! -e /dev/kvm ]; then
		for i in $(seq $PER_TARGET); do skip "hvt: /dev/kvm is missing on this machine"; done
		continue
	fi
	ext=; [ $target = unix ] || ext=.$target
	# run DIR NAME ARGS...: runs a built example (block devices passed on hvt/spt by the caller).
	run() {
		local dir=$1 name=$2
		shift 2
		case $target in
		unix) (cd "$dir" && timeout 60 "dist/$name" "$@" 2>&1) ;;
		*) local dev=()
			[ "$name" = disk_lottery ] && dev=(--block:storage=lottery.img)
			(cd "$dir" && timeout 120 fata-$target -q "${dev[@]}" -- "dist/$name$ext" "$@" 2>&1) ;;
		esac
	}
	built=0
	for ex in clock console disk-lottery; do
		copy_example examples/device-usage/$ex "$tmp/$target-$ex"
		(cd "$tmp/$target-$ex" && fata configure -t $target >/dev/null &&
			make --no-print-directory >/dev/null) 2>"$tmp/$target-$ex.err" && built=$((built + 1))
	done
	is "$built" 3 "$target: clock, console and disk-lottery build"

	# clock: three readings 300 ms apart.
	host0=$(date +%s)
	out=$(run "$tmp/$target-clock" clock --count=3 --interval-ms=300); st=$?
	host1=$(date +%s)
	is "$st/$(grep -c 'wall clock .* UTC, monotonic clock' <<<"$out")" 0/3 "$target: clock exits 0 after three readings"
	wall=$(sed -nE '1s/.*wall clock ([0-9-]+ [0-9:]+)\.[0-9]+ UTC.*/\1/p' <<<"$out")
	w=$(date -u -d "$wall" +%s 2>/dev/null || echo 0)
	[ "$w" -ge $((host0 - 2)) ] && [ "$w" -le $((host1 + 2)) ]
	ok $? "$target: the wall clock agrees with the host's ($wall UTC)"
	slept=$(sed -nE 's/.*slept ([0-9]+) ms$/\1/p' <<<"$out" | tr '\n' ' ')
	bad=0
	[ "$(wc -w <<<"$slept")" = 2 ] || bad=1
	for s in $slept; do [ "$s" -ge 300 ] && [ "$s" -lt 600 ] || bad=1; done
	ok $bad "$target: the monotonic clock measured both 300 ms sleeps as 300-600 ms ($slept)"

	# console: bare lines, in order.
	out=$(run "$tmp/$target-console" console --count=3); st=$?
	is "$st" 0 "$target: console exits 0"
	is "$(grep -E '^(hello|world|pieces: .*)$' <<<"$out" | tr '\n' ' ')" \
		"hello world hello world hello world pieces: 3 pairs written " \
		"$target: console writes hello/world three times, then a line in pieces"

	# disk-lottery: twice on the same disk.
	out1=$(run "$tmp/$target-disk-lottery" disk_lottery --draws=5); st1=$?
	out2=$(run "$tmp/$target-disk-lottery" disk_lottery --draws=5); st2=$?
	is "$st1/$st2/$(grep -c '5 tickets written to random sectors and read back, 0 wrong' <<<"$out1$out2")" 0/0/2 \
		"$target: disk-lottery writes and reads back its tickets, twice"
	win1=$(sed -nE 's/.*winner: (fata disk lottery .*)$/\1/p' <<<"$out1" | grep -v previous)
	like "$out2" "previous winner: $win1\$" "$target: the next run announces the winner from the disk ($win1)"
	win2=$(sed -nE 's/.*INF \[application\] winner: (.*)$/\1/p' <<<"$out2")
	[ -n "$win1" ] && [ -n "$win2" ] && [ "$win1" != "$win2" ]
	ok $? "$target: and draws a new one"
done
tap_done
