/* Logs the value of the "hello" key four times, one second apart. */
#include "fata/unikernel.h"

int start(struct fata_time *time)
{
	const char *hello = fata_key_hello();

	for (int n = 4; n > 0; n--) {
		fata_info("%s", hello);
		fata_time_sleep_ns(time, FATA_SEC(1));
	}
	return 0;
}
