#!/bin/bash
# Tutorial step 2 on unix: block_test, and data that outlives a run.
. "$(dirname "$0")/../lib/tap.sh"
plan 9
tap_tmpdir

copy_example examples/device-usage/block "$tmp/block"
(cd "$tmp/block" && fata configure -t unix >/dev/null && make --no-print-directory >/dev/null 2>&1)
ok $? "block_test: configure and make"
ok "$([ "$(stat -c %s "$tmp/block/disk.img" 2>/dev/null)" = 51200000 ]; echo $?)" "make created disk.img (100000 sectors)"
out=$(cd "$tmp/block" && dist/block_test)
is "$?" 0 "block_test exits 0"
like "$out" 'INF \[block\] sectors = 100000$' "logs the sector count"
is "$(printf '%s\n' "$out" | grep -c 'ERR \[block\] Expecting error output from the following operation\.\.\.')" 4 \
	"announces the four expected errors"
like "$out" 'Total tests started: 10' "10 tests started"
like "$(printf '%s\n' "$out" | grep -A0 'Total tests passed')$(printf '%s\n' "$out" | grep 'Total tests failed')" \
	'Total tests passed:  10.*Total tests failed:  0' "10 passed, 0 failed"

cp -r "$FATA_ROOT/tests/e2e/fixtures/persist" "$tmp/p"
(cd "$tmp/p" && fata configure -t unix >/dev/null && make --no-print-directory >/dev/null 2>&1 &&
	dist/persist --mode=write --seed=42 >/dev/null)
ok $? "one run writes a pattern"
(cd "$tmp/p" && dist/persist --seed=42 >/dev/null && ! dist/persist --seed=43 >/dev/null)
ok $? "the next run reads it back (and a different pattern does not match)"
tap_done
