/* SPDX-License-Identifier: MIT */
/* profile.c: folded stacks to a gzipped pprof profile (see profile.h). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "pb.h"
#include "pgz.h"
#include "profile.h"

int64_t prof_str(struct strtab *t, const char *s)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->s[i], s))
			return (int64_t)i;
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->s = xrealloc(t->s, t->cap * sizeof *t->s);
		t->len = xrealloc(t->len, t->cap * sizeof *t->len);
	}
	t->s[t->n] = s;
	t->len[t->n] = strlen(s);
	return (int64_t)t->n++;
}

/* "type/unit" (unit "count" when left out) into the string table. */
static bool add_type(struct prof *p, char *spec)
{
	if (p->ntypes == FOLDED_MAXCOUNTS)
		return false;
	char *slash = strchr(spec, '/');
	const char *unit = "count";
	if (slash) {
		*slash = 0;
		unit = slash + 1;
	}
	if (!*spec || !*unit)
		return false;
	p->type[p->ntypes] = prof_str(&p->fixed, spec);
	p->unit[p->ntypes] = prof_str(&p->fixed, unit);
	p->ntypes++;
	return true;
}

static bool parse_types(struct prof *p, char *list)
{
	for (char *tok = strtok(list, ","); tok; tok = strtok(NULL, ","))
		if (!add_type(p, tok))
			return false;
	return p->ntypes > 0;
}

bool prof_init(struct prof *p, char *types)
{
	prof_str(&p->fixed, "");
	/* the stacks come by the hundred thousand: big blocks, pages
	 * faulted in by one call each */
	p->stacks.a.blksize = (size_t)1 << 20;
	p->stacks.a.prefault = true;
	if (!parse_types(p, types))
		return false;
	p->mapfile = prof_str(&p->fixed, "agentpprof");
	return true;
}

void prof_comment(struct prof *p, const char *text)
{
	p->comments = xrealloc(p->comments, (p->ncomments + 1) * sizeof *p->comments);
	p->comments[p->ncomments++] = prof_str(&p->fixed, text);
}

/* The sums of the stack s[0..n) (location ids leaf first, as bytes),
 * zero when new; hash: intern_hash of it. */
static int64_t *stack_values(struct prof *p, const char *s, size_t n, uint32_t hash)
{
	size_t nt = (size_t)p->ntypes;
	uint32_t had = p->stacks.n;
	uint32_t id = intern_id_hashed(&p->stacks, s, n, hash);
	if (p->stacks.n == had)
		return p->value + (size_t)id * nt;
	if (id == p->capvalue) {
		p->capvalue = p->capvalue ? p->capvalue * 2 : 1024;
		p->value = xrealloc(p->value, p->capvalue * nt * sizeof *p->value);
	}
	memset(p->value + (size_t)id * nt, 0, nt * sizeof *p->value);
	return p->value + (size_t)id * nt;
}

/* Add the waiting stacks' counts, in the order they came: the table of
 * stacks is a lookup in memory not in cache for each new stack, and the
 * slots were asked for as each was queued. */
static void flush_stacks(struct prof *p)
{
	for (int k = 0; k < p->npq; k++) {
		int64_t *val = stack_values(p, p->pend.p + p->pq[k].off, p->pq[k].len, p->pq[k].hash);
		for (int i = 0; i < p->ntypes; i++)
			val[i] += p->pq[k].cnt[i];
	}
	p->npq = 0;
	sb_reset(&p->pend);
}

static void queue_stack(struct prof *p, const uint32_t *ids, size_t n, const int64_t *cnt)
{
	if (p->npq == PROF_PEND)
		flush_stacks(p);
	int k = p->npq++;
	size_t len = n * sizeof *ids;
	p->pq[k].off = p->pend.len;
	p->pq[k].len = len;
	sb_add(&p->pend, (const char *)ids, len);
	p->pq[k].hash = intern_hash((const char *)ids, len);
	intern_prefetch(&p->stacks, p->pq[k].hash);
	memcpy(p->pq[k].cnt, cnt, (size_t)p->ntypes * sizeof *cnt);
}

static int is_kind(const char *f, size_t n, const char *const *kinds, int nkinds)
{
	for (int i = 0; i < nkinds; i++) {
		size_t k = strlen(kinds[i]);
		if (n > k && f[k] == ':' && !memcmp(f, kinds[i], k))
			return i + 1;
	}
	return 0;
}

/* A frame's location id.  Most frames are a few names repeated (kinds,
 * tags, tools) among many seen once (paths): a small table of recent
 * frames, indexed by a hash of the ends of the name and checked by a
 * compare, finds the repeated ones without the full hash and lookup. */
static uint32_t frame_id(struct prof *p, const char *f, size_t n)
{
	uint64_t a, b;
	if (n >= 8) {
		memcpy(&a, f, 8);
		memcpy(&b, f + n - 8, 8);
	} else {
		a = 0;
		for (size_t i = 0; i < n; i++)
			a = a << 8 | (unsigned char)f[i];
		b = 0;
	}
	uint64_t h = (a ^ (b * 0x9e3779b97f4a7c15ULL) ^ n) * 0xff51afd7ed558ccdULL;
	/* an entry is the id + 1 and 32 other bits of the hash: the name is
	 * read (from memory not in cache, for a frame seen long ago) only
	 * when those match */
	uint64_t *c = &p->fcache[h >> (64 - PROF_FCACHE_BITS)], tag = (h ^ h >> 32) << 32;
	uint32_t id = (uint32_t)*c;
	if (id && (*c & 0xffffffff00000000ULL) == tag && intern_len(&p->frames, id - 1) == n &&
	    !memcmp(intern_at(&p->frames, id - 1), f, n))
		return id;
	id = intern_id(&p->frames, f, n) + 1;
	*c = tag | id;
	return id;
}

/* One stack: frames root first; with --leaf, the frames of those kinds
 * follow the others, in their order.  Then reversed: leaf first. */
bool prof_add(struct prof *p, const struct folded_line *fl)
{
	const char *cur = fl->stack, *end = fl->stack + fl->stacklen, *f;
	size_t flen, n = 0, nt = 0;
	/* The profile's strings are proto3 strings: UTF-8, or strict readers
	 * refuse the whole profile.  Bytes that are not become U+FFFD, as in
	 * folded2svg. */
	struct sbuf *fix = &p->fix;
	for (const char *q = cur; q < end; ) {
		/* ASCII 32 and 8 bytes at a time, then a byte: most stacks
		 * are all ASCII */
		uint64_t w[4];
		while (end - q >= 32 && (memcpy(w, q, 32),
		       !((w[0] | w[1] | w[2] | w[3]) & 0x8080808080808080ULL)))
			q += 32;
		if (end - q >= 8 && (memcpy(w, q, 8), !(w[0] & 0x8080808080808080ULL))) {
			q += 8;
			continue;
		}
		if (q < end && !(*q & 0x80)) {
			q++;
			continue;
		}
		if (q == end)
			break;
		size_t k = utf8_valid_len(q, (size_t)(end - q));
		if (k) {
			q += k;
			continue;
		}
		sb_reset(fix);
		sb_add(fix, cur, (size_t)(q - cur));
		while (q < end) {
			k = utf8_valid_len(q, (size_t)(end - q));
			if (k)
				sb_add(fix, q, k);
			else
				sb_add(fix, "\xEF\xBF\xBD", 3);
			q += k ? k : 1;
		}
		cur = fix->p;
		end = fix->p + fix->len;
		break;
	}
	/* pprof adds the samples up: a total past 2^63 - 1 would show as a
	 * negative number, so a line that would take it there is refused
	 * before any of it is kept (and then no stack's own sum, no larger
	 * than the total, can overflow either) */
	int64_t tot[FOLDED_MAXCOUNTS], cnt[FOLDED_MAXCOUNTS];
	for (int i = 0; i < p->ntypes; i++)
		if ((p->scale[i] > 1 ? __builtin_mul_overflow(fl->counts[i], p->scale[i], &cnt[i])
		     : (cnt[i] = fl->counts[i], false)) ||
		    __builtin_add_overflow(p->total[i], cnt[i], &tot[i]))
			return false;
	size_t nl = 0;
	for (size_t depth = 0; folded_frame(&cur, end, &f, &flen); depth++) {
		if (depth == p->capids) {   /* n + nt <= depth: labels are not counted */
			p->capids = p->capids ? p->capids * 2 : 256;
			p->ids = xrealloc(p->ids, p->capids * sizeof *p->ids);
			p->tail = xrealloc(p->tail, p->capids * sizeof *p->tail);
			p->prev = xrealloc(p->prev, p->capids * sizeof *p->prev);
		}
		int lk;
		if (p->nlabel && (lk = is_kind(f, flen, p->label, p->nlabel))) {
			size_t kl = strlen(p->label[lk - 1]);
			if (cur < end || n + nt) {
				if (3 + 2 * nl > p->caplab) {
					p->caplab = 2 * p->caplab + 64;
					p->lab = xrealloc(p->lab, p->caplab * sizeof *p->lab);
				}
				/* a label, unless it is the last frame of a stack of
				 * labels only: that one stays its leaf */
				p->lab[1 + 2 * nl] = intern_id(&p->lstr, p->label[lk - 1], kl);
				p->lab[2 + 2 * nl] = intern_id(&p->lstr, f + kl + 1, flen - kl - 1);
				nl++;
				p->prev[depth] = 0;
				if (depth >= p->nprev)
					p->nprev = depth + 1;
				continue;
			}
		}
		/* Stacks near each other share frames at the same depth (sorted
		 * input shares whole prefixes): one compare with the previous
		 * stack's frame saves a hash and a lookup. */
		uint32_t id;
		if (depth < p->nprev && p->prev[depth] && intern_len(&p->frames, p->prev[depth] - 1) == flen &&
		    !memcmp(intern_at(&p->frames, p->prev[depth] - 1), f, flen))
			id = p->prev[depth];
		else
			id = p->prev[depth] = frame_id(p, f, flen);
		if (depth >= p->nprev)
			p->nprev = depth + 1;
		if (p->nleaf && is_kind(f, flen, p->leaf, p->nleaf))
			p->tail[nt++] = id;
		else
			p->ids[n++] = id;
	}
	if (nt)
		memcpy(p->ids + n, p->tail, nt * sizeof *p->ids);
	n += nt;
	if (!n)
		return true;    /* folded_parse gives no empty stacks; be sure */
	for (size_t i = 0, j = n - 1; i < j; i++, j--) {
		uint32_t t = p->ids[i];
		p->ids[i] = p->ids[j];
		p->ids[j] = t;
	}
	if (nl) {
		/* the labels after a 0 (no location has id 0), in a fixed
		 * order so that equal label sets make one sample */
		for (size_t i = 1; i < nl; i++)
			for (size_t j = i; j > 0 && (p->lab[1 + 2 * (j - 1)] > p->lab[1 + 2 * j] ||
			     (p->lab[1 + 2 * (j - 1)] == p->lab[1 + 2 * j] &&
			      p->lab[2 + 2 * (j - 1)] > p->lab[2 + 2 * j])); j--) {
				uint32_t a = p->lab[1 + 2 * j], b = p->lab[2 + 2 * j];
				p->lab[1 + 2 * j] = p->lab[1 + 2 * (j - 1)];
				p->lab[2 + 2 * j] = p->lab[2 + 2 * (j - 1)];
				p->lab[1 + 2 * (j - 1)] = a, p->lab[2 + 2 * (j - 1)] = b;
			}
		if (n + 1 + 2 * nl > p->capids) {
			p->capids = n + 1 + 2 * nl;
			p->ids = xrealloc(p->ids, p->capids * sizeof *p->ids);
			p->tail = xrealloc(p->tail, p->capids * sizeof *p->tail);
			p->prev = xrealloc(p->prev, p->capids * sizeof *p->prev);
		}
		p->lab[0] = 0;
		memcpy(p->ids + n, p->lab, (1 + 2 * nl) * sizeof *p->ids);
	}
	queue_stack(p, p->ids, n + (nl ? 1 + 2 * nl : 0), cnt);
	memcpy(p->total, tot, (size_t)p->ntypes * sizeof *tot);
	return true;
}

/* --- output ----------------------------------------------------------- */

static inline size_t vlen(uint64_t v)
{
	size_t n = 1;
	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

static inline char *vput(char *q, uint64_t v)
{
	while (v >= 0x80) {
		*q++ = (char)(v | 0x80);
		v >>= 7;
	}
	*q++ = (char)v;
	return q;
}

/* Hand the encoder's buffer to the compressor every PGZ_CHUNK bytes
 * (at a message's end): memory for the encoded profile stays bounded,
 * and other threads deflate while the next chunk is encoded. */
static void gz_maybe(struct pgz *g, struct sbuf *b)
{
	if (b->len >= PGZ_CHUNK)
		pgz_put(g, b);
}

void prof_write(struct prof *p, int fd, int level)
{
	flush_stacks(p);
	struct pgz *g = pgz_open(fd, level);
	struct sbuf b = {0};
	int64_t base = (int64_t)p->fixed.n, lbase = base + (int64_t)p->frames.n;
	for (int i = 0; i < p->ntypes; i++) {
		size_t m = pb_open(&b, 1);
		pb_uint_opt(&b, 1, (uint64_t)p->type[i]);
		pb_uint_opt(&b, 2, (uint64_t)p->unit[i]);
		pb_close(&b, m);
	}
	/* The samples, locations and functions are most of the profile:
	 * each is sized first and then written in place, the bytes pb_open
	 * and pb_close would give (tests/unit/pb.c pins those) without their
	 * calls and moves. */
	size_t nt = (size_t)p->ntypes;
	for (uint32_t i = 0; i < p->stacks.n; i++) {
		const char *l = intern_at(&p->stacks, i);
		size_t len = intern_len(&p->stacks, i), j, ids = 0, vals = 0, labs = 0;
		for (j = 0; j < len; j += sizeof(uint32_t)) {
			uint32_t id;
			memcpy(&id, l + j, sizeof id);
			if (!id)
				break;
			ids += vlen(id);
		}
		size_t nid = j / sizeof(uint32_t);
		const int64_t *v = p->value + (size_t)i * nt;
		for (size_t t = 0; t < nt; t++)
			vals += vlen((uint64_t)v[t]);
		for (size_t k = j + sizeof(uint32_t); k + 2 * sizeof(uint32_t) <= len; k += 2 * sizeof(uint32_t)) {
			uint32_t key, val;
			memcpy(&key, l + k, sizeof key);
			memcpy(&val, l + k + sizeof key, sizeof val);
			size_t body = 2 + vlen((uint64_t)lbase + key) + vlen((uint64_t)lbase + val);
			labs += 1 + vlen(body) + body;
		}
		size_t body = 1 + vlen(ids) + ids + 1 + vlen(vals) + vals + labs;
		size_t all = 1 + vlen(body) + body;
		if (b.len + all + 1 > b.cap)
			sb_grow(&b, all);
		char *q = b.p + b.len;
		*q++ = 2 << 3 | PB_LEN;
		q = vput(q, body);
		*q++ = 1 << 3 | PB_LEN;
		q = vput(q, ids);
		for (size_t k = 0; k < nid; k++) {
			uint32_t id;
			memcpy(&id, l + k * sizeof id, sizeof id);
			q = vput(q, id);
		}
		*q++ = 2 << 3 | PB_LEN;
		q = vput(q, vals);
		for (size_t t = 0; t < nt; t++)
			q = vput(q, (uint64_t)v[t]);
		for (size_t k = j + sizeof(uint32_t); k + 2 * sizeof(uint32_t) <= len; k += 2 * sizeof(uint32_t)) {
			uint32_t key, val;
			memcpy(&key, l + k, sizeof key);
			memcpy(&val, l + k + sizeof key, sizeof val);
			*q++ = 3 << 3 | PB_LEN;
			q = vput(q, 2 + vlen((uint64_t)lbase + key) + vlen((uint64_t)lbase + val));
			*q++ = 1 << 3 | PB_VARINT;
			q = vput(q, (uint64_t)lbase + key);
			*q++ = 2 << 3 | PB_VARINT;
			q = vput(q, (uint64_t)lbase + val);
		}
		b.len += all;
		b.p[b.len] = 0;
		gz_maybe(g, &b);
	}
	/* One mapping: a file name and has_functions keep pprof from
	 * warning and from trying to symbolize. */
	size_t m = pb_open(&b, 3);
	pb_uint(&b, 1, 1);
	pb_uint(&b, 5, (uint64_t)p->mapfile);
	pb_uint(&b, 7, 1);
	pb_close(&b, m);
	/* Location i: id i, mapping 1, one Line of function i (at most 16
	 * bytes, so every length takes one byte) */
	for (uint64_t i = 1; i <= p->frames.n; i++) {
		if (b.len + 20 > b.cap)
			sb_grow(&b, 19);
		char *q = b.p + b.len, *e;
		size_t vl = vlen(i);
		*q++ = 4 << 3 | PB_LEN;
		*q++ = (char)(6 + 2 * vl);
		*q++ = 1 << 3 | PB_VARINT;
		q = vput(q, i);
		*q++ = 2 << 3 | PB_VARINT;
		*q++ = 1;
		*q++ = 4 << 3 | PB_LEN;
		*q++ = (char)(1 + vl);
		*q++ = 1 << 3 | PB_VARINT;
		e = vput(q, i);
		b.len = (size_t)(e - b.p);
		b.p[b.len] = 0;
		gz_maybe(g, &b);
	}
	/* Function i: id i, name and system name the frame's string (at
	 * most 33 bytes) */
	for (uint64_t i = 1; i <= p->frames.n; i++) {
		if (b.len + 36 > b.cap)
			sb_grow(&b, 35);
		char *q = b.p + b.len, *e;
		uint64_t str = (uint64_t)base + i - 1;
		*q++ = 5 << 3 | PB_LEN;
		*q++ = (char)(3 + vlen(i) + 2 * vlen(str));
		*q++ = 1 << 3 | PB_VARINT;
		q = vput(q, i);
		*q++ = 2 << 3 | PB_VARINT;
		q = vput(q, str);
		*q++ = 3 << 3 | PB_VARINT;
		e = vput(q, str);
		b.len = (size_t)(e - b.p);
		b.p[b.len] = 0;
		gz_maybe(g, &b);
	}
	for (size_t i = 0; i < p->fixed.n; i++)
		pb_bytes(&b, 6, p->fixed.s[i], p->fixed.len[i]);
	for (uint32_t i = 0; i < p->frames.n; i++) {
		pb_bytes(&b, 6, intern_at(&p->frames, i), intern_len(&p->frames, i));
		gz_maybe(g, &b);
	}
	for (uint32_t i = 0; i < p->lstr.n; i++) {
		pb_bytes(&b, 6, intern_at(&p->lstr, i), intern_len(&p->lstr, i));
		gz_maybe(g, &b);
	}
	if (p->time_ns)
		pb_int(&b, 9, p->time_ns);
	if (p->ncomments) {
		m = pb_open(&b, 13);
		for (size_t i = 0; i < p->ncomments; i++)
			pb_varint(&b, (uint64_t)p->comments[i]);
		pb_close(&b, m);
	}
	/* pprof shows the last sample type unless told: make it the first */
	pb_uint_opt(&b, 14, (uint64_t)p->type[0]);
	pgz_close(g, &b);
	sb_free(&b);
}

void prof_free(struct prof *p)
{
	free(p->fixed.s);
	free(p->fixed.len);
	free(p->comments);
	intern_free(&p->frames);
	intern_free(&p->stacks);
	intern_free(&p->lstr);
	free(p->lab);
	free(p->value);
	free(p->ids);
	free(p->tail);
	free(p->prev);
	sb_free(&p->fix);
	sb_free(&p->pend);
	memset(p, 0, sizeof *p);
}
