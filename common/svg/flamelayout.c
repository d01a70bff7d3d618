/* SPDX-License-Identifier: MIT */
/* flamelayout.c: what is drawn and where (see flame.h). */
#include <stdlib.h>
#include <string.h>
#include "flame.h"

static int cmp_rank(const void *a, const void *b, void *g)
{
	const struct flame *f = g;
	uint32_t x = f->rank[f->nodes[*(const uint32_t *)a].name];
	uint32_t y = f->rank[f->nodes[*(const uint32_t *)b].name];
	return (x > y) - (x < y);
}

/* Children lists in node order, which is input order; sorted by name
 * unless this is a flame chart. */
static void build_children(struct flame *f)
{
	uint32_t nn = f->nnodes;
	uint32_t *cstart = xcalloc((size_t)nn + 1, sizeof *cstart);
	uint32_t *clist = xmalloc(sizeof *clist * nn);
	for (uint32_t i = 1; i < nn; i++)
		cstart[f->nodes[i].parent + 1]++;
	for (uint32_t i = 0; i < nn; i++)
		cstart[i + 1] += cstart[i];
	uint32_t *fill = xmalloc(sizeof *fill * nn);
	memcpy(fill, cstart, sizeof *fill * nn);
	for (uint32_t i = 1; i < nn; i++)
		clist[fill[f->nodes[i].parent]++] = i;
	free(fill);
	f->cstart = cstart;
	f->clist = clist;
	if (f->o.flamechart)
		return;
	flame_rank_names(f);
	for (uint32_t i = 0; i < nn; i++)
		if (cstart[i + 1] - cstart[i] > 1)
			qsort_r(clist + cstart[i], cstart[i + 1] - cstart[i], sizeof *clist, cmp_rank, f);
}

/* Decide what is drawn before anything is written: a frame is drawn when
 * it is at least mintime wide and its parent is drawn.  A parent always
 * comes before its children in node order. */
static void prune(struct flame *f, double mintime)
{
	bool *drawn = xcalloc(f->nnodes, sizeof *drawn);
	drawn[0] = true;
	for (uint32_t i = 1; i < f->nnodes; i++) {
		const struct flame_node *x = &f->nodes[i];
		drawn[i] = drawn[x->parent] && x->n > 0 && (double)x->n >= mintime;
		if (!drawn[i]) {
			f->npruned++;
			continue;
		}
		if (x->depth > f->maxdepth)
			f->maxdepth = x->depth;
		int64_t d = x->n - x->n1;
		if (d < 0)
			d = -d;
		if (d > f->maxdelta)
			f->maxdelta = d;
	}
	f->drawn = drawn;
}

void flame_geometry(struct flame *f)
{
	double fs = f->o.fontsize;
	f->ypad1 = fs * 3;
	f->ypad2 = fs * 2 + 10;
	f->ypad3 = f->o.subtitle ? fs * 2 : 0;
	f->imgheight = ((double)f->maxdepth + 1) * (double)f->o.height + f->ypad1 + f->ypad2 + f->ypad3;
}

void flame_layout(struct flame *f)
{
	f->total = f->nodes[0].n;
	f->wpt = (double)(f->o.width - 2 * FLAME_XPAD) / (double)f->total;
	double mintime = f->o.minpct ? (double)f->total * f->o.minwidth / 100
		: f->o.minwidth / f->wpt;
	build_children(f);
	prune(f, mintime);
	flame_geometry(f);
}
