#!/bin/bash
# Several frames per exit on hvt (the NET_BATCH extension, docs/architecture.md): the tcp-client
# example, built for hvt with the direct stack, gets 300 kB echoed byte for byte by socat over a
# tap in a namespace of its own, and fata-hvt's exit note shows that the frames went through
# NET_READV and NET_WRITEV, some exits carrying several. With --no-extensions the same guest
# falls back to NET_READ and NET_WRITE (no note) and still gets every byte back. Small amounts:
# guest code may be emulated.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/netns.sh"
netns_require socat
plan 8
[ -c /dev/kvm ] || { for i in $(seq 8); do skip "hvt: /dev/kvm is missing on this machine"; done; exit 0; }
netns_setup batch
FATA=$FATA_ROOT/bin/fata
dir=$NETNS_TMP/client
copy_example examples/device-usage/tcp-client "$dir"
(cd "$dir" && "$FATA" configure -t hvt --net=direct && make --no-print-directory) >"$dir.log" 2>&1
ok $? "tcp-client builds for hvt"
like "$("$FATA" inspect "$dir/dist/tcp-client.hvt")" '^Extensions .*net-batch' \
	"fata inspect lists net-batch among its extensions"
netns_bg "$NETNS_TMP/socat.err" socat TCP-LISTEN:7,fork,reuseaddr EXEC:cat

# run LOG TENDER-ARGS...: runs the client to its end; sets st.
run() {
	local log=$1
	shift
	nsx timeout 300 "$FATA_ROOT/bin/fata-hvt" "$@" --net:service=tap0 -- \
		"$dir/dist/tcp-client.hvt" --ipv4=198.18.0.2/24 --server=$NETNS_HOST --bytes=300000 \
		>"$log" 2>&1
	st=$?
}

run "$NETNS_TMP/batch.out"
is "$st" 0 "with NET_BATCH: tcp-client gets 300000 bytes echoed byte for byte (status 0)"
note=$(sed -n 's/.*network batches: //p' "$NETNS_TMP/batch.out")
diag "fata-hvt: ${note:-no note}"
read -r fin nin most_in fout nout most_out < <(printf '%s\n' "$note" |
	sed -nE 's/^([0-9]+) frames in ([0-9]+) NET_READV \(at most ([0-9]+) per exit\), ([0-9]+) frames in ([0-9]+) NET_WRITEV \(at most ([0-9]+)\)$/\1 \2 \3 \4 \5 \6/p')
[ "${nin:-0}" -gt 0 ] && [ "$fin" -ge "$nin" ] && [ "${nout:-0}" -gt 0 ] && [ "$fout" -ge "$nout" ]
ok $? "the frames went through NET_READV and NET_WRITEV (${fin:-?} in, ${fout:-?} out)"
[ "${most_in:-0}" -ge 2 ] || [ "${most_out:-0}" -ge 2 ]
ok $? "some exits moved several frames (at most ${most_in:-?} in, ${most_out:-?} out)"
[ $((${fin:-0} + ${fout:-0})) -gt $((${nin:-0} + ${nout:-0})) ]
ok $? "fewer exits than frames"

run "$NETNS_TMP/single.out" --no-extensions
is "$st" 0 "--no-extensions: the same guest falls back to NET_READ/NET_WRITE and gets every byte"
unlike "$(cat "$NETNS_TMP/single.out")" 'network batches' "... and fata-hvt served no batch"
tap_done
