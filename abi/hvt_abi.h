/*
 * The hvt ABI (Solo5 hvt, ABI version 2, x86_64): the machine a guest wakes up in, its boot info
 * and the hypercalls it makes to fata-hvt (or a stock solo5-hvt).
 *
 * Shared by guest code (freestanding) and the tender (host). Every guest pointer is a uint64_t
 * guest-physical address, so the tender can never dereference one by accident; the guest casts.
 */
#ifndef FATA_ABI_HVT_H
#define FATA_ABI_HVT_H

#include <stddef.h>
#include <stdint.h>

#include "elf_abi.h"
#include "mft_abi.h"

#define HVT_ABI_VERSION 2u

/* Guest-physical memory layout (x86_64). Guest RAM starts at 0 and is identity-mapped. */
#define HVT_GUEST_MIN_BASE 0x100000u	/* lowest address of a loadable segment */
#define HVT_GDT_BASE 0x1000u		/* null, code (selector 0x08), data (selector 0x10) */
#define HVT_PML4_BASE 0x2000u
#define HVT_PDPT_BASE 0x3000u
#define HVT_PD_BASE 0x4000u		/* four page directories, 0x4000..0x7fff */
#define HVT_PT0_BASE 0x8000u		/* 4 KiB page table for the first 2 MiB */
#define HVT_BOOT_INFO_BASE 0x10000u	/* struct hvt_boot_info; the guest sees it read-only */
#define HVT_PAGE_SIZE 0x1000u
#define HVT_LARGE_PAGE_SIZE 0x200000u	/* guest memory is a multiple of this */
#define HVT_MAX_MEM_SIZE 0x100000000ull	/* 4 GiB: hypercall arguments are 32-bit addresses */

/* Hypercalls: one 4-byte OUT to port HVT_HYPERCALL_PIO_BASE + nr of the argument's address. */
#define HVT_HYPERCALL_PIO_BASE 0x500u

#define HVT_HYPERCALL_WALLTIME 1u
#define HVT_HYPERCALL_PUTS 2u
#define HVT_HYPERCALL_POLL 3u
#define HVT_HYPERCALL_BLOCK_WRITE 4u
#define HVT_HYPERCALL_BLOCK_READ 5u
#define HVT_HYPERCALL_NET_WRITE 6u
#define HVT_HYPERCALL_NET_READ 7u
#define HVT_HYPERCALL_HALT 8u
/* Fata extensions (HVT_FEATURE_NET_BATCH), numbered from 16 as the feature bits, clear of
 * Solo5's own; 9..15 are unknown hypercalls. */
#define HVT_HYPERCALL_NET_READV 16u
#define HVT_HYPERCALL_NET_WRITEV 17u
#define HVT_HYPERCALL_MAX 18u		/* one past the last */

/* Maximum bytes of the command line, including the terminating NUL. */
#define HVT_CMDLINE_SIZE 8192u

/*
 * The boot info, at HVT_BOOT_INFO_BASE; RDI holds its address at entry. The first five fields
 * are Solo5's (40 bytes). The rest are Fata extensions: a stock solo5-hvt puts the manifest
 * right after the first 40 bytes, so a guest must only read host_features, guest_features and
 * net_ring when mft >= HVT_BOOT_INFO_BASE + HVT_BOOT_INFO_EXT_SIZE, and `entropy` only when
 * HVT_FEATURE_ENTROPY is set and mft >= HVT_BOOT_INFO_BASE + sizeof(struct hvt_boot_info)
 * (an older fata-hvt wrote a 56-byte struct), and must treat them as zero otherwise. fata-hvt
 * places the manifest copy after the whole struct, then the command line.
 */
struct hvt_boot_info {
	uint64_t mem_size;		/* bytes of guest memory */
	uint64_t kernel_end;		/* first free address after the image, page-rounded */
	uint64_t cpu_cycle_freq;	/* TSC frequency, Hz */
	uint64_t cmdline;		/* guest address of the NUL-terminated command line */
	uint64_t mft;			/* guest address of the manifest copy (struct mft) */
	uint32_t host_features;		/* feature bits the tender offers (Fata extension) */
	uint32_t guest_features;	/* reserved, zero (Fata extension) */
	uint64_t net_ring;		/* reserved, zero (Fata extension) */
	uint8_t entropy[64];		/* HVT_FEATURE_ENTROPY: the seed (Fata extension) */
};
#define HVT_BOOT_INFO_BASE_SIZE 40u	/* Solo5's part */
#define HVT_BOOT_INFO_EXT_SIZE 56u	/* up to net_ring: what every Fata tender writes */
#define HVT_ENTROPY_SIZE 64u
_Static_assert(sizeof(struct hvt_boot_info) == 120, "hvt_boot_info is 120 bytes");
_Static_assert(offsetof(struct hvt_boot_info, entropy) == HVT_BOOT_INFO_EXT_SIZE, "entropy at 56");
_Static_assert(sizeof(((struct hvt_boot_info *)0)->entropy) == HVT_ENTROPY_SIZE, "entropy size");
_Static_assert(offsetof(struct hvt_boot_info, cpu_cycle_freq) == 16, "cpu_cycle_freq at 16");
_Static_assert(offsetof(struct hvt_boot_info, cmdline) == 24, "cmdline at 24");
_Static_assert(offsetof(struct hvt_boot_info, mft) == 32, "mft at 32");
_Static_assert(offsetof(struct hvt_boot_info, host_features) == HVT_BOOT_INFO_BASE_SIZE,
	       "extensions start after Solo5's part");
_Static_assert(offsetof(struct hvt_boot_info, net_ring) == 48, "net_ring at 48");

/*
 * Feature bits in host_features. Solo5 numbers its own from bit 0 (bit 1 is its network ring,
 * which fata-hvt does not offer); Fata's extensions use bit 16 and up, so the two never collide
 * and a guest ignores every bit it does not know.
 *
 * HVT_FEATURE_BLOCK_MULTI: BLOCK_READ and BLOCK_WRITE may move len = block_size << j bytes
 * (j >= 0, len <= HVT_BLOCK_MULTI_MAX) from a block-aligned offset, all within the capacity;
 * other lengths get EINVAL. Without it a request is exactly one block, as in Solo5. fata-hvt
 * offers it for up to 32 block devices (its sandbox checks each size of each device).
 */
#define HVT_FEATURE_BLOCK_MULTI (1u << 16)
#define HVT_BLOCK_MULTI_MAX (256u * 1024)

/*
 * HVT_FEATURE_ENTROPY: boot_info.entropy holds HVT_ENTROPY_SIZE secret bytes that the tender read
 * from the host's getrandom(2) before its sandbox, to seed the guest's random generator. Bit 17
 * is spt's stack guard; hvt leaves it unused so that one bit means one thing on both targets.
 */
#define HVT_FEATURE_ENTROPY (1u << 18)

/*
 * HVT_FEATURE_NET_OFFLOAD: every frame of every network device, in NET_READ and NET_WRITE,
 * starts with a virtio-net header (struct solo5_vnet_hdr in solo5_abi.h, SOLO5_VNET_HDR_LEN
 * bytes), and a frame may be up to SOLO5_VNET_FRAME_MAX bytes after it: the guest may send TCP
 * segments for the host to cut (gso_type TCPV4) and checksums for it to finish (NEEDS_CSUM), and
 * receives coalesced segments and frames with partial or already checked checksums. The tender
 * sets it only for a binary whose FEX1 note lists it (the guest must ask: a guest that does not
 * sees plain frames), without --no-extensions, and when every tap was opened by name.
 */
#define HVT_FEATURE_NET_OFFLOAD (1u << 19)

/*
 * HVT_FEATURE_NET_BATCH: the hypercalls NET_READV and NET_WRITEV move up to HVT_NET_BATCH_MAX
 * frames of one network device in one exit (struct hvt_hc_net_batch). Each frame is checked as
 * NET_READ or NET_WRITE would check it, and has its own result. Offered to every guest unless
 * --no-extensions; without the bit the two are unknown hypercalls (the guest dies), so a guest
 * falls back to NET_READ and NET_WRITE, as under a stock solo5-hvt.
 */
#define HVT_FEATURE_NET_BATCH (1u << 20)
#define HVT_NET_BATCH_MAX 64u

/* Hypercall argument structs. IN: set by the guest; OUT: set by the tender. */

struct hvt_hc_walltime {
	uint64_t nsecs;			/* OUT: CLOCK_REALTIME, ns since the epoch */
};
_Static_assert(sizeof(struct hvt_hc_walltime) == 8, "hvt_hc_walltime layout");

struct hvt_hc_puts {
	uint64_t data;			/* IN: guest address */
	uint64_t len;			/* IN */
};
_Static_assert(sizeof(struct hvt_hc_puts) == 16, "hvt_hc_puts layout");

struct hvt_hc_poll {
	uint64_t timeout_nsecs;		/* IN: relative to the call */
	uint64_t ready_set;		/* OUT: bit N set when handle N is readable */
	int32_t ret;			/* OUT: number of ready handles */
	uint32_t pad_;
};
_Static_assert(offsetof(struct hvt_hc_poll, ret) == 16, "hvt_hc_poll.ret at 16");
_Static_assert(sizeof(struct hvt_hc_poll) == 24, "hvt_hc_poll layout");

struct hvt_hc_block_write {
	uint64_t handle;		/* IN */
	uint64_t offset;		/* IN: bytes, a multiple of block_size */
	uint64_t data;			/* IN: guest address */
	uint64_t len;			/* IN: block_size */
	int32_t ret;			/* OUT: SOLO5_R_* */
	uint32_t pad_;
};
_Static_assert(offsetof(struct hvt_hc_block_write, ret) == 32, "block_write.ret at 32");
_Static_assert(sizeof(struct hvt_hc_block_write) == 40, "hvt_hc_block_write layout");

struct hvt_hc_block_read {
	uint64_t handle;		/* IN */
	uint64_t offset;		/* IN: bytes, a multiple of block_size */
	uint64_t data;			/* IN: guest address */
	uint64_t len;			/* IN/OUT: block_size */
	int32_t ret;			/* OUT: SOLO5_R_* */
	uint32_t pad_;
};
_Static_assert(offsetof(struct hvt_hc_block_read, ret) == 32, "block_read.ret at 32");
_Static_assert(sizeof(struct hvt_hc_block_read) == 40, "hvt_hc_block_read layout");

struct hvt_hc_net_write {
	uint64_t handle;		/* IN */
	uint64_t data;			/* IN: guest address */
	uint64_t len;			/* IN: at most mtu + 14 */
	int32_t ret;			/* OUT: SOLO5_R_* */
	uint32_t pad_;
};
_Static_assert(offsetof(struct hvt_hc_net_write, ret) == 24, "net_write.ret at 24");
_Static_assert(sizeof(struct hvt_hc_net_write) == 32, "hvt_hc_net_write layout");

struct hvt_hc_net_read {
	uint64_t handle;		/* IN */
	uint64_t data;			/* IN: guest address */
	uint64_t len;			/* IN: buffer size; OUT: frame size */
	int32_t ret;			/* OUT: SOLO5_R_* (AGAIN when nothing is there) */
	uint32_t pad_;
};
_Static_assert(offsetof(struct hvt_hc_net_read, ret) == 24, "net_read.ret at 24");
_Static_assert(sizeof(struct hvt_hc_net_read) == 32, "hvt_hc_net_read layout");

/* One frame of NET_READV or NET_WRITEV. */
struct hvt_net_frame {
	uint64_t data;			/* IN: guest address */
	uint64_t len;			/* IN: buffer size (READV), frame size (WRITEV);
					 * OUT (READV): the frame's size */
	int32_t ret;			/* OUT: SOLO5_R_* as NET_READ's or NET_WRITE's */
	uint32_t pad_;
};
_Static_assert(offsetof(struct hvt_net_frame, ret) == 16, "hvt_net_frame.ret at 16");
_Static_assert(sizeof(struct hvt_net_frame) == 24, "hvt_net_frame layout");

/*
 * NET_READV and NET_WRITEV (HVT_FEATURE_NET_BATCH): `frames` points at `count` struct
 * hvt_net_frame (1 <= count <= HVT_NET_BATCH_MAX), which the tender reads and writes back.
 * READV fills frames in order until the device has no more: `done` is how many it read (each
 * with ret SOLO5_R_OK), the frame after the last one read gets SOLO5_R_AGAIN (nothing waited)
 * or SOLO5_R_EUNSPEC, and ret is SOLO5_R_OK when done > 0, else that frame's ret. WRITEV sends
 * every frame in order (each frame's ret as NET_WRITE's, EINVAL for a bad length), `done` is
 * count and ret is SOLO5_R_OK when every frame's is. A bad handle gets SOLO5_R_EINVAL with done
 * 0; a count out of range, or a frame or the array outside guest memory (or, for READV, in a
 * read-only segment), stops the guest with a message.
 */
struct hvt_hc_net_batch {
	uint64_t handle;		/* IN */
	uint64_t frames;		/* IN: guest address of the struct hvt_net_frame array */
	uint64_t count;			/* IN */
	uint64_t done;			/* OUT */
	int32_t ret;			/* OUT: SOLO5_R_* */
	uint32_t pad_;
};
_Static_assert(offsetof(struct hvt_hc_net_batch, ret) == 32, "net_batch.ret at 32");
_Static_assert(sizeof(struct hvt_hc_net_batch) == 40, "hvt_hc_net_batch layout");

/* HALT: the cookie, when not 0, points at HVT_HALT_COOKIE_MAX bytes (e.g. a trap frame). */
#define HVT_HALT_COOKIE_MAX 512u

/*
 * The cookie of a guest that halts from its trap handler (x86_64). The first seven fields are
 * Solo5's trap registers, what solo5-hvt and fata-hvt read from any Solo5 guest's cookie (their
 * core dumps take rip, cs, rflags, rsp and ss from it). Fata's guests append the general
 * registers after HVT_TRAP_GPRS_MAGIC (a Fata extension), so fata-hvt's core has the faulting
 * code's registers, not those of the HALT.
 */
#define HVT_TRAP_GPRS_MAGIC 0x5350524741544146ull	/* "FATAGRPS" */
struct hvt_trap_cookie {
	uint64_t cr2, ec, rip, cs, rflags, rsp, ss;	/* Solo5's struct trap_regs */
	uint64_t magic;		/* HVT_TRAP_GPRS_MAGIC when the rest is there */
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13, r14, r15;
};
#define HVT_TRAP_COOKIE_SOLO5_SIZE 56u
_Static_assert(offsetof(struct hvt_trap_cookie, magic) == HVT_TRAP_COOKIE_SOLO5_SIZE,
	       "Solo5's trap registers come first");
_Static_assert(sizeof(struct hvt_trap_cookie) <= HVT_HALT_COOKIE_MAX, "the cookie fits");

struct hvt_hc_halt {
	uint64_t cookie;		/* IN: guest address or 0 */
	int32_t exit_status;		/* IN */
	uint32_t pad_;
};
_Static_assert(offsetof(struct hvt_hc_halt, exit_status) == 8, "halt.exit_status at 8");
_Static_assert(sizeof(struct hvt_hc_halt) == 16, "hvt_hc_halt layout");

/*
 * Guest side: makes hypercall `nr` with the argument struct at `arg`, which must lie below 4 GiB
 * (guest memory always does). The "memory" clobber orders the struct's stores and loads around
 * the exit.
 */
static inline void hvt_hypercall(unsigned nr, volatile void *arg)
{
	__asm__ __volatile__("outl %0, %1"
			     :
			     : "a"((uint32_t)(uintptr_t)arg),
			       "d"((uint16_t)(HVT_HYPERCALL_PIO_BASE + nr))
			     : "memory");
}

#endif
