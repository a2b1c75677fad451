/* Case-insensitive string comparison (POSIX strings.h), ASCII only. */
#ifndef FATA_LIBC_STRINGS_H
#define FATA_LIBC_STRINGS_H

#define __need_size_t
#include <stddef.h>

/* Compares two strings as if both were in lower case (ASCII): <0, 0 or >0. strncasecmp looks at
 * no more than n bytes. */
int strcasecmp(const char *a, const char *b);
int strncasecmp(const char *a, const char *b, size_t n);

#endif
