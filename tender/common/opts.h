/*
 * The command line both tenders take:
 *
 *   fata-hvt|fata-spt [--mem=MB] [--block:NAME=PATH] [--block-sector-size:NAME=N]
 *                     [--net:NAME=IFACE|@FD] [--net-mac:NAME=MAC] [-q|--quiet]
 *                     [--no-extensions] [--dumpcore=DIR] [--gdb [--gdb-port=N]]
 *                     [--count-instructions] [--help] [--version] [--] KERNEL [ARGS...]
 */
#ifndef FATA_TENDER_OPTS_H
#define FATA_TENDER_OPTS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "mft_abi.h"
#include "tender.h"

#define TENDER_DEFAULT_MEM_MB 512u
#define TENDER_MAX_MEM_MB 4096u
#define TENDER_MAX_DEVOPTS (4 * MFT_MAX_ENTRIES)
#define TENDER_CMDLINE_MAX 8191u	/* characters, without the NUL */
#define TENDER_DEFAULT_GDB_PORT 1234u	/* Solo5's */

enum tender_devopt_kind {
	TENDER_OPT_BLOCK,	/* --block:NAME=PATH */
	TENDER_OPT_SECTOR,	/* --block-sector-size:NAME=N */
	TENDER_OPT_NET,		/* --net:NAME=IFACE or @FD */
	TENDER_OPT_MAC,		/* --net-mac:NAME=MAC */
};

/* One device option as given; `arg` is the whole argument, for messages. */
struct tender_devopt {
	enum tender_devopt_kind kind;
	uint32_t type;		/* the manifest type of the device it is for: MFT_DEV_* */
	const char *arg;
	char name[MFT_NAME_SIZE];
	const char *value;	/* after the '=', not empty */
	uint64_t number;	/* TENDER_OPT_SECTOR: the size; TENDER_OPT_NET with @FD: the fd */
	bool is_fd;		/* TENDER_OPT_NET: value was @FD */
	uint8_t mac[6];		/* TENDER_OPT_MAC */
};

struct tender_opts {
	uint64_t mem_mb;	/* TENDER_DEFAULT_MEM_MB unless --mem was given */
	bool mem_given;
	bool quiet;
	bool no_extensions;	/* --no-extensions: offer only the base Solo5 ABI */
	const char *dumpcore;	/* --dumpcore=DIR: the directory for guest core files, or NULL */
	bool help;		/* --help was given: print tender_usage() and exit 0 */
	bool version;		/* --version was given */
	bool gdb;		/* --gdb: serve gdb before the guest runs (fata-hvt only) */
	unsigned gdb_port;	/* --gdb-port=N, 1..65535; TENDER_DEFAULT_GDB_PORT */
	bool gdb_port_given;
	bool count_instructions;	/* --count-instructions (fata-hvt only; not with --gdb) */
	const char *kernel;
	int guest_argc;		/* the arguments after KERNEL */
	char **guest_argv;
	unsigned ndev;
	struct tender_devopt dev[TENDER_MAX_DEVOPTS];
};

/*
 * Parses argv[1..argc) (argv[0] is the program). Options come before KERNEL; `--` ends them;
 * everything after KERNEL belongs to the guest. Checks the syntax of every option (names of 1..67
 * letters and digits, numbers, the same option not given twice for a name, --gdb-port only with
 * --gdb, --count-instructions not with --gdb; a device option's value through its kind's module:
 * sector sizes in block.c, @FD and MACs in net.c) but not what the manifest says, nor whether
 * the tender has --gdb or --count-instructions. Stops at --help or --version (setting o->help
 * or o->version). Returns 0, or -1 with a message in `err`. Strings point into argv.
 */
int tender_opts_parse(int argc, char **argv, struct tender_opts *o, struct tender_err *err);

/* Prints the help text for tender_name, whose target is `target` ("hvt" or "spt"). */
void tender_usage(FILE *f, const char *target);

/*
 * Joins the guest arguments into the command line the guest splits again: separated by single
 * spaces; an argument that is empty or contains a space, a tab, '"' or '\' is put in double
 * quotes with '"' and '\' escaped by a backslash. Writes at most `size` bytes including the
 * NUL. Returns 0, or -1 when the line would be longer than TENDER_CMDLINE_MAX characters or
 * `size` - 1.
 */
int tender_cmdline_join(int argc, char *const *argv, char *out, size_t size,
			struct tender_err *err);

/* Parses a decimal number of at most `max` into *out: digits only, no sign, no spaces. 0 or -1. */
int tender_parse_number(const char *s, uint64_t max, uint64_t *out);

#endif
