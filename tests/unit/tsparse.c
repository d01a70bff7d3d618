/* SPDX-License-Identifier: MIT */
/* Unit tests of ts_parse's fast path (common/timefmt.c): the form
 * YYYY-MM-DDTHH:MM:SS.mmmZ tested as three words (ts_form24) and summed
 * at once.  Against ts_parse before it (a copy below): every byte of
 * each seed time replaced by every byte value, two bytes at random
 * places, each seed cut and lengthened, the edges of every field (month
 * 00 and 13, day 00 and past the month's end, leap years, hour 24,
 * minute 60, second 60 and 61), lowercase t and z, offsets.  ts_form24
 * against the byte-by-byte form test.  Under ASan the bytes around each
 * time are poisoned, so a word read outside it fails. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util.h"
#include "tap.h"

/* ts_parse before its fast path (timefmt.c at dd412a2) */
static int64_t ref_days(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static int ref_digits(const char *s, size_t n, size_t at, size_t k)
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

static int ref_mdays(int y, int m)
{
	static const unsigned char md[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : md[m - 1];
}

static int64_t ref_parse(const char *s, size_t n)
{
	int y = ref_digits(s, n, 0, 4), mo, d, h = 0, mi = 0, se = 0;
	if (y < 0 || n < 10 || s[4] != '-' || s[7] != '-')
		return TS_NONE;
	mo = ref_digits(s, n, 5, 2);
	d = ref_digits(s, n, 8, 2);
	if (mo < 1 || mo > 12 || d < 1 || d > ref_mdays(y, mo))
		return TS_NONE;
	size_t i = 10;
	int64_t ms = 0;
	if (i < n && (s[i] == 'T' || s[i] == 't' || s[i] == ' ')) {
		h = ref_digits(s, n, i + 1, 2);
		if (h < 0 || i + 3 >= n || s[i + 3] != ':')
			return TS_NONE;
		mi = ref_digits(s, n, i + 4, 2);
		if (mi < 0)
			return TS_NONE;
		i += 6;
		if (i < n && s[i] == ':') {
			se = ref_digits(s, n, i + 1, 2);
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
			int oh = ref_digits(s, n, i + 1, 2), om;
			size_t j = i + 3;
			if (oh < 0)
				return TS_NONE;
			if (j < n && s[j] == ':')
				j++;
			om = ref_digits(s, n, j, 2);
			if (om < 0 || oh > 23 || om > 59)
				return TS_NONE;
			int off = (oh * 60 + om) * 60;
			se -= s[i] == '+' ? off : -off;
			i = j + 2;
		}
	}
	if (i != n)
		return TS_NONE;
	int64_t days = ref_days(y, (unsigned)mo, (unsigned)d);
	return ((days * 24 + h) * 60 + mi) * 60000 + (int64_t)se * 1000 + ms;
}

static bool ref_form(const char *p)
{
	static const char f[] = "dddd-dd-ddTdd:dd:dd.dddZ";
	for (int i = 0; i < 24; i++)
		if (f[i] == 'd' ? p[i] < '0' || p[i] > '9' : p[i] != f[i])
			return false;
	return true;
}

static char *buf;
static long runs, bad, formbad;

/* t[0..n) alone in a buffer, at offset al, nothing readable around it */
static void check(const char *t, size_t n, size_t al)
{
	char *p = buf + 64 + al;
	UNPOISON(buf, 256);
	memcpy(p, t, n);
	POISON(buf, 64 + al);
	POISON(p + n, 256 - 64 - al - n);
	if (ts_parse(p, n) != ref_parse(p, n))
		bad++;
	if (n == 24 && ts_form24(p) != ref_form(p))
		formbad++;
	runs++;
	UNPOISON(buf, 256);
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static unsigned rnd(void)
{
	return (unsigned)(tap_xorshift(&rng) >> 32);
}

static const char *const seeds[] = {
	"2026-01-01T00:00:03.021Z", "2025-01-02T03:04:05.678Z", "1970-01-01T00:00:00.000Z",
	"0000-01-01T00:00:00.000Z", "9999-12-31T23:59:59.999Z", "2024-02-29T12:30:45.500Z",
	"2023-02-29T12:30:45.500Z", "2100-02-29T00:00:00.000Z", "2000-02-29T00:00:00.000Z",
	"2025-00-10T00:00:00.000Z", "2025-13-10T00:00:00.000Z", "2025-04-31T00:00:00.000Z",
	"2025-04-30T00:00:00.000Z", "2025-04-00T00:00:00.000Z", "2025-12-32T00:00:00.000Z",
	"2025-06-15T24:00:00.000Z", "2025-06-15T23:60:00.000Z", "2025-06-15T23:59:60.000Z",
	"2025-06-15T23:59:61.000Z", "2025-06-15T99:99:99.999Z", "2025-06-15t10:00:00.000z",
	"2025-06-15T10:00:00.000z", "2025-06-15 10:00:00.000Z", "2025-06-15T10:00:00,000Z",
	"2025-06-15T10:00:00.000+", "2025-06-15T10:00:00+02:00", "2025-06-15T10:00:00.0Z0",
	"2025-06-15T10:00:00.00000", "1999-09-09T09:09:09.999Z", "2025-06-15T10:00:00.1234Z",
};

int main(void)
{
	buf = malloc(256);
	char t[64];
	size_t ns = sizeof seeds / sizeof *seeds;
	for (size_t k = 0; k < ns; k++) {
		size_t n = strlen(seeds[k]);
		/* every byte at every place */
		for (size_t i = 0; i < n; i++)
			for (int c = 0; c < 256; c++) {
				memcpy(t, seeds[k], n);
				t[i] = (char)c;
				check(t, n, (i + (size_t)c) % 16);
			}
		/* cut and lengthened */
		for (size_t m = 0; m <= n; m++) {
			memcpy(t, seeds[k], n);
			check(t, m, m % 16);
		}
		static const char *const tails[] = {"Z", "0", "0Z", " ", "+01:00", "\"", "\n"};
		for (size_t j = 0; j < sizeof tails / sizeof *tails; j++) {
			memcpy(t, seeds[k], n);
			memcpy(t + n, tails[j], strlen(tails[j]));
			check(t, n + strlen(tails[j]), j);
		}
	}
	/* two bytes at random places, digits and separators mostly */
	static const char pool[] = "0123456789-T:.Z+ tz/\xff\x80\x00" "9";
	for (int round = 0; round < 300000; round++) {
		size_t k = rnd() % ns, n = strlen(seeds[k]);
		memcpy(t, seeds[k], n);
		for (int j = 0; j < 2; j++)
			t[rnd() % n] = rnd() % 4 ? pool[rnd() % (sizeof pool - 1)] : (char)rnd();
		check(t, n, rnd() % 16);
	}
	/* every day of four centuries' worth of years at a random time */
	for (int y = 1900; y <= 2400; y++)
		for (int mo = 1; mo <= 12; mo++)
			for (int d = 1; d <= 31; d++) {
				snprintf(t, sizeof t, "%04d-%02d-%02dT%02u:%02u:%02u.%03uZ", y, mo, d,
					rnd() % 25, rnd() % 61, rnd() % 62, rnd() % 1000);
				check(t, 24, (size_t)d % 16);
			}
	is_int(bad, 0, "ts_parse as before on %ld times (mutated, cut, lengthened, every day)", runs);
	is_int(formbad, 0, "ts_form24 as the byte-by-byte form test");
	free(buf);
	return tap_done();
}
