/*
 * printf test cases, X(expected output, format, arguments...): PRINTF_CASES behave as in C11 and
 * glibc; PRINTF_FATA_CASES are formats GCC warns about, and where Fata's libc defines what C
 * leaves open or differs from glibc on purpose (see libc/include/stdio.h). Shared by
 * libc_test.c and the glibc comparison.
 */
#define PRINTF_CASES(X) \
	X("hello", "hello") \
	X("%", "%%") \
	X("a%b%", "a%%b%%") \
	X("42", "%d", 42) \
	X("-42", "%d", -42) \
	X("0", "%d", 0) \
	X("42", "%i", 42) \
	X("-7", "%i", -7) \
	X("2147483647", "%d", INT_MAX) \
	X("-2147483648", "%d", INT_MIN) \
	X("4294967295", "%u", UINT_MAX) \
	X("0", "%u", 0u) \
	X("-9223372036854775808", "%lld", LLONG_MIN) \
	X("9223372036854775807", "%lld", LLONG_MAX) \
	X("18446744073709551615", "%llu", ULLONG_MAX) \
	X("-9223372036854775808", "%ld", LONG_MIN) \
	X("9223372036854775807", "%li", LONG_MAX) \
	X("18446744073709551615", "%lu", ULONG_MAX) \
	X("-9223372036854775808", "%" PRId64, INT64_MIN) \
	X("9223372036854775807", "%" PRIi64, INT64_MAX) \
	X("18446744073709551615", "%" PRIu64, UINT64_MAX) \
	X("ffffffffffffffff", "%" PRIx64, UINT64_MAX) \
	X("FFFFFFFFFFFFFFFF", "%" PRIX64, UINT64_MAX) \
	X("1777777777777777777777", "%" PRIo64, UINT64_MAX) \
	X("-2147483648", "%" PRId32, INT32_MIN) \
	X("4294967295", "%" PRIu32, UINT32_MAX) \
	X("-128", "%" PRId8, (int8_t)INT8_MIN) \
	X("65535", "%" PRIu16, (uint16_t)UINT16_MAX) \
	X("-9223372036854775808", "%jd", INTMAX_MIN) \
	X("18446744073709551615", "%ju", UINTMAX_MAX) \
	X("18446744073709551615", "%zu", SIZE_MAX) \
	X("-1", "%zd", (long)-1) \
	X("ffffffffffffffff", "%zx", SIZE_MAX) \
	X("-5", "%td", (ptrdiff_t)-5) \
	X("9223372036854775807", "%" PRIdPTR, INTPTR_MAX) \
	X("-128", "%hhd", -128) \
	X("-1", "%hhd", 255) \
	X("127", "%hhd", 127) \
	X("255", "%hhu", 255) \
	X("0", "%hhu", 256) \
	X("ff", "%hhx", 0x1ff) \
	X("-32768", "%hd", 32768) \
	X("32767", "%hd", 32767) \
	X("65535", "%hu", 65535) \
	X("0", "%hu", 65536) \
	X("ffff", "%hx", 0xffff) \
	X("1234", "%x", 0x1234) \
	X("abcdef", "%x", 0xabcdef) \
	X("ABCDEF", "%X", 0xabcdef) \
	X("ffffffff", "%x", UINT_MAX) \
	X("777", "%o", 0777) \
	X("37777777777", "%o", UINT_MAX) \
	X("0x1f", "%#x", 31) \
	X("0X1F", "%#X", 31) \
	X("0", "%#x", 0) \
	X("017", "%#o", 15) \
	X("0", "%#o", 0) \
	X("052", "%#o", 42) \
	X("0052", "%#.4o", 42) \
	X("052", "%#.3o", 42) \
	X("", "%.0d", 0) \
	X("", "%.0i", 0) \
	X("", "%.0u", 0) \
	X("", "%.0x", 0) \
	X("", "%.0o", 0) \
	X("0", "%#.0o", 0) \
	X("", "%#.0x", 0) \
	X("   ", "%3.0d", 0) \
	X("+", "%+.0d", 0) \
	X(" ", "% .0d", 0) \
	X("1", "%.0d", 1) \
	X("0", "%.1d", 0) \
	X("+42", "%+d", 42) \
	X("-42", "%+d", -42) \
	X("+0", "%+d", 0) \
	X(" 42", "% d", 42) \
	X("-42", "% d", -42) \
	X("   42", "%5d", 42) \
	X("  -42", "%5d", -42) \
	X("42   ", "%-5d", 42) \
	X("-42  ", "%-5d", -42) \
	X("00042", "%05d", 42) \
	X("-0042", "%05d", -42) \
	X("+0042", "%+05d", 42) \
	X(" 0042", "% 05d", 42) \
	X("42", "%1d", 42) \
	X("-42", "%2d", -42) \
	X("  042", "%5.3d", 42) \
	X("-042", "%.3d", -42) \
	X(" -042", "%5.3d", -42) \
	X("-042 ", "%-5.3d", -42) \
	X("  0042", "%6.4x", 0x42) \
	X("0x002a", "%#06x", 42) \
	X("0x2a  ", "%-#6x", 42) \
	X("  0x2a", "%#6x", 42) \
	X("0x0000002a", "%#.8x", 42) \
	X("  0x0002a", "%#9.5x", 42) \
	X("00052", "%#05o", 42) \
	X("0000000000000000000000000000001", "%.31d", 1) \
	X("-0000000000000000000000000000001", "%.31d", -1) \
	X("                                       1", "%40d", 1) \
	X("-9223372036854775808     ", "%-25lld", LLONG_MIN) \
	X("-000009223372036854775808", "%025lld", LLONG_MIN) \
	X("+9223372036854775807", "%+lld", LLONG_MAX) \
	X("0x7fffffffffffffff", "%#llx", LLONG_MAX) \
	X("   42", "%*d", 5, 42) \
	X("42   ", "%*d", -5, 42) \
	X("42   ", "%-*d", 5, 42) \
	X("  042", "%*.*d", 5, 3, 42) \
	X("42", "%.*d", -1, 42) \
	X("00042", "%.*d", 5, 42) \
	X("00042", "%0*d", 5, 42) \
	X("", "%.*d", 0, 0) \
	X("abc", "%s", "abc") \
	X("", "%s", "") \
	X("  abc", "%5s", "abc") \
	X("abc  ", "%-5s", "abc") \
	X("ab", "%.2s", "abc") \
	X("   ab", "%5.2s", "abc") \
	X("ab   ", "%-5.2s", "abc") \
	X("", "%.0s", "abc") \
	X("abc", "%.10s", "abc") \
	X("abc", "%2s", "abc") \
	X("ab", "%.*s", 2, "abcdef") \
	X("abc", "%.*s", -1, "abc") \
	X("    abc", "%*s", 7, "abc") \
	X("x", "%c", 'x') \
	X("  x", "%3c", 'x') \
	X("x  ", "%-3c", 'x') \
	X("A", "%c", 'A' + 256) \
	X("0x1234", "%p", (void *)0x1234) \
	X("  0x1234", "%8p", (void *)0x1234) \
	X("0x1234  ", "%-8p", (void *)0x1234) \
	X("0xffffffffffffffff", "%p", (void *)UINTPTR_MAX) \
	X("a1b2c", "a%db%dc", 1, 2) \
	X("x=  -7|y=ff|s=hi|c=!", "x=%4d|y=%x|s=%s|c=%c", -7, 255, "hi", '!') \
	X("[     hello] [world     ] [  3] [0x00ff]", "[%10s] [%-10s] [%3zu] [%#06x]", "hello", \
	  "world", (size_t)3, 255)

#define PRINTF_FATA_CASES(X) \
	X("(null)", "%s", (char *)NULL) \
	X("", "") \
	X("   42", "%05.2d", 42) \
	X("%c", "%%c", 'x') \
	X("0x0", "%p", (void *)NULL) \
	X("(nu", "%.3s", (char *)NULL) \
	X("?", "%f") \
	X("  ?", "%3f") \
	X("?  ", "%-3e") \
	X("?|5", "%g|%d", 5) \
	X("?", "%ls", L"wide") \
	X("ab|7", "a%nb|%d", &(int){ 0 }, 7) \
	X("%y", "%y") \
	X("%5y|3", "%5y|%d", 3) \
	X("abc%", "abc%") \
	X("abc%-", "abc%-") \
	X("42   ", "%-05d", 42) \
	X("42", "%+u", 42u) \
	X("42", "% x", 0x42) \
	X("  x", "%03c", 'x') \
	X("  abc", "%05s", "abc") \
	X("ffffffffffffffff", "%Lx", -1LL)
