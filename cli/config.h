/*
 * config.ini: the declarative description of a unikernel (docs/architecture.md). The parser
 * reads it with libinih through a line-counting reader and checks everything it can without
 * knowing the target, so that every error names the file and line and says what was expected.
 */
#ifndef CLI_CONFIG_H
#define CLI_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include <fata/keys.h>

#include "devices.h"

/* A class-specific field of a device (block: file = disk.img). */
struct config_param {
	char *name;
	char *value;
	int line;
};

struct config_device {
	char *name;			/* a C identifier, the start function's parameter name */
	const struct device_class *cls;
	int line;			/* of the [device NAME] line */
	struct config_param *params;	/* the class's fields given, in the file's order */
	size_t nparams;
	const struct device_impl *impl;	/* set by config_resolve() */
};

struct config_key {
	char *name;			/* as on the command line: "ipv4-gateway" */
	char *c_name;			/* in C names: "ipv4_gateway" */
	enum fata_key_type type;
	char *default_text;		/* checked against the type */
	char *doc;			/* "" when absent */
	enum fata_key_stage stage;
	int line;			/* of the [key NAME] line; of the device's for a generic key */
	bool generic;			/* added by a device class (config_resolve()), not config.ini */
};

struct config_file {
	char *name;			/* relative path that make creates and fata clean removes */
	char *command;			/* shell command, as written */
	int line;
};

struct config {
	char *path;			/* as given: how messages name the file */
	char *name;
	char *start;			/* default "start" */
	char **sources;			/* default { "unikernel.c" } */
	size_t nsources;
	char *cflags;			/* "" when absent */
	struct config_device *devices;	/* in declaration order: the start function's order */
	size_t ndevices;
	struct config_key *keys;
	size_t nkeys;
	struct config_file *files;
	size_t nfiles;
	/* The implementation keys of the devices' classes (each once), and after config_resolve()
	 * the value chosen for each (configure-time or the target's default). */
	const struct impl_key **impl_keys;
	size_t nimpl_keys;
	const char **impl_values;
	size_t nuser_keys;		/* keys from config.ini; generic ones follow them */
};

/* Longest config.ini the parser reads, in bytes. */
#define CONFIG_MAX_SIZE (1024 * 1024)

/*
 * Reads and checks the file at `path`. Returns 0 and fills `cfg` (free it with config_free()), or
 * -1 with one line "PATH:LINE: what was wrong; expected what" (no newline) in `err` and `cfg`
 * empty. `err` should hold at least 512 bytes.
 */
int config_load(const char *path, struct config *cfg, char *err, size_t errlen);

/* As config_load() on `len` bytes of text; `path` only names the text in messages. */
int config_parse(const char *path, const char *text, size_t len, struct config *cfg, char *err,
		 size_t errlen);

void config_free(struct config *cfg);

/*
 * Chooses each device's implementation for `target` from `values` (per cfg->impl_keys: the
 * configure-time value, or NULL for the default; values must outlive cfg), checks that each is
 * available on the target and that manifest names are usable, and appends the generic runtime
 * keys the implementations need to cfg->keys. Returns 0, or -1 with a one-line message.
 */
int config_resolve(struct config *cfg, unsigned target, const char *const *values, char *err,
		   size_t errlen);

/* The implementation key named `name` among cfg->impl_keys: its index, or -1. */
int config_find_impl_key(const struct config *cfg, const char *name);

/* The value of the class field `name` of device `d` (its default when not given), or NULL. */
const char *config_device_field(const struct config_device *d, const char *name);

/* The key named `name` (command-line form), or NULL. */
const struct config_key *config_find_key(const struct config *cfg, const char *name);

/*
 * Whether `name` is a generic key of one of cfg's devices that this resolved configuration
 * leaves out (e.g. ipv4 with --dhcp=true): 1 with `why` set to "it needs --dhcp=false, and this
 * configuration has --dhcp=true", else 0.
 */
int config_key_off(const struct config *cfg, unsigned target, const char *name, char *why,
		   size_t whylen);

/* The nearest name for a misspelt key `name` among cfg's keys, implementation keys and `extra`
 * (NULL-terminated, may be NULL), or NULL when none is near. */
const char *config_key_suggest(const struct config *cfg, const char *name,
			       const char *const *extra);

/* "configure", "runtime" or "both". */
const char *config_stage_name(enum fata_key_stage stage);

/*
 * Checks a path that fata clean may remove ([file NAME], or a name read back from a generated
 * Makefile): relative, made of [A-Za-z0-9._+-/], without empty, "." or ".." components.
 */
bool config_file_name_valid(const char *name);

/* A Solo5 manifest entry name: 1 to MFT_NAME_MAX (abi/mft_abi.h) letters and digits. */
bool mft_name_valid(const char *name);

#endif
