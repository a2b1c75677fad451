/*
 * The ELF loader shared by the tenders: checks a unikernel binary completely before anything of
 * it is used, then copies its segments into guest memory.
 */
#ifndef FATA_TENDER_ELF_LOAD_H
#define FATA_TENDER_ELF_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mft_abi.h"
#include "tender.h"

#define TENDER_MAX_SEGMENTS 16		/* non-empty PT_LOAD segments */
#define TENDER_MIN_LOAD_ADDR 0x100000u	/* HVT_GUEST_MIN_BASE == SPT_GUEST_MIN_BASE */
#define TENDER_MAX_FILE_SIZE (1u << 30)	/* bigger binaries are refused */

/* Segment flags (the ELF p_flags bits). */
#define TENDER_SEG_X 1u
#define TENDER_SEG_W 2u
#define TENDER_SEG_R 4u

struct tender_segment {
	uint64_t vaddr;		/* guest address of the first byte */
	uint64_t filesz;	/* bytes copied from the file ... */
	uint64_t memsz;		/* ... out of these; the rest is zeroed */
	uint64_t offset;	/* where the bytes are in the file */
	uint64_t page_start;	/* vaddr rounded down to a page */
	uint64_t page_end;	/* vaddr + memsz rounded up to a page */
	uint32_t flags;		/* TENDER_SEG_* */
};

/* A checked unikernel binary. */
struct tender_image {
	uint64_t entry;		/* lies in an executable segment */
	uint64_t kernel_end;	/* the highest page_end: the first free address after the image */
	unsigned nseg;
	struct tender_segment seg[TENDER_MAX_SEGMENTS];	/* ascending, not overlapping */
	uint32_t abi_target, abi_version;	/* from the ABI1 note */
	struct mft *mft;	/* from the MFT1 note, checked (tender_mft_check); malloc'ed */
	size_t mft_size;
	bool has_fex;		/* the binary has Fata's FEX1 note (elf_abi.h) ... */
	uint32_t fex_version;	/* ... of this version ... */
	uint32_t fex_features;	/* ... listing these host_features bits; else both 0 */
};

/*
 * Checks the ELF binary file[0..size) and fills *img. Checks, all with overflow-safe
 * arithmetic: the ELF header (magic, 64-bit, little-endian, version, executable, x86_64, header
 * sizes), the program header table within the file, and each non-empty PT_LOAD: its bytes within
 * the file, filesz <= memsz, vaddr >= 0x100000, vaddr + memsz without overflow and below 4 GiB, a
 * power-of-two p_align, page-ascending and not overlapping the previous one, not writable and
 * executable at once; at most TENDER_MAX_SEGMENTS; the entry point in an executable segment.
 * Then the notes: exactly one Solo5 ABI1 note with abi_target == `target` and abi_version ==
 * `version`, exactly one MFT1 note whose manifest passes tender_mft_check(), and at most one
 * Fata FEX1 note of at least FEX1_MIN_SIZE bytes; notes of other owners are skipped. The notes
 * are checked before the ELF type and machine, so an ordinary program is refused as lacking
 * them.
 * Returns 0, or -1 with a one-line message (not naming the file) in `err`; img->mft is only
 * allocated on success.
 */
int tender_elf_parse(const uint8_t *file, size_t size, uint32_t target, uint32_t version,
		     struct tender_image *img, struct tender_err *err);

/*
 * As tender_elf_parse(), but accepts any ABI target and version (img->abi_target, abi_version
 * say which): for tools that describe a binary rather than run it (fata inspect).
 */
int tender_elf_parse_any(const uint8_t *file, size_t size, struct tender_image *img,
			 struct tender_err *err);

/* Frees what tender_elf_parse() allocated. */
void tender_image_free(struct tender_image *img);

/*
 * Checks that every segment of `img` ends within `mem_size` bytes of guest memory, with at least
 * TENDER_STACK_MIN bytes above kernel_end for the stack. On failure the message says which
 * segment and how many MB (`--mem=N`) would do; `mem_align` is the granularity memory is
 * given in (2 MiB for hvt, 1 MiB for spt).
 */
#define TENDER_STACK_MIN 0x10000u
int tender_image_check_mem(const struct tender_image *img, uint64_t mem_size, uint64_t mem_align,
			   struct tender_err *err);

/*
 * Copies each segment of `img` from `file` into guest memory and zeroes its BSS. Guest address
 * `a` is at host address `base + a` (hvt: the mapping of guest RAM; spt: 0). The caller has
 * checked the image against the memory size with tender_image_check_mem().
 */
void tender_elf_load(const struct tender_image *img, const uint8_t *file, uintptr_t base);

/*
 * Looks the symbol `name` up in the ELF symbol table (SHT_SYMTAB) of file[0..size), which need
 * not have passed tender_elf_parse(): every header, offset and size it reads is checked against
 * the file first, and anything inconsistent counts as no table. Undefined, section and file
 * symbols are skipped; a global or weak symbol wins over a local one of the same name. Returns 1
 * with its value in *addr, 0 when the table has no such symbol, -1 when there is no usable symbol
 * table (a stripped binary).
 */
int tender_elf_symbol(const uint8_t *file, size_t size, const char *name, uint64_t *addr);

/*
 * Reads the whole file `path` into a malloc'ed buffer (*buf, *size). Returns 0, or -1 with
 * "PATH: reason" in `err`.
 */
int tender_read_file(const char *path, uint8_t **buf, size_t *size, struct tender_err *err);

/* "hvt", "spt", ... for an ABI target number; "unknown" otherwise. */
const char *tender_abi_target_name(uint32_t target);

#endif
