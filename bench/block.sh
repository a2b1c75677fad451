# Block devices: sequential throughput with 4 KiB and 64 KiB requests on unix and spt, next to dd
# on the same 64 MiB file; on hvt the cost of a one-block hypercall, and the throughput of 64 KiB
# requests (HVT_FEATURE_BLOCK_MULTI) next to one-block requests.
. "$BENCH_ROOT/bench/lib.sh"
bench_tmpdir
for t in unix spt hvt; do
	mkdir -p "$work/$t" && cp -r bench/unikernels/blockbench/. "$work/$t/" &&
		(cd "$work/$t" && fata configure -t $t >/dev/null && make --no-print-directory >/dev/null 2>&1) ||
		echo "build blockbench ($t)|FAILED|-|"
done
# dd's own figure in KiB/s, from the bytes and seconds it reports.
dd_kib() { # dd ARGS...: prints KiB/s
	LC_ALL=C dd "$@" 2>&1 | awk '/bytes/ { for (i = 1; i <= NF; i++) if ($i == "s,") s = $(i - 1); printf "%d\n", $1 / 1024 / s }'
}
for bs in 4096 65536; do
	for op in read write; do
		img="$work/unix/disk.img"
		if [ $op = read ]; then
			ref=$(dd_kib if="$img" of=/dev/null bs=$bs)
		else
			ref=$(dd_kib if=/dev/zero of="$img" bs=$bs count=$((64 * 1048576 / bs)) conv=notrunc,fdatasync)
		fi
		u=$(cd "$work/unix" && dist/blockbench --op=$op --bs=$bs 2>/dev/null | awk '{print $1}')
		s=$(cd "$work/spt" && fata-spt -q --block:storage=disk.img -- dist/blockbench.spt --op=$op --bs=$bs 2>/dev/null | awk '{print $1}')
		echo "block $op ${bs}B requests (unix)|${u:-FAILED}|$ref (dd)|KiB/s"
		echo "block $op ${bs}B requests (spt)|${s:-FAILED}|$ref (dd)|KiB/s"
	done
done
if [ -e /dev/kvm ]; then
	# A small disk: every request is a hypercall, and guest code may be emulated.
	# With 64 KiB requests the reference is the same disk read in 512-byte hypercalls.
	(cd "$work/hvt" && dd if=/dev/zero of=small.img bs=1M count=1 status=none)
	hvt_bench() { (cd "$work/hvt" && timeout 300 fata-hvt -q --block:storage=small.img -- dist/blockbench.hvt "$@"); }
	one=$(hvt_bench --bs=512)
	multi=$(hvt_bench --bs=65536)
	echo "block read 512B per request (hvt)|$(echo $one | awk '{print $3}')|-|ns"
	echo "block read 64KiB requests, multi-block (hvt)|$(echo $multi | awk '{print $1}')|$(echo $one | awk '{print $1}') (512B)|KiB/s"
else
	echo "block read per request (hvt)|n/a (no /dev/kvm)|-|ns"
fi
