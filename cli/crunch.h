/* fata crunch: a folder as C data for a kv_ro device with --kv_ro=crunch (cli/crunch.c). */
#ifndef CLI_CRUNCH_H
#define CLI_CRUNCH_H

/*
 * The command `fata crunch [--name NAME] [--mtime SECONDS] DIR OUT.c`: `argv` holds what follows
 * "crunch". Writes OUT.c atomically, defining `const struct fata_kv_crunch fata_static_NAME`
 * (include/fata/kv.h) from every file and folder under DIR, so that the output depends only on
 * the folder's names, contents and times. Returns the exit status: 0, or 1 after one line on
 * stderr per problem (skipped entries get a line too, but do not fail the command).
 */
int crunch_run(int argc, char **argv);

#endif
