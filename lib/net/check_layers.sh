#!/bin/sh
# Checks that every header and source file of lib/net/ includes only its own layer and those below
# it, and that only stack.c includes stack.h (docs/architecture.md, "Layers and includes"). Run from
# the top of the tree: lib/net/check_layers.sh
cd "${1:-.}" || exit 2
rank() {
	case "$1" in
	prot/*|wire.h|checksum.c) echo 0 ;;
	net_common.h|stack_impl.h|net.c|socket_unix.c) echo 1 ;;
	ethernet.h|ethernet.c) echo 2 ;;
	arp.h|arp.c) echo 3 ;;
	ipv4.h|ipv4.c|ipv4_reasm.c|ipv6.h|ipv6.c|ipv6_nd.c|ipv6_reasm.c) echo 4 ;;
	icmp.h|icmp.c|icmpv6.h|icmpv6.c) echo 5 ;;
	udp.h|udp.c) echo 6 ;;
	tcp.h|tcp*.c|dhcp.h|dhcp.c) echo 7 ;;
	stack.h|stack.c) echo 8 ;;
	*) echo 99 ;;
	esac
}
bad=0
for f in lib/net/*.h lib/net/*.c; do
	b=${f#lib/net/}
	r=$(rank "$b")
	[ "$r" = 99 ] && continue
	for inc in $(sed -n 's/^#include "\(.*\)"/\1/p' "$f"); do
		ri=$(rank "$inc")
		case "$b" in *.h) ok=$([ "$ri" -lt "$r" ] && echo y) ;; *.c) ok=$([ "$ri" -le "$r" ] && echo y) ;; esac
		if [ "$ri" = 99 ] || [ -z "$ok" ]; then
			echo "$f includes $inc (layer $ri, it is layer $r)"; bad=1
		fi
	done
done
grep -ln '#include ".*stack\.h"' lib/net/*.c lib/net/*.h | grep -v '^lib/net/stack\.' && bad=1
[ $bad = 0 ] && echo "lib/net: every include goes down"
exit $bad
