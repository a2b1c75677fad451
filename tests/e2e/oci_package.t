#!/bin/bash
# fata package: OCI image layouts of examples/applications/http-hello for spt and hvt, read back
# with skopeo and umoci (urunc's annotations, the unikernel inside, the same digest twice), a block
# image as a layer (device-usage/block), and the spt image run under runc on the bundle umoci
# unpacks, in a network namespace of its own joined by a veth to the test's, answering curl.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/netns.sh"
plan 28
DIR=$NETNS_TMP
HAVE_SKOPEO=$(command -v skopeo)
HAVE_UMOCI=$(command -v umoci)
CT="" RUNC_ID="" RUNC_ROOT="$DIR/runc"

cleanup() {
	if [ -n "$RUNC_ID" ]; then
		runc --root "$RUNC_ROOT" kill "$RUNC_ID" KILL 2>/dev/null
		sleep 0.2
		runc --root "$RUNC_ROOT" delete -f "$RUNC_ID" 2>/dev/null
	fi
	[ -n "$CT" ] && ip netns del "$CT" 2>/dev/null
	netns_cleanup
}
trap cleanup EXIT

# label IMAGE-REF NAME: a label of the image as skopeo inspect reports it.
label() {
	skopeo inspect "$1" 2>/dev/null |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["Labels"].get(sys.argv[1], "(none)"))' "$2"
}

# build EXAMPLE DEST TARGET [CONFIGURE-ARGS...]: copies and builds an example (one test).
build() {
	local ex=$1 dest=$2 target=$3
	shift 3
	copy_example "examples/$ex" "$dest"
	(cd "$dest" && "$FATA" configure -t "$target" "$@" >/dev/null &&
		make --no-print-directory >/dev/null 2>&1)
	ok $? "$target: configure and make $ex"
}

# --- spt: the layout, its annotations, the unikernel inside, reproducibility --------------------
SPT=$DIR/spt
build applications/http-hello "$SPT" spt --net=direct
out=$(cd "$SPT" && "$FATA" package --tar --body="Hola OCI" 2>&1)
ok $? "spt: fata package --tar --body=... succeeds"
like "$out" "^dist/http-hello-oci: spt image sha256:[0-9a-f]{64}$" "spt: it names the image digest"
digest1=$(cat "$SPT/dist/http-hello-oci/index.json")

if [ -z "$HAVE_SKOPEO" ]; then
	for i in 1 2 3 4; do skip "needs skopeo (scripts/install-deps.sh)"; done
else
	ref="oci:$SPT/dist/http-hello-oci"
	is "$(label "$ref" com.urunc.unikernel.hypervisor):$(label "$ref" com.urunc.unikernel.unikernelType)" \
		"spt:mirage" "spt: skopeo inspect shows hypervisor spt and type mirage (Solo5)"
	is "$(label "$ref" com.urunc.unikernel.binary)" "/unikernel/http-hello.spt" \
		"spt: the binary annotation names the unikernel's path"
	is "$(label "$ref" com.urunc.unikernel.cmdline)" '"--body=Hola OCI"' \
		"spt: the cmdline annotation holds the keys given to fata package"
	got=$(skopeo inspect --raw "oci-archive:$SPT/dist/http-hello-oci.tar" 2>&1 |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["annotations"]["com.urunc.unikernel.hypervisor"])' 2>&1)
	is "$got" spt "spt: the --tar archive is an image skopeo reads, annotations on the manifest"
fi

BUNDLE=$DIR/bundle
if [ -z "$HAVE_UMOCI" ]; then
	for i in 1 2 3; do skip "needs umoci (scripts/install-deps.sh)"; done
else
	umoci unpack --image "$SPT/dist/http-hello-oci:latest" "$BUNDLE" >"$DIR/umoci.log" 2>&1
	ok $? "spt: umoci unpacks the image" || diag "$(cat "$DIR/umoci.log")"
	cmp -s "$BUNDLE/rootfs/unikernel/http-hello.spt" "$SPT/dist/http-hello.spt"
	ok $? "spt: the image holds the built unikernel at /unikernel/http-hello.spt"
	got=$(python3 -c 'import base64,json,sys
d = json.load(open(sys.argv[1]))
print(" ".join(k + "=" + base64.b64decode(d[k]).decode() for k in sorted(d)))' \
		"$BUNDLE/rootfs/urunc.json" 2>&1)
	is "$got" 'com.urunc.unikernel.binary=/unikernel/http-hello.spt com.urunc.unikernel.cmdline="--body=Hola OCI" com.urunc.unikernel.hypervisor=spt com.urunc.unikernel.unikernelType=mirage org.opencontainers.image.title=http-hello' \
		"spt: /urunc.json holds the annotations in base64"
fi

# The same files give the same image: new mtimes and a second run change nothing.
cp "$SPT/dist/http-hello-oci.tar" "$DIR/first.tar"
touch "$SPT/dist/http-hello.spt"
(cd "$SPT" && "$FATA" package --tar --body="Hola OCI" >/dev/null 2>&1)
is "$(cat "$SPT/dist/http-hello-oci/index.json")" "$digest1" "spt: packaging twice gives one digest"
cmp -s "$DIR/first.tar" "$SPT/dist/http-hello-oci.tar"
ok $? "spt: and the same tar, byte for byte"
(cd "$SPT" && "$FATA" package --body="Other" >/dev/null 2>&1)
isnt=$(cat "$SPT/dist/http-hello-oci/index.json")
[ "$isnt" != "$digest1" ]
ok $? "spt: another command line gives another digest"

# Bad requests: a key the unikernel lacks, a configure-only stage, a unix build.
out=$(cd "$SPT" && "$FATA" package --nope=1 2>&1)
is "$?:$out" '1:fata: unknown key "nope" for fata package; expected one of the unikernel'"'"'s runtime keys (fata help configure lists them)' \
	"package: an unknown key is refused"
out=$(cd "$SPT" && "$FATA" package --port=http 2>&1)
is "$?:$out" '1:fata: invalid value "http" for key "port"; expected an integer' \
	"package: a bad value is refused"

# --- a block device: its image is a layer and an annotation -------------------------------------
BLK=$DIR/block
build device-usage/block "$BLK" spt
(cd "$BLK" && "$FATA" package >/dev/null 2>&1)
ok $? "block: fata package succeeds"
if [ -z "$HAVE_SKOPEO" ]; then
	skip "needs skopeo (scripts/install-deps.sh)"
else
	is "$(label "oci:$BLK/dist/block_test-oci" com.urunc.unikernel.block)" /unikernel/disk.img \
		"block: the block annotation names the image's path"
fi
if [ -z "$HAVE_UMOCI" ]; then
	skip "needs umoci (scripts/install-deps.sh)"
else
	umoci unpack --image "$BLK/dist/block_test-oci:latest" "$DIR/blkbundle" >/dev/null 2>&1 &&
		cmp -s "$DIR/blkbundle/rootfs/unikernel/disk.img" "$BLK/disk.img"
	ok $? "block: the image holds disk.img at /unikernel/disk.img"
fi

# --- hvt: the urunc image (building needs no /dev/kvm) ------------------------------------------
HVT=$DIR/hvt
build applications/http-hello "$HVT" hvt --net=direct
(cd "$HVT" && "$FATA" package >/dev/null 2>&1)
ok $? "hvt: fata package succeeds"
if [ -z "$HAVE_SKOPEO" ]; then
	for i in 1 2; do skip "needs skopeo (scripts/install-deps.sh)"; done
else
	ref="oci:$HVT/dist/http-hello-oci"
	is "$(label "$ref" com.urunc.unikernel.hypervisor):$(label "$ref" com.urunc.unikernel.binary)" \
		"hvt:/unikernel/http-hello.hvt" "hvt: skopeo inspect shows hypervisor hvt and the binary"
	is "$(label "$ref" com.urunc.unikernel.cmdline)" "" "hvt: no keys, an empty command line"
fi
if [ -z "$HAVE_UMOCI" ]; then
	skip "needs umoci (scripts/install-deps.sh)"
else
	umoci unpack --image "$HVT/dist/http-hello-oci:latest" "$DIR/hvtbundle" >/dev/null 2>&1 &&
		cmp -s "$DIR/hvtbundle/rootfs/unikernel/http-hello.hvt" "$HVT/dist/http-hello.hvt"
	ok $? "hvt: the image holds the built unikernel at /unikernel/http-hello.hvt"
fi

# --- the spt image as an ordinary container under runc -------------------------------------------
# The container's network namespace is joined to the test's by a veth (198.18.5.0/24); runc runs
# the bundle umoci made with CAP_NET_ADMIN and /dev/net/tun, as podman run --cap-add NET_ADMIN
# --device /dev/net/tun would.
why=""
[ "$(id -u)" = 0 ] || why="needs root for network namespaces and runc"
[ -z "$why" ] && [ ! -c /dev/net/tun ] && why="needs /dev/net/tun"
for c in runc curl ip umoci; do
	[ -z "$why" ] && ! command -v $c >/dev/null 2>&1 && why="needs $c (scripts/install-deps.sh)"
done
[ -z "$why" ] && [ ! -f "$BUNDLE/config.json" ] && why="umoci did not unpack the bundle"
if [ -n "$why" ]; then
	for i in 1 2 3 4; do skip "$why"; done
	tap_done
fi
netns_setup oci
CT="fata-ocict-$$"
ip netns add "$CT" &&
	ip -n "$NETNS" link add vh0 type veth peer name eth0 netns "$CT" &&
	ip -n "$NETNS" addr add 198.18.5.1/24 dev vh0 && ip -n "$NETNS" link set vh0 up &&
	ip -n "$CT" link set lo up && ip -n "$CT" addr add 198.18.5.2/24 dev eth0 &&
	ip -n "$CT" link set eth0 up && ip -n "$CT" route add default via 198.18.5.1
ok $? "runc: the container's namespace, joined to the test's by a veth"
python3 - "$BUNDLE/config.json" "/var/run/netns/$CT" <<'EOF'
import json, sys
path, netns = sys.argv[1], sys.argv[2]
c = json.load(open(path))
p = c["process"]
p["terminal"] = False
for k in ("bounding", "effective", "permitted"):
    p["capabilities"][k].append("CAP_NET_ADMIN")
linux = c["linux"]
linux["namespaces"] = [n for n in linux["namespaces"] if n["type"] != "network"] + \
    [{"type": "network", "path": netns}]
linux.setdefault("devices", []).append({"path": "/dev/net/tun", "type": "c", "major": 10,
                                        "minor": 200, "fileMode": 438, "uid": 0, "gid": 0})
linux.setdefault("resources", {}).setdefault("devices", []).append(
    {"allow": True, "type": "c", "major": 10, "minor": 200, "access": "rwm"})
json.dump(c, open(path, "w"))
EOF
RUNC_ID="fata-oci-$$"
LOG=$DIR/runc.log
runc --root "$RUNC_ROOT" run -d --bundle "$BUNDLE" "$RUNC_ID" >"$LOG" 2>&1 </dev/null
ok $? "runc: the spt container starts" || diag "$(cat "$LOG")"
wait_log "$LOG" 'serving HTTP' 30
ok $? "runc: the unikernel comes up on the container's address" || diag "$(cat "$LOG")"
got=$(nsx curl -sS -m 10 http://198.18.5.2:8080/ 2>&1)
is "$got" "Hola OCI" "runc: curl from the test's namespace gets the page from the container"
tap_done
