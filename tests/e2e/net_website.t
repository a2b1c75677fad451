#!/bin/bash
# The static website unikernel (examples/applications/static-website: fata/http_static.h over
# fata/http.h and fata/tls.h) inside a namespace of the test's own, on the socket stack (unix,
# direct kv), Fata's own stack on unix (FAT image) and spt (crunch, the README's command), and hvt
# (plain HTTP from a tar archive; hvt's TLS is net_tls.t's, handshakes are slow on this KVM):
# curl over HTTP and HTTPS with the test CA (pages, types, index, 301, 404, keep-alive,
# pipelining, ranges, conditional GETs), wget --mirror equal to htdocs byte for byte, openssl
# s_client, bad requests, a slowloris client, and headless Chromium rendering the HTTPS site
# (screenshot in build/test-artifacts/website.png).
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/netns.sh"
netns_require curl wget openssl nc
netns_setup web
SLOWLORIS=$(cd "$(dirname "$0")/../lib" && pwd)/slowloris.py
SITE=$FATA_ROOT/examples/applications/static-website
CA=$SITE/certs/ca.pem
ARTIFACTS=$FATA_ROOT/build/test-artifacts
HEADING="A website that is a unikernel"

# site_start VARIANT KV TLS: builds the example for VARIANT (as net_app_start) with --kv_ro=KV
# and --tls=TLS, starts it with --head-timeout=3 and waits for it. Sets NET_ADDR, NET_LOG,
# NETNS_LAST.
site_start() {
	local variant=$1 kv=$2 tls=$3 target=${1%-*} net=${1#*-} dir blocks=""
	dir="$NETNS_TMP/$variant"
	copy_example examples/applications/static-website "$dir"
	(cd "$dir" && "$FATA" configure -t "$target" --net="$net" --kv_ro="$kv" --tls="$tls" \
		>/dev/null && make --no-print-directory >/dev/null 2>&1)
	ok $? "$variant: fata configure -t $target --net=$net --kv_ro=$kv --tls=$tls && make"
	NET_LOG="$NETNS_TMP/$variant.log"
	case $kv in
	archive) blocks="--block:htdocs=$dir/htdocs.tar --block:certs=$dir/certs.tar" ;;
	fat) blocks="--block:htdocs=$dir/htdocs.img --block:certs=$dir/certs.img" ;;
	esac
	if [ "$net" = socket ]; then
		NET_ADDR=127.0.0.1
		netns_bg "$NET_LOG" env -C "$dir" ./dist/static-website --head-timeout=3
	elif [ "$target" = unix ]; then
		NET_ADDR=198.18.0.2
		netns_bg "$NET_LOG" env -C "$dir" ./dist/static-website --ipv4=$NET_ADDR/24 \
			--head-timeout=3
	else
		NET_ADDR=198.18.0.2
		netns_bg "$NET_LOG" "fata-$target" -q --net:service=tap0 $blocks -- \
			"$dir/dist/static-website.$target" --ipv4=$NET_ADDR/24 --head-timeout=3
	fi
	wait_log "$NET_LOG" 'serving HTTP' 60
}

# raw SCHEME PORT: sends stdin as it is over one connection and prints the answer (CRs removed).
raw() {
	if [ "$1" = https ]; then
		timeout 15 ip netns exec "$NETNS" openssl s_client -quiet -ign_eof -CAfile "$CA" \
			-connect "$addr:$2" 2>/dev/null | tr -d '\r'
	else
		timeout 15 ip netns exec "$NETNS" nc -N "$addr" "$2" | tr -d '\r'
	fi
}

# site_checks VARIANT SCHEME PORT: what a visitor sees of the site at SCHEME://$addr:PORT.
site_checks() {
	local v=$1 s=$2 port=$3 url="$2://$addr:$3" c got etag lm
	c() { nsx curl -sS -m 20 --cacert "$CA" "$@" 2>&1; }
	like "$(c "$url/")" "<h1>$HEADING</h1>" "$v $s: / is index.html"
	is "$(c -o /dev/null -w '%{http_code} %{content_type}' "$url/style.css") $(c -o /dev/null \
		-w '%{content_type}' "$url/images/landscape.png") $(c -o /dev/null -w '%{content_type}' \
		"$url/images/logo.svg")" "200 text/css; charset=utf-8 image/png image/svg+xml" \
		"$v $s: content types by extension (css, png, svg)"
	got=$(c -o /dev/null -w '%{http_code} %{redirect_url}' "$url/docs")
	is "$got" "301 $url/docs/" "$v $s: /docs redirects to /docs/"
	like "$(c "$url/docs/")" "<h1>Documentation</h1>" "$v $s: /docs/ is docs/index.html"
	got=$(c -w '%{http_code}' "$url/no/such/page.html" | tr '\n' ' ')
	like "$got" "<h1>Nothing here</h1>.*404$" "$v $s: a missing page gets 404 with 404.html"

	# Keep-alive: three pages over one connection.
	got=$(c -v -o /dev/null -o /dev/null -o /dev/null "$url/" "$url/about.html" "$url/style.css")
	is "$(printf '%s\n' "$got" | grep -c 'Re-using existing connection')" 2 \
		"$v $s: curl reuses one connection for three pages"
	# Pipelining: three requests in one write, answered in order.
	got=$(printf 'GET /robots.txt HTTP/1.1\r\nHost: t\r\n\r\nHEAD /images/logo.svg HTTP/1.1\r\nHost: t\r\n\r\nGET /docs/nothing HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n' |
		raw "$s" "$port")
	is "$(printf '%s\n' "$got" | grep -E '^(HTTP/|User-agent|Content-Length)' | tr '\n' '|')" \
		"HTTP/1.1 200 OK|Content-Length: 23|User-agent: *|HTTP/1.1 200 OK|Content-Length: 224|HTTP/1.1 404 Not Found|Content-Length: 698|" \
		"$v $s: three pipelined requests get three responses in order"

	# Ranges: the library cuts the file the handler streams.
	is "$(c -r 8-15 -w ' %{http_code}' "$url/images/landscape.png" | od -An -c | tr -s ' ')" \
		"$(tail -c +9 "$SITE/htdocs/images/landscape.png" | head -c 8 | od -An -c | tr -s ' ') 2 0 6" \
		"$v $s: a byte range gets 206 and those bytes"
	is "$(c -r 5000- -o /dev/null -w '%{http_code}' "$url/images/landscape.png")" 416 \
		"$v $s: a range past the end gets 416"
	# Conditional GETs with the ETag and Last-Modified the server sent.
	got=$(c -D - -o /dev/null "$url/about.html" | tr -d '\r')
	etag=$(printf '%s\n' "$got" | sed -n 's/^ETag: //p')
	lm=$(printf '%s\n' "$got" | sed -n 's/^Last-Modified: //p')
	is "$(c -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "$url/about.html") $(c \
		-o /dev/null -w '%{http_code}' -H "If-Modified-Since: $lm" "$url/about.html") $(c \
		-o /dev/null -w '%{http_code}' -H 'If-None-Match: "other"' "$url/about.html")" \
		"304 304 200" "$v $s: If-None-Match and If-Modified-Since get 304, another tag 200"

	# The whole site, mirrored by following links, equals the folder.
	rm -rf "$NETNS_TMP/mirror"
	(cd "$NETNS_TMP" && nsx wget -q --mirror --no-host-directories -P mirror \
		--ca-certificate="$CA" "$url/" 2>&1)
	got=$(diff -r "$SITE/htdocs" "$NETNS_TMP/mirror" 2>&1)
	is "$got" "" "$v $s: wget --mirror fetches the site byte for byte"

	# Bad requests: out of the store, a NUL, a bad escape; no Host.
	is "$(c --path-as-is -o /dev/null -w '%{http_code}' "$url/docs/../../x") $(c -o /dev/null \
		-w '%{http_code}' "$url/%2e%2e/x") $(c -o /dev/null -w '%{http_code}' "$url/a%00b") $(c \
		-o /dev/null -w '%{http_code}' "$url/a%zz")" "400 400 400 400" \
		"$v $s: .., %2e%2e, %00 and a bad escape get 400"
	is "$(printf 'GET / HTTP/1.1\r\n\r\n' | raw "$s" "$port" | head -1)" \
		"HTTP/1.1 400 Bad Request" "$v $s: a request without Host gets 400"
}

# tls_checks VARIANT: the chain, protocol and cipher, and the redirect from plain HTTP.
tls_checks() {
	local v=$1 out
	out=$(echo | nsx timeout 20 openssl s_client -connect "$addr:4433" -CAfile "$CA" \
		-verify_return_error -alpn http/1.1 2>&1)
	like "$out" "Verify return code: 0 \(ok\)" "$v: s_client verifies the chain to the test CA"
	like "$out" "Protocol *: TLSv1.2" "$v: the protocol is TLSv1.2"
	like "$out" "Cipher is ECDHE-RSA-(AES128-GCM-SHA256|AES256-GCM-SHA384|CHACHA20-POLY1305)" \
		"$v: the cipher is ECDHE with AES-GCM or ChaCha20-Poly1305"
	is "$(nsx curl -sS -m 20 -o /dev/null -w '%{http_code} %{redirect_url}' \
		"http://$addr:8080/docs/build.html?x=1" 2>&1)" \
		"301 https://$addr:4433/docs/build.html?x=1" "$v: plain HTTP redirects to HTTPS"
	like "$(nsx curl -sSL -m 20 --cacert "$CA" "http://$addr:8080/about.html" 2>&1)" \
		"<h1>About this site</h1>" "$v: curl -L follows the redirect to the HTTPS page"
}

# browser_checks VARIANT: headless Chromium in the namespace renders the HTTPS site.
browser_checks() {
	local v=$1 home dom shot=$ARTIFACTS/website.png chromium
	chromium=$(command -v chromium)
	if [ -z "$chromium" ] || ! command -v certutil >/dev/null; then
		skip "$v: needs chromium and certutil (libnss3-tools; scripts/install-deps.sh)"
		skip "$v: needs chromium and certutil (libnss3-tools; scripts/install-deps.sh)"
		return
	fi
	home=$NETNS_TMP/home
	mkdir -p "$home/.pki/nssdb" "$ARTIFACTS"
	certutil -N -d "sql:$home/.pki/nssdb" --empty-password &&
	certutil -A -d "sql:$home/.pki/nssdb" -n "fata test CA" -t "C,," -i "$CA"
	rm -f "$shot"
	run_chromium() {
		HOME=$home timeout 60 ip netns exec "$NETNS" "$chromium" --headless --no-sandbox \
			--disable-gpu --disable-quic --no-first-run --disable-background-networking \
			--disable-component-update --disable-sync --user-data-dir="$(mktemp -d -p "$NETNS_TMP")" \
			"$@" 2>>"$NETNS_TMP/chromium.err"
	}
	dom=$(run_chromium --dump-dom "https://$addr:4433/")
	like "$dom" "<h1>$HEADING</h1>" "$v: Chromium trusting the test CA renders the HTTPS home page"
	run_chromium --window-size=1024,700 --screenshot="$shot" "https://$addr:4433/" >/dev/null
	[ -s "$shot" ] && [ "$(head -c 4 "$shot" | tail -c 3)" = PNG ]
	ok $? "$v: Chromium saves a screenshot of the site (build/test-artifacts/website.png)"
	[ -s "$shot" ] || diag "$(tail -5 "$NETNS_TMP/chromium.err")"
}

for variant in unix-socket:direct:true unix-direct:fat:false spt-direct:crunch:true hvt-direct:archive:false; do
	IFS=: read -r v kv tls <<<"$variant"
	target=${v%-*}
	if [ $target = hvt ] && [ ! -e /dev/kvm ]; then
		skip "hvt: /dev/kvm is missing on this machine"
		continue
	fi
	site_start $v $kv $tls
	pid=$NETNS_LAST addr=$NET_ADDR log=$NET_LOG
	if [ $target = hvt ]; then
		# Emulated guest code: a few requests only, plain HTTP (net_tls.t shows HTTPS on
		# hvt; a handshake takes 15 s or more on this machine's KVM).
		c() { nsx curl -sS -m 60 "$@" 2>&1; }
		like "$(c "http://$addr:8080/")" "<h1>$HEADING</h1>" "$v: / is index.html"
		like "$(c -w '%{http_code}' "http://$addr:8080/nothing" | tr '\n' ' ')" "Nothing here.*404$" \
			"$v: a missing page gets 404 with 404.html"
		is "$(c -r 8-15 "http://$addr:8080/images/landscape.png" | od -An -c | tr -s ' ')" \
			"$(tail -c +9 "$SITE/htdocs/images/landscape.png" | head -c 8 | od -An -c | tr -s ' ')" \
			"$v: a byte range of the PNG from the tar archive"
	elif [ $tls = true ]; then
		site_checks $v https 4433
		tls_checks $v
		[ $target = spt ] && browser_checks $v
	else
		site_checks $v http 8080
	fi
	if [ $target != hvt ]; then
		got=$(nsx /usr/bin/python3 "$SLOWLORIS" "$addr" 8080 2>&1)
		like "$got" "^cut off after [3-6] s: HTTP/1.1 408 Request Timeout$" \
			"$v: a slowloris client is cut off after the head timeout"
	fi
	netns_stop $pid
	unlike "$(cat "$log")" 'ERR|fatal' "$v: no error in the log"
done
echo "1..$_tap_n"
tap_done
