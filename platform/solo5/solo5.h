/* What the hvt and spt platforms share: command-line splitting and the manifest. */
#ifndef FATA_PLATFORM_SOLO5_H
#define FATA_PLATFORM_SOLO5_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "platform.h"

/* Longest command line a tender passes (with its NUL), and most arguments we split it into. */
#define SOLO5_CMDLINE_SIZE 8192
#define SOLO5_MAX_ARGS 128

int solo5_cmdline_split(char *s, char **argv, int max);

/* Boot steps both platforms take: the stack guard, the heap, then the runtime's main. */
_Noreturn void solo5_boot(uint64_t seed, uint64_t kernel_end, uint64_t mem_size, char *cmdline,
			  const void *mft);

/*
 * Where the guard page below the main stack (the top 256 KiB of guest memory) begins; the heap
 * ends there. 0 when memory is too small for a heap at all.
 */
uint64_t solo5_stack_guard(uint64_t kernel_end, uint64_t mem_size);

/* The manifest the tender handed over (for device lookups). */
const void *solo5_manifest(void);

struct mft_entry;
int solo5_device_find(const char *name, uint32_t type, const struct mft_entry **entry, char *why,
		      size_t whylen);

/* Block size of each open block handle (the base ABI moves one block per call). */
extern uint32_t solo5_block_size[64];

/*
 * The most bytes one block request may move when the tender offers the multi-block extension
 * (HVT_FEATURE_BLOCK_MULTI, SPT_FEATURE_BLOCK_MULTI), else 0; each platform sets it at boot.
 */
extern uint32_t solo5_block_multi_max;

/* Set at boot when the tender offers NET_OFFLOAD: every frame carries a virtio-net header. */
extern bool solo5_net_vnet;
/* Set at boot by a platform whose tender moves several frames per exit (hvt's NET_BATCH):
 * plat_net_open() hands them on in struct plat_net_info. */
extern struct solo5_net_batch {
	unsigned max;
	long (*readv)(int handle, struct plat_net_frame *f, size_t n);
	int (*writev)(int handle, const struct plat_net_frame *f, size_t n);
} solo5_net_batch;

/*
 * How many bytes the next request on `handle` moves, `left` (a multiple of the block size) being
 * still to do: one block in the base ABI, else the largest block_size << j that fits both `left`
 * and solo5_block_multi_max (the sizes spt's sandbox lets through).
 */
size_t solo5_block_chunk(int handle, size_t left);

/*
 * Keeps the `len` bytes of the tender's entropy seed (at most PLAT_RANDOM_HOST_MAX) for
 * plat_random_host() (random_solo5.c); each boot file calls it when the tender offers the
 * extension.
 */
void solo5_random_seed(const void *p, size_t len);

#endif
