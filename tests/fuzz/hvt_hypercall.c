/*
 * Fuzz harness of fata-hvt's hypercall handlers (tender/hvt/hvt_hypercall.c, hvt_block.c,
 * hvt_net.c) without KVM, as tests/unit/tender_hvt.c serves them: random requests against a
 * 64 KiB fake guest memory with a read-only segment, a 4-sector block file and a socket pair for
 * the tap. The input is a list of records: hypercall number (1 byte), argument address (4 bytes,
 * anywhere up to 256 bytes past the end of memory), then a length byte and that many bytes written
 * at the address first (the argument struct, or data). A guest error (tender_die, wrapped with
 * -Wl,--wrap=tender_die) ends the record; HALT, which exits, is not called. The sanitizers catch
 * any access outside guest memory.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../../tender/hvt/hvt.h"
#include "hvt_abi.h"

#define MEM (64u << 10)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct {
	uint32_t version, entries;
	struct mft_entry e[3];
} manifest = {
	.version = MFT_VERSION, .entries = 3,
	.e = {
		{ .name = "", .type = MFT_RESERVED_FIRST },
		{ .name = "storage", .type = MFT_DEV_BLOCK_BASIC },
		{ .name = "service", .type = MFT_DEV_NET_BASIC },
	},
};

static struct hvt h;
static struct tender_devices devs;
static struct tender_image img = { .nseg = 2 };
static int peer, devnull;
static jmp_buf stop;
static bool ready;

/* The guest error: back to the harness instead of exiting. */
void __wrap_tender_die(const char *fmt, ...);
void __wrap_tender_die(const char *fmt, ...)
{
	(void)fmt;
	longjmp(stop, 1);
}

static void setup(void)
{
	char disk[] = "/tmp/fata-fuzz-hvt.XXXXXX";
	int sv[2];

	h.mem = calloc(1, MEM);
	h.mem_size = MEM;
	h.mft = (const struct mft *)&manifest;
	h.devs = &devs;
	h.quiet = true;
	h.net_batch = true;	/* NET_READV and NET_WRITEV are fuzzed too */
	/* Text r-x at 4 KiB..8 KiB, rodata at 8 KiB..12 KiB: hypercalls may not write there. */
	img.seg[0] = (struct tender_segment){ .page_start = 0x1000, .page_end = 0x2000,
					      .flags = TENDER_SEG_R | TENDER_SEG_X };
	img.seg[1] = (struct tender_segment){ .page_start = 0x2000, .page_end = 0x3000,
					      .flags = TENDER_SEG_R };
	h.img = &img;
	for (unsigned i = 0; i < MFT_MAX_ENTRIES; i++)
		devs.d[i].fd = -1;
	devs.n = 3;
	devs.block_max = TENDER_BLOCK_MULTI_MAX;
	devs.d[1].fd = mkstemp(disk);
	if (devs.d[1].fd < 0 || ftruncate(devs.d[1].fd, 4 * 512) < 0)
		abort();
	unlink(disk);
	devs.d[1].attached = true;
	devs.d[1].capacity = 4 * 512;
	devs.d[1].block_size = 512;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, sv) < 0)
		abort();
	devs.d[2].fd = sv[0];
	peer = sv[1];
	devs.d[2].attached = true;
	devs.d[2].mtu = TENDER_NET_MTU;
	devnull = open("/dev/null", O_WRONLY);
	if (devnull < 0)
		abort();
	hvt_hypercall_init(&h);
	ready = true;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Serves one hypercall with stdout (PUTS) sent to /dev/null. */
static void serve(unsigned nr, uint64_t gpa)
{
	static int saved = -1;

	fflush(stdout);
	saved = dup(1);
	dup2(devnull, 1);
	if (setjmp(stop) == 0)
		hvt_hypercall_serve(&h, nr, gpa);
	dup2(saved, 1);
	close(saved);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t drain[16384];
	size_t pos = 0;

	if (!ready)
		setup();
	memset(h.mem, 0, MEM);
	while (size - pos >= 6) {
		unsigned nr = data[pos] % HVT_HYPERCALL_MAX;
		uint64_t gpa = get32(data + pos + 1) % (MEM + 256);
		size_t n = data[pos + 5];

		pos += 6;
		if (n > size - pos)
			n = size - pos;
		if (gpa < MEM)
			memcpy(h.mem + gpa, data + pos, n < MEM - gpa ? n : MEM - gpa);
		pos += n;
		if (nr == HVT_HYPERCALL_HALT)
			continue;	/* it exits the process */
		if (nr == HVT_HYPERCALL_POLL && gpa + 8 <= MEM) {
			uint64_t t;	/* at most 2 us: the harness must not sleep */

			memcpy(&t, h.mem + gpa, 8);
			t %= 2000;
			memcpy(h.mem + gpa, &t, 8);
		}
		serve(nr, gpa);
		while (read(peer, drain, sizeof drain) > 0)
			;
	}
	return 0;
}
