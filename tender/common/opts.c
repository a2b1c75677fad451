/* The tenders' command line: options, the kernel, and the guest's command line. */
#include <stdbool.h>
#include <string.h>

#include "block.h"
#include "net.h"
#include "opts.h"

/* The device options: the device's manifest type, and the kind's check of the value (or NULL). */
static const struct devopt_syntax {
	const char *prefix;
	enum tender_devopt_kind kind;
	uint32_t type;
	int (*check)(struct tender_devopt *d, struct tender_err *err);
} devopts[] = {
	{ "--block:", TENDER_OPT_BLOCK, MFT_DEV_BLOCK_BASIC, NULL },
	{ "--block-sector-size:", TENDER_OPT_SECTOR, MFT_DEV_BLOCK_BASIC, tender_block_check_sector },
	{ "--net:", TENDER_OPT_NET, MFT_DEV_NET_BASIC, tender_net_check_iface },
	{ "--net-mac:", TENDER_OPT_MAC, MFT_DEV_NET_BASIC, tender_net_check_mac },
};

int tender_parse_number(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (*s == 0)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (max - (uint64_t)(*s - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return 0;
}

static bool valid_name(const char *s, size_t len)
{
	if (len < 1 || len > MFT_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
			return false;
	}
	return true;
}

/* Parses one --block:/--block-sector-size:/--net:/--net-mac: option after its prefix. */
static int parse_devopt(const char *arg, const char *rest, const struct devopt_syntax *syn,
			struct tender_opts *o, struct tender_err *err)
{
	const char *eq = strchr(rest, '=');
	struct tender_devopt *d;

	if (!eq || eq[1] == 0)
		return tender_fail(err, "%s: expected NAME=VALUE after the ':'", arg);
	if (!valid_name(rest, (size_t)(eq - rest)))
		return tender_fail(err, "%s: a device name is 1 to %d letters and digits", arg,
				   MFT_NAME_MAX);
	if (o->ndev == TENDER_MAX_DEVOPTS)
		return tender_fail(err, "%s: too many device options", arg);
	d = &o->dev[o->ndev];
	memset(d, 0, sizeof *d);
	d->kind = syn->kind;
	d->type = syn->type;
	d->arg = arg;
	memcpy(d->name, rest, (size_t)(eq - rest));
	d->value = eq + 1;
	for (unsigned i = 0; i < o->ndev; i++) {
		if (o->dev[i].kind == d->kind && strcmp(o->dev[i].name, d->name) == 0)
			return tender_fail(err, "%s: device '%s' already has this option (%s)", arg,
					   d->name, o->dev[i].arg);
	}
	if (syn->check && syn->check(d, err) < 0)
		return -1;
	o->ndev++;
	return 0;
}

static int parse_option(const char *arg, struct tender_opts *o, struct tender_err *err)
{
	if (strncmp(arg, "--mem=", 6) == 0) {
		if (tender_parse_number(arg + 6, UINT64_MAX, &o->mem_mb) < 0)
			return tender_fail(err, "%s: expected a number of megabytes", arg);
		if (o->mem_mb < 2 || o->mem_mb > TENDER_MAX_MEM_MB)
			return tender_fail(err, "%s: guest memory must be 2 to %u MB", arg,
					   TENDER_MAX_MEM_MB);
		o->mem_given = true;
		return 0;
	}
	if (strcmp(arg, "-q") == 0 || strcmp(arg, "--quiet") == 0) {
		o->quiet = true;
		return 0;
	}
	if (strcmp(arg, "--no-extensions") == 0) {
		o->no_extensions = true;
		return 0;
	}
	if (strncmp(arg, "--dumpcore=", 11) == 0) {
		if (arg[11] == 0)
			return tender_fail(err, "%s: expected a directory", arg);
		o->dumpcore = arg + 11;
		return 0;
	}
	if (strcmp(arg, "--gdb") == 0) {
		o->gdb = true;
		return 0;
	}
	if (strcmp(arg, "--count-instructions") == 0) {
		o->count_instructions = true;
		return 0;
	}
	if (strncmp(arg, "--gdb-port=", 11) == 0) {
		uint64_t port;

		if (tender_parse_number(arg + 11, UINT64_MAX, &port) < 0 || port < 1 || port > 65535)
			return tender_fail(err, "%s: expected a TCP port from 1 to 65535", arg);
		o->gdb_port = (unsigned)port;
		o->gdb_port_given = true;
		return 0;
	}
	for (size_t i = 0; i < sizeof devopts / sizeof devopts[0]; i++) {
		size_t n = strlen(devopts[i].prefix);

		if (strncmp(arg, devopts[i].prefix, n) == 0)
			return parse_devopt(arg, arg + n, &devopts[i], o, err);
	}
	return tender_fail(err, "unknown option '%s' (see --help)", arg);
}

int tender_opts_parse(int argc, char **argv, struct tender_opts *o, struct tender_err *err)
{
	int i;

	memset(o, 0, sizeof *o);
	o->mem_mb = TENDER_DEFAULT_MEM_MB;
	o->gdb_port = TENDER_DEFAULT_GDB_PORT;
	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (strcmp(arg, "--") == 0) {
			i++;
			break;
		}
		if (arg[0] != '-' || arg[1] == 0)
			break;	/* the kernel ("-" alone is a file name too) */
		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			o->help = true;
			return 0;
		}
		if (strcmp(arg, "--version") == 0) {
			o->version = true;
			return 0;
		}
		if (parse_option(arg, o, err) < 0)
			return -1;
	}
	if (o->gdb_port_given && !o->gdb)
		return tender_fail(err, "--gdb-port=%u: only with --gdb", o->gdb_port);
	if (o->gdb && o->count_instructions)
		return tender_fail(err, "--count-instructions and --gdb exclude each other: both "
				   "drive the guest's debugging; give one of them");
	if (i >= argc)
		return tender_fail(err, "missing KERNEL: the unikernel to run (see --help)");
	o->kernel = argv[i];
	o->guest_argc = argc - i - 1;
	o->guest_argv = argv + i + 1;
	return 0;
}

void tender_usage(FILE *f, const char *target)
{
	fprintf(f,
		"usage: %s [OPTIONS] [--] KERNEL [ARGS...]\n"
		"Runs the %s unikernel KERNEL; ARGS become its command line.\n"
		"\n"
		"Options:\n"
		"  --mem=MB                     guest memory in megabytes (default %u%s)\n"
		"  --block:NAME=PATH            attach file PATH as block device NAME\n"
		"  --block-sector-size:NAME=N   sector size of block device NAME: a power of two\n"
		"                               from %u to %u (default %u)\n"
		"  --net:NAME=IFACE             attach the existing tap interface IFACE as network\n"
		"                               device NAME\n"
		"  --net:NAME=@FD               attach the tap device open on descriptor FD\n"
		"  --net-mac:NAME=MAC           MAC address of network device NAME (default: random,\n"
		"                               locally administered)\n"
		"  -q, --quiet                  print neither the banner nor the memory map\n"
		"  --no-extensions              offer none of Fata's ABI extensions (multi-block\n"
		"                               I/O, entropy seed; spt: guard pages), as a stock\n"
		"                               Solo5 tender would not\n"
		"  --dumpcore=DIR               when the guest faults or aborts, write an ELF core\n"
		"                               file of it into the existing directory DIR\n"
		"%s"
		"  --help                       print this help and exit\n"
		"  --version                    print the version and exit\n"
		"\n"
		"Every device the unikernel declares must be attached. The banner and the memory map\n"
		"go to standard error; the guest's console output goes to standard output.\n"
		"\n"
		"Exit status: the guest's own (modulo 256; without -q the tender also prints \"guest\n"
		"exited with status N\"), 1 when the tender refuses its input or setup, and 1 when\n"
		"the guest breaks the ABI; a guest killed by a signal ends the tender by the same\n"
		"signal (status 128+N in a shell).\n",
		tender_name, target, TENDER_DEFAULT_MEM_MB,
		strcmp(target, "hvt") == 0 ? ", rounded down to a multiple of 2" : "",
		TENDER_MIN_SECTOR, TENDER_MAX_SECTOR, TENDER_MIN_SECTOR,
		strcmp(target, "hvt") != 0 ? "" :
		"  --gdb                        before the guest's first instruction, wait for gdb on\n"
		"                               127.0.0.1 (gdb -ex 'target remote :1234' KERNEL)\n"
		"  --gdb-port=N                 the TCP port for --gdb (default 1234)\n"
		"  --count-instructions         single-step the guest (slow) and, when it ends, print\n"
		"                               on stderr how many instructions it executed, its\n"
		"                               hypercalls, and how many instructions came before\n"
		"                               its application's entry (start or solo5_app_main)\n");
}

static bool needs_quotes(const char *s)
{
	return *s == 0 || strpbrk(s, " \t\"\\") != NULL;
}

int tender_cmdline_join(int argc, char *const *argv, char *out, size_t size,
			struct tender_err *err)
{
	size_t limit = size - 1 < TENDER_CMDLINE_MAX ? size - 1 : TENDER_CMDLINE_MAX;
	size_t n = 0;

	/* Counts first, so the message can say how long the line would be. */
	for (int pass = 0; pass < 2; pass++) {
		n = 0;
		for (int i = 0; i < argc; i++) {
			const char *s = argv[i];
			bool q = needs_quotes(s);

#define PUT(c) do { if (pass) out[n] = (c); n++; } while (0)
			if (i > 0)
				PUT(' ');
			if (q)
				PUT('"');
			for (; *s; s++) {
				if (q && (*s == '"' || *s == '\\'))
					PUT('\\');
				PUT(*s);
			}
			if (q)
				PUT('"');
#undef PUT
		}
		if (pass == 0 && n > limit)
			return tender_fail(err, "the guest's command line would be %zu characters "
					   "long; at most %zu fit", n, limit);
	}
	out[n] = 0;
	return 0;
}
