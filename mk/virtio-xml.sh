#!/bin/sh
# Writes a libvirt domain for a virtio unikernel on standard output (dist/NAME.xml).
# Usage: virtio-xml.sh NAME DIST_DIR "KIND:NAME ..." ; block devices are DIST_DIR/../NAME.img
# files and network interfaces taps named after the device, in PCI slots 8, 9, ... as the
# launcher puts them. Edit the paths and tap names, then: virsh create dist/NAME.xml
name=$1 dist=$2 devices=$3
cat <<XML
<domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
  <name>$name</name>
  <memory unit='MiB'>512</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
    <kernel>$dist/$name.virtio</kernel>
    <cmdline></cmdline>
  </os>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>destroy</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
XML
slot=8
for d in $devices; do
	kind=${d%%:*} dev=${d#*:}
	addr=$(printf "<address type='pci' domain='0x0000' bus='0x00' slot='0x%02x' function='0x0'/>" "$slot")
	case $kind in
	block)
		printf "    <disk type='file' device='disk'>\n      <driver name='qemu' type='raw'/>\n"
		printf "      <source file='%s/%s.img'/>\n      <target dev='vd%s' bus='virtio'/>\n" \
			"${dist%/dist}" "$dev" "$(printf "\\$(printf '%03o' $((97 + slot - 8)))")"
		printf '      %s\n    </disk>\n' "$addr"
		;;
	net)
		printf "    <interface type='ethernet'>\n      <target dev='%s' managed='no'/>\n" "$dev"
		printf "      <model type='virtio'/>\n      %s\n    </interface>\n" "$addr"
		;;
	esac
	slot=$((slot + 1))
done
cat <<XML
    <serial type='pty'>
      <target port='0'/>
    </serial>
    <console type='pty'/>
  </devices>
  <qemu:commandline>
    <qemu:arg value='-device'/>
    <qemu:arg value='isa-debug-exit,iobase=0xf4,iosize=0x04'/>
  </qemu:commandline>
</domain>
XML
