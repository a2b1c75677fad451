/* The architecture-independent part of the KVM backend: the VM, its memory and its vCPU. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../common/sandbox.h"
#include "hvt.h"

#define KVM_DEVICE "/dev/kvm"

void hvt_kvm_init(struct hvt *h)
{
	struct kvm_userspace_memory_region region;
	int version;

	h->kvm_fd = open(KVM_DEVICE, O_RDWR | O_CLOEXEC);
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
	memset(&region, 0, sizeof region);
	region.slot = 0;
	region.guest_phys_addr = 0;
	region.memory_size = h->mem_size;
	region.userspace_addr = (uint64_t)(uintptr_t)h->mem;
	if (ioctl(h->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		tender_die_errno("KVM_SET_USER_MEMORY_REGION");
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
}
