/* Typed configuration keys: the values a unikernel takes at configure time and at run time. */
#ifndef FATA_KEYS_H
#define FATA_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum fata_key_type {
	FATA_KEY_STRING,
	FATA_KEY_INT,		/* signed 64-bit decimal (or 0x hex) */
	FATA_KEY_BOOL,		/* true|false (also yes|no, on|off, 1|0) */
	FATA_KEY_IPV4,		/* dotted quad, e.g. 198.18.0.2 */
	FATA_KEY_IPV4_PREFIX,	/* address and prefix length, e.g. 198.18.0.2/24 */
	FATA_KEY_IPV6,		/* an IPv6 address, e.g. fd98:1800::2 */
	FATA_KEY_IPV6_PREFIX,	/* address and prefix length, e.g. fd98:1800::2/64 */
};

/* An IPv4 address with a prefix length. The address is in host byte order. */
struct fata_ipv4_prefix {
	uint32_t addr;
	uint8_t len;
};

/* An IPv6 address (network order), as a value that can be returned and assigned. */
struct fata_ipv6 {
	uint8_t addr[16];
};

/* An IPv6 address with a prefix length. */
struct fata_ipv6_prefix {
	uint8_t addr[16];
	uint8_t len;
};

union fata_key_value {
	const char *s;
	int64_t i;
	bool b;
	uint32_t ipv4;			/* host byte order */
	struct fata_ipv4_prefix prefix;
	struct fata_ipv6 ipv6;
	struct fata_ipv6_prefix prefix6;
};

/* Where a key may be set. */
enum fata_key_stage {
	FATA_STAGE_CONFIGURE = 1,	/* fata configure --KEY=VALUE */
	FATA_STAGE_RUNTIME = 2,		/* the unikernel's own command line */
	FATA_STAGE_BOTH = 3,
};

/*
 * One key. The generated fata/main.c holds a table of these; `value` is filled in by
 * fata_keys_parse(). `default_text` is the configure-time value when one was given, otherwise the
 * default of config.ini; it has already been checked by `fata configure`.
 */
struct fata_key {
	const char *name;		/* without dashes: "hello" is --hello */
	enum fata_key_type type;
	const char *doc;
	const char *default_text;
	enum fata_key_stage stage;
	union fata_key_value value;
	bool set_at_runtime;		/* filled in by fata_keys_parse() */
};

/* The type's name as written in config.ini ("string", "int", "bool", "ipv4", "ipv4-prefix",
 * "ipv6", "ipv6-prefix"). */
const char *fata_key_type_name(enum fata_key_type type);

/* Parses a type name; returns 0, or -1 when `name` names no type. */
int fata_key_type_parse(const char *name, enum fata_key_type *type);

/* What a value of the type looks like, for error messages ("an integer", "ADDR/PREFIX", ...). */
const char *fata_key_type_expect(enum fata_key_type type);

/*
 * Parses `text` as a value of `type` into `out`. Strings are not copied: `out->s` points at
 * `text`. Returns 0, or -1 when the text is not a valid value (the caller reports it, using
 * fata_key_type_expect() for what was expected).
 */
int fata_key_value_parse(enum fata_key_type type, const char *text, union fata_key_value *out);

/* Formats a parsed value back to text (for --help and fata describe). Returns `buf`. */
const char *fata_key_value_format(enum fata_key_type type, const union fata_key_value *v,
				  char *buf, size_t len);

#define FATA_IPV4_STRLEN 16	/* "255.255.255.255" and its NUL */

/* Formats an IPv4 address (host byte order) as a dotted quad into buf; returns buf. */
char *fata_ipv4_format(uint32_t addr, char buf[FATA_IPV4_STRLEN]);

/* The longest key name (fata_key_name_valid()). */
#define FATA_KEY_NAME_MAX 63

/*
 * The edit distance (insertions, deletions, substitutions, swaps of neighbours) between the
 * first `alen` bytes of `a` and the string `b`, for "did you mean" hints; (size_t)-1 when either
 * is longer than FATA_KEY_NAME_MAX.
 */
size_t fata_key_distance(const char *a, size_t alen, const char *b);

/* Whether `b` is a likely meaning of the misspelt `a` (first `alen` bytes): close, not equal. */
bool fata_key_near(const char *a, size_t alen, const char *b);

#define FATA_IPV6_STRLEN 46	/* the longest RFC 5952 text of an IPv6 address, and its NUL */

/*
 * Parses the text of an IPv6 address (RFC 4291 2.2: eight groups of hex, one "::", an IPv4
 * dotted quad at the end) into `out` (network order). Returns 0, or -1 when it is not one.
 */
int fata_ipv6_parse(const char *text, uint8_t out[16]);

/* Parses "ADDR/LEN" (LEN 0..128). Returns 0 or -1. */
int fata_ipv6_prefix_parse(const char *text, struct fata_ipv6_prefix *out);

/* Formats an IPv6 address as RFC 5952 recommends (lower case, the longest run of two or more
 * zero groups as "::"); returns buf. */
char *fata_ipv6_format(const uint8_t a[16], char buf[FATA_IPV6_STRLEN]);

/* A key name is 1-63 characters of [a-z0-9_-], starting with a letter. Returns true if valid. */
bool fata_key_name_valid(const char *name);

#endif
