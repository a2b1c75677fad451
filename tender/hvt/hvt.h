/*
 * fata-hvt's internals: the KVM backend (hvt_kvm.c, hvt_kvm_x86_64.c) and the hypercalls
 * (hvt_hypercall.c, with the device ones in hvt_block.c and hvt_net.c) share this state.
 */
#ifndef FATA_TENDER_HVT_H
#define FATA_TENDER_HVT_H

#include <seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/devices.h"
#include "../common/elf_load.h"
#include "../common/tender.h"
#include "mft_abi.h"

struct kvm_run;

struct hvt {
	uint8_t *mem;		/* host mapping of guest-physical 0..mem_size (no PROT_EXEC) */
	uint64_t mem_size;	/* a multiple of HVT_LARGE_PAGE_SIZE */
	int kvm_fd, vm_fd, vcpu_fd;
	struct kvm_run *run;
	size_t run_size;
	uint64_t tsc_hz;	/* cpu_cycle_freq for the boot info */
	uint64_t nx;		/* X86_PTE_NX when the guest's CPU has NX, else 0 */
	const struct mft *mft;	/* the manifest as checked (stays allocated) */
	const struct tender_image *img;	/* its segments: text and rodata are read-only */
	const struct tender_devices *devs;
	int epoll_fd, timer_fd;	/* for POLL */
	bool quiet;
	bool net_batch;		/* HVT_FEATURE_NET_BATCH offered: NET_READV, NET_WRITEV served */
	struct {		/* what NET_READV and NET_WRITEV moved, told at the guest's exit */
		uint64_t readv, writev, frames_in, frames_out, most_in, most_out;
	} net_stats;
};

/*
 * hvt_kvm.c: opens /dev/kvm (dying with "KVM is needed ..." when it is missing), creates the VM
 * and maps mem_size bytes of host memory for the guest, not yet given to it.
 */
void hvt_kvm_init(struct hvt *h);

/*
 * hvt_kvm.c: once the image is loaded, makes every segment of h->img that is not writable (text,
 * rodata) read-only in the host mapping and in KVM (a read-only memory slot, so that a guest
 * write exits to the tender with its address), and gives guest memory to the VM at
 * guest-physical 0.
 */
void hvt_kvm_map(struct hvt *h);

/*
 * hvt_kvm.c: the segment of h->img holding guest-physical `gpa` that the guest may not write, or
 * NULL.
 */
const struct tender_segment *hvt_readonly_segment(const struct hvt *h, uint64_t gpa);

/* hvt_kvm.c: creates the vCPU and maps its kvm_run structure. */
void hvt_kvm_vcpu_init(struct hvt *h);

/* hvt_kvm.c: the KVM system calls the run loop makes (KVM_RUN, KVM_GET_REGS on the vCPU). */
void hvt_kvm_sandbox(const struct hvt *h, scmp_filter_ctx ctx);

/*
 * hvt_kvm_x86_64.c: builds the x86_64 machine: GDT, page tables, CPUID (hypervisor hidden),
 * long mode registers with RIP = entry, RSP = mem_size - 8, RDI = the boot info; reads the TSC
 * frequency into h->tsc_hz.
 */
void hvt_arch_setup(struct hvt *h, uint64_t entry);

/* hvt_kvm_x86_64.c: runs the vCPU until the guest halts (exits the process) or fails (status 1). */
_Noreturn void hvt_arch_run(struct hvt *h);

/* hvt_hypercall.c: the epoll set (tap fds, handle in data.u64) and timerfd for POLL. */
void hvt_hypercall_init(struct hvt *h);

/*
 * hvt_hypercall.c: the system calls the hypercalls make, with their descriptors: the shared base
 * (tender_sandbox_base()) and each device's rules (tender_devices_sandbox()).
 */
void hvt_hypercall_sandbox(const struct hvt *h, scmp_filter_ctx ctx);

/*
 * hvt_hypercall.c, for the hypercall handlers (`nr` names the hypercall in messages): the host
 * address of guest range [gpa, gpa + len), or the guest dies; `what` names the field.
 */
void *hvt_guest_range(const struct hvt *h, unsigned nr, const char *what, uint64_t gpa,
		      uint64_t len);

/*
 * hvt_hypercall.c: as hvt_guest_range(), for a range the tender writes into: it must not touch a
 * read-only segment (text, rodata), which the host maps read-only too.
 */
void *hvt_guest_range_w(const struct hvt *h, unsigned nr, const char *what, uint64_t gpa,
			uint64_t len);

/*
 * hvt_hypercall.c: copies the argument struct of `size` bytes at `gpa` in (the guest is stopped,
 * so it cannot change under us), and back out; the guest dies when it is out of range.
 */
void hvt_arg_in(const struct hvt *h, unsigned nr, uint64_t gpa, void *arg, size_t size);
void hvt_arg_out(const struct hvt *h, unsigned nr, uint64_t gpa, const void *arg, size_t size);

/* hvt_hypercall.c: the device for `handle` if attached and of `type` (MFT_DEV_*), else NULL. */
const struct tender_device *hvt_device(const struct hvt *h, uint64_t handle, uint32_t type);

/*
 * hvt_block.c: BLOCK_WRITE and BLOCK_READ with their argument at `gpa`. A request that
 * tender_block_request_ok() refuses, a bad handle or a write to a read-only file gets
 * SOLO5_R_EINVAL; a short transfer SOLO5_R_EUNSPEC.
 */
void hvt_block_write(struct hvt *h, unsigned nr, uint64_t gpa);
void hvt_block_read(struct hvt *h, unsigned nr, uint64_t gpa);

/*
 * hvt_net.c: NET_WRITE (a frame of at most MTU + 14 bytes; a full tap queue drops it, as a busy
 * wire would) and NET_READ (SOLO5_R_AGAIN when no frame waits) with their argument at `gpa`.
 */
void hvt_net_write(struct hvt *h, unsigned nr, uint64_t gpa);
void hvt_net_read(struct hvt *h, unsigned nr, uint64_t gpa);

/*
 * hvt_net.c: NET_WRITEV and NET_READV (HVT_FEATURE_NET_BATCH, struct hvt_hc_net_batch): several
 * frames of one device per exit, each checked and answered as by NET_WRITE and NET_READ; a
 * count outside 1..HVT_NET_BATCH_MAX or a frame outside guest memory (or, for READV, in a
 * read-only segment) kills the guest. Counted in h->net_stats.
 */
void hvt_net_writev(struct hvt *h, unsigned nr, uint64_t gpa);
void hvt_net_readv(struct hvt *h, unsigned nr, uint64_t gpa);

/*
 * hvt_hypercall.c: serves hypercall `nr` (1..HVT_HYPERCALL_MAX-1) with its argument at
 * guest-physical `gpa`. HALT exits the process with the guest's status; anything malformed kills
 * the guest (hvt_guest_error).
 */
void hvt_hypercall_serve(struct hvt *h, unsigned nr, uint64_t gpa);

/*
 * hvt_dumpcore_x86_64.c: with --dumpcore=DIR (`dir` not NULL), opens DIR (dying with a clear
 * message when it is missing, a symbolic link or not writable) and adds to `ctx` the system
 * calls that writing a core needs. Call before the filter is installed.
 */
void hvt_dumpcore_init(const char *dir, scmp_filter_ctx ctx);

/*
 * hvt_dumpcore_x86_64.c: writes DIR/core.fata-hvt.PID for the guest that halts now; `cookie` is
 * the HALT's cookie (a guest address or 0). Does nothing without --dumpcore; failures are
 * reported on stderr and leave the guest's exit status alone.
 */
void hvt_dumpcore(const struct hvt *h, uint64_t cookie);

/*
 * hvt_gdb.c, --gdb: checks that KVM can debug the guest (saying so in one line when it cannot),
 * listens on 127.0.0.1:`port`, says "waiting for gdb on ..." and accepts one connection. Call
 * it before the sandbox, once the vCPU is set up. Dies when the port cannot be used.
 */
void hvt_gdb_init(struct hvt *h, unsigned port);

/* hvt_gdb.c: the stub's system calls (only after hvt_gdb_init(): nothing otherwise). */
void hvt_gdb_sandbox(const struct hvt *h, scmp_filter_ctx ctx);

/* hvt_gdb.c: lets gdb look at the guest before its first instruction (no-op without --gdb). */
void hvt_gdb_first_stop(struct hvt *h);

/* hvt_gdb.c: a KVM_EXIT_DEBUG (breakpoint or step): reports it to gdb and serves it. */
void hvt_gdb_debug_exit(struct hvt *h);

/* hvt_gdb.c: tells gdb the guest exited with `status`, or was ended for an error. */
void hvt_gdb_guest_exit(int status);
void hvt_gdb_guest_killed(void);

/* hvt_hypercall.c: the name of hypercall `nr` ("PUTS"), "?" for a number that is none. */
const char *hvt_hypercall_name(unsigned nr);

/*
 * hvt_count.c, --count-instructions: looks the application's entry (start, else
 * solo5_app_main) up in the symbol table of the binary file[0..size) and makes the vCPU
 * single-step from its first instruction. Call once the vCPU is set up, before the sandbox.
 */
void hvt_count_init(struct hvt *h, const uint8_t *file, size_t size);

/* hvt_count.c: counts a KVM_EXIT_DEBUG (one instruction); false without --count-instructions. */
bool hvt_count_step(const struct hvt *h);

/*
 * hvt_count.c: counts a KVM_EXIT_IO as the hypercall it names; for the HALT, or I/O that is no
 * hypercall (which ends the guest), reports first. Does nothing without --count-instructions.
 */
void hvt_count_io(const struct hvt *h);

/*
 * hvt_count.c: prints the counts on stderr in one line, once, as the guest ends: "fata-hvt:
 * counted N guest instructions, H hypercalls (PUTS 1, HALT 1); start reached after E
 * instructions". Does nothing without --count-instructions.
 */
void hvt_count_report(void);

/*
 * Stops the guest because it did something wrong: prints "fata-hvt: guest error: ..." and exits
 * with status 1. Safe under the seccomp filter.
 */
__attribute__((format(printf, 1, 2), noreturn))
void hvt_guest_error(const char *fmt, ...);

#endif
