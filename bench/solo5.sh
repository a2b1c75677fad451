# hvt and spt: boot-to-exit, image and tender sizes, the smallest --mem, the tender's peak RSS.
. "$BENCH_ROOT/bench/lib.sh"
bench_tmpdir
for t in spt hvt; do
	for ex in noop hello; do
		bench_build "tutorial/$ex" "$work/$t-$ex" $t || echo "build $ex ($t)|FAILED|-|"
	done
done

read -r rmed _ < <(bench/timeit 50 /bin/true)
read -r med _ < <(bench/timeit 50 fata-spt -q "$work/spt-noop/dist/noop.spt")
echo "noop.spt boot-to-exit, median of 50|$med|$rmed (/bin/true)|us"
if [ -e /dev/kvm ]; then
	read -r med _ < <(bench/timeit 10 fata-hvt -q "$work/hvt-noop/dist/noop.hvt")
	echo "noop.hvt boot-to-exit, median of 10|$med|-|us"
	# fata-hvt --count-instructions: "counted N guest instructions, ...; start reached after E
	# instructions" (single steps: exact, whatever the machine's speed).
	line=$(fata-hvt -q --count-instructions "$work/hvt-noop/dist/noop.hvt" 2>&1 >/dev/null)
	total=$(sed -n 's/.*counted \([0-9]*\) guest instructions.*/\1/p' <<<"$line")
	entry=$(sed -n 's/.*start reached after \([0-9]*\) instructions.*/\1/p' <<<"$line")
	echo "noop.hvt guest instructions before start|${entry:-FAILED}|-|instructions"
	echo "noop.hvt guest instructions, total to exit|${total:-FAILED}|-|instructions"
else
	echo "noop.hvt boot-to-exit|n/a (no /dev/kvm)|-|us"
fi
for b in fata-hvt fata-spt; do
	echo "$b size, stripped|$(bench_stripped_size "bin/$b")|-|bytes"
done
for t in hvt spt; do
	for ex in noop hello; do
		echo "$ex.$t size, stripped|$(bench_stripped_size "$work/$t-$ex/dist/$ex.$t")|-|bytes"
	done
done

# The smallest --mem (MB) at which hello still prints its four lines.
smallest_mem() { # TENDER IMAGE
	for m in 2 4 8 16 32 64; do
		[ "$("$1" -q --mem=$m "$2" 2>/dev/null | grep -c hello)" = 4 ] && { echo $m; return; }
	done
	echo ">64"
}
echo "hello.spt smallest --mem|$(smallest_mem fata-spt "$work/spt-hello/dist/hello.spt")|-|MB"
if [ -e /dev/kvm ]; then
	echo "hello.hvt smallest --mem|$(smallest_mem fata-hvt "$work/hvt-hello/dist/hello.hvt")|-|MB"
	rss=$( { /usr/bin/time -f '%M' fata-hvt -q "$work/hvt-noop/dist/noop.hvt" >/dev/null; } 2>&1 | tail -1)
	echo "fata-hvt peak RSS running noop|$rss|-|KiB"
fi
rss=$( { /usr/bin/time -f '%M' fata-spt -q "$work/spt-noop/dist/noop.spt" >/dev/null; } 2>&1 | tail -1)
rrss=$( { /usr/bin/time -f '%M' /bin/true; } 2>&1 | tail -1)
echo "fata-spt peak RSS running noop|$rss|$rrss (/bin/true)|KiB"
