/* fata package: the built unikernel as an OCI image layout for urunc and container engines. */
#ifndef CLI_PACKAGE_H
#define CLI_PACKAGE_H

#include "gen.h"
#include "project.h"

/*
 * Writes dist/NAME-oci/ (and dist/NAME-oci.tar with --tar) for the configured hvt or spt
 * unikernel described by `plan` in the folder of `pr`. `argv` holds what follows "package":
 * --tar and the unikernel's runtime keys (--KEY=VALUE, -l/--logs), which become its command line.
 * Returns the exit status: 0, or 1 after a one-line message on stderr.
 */
int package_run(const struct plan *plan, const struct project *pr, int argc, char **argv);

#endif
