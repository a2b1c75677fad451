#!/bin/bash
# The README's network walk-through, run as written from a clean copy of the tracked files:
# `fata net up` makes the tap in a namespace (named by this test instead of "demo"), the network
# example answers on unix and spt, and `fata net down` removes the tap and the namespace.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/netns.sh"
netns_require nc git
plan 10
ns="fata-readme-$$"
export FATA_NET_STATE="$NETNS_TMP/state"
readme_cleanup() {
	local pid
	if ip netns list | awk '{print $1}' | grep -qx "$ns"; then
		for pid in $(ip netns pids "$ns"); do kill "$pid"; done
		ip netns del "$ns"
	fi
	netns_cleanup
}
trap readme_cleanup EXIT

clone="$NETNS_TMP/clone"
mkdir -p "$clone"
git -C "$FATA_ROOT" ls-files -z | (cd "$FATA_ROOT" && xargs -0 cp --parents -t "$clone")
ok $? "a clean copy of the tracked files"
sed -n '/<!-- network walk-through/,/^```$/p' "$clone/README.md" | sed '1,2d;$d' >"$NETNS_TMP/walk.sh"
like "$(cat "$NETNS_TMP/walk.sh")" "^fata net up tap0 --netns demo" "the README's block starts with fata net up"
sed -i "s/\bdemo\b/$ns/g" "$NETNS_TMP/walk.sh"
(cd "$clone" && timeout 300 bash -e "$NETNS_TMP/walk.sh") >"$NETNS_TMP/walk.log" 2>&1
r=$?; ok $r "the walk-through runs to its end"; [ $r = 0 ] || sed "s/^/# /" "$NETNS_TMP/walk.log"
out=$(cat "$NETNS_TMP/walk.log")
like "$out" "^fata net: tap tap0 is up in network namespace $ns, host address 198\.18\.0\.1/24$" \
	"fata net up says what it made"
like "$out" "^  ip netns exec $ns fata-spt --net:service=tap0 -- dist/NAME\.spt --ipv4=198\.18\.0\.2/24$" \
	"fata net up prints the fata-spt command line"
like "$out" "^  ip netns exec $ns dist/NAME --interface=tap0 --ipv4=198\.18\.0\.2/24$" \
	"fata net up prints the unix command line"
like "$out" "DBG \[application\] read: 15 bytes:" "the unix unikernel read the data"
like "$out" "hello spt world" "the spt unikernel read the data"
ip netns list | awk '{print $1}' | grep -qx "$ns"
ok $((! $?)) "fata net down removed the namespace it created"
is "$(ls -A "$FATA_NET_STATE" 2>/dev/null)" "" "no state is left behind"
tap_done
