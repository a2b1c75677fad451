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
# BearSSL for general-purpose registers, which hvt and virtio unikernels link (mk/flags.mk).
if [ -f "$root/build/bearssl/libbearssl.a" ]; then
	mkdir -p "$home/build/bearssl" && cp "$root/build/bearssl/libbearssl.a" "$home/build/bearssl/"
fi
# What fata package puts in spt container images: the static tender and its entry point.
if [ -f "$root/build/oci/fata-spt" ]; then
	mkdir -p "$home/build/oci" && cp "$root/build/oci/fata-spt" "$root/build/oci/spt-init" "$home/build/oci/"
fi
# Man pages (section 1 from the commands' help, section 3 from the headers' comments), bash
# completion, the examples and the docs.
share="$prefix/share"
rm -rf "$share/fata"
mkdir -p "$share/man/man1" "$share/man/man3" "$share/bash-completion/completions" "$share/fata"
python3 "$root/scripts/gen-docs.py" man1 "$share/man/man1" "$root/bin"
python3 "$root/scripts/gen-docs.py" man3 "$share/man/man3"
install -m 644 "$root/share/fata.bash" "$share/bash-completion/completions/fata"
for t in fata-hvt fata-spt; do
	ln -sf fata "$share/bash-completion/completions/$t"
done
# Only the tracked files when this is a git checkout (no build outputs of examples built in place).
if (cd "$root" && git rev-parse --is-inside-work-tree >/dev/null 2>&1); then
	(cd "$root" && git ls-files -z examples docs README.md | xargs -0 cp --parents -t "$share/fata")
else
	cp -r "$root/examples" "$root/docs" "$root/README.md" "$share/fata/"
fi
echo "installed fata in $prefix (runtime in $home, man pages, completion and examples in $share)"
