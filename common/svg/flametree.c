/* SPDX-License-Identifier: MIT */
/* flametree.c: the stacks as read, and the drawn frames merged from them
 * (see flame.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
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
	f->held += len + sizeof(struct flame_line) + sizeof(struct skey);
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

/* The merge between stacks: the frames of the last stack, and the last
 * stack itself (its bytes copied when they do not stay). */
struct merge {
	struct pathent *path;   /* path[0] is the root; path[1..plen] the frames */
	size_t cap, plen;
	const char *prev;
	size_t prevlen;
	struct sbuf prevcopy;   /* merging runs: the last stack */
	double mintime;
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
	if (f->nruns) {
		/* the stack goes when the next is read: the name is kept
		 * (where, until the frames are all known: the copies move) */
		size_t at = f->names.len;
		sb_add(&f->names, name, len);
		name = (const char *)(uintptr_t)at;
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
 * the array (and its name the last kept). */
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
		if (f->nruns)
			f->names.len = (size_t)(uintptr_t)x->name;
		f->nnodes = c;
		return;
	}
	up->cursor += x->n;
	drawn(f, x);
	others(f, &path[j], mintime);
}

/* The next stack in order: the frames it shares with the one before get
 * its counts, those before them that it does not share are complete,
 * and its other frames are new. */
static void merge_stack(struct flame *f, struct merge *m, const char *s, size_t len, int64_t n1,
	int64_t n)
{
	struct pathent *path = m->path;
	/* frames shared with the stack before: equal bytes up to a frame
	 * end that is a frame end in both */
	size_t l = common_prefix(s, m->prev, len < m->prevlen ? len : m->prevlen);
	size_t k = 0, plen = m->plen;
	while (k < plen && path[k + 1].end <= l && (path[k + 1].end == len || s[path[k + 1].end] == ';'))
		k++;
	while (plen > k)
		done(f, path, plen--, m->mintime);
	for (size_t i = 1; i <= k; i++) {
		struct flame_node *x = &f->nodes[path[i].node];
		x->n += n;
		x->n1 += n1;
	}
	size_t pos = k ? path[k].end + 1 : 0;
	/* the frames after them are new (folded_frame's frames: a
	 * last empty frame after a ';' is none) */
	while (pos < len) {
		size_t e = frame_end(s, pos, len);
		if (plen + 1 == m->cap) {
			m->cap *= 2;
			path = m->path = xrealloc(path, sizeof *path * m->cap);
		}
		int64_t x = path[plen].cursor;
		uint32_t c = new_node(f, s + pos, e - pos, (uint32_t)plen + 1, x, n1, n);
		f->nframes++;
		plen++;
		path[plen] = (struct pathent){c, e, x, 0, 0, 0};
		pos = e + 1;
	}
	m->plen = plen;
	if (f->nruns) {
		sb_reset(&m->prevcopy);
		sb_add(&m->prevcopy, s, len);
		s = m->prevcopy.p;
	}
	m->prev = s;
	m->prevlen = len;
}

/* ---- runs: stacks sorted a buffer at a time and kept in temporary files */

/* A run's stack: its length, its counts, then its bytes. */
struct runhead {
	uint32_t len;
	int64_t n1, n;
};

/* One temporary file holds every run, one after the other. */
static int run_file(void)
{
	const char *dir = getenv("TMPDIR");
	dir = dir && *dir ? dir : "/tmp";
	struct sbuf name = {0};
	sb_printf(&name, "%s/folded2svg.XXXXXX", dir);
	int fd = mkstemp(name.p);
	if (fd < 0)
		die(2, "%s: cannot make a temporary file for the stacks (TMPDIR): %s", dir, strerror(errno));
	unlink(name.p);
	sb_free(&name);
	return fd;
}

static void run_flush(struct flame *f, struct sbuf *b)
{
	for (size_t at = 0; at < b->len;) {
		ssize_t w = write(f->runfd, b->p + at, b->len - at);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			die(2, "cannot write the stacks' temporary file (TMPDIR): %s", strerror(errno));
		at += (size_t)w;
	}
	f->runend += b->len;
	sb_reset(b);
}

/* The stacks of order[0..n), in that order, as the next run. */
static void run_write(struct flame *f, const struct skey *order, size_t n)
{
	if (f->runfd < 0)
		f->runfd = run_file();
	if (f->nruns == f->caprun) {
		f->caprun = f->caprun ? f->caprun * 2 : 8;
		f->runs = xrealloc(f->runs, sizeof *f->runs * f->caprun);
	}
	f->runs[f->nruns++] = f->runend;
	struct sbuf b = {0};
	for (size_t i = 0; i < n; i++) {
		const struct flame_line *L = &f->lines[order[i].line];
		struct runhead h = {L->len, L->n1, L->n};
		sb_add(&b, &h, sizeof h);
		sb_add(&b, L->s, L->len);
		if (b.len >= 1 << 20)
			run_flush(f, &b);
	}
	run_flush(f, &b);
	sb_free(&b);
}

/* A run being read back: where it is in the file, and its next stack. */
struct runrd {
	uint64_t pos, end;
	char *buf;
	size_t bpos, blen;
	struct runhead h;
	struct sbuf s;
	bool live;
};

static void run_read(const struct flame *f, struct runrd *r, void *dst, size_t n, size_t bufsize)
{
	char *d = dst;
	while (n) {
		if (r->bpos == r->blen) {
			size_t want = r->end - r->pos < bufsize ? (size_t)(r->end - r->pos) : bufsize;
			ssize_t got = want ? pread(f->runfd, r->buf, want, (off_t)r->pos) : 0;
			if (got < 0 && errno == EINTR)
				continue;
			if (got < 0)
				die(2, "cannot read the stacks' temporary file (TMPDIR): %s", strerror(errno));
			if (got == 0)
				die(2, "the stacks' temporary file (TMPDIR) ends early");
			r->pos += (uint64_t)got;
			r->bpos = 0;
			r->blen = (size_t)got;
		}
		size_t k = r->blen - r->bpos < n ? r->blen - r->bpos : n;
		memcpy(d, r->buf + r->bpos, k);
		r->bpos += k;
		d += k;
		n -= k;
	}
}

static void run_next(const struct flame *f, struct runrd *r, size_t bufsize)
{
	r->live = r->pos < r->end || r->bpos < r->blen;
	if (!r->live)
		return;
	run_read(f, r, &r->h, sizeof r->h, bufsize);
	sb_reset(&r->s);
	sb_grow(&r->s, r->h.len);
	run_read(f, r, r->s.p, r->h.len, bufsize);
	r->s.len = r->h.len;
}

static bool run_less(const struct runrd *a, const struct runrd *b)
{
	return cmp_bytes(a->s.p, a->s.len, b->s.p, b->s.len) < 0;
}

static void heap_down(struct runrd **h, size_t n, size_t i)
{
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= n)
			return;
		if (c + 1 < n && run_less(h[c + 1], h[c]))
			c++;
		if (!run_less(h[c], h[i]))
			return;
		struct runrd *t = h[c];
		h[c] = h[i];
		h[i] = t;
		i = c;
	}
}

/* Every run in stack order (a flame chart: one after the other, in input
 * order), merged.  A run reads 64 KiB at a time, less when there are so
 * many runs that their buffers would pass the buffer (4 KiB at least). */
static void merge_runs(struct flame *f, struct merge *m)
{
	size_t n = f->nruns, bufsize = f->buffer / n;
	bufsize = bufsize > (1 << 16) ? 1 << 16 : bufsize < (1 << 12) ? 1 << 12 : bufsize;
	struct runrd *rd = xcalloc(n, sizeof *rd);
	struct runrd **heap = xmalloc(sizeof *heap * n);
	size_t nh = 0;
	for (size_t i = 0; i < n; i++) {
		rd[i].pos = f->runs[i];
		rd[i].end = i + 1 < n ? f->runs[i + 1] : f->runend;
		rd[i].buf = xmalloc(bufsize);
	}
	if (f->o.flamechart) {
		for (size_t i = 0; i < n; i++)
			for (run_next(f, &rd[i], bufsize); rd[i].live; run_next(f, &rd[i], bufsize))
				merge_stack(f, m, rd[i].s.p, rd[i].s.len, rd[i].h.n1, rd[i].h.n);
	} else {
		for (size_t i = 0; i < n; i++) {
			run_next(f, &rd[i], bufsize);
			if (rd[i].live)
				heap[nh++] = &rd[i];
		}
		for (size_t i = nh; i-- > 0;)
			heap_down(heap, nh, i);
		while (nh) {
			struct runrd *r = heap[0];
			merge_stack(f, m, r->s.p, r->s.len, r->h.n1, r->h.n);
			run_next(f, r, bufsize);
			if (!r->live)
				heap[0] = heap[--nh];
			heap_down(heap, nh, 0);
		}
	}
	for (size_t i = 0; i < n; i++) {
		sb_free(&rd[i].s);
		free(rd[i].buf);
	}
	free(rd);
	free(heap);
}

/* The stacks held, in order (a flame chart: as they came). */
static struct skey *sorted(struct flame *f)
{
	struct skey *order = xmalloc(sizeof *order * (f->nlines ? f->nlines : 1));
	for (size_t i = 0; i < f->nlines; i++)
		order[i] = (struct skey){0, f->lines[i].s, f->lines[i].len, (uint32_t)i};
	if (!f->o.flamechart && f->nlines > 1)
		sort_lines(order, f->nlines);
	return order;
}

void flame_spill(struct flame *f)
{
	if (!f->nlines)
		return;
	struct skey *order = sorted(f);
	run_write(f, order, f->nlines);
	free(order);
	f->nlines = 0;
	f->held = 0;
	arena_reset(&f->mem);
}

void flame_build(struct flame *f, double mintime)
{
	struct skey *order = NULL;
	if (f->nruns)
		flame_spill(f);
	else
		order = sorted(f);
	f->nnodes = 0;
	f->nframes = f->npruned = 0;
	f->maxdepth = 0;
	f->maxdelta = 0;
	sb_reset(&f->names);
	new_node(f, "all", 3, 0, 0, f->total1, f->total);
	struct merge m = {.cap = 64, .prev = "", .mintime = mintime};
	m.path = xmalloc(sizeof *m.path * m.cap);
	m.path[0] = (struct pathent){0};
	if (f->nruns) {
		merge_runs(f, &m);
	} else {
		for (size_t li = 0; li < f->nlines; li++) {
			if (li + PREFETCH < f->nlines) {
				const struct skey *a = &order[li + PREFETCH];
				__builtin_prefetch(&f->lines[a->line]);
				__builtin_prefetch(a->s);
				__builtin_prefetch(a->s + 64);
				__builtin_prefetch(a->s + 128);
			}
			const struct flame_line *L = &f->lines[order[li].line];
			merge_stack(f, &m, order[li].s, order[li].len, L->n1, L->n);
		}
	}
	while (m.plen > 0)
		done(f, m.path, m.plen--, mintime);
	others(f, &m.path[0], mintime);
	if (f->nruns)   /* the names are where they stay: pointers now */
		for (uint32_t i = 0; i < f->nnodes; i++)
			f->nodes[i].name = f->names.p + (uintptr_t)f->nodes[i].name;
	free(m.path);
	sb_free(&m.prevcopy);
	free(order);
}

void flame_init(struct flame *f, const struct flame_opts *o)
{
	memset(f, 0, sizeof *f);
	f->o = *o;
	f->runfd = -1;
	/* stacks are copied one after the other into big blocks */
	f->mem.blksize = (size_t)1 << 22;
	f->mem.prefault = true;
}

void flame_free(struct flame *f)
{
	if (f->runfd >= 0)
		close(f->runfd);
	free(f->runs);
	sb_free(&f->names);
	arena_free(&f->mem);
	free(f->lines);
	free(f->nodes);
	memset(f, 0, sizeof *f);
}
