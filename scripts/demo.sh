#!/bin/sh
# `make demo`: configures, builds and runs tutorial/hello-key in a scratch copy, as a user would.
set -e
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/fata-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp -r "$root/examples/tutorial/hello-key/." "$work/"
cd "$work"
export PATH="$root/bin:$PATH"
echo "\$ fata configure -t unix --hello=\"Hola!\" && make && dist/hello"
fata configure -t unix --hello="Hola!"
make --no-print-directory
dist/hello
echo "\$ dist/hello --hello=\"Bonjour!\""
dist/hello --hello="Bonjour!"
