#!/bin/sh
# `make install PREFIX=...`: the commands in PREFIX/bin, everything a unikernel build needs in
# PREFIX/lib/fata (the same layout as the source tree, so FATA_HOME works the same way).
set -e
prefix=$1
root=$(cd "$(dirname "$0")/.." && pwd)
home="$prefix/lib/fata"
mkdir -p "$prefix/bin" "$home/build"
for b in fata fata-hvt fata-spt; do
	[ -x "$root/bin/$b" ] && install -m 755 "$root/bin/$b" "$prefix/bin/$b"
done
rm -rf "$home/mk" "$home/include" "$home/abi" "$home/libc" "$home/cli"
cp -r "$root/mk" "$root/include" "$root/abi" "$home/"
mkdir -p "$home/cli" && install -m 755 "$root/cli/net.sh" "$home/cli/net.sh"
mkdir -p "$home/libc" && cp -r "$root/libc/include" "$home/libc/"
for t in unix hvt spt; do
	if [ -f "$root/build/$t/libfata.a" ]; then
		mkdir -p "$home/build/$t" && cp "$root/build/$t/"*.a "$home/build/$t/"
	fi
done
echo "installed fata in $prefix (runtime in $home)"
