/* Sizes of the integer types for x86_64 (LP64): char 8, short 16, int 32, long and long long 64. */
#ifndef FATA_LIBC_LIMITS_H
#define FATA_LIBC_LIMITS_H

#define CHAR_BIT	8
#define MB_LEN_MAX	1	/* no multibyte encodings: one byte is one character */

#define SCHAR_MIN	(-128)
#define SCHAR_MAX	127
#define UCHAR_MAX	255
#ifdef __CHAR_UNSIGNED__
#define CHAR_MIN	0
#define CHAR_MAX	UCHAR_MAX
#else
#define CHAR_MIN	SCHAR_MIN
#define CHAR_MAX	SCHAR_MAX
#endif

#define SHRT_MIN	(-1 - SHRT_MAX)
#define SHRT_MAX	32767
#define USHRT_MAX	65535

#define INT_MIN		(-1 - INT_MAX)
#define INT_MAX		2147483647
#define UINT_MAX	4294967295U

#define LONG_MIN	(-1L - LONG_MAX)
#define LONG_MAX	9223372036854775807L
#define ULONG_MAX	18446744073709551615UL

#define LLONG_MIN	(-1LL - LLONG_MAX)
#define LLONG_MAX	9223372036854775807LL
#define ULLONG_MAX	18446744073709551615ULL

/* POSIX: the largest ssize_t. */
#define SSIZE_MAX	LONG_MAX

#endif
