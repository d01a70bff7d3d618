/* SPDX-License-Identifier: MIT */
/* timefmt.c: RFC 3339 timestamps to and from epoch milliseconds. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "util.h"

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's method). */
static inline __attribute__((always_inline)) int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t yy = (int64_t)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yy + (*m <= 2));
}

static int digits(const char *s, size_t n, size_t at, size_t k)
{
	int v = 0;
	if (at + k > n)
		return -1;
	for (size_t i = at; i < at + k; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static bool leap_year(int y)
{
	return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static int month_days(int y, int m)
{
	static const unsigned char md[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && leap_year(y) ? 29 : md[m - 1];
}

/* RFC 3339: the date must exist (no February 30), hours 00-23 (no 24:00),
 * minutes 00-59, seconds 00-60 (a leap second, taken as the first second
 * of the next minute: epoch time has no leap seconds), offsets -23:59 to
 * +23:59.  Anything else is not a time. */
int64_t ts_parse(const char *s, size_t n)
{
	/* the form nearly every agent writes, YYYY-MM-DDTHH:MM:SS.mmmZ: its
	 * digits tested three words at once (ts_form24), then the same range
	 * checks and sum as below */
	if (n == 24 && ts_form24(s)) {
#define D2(i) ((s[i] - '0') * 10 + (s[(i) + 1] - '0'))
		int y = D2(0) * 100 + D2(2), mo = D2(5), d = D2(8), h = D2(11), mi = D2(14),
			se = D2(17), ms = D2(20) * 10 + (s[22] - '0');
#undef D2
		if (mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo) || h > 23 || mi > 59 ||
		    se > 60)
			return TS_NONE;
		int64_t days = days_from_civil(y, (unsigned)mo, (unsigned)d);
		return ((days * 24 + h) * 60 + mi) * 60000 + (int64_t)se * 1000 + ms;
	}
	int y = digits(s, n, 0, 4), mo, d, h = 0, mi = 0, se = 0;
	if (y < 0 || n < 10 || s[4] != '-' || s[7] != '-')
		return TS_NONE;
	mo = digits(s, n, 5, 2);
	d = digits(s, n, 8, 2);
	if (mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo))
		return TS_NONE;
	size_t i = 10;
	int64_t ms = 0;
	if (i < n && (s[i] == 'T' || s[i] == 't' || s[i] == ' ')) {
		h = digits(s, n, i + 1, 2);
		if (h < 0 || i + 3 >= n || s[i + 3] != ':')
			return TS_NONE;
		mi = digits(s, n, i + 4, 2);
		if (mi < 0)
			return TS_NONE;
		i += 6;
		if (i < n && s[i] == ':') {
			se = digits(s, n, i + 1, 2);
			if (se < 0)
				return TS_NONE;
			i += 3;
		}
		if (h > 23 || mi > 59 || se > 60)
			return TS_NONE;
		if (i < n && (s[i] == '.' || s[i] == ',')) {
			int k = 0;
			for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++, k++)
				if (k < 3)
					ms = ms * 10 + (s[i] - '0');
			if (k == 0)
				return TS_NONE;
			for (; k < 3; k++)
				ms *= 10;
		}
		if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
			i++;
		} else if (i < n && (s[i] == '+' || s[i] == '-')) {
			int oh = digits(s, n, i + 1, 2), om;
			size_t j = i + 3;
			if (oh < 0)
				return TS_NONE;
			if (j < n && s[j] == ':')
				j++;
			om = digits(s, n, j, 2);
			if (om < 0 || oh > 23 || om > 59)
				return TS_NONE;
			int off = (oh * 60 + om) * 60;
			se -= s[i] == '+' ? off : -off;
			i = j + 2;
		}
	}
	if (i != n)
		return TS_NONE;
	int64_t days = days_from_civil(y, (unsigned)mo, (unsigned)d);
	return ((days * 24 + h) * 60 + mi) * 60000 + (int64_t)se * 1000 + ms;
}

int64_t ts_parse_user(const char *s)
{
	size_t n = strlen(s);
	if (n == 0)
		return TS_NONE;
	if (s[0] == '@') {
		int64_t v;
		return parse_i64(s + 1, 0, INT64_MAX / 1000, &v) ? v * 1000 : TS_NONE;
	}
	char unit = s[n - 1];
	if (n >= 2 && (unit == 's' || unit == 'm' || unit == 'h' || unit == 'd' || unit == 'w')) {
		char tmp[32];
		int64_t v;
		if (n - 1 < sizeof tmp) {
			memcpy(tmp, s, n - 1);
			tmp[n - 1] = 0;
			if (parse_i64(tmp, 0, 1000000000, &v)) {
				int64_t mul = unit == 's' ? 1 : unit == 'm' ? 60 : unit == 'h' ? 3600
					: unit == 'd' ? 86400 : 604800;
				struct timespec now;
				clock_gettime(CLOCK_REALTIME, &now);
				return (int64_t)now.tv_sec * 1000 - v * mul * 1000;
			}
		}
	}
	return ts_parse(s, n);
}

void ts_format(int64_t ms, char out[25])
{
	int64_t sec = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
	int64_t frac = ms - sec * 1000;
	int64_t days = sec >= 0 ? sec / 86400 : -((-sec + 86399) / 86400);
	int64_t rem = sec - days * 86400;
	int y;
	unsigned m, d;
	civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999) {
		strcpy(out, y < 0 ? "0000-01-01T00:00:00.000Z" : "9999-12-31T23:59:59.999Z");
		return;
	}
	unsigned v[7] = {(unsigned)y, m, d, (unsigned)(rem / 3600), (unsigned)(rem / 60 % 60),
		(unsigned)(rem % 60), (unsigned)frac};
	static const char w[7] = {4, 2, 2, 2, 2, 2, 3}, sep[7] = "--T::.Z";
	char *o = out;
	for (int i = 0; i < 7; i++) {
		for (int k = w[i] - 1; k >= 0; k--, v[i] /= 10)
			o[k] = (char)('0' + v[i] % 10);
		o += w[i];
		*o++ = sep[i];
	}
	*o = 0;
}
