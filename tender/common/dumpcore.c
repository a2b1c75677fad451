/* Writing a guest's ELF core file (dumpcore.h). */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/procfs.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "dumpcore.h"

#define CORE_PAGE 4096u

_Static_assert(sizeof(((prstatus_t *)0)->pr_reg) == sizeof(struct user_regs_struct),
	       "NT_PRSTATUS carries a user_regs_struct");

int tender_dumpcore_open_dir(const char *dir, struct tender_err *err)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;

	if (fd < 0 && (errno == ELOOP || errno == ENOTDIR) && lstat(dir, &st) == 0 &&
	    S_ISLNK(st.st_mode))
		return tender_fail(err, "--dumpcore=%s: is a symbolic link; give the directory itself",
				   dir);
	if (fd < 0)
		return tender_fail(err, "--dumpcore=%s: %s", dir, strerror(errno));
	if (faccessat(fd, ".", W_OK, AT_EACCESS) < 0) {
		tender_fail(err, "--dumpcore=%s: cannot write there: %s", dir, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

void tender_dumpcore_name(char *name, size_t size, long pid)
{
	snprintf(name, size, "core.%s.%ld", tender_name, pid);
}

int tender_dumpcore_create(int dirfd, const char *name)
{
	return (int)syscall(SYS_openat, dirfd, name, TENDER_DUMPCORE_OPEN_FLAGS, 0600);
}

static int put(int fd, const void *buf, size_t len, uint64_t off)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = pwrite(fd, p, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

static int all_zero(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i += 8) {
		uint64_t v;

		memcpy(&v, p + i, 8);
		if (v)
			return 0;
	}
	return 1;
}

/*
 * The headers and the note, from offset 0 up; guest memory starts at the next page. The note is
 * bytes, not a struct: its descriptor follows the name at 4-byte alignment, where a struct would
 * pad it to 8.
 */
#define NOTE_NAME_SIZE 8	/* "CORE" and its NUL, padded to 4-byte alignment */
struct core_head {
	Elf64_Ehdr eh;
	Elf64_Phdr note, load;
	uint8_t nt[sizeof(Elf64_Nhdr) + NOTE_NAME_SIZE + sizeof(prstatus_t)];
};

long tender_dumpcore_write(int fd, const struct user_regs_struct *regs, int signo, long pid,
			   const struct tender_core_mem *mem, struct tender_err *err)
{
	static uint8_t page[CORE_PAGE];
	struct core_head h;
	Elf64_Nhdr nh = { .n_namesz = 5, .n_descsz = sizeof(prstatus_t), .n_type = NT_PRSTATUS };
	prstatus_t prs;
	uint64_t data_off = (sizeof h + CORE_PAGE - 1) / CORE_PAGE * CORE_PAGE;
	long written = 0;

	if (mem->base % CORE_PAGE || mem->size % CORE_PAGE || mem->size == 0)
		return tender_fail(err, "guest memory 0x%llx+0x%llx is not in whole pages",
				   (unsigned long long)mem->base, (unsigned long long)mem->size);
	memset(&h, 0, sizeof h);
	memcpy(h.eh.e_ident, ELFMAG, SELFMAG);
	h.eh.e_ident[EI_CLASS] = ELFCLASS64;
	h.eh.e_ident[EI_DATA] = ELFDATA2LSB;
	h.eh.e_ident[EI_VERSION] = EV_CURRENT;
	h.eh.e_ident[EI_OSABI] = ELFOSABI_NONE;
	h.eh.e_type = ET_CORE;
	h.eh.e_machine = EM_X86_64;
	h.eh.e_version = EV_CURRENT;
	h.eh.e_phoff = offsetof(struct core_head, note);
	h.eh.e_ehsize = sizeof h.eh;
	h.eh.e_phentsize = sizeof h.note;
	h.eh.e_phnum = 2;

	h.note.p_type = PT_NOTE;
	h.note.p_offset = offsetof(struct core_head, nt);
	h.note.p_filesz = sizeof h.nt;
	h.note.p_align = 4;

	h.load.p_type = PT_LOAD;
	h.load.p_flags = PF_R | PF_W | PF_X;
	h.load.p_offset = data_off;
	h.load.p_vaddr = mem->base;
	h.load.p_paddr = mem->base;
	h.load.p_filesz = mem->size;
	h.load.p_memsz = mem->size;
	h.load.p_align = CORE_PAGE;

	memset(&prs, 0, sizeof prs);
	prs.pr_info.si_signo = signo;
	prs.pr_cursig = (short)signo;
	prs.pr_pid = (pid_t)pid;
	memcpy(&prs.pr_reg, regs, sizeof *regs);
	memcpy(h.nt, &nh, sizeof nh);
	memcpy(h.nt + sizeof nh, "CORE", 5);
	memcpy(h.nt + sizeof nh + NOTE_NAME_SIZE, &prs, sizeof prs);

	if (put(fd, &h, offsetof(struct core_head, nt) + sizeof h.nt, 0) < 0)
		return tender_fail(err, "writing the ELF header: %s", strerror(errno));
	for (uint64_t at = 0; at < mem->size; at += CORE_PAGE) {
		if (mem->read(mem->ctx, mem->base + at, page, CORE_PAGE) < 0 ||
		    all_zero(page, CORE_PAGE))
			continue;
		if (put(fd, page, CORE_PAGE, data_off + at) < 0)
			return tender_fail(err, "writing guest memory at 0x%llx: %s",
					   (unsigned long long)(mem->base + at), strerror(errno));
		written++;
	}
	if (ftruncate(fd, (off_t)(data_off + mem->size)) < 0)
		return tender_fail(err, "setting the core's length: %s", strerror(errno));
	return written;
}
