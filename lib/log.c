/* Logging: per-source thresholds from -l/--logs, the MirageOS line format, and the escaping of
 * control characters in logged strings. */
#include <fata/log.h>
#include <fata/time.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "platform.h"

struct fata_log_src fata_log_application = { .name = "application" };

/* The parsed -l specification: a default and per-source overrides. */
#define MAX_RULES 32
static struct {
	char name[48];
	int level;
} rules[MAX_RULES];
static unsigned nrules;
static int default_level = FATA_LOG_INFO;
/* Bumped whenever the specification changes, so sources look their level up again. */
static int generation = 1;

static const char *const level_tags[] = { "APP", "ERR", "WRN", "INF", "DBG" };
static const char *const level_names[] = { "app", "error", "warning", "info", "debug" };

static int parse_level(const char *s, size_t n)
{
	if (n == 5 && strncmp(s, "quiet", 5) == 0)
		return FATA_LOG_QUIET;
	for (int i = 0; i <= FATA_LOG_DEBUG; i++) {
		if (strlen(level_names[i]) == n && strncmp(s, level_names[i], n) == 0)
			return i;
	}
	if (n == 4 && strncmp(s, "warn", 4) == 0)
		return FATA_LOG_WARNING;
	return -2;
}

int fata_log_set_spec(const char *spec)
{
	int new_default = default_level;
	unsigned n = 0;
	typeof(rules) new_rules;
	const char *p = spec;

	while (*p) {
		const char *end = strchr(p, ',');
		const char *colon;
		size_t len = end ? (size_t)(end - p) : strlen(p);
		int level;

		colon = memchr(p, ':', len);
		if (!colon) {
			if ((level = parse_level(p, len)) == -2)
				return -1;
			new_default = level;
			n = 0;	/* like "*:L" */
		} else {
			size_t nlen = (size_t)(colon - p);

			level = parse_level(colon + 1, len - nlen - 1);
			if (level == -2 || nlen == 0)
				return -1;
			if (nlen == 1 && *p == '*') {
				new_default = level;
				n = 0;	/* "*:L" applies to every source named before it too */
			} else {
				if (n == MAX_RULES || nlen >= sizeof(new_rules[0].name))
					return -1;
				memcpy(new_rules[n].name, p, nlen);
				new_rules[n].name[nlen] = '\0';
				new_rules[n].level = level;
				n++;
			}
		}
		if (!end)
			break;
		p = end + 1;
	}
	memcpy(rules, new_rules, sizeof(rules[0]) * n);
	nrules = n;
	default_level = new_default;
	generation++;
	return 0;
}

int fata_log_enabled(struct fata_log_src *src, enum fata_log_level level)
{
	if (src->ready != generation) {
		src->level = default_level;
		for (unsigned i = 0; i < nrules; i++)
			if (strcmp(rules[i].name, src->name) == 0)
				src->level = rules[i].level;
		src->ready = generation;
	}
	return (int)level <= src->level;
}

/* Days since 1970-01-01 to a civil date (proleptic Gregorian), after H. Hinnant's algorithm. */
static void civil_from_days(long long z, int *y, int *m, int *d)
{
	long long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

int fata_log_format_header(char *buf, int len, long long unix_secs, int offset_min,
			   enum fata_log_level level, const char *src)
{
	long long t = unix_secs, days;
	int y, mo, d, secs, off;
	char sign;

	if (offset_min != FATA_UTC_UNKNOWN)
		t += offset_min * 60LL;
	days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
	secs = (int)(t - days * 86400);
	civil_from_days(days, &y, &mo, &d);
	if (offset_min == FATA_UTC_UNKNOWN) {
		sign = '-';
		off = 0;
	} else {
		sign = offset_min < 0 ? '-' : '+';
		off = offset_min < 0 ? -offset_min : offset_min;
	}
	return snprintf(buf, (size_t)len, "%04d-%02d-%02d %02d:%02d:%02d %c%02d:%02d: %s [%s] ",
			y, mo, d, secs / 3600, secs / 60 % 60, secs % 60, sign, off / 60, off % 60,
			level_tags[level < 0 || level > FATA_LOG_DEBUG ? 0 : level], src);
}

/* Where a message is built: `buf` holds `len` bytes, at most `cap` - 1 of them. */
struct msg {
	char *buf;
	size_t len, cap;
};

static void put(struct msg *m, const char *s, size_t n, bool escape)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char e[4];
		size_t k = 0;

		if (!escape || (c >= 0x20 && c != 0x7f)) {
			e[k++] = (char)c;
		} else if (c == '\n' || c == '\r' || c == '\t') {
			e[k++] = '\\';
			e[k++] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
		} else {
			e[k++] = '\\';
			e[k++] = 'x';
			e[k++] = hex[c >> 4];
			e[k++] = hex[c & 15];
		}
		if (m->len + k >= m->cap)
			return;
		memcpy(m->buf + m->len, e, k);
		m->len += k;
	}
}

/*
 * Formats `fmt` into `m`: the text of the format itself as written, and what each conversion
 * produces, with %s and %c escaped (newlines as \n, other control characters as \xHH). Strings
 * come from keys, files and the network, and an unescaped newline in one would let whoever
 * chose it forge log lines. Returns false, having taken nothing, when the format holds a
 * conversion this cannot pass on: floating point (guest code has no floating-point
 * registers to take the argument from), %n, or one it does not know.
 */
static bool format_escaped(struct msg *m, const char *fmt, va_list *ap)
{
	const char *p;

	for (p = fmt; (p = strchr(p, '%')) != NULL;) {
		size_t i = 1;

		while (p[i] && strchr("-+ #0", p[i]))
			i++;
		while (p[i] == '*' || p[i] == '.' || (p[i] >= '0' && p[i] <= '9'))
			i++;
		while (p[i] && strchr("hljztL", p[i]))
			i++;
		if (!p[i] || !strchr("diouxXcsp%", p[i]))
			return false;	/* floating point, %n, or unknown */
		p += i + 1;
	}
	for (p = fmt; *p;) {
		const char *pct = strchr(p, '%');
		char spec[32], out[512];
		size_t i = 1, nlen;
		int args[2], nargs = 0, r;
		bool wide = false, longlong = false, size = false, ptrdiff = false, intmax = false;
		char conv;

		if (!pct) {
			put(m, p, strlen(p), false);
			break;
		}
		put(m, p, (size_t)(pct - p), false);
		while (pct[i] && strchr("-+ #0", pct[i]))
			i++;
		while (pct[i] == '*' || pct[i] == '.' || (pct[i] >= '0' && pct[i] <= '9')) {
			if (pct[i] == '*' && nargs < 2)
				args[nargs++] = va_arg(*ap, int);
			i++;
		}
		while (pct[i] && strchr("hljztL", pct[i])) {
			if (pct[i] == 'l') {
				longlong = wide;
				wide = true;
			}
			size |= pct[i] == 'z';
			ptrdiff |= pct[i] == 't';
			intmax |= pct[i] == 'j';
			i++;
		}
		conv = pct[i];
		nlen = i + 1;
		if (nlen >= sizeof(spec)) {
			put(m, pct, nlen, true);	/* absurd: shown, not interpreted */
			p = pct + nlen;
			continue;
		}
		memcpy(spec, pct, nlen);
		spec[nlen] = '\0';
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#define EMIT(value) \
	(nargs == 2 ? snprintf(out, sizeof(out), spec, args[0], args[1], value) : \
	 nargs == 1 ? snprintf(out, sizeof(out), spec, args[0], value) : \
		      snprintf(out, sizeof(out), spec, value))
		switch (conv) {
		case '%':
			r = snprintf(out, sizeof(out), "%%");
			break;
		case 's':
			r = EMIT(va_arg(*ap, const char *));
			break;
		case 'c':
			r = EMIT(va_arg(*ap, int));
			break;
		case 'p':
			r = EMIT(va_arg(*ap, void *));
			break;
		case 'd':
		case 'i':
			if (longlong)
				r = EMIT(va_arg(*ap, long long));
			else if (wide)
				r = EMIT(va_arg(*ap, long));
			else if (size || ptrdiff)
				r = EMIT(va_arg(*ap, ptrdiff_t));
			else if (intmax)
				r = EMIT(va_arg(*ap, intmax_t));
			else
				r = EMIT(va_arg(*ap, int));
			break;
		default:	/* u o x X */
			if (longlong)
				r = EMIT(va_arg(*ap, unsigned long long));
			else if (wide)
				r = EMIT(va_arg(*ap, unsigned long));
			else if (size || ptrdiff)
				r = EMIT(va_arg(*ap, size_t));
			else if (intmax)
				r = EMIT(va_arg(*ap, uintmax_t));
			else
				r = EMIT(va_arg(*ap, unsigned));
			break;
		}
#undef EMIT
#pragma GCC diagnostic pop
		if (r > 0)
			put(m, out, (size_t)r < sizeof(out) ? (size_t)r : sizeof(out) - 1,
			    conv == 's' || conv == 'c');
		p = pct + nlen;
	}
	return true;
}

void fata_vlog(struct fata_log_src *src, enum fata_log_level level, const char *fmt, va_list ap)
{
	char line[2048];
	uint64_t now;
	int n;

	if (!fata_log_enabled(src, level))
		return;
	now = fata_wall_ns();
	n = fata_log_format_header(line, sizeof(line), (long long)(now / FATA_NS_PER_SEC),
				   fata_utc_offset_min(now), level, src->name);
	if (n < 0 || n >= (int)sizeof(line) - 1)
		n = 0;
	{
		/* One byte is kept for the newline that ends the line. */
		struct msg m = { line + n, 0, sizeof(line) - (size_t)n - 1 };
		va_list aq;

		va_copy(aq, ap);
		if (!format_escaped(&m, fmt, &aq)) {
			/* A format we cannot take apart: escape the whole message instead. */
			char raw[sizeof(line)];
			int r = vsnprintf(raw, sizeof(raw), fmt, ap);

			m.len = 0;
			if (r > 0)
				put(&m, raw, (size_t)r < sizeof(raw) ? (size_t)r : sizeof(raw) - 1, true);
		}
		va_end(aq);
		n += (int)m.len;
	}
	line[n++] = '\n';
	plat_console_write(line, (size_t)n);
}

void fata_log(struct fata_log_src *src, enum fata_log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fata_vlog(src, level, fmt, ap);
	va_end(ap);
}
