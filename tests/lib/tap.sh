# TAP helpers for shell tests: source this file, call plan N, then ok/is/like/skip.
# FATA_ROOT is the source tree; FATA is the fata command built there.
FATA_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
FATA="$FATA_ROOT/bin/fata"
export FATA_HOME="$FATA_ROOT"
export PATH="$FATA_ROOT/bin:$PATH"
_tap_n=0
_tap_failed=0

plan() { echo "1..$1"; }
skip_all() { echo "1..0 # SKIP $*"; exit 0; }

# ok COND_STATUS DESCRIPTION: passes when the first argument is 0.
ok() {
	_tap_n=$((_tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $_tap_n - $2"
	else
		echo "not ok $_tap_n - $2"
		_tap_failed=$((_tap_failed + 1))
	fi
}

# is GOT EXPECTED DESCRIPTION
is() {
	if [ "$1" = "$2" ]; then ok 0 "$3"; else
		ok 1 "$3"
		printf '#   got:      %s\n#   expected: %s\n' "$1" "$2" | head -40
	fi
}

# like TEXT REGEX DESCRIPTION (grep -E, any line)
like() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then ok 0 "$3"; else
		ok 1 "$3"
		printf '#   text did not match /%s/:\n' "$2"
		printf '%s\n' "$1" | head -20 | sed 's/^/#     /'
	fi
}

# unlike TEXT REGEX DESCRIPTION
unlike() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		ok 1 "$3"
		printf '#   text matched /%s/:\n' "$2"
		printf '%s\n' "$1" | head -20 | sed 's/^/#     /'
	else ok 0 "$3"; fi
}

# tap_done: ends the test; its status says whether any test failed (prove reads both).
tap_done() { exit $((_tap_failed > 0)); }

skip() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n # SKIP $*"; }
diag() { printf '%s\n' "$*" | sed 's/^/# /'; }

# Makes a scratch directory, removed at exit, and sets $tmp (and $_tap_tmp) to it. Call it
# directly, not in $(...): the exit trap must belong to the test's own shell.
tap_tmpdir() {
	_tap_tmp=$(mktemp -d "${TMPDIR:-/tmp}/fata-test.XXXXXX")
	tmp=$_tap_tmp
	trap 'rm -rf "$_tap_tmp"' EXIT
}

# Copies an example into a scratch directory so tests never write into the source tree.
copy_example() { # copy_example examples/tutorial/hello DEST
	mkdir -p "$2" && cp -r "$FATA_ROOT/$1/." "$2/"
}
