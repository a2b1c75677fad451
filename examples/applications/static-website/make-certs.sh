#!/bin/sh
# Makes new TEST-ONLY certificates for static-website in certs/ with https-hello's script (a CA,
# an RSA and an ECDSA server certificate for localhost, 127.0.0.1 and 198.18.0.2).
set -e
here=$(cd "$(dirname "$0")" && pwd)
home=${FATA_HOME:-$here/../../..}
exec sh "$home/examples/applications/https-hello/make-certs.sh" "$here/certs"
