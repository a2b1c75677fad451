#!/bin/bash
# Errors that tell a newcomer what to do, at run time: did you mean for a misspelt key, a key the
# configuration left out (--ipv4 on a DHCP build), a unix build given to a tender, a missing block
# image, spt's closing line with the guest's status, the exit statuses --help promises, and
# Permission denied on /dev/net/tun and /dev/kvm naming what is missing (run as nobody).
. "$(dirname "$0")/../lib/tap.sh"
tap_tmpdir
hk="$tmp/hk"
copy_example examples/tutorial/hello-key "$hk"
(cd "$hk" && "$FATA" configure -t unix >/dev/null && make --no-print-directory >/dev/null 2>&1)
ok $? "hello-key builds for unix"
out=$("$hk/dist/hello" --helo=x 2>&1)
st=$?
is "$(printf '%s\n' "$out" | head -1)" "hello: unknown option --helo; did you mean --hello?" "--helo: did you mean --hello"
is "$st" 64 "... exit status 64, as --help says"
like "$("$hk/dist/hello" --help)" "64 on a bad command line" "--help promises 64 for a bad command line"
out=$("$hk/dist/hello" --lgos=debug 2>&1 | head -1)
is "$out" "hello: unknown option --lgos; did you mean --logs?" "--lgos (two letters swapped): did you mean --logs"
out=$("$hk/dist/hello" --bogus 2>&1 | head -1)
is "$out" "hello: unknown option --bogus" "--bogus: no far-fetched suggestion"

ue="$tmp/ue"
copy_example examples/device-usage/udp-echo "$ue"
(cd "$ue" && "$FATA" configure -t unix --net=direct --dhcp=true >/dev/null && make --no-print-directory >/dev/null 2>&1)
ok $? "udp-echo builds for unix with --dhcp=true"
out=$("$ue/dist/udp-echo" --ipv4=198.18.0.2/24 2>&1 | head -1)
is "$out" "udp-echo: --ipv4 is not a key of this build: it needs --dhcp=false, and this configuration has --dhcp=true; configure again to use it" \
	"--ipv4 on a DHCP build says why it is not there"
for t in hvt spt; do
	out=$("fata-$t" "$ue/dist/udp-echo" 2>&1)
	st=$?
	like "$out" "^fata-$t: .*/dist/udp-echo: no Solo5 ABI1 note: a unix build, not a unikernel \(it runs as a program by itself; for a tender, fata configure -t hvt or -t spt and make dist/NAME\.hvt or dist/NAME\.spt\)$" \
		"fata-$t given a unix build: says so"
	is "$st" 1 "... exit status 1, as fata-$t --help says"
	like "$("fata-$t" --help)" "1 when the tender refuses its input or setup" "fata-$t --help promises 1 for refused input"
done
like "$("fata-spt" /bin/true 2>&1)" "no Solo5 ABI1 note: not a Solo5 unikernel$" "another Linux program is not called a unix build"

blk="$tmp/blk"
copy_example examples/device-usage/block "$blk"
(cd "$blk" && "$FATA" configure -t unix >/dev/null && make --no-print-directory >/dev/null 2>&1 && rm disk.img)
out=$(cd "$tmp" && "$blk/dist/block_test" 2>&1)
st=$?
like "$out" "ERR \[block\] cannot connect block device storage: disk\.img: no such file in $tmp \(make creates it; run from the unikernel's folder\)$" \
	"a missing block image: where it looked and that make creates it"
is "$st" 1 "... exit status 1 (a device that cannot be connected)"
like "$("$blk/dist/block_test" --help)" "1 when a device cannot be connected" "--help promises 1 for a device that cannot be connected"

# spt's closing line, as hvt's.
(cd "$hk" && "$FATA" configure -t spt >/dev/null && make --no-print-directory >/dev/null 2>&1)
ok $? "hello-key builds for spt"
"fata-spt" "$hk/dist/hello.spt" --helo=x >/dev/null 2>"$tmp/spt.err"
st=$?
is "$(tail -1 "$tmp/spt.err")" "fata-spt: guest exited with status 64" "fata-spt: closing line with the guest's status"
is "$st" 64 "... and the same exit status"
"fata-spt" -q "$hk/dist/hello.spt" --helo=x >/dev/null 2>"$tmp/spt.err"
unlike "$(cat "$tmp/spt.err")" "guest exited" "fata-spt -q: no closing line"

# Permission denied, as an unprivileged user.
if ! command -v setpriv >/dev/null || [ "$(id -u)" != 0 ]; then
	skip "needs root and setpriv to run as nobody"
	skip "needs root and setpriv to run as nobody"
else
	chmod -R a+rX "$tmp"
	asnobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
	if [ -e /dev/kvm ] && ! asnobody test -r /dev/kvm -a -w /dev/kvm; then
		(cd "$hk" && "$FATA" configure -t hvt >/dev/null && make --no-print-directory >/dev/null 2>&1)
		chmod -R a+rX "$hk"
		out=$(asnobody fata-hvt "$hk/dist/hello.hvt" 2>&1)
		like "$out" "^fata-hvt: /dev/kvm: Permission denied \((only root may open it here|needs membership of group [a-z0-9_-]+)" \
			"/dev/kvm refused: names the privilege or group that is missing"
	else
		skip "no /dev/kvm, or nobody may open it"
	fi
	if ! asnobody test -r /dev/net/tun -a -w /dev/net/tun; then
		(cd "$ue" && "$FATA" configure -t spt --net=direct >/dev/null && make --no-print-directory >/dev/null 2>&1)
		chmod -R a+rX "$ue"
		# lo exists everywhere, so the tender gets as far as /dev/net/tun, which refuses
		# nobody before anything is attached or created.
		out=$(asnobody fata-spt --net:service=lo "$ue/dist/udp-echo.spt" 2>&1)
		like "$out" "^fata-spt: --net:service=lo: /dev/net/tun: Permission denied \(needs root or read-write access to /dev/net/tun" \
			"/dev/net/tun refused: names what is missing"
	else
		skip "nobody may open /dev/net/tun here"
	fi
fi
plan "$_tap_n"
tap_done
