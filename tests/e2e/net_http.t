#!/bin/bash
# curl against a unikernel: examples/applications/http-hello (the HTTP library, include/fata/http.h)
# on the socket stack (unix) and on Fata's own stack (unix and spt; hvt with /dev/kvm), inside a
# namespace of the test's own: pages, 405, parallel clients, keep-alive reuse, pipelining, HEAD,
# a bad request and a slowloris client cut off after --head-timeout.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/netns.sh"
netns_require curl nc
plan 40
netns_setup http
SLOWLORIS=$(cd "$(dirname "$0")/../lib" && pwd)/slowloris.py

for variant in unix-socket unix-direct spt-direct hvt-direct; do
	target=${variant%-*}
	if [ $target = hvt ] && [ ! -e /dev/kvm ]; then
		for i in $(seq 10); do skip "hvt: /dev/kvm is missing on this machine"; done
		continue
	fi
	net_app_start $variant applications/http-hello http-hello 'serving HTTP' \
		--body="Hola from $variant" --head-timeout=3
	pid=$NETNS_LAST addr=$NET_ADDR log=$NET_LOG url="http://$addr:8080"
	got=$(nsx curl -sS -m 10 "$url/index.html" 2>&1)
	is "$got" "Hola from $variant" "$variant: curl gets the page"
	code=$(nsx curl -s -m 10 -o /dev/null -w '%{http_code}' -X POST "$url/" 2>&1)
	is "$code" 405 "$variant: POST gets 405"
	codes=$(for i in $(seq 20); do nsx curl -s -m 10 -o /dev/null -w '%{http_code} ' "$url/$i" & done; wait)
	is "$(echo $codes | tr ' ' '\n' | grep -c '^200$')" 20 "$variant: 20 parallel curls all get 200"

	# Keep-alive: curl fetches two URLs over one connection.
	got=$(nsx curl -sv -m 10 "$url/a" "$url/b" 2>&1)
	is "$(printf '%s\n' "$got" | grep -c 'Re-using existing connection'):$(printf '%s\n' "$got" |
		grep -c "^Hola from $variant$")" 1:2 \
		"$variant: curl reuses the connection for a second request"

	# Pipelining: two requests in one write, answered in order on one connection.
	got=$(printf 'GET /1 HTTP/1.1\r\nHost: t\r\n\r\nHEAD /2 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n' |
		timeout 10 ip netns exec "$NETNS" nc -N "$addr" 8080 | tr -d '\r')
	is "$(printf '%s\n' "$got" | grep -E '^(HTTP/|Hola|Connection)' | tr '\n' '|')" \
		"HTTP/1.1 200 OK|Hola from $variant|HTTP/1.1 200 OK|Connection: close|" \
		"$variant: two pipelined requests get two responses in order"

	# HEAD: the headers of GET (the length of the page) and no body.
	got=$(nsx curl -sS -m 10 -I "$url/" 2>&1 | tr -d '\r')
	is "$(printf '%s\n' "$got" | grep -E '^(HTTP/|Content-Length:)' | tr '\n' '|')" \
		"HTTP/1.1 200 OK|Content-Length: $((${#variant} + 11))|" \
		"$variant: HEAD gets 200 with the page's Content-Length"

	# A request without Host in HTTP/1.1 is malformed.
	got=$(printf 'GET / HTTP/1.1\r\n\r\n' | timeout 10 ip netns exec "$NETNS" nc -N "$addr" 8080 |
		head -1 | tr -d '\r')
	is "$got" "HTTP/1.1 400 Bad Request" "$variant: a request without Host gets 400"

	# Slowloris: one byte a second; --head-timeout=3 cuts it off with 408.
	got=$(nsx /usr/bin/python3 "$SLOWLORIS" "$addr" 8080 2>&1)
	like "$got" "^cut off after [3-6] s: HTTP/1.1 408 Request Timeout$" \
		"$variant: a slowloris client is cut off after the head timeout"
	netns_stop $pid
	unlike "$(cat "$log")" 'ERR|fatal' "$variant: no error in the log"
done
tap_done
