/*
 * Test guest: block device "storage". Its command line picks what it does:
 *   info      print "capacity C block_size B"
 *   rw        print the first line of sector 0, write "written by guest" to sector 1
 *   badcount  (spt) read 100 bytes, not one block: the sandbox kills it
 *   beyond    read the block at the capacity: spt is killed, hvt gets EINVAL
 *   badptr    (hvt) PUTS with a buffer past the end of guest memory: the tender stops it
 *   multi     whether the tender offers the multi-block extension, then the whole disk (16
 *             blocks) in one request: print its last sector's first line
 *   three     (spt) read three blocks in one call, not a power of two: the sandbox kills it
 *   straddle  (spt) read two blocks from the last one, past the capacity: the sandbox kills it
 */
#define MFT_ENTRIES 2
#include "guest.h"

MFT1_NOTE_DECLARE_BEGIN
	{ .name = "", .type = MFT_RESERVED_FIRST },
	{ .name = "storage", .type = MFT_DEV_BLOCK_BASIC },
MFT1_NOTE_DECLARE_END

static uint8_t buf[32768];

static void print_u64(uint64_t v)
{
	char s[24];
	int i = sizeof s;

	s[--i] = 0;
	do
		s[--i] = (char)('0' + v % 10);
	while (v /= 10);
	print(s + i);
}

#ifdef GUEST_SPT
static long block_read(const struct mft_entry *e, uint64_t off, uint64_t len)
{
	return sys(SYS_pread64, e->b.hostfd, (long)buf, (long)len, (long)off) == (long)len ? 0 : -1;
}

static long block_write(const struct mft_entry *e, uint64_t off, uint64_t len)
{
	return sys(SYS_pwrite64, e->b.hostfd, (long)buf, (long)len, (long)off) == (long)len ? 0
											    : -1;
}
#else
static unsigned handle;

static long block_read(const struct mft_entry *e, uint64_t off, uint64_t len)
{
	struct hvt_hc_block_read a = { .handle = handle, .offset = off,
				       .data = (uint64_t)(uintptr_t)buf, .len = len };

	(void)e;
	hvt_hypercall(HVT_HYPERCALL_BLOCK_READ, &a);
	return a.ret;
}

static long block_write(const struct mft_entry *e, uint64_t off, uint64_t len)
{
	struct hvt_hc_block_write a = { .handle = handle, .offset = off,
					.data = (uint64_t)(uintptr_t)buf, .len = len };

	(void)e;
	hvt_hypercall(HVT_HYPERCALL_BLOCK_WRITE, &a);
	return a.ret;
}
#endif

int guest_main(const boot_info *bi)
{
	const char *cmd = (const char *)(uintptr_t)bi->cmdline;
	unsigned h = guest_device(bi, "storage");
	const struct mft_entry *e = &guest_mft(bi)->e[h];
	uint64_t bs = e->u.block_basic.block_size, cap = e->u.block_basic.capacity;

	if (!h) {
		print("no storage device\n");
		return 1;
	}
#ifdef GUEST_HVT
	handle = h;
#endif
	if (str_eq(cmd, "info")) {
		print("capacity ");
		print_u64(cap);
		print(" block_size ");
		print_u64(bs);
		print("\n");
	} else if (str_eq(cmd, "rw") || cmd[0] == 0) {
		const char *msg = "written by guest\n";
		size_t n = 0;

		if (block_read(e, 0, bs) != 0) {
			print("read failed\n");
			return 1;
		}
		while (n < 64 && n < bs && buf[n] && buf[n] != '\n')
			n++;
		print("sector 0: ");
		out((const char *)buf, n);
		print("\n");
		for (size_t i = 0; i < bs; i++)
			buf[i] = i < str_len(msg) ? (uint8_t)msg[i] : 0;
		if (block_write(e, bs, bs) != 0) {
			print("write failed\n");
			return 1;
		}
		print("wrote sector 1\n");
	} else if (str_eq(cmd, "badcount")) {
		print("reading 100 bytes\n");
		block_read(e, 0, 100);
		print("still alive after reading 100 bytes\n");
	} else if (str_eq(cmd, "multi")) {
		print(bi->host_features & GUEST_FEATURE_BLOCK_MULTI ? "feature: block multi\n"
								    : "feature: none\n");
		if (cap > sizeof(buf) || block_read(e, 0, cap) != SOLO5_R_OK) {
			print("one read of the whole disk failed\n");
			return 1;
		}
		print("last sector: ");
		out((const char *)buf + cap - bs, str_len((const char *)buf + cap - bs));
	} else if (str_eq(cmd, "three")) {
		print("reading three blocks\n");
		block_read(e, 0, 3 * bs);
		print("still alive after reading three blocks\n");
	} else if (str_eq(cmd, "straddle")) {
		print("reading across the end\n");
		block_read(e, cap - bs, 2 * bs);
		print("still alive after reading across the end\n");
	} else if (str_eq(cmd, "beyond")) {
		print("reading past the end\n");
		print(block_read(e, cap, bs) == SOLO5_R_EINVAL ? "EINVAL\n" : "no EINVAL\n");
#ifdef GUEST_HVT
	} else if (str_eq(cmd, "badptr")) {
		struct hvt_hc_puts p = { .data = bi->mem_size - 4, .len = 100 };

		hvt_hypercall(HVT_HYPERCALL_PUTS, &p);
		print("still alive after a bad PUTS\n");
#endif
	} else {
		print("unknown command\n");
		return 2;
	}
	return 0;
}
