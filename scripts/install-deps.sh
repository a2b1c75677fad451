#!/bin/sh
# Installs the Debian packages Fata's build and tests need, if any are missing. As root it runs
# apt-get; otherwise it prints the command to run. Quiet when everything is there.
# Extra package names given as arguments are checked too (make fuzz asks for clang).
# Servers the tests drive (nginx-light, unbound) are started by the tests inside their own network
# namespaces, so their packages must not start a service in the root namespace: a policy-rc.d
# that exits 101 ("action forbidden") is in place during the install (one we did not write is left
# alone, ours is removed afterwards).
PACKAGES="$* gcc make libc6-dev binutils perl libinih-dev libbearssl-dev openssl libseccomp-dev python3 skopeo umoci runc iproute2 time iputils-ping iputils-arping dnsmasq-base netcat-openbsd socat iperf3 radvd python3-scapy bind9-dnsutils tcpdump nftables curl wget chromium libnss3-tools nginx-light unbound dosfstools mtools gdb ethtool man-db groff-base git busybox isc-dhcp-client qemu-system-x86 syslinux syslinux-common libvirt-clients"
missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "fata: missing Debian packages:$missing" >&2
	echo "fata: install them with: sudo apt-get install$missing" >&2
	exit 1
fi
echo "fata: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null || { echo "fata: apt-get update failed" >&2; exit 1; }
policy=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\n# Written by fata scripts/install-deps.sh during an install: start no services.\nexit 101\n' \
		>/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && policy=/usr/sbin/policy-rc.d
fi
apt-get install -y -q $missing >/dev/null
st=$?
[ -n "$policy" ] && rm -f "$policy"
[ $st = 0 ] || { echo "fata: apt-get install$missing failed" >&2; exit 1; }
