/*
 * The help renderer of the fata command: fata help, each command's --help and, for configure,
 * the UNIKERNEL PARAMETERS of the config at hand, in the man-page layout of MirageOS's cmdliner.
 */
#include "help.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "config.h"
#include "project.h"

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

/* "crunch", or "socket on unix, direct on hvt, spt and virtio" when the default depends on the target. */
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

/* The implementation keys: "--kv_ro=KV_RO (absent=crunch)" and the key's doc. */
static void put_impl_key_params(struct buf *b, const struct config *cfg)
{
	for (size_t i = 0; i < cfg->nimpl_keys; i++) {
		const struct impl_key *k = cfg->impl_keys[i];
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
}

/* The keys, the user's then the generic ones: default, doc, type and stage. */
static void put_key_params(struct buf *b, const struct config *cfg)
{
	for (size_t i = 0; i < cfg->nkeys; i++) {
		const struct config_key *k = &cfg->keys[i];
		struct buf line = BUF_INIT;

		buf_printf(b, "       --%s=VAL (absent=%s)\n", k->name, k->default_text);
		if (k->doc[0])
			put_wrapped_at(b, 11, k->doc, PARAM_WIDTH);
		buf_printf(&line, "Type: %s; %s.", fata_key_type_name(k->type), stage_text(k->stage));
		put_wrapped_at(b, 11, buf_str(&line), PARAM_WIDTH);
		buf_free(&line);
		buf_putc(b, '\n');
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
	resolve_for_help(&pr, &cfg);
	if (cfg.nkeys == 0 && cfg.nimpl_keys == 0)
		buf_printf(b, "       The unikernel %s has no keys.\n", cfg.name);
	put_impl_key_params(b, &cfg);
	put_key_params(b, &cfg);
	if (cfg.nkeys == 0 && cfg.nimpl_keys == 0)
		buf_putc(b, '\n');
	config_free(&cfg);
	project_free(&pr);
}

/* What configure's help has after its description: parameters, options, runtime options. */
static void put_configure_sections(struct buf *b, const char *file)
{
	buf_putc(b, '\n');
	put_parameters(b, file);
	buf_puts(b, "CONFIGURE OPTIONS\n");
	put_option(b, "-t TARGET, --target=TARGET",
		   "unix (a Linux process), hvt (a KVM guest, run with fata-hvt), spt (a seccomp "
		   "sandbox, run with fata-spt) or virtio (a QEMU or cloud virtual machine, run with "
		   "dist/NAME). Required the first time; afterwards the previous "
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

static void put_query_options(struct buf *b)
{
	put_option(b, "-t TARGET, --target=TARGET", "As for fata configure.");
	put_option(b, "--KEY=VALUE", "As for fata configure.");
	put_file_option(b);
}

static void put_crunch_options(struct buf *b)
{
	put_option(b, "--name=NAME (absent=kv)", "The C name: fata_static_NAME.");
	put_option(b, "--mtime=SECONDS", "The time every entry reports (seconds since the "
		   "epoch); without it, each file's own modification time.");
}

static void put_inspect_options(struct buf *b)
{
	put_option(b, "--json", "Print one JSON object instead: file, target, abi_target, "
		   "abi_version, devices (handle, name, type), fata (whether the binary has "
		   "the FEX1 note) and extensions.");
}

static void put_package_options(struct buf *b)
{
	put_option(b, "--tar", "Also write the layout as one file, dist/NAME-oci.tar (for skopeo "
		   "copy oci-archive:...).");
	put_option(b, "--KEY=VALUE", "A runtime key of the unikernel; the keys given make its "
		   "command line (the image's cmdline annotation and Cmd).");
	put_option(b, "-l, --logs=SRC:LEVEL,...", "Log levels, as the unikernel takes them.");
}

static void put_net_options(struct buf *b)
{
	put_option(b, "--netns NS", "up: make the tap inside network namespace NS (created when "
		   "missing, and then deleted again by down).");
	put_option(b, "--bridge BR", "up: attach the tap to the existing bridge BR (no host "
		   "address unless --address is given).");
	put_option(b, "--address ADDR/PREFIX", "up: the host side's address (default "
		   "198.18.0.1/24).");
	put_option(b, "--dhcp", "up: run dnsmasq as a DHCP server on the tap, for addresses "
		   ".100-.199 of the address's /24.");
}

/* Every command, in the order fata help lists them. */
static const struct command_help {
	const char *name;
	const char *synopsis;
	const char *summary;		/* its line under fata help's COMMANDS */
	const char *what;		/* its NAME line: "fata-NAME - what" */
	const char *description;
	/* What follows the description: configure's own sections, or else the OPTIONS section,
	 * which lists `options` (NULL: none) and then -h. */
	void (*sections)(struct buf *b, const char *file);
	void (*options)(struct buf *b);
} commands[] = {
	{ "configure", "fata configure -t TARGET [-f FILE] [--KEY=VALUE]...",
	  "Check config.ini and write the Makefile and fata/ for a target.",
	  "configure a unikernel for a target",
	  "Reads and checks config.ini, then writes Makefile, fata/main.c, fata/unikernel.h, "
	  "fata/configure.args and, for hvt and spt, fata/manifest.c. On any error it writes "
	  "nothing. Then run make (make depends build): the binary lands in dist/.",
	  put_configure_sections, NULL },
	{ "build", "fata build [-f FILE]",
	  "Build the configured unikernel: runs make build in its folder.",
	  "build the configured unikernel",
	  "Runs make build in the unikernel's folder and exits with make's status. The binary "
	  "lands in dist/ (dist/NAME, dist/NAME.hvt or dist/NAME.spt).",
	  NULL, put_file_option },
	{ "clean", "fata clean [-f FILE]",
	  "Remove everything fata configure and the build made, leaving only your own files.",
	  "remove what fata configure and the build made",
	  "Removes the Makefile (only one that fata configure wrote), fata/, dist/, _build/ and "
	  "the files of the [file] sections, leaving only your own files. Works even when the "
	  "config file no longer parses.",
	  NULL, put_file_option },
	{ "describe", "fata describe [-f FILE]",
	  "Show the configured unikernel: name, target, start function, devices, keys and files.",
	  "show the configured unikernel",
	  "Prints the name, target, start function, sources, devices, keys (with their values "
	  "and whether each is the default or was set at configure time) and files, from the "
	  "config file and fata/configure.args.",
	  NULL, put_file_option },
	{ "query", "fata query [packages|FILE] [-f FILE] [-t TARGET] [--KEY=VALUE]...",
	  "List what the unikernel links, or print a file fata configure would write (Makefile, "
	  "main.c, unikernel.h, manifest.c, configure.args) without writing anything.",
	  "list what a unikernel links, or print a generated file",
	  "Without FILE, or with packages, lists what the unikernel links: the runtime archive "
	  "(library OS, platform, C library), each device's implementation and the call that "
	  "connects it, and the libraries of fata/ that its sources include. FILE is one of "
	  "Makefile, main.c, unikernel.h, manifest.c (hvt and spt only) and configure.args. "
	  "Without -t or --KEY=VALUE, uses the saved configuration; with them, they are taken as "
	  "fata configure would take them. Writes nothing.",
	  NULL, put_query_options },
	{ "help", "fata help [COMMAND]", "Show this help, or a command's.",
	  "show help",
	  "Shows the help of fata or of COMMAND. fata help configure in a unikernel's folder "
	  "also lists its keys.",
	  NULL, NULL },
	{ "crunch", "fata crunch [--name NAME] [--mtime SECONDS] DIR OUT.c",
	  "Write the folder DIR as C data for a kv_ro device (make runs it for --kv_ro=crunch).",
	  "write a folder as C data for a kv_ro device",
	  "Writes OUT.c: every file and folder under DIR, in name order, as read-only data for a "
	  "kv_ro device with --kv_ro=crunch, defining fata_static_NAME. The Makefile fata "
	  "configure writes runs it (into fata/static_DEVICE.c) whenever a file under DIR "
	  "changes. Symbolic links are followed. The output depends only on the folder's content "
	  "and times.",
	  NULL, put_crunch_options },
	{ "inspect", "fata inspect [--json] FILE",
	  "Print a unikernel binary's target, ABI version, devices and Fata extensions, without "
	  "running it.",
	  "show what a unikernel binary declares",
	  "Reads FILE (dist/NAME.hvt, dist/NAME.spt or any Solo5 unikernel) without running it "
	  "and prints its ABI target and version (the Solo5 ABI1 note), its devices with their "
	  "handles, names and types (the MFT1 manifest) and the Fata extensions it uses when a "
	  "tender offers them (Fata's FEX1 note; a stock Solo5 unikernel has none). The binary is "
	  "checked as fata-hvt and fata-spt check it; a file that is not a unikernel gets one "
	  "line saying why and exit status 1.",
	  NULL, put_inspect_options },
	{ "package", "fata package [--tar] [--KEY=VALUE]...",
	  "Write dist/NAME-oci/, an OCI image of the built hvt or spt unikernel for urunc and, "
	  "for spt, for any container engine.",
	  "package the built unikernel as an OCI image",
	  "Writes dist/NAME-oci/, an OCI image layout of dist/NAME.hvt or dist/NAME.spt (run make "
	  "first) with the annotations urunc reads (com.urunc.unikernel.*, also in /urunc.json): "
	  "the unikernel at /unikernel/NAME.TARGET, type mirage (the Solo5 ABI), hypervisor hvt "
	  "or spt, the command line from the keys given, and a block device's image as a layer "
	  "at /unikernel/IMAGE. An spt image also holds a static fata-spt and an entry point "
	  "that attaches the container's network (eth0) through a tap, so that podman or runc "
	  "runs it as an ordinary container (with CAP_NET_ADMIN and /dev/net/tun). The same "
	  "files give the same image digest. See docs/oci.md.",
	  NULL, put_package_options },
	{ "net", "fata net up NAME [--netns NS] [--bridge BR] [--address ADDR/PREFIX] [--dhcp] | "
	  "down NAME | list",
	  "Make a tap for unikernels (in a namespace, on a bridge, with DHCP) or remove it.",
	  "a tap device for unikernels, in one command",
	  "up creates the tap NAME, gives the host side an address, optionally runs a DHCP server "
	  "(dnsmasq) on it, and prints the fata-hvt, fata-spt and unix command lines that use it. "
	  "down removes exactly what up made: the tap, dnsmasq, and the namespace if up created it "
	  "(remembered in /run/fata/net/NAME/, or FATA_NET_STATE). list shows what exists. Needs "
	  "root.",
	  NULL, put_net_options },
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void put_fata_help(struct buf *b)
{
	buf_puts(b, "NAME\n       fata - build unikernels in C, in the model of MirageOS\n\n");
	buf_puts(b, "SYNOPSIS\n       fata COMMAND [OPTION]...\n\n");
	buf_puts(b, "COMMANDS\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		put_option(b, commands[i].synopsis + strlen("fata "), commands[i].summary);
	buf_puts(b, "OPTIONS\n");
	put_option(b, "--help", "Show this help and exit.");
	put_option(b, "--version", "Show the version and exit.");
	buf_puts(b, "EXIT STATUS\n       0 on success, 1 on any error (one line on standard error); fata "
		 "build\n       exits with make's status.\n\n");
	buf_puts(b, "Run fata help COMMAND (or fata COMMAND --help) for a command's options.\n");
}

static void put_command_help(struct buf *b, const struct command_help *c, const char *file)
{
	buf_printf(b, "NAME\n       fata-%s - %s\n\n", c->name, c->what);
	buf_printf(b, "SYNOPSIS\n       %s\n\n", c->synopsis);
	buf_puts(b, "DESCRIPTION\n");
	put_wrapped(b, 7, c->description);
	if (c->sections) {
		c->sections(b, file);
		return;
	}
	buf_puts(b, "\nOPTIONS\n");
	if (c->options)
		c->options(b);
	put_help_option(b);
}

int help_show(const char *cmd, const char *file)
{
	struct buf b = BUF_INIT;

	if (!cmd) {
		put_fata_help(&b);
	} else {
		size_t i;

		for (i = 0; i < NCOMMANDS && strcmp(commands[i].name, cmd) != 0; i++)
			;
		if (i == NCOMMANDS) {
			fprintf(stderr, "fata: unknown command \"%s\"; try fata help\n", cmd);
			return 1;
		}
		put_command_help(&b, &commands[i], file);
	}
	buf_write(&b, stdout);
	buf_free(&b);
	return 0;
}

int help_run(int argc, char **argv)
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
	return help_show(cmd, file);
}
