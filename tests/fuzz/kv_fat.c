/*
 * libFuzzer harness for the fat store: the input is a FAT12/16/32 image on a block device; the
 * harness connects, then lists, reads and digests everything it finds.
 */
#include "kv_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kv_dev dev;

	kv_fuzz_quiet();
	kv_dev_from_memory(&dev, data, size);
	kv_fuzz_walk(kv_fat_open("fuzz", &dev));
	return 0;
}
