#!/bin/bash
# The tutorial's steps 0-3 on the virtio target under QEMU (TCG: this machine's nested KVM cannot
# run what QEMU's firmware needs): noop, hello, hello-key with configure-time and run-time keys,
# block_test on virtio-blk, kv_ro (crunch, archive, fat), fault reports, the libvirt domain and
# the bootable disk image; hello-key and block_test on the microvm machine (virtio-mmio) too.
# SKIPs when qemu-system-x86_64 is missing.
. "$(dirname "$0")/../lib/tap.sh"
command -v qemu-system-x86_64 >/dev/null 2>&1 ||
	skip_all "qemu-system-x86_64 is missing (scripts/install-deps.sh installs qemu-system-x86)"
plan 44
tap_tmpdir
export FATA_VIRTIO_ACCEL=tcg
to=60

build() { # build DIR CONFIGURE-ARGS...
	local dir=$1
	shift
	(cd "$dir" && fata configure "$@" >/dev/null && make --no-print-directory >/dev/null) 2>"$dir.err"
}

# --- noop -------------------------------------------------------------------------------------
d=$tmp/noop
copy_example examples/tutorial/noop "$d"
build "$d" -t virtio
ok $? "noop builds"
is "$(cd "$d/dist" && ls | tr '\n' ' ')" "noop noop.virtio noop.xml " "dist/ holds the launcher, the kernel and the domain"
like "$(readelf -n "$d/dist/noop.virtio" 2>&1)" 'Xen +0x00000004.*(0x00000012|PHYS32_ENTRY)' "the kernel has the PVH entry note"
out=$(cd "$d" && timeout $to dist/noop 2>&1)
is "$?/$out" "0/" "noop exits 0 and prints nothing"

# --- hello: the clocks ----------------------------------------------------------------------
d=$tmp/hello
copy_example examples/tutorial/hello "$d"
build "$d" -t virtio
ok $? "hello builds"
t0=$(date +%s%N)
out=$(cd "$d" && timeout $to dist/hello 2>&1)
st=$? t1=$(date +%s%N)
is "$st" 0 "hello exits 0"
is "$(printf '%s\n' "$out" | grep -cE '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} -00:00: INF \[application\] hello$')" 4 \
	"four hello lines, UTC offset unknown (-00:00)"
ms=$(((t1 - t0) / 1000000))
[ "$ms" -ge 3000 ] && [ "$ms" -lt 15000 ]
ok $? "the three one-second sleeps take real seconds (whole run $ms ms)"
first=$(printf '%s\n' "$out" | head -1 | cut -c1-19) last=$(printf '%s\n' "$out" | tail -1 | cut -c1-19)
span=$(($(date -u -d "$last" +%s) - $(date -u -d "$first" +%s)))
[ "$span" -ge 2 ] && [ "$span" -le 4 ]
ok $? "the wall clock advances 3 s from the first line to the last ($span s)"
skew=$(($(date -u -d "$first" +%s) - t0 / 1000000000))
[ "${skew#-}" -le 5 ]
ok $? "the wall clock (CMOS RTC) agrees with the host's ($skew s)"

# --- hello-key --------------------------------------------------------------------------------
d=$tmp/hk
copy_example examples/tutorial/hello-key "$d"
build "$d" -t virtio --hello="Hola!"
ok $? "hello-key builds with --hello=Hola!"
out=$(cd "$d" && timeout $to dist/hello 2>&1)
is "$?/$(printf '%s\n' "$out" | grep -c 'INF \[application\] Hola!$')" "0/4" "configure-time key: four Hola! lines, exit 0"
out=$(cd "$d" && timeout $to dist/hello --hello="Hello there, world!" 2>&1)
is "$(printf '%s\n' "$out" | grep -c 'INF \[application\] Hello there, world!$')" 4 \
	"run-time key with spaces arrives whole"
out=$(cd "$d" && timeout $to dist/hello -- --hello='a "quoted" \ word' 2>&1)
is "$(printf '%s\n' "$out" | grep -c 'INF \[application\] a "quoted" \\ word$')" 4 \
	"quotes and backslashes arrive as typed (after --)"
out=$(cd "$d" && timeout $to dist/hello --help 2>&1)
is "$?" 0 "--help exits 0"
like "$out" 'How to say hello' "--help documents the key"
err=$(cd "$d" && timeout $to dist/hello --bogus=1 2>&1)
is "$?" 64 "an unknown option: the unikernel's status 64 reaches the shell"
like "$err" 'unknown option --bogus' "and names it"
like "$(cd "$d" && dist/hello --dry-run --mem=64 x)" "-m' '64'.*'-kernel' '[^']*/hello.virtio' '-append' 'x'" \
	"--dry-run prints the QEMU command line"

# --- faults -----------------------------------------------------------------------------------
d=$tmp/probe
copy_example tests/e2e/fixtures/probe "$d"
build "$d" -t virtio
ok $? "the probe fixture builds"
out=$(cd "$d" && timeout $to dist/probe --do=ud 2>&1)
is "$?" 255 "an invalid opcode ends with status 255"
like "$out" '^fata: trap 6 \(invalid opcode\), error code 0x0, rip 0x[0-9a-f]+' "and is reported with rip"
out=$(cd "$d" && timeout $to dist/probe --do=wtext 2>&1)
like "$?/$out" '^255/.*fata: trap 14 \(page fault\), error code 0x3' "writing to text faults (W^X)"
out=$(cd "$d" && timeout $to dist/probe --do=fiberdeep 2>&1)
like "$?/$out" '^255/.*fata: trap 14 \(page fault\)' "a fiber's stack overflow hits its guard page"

# --- block_test on virtio-blk -----------------------------------------------------------------
d=$tmp/block
copy_example examples/device-usage/block "$d"
build "$d" -t virtio
ok $? "block_test builds"
out=$(cd "$d" && timeout 120 dist/block_test --block:storage=disk.img 2>&1)
is "$?" 0 "block_test exits 0"
like "$out" 'Total tests passed: +10$' "block_test: 10 passed"
like "$out" 'Total tests failed: +0$' "block_test: 0 failed"
err=$(cd "$d" && timeout $to dist/block_test 2>&1)
is "$?:$err" '1:dist/block_test: block device "storage" is not attached; expected --block:storage=FILE' \
	"a missing --block is refused"
if command -v virt-xml-validate >/dev/null 2>&1; then
	out=$(virt-xml-validate "$d/dist/block_test.xml" 2>&1)
	ok $? "virt-xml-validate accepts dist/block_test.xml ($out)"
else
	skip "virt-xml-validate is missing (libvirt-clients)"
fi

# --- the microvm machine: virtio-mmio, no PCI, qboot instead of SeaBIOS ---------------------------
d=$tmp/hk
out=$(cd "$d" && timeout $to dist/hello --machine=microvm 2>&1)
is "$?/$(printf '%s\n' "$out" | grep -c 'INF \[application\] Hola!$')" "0/4" \
	"microvm: hello-key's four Hola! lines, exit 0 (isa-debug-exit)"
span=$(($(date -u -d "$(printf '%s\n' "$out" | tail -1 | cut -c1-19)" +%s) - \
	$(date -u -d "$(printf '%s\n' "$out" | head -1 | cut -c1-19)" +%s)))
[ "$span" -ge 2 ] && [ "$span" -le 4 ]
ok $? "microvm: the sleeps end and the wall clock advances 3 s ($span s)"
# With ACPI off, QEMU appends virtio_mmio.device=512@0xfeb0..:N for each attached device; the
# guest must take them out of the unikernel's command line (hello-key rejects an unknown argument).
truncate -s 1M "$tmp/spare.img"
out=$(timeout $to qemu-system-x86_64 -machine microvm,rtc=on,acpi=off -accel tcg -cpu max -m 64 -nodefaults \
	-display none -serial stdio -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	-global virtio-mmio.force-legacy=false -drive if=none,id=b0,format=raw,file="$tmp/spare.img" \
	-device virtio-blk-device,drive=b0 -kernel "$d/dist/hello.virtio" -append '"--hello=run time"' \
	</dev/null 2>&1)
is "$?/$(printf '%s\n' "$out" | grep -c 'INF \[application\] run time$')" "3/4" \
	"microvm: a run-time key arrives whole, QEMU's virtio_mmio.device= entries taken out"
d=$tmp/block
like "$(cd "$d" && dist/block_test --dry-run --machine=microvm --block:storage=disk.img)" \
	"'-machine' 'microvm,rtc=on'.*'virtio-mmio.force-legacy=false'.*'virtio-blk-device,drive=blkstorage,bus=virtio-mmio-bus.0'" \
	"microvm: the launcher puts the disk on the first virtio-mmio transport, modern layout"
# status/passed/failed: block_test's summary lines, each found once.
summary() {
	printf '%s/%s/%s' "$1" "$(printf '%s\n' "$2" | grep -cE 'Total tests passed: +10.?$')" \
		"$(printf '%s\n' "$2" | grep -cE 'Total tests failed: +0.?$')"
}
out=$(cd "$d" && timeout 120 dist/block_test --machine=microvm --block:storage=disk.img 2>&1)
is "$(summary $? "$out")" 0/1/1 "microvm: block_test 10/10 on virtio-blk over MMIO, exit 0"
# The launcher's run above found the disk at microvm's first fixed transport (ACPI on: no
# command-line entries). A virtio_mmio.device= entry (as QEMU writes them with ACPI off, and
# Firecracker always) wins over the fixed transports: only transport 5, the real disk, is named;
# the spare one on transport 2 would come first by address.
out=$(timeout 120 qemu-system-x86_64 -machine microvm,rtc=on,acpi=off,auto-kernel-cmdline=off \
	-accel tcg -cpu max -m 64 -nodefaults -display none -serial stdio -no-reboot \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 -global virtio-mmio.force-legacy=false \
	-drive if=none,id=b0,format=raw,file="$d/disk.img" -device virtio-blk-device,drive=b0,bus=virtio-mmio-bus.5 \
	-drive if=none,id=b1,format=raw,file="$tmp/spare.img" -device virtio-blk-device,drive=b1,bus=virtio-mmio-bus.2 \
	-kernel "$d/dist/block_test.virtio" -append 'virtio_mmio.device=512@0xfeb00a00:10' </dev/null 2>&1)
is "$(summary $? "$out")/$(printf '%s\n' "$out" | grep -c 'sectors = 100000')" 3/1/1/1 \
	"microvm: the disk a virtio_mmio.device= entry names (transport 5): block_test 10/10"
out=$(timeout 120 qemu-system-x86_64 -machine microvm,rtc=on -accel tcg -cpu max -m 64 -nodefaults \
	-display none -serial stdio -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	-drive if=none,id=b0,format=raw,file="$d/disk.img" -device virtio-blk-device,drive=b0 \
	-kernel "$d/dist/block_test.virtio" </dev/null 2>&1)
st=$?
like "$out" 'cannot connect block device storage: .*legacy layout; start QEMU with -global virtio-mmio.force-legacy=false' \
	"microvm: legacy (version 1) transports are refused with the QEMU option that fixes it"
is "$st" 5 "microvm: and the unikernel exits 1 ((1 + 1) << 1 | 1)"

# --- kv_ro ------------------------------------------------------------------------------------
for impl in crunch archive fat; do
	d=$tmp/kv-$impl
	copy_example examples/device-usage/kv_ro "$d"
	build "$d" -t virtio --kv_ro=$impl
	case $impl in archive) blk=--block:kv=kv.tar ;; fat) blk=--block:kv=kv.img ;; *) blk= ;; esac
	out=$(cd "$d" && timeout $to dist/kv_ro $blk 2>&1)
	like "$?/$out" "^0/.*INF \[application\] Contents of extremely secret vital storage confirmed!" "kv_ro $impl: exits 0, the secret confirmed"
done

# --- the disk image: MBR + SYSLINUX + the kernel with a multiboot header ------------------------
d=$tmp/hk
if [ -f /usr/lib/syslinux/mbr/mbr.bin ] && command -v syslinux >/dev/null 2>&1; then
	(cd "$d" && make --no-print-directory image IMAGE_CMDLINE=--hello=Disk >/dev/null 2>"$d.img.err")
	ok $? "make image writes dist/hello.img"
	out=$(timeout 120 qemu-system-x86_64 -machine q35 -accel tcg -cpu max -m 128 -nodefaults \
		-display none -serial stdio -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		-drive file="$d/dist/hello.img",format=raw,if=ide </dev/null 2>&1)
	is "$?" 3 "QEMU boots the disk image without -kernel and the unikernel exits 0 ((0 + 1) << 1 | 1)"
	is "$(printf '%s\n' "$out" | tr -d '\r' | grep -c 'INF \[application\] Disk$')" 4 \
		"the image's command line reaches the unikernel"
else
	for i in 1 2 3; do skip "SYSLINUX is missing (syslinux, syslinux-common)"; done
fi
tap_done
