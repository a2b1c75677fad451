/* Reads or writes the whole disk sequentially in --bs requests and prints "KIB_PER_SEC OPS NS_PER_OP". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fata/unikernel.h"

int start(struct fata_block *storage)
{
	struct fata_block_info info;
	size_t bs = (size_t)fata_key_bs();
	int write = strcmp(fata_key_op(), "write") == 0;
	uint64_t t0, ns, ops = 0, bytes;
	char *buf, line[96];

	fata_block_info(storage, &info);
	if (bs == 0 || bs % info.sector_size || !(buf = malloc(bs)))
		return 2;
	memset(buf, 0x5a, bs);
	bytes = info.sectors * info.sector_size / bs * bs;
	t0 = fata_monotonic_ns();
	for (uint64_t off = 0; off < bytes; off += bs, ops++) {
		uint64_t sector = off / info.sector_size;
		int err = write ? fata_block_write(storage, sector, buf, bs)
				: fata_block_read(storage, sector, buf, bs);
		if (err)
			return 1;
	}
	if (write && fata_block_flush(storage))
		return 1;
	ns = fata_monotonic_ns() - t0;
	snprintf(line, sizeof(line), "%llu %llu %llu", (unsigned long long)(bytes * 1000000000ull / 1024 / (ns ? ns : 1)),
		 (unsigned long long)ops, (unsigned long long)(ns / (ops ? ops : 1)));
	fata_console_log(NULL, line);
	return 0;
}
