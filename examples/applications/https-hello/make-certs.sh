#!/bin/sh
# Makes the TEST-ONLY certificates of https-hello in certs/: a CA and two server certificates
# (RSA 2048 and ECDSA P-256) for localhost, 127.0.0.1 and 198.18.0.2, valid ten years. The
# committed ones were made by this script; their private keys are public, so they protect
# nothing: never use them outside tests. Run it to make your own (needs openssl); an argument
# names another folder to write them in (static-website uses it for its certs).
set -e
out=${1:-$(dirname "$0")/certs}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out/rsa" "$out/ecdsa"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
	-subj "/O=Fata test/CN=Fata test CA (TEST ONLY)" -keyout "$tmp/ca.key" -out "$out/ca.pem" \
	-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
	2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:198.18.0.2\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n' >"$tmp/ext"
for kind in rsa ecdsa; do
	case $kind in
	rsa) newkey="-newkey rsa:2048" ;;
	ecdsa) newkey="-newkey ec -pkeyopt ec_paramgen_curve:P-256" ;;
	esac
	openssl req -new $newkey -nodes -subj "/O=Fata test/CN=localhost" \
		-keyout "$out/$kind/"key.pem -out "$tmp/$kind.csr" 2>/dev/null
	openssl x509 -req -in "$tmp/$kind.csr" -CA "$out/ca.pem" -CAkey "$tmp/ca.key" \
		-CAserial "$tmp/ca.srl" -CAcreateserial -days 3650 -extfile "$tmp/ext" -out "$tmp/$kind.pem" 2>/dev/null
	# The chain: the server's certificate, then the CA's.
	cat "$tmp/$kind.pem" "$out/ca.pem" >"$out/$kind/"chain.pem
done
