#!/bin/bash
# fata inspect: every example built for hvt and spt (and kv_ro with a block-backed store) is
# reported with its target and exactly the devices its config.ini declares, plus Fata's
# extensions; a raw Solo5-style guest has none; files that are not unikernels get one error line
# and status 1. Building is native and quick; nothing runs except one noop under fata-spt.
source "$(dirname "$0")/../lib/tap.sh"
[ -x "$FATA" ] || skip_all "bin/fata is not built"
tap_tmpdir

# expected_devices CONFIG KV_RO_IMPL: "NAME TYPE" per manifest entry the config declares, in
# order: block devices, the network interface of each stackv4, stackv4v6 or stackv6 (its netif,
# default service), and kv_ro stores when KV_RO_IMPL keeps them in an image (archive, fat).
expected_devices() {
	awk -v kv="$2" '
		function flush() {
			if (cls == "block") print name, "BLOCK_BASIC"
			if (cls ~ /^stackv(4|4v6|6)$/) print (netif == "" ? "service" : netif), "NET_BASIC"
			if (cls == "kv_ro" && (kv == "archive" || kv == "fat")) print name, "BLOCK_BASIC"
			cls = ""; netif = ""; name = ""
		}
		/^\[/ { flush() }
		/^\[device / { name = $2; sub(/\]$/, "", name) }
		/^class *=/ { cls = $NF }
		/^netif *=/ { netif = $NF }
		END { flush() }' "$1"
}

# inspected_devices: "NAME TYPE" per "handle N: NAME (TYPE)" line of fata inspect's output on
# stdin, checking that the handles count up from 1.
inspected_devices() {
	sed -n 's/^\(Devices\)\? *handle \([0-9]*\): \([A-Za-z0-9]*\) (\([A-Z_]*\))$/\2 \3 \4/p' |
		awk '$1 != NR { print "handle " $1 " out of order"; next } { print $2, $3 }'
}

json_devices() { # json_devices FILE.json: the same list from --json output
	python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
for i, e in enumerate(d["devices"], 1):
    assert e["handle"] == i, "handle %d out of order" % e["handle"]
    print(e["name"], e["type"])
print("target", d["target"], d["abi_version"], "fata" if d["fata"] else "solo5", *d["extensions"])' "$1"
}

examples=$(cd "$FATA_ROOT/examples" && find . -name config.ini | sed 's|^\./||; s|/config.ini$||' | sort)
nets=0 blocks=0
for target in hvt spt; do
	for ex in $examples kv_ro-archive; do
		src=$ex args=
		[ "$ex" = kv_ro-archive ] && src=device-usage/kv_ro args=--kv_ro=archive
		dir="$tmp/$target/$ex"
		copy_example "examples/$src" "$dir"
		name=$(sed -n 's/^name *= *//p' "$dir/config.ini")
		bin="$dir/dist/$name.$target"
		if ! (cd "$dir" && "$FATA" configure -t $target $args && make -j2 build) \
			>"$dir.log" 2>&1; then
			ok 1 "$target $ex: builds"
			sed 's/^/#   /' "$dir.log" | tail -20
			continue
		fi
		out=$("$FATA" inspect "$bin" 2>"$tmp/err")
		st=$?
		is "$st:$(cat "$tmp/err")" "0:" "$target $ex: fata inspect succeeds"
		like "$out" "^Target     $target \\(Solo5 ABI target [12], version 2\\)\$" \
			"$target $ex: names the $target target and ABI version 2"
		want=$(expected_devices "$dir/config.ini" "${args#--kv_ro=}")
		got=$(printf '%s\n' "$out" | inspected_devices)
		is "$got" "$want" "$target $ex: exactly the devices of config.ini (${want:-none})"
		[ -n "$want" ] || like "$out" '^Devices    \(none\)$' "$target $ex: says it has none"
		exts="block-multi entropy net-offload net-batch"
		[ $target = spt ] && exts="block-multi stack-guard entropy net-offload"
		like "$out" "^Extensions ${exts// /, }\$" "$target $ex: Fata's extensions ($exts)"
		"$FATA" inspect --json "$bin" >"$tmp/j" 2>&1
		is "$(json_devices "$tmp/j" 2>&1)" "$(printf '%s\n' "$want" | sed '/^$/d'
			echo "target $target 2 fata $exts")" "$target $ex: --json says the same"
		nets=$((nets + $(printf '%s\n' "$want" | grep -c NET_BASIC)))
		blocks=$((blocks + $(printf '%s\n' "$want" | grep -c BLOCK_BASIC)))
		cp "$bin" "$tmp/$target-${ex//\//-}.bin"
	done
done
# The examples must exercise both device types, or the comparisons above prove little.
ok $(( nets < 2 || blocks < 4 )) "the examples declared $nets net and $blocks block devices"
is "$(printf '%s\n' "$(expected_devices "$FATA_ROOT/examples/device-usage/block/config.ini" "")")" \
	"storage BLOCK_BASIC" "config.ini reading: block's storage device"
is "$(expected_devices "$FATA_ROOT/examples/device-usage/network/config.ini" "")" \
	"service NET_BASIC" "config.ini reading: network's service interface"

# The tenders still load a binary with the FEX1 note.
(cd "$tmp/spt/tutorial/noop" && timeout 30 fata-spt --quiet dist/noop.spt)
is "$?" 0 "fata-spt runs noop.spt with its FEX1 note"

# A raw guest with only the Solo5 notes, as a stock Solo5 toolchain makes them.
raw="$FATA_ROOT/build/tests/tender/devices.spt"
if [ -f "$raw" ]; then
	out=$("$FATA" inspect "$raw")
	is "$?" 0 "a raw Solo5-style guest is inspected"
	like "$out" '^Extensions none \(not a Fata unikernel\)$' "and has no Fata extensions"
	like "$out" '^Devices    handle 1: ' "and its manifest is listed"
	"$FATA" inspect --json "$raw" >"$tmp/j"
	like "$(json_devices "$tmp/j")" '^target spt 2 solo5$' "--json: fata false, no extensions"
else
	for i in 1 2 3 4; do skip "build/tests/tender/devices.spt is not built (make check-deps)"; done
fi

# Files that are not unikernels: status 1, one line on stderr naming the file, nothing on stdout.
spt_hello="$tmp/spt-tutorial-hello.bin"
echo "just some text" >"$tmp/text"
: >"$tmp/empty"
# The loaded bytes end where the last PT_LOAD's file bytes do; debug info and symbols follow.
load_end=0
while read -r type off _ _ filesz _; do
	[ "$type" = LOAD ] && [ $((off + filesz)) -gt $load_end ] && load_end=$((off + filesz))
done < <(readelf -lW "$spt_hello")
head -c $((load_end - 1)) "$spt_hello" >"$tmp/short1"
head -c "$load_end" "$spt_hello" >"$tmp/loadonly"
"$FATA" inspect "$tmp/loadonly" >/dev/null 2>"$tmp/err"
is "$?:$(cat "$tmp/err")" "0:" "a unikernel cut right after its loaded bytes is still whole"
head -c 100 "$spt_hello" >"$tmp/cut100"
bad() { # bad FILE MESSAGE-REGEX DESCRIPTION
	"$FATA" inspect "$1" >"$tmp/out" 2>"$tmp/err"
	st=$?
	is "$st:$(wc -l <"$tmp/err"):$(wc -c <"$tmp/out")" "1:1:0" "$3: status 1, one line, no output"
	like "$(cat "$tmp/err")" "^fata: $1: $2" "$3: says why"
}
bad /bin/true 'no Solo5 ABI1 note: not a Solo5 unikernel$' "/bin/true (an ELF program)"
bad "$tmp/text" 'not an ELF file$' "a text file"
bad "$tmp/empty" 'not an ELF file$' "an empty file"
bad "$tmp/short1" 'truncated: segment [0-9]+ ' "a unikernel one byte short of its loaded bytes"
bad "$tmp/cut100" 'truncated: the program header table' "a unikernel cut at 100 bytes"
bad "$tmp/missing" 'No such file or directory$' "a missing file"
bad "$tmp" 'not a regular file$' "a folder"
# The hvt binary of another example with its ABI1 note's target changed to 9: still inspected.
hvt_block="$tmp/hvt-device-usage-block.bin"
python3 - "$hvt_block" "$tmp/target9" <<'EOF'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
i = b.index(b"Solo5\0\0\0" + b"\1\0\0\0\2\0\0\0")   # ABI1: name, then target hvt, version 2
b[i + 8] = 9
open(sys.argv[2], "wb").write(b)
EOF
like "$("$FATA" inspect "$tmp/target9")" '^Target     unknown \(Solo5 ABI target 9, version 2\)$' \
	"a target fata does not know is reported by number"

"$FATA" inspect >"$tmp/out" 2>"$tmp/err"
is "$?:$(cat "$tmp/err")" "1:fata: inspect needs a FILE; expected a unikernel binary such as dist/NAME.hvt or dist/NAME.spt" \
	"no FILE"
"$FATA" inspect --frob x >"$tmp/out" 2>"$tmp/err"
is "$?:$(cat "$tmp/err")" '1:fata: unknown option "--frob" for fata inspect; try fata help inspect' \
	"unknown option"
"$FATA" inspect --help >"$tmp/out"
is "$?:$(head -2 "$tmp/out" | tail -1)" "0:       fata-inspect - show what a unikernel binary declares" "--help"
like "$("$FATA" help)" '^       inspect \[--json\] FILE$' "fata help lists inspect"

echo "1..$_tap_n"
tap_done
