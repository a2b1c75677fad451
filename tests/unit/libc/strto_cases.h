/*
 * strtol/strtoul test cases as C11 7.22.1.4 defines them (and glibc behaves), shared by
 * libc_test.c and the glibc comparison. SIGNED(string, base, value, end offset, errno after) and
 * UNSIGNED(...) for strtoll and strtoull; errno is 0 before each call. STRTO_FATA_CASES: a base
 * C does not allow, where glibc leaves *endptr alone and Fata sets it to the string.
 */
#define STRTO_CASES(SIGNED, UNSIGNED) \
	SIGNED("0", 10, 0, 1, 0) \
	SIGNED("42", 10, 42, 2, 0) \
	SIGNED("-42", 10, -42, 3, 0) \
	SIGNED("+42", 10, 42, 3, 0) \
	SIGNED(" \t\n\v\f\r42abc", 10, 42, 8, 0) \
	SIGNED("", 10, 0, 0, 0) \
	SIGNED("   ", 10, 0, 0, 0) \
	SIGNED("-", 10, 0, 0, 0) \
	SIGNED("+", 0, 0, 0, 0) \
	SIGNED(" - 1", 10, 0, 0, 0) \
	SIGNED("+-1", 10, 0, 0, 0) \
	SIGNED("abc", 10, 0, 0, 0) \
	SIGNED("12abc", 10, 12, 2, 0) \
	SIGNED("0x1A", 0, 26, 4, 0) \
	SIGNED("0X1a", 16, 26, 4, 0) \
	SIGNED("1a", 16, 26, 2, 0) \
	SIGNED("-0x10", 0, -16, 5, 0) \
	SIGNED("0x", 16, 0, 1, 0) \
	SIGNED("0x", 0, 0, 1, 0) \
	SIGNED("0xg", 0, 0, 1, 0) \
	SIGNED("  +0x", 16, 0, 4, 0) \
	SIGNED("0x1A", 10, 0, 1, 0) \
	SIGNED("017", 0, 15, 3, 0) \
	SIGNED("019", 0, 1, 2, 0) \
	SIGNED("08", 0, 0, 1, 0) \
	SIGNED("0", 0, 0, 1, 0) \
	SIGNED("-0", 0, 0, 2, 0) \
	SIGNED("017", 10, 17, 3, 0) \
	SIGNED("1010", 2, 10, 4, 0) \
	SIGNED("12", 2, 1, 1, 0) \
	SIGNED("2", 2, 0, 0, 0) \
	SIGNED("zz", 36, 1295, 2, 0) \
	SIGNED("ZZ", 36, 1295, 2, 0) \
	SIGNED("z", 35, 0, 0, 0) \
	SIGNED("y", 35, 34, 1, 0) \
	SIGNED("777", 8, 511, 3, 0) \
	SIGNED("9223372036854775807", 10, LLONG_MAX, 19, 0) \
	SIGNED("9223372036854775808", 10, LLONG_MAX, 19, ERANGE) \
	SIGNED("-9223372036854775808", 10, LLONG_MIN, 20, 0) \
	SIGNED("-9223372036854775809", 10, LLONG_MIN, 20, ERANGE) \
	SIGNED("99999999999999999999999999999x", 10, LLONG_MAX, 29, ERANGE) \
	SIGNED("-99999999999999999999999999999", 10, LLONG_MIN, 30, ERANGE) \
	SIGNED("7fffffffffffffff", 16, LLONG_MAX, 16, 0) \
	SIGNED("0x8000000000000000", 0, LLONG_MAX, 18, ERANGE) \
	SIGNED("-0x8000000000000000", 0, LLONG_MIN, 19, 0) \
	SIGNED("1y2p0ij32e8e7", 36, LLONG_MAX, 13, 0) \
	SIGNED("1y2p0ij32e8e8", 36, LLONG_MAX, 13, ERANGE) \
	UNSIGNED("18446744073709551615", 10, ULLONG_MAX, 20, 0) \
	UNSIGNED("18446744073709551616", 10, ULLONG_MAX, 20, ERANGE) \
	UNSIGNED("-1", 10, ULLONG_MAX, 2, 0) \
	UNSIGNED("-18446744073709551615", 10, 1, 21, 0) \
	UNSIGNED("-18446744073709551616", 10, ULLONG_MAX, 21, ERANGE) \
	UNSIGNED("0xffffffffffffffff", 0, ULLONG_MAX, 18, 0) \
	UNSIGNED("0x10000000000000000", 16, ULLONG_MAX, 19, ERANGE) \
	UNSIGNED("01777777777777777777777", 0, ULLONG_MAX, 23, 0) \
	UNSIGNED("3w5e11264sgsf", 36, ULLONG_MAX, 13, 0) \
	UNSIGNED("3w5e11264sgsg", 36, ULLONG_MAX, 13, ERANGE) \
	UNSIGNED("  42 ", 0, 42, 4, 0) \
	UNSIGNED("", 0, 0, 0, 0) \
	UNSIGNED("x", 0, 0, 0, 0) \
	UNSIGNED("1", 0, 1, 1, 0)

#define STRTO_FATA_CASES(SIGNED, UNSIGNED) \
	SIGNED("1", 1, 0, 0, EINVAL) \
	SIGNED("1", 37, 0, 0, EINVAL) \
	SIGNED("1", -1, 0, 0, EINVAL) \
	UNSIGNED("1", 99, 0, 0, EINVAL)
