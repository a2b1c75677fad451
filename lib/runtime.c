/* The runtime's main: parses the command line against the unikernel's keys, then runs it. */
#include <fata/log.h>
#include <fata/runtime.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "platform.h"

/* Weak: a unikernel without the random generator does not link lib/random.c for it. */
extern void fata_random_without_cpu(void) __attribute__((weak));

static const char *progname = "unikernel";

static void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void out(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 1)
		n = (int)sizeof(buf) - 1;
	if (n > 0)
		plat_console_write(buf, (size_t)n);
}

/* Prints "PROG: message" and a hint to the error stream, then exits with the usage status. */
static _Noreturn void usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static _Noreturn void usage_error(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	n = snprintf(buf, sizeof(buf), "%s: ", progname);
	va_start(ap, fmt);
	n += vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	va_end(ap);
	if (n < (int)sizeof(buf))
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, "\nTry '%s --help' for more information.\n",
			      progname);
	if (n > (int)sizeof(buf) - 1)
		n = (int)sizeof(buf) - 1;
	plat_console_err(buf, (size_t)n);
	plat_exit(FATA_EXIT_USAGE);
}

_Noreturn void fata_exit(int status)
{
	plat_exit(status);
}

_Noreturn void fata_panic(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	n = snprintf(buf, sizeof(buf), "fata: fatal: ");
	va_start(ap, fmt);
	n += vsnprintf(buf + n, sizeof(buf) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 2)
		n = (int)sizeof(buf) - 2;
	buf[n++] = '\n';
	plat_console_err(buf, (size_t)n);
	plat_exit(255);
}

static void print_help(const struct fata_unikernel *u)
{
	int printed = 0;

	out("NAME\n       %s - a Fata unikernel (target %s)\n\n", u->name, u->target);
	out("SYNOPSIS\n       %s [OPTION]...\n\n", u->name);
	for (unsigned i = 0; i < u->nkeys; i++) {
		const struct fata_key *k = &u->keys[i];

		if (!(k->stage & FATA_STAGE_RUNTIME))
			continue;
		if (!printed++)
			out("UNIKERNEL PARAMETERS\n");
		out("       --%s=VAL (absent=%s)\n           %s\n", k->name, k->default_text,
		    k->doc && *k->doc ? k->doc : "(undocumented)");
		out("           Type: %s.\n\n", fata_key_type_name(k->type));
	}
	out("OPTIONS\n");
	out("       -l LEVEL, --logs=LEVEL (absent=*:info)\n"
	    "           Be more or less verbose. LEVEL is a comma-separated list of SRC:LEVEL or\n"
	    "           LEVEL, where LEVEL is one of quiet, app, error, warning, info, debug and\n"
	    "           SRC names a log source (* for every source), e.g. -l \"*:debug\".\n\n");
	out("       --help\n           Show this help and exit.\n\n");
	out("EXIT STATUS\n       What the start function returns, 1 when a device cannot be connected,\n"
	    "       %d on a bad command line, 255 on a fatal error.\n", FATA_EXIT_USAGE);
}

static struct fata_key *find_key(const struct fata_unikernel *u, const char *name, size_t len)
{
	for (unsigned i = 0; i < u->nkeys; i++) {
		if (strlen(u->keys[i].name) == len && strncmp(u->keys[i].name, name, len) == 0)
			return &u->keys[i];
	}
	return NULL;
}

/* An option that is no key: says why when the configuration left it out, or the nearest key. */
static void unknown_option(const struct fata_unikernel *u, const char *name, size_t len)
{
	const char *near = NULL;
	size_t bestd = (size_t)-1;

	for (unsigned i = 0; i < u->noff; i++) {
		if (strlen(u->off[i].name) == len && strncmp(u->off[i].name, name, len) == 0)
			usage_error("--%s is not a key of this build: %s; configure again to use it",
				    u->off[i].name, u->off[i].why);
	}
	for (unsigned i = 0; i <= u->nkeys + 1; i++) {
		const char *cand = i < u->nkeys ? u->keys[i].name : i == u->nkeys ? "logs" : "help";
		size_t d = fata_key_distance(name, len, cand);

		if (fata_key_near(name, len, cand) && d < bestd) {
			near = cand;
			bestd = d;
		}
	}
	if (near)
		usage_error("unknown option --%.*s; did you mean --%s?", (int)len, name, near);
	usage_error("unknown option --%.*s", (int)len, name);
}

static void set_logs(const char *spec)
{
	if (fata_log_set_spec(spec) < 0)
		usage_error("--logs=%s: expected a comma-separated list of LEVEL or SRC:LEVEL with "
			    "LEVEL one of quiet, app, error, warning, info, debug", spec);
}

/* Parses argv into the key table. Exits on --help or on any error. */
static void parse_args(const struct fata_unikernel *u, int argc, char **argv)
{
	for (unsigned i = 0; i < u->nkeys; i++) {
		struct fata_key *k = &u->keys[i];

		if (fata_key_value_parse(k->type, k->default_text, &k->value) < 0)
			fata_panic("default \"%s\" of key %s is not %s", k->default_text, k->name,
				   fata_key_type_expect(k->type));
	}
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *name, *eq, *value;
		struct fata_key *k;
		size_t len;

		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			print_help(u);
			plat_exit(0);
		}
		if (strcmp(arg, "--") == 0) {
			if (i + 1 < argc)
				usage_error("unexpected argument \"%s\"; this unikernel takes only options",
					    argv[i + 1]);
			break;
		}
		if (strncmp(arg, "-l", 2) == 0 && arg[2] != '\0' && arg[1] != '-') {
			set_logs(arg + 2);
			continue;
		}
		if (strcmp(arg, "-l") == 0) {
			if (i + 1 >= argc)
				usage_error("option -l needs a value");
			set_logs(argv[++i]);
			continue;
		}
		/* Tests of the refusal without an entropy source; not in --help (fata/random.h). */
		if (strcmp(arg, "--x-random-without-cpu") == 0) {
			if (fata_random_without_cpu)
				fata_random_without_cpu();
			continue;
		}
		if (strncmp(arg, "--", 2) != 0)
			usage_error("unexpected argument \"%s\"; options look like --KEY=VALUE", arg);
		name = arg + 2;
		eq = strchr(name, '=');
		len = eq ? (size_t)(eq - name) : strlen(name);
		value = eq ? eq + 1 : NULL;
		if (len == 4 && strncmp(name, "logs", 4) == 0) {
			if (!value) {
				if (i + 1 >= argc)
					usage_error("option --logs needs a value");
				value = argv[++i];
			}
			set_logs(value);
			continue;
		}
		k = find_key(u, name, len);
		if (!k)
			unknown_option(u, name, len);
		if (!(k->stage & FATA_STAGE_RUNTIME))
			usage_error("--%s is fixed at configure time (fata configure --%s=VALUE)",
				    k->name, k->name);
		if (!value) {
			if (k->type == FATA_KEY_BOOL)
				value = "true";
			else if (i + 1 < argc)
				value = argv[++i];
			else
				usage_error("option --%s needs a value: %s", k->name,
					    fata_key_type_expect(k->type));
		}
		if (fata_key_value_parse(k->type, value, &k->value) < 0)
			usage_error("--%s=%s: invalid value; expected %s", k->name, value,
				    fata_key_type_expect(k->type));
		k->set_at_runtime = true;
	}
}

int fata_runtime_main(int argc, char **argv)
{
	const struct fata_unikernel *u = &fata_unikernel;
	int status;

	progname = u->name;
	parse_args(u, argc, argv);
	status = u->run();
	if (status < 0 || status > 255)
		status = 255;
	return status;
}
