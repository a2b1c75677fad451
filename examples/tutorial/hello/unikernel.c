/* Logs "hello" four times, sleeping one second in between, then exits. */
#include "fata/unikernel.h"

int start(struct fata_time *time)
{
	for (int n = 4; n > 0; n--) {
		fata_info("hello");
		fata_time_sleep_ns(time, FATA_SEC(1));
	}
	return 0;
}
