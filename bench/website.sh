# The static website (examples/applications/static-website) next to nginx in the same run: wrk's
# requests/s with keep-alive for a 1 KiB page and a 1 MiB file, and openssl s_time's full TLS 1.2
# handshakes/s (ECDHE-RSA, AES-128-GCM), for the unikernel on unix (direct kv: the folder itself)
# and spt (crunch) over a tap, and for nginx (one worker) serving the same folder over a veth pair
# between two namespaces. Then memory (RSS of the unikernel's one process, tender and guest on spt,
# after the runs, against nginx's master plus worker) and the HTTPS unikernel's stripped image size
# and smallest --mem. Needs root, nginx and wrk (make bench installs nginx-light and wrk).
. "$BENCH_ROOT/bench/lib.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/fata-bench-web.XXXXXX")	# removed by cleanup below
if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null || [ ! -c /dev/net/tun ] ||
	! command -v wrk >/dev/null || ! command -v nginx >/dev/null; then
	echo "website benchmarks|n/a (needs root, ip, /dev/net/tun, wrk, nginx)|-|"
	exit 0
fi
SECS=${WEB_BENCH_SECONDS:-5}
CONNS=${WEB_BENCH_CONNECTIONS:-8}
CIPHER=ECDHE-RSA-AES128-GCM-SHA256
tag=$$
NS_UK=fata-bench-web-$tag NS_A=fata-bench-weba-$tag NS_B=fata-bench-webb-$tag
pids=""
cleanup() {
	local p
	for p in $pids; do kill "$p" 2>/dev/null; done
	for p in $pids; do wait "$p" 2>/dev/null; done
	ip netns del "$NS_UK" 2>/dev/null
	ip netns del "$NS_A" 2>/dev/null
	ip netns del "$NS_B" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
chmod 755 "$work"	# nginx's worker runs as www-data
site=$BENCH_ROOT/examples/applications/static-website
certs=$site/certs/rsa

# The folder both servers serve: the example's site plus the two measured files.
mkdir -p "$work/htdocs"
cp -r "$site/htdocs/." "$work/htdocs/"
head -c 1024 /dev/zero | tr '\0' 'x' >"$work/htdocs/1k.html"
head -c $((1 << 20)) /dev/urandom >"$work/htdocs/1m.bin"

# rps NS URL: wrk's requests/s over $CONNS keep-alive connections for $SECS s.
rps() {
	ip netns exec "$1" timeout $((SECS + 30)) wrk -t1 -c"$CONNS" -d"${SECS}s" "$2" 2>/dev/null |
		awk '/^Requests\/sec:/ { printf "%.0f\n", $2; f = 1 } END { if (!f) print "failed" }'
}
# hs NS HOST:PORT: full handshakes per second (openssl s_time -new, no resumption).
hs() {
	ip netns exec "$1" timeout $((SECS + 30)) openssl s_time -connect "$2" -new -time "$SECS" \
		-cipher $CIPHER 2>/dev/null |
		awk '/connections in [0-9.]+ real seconds/ { printf "%.0f\n", $1 / $4; f = 1 }
			END { if (!f) print "failed" }'
}
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }

# The reference: nginx with one worker in NS_B, the client in NS_A, a veth pair between them.
ip netns add "$NS_A" && ip netns add "$NS_B" &&
	ip link add vweb-a-$tag netns "$NS_A" type veth peer name vweb-b-$tag netns "$NS_B" &&
	ip netns exec "$NS_A" ip addr add 198.18.1.1/24 dev vweb-a-$tag &&
	ip netns exec "$NS_B" ip addr add 198.18.1.2/24 dev vweb-b-$tag &&
	ip netns exec "$NS_A" ip link set vweb-a-$tag up &&
	ip netns exec "$NS_B" ip link set vweb-b-$tag up &&
	ip netns exec "$NS_A" ip link set lo up && ip netns exec "$NS_B" ip link set lo up ||
	{ echo "website benchmarks|n/a (cannot make namespaces)|-|"; exit 0; }
cat >"$work/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx.err;
events { worker_connections 1024; }
http {
	access_log off;
	sendfile on;
	tcp_nodelay on;
	keepalive_requests 1000000;
	types { text/html html; application/octet-stream bin; text/css css; image/png png; image/svg+xml svg; }
	client_body_temp_path $work/nginx-tmp;
	proxy_temp_path $work/nginx-tmp;
	fastcgi_temp_path $work/nginx-tmp;
	uwsgi_temp_path $work/nginx-tmp;
	scgi_temp_path $work/nginx-tmp;
	server {
		listen 198.18.1.2:8080;
		listen 198.18.1.2:4433 ssl;
		ssl_certificate $certs/chain.pem;
		ssl_certificate_key $certs/key.pem;
		ssl_protocols TLSv1.2;
		ssl_ciphers $CIPHER;
		root $work/htdocs;
	}
}
EOF
mkdir -p "$work/nginx-tmp"
ip netns exec "$NS_B" nginx -c "$work/nginx.conf" -e "$work/nginx.err" >/dev/null 2>&1 &
ngx=$!
pids="$pids $ngx"
for i in $(seq 50); do [ -s "$work/nginx.pid" ] && break; sleep 0.1; done
# Both servers must answer with the file itself, or a fast error page would be measured.
same() { # same NS URL: the URL's body equals the 1 MiB file
	ip netns exec "$1" curl -sf -m 20 -k "$2" 2>/dev/null | cmp -s - "$work/htdocs/1m.bin"
}
same "$NS_A" http://198.18.1.2:8080/1m.bin || echo "nginx|does not serve the folder|-|"
r_1k=$(rps "$NS_A" http://198.18.1.2:8080/1k.html)
r_1m=$(rps "$NS_A" http://198.18.1.2:8080/1m.bin)
r_hs=$(hs "$NS_A" 198.18.1.2:4433)
r_rss=0
for p in $(cat "$work/nginx.pid" 2>/dev/null) $(pgrep -P "$(cat "$work/nginx.pid" 2>/dev/null)" 2>/dev/null); do
	r_rss=$((r_rss + $(rss_kb "$p")))
done

# The unikernel in NS_UK with a tap, the client (wrk, s_time) beside the tap.
ip netns add "$NS_UK" && ip netns exec "$NS_UK" ip link set lo up &&
	ip netns exec "$NS_UK" ip tuntap add dev tap0 mode tap &&
	ip netns exec "$NS_UK" ip addr add 198.18.0.1/24 dev tap0 &&
	ip netns exec "$NS_UK" ip link set tap0 up ||
	{ echo "website benchmarks|n/a (cannot make a tap)|-|"; exit 0; }
# start_uk TARGET DIR [ARGS]: starts DIR's static-website in $NS_UK on 198.18.0.2 (PID in uk) and
# waits until it serves; returns 1 if it does not.
start_uk() {
	local t=$1 dir=$2
	shift 2
	if [ "$t" = unix ]; then
		ip netns exec "$NS_UK" env -C "$dir" ./dist/static-website --ipv4=198.18.0.2/24 "$@" \
			>"$work/uk.out" 2>&1 &
	else
		ip netns exec "$NS_UK" "fata-$t" -q --net:service=tap0 "${MEM:---mem=512}" -- \
			"$dir/dist/static-website.$t" --ipv4=198.18.0.2/24 "$@" >"$work/uk.out" 2>&1 &
	fi
	uk=$!
	pids="$pids $uk"
	for i in $(seq 100); do
		grep -q 'serving HTTP' "$work/uk.out" && return 0
		kill -0 $uk 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}
stop_uk() { kill $uk 2>/dev/null; wait $uk 2>/dev/null; }
for t in unix spt; do
	dir=$work/uk-$t
	if [ $t = unix ]; then kv=direct; else kv=crunch; fi
	mkdir -p "$dir" && cp -r "$site/." "$dir/" && rm -rf "$dir/htdocs" &&
		cp -r "$work/htdocs" "$dir/htdocs" &&
		(cd "$dir" && fata configure -t $t --net=direct --kv_ro=$kv --tls=true >/dev/null &&
			make --no-print-directory >/dev/null 2>&1) ||
		{ echo "static-website build ($t)|FAILED|-|"; continue; }
	start_uk $t "$dir" --tls=false || { echo "static-website start ($t)|FAILED|-|"; stop_uk; continue; }
	ip netns exec "$NS_UK" ip neigh flush dev tap0
	same "$NS_UK" http://198.18.0.2:8080/1m.bin || echo "static-website ($t)|does not serve the folder|-|"
	echo "http keep-alive, 1 KiB page, $CONNS conns ($t)|$(rps "$NS_UK" http://198.18.0.2:8080/1k.html)|$r_1k (nginx)|req/s"
	echo "http keep-alive, 1 MiB file, $CONNS conns ($t)|$(rps "$NS_UK" http://198.18.0.2:8080/1m.bin)|$r_1m (nginx)|req/s"
	echo "memory after the runs, RSS ($t kv=$kv)|$(rss_kb $uk)|$r_rss (nginx)|KiB"
	stop_uk
	start_uk $t "$dir" --tls=true || { echo "static-website --tls=true ($t)|FAILED|-|"; stop_uk; continue; }
	echo "tls 1.2 full handshakes, s_time -new ($t)|$(hs "$NS_UK" 198.18.0.2:4433)|$r_hs (nginx)|conn/s"
	stop_uk
done

# The HTTPS unikernel as shipped (spt, crunch): its size and the least memory it serves in.
dir=$work/uk-min
if bench_build applications/static-website "$dir" spt --net=direct --tls=true; then
	echo "static-website --tls=true image, stripped (spt)|$(bench_stripped_size "$dir/dist/static-website.spt")|-|bytes"
	least=""
	for m in 1 2 3 4 6 8 12 16 24 32 64; do
		MEM=--mem=$m start_uk spt "$dir" --tls=true || { stop_uk; continue; }
		if ip netns exec "$NS_UK" curl -sf -m 10 --cacert "$site/certs/ca.pem" \
			-o /dev/null https://198.18.0.2:4433/; then
			least=$m
			stop_uk
			break
		fi
		stop_uk
	done
	echo "smallest --mem serving one HTTPS page (spt)|${least:-none}|-|MB"
else
	echo "static-website build (spt)|FAILED|-|"
fi
