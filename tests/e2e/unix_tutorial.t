#!/bin/bash
# The tutorial's steps 0 and 1 on the unix target, as a user runs them: configure, make, run.
. "$(dirname "$0")/../lib/tap.sh"
plan 28
tap_tmpdir

# build DIR CONFIGURE-ARGS...: configure and make in DIR; returns make's status.
build() {
	local dir=$1
	shift
	(cd "$dir" && fata configure "$@" >/dev/null && make --no-print-directory >/dev/null) 2>"$dir.err"
}

copy_example examples/tutorial/noop "$tmp/noop"
build "$tmp/noop" -t unix
ok $? "noop: configure and make"
out=$("$tmp/noop/dist/noop" 2>&1)
ok $? "noop: exits 0"
is "$out" "" "noop: prints nothing"

copy_example examples/tutorial/hello "$tmp/hello"
build "$tmp/hello" -t unix
ok $? "hello: configure and make"
# Time each line as it arrives, to check the one-second spacing.
stamps=$("$tmp/hello/dist/hello" | while IFS= read -r line; do
	printf '%s %s\n' "$(date +%s%N)" "$line"; done; echo "status ${PIPESTATUS[0]}")
is "$(printf '%s\n' "$stamps" | grep -c 'INF \[application\] hello$')" 4 "hello: four hello lines"
like "$stamps" '^[0-9]+ [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} [+-][0-9]{2}:[0-9]{2}: INF \[application\] hello$' \
	"hello: lines shaped like the tutorial's"
like "$stamps" '^status 0$' "hello: exits 0"
gaps=$(printf '%s\n' "$stamps" | awk '/hello$/ { if (p) printf "%d\n", ($1 - p) / 1000000; p = $1 }')
bad=$(printf '%s\n' "$gaps" | awk '$1 < 900 || $1 > 1500')
is "$(printf '%s\n' "$gaps" | wc -l)" 3 "hello: three gaps measured"
is "$bad" "" "hello: lines one second apart (gaps in ms: $(echo $gaps))"

copy_example examples/tutorial/hello-key "$tmp/hk"
build "$tmp/hk" -t unix --hello="Hola!"
ok $? "hello-key: configure --hello=Hola! and make"
out=$("$tmp/hk/dist/hello")
ok $? "hello-key: exits 0"
is "$(printf '%s\n' "$out" | grep -cE '^[0-9-]+ [0-9:]+ [+-][0-9]{2}:[0-9]{2}: INF \[application\] Hola!$')" 4 \
	"hello-key: configure-time value is the default"
out=$("$tmp/hk/dist/hello" --hello="Hi!")
is "$(printf '%s\n' "$out" | grep -c 'INF \[application\] Hi!$')" 4 "hello-key: run-time value overrides"
out=$("$tmp/hk/dist/hello" --hello "Two words")
is "$(printf '%s\n' "$out" | grep -c 'INF \[application\] Two words$')" 4 "hello-key: --key VALUE form"
help=$("$tmp/hk/dist/hello" --help)
ok $? "hello-key: --help exits 0"
like "$help" '--hello=VAL \(absent=Hola!\)' "hello-key: --help shows the key and its default"
like "$help" 'How to say hello\.' "hello-key: --help shows the key's doc"
err=$("$tmp/hk/dist/hello" --bogus=1 2>&1 >/dev/null)
is "$?" 64 "hello-key: unknown option exits 64"
like "$err" '^hello: unknown option --bogus$' "hello-key: and says which option"
err=$("$tmp/hk/dist/hello" -l "netif:loud" 2>&1 >/dev/null)
is "$?" 64 "hello-key: bad -l value exits 64"
build "$tmp/hk" -t unix
out=$("$tmp/hk/dist/hello" -l quiet --hello=x; "$tmp/hk/dist/hello" | head -1)
like "$out" 'INF \[application\] Hello World!$' "hello-key: reconfigured without a key: config.ini's default"

cp -r "$FATA_ROOT/tests/e2e/fixtures/keytypes" "$tmp/kt"
build "$tmp/kt" -t unix --port=99 --fixed=changed
out=$("$tmp/kt/dist/keytypes" --verbose --gateway=198.18.0.254 --ipv4=198.19.1.2/15)
is "$out" "port=99 verbose=1 gateway=198.18.0.254 ipv4=198.19.1.2/15 fixed=changed" \
	"typed keys: int, bool, ipv4, ipv4-prefix and a configure-only string"
err=$("$tmp/kt/dist/keytypes" --port=abc 2>&1)
st=$?
is "$st" 64 "typed keys: a bad int exits 64"
like "$err" "^keytypes: --port=abc: invalid value; expected an integer$" "typed keys: and says what was expected"
err=$("$tmp/kt/dist/keytypes" --fixed=x 2>&1)
is "$?" 64 "typed keys: a configure-only key is refused at run time"
"$tmp/kt/dist/keytypes" --status=3 >/dev/null
is "$?" 3 "start's return value is the exit status"

cp -r "$FATA_ROOT/tests/e2e/fixtures/mismatch" "$tmp/mm"
build "$tmp/mm" -t unix
ok $((! $?)) "a start() that does not match the devices fails to build"
like "$(cat "$tmp/mm.err")" 'unikernel.c:[0-9]+:[0-9]+: error: conflicting types for .start.' \
	"and the compiler points at the user's own file"
tap_done
