/*
 * fata: the command. `fata configure -t TARGET` checks config.ini and writes the Makefile and
 * fata/; `build`, `clean`, `describe`, `query` and `help` work from what it wrote. Every error is
 * one line on stderr and exit status 1.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "gen.h"
#include "project.h"

/* --- help ------------------------------------------------------------------------------------- */

#define WIDTH 80

/* Appends `text` word-wrapped at WIDTH columns, each line indented by `indent` spaces. */
static void put_wrapped(struct buf *b, int indent, const char *text)
{
	const char *s = text;
	int col = 0;

	while (*s) {
		const char *w = s;
		int n;

		while (*s && *s != ' ')
			s++;
		n = (int)(s - w);
		if (col > 0 && col + 1 + n > WIDTH) {
			buf_putc(b, '\n');
			col = 0;
		}
		if (col == 0) {
			buf_printf(b, "%*s", indent, "");
			col = indent;
		} else {
			buf_putc(b, ' ');
			col++;
		}
		buf_put(b, w, (size_t)n);
		col += n;
		while (*s == ' ')
			s++;
	}
	if (col > 0)
		buf_putc(b, '\n');
}

/* One option, man-page style: synopsis, indented doc, blank line. */
static void put_option(struct buf *b, const char *synopsis, const char *doc)
{
	buf_printf(b, "       %s\n", synopsis);
	put_wrapped(b, 11, doc);
	buf_putc(b, '\n');
}

static void print_buf(const struct buf *b, FILE *f)
{
	fwrite(buf_str(b), 1, b->len, f);
}

static const struct {
	const char *name;
	const char *synopsis;
	const char *summary;
} commands[] = {
	{ "configure", "fata configure -t TARGET [-f FILE] [--KEY=VALUE]...",
	  "Check config.ini and write the Makefile and fata/ for a target." },
	{ "build", "fata build [-f FILE]",
	  "Build the configured unikernel: runs make build in its folder." },
	{ "clean", "fata clean [-f FILE]",
	  "Remove everything fata configure and the build made, leaving only your own files." },
	{ "describe", "fata describe [-f FILE]",
	  "Show the configured unikernel: name, target, start function, devices, keys and files." },
	{ "query", "fata query FILE [-f FILE] [-t TARGET] [--KEY=VALUE]...",
	  "Print a file fata configure would write (Makefile, main.c, unikernel.h, manifest.c, "
	  "configure.args) without writing anything." },
	{ "help", "fata help [COMMAND]", "Show this help, or a command's." },
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void help_main(struct buf *b)
{
	buf_puts(b, "NAME\n       fata - build unikernels in C, in the model of MirageOS\n\n");
	buf_puts(b, "SYNOPSIS\n       fata COMMAND [OPTION]...\n\n");
	buf_puts(b, "COMMANDS\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		put_option(b, commands[i].synopsis + strlen("fata "), commands[i].summary);
	buf_puts(b, "OPTIONS\n");
	put_option(b, "--help", "Show this help and exit.");
	put_option(b, "--version", "Show the version and exit.");
	buf_puts(b, "Run fata help COMMAND (or fata COMMAND --help) for a command's options.\n");
}

static void help_head(struct buf *b, size_t i, const char *what)
{
	buf_printf(b, "NAME\n       fata-%s - %s\n\n", commands[i].name, what);
	buf_printf(b, "SYNOPSIS\n       %s\n\n", commands[i].synopsis);
	buf_puts(b, "DESCRIPTION\n");
}

static void put_file_option(struct buf *b)
{
	put_option(b, "-f FILE, --file=FILE (absent=config.ini)",
		   "The unikernel's config file; fata works in its folder. Once configured with "
		   "another name, that name is remembered.");
}

static void put_help_option(struct buf *b)
{
	put_option(b, "-h, --help", "Show this help and exit.");
}

static const char *stage_text(enum fata_key_stage stage)
{
	switch (stage) {
	case FATA_STAGE_CONFIGURE:
		return "set at configure time only";
	case FATA_STAGE_RUNTIME:
		return "set at run time only";
	default:
		return "set at configure time or at run time";
	}
}

/* UNIKERNEL PARAMETERS: the keys of the config named by -f or found in the current folder. */
static void put_parameters(struct buf *b, const char *file)
{
	struct project pr;
	struct config cfg;
	char err[ERR_MAX];
	struct stat st;

	buf_puts(b, "UNIKERNEL PARAMETERS\n");
	project_open(file, &pr);
	if (!file && stat(pr.config_path, &st) < 0) {
		put_wrapped(b, 7, "(No config.ini in the current folder: run fata help configure in a "
			    "unikernel's folder to see its keys.)");
		buf_putc(b, '\n');
		project_free(&pr);
		return;
	}
	if (config_load(pr.config_path, &cfg, err, sizeof(err)) < 0) {
		buf_printf(b, "       %s\n", err);
		put_wrapped(b, 7, "(Fix the config file to see this unikernel's keys.)");
		buf_putc(b, '\n');
		project_free(&pr);
		return;
	}
	if (cfg.nkeys == 0)
		buf_printf(b, "       The unikernel %s has no keys.\n", cfg.name);
	for (size_t i = 0; i < cfg.nkeys; i++) {
		const struct config_key *k = &cfg.keys[i];
		struct buf line = BUF_INIT;

		buf_printf(b, "       --%s=VAL (absent=%s)\n", k->name, k->default_text);
		if (k->doc[0])
			put_wrapped(b, 11, k->doc);
		buf_printf(&line, "Type: %s; %s.", fata_key_type_name(k->type), stage_text(k->stage));
		put_wrapped(b, 11, buf_str(&line));
		buf_free(&line);
		buf_putc(b, '\n');
	}
	if (cfg.nkeys == 0)
		buf_putc(b, '\n');
	config_free(&cfg);
	project_free(&pr);
}

static void help_configure(struct buf *b, const char *file)
{
	help_head(b, 0, "configure a unikernel for a target");
	put_wrapped(b, 7, "Reads and checks config.ini, then writes Makefile, fata/main.c, "
		    "fata/unikernel.h, fata/configure.args and, for hvt and spt, fata/manifest.c. On "
		    "any error it writes nothing. Then run make (make depends build): the binary "
		    "lands in dist/.");
	buf_putc(b, '\n');
	put_parameters(b, file);
	buf_puts(b, "CONFIGURE OPTIONS\n");
	put_option(b, "-t TARGET, --target=TARGET",
		   "unix (a Linux process), hvt (a KVM guest, run with fata-hvt) or spt (a seccomp "
		   "sandbox, run with fata-spt). Required the first time; afterwards the previous "
		   "target is kept.");
	put_file_option(b);
	put_option(b, "--KEY=VALUE, --KEY VALUE",
		   "Sets a key whose stage is configure or both; the value becomes the unikernel's "
		   "default. A bool key alone means true.");
	put_help_option(b);
	buf_puts(b, "RUNTIME OPTIONS\n");
	put_wrapped(b, 7, "Every unikernel also takes these on its own command line, besides its "
		    "keys of stage runtime or both:");
	buf_putc(b, '\n');
	put_option(b, "-l SRC:LEVEL,..., --logs=SRC:LEVEL,... (absent=*:info)",
		   "Log thresholds: a comma-separated list of LEVEL or SRC:LEVEL, where LEVEL is one "
		   "of quiet, app, error, warning, info, debug and SRC names a log source (* for "
		   "every source), e.g. -l \"*:debug\".");
	put_option(b, "--help", "Show the unikernel's keys and exit.");
}

static void help_command(struct buf *b, size_t i)
{
	switch (i) {
	case 1:
		help_head(b, i, "build the configured unikernel");
		put_wrapped(b, 7, "Runs make build in the unikernel's folder and exits with make's "
			    "status. The binary lands in dist/ (dist/NAME, dist/NAME.hvt or "
			    "dist/NAME.spt).");
		break;
	case 2:
		help_head(b, i, "remove what fata configure and the build made");
		put_wrapped(b, 7, "Removes the Makefile (only one that fata configure wrote), fata/, "
			    "dist/, _build/ and the files of the [file] sections, leaving only your "
			    "own files. Works even when the config file no longer parses.");
		break;
	case 3:
		help_head(b, i, "show the configured unikernel");
		put_wrapped(b, 7, "Prints the name, target, start function, sources, devices, keys "
			    "(with their values and whether each is the default or was set at "
			    "configure time) and files, from the config file and "
			    "fata/configure.args.");
		break;
	case 4:
		help_head(b, i, "print a file fata configure would write");
		put_wrapped(b, 7, "FILE is one of Makefile, main.c, unikernel.h, manifest.c (hvt and "
			    "spt only) and configure.args. Without -t or --KEY=VALUE, uses the saved "
			    "configuration; with them, they are taken as fata configure would take "
			    "them. Writes nothing.");
		break;
	default:
		help_head(b, i, "show help");
		put_wrapped(b, 7, "Shows the help of fata or of COMMAND. fata help configure in a "
			    "unikernel's folder also lists its keys.");
		break;
	}
	buf_puts(b, "\nOPTIONS\n");
	if (i == 4) {
		put_option(b, "-t TARGET, --target=TARGET", "As for fata configure.");
		put_option(b, "--KEY=VALUE", "As for fata configure.");
	}
	if (i >= 1 && i <= 4)
		put_file_option(b);
	put_help_option(b);
}

/* Prints the help of `cmd` (NULL: fata's) to stdout; returns the exit status. */
static int show_help(const char *cmd, const char *file)
{
	struct buf b = BUF_INIT;

	if (!cmd) {
		help_main(&b);
	} else {
		size_t i;

		for (i = 0; i < NCOMMANDS && strcmp(commands[i].name, cmd) != 0; i++)
			;
		if (i == NCOMMANDS) {
			fprintf(stderr, "fata: unknown command \"%s\"; try fata help\n", cmd);
			return 1;
		}
		if (i == 0)
			help_configure(&b, file);
		else
			help_command(&b, i);
	}
	print_buf(&b, stdout);
	buf_free(&b);
	return 0;
}

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

/*
 * Loads the config and decides the configuration from `argv` (as fata configure takes it, the
 * target defaulting to the saved one) or, when `saved` is set, from fata/configure.args.
 * Returns 0 or prints the error and returns 1.
 */
static int setup(struct setup *s, const char *cmd, int argc, char **argv, unsigned flags,
		 bool use_saved_when_no_options)
{
	char err[ERR_MAX];
	const char *target;
	bool saved = false;
	unsigned tbit;

	memset(s, 0, sizeof(*s));
	if (options_parse(cmd, argc, argv, NULL, flags, &s->opts, err, sizeof(err)) < 0)
		return say_error(err);
	project_open(s->opts.file, &s->pr);
	if (config_load(s->pr.config_path, &s->cfg, err, sizeof(err)) < 0)
		return say_error(err);
	s->have_cfg = true;
	if (use_saved_when_no_options && !s->opts.target && !s->opts.has_keys) {
		if (!s->pr.saved) {
			fprintf(stderr, "fata: %s is not configured (no fata/configure.args); expected "
				"fata configure -t TARGET first%s\n",
				strcmp(s->pr.dir, ".") == 0 ? "this unikernel" : s->pr.dir,
				strcmp(cmd, "query") == 0 ? ", or -t TARGET" : "");
			return 1;
		}
		saved = true;
	}
	{
		const char *positional = s->opts.positional;
		int r;

		options_free(&s->opts);
		if (saved)
			r = options_parse("configure", (int)s->pr.nsaved, s->pr.saved, &s->cfg,
					  OPT_CONFIGURE, &s->opts, err, sizeof(err));
		else
			r = options_parse(cmd, argc, argv, &s->cfg, flags, &s->opts, err, sizeof(err));
		if (r < 0) {
			if (saved)
				fprintf(stderr, "%s (from fata/configure.args; run fata configure again)\n",
					err);
			else
				fprintf(stderr, "%s\n", err);
			return 1;
		}
		s->opts.positional = positional;
	}
	target = s->opts.target;
	if (!target && s->pr.saved) {
		struct options prev;

		if (options_parse("configure", (int)s->pr.nsaved, s->pr.saved, NULL, OPT_CONFIGURE,
				  &prev, err, sizeof(err)) == 0)
			target = prev.target;
		options_free(&prev);
		/* Points into pr.saved, which lives as long as s. */
	}
	if (!target) {
		fprintf(stderr, "fata: no target; expected -t unix, -t hvt or -t spt (there is no "
			"previous configuration to reuse)\n");
		return 1;
	}
	tbit = target_parse(target);
	for (size_t i = 0; i < s->cfg.ndevices; i++) {
		const struct config_device *d = &s->cfg.devices[i];

		if (!(d->cls->targets & tbit)) {
			fprintf(stderr, "%s:%d: device \"%s\" of class %s is not available on target "
				"%s; expected another target\n", s->cfg.path, d->line, d->name,
				d->cls->name, target);
			return 1;
		}
	}

	s->values = xmalloc((s->cfg.nkeys ? s->cfg.nkeys : 1) * sizeof(*s->values));
	for (size_t i = 0; i < s->cfg.nkeys; i++)
		s->values[i] = NULL;
	add_arg(s, "-t");
	add_arg(s, target);
	if (strcmp(s->pr.config_name, "config.ini") != 0) {
		add_arg(s, "-f");
		add_arg(s, s->pr.config_name);
	}
	for (size_t i = 0; i < s->opts.nsets; i++) {
		struct buf a = BUF_INIT;

		s->values[s->opts.sets[i].index] = s->opts.sets[i].value;
		buf_printf(&a, "--%s=%s", s->opts.sets[i].key->name, s->opts.sets[i].value);
		add_arg(s, buf_str(&a));
		buf_free(&a);
	}
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
	};
	return 0;
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
	return plan->target == TARGET_HVT || plan->target == TARGET_SPT;
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

static int cmd_configure(int argc, char **argv)
{
	struct setup s;
	struct buf out[NOUT] = { BUF_INIT };
	char err[ERR_MAX];
	char *makefile = NULL, *fatadir = NULL, *path;
	struct stat st;
	int status = 1;

	{
		struct options o;

		if (options_parse("configure", argc, argv, NULL, OPT_CONFIGURE, &o, err, sizeof(err)) < 0)
			return say_error(err);
		if (o.help) {
			const char *file = o.file;

			options_free(&o);
			return show_help("configure", file);
		}
		options_free(&o);
	}
	if (setup(&s, "configure", argc, argv, OPT_CONFIGURE, false))
		goto out;
	/* Everything is generated and checked before the first write. */
	for (int i = 0; i < NOUT; i++) {
		if (i != OUT_MANIFEST || has_manifest(&s.plan))
			generate(&s.plan, (enum out)i, &out[i]);
	}
	makefile = project_path(&s.pr, "Makefile");
	if (makefile_state(makefile) == MAKEFILE_FOREIGN) {
		fprintf(stderr, "fata: %s exists and was not written by fata configure; expected no "
			"Makefile (move yours away first)\n", makefile);
		goto out;
	}
	fatadir = project_path(&s.pr, "fata");
	if (stat(fatadir, &st) == 0 && !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "fata: %s exists and is not a folder; expected the folder fata "
			"configure writes into\n", fatadir);
		goto out;
	}
	if (mkdir(fatadir, 0777) < 0 && errno != EEXIST) {
		fprintf(stderr, "fata: cannot create %s: %s\n", fatadir, strerror(errno));
		goto out;
	}
	for (int i = 0; i < NOUT; i++) {
		path = project_path(&s.pr, outputs[i].path);
		if (i == OUT_MANIFEST && !has_manifest(&s.plan)) {
			/* A manifest left by an earlier hvt or spt configuration. */
			if (remove_path(path, err, sizeof(err)) < 0) {
				free(path);
				say_error(err);
				goto out;
			}
		} else if (write_atomic(path, buf_str(&out[i]), out[i].len, err, sizeof(err)) < 0) {
			free(path);
			say_error(err);
			goto out;
		}
		free(path);
	}
	status = 0;
out:
	for (int i = 0; i < NOUT; i++)
		buf_free(&out[i]);
	free(makefile);
	free(fatadir);
	setup_free(&s);
	return status;
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
			return show_help("query", NULL);
		}
		what = o.positional;
		options_free(&o);
	}
	if (!what)
		return say_error("fata: query needs a FILE; expected one of: Makefile, main.c, unikernel.h, "
			     "manifest.c, configure.args");
	for (int i = 0; i < NOUT; i++) {
		if (strcmp(what, outputs[i].query) == 0 || strcmp(what, outputs[i].path) == 0)
			which = i;
	}
	if (which < 0) {
		fprintf(stderr, "fata: unknown file \"%s\"; expected one of: Makefile, main.c, "
			"unikernel.h, manifest.c, configure.args\n", what);
		return 1;
	}
	if (setup(&s, "query", argc, argv, OPT_CONFIGURE | OPT_POSITIONAL, true))
		goto out;
	if (which == OUT_MANIFEST && !has_manifest(&s.plan)) {
		fprintf(stderr, "fata: manifest.c is only written for hvt and spt; the target is %s\n",
			target_name(s.plan.target));
		goto out;
	}
	generate(&s.plan, (enum out)which, &b);
	print_buf(&b, stdout);
	status = 0;
out:
	buf_free(&b);
	setup_free(&s);
	return status;
}

static void put_value(struct buf *b, const struct config_key *k, const char *v)
{
	if (k->type == FATA_KEY_STRING)
		buf_c_string(b, v);
	else
		buf_puts(b, v);
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

#define LABEL "%-11s"

static int cmd_describe(int argc, char **argv)
{
	struct setup s;
	struct buf b = BUF_INIT;
	const struct config *cfg;
	size_t width = 0;
	char err[ERR_MAX];
	struct options o;

	if (options_parse("describe", argc, argv, NULL, 0, &o, err, sizeof(err)) < 0)
		return say_error(err);
	if (o.help) {
		options_free(&o);
		return show_help("describe", NULL);
	}
	options_free(&o);
	if (setup(&s, "describe", argc, argv, 0, true)) {
		setup_free(&s);
		return 1;
	}
	cfg = &s.cfg;
	buf_printf(&b, LABEL "%s\n", "Name", cfg->name);
	buf_printf(&b, LABEL "%s\n", "Target", target_name(s.plan.target));
	buf_printf(&b, LABEL "%s\n", "Config", s.pr.config_name);
	buf_printf(&b, LABEL "%s\n", "Start", cfg->start);
	buf_printf(&b, LABEL, "Sources");
	for (size_t i = 0; i < cfg->nsources; i++)
		buf_printf(&b, "%s%s", i ? " " : "", cfg->sources[i]);
	buf_putc(&b, '\n');
	if (cfg->ndevices == 0)
		buf_printf(&b, LABEL "(none)\n", "Devices");
	for (size_t i = 0; i < cfg->ndevices; i++) {
		const struct config_device *d = &cfg->devices[i];

		buf_printf(&b, LABEL "%s (%s", i ? "" : "Devices", d->name, d->cls->name);
		for (size_t j = 0; j < d->nparams; j++)
			buf_printf(&b, ", %s = %s", d->params[j].name, d->params[j].value);
		buf_puts(&b, ")\n");
	}
	if (cfg->nkeys == 0)
		buf_printf(&b, LABEL "(none)\n", "Keys");
	/* Key lines: "NAME = VALUE (default|configure)", padded to one column, then type and doc. */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < cfg->nkeys; i++) {
			const struct config_key *k = &cfg->keys[i];
			struct buf head = BUF_INIT;

			buf_printf(&head, "%s = ", k->name);
			put_value(&head, k, plan_key_value(&s.plan, i));
			buf_printf(&head, " (%s)", s.values[i] ? "configure" : "default");
			if (pass == 0) {
				if (head.len > width)
					width = head.len;
			} else {
				buf_printf(&b, LABEL "%-*s   %s, %s%s%s\n", i ? "" : "Keys", (int)width,
					   buf_str(&head), fata_key_type_name(k->type),
					   stage_short(k->stage), k->doc[0] ? ": " : "", k->doc);
			}
			buf_free(&head);
		}
	}
	if (cfg->nfiles == 0)
		buf_printf(&b, LABEL "(none)\n", "Files");
	for (size_t i = 0; i < cfg->nfiles; i++)
		buf_printf(&b, LABEL "%s\n", i ? "" : "Files", cfg->files[i].name);
	print_buf(&b, stdout);
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
		return show_help("build", NULL);
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

static int cmd_clean(int argc, char **argv)
{
	struct options o;
	struct project pr;
	struct config cfg;
	char err[ERR_MAX];
	char **files = NULL;
	size_t nfiles = 0;
	int status = 0;
	char *makefile;
	static const char *const dirs[] = { "fata", "dist", "_build" };

	if (options_parse("clean", argc, argv, NULL, 0, &o, err, sizeof(err)) < 0)
		return say_error(err);
	if (o.help) {
		options_free(&o);
		return show_help("clean", NULL);
	}
	project_open(o.file, &pr);
	options_free(&o);

	/* The [file] outputs: from the Makefile fata wrote, and from the config if it parses. */
	makefile = project_path(&pr, "Makefile");
	if (makefile_state(makefile) == MAKEFILE_OURS)
		makefile_extra_files(makefile, &files, &nfiles);
	if (config_load(pr.config_path, &cfg, err, sizeof(err)) == 0) {
		for (size_t i = 0; i < cfg.nfiles; i++) {
			files = xrealloc(files, (nfiles + 1) * sizeof(*files));
			files[nfiles++] = xstrdup(cfg.files[i].name);
		}
		config_free(&cfg);
	} else if (access(pr.config_path, F_OK) == 0) {
		fprintf(stderr, "%s\nfata: cleaning what the generated files name\n", err);
	}

	for (size_t i = 0; i < nfiles; i++) {
		char *p = project_path(&pr, files[i]);

		if (remove_path(p, err, sizeof(err)) < 0) {
			say_error(err);
			status = 1;
		}
		free(p);
		free(files[i]);
	}
	free(files);
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		char *p = project_path(&pr, dirs[i]);

		if (remove_path(p, err, sizeof(err)) < 0) {
			say_error(err);
			status = 1;
		}
		free(p);
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

static int cmd_help(int argc, char **argv)
{
	const char *cmd = NULL, *file = NULL;

	for (int i = 0; i < argc; i++) {
		if ((strcmp(argv[i], "-f") == 0 || strcmp(argv[i], "--file") == 0) && i + 1 < argc)
			file = argv[++i];
		else if (strncmp(argv[i], "--file=", 7) == 0)
			file = argv[i] + 7;
		else if (argv[i][0] == '-')
			continue;	/* fata help --help */
		else if (!cmd)
			cmd = argv[i];
		else {
			fprintf(stderr, "fata: unexpected argument \"%s\" for fata help; try fata help\n",
				argv[i]);
			return 1;
		}
	}
	return show_help(cmd, file);
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
		{ "help", cmd_help },
	};
	const char *cmd = argc > 1 ? argv[1] : NULL;

	if (!cmd) {
		fprintf(stderr, "fata: no command; try fata help\n");
		return 1;
	}
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0)
		return show_help(NULL, NULL);
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
