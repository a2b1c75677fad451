/* The unikernel's folder, the commands' options, and the file operations the commands share. */
#define _GNU_SOURCE
#include "project.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gen.h"

static int set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* --- options ---------------------------------------------------------------------------------- */

/* The configure-time keys, for "this unikernel's keys are: --a, --b". */
static void list_configure_keys(const struct config *cfg, struct buf *b)
{
	int n = 0;

	for (size_t i = 0; i < cfg->nkeys; i++) {
		if (!(cfg->keys[i].stage & FATA_STAGE_CONFIGURE))
			continue;
		buf_printf(b, "%s--%s", n++ ? ", " : "", cfg->keys[i].name);
	}
	for (size_t i = 0; i < cfg->nimpl_keys; i++)
		buf_printf(b, "%s--%s", n++ ? ", " : "", cfg->impl_keys[i]->name);
}

/* --KEY[=VALUE] of an implementation key: one of its choices. */
static int impl_option(const char *name, const char *value, const char *next, int *i,
		       const struct config *cfg, int index, struct options *o, char *err,
		       size_t errlen)
{
	const struct impl_key *k = cfg->impl_keys[index];
	char list[256];

	impl_key_choices(k, 0, list, sizeof(list));
	if (!value) {
		if (next && next[0] != '-' && impl_key_choice(k, next)) {
			value = next;
			(*i)++;
		} else if (impl_key_choice(k, "true")) {
			value = "true";	/* --dhcp alone, as a bool key */
		} else if (next && next[0] != '-') {
			value = next;
			(*i)++;
		} else {
			return set_err(err, errlen, "fata: --%s needs a value; expected one of: %s", name,
				       list);
		}
	}
	if (!impl_key_choice(k, value))
		return set_err(err, errlen, "fata: --%s=%s: expected one of: %s", name, value, list);
	for (size_t j = 0; j < o->nimpls; j++) {
		if (o->impls[j].index == (size_t)index)
			return set_err(err, errlen, "fata: --%s is given twice; expected each key once",
				       name);
	}
	o->impls = xrealloc(o->impls, (o->nimpls + 1) * sizeof(*o->impls));
	o->impls[o->nimpls++] = (struct impl_setting){ .index = (size_t)index, .value = value };
	return 0;
}

static int key_option(const char *cmd, int argc, char *const *argv, int *i,
		      const struct config *cfg, unsigned flags, struct options *o, char *err,
		      size_t errlen)
{
	const char *arg = argv[*i] + 2, *eq = strchr(arg, '='), *value = eq ? eq + 1 : NULL;
	size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
	char *name = xstrndup(arg, len);
	const struct config_key *k;
	union fata_key_value v;
	const char *next = *i + 1 < argc ? argv[*i + 1] : NULL;
	bool next_is_value = next && next[0] != '-';
	int r = -1;

	o->has_keys = true;
	if (!cfg) {
		/* First pass: only step over a separate value. */
		if (!value && next_is_value)
			(*i)++;
		free(name);
		return 0;
	}
	if (config_find_impl_key(cfg, name) >= 0) {
		r = impl_option(name, value, next, i, cfg, config_find_impl_key(cfg, name), o, err,
				errlen);
		goto out;
	}
	if (flags & OPT_IMPL_ONLY) {
		if (!value && next_is_value)
			(*i)++;
		r = 0;
		goto out;
	}
	k = config_find_key(cfg, name);
	if (!k) {
		static const char *const own[] = { "file", "target", "debug", "help", NULL };
		struct buf b = BUF_INIT;
		const char *near = config_key_suggest(cfg, name, own);
		char why[ERR_MAX / 2];

		list_configure_keys(cfg, &b);
		if (config_key_off(cfg, ~0u, name, why, sizeof(why)))
			set_err(err, errlen, "fata: --%s is not a key of this configuration: %s", name,
				why);
		else if (near)
			set_err(err, errlen, "fata: unknown configure key --%s; did you mean --%s?",
				name, near);
		else if (b.len)
			set_err(err, errlen, "fata: unknown configure key --%s; this unikernel's keys "
				"are: %s", name, buf_str(&b));
		else
			set_err(err, errlen, "fata: unknown configure key --%s; this unikernel has no "
				"keys settable at configure time (see fata help %s)", name, cmd);
		buf_free(&b);
		goto out;
	}
	if (!(k->stage & FATA_STAGE_CONFIGURE)) {
		set_err(err, errlen, "fata: key --%s can only be set at run time", name);
		goto out;
	}
	if (!value) {
		if (k->type == FATA_KEY_BOOL) {
			value = "true";
			if (next_is_value && fata_key_value_parse(k->type, next, &v) == 0)
				value = argv[++*i];
		} else if (next_is_value) {
			value = argv[++*i];
		} else {
			set_err(err, errlen, "fata: --%s needs a value; expected %s", name,
				fata_key_type_expect(k->type));
			goto out;
		}
	}
	if (strchr(value, '\n')) {
		set_err(err, errlen, "fata: --%s: the value contains a newline; expected one line", name);
		goto out;
	}
	if (fata_key_value_parse(k->type, value, &v) < 0) {
		set_err(err, errlen, "fata: --%s=%s: expected %s", name, value,
			fata_key_type_expect(k->type));
		goto out;
	}
	for (size_t j = 0; j < o->nsets; j++) {
		if (o->sets[j].key == k) {
			set_err(err, errlen, "fata: --%s is given twice; expected each key once", name);
			goto out;
		}
	}
	o->sets = xrealloc(o->sets, (o->nsets + 1) * sizeof(*o->sets));
	o->sets[o->nsets++] = (struct key_setting){
		.key = k,
		.index = (size_t)(k - cfg->keys),
		.value = value,
	};
	r = 0;
out:
	free(name);
	return r;
}

/*
 * Matches -x VALUE, -xVALUE, --long=VALUE and --long VALUE. Returns 1 and sets *value when `arg`
 * is the option, 0 when it is not, -1 when the value is missing.
 */
static int value_option(int argc, char *const *argv, int *i, char shortc, const char *longname,
			const char **value)
{
	const char *arg = argv[*i];
	size_t n = strlen(longname);

	if (arg[0] == '-' && arg[1] == shortc) {
		if (arg[2]) {
			*value = arg + 2;
			return 1;
		}
	} else if (strncmp(arg, "--", 2) == 0 && strncmp(arg + 2, longname, n) == 0 &&
		   arg[2 + n] == '=') {
		*value = arg + 3 + n;
		return 1;
	} else if (!(strncmp(arg, "--", 2) == 0 && strcmp(arg + 2, longname) == 0)) {
		return 0;
	}
	if (*i + 1 >= argc)
		return -1;
	*value = argv[++*i];
	return 1;
}

int options_parse(const char *cmd, int argc, char *const *argv, const struct config *cfg,
		  unsigned flags, struct options *o, char *err, size_t errlen)
{
	memset(o, 0, sizeof(*o));
	for (int i = 0; i < argc; i++) {
		const char *arg = argv[i], *value;
		int r;

		if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
			o->help = true;
			continue;
		}
		r = value_option(argc, argv, &i, 'f', "file", &value);
		if (r < 0)
			return set_err(err, errlen, "fata: option %s needs a value; expected a config "
				       "file", arg);
		if (r > 0) {
			if (!*value || strchr(value, '\n'))
				return set_err(err, errlen, "fata: -f \"%s\" is not a file name; expected "
					       "a path to a config.ini", value);
			o->file = value;
			continue;
		}
		if (flags & OPT_CONFIGURE) {
			r = value_option(argc, argv, &i, 't', "target", &value);
			if (r < 0)
				return set_err(err, errlen, "fata: option %s needs a value; expected one "
					       "of: unix, hvt, spt, virtio", arg);
			if (r > 0) {
				if (!target_parse(value))
					return set_err(err, errlen, "fata: unknown target \"%s\"; expected "
						       "one of: unix, hvt, spt, virtio", value);
				o->target = value;
				continue;
			}
			if (strcmp(arg, "--debug") == 0) {
				o->debug = true;
				continue;
			}
			if (strncmp(arg, "--", 2) == 0 && arg[2] && arg[2] != '=') {
				if (key_option(cmd, argc, argv, &i, cfg, flags, o, err, errlen) < 0)
					return -1;
				continue;
			}
		}
		if (strncmp(arg, "--", 2) == 0 && arg[2]) {
			static const char *const own[] = { "file", "target", "debug", "help", NULL };
			char *opt = xstrndup(arg + 2, strcspn(arg + 2, "="));
			const char *near = config_key_suggest(NULL, opt, own);

			free(opt);

			if (near && (flags & OPT_CONFIGURE || (strcmp(near, "target") != 0 &&
							       strcmp(near, "debug") != 0)))
				return set_err(err, errlen, "fata: unknown option \"%s\" for fata %s; "
					       "did you mean --%s?", arg, cmd, near);
		}
		if (arg[0] == '-' && arg[1])
			return set_err(err, errlen, "fata: unknown option \"%s\" for fata %s; try fata "
				       "help %s", arg, cmd, cmd);
		if ((flags & OPT_POSITIONAL) && !o->positional) {
			o->positional = arg;
			continue;
		}
		return set_err(err, errlen, "fata: unexpected argument \"%s\" for fata %s; try fata "
			       "help %s", arg, cmd, cmd);
	}
	return 0;
}

void options_free(struct options *o)
{
	free(o->sets);
	free(o->impls);
	memset(o, 0, sizeof(*o));
}

/* --- the unikernel's folder ------------------------------------------------------------------- */

char *project_path(const struct project *pr, const char *name)
{
	struct buf b = BUF_INIT;

	if (strcmp(pr->dir, ".") == 0)
		buf_puts(&b, name);
	else
		buf_printf(&b, "%s%s%s", pr->dir, pr->dir[strlen(pr->dir) - 1] == '/' ? "" : "/", name);
	return b.s;
}

/* Reads fata/configure.args: one argument per line. */
static void read_saved(struct project *pr)
{
	char *path = project_path(pr, "fata/configure.args");
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	free(path);
	if (!f)
		return;
	pr->saved = xmalloc(sizeof(*pr->saved));
	while ((n = getline(&line, &cap, f)) >= 0) {
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		pr->saved = xrealloc(pr->saved, (pr->nsaved + 1) * sizeof(*pr->saved));
		pr->saved[pr->nsaved++] = xstrdup(line);
	}
	free(line);
	fclose(f);
}

void project_open(const char *file, struct project *pr)
{
	memset(pr, 0, sizeof(*pr));
	if (file) {
		const char *slash = strrchr(file, '/');

		pr->dir = slash ? xstrndup(file, slash == file ? 1 : (size_t)(slash - file)) : xstrdup(".");
		pr->config_name = xstrdup(slash ? slash + 1 : file);
		pr->config_path = xstrdup(file);
		read_saved(pr);
		return;
	}
	pr->dir = xstrdup(".");
	read_saved(pr);
	if (pr->saved) {
		struct options o;
		char err[ERR_MAX];

		/* The saved file name is relative to the folder. */
		if (options_parse("configure", (int)pr->nsaved, pr->saved, NULL, OPT_CONFIGURE, &o,
				  err, sizeof(err)) == 0 && o.file && !strchr(o.file, '/'))
			pr->config_name = xstrdup(o.file);
		options_free(&o);
	}
	if (!pr->config_name)
		pr->config_name = xstrdup("config.ini");
	pr->config_path = xstrdup(pr->config_name);
}

void project_free(struct project *pr)
{
	free(pr->dir);
	free(pr->config_path);
	free(pr->config_name);
	for (size_t i = 0; i < pr->nsaved; i++)
		free(pr->saved[i]);
	free(pr->saved);
	memset(pr, 0, sizeof(*pr));
}

/* --- fata itself ------------------------------------------------------------------------------ */

char *fata_self(void)
{
	char path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);

	if (n <= 0)
		return xstrdup("fata");
	path[n] = '\0';
	return xstrdup(path);
}

static char *absolute(const char *path)
{
	char *r = realpath(path, NULL);
	char cwd[PATH_MAX];
	struct buf b = BUF_INIT;

	if (r)
		return r;
	if (path[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		return xstrdup(path);
	buf_printf(&b, "%s/%s", cwd, path);
	return b.s;
}

char *fata_home(const char *self)
{
	const char *env = getenv("FATA_HOME");
	char *bin, *up, *slash, *mk;
	struct buf b = BUF_INIT;
	struct stat st;

	if (env && *env)
		return absolute(env);
	bin = xstrdup(self);
	slash = strrchr(bin, '/');
	if (slash)
		*slash = '\0';		/* .../bin */
	else
		strcpy(bin, ".");
	buf_printf(&b, "%s/..", bin);
	up = absolute(b.s);
	buf_free(&b);
	buf_printf(&b, "%s/mk/unikernel.mk", up);
	mk = b.s;
	if (stat(mk, &st) == 0) {
		free(mk);
		free(bin);
		return up;
	}
	free(mk);
	b = (struct buf)BUF_INIT;
	buf_printf(&b, "%s/lib/fata", strcmp(up, "/") == 0 ? "" : up);
	free(up);
	free(bin);
	return b.s;
}

/* --- files ------------------------------------------------------------------------------------ */

int write_atomic(const char *path, const char *data, size_t len, char *err, size_t errlen)
{
	struct buf tmp = BUF_INIT;
	mode_t mask = umask(0);
	int fd;

	umask(mask);
	buf_printf(&tmp, "%s.tmp.XXXXXX", path);
	fd = mkstemp(tmp.s);
	if (fd < 0) {
		set_err(err, errlen, "fata: cannot write %s: %s", path, strerror(errno));
		buf_free(&tmp);
		return -1;
	}
	while (len > 0) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto fail;
		data += n;
		len -= (size_t)n;
	}
	if (fchmod(fd, 0666 & ~mask) < 0 || close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp.s, path) < 0)
		goto fail;
	buf_free(&tmp);
	return 0;
fail:
	set_err(err, errlen, "fata: cannot write %s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(tmp.s);
	buf_free(&tmp);
	return -1;
}

enum makefile_state makefile_state(const char *path)
{
	char line[128];
	FILE *f = fopen(path, "r");
	enum makefile_state st = MAKEFILE_FOREIGN;

	if (!f)
		return errno == ENOENT ? MAKEFILE_ABSENT : MAKEFILE_FOREIGN;
	if (fgets(line, sizeof(line), f) && strncmp(line, GEN_MAKEFILE_MARKER,
						    strlen(GEN_MAKEFILE_MARKER)) == 0)
		st = MAKEFILE_OURS;
	fclose(f);
	return st;
}

void makefile_extra_files(const char *path, char ***files, size_t *nfiles)
{
	static const char var[] = "EXTRA_FILES :=";
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;

	*files = NULL;
	*nfiles = 0;
	if (!f)
		return;
	while (getline(&line, &cap, f) >= 0) {
		char *s, *save = NULL;

		if (strncmp(line, var, sizeof(var) - 1) != 0)
			continue;
		for (s = strtok_r(line + sizeof(var) - 1, " \t\n", &save); s;
		     s = strtok_r(NULL, " \t\n", &save)) {
			if (!config_file_name_valid(s))
				continue;
			*files = xrealloc(*files, (*nfiles + 1) * sizeof(**files));
			(*files)[(*nfiles)++] = xstrdup(s);
		}
		break;
	}
	free(line);
	fclose(f);
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		return rmdir(path);
	return unlink(path);
}

int remove_path(const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : set_err(err, errlen, "fata: cannot remove %s: %s", path,
						      strerror(errno));
	if (S_ISDIR(st.st_mode)) {
		if (nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
			return set_err(err, errlen, "fata: cannot remove %s: %s", path, strerror(errno));
		return 0;
	}
	if (unlink(path) < 0)
		return set_err(err, errlen, "fata: cannot remove %s: %s", path, strerror(errno));
	return 0;
}
