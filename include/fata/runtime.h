/*
 * What the generated fata/main.c hands to the runtime: the unikernel's name, its keys and a
 * function that connects its devices and calls its start function.
 */
#ifndef FATA_RUNTIME_H
#define FATA_RUNTIME_H

#include <fata/keys.h>

/* A key that a device class has but this configuration leaves out, and why (for messages). */
struct fata_key_off {
	const char *name;		/* "ipv4" */
	const char *why;		/* "it needs --dhcp=false, and this build has --dhcp=true" */
};

struct fata_unikernel {
	const char *name;
	const char *target;		/* "unix", "hvt" or "spt" */
	struct fata_key *keys;		/* runtime-visible and configure-only keys alike */
	unsigned nkeys;
	int (*run)(void);		/* connects devices, calls start, returns its status */
	const struct fata_key_off *off;	/* keys this configuration leaves out; may be NULL */
	unsigned noff;
};

/* Defined by the generated fata/main.c. */
extern const struct fata_unikernel fata_unikernel;

/* Exit status for a bad command line (as sysexits' EX_USAGE). */
#define FATA_EXIT_USAGE 64

/*
 * Parses the command line against the unikernel's keys and the generic ones (-l/--logs, --help),
 * runs the unikernel in the main fiber and returns its exit status. Called by each platform's
 * entry point (declared for it in platform/platform.h). `argv[0]` is the program name, or NULL
 * on hvt and spt; usage messages name the unikernel (fata_unikernel.name) either way.
 */
int fata_runtime_main(int argc, char **argv);

/* Stops the unikernel at once with `status`. */
_Noreturn void fata_exit(int status);

/* Stops the unikernel after printing "fata: fatal: MESSAGE"; exit status 255. */
_Noreturn void fata_panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
