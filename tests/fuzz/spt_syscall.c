/*
 * Fuzz harness of fata-spt's seccomp filter (tender/spt/spt_filter.c with the device rules of
 * tender/common/block.c and net.c): an spt guest has no hypercalls, its system calls are checked
 * by the filter, so random requests against the tender's handlers are random (nr, arch, args)
 * run through the BPF program fata-spt would install. The program comes from the filter built for
 * a configuration the input picks (extensions, up to two block devices of a chosen sector size
 * and capacity, multi-block requests or not, up to two taps, the memory size), exported with
 * seccomp_export_bpf and run by a classic-BPF interpreter of the kernel's seccomp semantics
 * (struct seccomp_data, Documentation/userspace-api/seccomp_filter.rst). Each decision must be
 * the one docs/solo5-abi.md "spt: system calls" describes, and an allowed call must hold the
 * sandbox's invariants: no pread64/pwrite64 past a block device's capacity, no write but on
 * stdout, stderr or a tap, no mprotect making anything executable or reaching outside guest
 * memory, nothing outside the documented list. Any disagreement aborts with the call printed.
 *
 * Input: an 8-byte header (flags, sector-size shift, two 16-bit capacities in sectors, memory
 * size in MiB, unused), then records of 57 bytes: a 16-bit system call selector, an arch
 * selector, and per argument a base selector byte and a 64-bit value added to that base (the
 * bases are the filter's own boundaries, so a small value lands at, just below or just above
 * each).
 */
#define _GNU_SOURCE
#include <asm/prctl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "../../tender/spt/spt.h"
#include "spt_abi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HEADER 8
#define RECORD 57
#define X32_BIT 0x40000000u
#define EPOLL_FD 3
#define TIMER_FD 4

static const int block_fd[2] = { 5, 6 }, tap_fd[2] = { 7, 8 };
static const int fault_sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP };

/* The configuration the current program was built for. */
static struct {
	uint8_t header[HEADER];
	bool valid;
	struct spt spt;
	unsigned nblock, ntap;
	uint64_t capacity[2];
	uint16_t block_size;
	uint32_t block_max;
	struct sock_filter prog[4096];
	unsigned len;
} cur;

static long self_pid, self_tid;

/* --- building the program ------------------------------------------------------------------- */

static void configure(const uint8_t *h)
{
	static struct {
		uint32_t version, entries;
		struct mft_entry e[5];
	} mft;
	static struct tender_devices devs;
	scmp_filter_ctx ctx;
	struct stat st;
	int fd;

	memcpy(cur.header, h, HEADER);
	memset(&mft, 0, sizeof mft);
	memset(&devs, 0, sizeof devs);
	cur.spt = (struct spt){ .epollfd = EPOLL_FD, .timerfd = TIMER_FD,
				.extensions = h[0] & 1,
				.mem_size = (2 + (uint64_t)h[6]) << 20 };
	cur.nblock = (h[0] >> 1) % 3;
	cur.ntap = (h[0] >> 3) % 3;
	cur.block_max = h[0] & 0x20 ? TENDER_BLOCK_MULTI_MAX : 0;
	cur.block_size = (uint16_t)(TENDER_MIN_SECTOR << (h[1] % 4));
	cur.capacity[0] = (1 + (uint64_t)(h[2] | h[3] << 8) % 2048) * cur.block_size;
	cur.capacity[1] = (1 + (uint64_t)(h[4] | h[5] << 8) % 2048) * cur.block_size;

	mft.version = MFT_VERSION;
	mft.e[0].type = MFT_RESERVED_FIRST;
	mft.entries = 1;
	for (unsigned i = 0; i < cur.nblock; i++, mft.entries++) {
		struct tender_device *d = &devs.d[mft.entries];

		snprintf(mft.e[mft.entries].name, sizeof mft.e[0].name, "disk%u", i);
		mft.e[mft.entries].type = MFT_DEV_BLOCK_BASIC;
		*d = (struct tender_device){ .attached = true, .fd = block_fd[i],
					     .capacity = cur.capacity[i],
					     .block_size = cur.block_size };
	}
	for (unsigned i = 0; i < cur.ntap; i++, mft.entries++) {
		snprintf(mft.e[mft.entries].name, sizeof mft.e[0].name, "net%u", i);
		mft.e[mft.entries].type = MFT_DEV_NET_BASIC;
		devs.d[mft.entries] = (struct tender_device){ .attached = true, .fd = tap_fd[i] };
	}
	devs.n = mft.entries;
	devs.block_max = cur.block_max;

	ctx = spt_build_filter(&cur.spt, (const struct mft *)&mft, &devs);
	fd = memfd_create("spt-syscall-fuzz", MFD_CLOEXEC);
	if (fd < 0 || seccomp_export_bpf(ctx, fd) < 0 || fstat(fd, &st) < 0 ||
	    st.st_size <= 0 || (size_t)st.st_size > sizeof cur.prog ||
	    st.st_size % sizeof cur.prog[0] ||
	    pread(fd, cur.prog, (size_t)st.st_size, 0) != st.st_size) {
		fprintf(stderr, "spt_syscall: exporting the filter failed\n");
		abort();
	}
	close(fd);
	seccomp_release(ctx);
	cur.len = (unsigned)(st.st_size / sizeof cur.prog[0]);
	cur.valid = true;
}

/* --- a classic-BPF interpreter with seccomp's rules ------------------------------------------ */

static void bad_program(unsigned pc, const char *why)
{
	fprintf(stderr, "spt_syscall: BPF instruction %u (code 0x%x): %s\n", pc,
		pc < cur.len ? cur.prog[pc].code : 0, why);
	abort();
}

/* What the kernel would return for `sd`; aborts on an instruction seccomp would have refused. */
static uint32_t run_bpf(const struct seccomp_data *sd)
{
	uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = { 0 };

	for (unsigned pc = 0; pc < cur.len; pc++) {
		const struct sock_filter *f = &cur.prog[pc];
		uint32_t src = BPF_SRC(f->code) == BPF_X ? x : f->k;
		unsigned skip;
		bool cond;

		switch (BPF_CLASS(f->code)) {
		case BPF_LD:
		case BPF_LDX: {
			uint32_t v;

			if (BPF_SIZE(f->code) != BPF_W)
				bad_program(pc, "load of a size other than a word");
			switch (BPF_MODE(f->code)) {
			case BPF_ABS:
				if (BPF_CLASS(f->code) != BPF_LD || f->k % 4 ||
				    f->k > sizeof *sd - 4)
					bad_program(pc, "absolute load outside seccomp_data");
				memcpy(&v, (const uint8_t *)sd + f->k, 4);
				break;
			case BPF_IMM:
				v = f->k;
				break;
			case BPF_MEM:
				if (f->k >= BPF_MEMWORDS)
					bad_program(pc, "scratch memory index");
				v = mem[f->k];
				break;
			case BPF_LEN:
				v = sizeof *sd;
				break;
			default:
				bad_program(pc, "load mode seccomp refuses");
			}
			if (BPF_CLASS(f->code) == BPF_LD)
				a = v;
			else
				x = v;
			break;
		}
		case BPF_ST:
		case BPF_STX:
			if (f->k >= BPF_MEMWORDS)
				bad_program(pc, "scratch memory index");
			mem[f->k] = BPF_CLASS(f->code) == BPF_ST ? a : x;
			break;
		case BPF_ALU:
			switch (BPF_OP(f->code)) {
			case BPF_ADD: a += src; break;
			case BPF_SUB: a -= src; break;
			case BPF_MUL: a *= src; break;
			case BPF_DIV:
			case BPF_MOD:
				if (!src)
					bad_program(pc, "division by zero");
				a = BPF_OP(f->code) == BPF_DIV ? a / src : a % src;
				break;
			case BPF_AND: a &= src; break;
			case BPF_OR: a |= src; break;
			case BPF_XOR: a ^= src; break;
			case BPF_LSH: a = src < 32 ? a << src : 0; break;
			case BPF_RSH: a = src < 32 ? a >> src : 0; break;
			case BPF_NEG: a = -a; break;
			default: bad_program(pc, "ALU operation");
			}
			break;
		case BPF_JMP:
			if (BPF_OP(f->code) == BPF_JA) {
				skip = f->k;
			} else {
				switch (BPF_OP(f->code)) {
				case BPF_JEQ: cond = a == src; break;
				case BPF_JGT: cond = a > src; break;
				case BPF_JGE: cond = a >= src; break;
				case BPF_JSET: cond = (a & src) != 0; break;
				default: bad_program(pc, "jump operation");
				}
				skip = cond ? f->jt : f->jf;
			}
			if (skip >= cur.len - pc - 1)
				bad_program(pc, "jump past the end");
			pc += skip;
			break;
		case BPF_RET:
			if (BPF_RVAL(f->code) == BPF_A)
				return a;
			if (BPF_RVAL(f->code) != BPF_K)
				bad_program(pc, "return of X");
			return f->k;
		case BPF_MISC:
			if (BPF_MISCOP(f->code) == BPF_TAX)
				x = a;
			else
				a = x;
			break;
		}
	}
	bad_program(cur.len, "the program ends without a return");
	return 0;
}

/* --- what the documentation allows ----------------------------------------------------------- */

static bool is_tap(uint64_t fd)
{
	for (unsigned i = 0; i < cur.ntap; i++)
		if (fd == (uint64_t)tap_fd[i])
			return true;
	return false;
}

/* The block device whose descriptor is `fd`, or -1. */
static int block_of(uint64_t fd)
{
	for (unsigned i = 0; i < cur.nblock; i++)
		if (fd == (uint64_t)block_fd[i])
			return (int)i;
	return -1;
}

/* docs/solo5-abi.md, "spt: system calls", as a predicate. */
static bool documented(const struct seccomp_data *sd)
{
	const __u64 *a = sd->args;

	if (sd->arch != AUDIT_ARCH_X86_64 || (sd->nr & X32_BIT))
		return false;
	switch (sd->nr) {
	case SYS_write:
		return a[0] == 1 || a[0] == 2 || is_tap(a[0]);
	case SYS_read:
		return is_tap(a[0]);
	case SYS_exit_group:
		return true;
	case SYS_epoll_pwait:
		return a[0] == EPOLL_FD;
	case SYS_timerfd_settime:
		return a[0] == TIMER_FD;
	case SYS_clock_gettime:
		return a[0] == CLOCK_MONOTONIC || a[0] == CLOCK_REALTIME;
	case SYS_arch_prctl:
		return a[0] == ARCH_SET_FS;
	case SYS_mprotect:
		return cur.spt.extensions && a[0] <= cur.spt.mem_size - SPT_GUARD_SIZE &&
		       a[1] == SPT_GUARD_SIZE && (a[2] == PROT_NONE || a[2] == (PROT_READ | PROT_WRITE));
	case SYS_tgkill:
		if (a[0] != (uint64_t)self_pid || a[1] != (uint64_t)self_tid)
			return false;
		for (size_t i = 0; i < sizeof fault_sigs / sizeof fault_sigs[0]; i++)
			if (a[2] == (uint64_t)fault_sigs[i])
				return true;
		return false;
	case SYS_pread64:
	case SYS_pwrite64: {
		int b = block_of(a[0]);
		uint64_t top = cur.block_max > cur.block_size ? cur.block_max : cur.block_size;

		if (b < 0)
			return false;
		for (uint64_t n = cur.block_size; n <= top && n <= cur.capacity[b]; n *= 2)
			if (a[2] == n)
				return a[3] <= cur.capacity[b] - n;
		return false;
	}
	default:
		return false;
	}
}

static void fail(const struct seccomp_data *sd, uint32_t ret, const char *why)
{
	fprintf(stderr, "spt_syscall: %s: nr %d arch 0x%x args 0x%llx 0x%llx 0x%llx 0x%llx 0x%llx "
		"0x%llx -> 0x%x (extensions %d, %u block of %u bytes, capacities %llu %llu, "
		"block_max %u, %u tap, mem %llu)\n", why, sd->nr, sd->arch,
		(unsigned long long)sd->args[0], (unsigned long long)sd->args[1],
		(unsigned long long)sd->args[2], (unsigned long long)sd->args[3],
		(unsigned long long)sd->args[4], (unsigned long long)sd->args[5], ret,
		cur.spt.extensions, cur.nblock, cur.block_size,
		(unsigned long long)cur.capacity[0], (unsigned long long)cur.capacity[1],
		cur.block_max, cur.ntap, (unsigned long long)cur.spt.mem_size);
	abort();
}

/*
 * The sandbox's invariants, stated apart from documented() in the terms the kernel uses (an int
 * descriptor is the register's low 32 bits): what an allowed call may never do.
 */
static void check_invariants(const struct seccomp_data *sd, uint32_t ret)
{
	const __u64 *a = sd->args;
	int fd = (int)a[0], block = -1;
	bool tap = false;

	for (unsigned i = 0; i < cur.nblock; i++)
		if (fd == block_fd[i])
			block = (int)i;
	for (unsigned i = 0; i < cur.ntap; i++)
		tap |= fd == tap_fd[i];

	switch (sd->arch == AUDIT_ARCH_X86_64 ? sd->nr : -1) {
	case SYS_write:
		if (fd != 1 && fd != 2 && !tap)
			fail(sd, ret, "write allowed on a descriptor that is not stdout, stderr or a tap");
		break;
	case SYS_pread64:
	case SYS_pwrite64:
		if (block < 0)
			fail(sd, ret, "block I/O allowed on a descriptor that is not a block device");
		if (a[2] > cur.capacity[block] || a[3] > cur.capacity[block] - a[2])
			fail(sd, ret, "block I/O allowed past the device's capacity");
		if (a[2] == 0 || a[2] % cur.block_size)
			fail(sd, ret, "block I/O allowed with a count that is not whole sectors");
		break;
	case SYS_mprotect:
		if (a[2] & PROT_EXEC)
			fail(sd, ret, "mprotect allowed to make memory executable");
		if (a[1] > cur.spt.mem_size || a[0] > cur.spt.mem_size - a[1])
			fail(sd, ret, "mprotect allowed outside guest memory");
		if (!cur.spt.extensions)
			fail(sd, ret, "mprotect allowed without the stack-guard extension");
		break;
	case SYS_read:
		if (!tap)
			fail(sd, ret, "read allowed on a descriptor that is not a tap");
		break;
	case SYS_exit_group:
	case SYS_epoll_pwait:
	case SYS_timerfd_settime:
	case SYS_clock_gettime:
	case SYS_arch_prctl:
	case SYS_tgkill:
		break;
	default:
		fail(sd, ret, "a system call outside the documented list was allowed");
	}
}

/* --- the input ------------------------------------------------------------------------------- */

static const int syscalls[] = {
	SYS_write, SYS_read, SYS_pread64, SYS_pwrite64, SYS_exit_group, SYS_epoll_pwait,
	SYS_timerfd_settime, SYS_clock_gettime, SYS_arch_prctl, SYS_mprotect, SYS_tgkill,
	SYS_mmap, SYS_open, SYS_openat, SYS_execve, SYS_ioctl, SYS_exit, SYS_kill, SYS_writev,
	SYS_preadv, SYS_pwritev, SYS_sendto, SYS_mremap, SYS_pkey_mprotect, SYS_epoll_wait,
};

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

/* The base an argument's value is added to: 0 or one of the filter's boundaries. */
static uint64_t base(uint8_t sel)
{
	uint64_t b[] = {
		0, cur.capacity[0], cur.capacity[1], cur.capacity[0] - cur.block_size,
		cur.capacity[1] - cur.block_size, cur.block_size, cur.block_max,
		cur.spt.mem_size, cur.spt.mem_size - SPT_GUARD_SIZE, (uint64_t)self_pid,
		(uint64_t)self_tid, (uint64_t)block_fd[0], (uint64_t)tap_fd[0], 1ull << 32,
	};

	return b[sel % (sizeof b / sizeof b[0])];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < HEADER)
		return 0;
	if (!self_pid) {
		self_pid = getpid();
		self_tid = gettid();
	}
	if (!cur.valid || memcmp(cur.header, data, HEADER))
		configure(data);
	for (size_t off = HEADER; off + RECORD <= size; off += RECORD) {
		const uint8_t *r = data + off;
		uint16_t s = (uint16_t)(r[0] | r[1] << 8);
		struct seccomp_data sd = { .arch = AUDIT_ARCH_X86_64 };
		uint32_t ret, action;

		sd.nr = s & 0x8000 ? (int)(s & 0x7fff) : syscalls[s % (sizeof syscalls / sizeof(int))];
		if (r[2] >= 0xf0)
			sd.nr |= (int)X32_BIT;
		else if (r[2] >= 0xe0)
			sd.arch = AUDIT_ARCH_I386;
		else if (r[2] >= 0xd8)
			sd.arch = r[2];
		for (int i = 0; i < 6; i++)
			sd.args[i] = base(r[3 + 9 * i]) + get64(r + 4 + 9 * i);
		sd.instruction_pointer = get64(r + 3);

		ret = run_bpf(&sd);
		action = ret & SECCOMP_RET_ACTION_FULL;
		if (action != SECCOMP_RET_ALLOW && action != SECCOMP_RET_KILL_PROCESS &&
		    action != SECCOMP_RET_KILL_THREAD)
			fail(&sd, ret, "an action other than allow or kill");
		if (action == SECCOMP_RET_ALLOW)
			check_invariants(&sd, ret);
		if ((action == SECCOMP_RET_ALLOW) != documented(&sd))
			fail(&sd, ret, action == SECCOMP_RET_ALLOW ? "allowed but not documented"
								   : "documented but refused");
	}
	return 0;
}
