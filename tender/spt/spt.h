/*
 * fata-spt's parts that share state: the process's run-time settings, the seccomp filter it
 * drops into (spt_filter.c, also built into the syscall fuzz harness) and the fault handler
 * (spt_fault.c).
 */
#ifndef FATA_TENDER_SPT_H
#define FATA_TENDER_SPT_H

#include <stdbool.h>
#include <stdint.h>

#include "../common/devices.h"
#include "../common/sandbox.h"

struct spt {
	uint64_t mem_size;
	int epollfd, timerfd;
	bool extensions;	/* offer Fata's extensions (not --no-extensions) */
};

/*
 * The seccomp filter of a guest with `spt`'s settings and the devices of `mft`: exactly the
 * system calls docs/solo5-abi.md lists for an spt guest, with their arguments. Dies on failure.
 */
scmp_filter_ctx spt_build_filter(const struct spt *spt, const struct mft *mft,
				 const struct tender_devices *devs);

/* Installs the fault handler: a guest's fault is reported on stderr, then kills by its signal. */
void spt_fault_init(void);

/* Adds the fault handler's rule to `ctx`: tgkill of this very thread with a fault signal. */
void spt_fault_sandbox(scmp_filter_ctx ctx);

#endif
