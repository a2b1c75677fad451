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

#include "../common/entropy.h"
#include "../common/sandbox.h"
#include "../common/start.h"
#include "../common/tender.h"
#include "hvt.h"
#include "hvt_cpu_x86_64.h"
#include "solo5_abi.h"

/* Writes the boot info, then the manifest copy, then the command line, from 0x10000 up. */
static void write_boot_info(struct hvt *h, const struct tender_image *img, const char *cmdline,
			    bool extensions)
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
	bi.host_features = (h->devs->block_max ? HVT_FEATURE_BLOCK_MULTI : 0) |
			   (h->devs->net_offload ? HVT_FEATURE_NET_OFFLOAD : 0);
	if (extensions) {
		tender_entropy_read(bi.entropy, sizeof bi.entropy);
		bi.host_features |= HVT_FEATURE_ENTROPY | HVT_FEATURE_NET_BATCH;
		h->net_batch = true;
	}
	memcpy(h->mem + HVT_BOOT_INFO_BASE, &bi, sizeof bi);
	explicit_bzero(&bi, sizeof bi);
	tender_mft_fill(img->mft, img->mft_size, h->devs, false, h->mem + mft_at);
	memcpy(h->mem + cmdline_at, cmdline, strlen(cmdline) + 1);
}

int main(int argc, char **argv)
{
	static struct tender_start st;
	struct hvt h;
	scmp_filter_ctx filter;
	struct tender_err err;

	_Static_assert(HVT_CMDLINE_SIZE == TENDER_CMDLINE_SIZE, "one command-line size");
	tender_start(argc, argv, "hvt", SOLO5_ABI_TARGET_HVT, HVT_ABI_VERSION, HVT_LARGE_PAGE_SIZE,
		     &st);
	memset(&h, 0, sizeof h);
	h.quiet = st.opts.quiet;
	h.mem_size = st.mem_size;
	h.mft = st.img.mft;	/* kept: the hypercalls look devices up in it */
	h.devs = &st.devs;
	h.img = &st.img;
	if (x86_page_tables_check(&st.img, h.mem_size, &err) < 0)
		tender_die("%s: %s", st.opts.kernel, err.msg);

	hvt_kvm_init(&h);
	tender_elf_load(&st.img, st.file, (uintptr_t)h.mem);
	hvt_kvm_map(&h);
	hvt_kvm_vcpu_init(&h);
	hvt_arch_setup(&h, st.img.entry);
	if (st.opts.count_instructions)
		hvt_count_init(&h, st.file, st.size);	/* reads the symbols: before the sandbox */
	free(st.file);
	write_boot_info(&h, &st.img, st.cmdline, !st.opts.no_extensions);
	hvt_hypercall_init(&h);
	if (!st.opts.quiet)
		tender_print_banner("hvt", st.opts.kernel, &st.img, h.mem_size, st.img.mft, &st.devs);
	if (st.opts.gdb)
		hvt_gdb_init(&h, st.opts.gdb_port);

	filter = tender_sandbox_new();
	hvt_kvm_sandbox(&h, filter);
	hvt_hypercall_sandbox(&h, filter);
	hvt_dumpcore_init(st.opts.dumpcore, filter);
	hvt_gdb_sandbox(&h, filter);
	fflush(NULL);
	tender_sandbox_install(filter);
	hvt_gdb_first_stop(&h);
	hvt_arch_run(&h);
}
