/*
 * fata crunch: writes a folder as C data for a kv_ro device with --kv_ro=crunch (the table of
 * include/fata/kv.h that lib/kv/ serves). Make runs it whenever a file under the folder changes.
 */
#include "crunch.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <fata/keys.h>
#include <fata/kv.h>

#include "buf.h"
#include "gen.h"
#include "help.h"
#include "project.h"

/* The command line, checked. */
struct crunch_args {
	const char *name;		/* the C name: fata_static_NAME */
	const char *mtime_text;		/* --mtime as given; NULL: each entry's own time */
	int64_t mtime;
	const char *dir;
	const char *out;
};

/* One entry of the folder, in the order of the generated table. */
struct centry {
	char *name;			/* one component; "" for the root */
	char *host;			/* path on the host */
	bool dict;
	uint64_t size;			/* value: bytes; dictionary: members */
	uint32_t first;
	int64_t mtime;
	size_t parent;
	dev_t dev;
	ino_t ino;
};

/* The folder: e[0] is the root; each folder's members are contiguous and come after it. */
struct tree {
	struct centry *e;
	size_t n;
};

static int say_error(const char *msg)
{
	fprintf(stderr, "%s\n", msg);
	return 1;
}

/* --- the command line ------------------------------------------------------------------------- */

enum args_result { ARGS_RUN, ARGS_HELP, ARGS_BAD };

/* Reads the arguments in order; the first -h or the first mistake decides. */
static enum args_result read_args(int argc, char **argv, struct crunch_args *a)
{
	*a = (struct crunch_args){ .name = "kv" };
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return ARGS_HELP;
		if (strcmp(argv[i], "--name") == 0 && i + 1 < argc)
			a->name = argv[++i];
		else if (strncmp(argv[i], "--name=", 7) == 0)
			a->name = argv[i] + 7;
		else if (strcmp(argv[i], "--mtime") == 0 && i + 1 < argc)
			a->mtime_text = argv[++i];
		else if (strncmp(argv[i], "--mtime=", 8) == 0)
			a->mtime_text = argv[i] + 8;
		else if (argv[i][0] == '-' && argv[i][1]) {
			say_error("fata: crunch takes --name NAME, --mtime SECONDS, DIR and OUT.c; try "
				  "fata help crunch");
			return ARGS_BAD;
		} else if (!a->dir)
			a->dir = argv[i];
		else if (!a->out)
			a->out = argv[i];
		else {
			say_error("fata: crunch takes one DIR and one OUT.c; try fata help crunch");
			return ARGS_BAD;
		}
	}
	return ARGS_RUN;
}

/* Checks the values of the arguments and that DIR is a folder (its stat in `root`): 0 or 1. */
static int check_args(struct crunch_args *a, struct stat *root)
{
	if (!a->dir || !a->out)
		return say_error("fata: crunch needs DIR and OUT.c; try fata help crunch");
	for (const char *c = a->name; *c; c++) {
		if (!(isalnum((unsigned char)*c) || *c == '_') || isdigit((unsigned char)a->name[0]))
			return say_error("fata: crunch: --name must be a C identifier");
	}
	if (a->mtime_text) {
		union fata_key_value v;

		if (fata_key_value_parse(FATA_KEY_INT, a->mtime_text, &v) < 0 || v.i < 0)
			return say_error("fata: crunch: --mtime expects seconds since the epoch");
		a->mtime = v.i;
	}
	if (stat(a->dir, root) < 0 || !S_ISDIR(root->st_mode)) {
		fprintf(stderr, "fata: crunch: %s is not a folder\n", a->dir);
		return 1;
	}
	return 0;
}

/* --- the folder ------------------------------------------------------------------------------- */

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in folder `path` but . and .., sorted: 0, or -1 after a message. */
static int list_folder(const char *path, char ***names, size_t *count)
{
	DIR *dir = opendir(path);
	struct dirent *de;

	*names = NULL;
	*count = 0;
	if (!dir) {
		fprintf(stderr, "fata: crunch: cannot read %s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((de = readdir(dir)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		*names = xrealloc(*names, (*count + 1) * sizeof(**names));
		(*names)[(*count)++] = xstrdup(de->d_name);
	}
	closedir(dir);
	if (*count > 1)
		qsort(*names, *count, sizeof(**names), by_name);
	return 0;
}

/* Whether the folder `st` is entry `i` or one of its ancestors (a link that makes a loop). */
static bool is_ancestor(const struct tree *t, size_t i, const struct stat *st)
{
	for (size_t a = i;; a = t->e[a].parent) {
		if (t->e[a].dev == st->st_dev && t->e[a].ino == st->st_ino)
			return true;
		if (a == 0)
			return false;
	}
}

/*
 * Appends the member `name` of folder entry `i`, whose host path `host` it takes over. Skips
 * (with a message) what cannot be a kv entry; returns -1 on a loop.
 */
static int add_member(struct tree *t, size_t i, const char *name, struct buf *host)
{
	struct stat st;

	if (strlen(name) > FATA_KV_NAME_MAX) {
		fprintf(stderr, "fata: crunch: skipping %s: the name is longer than %d bytes\n",
			host->s, FATA_KV_NAME_MAX);
	} else if (stat(host->s, &st) < 0) {
		fprintf(stderr, "fata: crunch: skipping %s: %s\n", host->s, strerror(errno));
	} else if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "fata: crunch: skipping %s: neither a file nor a folder\n", host->s);
	} else if (S_ISDIR(st.st_mode) && is_ancestor(t, i, &st)) {
		fprintf(stderr, "fata: crunch: %s is a link to a folder that contains it; expected no "
			"loops\n", host->s);
		return -1;
	} else {
		t->e = xrealloc(t->e, (t->n + 1) * sizeof(*t->e));
		t->e[t->n++] = (struct centry){
			.name = xstrdup(name),
			.host = host->s,
			.dict = S_ISDIR(st.st_mode),
			.size = S_ISDIR(st.st_mode) ? 0 : (uint64_t)st.st_size,
			.mtime = st.st_mtime,
			.parent = i,
			.dev = st.st_dev,
			.ino = st.st_ino,
		};
		*host = (struct buf)BUF_INIT;
		t->e[i].size++;
	}
	return 0;
}

/* Lists the folder of entry `i` and appends its members (sorted) to the table. */
static int scan_folder(struct tree *t, size_t i)
{
	char **names;
	size_t count;
	int r = 0;

	if (list_folder(t->e[i].host, &names, &count) < 0)
		return -1;
	t->e[i].first = (uint32_t)t->n;
	t->e[i].size = 0;
	for (size_t j = 0; j < count && r == 0; j++) {
		struct buf host = BUF_INIT;

		buf_printf(&host, "%s/%s", t->e[i].host, names[j]);
		r = add_member(t, i, names[j], &host);
		buf_free(&host);
	}
	for (size_t j = 0; j < count; j++)
		free(names[j]);
	free(names);
	return r;
}

/* Reads the folder `dir` (its stat in `root`) breadth first into `t`: 0, or -1 after a message. */
static int read_tree(struct tree *t, const char *dir, const struct stat *root)
{
	t->e = xmalloc(sizeof(*t->e));
	t->e[0] = (struct centry){ .name = xstrdup(""), .host = xstrdup(dir), .dict = true,
				   .mtime = root->st_mtime, .dev = root->st_dev, .ino = root->st_ino };
	t->n = 1;
	for (size_t i = 0; i < t->n; i++) {
		if (t->e[i].dict && scan_folder(t, i) < 0)
			return -1;
	}
	if (t->n > UINT32_MAX) {
		fprintf(stderr, "fata: crunch: too many entries\n");
		return -1;
	}
	return 0;
}

static void free_tree(struct tree *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->e[i].name);
		free(t->e[i].host);
	}
	free(t->e);
}

/* --- the C file ------------------------------------------------------------------------------- */

/* Appends `len` bytes as C string literal lines, a line break after each newline. */
static void put_c_bytes(struct buf *b, const unsigned char *p, size_t len)
{
	size_t col = 0;

	buf_puts(b, "\t\"");
	for (size_t i = 0; i < len; i++) {
		unsigned char c = p[i];

		if (col >= 72) {
			buf_puts(b, "\"\n\t\"");
			col = 0;
		}
		if (c == '\n') {
			buf_puts(b, "\\n");
			if (i + 1 < len) {
				buf_puts(b, "\"\n\t\"");
				col = 0;
				continue;
			}
		} else if (c == '"' || c == '\\' || c == '?') {
			buf_putc(b, '\\');
			buf_putc(b, (char)c);
			col += 2;
		} else if (c >= 32 && c < 127) {
			buf_putc(b, (char)c);
			col++;
		} else {
			/* Octal: always three digits, so a following digit cannot join it. */
			buf_printf(b, "\\%03o", c);
			col += 4;
		}
	}
	buf_puts(b, "\"");
}

static int read_whole_file(const char *path, unsigned char **data, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct buf b = BUF_INIT;
	char chunk[65536];
	size_t n;

	if (!f)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_put(&b, chunk, n);
	if (ferror(f)) {
		fclose(f);
		buf_free(&b);
		return -1;
	}
	fclose(f);
	*data = (unsigned char *)b.s;
	*len = b.len;
	return 0;
}

/* One array per non-empty file, named vINDEX; sets each file's size to what was read. */
static int put_values(struct buf *out, struct tree *t, const char *dir, uint64_t *total)
{
	for (size_t i = 0; i < t->n; i++) {
		struct centry *e = &t->e[i];
		unsigned char *data;
		size_t len;

		if (e->dict || e->size == 0)
			continue;
		if (read_whole_file(e->host, &data, &len) < 0) {
			fprintf(stderr, "fata: crunch: cannot read %s: %s\n", e->host, strerror(errno));
			return -1;
		}
		e->size = len;
		*total += len;
		buf_puts(out, "\n/* ");
		gen_comment_text(out, e->host + strlen(dir));
		buf_printf(out, " (%zu bytes) */\nstatic const unsigned char v%zu[] =\n", len, i);
		put_c_bytes(out, data, len);
		buf_puts(out, ";\n");
		free(data);
	}
	return 0;
}

/* The table of entries, which the values precede. */
static void put_entries(struct buf *out, const struct tree *t, const struct crunch_args *a)
{
	buf_puts(out, "\nstatic const struct fata_kv_crunch_entry entries[] = {\n");
	for (size_t i = 0; i < t->n; i++) {
		const struct centry *e = &t->e[i];

		buf_printf(out, "\t/* %zu */ { .name = ", i);
		buf_c_string(out, e->name);
		if (e->dict)
			buf_printf(out, ", .kind = FATA_KV_DICTIONARY, .size = %llu, .first = %u",
				   (unsigned long long)e->size, e->first);
		else if (e->size)
			buf_printf(out, ", .kind = FATA_KV_VALUE, .data = v%zu, .size = %llu", i,
				   (unsigned long long)e->size);
		else
			buf_puts(out, ", .kind = FATA_KV_VALUE, .data = NULL, .size = 0");
		buf_printf(out, ", .mtime = %lld },\n",
			   (long long)(a->mtime_text ? a->mtime : e->mtime));
	}
	buf_puts(out, "};\n");
}

/* The whole C file for the folder read into `t`: 0, or -1 after a message. */
static int put_c_file(struct buf *out, struct tree *t, const struct crunch_args *a)
{
	uint64_t total = 0;

	buf_puts(out, "/* Generated by fata crunch from ");
	gen_comment_text(out, a->dir);
	buf_puts(out, "; edits are lost at the next build. */\n#include <fata/kv.h>\n");
	if (put_values(out, t, a->dir, &total) < 0)
		return -1;
	put_entries(out, t, a);
	buf_printf(out, "\n/* %zu entries, %llu bytes of data. */\n", t->n,
		   (unsigned long long)total);
	buf_printf(out, "const struct fata_kv_crunch fata_static_%s = { entries, %zu };\n", a->name,
		   t->n);
	return 0;
}

int crunch_run(int argc, char **argv)
{
	struct crunch_args a;
	struct tree t = { NULL, 0 };
	struct buf out = BUF_INIT;
	char err[ERR_MAX];
	struct stat root;
	int status = 1;

	switch (read_args(argc, argv, &a)) {
	case ARGS_HELP:
		return help_show("crunch", NULL);
	case ARGS_BAD:
		return 1;
	default:
		break;
	}
	if (check_args(&a, &root))
		return 1;
	if (read_tree(&t, a.dir, &root) < 0 || put_c_file(&out, &t, &a) < 0)
		goto out;
	if (write_atomic(a.out, buf_str(&out), out.len, err, sizeof(err)) < 0) {
		say_error(err);
		goto out;
	}
	status = 0;
out:
	free_tree(&t);
	buf_free(&out);
	return status;
}
