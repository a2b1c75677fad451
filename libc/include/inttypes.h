/* printf conversions for the stdint.h types (x86_64 LP64) and strtoimax/strtoumax. */
#ifndef FATA_LIBC_INTTYPES_H
#define FATA_LIBC_INTTYPES_H

#include <stdint.h>

/*
 * The length modifier of each type comes from the limits the compiler predefines, because the
 * "fast" types are the compiler's choice (GCC: long for fast16..64; clang: short, int, long).
 * Types narrower than int need none: they are promoted to int when passed to printf.
 */
#if __INT64_MAX__ == __LONG_MAX__
#define __FATA_PRI64 "l"
#else
#define __FATA_PRI64 "ll"
#endif
#if __INT_FAST8_MAX__ == __LONG_MAX__
#define __FATA_PRIFAST8 "l"
#else
#define __FATA_PRIFAST8 ""
#endif
#if __INT_FAST16_MAX__ == __LONG_MAX__
#define __FATA_PRIFAST16 "l"
#else
#define __FATA_PRIFAST16 ""
#endif
#if __INT_FAST32_MAX__ == __LONG_MAX__
#define __FATA_PRIFAST32 "l"
#else
#define __FATA_PRIFAST32 ""
#endif
#if __INT_FAST64_MAX__ == __LONG_MAX__
#define __FATA_PRIFAST64 "l"
#else
#define __FATA_PRIFAST64 ""
#endif
#if __INTMAX_MAX__ == __LONG_MAX__
#define __FATA_PRIMAX "l"
#else
#define __FATA_PRIMAX "ll"
#endif
#if __INTPTR_MAX__ == __LONG_MAX__
#define __FATA_PRIPTR "l"
#else
#define __FATA_PRIPTR ""
#endif

#define PRId8		"d"
#define PRId16		"d"
#define PRId32		"d"
#define PRId64		__FATA_PRI64 "d"
#define PRIdLEAST8	"d"
#define PRIdLEAST16	"d"
#define PRIdLEAST32	"d"
#define PRIdLEAST64	__FATA_PRI64 "d"
#define PRIdFAST8	__FATA_PRIFAST8 "d"
#define PRIdFAST16	__FATA_PRIFAST16 "d"
#define PRIdFAST32	__FATA_PRIFAST32 "d"
#define PRIdFAST64	__FATA_PRIFAST64 "d"
#define PRIdMAX		__FATA_PRIMAX "d"
#define PRIdPTR		__FATA_PRIPTR "d"

#define PRIi8		"i"
#define PRIi16		"i"
#define PRIi32		"i"
#define PRIi64		__FATA_PRI64 "i"
#define PRIiLEAST8	"i"
#define PRIiLEAST16	"i"
#define PRIiLEAST32	"i"
#define PRIiLEAST64	__FATA_PRI64 "i"
#define PRIiFAST8	__FATA_PRIFAST8 "i"
#define PRIiFAST16	__FATA_PRIFAST16 "i"
#define PRIiFAST32	__FATA_PRIFAST32 "i"
#define PRIiFAST64	__FATA_PRIFAST64 "i"
#define PRIiMAX		__FATA_PRIMAX "i"
#define PRIiPTR		__FATA_PRIPTR "i"

#define PRIo8		"o"
#define PRIo16		"o"
#define PRIo32		"o"
#define PRIo64		__FATA_PRI64 "o"
#define PRIoLEAST8	"o"
#define PRIoLEAST16	"o"
#define PRIoLEAST32	"o"
#define PRIoLEAST64	__FATA_PRI64 "o"
#define PRIoFAST8	__FATA_PRIFAST8 "o"
#define PRIoFAST16	__FATA_PRIFAST16 "o"
#define PRIoFAST32	__FATA_PRIFAST32 "o"
#define PRIoFAST64	__FATA_PRIFAST64 "o"
#define PRIoMAX		__FATA_PRIMAX "o"
#define PRIoPTR		__FATA_PRIPTR "o"

#define PRIu8		"u"
#define PRIu16		"u"
#define PRIu32		"u"
#define PRIu64		__FATA_PRI64 "u"
#define PRIuLEAST8	"u"
#define PRIuLEAST16	"u"
#define PRIuLEAST32	"u"
#define PRIuLEAST64	__FATA_PRI64 "u"
#define PRIuFAST8	__FATA_PRIFAST8 "u"
#define PRIuFAST16	__FATA_PRIFAST16 "u"
#define PRIuFAST32	__FATA_PRIFAST32 "u"
#define PRIuFAST64	__FATA_PRIFAST64 "u"
#define PRIuMAX		__FATA_PRIMAX "u"
#define PRIuPTR		__FATA_PRIPTR "u"

#define PRIx8		"x"
#define PRIx16		"x"
#define PRIx32		"x"
#define PRIx64		__FATA_PRI64 "x"
#define PRIxLEAST8	"x"
#define PRIxLEAST16	"x"
#define PRIxLEAST32	"x"
#define PRIxLEAST64	__FATA_PRI64 "x"
#define PRIxFAST8	__FATA_PRIFAST8 "x"
#define PRIxFAST16	__FATA_PRIFAST16 "x"
#define PRIxFAST32	__FATA_PRIFAST32 "x"
#define PRIxFAST64	__FATA_PRIFAST64 "x"
#define PRIxMAX		__FATA_PRIMAX "x"
#define PRIxPTR		__FATA_PRIPTR "x"

#define PRIX8		"X"
#define PRIX16		"X"
#define PRIX32		"X"
#define PRIX64		__FATA_PRI64 "X"
#define PRIXLEAST8	"X"
#define PRIXLEAST16	"X"
#define PRIXLEAST32	"X"
#define PRIXLEAST64	__FATA_PRI64 "X"
#define PRIXFAST8	__FATA_PRIFAST8 "X"
#define PRIXFAST16	__FATA_PRIFAST16 "X"
#define PRIXFAST32	__FATA_PRIFAST32 "X"
#define PRIXFAST64	__FATA_PRIFAST64 "X"
#define PRIXMAX		__FATA_PRIMAX "X"
#define PRIXPTR		__FATA_PRIPTR "X"

/* strtol and strtoul (stdlib.h) for intmax_t and uintmax_t. */
intmax_t strtoimax(const char *restrict str, char **restrict endptr, int base);
uintmax_t strtoumax(const char *restrict str, char **restrict endptr, int base);

/* |n|; undefined for INTMAX_MIN. */
intmax_t imaxabs(intmax_t n);

#endif
