#!/bin/bash
# fata configure --debug: the tutorial's hello built for unix with -Og -g, so gdb breaks in
# start, steps its lines and prints its loop counter; without --debug, the flags are -O2 -g as
# before (and gdb sees the counter optimised out). spt accepts --debug too.
source "$(dirname "$0")/../lib/tap.sh"
command -v gdb >/dev/null || skip_all "gdb is not installed (scripts/install-deps.sh installs it)"
tap_tmpdir
dir="$tmp/hello"
copy_example examples/tutorial/hello "$dir"

build() { # build CONFIGURE-ARGS...: configures and builds $dir, output in $dir.log
	(cd "$dir" && "$FATA" configure "$@" && make build) >"$dir.log" 2>&1
	ok $? "builds with fata configure $*"
}

# The compiler's command line as recorded for unikernel.c (the user's own code).
producer() {
	readelf --debug-dump=info "$1" | awk '/DW_AT_producer/ { p = $0 }
		/DW_AT_name/ && /unikernel\.c/ { sub(/.*\): /, "", p); print p; exit }'
}

# gdb breaks in start, steps two lines into the loop and prints its counter.
gdb_session() {
	(cd "$dir" && timeout 60 gdb -batch -nx -ex 'break start' -ex run -ex next -ex next \
		-ex 'print n' -ex 'info line start' --args dist/hello 2>&1)
}

build -t unix --debug
like "$(readelf -SW "$dir/dist/hello")" ' \.debug_info ' "the binary has .debug_info"
like "$(producer "$dir/dist/hello")" ' -g -Og ' "unikernel.c was compiled with -g -Og"
like "$(cat "$dir/Makefile")" '^DEBUG := 1$' "the generated Makefile says DEBUG := 1"
like "$(cat "$dir/fata/configure.args")" '^--debug$' "fata/configure.args keeps --debug"
like "$(cd "$dir" && "$FATA" describe)" '^Build      debug: -Og -g \(fata configure --debug\)$' \
	"fata describe says it is a debug configuration"
out=$(gdb_session)
like "$out" '^Breakpoint 1, start \(time=0x[0-9a-f]+( <[a-z_]+>)?\) at unikernel.c:[0-9]+$' \
	"gdb breaks in start at a line of unikernel.c"
like "$out" '^[0-9]+[[:space:]]+fata_info\("hello"\);$' "and steps to the loop's body"
like "$out" '^\$1 = 4$' "and prints the loop counter"
like "$out" '^Line [0-9]+ of "unikernel.c" starts at address' "info line start finds the line"
(cd "$dir" && "$FATA" build >/dev/null 2>&1)
like "$(cd "$dir" && "$FATA" describe)" '^Build      debug' "fata build keeps the debug configuration"

# Configured again without --debug: the flags are what they always were.
build -t unix
like "$(producer "$dir/dist/hello")" ' -g -O2 ' "without --debug: -g -O2"
unlike "$(cat "$dir/Makefile")" 'DEBUG' "without --debug: no DEBUG in the Makefile"
like "$(readelf -SW "$dir/dist/hello")" ' \.debug_info ' "without --debug: still not stripped"
like "$(cd "$dir" && "$FATA" describe)" '^Build      optimised: -O2 -g$' "fata describe says optimised"
like "$(gdb_session)" '^\$1 = <optimized out>$' "and gdb cannot show the loop counter there"

# spt takes it too: the unikernel's code is built with -Og.
build -t spt --debug
like "$(producer "$dir/dist/hello.spt")" ' -g -Og ' "spt: unikernel.c compiled with -g -Og"
(cd "$dir" && timeout 30 fata-spt --quiet --mem=2 dist/hello.spt >/dev/null 2>&1)
is "$?" 0 "spt: the debug build runs"

echo "1..$_tap_n"
tap_done
