#!/bin/sh
# Runs the virtio unikernel @NAME@ (dist/@NAME@.virtio beside this script) in QEMU. Written by
# `make` from Fata's mk/virtio-run.sh. Run it with --launcher-help for its options.
name=@NAME@
devices="@DEVICES@"	# KIND:NAME in the unikernel's manifest order
here=$(dirname "$0")
kernel=$here/$name.virtio
me=$0

usage() {
	cat <<USAGE
usage: $me [LAUNCHER OPTIONS] [--] [UNIKERNEL ARGUMENTS]
Runs $name.virtio in QEMU with a serial console on standard output; exits with the unikernel's
status (0-125 as is, 126-255 as 255), or 1 when QEMU or the launcher fails.
  --block:NAME=FILE     attach FILE as block device NAME (virtio-blk)
  --net:NAME=TAP        attach tap interface TAP as network interface NAME (virtio-net)
  --net-mac:NAME=MAC    its MAC address (default: QEMU's 52:54:00:12:34:56)
  --mem=MB              guest memory in megabytes (default 512)
  --accel=kvm|tcg       default: kvm when /dev/kvm can be opened, else tcg (or \$FATA_VIRTIO_ACCEL)
  --machine=q35|pc|microvm  QEMU machine (default q35; microvm: virtio-mmio, no PCI, no firmware
                        beyond qboot)
  --qemu=PATH           the QEMU binary (default qemu-system-x86_64, or \$FATA_QEMU)
  --dry-run             print the QEMU command line instead of running it
  --launcher-help       this text
Other arguments, and all after --, go to the unikernel (--help lists its keys).
USAGE
}

fail() {
	echo "$me: $*" >&2
	exit 1
}

# One argument for the unikernel's command line, quoted as fata-hvt quotes it.
quote() {
	case $1 in
	*[\ \	\"\\]*) printf '"%s"' "$(printf '%s' "$1" | sed -e 's/[\\"]/\\&/g')" ;;
	*) printf '%s' "$1" ;;
	esac
}

mem=512 accel=${FATA_VIRTIO_ACCEL-} machine=q35 qemu=${FATA_QEMU:-qemu-system-x86_64} dry=0
cmdline= attached=
add_arg() {
	cmdline="$cmdline${cmdline:+ }$(quote "$1")"
}
while [ $# -gt 0 ]; do
	case $1 in
	--) shift; break ;;
	--block:*=* | --net:*=* | --net-mac:*=*)
		opt=${1%%=*} value=${1#*=}
		kind=${opt#--} kind=${kind%%:*} dev=${opt#*:}
		case $dev in *[!A-Za-z0-9]* | "") fail "$1: bad device name \"$dev\"" ;; esac
		case " $devices " in
		*" ${kind%-mac}:$dev "*) ;;
		*) fail "$1: $name has no ${kind%-mac} device \"$dev\" (it has:${devices:- none})" ;;
		esac
		[ -n "$value" ] || fail "$1: empty value"
		kind=$(echo "$kind" | tr - _)
		eval "dev_${kind}_$dev=\$value"
		;;
	--mem=*)
		mem=${1#--mem=}
		case $mem in "" | *[!0-9]*) fail "$1: expected a number of megabytes" ;; esac
		[ "$mem" -ge 8 ] || fail "$1: at least 8 MB"
		;;
	--accel=*) accel=${1#--accel=} ;;
	--machine=*) machine=${1#--machine=} ;;
	--qemu=*) qemu=${1#--qemu=} ;;
	--dry-run) dry=1 ;;
	--launcher-help) usage; exit 0 ;;
	*) add_arg "$1" ;;
	esac
	shift
done
for a in "$@"; do add_arg "$a"; done

case $machine in
q35 | pc) bus=pci mopts=$machine ;;
# The CMOS clock is the guest's wall clock; microvm leaves it out under KVM unless asked.
microvm) bus=mmio mopts=microvm,rtc=on ;;
*) fail "--machine=$machine: expected q35, pc or microvm" ;;
esac
if [ -z "$accel" ]; then
	if [ -c /dev/kvm ] && { : <>/dev/kvm; } 2>/dev/null; then accel=kvm; else accel=tcg; fi
fi
case $accel in kvm) cpu=host ;; tcg) cpu=max ;; *) fail "--accel=$accel: expected kvm or tcg" ;; esac
[ -f "$kernel" ] || fail "$kernel: no such file; run make"

set -- -machine "$mopts" -accel "$accel" -cpu "$cpu" -m "$mem" -nodefaults -no-user-config \
	-display none -serial stdio -no-reboot \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 -kernel "$kernel" -append "$cmdline"
# microvm's transports default to the legacy (version 1) register layout; the guest drives only
# the modern one. QEMU appends virtio_mmio.device= entries to the command line; the guest takes
# them out before the unikernel sees it.
[ "$bus" = pci ] || set -- "$@" -global virtio-mmio.force-legacy=false
# Device n of the manifest sits in PCI slot 8 + n, or on microvm on transport n (address
# 0xfeb00000 + n * 0x200; without bus=, QEMU would fill the transports from the highest address
# down): the guest matches them in slot or address order.
slot=8 n=0
for d in $devices; do
	kind=${d%%:*} dev=${d#*:}
	eval "value=\${dev_${kind}_$dev-}"
	[ -n "$value" ] || fail "$kind device \"$dev\" is not attached; expected --$kind:$dev=$(
		[ "$kind" = block ] && echo FILE || echo TAP)"
	if [ "$bus" = pci ]; then
		place="-pci,addr=$(printf '0x%x' "$slot"),disable-legacy=on"
	else
		place="-device,bus=virtio-mmio-bus.$n"
	fi
	case $kind in
	block)
		[ -e "$value" ] || fail "--block:$dev=$value: no such file"
		file=$(printf '%s' "$value" | sed 's/,/,,/g')
		set -- "$@" -drive "if=none,id=blk$dev,format=raw,file=$file" \
			-device "virtio-blk${place%%,*},drive=blk$dev,${place#*,}"
		;;
	net)
		eval "mac=\${dev_net_mac_$dev-}"
		set -- "$@" -netdev "tap,id=net$dev,ifname=$value,script=no,downscript=no" \
			-device "virtio-net${place%%,*},netdev=net$dev,${place#*,}${mac:+,mac=$mac}"
		;;
	esac
	slot=$((slot + 1)) n=$((n + 1))
done

if [ "$dry" = 1 ]; then
	printf '%s' "$qemu"
	for a in "$@"; do printf " '%s'" "$a"; done
	printf '\n'
	exit 0
fi
command -v "$qemu" >/dev/null 2>&1 || fail "$qemu not found; install qemu-system-x86"
# In the background, so that a TERM to this script (by PID, as tests stop it) reaches QEMU too.
"$qemu" "$@" </dev/null &
qpid=$! stopped=
trap 'stopped=1; kill "$qpid" 2>/dev/null' HUP INT TERM
while :; do
	wait "$qpid"
	rc=$?
	kill -0 "$qpid" 2>/dev/null || break
done
[ -z "$stopped" ] || exit 143
# isa-debug-exit: QEMU exits with (value << 1) | 1, and the guest writes its status + 1.
if [ "$rc" -ge 3 ] && [ $((rc % 2)) -eq 1 ]; then
	status=$(((rc >> 1) - 1))
	[ "$status" -lt 126 ] || status=255
	exit "$status"
fi
[ "$rc" -ne 0 ] || fail "the guest stopped without an exit status (a reset or a triple fault)"
exit "$rc"
