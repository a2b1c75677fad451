/*
 * fata: the command. `fata configure -t TARGET` checks config.ini and writes the Makefile and
 * fata/; `build`, `clean`, `describe` and `query` work from what it wrote; `inspect` reads a
 * built binary; `help` (cli/help.c) and `crunch` (cli/crunch.c) have files of their own. Every
 * error is one line on stderr and exit status 1.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "crunch.h"
#include "gen.h"
#include "help.h"
#include "inspect.h"
#include "package.h"
#include "project.h"

/* The first column of fata describe and fata query packages. */
#define LABEL "%-11s"

/* --- the configuration: config + configure command line --------------------------------------- */

struct setup {
	struct project pr;
	struct config cfg;
	struct options opts;
	bool have_cfg;
	struct plan plan;
	const char **values;
	char **args;
	size_t nargs;
	char *self;
	char *home;
};

static void setup_free(struct setup *s)
{
	if (s->have_cfg)
		config_free(&s->cfg);
	options_free(&s->opts);
	project_free(&s->pr);
	free(s->values);
	for (size_t i = 0; i < s->nargs; i++)
		free(s->args[i]);
	free(s->args);
	free(s->self);
	free(s->home);
}

static int say_error(const char *msg)
{
	fprintf(stderr, "%s\n", msg);
	return 1;
}

static void add_arg(struct setup *s, const char *a)
{
	s->args = xrealloc(s->args, (s->nargs + 1) * sizeof(*s->args));
	s->args[s->nargs++] = xstrdup(a);
}

/* Where the configuration comes from: the command's own arguments or fata/configure.args. */
struct arg_source {
	const char *cmd;		/* the command options_parse() names in messages */
	int argc;
	char *const *argv;
	unsigned flags;
	bool saved;			/* from fata/configure.args */
};

/* Prints an error of the configuration's options, saying when they were the saved ones. */
static int options_error(const struct arg_source *src, const char *err)
{
	if (src->saved)
		fprintf(stderr, "%s (from fata/configure.args; run fata configure again)\n", err);
	else
		fprintf(stderr, "%s\n", err);
	return 1;
}

/*
 * Parses the command's own options into s->opts, opens the unikernel's folder and loads its
 * config, and decides where the configuration comes from: `argv`, or fata/configure.args when
 * `use_saved_when_no_options` and neither -t nor a key is given. Returns 0, or 1 after a message.
 */
static int setup_load(struct setup *s, const char *cmd, int argc, char **argv, unsigned flags,
		      bool use_saved_when_no_options, struct arg_source *src)
{
	char err[ERR_MAX];

	*src = (struct arg_source){ .cmd = cmd, .argc = argc, .argv = argv, .flags = flags };
	if (options_parse(cmd, argc, argv, NULL, flags, &s->opts, err, sizeof(err)) < 0)
		return say_error(err);
	project_open(s->opts.file, &s->pr);
	if (config_load(s->pr.config_path, &s->cfg, err, sizeof(err)) < 0)
		return say_error(err);
	s->have_cfg = true;
	if (!use_saved_when_no_options || s->opts.target || s->opts.has_keys)
		return 0;
	if (!s->pr.saved) {
		fprintf(stderr, "fata: %s is not configured (no fata/configure.args); expected fata "
			"configure -t TARGET first%s\n",
			strcmp(s->pr.dir, ".") == 0 ? "this unikernel" : s->pr.dir,
			strcmp(cmd, "query") == 0 ? ", or -t TARGET" : "");
		return 1;
	}
	*src = (struct arg_source){
		.cmd = "configure",
		.argc = (int)s->pr.nsaved,
		.argv = s->pr.saved,
		.flags = OPT_CONFIGURE,
		.saved = true,
	};
	return 0;
}

/* The target: -t, else the saved configuration's. NULL after a message. */
static const char *setup_target(const struct setup *s, const struct options *impl)
{
	const char *target = impl->target;
	char err[ERR_MAX];

	if (!target && s->pr.saved) {
		struct options prev;

		if (options_parse("configure", (int)s->pr.nsaved, s->pr.saved, NULL, OPT_CONFIGURE,
				  &prev, err, sizeof(err)) == 0)
			target = prev.target;	/* points into pr.saved, which lives as long as s */
		options_free(&prev);
	}
	if (!target)
		fprintf(stderr, "fata: no target; expected -t unix, -t hvt, -t spt or -t virtio (there is no "
			"previous configuration to reuse)\n");
	return target;
}

/* Checks that every device's class exists on the target: 0, or 1 after a message. */
static int check_device_targets(const struct config *cfg, unsigned tbit, const char *target)
{
	for (size_t i = 0; i < cfg->ndevices; i++) {
		const struct config_device *d = &cfg->devices[i];

		if (!(d->cls->targets & tbit)) {
			fprintf(stderr, "%s:%d: device \"%s\" of class %s is not available on target "
				"%s; expected another target\n", cfg->path, d->line, d->name,
				d->cls->name, target);
			return 1;
		}
	}
	return 0;
}

/* Chooses each device's implementation from the implementation keys given in `impl`. */
static int resolve_impls(struct setup *s, const struct options *impl, unsigned tbit,
			 const struct arg_source *src)
{
	size_t n = s->cfg.nimpl_keys;
	const char **values = xmalloc((n ? n : 1) * sizeof(*values));
	char err[ERR_MAX];
	int r;

	for (size_t i = 0; i < n; i++)
		values[i] = NULL;
	for (size_t i = 0; i < impl->nimpls; i++)
		values[impl->impls[i].index] = impl->impls[i].value;
	r = config_resolve(&s->cfg, tbit, values, err, sizeof(err));
	free(values);
	if (r < 0) {
		fprintf(stderr, "%s%s\n", err, src->saved ? " (from fata/configure.args; run fata "
			"configure again)" : "");
		return 1;
	}
	return 0;
}

/*
 * The first pass over the configuration: the target and the implementation keys, which decide
 * the devices' implementations and so which generic keys exist. Fills `impl` (free it),
 * `target` and `tbit`. Returns 0, or 1 after a message.
 */
static int setup_impls(struct setup *s, const struct arg_source *src, struct options *impl,
		       const char **target, unsigned *tbit)
{
	char err[ERR_MAX];

	if (options_parse(src->cmd, src->argc, src->argv, &s->cfg, src->flags | OPT_IMPL_ONLY,
			  impl, err, sizeof(err)) < 0)
		return options_error(src, err);
	*target = setup_target(s, impl);
	if (!*target)
		return 1;
	*tbit = target_parse(*target);
	if (check_device_targets(&s->cfg, *tbit, *target))
		return 1;
	return resolve_impls(s, impl, *tbit, src);
}

/*
 * The normalised configure command line (fata/configure.args) and the configure-time value of
 * each key: -t TARGET, -f FILE unless config.ini, --debug, then every key set.
 */
static void setup_args(struct setup *s, const struct options *impl, const char *target)
{
	s->values = xmalloc((s->cfg.nkeys ? s->cfg.nkeys : 1) * sizeof(*s->values));
	for (size_t i = 0; i < s->cfg.nkeys; i++)
		s->values[i] = NULL;
	add_arg(s, "-t");
	add_arg(s, target);
	if (strcmp(s->pr.config_name, "config.ini") != 0) {
		add_arg(s, "-f");
		add_arg(s, s->pr.config_name);
	}
	if (s->opts.debug)
		add_arg(s, "--debug");
	for (size_t i = 0; i < impl->nimpls; i++) {
		struct buf a = BUF_INIT;

		buf_printf(&a, "--%s=%s", s->cfg.impl_keys[impl->impls[i].index]->name,
			   impl->impls[i].value);
		add_arg(s, buf_str(&a));
		buf_free(&a);
	}
	for (size_t i = 0; i < s->opts.nsets; i++) {
		struct buf a = BUF_INIT;

		s->values[s->opts.sets[i].index] = s->opts.sets[i].value;
		buf_printf(&a, "--%s=%s", s->opts.sets[i].key->name, s->opts.sets[i].value);
		add_arg(s, buf_str(&a));
		buf_free(&a);
	}
}

/* What the generators get, checked as far as only they can: 0, or 1 after a message. */
static int setup_plan(struct setup *s, unsigned tbit)
{
	char err[ERR_MAX];

	s->self = fata_self();
	s->home = fata_home(s->self);
	s->plan = (struct plan){
		.cfg = &s->cfg,
		.config_name = s->pr.config_name,
		.target = tbit,
		.values = s->values,
		.args = (const char *const *)s->args,
		.nargs = s->nargs,
		.fata = s->self,
		.fata_home = s->home,
		.debug = s->opts.debug,
	};
	if (gen_check(&s->plan, err, sizeof(err)) < 0)
		return say_error(err);
	return 0;
}

/*
 * Loads the config and decides the configuration from `argv` (as fata configure takes it, the
 * target defaulting to the saved one) or from fata/configure.args (see setup_load()). Returns 0,
 * or prints the error and returns 1; free `s` with setup_free() either way.
 */
static int setup(struct setup *s, const char *cmd, int argc, char **argv, unsigned flags,
		 bool use_saved_when_no_options)
{
	struct arg_source src;
	struct options impl = { 0 };
	const char *positional, *target = NULL;
	unsigned tbit = 0;
	char err[ERR_MAX];
	int r;

	memset(s, 0, sizeof(*s));
	if (setup_load(s, cmd, argc, argv, flags, use_saved_when_no_options, &src))
		return 1;
	positional = s->opts.positional;
	options_free(&s->opts);
	r = setup_impls(s, &src, &impl, &target, &tbit);
	/* Then every key, generic ones included. */
	if (r == 0 && options_parse(src.cmd, src.argc, src.argv, &s->cfg, src.flags, &s->opts, err,
				    sizeof(err)) < 0)
		r = options_error(&src, err);
	if (r == 0) {
		s->opts.positional = positional;
		setup_args(s, &impl, target);
	}
	options_free(&impl);
	return r ? r : setup_plan(s, tbit);
}

/* The files configure writes, in writing order (the Makefile last). */
enum out { OUT_MAIN, OUT_HEADER, OUT_MANIFEST, OUT_ARGS, OUT_MAKEFILE, NOUT };

static const struct {
	const char *query;		/* name for fata query */
	const char *path;		/* relative to the unikernel's folder */
} outputs[NOUT] = {
	[OUT_MAIN] = { "main.c", "fata/main.c" },
	[OUT_HEADER] = { "unikernel.h", "fata/unikernel.h" },
	[OUT_MANIFEST] = { "manifest.c", "fata/manifest.c" },
	[OUT_ARGS] = { "configure.args", "fata/configure.args" },
	[OUT_MAKEFILE] = { "Makefile", "Makefile" },
};

static bool has_manifest(const struct plan *plan)
{
	return plan->target != TARGET_UNIX;
}

static void generate(const struct plan *plan, enum out which, struct buf *b)
{
	switch (which) {
	case OUT_MAIN:
		gen_main_c(b, plan);
		break;
	case OUT_HEADER:
		gen_unikernel_h(b, plan);
		break;
	case OUT_MANIFEST:
		gen_manifest_c(b, plan);
		break;
	case OUT_ARGS:
		gen_configure_args(b, plan);
		break;
	default:
		gen_makefile(b, plan);
		break;
	}
}

/* --- commands --------------------------------------------------------------------------------- */

/* Checks that configure may write into the folder: no foreign Makefile, a fata/ folder. */
static int prepare_folder(const struct project *pr)
{
	char *makefile = project_path(pr, "Makefile");
	char *fatadir = project_path(pr, "fata");
	struct stat st;
	int r = 1;

	if (makefile_state(makefile) == MAKEFILE_FOREIGN)
		fprintf(stderr, "fata: %s exists and was not written by fata configure; expected no "
			"Makefile (move yours away first)\n", makefile);
	else if (stat(fatadir, &st) == 0 && !S_ISDIR(st.st_mode))
		fprintf(stderr, "fata: %s exists and is not a folder; expected the folder fata "
			"configure writes into\n", fatadir);
	else if (mkdir(fatadir, 0777) < 0 && errno != EEXIST)
		fprintf(stderr, "fata: cannot create %s: %s\n", fatadir, strerror(errno));
	else
		r = 0;
	free(makefile);
	free(fatadir);
	return r;
}

/* Writes each output in turn, the Makefile last; removes a manifest the target does not use. */
static int write_outputs(const struct setup *s, const struct buf out[NOUT])
{
	char err[ERR_MAX];

	for (int i = 0; i < NOUT; i++) {
		char *path = project_path(&s->pr, outputs[i].path);
		int r;

		if (i == OUT_MANIFEST && !has_manifest(&s->plan))
			r = remove_path(path, err, sizeof(err));	/* left by hvt or spt */
		else
			r = write_atomic(path, buf_str(&out[i]), out[i].len, err, sizeof(err));
		free(path);
		if (r < 0)
			return say_error(err);
	}
	return 0;
}

/*
 * After a configure for one target: removes the binaries other targets left in dist/, so that
 * dist/ holds only what this configuration builds. 0, or 1 after a message.
 */
static int remove_other_binaries(const struct setup *s)
{
	static const unsigned targets[] = { TARGET_UNIX, TARGET_HVT, TARGET_SPT };
	int status = 0;

	for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
		struct buf name = BUF_INIT;
		char err[ERR_MAX];
		char *path;

		if (targets[i] == s->plan.target)
			continue;
		buf_printf(&name, "dist/%s%s%s", s->cfg.name, targets[i] == TARGET_UNIX ? "" : ".",
			   targets[i] == TARGET_UNIX ? "" : target_name(targets[i]));
		path = project_path(&s->pr, buf_str(&name));
		if (access(path, F_OK) == 0 && remove_path(path, err, sizeof(err)) < 0)
			status = say_error(err);
		free(path);
		buf_free(&name);
	}
	return status;
}

static void add_file(char ***files, size_t *nfiles, const char *name);
static void config_images(const struct config *cfg, char ***files, size_t *nfiles);

/*
 * Writes .gitignore beside config.ini listing what fata makes (Makefile, fata/, _build/, dist/,
 * the [file] outputs and device images), unless a .gitignore that fata did not write is there.
 */
static int write_gitignore(const struct setup *s)
{
	char *path = project_path(&s->pr, ".gitignore");
	struct buf b = BUF_INIT;
	char **files = NULL, err[ERR_MAX], first[sizeof(GEN_MAKEFILE_MARKER)] = "";
	size_t nfiles = 0;
	FILE *f = fopen(path, "r");
	int status = 0;

	if (f) {
		if (!fgets(first, sizeof(first), f))
			first[0] = 0;
		fclose(f);
		if (strcmp(first, GEN_MAKEFILE_MARKER) != 0) {
			free(path);
			return 0;	/* the user's own */
		}
	}
	buf_printf(&b, "%s\n/Makefile\n/fata/\n/_build/\n/dist/\n", GEN_MAKEFILE_MARKER);
	config_images(&s->cfg, &files, &nfiles);
	for (size_t i = 0; i < nfiles; i++) {
		buf_printf(&b, "/%s\n", files[i]);
		free(files[i]);
	}
	free(files);
	if (write_atomic(path, buf_str(&b), b.len, err, sizeof(err)) < 0)
		status = say_error(err);
	buf_free(&b);
	free(path);
	return status;
}

static int cmd_configure(int argc, char **argv)
{
	struct setup s;
	struct buf out[NOUT] = { BUF_INIT };
	char err[ERR_MAX];
	struct options o;
	int status = 1;

	if (options_parse("configure", argc, argv, NULL, OPT_CONFIGURE, &o, err, sizeof(err)) < 0)
		return say_error(err);
	if (o.help) {
		const char *file = o.file;

		options_free(&o);
		return help_show("configure", file);
	}
	options_free(&o);
	if (setup(&s, "configure", argc, argv, OPT_CONFIGURE, false) == 0) {
		/* Everything is generated and checked before the first write. */
		for (int i = 0; i < NOUT; i++) {
			if (i != OUT_MANIFEST || has_manifest(&s.plan))
				generate(&s.plan, (enum out)i, &out[i]);
		}
		if (prepare_folder(&s.pr) == 0)
			status = write_outputs(&s, out);
		if (status == 0)
			status = remove_other_binaries(&s) | write_gitignore(&s);
	}
	for (int i = 0; i < NOUT; i++)
		buf_free(&out[i]);
	setup_free(&s);
	return status;
}

/* Whether a user source includes "fata/HEADER" (or <fata/HEADER>). */
static bool source_includes(const struct project *pr, const char *source, const char *header)
{
	char *path = project_path(pr, source);
	FILE *f = fopen(path, "r");
	char line[512], want[96];
	bool found = false;

	free(path);
	if (!f)
		return false;
	snprintf(want, sizeof(want), "fata/%s", header);
	while (!found && fgets(line, sizeof(line), f)) {
		const char *p = line + strspn(line, " \t");

		found = strncmp(p, "#include", 8) == 0 && strstr(p, want) != NULL;
	}
	fclose(f);
	return found;
}

/*
 * fata query [packages]: what the unikernel links, like `mirage query packages`: the runtime
 * archive, each device's implementation (and the call that connects it), and the libraries of
 * include/fata/ that the sources include beyond the device headers.
 */
static int query_packages(int argc, char **argv)
{
	static const char *const libraries[][2] = {
		{ "http.h", "lib/http: HTTP/1.1 server" },
		{ "dns.h", "lib/net/dns: DNS wire format" },
		{ "tls.h", "lib/tls: TLS" },
	};
	struct setup s;
	struct buf b = BUF_INIT;
	const char *t;

	if (setup(&s, "query", argc, argv, OPT_CONFIGURE | OPT_POSITIONAL, true)) {
		setup_free(&s);
		return 1;
	}
	t = target_name(s.plan.target);
	buf_printf(&b, LABEL "%s/build/%s/libfata.a (library OS, %s platform%s)\n", "runtime",
		   s.home, t, t, s.plan.target == TARGET_UNIX ? "; the host's C library" :
		   ", Fata's freestanding libc; and -lgcc");
	for (size_t i = 0; i < s.cfg.ndevices; i++) {
		const struct config_device *d = &s.cfg.devices[i];

		buf_printf(&b, LABEL "%s (%s): ", "device", d->name, d->cls->name);
		if (d->impl->summary)
			gen_expand(&b, d->impl->summary, d);
		else
			buf_puts(&b, d->cls->name);
		buf_printf(&b, "; %.*s()\n", (int)strcspn(d->impl->connect, "("), d->impl->connect);
	}
	for (size_t i = 0; i < sizeof(libraries) / sizeof(libraries[0]); i++) {
		for (size_t j = 0; j < s.cfg.nsources; j++) {
			if (source_includes(&s.pr, s.cfg.sources[j], libraries[i][0])) {
				buf_printf(&b, LABEL "%s (fata/%s, included by %s)\n", "library",
					   libraries[i][1], libraries[i][0], s.cfg.sources[j]);
				break;
			}
		}
	}
	buf_write(&b, stdout);
	buf_free(&b);
	setup_free(&s);
	return 0;
}

static int cmd_query(int argc, char **argv)
{
	struct setup s;
	struct buf b = BUF_INIT;
	const char *what;
	int which = -1, status = 1;
	char err[ERR_MAX];

	{
		struct options o;

		if (options_parse("query", argc, argv, NULL, OPT_CONFIGURE | OPT_POSITIONAL, &o, err,
				  sizeof(err)) < 0)
			return say_error(err);
		if (o.help) {
			options_free(&o);
			return help_show("query", NULL);
		}
		what = o.positional;
		options_free(&o);
	}
	if (!what || strcmp(what, "packages") == 0)
		return query_packages(argc, argv);
	for (int i = 0; i < NOUT; i++) {
		if (strcmp(what, outputs[i].query) == 0 || strcmp(what, outputs[i].path) == 0)
			which = i;
	}
	if (which < 0) {
		fprintf(stderr, "fata: unknown file \"%s\"; expected packages or one of: Makefile, "
			"main.c, unikernel.h, manifest.c, configure.args\n", what);
		return 1;
	}
	if (setup(&s, "query", argc, argv, OPT_CONFIGURE | OPT_POSITIONAL, true))
		goto out;
	if (which == OUT_MANIFEST && !has_manifest(&s.plan)) {
		fprintf(stderr, "fata: manifest.c is only written for hvt, spt and virtio; the target is %s\n",
			target_name(s.plan.target));
		goto out;
	}
	generate(&s.plan, (enum out)which, &b);
	buf_write(&b, stdout);
	status = 0;
out:
	buf_free(&b);
	setup_free(&s);
	return status;
}


/* Name, target, config, start function, build and sources. */
static void describe_unikernel(struct buf *b, const struct setup *s)
{
	const struct config *cfg = &s->cfg;

	buf_printf(b, LABEL "%s\n", "Name", cfg->name);
	buf_printf(b, LABEL "%s\n", "Target", target_name(s->plan.target));
	buf_printf(b, LABEL "%s\n", "Config", s->pr.config_name);
	buf_printf(b, LABEL "%s\n", "Start", cfg->start);
	buf_printf(b, LABEL "%s\n", "Build", s->plan.debug ? "debug: -Og -g (fata configure --debug)" :
		   "optimised: -O2 -g");
	buf_printf(b, LABEL, "Sources");
	for (size_t i = 0; i < cfg->nsources; i++)
		buf_printf(b, "%s%s", i ? " " : "", cfg->sources[i]);
	buf_putc(b, '\n');
}

/* One line per device: name, class, fields and what its implementation does. */
static void describe_devices(struct buf *b, const struct config *cfg)
{
	if (cfg->ndevices == 0)
		buf_printf(b, LABEL "(none)\n", "Devices");
	for (size_t i = 0; i < cfg->ndevices; i++) {
		const struct config_device *d = &cfg->devices[i];

		buf_printf(b, LABEL "%s (%s", i ? "" : "Devices", d->name, d->cls->name);
		for (size_t j = 0; j < d->nparams; j++)
			buf_printf(b, ", %s = %s", d->params[j].name, d->params[j].value);
		if (d->impl->summary) {
			buf_puts(b, "; ");
			gen_expand(b, d->impl->summary, d);
		}
		buf_puts(b, ")\n");
	}
}

/* Whether the configure command line set implementation key `k`. */
static bool impl_key_given(const struct setup *s, const struct impl_key *k)
{
	size_t n = strlen(k->name);

	for (size_t j = 0; j < s->nargs; j++) {
		if (strncmp(s->args[j], "--", 2) == 0 && strncmp(s->args[j] + 2, k->name, n) == 0 &&
		    s->args[j][2 + n] == '=')
			return true;
	}
	return false;
}

/* "NAME = VALUE (default|configure)" of implementation key `i`. */
static void impl_key_head(struct buf *head, const struct setup *s, size_t i)
{
	const struct impl_key *k = s->cfg.impl_keys[i];

	buf_printf(head, "%s = %s (%s)", k->name, s->cfg.impl_values[i],
		   impl_key_given(s, k) ? "configure" : "default");
}

/* "NAME = VALUE (default|configure)" of key `i`, a string value quoted as in C. */
static void key_head(struct buf *head, const struct setup *s, size_t i)
{
	const struct config_key *k = &s->cfg.keys[i];

	buf_printf(head, "%s = ", k->name);
	if (k->type == FATA_KEY_STRING)
		buf_c_string(head, plan_key_value(&s->plan, i));
	else
		buf_puts(head, plan_key_value(&s->plan, i));
	buf_printf(head, " (%s)", s->values[i] ? "configure" : "default");
}

/* The width of the widest key head, so that the key lines' second column aligns. */
static size_t key_head_width(const struct setup *s)
{
	size_t width = 0;

	for (size_t i = 0; i < s->cfg.nimpl_keys + s->cfg.nkeys; i++) {
		struct buf head = BUF_INIT;

		if (i < s->cfg.nimpl_keys)
			impl_key_head(&head, s, i);
		else
			key_head(&head, s, i - s->cfg.nimpl_keys);
		if (head.len > width)
			width = head.len;
		buf_free(&head);
	}
	return width;
}

static const char *stage_short(enum fata_key_stage stage)
{
	switch (stage) {
	case FATA_STAGE_CONFIGURE:
		return "configure";
	case FATA_STAGE_RUNTIME:
		return "runtime";
	default:
		return "configure+runtime";
	}
}

/* One line per key, the implementation keys first: its head, then its type and doc. */
static void describe_keys(struct buf *b, const struct setup *s)
{
	const struct config *cfg = &s->cfg;
	int width = (int)key_head_width(s);

	if (cfg->nkeys == 0 && cfg->nimpl_keys == 0)
		buf_printf(b, LABEL "(none)\n", "Keys");
	for (size_t i = 0; i < cfg->nimpl_keys; i++) {
		const struct impl_key *k = cfg->impl_keys[i];
		struct buf head = BUF_INIT;
		char list[256];

		impl_key_head(&head, s, i);
		impl_key_choices(k, 0, list, sizeof(list));
		buf_printf(b, LABEL "%-*s   implementation (%s), configure: %s\n", i ? "" : "Keys",
			   width, buf_str(&head), list, k->doc);
		buf_free(&head);
	}
	for (size_t i = 0; i < cfg->nkeys; i++) {
		const struct config_key *k = &cfg->keys[i];
		struct buf head = BUF_INIT;

		key_head(&head, s, i);
		buf_printf(b, LABEL "%-*s   %s, %s%s%s\n", i || cfg->nimpl_keys ? "" : "Keys", width,
			   buf_str(&head), fata_key_type_name(k->type), stage_short(k->stage),
			   k->doc[0] ? ": " : "", k->doc);
		buf_free(&head);
	}
}

static void describe_files(struct buf *b, const struct config *cfg)
{
	if (cfg->nfiles == 0)
		buf_printf(b, LABEL "(none)\n", "Files");
	for (size_t i = 0; i < cfg->nfiles; i++)
		buf_printf(b, LABEL "%s\n", i ? "" : "Files", cfg->files[i].name);
}

/* How the folder was configured (fata/configure.args) and whether config.ini changed since. */
static void describe_configured(struct buf *b, const struct setup *s)
{
	char *args = project_path(&s->pr, "fata/configure.args");
	struct stat ast, cst;

	if (!s->pr.saved) {
		buf_printf(b, LABEL "not yet (fata configure -t TARGET)\n", "Configured");
	} else {
		buf_printf(b, LABEL "fata configure", "Configured");
		for (size_t i = 0; i < s->pr.nsaved; i++)
			buf_printf(b, " %s", s->pr.saved[i]);
		if (stat(args, &ast) == 0 && stat(s->pr.config_path, &cst) == 0 &&
		    cst.st_mtime > ast.st_mtime)
			buf_printf(b, " (%s changed since: make configures again)", s->pr.config_name);
		buf_putc(b, '\n');
	}
	free(args);
}

/* What dist/ holds: each binary, the target it is for, and whether it is older than config.ini. */
static void describe_dist(struct buf *b, const struct setup *s)
{
	static const unsigned targets[] = { TARGET_UNIX, TARGET_HVT, TARGET_SPT };
	struct stat cst;
	bool any = false, have_cfg = stat(s->pr.config_path, &cst) == 0;

	for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
		struct buf name = BUF_INIT;
		struct stat st;
		char *path;

		buf_printf(&name, "dist/%s%s%s", s->cfg.name, targets[i] == TARGET_UNIX ? "" : ".",
			   targets[i] == TARGET_UNIX ? "" : target_name(targets[i]));
		path = project_path(&s->pr, buf_str(&name));
		if (stat(path, &st) == 0) {
			buf_printf(b, LABEL "%s (%s, %lld KiB%s)\n", any ? "" : "Dist", buf_str(&name),
				   target_name(targets[i]), (long long)(st.st_size + 1023) / 1024,
				   have_cfg && cst.st_mtime > st.st_mtime ?
				   ", older than config.ini: make rebuilds it" : "");
			any = true;
		}
		free(path);
		buf_free(&name);
	}
	if (!any)
		buf_printf(b, LABEL "(empty: make builds dist/%s%s%s)\n", "Dist", s->cfg.name,
			   s->plan.target == TARGET_UNIX ? "" : ".",
			   s->plan.target == TARGET_UNIX ? "" : target_name(s->plan.target));
}

static int cmd_describe(int argc, char **argv)
{
	struct setup s;
	struct buf b = BUF_INIT;
	char err[ERR_MAX];
	struct options o;

	if (options_parse("describe", argc, argv, NULL, 0, &o, err, sizeof(err)) < 0)
		return say_error(err);
	if (o.help) {
		options_free(&o);
		return help_show("describe", NULL);
	}
	options_free(&o);
	if (setup(&s, "describe", argc, argv, 0, true)) {
		setup_free(&s);
		return 1;
	}
	describe_unikernel(&b, &s);
	describe_devices(&b, &s.cfg);
	describe_keys(&b, &s);
	describe_files(&b, &s.cfg);
	describe_configured(&b, &s);
	describe_dist(&b, &s);
	buf_write(&b, stdout);
	buf_free(&b);
	setup_free(&s);
	return 0;
}

static int cmd_build(int argc, char **argv)
{
	struct options o;
	struct project pr;
	char err[ERR_MAX];
	char *makefile;
	enum makefile_state st;

	if (options_parse("build", argc, argv, NULL, 0, &o, err, sizeof(err)) < 0)
		return say_error(err);
	if (o.help) {
		options_free(&o);
		return help_show("build", NULL);
	}
	project_open(o.file, &pr);
	options_free(&o);
	makefile = project_path(&pr, "Makefile");
	st = makefile_state(makefile);
	free(makefile);
	if (st != MAKEFILE_OURS) {
		fprintf(stderr, "fata: %s is not configured (%s); expected fata configure -t TARGET "
			"first\n", strcmp(pr.dir, ".") == 0 ? "this unikernel" : pr.dir,
			st == MAKEFILE_ABSENT ? "no Makefile" : "its Makefile was not written by fata");
		project_free(&pr);
		return 1;
	}
	if (chdir(pr.dir) < 0) {
		fprintf(stderr, "fata: cannot enter %s: %s\n", pr.dir, strerror(errno));
		project_free(&pr);
		return 1;
	}
	project_free(&pr);
	fflush(NULL);
	execlp("make", "make", "build", (char *)NULL);
	fprintf(stderr, "fata: cannot run make: %s\n", strerror(errno));
	return 1;
}

static void add_file(char ***files, size_t *nfiles, const char *name)
{
	*files = xrealloc(*files, (*nfiles + 1) * sizeof(**files));
	(*files)[(*nfiles)++] = xstrdup(name);
}

/*
 * The files fata clean removes besides its folders: the EXTRA_FILES of the Makefile fata wrote
 * (`makefile`) and, if the config parses, its [file] outputs and the images of every
 * implementation of its devices, also those of earlier configurations.
 */
static void clean_files(const struct project *pr, const char *makefile, char ***files,
			size_t *nfiles)
{
	struct config cfg;
	char err[ERR_MAX];

	if (makefile_state(makefile) == MAKEFILE_OURS)
		makefile_extra_files(makefile, files, nfiles);
	if (config_load(pr->config_path, &cfg, err, sizeof(err)) < 0) {
		if (access(pr->config_path, F_OK) == 0)
			fprintf(stderr, "%s\nfata: cleaning what the generated files name\n", err);
		return;
	}
	config_images(&cfg, files, nfiles);
	config_free(&cfg);
}

/* The [file] outputs of `cfg` and the images of every implementation of its devices. */
static void config_images(const struct config *cfg, char ***files, size_t *nfiles)
{
	for (size_t i = 0; i < cfg->nfiles; i++)
		add_file(files, nfiles, cfg->files[i].name);
	for (size_t i = 0; i < cfg->ndevices; i++) {
		for (const struct device_impl *im = cfg->devices[i].cls->impls; im->connect; im++) {
			struct buf name = BUF_INIT;

			if (!im->image)
				continue;
			gen_expand(&name, im->image, &cfg->devices[i]);
			if (config_file_name_valid(buf_str(&name)))
				add_file(files, nfiles, buf_str(&name));
			buf_free(&name);
		}
	}
}

/* Removes `name` in the unikernel's folder: 0, or 1 after a message. */
static int clean_path(const struct project *pr, const char *name)
{
	char *p = project_path(pr, name);
	char err[ERR_MAX];
	int status = 0;

	if (remove_path(p, err, sizeof(err)) < 0) {
		say_error(err);
		status = 1;
	}
	free(p);
	return status;
}

static int cmd_clean(int argc, char **argv)
{
	static const char *const dirs[] = { "fata", "dist", "_build" };
	struct options o;
	struct project pr;
	char err[ERR_MAX];
	char **files = NULL;
	size_t nfiles = 0;
	int status = 0;
	char *makefile;

	if (options_parse("clean", argc, argv, NULL, 0, &o, err, sizeof(err)) < 0)
		return say_error(err);
	if (o.help) {
		options_free(&o);
		return help_show("clean", NULL);
	}
	project_open(o.file, &pr);
	options_free(&o);
	makefile = project_path(&pr, "Makefile");
	clean_files(&pr, makefile, &files, &nfiles);
	for (size_t i = 0; i < nfiles; i++) {
		status |= clean_path(&pr, files[i]);
		free(files[i]);
	}
	free(files);
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		status |= clean_path(&pr, dirs[i]);
	{
		char *gi = project_path(&pr, ".gitignore");
		char first[sizeof(GEN_MAKEFILE_MARKER)] = "";
		FILE *f = fopen(gi, "r");

		if (f) {
			if (fgets(first, sizeof(first), f) && strcmp(first, GEN_MAKEFILE_MARKER) == 0)
				status |= clean_path(&pr, ".gitignore");
			fclose(f);
		}
		free(gi);
	}
	/* Last, so that an interrupted clean can run again from the same Makefile. */
	if (makefile_state(makefile) == MAKEFILE_OURS && unlink(makefile) < 0) {
		fprintf(stderr, "fata: cannot remove %s: %s\n", makefile, strerror(errno));
		status = 1;
	}
	free(makefile);
	project_free(&pr);
	return status;
}

static int cmd_inspect(int argc, char **argv)
{
	const char *file = NULL;
	bool json = false, options = true;

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (options && (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0))
			return help_show("inspect", NULL);
		if (options && strcmp(a, "--json") == 0) {
			json = true;
		} else if (options && strcmp(a, "--") == 0) {
			options = false;
		} else if (options && a[0] == '-' && a[1]) {
			fprintf(stderr, "fata: unknown option \"%s\" for fata inspect; try fata help "
				"inspect\n", a);
			return 1;
		} else if (!file) {
			file = a;
		} else {
			fprintf(stderr, "fata: unexpected argument \"%s\" for fata inspect; try fata "
				"help inspect\n", a);
			return 1;
		}
	}
	if (!file)
		return say_error("fata: inspect needs a FILE; expected a unikernel binary such as "
				 "dist/NAME.hvt or dist/NAME.spt");
	return inspect_file(file, json);
}

/* fata package: the saved configuration, then cli/package.c. */
static int cmd_package(int argc, char **argv)
{
	struct setup s;
	int status = 1;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return help_show("package", NULL);
	}
	if (setup(&s, "package", 0, argv, 0, true) == 0)
		status = package_run(&s.plan, &s.pr, argc, argv);
	setup_free(&s);
	return status;
}

/* fata net: the shell script cli/net.sh under FATA_HOME (it drives ip and dnsmasq). */
static int cmd_net(int argc, char **argv)
{
	char *self = fata_self();
	char *home = fata_home(self);
	struct buf script = BUF_INIT;
	char **args = xmalloc(((size_t)argc + 3) * sizeof(*args));

	buf_printf(&script, "%s/cli/net.sh", home);
	args[0] = "sh";
	args[1] = (char *)buf_str(&script);
	for (int i = 0; i < argc; i++)
		args[i + 2] = argv[i];
	args[argc + 2] = NULL;
	fflush(NULL);
	execv("/bin/sh", args);
	fprintf(stderr, "fata: cannot run %s: %s\n", buf_str(&script), strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(int argc, char **argv);
	} table[] = {
		{ "configure", cmd_configure },
		{ "build", cmd_build },
		{ "clean", cmd_clean },
		{ "describe", cmd_describe },
		{ "query", cmd_query },
		{ "help", help_run },
		{ "crunch", crunch_run },
		{ "inspect", cmd_inspect },
		{ "package", cmd_package },
		{ "net", cmd_net },
	};
	const char *cmd = argc > 1 ? argv[1] : NULL;

	if (!cmd) {
		fprintf(stderr, "fata: no command; try fata help\n");
		return 1;
	}
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0)
		return help_show(NULL, NULL);
	if (strcmp(cmd, "--version") == 0) {
		printf("fata %s\n", FATA_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		if (strcmp(cmd, table[i].name) == 0)
			return table[i].run(argc - 2, argv + 2);
	}
	if (cmd[0] == '-')
		fprintf(stderr, "fata: unknown option \"%s\"; try fata help\n", cmd);
	else
		fprintf(stderr, "fata: unknown command \"%s\"; try fata help\n", cmd);
	return 1;
}
