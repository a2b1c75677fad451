#!/bin/bash
# make coverage: line and branch coverage of lib/, platform/, tender/ and cli/ from the whole
# suite. Copies the source tree to build/cov/src (so the normal build is untouched), builds it
# with scripts/cov-cc (gcc --coverage for host code; hvt/spt guest code is built plain and not
# measured), runs make check there (unit tests, fuzz corpora, e2e tests: the unix unikernels they
# build link the measured runtime), then writes build/cov/html/index.html with gcovr and prints
# the totals. Test failures are reported but do not stop the report.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
cov=$root/build/cov
mkdir -p "$cov/src"
# -m: the copies get the time of this run, so make rebuilds whatever changed since the last one
# (with the sources' own times, an object built by an earlier run can look newer than its edit).
tar -C "$root" --exclude=./build --exclude=./bin --exclude=./.git -cf - . | tar -C "$cov/src" -xmf -
find "$cov/src" -name '*.gcda' -delete 2>/dev/null
export CC=$root/scripts/cov-cc
status=0
make -C "$cov/src" --no-print-directory -j2 check >"$cov/check.log" 2>&1 || status=$?
grep -E '^(Result|Files=|Failed|  tests|  build)' "$cov/check.log" | tail -20
[ "$status" = 0 ] || echo "coverage: make check failed in build/cov/src (see build/cov/check.log)"
rm -rf "$cov/html" && mkdir -p "$cov/html"
cd "$cov/src" || exit 1
gcovr --root . --filter 'lib/' --filter 'platform/' --filter 'tender/' --filter 'cli/' \
	--html-details "$cov/html/index.html" --txt "$cov/summary.txt" \
	--print-summary -j 2 . 2>"$cov/gcovr.log" | tail -3
gcovr_status=${PIPESTATUS[0]}
echo "coverage: per-file figures in build/cov/summary.txt, HTML in build/cov/html/index.html"
exit "$gcovr_status"
