/* SPDX-License-Identifier: MIT */
/* flametree.c: the stacks as read, and the drawn frames merged from them
 * (see flame.h). */
#include <stdlib.h>
#include <string.h>
#include "folded.h"
#include "flame.h"

/* Words read from memory: the first byte is the lowest on little-endian
 * machines, the highest on big-endian ones. */
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define FIRST_BYTE_BITS(w) __builtin_clzll(w)
#define FIRST_BYTE_HIGH(w) (w)
#else
#define FIRST_BYTE_BITS(w) __builtin_ctzll(w)
#define FIRST_BYTE_HIGH(w) __builtin_bswap64(w)
#endif

/* How many of the first m bytes of x and y are equal, a word at a time. */
static inline size_t common_prefix(const char *x, const char *y, size_t m)
{
	size_t i = 0;
	for (; i + 8 <= m; i += 8) {
		uint64_t u, v;
		memcpy(&u, x + i, 8);
		memcpy(&v, y + i, 8);
		if (u != v)
			return i + (size_t)FIRST_BYTE_BITS(u ^ v) / 8;
	}
	while (i < m && x[i] == y[i])
		i++;
	return i;
}

/* Where the frame that starts at s[pos] ends: the next ';' or len.
 * Eight bytes at a time (frames are names of ten bytes or more). */
static inline size_t frame_end(const char *s, size_t pos, size_t len)
{
	const uint64_t L = 0x0101010101010101ULL, H = L << 7, M = ~H;
	for (; pos + 8 <= len; pos += 8) {
		uint64_t x;
		memcpy(&x, s + pos, 8);
		x ^= L * ';';
		uint64_t z = ~(((x & M) + M) | x) & H;  /* each zero byte exactly */
		if (z)
			return pos + (size_t)FIRST_BYTE_BITS(z) / 8;
	}
	while (pos < len && s[pos] != ';')
		pos++;
	return pos;
}

/* Stacks in the order of their frames: frame by frame, each name in byte
 * order, a name before the longer names it begins (sort(1) in the C
 * locale, as flamegraph.pl sorts, for every name).  Bytewise with ';' and
 * the end of the stack below every other byte is exactly that, so stacks
 * that share frames end up next to each other, siblings in name order. */
static int cmp_bytes(const char *x0, size_t xl, const char *y0, size_t yl)
{
	const unsigned char *x = (const unsigned char *)x0, *y = (const unsigned char *)y0;
	size_t m = xl < yl ? xl : yl, i = common_prefix(x0, y0, m);
	if (i == m)
		return (xl > yl) - (xl < yl);
	if (x[i] == ';')
		return -1;
	if (y[i] == ';')
		return 1;
	return (int)x[i] - (int)y[i];
}

/* ---- sorting: a multikey quicksort (Bentley and Sedgewick) on 7 bytes
 * at a time.  Each stack is read at a depth once, into a key that the
 * partitions at that depth compare; stacks equal there go on to the next
 * 7 bytes.  Shared prefixes are read once per stack, not once per
 * comparison, and the comparisons touch no stack. */

struct skey {
	uint64_t k;     /* bytes d..d+6 in the order of cmp_bytes, big-endian,
	                 * then how many there are (0-7) */
	const char *s;  /* the stack, and its line: the key holds what the
	                 * sort and the merge read, so neither goes through
	                 * the lines (a cache miss each) */
	uint32_t len, line;
};

/* Bytes d..d+6 of a stack, each byte b in one byte that sorts as
 * cmp_lines does (';' to 0, below it b + 1, above it b: all at once in a
 * word), the first byte highest; the end of a stack is told apart by the
 * count in the lowest byte. */
static inline uint64_t key_at(const struct skey *e, size_t d)
{
	const uint64_t L = 0x0101010101010101ULL, H = L << 7, M = ~H;
	size_t avail = e->len > d ? e->len - d : 0;
	uint64_t x = 0;
	if (avail >= 8) {
		memcpy(&x, e->s + d, 8);
		avail = 7;
	} else if (avail) {
		memcpy(&x, e->s + d, avail);
	} else {
		return 0;
	}
	uint64_t lt = ~((x | H) - L * ';') & ~x & H;            /* b < ';' */
	uint64_t y = x ^ (L * ';');
	uint64_t eq = ~(((y & M) + M) | y) & H;                 /* b == ';' */
	x += lt >> 7;
	x &= ~((eq >> 7) * 0xff);
	x = FIRST_BYTE_HIGH(x);
	return (x & ~(uint64_t)0 << (64 - 8 * avail)) | avail;
}

static int cmp_skey(const struct skey *a, const struct skey *b)
{
	if (a->k != b->k)
		return a->k < b->k ? -1 : 1;
	return (a->k & 0xff) == 7 ? cmp_bytes(a->s, a->len, b->s, b->len) : 0;
}

/* How many stacks ahead the sort and the merge ask for the memory they
 * are about to read. */
#define PREFETCH 8

struct task {
	struct skey *a;
	size_t n, d;
};

static void sort_lines(struct skey *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		v[i].k = key_at(&v[i], 0);
	size_t cap = 64, sp = 0;
	struct task *st = xmalloc(sizeof *st * cap);
	st[sp++] = (struct task){v, n, 0};
	while (sp) {
		struct task t = st[--sp];
		struct skey *a = t.a;
		if (t.n < 16) {
			for (size_t i = 1; i < t.n; i++) {
				struct skey x = a[i];
				size_t j = i;
				for (; j > 0 && cmp_skey(&a[j - 1], &x) > 0; j--)
					a[j] = a[j - 1];
				a[j] = x;
			}
			continue;
		}
		uint64_t p0 = a[0].k, p1 = a[t.n / 2].k, p2 = a[t.n - 1].k, piv;
		piv = p0 < p1 ? (p1 < p2 ? p1 : p0 < p2 ? p2 : p0) : (p0 < p2 ? p0 : p1 < p2 ? p2 : p1);
		/* a[0..lt) < piv, a[lt..i) == piv, a[gt..n) > piv */
		size_t lt = 0, i = 0, gt = t.n;
		while (i < gt) {
			uint64_t k = a[i].k;
			if (k < piv) {
				struct skey x = a[lt];
				a[lt++] = a[i];
				a[i++] = x;
			} else if (k > piv) {
				struct skey x = a[--gt];
				a[gt] = a[i];
				a[i] = x;
			} else {
				i++;
			}
		}
		if (sp + 3 > cap) {
			cap *= 2;
			st = xrealloc(st, sizeof *st * cap);
		}
		if (lt > 1)
			st[sp++] = (struct task){a, lt, t.d};
		if (t.n - gt > 1)
			st[sp++] = (struct task){a + gt, t.n - gt, t.d};
		if (gt - lt > 1 && (piv & 0xff) == 7) {
			/* the stacks lie anywhere: ask for the bytes of the
			 * ones a few steps ahead while keying these */
			for (size_t j = lt; j < gt; j++) {
				if (j + PREFETCH < gt)
					__builtin_prefetch(a[j + PREFETCH].s + t.d + 7);
				a[j].k = key_at(&a[j], t.d + 7);
			}
			st[sp++] = (struct task){a + lt, gt - lt, t.d + 7};
		}
	}
	free(st);
}

bool flame_add(struct flame *f, const char *s, size_t len, int64_t n1, int64_t n, bool stable)
{
	int64_t t, t1;
	if (__builtin_add_overflow(f->total, n, &t) || __builtin_add_overflow(f->total1, n1, &t1))
		return false;
	if (len > UINT32_MAX)
		die(2, "a stack of %zu bytes: 4 GiB is the most", len);
	f->total = t;
	f->total1 = t1;
	const char *kept = s;
	if (f->o.reverse) {
		char *p = arena_bytes(&f->mem, len);
		/* the frames in the opposite order, joined by ';' again */
		const char *fr, *cur = s, *end = s + len;
		size_t fl, at = len;
		bool first = true;
		while (folded_frame(&cur, end, &fr, &fl)) {
			if (!first)
				p[--at] = ';';
			first = false;
			at -= fl;
			memcpy(p + at, fr, fl);
		}
		/* a stack ending in ';' has one frame fewer than separators */
		kept = p + at;
		len -= at;
	} else if (!stable) {
		kept = memcpy(arena_bytes(&f->mem, len), s, len);
	}
	if (f->nlines == f->caplines) {
		if (f->nlines == UINT32_MAX)
			die(2, "more than %u stacks", UINT32_MAX - 1);
		f->caplines = f->caplines ? f->caplines * 2 : 4096;
		f->lines = xrealloc(f->lines, sizeof *f->lines * f->caplines);
	}
	f->lines[f->nlines++] = (struct flame_line){kept, (uint32_t)len, n1, n};
	return true;
}

void flame_copy_lines(struct flame *f, size_t from)
{
	for (size_t i = from; i < f->nlines; i++) {
		struct flame_line *l = &f->lines[i];
		l->s = memcpy(arena_bytes(&f->mem, l->len), l->s, l->len);
	}
}

/* ---- merging -------------------------------------------------------------- */

/* One frame of the stack being merged: its node, where its name ends in
 * that stack, where its next drawn child starts (in counts), and its
 * children that were too narrow to draw. */
struct pathent {
	uint32_t node;
	size_t end;
	int64_t cursor;
	int64_t on, on1;        /* their counts */
	uint64_t other;         /* how many */
};

static inline uint32_t new_node(struct flame *f, const char *name, size_t len, uint32_t depth,
	int64_t x, int64_t n1, int64_t n)
{
	if (f->nnodes == f->capnodes) {
		if (f->capnodes >= UINT32_MAX / 2)
			die(2, "too many frames");
		f->capnodes = f->capnodes ? f->capnodes * 2 : 1024;
		f->nodes = xrealloc(f->nodes, sizeof *f->nodes * f->capnodes);
	}
	f->nodes[f->nnodes] = (struct flame_node){name, (uint32_t)len, depth, x, n, n1, 0};
	return f->nnodes++;
}

static void drawn(struct flame *f, const struct flame_node *x)
{
	if (x->depth > f->maxdepth)
		f->maxdepth = x->depth;
	int64_t d = x->n - x->n1;
	if (d < 0)
		d = -d;
	if (d > f->maxdelta)
		f->maxdelta = d;
}

/* The children of path[j] too narrow to draw, as one frame after the
 * drawn ones, when together they are wide enough. */
static void others(struct flame *f, const struct pathent *p, double mintime)
{
	if (!p->other || p->on <= 0 || (double)p->on < mintime)
		return;
	uint32_t c = new_node(f, FLAME_OTHERS, sizeof FLAME_OTHERS - 1,
		f->nodes[p->node].depth + 1, p->cursor, p->on1, p->on);
	f->nodes[c].others = p->other;
	drawn(f, &f->nodes[c]);
}

/* The last stack through node path[j] has passed.  It stays only when it
 * is drawn, and then its parent's next drawn child starts after it; a
 * frame too narrow joins its parent's others.  Its children have passed
 * before it and were narrower, so a frame that goes is the last node of
 * the array. */
static void done(struct flame *f, struct pathent *path, size_t j, double mintime)
{
	uint32_t c = path[j].node;
	const struct flame_node *x = &f->nodes[c];
	struct pathent *up = &path[j - 1];
	if (x->n <= 0 || (double)x->n < mintime) {
		f->npruned++;
		up->on += x->n;
		up->on1 += x->n1;
		up->other++;
		f->nnodes = c;
		return;
	}
	up->cursor += x->n;
	drawn(f, x);
	others(f, &path[j], mintime);
}

void flame_build(struct flame *f, double mintime)
{
	struct skey *order = xmalloc(sizeof *order * (f->nlines ? f->nlines : 1));
	for (size_t i = 0; i < f->nlines; i++)
		order[i] = (struct skey){0, f->lines[i].s, f->lines[i].len, (uint32_t)i};
	if (!f->o.flamechart && f->nlines > 1)
		sort_lines(order, f->nlines);
	f->nnodes = 0;
	f->nframes = f->npruned = 0;
	f->maxdepth = 0;
	f->maxdelta = 0;
	new_node(f, "all", 3, 0, 0, f->total1, f->total);
	/* path[0] is the root; path[1..plen] the frames of the last stack */
	size_t cap = 64, plen = 0;
	struct pathent *path = xmalloc(sizeof *path * cap);
	path[0] = (struct pathent){0};
	const char *prev = "";
	size_t prevlen = 0;
	for (size_t li = 0; li < f->nlines; li++) {
		if (li + PREFETCH < f->nlines) {
			const struct skey *a = &order[li + PREFETCH];
			__builtin_prefetch(&f->lines[a->line]);
			__builtin_prefetch(a->s);
			__builtin_prefetch(a->s + 64);
			__builtin_prefetch(a->s + 128);
		}
		const struct flame_line *L = &f->lines[order[li].line];
		const char *s = order[li].s;
		size_t len = order[li].len;
		/* frames shared with the stack before: equal bytes up to a frame
		 * end that is a frame end in both */
		size_t l = common_prefix(s, prev, len < prevlen ? len : prevlen);
		size_t k = 0;
		while (k < plen && path[k + 1].end <= l && (path[k + 1].end == len || s[path[k + 1].end] == ';'))
			k++;
		while (plen > k)
			done(f, path, plen--, mintime);
		for (size_t i = 1; i <= k; i++) {
			struct flame_node *x = &f->nodes[path[i].node];
			x->n += L->n;
			x->n1 += L->n1;
		}
		size_t pos = k ? path[k].end + 1 : 0;
		/* the frames after them are new (folded_frame's frames: a
		 * last empty frame after a ';' is none) */
		while (pos < len) {
			size_t e = frame_end(s, pos, len);
			if (plen + 1 == cap) {
				cap *= 2;
				path = xrealloc(path, sizeof *path * cap);
			}
			int64_t x = path[plen].cursor;
			uint32_t c = new_node(f, s + pos, e - pos, (uint32_t)plen + 1, x, L->n1, L->n);
			f->nframes++;
			plen++;
			path[plen] = (struct pathent){c, e, x, 0, 0, 0};
			pos = e + 1;
		}
		prev = s;
		prevlen = len;
	}
	while (plen > 0)
		done(f, path, plen--, mintime);
	others(f, &path[0], mintime);
	free(path);
	free(order);
}

void flame_init(struct flame *f, const struct flame_opts *o)
{
	memset(f, 0, sizeof *f);
	f->o = *o;
	/* stacks are copied one after the other into big blocks */
	f->mem.blksize = (size_t)1 << 22;
	f->mem.prefault = true;
}

void flame_free(struct flame *f)
{
	arena_free(&f->mem);
	free(f->lines);
	free(f->nodes);
	memset(f, 0, sizeof *f);
}
