/*
 * Unit tests of fata-hvt without KVM: the page tables and GDT it writes into guest memory, and
 * the eight hypercalls served against a fake guest memory, a block file and a socket pair
 * standing in for a tap. Whatever must stop the guest is run in a child process.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../tender/common/sandbox.h"
#include "../../tender/hvt/hvt.h"
#include "../../tender/hvt/hvt_cpu_x86_64.h"
#include "solo5_abi.h"
#include "tap.h"

#define MEM (8u << 20)
#define ARG 0x300000	/* where the tests put argument structs */
#define BUF 0x301000	/* and data */

/* --- page tables ------------------------------------------------------------------------------ */

static uint64_t get64(const uint8_t *mem, uint64_t a)
{
	uint64_t v;

	memcpy(&v, mem + a, sizeof v);
	return v;
}

/*
 * Walks the page tables like the MMU: the physical address of `va`, or -1; *rw = writable,
 * *x = executable (no NX bit on the way).
 */
static int64_t walk(const uint8_t *mem, uint64_t va, int *rw, int *x)
{
	uint64_t e = get64(mem, HVT_PML4_BASE + 8 * ((va >> 39) & 511));
	int w = 1, nx = 0;

	if (!(e & X86_PTE_P))
		return -1;
	w &= !!(e & X86_PTE_RW);
	nx |= !!(e & X86_PTE_NX);
	e = get64(mem, (e & 0xffffffffff000ull) + 8 * ((va >> 30) & 511));
	if (!(e & X86_PTE_P))
		return -1;
	w &= !!(e & X86_PTE_RW);
	nx |= !!(e & X86_PTE_NX);
	e = get64(mem, (e & 0xffffffffff000ull) + 8 * ((va >> 21) & 511));
	if (!(e & X86_PTE_P))
		return -1;
	w &= !!(e & X86_PTE_RW);
	nx |= !!(e & X86_PTE_NX);
	if (e & X86_PTE_PS) {
		*rw = w;
		*x = !nx;
		return (int64_t)((e & 0xfffffffe00000ull) | (va & 0x1fffff));
	}
	e = get64(mem, (e & 0xffffffffff000ull) + 8 * ((va >> 12) & 511));
	if (!(e & X86_PTE_P))
		return -1;
	*rw = w & !!(e & X86_PTE_RW);
	*x = !(nx | !!(e & X86_PTE_NX));
	return (int64_t)((e & 0xffffffffff000ull) | (va & 0xfff));
}

static int64_t translate(const uint8_t *mem, uint64_t va, int *rw)
{
	int x;

	return walk(mem, va, rw, &x);
}

/* Whether `va` is mapped to itself with exactly this protection. */
static int prot_is(const uint8_t *mem, uint64_t va, int rw, int x)
{
	int w = -1, e = -1;

	return walk(mem, va, &w, &e) == (int64_t)va && w == rw && e == x;
}

/* An image like the linker scripts make: text r-x, rodata r--, data rw-. */
static struct tender_image image(void)
{
	struct tender_image img = { .nseg = 3 };

	img.seg[0] = (struct tender_segment){ .page_start = 0x100000, .page_end = 0x103000,
					      .flags = TENDER_SEG_R | TENDER_SEG_X };
	img.seg[1] = (struct tender_segment){ .page_start = 0x103000, .page_end = 0x105000,
					      .flags = TENDER_SEG_R };
	img.seg[2] = (struct tender_segment){ .page_start = 0x105000, .page_end = 0x108000,
					      .flags = TENDER_SEG_R | TENDER_SEG_W };
	return img;
}

static void test_page_tables(void)
{
	uint8_t *mem = calloc(1, MEM);
	struct tender_image img = image();
	struct tender_err err;
	int rw = -1;

	x86_setup_page_tables(mem, MEM, &img, X86_PTE_NX);
	ok(translate(mem, 0, &rw) < 0, "page 0 is not mapped");
	ok(prot_is(mem, HVT_GDT_BASE + 8, 0, 0),
	   "the GDT is mapped read-only (exceptions and IRET read it), not executable");
	ok(translate(mem, HVT_PML4_BASE, &rw) < 0, "the page tables are not mapped");
	ok(translate(mem, 0xffff, &rw) < 0, "nothing else below the boot info is mapped");
	ok(prot_is(mem, HVT_BOOT_INFO_BASE, 0, 0), "the boot info is mapped read-only, not executable");
	ok(prot_is(mem, 0xfffff, 0, 0), "read-only up to 1 MiB");
	ok(prot_is(mem, 0x100000, 0, 1) && prot_is(mem, 0x102fff, 0, 1),
	   "text: read-only and executable, to its last byte");
	ok(prot_is(mem, 0x103000, 0, 0) && prot_is(mem, 0x104fff, 0, 0),
	   "rodata: read-only, not executable");
	ok(prot_is(mem, 0x105000, 1, 0) && prot_is(mem, 0x107fff, 1, 0),
	   "data: writable, not executable");
	ok(prot_is(mem, 0x108000, 1, 0) && prot_is(mem, 0x1fffff, 1, 0),
	   "the heap after the image: writable, not executable");
	ok(prot_is(mem, 0x200000, 1, 0), "2 MiB pages from 2 MiB, not executable");
	ok(prot_is(mem, MEM - 8, 1, 0), "the stack at the top, not executable");
	ok(translate(mem, MEM, &rw) < 0, "nothing past the end of memory");
	ok(translate(mem, 0x100000000ull, &rw) < 0, "nothing at 4 GiB");
	ok(x86_page_tables_check(&img, MEM, &err) == 0, "an image in the first 2 MiB needs no "
	   "table from the pool");

	x86_setup_page_tables(mem, MEM, &img, 0);
	ok(prot_is(mem, 0x105000, 1, 1) && prot_is(mem, 0x200000, 1, 1),
	   "without NX on the CPU, nothing carries the NX bit");

	/* Text that runs past 2 MiB, rodata from 2 MiB + 8 KiB to 4 MiB, data from 4 MiB to 6 MiB. */
	img.seg[0].page_end = 0x202000;
	img.seg[1].page_start = 0x202000;
	img.seg[1].page_end = 0x400000;
	img.seg[2].page_start = 0x400000;
	img.seg[2].page_end = 0x600000;
	x86_setup_page_tables(mem, MEM, &img, X86_PTE_NX);
	ok(prot_is(mem, 0x201fff, 0, 1) && prot_is(mem, 0x202000, 0, 0) &&
	   prot_is(mem, 0x3fffff, 0, 0), "a 2 MiB region with a boundary gets 4 KiB pages");
	ok(prot_is(mem, 0x400000, 1, 0) && prot_is(mem, 0x5fffff, 1, 0) &&
	   prot_is(mem, 0x600000, 1, 0), "whole 2 MiB regions of one segment: large pages");
	ok(x86_page_tables_check(&img, MEM, &err) == 0, "one table from the pool is enough");

	/* Eight 4 KiB read-only segments, each in a 2 MiB region of its own above 2 MiB. */
	img.nseg = X86_PT_POOL + 1;
	for (unsigned i = 0; i < img.nseg; i++)
		img.seg[i] = (struct tender_segment){ .page_start = (i + 1) * 0x200000ull,
						      .page_end = (i + 1) * 0x200000ull + 0x1000,
						      .flags = TENDER_SEG_R };
	ok(x86_page_tables_check(&img, 32u << 20, &err) < 0 &&
	   strstr(err.msg, "within 8 different 2 MiB regions"), "one table too many is refused");
	img.nseg = X86_PT_POOL;
	ok(x86_page_tables_check(&img, 32u << 20, &err) == 0, "as many as the pool holds is fine");
	free(mem);

	is_int(x86_gdt_entry(&x86_seg_code), 0x00af9b000000ffffll, "GDT: 64-bit code descriptor");
	is_int(x86_gdt_entry(&x86_seg_data), 0x00cf93000000ffffll, "GDT: data descriptor");
}

/* --- hypercalls ------------------------------------------------------------------------------- */

/* Three entries; the fourth slot, past `entries`, looks like an attached network device, so that
 * a handle check off by one (handle == entries let through) shows as a success. */
static struct {
	uint32_t version, entries;
	struct mft_entry e[4];
} manifest = {
	.version = MFT_VERSION, .entries = 3,
	.e = {
		{ .name = "", .type = MFT_RESERVED_FIRST },
		{ .name = "storage", .type = MFT_DEV_BLOCK_BASIC },
		{ .name = "service", .type = MFT_DEV_NET_BASIC },
		{ .name = "ghost", .type = MFT_DEV_NET_BASIC },
	},
};

static struct hvt h;
static struct tender_devices devs;
static int peer;	/* the other end of the "tap" */
static char disk[] = "/tmp/fata-tender-hvt.XXXXXX";

static void setup(void)
{
	int sv[2];

	h.mem = calloc(1, MEM);
	h.mem_size = MEM;
	h.mft = (const struct mft *)&manifest;
	h.devs = &devs;
	h.quiet = false;
	for (unsigned i = 0; i < MFT_MAX_ENTRIES; i++)
		devs.d[i].fd = -1;
	devs.n = 3;
	devs.block_max = TENDER_BLOCK_MULTI_MAX;
	devs.d[1].fd = mkstemp(disk);
	ok(devs.d[1].fd >= 0 && ftruncate(devs.d[1].fd, 4 * 512) == 0, "a 4-sector disk");
	devs.d[1].attached = true;
	devs.d[1].capacity = 4 * 512;
	devs.d[1].block_size = 512;
	ok(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, sv) == 0,
	   "a socket pair stands in for the tap");
	devs.d[2].fd = sv[0];
	peer = sv[1];
	devs.d[2].attached = true;
	devs.d[2].mtu = TENDER_NET_MTU;
	devs.d[3] = devs.d[2];	/* the ghost past the table: never to be used */
	hvt_hypercall_init(&h);
}

static void put(uint64_t gpa, const void *p, size_t n)
{
	memcpy(h.mem + gpa, p, n);
}

static void get(uint64_t gpa, void *p, size_t n)
{
	memcpy(p, h.mem + gpa, n);
}

/* Serves hypercall `nr` with `arg` placed at ARG, then copies the result back into `arg`. */
static void call(unsigned nr, void *arg, size_t n)
{
	put(ARG, arg, n);
	hvt_hypercall_serve(&h, nr, ARG);
	get(ARG, arg, n);
}

/* Runs hypercall `nr` with `arg` at `gpa` in a child; returns its status, its stderr in `out`. */
static int in_child(unsigned nr, const void *arg, size_t n, uint64_t gpa, char *out, size_t size)
{
	int p[2], status;
	ssize_t got;
	pid_t pid;

	if (pipe(p) < 0)
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		if (gpa + n <= MEM)
			put(gpa, arg, n);
		hvt_hypercall_serve(&h, nr, gpa);
		_exit(100);
	}
	close(p[1]);
	got = read(p[0], out, size - 1);
	out[got > 0 ? got : 0] = 0;
	close(p[0]);
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void stops(int status, const char *out, const char *want, const char *what)
{
	if (!ok(status == 1 && strstr(out, want), "stops the guest: %s", what))
		printf("#   status %d, output '%s', expected '%s'\n", status, out, want);
}

static void test_basic(void)
{
	struct hvt_hc_walltime w = { 0 };
	struct hvt_hc_puts p = { .data = BUF, .len = 6 };
	struct hvt_hc_halt halt = { .exit_status = 5 };
	struct timespec ts;
	char out[512];
	int st;

	clock_gettime(CLOCK_REALTIME, &ts);
	call(HVT_HYPERCALL_WALLTIME, &w, sizeof w);
	ok(w.nsecs / 1000000000u - (uint64_t)ts.tv_sec <= 1, "WALLTIME: the realtime clock");

	put(BUF, "hello\n", 6);
	st = in_child(HVT_HYPERCALL_PUTS, &p, sizeof p, ARG, out, sizeof out);
	ok(st == 100 && strcmp(out, "hello\n") == 0, "PUTS: writes the guest's bytes to stdout");
	p.data = MEM - 3;
	st = in_child(HVT_HYPERCALL_PUTS, &p, sizeof p, ARG, out, sizeof out);
	stops(st, out, "fata-test: guest error in hypercall PUTS: data at 0x7ffffd (6 bytes) is "
	      "outside guest memory (0x800000 bytes)", "PUTS past the end of memory");
	p.data = UINT64_MAX - 2;
	p.len = 8;
	st = in_child(HVT_HYPERCALL_PUTS, &p, sizeof p, ARG, out, sizeof out);
	stops(st, out, "hypercall PUTS: data at 0xfffffffffffffffd", "PUTS with an address that "
	      "wraps around");
	p.data = BUF;
	p.len = UINT64_MAX;
	st = in_child(HVT_HYPERCALL_PUTS, &p, sizeof p, ARG, out, sizeof out);
	stops(st, out, "hypercall PUTS: data at 0x301000", "PUTS with a huge length");
	st = in_child(HVT_HYPERCALL_PUTS, &p, sizeof p, MEM - 8, out, sizeof out);
	stops(st, out, "hypercall PUTS: the argument at 0x7ffff8 (16 bytes) is outside guest memory",
	      "an argument struct across the end of memory");
	st = in_child(HVT_HYPERCALL_WALLTIME, &w, sizeof w, 0xffffffff, out, sizeof out);
	stops(st, out, "hypercall WALLTIME: the argument at 0xffffffff", "an argument past memory");

	st = in_child(HVT_HYPERCALL_HALT, &halt, sizeof halt, ARG, out, sizeof out);
	ok(st == 5 && strstr(out, "fata-test: guest exited with status 5"),
	   "HALT: the guest's status, and a note");
	halt.exit_status = 256 + 3;
	halt.cookie = UINT64_MAX;	/* not used: a bad cookie does not matter */
	h.quiet = true;
	st = in_child(HVT_HYPERCALL_HALT, &halt, sizeof halt, ARG, out, sizeof out);
	ok(st == 3 && out[0] == 0, "HALT: status modulo 256, quiet");
	h.quiet = false;
	st = in_child(0, &halt, sizeof halt, ARG, out, sizeof out);
	stops(st, out, "guest error: unknown hypercall 0", "hypercall 0");
	st = in_child(9, &halt, sizeof halt, ARG, out, sizeof out);
	stops(st, out, "guest error: unknown hypercall 9", "hypercall 9");
	st = in_child(HVT_HYPERCALL_MAX, &halt, sizeof halt, ARG, out, sizeof out);
	stops(st, out, "guest error: unknown hypercall 18", "hypercall 18 (HVT_HYPERCALL_MAX)");
}

/* The tender never writes into text or rodata for the guest: results, read data. */
static void test_readonly(void)
{
	struct tender_image img = image();
	struct hvt_hc_walltime w = { 0 };
	struct hvt_hc_block_read r = { .handle = 1, .offset = 0, .len = 512 };
	struct hvt_hc_puts p = { .data = 0x103000, .len = 4 };
	char out[512];
	int st;

	h.img = &img;
	st = in_child(HVT_HYPERCALL_WALLTIME, &w, sizeof w, 0x104ff8, out, sizeof out);
	stops(st, out, "hypercall WALLTIME: the argument at 0x104ff8 (8 bytes) lies in read-only "
	      "segment 1", "a result written into rodata");
	st = in_child(HVT_HYPERCALL_WALLTIME, &w, sizeof w, 0x104ffc, out, sizeof out);
	stops(st, out, "lies in read-only segment 1", "a result across the end of rodata");
	st = in_child(HVT_HYPERCALL_WALLTIME, &w, sizeof w, 0x105000, out, sizeof out);
	ok(st == 100, "a result at the first byte of data is written");
	r.data = 0x102e00;
	st = in_child(HVT_HYPERCALL_BLOCK_READ, &r, sizeof r, ARG, out, sizeof out);
	stops(st, out, "hypercall BLOCK_READ: data at 0x102e00 (512 bytes) lies in read-only "
	      "segment 0", "a block read into text");
	r.data = 0xffe01;
	st = in_child(HVT_HYPERCALL_BLOCK_READ, &r, sizeof r, ARG, out, sizeof out);
	stops(st, out, "lies in read-only segment 0", "a block read ending in the first text byte");
	r.data = 0xffe00;
	st = in_child(HVT_HYPERCALL_BLOCK_READ, &r, sizeof r, ARG, out, sizeof out);
	ok(st == 100, "a block read ending just below text is served");
	r.data = 0x107e00;
	st = in_child(HVT_HYPERCALL_BLOCK_READ, &r, sizeof r, ARG, out, sizeof out);
	ok(st == 100, "a block read into data is served");
	{
		struct hvt_hc_net_batch b = { .handle = 2, .frames = ARG + 0x100, .count = 2 };
		struct hvt_net_frame f[2] = {
			{ .data = 0x107000, .len = 1514 }, { .data = 0x102e00, .len = 1514 },
		};

		h.net_batch = true;
		put(ARG + 0x100, f, sizeof f);
		st = in_child(HVT_HYPERCALL_NET_READV, &b, sizeof b, ARG, out, sizeof out);
		stops(st, out, "hypercall NET_READV: data at 0x102e00 (1514 bytes) lies in read-only "
		      "segment 0", "NET_READV with its second frame in text");
		b.frames = 0x104ff0;
		st = in_child(HVT_HYPERCALL_NET_READV, &b, sizeof b, ARG, out, sizeof out);
		stops(st, out, "hypercall NET_READV: the frame array at 0x104ff0 (48 bytes) lies in "
		      "read-only segment 1", "NET_READV with its frame array in rodata");
	}
	st = in_child(HVT_HYPERCALL_PUTS, &p, sizeof p, ARG, out, sizeof out);
	ok(st == 100, "PUTS may read rodata");
	h.img = NULL;
}

static void test_block(void)
{
	struct hvt_hc_block_write w = { .handle = 1, .offset = 512, .data = BUF, .len = 512 };
	struct hvt_hc_block_read r = { .handle = 1, .offset = 512, .data = BUF + 512, .len = 512 };
	char sector[512], out[512];
	int st;

	memset(sector, 'w', sizeof sector);
	put(BUF, sector, sizeof sector);
	call(HVT_HYPERCALL_BLOCK_WRITE, &w, sizeof w);
	is_int(w.ret, SOLO5_R_OK, "BLOCK_WRITE of sector 1");
	memset(sector, 0, sizeof sector);
	ok(pread(devs.d[1].fd, sector, 512, 512) == 512 && sector[0] == 'w' && sector[511] == 'w',
	   "BLOCK_WRITE reached the file");
	call(HVT_HYPERCALL_BLOCK_READ, &r, sizeof r);
	get(BUF + 512, sector, sizeof sector);
	ok(r.ret == SOLO5_R_OK && r.len == 512 && sector[100] == 'w', "BLOCK_READ of sector 1");

	r.offset = 3 * 512;
	call(HVT_HYPERCALL_BLOCK_READ, &r, sizeof r);
	is_int(r.ret, SOLO5_R_OK, "BLOCK_READ of the last sector");
	r.offset = 4 * 512;
	call(HVT_HYPERCALL_BLOCK_READ, &r, sizeof r);
	is_int(r.ret, SOLO5_R_EINVAL, "BLOCK_READ at the capacity: EINVAL");
	r.offset = 100;
	call(HVT_HYPERCALL_BLOCK_READ, &r, sizeof r);
	is_int(r.ret, SOLO5_R_EINVAL, "BLOCK_READ at an unaligned offset: EINVAL");
	r.offset = UINT64_MAX - 511;
	call(HVT_HYPERCALL_BLOCK_READ, &r, sizeof r);
	is_int(r.ret, SOLO5_R_EINVAL, "BLOCK_READ at an offset near 2^64: EINVAL");
	r.offset = 0;
	r.len = 0;
	call(HVT_HYPERCALL_BLOCK_READ, &r, sizeof r);
	is_int(r.ret, SOLO5_R_EINVAL, "BLOCK_READ of 0 bytes: EINVAL");
	r.len = 700;
	call(HVT_HYPERCALL_BLOCK_READ, &r, sizeof r);
	is_int(r.ret, SOLO5_R_EINVAL, "BLOCK_READ of a block and a bit: EINVAL");
	r.len = 3 * 512;
	r.offset = 2 * 512;
	call(HVT_HYPERCALL_BLOCK_READ, &r, sizeof r);
	is_int(r.ret, SOLO5_R_EINVAL, "BLOCK_READ of three blocks from the third of four: EINVAL");
	r.offset = 512;
	call(HVT_HYPERCALL_BLOCK_READ, &r, sizeof r);
	is_int(r.ret, SOLO5_R_EINVAL, "BLOCK_READ of three blocks (not block_size << j): EINVAL");
	r.len = 2 * 512;
	r.offset = 2 * 512;
	devs.block_max = 0;
	call(HVT_HYPERCALL_BLOCK_READ, &r, sizeof r);
	is_int(r.ret, SOLO5_R_EINVAL, "without the extension, BLOCK_READ of two blocks: EINVAL");
	devs.block_max = TENDER_BLOCK_MULTI_MAX;
	w.offset = 2 * 512;
	w.len = 2 * 512;
	memset(sector, 'm', sizeof sector);
	put(BUF, sector, sizeof sector);
	put(BUF + 512, sector, sizeof sector);
	call(HVT_HYPERCALL_BLOCK_WRITE, &w, sizeof w);
	memset(sector, 0, sizeof sector);
	ok(w.ret == SOLO5_R_OK && pread(devs.d[1].fd, sector, 512, 3 * 512) == 512 &&
	   sector[511] == 'm', "HVT_FEATURE_BLOCK_MULTI: BLOCK_WRITE of the last two blocks");
	memset(sector, 'x', sizeof sector);
	put(BUF + 512 + 512, sector, sizeof sector);
	call(HVT_HYPERCALL_BLOCK_READ, &r, sizeof r);
	get(BUF + 512 + 512, sector, sizeof sector);
	ok(r.ret == SOLO5_R_OK && r.len == 2 * 512 && sector[0] == 'm' && sector[511] == 'm',
	   "HVT_FEATURE_BLOCK_MULTI: and BLOCK_READ of both in one call");
	w.offset = 512;
	w.len = 512;
	r.len = 2 * HVT_BLOCK_MULTI_MAX;
	r.offset = 0;
	devs.d[1].capacity = 1024 * 512;	/* only the checks see the larger disk */
	call(HVT_HYPERCALL_BLOCK_READ, &r, sizeof r);
	is_int(r.ret, SOLO5_R_EINVAL, "BLOCK_READ of twice HVT_BLOCK_MULTI_MAX: EINVAL");
	devs.d[1].capacity = 4 * 512;
	r.offset = 512;
	r.len = 512;
	r.handle = 2;
	call(HVT_HYPERCALL_BLOCK_READ, &r, sizeof r);
	is_int(r.ret, SOLO5_R_EINVAL, "BLOCK_READ on a net handle: EINVAL");
	r.handle = 0;
	call(HVT_HYPERCALL_BLOCK_READ, &r, sizeof r);
	is_int(r.ret, SOLO5_R_EINVAL, "BLOCK_READ on handle 0: EINVAL");
	r.handle = 3;
	call(HVT_HYPERCALL_BLOCK_READ, &r, sizeof r);
	is_int(r.ret, SOLO5_R_EINVAL, "BLOCK_READ on handle 3 (== entries): EINVAL");
	r.handle = 1ull << 40;
	call(HVT_HYPERCALL_BLOCK_READ, &r, sizeof r);
	is_int(r.ret, SOLO5_R_EINVAL, "BLOCK_READ on a huge handle: EINVAL");
	r.handle = UINT64_MAX;
	call(HVT_HYPERCALL_BLOCK_READ, &r, sizeof r);
	is_int(r.ret, SOLO5_R_EINVAL, "BLOCK_READ on handle 2^64 - 1: EINVAL");
	r.handle = 1;
	r.data = MEM - 256;
	st = in_child(HVT_HYPERCALL_BLOCK_READ, &r, sizeof r, ARG, out, sizeof out);
	stops(st, out, "guest error in hypercall BLOCK_READ: data at 0x7fff00 (512 bytes)",
	      "BLOCK_READ into a buffer past the end of memory");
	w.data = MEM;
	st = in_child(HVT_HYPERCALL_BLOCK_WRITE, &w, sizeof w, ARG, out, sizeof out);
	stops(st, out, "guest error in hypercall BLOCK_WRITE: data at 0x800000",
	      "BLOCK_WRITE from past the end of memory");
	w.data = BUF;
	devs.d[1].readonly = true;
	call(HVT_HYPERCALL_BLOCK_WRITE, &w, sizeof w);
	is_int(w.ret, SOLO5_R_EINVAL, "BLOCK_WRITE to a read-only file: EINVAL");
	devs.d[1].readonly = false;
}

static void test_net(void)
{
	struct hvt_hc_net_write w = { .handle = 2, .data = BUF, .len = 60 };
	struct hvt_hc_net_read r = { .handle = 2, .data = BUF + 2048, .len = 1514 };
	struct hvt_hc_poll p = { .timeout_nsecs = 1000000 };
	uint8_t frame[1600];
	char out[512];
	int st;

	memset(frame, 0xab, sizeof frame);
	put(BUF, frame, 60);
	call(HVT_HYPERCALL_NET_WRITE, &w, sizeof w);
	is_int(w.ret, SOLO5_R_OK, "NET_WRITE of a 60-byte frame");
	is_int(read(peer, frame, sizeof frame), 60, "the frame came out of the tap");
	w.len = 1514;
	call(HVT_HYPERCALL_NET_WRITE, &w, sizeof w);
	ok(w.ret == SOLO5_R_OK && read(peer, frame, sizeof frame) == 1514,
	   "NET_WRITE of MTU + 14 bytes (MTU 1500)");
	w.len = 1515;
	call(HVT_HYPERCALL_NET_WRITE, &w, sizeof w);
	is_int(w.ret, SOLO5_R_EINVAL, "NET_WRITE of more than MTU + 14 bytes: EINVAL");
	/* The tap's MTU, whatever it is, sets the bound. */
	devs.d[2].mtu = 9000;
	w.len = 9014;
	call(HVT_HYPERCALL_NET_WRITE, &w, sizeof w);
	{
		static uint8_t jumbo[9100];

		ok(w.ret == SOLO5_R_OK && read(peer, jumbo, sizeof jumbo) == 9014,
		   "MTU 9000: NET_WRITE of 9014 bytes");
	}
	w.len = 9015;
	call(HVT_HYPERCALL_NET_WRITE, &w, sizeof w);
	is_int(w.ret, SOLO5_R_EINVAL, "MTU 9000: NET_WRITE of 9015 bytes: EINVAL");
	devs.d[2].mtu = TENDER_NET_MTU;
	w.len = 60;
	w.handle = 1;
	call(HVT_HYPERCALL_NET_WRITE, &w, sizeof w);
	is_int(w.ret, SOLO5_R_EINVAL, "NET_WRITE on a block handle: EINVAL");
	w.handle = 3;
	call(HVT_HYPERCALL_NET_WRITE, &w, sizeof w);
	is_int(w.ret, SOLO5_R_EINVAL, "NET_WRITE on handle 3 (== entries, the slot past the table): EINVAL");
	w.handle = 0;
	call(HVT_HYPERCALL_NET_WRITE, &w, sizeof w);
	is_int(w.ret, SOLO5_R_EINVAL, "NET_WRITE on handle 0: EINVAL");
	r.handle = 3;
	call(HVT_HYPERCALL_NET_READ, &r, sizeof r);
	is_int(r.ret, SOLO5_R_EINVAL, "NET_READ on handle 3 (== entries): EINVAL");
	r.handle = 2;
	w.handle = 2;

	call(HVT_HYPERCALL_NET_READ, &r, sizeof r);
	is_int(r.ret, SOLO5_R_AGAIN, "NET_READ with nothing there: AGAIN");
	call(HVT_HYPERCALL_POLL, &p, sizeof p);
	ok(p.ready_set == 0 && p.ret == 0, "POLL times out with nothing ready");
	p.timeout_nsecs = 0;
	call(HVT_HYPERCALL_POLL, &p, sizeof p);
	ok(p.ready_set == 0, "POLL with timeout 0 returns at once");

	memset(frame, 0x42, 42);
	ok(write(peer, frame, 42) == 42, "a frame arrives at the tap");
	p.timeout_nsecs = 5000000000ull;
	call(HVT_HYPERCALL_POLL, &p, sizeof p);
	ok(p.ready_set == 1u << 2 && p.ret == 1, "POLL: handle 2 is ready");
	call(HVT_HYPERCALL_NET_READ, &r, sizeof r);
	get(BUF + 2048, frame, 42);
	ok(r.ret == SOLO5_R_OK && r.len == 42 && frame[41] == 0x42, "NET_READ gets the frame");

	r.data = MEM - 100;
	r.len = 1514;
	st = in_child(HVT_HYPERCALL_NET_READ, &r, sizeof r, ARG, out, sizeof out);
	stops(st, out, "guest error in hypercall NET_READ: data at 0x7fff9c (1514 bytes)",
	      "NET_READ into a buffer past the end of memory");
}

/* NET_READV and NET_WRITEV (HVT_FEATURE_NET_BATCH): several frames per exit, each checked. */
#define FRAMES (ARG + 0x100)	/* the frame array, after the argument */

static void test_net_batch(void)
{
	struct hvt_hc_net_batch b = { .handle = 2, .frames = FRAMES, .count = 3 };
	struct hvt_net_frame f[HVT_NET_BATCH_MAX + 1];
	uint8_t frame[1600];
	char out[512];
	int st;

	h.net_batch = true;
	memset(&h.net_stats, 0, sizeof h.net_stats);
	/* WRITEV: three frames out in one call, each with its own result. */
	for (int i = 0; i < 3; i++) {
		memset(frame, 0x10 + i, sizeof frame);
		put(BUF + (uint64_t)i * 2048, frame, 1514);
		f[i] = (struct hvt_net_frame){ .data = BUF + (uint64_t)i * 2048, .len = 60 + i,
					       .ret = 77 };
	}
	f[1].len = 1515;	/* over MTU + 14 */
	put(FRAMES, f, 3 * sizeof f[0]);
	call(HVT_HYPERCALL_NET_WRITEV, &b, sizeof b);
	get(FRAMES, f, 3 * sizeof f[0]);
	ok(b.done == 3 && b.ret == SOLO5_R_EINVAL && f[0].ret == SOLO5_R_OK &&
	   f[1].ret == SOLO5_R_EINVAL && f[2].ret == SOLO5_R_OK,
	   "NET_WRITEV: a frame over MTU + 14 gets EINVAL, the others go out");
	ok(read(peer, frame, sizeof frame) == 60 && frame[59] == 0x10 &&
	   read(peer, frame, sizeof frame) == 62 && frame[61] == 0x12 &&
	   read(peer, frame, sizeof frame) < 0, "the two good frames came out of the tap, in order");

	/* READV: what is waiting, then AGAIN in the frame after. */
	for (int i = 0; i < 2; i++) {
		memset(frame, 0x60 + i, 100 + i);
		ok(write(peer, frame, 100 + (size_t)i) == 100 + i, "a frame arrives at the tap");
	}
	for (int i = 0; i < 4; i++)
		f[i] = (struct hvt_net_frame){ .data = BUF + 0x10000 + (uint64_t)i * 2048,
					       .len = 1514, .ret = 77 };
	put(FRAMES, f, 4 * sizeof f[0]);
	b.count = 4;
	call(HVT_HYPERCALL_NET_READV, &b, sizeof b);
	get(FRAMES, f, 4 * sizeof f[0]);
	get(BUF + 0x10000 + 2048, frame, 101);
	ok(b.ret == SOLO5_R_OK && b.done == 2 && f[0].ret == SOLO5_R_OK && f[0].len == 100 &&
	   f[1].ret == SOLO5_R_OK && f[1].len == 101 && frame[100] == 0x61 &&
	   f[2].ret == SOLO5_R_AGAIN && f[3].ret == 77,
	   "NET_READV: two frames in one call, AGAIN in the third, the fourth untouched");
	call(HVT_HYPERCALL_NET_READV, &b, sizeof b);
	ok(b.ret == SOLO5_R_AGAIN && b.done == 0, "NET_READV with nothing there: AGAIN, done 0");
	ok(h.net_stats.readv == 2 && h.net_stats.frames_in == 2 && h.net_stats.most_in == 2 &&
	   h.net_stats.writev == 1 && h.net_stats.frames_out == 3,
	   "the batches are counted for the exit note");
	b.handle = 1;
	call(HVT_HYPERCALL_NET_READV, &b, sizeof b);
	ok(b.ret == SOLO5_R_EINVAL && b.done == 0, "NET_READV on a block handle: EINVAL");
	b.handle = 3;
	call(HVT_HYPERCALL_NET_WRITEV, &b, sizeof b);
	ok(b.ret == SOLO5_R_EINVAL && b.done == 0, "NET_WRITEV on handle 3 (== entries): EINVAL");
	b.handle = 2;

	/* Bad requests stop the guest, naming the hypercall, before any frame moves. */
	b.count = HVT_NET_BATCH_MAX + 1;
	st = in_child(HVT_HYPERCALL_NET_READV, &b, sizeof b, ARG, out, sizeof out);
	stops(st, out, "guest error: hypercall NET_READV: count 65 is not 1..64",
	      "NET_READV of 65 frames");
	b.count = 0;
	st = in_child(HVT_HYPERCALL_NET_WRITEV, &b, sizeof b, ARG, out, sizeof out);
	stops(st, out, "guest error: hypercall NET_WRITEV: count 0 is not 1..64",
	      "NET_WRITEV of no frame");
	b.count = 2;
	b.frames = MEM - 24;
	st = in_child(HVT_HYPERCALL_NET_WRITEV, &b, sizeof b, ARG, out, sizeof out);
	stops(st, out, "guest error in hypercall NET_WRITEV: the frame array at 0x7fffe8 (48 bytes) "
	      "is outside guest memory", "NET_WRITEV with its array past the end of memory");
	b.frames = FRAMES;
	f[0] = (struct hvt_net_frame){ .data = BUF, .len = 60 };
	f[1] = (struct hvt_net_frame){ .data = MEM - 30, .len = 60 };
	put(FRAMES, f, 2 * sizeof f[0]);
	st = in_child(HVT_HYPERCALL_NET_WRITEV, &b, sizeof b, ARG, out, sizeof out);
	stops(st, out, "guest error in hypercall NET_WRITEV: data at 0x7fffe2 (60 bytes) is outside "
	      "guest memory", "NET_WRITEV with its second frame past the end of memory");
	ok(read(peer, frame, sizeof frame) < 0, "... and the first frame was not sent");
	f[1] = (struct hvt_net_frame){ .data = BUF, .len = 1514 };
	put(FRAMES, f, 2 * sizeof f[0]);
	h.net_batch = false;
	st = in_child(HVT_HYPERCALL_NET_READV, &b, sizeof b, ARG, out, sizeof out);
	stops(st, out, "guest error: unknown hypercall 16 (NET_READV needs HVT_FEATURE_NET_BATCH",
	      "NET_READV when the feature was not offered (--no-extensions)");
	h.net_batch = true;
}

/*
 * Serves every hypercall under fata-hvt's seccomp filter, in a child: none of them may need a
 * system call the filter forbids (KVM_RUN itself cannot be tried without KVM).
 */
static void test_sandbox(void)
{
	struct hvt_hc_walltime w = { 0 };
	struct hvt_hc_puts p = { .data = BUF, .len = 3 };
	struct hvt_hc_poll poll = { .timeout_nsecs = 1000000 };
	struct hvt_hc_block_read br = { .handle = 1, .offset = 0, .data = BUF, .len = 512 };
	struct hvt_hc_block_write bw = { .handle = 1, .offset = 512, .data = BUF, .len = 512 };
	struct hvt_hc_net_write nw = { .handle = 2, .data = BUF, .len = 60 };
	struct hvt_hc_net_read nr = { .handle = 2, .data = BUF, .len = 1514 };
	struct hvt_hc_net_batch nb = { .handle = 2, .frames = ARG + 0x100, .count = 1 }, nbw;
	struct hvt_hc_halt halt = { .exit_status = 42 };
	char buf[512];
	int status, pipefd[2];
	pid_t pid;

#ifdef __SANITIZE_ADDRESS__
	/* ASan's runtime makes system calls of its own (mmap, ...), which the filter kills; the
	 * plain build of this test (build/tests/tender_hvt.t) runs these three. */
	tap_skip(3, "sanitizer build: ASan's runtime cannot run under the seccomp filter "
		 "(the plain build runs these)");
	return;
#endif
	if (!ok(pipe(pipefd) == 0, "a pipe for the sandboxed child's output"))
		return;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		scmp_filter_ctx ctx = tender_sandbox_new();

		dup2(pipefd[1], 1);
		dup2(pipefd[1], 2);
		h.vcpu_fd = -1;
		hvt_kvm_sandbox(&h, ctx);
		hvt_hypercall_sandbox(&h, ctx);
		tender_sandbox_install(ctx);
		put(BUF, "ok\n", 3);
		call(HVT_HYPERCALL_WALLTIME, &w, sizeof w);
		call(HVT_HYPERCALL_PUTS, &p, sizeof p);
		call(HVT_HYPERCALL_POLL, &poll, sizeof poll);
		call(HVT_HYPERCALL_BLOCK_READ, &br, sizeof br);
		call(HVT_HYPERCALL_BLOCK_WRITE, &bw, sizeof bw);
		call(HVT_HYPERCALL_NET_WRITE, &nw, sizeof nw);
		call(HVT_HYPERCALL_NET_READ, &nr, sizeof nr);
		put(ARG + 0x100, &(struct hvt_net_frame){ .data = BUF, .len = 60 },
		    sizeof(struct hvt_net_frame));
		h.net_batch = true;
		call(HVT_HYPERCALL_NET_WRITEV, &nb, sizeof nb);
		nbw = nb;
		call(HVT_HYPERCALL_NET_READV, &nb, sizeof nb);
		if (br.ret || bw.ret || nw.ret || nr.ret != SOLO5_R_AGAIN || nbw.ret ||
		    nb.ret != SOLO5_R_AGAIN)
			call(HVT_HYPERCALL_HALT, &(struct hvt_hc_halt){ .exit_status = 9 },
			     sizeof halt);
		call(HVT_HYPERCALL_HALT, &halt, sizeof halt);
		_exit(100);
	}
	close(pipefd[1]);
	waitpid(pid, &status, 0);
	memset(buf, 0, sizeof buf);
	if (read(pipefd[0], buf, sizeof buf - 1) < 0)
		buf[0] = 0;
	close(pipefd[0]);
	if (!ok(WIFEXITED(status) && WEXITSTATUS(status) == 42,
		"every hypercall works under the seccomp filter"))
		printf("#   %s %d\n", WIFEXITED(status) ? "exit status" : "killed by signal",
		       WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	ok(strstr(buf, "ok\n") && strstr(buf, "guest exited with status 42"),
	   "PUTS and the exit note get through the filter");
	while (read(peer, buf, sizeof buf) > 0)	/* drain the frames written */
		;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		scmp_filter_ctx ctx = tender_sandbox_new();

		hvt_hypercall_sandbox(&h, ctx);
		tender_sandbox_install(ctx);
		getpid();
		_exit(0);
	}
	waitpid(pid, &status, 0);
	ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS,
	   "anything else (getpid) kills the process");
}

int main(void)
{
	tender_name = "fata-test";
	test_page_tables();
	setup();
	test_basic();
	test_readonly();
	test_block();
	test_net();
	test_net_batch();
	test_sandbox();
	unlink(disk);
	return tap_done();
}
