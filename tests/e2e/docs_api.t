#!/bin/bash
# The API reference and the man pages stay in sync with their sources: docs/api.md is what
# scripts/gen-docs.py makes of include/fata/*.h, every function there is documented, the
# section-3 and section-1 pages render without warnings and cover every function, command and
# option, and bash completion completes commands, targets, keys and tender options.
. "$(dirname "$0")/../lib/tap.sh"
command -v python3 >/dev/null && command -v man >/dev/null && command -v groff >/dev/null ||
	skip_all "needs python3, man and groff (scripts/install-deps.sh)"
tap_tmpdir
gen="$FATA_ROOT/scripts/gen-docs.py"

python3 "$gen" api "$tmp/api.md"
ok $? "gen-docs.py api runs"
if cmp -s "$tmp/api.md" "$FATA_ROOT/docs/api.md"; then ok 0 "docs/api.md is up to date"; else
	ok 1 "docs/api.md is up to date (run: python3 scripts/gen-docs.py api docs/api.md)"
	diff -u "$FATA_ROOT/docs/api.md" "$tmp/api.md" | head -20 | sed 's/^/#   /'
fi
# Every function declared in a public header has its entry (an undocumented one has none).
declared=$(cat "$FATA_ROOT"/include/fata/*.h | grep -oE '^[a-z_][a-z0-9_ *]*[ *](fata_[a-z0-9_]+)\(' |
	grep -oE 'fata_[a-z0-9_]+\($' | tr -d '(' | sort -u)
documented=$(grep -oE "^### fata_[a-z0-9_]+$" "$tmp/api.md" | cut -c5- | sort -u)
is "$(comm -23 <(echo "$declared") <(echo "$documented") | tr '\n' ' ')" "" \
	"every function of include/fata/*.h has a documented entry in docs/api.md"
like "$(sed -n '/^### fata_tcp_read$/,/^### /p' "$FATA_ROOT/docs/api.md")" \
	'long fata_tcp_read\(struct fata_tcp \*c, void \*buf, size_t len, uint64_t deadline\);' "fata_tcp_read: its prototype"

python3 "$gen" man3 "$tmp/man/man3"
ok $? "gen-docs.py man3 runs"
is "$(ls "$tmp/man/man3" | sed 's/\.3$//' | sort | comm -13 - <(echo "$declared") | tr '\n' ' ')" "" \
	"a section-3 page for every function"
out=$(MANPATH="$tmp/man" MANWIDTH=100 man -P cat 3 fata_tcp_read 2>&1)
like "$out" "#include <fata/tcp\.h>" "man 3 fata_tcp_read: the header"
like "$out" "Returns how many \(at least 1\), 0 at the end of the peer's stream" "man 3 fata_tcp_read: the header's comment"
warn=$(for f in "$tmp"/man/man3/*.3; do groff -man -ww -z "$f" 2>&1; done)
is "$warn" "" "the section-3 pages render without groff warnings"

python3 "$gen" man1 "$tmp/man/man1" "$FATA_ROOT/bin"
ok $? "gen-docs.py man1 runs"
warn=$(for f in "$tmp"/man/man1/*.1; do groff -man -ww -z "$f" 2>&1; done)
is "$warn" "" "the section-1 pages render without groff warnings"
page=$(MANPATH="$tmp/man" MANWIDTH=200 man -P cat 1 fata 2>&1)
missing=""
for c in configure build clean describe query help crunch inspect net; do
	printf '%s\n' "$page" | grep -q "COMMAND: ${c^^}" || missing="$missing $c"
done
is "$missing" "" "man 1 fata: a section for every command"
for t in hvt spt; do
	page=$(MANPATH="$tmp/man" MANWIDTH=200 man -P cat 1 "fata-$t" 2>&1)
	missing=""
	for o in $("fata-$t" --help | grep -oE '^  -[-a-z]+[:=]?' | sed 's/^ *//'); do
		printf '%s\n' "$page" | grep -qF -- "$o" || missing="$missing $o"
	done
	is "$missing" "" "man 1 fata-$t: every option of --help"
done

# Completion, in the network example's folder.
copy_example examples/device-usage/network "$tmp/net"
comp() { (cd "$tmp/net" && bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1));
	case $1 in fata) _fata ;; *) _fata_tender ;; esac; echo "${COMPREPLY[*]}"' _ "$FATA_ROOT/share/fata.bash" "$@"); }
is "$(comp fata co)" "configure" "completion: commands"
is "$(comp fata configure -t "")" "unix hvt spt" "completion: targets"
like "$(comp fata configure --)" "--dhcp.*--net.*--port" "completion: the unikernel's keys"
is "$(comp fata net "")" "up down list --help" "completion: fata net"
like "$(comp fata-hvt --bl)" "--block:" "completion: tender options"
plan "$_tap_n"
tap_done
