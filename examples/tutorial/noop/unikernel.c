/* Does nothing, successfully. */
#include "fata/unikernel.h"

int start(void)
{
	return 0;
}
