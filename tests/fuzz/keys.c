/*
 * Fuzz harness of the run-time keys' value parser (lib/keys.c): the first byte picks the type,
 * the rest is the text. An accepted value must format and parse back to the same value; names
 * and type names are checked on the same text.
 */
#include <fata/keys.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same(enum fata_key_type t, const union fata_key_value *a, const union fata_key_value *b)
{
	switch (t) {
	case FATA_KEY_STRING:
		return strcmp(a->s, b->s) == 0;
	case FATA_KEY_INT:
		return a->i == b->i;
	case FATA_KEY_BOOL:
		return a->b == b->b;
	case FATA_KEY_IPV4:
		return a->ipv4 == b->ipv4;
	case FATA_KEY_IPV4_PREFIX:
		return a->prefix.addr == b->prefix.addr && a->prefix.len == b->prefix.len;
	case FATA_KEY_IPV6:
		return memcmp(a->ipv6.addr, b->ipv6.addr, 16) == 0;
	case FATA_KEY_IPV6_PREFIX:
		return memcmp(a->prefix6.addr, b->prefix6.addr, 16) == 0 &&
		       a->prefix6.len == b->prefix6.len;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum fata_key_type t, named;
	union fata_key_value v, back;
	char *text, *out;

	if (size < 1)
		return 0;
	t = (enum fata_key_type)(data[0] % 7);
	text = malloc(size);	/* the text and its NUL, exactly */
	if (!text)
		abort();
	memcpy(text, data + 1, size - 1);
	text[size - 1] = 0;
	out = malloc(size + 64);	/* room for any value: a string is copied whole */
	if (!out)
		abort();
	if (fata_key_value_parse(t, text, &v) == 0) {
		fata_key_value_format(t, &v, out, size + 64);
		if (fata_key_value_parse(t, out, &back) != 0 || !same(t, &v, &back))
			abort();	/* what we print must read back as the same value */
	}
	(void)fata_key_name_valid(text);
	if (fata_key_type_parse(text, &named) == 0 && strcmp(fata_key_type_name(named), text) != 0)
		abort();
	(void)fata_key_type_expect(t);
	free(out);
	free(text);
	return 0;
}
