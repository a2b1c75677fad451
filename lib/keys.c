/* Typed key values: one parser shared by `fata configure` (host) and the runtime (guest). */
#include <fata/keys.h>

#include <limits.h>
#include <stdio.h>
#include <string.h>

static const struct {
	const char *name;
	const char *expect;
} types[] = {
	[FATA_KEY_STRING] = { "string", "a string" },
	[FATA_KEY_INT] = { "int", "an integer" },
	[FATA_KEY_BOOL] = { "bool", "true or false" },
	[FATA_KEY_IPV4] = { "ipv4", "an IPv4 address like 198.18.0.2" },
	[FATA_KEY_IPV4_PREFIX] = { "ipv4-prefix", "an IPv4 address and prefix length like 198.18.0.2/24" },
	[FATA_KEY_IPV6] = { "ipv6", "an IPv6 address like fd98:1800::2" },
	[FATA_KEY_IPV6_PREFIX] = { "ipv6-prefix", "an IPv6 address and prefix length like fd98:1800::2/64" },
};

const char *fata_key_type_name(enum fata_key_type type)
{
	return (unsigned)type < sizeof(types) / sizeof(types[0]) ? types[type].name : "?";
}

const char *fata_key_type_expect(enum fata_key_type type)
{
	return (unsigned)type < sizeof(types) / sizeof(types[0]) ? types[type].expect : "?";
}

int fata_key_type_parse(const char *name, enum fata_key_type *type)
{
	for (unsigned i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (strcmp(name, types[i].name) == 0) {
			*type = (enum fata_key_type)i;
			return 0;
		}
	}
	return -1;
}

/* Parses an unsigned decimal number of at most `max` at *p, advancing *p. No sign, no spaces. */
static int parse_dec(const char **p, unsigned long max, unsigned long *out)
{
	const char *s = *p;
	unsigned long v = 0;

	if (*s < '0' || *s > '9')
		return -1;
	while (*s >= '0' && *s <= '9') {
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > max)
			return -1;
		s++;
	}
	*out = v;
	*p = s;
	return 0;
}

static int parse_int(const char *s, int64_t *out)
{
	int neg = 0, base = 10;
	uint64_t v = 0, limit;

	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (*s == '\0')
		return -1;
	limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; *s; s++) {
		unsigned d;

		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (unsigned)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = (unsigned)(*s - 'A' + 10);
		else
			return -1;
		if (v > (limit - d) / (unsigned)base)
			return -1;
		v = v * (unsigned)base + d;
	}
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

static int parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };

	for (unsigned i = 0; i < 4; i++) {
		if (strcmp(s, yes[i]) == 0)
			return *out = true, 0;
		if (strcmp(s, no[i]) == 0)
			return *out = false, 0;
	}
	return -1;
}

/* Parses a dotted quad at *p (exactly four parts, each 0-255, no leading zeros but "0"). */
static int parse_ipv4(const char **p, uint32_t *out)
{
	const char *s = *p;
	uint32_t a = 0;

	for (int i = 0; i < 4; i++) {
		unsigned long part;

		if (i > 0 && *s++ != '.')
			return -1;
		if (s[0] == '0' && s[1] >= '0' && s[1] <= '9')
			return -1;
		if (parse_dec(&s, 255, &part) < 0)
			return -1;
		a = a << 8 | (uint32_t)part;
	}
	*out = a;
	*p = s;
	return 0;
}

int fata_key_value_parse(enum fata_key_type type, const char *text, union fata_key_value *out)
{
	const char *p = text;
	unsigned long len;

	switch (type) {
	case FATA_KEY_STRING:
		out->s = text;
		return 0;
	case FATA_KEY_INT:
		return parse_int(text, &out->i);
	case FATA_KEY_BOOL:
		return parse_bool(text, &out->b);
	case FATA_KEY_IPV4:
		if (parse_ipv4(&p, &out->ipv4) < 0 || *p != '\0')
			return -1;
		return 0;
	case FATA_KEY_IPV4_PREFIX:
		if (parse_ipv4(&p, &out->prefix.addr) < 0 || *p++ != '/')
			return -1;
		if (parse_dec(&p, 32, &len) < 0 || *p != '\0')
			return -1;
		out->prefix.len = (uint8_t)len;
		return 0;
	case FATA_KEY_IPV6:
		return fata_ipv6_parse(text, out->ipv6.addr);
	case FATA_KEY_IPV6_PREFIX:
		return fata_ipv6_prefix_parse(text, &out->prefix6);
	}
	return -1;
}

char *fata_ipv4_format(uint32_t a, char buf[FATA_IPV4_STRLEN])
{
	snprintf(buf, FATA_IPV4_STRLEN, "%u.%u.%u.%u", a >> 24, a >> 16 & 255, a >> 8 & 255, a & 255);
	return buf;
}

const char *fata_key_value_format(enum fata_key_type type, const union fata_key_value *v,
				  char *buf, size_t len)
{
	char ip[FATA_IPV6_STRLEN];

	switch (type) {
	case FATA_KEY_STRING:
		snprintf(buf, len, "%s", v->s ? v->s : "");
		break;
	case FATA_KEY_INT:
		snprintf(buf, len, "%lld", (long long)v->i);
		break;
	case FATA_KEY_BOOL:
		snprintf(buf, len, "%s", v->b ? "true" : "false");
		break;
	case FATA_KEY_IPV4:
		snprintf(buf, len, "%s", fata_ipv4_format(v->ipv4, ip));
		break;
	case FATA_KEY_IPV4_PREFIX:
		snprintf(buf, len, "%s/%u", fata_ipv4_format(v->prefix.addr, ip), v->prefix.len);
		break;
	case FATA_KEY_IPV6:
		snprintf(buf, len, "%s", fata_ipv6_format(v->ipv6.addr, ip));
		break;
	case FATA_KEY_IPV6_PREFIX:
		snprintf(buf, len, "%s/%u", fata_ipv6_format(v->prefix6.addr, ip), v->prefix6.len);
		break;
	default:
		snprintf(buf, len, "?");
	}
	return buf;
}

bool fata_key_name_valid(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > 63 || name[0] < 'a' || name[0] > 'z')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return false;
	}
	return true;
}

size_t fata_key_distance(const char *a, size_t alen, const char *b)
{
	size_t rows[3][FATA_KEY_NAME_MAX + 2], blen = strlen(b);

	if (alen > FATA_KEY_NAME_MAX || blen > FATA_KEY_NAME_MAX)
		return (size_t)-1;
	/* Optimal string alignment: rows[i % 3] is row i; a swap of neighbours costs 1. */
	for (size_t j = 0; j <= blen; j++)
		rows[0][j] = j;
	for (size_t i = 1; i <= alen; i++) {
		size_t *cur = rows[i % 3], *up = rows[(i - 1) % 3], *up2 = rows[(i + 1) % 3];

		cur[0] = i;
		for (size_t j = 1; j <= blen; j++) {
			size_t best = up[j - 1] + (a[i - 1] != b[j - 1]);

			if (up[j] + 1 < best)
				best = up[j] + 1;
			if (cur[j - 1] + 1 < best)
				best = cur[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    up2[j - 2] + 1 < best)
				best = up2[j - 2] + 1;
			cur[j] = best;
		}
	}
	return rows[alen % 3][blen];
}

bool fata_key_near(const char *a, size_t alen, const char *b)
{
	size_t d = fata_key_distance(a, alen, b), n = strlen(b);

	return d > 0 && d <= (n <= 4 ? 1 : n <= 8 ? 2 : 3);
}

/* --- IPv6 addresses (RFC 4291 2.2, RFC 5952) ------------------------------------------------- */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parses an address at *p, stopping at the first character that cannot continue it. */
static int parse_ipv6(const char **p, uint8_t out[16])
{
	const char *s = *p;
	uint16_t g[8];
	int n = 0, gap = -1;

	if (s[0] == ':') {
		if (s[1] != ':')
			return -1;
		gap = 0;
		s += 2;
	}
	while (n < 8) {
		unsigned v = 0;
		int d, digits = 0;

		/* A dotted quad may end the address, in the place of two groups. */
		if (n <= 6) {
			const char *q = s;
			uint32_t v4;

			while (hexval(*q) >= 0)
				q++;
			if (*q == '.') {
				q = s;
				if (parse_ipv4(&q, &v4) < 0)
					return -1;
				g[n++] = (uint16_t)(v4 >> 16);
				g[n++] = (uint16_t)v4;
				s = q;
				break;
			}
		}
		while ((d = hexval(*s)) >= 0 && digits < 5) {
			v = v << 4 | (unsigned)d;
			s++;
			digits++;
		}
		if (digits == 0) {
			if (gap == n && n > 0 && s[-1] == ':')
				break;	/* "a::" ends after its gap */
			if (gap == 0 && n == 0)
				break;	/* "::" alone */
			return -1;
		}
		if (digits > 4)
			return -1;
		g[n++] = (uint16_t)v;
		if (s[0] == ':' && s[1] == ':') {
			if (gap >= 0)
				return -1;
			gap = n;
			s += 2;
			continue;
		}
		if (s[0] == ':' && n < 8 && hexval(s[1]) >= 0) {
			s++;
			continue;
		}
		break;
	}
	if (gap < 0 ? n != 8 : n > 7)
		return -1;
	memset(out, 0, 16);
	for (int i = 0; i < n; i++) {
		int at = gap >= 0 && i >= gap ? 8 - (n - i) : i;

		out[2 * at] = (uint8_t)(g[i] >> 8);
		out[2 * at + 1] = (uint8_t)g[i];
	}
	*p = s;
	return 0;
}

int fata_ipv6_parse(const char *text, uint8_t out[16])
{
	const char *p = text;
	uint8_t a[16];

	if (parse_ipv6(&p, a) < 0 || *p != '\0')
		return -1;
	memcpy(out, a, 16);
	return 0;
}

int fata_ipv6_prefix_parse(const char *text, struct fata_ipv6_prefix *out)
{
	const char *p = text;
	unsigned long len;
	uint8_t a[16];

	if (parse_ipv6(&p, a) < 0 || *p++ != '/')
		return -1;
	if (parse_dec(&p, 128, &len) < 0 || *p != '\0')
		return -1;
	memcpy(out->addr, a, 16);
	out->len = (uint8_t)len;
	return 0;
}

char *fata_ipv6_format(const uint8_t a[16], char buf[FATA_IPV6_STRLEN])
{
	int best = -1, best_len = 0, pos = 0;
	size_t o = 0;

	for (int i = 0; i < 8; i++) {
		int j = i;

		while (j < 8 && a[2 * j] == 0 && a[2 * j + 1] == 0)
			j++;
		if (j - i > best_len && j - i >= 2) {
			best = i;
			best_len = j - i;
		}
		if (j > i)
			i = j - 1;
	}
	for (int i = 0; i < 8; i++) {
		if (i == best) {
			o += (size_t)snprintf(buf + o, FATA_IPV6_STRLEN - o, "::");
			i += best_len - 1;
			pos = 0;
			continue;
		}
		o += (size_t)snprintf(buf + o, FATA_IPV6_STRLEN - o, "%s%x", pos ? ":" : "",
				      (unsigned)(a[2 * i] << 8 | a[2 * i + 1]));
		pos = 1;
	}
	if (o == 0)
		snprintf(buf, FATA_IPV6_STRLEN, "::");
	return buf;
}
