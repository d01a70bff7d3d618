/* SPDX-License-Identifier: MIT */
/* stack.c: frame labels that cannot break the folded format, and a table
 * that adds up equal stacks. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "event.h"
#include "stack.h"

static void label_clean_uncached(struct sbuf *b, const char *s, size_t n);

/* The labels of a view repeat record after record (the project, agent,
 * tags, model): the last cleaning of each short label is kept, by its
 * text, in a small table (half the work of agent-stack on a history was
 * cleaning the same few labels again). */
#define LC_SLOTS 256
#define LC_MAX 96
void label_clean(struct sbuf *b, const char *s, size_t n)
{
	static struct lc { uint8_t n, out; bool used; char in[LC_MAX], o[255]; } lc[LC_SLOTS];
	if (n > LC_MAX) {
		label_clean_uncached(b, s, n);
		return;
	}
	struct lc *c = &lc[hash64(s, n, 0x1abe1) % LC_SLOTS];
	if (c->used && c->n == n && !memcmp(c->in, s, n)) {
		sb_add(b, c->o, c->out);
		return;
	}
	size_t start = b->len;
	label_clean_uncached(b, s, n);
	if (b->len - start < sizeof c->o) {
		c->used = true;
		c->n = (uint8_t)n;
		memcpy(c->in, s, n);
		c->out = (uint8_t)(b->len - start);
		memcpy(c->o, b->p + start, c->out);
	}
}

static void label_clean_uncached(struct sbuf *b, const char *s, size_t n)
{
	static struct sbuf red;
	redact(&red, s, n);
	const unsigned char *p = (const unsigned char *)(red.p ? red.p : "");
	size_t m = red.len, start = b->len, used = 0;
	bool space = false;
	for (size_t i = 0; i < m;) {
		unsigned c = p[i];
		size_t l = utf8_valid_len((const char *)p + i, m - i);
		const char *piece = (const char *)p + i;
		if (!l) {
			piece = "\xef\xbf\xbd";
			l = 3;
			i++;
		} else {
			i += l;
		}
		if (l == 1 && (c <= ' ' || c == 0x7f)) {
			space = true;
			continue;
		}
		if (l == 2 && c == 0xC2 && (unsigned char)piece[1] < 0xA0) {
			space = true;   /* C1 controls and NBSP */
			continue;
		}
		size_t add = l + (space && used);
		if (used + add > LABEL_MAX)
			break;
		if (space && used)
			sb_addc(b, ' ');
		space = false;
		if (l == 1 && c == ';')
			sb_addc(b, ',');
		else
			sb_add(b, piece, l);
		used += add;
	}
	if (!used) {
		sb_adds(b, "none");
		return;
	}
	/* "name 12" would read as a count: join it. */
	char *v = b->p + start, *e = b->p + b->len, *q = e;
	while (q > v && q[-1] >= '0' && q[-1] <= '9')
		q--;
	if (q < e && q > v && q[-1] == ' ')
		q[-1] = '_';
}

void frame_addn(struct sbuf *b, const char *kind, const char *val, size_t n)
{
	if (b->len)
		sb_addc(b, ';');
	sb_adds(b, kind);
	sb_addc(b, ':');
	if (val)
		label_clean(b, val, n);
	else
		sb_adds(b, "none");
}

void frame_add(struct sbuf *b, const char *kind, const char *val)
{
	frame_addn(b, kind, val, val ? strlen(val) : 0);
}

size_t stacks_add(struct stacks *t, const char *s, size_t n, double w)
{
	/* Weights on a grid of 2^-24 (scaling by a power of two and rounding
	 * are exact): their sums are exact, so the same in any order, up to
	 * 2^29 (integers up to 2^53). */
	if (w == w && fabs(w) < 0x1p52)
		w = nearbyint(w * 0x1p24) / 0x1p24;
	uint32_t id = intern_id(&t->ids, s, n);
	if (id < t->n) {
		t->w[id] += w;   /* doubles: 10 x 0.3 is 3, not 0 */
		return id;
	}
	GROW(t->w, t->n, t->cap);
	t->w[t->n] = w;
	return t->n++;
}

void stacks_add_id(struct stacks *t, size_t id, double w)
{
	if (w == w && fabs(w) < 0x1p52)
		w = nearbyint(w * 0x1p24) / 0x1p24;
	t->w[id] += w;
}

static const struct stacks *sort_t;

static int cmp_stack(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	size_t xl = stacks_len(sort_t, x), yl = stacks_len(sort_t, y);
	int c = memcmp(stacks_str(sort_t, x), stacks_str(sort_t, y), xl < yl ? xl : yl);
	return c ? c : (xl > yl) - (xl < yl);
}

size_t *stacks_sorted(const struct stacks *t)
{
	size_t *ix = xmalloc((t->n ? t->n : 1) * sizeof *ix);
	for (size_t i = 0; i < t->n; i++)
		ix[i] = i;
	sort_t = t;
	sort_n(ix, t->n, sizeof *ix, cmp_stack);
	return ix;
}

/* Rounded, and held within int64_t: a sum past 2^63 (hostile counts) is
 * INT64_MAX, never the undefined conversion of a double out of range. */
int64_t stacks_weight(const struct stacks *t, size_t i)
{
	double w = t->w[i];
	if (!(w > -9.2e18))
		return w != w ? 0 : INT64_MIN;
	if (w >= 9.2e18)
		return INT64_MAX;
	return (int64_t)llround(w);
}

int64_t stacks_print(const struct stacks *t, struct sbuf *o)
{
	size_t *ix = stacks_sorted(t);
	int64_t sum = 0;
	for (size_t k = 0; k < t->n; k++) {
		int64_t w = stacks_weight(t, ix[k]);
		if (w <= 0)
			continue;
		sb_add(o, stacks_str(t, ix[k]), stacks_len(t, ix[k]));
		sb_addc(o, ' ');
		sb_addi(o, w);
		sb_addc(o, '\n');
		sum = sat_add(sum, w);
		if (o == &stdout_sb)
			out_maybe_flush();
	}
	free(ix);
	return sum;
}

void stacks_free(struct stacks *t)
{
	intern_free(&t->ids);
	free(t->w);
	memset(t, 0, sizeof *t);
}
