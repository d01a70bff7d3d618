/* SPDX-License-Identifier: MIT */
/* tagread.c: agent-tag's lines from a pipe, read into blocks that stay
 * where they are while held sessions borrow lines from them, so that a
 * line is neither copied into a session nor into the output (ts_write
 * refers to it where it lies).  The lines, their numbers and the
 * diagnostics are lr_next_nonblank's (lineio.c): this reader takes over
 * the descriptor, the limits and the messages of an lreader. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "lineio.h"
#include "tag.h"

#define PIECE ((size_t)1 << 20)         /* lineio.c's CHUNK */
/* Blocks kept for reuse: as many as a run of sessions of the usual size
 * holds; those freed after a long hold (up to BLOCKS_MAX in agent-tag.c)
 * go back to the system. */
#define TREAD_SPARE 8

/* Blocks of TREAD_BLOCK bytes (and a page after them) are carved from
 * arenas of address space asked to be backed by huge pages, and their
 * pages are had at once (MADV_POPULATE_WRITE): a held session's blocks
 * are written whole, so a fault for each 4 KiB page (charged, zeroed and
 * counted one by one) was a fifth of agent-tag's time from a pipe; a
 * huge page is one fault for 2 MiB.  A block given back to the system
 * keeps its place for the next one (its pages released with
 * MADV_DONTNEED, not unmapped).  Where the kernel has no huge pages the
 * same calls give ordinary pages, had at once all the same; where it
 * has no MADV_POPULATE_WRITE (before Linux 5.14) a block is mapped alone
 * with MAP_POPULATE, as before. */
#define BLK_SPAN (TREAD_BLOCK + 4096)
#define ARENA_BLOCKS 31
#define HUGE_ALIGN ((size_t)2 << 20)
static struct {
	char *next, *end;       /* the arena being carved */
	char **cold;            /* places of blocks given back */
	size_t ncold, capcold;
	bool nopopulate;        /* MADV_POPULATE_WRITE failed: mmap alone */
} arena;

/* Blocks an arena holds: ARENA_BLOCKS, or AGENTPPROF_TEST_ARENA's (0:
 * no arenas, each block mapped alone), looked up once. */
static size_t arena_blocks(void)
{
	static const char *once;
	const char *t = env_once("AGENTPPROF_TEST_ARENA", &once);
	char *e;
	unsigned long v = t ? strtoul(t, &e, 10) : 0;
	return t && !*e && v <= 1000 ? (size_t)v : ARENA_BLOCKS;
}

static char *arena_take(void)
{
	char *p;
	if (arena.nopopulate || !arena_blocks())
		return NULL;
	if (arena.ncold) {
		p = arena.cold[--arena.ncold];
	} else {
		if (!arena.next || arena.next + BLK_SPAN > arena.end) {
			size_t n = arena_blocks() * BLK_SPAN;
			char *m = mmap(NULL, n + HUGE_ALIGN, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
			if (m == MAP_FAILED)
				return NULL;
			/* the arena from a huge page's boundary on; the rest of
			 * the reservation is never touched */
			char *a = (char *)(((uintptr_t)m + HUGE_ALIGN - 1) & ~(uintptr_t)(HUGE_ALIGN - 1));
			madvise(a, n, MADV_HUGEPAGE);
			arena.next = a;
			arena.end = a + n;
		}
		p = arena.next;
		arena.next += BLK_SPAN;
	}
	if (madvise(p, BLK_SPAN, MADV_POPULATE_WRITE)) {
		/* an older kernel: the blocks are mapped alone from now on */
		arena.nopopulate = true;
		return NULL;
	}
	return p;
}

static void arena_give(char *p)
{
	madvise(p, BLK_SPAN, MADV_DONTNEED);
	GROW(arena.cold, arena.ncold, arena.capcold);
	arena.cold[arena.ncold++] = p;
}

static void blk_free(struct tblk *b)
{
	if (b->arena)
		arena_give(b->p);
	else if (b->mapped)
		munmap(b->p, BLK_SPAN);
	else
		free(b->p);
	free(b);
}

static struct tblk *blk_new(struct tread *t, size_t cap)
{
	struct tblk *b;
	if (cap <= TREAD_BLOCK && t->spare) {
		b = t->spare;
		t->spare = b->next;
		t->nspare--;
	} else {
		if (cap < TREAD_BLOCK)
			cap = TREAD_BLOCK;
		b = xmalloc(sizeof *b);
		b->p = NULL;
		b->arena = false;
		if (cap == TREAD_BLOCK && (b->p = arena_take())) {
			b->arena = true;
		} else if (cap == TREAD_BLOCK) {
			/* mapped with its pages at once: one call, not a fault
			 * for each of them (it is read into whole, and kept) */
			void *m = mmap(NULL, BLK_SPAN, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
			if (m != MAP_FAILED)
				b->p = m;
		}
		b->mapped = b->p != NULL;
		if (!b->p)
			b->p = xmalloc(cap + 1);
		b->cap = cap;
	}
	b->len = 0;
	b->next = NULL;
	b->seq = t->seq++;
	if (t->cur)
		t->cur->next = b;
	else
		t->head = b;
	t->cur = b;
	t->held += b->cap;
	return b;
}

static void blk_drop(struct tread *t, struct tblk *b)
{
	t->held -= b->cap;
	ts_release(b->p, b->p + b->cap);
	if (b->cap == TREAD_BLOCK && t->nspare < TREAD_SPARE) {
		b->next = t->spare;
		t->spare = b;
		t->nspare++;
	} else {
		blk_free(b);
	}
}

void tread_init(struct tread *t, struct lreader *r)
{
	memset(t, 0, sizeof *t);
	t->r = r;
	size_t n = r->end - r->beg;
	struct tblk *b = blk_new(t, n);
	memcpy(b->p, r->buf + r->beg, n);
	b->len = n;
	r->beg = r->end = 0;
}

/* Blocks before seq hold no line anyone needs. */
void tread_release(struct tread *t, uint64_t seq)
{
	while (t->head != t->cur && t->head->seq < seq) {
		struct tblk *b = t->head;
		t->head = b->next;
		blk_drop(t, b);
	}
}

static ssize_t get(struct tread *t, char *p, size_t room)
{
	struct lreader *r = t->r;
	if (r->eof)
		return 0;
	for (;;) {
		ssize_t n = read(r->fd, p, room);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			diag_at(r->name, 0, "read error: %s", strerror(errno));
			diag_errors++;
			r->failed = true;
			n = 0;
		}
		if (n == 0)
			r->eof = true;
		r->bytes += (uint64_t)n;
		return n;
	}
}

/* More bytes after the line that starts at pos in the block being read,
 * at most want of them; 0 at the end.  A full block gives way to a new
 * one that starts with that line. */
static ssize_t fill(struct tread *t, size_t want)
{
	struct tblk *c = t->cur;
	if (t->r->eof)
		return 0;
	if (c->len == c->cap) {
		/* the line so far, with room for a block's worth more; a long
		 * line's block doubles, but no further than want needs */
		size_t keep = c->len - t->pos, grow = keep < want ? keep : want;
		if (t->over)
			t->over(t->arg);        /* may release blocks */
		struct tblk *b = blk_new(t, keep <= TREAD_BLOCK / 2 ? TREAD_BLOCK :
			keep + (grow > TREAD_BLOCK ? grow : TREAD_BLOCK));
		memcpy(b->p, c->p + t->pos, keep);
		b->len = keep;
		c->len = t->pos;
		t->pos = 0;
		if (!c->len && t->head == c) {  /* no line came from it */
			t->head = b;
			blk_drop(t, c);
		}
		c = b;
	}
	size_t room = c->cap - c->len;
	if (want < room)
		room = want ? want : 1;
	ssize_t n = get(t, c->p + c->len, room);
	c->len += (size_t)n;
	return n;
}

/* A line over the limit, from s (avail bytes of it read): skipped up to
 * its newline, or the rest of the input when it runs on past LR_GIVEUP
 * times the limit -- as lr_next does. */
static void too_long(struct tread *t, char *s, size_t avail)
{
	struct lreader *r = t->r;
	struct tblk *c = t->cur;
	r->lineno++;
	r->offset = r->bytes - avail;
	uint64_t skipped, giveup = (uint64_t)r->maxline * LR_GIVEUP;
	char *nl = memchr(s, '\n', avail);
	if (nl) {
		skipped = (uint64_t)(nl - s);
		t->pos += (size_t)(nl - s) + 1;
	} else {
		/* thrown away in modest pieces; what follows the newline
		 * starts a new block */
		skipped = avail;
		c->len = t->pos;
		static char *junk;
		if (!junk)
			junk = xmalloc(PIECE);
		ssize_t n = 0;
		while (!nl && skipped <= giveup && (n = get(t, junk, PIECE)) > 0) {
			nl = memchr(junk, '\n', (size_t)n);
			skipped += nl ? (uint64_t)(nl - junk) : (uint64_t)n;
		}
		if (nl) {
			size_t rest = (size_t)(junk + n - nl - 1);
			if (c->cap - c->len < rest || c->cap != TREAD_BLOCK) {
				if (t->over)
					t->over(t->arg);
				c = blk_new(t, rest);
			}
			memcpy(c->p + c->len, nl + 1, rest);
			c->len += rest;
			t->pos = c->len - rest;
		} else {
			t->pos = c->len;
		}
	}
	bool gave_up = !nl && skipped > giveup;
	lr_warn_toolong(r, skipped, gave_up);
	if (gave_up) {
		r->eof = true;
		t->pos = t->cur->len;
	}
}

static int next(struct tread *t, char **line, size_t *len)
{
	struct lreader *r = t->r;
	size_t scanned = 0;
	for (;;) {
		char *s = t->cur->p + t->pos;
		size_t avail = t->cur->len - t->pos;
		char *nl = memchr(s + scanned, '\n', avail - scanned);
		if (nl && (size_t)(nl - s) > r->maxline) {
			nl = NULL;
			avail = r->maxline + 1;
		}
		if (nl) {
			size_t l = (size_t)(nl - s);
			r->lineno++;
			r->offset = r->bytes - avail;
			r->partial = false;
			t->pos += l + 1;
			if (l && s[l - 1] == '\r')
				l--;
			*line = s;
			*len = l;
			return 1;
		}
		scanned = avail;
		if (avail > r->maxline) {
			too_long(t, s, t->cur->len - t->pos);
			scanned = 0;
			continue;
		}
		if (fill(t, r->maxline + 1 - avail) <= 0) {
			s = t->cur->p + t->pos;
			avail = t->cur->len - t->pos;
			if (!avail)
				return 0;
			/* a last line without newline: returned, marked partial */
			r->lineno++;
			r->offset = r->bytes - avail;
			r->partial = true;
			t->pos = t->cur->len;
			s[avail] = 0;
			*line = s;
			*len = avail;
			return 1;
		}
	}
}

int tread_next(struct tread *t, char **line, size_t *len)
{
	while (next(t, line, len))
		if (!lr_blank(*line, *len))
			return 1;
	return 0;
}

void tread_done(struct tread *t, uint64_t seq)
{
	tread_release(t, seq);
	while (t->spare) {
		struct tblk *b = t->spare;
		t->spare = b->next;
		t->nspare--;
		blk_free(b);
	}
}

void tread_free(struct tread *t)
{
	while (t->head) {
		struct tblk *b = t->head;
		t->head = b->next;
		blk_drop(t, b);
	}
	t->cur = NULL;
	while (t->spare) {
		struct tblk *b = t->spare;
		t->spare = b->next;
		blk_free(b);
	}
}
