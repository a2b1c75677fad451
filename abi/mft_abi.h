/*
 * The Solo5 application manifest (the MFT1 note): the devices a unikernel declares, by name.
 *
 * Shared by guest code (freestanding) and the tenders (host). A device's handle is its index in
 * the manifest. The tender copies the manifest into guest memory at boot with the device
 * properties (capacity, block size, MAC, MTU) filled in; the guest finds its devices there.
 */
#ifndef FATA_ABI_MFT_H
#define FATA_ABI_MFT_H

#include <stddef.h>
#include <stdint.h>

#include "elf_abi.h"

#define MFT_VERSION 1u

/* Entry types (mft_entry.type). */
#define MFT_DEV_BLOCK_BASIC 1u
#define MFT_DEV_NET_BASIC 2u
#define MFT_RESERVED_FIRST (1u << 30)	/* entry 0, with an empty name; not a device */

#define MFT_NAME_SIZE 68	/* bytes of mft_entry.name, including the NUL */
#define MFT_NAME_MAX 67		/* characters of a name: 1..67, [A-Za-z0-9] */
#define MFT_MAX_ENTRIES 64	/* entries, including entry 0; a handle set is a 64-bit bitmap */

/* MFT_DEV_BLOCK_BASIC properties, filled in by the tender. */
struct mft_block_basic {
	uint64_t capacity;	/* bytes */
	uint16_t block_size;	/* bytes; a power of two from 512 */
};
_Static_assert(sizeof(struct mft_block_basic) == 16, "mft_block_basic is 16 bytes");

/* MFT_DEV_NET_BASIC properties, filled in by the tender. */
struct mft_net_basic {
	uint8_t mac[6];
	uint16_t mtu;		/* a frame is at most mtu + 14 bytes */
};
_Static_assert(sizeof(struct mft_net_basic) == 8, "mft_net_basic is 8 bytes");

/*
 * One manifest entry: 104 bytes. In the binary, everything after `type` is zero; the tender
 * rejects a binary where it is not. Solo5 declares `attached` as a C bool; it is a uint8_t here
 * (same size and values) so that reading an untrusted byte can never be undefined behaviour.
 */
struct mft_entry {
	char name[MFT_NAME_SIZE];
	uint32_t type;		/* MFT_DEV_* or MFT_RESERVED_FIRST */
	union {
		struct mft_block_basic block_basic;
		struct mft_net_basic net_basic;
	} u;
	union {
		int32_t hostfd;	/* spt: the host descriptor backing the device */
		uint64_t data;	/* (a host pointer in Solo5; unused by Fata) */
	} b;
	uint8_t attached;	/* 1 in the tender's copy when the device is attached */
};
_Static_assert(sizeof(struct mft_entry) == 104, "mft_entry is 104 bytes");
_Static_assert(offsetof(struct mft_entry, name) == 0, "mft_entry.name at 0");
_Static_assert(offsetof(struct mft_entry, type) == 68, "mft_entry.type at 68");
_Static_assert(offsetof(struct mft_entry, u) == 72, "mft_entry.u at 72");
_Static_assert(offsetof(struct mft_entry, u.block_basic.capacity) == 72, "capacity at 72");
_Static_assert(offsetof(struct mft_entry, u.block_basic.block_size) == 80, "block_size at 80");
_Static_assert(offsetof(struct mft_entry, u.net_basic.mac) == 72, "mac at 72");
_Static_assert(offsetof(struct mft_entry, u.net_basic.mtu) == 78, "mtu at 78");
_Static_assert(offsetof(struct mft_entry, b) == 88, "mft_entry.b at 88");
_Static_assert(offsetof(struct mft_entry, attached) == 96, "mft_entry.attached at 96");
_Static_assert(MFT_MAX_ENTRIES <= 64, "handles must fit a 64-bit set");

/*
 * The manifest. Code that reads one uses e[] as a flexible array of `entries` elements; code
 * that declares one defines MFT_ENTRIES (the number of entries, 1..64) before including this
 * header, which gives e[] that fixed size.
 */
#ifdef MFT_ENTRIES
_Static_assert(MFT_ENTRIES >= 1 && MFT_ENTRIES <= MFT_MAX_ENTRIES, "MFT_ENTRIES out of range");
#define MFT_ENTRIES_DIM_ MFT_ENTRIES
#else
#define MFT_ENTRIES_DIM_
#endif

struct mft {
	uint32_t version;	/* MFT_VERSION */
	uint32_t entries;	/* 1..MFT_MAX_ENTRIES; e[0] is the MFT_RESERVED_FIRST entry */
	struct mft_entry e[MFT_ENTRIES_DIM_];
};
_Static_assert(offsetof(struct mft, e) == 8, "mft.e at 8");

/* Bytes of a manifest of `n` entries (what the tender checks the note's size against). */
#define MFT_SIZE(n) (8u + (uint32_t)(n) * 104u)

/*
 * The MFT1 note: the header (20 bytes), 4 bytes of padding so that the manifest is 8-aligned,
 * then the manifest. n_descsz counts the padding: n_descsz = 4 + MFT_SIZE(entries).
 */
#define MFT1_NOTE_ALIGN 8u
#define MFT1_NOTE_PAD 4u

struct mft1_note {
	struct solo5_nhdr h;
	uint32_t pad;
	struct mft m;
};
_Static_assert(offsetof(struct mft1_note, m) == 24, "mft1_note.m at 24");
_Static_assert(offsetof(struct mft1_note, m) == sizeof(struct solo5_nhdr) + MFT1_NOTE_PAD,
	       "MFT1_NOTE_PAD matches the layout");

/*
 * Declares the manifest note of a guest binary (with MFT_ENTRIES defined):
 *
 *     #define MFT_ENTRIES 2
 *     #include "mft_abi.h"
 *     MFT1_NOTE_DECLARE_BEGIN
 *         { .name = "", .type = MFT_RESERVED_FIRST },
 *         { .name = "storage", .type = MFT_DEV_BLOCK_BASIC },
 *     MFT1_NOTE_DECLARE_END
 *
 * The linker script must give the section .note.solo5.manifest a PT_NOTE of its own.
 */
#define MFT1_NOTE_DECLARE_BEGIN \
	const struct mft1_note fata_mft1_note \
	__attribute__((section(".note.solo5.manifest"), aligned(8), used)) = { \
		.h = { .n_namesz = SOLO5_NOTE_NAMESZ, \
		       .n_descsz = sizeof(struct mft1_note) - sizeof(struct solo5_nhdr), \
		       .n_type = MFT1_NOTE_TYPE, .n_name = SOLO5_NOTE_NAME }, \
		.m = { .version = MFT_VERSION, .entries = MFT_ENTRIES, .e = {
#define MFT1_NOTE_DECLARE_END } } };

#endif
