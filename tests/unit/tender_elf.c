/*
 * Unit tests of the tenders' ELF loader and manifest checks (tender/common/elf_load.c, mft.c):
 * a valid image built in memory is accepted and loaded; each way of breaking it is refused with
 * the right message; every truncation is refused without reading out of bounds (run under ASan).
 */
#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "../../tender/common/elf_load.h"
#include "../../tender/common/mft.h"
#include "solo5_abi.h"
#include "tap.h"

/* Layout of the test image. */
#define PHDR_OFF 0x40
#define ABI_OFF 0x200
#define MFT_OFF 0x240
#define FEX_OFF 0x3a0
#define TEXT_OFF 0x1000
#define DATA_OFF 0x1020
#define IMAGE_SIZE 0x1030
#define NENT 3

enum { PH_TEXT, PH_DATA, PH_ABI, PH_MFT, PH_FEX, NPH };

static uint8_t img[IMAGE_SIZE];

static Elf64_Ehdr *eh(void)
{
	return (Elf64_Ehdr *)img;
}

static Elf64_Phdr *ph(int i)
{
	return (Elf64_Phdr *)(img + PHDR_OFF) + i;
}

static struct abi1_note *abi(void)
{
	return (struct abi1_note *)(img + ABI_OFF);
}

static struct mft *mft(void)
{
	return (struct mft *)(img + MFT_OFF + 24);
}

static struct fex1_note *fex(void)
{
	return (struct fex1_note *)(img + FEX_OFF);
}

static void note_hdr(struct solo5_nhdr *h, uint32_t type, uint32_t descsz)
{
	h->n_namesz = SOLO5_NOTE_NAMESZ;
	h->n_descsz = descsz;
	h->n_type = type;
	memcpy(h->n_name, "Solo5\0\0", 8);
}

/*
 * A valid spt image: text at 0x100000, data + BSS at 0x102000, the two Solo5 notes, and Fata's
 * FEX1 note whose PT_NOTE is left PT_NULL (absent) until a test turns it into a PT_NOTE.
 */
static void build(void)
{
	memset(img, 0, sizeof img);
	memcpy(eh()->e_ident, ELFMAG, SELFMAG);
	eh()->e_ident[EI_CLASS] = ELFCLASS64;
	eh()->e_ident[EI_DATA] = ELFDATA2LSB;
	eh()->e_ident[EI_VERSION] = EV_CURRENT;
	eh()->e_type = ET_EXEC;
	eh()->e_machine = EM_X86_64;
	eh()->e_version = EV_CURRENT;
	eh()->e_entry = 0x100008;
	eh()->e_phoff = PHDR_OFF;
	eh()->e_ehsize = sizeof(Elf64_Ehdr);
	eh()->e_phentsize = sizeof(Elf64_Phdr);
	eh()->e_phnum = NPH;

	*ph(PH_TEXT) = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_X,
		.p_offset = TEXT_OFF, .p_vaddr = 0x100000, .p_paddr = 0x100000,
		.p_filesz = 0x20, .p_memsz = 0x20, .p_align = 0x1000 };
	*ph(PH_DATA) = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_W,
		.p_offset = DATA_OFF, .p_vaddr = 0x102000, .p_paddr = 0x102000,
		.p_filesz = 0x10, .p_memsz = 0x3000, .p_align = 0x1000 };
	*ph(PH_ABI) = (Elf64_Phdr){ .p_type = PT_NOTE, .p_flags = PF_R, .p_offset = ABI_OFF,
		.p_filesz = sizeof(struct abi1_note), .p_align = 4 };
	*ph(PH_MFT) = (Elf64_Phdr){ .p_type = PT_NOTE, .p_flags = PF_R, .p_offset = MFT_OFF,
		.p_filesz = 24 + MFT_SIZE(NENT), .p_align = 8 };

	*ph(PH_FEX) = (Elf64_Phdr){ .p_type = PT_NULL, .p_flags = PF_R, .p_offset = FEX_OFF,
		.p_filesz = sizeof(struct fex1_note), .p_align = 4 };

	note_hdr(&abi()->h, ABI1_NOTE_TYPE, sizeof(struct abi1_info));
	abi()->i.abi_target = SOLO5_ABI_TARGET_SPT;
	abi()->i.abi_version = SPT_ABI_VERSION;

	note_hdr((struct solo5_nhdr *)(img + MFT_OFF), MFT1_NOTE_TYPE, 4 + MFT_SIZE(NENT));
	mft()->version = MFT_VERSION;
	mft()->entries = NENT;
	mft()->e[0].type = MFT_RESERVED_FIRST;
	strcpy(mft()->e[1].name, "storage");
	mft()->e[1].type = MFT_DEV_BLOCK_BASIC;
	strcpy(mft()->e[2].name, "service0");
	mft()->e[2].type = MFT_DEV_NET_BASIC;

	fex()->n_namesz = FATA_NOTE_NAMESZ;
	fex()->n_descsz = sizeof(struct fex1_info);
	fex()->n_type = FEX1_NOTE_TYPE;
	memcpy(fex()->n_name, "Fata\0\0\0", 8);
	fex()->i.version = FEX1_VERSION;
	fex()->i.features = SPT_FEATURE_BLOCK_MULTI;

	for (int i = 0; i < 0x20; i++)
		img[TEXT_OFF + i] = (uint8_t)(0x90 + i);
	for (int i = 0; i < 0x10; i++)
		img[DATA_OFF + i] = (uint8_t)(0x40 + i);
}

static struct tender_err err;

/* Parses the first `size` bytes of the image from a buffer of exactly that size (for ASan). */
static int parse_size(size_t size)
{
	struct tender_image im;
	uint8_t *copy = malloc(size ? size : 1);
	int rc;

	memcpy(copy, img, size);
	rc = tender_elf_parse(copy, size, SOLO5_ABI_TARGET_SPT, SPT_ABI_VERSION, &im, &err);
	if (rc == 0)
		tender_image_free(&im);
	free(copy);
	return rc;
}

/* Expects the current image to be refused with a message containing `want`. */
static void refused(const char *want, const char *what)
{
	int rc = parse_size(sizeof img);

	if (!ok(rc < 0 && strstr(err.msg, want), "refused: %s", what))
		printf("#   rc %d, message '%s', expected '%s'\n", rc, rc < 0 ? err.msg : "",
		       want);
	build();
}

static void test_valid(void)
{
	struct tender_image im;
	uint8_t *mem;
	int rc;

	build();
	rc = tender_elf_parse(img, sizeof img, SOLO5_ABI_TARGET_SPT, SPT_ABI_VERSION, &im, &err);
	if (!ok(rc == 0, "a valid image is accepted")) {
		printf("#   %s\n", err.msg);
		return;
	}
	is_int(im.entry, 0x100008, "entry point");
	is_int(im.nseg, 2, "two loadable segments");
	is_int(im.seg[1].page_start, 0x102000, "data starts at its page");
	is_int(im.seg[1].page_end, 0x105000, "data + BSS ends at a page boundary");
	is_int(im.kernel_end, 0x105000, "kernel_end is the page-rounded end of the image");
	is_int(im.seg[0].flags, TENDER_SEG_R | TENDER_SEG_X, "text flags");
	is_int(im.abi_target, SOLO5_ABI_TARGET_SPT, "ABI target");
	ok(!im.has_fex && im.fex_features == 0, "no FEX1 note: not a Fata binary");
	is_int(im.mft_size, MFT_SIZE(NENT), "manifest size");
	is_int(im.mft->entries, NENT, "manifest entries");
	is_str(im.mft->e[2].name, "service0", "manifest names");
	is_int(tender_mft_find(im.mft, "storage"), 1, "find: storage is handle 1");
	is_int(tender_mft_find(im.mft, "service0"), 2, "find: service0 is handle 2");
	is_int(tender_mft_find(im.mft, "nothing"), -1, "find: an undeclared name");
	is_int(tender_mft_find(im.mft, ""), -1, "find: the empty name is not a device");

	ok(tender_image_check_mem(&im, 2 << 20, 2 << 20, &err) == 0, "fits in 2 MB");
	ok(tender_image_check_mem(&im, 0x104000, 1 << 20, &err) < 0 &&
	   strstr(err.msg, "segment at 0x102000..0x105000 ends past the end of guest memory") &&
	   strstr(err.msg, "needs --mem=2 or more"), "a segment past the end of memory");
	ok(tender_image_check_mem(&im, 0x108000, 1 << 20, &err) < 0 &&
	   strstr(err.msg, "no room for the stack"), "no room for the stack");

	/* Load into a buffer standing for guest memory from 0x100000 up. */
	mem = malloc(0x5000);
	memset(mem, 0xff, 0x5000);
	tender_elf_load(&im, img, (uintptr_t)mem - 0x100000);
	ok(memcmp(mem, img + TEXT_OFF, 0x20) == 0, "load: text copied");
	ok(memcmp(mem + 0x2000, img + DATA_OFF, 0x10) == 0, "load: data copied");
	ok(mem[0x2010] == 0 && mem[0x4fff] == 0, "load: BSS zeroed");
	ok(mem[0x20] == 0xff, "load: nothing written between segments");
	free(mem);
	tender_image_free(&im);

	rc = tender_elf_parse(img, sizeof img, SOLO5_ABI_TARGET_HVT, HVT_ABI_VERSION, &im, &err);
	ok(rc < 0 && strstr(err.msg, "built for the spt target (ABI target 2), not hvt"),
	   "an spt image is refused by hvt");
}

static void test_header(void)
{
	build();
	img[1] = 'X';
	refused("not an ELF file", "bad magic");
	eh()->e_ident[EI_CLASS] = ELFCLASS32;
	refused("not a 64-bit ELF file", "32-bit");
	eh()->e_ident[EI_DATA] = ELFDATA2MSB;
	refused("not a little-endian ELF file", "big-endian");
	eh()->e_version = 2;
	refused("unknown ELF version", "ELF version");
	eh()->e_type = ET_DYN;
	refused("not an ELF executable (e_type 3)", "shared object");
	eh()->e_machine = EM_AARCH64;
	refused("not an x86_64 executable", "aarch64");
	eh()->e_phentsize = 32;
	refused("unexpected ELF header or program header size", "program header size");
	eh()->e_ehsize = 32;
	refused("unexpected ELF header or program header size", "ELF header size");
	eh()->e_phnum = 0;
	refused("no program headers", "no program headers");
	eh()->e_phnum = PN_XNUM;
	refused("too many program headers", "PN_XNUM");
	eh()->e_phoff = UINT64_MAX - 8;
	refused("truncated: the program header table", "program header offset overflows");
	eh()->e_phoff = IMAGE_SIZE - 100;
	refused("truncated: the program header table", "program header table past the end");
	eh()->e_entry = 0x102000;
	refused("entry point 0x102000 is not in an executable segment", "entry in data");
	eh()->e_entry = 0x100020;
	refused("entry point 0x100020 is not in an executable segment", "entry past text");

	ok(parse_size(sizeof img - 1) < 0 && strstr(err.msg, "truncated"),
	   "cut by one byte: truncated");
	{
		size_t n;

		for (n = 0; n < sizeof img; n++)
			if (parse_size(n) == 0)
				break;
		is_int(n, sizeof img, "every truncation is refused");
	}
}

static void test_segments(void)
{
	build();
	ph(PH_TEXT)->p_offset = UINT64_MAX - 4;
	refused("truncated: segment 0", "segment offset overflows");
	ph(PH_DATA)->p_filesz = 0x100;
	refused("truncated: segment 1 (0x100 bytes at offset 0x1020)", "segment past the file");
	ph(PH_DATA)->p_memsz = 0x8;
	refused("segment 1 has more bytes in the file (0x10) than in memory (0x8)",
		"filesz > memsz");
	ph(PH_DATA)->p_memsz = 0;
	refused("segment 1 has more bytes in the file (0x10) than in memory (0x0)",
		"file bytes but no memory");
	ph(PH_TEXT)->p_vaddr = 0x1000;
	refused("segment 0 at 0x1000 is below 0x100000", "segment below 0x100000");
	ph(PH_TEXT)->p_vaddr = 0xff000;
	refused("segment 0 at 0xff000 is below 0x100000", "segment just below 0x100000");
	ph(PH_DATA)->p_memsz = UINT64_MAX;
	refused("ends past 4 GiB", "vaddr + memsz overflows");
	ph(PH_DATA)->p_memsz = 0x100000000ull;
	refused("ends past 4 GiB", "segment beyond 4 GiB");
	ph(PH_DATA)->p_align = 0x1001;
	refused("alignment 0x1001, not a power of two", "alignment");
	ph(PH_TEXT)->p_flags = PF_R | PF_W | PF_X;
	refused("segment 0 at 0x100000 is both writable and executable", "W+X");
	ph(PH_DATA)->p_flags = PF_W | PF_X;
	refused("segment 1 at 0x102000 is both writable and executable", "W+X data");
	ph(PH_DATA)->p_vaddr = 0x100010;
	refused("segment 1 at 0x100010 overlaps or shares a page", "overlap");
	ph(PH_DATA)->p_vaddr = 0x100ff0;
	refused("shares a page", "two segments in one page");
	ph(PH_TEXT)->p_vaddr = 0x200000;
	eh()->e_entry = 0x200000;
	refused("segment 1 at 0x102000 comes after a segment at 0x200000", "descending");
	ph(PH_TEXT)->p_memsz = 0;
	ph(PH_TEXT)->p_filesz = 0;
	ph(PH_DATA)->p_memsz = 0;
	ph(PH_DATA)->p_filesz = 0;
	refused("no loadable segments", "no loadable segments");

	/* Empty PT_LOADs and other segment types are ignored. */
	ph(PH_DATA)->p_memsz = 0;
	ph(PH_DATA)->p_filesz = 0;
	ph(PH_DATA)->p_vaddr = 0;
	ok(parse_size(sizeof img) == 0, "an empty PT_LOAD anywhere is ignored");
	build();
	ph(PH_DATA)->p_type = PT_GNU_STACK;
	ok(parse_size(sizeof img) == 0, "other segment types are ignored");
	build();
}

/* Each segment check at its limit, one below and one above. */
static void test_segment_edges(void)
{
	uint64_t room = 0x100000000ull - 0x102000;

	build();
	ph(PH_DATA)->p_memsz = room;
	ok(parse_size(sizeof img) == 0, "a segment ending exactly at 4 GiB");
	build();
	ph(PH_DATA)->p_memsz = room - 1;
	ok(parse_size(sizeof img) == 0, "a segment ending one byte below 4 GiB");
	ph(PH_DATA)->p_memsz = room + 1;
	refused("ends past 4 GiB", "a segment ending one byte past 4 GiB");

	ph(PH_TEXT)->p_vaddr = 0xfffff;
	refused("segment 0 at 0xfffff is below 0x100000", "a segment one byte below 0x100000");
	ph(PH_TEXT)->p_vaddr = 0x100001;
	eh()->e_entry = 0x100008;
	ok(parse_size(sizeof img) == 0, "a segment one byte above 0x100000");
	build();

	ph(PH_DATA)->p_memsz = 0x10;
	ok(parse_size(sizeof img) == 0, "file bytes equal to memory bytes");
	ph(PH_DATA)->p_memsz = 0xf;
	refused("more bytes in the file (0x10) than in memory (0xf)", "one file byte too many");

	ph(PH_DATA)->p_filesz = IMAGE_SIZE - DATA_OFF;
	ph(PH_DATA)->p_memsz = IMAGE_SIZE - DATA_OFF;
	ok(parse_size(sizeof img) == 0, "a segment's file bytes ending at the file's end");
	build();
	ph(PH_DATA)->p_filesz = IMAGE_SIZE - DATA_OFF + 1;
	ph(PH_DATA)->p_memsz = IMAGE_SIZE - DATA_OFF + 1;
	refused("truncated: segment 1 (0x11 bytes at offset 0x1020) does not fit in the file's "
		"4144 bytes", "file bytes ending one byte past the file");

	/* The text's page ends at 0x101000: data may start there, not one byte before. */
	ph(PH_DATA)->p_vaddr = 0x101000;
	ok(parse_size(sizeof img) == 0, "a segment starting on the page after the previous one");
	ph(PH_DATA)->p_vaddr = 0x100fff;
	refused("shares a page", "a segment starting one byte before the previous one's page end");
	ph(PH_DATA)->p_vaddr = 0x101001;
	ok(parse_size(sizeof img) == 0, "a segment starting one byte into the next page");
	build();
}

static void test_notes(void)
{
	/* A note's size against its own PT_NOTE segment (not the file, which goes on with the
	 * manifest's note): exactly to the end is fine, four bytes more or a segment four bytes
	 * short is refused. */
	build();
	ok(parse_size(sizeof img) == 0, "an ABI1 note that ends exactly at its segment's end");
	abi()->h.n_descsz = sizeof(struct abi1_info) + 4;
	refused("a note in segment 2 runs past the end of its segment",
		"an ABI1 note 4 bytes past its segment, inside the file");
	build();
	ph(PH_ABI)->p_filesz = sizeof(struct abi1_note) - 4;
	refused("a note in segment 2 runs past the end of its segment",
		"a note segment 4 bytes shorter than its note");
	build();
	ph(PH_ABI)->p_filesz = sizeof(struct abi1_note) + 4;
	ok(parse_size(sizeof img) == 0, "four bytes of padding after the note in its segment");
	build();
	abi()->i.abi_target = SOLO5_ABI_TARGET_HVT;
	refused("built for the hvt target (ABI target 1), not spt", "wrong target");
	abi()->i.abi_target = 9;
	refused("built for the unknown target (ABI target 9), not spt", "unknown target");
	abi()->i.abi_version = 3;
	refused("needs spt ABI version 3, this tender implements version 2", "wrong version");
	abi()->h.n_descsz = 12;
	ph(PH_ABI)->p_filesz = 32;
	refused("Solo5 ABI1 note in segment 2 has 12 bytes, expected 16", "short ABI1 note");
	abi()->h.n_name[0] = 's';
	refused("no Solo5 ABI1 note", "note of another owner");
	abi()->h.n_namesz = 5;
	refused("no Solo5 ABI1 note", "owner name of the wrong size");
	ph(PH_ABI)->p_type = PT_NULL;
	refused("no Solo5 ABI1 note", "no ABI1 note");
	abi()->h.n_descsz = 0xfffffff0;
	refused("a note in segment 2 runs past the end of its segment", "huge descsz");
	abi()->h.n_namesz = 0xfffffff0;
	refused("no Solo5 ABI1 note", "huge namesz: a note of no owner we know, skipped");
	abi()->h.n_descsz = 0xfffffff0;
	abi()->h.n_name[0] = 's';
	refused("no Solo5 ABI1 note", "a note of another owner running past its segment: skipped");
	ph(PH_ABI)->p_filesz = 0x10000;
	refused("truncated: note segment 2", "note segment past the file");
	ph(PH_ABI)->p_offset = UINT64_MAX - 2;
	refused("truncated: note segment 2", "note segment offset overflows");
	((struct solo5_nhdr *)(img + MFT_OFF))->n_type = ABI1_NOTE_TYPE;
	refused("more than one Solo5 ABI1 note", "two ABI1 notes");
	((struct solo5_nhdr *)(img + MFT_OFF))->n_type = 0x12345678;
	refused("no Solo5 MFT1 manifest note", "no MFT1 note");
	ph(PH_ABI)->p_offset = MFT_OFF;
	ph(PH_ABI)->p_filesz = ph(PH_MFT)->p_filesz;
	refused("more than one Solo5 MFT1 manifest note", "two MFT1 notes");

	/* Two notes in one PT_NOTE are found too. */
	note_hdr((struct solo5_nhdr *)(img + ABI_OFF - 0x20), 1, 12);	/* another note first */
	ph(PH_ABI)->p_offset = ABI_OFF - 0x20;
	ph(PH_ABI)->p_filesz = 0x20 + sizeof(struct abi1_note);
	ok(parse_size(sizeof img) == 0, "a Solo5 note after another note in the same PT_NOTE");
	build();
}

/* Parses the whole image with tender_elf_parse_any(); the image in *im (free it) on success. */
static int parse_any(struct tender_image *im)
{
	return tender_elf_parse_any(img, sizeof img, im, &err);
}

static void test_fata_note(void)
{
	struct tender_image im;

	build();
	ph(PH_FEX)->p_type = PT_NOTE;
	if (ok(parse_size(sizeof img) == 0, "a FEX1 note in a PT_NOTE of its own is accepted")) {
		tender_elf_parse(img, sizeof img, SOLO5_ABI_TARGET_SPT, SPT_ABI_VERSION, &im, &err);
		ok(im.has_fex && im.fex_version == FEX1_VERSION &&
		   im.fex_features == SPT_FEATURE_BLOCK_MULTI, "and its version and features read");
		tender_image_free(&im);
	} else {
		printf("#   %s\n", err.msg);
	}
	ph(PH_FEX)->p_type = PT_NOTE;
	fex()->n_descsz = FEX1_MIN_SIZE;
	ph(PH_FEX)->p_filesz = 20 + FEX1_MIN_SIZE;
	ok(parse_size(sizeof img) == 0, "a FEX1 note of 8 bytes (version and features) is enough");
	build();
	ph(PH_FEX)->p_type = PT_NOTE;
	fex()->n_descsz = FEX1_MIN_SIZE - 1;
	refused("Fata FEX1 note in segment 4 has 7 bytes, expected at least 8", "short FEX1 note");
	ph(PH_FEX)->p_type = PT_NOTE;
	fex()->n_descsz = 0x1000;
	refused("a note in segment 4 runs past the end of its segment", "FEX1 note past its segment");
	ph(PH_FEX)->p_type = PT_NOTE;
	fex()->n_type = 0x12345678;
	fex()->n_descsz = 4;
	ph(PH_FEX)->p_filesz = 24;
	ok(parse_size(sizeof img) == 0, "a short Fata note of another type is ignored");
	build();
	ph(PH_FEX)->p_type = PT_NOTE;
	fex()->n_name[3] = 'b';
	fex()->n_descsz = 4;
	ph(PH_FEX)->p_filesz = 24;
	ok(parse_size(sizeof img) == 0, "a note of another owner with a name as long is ignored");
	build();
	/* The note twice: in its own PT_NOTE, and again before the ABI1 note in the ABI's. */
	ph(PH_FEX)->p_type = PT_NOTE;
	memcpy(img + ABI_OFF - 0x30, fex(), sizeof(struct fex1_note));
	ph(PH_ABI)->p_offset = ABI_OFF - 0x30;
	ph(PH_ABI)->p_filesz = 0x30 + sizeof(struct abi1_note);
	fex()->i.features = 0;
	refused("more than one Fata FEX1 note", "two FEX1 notes");

	/* A GNU property note in an 8-aligned PT_NOTE: its descriptor starts at 16, not 20. */
	ph(PH_FEX)->p_type = PT_NOTE;
	ph(PH_FEX)->p_align = 8;
	ph(PH_FEX)->p_filesz = 32;
	memcpy(img + FEX_OFF, (uint32_t[]){ 4, 16, 5 }, 12);
	memcpy(img + FEX_OFF + 12, "GNU", 4);
	ok(parse_size(sizeof img) == 0, "a GNU property note (8-aligned, 32 bytes) is skipped");
	build();

	/* An ordinary program (a PIE without Solo5 notes) is refused for lacking them. */
	eh()->e_type = ET_DYN;
	ph(PH_ABI)->p_type = PT_NULL;
	refused("no Solo5 ABI1 note: not a Solo5 unikernel", "a PIE without the notes");

	/* parse_any: whatever target and version, reported as found. */
	abi()->i.abi_target = SOLO5_ABI_TARGET_HVT;
	abi()->i.abi_version = HVT_ABI_VERSION;
	ok(parse_any(&im) == 0 && im.abi_target == SOLO5_ABI_TARGET_HVT &&
	   im.abi_version == HVT_ABI_VERSION && im.mft->entries == NENT,
	   "parse_any: an hvt image, with its manifest");
	tender_image_free(&im);
	abi()->i.abi_target = 9;
	abi()->i.abi_version = 7;
	ok(parse_any(&im) == 0 && im.abi_target == 9 && im.abi_version == 7,
	   "parse_any: an unknown target and version are reported, not refused");
	tender_image_free(&im);
	ph(PH_ABI)->p_type = PT_NULL;
	ok(parse_any(&im) < 0 && strstr(err.msg, "no Solo5 ABI1 note"),
	   "parse_any: still needs the ABI1 note");
	build();
	mft()->entries = 2;
	ok(parse_any(&im) < 0 && strstr(err.msg, "manifest note holds"),
	   "parse_any: still checks the manifest");
	build();
	ph(PH_DATA)->p_flags = PF_W | PF_X;
	ok(parse_any(&im) < 0 && strstr(err.msg, "both writable and executable"),
	   "parse_any: still checks the segments");
	build();
}

static void test_manifest(void)
{
	build();
	mft()->version = 2;
	refused("manifest version is 2", "manifest version");
	mft()->entries = 0;
	refused("manifest has 0 entries, must have 1 to 64", "no entries");
	mft()->entries = 65;
	refused("manifest has 65 entries", "65 entries");
	mft()->entries = 2;
	refused("manifest note holds 320 bytes, but 2 entries take 216", "size mismatch");
	((struct solo5_nhdr *)(img + MFT_OFF))->n_descsz = 2;
	refused("Solo5 MFT1 note in segment 3 is too short", "descsz below the padding");
	((struct solo5_nhdr *)(img + MFT_OFF))->n_descsz = 8;
	ph(PH_MFT)->p_filesz = 28;
	refused("manifest note is 4 bytes, too short", "descsz with no room for the header");
	mft()->e[0].type = MFT_DEV_BLOCK_BASIC;
	refused("manifest entry 0 is not the reserved entry", "entry 0 of another type");
	strcpy(mft()->e[0].name, "x");
	refused("manifest entry 0 is not the reserved entry", "entry 0 with a name");
	memset(mft()->e[1].name, 'a', MFT_NAME_SIZE);
	refused("manifest entry 1: name is not NUL-terminated", "unterminated name");
	mft()->e[1].name[0] = 0;
	refused("manifest entry 1 has an empty name", "empty name");
	strcpy(mft()->e[1].name, "my-disk");
	refused("manifest entry 1: name has a character other than letters and digits",
		"name with a dash");
	mft()->e[2].type = 3;
	refused("manifest entry 2 ('service0') has unknown type 3", "unknown type");
	mft()->e[2].type = MFT_RESERVED_FIRST;
	refused("unknown type", "a second reserved entry");
	mft()->e[1].attached = 1;
	refused("manifest entry 1 has non-zero private fields", "attached set");
	mft()->e[2].u.net_basic.mtu = 1500;
	refused("manifest entry 2 has non-zero private fields", "mtu set");
	mft()->e[1].b.hostfd = 3;
	refused("manifest entry 1 has non-zero private fields", "hostfd set");
	mft()->e[0].u.block_basic.capacity = 1;
	refused("manifest entry 0 has non-zero private fields", "entry 0 with properties");
	strcpy(mft()->e[2].name, "storage");
	refused("manifest declares device 'storage' twice", "duplicate names");

	/* A 67-character name is the longest there is. */
	memset(mft()->e[1].name, 'A', MFT_NAME_MAX);
	ok(parse_size(sizeof img) == 0, "a name of 67 characters is accepted");
	build();
}

static void test_mft_direct(void)
{
	uint8_t buf[MFT_SIZE(1) + 1];
	struct mft *m;
	struct mft one = { .version = MFT_VERSION, .entries = 1 };
	struct mft_entry e0 = { .type = MFT_RESERVED_FIRST };

	memcpy(buf + 1, &one, 8);	/* misaligned on purpose */
	memcpy(buf + 1 + 8, &e0, sizeof e0);
	ok(tender_mft_check(buf + 1, MFT_SIZE(1), &m, &err) == 0, "a manifest with no devices");
	if (m) {
		is_int(m->entries, 1, "one entry: the reserved one");
		is_int(tender_mft_find(m, "storage"), -1, "no devices to find");
		free(m);
	}
	ok(tender_mft_check(buf + 1, 7, &m, &err) < 0 && m == NULL, "7 bytes are too short");
	is_str(tender_mft_type_name(MFT_DEV_BLOCK_BASIC), "block", "type name block");
	is_str(tender_mft_type_name(MFT_DEV_NET_BASIC), "net", "type name net");
	is_str(tender_abi_target_name(SOLO5_ABI_TARGET_HVT), "hvt", "target name hvt");
}

/*
 * tender_elf_symbol(): a file of an ELF header, a symbol table at SYM_OFF, its string table at
 * STR_OFF and three section headers (null, .symtab, .strtab) at SH_OFF.
 */
#define SYM_OFF 0x40
#define STR_OFF 0x100
#define SH_OFF 0x140
#define SYM_FILE_SIZE (SH_OFF + 3 * sizeof(Elf64_Shdr))
static const char strtab[] = "\0start\0undef\0startx";	/* and the final NUL */

static uint8_t symfile[SYM_FILE_SIZE];

static Elf64_Shdr *sh(int i)
{
	return (Elf64_Shdr *)(symfile + SH_OFF) + i;
}

static Elf64_Sym *sym(int i)
{
	return (Elf64_Sym *)(symfile + SYM_OFF) + i;
}

static void build_symfile(void)
{
	Elf64_Ehdr *e = (Elf64_Ehdr *)symfile;

	memset(symfile, 0, sizeof symfile);
	memcpy(e->e_ident, ELFMAG, SELFMAG);
	e->e_ident[EI_CLASS] = ELFCLASS64;
	e->e_shoff = SH_OFF;
	e->e_shentsize = sizeof(Elf64_Shdr);
	e->e_shnum = 3;
	/* A local start before the global one, an undefined symbol, and a longer name. */
	*sym(1) = (Elf64_Sym){ .st_name = 1, .st_info = ELF64_ST_INFO(STB_LOCAL, STT_FUNC),
		.st_shndx = 1, .st_value = 0x1111 };
	*sym(2) = (Elf64_Sym){ .st_name = 1, .st_info = ELF64_ST_INFO(STB_GLOBAL, STT_FUNC),
		.st_shndx = 1, .st_value = 0x2222 };
	*sym(3) = (Elf64_Sym){ .st_name = 7, .st_info = ELF64_ST_INFO(STB_GLOBAL, STT_NOTYPE),
		.st_shndx = SHN_UNDEF, .st_value = 0x3333 };
	*sym(4) = (Elf64_Sym){ .st_name = 13, .st_info = ELF64_ST_INFO(STB_GLOBAL, STT_FUNC),
		.st_shndx = 1, .st_value = 0x4444 };
	memcpy(symfile + STR_OFF, strtab, sizeof strtab);
	*sh(1) = (Elf64_Shdr){ .sh_type = SHT_SYMTAB, .sh_offset = SYM_OFF,
		.sh_size = 5 * sizeof(Elf64_Sym), .sh_link = 2, .sh_entsize = sizeof(Elf64_Sym) };
	*sh(2) = (Elf64_Shdr){ .sh_type = SHT_STRTAB, .sh_offset = STR_OFF,
		.sh_size = sizeof strtab };
}

/* tender_elf_symbol() on the first `size` bytes of symfile, from a buffer of that size. */
static int lookup(size_t size, const char *name, uint64_t *addr)
{
	uint8_t *copy = malloc(size ? size : 1);
	int rc;

	memcpy(copy, symfile, size);
	*addr = 0;
	rc = tender_elf_symbol(copy, size, name, addr);
	free(copy);
	return rc;
}

/* Expects the broken symfile to count as having no symbol table, then builds it again. */
static void no_table(const char *what)
{
	uint64_t a;

	is_int(lookup(sizeof symfile, "start", &a), -1, "symbols: %s: no usable table", what);
	build_symfile();
}

static void test_symbols(void)
{
	uint64_t a;
	bool sane = true;

	build_symfile();
	ok(lookup(sizeof symfile, "start", &a) == 1 && a == 0x2222,
	   "symbols: the global start wins over a local one before it");
	ok(lookup(sizeof symfile, "startx", &a) == 1 && a == 0x4444, "symbols: startx");
	is_int(lookup(sizeof symfile, "star", &a), 0, "symbols: a prefix of a name is no match");
	is_int(lookup(sizeof symfile, "undef", &a), 0, "symbols: an undefined symbol is skipped");
	is_int(lookup(sizeof symfile, "solo5_app_main", &a), 0, "symbols: a missing name");
	sym(2)->st_info = ELF64_ST_INFO(STB_LOCAL, STT_FUNC);
	ok(lookup(sizeof symfile, "start", &a) == 1 && a == 0x1111,
	   "symbols: of two locals, the first");
	build_symfile();
	sh(2)->sh_size = sizeof strtab - 1;
	is_int(lookup(sizeof symfile, "startx", &a), 0,
	       "symbols: a name not ended within its string table is no match");
	build_symfile();
	sym(2)->st_name = 0xffffffffu;
	ok(lookup(sizeof symfile, "start", &a) == 1 && a == 0x1111,
	   "symbols: a name offset past the string table is skipped");
	build_symfile();

	((Elf64_Ehdr *)symfile)->e_shnum = 0;
	no_table("no section headers (stripped)");
	sh(1)->sh_type = SHT_PROGBITS;
	no_table("no SHT_SYMTAB section");
	((Elf64_Ehdr *)symfile)->e_shentsize = 40;
	no_table("a wrong section header size");
	((Elf64_Ehdr *)symfile)->e_shoff = UINT64_MAX - 8;
	no_table("section headers at an offset that overflows");
	((Elf64_Ehdr *)symfile)->e_shnum = 4;
	no_table("section headers past the end of the file");
	sh(1)->sh_link = 3;
	no_table("a string table index past the section headers");
	sh(1)->sh_entsize = 16;
	no_table("a wrong symbol size");
	sh(1)->sh_size = UINT64_MAX;
	no_table("a symbol table larger than the file");
	sh(2)->sh_offset = SYM_FILE_SIZE;
	no_table("a string table past the end of the file");
	sh(2)->sh_type = SHT_PROGBITS;
	no_table("a string table that is none");
	symfile[EI_CLASS] = ELFCLASS32;
	no_table("a 32-bit file");

	/* Every truncation, in a buffer of exactly that size (ASan sees any read past it). */
	for (size_t n = 0; n < sizeof symfile; n++)
		sane &= lookup(n, "start", &a) == -1;
	ok(sane, "symbols: every truncated file has no usable table, and nothing is read past it");
}

int main(void)
{
	test_valid();
	test_header();
	test_segments();
	test_segment_edges();
	test_notes();
	test_fata_note();
	test_manifest();
	test_mft_direct();
	test_symbols();
	return tap_done();
}
