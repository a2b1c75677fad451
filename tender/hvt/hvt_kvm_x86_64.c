/*
 * The x86_64 part of the KVM backend: the machine of docs/solo5-abi.md (long mode from the first
 * instruction, identity-mapped memory, boot info at 0x10000) and the vCPU run loop, which turns
 * port I/O to 0x500 + nr into hypercalls and every other exit into a clear guest error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "../common/sandbox.h"
#include "hvt.h"
#include "hvt_abi.h"
#include "hvt_cpu_x86_64.h"

/* CPUID bits hidden from the guest. */
#define CPUID1_ECX_VMX (1u << 5)
#define CPUID1_ECX_HYPERVISOR (1u << 31)
#define CPUID80000001_ECX_SVM (1u << 2)
#define CPUID80000001_EDX_NX (1u << 20)

static struct kvm_segment kvm_seg(const struct x86_seg *s)
{
	struct kvm_segment k = {
		.base = s->base, .limit = s->limit, .selector = s->selector, .type = s->type,
		.present = s->present, .dpl = s->dpl, .db = s->db, .s = s->s, .l = s->l,
		.g = s->g, .avl = s->avl,
	};

	return k;
}

/*
 * Gives the guest what KVM supports, minus what would tell it that it runs under a hypervisor:
 * the hypervisor bit, the KVM signature and feature leaves (0x40000000-0x4fffffff), and the
 * VMX/SVM bits.
 */
static void setup_cpuid(struct hvt *h)
{
	struct kvm_cpuid2 *c = NULL;
	uint32_t out = 0;

	for (uint32_t n = 128; ; n *= 2) {
		c = realloc(c, sizeof *c + n * sizeof c->entries[0]);
		if (!c)
			tender_die("out of memory for CPUID entries");
		memset(c, 0, sizeof *c);
		c->nent = n;
		if (ioctl(h->kvm_fd, KVM_GET_SUPPORTED_CPUID, c) == 0)
			break;
		if (errno != E2BIG || n >= 4096)
			tender_die_errno("KVM_GET_SUPPORTED_CPUID");
	}
	for (uint32_t i = 0; i < c->nent; i++) {
		struct kvm_cpuid_entry2 e = c->entries[i];

		if (e.function >= 0x40000000 && e.function <= 0x4fffffff)
			continue;
		if (e.function == 1)
			e.ecx &= ~(CPUID1_ECX_HYPERVISOR | CPUID1_ECX_VMX);
		if (e.function == 0x80000001) {
			e.ecx &= ~CPUID80000001_ECX_SVM;
			if (e.edx & CPUID80000001_EDX_NX)
				h->nx = X86_PTE_NX;
		}
		c->entries[out++] = e;
	}
	c->nent = out;
	if (ioctl(h->vcpu_fd, KVM_SET_CPUID2, c) < 0)
		tender_die_errno("KVM_SET_CPUID2");
	free(c);
}

static void setup_tsc(struct hvt *h)
{
	int khz;

	if (ioctl(h->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_GET_TSC_KHZ) != 1)
		tender_die("KVM cannot tell the TSC frequency (no KVM_CAP_GET_TSC_KHZ)");
	khz = ioctl(h->vcpu_fd, KVM_GET_TSC_KHZ, 0);
	if (khz < 0 && errno == EIO)
		tender_die("the host's TSC is unstable; hvt guests need a stable TSC");
	if (khz <= 0)
		tender_die_errno("KVM_GET_TSC_KHZ");
	h->tsc_hz = (uint64_t)khz * 1000;
}

void hvt_arch_setup(struct hvt *h, uint64_t entry)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	setup_cpuid(h);
	x86_setup_gdt(h->mem);
	x86_setup_page_tables(h->mem, h->mem_size, h->img, h->nx);

	if (ioctl(h->vcpu_fd, KVM_GET_SREGS, &sregs) < 0)
		tender_die_errno("KVM_GET_SREGS");
	sregs.cr0 = X86_CR0_INIT;
	sregs.cr3 = HVT_PML4_BASE;
	sregs.cr4 = X86_CR4_INIT;
	sregs.efer = X86_EFER_INIT | (h->nx ? X86_EFER_NXE : 0);
	sregs.cs = kvm_seg(&x86_seg_code);
	sregs.ds = sregs.es = sregs.fs = sregs.gs = sregs.ss = kvm_seg(&x86_seg_data);
	sregs.gdt.base = HVT_GDT_BASE;
	sregs.gdt.limit = X86_GDT_ENTRIES * 8 - 1;
	memset(&sregs.tr, 0, sizeof sregs.tr);
	sregs.tr.type = 0xb;	/* 64-bit TSS, busy: VM entry wants a usable TR */
	sregs.tr.present = 1;
	memset(&sregs.ldt, 0, sizeof sregs.ldt);
	sregs.ldt.unusable = 1;
	if (ioctl(h->vcpu_fd, KVM_SET_SREGS, &sregs) < 0)
		tender_die_errno("KVM_SET_SREGS");

	/* System V: RSP + 8 is 16-byte aligned at entry, RDI is the first argument. */
	memset(&regs, 0, sizeof regs);
	regs.rip = entry;
	regs.rsp = h->mem_size - 8;
	regs.rdi = HVT_BOOT_INFO_BASE;
	regs.rflags = X86_RFLAGS_INIT;
	if (ioctl(h->vcpu_fd, KVM_SET_REGS, &regs) < 0)
		tender_die_errno("KVM_SET_REGS");

	setup_tsc(h);
}

static unsigned long long guest_rip(const struct hvt *h)
{
	struct kvm_regs regs;

	if (ioctl(h->vcpu_fd, KVM_GET_REGS, &regs) < 0)
		return 0;
	return regs.rip;
}

/* " in segment N (text, r-x)" for an address of the image, else "". */
static const char *where(const struct hvt *h, uint64_t gpa, char *buf, size_t size)
{
	const struct tender_segment *s = NULL;

	for (unsigned i = 0; h->img && i < h->img->nseg; i++)
		if (gpa >= h->img->seg[i].page_start && gpa < h->img->seg[i].page_end)
			s = &h->img->seg[i];
	if (!s) {
		buf[0] = 0;
		return buf;
	}
	snprintf(buf, size, " in segment %u (%c%c%c)", (unsigned)(s - h->img->seg),
		 s->flags & TENDER_SEG_R ? 'r' : '-', s->flags & TENDER_SEG_W ? 'w' : '-',
		 s->flags & TENDER_SEG_X ? 'x' : '-');
	return buf;
}

/*
 * A guest write to a read-only segment reaches the tender as MMIO to a read-only slot; any
 * other MMIO is outside guest memory.
 */
static _Noreturn void mmio_fault(const struct hvt *h)
{
	const struct kvm_run *run = h->run;
	unsigned long long gpa = run->mmio.phys_addr;
	char seg[48];

	if (run->mmio.is_write && hvt_readonly_segment(h, gpa))
		hvt_guest_error("write to read-only memory at 0x%llx%s, at rip 0x%llx",
				gpa, where(h, gpa, seg, sizeof seg), guest_rip(h));
	hvt_guest_error("%s at 0x%llx, outside guest memory, at rip 0x%llx",
			run->mmio.is_write ? "write" : "read", gpa, guest_rip(h));
}

/*
 * The CPU shut down: an exception the guest had no working handler for (a raw guest without
 * an IDT turns its first fault into a triple fault). CR2 still holds the address of the last
 * page fault, which is usually the one that started it.
 */
static _Noreturn void triple_fault(const struct hvt *h)
{
	struct kvm_sregs sregs;
	char seg[48];

	if (ioctl(h->vcpu_fd, KVM_GET_SREGS, &sregs) < 0)
		hvt_guest_error("triple fault (the vCPU shut down) at rip 0x%llx", guest_rip(h));
	hvt_guest_error("triple fault (the vCPU shut down: no usable exception "
			"handler) at rip 0x%llx; last page fault address (cr2) 0x%llx%s",
			guest_rip(h), (unsigned long long)sregs.cr2,
			where(h, sregs.cr2, seg, sizeof seg));
}

static void handle_io(struct hvt *h)
{
	const struct kvm_run *run = h->run;
	uint32_t gpa;
	unsigned nr;

	if (run->io.direction != KVM_EXIT_IO_OUT || run->io.size != 4 || run->io.count != 1)
		hvt_guest_error("%s of %u byte(s) on port 0x%x at rip 0x%llx: hypercalls are one "
				"4-byte OUT", run->io.direction == KVM_EXIT_IO_OUT ? "OUT" : "IN",
				run->io.size, run->io.port, guest_rip(h));
	if (run->io.port <= HVT_HYPERCALL_PIO_BASE ||
	    run->io.port >= HVT_HYPERCALL_PIO_BASE + HVT_HYPERCALL_MAX)
		hvt_guest_error("OUT to port 0x%x at rip 0x%llx, which is no hypercall",
				run->io.port, guest_rip(h));
	if (run->io.data_offset > h->run_size - sizeof gpa)
		tender_die("KVM reported I/O data outside kvm_run");
	memcpy(&gpa, (const uint8_t *)run + run->io.data_offset, sizeof gpa);
	nr = run->io.port - HVT_HYPERCALL_PIO_BASE;
	hvt_hypercall_serve(h, nr, gpa);
}

void hvt_arch_run(struct hvt *h)
{
	for (;;) {
		const struct kvm_run *run = h->run;

		if (ioctl(h->vcpu_fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			hvt_count_report();
			if (errno == EFAULT)
				hvt_guest_error("memory fault at rip 0x%llx", guest_rip(h));
			tender_die("KVM_RUN failed (errno %d)", errno);
		}
		if (run->exit_reason != KVM_EXIT_IO && run->exit_reason != KVM_EXIT_DEBUG)
			hvt_count_report();	/* the guest ends: the counts first */
		switch (run->exit_reason) {
		case KVM_EXIT_IO:
			hvt_count_io(h);
			handle_io(h);
			break;
		case KVM_EXIT_DEBUG:
			if (!hvt_count_step(h))
				hvt_gdb_debug_exit(h);
			break;
		case KVM_EXIT_MMIO:
			mmio_fault(h);
		case KVM_EXIT_HLT:
			hvt_guest_error("HLT with interrupts off at rip 0x%llx (the guest must exit "
					"with the HALT hypercall)", guest_rip(h));
		case KVM_EXIT_SHUTDOWN:
			triple_fault(h);
		case KVM_EXIT_FAIL_ENTRY:
			tender_die("KVM could not enter the guest (hardware reason 0x%llx)",
				   (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		case KVM_EXIT_INTERNAL_ERROR:
			hvt_guest_error("KVM internal error %u at rip 0x%llx (often an instruction "
					"KVM cannot emulate)", run->internal.suberror, guest_rip(h));
		default:
			hvt_guest_error("unexpected KVM exit %u at rip 0x%llx", run->exit_reason,
					guest_rip(h));
		}
	}
}
