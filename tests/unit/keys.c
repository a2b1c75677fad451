/* Unit tests of typed key values (lib/keys.c). */
#include <fata/keys.h>

#include "tap.h"

static int parses(enum fata_key_type t, const char *text)
{
	union fata_key_value v;

	return fata_key_value_parse(t, text, &v) == 0;
}

int main(void)
{
	union fata_key_value v;
	char buf[64];
	enum fata_key_type t;

	ok(fata_key_value_parse(FATA_KEY_INT, "8080", &v) == 0 && v.i == 8080, "int 8080");
	ok(fata_key_value_parse(FATA_KEY_INT, "-42", &v) == 0 && v.i == -42, "negative int");
	ok(fata_key_value_parse(FATA_KEY_INT, "0x1F", &v) == 0 && v.i == 31, "hex int");
	ok(fata_key_value_parse(FATA_KEY_INT, "9223372036854775807", &v) == 0 && v.i == INT64_MAX,
	   "INT64_MAX");
	ok(fata_key_value_parse(FATA_KEY_INT, "-9223372036854775808", &v) == 0 && v.i == INT64_MIN,
	   "INT64_MIN");
	ok(!parses(FATA_KEY_INT, "9223372036854775808"), "int overflow rejected");
	ok(!parses(FATA_KEY_INT, "-9223372036854775809"), "int underflow rejected");
	ok(!parses(FATA_KEY_INT, ""), "empty int rejected");
	ok(!parses(FATA_KEY_INT, "12abc"), "trailing garbage rejected");
	ok(!parses(FATA_KEY_INT, " 12"), "leading space rejected");
	ok(!parses(FATA_KEY_INT, "-"), "lone sign rejected");
	ok(!parses(FATA_KEY_INT, "0x"), "lone 0x rejected");

	ok(fata_key_value_parse(FATA_KEY_BOOL, "true", &v) == 0 && v.b, "bool true");
	ok(fata_key_value_parse(FATA_KEY_BOOL, "no", &v) == 0 && !v.b, "bool no");
	ok(!parses(FATA_KEY_BOOL, "maybe"), "bool maybe rejected");

	ok(fata_key_value_parse(FATA_KEY_IPV4, "198.18.0.2", &v) == 0 && v.ipv4 == 0xc6120002,
	   "ipv4 in host order");
	ok(!parses(FATA_KEY_IPV4, "256.1.1.1"), "ipv4 octet > 255 rejected");
	ok(!parses(FATA_KEY_IPV4, "1.2.3"), "ipv4 with three parts rejected");
	ok(!parses(FATA_KEY_IPV4, "1.2.3.4.5"), "ipv4 with five parts rejected");
	ok(!parses(FATA_KEY_IPV4, "01.2.3.4"), "ipv4 leading zero rejected");
	ok(!parses(FATA_KEY_IPV4, "1.2.3.4/24"), "prefix is not an address");
	ok(fata_key_value_parse(FATA_KEY_IPV4_PREFIX, "10.0.0.2/24", &v) == 0 &&
	   v.prefix.addr == 0x0a000002 && v.prefix.len == 24, "ipv4 prefix");
	ok(parses(FATA_KEY_IPV4_PREFIX, "0.0.0.0/0"), "prefix /0");
	ok(!parses(FATA_KEY_IPV4_PREFIX, "10.0.0.2/33"), "prefix /33 rejected");
	ok(!parses(FATA_KEY_IPV4_PREFIX, "10.0.0.2"), "prefix without length rejected");
	ok(!parses(FATA_KEY_IPV4_PREFIX, "10.0.0.2/"), "prefix with empty length rejected");

	ok(fata_key_value_parse(FATA_KEY_STRING, "Hola!", &v) == 0, "string");
	is_str(fata_key_value_format(FATA_KEY_STRING, &v, buf, sizeof(buf)), "Hola!", "format string");
	fata_key_value_parse(FATA_KEY_IPV4_PREFIX, "198.18.7.9/15", &v);
	is_str(fata_key_value_format(FATA_KEY_IPV4_PREFIX, &v, buf, sizeof(buf)), "198.18.7.9/15",
	       "format prefix round-trips");
	fata_key_value_parse(FATA_KEY_INT, "-7", &v);
	is_str(fata_key_value_format(FATA_KEY_INT, &v, buf, sizeof(buf)), "-7", "format int");

	ok(fata_key_type_parse("ipv4-prefix", &t) == 0 && t == FATA_KEY_IPV4_PREFIX, "type name");
	ok(fata_key_type_parse("float", &t) < 0, "unknown type name rejected");
	ok(fata_key_name_valid("hello") && fata_key_name_valid("ipv4-gateway"), "valid key names");
	ok(!fata_key_name_valid("Hello") && !fata_key_name_valid("9x") && !fata_key_name_valid("") &&
	   !fata_key_name_valid("a b"), "invalid key names");

	/* Exact boundaries: at each limit, one below, one above. */
	ok(parses(FATA_KEY_INT, "9223372036854775806") && parses(FATA_KEY_INT, "-9223372036854775807"),
	   "int one inside each end");
	ok(!parses(FATA_KEY_INT, "-9223372036854775809"), "int one below INT64_MIN rejected");
	ok(fata_key_value_parse(FATA_KEY_INT, "0x7fffffffffffffff", &v) == 0 && v.i == INT64_MAX,
	   "hex INT64_MAX");
	ok(fata_key_value_parse(FATA_KEY_INT, "-0x8000000000000000", &v) == 0 && v.i == INT64_MIN,
	   "hex INT64_MIN");
	ok(!parses(FATA_KEY_INT, "0x8000000000000000") && !parses(FATA_KEY_INT, "-0x8000000000000001"),
	   "hex one past each end rejected");
	ok(fata_key_value_parse(FATA_KEY_IPV4, "255.254.255.255", &v) == 0 &&
	   v.ipv4 == 0xfffeffff, "ipv4 octets 255 and 254");
	ok(!parses(FATA_KEY_IPV4, "1.1.1.256"), "ipv4 last octet 256 rejected");
	ok(parses(FATA_KEY_IPV4_PREFIX, "198.18.0.1/32") && parses(FATA_KEY_IPV4_PREFIX, "198.18.0.1/31") &&
	   parses(FATA_KEY_IPV4_PREFIX, "198.18.0.1/0"), "prefix /32, /31 and /0");
	{
		char name[66];

		memset(name, 'a', sizeof name - 1);
		name[65] = '\0';
		name[64] = '\0';
		ok(!fata_key_name_valid(name), "64-character key name rejected");
		name[63] = '\0';
		ok(fata_key_name_valid(name), "63-character key name");
		name[62] = '\0';
		ok(fata_key_name_valid(name), "62-character key name");
	}
	return tap_done();
}
