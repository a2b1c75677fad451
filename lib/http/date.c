/* HTTP-dates (RFC 9110 5.6.7): IMF-fixdate out, IMF-fixdate, RFC 850 and asctime in. */
#include <fata/http.h>

#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

static const char days[7][4] = { "Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed" };
static const char months[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
				     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

void fata_http_date(int64_t secs, char out[FATA_HTTP_DATE_LEN + 1])
{
	int64_t day, y, sod;
	unsigned m, d, wd;

	/* Years 0..9999 fit the format; clamp outside them. */
	if (secs < -62167219200LL)
		secs = -62167219200LL;
	if (secs > 253402300799LL)
		secs = 253402300799LL;
	day = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
	sod = secs - day * 86400;
	civil_from_days(day, &y, &m, &d);
	wd = (unsigned)(((day % 7) + 7) % 7);
	memcpy(out, days[wd], 3);
	out[3] = ',';
	out[4] = ' ';
	out[5] = (char)('0' + d / 10);
	out[6] = (char)('0' + d % 10);
	out[7] = ' ';
	memcpy(out + 8, months[m - 1], 3);
	out[11] = ' ';
	out[12] = (char)('0' + y / 1000);
	out[13] = (char)('0' + y / 100 % 10);
	out[14] = (char)('0' + y / 10 % 10);
	out[15] = (char)('0' + y % 10);
	out[16] = ' ';
	out[17] = (char)('0' + sod / 36000);
	out[18] = (char)('0' + sod / 3600 % 10);
	out[19] = ':';
	out[20] = (char)('0' + sod % 3600 / 600);
	out[21] = (char)('0' + sod % 3600 / 60 % 10);
	out[22] = ':';
	out[23] = (char)('0' + sod % 60 / 10);
	out[24] = (char)('0' + sod % 10);
	memcpy(out + 25, " GMT", 5);
}

/* Exactly `n` digits at *s. */
static bool num(const char **s, int n, unsigned *out)
{
	unsigned v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*s)[i]))
			return false;
		v = v * 10 + (unsigned)((*s)[i] - '0');
	}
	*s += n;
	*out = v;
	return true;
}

static bool lit(const char **s, const char *l)
{
	size_t n = strlen(l);

	if (strncmp(*s, l, n) != 0)
		return false;
	*s += n;
	return true;
}

static bool month(const char **s, unsigned *m)
{
	for (unsigned i = 0; i < 12; i++) {
		if (strncmp(*s, months[i], 3) == 0) {
			*m = i + 1;
			*s += 3;
			return true;
		}
	}
	return false;
}

static bool hms(const char **s, unsigned *h, unsigned *mi, unsigned *se)
{
	return num(s, 2, h) && lit(s, ":") && num(s, 2, mi) && lit(s, ":") && num(s, 2, se);
}

int fata_http_date_parse(const char *s, int64_t *secs)
{
	static const char *const long_days[7] = { "Monday", "Tuesday", "Wednesday", "Thursday",
						  "Friday", "Saturday", "Sunday" };
	unsigned d, m, y, h, mi, se;
	const char *comma = strchr(s, ',');
	static const unsigned mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (comma && comma - s == 3) {
		/* IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT */
		s += 4;
		if (!(lit(&s, " ") && num(&s, 2, &d) && lit(&s, " ") && month(&s, &m) &&
		      lit(&s, " ") && num(&s, 4, &y) && lit(&s, " ") && hms(&s, &h, &mi, &se) &&
		      lit(&s, " GMT") && *s == '\0'))
			return -EINVAL;
	} else if (comma) {
		/* RFC 850: Sunday, 06-Nov-94 08:49:37 GMT (two-digit years: 1970..2069) */
		bool known = false;

		for (int i = 0; i < 7; i++)
			if (strlen(long_days[i]) == (size_t)(comma - s) &&
			    strncmp(s, long_days[i], (size_t)(comma - s)) == 0)
				known = true;
		s = comma + 1;
		if (!known || !(lit(&s, " ") && num(&s, 2, &d) && lit(&s, "-") && month(&s, &m) &&
				lit(&s, "-") && num(&s, 2, &y) && lit(&s, " ") &&
				hms(&s, &h, &mi, &se) && lit(&s, " GMT") && *s == '\0'))
			return -EINVAL;
		y += y < 70 ? 2000 : 1900;
	} else {
		/* asctime: Sun Nov  6 08:49:37 1994 */
		bool known = false;

		for (int i = 0; i < 7; i++)
			if (strncmp(s, days[i], 3) == 0)
				known = true;
		s += known ? 3 : 0;
		if (!known || !lit(&s, " ") || !month(&s, &m) || !lit(&s, " "))
			return -EINVAL;
		if (*s == ' ') {
			s++;
			if (!num(&s, 1, &d))
				return -EINVAL;
		} else if (!num(&s, 2, &d)) {
			return -EINVAL;
		}
		if (!(lit(&s, " ") && hms(&s, &h, &mi, &se) && lit(&s, " ") && num(&s, 4, &y) &&
		      *s == '\0'))
			return -EINVAL;
	}
	if (d < 1 || d > mdays[m - 1] || h > 23 || mi > 59 || se > 60)
		return -EINVAL;
	*secs = days_from_civil(y, m, d) * 86400 + h * 3600 + mi * 60 + (se > 59 ? 59 : se);
	return 0;
}
