/* SPDX-License-Identifier: MIT */
/* lrmap.c: the line reader three ways over the same bytes: through a
 * mapping of a regular file (lr_map), through read(2) on that file, and
 * from memory (lr_open_mem).  Each must give the same lines with the
 * same numbers, offsets and partial flags, and the same diagnostics for
 * lines over the limit.  The first byte picks the line limit (small, to
 * reach the over-long line paths) and whether lr_peek and
 * lr_unmap_before are called between lines. */
#include <stdio.h>
#include "fuzz.h"
#include "lineio.h"

struct line { size_t len; uint64_t no, off; bool partial; };

static size_t lines(struct lreader *r, const char *all, struct line **v, char **text,
	size_t *tn, unsigned sel)
{
	size_t k = 0, cap = 0;
	struct sbuf b = {0};
	char *line;
	size_t len;
	const char *pk;
	while (lr_next(r, &line, &len)) {
		if (k == cap)
			*v = xrealloc(*v, (cap = cap ? 2 * cap : 16) * sizeof **v);
		(*v)[k++] = (struct line){len, r->lineno, r->offset, r->partial};
		/* lineio.h: longer lines are reported and skipped */
		if (len > r->maxline)
			abort();
		sb_add(&b, line, len);
		sb_addc(&b, '\n');
		if (sel & 0x40)
			(void)lr_peek(r, 1 + (sel & 0x3f), &pk);
		if (sel & 0x80)
			lr_unmap_before(r, line);
	}
	(void)all;
	*text = b.p;
	*tn = b.len;
	return k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	fuzz_quiet();
	int first = fuzz_selector(&data, &n);
	if (first < 0)
		return 0;
	unsigned sel = (unsigned)first;
	size_t maxline = sel & 0x20 ? 1 + (sel & 0x1f) : LR_MAXLINE_DEFAULT;
	struct line *v[3] = {NULL, NULL, NULL};
	char *text[3];
	size_t nl[3], tn[3];
	unsigned long nwarn[3];
	for (int way = 0; way < 3; way++) {
		struct lreader r;
		if (way == 2) {
			lr_open_mem(&r, data, n, "mem");
		} else {
			lr_fdopen(&r, fuzz_fd(data, n), "file");
			if (way == 0 && lr_map(&r) != (n > 0))
				abort();
		}
		r.maxline = maxline;
		nl[way] = lines(&r, (const char *)data, &v[way], &text[way], &tn[way], way ? sel & 0x3f : sel);
		nwarn[way] = r.nwarn;
		lr_close(&r);
	}
	for (int way = 1; way < 3; way++) {
		if (nl[way] != nl[0] || tn[way] != tn[0] || nwarn[way] != nwarn[0] ||
		    (tn[0] && memcmp(text[way], text[0], tn[0])))
			abort();
		for (size_t i = 0; i < nl[0]; i++)
			if (v[way][i].len != v[0][i].len || v[way][i].no != v[0][i].no ||
			    v[way][i].off != v[0][i].off || v[way][i].partial != v[0][i].partial)
				abort();
	}
	for (int way = 0; way < 3; way++) {
		free(v[way]);
		free(text[way]);
	}
	return 0;
}
