/*
 * What the tenders' test guests share: the ABI1 note and the fake PT_INTERP, console output and
 * exit for each target (raw system calls on spt, hypercalls on hvt), and a few string helpers.
 * Freestanding: no libc. A guest defines MFT_ENTRIES, includes this file, declares its manifest
 * with MFT1_NOTE_DECLARE_BEGIN/END and defines guest_main(). Built with -DGUEST_SPT or -DGUEST_HVT.
 */
#ifndef FATA_TEST_GUEST_H
#define FATA_TEST_GUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "solo5_abi.h"

#if defined(GUEST_SPT)
#define GUEST_TARGET SOLO5_ABI_TARGET_SPT
#define GUEST_ABI_VERSION SPT_ABI_VERSION
typedef struct spt_boot_info boot_info;
#define GUEST_FEATURE_BLOCK_MULTI SPT_FEATURE_BLOCK_MULTI
#elif defined(GUEST_HVT)
#define GUEST_TARGET SOLO5_ABI_TARGET_HVT
#define GUEST_ABI_VERSION HVT_ABI_VERSION
typedef struct hvt_boot_info boot_info;
#define GUEST_FEATURE_BLOCK_MULTI HVT_FEATURE_BLOCK_MULTI
#else
#error "build with -DGUEST_SPT or -DGUEST_HVT"
#endif

ABI1_NOTE_DECLARE(GUEST_TARGET, GUEST_ABI_VERSION);
const char guest_interp[] __attribute__((section(".interp"), used)) = SOLO5_ELF_INTERP;

int guest_main(const boot_info *bi);

#ifdef GUEST_SPT
#define SYS_read 0
#define SYS_write 1
#define SYS_pread64 17
#define SYS_pwrite64 18
#define SYS_getpid 39
#define SYS_exit_group 231

static inline long sys(long nr, long a, long b, long c, long d)
{
	long ret;
	register long r10 __asm__("r10") = d;

	__asm__ __volatile__("syscall"
			     : "=a"(ret)
			     : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10)
			     : "rcx", "r11", "memory");
	return ret;
}

static inline void out(const char *s, size_t n)
{
	sys(SYS_write, 1, (long)s, (long)n, 0);
}

static inline _Noreturn void guest_exit(int status)
{
	for (;;)
		sys(SYS_exit_group, status, 0, 0, 0);
}
#else
static inline void out(const char *s, size_t n)
{
	struct hvt_hc_puts p = { .data = (uint64_t)(uintptr_t)s, .len = n };

	hvt_hypercall(HVT_HYPERCALL_PUTS, &p);
}

static inline _Noreturn void guest_exit(int status)
{
	struct hvt_hc_halt h = { .cookie = 0, .exit_status = status };

	for (;;)
		hvt_hypercall(HVT_HYPERCALL_HALT, &h);
}
#endif

static inline size_t str_len(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

static inline bool str_eq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

static inline void print(const char *s)
{
	out(s, str_len(s));
}

/* The manifest copy the tender wrote, and the handle of device `name` in it (0: none). */
static inline const struct mft *guest_mft(const boot_info *bi)
{
	return (const struct mft *)(uintptr_t)bi->mft;
}

static inline unsigned guest_device(const boot_info *bi, const char *name)
{
	const struct mft *m = guest_mft(bi);

	for (unsigned i = 1; i < m->entries; i++)
		if (str_eq(m->e[i].name, name))
			return i;
	return 0;
}

/* The entry point: the tender jumps here with RDI = the boot info. */
__attribute__((section(".text.start"), noreturn, used))
void _start(const boot_info *bi)
{
	guest_exit(guest_main(bi));
}

#endif
