/* SPDX-License-Identifier: MIT */
/* folded.c: splitting folded stack lines. */
#include <string.h>
#include "folded.h"

/* The number that ends s[0..*n); shortens *n to what precedes it
 * (without the separating blanks).  -1: no number there, -2: bad number. */
static int trailing_count(const char *s, size_t *n, int64_t *v)
{
	size_t e = *n, i = e;
	while (i > 0 && s[i - 1] >= '0' && s[i - 1] <= '9')
		i--;
	size_t digits = e - i;
	bool frac = false;
	if (i > 0 && s[i - 1] == '.' && digits) {
		/* 12.5: fractional counts are not counts we can sum exactly */
		size_t j = i - 1;
		while (j > 0 && s[j - 1] >= '0' && s[j - 1] <= '9')
			j--;
		if (j < i - 1) {
			i = j;
			frac = true;
		}
	}
	bool neg = i > 0 && s[i - 1] == '-';
	size_t start = neg ? i - 1 : i;
	if (!digits || (start > 0 && s[start - 1] != ' ' && s[start - 1] != '\t'))
		return -1;
	if (neg || frac)
		return -2;
	uint64_t x = 0;
	for (size_t k = i; k < e; k++) {
		uint64_t d = (uint64_t)(s[k] - '0');
		if (x > ((uint64_t)INT64_MAX - d) / 10)
			return -2;
		x = x * 10 + d;
	}
	*v = (int64_t)x;
	while (start > 0 && (s[start - 1] == ' ' || s[start - 1] == '\t'))
		start--;
	*n = start;
	return 0;
}

int folded_parse(char *line, size_t len, int maxcounts, struct folded_line *fl, const char **why)
{
	while (len && (line[len - 1] == ' ' || line[len - 1] == '\t' || line[len - 1] == '\r'))
		len--;
	size_t lead = 0;
	while (lead < len && (line[lead] == ' ' || line[lead] == '\t'))
		lead++;
	if (lead == len || line[lead] == '#')
		return 1;
	if (maxcounts > FOLDED_MAXCOUNTS)
		maxcounts = FOLDED_MAXCOUNTS;
	int64_t c[FOLDED_MAXCOUNTS];
	int k = 0;
	size_t n = len;
	bool bare = false;   /* a count with nothing before it */
	while (k < maxcounts) {
		int64_t v;
		size_t m = n;
		int r = trailing_count(line, &m, &v);
		if (r == -2 && k == 0) {
			*why = "count is negative, fractional or too large";
			return -1;
		}
		if (r == 0 && m <= lead)
			bare = k == 0;
		if (r < 0 || m <= lead)
			break;
		c[k++] = v;
		n = m;
	}
	if (!k) {
		*why = bare ? "no stack before the count" : "no count at the end of the line";
		return -1;
	}
	fl->stack = line + lead;
	fl->stacklen = n - lead;
	fl->ncounts = k;
	for (int i = 0; i < k; i++)
		fl->counts[i] = c[k - 1 - i];
	return 0;
}

bool folded_frame(const char **cur, const char *end, const char **frame, size_t *len)
{
	const char *p = *cur;
	if (p >= end)
		return false;
	const char *q = memchr(p, ';', (size_t)(end - p));
	if (!q)
		q = end;
	*frame = p;
	*len = (size_t)(q - p);
	*cur = q + 1;
	return true;
}
