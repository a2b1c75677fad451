# Helpers for bench/*.sh scripts.
cd "$BENCH_ROOT" || exit 1

# Makes a scratch directory, removed at exit, and sets $work to it. Call it directly, not in
# $(...): the exit trap must belong to the script's own shell.
bench_tmpdir() {
	work=$(mktemp -d "${TMPDIR:-/tmp}/fata-bench.XXXXXX")
	trap 'rm -rf "$work"' EXIT
}

# bench_build EXAMPLE DEST TARGET [configure args...]: configure and build a copy of an example.
bench_build() {
	local ex=$1 dest=$2 target=$3
	shift 3
	mkdir -p "$dest" && cp -r "$BENCH_ROOT/examples/$ex/." "$dest/" &&
		(cd "$dest" && fata configure -t "$target" "$@" >/dev/null && make --no-print-directory >/dev/null 2>&1)
}

bench_stripped_size() {
	local t
	t=$(mktemp)
	strip -o "$t" "$1" 2>/dev/null && stat -c %s "$t"
	rm -f "$t"
}
