# virtio: boot-to-exit of noop under QEMU next to hvt in the same run, and image sizes.
# TCG unless FATA_VIRTIO_ACCEL says otherwise (this machine's nested KVM cannot run QEMU's
# firmware), so the numbers include emulating SeaBIOS and the PVH option ROM.
. "$BENCH_ROOT/bench/lib.sh"
bench_tmpdir
if ! command -v qemu-system-x86_64 >/dev/null 2>&1; then
	echo "noop.virtio boot-to-exit|n/a (no qemu-system-x86_64)|-|us"
	exit 0
fi
export FATA_VIRTIO_ACCEL=${FATA_VIRTIO_ACCEL:-tcg}
for ex in noop hello; do
	bench_build "tutorial/$ex" "$work/virtio-$ex" virtio || echo "build $ex (virtio)|FAILED|-|"
done
bench_build tutorial/noop "$work/hvt-noop" hvt || echo "build noop (hvt)|FAILED|-|"
if [ -e /dev/kvm ]; then
	read -r ref _ < <(bench/timeit 10 fata-hvt -q "$work/hvt-noop/dist/noop.hvt")
	ref="$ref (hvt)"
else
	ref="n/a (hvt: no /dev/kvm)"
fi
read -r med _ < <(bench/timeit 10 "$work/virtio-noop/dist/noop")
echo "noop.virtio boot-to-exit ($FATA_VIRTIO_ACCEL, q35), median of 10|$med|$ref|us"
for ex in noop hello; do
	echo "$ex.virtio size, stripped|$(bench_stripped_size "$work/virtio-$ex/dist/$ex.virtio")|-|bytes"
done
if (cd "$work/virtio-noop" && make -s image >/dev/null 2>&1); then
	echo "noop.img (MBR + SYSLINUX + kernel) size|$(stat -c %s "$work/virtio-noop/dist/noop.img")|-|bytes"
fi
