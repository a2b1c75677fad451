/* The spt platform: a process in fata-spt's seccomp sandbox, speaking raw system calls. This file
 * boots it, ends it and gives it fiber stacks; the devices live in console_spt.c, time_spt.c,
 * block_spt.c and net_spt.c. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform.h"
#include "platform_spt.h"
#include "solo5.h"
#include "spt_abi.h"
#include "syscall_x86_64.h"

ABI1_NOTE_DECLARE(SOLO5_ABI_TARGET_SPT, SPT_ABI_VERSION);
/* The extensions this platform uses when the tender offers them (fata inspect lists them). */
FEX1_NOTE_DECLARE(SPT_FEATURE_BLOCK_MULTI | SPT_FEATURE_STACK_GUARD | SPT_FEATURE_ENTROPY |
		  SPT_FEATURE_NET_OFFLOAD);
/* The kernel refuses to exec a file whose interpreter does not exist: run it with fata-spt. */
const char spt_interp[] __attribute__((section(".interp"), used)) = "/nonexistent/fata/use/fata-spt";

_Noreturn void plat_exit(int status)
{
	for (;;)
		spt_syscall3(SYS_exit_group, status, 0, 0);
}

#define PAGE SPT_GUARD_SIZE
#define PROT_NONE 0
#define PROT_RW 3	/* PROT_READ | PROT_WRITE */

static bool stack_guard;	/* the tender offers SPT_FEATURE_STACK_GUARD */

/*
 * Fiber stacks from the heap, each with a guard page below it made inaccessible with mprotect
 * when the tender allows it, so that an overflow faults at once (fata-spt reports it) instead
 * of overwriting the heap until the scheduler notices. Layout as on hvt: slack up to a page
 * boundary, the guard page, the stack (len, a multiple of 4 KiB), then the pointer malloc
 * returned.
 */
int plat_stack_alloc(size_t len, void **stack, char *why, size_t whylen)
{
	char *raw, *guard;
	long err;

	if (!stack_guard) {
		*stack = malloc(len);
		return *stack ? 0 : -ENOMEM;
	}
	raw = malloc(len + 2 * PAGE + sizeof(char *));
	if (!raw)
		return -ENOMEM;
	guard = (char *)(((uintptr_t)raw + PAGE - 1) & ~(uintptr_t)(PAGE - 1));
	memcpy(guard + PAGE + len, &raw, sizeof(raw));
	err = spt_syscall3(SYS_mprotect, (long)guard, PAGE, PROT_NONE);
	if (err < 0) {
		free(raw);
		snprintf(why, whylen, "spt: mprotect of a fiber stack's guard page failed");
		return (int)err;
	}
	*stack = guard + PAGE;
	return 0;
}

int plat_stack_free(void *p, size_t len, char *why, size_t whylen)
{
	char *raw;
	long err;

	if (!stack_guard) {
		free(p);
		return 0;
	}
	if (!p)
		return 0;
	memcpy(&raw, (char *)p + len, sizeof(raw));
	err = spt_syscall3(SYS_mprotect, (long)((char *)p - PAGE), PAGE, PROT_RW);
	if (err < 0) {
		snprintf(why, whylen, "spt: mprotect of a fiber stack's guard page failed");
		return (int)err;
	}
	free(raw);
	return 0;
}

static uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

__attribute__((section(".text.entry"), no_stack_protector, used))
_Noreturn void _start(struct spt_boot_info *bi)
{
	spt_time_init(bi->epollfd, bi->timerfd);
	/* host_features exists only when the tender put the manifest after it. */
	if (bi->mft >= SPT_BOOT_INFO_BASE + SPT_BOOT_INFO_EXT_SIZE) {
		if (bi->host_features & SPT_FEATURE_BLOCK_MULTI)
			solo5_block_multi_max = SPT_BLOCK_MULTI_MAX;
		solo5_net_vnet = (bi->host_features & SPT_FEATURE_NET_OFFLOAD) != 0;
		stack_guard = bi->host_features & SPT_FEATURE_STACK_GUARD;
		if ((bi->host_features & SPT_FEATURE_ENTROPY) &&
		    bi->mft >= SPT_BOOT_INFO_BASE + sizeof(*bi))
			solo5_random_seed(bi->entropy, sizeof(bi->entropy));
	}
	solo5_boot(rdtsc() ^ plat_wall_ns(), bi->kernel_end, bi->mem_size,
		   (char *)(uintptr_t)bi->cmdline, (const void *)(uintptr_t)bi->mft);
}

int spt_hostfd(int handle)
{
	const struct mft *m = solo5_manifest();

	return m->e[handle].b.hostfd;
}
