/* The start-up both tenders share (start.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hvt_abi.h"
#include "spt_abi.h"
#include "start.h"
#include "tender.h"

#define MIB (1ull << 20)

_Static_assert(HVT_FEATURE_NET_OFFLOAD == SPT_FEATURE_NET_OFFLOAD, "one bit on both targets");

void tender_start(int argc, char **argv, const char *target, uint32_t abi_target,
		  uint32_t abi_version, uint64_t mem_page, struct tender_start *s)
{
	static char name[16];
	struct tender_err err;

	snprintf(name, sizeof name, "fata-%s", target);
	tender_name = name;
	if (tender_opts_parse(argc, argv, &s->opts, &err) < 0)
		tender_die("%s", err.msg);
	if (s->opts.help) {
		tender_usage(stdout, target);
		exit(0);
	}
	if (s->opts.version) {
		printf("%s %s (Solo5 %s ABI version %u)\n", name, TENDER_VERSION, target, abi_version);
		exit(0);
	}
	/* gdb cannot set breakpoints in the guest before fata-spt maps it: hence the first break. */
	if (s->opts.gdb && strcmp(target, "hvt") != 0)
		tender_die("--gdb is for fata-hvt; debug an %s unikernel by running %s under gdb: "
			   "gdb -ex 'break fata_spt_launch' -ex run -ex 'add-symbol-file KERNEL' "
			   "--args /path/to/%s KERNEL", target, name, name);
	if (s->opts.count_instructions && strcmp(target, "hvt") != 0)
		tender_die("--count-instructions is for fata-hvt (it single-steps a KVM guest)");
	s->mem_size = s->opts.mem_mb * MIB / mem_page * mem_page;
	if (tender_read_file(s->opts.kernel, &s->file, &s->size, &err) < 0)
		tender_die("%s", err.msg);
	if (tender_elf_parse(s->file, s->size, abi_target, abi_version, &s->img, &err) < 0)
		tender_die("%s: %s", s->opts.kernel, err.msg);
	if (tender_image_check_mem(&s->img, s->mem_size, mem_page, &err) < 0)
		tender_die("%s: %s", s->opts.kernel, err.msg);
	if (tender_cmdline_join(s->opts.guest_argc, s->opts.guest_argv, s->cmdline,
				sizeof s->cmdline, &err) < 0)
		tender_die("%s", err.msg);
	/* NET_OFFLOAD is bit 19 on both targets; only a guest that lists it gets it. */
	if (tender_devices_resolve(&s->opts, s->img.mft, s->opts.kernel, &s->devs, &err) < 0 ||
	    tender_devices_open(s->img.mft, &s->devs, !s->opts.no_extensions &&
				(s->img.fex_features & HVT_FEATURE_NET_OFFLOAD), &err) < 0)
		tender_die("%s", err.msg);
	if (s->opts.no_extensions)
		s->devs.block_max = 0;
	for (unsigned i = 1; i < s->devs.n && !s->opts.quiet; i++)
		if (s->devs.d[i].note[0])
			tender_note("%s", s->devs.d[i].note);
	if (s->mem_size != s->opts.mem_mb * MIB && !s->opts.quiet)
		tender_note("--mem=%llu rounded down to %llu MB (%s memory comes in %llu MB pages)",
			    (unsigned long long)s->opts.mem_mb,
			    (unsigned long long)(s->mem_size / MIB), target,
			    (unsigned long long)(mem_page / MIB));
}
