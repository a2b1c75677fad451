/* fata-spt's seccomp filter (spt.h): the allow-list an spt guest runs under. */
#define _GNU_SOURCE
#include <asm/prctl.h>
#include <sys/mman.h>
#include <time.h>

#include "spt.h"
#include "spt_abi.h"

#define A0(v) tender_arg(0, SCMP_CMP_EQ, (scmp_datum_t)(v))

_Static_assert(SPT_BLOCK_MULTI_MAX == TENDER_BLOCK_MULTI_MAX, "the ABI's limit is the tender's");

scmp_filter_ctx spt_build_filter(const struct spt *spt, const struct mft *mft,
				 const struct tender_devices *devs)
{
	scmp_filter_ctx ctx = tender_sandbox_new();
	struct scmp_arg_cmp c[1];

	/* write(2) also serves the fault report (spt_fault.c). */
	tender_sandbox_base(ctx, spt->epollfd, spt->timerfd);
	c[0] = A0(CLOCK_MONOTONIC);
	tender_sandbox_allow(ctx, "clock_gettime(CLOCK_MONOTONIC)", SCMP_SYS(clock_gettime), 1, c);
	c[0] = A0(ARCH_SET_FS);
	tender_sandbox_allow(ctx, "arch_prctl", SCMP_SYS(arch_prctl), 1, c);
	if (spt->extensions) {
		/* SPT_FEATURE_STACK_GUARD: one page inside guest memory, never executable. */
		struct scmp_arg_cmp m[3] = {
			tender_arg(0, SCMP_CMP_LE, spt->mem_size - SPT_GUARD_SIZE),
			tender_arg(1, SCMP_CMP_EQ, SPT_GUARD_SIZE),
			tender_arg(2, SCMP_CMP_EQ, PROT_NONE),
		};

		tender_sandbox_allow(ctx, "mprotect(guard page)", SCMP_SYS(mprotect), 3, m);
		m[2] = tender_arg(2, SCMP_CMP_EQ, PROT_READ | PROT_WRITE);
		tender_sandbox_allow(ctx, "mprotect(guard page)", SCMP_SYS(mprotect), 3, m);
	}
	spt_fault_sandbox(ctx);
	tender_devices_sandbox(ctx, mft, devs);
	return ctx;
}
