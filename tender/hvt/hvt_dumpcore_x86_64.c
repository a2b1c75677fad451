/*
 * fata-hvt --dumpcore=DIR: on a HALT with status 255 (an abort, or a trap the guest's handler
 * reported), writes DIR/core.fata-hvt.PID. The guest runs in KVM and cannot make system calls,
 * so the tender writes the core itself, under its seccomp filter: the directory is opened before
 * the filter, and the filter allows openat() only on that directory's descriptor with exactly
 * the creating flags (O_EXCL | O_NOFOLLOW), then pwrite64() and ftruncate() only on the one
 * descriptor number that openat() will return.
 *
 * The registers: KVM_GET_REGS and KVM_GET_SREGS (where the HALT was made); when the guest passed
 * a trap cookie, rip, cs, rflags, rsp and ss come from it (Solo5's layout), and all general
 * registers too when it carries Fata's HVT_TRAP_GPRS_MAGIC.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "../common/dumpcore.h"
#include "../common/sandbox.h"
#include "hvt.h"
#include "hvt_abi.h"

static const char *core_dir;
static int core_dirfd = -1, core_fd_next = -1;
static long core_pid;	/* getpid() is not in the filter */

void hvt_dumpcore_init(const char *dir, scmp_filter_ctx ctx)
{
	struct tender_err err;
	struct scmp_arg_cmp c[3];

	if (!dir)
		return;
	core_dir = dir;
	core_pid = (long)getpid();
	core_dirfd = tender_dumpcore_open_dir(dir, &err);
	if (core_dirfd < 0)
		tender_die("%s", err.msg);
	/* Under the filter nothing else opens a descriptor: openat() returns the lowest free one. */
	core_fd_next = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (core_fd_next < 0)
		tender_die_errno("/dev/null");
	close(core_fd_next);

	c[0] = tender_arg(0, SCMP_CMP_EQ, (scmp_datum_t)core_dirfd);
	c[1] = tender_arg(2, SCMP_CMP_EQ, TENDER_DUMPCORE_OPEN_FLAGS);
	tender_sandbox_allow(ctx, "openat(--dumpcore dir, O_CREAT | O_EXCL)", SCMP_SYS(openat), 2, c);
	c[0] = tender_arg(0, SCMP_CMP_EQ, (scmp_datum_t)core_fd_next);
	tender_sandbox_allow(ctx, "pwrite64(core)", SCMP_SYS(pwrite64), 1, c);
	tender_sandbox_allow(ctx, "ftruncate(core)", SCMP_SYS(ftruncate), 1, c);
	/* KVM_GET_SREGS is in hvt_kvm_sandbox() already. */
}

static int read_mem(void *ctx, uint64_t addr, void *buf, size_t len)
{
	const struct hvt *h = ctx;

	if (addr > h->mem_size || len > h->mem_size - addr)
		return -1;
	memcpy(buf, h->mem + addr, len);
	return 0;
}

/* The registers for the core: KVM's, then what the cookie says. */
static int get_regs(const struct hvt *h, uint64_t cookie, struct user_regs_struct *u)
{
	struct kvm_regs r;
	struct kvm_sregs s;

	if (ioctl(h->vcpu_fd, KVM_GET_REGS, &r) < 0 || ioctl(h->vcpu_fd, KVM_GET_SREGS, &s) < 0)
		return -1;
	memset(u, 0, sizeof *u);
	u->rax = r.rax, u->rbx = r.rbx, u->rcx = r.rcx, u->rdx = r.rdx;
	u->rsi = r.rsi, u->rdi = r.rdi, u->rbp = r.rbp, u->rsp = r.rsp;
	u->r8 = r.r8, u->r9 = r.r9, u->r10 = r.r10, u->r11 = r.r11;
	u->r12 = r.r12, u->r13 = r.r13, u->r14 = r.r14, u->r15 = r.r15;
	u->rip = r.rip, u->eflags = r.rflags;
	u->cs = s.cs.selector, u->ss = s.ss.selector, u->ds = s.ds.selector;
	u->es = s.es.selector, u->fs = s.fs.selector, u->gs = s.gs.selector;
	u->fs_base = s.fs.base, u->gs_base = s.gs.base;

	if (cookie && cookie <= h->mem_size && h->mem_size - cookie >= HVT_TRAP_COOKIE_SOLO5_SIZE) {
		struct hvt_trap_cookie t;
		size_t n = h->mem_size - cookie < sizeof t ? HVT_TRAP_COOKIE_SOLO5_SIZE : sizeof t;

		memset(&t, 0, sizeof t);
		memcpy(&t, h->mem + cookie, n);
		u->rip = t.rip, u->cs = t.cs, u->eflags = t.rflags, u->rsp = t.rsp, u->ss = t.ss;
		if (n == sizeof t && t.magic == HVT_TRAP_GPRS_MAGIC) {
			u->rax = t.rax, u->rbx = t.rbx, u->rcx = t.rcx, u->rdx = t.rdx;
			u->rsi = t.rsi, u->rdi = t.rdi, u->rbp = t.rbp;
			u->r8 = t.r8, u->r9 = t.r9, u->r10 = t.r10, u->r11 = t.r11;
			u->r12 = t.r12, u->r13 = t.r13, u->r14 = t.r14, u->r15 = t.r15;
		}
	}
	return 0;
}

void hvt_dumpcore(const struct hvt *h, uint64_t cookie)
{
	struct tender_core_mem mem = {
		.base = 0, .size = h->mem_size, .read = read_mem, .ctx = (void *)(uintptr_t)h,
	};
	struct user_regs_struct regs;
	struct tender_err err;
	char name[64];
	long pages;
	int fd;

	if (core_dirfd < 0)
		return;
	if (get_regs(h, cookie, &regs) < 0) {
		tender_note("dumpcore: cannot read the guest's registers (errno %d); no core written",
			    errno);
		return;
	}
	tender_dumpcore_name(name, sizeof name, core_pid);
	fd = tender_dumpcore_create(core_dirfd, name);
	if (fd < 0) {
		tender_note("dumpcore: %s/%s: %s; no core written", core_dir, name, strerror(errno));
		return;
	}
	if (fd != core_fd_next) {
		tender_note("dumpcore: %s/%s got descriptor %d, not %d; core left empty", core_dir,
			    name, fd, core_fd_next);
		return;
	}
	pages = tender_dumpcore_write(fd, &regs, 0, core_pid, &mem, &err);
	if (pages < 0)
		tender_note("dumpcore: %s/%s: %s", core_dir, name, err.msg);
	else
		tender_note("dumpcore: guest core written to %s/%s (%ld non-zero pages)", core_dir,
			    name, pages);
}
