/*
 * What both tenders do before they set anything up: read the options (--help and --version end
 * the process here), check the binary (ELF, notes, segments against guest memory), join the
 * guest's command line and open the devices. Any bad input ends the process with one line.
 */
#ifndef FATA_TENDER_START_H
#define FATA_TENDER_START_H

#include <stdint.h>

#include "devices.h"
#include "elf_load.h"
#include "opts.h"

#define TENDER_CMDLINE_SIZE 8192u	/* HVT_CMDLINE_SIZE and SPT_CMDLINE_SIZE */

struct tender_start {
	struct tender_opts opts;
	struct tender_image img;
	uint8_t *file;			/* the binary's bytes, for loading; free() them after */
	size_t size;
	uint64_t mem_size;		/* --mem, in bytes, rounded down to the target's pages */
	char cmdline[TENDER_CMDLINE_SIZE];	/* the guest's arguments, joined */
	struct tender_devices devs;	/* opened; block_max 0 with --no-extensions */
};

/*
 * Sets tender_name to "fata-TARGET" and fills `s` from the command line for a Solo5 binary of
 * `abi_target` and `abi_version`; guest memory comes in pages of `mem_page` bytes.
 */
void tender_start(int argc, char **argv, const char *target, uint32_t abi_target,
		  uint32_t abi_version, uint64_t mem_page, struct tender_start *s);

#endif
