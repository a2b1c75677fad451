#!/bin/sh
# Makes a raw disk image that boots a virtio unikernel with no -kernel: an MBR (SYSLINUX's
# mbr.bin), one active FAT partition at 1 MiB holding SYSLINUX, its mboot.c32 and the kernel
# (linked with a multiboot header), the shape clouds import. Uses no loop device: mkfs.fat,
# mtools' mcopy and `syslinux --install` work on files; the partition table is written here.
# Usage: virtio-image.sh OUT KERNEL "COMMAND LINE"
set -e
out=$1 kernel=$2 cmdline=$3
lib=/usr/lib/syslinux
mods=$lib/modules/bios
PATH=$PATH:/usr/sbin:/sbin
for t in mkfs.fat mcopy syslinux; do
	command -v $t >/dev/null 2>&1 || {
		echo "virtio-image.sh: $t is missing; install syslinux syslinux-common mtools dosfstools" >&2
		exit 1
	}
done
[ -f $lib/mbr/mbr.bin ] && [ -f $mods/mboot.c32 ] || {
	echo "virtio-image.sh: SYSLINUX's BIOS modules are missing; install syslinux-common" >&2
	exit 1
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ksize=$(($(stat -c %s "$kernel") / 1048576 + 1))
psize=$((ksize + 8))	# MiB
# The partition starts at sector 2048; its boot sector must say so (hidden sectors).
mkfs.fat -C -h 2048 -n FATA "$tmp/part" $((psize * 1024)) >/dev/null
cat > "$tmp/syslinux.cfg" <<CFG
DEFAULT fata
PROMPT 0
TIMEOUT 0
SERIAL 0 115200
LABEL fata
  KERNEL mboot.c32
  APPEND kernel $cmdline
CFG
mcopy -i "$tmp/part" "$tmp/syslinux.cfg" $mods/mboot.c32 $mods/libcom32.c32 ::/
mcopy -i "$tmp/part" "$kernel" ::/kernel
syslinux --install "$tmp/part"
rm -f "$out.tmp"
dd if=/dev/zero of="$out.tmp" bs=1M count=$((psize + 1)) status=none
dd if=$lib/mbr/mbr.bin of="$out.tmp" bs=440 count=1 conv=notrunc status=none
# One partition entry at byte 446: active, CHS fields saturated (LBA is what counts), type 0x0e
# (FAT16, LBA), first sector 2048, then its length; and the boot signature.
le32() { printf "\\$(printf %03o $(($1 & 255)))\\$(printf %03o $(($1 >> 8 & 255)))"
	printf "\\$(printf %03o $(($1 >> 16 & 255)))\\$(printf %03o $(($1 >> 24 & 255)))"; }
{ printf '\200\376\377\377\016\376\377\377'; le32 2048; le32 $((psize * 2048)); } |
	dd of="$out.tmp" bs=1 seek=446 conv=notrunc status=none
printf '\125\252' | dd of="$out.tmp" bs=1 seek=510 conv=notrunc status=none
dd if="$tmp/part" of="$out.tmp" bs=512 seek=2048 conv=notrunc status=none
mv "$out.tmp" "$out"
