/* The errno variable (errno.h). */
#include <errno.h>

#undef errno
int errno;
