# Unix target: start-to-exit of noop against /bin/true, and the size of each tutorial binary.
. "$BENCH_ROOT/bench/lib.sh"
bench_tmpdir
for ex in noop hello hello-key; do
	bench_build "tutorial/$ex" "$work/$ex" unix || { echo "build $ex (unix)|FAILED|-|"; continue; }
done
if [ -x "$work/noop/dist/noop" ]; then
	read -r med min max < <(bench/timeit 50 "$work/noop/dist/noop")
	read -r rmed rmin rmax < <(bench/timeit 50 /bin/true)
	echo "noop (unix) start-to-exit, median of 50|$med|$rmed (/bin/true)|us"
fi
for ex in noop hello; do
	f="$work/$ex/dist/$ex"
	[ -f "$f" ] || f="$work/$ex/dist/hello"
	[ -f "$f" ] && echo "$ex (unix) binary size, stripped|$(bench_stripped_size "$f")|-|bytes"
done
echo "/bin/true size|$(stat -c %s /bin/true)|-|bytes"
