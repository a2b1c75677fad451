/*
 * fata-hvt: runs an hvt unikernel in a KVM virtual machine. Everything the user gave (options,
 * the binary, the devices) is checked before /dev/kvm is opened, so bad input fails the same way
 * on a machine without KVM. Then it builds the machine, drops to a seccomp allow-list and serves
 * hypercalls until the guest halts.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/devices.h"
#include "../common/elf_load.h"
#include "../common/opts.h"
#include "../common/sandbox.h"
#include "../common/tender.h"
#include "hvt.h"
#include "solo5_abi.h"

#define MIB (1ull << 20)

/* Writes the boot info, then the manifest copy, then the command line, from 0x10000 up. */
static void write_boot_info(struct hvt *h, const struct tender_image *img, const char *cmdline)
{
	struct hvt_boot_info bi;
	uint64_t mft_at = HVT_BOOT_INFO_BASE + sizeof bi;
	uint64_t cmdline_at = mft_at + ((img->mft_size + 7) & ~(uint64_t)7);

	_Static_assert(HVT_BOOT_INFO_BASE + sizeof(struct hvt_boot_info) +
		       MFT_SIZE(MFT_MAX_ENTRIES) + HVT_CMDLINE_SIZE <= HVT_GUEST_MIN_BASE,
		       "boot info, manifest and command line fit below the image");
	memset(&bi, 0, sizeof bi);
	bi.mem_size = h->mem_size;
	bi.kernel_end = img->kernel_end;
	bi.cpu_cycle_freq = h->tsc_hz;
	bi.cmdline = cmdline_at;
	bi.mft = mft_at;
	bi.host_features = h->devs->block_max ? HVT_FEATURE_BLOCK_MULTI : 0;
	memcpy(h->mem + HVT_BOOT_INFO_BASE, &bi, sizeof bi);
	tender_mft_fill(img->mft, img->mft_size, h->devs, false, h->mem + mft_at);
	memcpy(h->mem + cmdline_at, cmdline, strlen(cmdline) + 1);
}

int main(int argc, char **argv)
{
	static char cmdline[HVT_CMDLINE_SIZE];
	static struct tender_devices devs;
	struct tender_opts opts;
	struct tender_err err;
	struct tender_image img;
	struct hvt h;
	scmp_filter_ctx filter;
	uint8_t *file;
	size_t size;

	tender_name = "fata-hvt";
	if (tender_opts_parse(argc, argv, &opts, &err) < 0)
		tender_die("%s", err.msg);
	if (opts.help) {
		tender_usage(stdout, "hvt");
		return 0;
	}
	if (opts.version) {
		printf("fata-hvt %s (Solo5 hvt ABI version %u)\n", TENDER_VERSION, HVT_ABI_VERSION);
		return 0;
	}

	memset(&h, 0, sizeof h);
	h.quiet = opts.quiet;
	h.mem_size = (opts.mem_mb * MIB) & ~(uint64_t)(HVT_LARGE_PAGE_SIZE - 1);

	if (tender_read_file(opts.kernel, &file, &size, &err) < 0)
		tender_die("%s", err.msg);
	if (tender_elf_parse(file, size, SOLO5_ABI_TARGET_HVT, HVT_ABI_VERSION, &img, &err) < 0)
		tender_die("%s: %s", opts.kernel, err.msg);
	if (tender_image_check_mem(&img, h.mem_size, HVT_LARGE_PAGE_SIZE, &err) < 0)
		tender_die("%s: %s", opts.kernel, err.msg);
	if (tender_cmdline_join(opts.guest_argc, opts.guest_argv, cmdline, sizeof cmdline,
				&err) < 0)
		tender_die("%s", err.msg);
	if (tender_devices_resolve(&opts, img.mft, opts.kernel, &devs, &err) < 0 ||
	    tender_devices_open(img.mft, &devs, &err) < 0)
		tender_die("%s", err.msg);
	if (opts.no_extensions)
		devs.block_max = 0;
	h.mft = img.mft;	/* kept: the hypercalls look devices up in it */
	h.devs = &devs;
	if (h.mem_size != opts.mem_mb * MIB && !opts.quiet)
		tender_note("--mem=%llu rounded down to %llu MB (hvt memory comes in 2 MB pages)",
			    (unsigned long long)opts.mem_mb, (unsigned long long)(h.mem_size / MIB));

	hvt_kvm_init(&h);
	tender_elf_load(&img, file, (uintptr_t)h.mem);
	free(file);
	hvt_kvm_vcpu_init(&h);
	hvt_arch_setup(&h, img.entry);
	write_boot_info(&h, &img, cmdline);
	hvt_hypercall_init(&h);
	if (!opts.quiet)
		tender_print_banner("hvt", opts.kernel, &img, h.mem_size, img.mft, &devs);

	filter = tender_sandbox_new();
	hvt_kvm_sandbox(&h, filter);
	hvt_hypercall_sandbox(&h, filter);
	fflush(NULL);
	tender_sandbox_install(filter);
	hvt_arch_run(&h);
}
