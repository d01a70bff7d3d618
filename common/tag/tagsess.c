/* SPDX-License-Identifier: MIT */
/* tagsess.c: one session of agent-event(5) records held until its tags
 * are decided, then written.  Only session, prompt and model-call records
 * are parsed; tool and effect records are read by a prefix check and a
 * few key lookups (the fixed key order makes that reliable: ',"' never
 * occurs inside a JSON string, so ',"class":"' is always a key) and are
 * written back byte for byte. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>
#include "event.h"
#include "intern.h"
#include "json.h"
#include "tag.h"
#include "toolkind.h"

#define REPLYMAX 100   /* bytes: longer texts are not mere replies */

/* Four bytes as memcpy puts them in a uint32_t: names are told apart by
 * a switch on their first four bytes, a few compares, where a switch on
 * one byte or on a length is a jump through a table, mispredicted as
 * often as not as records of different kinds go by */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define KEY4(a, b, c, d) ((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | (uint32_t)(d) << 24)
#else
#define KEY4(a, b, c, d) ((uint32_t)(d) | (uint32_t)(c) << 8 | (uint32_t)(b) << 16 | (uint32_t)(a) << 24)
#endif

/* R_RUN: lines passed through as they are, one after another in memory */
enum { R_SESSION, R_PROMPT, R_LLM, R_TOOL, R_EFFECT, R_OTHER, R_RUN };

/* What a tool call or effect did, and the tag that work suggests.  The
 * strong kinds say more about intent than reading, planning or running a
 * command of unknown purpose. */
enum { C_NONE, C_TEST, C_VCS, C_DEPS, C_BUILD, C_STYLE, C_WRITE, C_NET, C_DELEGATE,
	C_READ, C_PLAN, C_RUN, NCAT };
_Static_assert(NCAT == TS_NCAT, "tag.h keeps the evidence of each kind of work");
static const char *const cat_tag[NCAT] = {NULL, "test", "vcs", "deps", "build", "style",
	"edit", "research", "delegate", "inspect", "plan", "run"};
#define C_WEAK C_READ

/* The kind of work of each tool kind (agent-event(5) "tool_kind"); other
 * and mcp tools say nothing. */
static int cat_of_kind(const char *s, size_t n)
{
	static const uint8_t cat[TK_N] = {
		[TK_READ] = C_READ, [TK_SEARCH] = C_READ, [TK_LIST] = C_READ,
		[TK_WRITE] = C_WRITE, [TK_PATCH] = C_WRITE, [TK_SHELL] = C_RUN,
		[TK_WEB] = C_NET, [TK_DELEGATE] = C_DELEGATE, [TK_PLAN] = C_PLAN,
	};
	/* tool_kind_parse's names with their lengths, looked at in its order
	 * (this runs for every tool record and every kind a call chose) */
	static struct { const char *s; size_t n; } names[TK_N];
	if (!names[0].s)
		for (int k = TK_N - 1; k >= 0; k--) {
			names[k].n = strlen(tool_kind_name((enum tool_kind)k));
			names[k].s = tool_kind_name((enum tool_kind)k);
		}
	for (int k = 0; k < TK_N; k++)
		if (names[k].n == n && !memcmp(names[k].s, s, n))
			return cat[k];
	return cat[TK_OTHER];
}

/* A tool call's "class", or an effect's kind when it has none: by the
 * first four bytes (KEY4), then the whole name */
static int cat_of_class(const char *s, size_t n)
{
	uint32_t w = 0;
	if (n == 3)
		w = KEY4(s[0], s[1], s[2], 0);
	else if (n >= 4 && n <= 9)
		memcpy(&w, s, 4);
	else
		return C_NONE;
#define IS(lit) (n == sizeof lit - 1 && !memcmp(s, lit, sizeof lit - 1))
	switch (w) {
	case KEY4('r', 'u', 'n', 0): return IS("run") ? C_RUN : C_NONE;
	case KEY4('v', 'c', 's', 0): return IS("vcs") ? C_VCS : C_NONE;
	case KEY4('n', 'e', 't', 0): return IS("net") ? C_NET : C_NONE;
	case KEY4('r', 'e', 'a', 'd'): return IS("read") ? C_READ : C_NONE;
	case KEY4('t', 'e', 's', 't'): return IS("test") ? C_TEST : C_NONE;
	case KEY4('l', 'i', 'n', 't'): return IS("lint") ? C_STYLE : C_NONE;
	case KEY4('e', 'x', 'e', 'c'): return IS("exec") ? C_RUN : C_NONE;
	case KEY4('w', 'r', 'i', 't'): return IS("write") ? C_WRITE : C_NONE;
	case KEY4('b', 'u', 'i', 'l'): return IS("build") ? C_BUILD : C_NONE;
	case KEY4('s', 'e', 'a', 'r'): return IS("search") ? C_READ : C_NONE;
	case KEY4('d', 'e', 'l', 'e'): return IS("delete") ? C_WRITE : C_NONE;
	case KEY4('r', 'e', 'n', 'a'): return IS("rename") ? C_WRITE : C_NONE;
	case KEY4('i', 'n', 's', 't'): return IS("install") ? C_DEPS : C_NONE;
	case KEY4('c', 'o', 'n', 't'): return IS("container") ? C_RUN : C_NONE;
	}
	return C_NONE;
#undef IS
}

/* The strongest kind of work by count, ties in the order of the enum. */
static int cat_pick(const uint32_t *cnt)
{
	int best = C_NONE;
	for (int c = 1; c < C_WEAK; c++)
		if (cnt[c] > (best ? cnt[best] : 0))
			best = c;
	if (best)
		return best;
	for (int c = C_WEAK; c < NCAT; c++)
		if (cnt[c] > (best ? cnt[best] : 0))
			best = c;
	return best;
}

const char *tag_intern(const char *s)
{
	static struct intern names;
	return intern_str(&names, s, strlen(s));
}

static uint64_t idhash(const char *s, size_t n)
{
	if (!s)
		return 0;
	uint64_t h = hash64(s, n, 0x7a67);
	return h ? h : 1;
}

/* The last id hashed in one role, kept with its hash */
struct idlast {
	size_t n;               /* SIZE_MAX: none */
	uint64_t h;
	char s[64];
};

static uint64_t idhash_last(struct idlast *c, const char *s, size_t n)
{
	if (n == c->n && !memcmp(s, c->s, n))
		return c->h;
	c->h = idhash(s, n);
	if (n <= sizeof c->s) {
		memcpy(c->s, s, n);
		c->n = n;
	} else {
		c->n = SIZE_MAX;
	}
	return c->h;
}

/* idhash of a "prompt" value: the lines of a prompt's work follow one
 * another, so the last one's is kept. */
static struct idlast last_prompt = {.n = SIZE_MAX}, last_call = {.n = SIZE_MAX},
	last_parent = {.n = SIZE_MAX};

static uint64_t prompt_hash(const char *s, size_t n)
{
	return idhash_last(&last_prompt, s, n);
}

/* A model call's "id": its tool calls name it as their "parent" next. */
static uint64_t call_hash(const char *s, size_t n)
{
	return idhash_last(&last_call, s, n);
}

/* A "parent": a tool call's is the model call before it, a model call's
 * the prompt or the call before it. */
static uint64_t parent_hash(const char *s, size_t n)
{
	if (n == last_call.n && !memcmp(s, last_call.s, n))
		return last_call.h;
	return idhash_last(&last_parent, s, n);
}

/* The raw (still escaped) string value of a top-level key, by lookup. */
static bool rawval(const char *line, size_t len, const char *key, const char **v, size_t *n)
{
	/* ,"key":" -- put together by hand: this runs for every line, and
	 * snprintf cost more than the search */
	char pat[32];
	size_t kl = strlen(key), pl = kl + 5;
	if (pl > sizeof pat)
		return false;
	memcpy(pat, ",\"", 2);
	memcpy(pat + 2, key, kl);
	memcpy(pat + 2 + kl, "\":\"", 3);
	const char *p = memmem(line, len, pat, pl);
	if (!p)
		return false;
	p += pl;
	const char *e = line + len, *q = jscan_str_end(p, e);
	if (q >= e)
		return false;
	*v = p;
	*n = (size_t)(q - p);
	return true;
}

static inline bool at(const char *k, const char *e, const char *lit, size_t n)
{
	return (size_t)(e - k) >= n && mem_eq_n(k, lit, n);
}

/* jscan_str_end for the short values key_at takes (ids, classes, kinds
 * of tools): their closing quote is most often in the next sixteen bytes,
 * found here without a call */
static inline __attribute__((always_inline)) const char *val_end(const char *v, const char *e)
{
#ifdef JSCAN_SSE2
	if (e - v >= 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)v);
		unsigned stop = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(
			_mm_cmpeq_epi8(x, _mm_set1_epi8('"')), _mm_cmpeq_epi8(x, _mm_set1_epi8('\\'))),
			_mm_cmplt_epi8(x, _mm_set1_epi8(0x20))));
		if (stop && v[__builtin_ctz(stop)] == '"')
			return v + __builtin_ctz(stop);
	}
#endif
	return jscan_str_end(v, e);
}

/* The key whose ',"' is at c: take what the record's kind needs.  false
 * when the rest of the record is of no interest. */
static inline __attribute__((always_inline)) bool key_at(struct trec *r, const char *line, const char *c, const char *e,
	int kind, const char **name, size_t *nl, int *cat, int *namecat, const char **tools, bool *upd)
{
	/* name: a tool call's "tool_kind" (never its tool's name) */
	const char *k = c + 2, *v;
#define AT(lit) at(k, e, lit, sizeof lit - 1)
#define VAL(lit) (v = k + sizeof lit - 1, val_end(v, e))
	/* by the first four bytes of the name (KEY4; every name taken has
	 * five or more) */
	if (e - k < 5)
		return true;
	uint32_t w;
	memcpy(&w, k, 4);
#define W KEY4
	switch (w) {
	case W('t', 'a', 'g', 's'):
		if (AT("tags\":") ) {
			/* tags and rule are the last keys: a new tag replaces them */
			r->tail = (size_t)(c - line);
			return false;
		}
		return true;
	case W('t', 'o', 'o', 'l'):
		if (kind == R_TOOL && !*name && AT("tool_kind\":\"")) {
			const char *ve = VAL("tool_kind\":\"");
			*name = v;
			*nl = (size_t)(ve - v);
		} else if (tools && AT("tools\":[")) {
			tools[0] = k + 7;
		} else if (tools && AT("tool_kinds\":[")) {
			tools[1] = k + 12;
		}
		return true;
	case W('r', 'u', 'l', 'e'):
		if (AT("rule\":")) {
			r->tail = (size_t)(c - line);
			return false;
		}
		return true;
	case W('i', 'd', '"', ':'):
		/* tool and effect records are known by what they belong to */
		if (kind == R_LLM && !r->id && AT("id\":\"")) {
			const char *ve = VAL("id\":\"");
			r->id = call_hash(v, (size_t)(ve - v));
		}
		return true;
	case W('p', 'r', 'o', 'm'):
		/* the first of each: an old "tags" object has a "prompt" too */
		if (!r->prompt && AT("prompt\":\"")) {
			const char *ve = VAL("prompt\":\"");
			r->prompt = prompt_hash(v, (size_t)(ve - v));
		}
		return true;
	case W('p', 'a', 'r', 'e'):
		/* a model call's parent is of no use (only tool calls are
		 * counted for the call that made them) */
		if (kind == R_TOOL && !r->parent && AT("parent\":\"")) {
			const char *ve = VAL("parent\":\"");
			r->parent = parent_hash(v, (size_t)(ve - v));
		}
		return true;
	case W('e', 'f', 'f', 'e'):
		if (kind == R_EFFECT && !*namecat && AT("effect\":\"")) {
			const char *ve = VAL("effect\":\"");
			*namecat = cat_of_class(v, (size_t)(ve - v));
		}
		return true;
	case W('u', 'p', 'd', 'a'):
		if (upd && AT("update\":true"))
			*upd = true;
		return true;
	case W('c', 'l', 'a', 's'):
		if (kind != R_LLM && AT("class\":\"")) {
			/* the last key needed in schema order: process and argv
			 * (many commas) follow it */
			const char *ve = VAL("class\":\"");
			*cat = cat_of_class(v, (size_t)(ve - v));
			return false;
		}
		return true;
	}
	return true;
#undef W
#undef AT
#undef VAL
}

/* One pass over a tool, effect or model-call record for the keys it
 * needs (for a model call, tools[0] and tools[1] get where its "tools"
 * and "tool_kinds" arrays start).  Every ',"' in a record starts a key or an array element, never
 * lies inside a string (a quote in a string is escaped), so the keys are
 * found by looking for that pair sixteen bytes at a time, and no string
 * needs to be walked but the few values taken. */
static inline __attribute__((always_inline)) void scan_keys(struct trec *r, const char *line,
	size_t len, size_t skip, int kind, const char **tools, bool *upd)
{
	const char *p = line + skip, *e = line + len, *name = NULL;
	size_t nl = 0;
	int cat = C_NONE, namecat = C_NONE;
	/* 32 bytes a round: two masks of sixteen, in order */
	for (; e - p >= 33; p += 32) {
		uint32_t m = jscan_keys16(p) | (uint32_t)jscan_keys16(p + 16) << 16;
		for (; m; m &= m - 1)
			if (!key_at(r, line, p + __builtin_ctz(m), e, kind, &name, &nl, &cat, &namecat,
			    tools, upd))
				goto done;
	}
	for (; e - p >= 17; p += 16) {
		for (unsigned m = jscan_keys16(p); m; m &= m - 1)
			if (!key_at(r, line, p + __builtin_ctz(m), e, kind, &name, &nl, &cat, &namecat,
			    tools, upd))
				goto done;
	}
	for (; e - p >= 2; p++)
		if (p[0] == ',' && p[1] == '"' &&
		    !key_at(r, line, p, e, kind, &name, &nl, &cat, &namecat, tools, upd))
			break;
done:
	if (!cat && name)
		namecat = cat_of_kind(name, nl);
	r->cat = (uint8_t)(cat ? cat : namecat);
}

/* scan_keys made for each kind, so that each drops the keys it never
 * takes */
static void scan_llm(struct trec *r, const char *line, size_t len, size_t skip,
	const char **tools, bool *upd)
{
	scan_keys(r, line, len, skip, R_LLM, tools, upd);
}

static void scan_work(struct trec *r, const char *line, size_t len, size_t skip, int kind)
{
	if (kind == R_TOOL)
		scan_keys(r, line, len, skip, R_TOOL, NULL, NULL);
	else
		scan_keys(r, line, len, skip, R_EFFECT, NULL, NULL);
}

/* A copy of the line with a newline after it: lines held one after
 * another in a block are then written out in runs. */
static const char *pool_put(struct arena *p, const char *s, size_t len)
{
	if (!p->blksize)
		p->blksize = TS_LINEBLOCK;
	char *d = arena_bytes(p, len + 1);
	memcpy(d, s, len);
	d[len] = '\n';
	return d;
}

/* A record for a line already held at line. */
static struct trec *newrec_at(struct tsession *s, const char *line, size_t len, int kind)
{
	if (len > UINT32_MAX)   /* the line reader's limit is far below */
		die(2, "a line of %zu bytes is too long to hold", len);
	if (s->nr == s->rcap) {
		s->rcap = s->rcap ? 2 * s->rcap : 256;
		s->r = xrealloc(s->r, s->rcap * sizeof *s->r);
	}
	struct trec *r = &s->r[s->nr++];
	memset(r, 0, sizeof *r);
	r->line = line;
	r->len = (uint32_t)len;
	r->kind = (uint8_t)kind;
	r->borrowed = s->borrow;
	r->item = -1;
	if (kind == R_SESSION || kind == R_PROMPT || kind == R_LLM) {
		size_t cut = len;
		while (cut && line[cut - 1] != '}')
			cut--;
		r->cut = (uint32_t)(cut ? cut - 1 : 0);
	}
	return r;
}

static const char *hold(struct tsession *s, const char *line, size_t len)
{
	return s->borrow ? line : pool_put(&s->lines, line, len);
}

static struct trec *newrec(struct tsession *s, const char *line, size_t len, int kind)
{
	return newrec_at(s, hold(s, line, len), len, kind);
}

/* A line that goes out as it came: it extends the run before it when it
 * lies right after it in memory, so most tool and effect records cost no
 * record of their own. */
static void passthrough(struct tsession *s, const char *line, size_t len)
{
	const char *l = hold(s, line, len);
	struct trec *p = s->nr ? &s->r[s->nr - 1] : NULL;
	/* a run lies in one piece of memory: one file's mapping, or the
	 * pool, which memory merely next to it must not join */
	if (p && p->kind == R_RUN && !s->sealed && p->borrowed == s->borrow &&
	    p->line + p->len + 1 == l && (uint64_t)p->len + 1 + len <= UINT32_MAX) {
		p->len += (uint32_t)(1 + len);
		return;
	}
	s->sealed = false;
	newrec_at(s, l, len, R_RUN);
}

/* Count a tool or effect record's kind of work for its prompt and, for a
 * tool call, its model call (whose own tool records outrank the names it
 * chose).  false, unless forced, while one of them is still unseen. */
/* The item of a prompt id, or NULL.  The lines of a prompt's work come
 * together: the last id found is kept with its item (an id's first
 * prompt stays its item). */
static const int64_t *prompt_item(struct tsession *s, uint64_t key)
{
	if (key && key == s->pkey)
		return &s->pval;
	const int64_t *v = hm_get(&s->pidx, key);
	if (v) {
		s->pkey = key;
		s->pval = *v;
	}
	return v;
}

/* A session's item index starts small (hm_put's first table is 1024
 * slots): up to 64 sessions are held at once, most with a few dozen
 * items, and 16 KiB tables for each spread the lookups over more memory
 * than the caches hold.  hm_put doubles it as it fills. */
static struct hmap *small(struct hmap *m)
{
	if (!m->cap) {
		m->cap = 64;
		m->s = xcalloc(m->cap, sizeof *m->s);
	}
	return m;
}

/* The model call index, made when first needed: most tool calls follow
 * the model call that made them (lkey), and most sessions never look
 * further back; an insert into it for every call, in a table that grows
 * with the session, cost more than all the lookups.  Made from the
 * items in order, the latest of an id wins, as with one insert each. */
static struct hmap *calls(struct tsession *s)
{
	if (!s->lbuilt) {
		s->lbuilt = true;
		for (size_t i = 0; i < s->nit; i++) {
			uint64_t id = s->r[s->it[i].rec].id;
			if (s->it[i].kind != TK_PROMPT && id)
				*hm_put(small(&s->lidx), id, NULL) = (int64_t)i;
		}
	}
	return &s->lidx;
}

/* The latest model call of an id, or NULL: its tool calls follow it, so
 * the last one put or found is kept. */
static const int64_t *call_item(struct tsession *s, uint64_t key)
{
	if (key && key == s->lkey)
		return &s->lval;
	const int64_t *v = hm_get(calls(s), key);
	if (v) {
		s->lkey = key;
		s->lval = *v;
	}
	return v;
}

static bool credit(struct tsession *s, const struct trec *r, bool force)
{
	const int64_t *pv = r->prompt ? prompt_item(s, r->prompt) : NULL;
	const int64_t *lv = r->kind == R_TOOL && r->parent ? call_item(s, r->parent) : NULL;
	if (!force && ((r->prompt && !pv) || (r->kind == R_TOOL && r->parent && !lv)))
		return false;
	if (pv)
		s->it[*pv].ev[r->cat]++;
	if (lv)
		s->it[*lv].ev[r->cat]++;
	return true;
}

static void defer(struct tsession *s)
{
	if (s->ndefer == s->defercap) {
		s->defercap = s->defercap ? 2 * s->defercap : 64;
		s->defer = xrealloc(s->defer, s->defercap * sizeof *s->defer);
	}
	s->defer[s->ndefer++] = (uint32_t)(s->nr - 1);
}

/* A tool or effect record: its work is counted now when it can be, and
 * the line joins a run; else it is kept whole until the session ends. */
static void work(struct tsession *s, const struct trec *t, const char *line, size_t len)
{
	if (!t->cat || credit(s, t, false)) {
		passthrough(s, line, len);
		return;
	}
	struct trec *r = newrec(s, line, len, t->kind);
	r->prompt = t->prompt;
	r->parent = t->parent;
	r->cat = t->cat;
	defer(s);
}

static struct titem *newitem(struct tsession *s, struct trec *r, int kind)
{
	if (s->nit == s->itcap) {
		s->itcap = s->itcap ? 2 * s->itcap : 64;
		s->it = xrealloc(s->it, s->itcap * sizeof *s->it);
	}
	struct titem *it = &s->it[s->nit];
	memset(it, 0, sizeof *it);
	it->rec = (uint32_t)(r - s->r);
	it->kind = (uint8_t)kind;
	r->item = (int32_t)s->nit++;
	if (r->id && kind == TK_PROMPT) {
		/* the first prompt of an id; the latest model call */
		bool ins;
		int64_t *v = hm_put(small(&s->pidx), r->id, &ins);
		if (ins)
			*v = r->item;
	} else if (r->id) {
		if (s->lbuilt)
			*hm_put(small(&s->lidx), r->id, NULL) = r->item;
		s->lkey = r->id;
		s->lval = r->item;
	}
	if (kind == TK_LLM && r->prompt) {
		const int64_t *v = prompt_item(s, r->prompt);
		if (v)
			s->it[*v].ncalls++;
		else
			defer(s);
	}
	return it;
}

static int origin_of(const char *o)
{
	static const char *const names[] = {"human", "command", "interrupt", "continuation",
		"meta", "subagent"};
	if (!o)
		return OR_HUMAN;
	for (int i = 0; i < (int)(sizeof names / sizeof *names); i++)
		if (!strcmp(o, names[i]))
			return i;
	return OR_OTHER;
}

static const char *kind_at(const char *line, size_t len, size_t *kl)
{
	static const char pre[] = "{\"kind\":\"";
	if (len < sizeof pre || !mem_eq_n(line, pre, sizeof pre - 1))
		return NULL;
	const char *k = line + sizeof pre - 1, *q = memchr(k, '"', len - (sizeof pre - 1));
	if (!q)
		return NULL;
	*kl = (size_t)(q - k);
	return k;
}

static int kind_code(const char *k, size_t n)
{
	/* by length, then the one name of that length (eqlit: no call) */
	switch (n) {
	case 3: return k[0] == 'l' && k[1] == 'l' && k[2] == 'm' ? R_LLM : R_OTHER;
	case 4: return mem_eq_n(k, "tool", 4) ? R_TOOL : R_OTHER;
	case 6: return mem_eq_n(k, "prompt", 6) ? R_PROMPT : mem_eq_n(k, "effect", 6) ? R_EFFECT : R_OTHER;
	case 7: return mem_eq_n(k, "session", 7) ? R_SESSION : R_OTHER;
	}
	return R_OTHER;
}

static bool ends_object(const char *line, size_t len)
{
	while (len && (line[len - 1] == ' ' || line[len - 1] == '\t' || line[len - 1] == '\r'))
		len--;
	return len && line[len - 1] == '}';
}

static int v_count(struct jdoc *d, const struct jnode *a)
{
	int n = 0;
	JFOR(d, a, v)
		n++;
	return n;
}

static uint64_t nodehash(const struct jnode *n)
{
	return n && n->type == J_STR ? idhash(n->s, n->len) : 0;
}

static void parsed(struct tsession *s, struct jdoc *d, const char *line, size_t len, int kind)
{
	static struct sbuf tmp;
	const struct jnode *root = jroot(d);
	struct trec tr = {.kind = (uint8_t)kind}, *r = &tr;
	if (kind != R_TOOL && kind != R_EFFECT) {
		if (kind != R_SESSION && kind != R_PROMPT && kind != R_LLM) {
			passthrough(s, line, len);
			return;
		}
		r = newrec(s, line, len, kind);
	}
	JFOR(d, root, k) {
		if (k->len == 4 && (!memcmp(k->s, "tags", 4) || !memcmp(k->s, "rule", 4))) {
			/* the comma before the key's opening quote */
			const char *c = k->s - 1;
			while (c > line && c[-1] != ',')
				c--;
			r->tail = c > line ? (size_t)(c - 1 - line) : 0;
			break;
		}
	}
	r->id = nodehash(jget(d, root, "id"));
	r->prompt = nodehash(jget(d, root, "prompt"));
	r->parent = nodehash(jget(d, root, "parent"));
	if (kind == R_TOOL || kind == R_EFFECT) {
		size_t n;
		const char *c = jsn(d, jget(d, root, "class"), &n);
		if (c)
			r->cat = (uint8_t)cat_of_class(c, n);
		if (!r->cat && kind == R_TOOL && (c = jsn(d, jget(d, root, "tool_kind"), &n)))
			r->cat = (uint8_t)cat_of_kind(c, n);
		if (!r->cat && kind == R_EFFECT && (c = jsn(d, jget(d, root, "effect"), &n)))
			r->cat = (uint8_t)cat_of_class(c, n);
		work(s, r, line, len);
		return;
	}
	if (kind != R_PROMPT && kind != R_LLM)
		return;
	struct titem *it = newitem(s, r, kind == R_PROMPT ? TK_PROMPT : TK_LLM);
	if (kind == R_PROMPT)
		it->origin = (uint8_t)origin_of(js(d, jget(d, root, "origin")));
	size_t tl = 0;
	const char *t = jsn(d, jget(d, root, "text"), &tl);
	if (it->origin == OR_COMMAND && t) {
		/* a slash command: what the person asked is its arguments */
		const char *a = memmem(t, tl, "<command-args>", 14), *e;
		if (a && (e = memmem(a, tl - (size_t)(a - t), "</command-args>", 15))) {
			t = a + 14;
			tl = (size_t)(e - t);
		} else {
			tl = 0;
		}
	}
	tag_clean(&tmp, t ? t : "", t ? tl : 0, false);
	it->text = s->texts.len;
	it->textlen = tmp.len;
	sb_add(&s->texts, tmp.p ? tmp.p : "", tmp.len);
	if (kind == R_LLM) {
		/* the tools it chose, as counts of kinds of work */
		uint32_t cnt[NCAT] = {0};
		JFOR(d, jget(d, root, "tool_kinds"), v) {
			if (v->type == J_STR)
				cnt[cat_of_kind(v->s, v->len)]++;
		}
		cnt[C_NONE] = 0;
		it->toolcat = (uint8_t)cat_pick(cnt);
		it->tools = v_count(d, jget(d, root, "tools")) > 0;
	}
}

/* An "update":true llm record (agent-event(5)): more tokens for a model
 * call written before.  It is tagged like that call and is no call of its
 * own; true when the call is in s. */
static bool update_of_call(struct tsession *s, struct trec *r)
{
	const int64_t *v = r->id ? call_item(s, r->id) : NULL;
	if (!v)
		return false;
	r->item = (int32_t)*v;
	r->update = 1;
	return true;
}

/* Does the line hold ',"update":true' (a quote inside a string is
 * escaped: this is the key)?  upd: whether scan_keys saw it before it
 * stopped at r->tail (0: it read the whole line). */
static bool is_update(const struct trec *r, const char *line, size_t len, bool upd)
{
	return upd || (r->tail && memmem(line + r->tail, len - r->tail, ",\"update\":true", 14));
}

int ts_add(struct tsession *s, const char *line, size_t len, const char **why)
{
	return ts_add_from(s, line, len, 0, why);
}

int ts_kind_front(const char *line, size_t len)
{
	/* {"kind":"K" with K one of the kinds told apart, so that kind_at
	 * and kind_code would say the same */
	if (len < 17 || !mem_eq_n(line, "{\"kind\":\"", 9))
		return -1;
	const char *k = line + 9;
	uint32_t w;
	memcpy(&w, k, 4);
	switch (w) {
	case KEY4('t', 'o', 'o', 'l'): return k[4] == '"' ? R_TOOL : -1;
	case KEY4('e', 'f', 'f', 'e'): return mem_eq_n(k, "effect\"", 7) ? R_EFFECT : -1;
	case KEY4('l', 'l', 'm', '"'): return R_LLM;
	case KEY4('p', 'r', 'o', 'm'): return mem_eq_n(k, "prompt\"", 7) ? R_PROMPT : -1;
	case KEY4('s', 'e', 's', 's'): return mem_eq_n(k, "session\"", 8) ? R_SESSION : -1;
	}
	return -1;
}

size_t ts_kind_len(int kind)
{
	static const uint8_t n[] = {[R_SESSION] = 7, [R_PROMPT] = 6, [R_LLM] = 3, [R_TOOL] = 4,
		[R_EFFECT] = 6};
	return n[kind];
}

int ts_add_from(struct tsession *s, const char *line, size_t len, size_t skip, const char **why)
{
	return ts_add_kind(s, line, len, skip, -1, why);
}

int ts_add_kind(struct tsession *s, const char *line, size_t len, size_t skip, int kind,
	const char **why)
{
	static struct jdoc d;
	size_t kl;
	const char *k = kind >= 0 ? line : kind_at(line, len, &kl);
	if (kind < 0)
		kind = k ? kind_code(k, kl) : -1;
	if (k && kind == R_LLM && ends_object(line, len)) {
		/* most model calls are decided by their tools: the text is read
		 * only when it is needed (text_of) */
		struct trec *r = newrec(s, line, len, kind);
		const char *a[2] = {NULL, NULL}, *e = line + len;
		bool upd = false;
		scan_llm(r, line, len, skip, a, &upd);
		/* an update whose call is here is no call of its own; else it
		 * is tagged as one */
		if (is_update(r, line, len, upd) && update_of_call(s, r))
			return 0;
		struct titem *it = newitem(s, r, TK_LLM);
		it->lazy = true;
		/* the tools it chose ("tools"), their kinds of work ("tool_kinds") */
		for (const char *p = a[0] ? a[0] + 1 : e; p < e && *p != ']'; p++)
			if (*p == '"') {
				it->tools = true;
				break;
			}
		uint32_t cnt[NCAT] = {0};
		int only = -1;          /* the one kind of work of all, -2 mixed */
		for (const char *p = a[1] ? a[1] + 1 : e; p < e && *p != ']'; ) {
			if (*p++ != '"')
				continue;
			const char *q = jscan_str_end(p, e);
			if (q >= e)
				break;
			int c = cat_of_kind(p, (size_t)(q - p));
			cnt[c]++;
			only = only == -1 || only == c ? c : -2;
			p = q + 1;
		}
		/* one kind (most calls choose one tool) is the pick, none is
		 * none */
		if (only >= 0)
			it->toolcat = (uint8_t)only;
		else if (only == -1)
			it->toolcat = C_NONE;
		else {
			cnt[C_NONE] = 0;
			it->toolcat = (uint8_t)cat_pick(cnt);
		}
		return 0;
	}
	if (k && kind != R_SESSION && kind != R_PROMPT && ends_object(line, len)) {
		if (kind == R_TOOL || kind == R_EFFECT) {
			struct trec t = {.kind = (uint8_t)kind};
			scan_work(&t, line, len, skip, kind);
			work(s, &t, line, len);
		} else {
			passthrough(s, line, len);
		}
		return 0;
	}
	if (jparse(&d, line, len) < 0) {
		static char msg[160];
		snprintf(msg, sizeof msg, "not JSON (%s at byte %zu)", d.err, d.errpos);
		*why = msg;
		return -1;
	}
	const struct jnode *root = jroot(&d);
	const char *kv = root->type == J_OBJ ? js(&d, jget(&d, root, "kind")) : NULL;
	if (!kv) {
		/* JSON but not a record: not ours to judge, passed on */
		passthrough(s, line, len);
		return 0;
	}
	parsed(s, &d, line, len, kind_code(kv, strlen(kv)));
	return 0;
}

/* The first ',"session":"' of the line, found without a search through
 * all of it: in agent-event(5) order it comes after "kind" and "agent",
 * and ',"' never lies inside a string, so when the keys before it are
 * those two, no earlier match exists.  false: search. */
static bool session_at_front(const char *line, size_t len, const char **v, size_t *n)
{
	static const char pre[] = "{\"kind\":\"", agent[] = ",\"agent\":\"",
		sess[] = ",\"session\":\"";
	const char *e = line + len, *p;
	if (len < sizeof pre || !mem_eq_n(line, pre, sizeof pre - 1))
		return false;
	p = jscan_str_end(line + sizeof pre - 1, e);
	for (int i = 0; i < 2 && p < e; i++) {
		p++;
		if ((size_t)(e - p) >= sizeof sess - 1 && mem_eq_n(p, sess, sizeof sess - 1)) {
			p += sizeof sess - 1;
			const char *q = jscan_str_end(p, e);
			if (q >= e)
				return false;
			*v = p;
			*n = (size_t)(q - p);
			return true;
		}
		if (i || (size_t)(e - p) < sizeof agent - 1 || !mem_eq_n(p, agent, sizeof agent - 1))
			return false;
		p = jscan_str_end(p + sizeof agent - 1, e);
	}
	return false;
}

bool ts_session_front(const char *line, size_t len, const char **v, size_t *n)
{
	return session_at_front(line, len, v, n);
}

bool ts_session_raw(const char *line, size_t len, const char **v, size_t *n)
{
	return session_at_front(line, len, v, n) || rawval(line, len, "session", v, n);
}

uint64_t ts_id_key(const char *v, size_t n)
{
	return idhash(v, n);
}

uint64_t ts_session_key(const char *line, size_t len)
{
	const char *v;
	size_t n;
	return ts_session_raw(line, len, &v, &n) ? idhash(v, n) : 0;
}

bool ts_starts(const char *line, size_t len)
{
	size_t kl;
	const char *k = kind_at(line, len, &kl);
	return k && kind_code(k, kl) == R_SESSION;
}

/* --- deciding ------------------------------------------------------------ */

static void settag(struct titem *it, const char *tag, const char *rule)
{
	size_t l = strlen(tag);
	if (l > TAG_MAX)
		l = TAG_MAX;
	memcpy(it->tag, tag, l);
	it->tag[l] = 0;
	it->rule = rule;
}

/* "effects:TAG" and "tools:TAG", made once */
static const char *catrule(const char *prefix, int c)
{
	static const char *rules[2][NCAT];
	int w = prefix[0] == 't';
	if (!rules[w][c]) {
		char b[40];
		snprintf(b, sizeof b, "%s%s", prefix, cat_tag[c]);
		rules[w][c] = tag_intern(b);
	}
	return rules[w][c];
}

static const char *rulename(const struct trule *r, const char *prefix)
{
	if (!prefix)
		return r->name;
	char b[96];
	snprintf(b, sizeof b, "%s%s", prefix, r->name);
	return tag_intern(b);
}

/* User rules on the text; then the built-in reply rules on all of it;
 * then the built-ins sentence by sentence: people state the intent
 * first, and the first sentence any rule matches decides. */
static const struct trule *by_text_uncached(const struct trules *t, unsigned kind, const char *s,
	size_t n, bool user)
{
	static struct sbuf c;
	const struct trule *r = NULL;
	if (user && (r = tr_match(t, 0, t->nuser, kind, TM_ALL, s, n)))
		return r;
	tag_clean(&c, s, n, true);
	/* replies are short: longer texts skip the reply rules */
	if (c.len <= REPLYMAX && (r = tr_match(t, t->nuser, t->n, kind, TM_WHOLE, c.p, c.len)))
		return r;
	for (size_t i = 0, e; i < c.len; i += e) {
		e = tag_sentence(c.p + i, c.len - i);
		if ((r = tr_match(t, t->nuser, t->n, kind, TM_PART, c.p + i, e)))
			return r;
	}
	return NULL;
}

/* The same text gets the same decision: replies ("ok", "continue"),
 * interruption notes and model calls' stock phrases recur all through a
 * history.  Decisions are kept by a hash of (kind, user rules on, text),
 * for at most MEMO_MAX texts. */
#define MEMO_MAX 1000000
static const struct trule *by_text(const struct trules *t, unsigned kind, const char *s, size_t n,
	bool user)
{
	static struct hmap memo;
	uint64_t k = hash64(s, n, (uint64_t)kind * 2 + user);
	int64_t *v = hm_get(&memo, k);
	if (v)
		return *v ? &t->v[*v - 1] : NULL;
	const struct trule *r = by_text_uncached(t, kind, s, n, user);
	if (memo.n < MEMO_MAX)
		*hm_put(&memo, k, NULL) = r ? (r - t->v) + 1 : 0;
	return r;
}

/* The slash command whose expansion it is: a meta prompt right after a
 * command prompt (Claude Code writes the command, then the command's
 * text, and the work hangs under the latter). */
static const struct titem *command_before(const struct tsession *s, const struct titem *it)
{
	if (it->origin != OR_META)
		return NULL;
	for (const struct titem *p = it; p-- > s->it;)
		if (p->kind == TK_PROMPT)
			return p->origin == OR_COMMAND ? p : NULL;
	return NULL;
}

static void decide_prompt(struct tagger *tg, struct tsession *s, struct titem *it,
	const uint32_t *ev)
{
	static const char *const otag[] = {"human", "command", "interrupt", "resume", "meta",
		"subagent", "other"};
	static const char *const orule[] = {NULL, "origin:command", "origin:interrupt",
		"origin:continuation", "origin:meta", "origin:subagent", "origin:other"};
	const char *text = s->texts.p + it->text;
	const struct trule *r;
	if (it->origin == OR_SUBAGENT) {
		/* a task a parent agent wrote: tagged by what it asks, but never
		 * counted as a person's intent */
		if ((r = by_text(tg->rules, TK_PROMPT, text, it->textlen, true)) && !r->whole)
			settag(it, r->tag, rulename(r, "subagent:"));
		else
			settag(it, "subagent", orule[it->origin]);
		return;
	}
	const struct titem *cmd = command_before(s, it);
	if (cmd) {
		/* the expansion of a slash command: the person's intent is in
		 * the command's arguments, else in the command's own text; it
		 * is tagged as such but never counted as a typed prompt */
		r = cmd->textlen ? by_text(tg->rules, TK_PROMPT, s->texts.p + cmd->text, cmd->textlen, true)
			: NULL;
		if (!r)
			r = by_text(tg->rules, TK_PROMPT, text, it->textlen, true);
		if (r && !r->whole) {
			settag(it, r->tag, rulename(r, "command:"));
			return;
		}
		int c = cat_pick(ev);
		settag(it, c ? cat_tag[c] : "command", c ? catrule("command:effects:", c) : "origin:command");
		return;
	}
	if (it->origin != OR_HUMAN) {
		settag(it, otag[it->origin], orule[it->origin]);
		return;
	}
	if ((r = by_text(tg->rules, TK_PROMPT, text, it->textlen, true))) {
		settag(it, r->tag, r->name);
		it->reply = r->whole;
		/* "yes", "ok", "go on", "继续": the work goes on (continued) */
		it->cont = r->whole && !tg->reply_tags &&
			(!strcmp(r->tag, "confirm") || !strcmp(r->tag, "continue"));
		return;
	}
	int c = cat_pick(ev);
	if (c) {
		settag(it, cat_tag[c], catrule("effects:", c));
		return;
	}
	settag(it, "unmatched", "unmatched");
}

/* A model call's text, read from its record when first needed. */
static const char *text_of(struct tsession *s, struct titem *it)
{
	static struct jdoc d;
	static struct sbuf tmp;
	if (it->lazy) {
		struct trec *r = &s->r[it->rec];
		size_t tl = 0;
		const char *t = NULL;
		it->lazy = false;
		if (jparse(&d, r->line, r->len) == 0)
			t = jsn(&d, jget(&d, jroot(&d), "text"), &tl);
		tag_clean(&tmp, t ? t : "", t ? tl : 0, false);
		it->text = s->texts.len;
		it->textlen = tmp.len;
		sb_add(&s->texts, tmp.p ? tmp.p : "", tmp.len);
	}
	return s->texts.p ? s->texts.p + it->text : "";
}

static bool llm_rules(const struct trules *t)
{
	for (int i = 0; i < t->nuser; i++)
		if (t->v[i].kinds & TK_LLM)
			return true;
	return false;
}

static void decide_llm(struct tagger *tg, struct tsession *s, struct titem *it, const uint32_t *ev)
{
	const struct trules *t = tg->rules;
	const char *text;
	const struct trule *r;
	if (llm_rules(t) && (text = text_of(s, it)) &&
	    (r = tr_match(t, 0, t->nuser, TK_LLM, TM_ALL, text, it->textlen))) {
		settag(it, r->tag, r->name);
		return;
	}
	/* the tool calls it made (their classes), else the names it chose */
	int c = cat_pick(ev);
	bool tools = c || it->tools;
	if (!c)
		c = it->toolcat;
	if (c) {
		settag(it, cat_tag[c], catrule("tools:", c));
		return;
	}
	text = text_of(s, it);
	if ((r = by_text(t, TK_LLM, text, it->textlen, false))) {
		settag(it, r->tag, r->name);
		return;
	}
	if (!tools)
		settag(it, "answer", "tools:none");
	else
		settag(it, "unmatched", "unmatched");
}

void ts_regex(struct tagger *tg, struct tsession *s)
{
	/* what could not be counted as it came: records before their
	 * prompt or model call */
	for (size_t i = 0; i < s->ndefer; i++) {
		struct trec *r = &s->r[s->defer[i]];
		int64_t *v;
		if (r->kind != R_LLM)
			credit(s, r, true);
		else if ((v = hm_get(&s->pidx, r->prompt)))
			s->it[*v].ncalls++;
	}
	s->ndefer = 0;
	for (size_t i = 0; i < s->nit; i++) {
		struct titem *it = &s->it[i];
		if (it->kind == TK_PROMPT)
			decide_prompt(tg, s, it, it->ev);
		else
			decide_llm(tg, s, it, it->ev);
	}
}

/* Replies that only confirm or continue ("yes", "ok", "go on", "继续")
 * take the tag of the work they continue: that of the nearest prompt
 * before them that asked for work (a human prompt that is no reply, a
 * reply that itself continued, a slash command's expansion), with rule
 * continued:RULE.  With none, or when that prompt is unmatched, they
 * keep their own tag.  Run after every tagger, so that the llm and
 * cluster taggers' tags are the ones continued. */
static void continued(struct tsession *s)
{
	const struct titem *work = NULL;
	for (size_t i = 0; i < s->nit; i++) {
		struct titem *it = &s->it[i];
		if (it->kind != TK_PROMPT)
			continue;
		if (it->cont) {
			if (work) {
				char b[96];
				snprintf(b, sizeof b, "continued:%s", it->rule);
				settag(it, work->tag, tag_intern(b));
			}
			continue;
		}
		if ((it->origin == OR_HUMAN && !it->reply) || command_before(s, it))
			work = strcmp(it->tag, "unmatched") ? it : NULL;
	}
}

/* --- the session's tag --------------------------------------------------- */

struct vote { const char *tag; uint32_t n, calls; size_t first; };

static const char *vote(struct tsession *s, int origin, bool replies, bool any)
{
	struct vote v[64];
	int nv = 0, best = -1;
	for (size_t i = 0; i < s->nit; i++) {
		struct titem *it = &s->it[i];
		if (it->kind != TK_PROMPT || (!any && it->origin != origin) ||
		    it->reply != replies || !strcmp(it->tag, "unmatched"))
			continue;
		int j = 0;
		while (j < nv && strcmp(v[j].tag, it->tag))
			j++;
		if (j == nv) {
			if (nv == 64)
				continue;
			v[nv++] = (struct vote){it->tag, 0, 0, i};
		}
		v[j].n++;
		v[j].calls += it->kind == TK_PROMPT ? s->it[i].ncalls : 0;
	}
	/* the most prompts; then the most model calls; then the first seen */
	for (int j = 0; j < nv; j++)
		if (best < 0 || v[j].n > v[best].n ||
		    (v[j].n == v[best].n && v[j].calls > v[best].calls))
			best = j;
	return best < 0 ? NULL : v[best].tag;
}

static void session_tag(struct tagger *tg, struct tsession *s)
{
	const struct trules *t = tg->rules;
	const char *tag;
	/* user session rules see every human prompt; rule order first */
	for (int i = 0; i < t->nuser; i++) {
		if (!(t->v[i].kinds & TK_SESSION))
			continue;
		for (size_t j = 0; j < s->nit; j++) {
			struct titem *it = &s->it[j];
			if (it->kind == TK_PROMPT && it->origin == OR_HUMAN &&
			    tr_match(t, i, i + 1, TK_SESSION, TM_ALL, s->texts.p + it->text, it->textlen)) {
				snprintf(s->tag, sizeof s->tag, "%s", t->v[i].tag);
				s->rule = t->v[i].name;
				return;
			}
		}
	}
	if ((tag = vote(s, OR_HUMAN, false, false)) || (tag = vote(s, OR_HUMAN, true, false)))
		s->rule = "vote:human";
	else if ((tag = vote(s, OR_SUBAGENT, false, false)))
		s->rule = "vote:subagent";
	else if ((tag = vote(s, 0, false, true)) || (tag = vote(s, 0, true, true)))
		s->rule = "vote:prompts";
	else {
		bool any = false;
		for (size_t j = 0; j < s->nit; j++)
			any |= s->it[j].kind == TK_PROMPT;
		tag = any ? "unmatched" : "empty";
		s->rule = any ? "unmatched" : "empty";
	}
	snprintf(s->tag, sizeof s->tag, "%s", tag);
}

/* --- statistics ---------------------------------------------------------- */

static void count(struct tkindstat *k, const char *tag)
{
	k->records++;
	if (strcmp(tag, "unmatched"))
		k->matched++;
	/* the tag counted last, most often the same again */
	size_t i = k->last < k->ntags && !strcmp(k->tags[k->last].tag, tag) ? k->last : 0;
	while (i < k->ntags && strcmp(k->tags[i].tag, tag))
		i++;
	k->last = i;
	if (i == k->ntags) {
		k->tags = xrealloc(k->tags, (k->ntags + 1) * sizeof *k->tags);
		snprintf(k->tags[i].tag, sizeof k->tags[i].tag, "%s", tag);
		k->tags[i].n = 0;
		k->ntags++;
	}
	k->tags[i].n++;
}

static void sample(struct tstats *st, struct tsession *s, struct titem *it)
{
	static struct sbuf b, id;
	st->unmatched_human++;
	if (st->nsamples >= (int)(sizeof st->samples / sizeof *st->samples))
		return;
	const char *text = s->texts.p + it->text;
	redact(&b, text, it->textlen);
	/* one line of about 80 characters, cut between UTF-8 sequences */
	for (size_t i = 0; i < b.len; i++)
		if (b.p[i] == '\n' || b.p[i] == '\t' || b.p[i] == '\r')
			b.p[i] = ' ';
	if (b.len > 80) {
		size_t l = 77;
		while (l && ((unsigned char)b.p[l] & 0xc0) == 0x80)
			l--;
		b.len = l;
		sb_adds(&b, "...");
	}
	struct trec *r = &s->r[it->rec];
	const char *v;
	size_t n;
	sb_reset(&id);
	if (rawval(r->line, r->len, "id", &v, &n))
		sb_add(&id, v, n);
	st->samples[st->nsamples].id = xstrdup(id.p ? id.p : "");
	st->samples[st->nsamples].text = xstrdup(b.p ? b.p : "");
	st->nsamples++;
}

void stats_fallback(struct tstats *st, const char *reason)
{
	int i = 0;
	while (i < st->nfb && strcmp(st->fb[i].reason, reason))
		i++;
	if (i == st->nfb) {
		if (st->nfb == (int)(sizeof st->fb / sizeof *st->fb))
			return;
		snprintf(st->fb[i].reason, sizeof st->fb[i].reason, "%s", reason);
		st->fb[i].n = 0;
		st->nfb++;
	}
	st->fb[i].n++;
}

/* --- output -------------------------------------------------------------- */

/* A rule name as a JSON string, made once per name: the names are static,
 * interned or the rules', alive until the output is written, so the
 * pointer is the key (a direct-mapped table). */
static const struct sbuf *rule_json(const char *rule)
{
	static struct { const char *rule; struct sbuf j; } t[128];
	size_t i = ((uintptr_t)rule >> 3) % (sizeof t / sizeof *t);
	if (t[i].rule != rule) {
		sb_reset(&t[i].j);
		sb_json_str(&t[i].j, rule, strlen(rule));
		t[i].rule = rule;
	}
	return &t[i].j;
}

static inline char *put(char *w, const char *s, size_t n)
{
	memcpy(w, s, n);
	return w + n;
}

/* The output: stdout_sb, and the held lines that are borrowed (their
 * memory is the caller's until ts_release) referenced where they lie
 * instead of copied.  Each reference goes after the bytes stdout_sb held
 * when it was made (at); ts_flush writes both with writev(2), in order.
 * With no reference pending, stdout_sb is the whole output, as for every
 * other program. */
#define OUT_REFS 500            /* 2 * OUT_REFS + 1 iovecs <= IOV_MAX */
#define OUT_BYTES ((size_t)256 << 10)
static struct oref { const char *p; size_t n, at; } orefs[OUT_REFS];
static size_t nrefs, refbytes;

void ts_flush(void)
{
	if (!nrefs) {
		out_flush();
		return;
	}
	static bool sigpipe;
	if (!sigpipe) {
		signal(SIGPIPE, SIG_IGN);
		sigpipe = true;
	}
	struct iovec iov[2 * OUT_REFS + 1];
	int n = 0;
	size_t from = 0;
	for (size_t i = 0; i < nrefs; i++) {
		if (orefs[i].at > from)
			iov[n++] = (struct iovec){stdout_sb.p + from, orefs[i].at - from};
		iov[n++] = (struct iovec){(void *)orefs[i].p, orefs[i].n};
		from = orefs[i].at;
	}
	if (stdout_sb.len > from)
		iov[n++] = (struct iovec){stdout_sb.p + from, stdout_sb.len - from};
	writev_all(1, iov, n);
	sb_reset(&stdout_sb);
	nrefs = refbytes = 0;
}

void ts_release(const char *lo, const char *hi)
{
	for (size_t i = 0; i < nrefs; i++)
		if (orefs[i].p < hi && orefs[i].p + orefs[i].n > lo) {
			ts_flush();
			return;
		}
}

/* n bytes at p, which stay where they are until ts_release */
static void out_ref(const char *p, size_t n)
{
#ifdef TAG_NOREF
	sb_add(&stdout_sb, p, n); return;
#endif
	struct oref *l = nrefs ? &orefs[nrefs - 1] : NULL;
	if (l && l->p + l->n == p && l->at == stdout_sb.len) {
		l->n += n;
	} else {
		if (nrefs == OUT_REFS)
			ts_flush();
		orefs[nrefs++] = (struct oref){p, n, stdout_sb.len};
	}
	refbytes += n;
}

static void out_maybe(void)
{
	if (stdout_sb.len + refbytes >= OUT_BYTES)
		ts_flush();
}

/* A held line's bytes: referenced when borrowed; else copied, or, for
 * 64 KiB or more, written from where they are. */
static void out_line(const struct trec *r, size_t n)
{
	if (r->borrowed == TS_HELD) {
		out_ref(r->line, n);
	} else if (n >= ((size_t)1 << 16)) {
		ts_flush();
		write_all(1, r->line, n);
	} else {
		sb_add(&stdout_sb, r->line, n);
	}
}

static void tagged(const struct trec *r, const char *ts, const char *tp, const char *tl,
	const char *rule)
{
	/* o is the thread-local stdout_sb: GCC's UBSan takes its address,
	 * propagated into this function, for a null pointer; the empty asm
	 * hides where it came from */
	struct sbuf *o = &stdout_sb;
	__asm__("" : "+r"(o));
	static const char head[] = ",\"tags\":{", mid[] = "},\"rule\":";
	static const char *const names[3] = {"\"session\":\"", "\"prompt\":\"", "\"llm\":\""};
	static const size_t namel[3] = {11, 10, 7};
	/* no tags yet: before the closing brace */
	const char *line = r->line;
	size_t cut = r->tail ? r->tail : r->cut;
	/* the line up to the tags: where it lies when borrowed */
	bool ref = r->borrowed == TS_HELD;
	if (ref && cut)
		out_ref(line, cut);
	const char *vals[3] = {ts, tp, tl};
	size_t vl[3], n = (ref ? 0 : cut) + sizeof head - 1 + sizeof mid - 1 + 2;
	const struct sbuf *rj = rule_json(rule);
	for (int i = 0; i < 3; i++)
		if (vals[i]) {
			vl[i] = strlen(vals[i]);
			n += namel[i] + vl[i] + 2;
		}
	n += rj->len;
	sb_grow(o, n);
	char *w = o->p + o->len;
	if (!ref)
		w = put(w, line, cut);
	w = put(w, head, sizeof head - 1);
	bool first = true;
	for (int i = 0; i < 3; i++) {
		if (!vals[i])
			continue;
		if (!first)
			*w++ = ',';
		first = false;
		w = put(w, names[i], namel[i]);
		w = put(w, vals[i], vl[i]);   /* tags are letters only */
		*w++ = '"';
	}
	w = put(w, mid, sizeof mid - 1);
	w = put(w, rj->p, rj->len);
	*w++ = '}';
	*w++ = '\n';
	o->len = (size_t)(w - o->p);
	o->p[o->len] = 0;
}

void ts_write(struct tagger *tg, struct tsession *s)
{
	struct tstats *st = tg->st;
	continued(s);
	session_tag(tg, s);
	for (size_t i = 0; i < s->nr; i++) {
		struct trec *r = &s->r[i];
		if (r->kind != R_SESSION && r->kind != R_PROMPT && r->kind != R_LLM) {
			/* passed through as it came, newline and all */
			out_line(r, (size_t)r->len + 1);
		} else if (r->kind == R_SESSION) {
			tagged(r, s->tag, NULL, NULL, s->rule);
			count(&st->k[0], s->tag);
		} else if (r->kind == R_PROMPT) {
			struct titem *it = &s->it[r->item];
			tagged(r, s->tag, it->tag, NULL, it->rule);
			count(&st->k[1], it->tag);
			if (it->origin == OR_HUMAN) {
				count(&st->human, it->tag);
				if (!strcmp(it->tag, "unmatched"))
					sample(st, s, it);
			}
		} else {
			struct titem *it = &s->it[r->item];
			/* an update takes its call's prompt: it need not name one */
			uint64_t pr = r->update ? s->r[it->rec].prompt : r->prompt;
			const int64_t *v = pr ? prompt_item(s, pr) : NULL;
			tagged(r, s->tag, v ? s->it[*v].tag : "none", it->tag, it->rule);
			if (!r->update)
				count(&st->k[2], it->tag);
		}
		out_maybe();
	}
}

void ts_unborrow(struct tsession *s, const char *lo, const char *hi)
{
	for (size_t i = 0; i < s->nr; i++)
		if (s->r[i].borrowed && s->r[i].line >= lo && s->r[i].line < hi) {
			s->r[i].line = pool_put(&s->lines, s->r[i].line, s->r[i].len);
			s->r[i].borrowed = 0;
		}
}

void ts_seal(struct tsession *s)
{
	s->sealed = true;
}

/* Empty an item index: zeroing its whole table (16 KiB at least) for
 * each of thousands of small sessions cost more than filling it.  The
 * keys in it are those of the items newitem put there: their slots are
 * found first, then emptied (emptying one at a time would cut the probe
 * chains of the others). */
static void index_clear(struct hmap *m, const struct tsession *s, int kind)
{
	static size_t *at;
	static size_t cap;
	if (!m->n || m->n * 8 > m->cap || m->cap > 4096) {
		hm_clear(m);
		return;
	}
	if (cap < s->nit) {
		cap = s->nit;
		at = xrealloc(at, cap * sizeof *at);
	}
	size_t n = 0, mask = m->cap - 1;
	for (size_t i = 0; i < s->nit; i++) {
		uint64_t key = s->r[s->it[i].rec].id;
		if (s->it[i].kind != kind || !key)
			continue;
		size_t j = (size_t)key & mask;
		while (m->s[j].key && m->s[j].key != key)
			j = (j + 1) & mask;
		if (m->s[j].key)
			at[n++] = j;
	}
	for (size_t i = 0; i < n; i++)
		if (m->s[at[i]].key) {  /* an id twice: one slot */
			m->s[at[i]] = (struct hslot){0, 0};
			m->n--;
		}
	if (m->n)       /* not all found: not the keys thought */
		hm_clear(m);
}

void ts_reset(struct tsession *s)
{
	arena_reset(&s->lines);
	sb_reset(&s->texts);
	index_clear(&s->pidx, s, TK_PROMPT);
	if (s->lbuilt)
		index_clear(&s->lidx, s, TK_LLM);
	s->lbuilt = false;
	s->pkey = s->lkey = 0;
	s->nr = s->nit = s->ndefer = 0;
	s->tag[0] = 0;
	s->rule = NULL;
}

void ts_free(struct tsession *s)
{
	arena_free(&s->lines);
	sb_free(&s->texts);
	free(s->r);
	free(s->it);
	free(s->defer);
	hm_free(&s->pidx);
	hm_free(&s->lidx);
	memset(s, 0, sizeof *s);
}
