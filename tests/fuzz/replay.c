/*
 * Replays fuzz inputs through a libFuzzer harness (LLVMFuzzerTestOneInput) without libFuzzer, for
 * make check, and prints TAP: one test per input, which passes when the harness returns (the
 * sanitizers abort the run on a bug). Arguments are files or directories of files; with none, the
 * binary named fuzz_NAME.t in ROOT/build/tests/san/ replays ROOT/tests/fuzz/corpus/NAME/, and an
 * empty corpus fails (it would otherwise count as a skip).
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int n, failed;

static void replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;

	n++;
	if (!f) {
		printf("not ok %d - %s: cannot open\n", n, path);
		failed++;
		return;
	}
	for (;;) {
		size_t got;

		if (len == cap) {
			uint8_t *b = realloc(buf, cap = cap ? cap * 2 : 65536);

			if (!b)
				abort();
			buf = b;
		}
		got = fread(buf + len, 1, cap - len, f);
		if (got == 0)
			break;
		len += got;
	}
	fclose(f);
	/* An exact-size copy, so reading one byte too far is caught. */
	{
		uint8_t *exact = malloc(len ? len : 1);

		if (!exact)
			abort();
		memcpy(exact, buf, len);
		free(buf);
		LLVMFuzzerTestOneInput(exact, len);
		free(exact);
	}
	printf("ok %d - %s (%zu bytes)\n", n, path, len);
	fflush(stdout);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void replay(const char *path)
{
	struct stat st;
	struct dirent *de;
	char **names = NULL;
	size_t count = 0;
	DIR *d;

	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode)) {
		replay_file(path);
		return;
	}
	d = opendir(path);
	if (!d) {
		printf("not ok %d - %s: cannot open the directory\n", ++n, path);
		failed++;
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		names = realloc(names, (count + 1) * sizeof *names);
		if (!names)
			abort();
		names[count] = malloc(strlen(path) + strlen(de->d_name) + 2);
		if (!names[count])
			abort();
		sprintf(names[count++], "%s/%s", path, de->d_name);
	}
	closedir(d);
	if (count)
		qsort(names, count, sizeof *names, by_name);
	for (size_t i = 0; i < count; i++) {
		replay_file(names[i]);
		free(names[i]);
	}
	free(names);
}

/* ROOT/build/tests/san/fuzz_NAME.t -> ROOT/tests/fuzz/corpus/NAME */
static char *default_corpus(const char *argv0)
{
	const char *base = strrchr(argv0, '/');
	size_t dirlen = base ? (size_t)(base - argv0) : 1;
	const char *dir = base ? argv0 : ".";
	char *out;

	base = base ? base + 1 : argv0;
	if (strncmp(base, "fuzz_", 5) != 0)
		return NULL;
	base += 5;
	out = malloc(dirlen + strlen(base) + 64);
	if (!out)
		abort();
	sprintf(out, "%.*s/../../../tests/fuzz/corpus/%s", (int)dirlen, dir, base);
	if (strlen(out) > 2 && strcmp(out + strlen(out) - 2, ".t") == 0)
		out[strlen(out) - 2] = 0;
	return out;
}

int main(int argc, char **argv)
{
	if (argc > 1) {
		for (int i = 1; i < argc; i++)
			replay(argv[i]);
	} else {
		char *corpus = default_corpus(argv[0]);

		if (!corpus) {
			fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
			return 2;
		}
		replay(corpus);
		/* An empty or missing corpus would pass as "skipped" with the parser unexercised. */
		if (n == 0) {
			printf("not ok 1 - %s: the corpus is empty\n", corpus);
			n = failed = 1;
		}
		free(corpus);
	}
	printf("1..%d\n", n);
	return failed ? 1 : 0;
}
