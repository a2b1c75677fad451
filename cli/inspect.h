/* fata inspect: what a unikernel binary declares (Solo5 ABI, manifest, Fata extensions). */
#ifndef CLI_INSPECT_H
#define CLI_INSPECT_H

#include <stdbool.h>

/*
 * Reads the unikernel binary at `path`, checks it with the tenders' ELF and manifest checks
 * (any ABI target and version), and prints its target, ABI version, devices and Fata
 * extensions on stdout, as text or, with `json`, as one JSON object. On a file that is missing,
 * unreadable, not ELF, not a Solo5 unikernel or damaged, prints one line "fata: PATH: why" on
 * stderr and prints nothing on stdout. Returns the exit status: 0 or 1.
 */
int inspect_file(const char *path, bool json);

#endif
