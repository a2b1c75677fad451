/*
 * A unikernel's folder as the fata command sees it: where config.ini is, what a previous
 * `fata configure` saved (fata/configure.args), the command-line options of the commands, and the
 * file operations (atomic writes, removal) the commands share.
 */
#ifndef CLI_PROJECT_H
#define CLI_PROJECT_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "config.h"

#define FATA_VERSION "0.1.0"
#define ERR_MAX 1024

/* --- options ---------------------------------------------------------------------------------- */

struct key_setting {
	const struct config_key *key;
	size_t index;			/* into cfg->keys */
	const char *value;		/* points into argv */
};

struct impl_setting {
	size_t index;			/* into cfg->impl_keys */
	const char *value;		/* one of the key's choices; points into argv or is static */
};

struct options {
	const char *target;		/* -t, --target; NULL when absent */
	const char *file;		/* -f, --file; NULL when absent */
	bool help;			/* -h, --help */
	bool debug;			/* --debug (with OPT_CONFIGURE): a build for debuggers */
	const char *positional;		/* the one positional argument (fata query FILE) */
	bool has_keys;			/* some --KEY given */
	struct key_setting *sets;	/* only when parsed with a config */
	size_t nsets;
	struct impl_setting *impls;	/* implementation keys (--kv_ro=...), with a config */
	size_t nimpls;
};

enum {
	OPT_CONFIGURE = 1 << 0,		/* accepts -t and --KEY[=VALUE] */
	OPT_POSITIONAL = 1 << 1,	/* accepts one positional argument */
	OPT_IMPL_ONLY = 1 << 2,		/* with a config: only implementation keys, others skipped */
};

/*
 * Parses the arguments after the command's name. Without a config, --KEY arguments are only
 * skipped (to find -f and -t first); with one, each must be a key settable at configure time
 * with a valid value, or an implementation key with one of its choices (OPT_IMPL_ONLY: only
 * those are looked at, before config_resolve() adds the generic keys they imply). Returns 0, or -1 with a one-line message "fata: ..." in `err`.
 */
int options_parse(const char *cmd, int argc, char *const *argv, const struct config *cfg,
		  unsigned flags, struct options *o, char *err, size_t errlen);
void options_free(struct options *o);

/* --- the unikernel's folder ------------------------------------------------------------------- */

struct project {
	char *dir;			/* "." or the folder of -f FILE */
	char *config_path;		/* the config file to open */
	char *config_name;		/* its name within dir */
	char **saved;			/* fata/configure.args, NULL when never configured */
	size_t nsaved;
};

/*
 * Finds the unikernel: the folder and config of `file` (-f) if given, else the current folder and
 * the config named by its fata/configure.args, else config.ini. Never fails.
 */
void project_open(const char *file, struct project *pr);
void project_free(struct project *pr);

/* "DIR/NAME" (just NAME when DIR is "."). Free it. */
char *project_path(const struct project *pr, const char *name);

/* --- fata itself ------------------------------------------------------------------------------ */

/* Absolute path of the running fata command. Free it. */
char *fata_self(void);

/*
 * FATA_HOME: the environment's, else the folder above bin/ when it holds mk/unikernel.mk (the
 * source tree), else bin/../lib/fata (an installed tree). Absolute. Free it.
 */
char *fata_home(const char *self);

/* --- files ------------------------------------------------------------------------------------ */

/* Writes `len` bytes to a temporary file beside `path`, then renames it over `path`. */
int write_atomic(const char *path, const char *data, size_t len, char *err, size_t errlen);

/* What is at `path`: a Makefile fata wrote, another file, or nothing. */
enum makefile_state { MAKEFILE_ABSENT, MAKEFILE_OURS, MAKEFILE_FOREIGN };
enum makefile_state makefile_state(const char *path);

/* The EXTRA_FILES of a Makefile fata wrote (each checked with config_file_name_valid()). */
void makefile_extra_files(const char *path, char ***files, size_t *nfiles);

/* Removes a file, or a folder and everything in it, without following symbolic links.
 * Absent is fine. Returns 0 or -1 with a message. */
int remove_path(const char *path, char *err, size_t errlen);

#endif
