/*
 * Fuzz harness of the tenders' ELF loader: parses the input as an hvt and as an spt unikernel
 * (header, segments, ABI1 and MFT1 notes, manifest); when it is accepted, checks it against a
 * guest memory size and loads it into a buffer standing for guest memory. Looks a symbol up in
 * every input, accepted or not: tender_elf_symbol() reads any file safely.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../tender/common/elf_load.h"
#include "solo5_abi.h"

#define LOAD_LIMIT (16u << 20)	/* load images whose segments fit in 16 MiB above 1 MiB */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void try(const uint8_t *data, size_t size, uint32_t target, uint32_t version)
{
	struct tender_image img;
	struct tender_err err;
	uint8_t *mem;

	if (tender_elf_parse(data, size, target, version, &img, &err) < 0)
		return;
	if (img.kernel_end - TENDER_MIN_LOAD_ADDR <= LOAD_LIMIT &&
	    tender_image_check_mem(&img, TENDER_MIN_LOAD_ADDR + LOAD_LIMIT + TENDER_STACK_MIN,
				   4096, &err) == 0) {
		mem = malloc(img.kernel_end - TENDER_MIN_LOAD_ADDR);
		if (mem) {
			tender_elf_load(&img, data, (uintptr_t)mem - TENDER_MIN_LOAD_ADDR);
			free(mem);
		}
	}
	(void)tender_image_check_mem(&img, 2u << 20, 2u << 20, &err);
	tender_image_free(&img);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t addr;

	(void)tender_elf_symbol(data, size, "start", &addr);
	try(data, size, SOLO5_ABI_TARGET_HVT, HVT_ABI_VERSION);
	try(data, size, SOLO5_ABI_TARGET_SPT, SPT_ABI_VERSION);
	return 0;
}
