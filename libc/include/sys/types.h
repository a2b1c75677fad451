/* POSIX scalar types the guest code uses: size_t, ssize_t, off_t, time_t. */
#ifndef FATA_LIBC_SYS_TYPES_H
#define FATA_LIBC_SYS_TYPES_H

#define __need_size_t
#include <stddef.h>

typedef long ssize_t;	/* a size or -1 */
typedef long off_t;	/* a byte offset in a file or block device */

#ifndef FATA_LIBC_TIME_T
#define FATA_LIBC_TIME_T
typedef long time_t;	/* seconds */
#endif

#endif
