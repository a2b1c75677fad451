#!/bin/sh
# `fata net up|down|list`: a tap for unikernels in one command (optionally in a network namespace
# or on a bridge, with a host address and a dnsmasq DHCP server), removed again by `down`. What
# it made is remembered under $FATA_NET_STATE (default /run/fata/net)/NAME/, so `down` removes
# only that. `fata net` (cli/main.c) runs this script; every error is one line, status 1.
set -u
STATE=${FATA_NET_STATE:-/run/fata/net}

die() { echo "fata net: $*" >&2; exit 1; }

usage() {
	cat <<'EOF'
NAME
       fata net - a tap device for unikernels, in one command

SYNOPSIS
       fata net up NAME [--netns NS] [--bridge BR] [--address ADDR/PREFIX] [--dhcp]
       fata net down NAME
       fata net list

DESCRIPTION
       up creates the tap NAME (inside network namespace NS when --netns is given, creating NS
       if it does not exist; or attached to bridge BR), gives the host side ADDR/PREFIX
       (default 198.18.0.1/24; none with --bridge unless --address is given), with --dhcp runs
       dnsmasq as a DHCP server for addresses .100-.199 of that /24, and prints the fata-hvt,
       fata-spt and unix command lines that use the tap. down removes exactly what up made
       (the tap, dnsmasq, and the namespace if up created it). list shows the taps fata net
       made. Needs root. State lives in /run/fata/net/NAME/ (FATA_NET_STATE overrides).

EXIT STATUS
       0 on success, 1 on any error (one line on stderr).
EOF
}

need_root() {
	[ "$(id -u)" = 0 ] || die "$1 needs root (it creates and removes network interfaces); run it as root, e.g. sudo fata net $1 ..."
}

valid_name() { # valid_name KIND VALUE
	case $2 in
	'' | *[!A-Za-z0-9_.-]* | -*) die "bad $1 name '$2'; expected letters, digits, '_', '.' or '-'" ;;
	esac
	[ "$1" = namespace ] || [ ${#2} -le 15 ] ||
		die "$1 name '$2' is longer than the 15 characters Linux takes"
}

# ns_run CMD...: CMD in the namespace recorded in $NS, if any.
ns_run() {
	if [ -n "$NS" ]; then ip netns exec "$NS" "$@"; else "$@"; fi
}

cmd_up() {
	NAME="" NS="" BR="" ADDR="" DHCP=0
	while [ $# -gt 0 ]; do
		case $1 in
		--netns) [ $# -ge 2 ] || die "--netns needs a NAME"; NS=$2; shift ;;
		--netns=*) NS=${1#*=} ;;
		--bridge) [ $# -ge 2 ] || die "--bridge needs a NAME"; BR=$2; shift ;;
		--bridge=*) BR=${1#*=} ;;
		--address) [ $# -ge 2 ] || die "--address needs ADDR/PREFIX"; ADDR=$2; shift ;;
		--address=*) ADDR=${1#*=} ;;
		--dhcp) DHCP=1 ;;
		-h | --help) usage; exit 0 ;;
		-*) die "unknown option '$1' for fata net up; expected --netns, --bridge, --address or --dhcp" ;;
		*) [ -z "$NAME" ] || die "unexpected argument '$1'; expected one tap NAME"; NAME=$1 ;;
		esac
		shift
	done
	[ -n "$NAME" ] || die "up needs a tap NAME, e.g. fata net up tap0 --netns demo"
	valid_name tap "$NAME"
	[ -z "$NS" ] || valid_name namespace "$NS"
	[ -z "$BR" ] || valid_name bridge "$BR"
	[ -n "$ADDR" ] || [ -n "$BR" ] || ADDR=198.18.0.1/24
	if [ -n "$ADDR" ]; then
		echo "$ADDR" | grep -Eq '^([0-9]{1,3}\.){3}[0-9]{1,3}/[0-9]{1,2}$' ||
			die "bad --address '$ADDR'; expected ADDR/PREFIX such as 198.18.0.1/24"
	fi
	if [ $DHCP = 1 ]; then
		[ -n "$ADDR" ] || die "--dhcp needs a host --address for dnsmasq to serve from"
		[ "${ADDR#*/}" -le 24 ] || die "--dhcp needs a prefix of /24 or shorter (the range is .100-.199 of the address's /24)"
		command -v dnsmasq >/dev/null 2>&1 || die "--dhcp needs dnsmasq (apt-get install dnsmasq-base)"
	fi
	need_root up
	command -v ip >/dev/null 2>&1 || die "needs ip (apt-get install iproute2)"
	dir="$STATE/$NAME"
	[ ! -e "$dir" ] || die "$NAME is already up (state in $dir); run fata net down $NAME first"
	mkdir -p "$dir" || die "cannot create $dir"
	trap 'cmd_down_dir "$dir" >/dev/null 2>&1' EXIT
	if [ -n "$NS" ]; then
		if ! ip netns list | awk '{print $1}' | grep -qx "$NS"; then
			ip netns add "$NS" || die "cannot create network namespace $NS"
			echo "$NS" >"$dir/netns-created"
		fi
		echo "$NS" >"$dir/netns"
		ip netns exec "$NS" ip link set lo up
	fi
	! ns_run ip link show dev "$NAME" >/dev/null 2>&1 ||
		die "an interface $NAME already exists${NS:+ in namespace $NS}; fata net makes its own (choose another NAME)"
	ns_run ip tuntap add dev "$NAME" mode tap || die "cannot create tap $NAME"
	echo "$NAME" >"$dir/tap"
	if [ -n "$BR" ]; then
		ns_run ip link show dev "$BR" type bridge >/dev/null 2>&1 ||
			die "there is no bridge $BR${NS:+ in namespace $NS}; create it with: ip link add $BR type bridge"
		ns_run ip link set "$NAME" master "$BR" || die "cannot attach $NAME to bridge $BR"
		echo "$BR" >"$dir/bridge"
	fi
	if [ -n "$ADDR" ]; then
		ns_run ip addr add "$ADDR" dev "$NAME" || die "cannot give $NAME the address $ADDR"
		echo "$ADDR" >"$dir/address"
	fi
	ns_run ip link set "$NAME" up || die "cannot bring $NAME up"
	host=${ADDR%/*} prefix=${ADDR#*/}
	net24=${host%.*}
	if [ $DHCP = 1 ]; then
		ns_run dnsmasq --conf-file=/dev/null --port=0 --interface="$NAME" --bind-interfaces \
			--except-interface=lo --dhcp-range="$net24.100,$net24.199,1h" \
			--dhcp-leasefile="$dir/leases" --pid-file="$dir/dnsmasq.pid" 2>"$dir/dnsmasq.err" ||
			die "dnsmasq did not start: $(head -1 "$dir/dnsmasq.err")"
	fi
	trap - EXIT
	pre=${NS:+ip netns exec $NS }
	if [ $DHCP = 1 ]; then
		keys="" how="configure with --dhcp=true"
	elif [ -n "$ADDR" ]; then
		last=${host##*.}
		guest="$net24.$(( last == 254 ? 1 : last + 1 ))/$prefix"
		keys=" --ipv4=$guest" how="static address $guest"
	else
		keys=" --ipv4=ADDR/PREFIX" how="an address on $BR's network"
	fi
	echo "fata net: tap $NAME is up${NS:+ in network namespace $NS}${BR:+ on bridge $BR}${ADDR:+, host address $ADDR}$( [ $DHCP = 1 ] && echo ", DHCP $net24.100-$net24.199 by dnsmasq")"
	echo "Run a unikernel built with --net=direct on it ($how):"
	echo "  ${pre}fata-hvt --net:service=$NAME -- dist/NAME.hvt$keys"
	echo "  ${pre}fata-spt --net:service=$NAME -- dist/NAME.spt$keys"
	echo "  ${pre}dist/NAME --interface=$NAME$keys"
	echo "Remove it with: fata net down $NAME"
}

# ours PID DIR: whether PID is (still) the dnsmasq that `up` started with its pid file in DIR.
ours() {
	tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qF -- "--pid-file=$2/dnsmasq.pid"
}

# cmd_down_dir DIR: removes what DIR records, then DIR.
cmd_down_dir() {
	d=$1
	NS=$(cat "$d/netns" 2>/dev/null)
	if [ -f "$d/dnsmasq.pid" ]; then
		pid=$(cat "$d/dnsmasq.pid")
		case $pid in '' | *[!0-9]*) ;; *)
			# Only our dnsmasq: the PID must still be a dnsmasq whose pid-file is ours.
			if ours "$pid" "$d"; then
				kill "$pid"
				i=0
				while ours "$pid" "$d" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
			fi ;;
		esac
	fi
	if [ -f "$d/tap" ]; then
		ns_run ip link del dev "$(cat "$d/tap")" 2>/dev/null
	fi
	if [ -f "$d/netns-created" ]; then
		ip netns del "$(cat "$d/netns-created")"
	fi
	rm -rf "$d"
}

cmd_down() {
	[ $# -ge 1 ] || die "down needs a tap NAME; fata net list shows them"
	case $1 in -h | --help) usage; exit 0 ;; esac
	[ $# -eq 1 ] || die "unexpected argument '$2'; expected one tap NAME"
	valid_name tap "$1"
	need_root down
	[ -d "$STATE/$1" ] || die "$1 was not made by fata net (nothing in $STATE/$1); fata net list shows what it made"
	cmd_down_dir "$STATE/$1"
	echo "fata net: $1 removed"
}

cmd_list() {
	[ $# -eq 0 ] || die "unexpected argument '$1'; list takes none"
	found=0
	for d in "$STATE"/*/; do
		[ -d "$d" ] || continue
		found=1
		n=$(basename "$d")
		ns=$(cat "$d/netns" 2>/dev/null)
		NS=$ns
		state=missing
		ns_run ip link show dev "$n" >/dev/null 2>&1 && state=present
		dhcp=no
		[ -f "$d/dnsmasq.pid" ] && kill -0 "$(cat "$d/dnsmasq.pid")" 2>/dev/null && dhcp="dnsmasq $(cat "$d/dnsmasq.pid")"
		printf '%-15s netns=%s bridge=%s address=%s dhcp=%s tap=%s\n' "$n" "${ns:--}" \
			"$(cat "$d/bridge" 2>/dev/null || echo -)" "$(cat "$d/address" 2>/dev/null || echo -)" \
			"$dhcp" "$state"
	done
	[ $found = 1 ] || echo "fata net: no taps made by fata net"
}

[ $# -ge 1 ] || die "needs a command; expected up, down or list (fata net --help)"
cmd=$1
shift
case $cmd in
up) cmd_up "$@" ;;
down) cmd_down "$@" ;;
list) cmd_list "$@" ;;
-h | --help | help) usage ;;
*) die "unknown command '$cmd'; expected up, down or list" ;;
esac
