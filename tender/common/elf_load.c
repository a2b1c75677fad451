/*
 * The ELF loader: checks a unikernel binary (which the user gave us, but which nobody checked)
 * field by field with overflow-safe arithmetic, and copies its segments into guest memory.
 * Everything is read with memcpy from the file buffer, so nothing relies on its alignment.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elf_load.h"
#include "elf_abi.h"
#include "mft.h"

#define PAGE 0x1000ull
#define MAX_GUEST_ADDR 0x100000000ull	/* no tender gives a guest more than 4 GiB */
#define MIB (1ull << 20)

typedef unsigned long long ull;

const char *tender_abi_target_name(uint32_t target)
{
	switch (target) {
	case SOLO5_ABI_TARGET_HVT:
		return "hvt";
	case SOLO5_ABI_TARGET_SPT:
		return "spt";
	case SOLO5_ABI_TARGET_VIRTIO:
		return "virtio";
	case SOLO5_ABI_TARGET_MUEN:
		return "muen";
	case SOLO5_ABI_TARGET_GENODE:
		return "genode";
	case SOLO5_ABI_TARGET_XEN:
		return "xen";
	default:
		return "unknown";
	}
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);	/* callers keep v far below UINT64_MAX - a */
}

static int check_header(const uint8_t *file, size_t size, Elf64_Ehdr *eh, struct tender_err *err)
{
	uint64_t table_end;

	if (size < SELFMAG || memcmp(file, ELFMAG, SELFMAG) != 0)
		return tender_fail(err, "not an ELF file");
	if (size < sizeof *eh)
		return tender_fail(err, "truncated: %zu bytes is shorter than an ELF header", size);
	memcpy(eh, file, sizeof *eh);
	if (eh->e_ident[EI_CLASS] != ELFCLASS64)
		return tender_fail(err, "not a 64-bit ELF file");
	if (eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return tender_fail(err, "not a little-endian ELF file");
	if (eh->e_ident[EI_VERSION] != EV_CURRENT || eh->e_version != EV_CURRENT)
		return tender_fail(err, "unknown ELF version");
	if (eh->e_ehsize != sizeof(Elf64_Ehdr) || eh->e_phentsize != sizeof(Elf64_Phdr))
		return tender_fail(err, "unexpected ELF header or program header size");
	if (eh->e_phnum == 0)
		return tender_fail(err, "no program headers");
	if (eh->e_phnum == PN_XNUM)
		return tender_fail(err, "too many program headers");
	if (!tender_add_ok(eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr), &table_end) ||
	    table_end > size)
		return tender_fail(err, "truncated: the program header table (%u entries at offset "
				   "0x%llx) does not fit in the file's %zu bytes", eh->e_phnum,
				   (ull)eh->e_phoff, size);
	return 0;
}

/* After the notes, so that an ordinary program (a PIE, say) is reported as lacking them. */
static int check_machine(const Elf64_Ehdr *eh, struct tender_err *err)
{
	if (eh->e_type != ET_EXEC)
		return tender_fail(err, "not an ELF executable (e_type %u)", eh->e_type);
	if (eh->e_machine != EM_X86_64)
		return tender_fail(err, "not an x86_64 executable (e_machine %u)", eh->e_machine);
	return 0;
}

static void read_phdr(const uint8_t *file, const Elf64_Ehdr *eh, unsigned i, Elf64_Phdr *ph)
{
	memcpy(ph, file + eh->e_phoff + (uint64_t)i * sizeof *ph, sizeof *ph);
}

/*
 * Whether the file is a Fata unix build: a Linux program (a PIE or one with an interpreter) that
 * carries the runtime's entry, fata_runtime_main (its name is in the symbol table, never stripped).
 */
static bool is_fata_unix(const uint8_t *file, size_t size, const Elf64_Ehdr *eh)
{
	static const char sym[] = "fata_runtime_main";
	bool program = eh->e_type == ET_DYN;

	for (unsigned i = 0; i < eh->e_phnum && !program; i++) {
		Elf64_Phdr ph;

		read_phdr(file, eh, i, &ph);
		program = ph.p_type == PT_INTERP;
	}
	for (size_t i = 0; program && size >= sizeof sym && i <= size - sizeof sym; i++) {
		if (file[i] == 'f' && memcmp(file + i, sym, sizeof sym) == 0)
			return true;
	}
	return false;
}

/* Where the notes of one PT_NOTE segment point, once found. */
struct notes {
	bool have_abi, have_mft, have_fex;
	struct abi1_info abi;
	uint64_t mft_off, mft_size;
	struct fex1_info fex;
};

static int check_solo5_note(const uint8_t *file, unsigned seg, uint32_t type, uint64_t note,
			    uint64_t desc, uint32_t descsz, struct notes *n,
			    struct tender_err *err)
{
	if (type == ABI1_NOTE_TYPE) {
		if (n->have_abi)
			return tender_fail(err, "more than one Solo5 ABI1 note");
		if (descsz != sizeof n->abi)
			return tender_fail(err, "Solo5 ABI1 note in segment %u has %u bytes, "
					   "expected %zu", seg, descsz, sizeof n->abi);
		memcpy(&n->abi, file + desc, sizeof n->abi);
		n->have_abi = true;
	} else if (type == MFT1_NOTE_TYPE) {
		/* The manifest starts at the first 8-aligned offset after the note header. */
		uint64_t start = note + align_up(desc - note, MFT1_NOTE_ALIGN);
		uint64_t pad = start - desc;

		if (n->have_mft)
			return tender_fail(err, "more than one Solo5 MFT1 manifest note");
		if (descsz < pad)
			return tender_fail(err, "Solo5 MFT1 note in segment %u is too short", seg);
		n->mft_off = start;
		n->mft_size = descsz - pad;
		n->have_mft = true;
	}
	return 0;
}

/* Fata's FEX1 note: at least its first FEX1_MIN_SIZE bytes; later versions may append. */
static int check_fata_note(const uint8_t *file, unsigned seg, uint32_t type, uint64_t desc,
			   uint32_t descsz, struct notes *n, struct tender_err *err)
{
	if (type != FEX1_NOTE_TYPE)
		return 0;
	if (n->have_fex)
		return tender_fail(err, "more than one Fata FEX1 note");
	if (descsz < FEX1_MIN_SIZE)
		return tender_fail(err, "Fata FEX1 note in segment %u has %u bytes, expected at "
				   "least %u", seg, descsz, FEX1_MIN_SIZE);
	memset(&n->fex, 0, sizeof n->fex);
	memcpy(&n->fex, file + desc, descsz < sizeof n->fex ? descsz : sizeof n->fex);
	n->have_fex = true;
	return 0;
}

/* Walks the notes of program header `seg`, bounds-checking each one. */
static int scan_notes(const uint8_t *file, size_t size, unsigned seg, const Elf64_Phdr *ph,
		      struct notes *n, struct tender_err *err)
{
	uint64_t pos = ph->p_offset, end;
	uint64_t align = ph->p_align == 8 ? 8 : 4;

	if (!tender_add_ok(ph->p_offset, ph->p_filesz, &end) || end > size)
		return tender_fail(err, "truncated: note segment %u (0x%llx bytes at offset 0x%llx) "
				   "does not fit in the file's %zu bytes", seg, (ull)ph->p_filesz,
				   (ull)ph->p_offset, size);
	while (end - pos >= 12) {
		uint32_t namesz, descsz, type;
		uint64_t desc, desc_end;
		bool solo5, fata;

		memcpy(&namesz, file + pos, 4);
		memcpy(&descsz, file + pos + 4, 4);
		memcpy(&type, file + pos + 8, 4);
		/* All terms are below 2^34, so these sums cannot overflow 64 bits. */
		solo5 = namesz == SOLO5_NOTE_NAMESZ && end - pos >= 12 + SOLO5_NOTE_NAMESZ &&
			memcmp(file + pos + 12, SOLO5_NOTE_NAME, SOLO5_NOTE_NAMESZ) == 0;
		fata = namesz == FATA_NOTE_NAMESZ && end - pos >= 12 + FATA_NOTE_NAMESZ &&
			memcmp(file + pos + 12, FATA_NOTE_NAME, FATA_NOTE_NAMESZ) == 0;
		/*
		 * Solo5 pads its owner name to 4 bytes whatever the segment's alignment (the MFT1
		 * note's n_descsz counts the padding before the manifest); every other owner (GNU,
		 * Fata) follows the ELF rule, where the descriptor starts at the segment's
		 * alignment from the note's start (an 8-aligned GNU property note: at 16).
		 */
		if (solo5)
			desc = pos + 12 + align_up(namesz, 4);
		else
			desc = pos + align_up(12 + (uint64_t)namesz, align);
		desc_end = desc + descsz;
		if (desc_end > end && (solo5 || fata))
			return tender_fail(err, "a note in segment %u runs past the end of its segment",
					   seg);
		/*
		 * As in Solo5, a note of another owner never makes a binary unusable; when its
		 * layout cannot be followed, the rest of its segment is skipped.
		 */
		if (desc_end > end)
			break;
		if (solo5 && check_solo5_note(file, seg, type, pos, desc, descsz, n, err) < 0)
			return -1;
		if (fata && check_fata_note(file, seg, type, desc, descsz, n, err) < 0)
			return -1;
		pos = desc + align_up(descsz, align);
		if (pos >= end)
			break;
	}
	return 0;
}

/* `any`: accept whatever ABI target and version the ABI1 note names (fata inspect). */
static int check_notes(const uint8_t *file, size_t size, const Elf64_Ehdr *eh, bool any,
		       uint32_t target, uint32_t version, struct tender_image *img,
		       struct tender_err *err)
{
	struct notes n = { 0 };

	for (unsigned i = 0; i < eh->e_phnum; i++) {
		Elf64_Phdr ph;

		read_phdr(file, eh, i, &ph);
		if (ph.p_type == PT_NOTE && scan_notes(file, size, i, &ph, &n, err) < 0)
			return -1;
	}
	if (!n.have_abi && is_fata_unix(file, size, eh))
		return tender_fail(err, "no Solo5 ABI1 note: a unix build, not a unikernel (it runs "
				   "as a program by itself; for a tender, fata configure -t hvt or -t spt "
				   "and make dist/NAME.hvt or dist/NAME.spt)");
	if (!n.have_abi)
		return tender_fail(err, "no Solo5 ABI1 note: not a Solo5 unikernel");
	if (!any && n.abi.abi_target != target)
		return tender_fail(err, "built for the %s target (ABI target %u), not %s",
				   tender_abi_target_name(n.abi.abi_target), n.abi.abi_target,
				   tender_abi_target_name(target));
	if (!any && n.abi.abi_version != version)
		return tender_fail(err, "needs %s ABI version %u, this tender implements version %u",
				   tender_abi_target_name(target), n.abi.abi_version, version);
	img->abi_target = n.abi.abi_target;
	img->abi_version = n.abi.abi_version;
	img->has_fex = n.have_fex;
	img->fex_version = n.fex.version;
	img->fex_features = n.fex.features;
	if (!n.have_mft)
		return tender_fail(err, "no Solo5 MFT1 manifest note");
	if (tender_mft_check(file + n.mft_off, n.mft_size, &img->mft, err) < 0)
		return -1;
	img->mft_size = n.mft_size;
	return 0;
}

static int check_load(size_t size, unsigned i, const Elf64_Phdr *ph, struct tender_image *img,
		      struct tender_err *err)
{
	struct tender_segment *s;
	uint64_t file_end, mem_end;
	const struct tender_segment *prev = img->nseg ? &img->seg[img->nseg - 1] : NULL;

	if (img->nseg == TENDER_MAX_SEGMENTS)
		return tender_fail(err, "more than %d loadable segments", TENDER_MAX_SEGMENTS);
	if (!tender_add_ok(ph->p_offset, ph->p_filesz, &file_end) || file_end > size)
		return tender_fail(err, "truncated: segment %u (0x%llx bytes at offset 0x%llx) does "
				   "not fit in the file's %zu bytes", i, (ull)ph->p_filesz,
				   (ull)ph->p_offset, size);
	if (ph->p_filesz > ph->p_memsz)
		return tender_fail(err, "segment %u has more bytes in the file (0x%llx) than in "
				   "memory (0x%llx)", i, (ull)ph->p_filesz, (ull)ph->p_memsz);
	if (ph->p_vaddr < TENDER_MIN_LOAD_ADDR)
		return tender_fail(err, "segment %u at 0x%llx is below 0x%x", i, (ull)ph->p_vaddr,
				   TENDER_MIN_LOAD_ADDR);
	if (!tender_add_ok(ph->p_vaddr, ph->p_memsz, &mem_end) || mem_end > MAX_GUEST_ADDR)
		return tender_fail(err, "segment %u at 0x%llx (0x%llx bytes) ends past 4 GiB", i,
				   (ull)ph->p_vaddr, (ull)ph->p_memsz);
	if (ph->p_align & (ph->p_align - 1))
		return tender_fail(err, "segment %u has alignment 0x%llx, not a power of two", i,
				   (ull)ph->p_align);
	if ((ph->p_flags & PF_W) && (ph->p_flags & PF_X))
		return tender_fail(err, "segment %u at 0x%llx is both writable and executable", i,
				   (ull)ph->p_vaddr);
	if (prev && ph->p_vaddr < prev->vaddr)
		return tender_fail(err, "segment %u at 0x%llx comes after a segment at 0x%llx: not "
				   "in ascending order", i, (ull)ph->p_vaddr, (ull)prev->vaddr);
	if (prev && (ph->p_vaddr & ~(PAGE - 1)) < prev->page_end)
		return tender_fail(err, "segment %u at 0x%llx overlaps or shares a page with the "
				   "segment before it (ending at 0x%llx)", i, (ull)ph->p_vaddr,
				   (ull)(prev->vaddr + prev->memsz));

	s = &img->seg[img->nseg++];
	s->vaddr = ph->p_vaddr;
	s->filesz = ph->p_filesz;
	s->memsz = ph->p_memsz;
	s->offset = ph->p_offset;
	s->page_start = ph->p_vaddr & ~(PAGE - 1);
	s->page_end = align_up(mem_end, PAGE);
	s->flags = ph->p_flags & (TENDER_SEG_R | TENDER_SEG_W | TENDER_SEG_X);
	if (s->page_end > img->kernel_end)
		img->kernel_end = s->page_end;
	return 0;
}

static int parse(const uint8_t *file, size_t size, bool any, uint32_t target, uint32_t version,
		 struct tender_image *img, struct tender_err *err)
{
	Elf64_Ehdr eh;
	bool entry_ok = false;

	memset(img, 0, sizeof *img);
	if (size > TENDER_MAX_FILE_SIZE)
		return tender_fail(err, "%zu bytes is too big for a unikernel", size);
	if (check_header(file, size, &eh, err) < 0)
		return -1;
	if (check_notes(file, size, &eh, any, target, version, img, err) < 0 ||
	    check_machine(&eh, err) < 0)
		goto bad;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;

		read_phdr(file, &eh, i, &ph);
		if (ph.p_type != PT_LOAD || (ph.p_memsz == 0 && ph.p_filesz == 0))
			continue;
		if (check_load(size, i, &ph, img, err) < 0)
			goto bad;
	}
	if (img->nseg == 0) {
		tender_fail(err, "no loadable segments");
		goto bad;
	}
	for (unsigned i = 0; i < img->nseg; i++) {
		const struct tender_segment *s = &img->seg[i];

		if ((s->flags & TENDER_SEG_X) && eh.e_entry >= s->vaddr &&
		    eh.e_entry - s->vaddr < s->memsz)
			entry_ok = true;
	}
	if (!entry_ok) {
		tender_fail(err, "entry point 0x%llx is not in an executable segment",
			    (ull)eh.e_entry);
		goto bad;
	}
	img->entry = eh.e_entry;
	return 0;
bad:
	tender_image_free(img);
	return -1;
}

int tender_elf_parse(const uint8_t *file, size_t size, uint32_t target, uint32_t version,
		     struct tender_image *img, struct tender_err *err)
{
	return parse(file, size, false, target, version, img, err);
}

int tender_elf_parse_any(const uint8_t *file, size_t size, struct tender_image *img,
			 struct tender_err *err)
{
	return parse(file, size, true, 0, 0, img, err);
}

void tender_image_free(struct tender_image *img)
{
	free(img->mft);
	img->mft = NULL;
}

int tender_image_check_mem(const struct tender_image *img, uint64_t mem_size, uint64_t mem_align,
			   struct tender_err *err)
{
	/* kernel_end is at most 4 GiB, so this cannot overflow. */
	uint64_t need = align_up(img->kernel_end + TENDER_STACK_MIN, mem_align);

	for (unsigned i = 0; i < img->nseg; i++) {
		const struct tender_segment *s = &img->seg[i];

		if (s->page_end > mem_size)
			return tender_fail(err, "segment at 0x%llx..0x%llx ends past the end of guest "
					   "memory (%llu MB); needs --mem=%llu or more",
					   (ull)s->vaddr, (ull)(s->vaddr + s->memsz),
					   (ull)(mem_size / MIB), (ull)(need / MIB));
	}
	if (need > mem_size)
		return tender_fail(err, "the image ends at 0x%llx, which leaves no room for the stack "
				   "in %llu MB of guest memory; needs --mem=%llu or more",
				   (ull)img->kernel_end, (ull)(mem_size / MIB), (ull)(need / MIB));
	return 0;
}

/* Section header `i` of a table of `n` at `off`, which the caller checked fits in the file. */
static void read_shdr(const uint8_t *file, uint64_t off, unsigned i, Elf64_Shdr *sh)
{
	memcpy(sh, file + off + (uint64_t)i * sizeof *sh, sizeof *sh);
}

static bool in_file(uint64_t off, uint64_t len, size_t size)
{
	uint64_t end;

	return tender_add_ok(off, len, &end) && end <= size;
}

int tender_elf_symbol(const uint8_t *file, size_t size, const char *name, uint64_t *addr)
{
	size_t len = strlen(name) + 1;	/* with the NUL */
	Elf64_Shdr tab, str;
	Elf64_Ehdr eh;
	int found = 0;
	unsigned i;

	if (size < sizeof eh || memcmp(file, ELFMAG, SELFMAG) != 0)
		return -1;
	memcpy(&eh, file, sizeof eh);
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_shentsize != sizeof(Elf64_Shdr) ||
	    eh.e_shnum == 0 || !in_file(eh.e_shoff, (uint64_t)eh.e_shnum * sizeof tab, size))
		return -1;
	for (i = 0; i < eh.e_shnum; i++) {
		read_shdr(file, eh.e_shoff, i, &tab);
		if (tab.sh_type == SHT_SYMTAB)
			break;
	}
	if (i == eh.e_shnum || tab.sh_entsize != sizeof(Elf64_Sym) || tab.sh_link >= eh.e_shnum ||
	    !in_file(tab.sh_offset, tab.sh_size, size))
		return -1;
	read_shdr(file, eh.e_shoff, tab.sh_link, &str);
	if (str.sh_type != SHT_STRTAB || !in_file(str.sh_offset, str.sh_size, size))
		return -1;
	for (uint64_t at = 0; at + sizeof(Elf64_Sym) <= tab.sh_size; at += sizeof(Elf64_Sym)) {
		Elf64_Sym sym;
		unsigned bind;

		memcpy(&sym, file + tab.sh_offset + at, sizeof sym);
		if (sym.st_shndx == SHN_UNDEF || ELF64_ST_TYPE(sym.st_info) == STT_SECTION ||
		    ELF64_ST_TYPE(sym.st_info) == STT_FILE || sym.st_name >= str.sh_size ||
		    str.sh_size - sym.st_name < len ||
		    memcmp(file + str.sh_offset + sym.st_name, name, len) != 0)
			continue;
		bind = ELF64_ST_BIND(sym.st_info);
		if (found && bind == STB_LOCAL)
			continue;
		*addr = sym.st_value;
		found = 1;
		if (bind != STB_LOCAL)
			break;
	}
	return found;
}

void tender_elf_load(const struct tender_image *img, const uint8_t *file, uintptr_t base)
{
	for (unsigned i = 0; i < img->nseg; i++) {
		const struct tender_segment *s = &img->seg[i];
		uint8_t *dst = (uint8_t *)(base + s->vaddr);

		memcpy(dst, file + s->offset, s->filesz);
		memset(dst + s->filesz, 0, s->memsz - s->filesz);
	}
}

int tender_read_file(const char *path, uint8_t **buf, size_t *size, struct tender_err *err)
{
	struct stat st;
	uint8_t *b;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return tender_fail(err, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0) {
		tender_fail(err, "%s: %s", path, strerror(errno));
		goto fail_close;
	}
	if (!S_ISREG(st.st_mode)) {
		tender_fail(err, "%s: not a regular file", path);
		goto fail_close;
	}
	if ((uint64_t)st.st_size > TENDER_MAX_FILE_SIZE) {
		tender_fail(err, "%s: %lld bytes is too big for a unikernel", path,
			    (long long)st.st_size);
		goto fail_close;
	}
	b = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!b) {
		tender_fail(err, "%s: out of memory", path);
		goto fail_close;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, b + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			tender_fail(err, "%s: %s", path, strerror(errno));
			goto fail_free;
		}
		if (n == 0)
			break;	/* the file shrank: what we have is what there is */
		got += (size_t)n;
	}
	close(fd);
	*buf = b;
	*size = got;
	return 0;
fail_free:
	free(b);
fail_close:
	close(fd);
	return -1;
}
