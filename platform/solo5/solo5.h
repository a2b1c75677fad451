/* What the hvt and spt platforms share: command-line splitting and the manifest. */
#ifndef FATA_PLATFORM_SOLO5_H
#define FATA_PLATFORM_SOLO5_H

#include <stddef.h>
#include <stdint.h>

/* Longest command line a tender passes (with its NUL), and most arguments we split it into. */
#define SOLO5_CMDLINE_SIZE 8192
#define SOLO5_MAX_ARGS 128

int solo5_cmdline_split(char *s, char **argv, int max);

/* Boot steps both platforms take: the stack guard, the heap, then the runtime's main. */
_Noreturn void solo5_boot(uint64_t seed, uint64_t kernel_end, uint64_t mem_size, char *cmdline,
			  const void *mft);

/* The manifest the tender handed over (for device lookups). */
const void *solo5_manifest(void);

struct mft_entry;
int solo5_device_find(const char *name, uint32_t type, const struct mft_entry **entry, char *why,
		      size_t whylen);

/* Block size of each open block handle (the base ABI moves one block per call). */
extern uint32_t solo5_block_size[64];

#endif
