/* The architecture-independent part of the KVM backend: the VM, its memory and its vCPU. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/kvm.h>
#include <stdbool.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/sandbox.h"
#include "hvt.h"

#define KVM_DEVICE "/dev/kvm"

/* /dev/kvm refused us: names the group that may open it, or says that only root may. */
static void kvm_denied(int e)
{
	struct stat st;
	struct group *g;

	if (stat(KVM_DEVICE, &st) == 0 && (st.st_mode & 060) == 060 && st.st_gid != 0) {
		g = getgrgid(st.st_gid);
		tender_die("%s: %s (needs membership of group %s, which may open it: sudo usermod "
			   "-aG %s $USER, then log in again)", KVM_DEVICE, strerror(e),
			   g ? g->gr_name : "kvm", g ? g->gr_name : "kvm");
	}
	tender_die("%s: %s (only root may open it here (mode %03o); run as root, or give it to "
		   "group kvm with mode 0660 and join that group)", KVM_DEVICE, strerror(e),
		   stat(KVM_DEVICE, &st) == 0 ? (unsigned)(st.st_mode & 0777) : 0u);
}

void hvt_kvm_init(struct hvt *h)
{
	int version;

	h->kvm_fd = open(KVM_DEVICE, O_RDWR | O_CLOEXEC);
	if (h->kvm_fd < 0 && (errno == EACCES || errno == EPERM))
		kvm_denied(errno);
	if (h->kvm_fd < 0)
		tender_die("%s: %s (KVM is needed to run hvt unikernels)", KVM_DEVICE,
			   strerror(errno));
	version = ioctl(h->kvm_fd, KVM_GET_API_VERSION, 0);
	if (version != KVM_API_VERSION)
		tender_die("%s: KVM API version %d, expected %d", KVM_DEVICE, version,
			   KVM_API_VERSION);
	h->vm_fd = ioctl(h->kvm_fd, KVM_CREATE_VM, 0);
	if (h->vm_fd < 0)
		tender_die_errno("KVM_CREATE_VM");

	/* Guest memory is data for the host: it is never mapped executable here. */
	h->mem = mmap(NULL, h->mem_size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (h->mem == MAP_FAILED)
		tender_die_errno("mapping %llu MB of guest memory",
				 (unsigned long long)(h->mem_size >> 20));
}

const struct tender_segment *hvt_readonly_segment(const struct hvt *h, uint64_t gpa)
{
	for (unsigned i = 0; h->img && i < h->img->nseg; i++) {
		const struct tender_segment *s = &h->img->seg[i];

		if (!(s->flags & TENDER_SEG_W) && gpa >= s->page_start && gpa < s->page_end)
			return s;
	}
	return NULL;
}

/* Gives guest-physical [start, end) to the VM as memory slot `slot`. */
static void add_slot(struct hvt *h, uint32_t slot, uint64_t start, uint64_t end, bool readonly)
{
	struct kvm_userspace_memory_region region = {
		.slot = slot,
		.flags = readonly ? KVM_MEM_READONLY : 0,
		.guest_phys_addr = start,
		.memory_size = end - start,
		.userspace_addr = (uint64_t)(uintptr_t)(h->mem + start),
	};

	if (ioctl(h->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		tender_die_errno("KVM_SET_USER_MEMORY_REGION [0x%llx, 0x%llx)%s",
				 (unsigned long long)start, (unsigned long long)end,
				 readonly ? " read-only" : "");
}

/*
 * Writable memory in slots between the read-only segments. Without KVM_CAP_READONLY_MEM the
 * host's mprotect still holds, but a guest write then fails KVM_RUN with EFAULT and no address.
 */
void hvt_kvm_map(struct hvt *h)
{
	bool ro_slots = ioctl(h->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_READONLY_MEM) > 0;
	uint64_t at = 0;
	uint32_t slot = 0;

	for (unsigned i = 0; i < h->img->nseg; i++) {
		const struct tender_segment *s = &h->img->seg[i];

		if (s->flags & TENDER_SEG_W)
			continue;
		if (mprotect(h->mem + s->page_start, s->page_end - s->page_start, PROT_READ) < 0)
			tender_die_errno("making segment %u read-only", i);
		if (!ro_slots)
			continue;
		if (s->page_start > at)
			add_slot(h, slot++, at, s->page_start, false);
		add_slot(h, slot++, s->page_start, s->page_end, true);
		at = s->page_end;
	}
	if (at < h->mem_size)
		add_slot(h, slot, at, h->mem_size, false);
}

void hvt_kvm_vcpu_init(struct hvt *h)
{
	int size;

	h->vcpu_fd = ioctl(h->vm_fd, KVM_CREATE_VCPU, 0);
	if (h->vcpu_fd < 0)
		tender_die_errno("KVM_CREATE_VCPU");
	size = ioctl(h->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < (int)sizeof(struct kvm_run))
		tender_die("KVM_GET_VCPU_MMAP_SIZE returned %d", size);
	h->run_size = (size_t)size;
	h->run = mmap(NULL, h->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, h->vcpu_fd, 0);
	if (h->run == MAP_FAILED)
		tender_die_errno("mapping the vCPU's kvm_run");
}

void hvt_kvm_sandbox(const struct hvt *h, scmp_filter_ctx ctx)
{
	struct scmp_arg_cmp c[2] = {
		tender_arg(0, SCMP_CMP_EQ, (scmp_datum_t)h->vcpu_fd),
		tender_arg(1, SCMP_CMP_EQ, KVM_RUN),
	};

	tender_sandbox_allow(ctx, "ioctl(KVM_RUN)", SCMP_SYS(ioctl), 2, c);
	c[1] = tender_arg(1, SCMP_CMP_EQ, KVM_GET_REGS);
	tender_sandbox_allow(ctx, "ioctl(KVM_GET_REGS)", SCMP_SYS(ioctl), 2, c);
	c[1] = tender_arg(1, SCMP_CMP_EQ, KVM_GET_SREGS);	/* cr2 after a triple fault */
	tender_sandbox_allow(ctx, "ioctl(KVM_GET_SREGS)", SCMP_SYS(ioctl), 2, c);
}
