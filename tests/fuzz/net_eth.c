/* Fuzz harness: whole Ethernet frames into the stack's input path (every layer above it). */
#include "net_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fata_stack *s = fuzz_stack();
	uint8_t frame[FUZZ_FRAME_MAX + 64];

	if (!s)
		return 0;
	if (size > sizeof(frame))
		size = sizeof(frame);
	memcpy(frame, data, size);
	stack_input(s, frame, size);
	stack_timers(s, UINT64_MAX / 2);
	stack_free(s);
	return 0;
}
