#!/bin/sh
# `make depends` for a unikernel: checks the toolchain and the runtime for TARGET, installs
# missing Debian packages when run as root, or says exactly what to install.
# Usage: depends.sh TARGET FATA_HOME
target=$1
home=$2
missing=""
command -v gcc >/dev/null 2>&1 || missing="$missing gcc"
command -v make >/dev/null 2>&1 || missing="$missing make"
[ -e /usr/include/stdio.h ] || missing="$missing libc6-dev"
if [ -n "$missing" ]; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "fata: installing$missing"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing >/dev/null || exit 1
	else
		echo "fata: missing:$missing; install them with: sudo apt-get install$missing" >&2
		exit 1
	fi
fi
if [ ! -f "$home/build/$target/libfata.a" ]; then
	echo "fata: the $target runtime ($home/build/$target/libfata.a) is not built; run 'make' in $home" >&2
	exit 1
fi
