# kv_ro stores: the median time of a get of a 1 MiB value and of a list of a 1,000-entry
# dictionary, per implementation, on unix and spt, measured inside the unikernel; the reference is
# the host reading the same file (read(2)) and listing the same folder (readdir(3)) from C. Also
# the size crunch adds to the unikernel against the data's own size.
. "$BENCH_ROOT/bench/lib.sh"
bench_tmpdir
app="$work/app"
mkdir -p "$app/data/many"
head -c 1048576 /dev/urandom >"$app/data/big"
for i in $(seq -w 1000); do printf '%s\n' "$i" >"$app/data/many/entry-$i"; done
cat >"$app/config.ini" <<'INI'
[unikernel]
name = kvbench

[device kv]
class = kv_ro
directory = data
INI
cat >"$app/unikernel.c" <<'C'
/* Prints "get-us list-us": the median of 21 gets of "big" and of 21 lists of "many". */
#include <stdio.h>
#include <stdlib.h>

#include "fata/unikernel.h"

static int cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int start(struct fata_kv *kv)
{
	uint64_t get[21], list[21];

	for (int i = 0; i < 21; i++) {
		uint64_t t0 = fata_monotonic_ns(), t1, t2;
		struct fata_kv_entry *e;
		void *data;
		size_t len, n;

		if (fata_kv_get(kv, "big", &data, &len) < 0 || len != 1048576)
			return 1;
		t1 = fata_monotonic_ns();
		if (fata_kv_list(kv, "many", &e, &n) < 0 || n != 1000)
			return 1;
		t2 = fata_monotonic_ns();
		free(data);
		free(e);
		get[i] = t1 - t0;
		list[i] = t2 - t1;
	}
	qsort(get, 21, sizeof(get[0]), cmp);
	qsort(list, 21, sizeof(list[0]), cmp);
	printf("RESULT %llu %llu\n", (unsigned long long)(get[10] / 1000),
	       (unsigned long long)(list[10] / 1000));
	return 0;
}
C
cat >"$work/ref.c" <<'C'
/* The host doing the same: read(2) of the 1 MiB file, readdir(3) of the 1,000-entry folder. */
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static uint64_t now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	uint64_t get[21], list[21];
	char path[4096];

	(void)argc;
	for (int i = 0; i < 21; i++) {
		uint64_t t0 = now(), t1;
		char *buf = malloc(1048576 + 1);
		size_t got = 0;
		int fd;
		DIR *d;
		struct dirent *de;
		int n = 0;

		snprintf(path, sizeof(path), "%s/big", argv[1]);
		fd = open(path, O_RDONLY);
		while (got < 1048576) {
			ssize_t r = read(fd, buf + got, 1048576 - got);

			if (r <= 0)
				return 1;
			got += (size_t)r;
		}
		close(fd);
		t1 = now();
		snprintf(path, sizeof(path), "%s/many", argv[1]);
		d = opendir(path);
		while ((de = readdir(d)) != NULL)
			n += de->d_name[0] != '.';
		closedir(d);
		get[i] = t1 - t0;
		list[i] = now() - t1;
		free(buf);
		if (n != 1000)
			return 1;
	}
	qsort(get, 21, sizeof(get[0]), cmp);
	qsort(list, 21, sizeof(list[0]), cmp);
	printf("%llu %llu\n", (unsigned long long)(get[10] / 1000), (unsigned long long)(list[10] / 1000));
	return 0;
}
C
ref="- -"
gcc -O2 -o "$work/ref" "$work/ref.c" 2>/dev/null && ref=$("$work/ref" "$app/data")
read -r ref_get ref_list <<<"$ref"

# run TARGET IMPL: configures and builds a copy, runs it, prints "get list" or "FAILED".
run() {
	local target=$1 impl=$2 d="$work/$1-$2" blk="" res
	mkdir -p "$d" && cp "$app/config.ini" "$app/unikernel.c" "$d/" && ln -s "$app/data" "$d/data"
	(cd "$d" && fata configure -t "$target" --kv_ro="$impl" >/dev/null &&
		make --no-print-directory >/dev/null 2>&1) || { echo "FAILED FAILED"; return; }
	case $impl in archive) blk="--block:kv=kv.tar" ;; fat) blk="--block:kv=kv.img" ;; esac
	if [ "$target" = unix ]; then
		res=$(cd "$d" && dist/kvbench 2>/dev/null | sed -n 's/^RESULT //p')
	else
		res=$(cd "$d" && timeout 120 fata-spt $blk -- dist/kvbench.spt 2>/dev/null | sed -n 's/^RESULT //p')
	fi
	echo "${res:-FAILED FAILED}"
}

for target in unix spt; do
	for impl in crunch direct archive fat; do
		[ "$target" = spt ] && [ "$impl" = direct ] && continue
		read -r get list < <(run "$target" "$impl")
		echo "kv get 1 MiB ($target, $impl), median of 21|$get|$ref_get (read(2))|us"
		echo "kv list 1,000 entries ($target, $impl), median of 21|$list|$ref_list (readdir)|us"
	done
done
if [ -f "$work/unix-crunch/dist/kvbench" ] && [ -f "$work/unix-archive/dist/kvbench" ]; then
	grow=$(($(bench_stripped_size "$work/unix-crunch/dist/kvbench") - \
		$(bench_stripped_size "$work/unix-archive/dist/kvbench")))
	data=$(find -L "$app/data" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')
	echo "crunch: unikernel growth (unix, stripped) vs data|$grow|$data (data)|bytes"
fi
