#!/bin/sh
# Before linking a unikernel: the start function that config.ini names (START) must be defined
# by one of the user's objects, else one line naming config.ini's line and the nearest function
# that is defined, rather than a link error inside the generated fata/main.c.
# Usage: check-start.sh START CONFIG OBJECT...
start=$1 config=$2
shift 2
defined=$(nm --defined-only "$@" 2>/dev/null | awk '$2 == "T" { print $3 }')
printf '%s\n' "$defined" | grep -qx -- "$start" && exit 0
line=$(grep -n '^[[:space:]]*start[[:space:]]*=' "$config" 2>/dev/null | head -1 | cut -d: -f1)
near=$(printf '%s\n' "$defined" | awk -v want="$start" '
function dist(a, b,   i, j, la, lb, d, c) {
	la = length(a); lb = length(b)
	for (i = 0; i <= la; i++) d[i, 0] = i
	for (j = 0; j <= lb; j++) d[0, j] = j
	for (i = 1; i <= la; i++)
		for (j = 1; j <= lb; j++) {
			c = d[i - 1, j - 1] + (substr(a, i, 1) != substr(b, j, 1))
			if (d[i - 1, j] + 1 < c) c = d[i - 1, j] + 1
			if (d[i, j - 1] + 1 < c) c = d[i, j - 1] + 1
			d[i, j] = c
		}
	return d[la, lb]
}
NF { k = dist(want, $0); if (best == "" || k < bestk) { best = $0; bestk = k } }
END { if (best != "" && bestk <= 2) print best }')
srcs=$(printf '%s\n' "$@" | sed 's|^_build/||; s|\.o$|.c|' | grep -v '^fata/' | tr '\n' ' ')
echo "$config${line:+:$line}: start = $start, but no source (${srcs% }) defines a function $start;" \
	"expected the name of your start function${near:+ (did you mean start = $near?)}" >&2
exit 1
