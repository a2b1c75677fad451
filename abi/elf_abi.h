/*
 * The ELF side of the Solo5 ABI: the notes that identify a unikernel binary and its target.
 *
 * Shared by guest code (freestanding) and the tenders (host), so it uses only fixed-width types
 * and asserts every layout that crosses the boundary. The names follow Solo5's, because they are
 * the vocabulary of the contract (see docs/solo5-abi.md).
 */
#ifndef FATA_ABI_ELF_H
#define FATA_ABI_ELF_H

#include <stddef.h>
#include <stdint.h>

/*
 * Every Solo5-owned note has the owner name "Solo5" (n_namesz 6, counting the NUL), padded to
 * 8 bytes. A binary carries each of its notes in a PT_NOTE segment of its own.
 */
#define SOLO5_NOTE_NAME "Solo5"
#define SOLO5_NOTE_NAMESZ 6u

/* The note header as it appears in the file, owner name included: 20 bytes. */
struct solo5_nhdr {
	uint32_t n_namesz;	/* SOLO5_NOTE_NAMESZ */
	uint32_t n_descsz;	/* bytes of descriptor that follow, including internal padding */
	uint32_t n_type;	/* ABI1_NOTE_TYPE or MFT1_NOTE_TYPE */
	char n_name[8];		/* "Solo5\0" and two bytes of padding */
};
_Static_assert(sizeof(struct solo5_nhdr) == 20, "solo5_nhdr is 20 bytes");
_Static_assert(offsetof(struct solo5_nhdr, n_name) == 12, "solo5_nhdr.n_name at 12");

/* Note types: the four ASCII characters, little-endian. */
#define ABI1_NOTE_TYPE 0x31494241u	/* "ABI1" */
#define MFT1_NOTE_TYPE 0x3154464du	/* "MFT1" (the manifest, see mft_abi.h) */

/* ABI targets (abi1_info.abi_target). Fata implements hvt and spt. */
#define SOLO5_ABI_TARGET_HVT 1u
#define SOLO5_ABI_TARGET_SPT 2u
#define SOLO5_ABI_TARGET_VIRTIO 3u
#define SOLO5_ABI_TARGET_MUEN 4u
#define SOLO5_ABI_TARGET_GENODE 5u
#define SOLO5_ABI_TARGET_XEN 6u

/* Descriptor of the ABI1 note: which target and which version of its ABI the binary needs. */
struct abi1_info {
	uint32_t abi_target;	/* SOLO5_ABI_TARGET_* */
	uint32_t abi_version;	/* HVT_ABI_VERSION or SPT_ABI_VERSION */
	uint32_t reserved0;	/* zero */
	uint32_t reserved1;	/* zero */
};
_Static_assert(sizeof(struct abi1_info) == 16, "abi1_info is 16 bytes");

/* The whole ABI1 note: the descriptor follows the header with no padding (n_descsz 16). */
struct abi1_note {
	struct solo5_nhdr h;
	struct abi1_info i;
};
_Static_assert(offsetof(struct abi1_note, i) == 20, "abi1_note.i at 20");
_Static_assert(sizeof(struct abi1_note) == 36, "abi1_note is 36 bytes");

/*
 * Declares the ABI1 note of a guest binary, e.g. ABI1_NOTE_DECLARE(SOLO5_ABI_TARGET_HVT,
 * HVT_ABI_VERSION). The linker script must give the section .note.solo5.abi a PT_NOTE of its own.
 */
#define ABI1_NOTE_DECLARE(target, version) \
	const struct abi1_note fata_abi1_note \
	__attribute__((section(".note.solo5.abi"), aligned(4), used)) = { \
		.h = { .n_namesz = SOLO5_NOTE_NAMESZ, .n_descsz = sizeof(struct abi1_info), \
		       .n_type = ABI1_NOTE_TYPE, .n_name = SOLO5_NOTE_NAME }, \
		.i = { .abi_target = (target), .abi_version = (version) }, \
	}

/*
 * Fata's own note (a Fata extension, not part of Solo5's ABI): owner "Fata", type FEX1. It lists
 * the feature bits of the boot info's host_features (HVT_FEATURE_*, SPT_FEATURE_*) that the guest
 * uses when a tender offers them, so that `fata inspect` can say which extensions a binary
 * understands without running it. Tenders do not need it: a guest still reads host_features at
 * boot. It sits in a PT_NOTE of its own, because Solo5's loader reads only the first note of each
 * PT_NOTE segment and skips one whose owner is not "Solo5"; a stock Solo5 tender ignores it.
 */
#define FATA_NOTE_NAME "Fata"
#define FATA_NOTE_NAMESZ 5u		/* padded to 8 bytes in the file, like "Solo5" */
#define FEX1_NOTE_TYPE 0x31584546u	/* "FEX1" */
#define FEX1_VERSION 1u

/*
 * Descriptor of the FEX1 note. Later versions may only append fields, so a reader needs at least
 * the first 8 bytes (FEX1_MIN_SIZE) and takes `features` from them whatever the version.
 */
struct fex1_info {
	uint32_t version;	/* FEX1_VERSION */
	uint32_t features;	/* the host_features bits this guest uses when offered */
	uint32_t reserved0;	/* zero */
	uint32_t reserved1;	/* zero */
};
_Static_assert(sizeof(struct fex1_info) == 16, "fex1_info is 16 bytes");
#define FEX1_MIN_SIZE 8u

/* The whole FEX1 note: header with the owner name padded to 8 bytes, then the descriptor. */
struct fex1_note {
	uint32_t n_namesz;	/* FATA_NOTE_NAMESZ */
	uint32_t n_descsz;	/* sizeof(struct fex1_info) */
	uint32_t n_type;	/* FEX1_NOTE_TYPE */
	char n_name[8];		/* "Fata\0" and three bytes of padding */
	struct fex1_info i;
};
_Static_assert(offsetof(struct fex1_note, i) == 20, "fex1_note.i at 20");
_Static_assert(sizeof(struct fex1_note) == 36, "fex1_note is 36 bytes");

/*
 * Declares the FEX1 note of a guest binary, e.g. FEX1_NOTE_DECLARE(HVT_FEATURE_BLOCK_MULTI).
 * A platform that learns to use a new feature bit adds it here. The linker script must give the
 * section .note.fata.ext a PT_NOTE of its own.
 */
#define FEX1_NOTE_DECLARE(feature_bits) \
	const struct fex1_note fata_fex1_note \
	__attribute__((section(".note.fata.ext"), aligned(4), used)) = { \
		.n_namesz = FATA_NOTE_NAMESZ, .n_descsz = sizeof(struct fex1_info), \
		.n_type = FEX1_NOTE_TYPE, .n_name = FATA_NOTE_NAME, \
		.i = { .version = FEX1_VERSION, .features = (feature_bits) }, \
	}

/*
 * Solo5 binaries carry a PT_INTERP naming a path that does not exist, so that the host kernel
 * refuses to run them as ordinary programs. The trailing slash keeps it failing even if someone
 * creates a file of that name.
 */
#define SOLO5_ELF_INTERP "/nonexistent/solo5/"

#endif
