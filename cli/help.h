/* The help of the fata command and of each of its commands (cli/help.c). */
#ifndef CLI_HELP_H
#define CLI_HELP_H

/*
 * Prints the help of command `cmd` (NULL: of fata itself) to stdout. For configure, the help
 * also lists the keys of the config named by `file` (NULL: the one in the current folder).
 * Returns the exit status: 0, or 1 after a message on stderr when `cmd` is no command.
 */
int help_show(const char *cmd, const char *file);

/* The command `fata help [COMMAND] [-f FILE]`: `argv` holds what follows "help". Returns the
 * exit status. */
int help_run(int argc, char **argv);

#endif
