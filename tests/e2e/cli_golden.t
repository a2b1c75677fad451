#!/bin/bash
# The fata command against golden outputs (tests/e2e/golden/) and the config fixtures of
# tests/cli/: help, describe, query, every config error, and what configure and clean leave on
# disk. Everything runs in a scratch copy. FATA_UPDATE_GOLDEN=1 rewrites the golden files.
source "$(dirname "$0")/../lib/tap.sh"

GOLDEN="$FATA_ROOT/tests/e2e/golden"
FIXTURES="$FATA_ROOT/tests/cli"
ROOT_PHYS=$(cd "$FATA_ROOT" && pwd -P)
[ -x "$FATA" ] || skip_all "bin/fata is not built"
# (Not tmp=$(tap_tmpdir): in a subshell its EXIT trap would remove the folder at once.)
tap_tmpdir >/dev/null
tmp=$_tap_tmp
out="$tmp/out"
err="$tmp/err"

# check_golden NAME FILE DESCRIPTION: the content of FILE must be tests/e2e/golden/NAME.
check_golden() {
	if [ -n "${FATA_UPDATE_GOLDEN:-}" ]; then cp "$2" "$GOLDEN/$1"; fi
	if cmp -s "$2" "$GOLDEN/$1"; then ok 0 "$3"; else
		ok 1 "$3"
		diff -u "$GOLDEN/$1" "$2" 2>&1 | head -40 | sed 's/^/#   /'
	fi
}

# run DIR CMD...: runs fata in DIR; stdout in $out, stderr in $err, status in $rc.
run() {
	local dir=$1
	shift
	rc=0
	(cd "$dir" && "$FATA" "$@") >"$out" 2>"$err" || rc=$?
}

# Every path under DIR with a checksum of each file: equal snapshots mean nothing was written.
snapshot() {
	(cd "$1" && find . -print | LC_ALL=C sort && find . -type f -exec md5sum {} + | LC_ALL=C sort)
}

# Names only (clean compares what exists, not contents).
listing() {
	(cd "$1" && find . -print | LC_ALL=C sort)
}

fresh() { # fresh NAME: a new scratch copy of the full fixture
	rm -rf "$tmp/$1"
	mkdir -p "$tmp/$1" && cp -r "$FIXTURES/full/." "$tmp/$1/"
	echo "$tmp/$1"
}

# --- version, help, unknown commands ---------------------------------------------------------
run "$tmp" --version
is "$(cat "$out")" "fata 0.1.0" "fata --version"
run "$tmp" --help
check_golden help.txt "$out" "fata --help"
cp "$out" "$tmp/help-main"
run "$tmp" help
ok "$(cmp -s "$out" "$tmp/help-main"; echo $?)" "fata help is fata --help"
for cmd in configure build clean describe query help inspect; do
	run "$tmp" "$cmd" --help
	is "$rc:$(head -1 "$out")" "0:NAME" "fata $cmd --help"
done
run "$tmp" help build
check_golden help-build.txt "$out" "fata help build"
run "$tmp" frob
is "$rc:$(cat "$err")" '1:fata: unknown command "frob"; try fata help' "unknown command"
run "$tmp" --frob
is "$rc:$(cat "$err")" '1:fata: unknown option "--frob"; try fata help' "unknown option"
run "$tmp" build --frob
is "$rc:$(cat "$err")" '1:fata: unknown option "--frob" for fata build; try fata help build' \
	"unknown option of a command"
run "$tmp" help frob
is "$rc:$(cat "$err")" '1:fata: unknown command "frob"; try fata help' "help on an unknown command"
run "$tmp"
is "$rc:$(cat "$err")" '1:fata: no command; try fata help' "no command"

# help configure: the generic part only without a config.ini, the keys with one.
mkdir -p "$tmp/empty"
run "$tmp/empty" help configure
check_golden help-configure-none.txt "$out" "fata help configure without a config.ini"
full=$(fresh full)
run "$full" help configure
check_golden help-configure.txt "$out" "fata help configure lists UNIKERNEL PARAMETERS"
cp "$out" "$tmp/help-configure"
run "$full" configure --help
ok "$(cmp -s "$out" "$tmp/help-configure"; echo $?)" "fata configure --help is the same"

# --- configure: errors write nothing ---------------------------------------------------------
before=$(snapshot "$full")
run "$full" configure
is "$rc:$(cat "$err")" "1:fata: no target; expected -t unix, -t hvt, -t spt or -t virtio (there is no previous configuration to reuse)" \
	"configure needs -t the first time"
run "$full" configure -t xen
is "$rc:$(cat "$err")" '1:fata: unknown target "xen"; expected one of: unix, hvt, spt, virtio' "unknown target"
run "$full" configure -t unix --nope=1
is "$rc:$(cat "$err")" "1:fata: unknown configure key --nope; this unikernel's keys are: --greeting, --port, --verbose" \
	"unknown configure key"
run "$full" configure -t unix --ipv4=10.0.0.2/8
is "$rc:$(cat "$err")" "1:fata: key --ipv4 can only be set at run time" "runtime-only key"
run "$full" configure -t unix --port=abc
is "$rc:$(cat "$err")" "1:fata: --port=abc: expected an integer" "bad configure-time value"
run "$full" configure -t unix --port
is "$rc:$(cat "$err")" "1:fata: --port needs a value; expected an integer" "missing value"
run "$full" configure -t unix --port=1 --port=2
is "$rc:$(cat "$err")" "1:fata: --port is given twice; expected each key once" "key given twice"
run "$full" configure -t unix stray
is "$rc:$(cat "$err")" '1:fata: unexpected argument "stray" for fata configure; try fata help configure' \
	"stray argument"
run "$full" configure -t unix -f missing.ini
is "$rc:$(cat "$err")" "1:fata: missing.ini: cannot open: No such file or directory; expected the unikernel's config file (run fata in the unikernel's folder or give -f FILE)" \
	"missing config file"
is "$(snapshot "$full")" "$before" "failed configures wrote nothing"

# Every bad fixture: its message (first line "; expect: MESSAGE"), status 1, nothing written.
for f in "$FIXTURES"/bad/*.ini; do
	name=$(basename "$f" .ini)
	d="$tmp/bad-$name"
	mkdir -p "$d" && cp "$f" "$d/config.ini"
	want=$(head -1 "$f" | sed -n 's/^; expect: //p')
	before=$(snapshot "$d")
	run "$d" configure -t unix
	is "$rc:$(cat "$err")" "1:$want" "bad/$name.ini: $want"
	is "$(snapshot "$d")" "$before" "bad/$name.ini: nothing written"
done

# A configure that fails after a good one leaves the good one untouched.
conf=$(fresh conf)
run "$conf" configure -t unix
is "$rc:$(cat "$err")" "0:" "configure -t unix"
before=$(snapshot "$conf")
echo "[device x]" >>"$conf/config.ini"
last=$(wc -l <"$conf/config.ini")
after_edit=$(snapshot "$conf")
run "$conf" configure -t hvt
is "$rc:$(cat "$err")" "1:config.ini:$last: [device x] has no class; expected class = one of: time, console, block, kv_ro, stackv4, stackv4v6, stackv6, random" \
	"configure with a broken config.ini fails"
is "$(snapshot "$conf")" "$after_edit" "and leaves the previous configuration as it was"

# --- configure, describe, query ----------------------------------------------------------------
desc=$(fresh desc)
run "$desc" describe
is "$rc:$(cat "$err")" "1:fata: this unikernel is not configured (no fata/configure.args); expected fata configure -t TARGET first" \
	"describe before configure"
run "$desc" configure -t unix
is "$rc" 0 "configure -t unix"
is "$(cd "$desc" && ls -A | tr '\n' ' ')" ".gitignore Makefile config.ini fata unikernel.c " "configure wrote .gitignore, Makefile and fata/"
is "$(cd "$desc/fata" && ls -A | tr '\n' ' ')" "configure.args main.c unikernel.h " "fata/ holds main.c, unikernel.h, configure.args"
check_golden gitignore "$desc/.gitignore" "configure writes a .gitignore covering what fata makes and the images (disk.img)"
run "$desc" describe
check_golden describe-default.txt "$out" "fata describe (defaults)"
run "$desc" configure -t unix --greeting="Hola \"amigo\"!" --port 9090 --verbose
is "$rc:$(cat "$err")" "0:" "configure with configure-time keys"
run "$desc" describe
check_golden describe-configure.txt "$out" "fata describe (configure-time values)"
check_golden configure.args "$desc/fata/configure.args" "fata/configure.args"
check_golden unikernel.h "$desc/fata/unikernel.h" "fata/unikernel.h"
check_golden main.c "$desc/fata/main.c" "fata/main.c"
sed "s|$ROOT_PHYS|@FATA_ROOT@|g" "$desc/Makefile" >"$tmp/Makefile.rel"
check_golden Makefile "$tmp/Makefile.rel" "Makefile"

before=$(snapshot "$desc")
for f in main.c unikernel.h Makefile configure.args; do
	run "$desc" query "$f"
	is "$rc" 0 "query $f"
	if [ "$f" = configure.args ]; then g="$desc/fata/$f"; elif [ "$f" = Makefile ]; then g="$desc/Makefile"; else g="$desc/fata/$f"; fi
	ok "$(cmp -s "$out" "$g"; echo $?)" "query $f prints what configure wrote"
done
run "$desc" query main.c -t unix
check_golden query-main.c "$out" "query main.c -t unix: defaults again"
run "$desc" query manifest.c
is "$rc:$(cat "$err")" "1:fata: manifest.c is only written for hvt, spt and virtio; the target is unix" \
	"no manifest.c for unix"
run "$desc" query manifest.c -t hvt
check_golden manifest.c "$out" "query manifest.c -t hvt"
run "$desc" query fata/unikernel.h -t spt --port=1
is "$rc" 0 "query accepts fata/NAME and configure options"
run "$desc" query nothing.c
is "$rc:$(cat "$err")" '1:fata: unknown file "nothing.c"; expected packages or one of: Makefile, main.c, unikernel.h, manifest.c, configure.args' \
	"query of an unknown file"
run "$desc" query
is "$rc" 0 "query without FILE lists what the unikernel links"
sed "s|$ROOT_PHYS|@FATA_ROOT@|g; s|$FATA_ROOT|@FATA_ROOT@|g" "$out" >"$tmp/packages"
check_golden query-packages.txt "$tmp/packages" "query packages: runtime archive, each device's implementation"
run "$desc" query packages -t hvt
like "$(cat "$out")" "^runtime    .*/build/hvt/libfata\.a \(library OS, hvt platform, Fata's freestanding libc; and -lgcc\)" \
	"query packages -t hvt: the hvt archive and Fata's libc"
is "$(snapshot "$desc")" "$before" "query writes nothing"

# The generated C compiles as strictly as Fata's own code, against the public headers.
cflags="-std=gnu11 -Wall -Wextra -Werror -I$FATA_ROOT/include -I$desc"
for f in fata/main.c unikernel.c; do
	(cd "$desc" && gcc $cflags -c "$f" -o "$tmp/obj.o") 2>"$err"
	ok $? "generated code compiles: $f"
	[ -s "$err" ] && sed 's/^/#   /' "$err"
done
noop="$tmp/noop"
copy_example examples/tutorial/noop "$noop"
run "$noop" configure -t unix
(cd "$noop" && gcc $cflags -I"$noop" -c fata/main.c -o "$tmp/obj.o") 2>"$err"
ok $? "main.c without keys or devices compiles"

# hvt: the manifest note is Solo5's layout (descsz 4 + 8 + 104, type MFT1, name Solo5).
run "$desc" configure -t hvt
is "$rc" 0 "configure -t hvt"
ok "$([ -f "$desc/fata/manifest.c" ]; echo $?)" "hvt: fata/manifest.c written"
if (cd "$desc" && gcc -std=gnu11 -Wall -Wextra -Werror -I"$FATA_ROOT/abi" -c fata/manifest.c -o "$tmp/mft.o") 2>"$err" &&
	objcopy -O binary --only-section=.note.solo5.manifest "$tmp/mft.o" "$tmp/mft.bin"; then
	is "$(stat -c %s "$tmp/mft.bin")" 136 "manifest note is 136 bytes"
	is "$(od -An -tx4 -N12 "$tmp/mft.bin" | tr -s ' ')" " 00000006 00000074 3154464d" \
		"namesz 6, descsz 116, type MFT1"
	is "$(od -An -c -j12 -N5 "$tmp/mft.bin" | tr -d ' ')" "Solo5" "note name Solo5"
	is "$(od -An -tx4 -j24 -N8 "$tmp/mft.bin" | tr -s ' ')" " 00000001 00000001" "version 1, 1 entry"
	is "$(od -An -tx4 -j100 -N4 "$tmp/mft.bin" | tr -s ' ')" " 40000000" "entry 0 reserved"
else
	ok 1 "manifest.c compiles"
	sed 's/^/#   /' "$err"
fi
# A block device gets a manifest entry (handle 1) and connects with its name and file.
blk="$tmp/block"
copy_example examples/device-usage/block "$blk"
run "$blk" configure -t spt
is "$rc:$(cat "$err")" "0:" "configure the block example for spt"
check_golden manifest-block.c "$blk/fata/manifest.c" "manifest.c with a block device"
like "$(cat "$blk/fata/main.c")" 'storage = fata_block_connect\("storage", "disk.img"\);' \
	"block connect: name and file"
(cd "$blk" && gcc $cflags -I"$blk" -c fata/main.c -o "$tmp/obj.o" &&
	gcc -std=gnu11 -Wall -Wextra -Werror -I"$FATA_ROOT/abi" -c fata/manifest.c -o "$tmp/mft.o") 2>"$err"
ok $? "block main.c and manifest.c compile"
if objcopy -O binary --only-section=.note.solo5.manifest "$tmp/mft.o" "$tmp/mft.bin"; then
	is "$(stat -c %s "$tmp/mft.bin")" 240 "manifest note with two entries is 240 bytes"
	is "$(od -An -tx4 -j4 -N4 "$tmp/mft.bin" | tr -d ' ')" 000000dc "descsz 4 + 8 + 2 * 104"
	is "$(od -An -c -j136 -N7 "$tmp/mft.bin" | tr -d ' ')" "storage" "entry 1 is named storage"
	is "$(od -An -tx4 -j204 -N4 "$tmp/mft.bin" | tr -d ' ')" 00000001 "entry 1 is BLOCK_BASIC"
fi
run "$blk" describe
like "$(cat "$out")" "storage \(block, file = disk.img\)" "describe shows the device's file"

run "$desc" configure
is "$(sed -n 2p "$desc/fata/configure.args")" hvt "configure without -t keeps the previous target"
run "$desc" configure -t unix
ok "$([ ! -e "$desc/fata/manifest.c" ]; echo $?)" "back to unix: the stale manifest.c is gone"

# -f: another config name in another folder; the folder's configure.args remembers it.
mkdir -p "$tmp/other/sub"
cp "$FIXTURES/full/config.ini" "$tmp/other/sub/my.ini"
cp "$FIXTURES/full/unikernel.c" "$tmp/other/sub/"
run "$tmp/other" configure -f sub/my.ini -t spt
is "$rc:$(cat "$err")" "0:" "configure -f sub/my.ini"
is "$(cd "$tmp/other/sub" && ls -A | tr '\n' ' ')" ".gitignore Makefile fata my.ini unikernel.c " "outputs go beside the config"
is "$(tr '\n' ' ' <"$tmp/other/sub/fata/configure.args")" "-t spt -f my.ini " "configure.args names the config"
run "$tmp/other/sub" describe
is "$(sed -n 2,3p "$out" | tr -s ' ' | tr '\n' ' ')" "Target spt Config my.ini " "describe in that folder finds my.ini"

# --- clean ---------------------------------------------------------------------------------------
cl=$(fresh clean)
before=$(listing "$cl")
run "$cl" configure -t unix --port=1
(cd "$cl" && make --no-print-directory disk.img) >/dev/null 2>&1
ok "$([ -f "$cl/disk.img" ]; echo $?)" "the generated Makefile makes the [file]"
mkdir -p "$cl/dist" "$cl/_build/fata" && touch "$cl/dist/full" "$cl/_build/fata/main.o"
run "$cl" clean
is "$rc:$(cat "$err")" "0:" "fata clean"
is "$(listing "$cl")" "$before" "fata clean leaves only the user's files"

# Clean with a config.ini that no longer parses: the Makefile still names the files.
run "$cl" configure -t unix
(cd "$cl" && make --no-print-directory disk.img) >/dev/null 2>&1
printf 'garbage\n' >>"$cl/config.ini"
last=$(wc -l <"$cl/config.ini")
run "$cl" clean
is "$rc" 0 "fata clean with a broken config.ini"
like "$(cat "$err")" "^config.ini:$last: expected NAME = VALUE" "says why it cannot read config.ini"
is "$(listing "$cl")" "$before" "and still removes what fata made"

# A Makefile fata did not write is neither removed nor overwritten.
printf 'all:\n\techo mine\n' >"$cl/Makefile"
before=$(snapshot "$cl")
run "$cl" clean
is "$(snapshot "$cl")" "$before" "fata clean keeps a Makefile it did not write"
cp "$FIXTURES/full/config.ini" "$cl/config.ini"
before=$(snapshot "$cl")
run "$cl" configure -t unix
is "$rc:$(cat "$err")" "1:fata: Makefile exists and was not written by fata configure; expected no Makefile (move yours away first)" \
	"configure refuses to overwrite it"
is "$(snapshot "$cl")" "$before" "and writes nothing"
run "$cl" build
is "$rc:$(cat "$err")" "1:fata: this unikernel is not configured (its Makefile was not written by fata); expected fata configure -t TARGET first" \
	"build refuses a foreign Makefile"

# --- build ---------------------------------------------------------------------------------------
if [ -f "$FATA_ROOT/build/unix/libfata.a" ]; then
	hello="$tmp/hello"
	copy_example examples/tutorial/hello-key "$hello"
	run "$hello" configure -t unix --hello=Bonjour
	run "$hello" build
	is "$rc" 0 "fata build"
	ok "$([ -x "$hello/dist/hello" ]; echo $?)" "dist/hello built"
	like "$("$hello/dist/hello" --help)" "--hello=VAL \(absent=Bonjour\)" \
		"the configure-time value is the unikernel's default"
else
	skip "build/unix/libfata.a is not built"
fi

plan "$_tap_n"
tap_done
