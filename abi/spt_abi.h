/*
 * The spt ABI (Solo5 spt, ABI version 2, x86_64): where fata-spt puts the guest in its own address
 * space, the boot info it passes, and the system calls the guest may then make.
 *
 * Shared by guest code (freestanding) and the tender (host). In spt, guest addresses are host
 * addresses; pointer fields are uint64_t so the layout is the same for both compilers' views.
 */
#ifndef FATA_ABI_SPT_H
#define FATA_ABI_SPT_H

#include <stddef.h>
#include <stdint.h>

#include "elf_abi.h"
#include "mft_abi.h"

#define SPT_ABI_VERSION 2u

/*
 * Guest memory is one mapping from SPT_HOST_MEM_BASE to mem_size (the kernel refuses mappings
 * below vm.mmap_min_addr, so the addresses below 0x10000 stay unmapped). The boot info is at
 * SPT_BOOT_INFO_BASE, followed by the manifest copy and the command line; the region up to
 * SPT_GUEST_MIN_BASE is read-only for the guest.
 */
#define SPT_HOST_MEM_BASE 0x10000u
#define SPT_BOOT_INFO_BASE 0x11000u
#define SPT_GUEST_MIN_BASE 0x100000u	/* lowest address of a loadable segment */
#define SPT_PAGE_SIZE 0x1000u

/* Maximum bytes of the command line, including the terminating NUL. */
#define SPT_CMDLINE_SIZE 8192u

/* epoll_event.data.u64 of the tender's timerfd in the epoll set (network fds carry handles). */
#define SPT_INTERNAL_TIMERFD 0xfffffffeu

/*
 * The boot info; RDI holds its address at entry, RSP is mem_size - 8. The first six fields are
 * Solo5's (40 bytes); the rest are Fata extensions. A stock solo5-spt puts the manifest right
 * after the 40 bytes, so a guest reads host_features only when
 * mft >= SPT_BOOT_INFO_BASE + SPT_BOOT_INFO_EXT_SIZE, and takes it as 0 otherwise; it reads
 * `entropy` only when SPT_FEATURE_ENTROPY is set and mft >= SPT_BOOT_INFO_BASE +
 * sizeof(struct spt_boot_info) (an older fata-spt wrote a 48-byte struct).
 */
struct spt_boot_info {
	uint64_t mem_size;	/* bytes; guest memory ends at this address */
	uint64_t kernel_end;	/* first free address after the image, page-rounded */
	uint64_t cmdline;	/* address of the NUL-terminated command line */
	uint64_t mft;		/* address of the manifest copy (struct mft) */
	int32_t epollfd;	/* epoll set: each network fd (data.u64 = handle) and timerfd */
	int32_t timerfd;	/* CLOCK_MONOTONIC timerfd for yield deadlines */
	uint32_t host_features;	/* SPT_FEATURE_* the tender offers (Fata extension) */
	uint32_t reserved;	/* zero */
	uint8_t entropy[64];	/* SPT_FEATURE_ENTROPY: the seed (Fata extension) */
};
#define SPT_BOOT_INFO_BASE_SIZE 40u	/* Solo5's part */
#define SPT_BOOT_INFO_EXT_SIZE 48u	/* up to reserved: what every Fata tender writes */
#define SPT_ENTROPY_SIZE 64u
_Static_assert(sizeof(struct spt_boot_info) == 112, "spt_boot_info is 112 bytes");
_Static_assert(offsetof(struct spt_boot_info, entropy) == SPT_BOOT_INFO_EXT_SIZE, "entropy at 48");
_Static_assert(sizeof(((struct spt_boot_info *)0)->entropy) == SPT_ENTROPY_SIZE, "entropy size");
_Static_assert(offsetof(struct spt_boot_info, host_features) == SPT_BOOT_INFO_BASE_SIZE,
	       "the extension starts after Solo5's part");
_Static_assert(offsetof(struct spt_boot_info, cmdline) == 16, "cmdline at 16");
_Static_assert(offsetof(struct spt_boot_info, mft) == 24, "mft at 24");
_Static_assert(offsetof(struct spt_boot_info, epollfd) == 32, "epollfd at 32");
_Static_assert(offsetof(struct spt_boot_info, timerfd) == 36, "timerfd at 36");

/*
 * SPT_FEATURE_BLOCK_MULTI: pread64/pwrite64 on a block device may move block_size << j bytes
 * (j >= 0, at most SPT_BLOCK_MULTI_MAX) at offset <= capacity - count. The sandbox checks each
 * such size as a rule of its own, so no request can reach past the capacity. Without it, a
 * request is exactly one block, as in Solo5. Fata's bits start at 16, as on hvt. fata-spt offers
 * it for up to 32 block devices (BPF programs are at most 4096 instructions).
 */
#define SPT_FEATURE_BLOCK_MULTI (1u << 16)
#define SPT_BLOCK_MULTI_MAX (256u * 1024)

/*
 * SPT_FEATURE_STACK_GUARD: the guest may call mprotect(addr, SPT_GUARD_SIZE, prot) with prot
 * PROT_NONE (to make a guard page below a fiber stack) or PROT_READ | PROT_WRITE (to give it
 * back), for addr <= mem_size - SPT_GUARD_SIZE, i.e. one page inside guest memory. Nothing can
 * become executable. Without it, mprotect kills the guest, as under solo5-spt.
 */
#define SPT_FEATURE_STACK_GUARD (1u << 17)
#define SPT_GUARD_SIZE 4096u

/*
 * SPT_FEATURE_ENTROPY: boot_info.entropy holds SPT_ENTROPY_SIZE secret bytes that the tender read
 * from the host's getrandom(2) before its sandbox, to seed the guest's random generator.
 */
#define SPT_FEATURE_ENTROPY (1u << 18)

/*
 * SPT_FEATURE_NET_OFFLOAD: each network device's tap was opened with a virtio-net header (as
 * HVT_FEATURE_NET_OFFLOAD in hvt_abi.h): every frame read from or written to its descriptor
 * starts with a struct solo5_vnet_hdr, and may be up to SOLO5_VNET_FRAME_MAX bytes after it.
 * Offered under the same conditions as on hvt.
 */
#define SPT_FEATURE_NET_OFFLOAD (1u << 19)

/*
 * Bit 20 is hvt's NET_BATCH (several frames per exit); spt leaves it unused: a tap gives one
 * frame per read(2), so a batch would save nothing there.
 */

#endif
