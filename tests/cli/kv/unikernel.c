#include "fata/unikernel.h"

int start(struct fata_kv *kv)
{
	return kv ? 0 : 1;
}
