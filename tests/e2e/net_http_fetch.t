#!/bin/bash
# The HTTP client (examples/device-usage/http-fetch) in a network namespace, against Python's
# http.server (a static file by name through dnsmasq, with Content-Length) and a small Python
# server for the rest: a chain of relative and absolute redirects, a chunked body, a redirect
# loop (stopped at the limit), a body over the limit, and a server that never answers (stopped
# at the deadline). Then nginx (Debian's, run in the namespace with a configuration of the test's
# own) over http and https, https to Fata's own https-hello, and certificates refused for a
# wrong CA and a wrong name. On unix with the direct stack, then fetches on spt and hvt.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/netns.sh"
netns_require python3 dnsmasq nginx
plan 32
netns_setup httpc
UK=198.18.0.2
H=$NETNS_HOST
CERTS=$FATA_ROOT/examples/applications/https-hello/certs	# names localhost; TEST ONLY

mkdir -p "$NETNS_TMP/www"
python3 -c 'import random; r = random.Random(7); print("<html><body>" + "".join("%08x\n" % r.getrandbits(32) for _ in range(4000)) + "</body></html>")' \
	>"$NETNS_TMP/www/index.html"
netns_bg "$NETNS_TMP/static.log" python3 -m http.server --bind $H --directory "$NETNS_TMP/www" 8000

cat >"$NETNS_TMP/srv.py" <<'EOF'
# Test server: /r/N redirects N times (alternating relative and absolute Locations), then 200;
# /chunked sends a chunked body; /loop redirects to itself; /big sends 2 MB; /slow never answers.
import http.server, sys, time

class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a):
        sys.stderr.write("%s\n" % self.requestline)
    def send(self, code, body, headers=()):
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
    def do_GET(self):
        p = self.path
        if p.startswith("/r/"):
            n = int(p[3:])
            if n == 0:
                return self.send(200, b"end of the chain\n", [("Content-Type", "text/plain")])
            loc = ("../r/%d" % (n - 1)) if n % 2 else ("http://%s/r/%d" % (self.headers["Host"], n - 1))
            return self.send(302 if n % 2 else 301, b"", [("Location", loc)])
        if p == "/loop":
            return self.send(307, b"", [("Location", "/loop")])
        if p == "/chunked":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.send_header("Connection", "close")
            self.end_headers()
            for part in [b"chunk one\n", b"chunk two\n", b"x" * 5000 + b"\n"]:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
                self.wfile.flush()
                time.sleep(0.05)
            self.wfile.write(b"0\r\n\r\n")
            return
        if p == "/big":
            return self.send(200, b"y" * 2000000)
        if p == "/slow":
            time.sleep(30)
        self.send(404, b"not here\n")

http.server.ThreadingHTTPServer((sys.argv[1], int(sys.argv[2])), H).serve_forever()
EOF
netns_bg "$NETNS_TMP/srv.log" python3 "$NETNS_TMP/srv.py" $H 8001
netns_bg "$NETNS_TMP/dnsmasq.log" dnsmasq --no-daemon --conf-file=/dev/null --user=root --no-resolv \
	--listen-address=$H --bind-interfaces --port=53 --local=/fata.test/ \
	--address=/web.fata.test/$H --address=/localhost/$H --no-hosts --pid-file="$NETNS_TMP/dnsmasq.pid" --log-facility=-
wait_log "$NETNS_TMP/static.log" 'Serving HTTP' 10 && wait_log "$NETNS_TMP/dnsmasq.log" 'started' 10
ok $? "http.server on $H:8000, a test server on :8001, dnsmasq naming web.fata.test"

build() { # build DIR TARGET: http-fetch, with static-website's CA as other-ca.pem in certs
	copy_example examples/device-usage/http-fetch "$1"
	cp "$FATA_ROOT/examples/applications/static-website/certs/ca.pem" "$1/certs/other-ca.pem"
	(cd "$1" && "$FATA" configure -t "$2" --net=direct && make --no-print-directory) >"$1.log" 2>&1
}
fetch() { # fetch OUT TARGET BINARY ARGS...: runs http-fetch; status in st
	local out=$1 target=$2 bin=$3
	shift 3
	case $target in
	unix) nsx timeout 60 "$bin" --ipv4=$UK/24 --dns-server=$H "$@" >"$out" 2>&1 ;;
	*) nsx timeout 120 "$FATA_ROOT/bin/fata-$target" --net:service=tap0 -- "$bin" --ipv4=$UK/24 \
		--dns-server=$H "$@" >"$out" 2>&1 ;;
	esac
	st=$?
}
body() { grep -v '^[0-9]\{4\}-[0-9][0-9]-[0-9][0-9] [0-9:]* [-+][0-9:]*: [A-Z]\{3\} \[' "$1"; }

d=$NETNS_TMP/unix
build "$d" unix
ok $? "http-fetch builds for unix with the direct stack"
B=$d/dist/http-fetch

fetch "$NETNS_TMP/page.out" unix "$B" --url=http://web.fata.test:8000/index.html
is "$st" 0 "GET http://web.fata.test:8000/index.html: exit 0"
like "$(cat "$NETNS_TMP/page.out")" 'INF \[application\] HTTP 200 OK from http://web\.fata\.test:8000/index\.html, 36[0-9]{3} bytes of text/html, 0 redirects$' \
	"the status line, size and type are logged"
cmp -s <(body "$NETNS_TMP/page.out") "$NETNS_TMP/www/index.html"
ok $? "the page http.server serves is printed byte for byte"

fetch "$NETNS_TMP/chain.out" unix "$B" --url=http://$H:8001/r/4
is "$st/$(body "$NETNS_TMP/chain.out")" "0/end of the chain" "four redirects (302 relative, 301 absolute) are followed"
like "$(cat "$NETNS_TMP/chain.out")" 'HTTP 200 OK from http://198\.18\.0\.1:8001/r/0, 17 bytes of text/plain, 4 redirects' \
	"to /r/0, counted"
fetch "$NETNS_TMP/limit.out" unix "$B" --url=http://$H:8001/r/4 --max-redirects=3
is "$st" 1 "with --max-redirects=3 the same chain fails"
like "$(cat "$NETNS_TMP/limit.out")" 'ERR \[application\] more than 3 redirects; the last went to \.\./r/0$' "and says where it stopped"
fetch "$NETNS_TMP/loop.out" unix "$B" --url=http://$H:8001/loop
is "$st/$(grep -c 'more than 5 redirects' "$NETNS_TMP/loop.out")" 1/1 "a redirect loop stops at 5"

fetch "$NETNS_TMP/chunked.out" unix "$B" --url=http://$H:8001/chunked
[ "$st" = 0 ] && [ "$(body "$NETNS_TMP/chunked.out" | head -2 | tr '\n' ' ')" = "chunk one chunk two " ] &&
	[ "$(body "$NETNS_TMP/chunked.out" | tail -1 | tr -d '\n' | wc -c)" = 5000 ]
ok $? "a chunked body arrives decoded (status $st)"

fetch "$NETNS_TMP/big.out" unix "$B" --url=http://$H:8001/big --max-bytes=1000000
is "$st/$(grep -c 'File too large' "$NETNS_TMP/big.out")" 1/1 "a 2 MB body over --max-bytes=1000000: refused"
t0=$(date +%s%N)
fetch "$NETNS_TMP/slow.out" unix "$B" --url=http://$H:8001/slow --timeout-ms=1500
ms=$((($(date +%s%N) - t0) / 1000000))
[ "$st" = 1 ] && grep -q 'timed out' "$NETNS_TMP/slow.out" && [ $ms -ge 1400 ] && [ $ms -lt 10000 ]
ok $? "a server that never answers: timed out at the 1.5 s deadline ($ms ms)"

# nginx in the namespace: its own configuration, pid, logs and temp files in the scratch folder,
# listening only on the namespace's address; plain http on 8080, https on 8443 with https-hello's
# RSA certificate (it names localhost, which dnsmasq points at $H), and /secure redirecting from
# http to https. The worker runs as www-data, so the folders it serves must be readable.
chmod 755 "$NETNS_TMP" "$NETNS_TMP/www"
mkdir -p "$NETNS_TMP/nginx-tmp"
cat >"$NETNS_TMP/nginx.conf" <<EOF
worker_processes 1;
pid $NETNS_TMP/nginx.pid;
error_log $NETNS_TMP/nginx.err;
events { worker_connections 64; }
http {
	access_log $NETNS_TMP/nginx.access;
	types { text/html html; }
	client_body_temp_path $NETNS_TMP/nginx-tmp;
	proxy_temp_path $NETNS_TMP/nginx-tmp;
	fastcgi_temp_path $NETNS_TMP/nginx-tmp;
	uwsgi_temp_path $NETNS_TMP/nginx-tmp;
	scgi_temp_path $NETNS_TMP/nginx-tmp;
	server {
		listen $H:8080;
		listen $H:8443 ssl;
		ssl_certificate $CERTS/rsa/chain.pem;
		ssl_certificate_key $CERTS/rsa/key.pem;
		root $NETNS_TMP/www;
		location = /secure { return 301 https://localhost:8443/index.html; }
	}
}
EOF
netns_bg "$NETNS_TMP/nginx.out" nginx -c "$NETNS_TMP/nginx.conf" -e "$NETNS_TMP/nginx.err" -g 'daemon off;'
NGINX=$NETNS_LAST
for i in $(seq 100); do [ -s "$NETNS_TMP/nginx.pid" ] && break; sleep 0.1; done
[ "$(cat "$NETNS_TMP/nginx.pid" 2>/dev/null)" = "$NGINX" ]
ok $? "nginx runs in the namespace (pid $NGINX) on $H:8080 and :8443" || cat "$NETNS_TMP/nginx.err" >&2

fetch "$NETNS_TMP/ngx.out" unix "$B" --url=http://web.fata.test:8080/index.html
is "$st" 0 "nginx: GET http://web.fata.test:8080/index.html: exit 0"
like "$(cat "$NETNS_TMP/ngx.out")" 'INF \[application\] HTTP 200 OK from http://web\.fata\.test:8080/index\.html, 36[0-9]{3} bytes of text/html, 0 redirects$' \
	"nginx: the status line, size and type are logged"
cmp -s <(body "$NETNS_TMP/ngx.out") "$NETNS_TMP/www/index.html"
ok $? "nginx: the page nginx serves is printed byte for byte"

fetch "$NETNS_TMP/ngxs.out" unix "$B" --url=https://localhost:8443/index.html
[ "$st" = 0 ] && cmp -s <(body "$NETNS_TMP/ngxs.out") "$NETNS_TMP/www/index.html"
ok $? "nginx over TLS: https://localhost:8443/index.html verified against certs/ca.pem, the page byte for byte (status $st)"
like "$(cat "$NETNS_TMP/ngxs.out")" 'HTTP 200 OK from https://localhost:8443/index\.html, 36[0-9]{3} bytes of text/html' \
	"nginx over TLS: logged as https"
fetch "$NETNS_TMP/up.out" unix "$B" --url=http://localhost:8080/secure
[ "$st" = 0 ] && cmp -s <(body "$NETNS_TMP/up.out") "$NETNS_TMP/www/index.html" &&
	grep -q 'HTTP 200 OK from https://localhost:8443/index\.html, .* 1 redirect$' "$NETNS_TMP/up.out"
ok $? "a redirect from http to https is followed over TLS (status $st)"

fetch "$NETNS_TMP/ca.out" unix "$B" --url=https://localhost:8443/index.html --ca=other-ca.pem
is "$st" 1 "another CA (static-website's): exit 1"
like "$(cat "$NETNS_TMP/ca.out")" 'ERR \[tls\] certificate of localhost refused: it does not lead to a trusted CA$' \
	"another CA: refused, and the line says why"
unlike "$(body "$NETNS_TMP/ca.out")" 'html' "another CA: nothing of the page is printed"
fetch "$NETNS_TMP/name.out" unix "$B" --url=https://web.fata.test:8443/index.html
is "$st" 1 "a certificate for localhost at web.fata.test: exit 1"
like "$(cat "$NETNS_TMP/name.out")" 'ERR \[tls\] certificate of web\.fata\.test refused: it does not name the server' \
	"a wrong name: refused, and the line says why"
fetch "$NETNS_TMP/noca.out" unix "$B" --url=https://localhost:8443/ --ca=missing.pem
is "$st/$(grep -c 'ERR \[application\] --ca=missing.pem: No such file or directory in the certs store' "$NETNS_TMP/noca.out")" 1/1 \
	"a --ca the store lacks: exit 1, said once"

# Fata's own HTTPS server (https-hello on the socket stack, in the namespace, port 4433).
net_app_start unix-socket applications/https-hello https-hello 'serving HTTPS' --body="Hola from https-hello"
HELLO=$NETNS_LAST
fetch "$NETNS_TMP/hello.out" unix "$B" --url=https://localhost:4433/
is "$st/$(body "$NETNS_TMP/hello.out" | tr -d '\n')" "0/Hola from https-hello" "https-hello: fetched over TLS and verified"
netns_stop $HELLO

for target in spt hvt; do
	if [ ! -x "$FATA_ROOT/bin/fata-$target" ]; then
		skip "$target: bin/fata-$target is not built"
		skip "$target: bin/fata-$target is not built"
		continue
	fi
	if [ $target = hvt ] && [ ! -e /dev/kvm ]; then
		skip "hvt: /dev/kvm is missing on this machine"
		skip "hvt: /dev/kvm is missing on this machine"
		continue
	fi
	g=$NETNS_TMP/$target
	build "$g" $target
	fetch "$NETNS_TMP/$target.out" $target "$g/dist/http-fetch.$target" --url=http://web.fata.test:8001/r/1
	[ "$st" = 0 ] && [ "$(body "$NETNS_TMP/$target.out" | grep -v '^Solo5\|^fata-\|^ *$' | tail -1)" = "end of the chain" ]
	ok $? "$target: fetches through a redirect by name (status $st)"
	if [ $target = hvt ] && [ ! -f "$FATA_ROOT/build/bearssl/libbearssl.a" ]; then
		# Debian's archive, which hvt links without Fata's build for general-purpose
		# registers, uses vector instructions this machine's KVM cannot run (net_tls.t).
		skip "hvt: no build/bearssl/libbearssl.a, and Debian's libbearssl.a uses SSE/AES-NI, which this machine's emulated KVM cannot run in guests"
		continue
	fi
	# One handshake takes about 10 s of hvt guest code on this machine's emulated KVM.
	fetch "$NETNS_TMP/$target-tls.out" $target "$g/dist/http-fetch.$target" --url=https://localhost:8443/index.html \
		--timeout-ms=100000
	[ "$st" = 0 ] && body "$NETNS_TMP/$target-tls.out" | grep -v '^Solo5\|^fata-\|^ *$' | cmp -s - "$NETNS_TMP/www/index.html"
	ok $? "$target: the page nginx serves over TLS, verified (status $st)"
done
netns_stop $NGINX
tap_done
