/*
 * libFuzzer harness for the archive store: the input is a block device image (512-byte sectors,
 * the tail padded with zeros); the harness connects, then lists, reads and digests everything.
 * Whatever the input, the reader must fail cleanly or answer, never crash or hang.
 */
#include "kv_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kv_dev dev;

	kv_fuzz_quiet();
	kv_dev_from_memory(&dev, data, size);
	kv_fuzz_walk(kv_archive_open("fuzz", &dev));
	return 0;
}
