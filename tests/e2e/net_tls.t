#!/bin/bash
# HTTPS against a unikernel: examples/applications/https-hello (fata/tls.h on Debian's BearSSL)
# on the socket stack (unix) and on Fata's own stack (unix, spt; hvt only with a BearSSL build for
# general-purpose registers), inside a namespace of the test's own: curl trusting the test CA,
# openssl s_client verifying the chain, the protocol, the ECDHE ciphers, ALPN and resumption,
# with the RSA and the ECDSA certificate.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/netns.sh"
netns_require curl openssl
PER=10	# net_app_start's build, then nine checks
plan $((4 * 2 * PER))
netns_setup tls
CA=$FATA_HOME/examples/applications/https-hello/certs/ca.pem

for variant in unix-socket unix-direct spt-direct hvt-direct; do
	target=${variant%-*}
	for cert in rsa ecdsa; do
		if [ $target = hvt ]; then
			# This machine's KVM emulates guest code and cannot run the vector
			# instructions of Debian's BearSSL; real hosts run it as it is.
			for i in $(seq $PER); do
				skip "hvt: Debian's libbearssl.a uses SSE/AES-NI, which this machine's emulated KVM cannot run in guests"
			done
			continue
		fi
		if [ $cert = rsa ]; then sig=RSA; else sig=ECDSA; fi
		v="$variant $cert"
		net_app_start $variant applications/https-hello https-hello 'serving HTTPS' \
			--cert=$cert --body="Hola from $v"
		pid=$NETNS_LAST addr=$NET_ADDR log=$NET_LOG
		got=$(nsx curl -sS -m 20 --cacert "$CA" "https://$addr:4433/x" 2>&1)
		is "$got" "Hola from $v" "$v: curl --cacert gets the page over HTTPS"
		sc() { echo | nsx timeout 20 openssl s_client -connect "$addr:4433" -CAfile "$CA" \
			-verify_return_error "$@" 2>&1; }
		out=$(sc -alpn http/1.1 -sess_out "$NETNS_TMP/sess")
		like "$out" "Verify return code: 0 \(ok\)" "$v: s_client verifies the chain to the test CA"
		like "$out" "Protocol *: TLSv1.2" "$v: the protocol is TLSv1.2"
		like "$out" "Cipher is ECDHE-$sig-" "$v: the key exchange is ECDHE with $sig"
		like "$out" "ALPN protocol: http/1.1" "$v: ALPN picks http/1.1"
		like "$(sc -sess_in "$NETNS_TMP/sess")" "Reused, TLSv1.2" \
			"$v: a second connection resumes the session"
		like "$(sc -cipher ECDHE-$sig-CHACHA20-POLY1305)" "Cipher is ECDHE-$sig-CHACHA20-POLY1305" \
			"$v: ChaCha20-Poly1305 when the client asks for it"
		like "$(sc -cipher ECDHE-$sig-AES128-GCM-SHA256)" "Cipher is ECDHE-$sig-AES128-GCM-SHA256" \
			"$v: AES-128-GCM when the client asks for it"
		netns_stop $pid
		unlike "$(cat "$log")" 'ERR|fatal' "$v: no error in the log"
	done
done
tap_done
