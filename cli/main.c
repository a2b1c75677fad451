/*
 * fata: the command. `fata configure -t TARGET` checks config.ini and writes the Makefile and
 * fata/; `build`, `clean`, `describe`, `query` and `help` work from what it wrote; `inspect`
 * reads a built binary. Every error is one line on stderr and exit status 1.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "gen.h"
#include "inspect.h"
#include "project.h"

/* --- help ------------------------------------------------------------------------------------- */

#define WIDTH 80

/*
 * UNIKERNEL PARAMETERS wrap at 78 columns, as MirageOS's cmdliner does, so that the generic keys
 * read exactly as in the tutorial.
 */
#define PARAM_WIDTH 78

/* Appends `text` word-wrapped at `width` columns, each line indented by `indent` spaces. */
static void put_wrapped_at(struct buf *b, int indent, const char *text, int width)
{
	const char *s = text;
	int col = 0;

	while (*s) {
		const char *w = s;
		int n;

		while (*s && *s != ' ')
			s++;
		n = (int)(s - w);
		if (col > 0 && col + 1 + n > width) {
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

static void put_wrapped(struct buf *b, int indent, const char *text)
{
	put_wrapped_at(b, indent, text, WIDTH);
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
	{ "crunch", "fata crunch [--name NAME] [--mtime SECONDS] DIR OUT.c",
	  "Write the folder DIR as C data for a kv_ro device (make runs it for --kv_ro=crunch)." },
	{ "inspect", "fata inspect [--json] FILE",
	  "Print a unikernel binary's target, ABI version, devices and Fata extensions, without "
	  "running it." },
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

/* "crunch", or "socket on unix, direct on hvt and spt" when the default depends on the target. */
static void put_impl_defaults(struct buf *b, const struct impl_key *k)
{
	bool done[NTARGETS] = { false };
	int groups = 0;

	for (unsigned t = 0; t < NTARGETS; t++) {
		int n = 0;

		if (done[t])
			continue;
		buf_printf(b, "%s%s", groups++ ? ", " : "", k->defaults[t]);
		for (unsigned u = t; u < NTARGETS; u++) {
			if (!done[u] && strcmp(k->defaults[u], k->defaults[t]) == 0) {
				done[u] = true;
				n++;
			}
		}
		if (n == NTARGETS)
			return;
		for (unsigned u = t, m = 0; u < NTARGETS; u++) {
			if (strcmp(k->defaults[u], k->defaults[t]) == 0)
				buf_printf(b, "%s%s", m++ == 0 ? " on " : m == (unsigned)n ? " and " : ", ",
					   target_name(1u << u));
		}
	}
}

/*
 * Decides the implementations as the saved configuration did (fata/configure.args), or as a
 * unix configuration with the defaults would, so that help lists the generic keys they imply.
 */
static void resolve_for_help(const struct project *pr, struct config *cfg)
{
	const char **values = xmalloc((cfg->nimpl_keys ? cfg->nimpl_keys : 1) * sizeof(*values));
	unsigned target = TARGET_UNIX;
	char err[ERR_MAX];
	struct options o;

	for (size_t i = 0; i < cfg->nimpl_keys; i++)
		values[i] = NULL;
	if (pr->saved && options_parse("configure", (int)pr->nsaved, pr->saved, cfg,
				       OPT_CONFIGURE | OPT_IMPL_ONLY, &o, err, sizeof(err)) == 0) {
		if (o.target)
			target = target_parse(o.target);
		for (size_t i = 0; i < o.nimpls; i++)
			values[o.impls[i].index] = o.impls[i].value;
		options_free(&o);
	}
	if (config_resolve(cfg, target, values, err, sizeof(err)) < 0)
		config_resolve(cfg, TARGET_UNIX, NULL, err, sizeof(err));
	free(values);
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
	resolve_for_help(&pr, &cfg);
	if (cfg.nkeys == 0 && cfg.nimpl_keys == 0)
		buf_printf(b, "       The unikernel %s has no keys.\n", cfg.name);
	for (size_t i = 0; i < cfg.nimpl_keys; i++) {
		const struct impl_key *k = cfg.impl_keys[i];
		struct buf line = BUF_INIT;

		buf_printf(&line, "--%s=", k->name);
		for (const char *c = k->name; *c; c++)
			buf_putc(&line, *c >= 'a' && *c <= 'z' ? (char)(*c - 32) : *c);
		buf_puts(&line, " (absent=");
		put_impl_defaults(&line, k);
		buf_puts(&line, ")");
		buf_printf(b, "       %s\n", buf_str(&line));
		put_wrapped_at(b, 11, k->doc, PARAM_WIDTH);
		buf_putc(b, '\n');
		buf_free(&line);
	}
	for (size_t i = 0; i < cfg.nkeys; i++) {
		const struct config_key *k = &cfg.keys[i];
		struct buf line = BUF_INIT;

		buf_printf(b, "       --%s=VAL (absent=%s)\n", k->name, k->default_text);
		if (k->doc[0])
			put_wrapped_at(b, 11, k->doc, PARAM_WIDTH);
		buf_printf(&line, "Type: %s; %s.", fata_key_type_name(k->type), stage_text(k->stage));
		put_wrapped_at(b, 11, buf_str(&line), PARAM_WIDTH);
		buf_free(&line);
		buf_putc(b, '\n');
	}
	if (cfg.nkeys == 0 && cfg.nimpl_keys == 0)
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
	put_option(b, "--debug",
		   "Build for a debugger: the unikernel's own code with -Og -g instead of -O2 -g "
		   "(Fata never strips binaries), so that gdb shows its variables and steps through "
		   "its lines. Like keys, it is kept only until the next fata configure.");
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
	case 6:
		help_head(b, i, "write a folder as C data for a kv_ro device");
		put_wrapped(b, 7, "Writes OUT.c: every file and folder under DIR, in name order, as "
			    "read-only data for a kv_ro device with --kv_ro=crunch, defining "
			    "fata_static_NAME. The Makefile fata configure writes runs it (into "
			    "fata/static_DEVICE.c) whenever a file under DIR changes. Symbolic links are "
			    "followed. The output depends only on the folder's content and times.");
		buf_puts(b, "\nOPTIONS\n");
		put_option(b, "--name=NAME (absent=kv)", "The C name: fata_static_NAME.");
		put_option(b, "--mtime=SECONDS", "The time every entry reports (seconds since the "
			   "epoch); without it, each file's own modification time.");
		put_help_option(b);
		return;
	case 7:
		help_head(b, i, "show what a unikernel binary declares");
		put_wrapped(b, 7, "Reads FILE (dist/NAME.hvt, dist/NAME.spt or any Solo5 unikernel) "
			    "without running it and prints its ABI target and version (the Solo5 ABI1 "
			    "note), its devices with their handles, names and types (the MFT1 "
			    "manifest) and the Fata extensions it uses when a tender offers them "
			    "(Fata's FEX1 note; a stock Solo5 unikernel has none). The binary is "
			    "checked as fata-hvt and fata-spt check it; a file that is not a "
			    "unikernel gets one line saying why and exit status 1.");
		buf_puts(b, "\nOPTIONS\n");
		put_option(b, "--json", "Print one JSON object instead: file, target, abi_target, "
			   "abi_version, devices (handle, name, type), fata (whether the binary has "
			   "the FEX1 note) and extensions.");
		put_help_option(b);
		return;
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
	const char **impl_values = NULL;
	char *const *src_argv = argv;
	int src_argc = argc;
	unsigned src_flags = flags;
	bool saved = false;
	unsigned tbit;
	struct options impl;
	const char *positional;
	int r;

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
		src_argc = (int)s->pr.nsaved;
		src_argv = s->pr.saved;
		src_flags = OPT_CONFIGURE;
	}
	positional = s->opts.positional;
	options_free(&s->opts);

	/* First the implementation keys: they decide which generic keys exist. */
	r = options_parse(saved ? "configure" : cmd, src_argc, src_argv, &s->cfg,
			  src_flags | OPT_IMPL_ONLY, &impl, err, sizeof(err));
	if (r < 0)
		goto bad_options;
	target = impl.target;
	if (!target && s->pr.saved) {
		struct options prev;

		if (options_parse("configure", (int)s->pr.nsaved, s->pr.saved, NULL, OPT_CONFIGURE,
				  &prev, err, sizeof(err)) == 0)
			target = prev.target;	/* points into pr.saved, which lives as long as s */
		options_free(&prev);
	}
	if (!target) {
		options_free(&impl);
		fprintf(stderr, "fata: no target; expected -t unix, -t hvt or -t spt (there is no "
			"previous configuration to reuse)\n");
		return 1;
	}
	tbit = target_parse(target);
	for (size_t i = 0; i < s->cfg.ndevices; i++) {
		const struct config_device *d = &s->cfg.devices[i];

		if (!(d->cls->targets & tbit)) {
			options_free(&impl);
			fprintf(stderr, "%s:%d: device \"%s\" of class %s is not available on target "
				"%s; expected another target\n", s->cfg.path, d->line, d->name,
				d->cls->name, target);
			return 1;
		}
	}
	impl_values = xmalloc((s->cfg.nimpl_keys ? s->cfg.nimpl_keys : 1) * sizeof(*impl_values));
	for (size_t i = 0; i < s->cfg.nimpl_keys; i++)
		impl_values[i] = NULL;
	for (size_t i = 0; i < impl.nimpls; i++)
		impl_values[impl.impls[i].index] = impl.impls[i].value;
	r = config_resolve(&s->cfg, tbit, impl_values, err, sizeof(err));
	free(impl_values);
	if (r < 0) {
		options_free(&impl);
		fprintf(stderr, "%s%s\n", err, saved ? " (from fata/configure.args; run fata "
			"configure again)" : "");
		return 1;
	}

	/* Then every key, generic ones included. */
	r = options_parse(saved ? "configure" : cmd, src_argc, src_argv, &s->cfg, src_flags, &s->opts,
			  err, sizeof(err));
	if (r < 0) {
		options_free(&impl);
		goto bad_options;
	}
	s->opts.positional = positional;

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
	for (size_t i = 0; i < impl.nimpls; i++) {
		struct buf a = BUF_INIT;

		buf_printf(&a, "--%s=%s", s->cfg.impl_keys[impl.impls[i].index]->name,
			   impl.impls[i].value);
		add_arg(s, buf_str(&a));
		buf_free(&a);
	}
	options_free(&impl);
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
		.debug = s->opts.debug,
	};
	if (gen_check(&s->plan, err, sizeof(err)) < 0)
		return say_error(err);
	return 0;

bad_options:
	if (saved)
		fprintf(stderr, "%s (from fata/configure.args; run fata configure again)\n", err);
	else
		fprintf(stderr, "%s\n", err);
	return 1;
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
	buf_printf(&b, LABEL "%s\n", "Build", s.plan.debug ? "debug: -Og -g (fata configure --debug)" :
		   "optimised: -O2 -g");
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
		if (d->impl->summary) {
			buf_puts(&b, "; ");
			gen_expand(&b, d->impl->summary, d);
		}
		buf_puts(&b, ")\n");
	}
	if (cfg->nkeys == 0 && cfg->nimpl_keys == 0)
		buf_printf(&b, LABEL "(none)\n", "Keys");
	/* Key lines: "NAME = VALUE (default|configure)", padded to one column, then type and doc;
	 * the implementation keys first. */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < cfg->nimpl_keys; i++) {
			const struct impl_key *k = cfg->impl_keys[i];
			struct buf head = BUF_INIT;
			bool given = false;

			for (size_t j = 0; j < s.nargs; j++) {
				size_t n = strlen(k->name);

				if (strncmp(s.args[j], "--", 2) == 0 && strncmp(s.args[j] + 2, k->name, n) == 0 &&
				    s.args[j][2 + n] == '=')
					given = true;
			}
			buf_printf(&head, "%s = %s (%s)", k->name, cfg->impl_values[i],
				   given ? "configure" : "default");
			if (pass == 0) {
				if (head.len > width)
					width = head.len;
			} else {
				char list[256];

				impl_key_choices(k, 0, list, sizeof(list));
				buf_printf(&b, LABEL "%-*s   implementation (%s), configure: %s\n",
					   i ? "" : "Keys", (int)width, buf_str(&head), list, k->doc);
			}
			buf_free(&head);
		}
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
				buf_printf(&b, LABEL "%-*s   %s, %s%s%s\n",
					   i || cfg->nimpl_keys ? "" : "Keys", (int)width,
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
		/* The images of every implementation, also those of earlier configurations. */
		for (size_t i = 0; i < cfg.ndevices; i++) {
			for (const struct device_impl *im = cfg.devices[i].cls->impls; im->connect; im++) {
				struct buf name = BUF_INIT;

				if (!im->image)
					continue;
				gen_expand(&name, im->image, &cfg.devices[i]);
				if (config_file_name_valid(buf_str(&name))) {
					files = xrealloc(files, (nfiles + 1) * sizeof(*files));
					files[nfiles++] = xstrdup(buf_str(&name));
				}
				buf_free(&name);
			}
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

/* --- crunch: a folder as C data ------------------------------------------------------------------ */

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

static int by_centry_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists the folder of entry `i` and appends its members (sorted) to the table. */
static int crunch_scan(struct centry **e, size_t *n, size_t i)
{
	DIR *dir = opendir((*e)[i].host);
	struct dirent *de;
	char **names = NULL;
	size_t count = 0;
	int r = 0;

	if (!dir) {
		fprintf(stderr, "fata: crunch: cannot read %s: %s\n", (*e)[i].host, strerror(errno));
		return -1;
	}
	while ((de = readdir(dir)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		names = xrealloc(names, (count + 1) * sizeof(*names));
		names[count++] = xstrdup(de->d_name);
	}
	closedir(dir);
	if (count > 1)
		qsort(names, count, sizeof(*names), by_centry_name);
	(*e)[i].first = (uint32_t)*n;
	(*e)[i].size = 0;
	for (size_t j = 0; j < count; j++) {
		struct buf host = BUF_INIT;
		struct stat st;

		buf_printf(&host, "%s/%s", (*e)[i].host, names[j]);
		if (strlen(names[j]) > 255) {
			fprintf(stderr, "fata: crunch: skipping %s: the name is longer than 255 bytes\n",
				host.s);
		} else if (stat(host.s, &st) < 0) {
			fprintf(stderr, "fata: crunch: skipping %s: %s\n", host.s, strerror(errno));
		} else if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
			fprintf(stderr, "fata: crunch: skipping %s: neither a file nor a folder\n", host.s);
		} else {
			for (size_t a = i;; a = (*e)[a].parent) {
				if (S_ISDIR(st.st_mode) && (*e)[a].dev == st.st_dev && (*e)[a].ino == st.st_ino) {
					fprintf(stderr, "fata: crunch: %s is a link to a folder that contains "
						"it; expected no loops\n", host.s);
					r = -1;
				}
				if (a == 0)
					break;
			}
			if (r < 0) {
				buf_free(&host);
				break;
			}
			*e = xrealloc(*e, (*n + 1) * sizeof(**e));
			(*e)[*n] = (struct centry){
				.name = xstrdup(names[j]),
				.host = host.s,
				.dict = S_ISDIR(st.st_mode),
				.size = S_ISDIR(st.st_mode) ? 0 : (uint64_t)st.st_size,
				.mtime = st.st_mtime,
				.parent = i,
				.dev = st.st_dev,
				.ino = st.st_ino,
			};
			host = (struct buf)BUF_INIT;
			(*n)++;
			(*e)[i].size++;
		}
		buf_free(&host);
	}
	for (size_t j = 0; j < count; j++)
		free(names[j]);
	free(names);
	return r;
}

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

static int read_file(const char *path, unsigned char **data, size_t *len)
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

static int cmd_crunch(int argc, char **argv)
{
	const char *name = "kv", *mtime_text = NULL, *dir = NULL, *outpath = NULL;
	struct centry *e;
	struct buf out = BUF_INIT;
	size_t n = 1;
	int64_t mtime = 0;
	uint64_t total = 0;
	char err[ERR_MAX];
	struct stat st;
	int status = 1;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return show_help("crunch", NULL);
		if (strcmp(argv[i], "--name") == 0 && i + 1 < argc)
			name = argv[++i];
		else if (strncmp(argv[i], "--name=", 7) == 0)
			name = argv[i] + 7;
		else if (strcmp(argv[i], "--mtime") == 0 && i + 1 < argc)
			mtime_text = argv[++i];
		else if (strncmp(argv[i], "--mtime=", 8) == 0)
			mtime_text = argv[i] + 8;
		else if (argv[i][0] == '-' && argv[i][1])
			return say_error("fata: crunch takes --name NAME, --mtime SECONDS, DIR and OUT.c; "
				     "try fata help crunch");
		else if (!dir)
			dir = argv[i];
		else if (!outpath)
			outpath = argv[i];
		else
			return say_error("fata: crunch takes one DIR and one OUT.c; try fata help crunch");
	}
	if (!dir || !outpath)
		return say_error("fata: crunch needs DIR and OUT.c; try fata help crunch");
	for (const char *c = name; *c; c++) {
		if (!(isalnum((unsigned char)*c) || *c == '_') || isdigit((unsigned char)name[0]))
			return say_error("fata: crunch: --name must be a C identifier");
	}
	if (mtime_text) {
		union fata_key_value v;

		if (fata_key_value_parse(FATA_KEY_INT, mtime_text, &v) < 0 || v.i < 0)
			return say_error("fata: crunch: --mtime expects seconds since the epoch");
		mtime = v.i;
	}
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "fata: crunch: %s is not a folder\n", dir);
		return 1;
	}
	e = xmalloc(sizeof(*e));
	e[0] = (struct centry){ .name = xstrdup(""), .host = xstrdup(dir), .dict = true,
				.mtime = st.st_mtime, .dev = st.st_dev, .ino = st.st_ino };
	/* Breadth first: each folder's members are contiguous and come after it. */
	for (size_t i = 0; i < n; i++) {
		if (e[i].dict && crunch_scan(&e, &n, i) < 0)
			goto out;
	}
	if (n > UINT32_MAX) {
		fprintf(stderr, "fata: crunch: too many entries\n");
		goto out;
	}
	buf_puts(&out, "/* Generated by fata crunch from ");
	gen_comment_text(&out, dir);
	buf_puts(&out, "; edits are lost at the next build. */\n#include <fata/kv.h>\n");
	for (size_t i = 0; i < n; i++) {
		unsigned char *data;
		size_t len;

		if (e[i].dict || e[i].size == 0)
			continue;
		if (read_file(e[i].host, &data, &len) < 0) {
			fprintf(stderr, "fata: crunch: cannot read %s: %s\n", e[i].host, strerror(errno));
			goto out;
		}
		e[i].size = len;
		total += len;
		buf_puts(&out, "\n/* ");
		gen_comment_text(&out, e[i].host + strlen(dir));
		buf_printf(&out, " (%zu bytes) */\nstatic const unsigned char v%zu[] =\n", len, i);
		put_c_bytes(&out, data, len);
		buf_puts(&out, ";\n");
		free(data);
	}
	buf_puts(&out, "\nstatic const struct fata_kv_crunch_entry entries[] = {\n");
	for (size_t i = 0; i < n; i++) {
		buf_printf(&out, "\t/* %zu */ { .name = ", i);
		buf_c_string(&out, e[i].name);
		if (e[i].dict)
			buf_printf(&out, ", .kind = FATA_KV_DICTIONARY, .size = %llu, .first = %u",
				   (unsigned long long)e[i].size, e[i].first);
		else if (e[i].size)
			buf_printf(&out, ", .kind = FATA_KV_VALUE, .data = v%zu, .size = %llu", i,
				   (unsigned long long)e[i].size);
		else
			buf_puts(&out, ", .kind = FATA_KV_VALUE, .data = NULL, .size = 0");
		buf_printf(&out, ", .mtime = %lld },\n", (long long)(mtime_text ? mtime : e[i].mtime));
	}
	buf_printf(&out, "};\n\n/* %zu entries, %llu bytes of data. */\n", n,
		   (unsigned long long)total);
	buf_printf(&out, "const struct fata_kv_crunch fata_static_%s = { entries, %zu };\n", name, n);
	if (write_atomic(outpath, buf_str(&out), out.len, err, sizeof(err)) < 0) {
		say_error(err);
		goto out;
	}
	status = 0;
out:
	for (size_t i = 0; i < n; i++) {
		free(e[i].name);
		free(e[i].host);
	}
	free(e);
	buf_free(&out);
	return status;
}

static int cmd_inspect(int argc, char **argv)
{
	const char *file = NULL;
	bool json = false, options = true;

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (options && (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0))
			return show_help("inspect", NULL);
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
		{ "crunch", cmd_crunch },
		{ "inspect", cmd_inspect },
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
