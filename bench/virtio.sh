# virtio: boot-to-exit of noop under QEMU (microvm and q35, TCG and, where it works, KVM) next to
# hvt in the same run, and image sizes. noop avoids SSE, so this machine's emulated KVM runs it;
# a configuration whose first run does not exit 0 is reported n/a. FATA_VIRTIO_ACCEL=tcg|kvm
# limits the rows to one accelerator.
. "$BENCH_ROOT/bench/lib.sh"
bench_tmpdir
if ! command -v qemu-system-x86_64 >/dev/null 2>&1; then
	echo "noop.virtio boot-to-exit|n/a (no qemu-system-x86_64)|-|us"
	exit 0
fi
for ex in noop hello; do
	bench_build "tutorial/$ex" "$work/virtio-$ex" virtio || echo "build $ex (virtio)|FAILED|-|"
done
bench_build tutorial/noop "$work/hvt-noop" hvt || echo "build noop (hvt)|FAILED|-|"
if [ -e /dev/kvm ] && fata-hvt -q "$work/hvt-noop/dist/noop.hvt" >/dev/null 2>&1; then
	read -r ref _ < <(bench/timeit 10 fata-hvt -q "$work/hvt-noop/dist/noop.hvt")
	ref="$ref (hvt)"
else
	ref="n/a (hvt: no working /dev/kvm)"
fi
noop=$work/virtio-noop/dist/noop
for accel in ${FATA_VIRTIO_ACCEL:-tcg kvm}; do
	for machine in microvm q35; do
		row="noop.virtio boot-to-exit ($accel, $machine), median of 10"
		if [ "$accel" = kvm ] && ! { : <>/dev/kvm; } 2>/dev/null; then
			echo "$row|n/a (no /dev/kvm)|$ref|us"
		elif ! timeout 120 "$noop" --accel=$accel --machine=$machine >/dev/null 2>&1; then
			echo "$row|n/a (does not exit 0)|$ref|us"
		else
			read -r med _ < <(bench/timeit 10 "$noop" --accel=$accel --machine=$machine)
			echo "$row|$med|$ref|us"
		fi
	done
done
for ex in noop hello; do
	echo "$ex.virtio size, stripped|$(bench_stripped_size "$work/virtio-$ex/dist/$ex.virtio")|-|bytes"
done
if (cd "$work/virtio-noop" && make -s image >/dev/null 2>&1); then
	echo "noop.img (MBR + SYSLINUX + kernel) size|$(stat -c %s "$work/virtio-noop/dist/noop.img")|-|bytes"
fi
