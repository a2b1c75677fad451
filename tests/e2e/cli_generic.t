#!/bin/bash
# Generic devices in fata configure (tests/cli/kv, tests/cli/stack): implementation keys
# (--kv_ro, --net, --dhcp), the runtime keys they imply, the code, Makefile and manifest each
# implementation gets, their help and describe, and every refusal. stackv4 is checked through
# fata query goldens only (tests/e2e/golden/generic-*). FATA_UPDATE_GOLDEN=1 rewrites the goldens.
source "$(dirname "$0")/../lib/tap.sh"

GOLDEN="$FATA_ROOT/tests/e2e/golden"
ROOT_PHYS=$(cd "$FATA_ROOT" && pwd -P)
[ -x "$FATA" ] || skip_all "bin/fata is not built"
tap_tmpdir >/dev/null
tmp=$_tap_tmp
out="$tmp/out"
err="$tmp/err"

check_golden() { # check_golden NAME FILE DESCRIPTION
	if [ -n "${FATA_UPDATE_GOLDEN:-}" ]; then cp "$2" "$GOLDEN/$1"; fi
	if cmp -s "$2" "$GOLDEN/$1"; then ok 0 "$3"; else
		ok 1 "$3"
		diff -u "$GOLDEN/$1" "$2" 2>&1 | head -40 | sed 's/^/#   /'
	fi
}
run() { # run DIR CMD...: stdout in $out, stderr in $err, status in $rc
	local dir=$1
	shift
	rc=0
	(cd "$dir" && "$FATA" "$@") >"$out" 2>"$err" || rc=$?
}
snapshot() { (cd "$1" && find . -print | LC_ALL=C sort && find . -type f -exec md5sum {} + | LC_ALL=C sort); }
# query_golden DIR NAME FILE ARGS...: fata query FILE ARGS must print golden NAME.
query_golden() {
	local dir=$1 name=$2
	shift 2
	run "$dir" query "$@"
	sed "s|$ROOT_PHYS|@FATA_ROOT@|g" "$out" >"$tmp/q"
	if [ "$rc" != 0 ]; then ok 1 "query $* ($(cat "$err"))"; return; fi
	check_golden "$name" "$tmp/q" "query $*"
}

kv="$tmp/kv"
mkdir -p "$kv" && cp -r "$FATA_ROOT/tests/cli/kv/." "$kv/"
st="$tmp/stack"
mkdir -p "$st" && cp -r "$FATA_ROOT/tests/cli/stack/." "$st/"

# --- help: the implementation keys in the tutorial's words ------------------------------------
run "$kv" help configure
check_golden generic-help-configure-kv.txt "$out" "help configure lists --kv_ro under UNIKERNEL PARAMETERS"
like "$(cat "$out")" $'       --kv_ro=KV_RO \\(absent=crunch\\)' "--kv_ro=KV_RO (absent=crunch)"
grep -A2 -- '--kv_ro=KV_RO' "$out" >"$tmp/kvro"
is "$(sed -n 2,3p "$tmp/kvro")" "           Use a fat, archive, crunch or direct pass-through implementation
           for the unikernel." "the doc wraps as in the tutorial"
run "$st" help configure
check_golden generic-help-configure-stack.txt "$out" "help configure lists --net, --dhcp and the stack's runtime keys"

# --- kv_ro: each implementation's main.c, Makefile, manifest ------------------------------------
before=$(snapshot "$kv")
query_golden "$kv" generic-kv-crunch-main.c main.c -t unix
query_golden "$kv" generic-kv-crunch-Makefile Makefile -t unix
query_golden "$kv" generic-kv-direct-main.c main.c -t unix --kv_ro=direct
query_golden "$kv" generic-kv-archive-main.c main.c -t hvt --kv_ro=archive
query_golden "$kv" generic-kv-archive-Makefile Makefile -t hvt --kv_ro archive
query_golden "$kv" generic-kv-archive-manifest.c manifest.c -t spt --kv_ro=archive
query_golden "$kv" generic-kv-fat-Makefile Makefile -t spt --kv_ro=fat
query_golden "$kv" generic-kv-crunch-manifest.c manifest.c -t hvt
is "$(snapshot "$kv")" "$before" "queries write nothing"

# Refusals: one line, status 1, nothing written.
run "$kv" configure -t hvt --kv_ro=direct
is "$rc:$(cat "$err")" "1:fata: --kv_ro=direct is not available on target hvt (direct reads the host's folder at run time, which only unix can); expected one of: crunch, archive, fat" \
	"--kv_ro=direct on hvt"
run "$kv" configure -t unix --kv_ro=zip
is "$rc:$(cat "$err")" "1:fata: --kv_ro=zip: expected one of: crunch, direct, archive, fat" "unknown --kv_ro value"
run "$kv" configure -t unix --kv_ro
is "$rc:$(cat "$err")" "1:fata: --kv_ro needs a value; expected one of: crunch, direct, archive, fat" "--kv_ro without a value"
run "$kv" configure -t unix --kv_ro=fat --kv_ro=fat
is "$rc:$(cat "$err")" "1:fata: --kv_ro is given twice; expected each key once" "--kv_ro twice"
run "$kv" configure -t unix --nope=1
is "$rc:$(cat "$err")" "1:fata: unknown configure key --nope; this unikernel's keys are: --greeting, --kv_ro" \
	"unknown keys list the implementation keys"
is "$(snapshot "$kv")" "$before" "refused configures wrote nothing"

# configure: saved in configure.args, shown by describe, reused by query and build.
run "$kv" configure -t unix --kv_ro=archive
is "$rc:$(cat "$err")" "0:" "configure --kv_ro=archive"
is "$(tr '\n' ' ' <"$kv/fata/configure.args")" "-t unix --kv_ro=archive " "configure.args keeps --kv_ro"
run "$kv" describe
check_golden generic-kv-describe.txt "$out" "describe shows the implementation and the image"
like "$(grep EXTRA_FILES "$kv/Makefile")" '^EXTRA_FILES := kv.tar$' "the image is an extra file (fata clean removes it)"
run "$kv" help configure
like "$(cat "$out")" 'absent=crunch' "help still shows the default"

# A kv device's name names the block device on hvt/spt only for archive and fat.
sed -i 's/^\[device kv\]$/[device my_kv]/' "$kv/config.ini"
run "$kv" query main.c -t hvt --kv_ro=fat
is "$rc:$(cat "$err")" "1:config.ini:5: device \"my_kv\" needs a Solo5 manifest entry named \"my_kv\" on hvt; expected letters and digits only (at most 67)" \
	"fat on hvt: the device name must name a manifest entry"
run "$kv" query main.c -t hvt
is "$rc" 0 "crunch on hvt: any device name"
sed -i 's/^\[device my_kv\]$/[device kv]/' "$kv/config.ini"

# --- stackv4 ----------------------------------------------------------------------------------------
before=$(snapshot "$st")
query_golden "$st" generic-stack-unix-socket-main.c main.c -t unix
query_golden "$st" generic-stack-unix-direct-main.c main.c -t unix --net=direct
query_golden "$st" generic-stack-unix-direct-unikernel.h unikernel.h -t unix --net=direct
query_golden "$st" generic-stack-unix-dhcp-main.c main.c -t unix --net direct --dhcp true
query_golden "$st" generic-stack-hvt-direct-main.c main.c -t hvt
query_golden "$st" generic-stack-hvt-dhcp-main.c main.c -t hvt --dhcp
query_golden "$st" generic-stack-spt-manifest.c manifest.c -t spt
query_golden "$st" generic-stack-configure.args configure.args -t hvt --dhcp=false --ipv4=198.18.0.2/24 --ipv4-gateway=198.18.0.1
run "$st" query main.c -t hvt --ipv4=198.18.0.7/15
like "$(cat "$out")" '\.default_text = "198\.18\.0\.7/15",' "--ipv4 at configure time becomes the default"
run "$st" configure -t hvt --net=socket
is "$rc:$(cat "$err")" "1:fata: --net=socket is not available on target hvt (socket uses the host's sockets, which only unix has); expected one of: direct" \
	"--net=socket on hvt"
run "$st" configure -t spt --net=socket
is "$rc" 1 "--net=socket on spt"
run "$st" configure -t unix --net=direct --dhcp --ipv4=1.2.3.4/8
is "$rc:$(cat "$err")" "1:fata: --ipv4 is not a key of this configuration: it needs --dhcp=false, and this configuration has --dhcp=true" \
	"with DHCP there is no --ipv4, and configure says why"
run "$st" configure -t unix --net=direct --dhcp=false --prot=80
is "$rc:$(cat "$err")" "1:fata: unknown configure key --prot; did you mean --port?" "a misspelt key: did you mean"
run "$st" configure -t unix --net=direct --dchp=true
is "$rc:$(cat "$err")" "1:fata: unknown configure key --dchp; did you mean --dhcp?" "a misspelt implementation key: did you mean"
run "$st" describe --fiel=x
is "$rc:$(cat "$err")" "1:fata: unknown option \"--fiel=x\" for fata describe; did you mean --file?" "a misspelt option: did you mean"
run "$st" configure -t hvt --interface=tap1
is "$rc:$(cat "$err")" "1:fata: unknown configure key --interface; this unikernel's keys are: --port, --ipv4, --ipv4-gateway, --net, --dhcp" \
	"hvt has no --interface"
run "$st" configure -t unix --dhcp=maybe
is "$rc:$(cat "$err")" "1:fata: --dhcp=maybe: expected one of: true, false" "--dhcp takes true or false"
run "$st" configure -t unix --ipv4=10.0.0.300/24
is "$rc:$(cat "$err")" "1:fata: --ipv4=10.0.0.300/24: expected an IPv4 address and prefix length like 198.18.0.2/24" \
	"a generic key's value is checked like a user key's"
is "$(snapshot "$st")" "$before" "refused configures and queries wrote nothing"
run "$st" configure -t hvt
run "$st" describe
check_golden generic-stack-describe-hvt.txt "$out" "describe: the stack's keys and implementation"
# Two devices of the same class on the same manifest entry are refused on hvt/spt.
sed -i 's/^netif = backup$/netif = service/' "$st/config.ini"
run "$st" configure -t hvt
is "$rc:$(cat "$err")" "1:config.ini:9: device \"backup\" needs the manifest entry \"service\", as device \"stack\" does; expected other names" \
	"two stacks on one interface"
sed -i 's/^netif = service$/netif = my_net/' "$st/config.ini"
run "$st" configure -t spt
is "$rc:$(cat "$err")" "1:config.ini:9: device \"backup\" needs a Solo5 manifest entry named \"my_net\" on spt; expected letters and digits only (at most 67)" \
	"a netif that cannot name a manifest entry"
run "$st" configure -t unix
is "$rc" 0 "but unix has no manifest: fine"

# --- crunch ------------------------------------------------------------------------------------------
mkdir -p "$tmp/data/sub" && printf 'a "quoted" line?\n\001\377' >"$tmp/data/sub/x" && : >"$tmp/data/empty"
run "$tmp" crunch --name demo --mtime 1700000000 data "$tmp/demo.c"
is "$rc:$(cat "$err")" "0:" "fata crunch"
check_golden generic-crunch-demo.c "$tmp/demo.c" "fata crunch output"
gcc -std=gnu11 -Wall -Wextra -Werror -pedantic -I"$FATA_ROOT/include" -c "$tmp/demo.c" -o "$tmp/demo.o" 2>"$err"
ok $? "the crunch output compiles cleanly (-Wall -Wextra -pedantic)"
run "$tmp" crunch data
is "$rc:$(cat "$err")" "1:fata: crunch needs DIR and OUT.c; try fata help crunch" "crunch without OUT.c"
run "$tmp" crunch nothing "$tmp/x.c"
is "$rc:$(cat "$err")" "1:fata: crunch: nothing is not a folder" "crunch of a missing folder"
run "$tmp" help crunch
is "$rc:$(head -1 "$out")" "0:NAME" "fata help crunch"

plan "$_tap_n"
tap_done
