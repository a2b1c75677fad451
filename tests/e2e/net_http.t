#!/bin/bash
# curl against a unikernel: examples/applications/http-hello on the socket stack (unix) and on
# Fata's own stack (unix and spt; hvt with /dev/kvm), inside a namespace of the test's own.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/netns.sh"
netns_require curl
plan 20
netns_setup http

for variant in unix-socket unix-direct spt-direct hvt-direct; do
	target=${variant%-*}
	if [ $target = hvt ] && [ ! -e /dev/kvm ]; then
		for i in $(seq 5); do skip "hvt: /dev/kvm is missing on this machine"; done
		continue
	fi
	net_app_start $variant applications/http-hello http-hello 'serving HTTP' \
		--body="Hola from $variant"
	pid=$NETNS_LAST addr=$NET_ADDR log=$NET_LOG
	got=$(nsx curl -sS -m 10 "http://$addr:8080/index.html" 2>&1)
	is "$got" "Hola from $variant" "$variant: curl gets the page"
	code=$(nsx curl -s -m 10 -o /dev/null -w '%{http_code}' -X POST "http://$addr:8080/" 2>&1)
	is "$code" 405 "$variant: POST gets 405"
	codes=$(for i in $(seq 20); do nsx curl -s -m 10 -o /dev/null -w '%{http_code} ' "http://$addr:8080/$i" & done; wait)
	is "$(echo $codes | tr ' ' '\n' | grep -c '^200$')" 20 "$variant: 20 parallel curls all get 200"
	netns_stop $pid
	unlike "$(cat "$log")" 'ERR|fatal' "$variant: no error in the log"
done
tap_done
