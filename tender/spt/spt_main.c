/*
 * fata-spt: runs an spt unikernel inside this very process. Checks the binary and the options,
 * maps guest memory at its guest addresses, loads the image with its real permissions, writes the
 * boot info, drops to a seccomp allow-list and jumps to the entry point. The guest's exit_group
 * status is the process's status.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "../common/entropy.h"
#include "../common/sandbox.h"
#include "../common/start.h"
#include "../common/tender.h"
#include "solo5_abi.h"
#include "spt.h"

#define MIB (1ull << 20)

/* In spt_launch_x86_64.S. */
_Noreturn void fata_spt_launch(uint64_t stack, uint64_t entry, uint64_t boot_info);
/* In spt_dumpcore.c: --dumpcore: returns in a traced child; the parent writes the core. */
void spt_dumpcore_start(const char *dir, uint64_t mem_base, uint64_t mem_size, bool note);
void spt_watch_start(void);

static void map_memory(struct spt *spt)
{
	int persona = personality(0xffffffff);
	void *p;

	/* With READ_IMPLIES_EXEC every readable mapping would be executable. */
	if (persona < 0 || (persona & READ_IMPLIES_EXEC))
		tender_die("refusing to run with the READ_IMPLIES_EXEC personality");
	p = mmap((void *)(uintptr_t)SPT_HOST_MEM_BASE, spt->mem_size - SPT_HOST_MEM_BASE,
		 PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED && errno == EEXIST)
		tender_die("guest memory 0x%x-0x%llx overlaps this process's own mappings; "
			   "try a smaller --mem", SPT_HOST_MEM_BASE, (unsigned long long)spt->mem_size);
	if (p == MAP_FAILED)
		tender_die_errno("mapping %llu MB of guest memory at 0x%x",
				 (unsigned long long)(spt->mem_size / MIB), SPT_HOST_MEM_BASE);
	if (p != (void *)(uintptr_t)SPT_HOST_MEM_BASE)
		tender_die("the kernel mapped guest memory at %p instead of 0x%x (it needs Linux 4.17 "
			   "or later)", p, SPT_HOST_MEM_BASE);
}

static int prot_of(uint32_t flags)
{
	return (flags & TENDER_SEG_R ? PROT_READ : 0) | (flags & TENDER_SEG_W ? PROT_WRITE : 0) |
	       (flags & TENDER_SEG_X ? PROT_EXEC : 0);
}

/* Writes the boot info, the manifest copy and the command line from SPT_BOOT_INFO_BASE up. */
static void write_boot_info(const struct spt *spt, const struct tender_image *img,
			    const struct tender_devices *devs, const char *cmdline)
{
	struct spt_boot_info *bi = (struct spt_boot_info *)(uintptr_t)SPT_BOOT_INFO_BASE;
	uint64_t mft_at = SPT_BOOT_INFO_BASE + sizeof *bi;
	uint64_t cmdline_at = mft_at + ((img->mft_size + 7) & ~(uint64_t)7);

	_Static_assert(SPT_BOOT_INFO_BASE + sizeof(struct spt_boot_info) +
		       MFT_SIZE(MFT_MAX_ENTRIES) + SPT_CMDLINE_SIZE <= SPT_GUEST_MIN_BASE,
		       "boot info, manifest and command line fit below the image");
	bi->mem_size = spt->mem_size;
	bi->kernel_end = img->kernel_end;
	bi->mft = mft_at;
	bi->cmdline = cmdline_at;
	bi->epollfd = spt->epollfd;
	bi->timerfd = spt->timerfd;
	bi->host_features = (devs->block_max ? SPT_FEATURE_BLOCK_MULTI : 0) |
			    (devs->net_offload ? SPT_FEATURE_NET_OFFLOAD : 0) |
			    (spt->extensions ? SPT_FEATURE_STACK_GUARD | SPT_FEATURE_ENTROPY : 0);
	bi->reserved = 0;
	if (spt->extensions)
		tender_entropy_read(bi->entropy, sizeof bi->entropy);
	tender_mft_fill(img->mft, img->mft_size, devs, true, (void *)(uintptr_t)mft_at);
	memcpy((void *)(uintptr_t)cmdline_at, cmdline, strlen(cmdline) + 1);
}

/* Gives each segment its permissions, and makes the boot info read-only. */
static void protect(const struct tender_image *img)
{
	for (unsigned i = 0; i < img->nseg; i++) {
		const struct tender_segment *s = &img->seg[i];

		if (mprotect((void *)(uintptr_t)s->page_start, s->page_end - s->page_start,
			     prot_of(s->flags)) < 0)
			tender_die_errno("mprotect of the segment at 0x%llx",
					 (unsigned long long)s->vaddr);
	}
	if (mprotect((void *)(uintptr_t)SPT_HOST_MEM_BASE, SPT_GUEST_MIN_BASE - SPT_HOST_MEM_BASE,
		     PROT_READ) < 0)
		tender_die_errno("mprotect of the boot info");
}

static void setup_events(struct spt *spt, const struct mft *mft,
			 const struct tender_devices *devs)
{
	struct epoll_event ev = { .events = EPOLLIN };

	spt->epollfd = epoll_create1(0);
	if (spt->epollfd < 0)
		tender_die_errno("epoll_create1");
	spt->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	if (spt->timerfd < 0)
		tender_die_errno("timerfd_create");
	ev.data.u64 = SPT_INTERNAL_TIMERFD;
	if (epoll_ctl(spt->epollfd, EPOLL_CTL_ADD, spt->timerfd, &ev) < 0)
		tender_die_errno("epoll_ctl on the timerfd");
	tender_net_watch(spt->epollfd, mft, devs);
}

int main(int argc, char **argv)
{
	static struct tender_start st;
	struct spt spt = { 0 };
	scmp_filter_ctx filter;

	_Static_assert(SPT_CMDLINE_SIZE == TENDER_CMDLINE_SIZE, "one command-line size");
	tender_start(argc, argv, "spt", SOLO5_ABI_TARGET_SPT, SPT_ABI_VERSION, MIB, &st);
	spt.mem_size = st.mem_size;
	spt.extensions = !st.opts.no_extensions;
	if (st.opts.dumpcore)
		spt_dumpcore_start(st.opts.dumpcore, SPT_HOST_MEM_BASE, spt.mem_size - SPT_HOST_MEM_BASE,
				   !st.opts.quiet);
	else if (!st.opts.quiet)
		spt_watch_start();

	map_memory(&spt);
	tender_elf_load(&st.img, st.file, 0);
	setup_events(&spt, st.img.mft, &st.devs);
	write_boot_info(&spt, &st.img, &st.devs, st.cmdline);
	protect(&st.img);
	if (!st.opts.quiet)
		tender_print_banner("spt", st.opts.kernel, &st.img, spt.mem_size, st.img.mft, &st.devs);

	filter = spt_build_filter(&spt, st.img.mft, &st.devs);
	free(st.file);
	tender_image_free(&st.img);
	fflush(NULL);
	spt_fault_init();
	tender_sandbox_install(filter);
	fata_spt_launch(spt.mem_size - 8, st.img.entry, SPT_BOOT_INFO_BASE);
}
