#!/bin/bash
# make install PREFIX=...: the installed fata builds and runs unikernels without the source tree.
. "$(dirname "$0")/../lib/tap.sh"
plan 11
tap_tmpdir
prefix="$tmp/prefix"
make -C "$FATA_ROOT" --no-print-directory install PREFIX="$prefix" >/dev/null
ok $? "make install PREFIX=$prefix"
ok "$([ -x "$prefix/bin/fata" ] && [ -x "$prefix/bin/fata-spt" ] && [ -x "$prefix/bin/fata-hvt" ]; echo $?)" \
	"fata, fata-spt and fata-hvt are in PREFIX/bin"
copy_example examples/tutorial/hello-key "$tmp/hk"
# Only the installed copy: no FATA_HOME, no source tree on PATH.
run() { env -u FATA_HOME PATH="$prefix/bin:/usr/bin:/bin" "$@"; }
(cd "$tmp/hk" && run fata configure -t unix --hello=Installed >/dev/null && run make --no-print-directory >/dev/null 2>&1)
ok $? "configure and make with the installed fata"
like "$(cat "$tmp/hk/Makefile")" "^FATA_HOME := $prefix/lib/fata\$" "the Makefile points at the installed runtime"
out=$(cd "$tmp/hk" && run fata configure -t spt >/dev/null && run make --no-print-directory >/dev/null 2>&1 &&
	run fata-spt -q dist/hello.spt | head -1)
like "$out" 'INF \[application\] Hello World!$' "an spt unikernel built and run from the installed copy"
# hvt links the installed BearSSL for general-purpose registers (Debian's when the tree has none).
bearssl=/usr/lib/x86_64-linux-gnu/libbearssl.a
[ -f "$FATA_ROOT/build/bearssl/libbearssl.a" ] && bearssl=$prefix/lib/fata/build/bearssl/libbearssl.a
copy_example examples/applications/https-hello "$tmp/tls"
out=$(cd "$tmp/tls" && run fata configure -t hvt >/dev/null && run make --no-print-directory V=1 2>&1)
like "$out" "hvt/libfata\.a ${bearssl//./\\.} " "an hvt unikernel with TLS links $bearssl"
man=$(MANPATH="$prefix/share/man" MANWIDTH=100 man -P cat 3 fata_tcp_read 2>&1)
like "$man" "long fata_tcp_read\(struct fata_tcp \*c, void \*buf, size_t len, uint64_t deadline\);" \
	"man 3 fata_tcp_read from PREFIX/share/man"
ok "$(for p in fata fata-hvt fata-spt; do MANPATH="$prefix/share/man" man -w "$p" >/dev/null || exit 1; done; echo $?)" \
	"man pages of fata, fata-hvt and fata-spt in section 1"
ok "$([ -f "$prefix/share/bash-completion/completions/fata" ] &&
	[ -e "$prefix/share/bash-completion/completions/fata-hvt" ]; echo $?)" "bash completion for fata and the tenders"
ok "$([ -f "$prefix/share/fata/examples/tutorial/hello/config.ini" ] && [ -f "$prefix/share/fata/docs/api.md" ] &&
	[ ! -e "$prefix/share/fata/examples/tutorial/hello/dist" ]; echo $?)" "the examples (tracked files only) and the docs in PREFIX/share/fata"
like "$(run fata net --help)" "fata net up NAME" "fata net runs from the installed copy"
tap_done
