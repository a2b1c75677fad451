/* time(): seconds since the epoch from the platform's wall clock. */
#include <time.h>

#include "platform.h"

time_t time(time_t *t)
{
	time_t now = (time_t)(plat_wall_ns() / 1000000000ull);

	if (t)
		*t = now;
	return now;
}
