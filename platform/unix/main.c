/* The unix entry point: the command line is the process's own. */
#include "platform.h"

int main(int argc, char **argv)
{
	return fata_runtime_main(argc, argv);
}
