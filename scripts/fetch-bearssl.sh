#!/bin/sh
# Puts the source of the BearSSL that Debian 12 ships (libbearssl-dev 0.6+dfsg.1-3: the orig
# tarball, to which Debian applies no patch) in the cache folder CACHE, once, and prints its path.
# The hvt and virtio guests link a build of it for general-purpose registers (mk/bearssl.mk).
# The SHA-256 is pinned from Debian's bearssl_0.6+dfsg.1-3.dsc; a file that does not match is
# refused. Exit status: 0 the tarball is there and matches, 1 it could not be downloaded
# (offline: the caller falls back to Debian's libbearssl.a), 2 a download that does not match.
#   scripts/fetch-bearssl.sh CACHE
CACHE=${1:?usage: scripts/fetch-bearssl.sh CACHE}
NAME=bearssl_0.6+dfsg.1.orig.tar.xz
URL=http://deb.debian.org/debian/pool/main/b/bearssl/$NAME
SHA256=102a625bd8f6155260867a50c508df8d8c3f796985dd744df1a68e5cd1a79004
FILE=$CACHE/$NAME

matches() { [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$SHA256" ]; }

if [ -f "$FILE" ]; then
	matches "$FILE" && { echo "$FILE"; exit 0; }
	echo "fata: $FILE does not have the pinned SHA-256 $SHA256; remove it to download it again" >&2
	exit 2
fi
mkdir -p "$CACHE" || { echo "fata: cannot create the cache folder $CACHE" >&2; exit 1; }
tmp=$(mktemp "$FILE.XXXXXX") || exit 1
trap 'rm -f "$tmp"' EXIT
echo "fata: downloading $URL" >&2
if ! curl -fsSL --connect-timeout 10 --max-time 300 -o "$tmp" "$URL"; then
	echo "fata: could not download $URL" >&2
	exit 1
fi
if ! matches "$tmp"; then
	echo "fata: $URL has SHA-256 $(sha256sum "$tmp" | cut -d' ' -f1), not the pinned $SHA256" \
		"(Debian's bearssl_0.6+dfsg.1-3.dsc); refusing it" >&2
	exit 2
fi
mv "$tmp" "$FILE" && echo "$FILE"
