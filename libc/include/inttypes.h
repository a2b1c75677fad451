/* printf conversions for the stdint.h types (x86_64 LP64) and strtoimax/strtoumax. */
#ifndef FATA_LIBC_INTTYPES_H
#define FATA_LIBC_INTTYPES_H

#include <stdint.h>

/* GCC's stdint.h on x86_64: int8..32 are char/short/int, int64 is long; fast8 is char and
 * fast16..64 are long; intmax and intptr are long. */
#define __FATA_PRI64 "l"

#define PRId8		"d"
#define PRId16		"d"
#define PRId32		"d"
#define PRId64		__FATA_PRI64 "d"
#define PRIdLEAST8	"d"
#define PRIdLEAST16	"d"
#define PRIdLEAST32	"d"
#define PRIdLEAST64	__FATA_PRI64 "d"
#define PRIdFAST8	"d"
#define PRIdFAST16	"ld"
#define PRIdFAST32	"ld"
#define PRIdFAST64	__FATA_PRI64 "d"
#define PRIdMAX		"ld"
#define PRIdPTR		"ld"

#define PRIi8		"i"
#define PRIi16		"i"
#define PRIi32		"i"
#define PRIi64		__FATA_PRI64 "i"
#define PRIiLEAST8	"i"
#define PRIiLEAST16	"i"
#define PRIiLEAST32	"i"
#define PRIiLEAST64	__FATA_PRI64 "i"
#define PRIiFAST8	"i"
#define PRIiFAST16	"li"
#define PRIiFAST32	"li"
#define PRIiFAST64	__FATA_PRI64 "i"
#define PRIiMAX		"li"
#define PRIiPTR		"li"

#define PRIo8		"o"
#define PRIo16		"o"
#define PRIo32		"o"
#define PRIo64		__FATA_PRI64 "o"
#define PRIoLEAST8	"o"
#define PRIoLEAST16	"o"
#define PRIoLEAST32	"o"
#define PRIoLEAST64	__FATA_PRI64 "o"
#define PRIoFAST8	"o"
#define PRIoFAST16	"lo"
#define PRIoFAST32	"lo"
#define PRIoFAST64	__FATA_PRI64 "o"
#define PRIoMAX		"lo"
#define PRIoPTR		"lo"

#define PRIu8		"u"
#define PRIu16		"u"
#define PRIu32		"u"
#define PRIu64		__FATA_PRI64 "u"
#define PRIuLEAST8	"u"
#define PRIuLEAST16	"u"
#define PRIuLEAST32	"u"
#define PRIuLEAST64	__FATA_PRI64 "u"
#define PRIuFAST8	"u"
#define PRIuFAST16	"lu"
#define PRIuFAST32	"lu"
#define PRIuFAST64	__FATA_PRI64 "u"
#define PRIuMAX		"lu"
#define PRIuPTR		"lu"

#define PRIx8		"x"
#define PRIx16		"x"
#define PRIx32		"x"
#define PRIx64		__FATA_PRI64 "x"
#define PRIxLEAST8	"x"
#define PRIxLEAST16	"x"
#define PRIxLEAST32	"x"
#define PRIxLEAST64	__FATA_PRI64 "x"
#define PRIxFAST8	"x"
#define PRIxFAST16	"lx"
#define PRIxFAST32	"lx"
#define PRIxFAST64	__FATA_PRI64 "x"
#define PRIxMAX		"lx"
#define PRIxPTR		"lx"

#define PRIX8		"X"
#define PRIX16		"X"
#define PRIX32		"X"
#define PRIX64		__FATA_PRI64 "X"
#define PRIXLEAST8	"X"
#define PRIXLEAST16	"X"
#define PRIXLEAST32	"X"
#define PRIXLEAST64	__FATA_PRI64 "X"
#define PRIXFAST8	"X"
#define PRIXFAST16	"lX"
#define PRIXFAST32	"lX"
#define PRIXFAST64	__FATA_PRI64 "X"
#define PRIXMAX		"lX"
#define PRIXPTR		"lX"

/* strtol and strtoul (stdlib.h) for intmax_t and uintmax_t. */
intmax_t strtoimax(const char *restrict str, char **restrict endptr, int base);
uintmax_t strtoumax(const char *restrict str, char **restrict endptr, int base);

/* |n|; undefined for INTMAX_MIN. */
intmax_t imaxabs(intmax_t n);

#endif
