/* SPDX-License-Identifier: MIT */
/* flametree.c: frame names and the trie of frames (see flame.h). */
#include <stdlib.h>
#include <string.h>
#include "folded.h"
#include "flame.h"

/* (parent, frame) -> child in one open-addressing table whose key and
 * value share a cache line: the lookup per frame is what costs. */
struct flame_kid {
	uint64_t key;           /* hash of the name, seeded by the parent; 0: empty */
	uint32_t node, pad;
};

struct flame_span {
	const char *p;
	size_t len;
};

static int cmp_names(const void *a, const void *b, void *names)
{
	const struct intern *t = names;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	size_t lx = intern_len(t, x), ly = intern_len(t, y);
	int c = memcmp(intern_at(t, x), intern_at(t, y), lx < ly ? lx : ly);
	return c ? c : (lx > ly) - (lx < ly);
}

void flame_rank_names(struct flame *f)
{
	uint32_t n = f->names.n, *order = xmalloc(sizeof *order * (n ? n : 1));
	for (uint32_t i = 0; i < n; i++)
		order[i] = i;
	if (n > 1)
		qsort_r(order, n, sizeof *order, cmp_names, &f->names);
	free(f->rank);
	f->rank = xmalloc(sizeof *f->rank * (n ? n : 1));
	for (uint32_t i = 0; i < n; i++)
		f->rank[order[i]] = i;
	free(order);
}

static uint32_t new_node(struct flame *f, uint32_t parent, uint32_t name)
{
	if (f->nnodes == f->capnodes) {
		if (f->capnodes >= UINT32_MAX / 2)
			die(2, "too many frames");
		f->capnodes = f->capnodes ? f->capnodes * 2 : 4096;
		f->nodes = xrealloc(f->nodes, sizeof *f->nodes * f->capnodes);
	}
	f->nodes[f->nnodes] = (struct flame_node){name, parent, 0,
		parent == UINT32_MAX ? 0 : f->nodes[parent].depth + 1, 0, 0};
	if (parent != UINT32_MAX)
		f->nodes[parent].last = f->nnodes;
	return f->nnodes++;
}

static bool same_name(const struct flame *f, uint32_t node, const char *s, size_t n)
{
	const struct istr *r = &f->names.v[f->nodes[node].name];
	return r->len == n && !memcmp(r->s, s, n);
}

static void kids_grow(struct flame *f)
{
	size_t cap = f->capkids ? f->capkids * 2 : 4096, mask = cap - 1;
	struct flame_kid *t = xcalloc(cap, sizeof *t);
	for (size_t i = 0; i < f->capkids; i++)
		if (f->kids[i].key) {
			size_t j = f->kids[i].key & mask;
			while (t[j].key)
				j = (j + 1) & mask;
			t[j] = f->kids[i];
		}
	free(f->kids);
	f->kids = t;
	f->capkids = cap;
}

static uint32_t child(struct flame *f, uint32_t parent, const char *s, size_t n)
{
	if (f->o.flamechart) {
		/* time order: merge only with the frame just before */
		uint32_t l = f->nodes[parent].last;
		if (l && same_name(f, l, s, n))
			return l;
		return new_node(f, parent, intern_id(&f->names, s, n));
	}
	if ((f->nkids + 1) * 2 > f->capkids)
		kids_grow(f);
	uint64_t key = hash64(s, n, parent) | 1;
	size_t mask = f->capkids - 1;
	struct flame_kid *kids = f->kids;
	for (size_t i = key & mask;; i = (i + 1) & mask) {
		if (!kids[i].key) {
			kids[i].key = key;
			kids[i].node = new_node(f, parent, intern_id(&f->names, s, n));
			f->nkids++;
			return kids[i].node;
		}
		/* equal hashes of different frames just probe on */
		uint32_t c = kids[i].node;
		if (kids[i].key == key && f->nodes[c].parent == parent && same_name(f, c, s, n))
			return c;
	}
}

static void path_push(struct flame *f, uint32_t node, size_t end)
{
	if (f->plen == f->pcap) {
		f->pcap = f->pcap ? f->pcap * 2 : 64;
		f->ppath = xrealloc(f->ppath, sizeof *f->ppath * f->pcap);
		f->pend = xrealloc(f->pend, sizeof *f->pend * f->pcap);
	}
	f->ppath[f->plen] = node;
	f->pend[f->plen++] = end;
}

static void count(struct flame *f, uint32_t at, int64_t n1, int64_t n)
{
	f->nodes[at].n += n;
	f->nodes[at].n1 += n1;
}

static void add_reversed(struct flame *f, const char *s, size_t len, int64_t n1, int64_t n)
{
	const char *fr, *cur = s, *end = s + len;
	size_t fl, k = 0;
	while (folded_frame(&cur, end, &fr, &fl)) {
		if (k == f->caprev) {
			f->caprev = f->caprev ? f->caprev * 2 : 64;
			f->rev = xrealloc(f->rev, sizeof *f->rev * f->caprev);
		}
		f->rev[k++] = (struct flame_span){fr, fl};
	}
	uint32_t at = 0;
	while (k--) {
		at = child(f, at, f->rev[k].p, f->rev[k].len);
		count(f, at, n1, n);
	}
}

bool flame_add(struct flame *f, const char *s, size_t len, int64_t n1, int64_t n)
{
	int64_t t, t1;
	if (__builtin_add_overflow(f->nodes[0].n, n, &t) ||
	    __builtin_add_overflow(f->nodes[0].n1, n1, &t1))
		return false;
	f->nodes[0].n = t;
	f->nodes[0].n1 = t1;
	if (f->o.reverse) {
		add_reversed(f, s, len, n1, n);
		return true;
	}
	/* frames shared with the previous stack: equal bytes up to a frame
	 * end that is a frame end in both */
	size_t l = 0, k = 0, m = len < f->prev.len ? len : f->prev.len;
	while (l < m && s[l] == f->prev.p[l])
		l++;
	while (k < f->plen && f->pend[k] <= l && (f->pend[k] == len || s[f->pend[k]] == ';'))
		k++;
	uint32_t at = 0;
	for (size_t i = 0; i < k; i++) {
		at = f->ppath[i];
		count(f, at, n1, n);
	}
	f->plen = k;
	size_t pos = k ? f->pend[k - 1] + 1 : 0;
	const char *fr, *cur = s + pos, *end = s + len;
	size_t fl;
	while (cur <= end && folded_frame(&cur, end, &fr, &fl)) {
		at = child(f, at, fr, fl);
		count(f, at, n1, n);
		path_push(f, at, (size_t)(fr - s) + fl);
	}
	sb_reset(&f->prev);
	sb_add(&f->prev, s, len);
	return true;
}

void flame_init(struct flame *f, const struct flame_opts *o)
{
	memset(f, 0, sizeof *f);
	f->o = *o;
	new_node(f, UINT32_MAX, 0);
}

void flame_added(struct flame *f)
{
	free(f->kids);
	f->kids = NULL;
	f->nkids = f->capkids = 0;
	/* no name is looked up any more: the index goes (intern.h's fields
	 * are its interface), the names stay */
	hm_free(&f->names.idx);
	sb_free(&f->prev);
	free(f->ppath);
	free(f->pend);
	f->ppath = NULL;
	f->pend = NULL;
	f->plen = f->pcap = 0;
	free(f->rev);
	f->rev = NULL;
	f->caprev = 0;
}

void flame_free(struct flame *f)
{
	flame_added(f);
	intern_free(&f->names);
	free(f->rank);
	free(f->nodes);
	free(f->cstart);
	free(f->clist);
	free(f->drawn);
	memset(f, 0, sizeof *f);
}
