#include "fata/unikernel.h"

int start(struct fata_stack *stack, struct fata_stack *backup)
{
	return stack && backup ? 0 : 1;
}
