/* SPDX-License-Identifier: MIT */
/* amp.c: Sourcegraph's Amp.
 *
 * Amp keeps a thread in ${AMP_DATA_DIR:-~/.local/share/amp}/threads/
 * T-<uuid>.json, one JSON document rewritten whole on each change:
 * {v, id: "T-...", created (ms), title, messages: [...], env: {initial:
 * {trees: [{uri: "file:///..."}], platform: {clientVersion}}},
 * usageLedger?}.  A message is {role, messageId, content: [blocks],
 * meta: {sentAt (ms)}, usage?}; the blocks are the Messages API's, a
 * tool result {type: "tool_result", toolUseID, run: {status, result}}.
 *
 * Tokens: each assistant message's usage {model, timestamp, inputTokens,
 * outputTokens, cacheCreationInputTokens, cacheReadInputTokens} is its
 * call's, exact.  Threads before early 2026 keep them in
 * usageLedger.events[{id, timestamp, model, tokens{input, output},
 * toMessageId}] instead, or as well: then the same call is in both, and
 * is counted once, as ccusage does: input and output from the ledger
 * event, the cache split from the message it names.  A ledger event that
 * names no message of the thread is a call of its own; a message no
 * event names keeps its usage. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "agent.h"
#include "events.h"
#include "sessions.h"
#include "turns.h"

#define DOC_MAX ((size_t)1 << 30)

/* "<thread>:<n>" into b (64 bytes), as snprintf's "%.40s:%lld" writes it:
 * the thread's first 40 bytes at most */
static const char *msg_id(char *b, const char *thread, int64_t n)
{
	if (!thread)
		thread = "(null)";      /* as glibc prints it */
	size_t l = strnlen(thread, 40);
	memcpy(b, thread, l);
	b[l++] = ':';
	char t[24], *q = t + sizeof t;
	uint64_t u = n < 0 ? (uint64_t)0 - (uint64_t)n : (uint64_t)n;
	do
		*--q = (char)('0' + u % 10);
	while (u /= 10);
	if (n < 0)
		*--q = '-';
	memcpy(b + l, q, (size_t)(t + sizeof t - q));
	b[l + (size_t)(t + sizeof t - q)] = 0;
	return b;
}

static int64_t count(struct jdoc *d, const struct jnode *o, const char *key)
{
	int64_t v = jint(jget(d, o, key), 0);
	return v < 0 ? 0 : v > (INT64_C(1) << 40) ? INT64_C(1) << 40 : v;
}

/* a time: an RFC 3339 string or ms since the epoch */
static int64_t ts_of(struct jdoc *d, const struct jnode *n)
{
	if (n && n->type == J_NUM)
		return jint(n, TS_NONE);
	size_t l;
	const char *s = jsn(d, n, &l);
	return s ? ts_parse(s, l) : TS_NONE;
}

/* file:///home/me/x -> /home/me/x (%XX decoded); NULL for other URIs */
static char *uri_path(const char *u)
{
	if (!u || strncmp(u, "file://", 7))
		return NULL;
	u += 7;
	char *s = xmalloc(strlen(u) + 1), *o = s;
	for (; *u; u++) {
		unsigned x;
		if (*u == '%' && sscanf(u + 1, "%2x", &x) == 1 && x) {
			*o++ = (char)x;
			u += 2;
		} else {
			*o++ = *u;
		}
	}
	*o = 0;
	return s;
}

/* Amp's tool results: run.status done, error, cancelled,
 * rejected-by-user, or still running when the thread was written; a
 * Bash run's exitCode in run.result. */
static const char *result(struct jdoc *d, const struct jnode *b, const char **status, int64_t *exit)
{
	const struct jnode *run = jget(d, b, "run");
	const struct jnode *st = run ? jget(d, run, "status") : jget(d, b, "status");
	*exit = jint(jgetv(d, run, "result", "exitCode", NULL), EV_NONE);
	if (jeq(st, "done"))
		*status = *exit != EV_NONE && *exit != 0 ? "error" : "ok";
	else if (jeq(st, "error") || jeq(st, "cancelled") || jeq(st, "rejected-by-user"))
		*status = "error";
	else
		*status = "unknown";
	const char *id = js(d, jget(d, b, "toolUseID"));
	return id ? id : js(d, jget(d, b, "tool_use_id"));
}

/* The ledger events by the message they name. */
struct ledger {
	struct jdoc *d;                 /* the document they are in */
	const struct jnode **ev;        /* events */
	int64_t *to;                    /* their toMessageId (EV_NONE: none) */
	bool *used;
	struct by { int64_t to; size_t i; } *by;   /* sorted by toMessageId, then index */
	size_t n;
};

static int by_message(const void *a, const void *b)
{
	const struct by *x = a, *y = b;
	return x->to != y->to ? (x->to < y->to ? -1 : 1) : (x->i > y->i) - (x->i < y->i);
}

static void ledger_read(struct jdoc *d, const struct jnode *events, struct ledger *l)
{
	memset(l, 0, sizeof *l);
	l->d = d;
	if (!events || events->type != J_ARR || !events->len)
		return;
	l->ev = xcalloc(events->len, sizeof *l->ev);
	l->to = xcalloc(events->len, sizeof *l->to);
	l->used = xcalloc(events->len, sizeof *l->used);
	JFOR(d, events, e) {
		if (e->type != J_OBJ)
			continue;
		l->ev[l->n] = e;
		l->to[l->n++] = jint(jget(d, e, "toMessageId"), EV_NONE);
	}
	/* a message finds its event by a binary search, not a walk over
	 * all of them (a long legacy thread has thousands of each) */
	l->by = xcalloc(l->n ? l->n : 1, sizeof *l->by);
	for (size_t i = 0; i < l->n; i++)
		l->by[i] = (struct by){l->to[i], i};
	qsort(l->by, l->n, sizeof *l->by, by_message);
}

/* The first event not yet used that names message n (the one of least
 * index, as a walk in order finds), or SIZE_MAX. */
static size_t ledger_find(const struct ledger *l, int64_t n)
{
	size_t lo = 0, hi = l->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (l->by[mid].to < n)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < l->n && l->by[lo].to == n; lo++)
		if (!l->used[l->by[lo].i])
			return l->by[lo].i;
	return SIZE_MAX;
}

static void ledger_tokens(struct jdoc *d, const struct jnode *e, struct tokens *k)
{
	const struct jnode *t = jget(d, e, "tokens");
	memset(k, 0, sizeof *k);
	k->input = count(d, t, "input");
	k->output = count(d, t, "output");
}

static void ledger_free(struct ledger *l)
{
	free(l->ev);
	free(l->to);
	free(l->used);
	free(l->by);
}

static void assistant(struct turns *t, struct jdoc *d, const struct jnode *m, struct ledger *l,
	const char *thread)
{
	const struct jnode *u = jget(d, m, "usage");
	const struct jnode *mid = jget(d, m, "messageId");
	int64_t n = jint(mid, EV_NONE);
	char idb[64];
	const char *id = NULL;
	if (n != EV_NONE)
		id = msg_id(idb, thread, n);
	int64_t ts = ts_of(d, jget(d, u, "timestamp"));
	if (ts == TS_NONE)
		ts = ts_of(d, jgetv(d, m, "meta", "sentAt", NULL));
	const char *model = js(d, jget(d, u, "model"));
	struct tokens k;
	bool has = false;
	size_t i = n != EV_NONE ? ledger_find(l, n) : SIZE_MAX;
	if (i != SIZE_MAX) {
		l->used[i] = true;
		ledger_tokens(l->d, l->ev[i], &k);
		k.cache_write = count(d, u, "cacheCreationInputTokens");
		k.cache_read = count(d, u, "cacheReadInputTokens");
		if (!model)
			model = js(l->d, jget(l->d, l->ev[i], "model"));
		if (ts == TS_NONE)
			ts = ts_of(l->d, jget(l->d, l->ev[i], "timestamp"));
		has = true;
	}
	if (!has && u && u->type == J_OBJ) {
		memset(&k, 0, sizeof k);
		k.input = count(d, u, "inputTokens");
		k.output = count(d, u, "outputTokens");
		k.cache_write = count(d, u, "cacheCreationInputTokens");
		k.cache_read = count(d, u, "cacheReadInputTokens");
		has = true;
		if (!(k.input | k.output | k.cache_read | k.cache_write) && count(d, u, "totalTokens"))
			lr_note(t->r, "amptotal", "a usage with only totalTokens, which cannot be "
				"split into kinds; its call has no tokens");
	}
	turns_assistant(t, d, jget(d, m, "content"), id, ts, model, has ? &k : NULL, NULL);
}

/* The thread's session: its id, start, directory and client version. */
static void thread_head(struct turns *t, struct jdoc *d, const struct jnode *o)
{
	const char *id = js(d, jget(d, o, "id"));
	if (id && *id)
		sb_adds(&t->session, id);
	t->ts0 = ts_of(d, jget(d, o, "created"));
	char *cwd = uri_path(js(d, jgetv(d, o, "env", "initial", "trees", NULL) ?
		jget(d, jfirst(d, jgetv(d, o, "env", "initial", "trees", NULL)), "uri") : NULL));
	if (cwd)
		sb_adds(&t->cwd, cwd);
	free(cwd);
	const char *v = js(d, jgetv(d, o, "env", "initial", "platform", "clientVersion", NULL));
	if (v)
		sb_adds(&t->version, v);
	turns_session(t, TS_NONE);
}

static void message(struct turns *t, struct jdoc *d, const struct jnode *m, struct ledger *l,
	const char *thread)
{
	if (m->type != J_OBJ) {
		lr_warn(t->r, "msgobj", "a message that is not a JSON object; skipped");
		return;
	}
	const struct jnode *role = jget(d, m, "role");
	if (jeq(role, "assistant")) {
		assistant(t, d, m, l, thread);
	} else if (jeq(role, "user")) {
		int64_t mid = jint(jget(d, m, "messageId"), EV_NONE);
		char idb[64];
		turns_user(t, d, jget(d, m, "content"), mid != EV_NONE ? msg_id(idb, thread, mid) : NULL,
			ts_of(d, jgetv(d, m, "meta", "sentAt", NULL)), result, NULL);
	} else if (!jeq(role, "info")) {
		lr_note(t->r, "role", "a message role not known; skipped");
	}
}

/* The ledger's calls no message of the thread stands for: no place in
 * its order, so no duration. */
static void ledger_rest(struct turns *t, struct ledger *l, const char *thread)
{
	struct jdoc *d = l->d;
	t->no_duration = true;
	for (size_t i = 0; i < l->n; i++) {
		if (l->used[i])
			continue;
		struct tokens k;
		char idb[128];
		const char *eid = js(d, jget(d, l->ev[i], "id"));
		snprintf(idb, sizeof idb, "%.40s:ledger:%.60s", thread, eid ? eid : "");
		if (!eid)
			snprintf(idb, sizeof idb, "%.40s:ledger:%zu", thread, i);
		ledger_tokens(d, l->ev[i], &k);
		turns_call(t, idb, ts_of(d, jget(d, l->ev[i], "timestamp")),
			js(d, jget(d, l->ev[i], "model")), &k, NULL, NULL, 0, NULL, 0);
	}
}

/* --- a thread a message at a time ------------------------------------------
 * Parsed whole, a thread of megabytes became a node array as large as
 * its text, written once and read again out of cache.  So the thread is
 * cut where its text says: the document without its messages (their
 * array left empty: the "skeleton", with the id, env and ledger) is
 * parsed, then each message alone.  Before any record is written every
 * piece is known to be JSON (the messages checked by the scan that cuts
 * them, valid_end, the skeleton parsed), so that a thread that is not
 * still gives the one diagnostic and no records.  The cut
 * is taken only where it cannot differ from the whole parse: an object
 * whose top-level keys have no escapes, one "messages" member that is
 * an array, separators of blanks and commas only, messages nested less
 * deeply than the parser's limit less the two levels above them.  Any
 * other text, and any piece that does not parse, goes to the whole
 * parse, which says what is wrong as before. */

static inline const char *blanks(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
		p++;
	return p;
}

/* The end of the value at p: just after its closing bracket or quote,
 * or the ',' ']' or '}' that ends any other; NULL when e comes first.
 * Brackets are counted, not matched (a mismatch fails its parse);
 * *depth is the deepest nesting. */
static const char *value_end(const char *p, const char *e, int *depth)
{
	int d = 0, md = 0;
	while (p < e) {
		char c = *p;
		if (c == '"') {
			p = jscan_str_end(p + 1, e);
			if (p >= e)
				return NULL;
			p++;
			if (!d)
				break;
			continue;
		}
		if (c == '[' || c == '{') {
			if (++d > md)
				md = d;
		} else if (c == ']' || c == '}') {
			if (!d)
				break;
			if (!--d) {
				p++;
				break;
			}
		} else if (c == ',' && !d) {
			break;
		}
		p++;
	}
	if (p >= e && d)
		return NULL;
	*depth = md;
	return p;
}

/* The first quote or backslash in [v, e), or a byte before it that
 * jscan_stop stops at (a control byte or one from 0x80, which valid_str
 * passes over), or e: with AVX2 (w 32), 32 bytes a step that look for
 * the quotes and backslashes alone (messages' texts are long, and need
 * not be ASCII), then jscan_stop. */
#if defined(JSCAN_SSE2) && (defined(__x86_64__) || defined(__i386__))
#define AMP_AVX2 1
#include <immintrin.h>
/* (not always_inline: str_stop is compiled for plain x86 too;
 * valid_end32 flattens it in) */
static inline __attribute__((target("avx2"))) unsigned qb32(const char *p)
{
	__m256i v = _mm256_loadu_si256((const __m256i *)(const void *)p);
	return (unsigned)_mm256_movemask_epi8(_mm256_or_si256(
		_mm256_cmpeq_epi8(v, _mm256_set1_epi8('"')),
		_mm256_cmpeq_epi8(v, _mm256_set1_epi8('\\'))));
}
#endif

static inline __attribute__((always_inline)) const char *str_stop(const char *v,
	const char *e, int w)
{
#ifdef AMP_AVX2
	if (w == 32)
		while (e - v >= 32) {
			unsigned bits = qb32(v);
			if (bits)
				return v + __builtin_ctz(bits);
			v += 32;
		}
#else
	(void)w;
#endif
	return jscan_stop(v, e);
}

/* The end of a string whose text starts at v (after its quote), as
 * jparse's scan takes it: just after the closing quote; NULL when it
 * does not end before e or an escape is not JSON's.  Bytes from 0x80
 * and control bytes pass (jparse tolerates them: never a quote or a
 * backslash, whatever their UTF-8). */
static inline __attribute__((always_inline)) const char *valid_str(const char *v,
	const char *e, int w)
{
	for (;;) {
		v = str_stop(v, e, w);
		if (v >= e)
			return NULL;
		if (*v == '"')
			return v + 1;
		if (*v != '\\') {
			v++;
			continue;
		}
		if (++v >= e)
			return NULL;
		if (*v == 'u') {
			if (e - v < 5 || jhexval(v[1]) < 0 || jhexval(v[2]) < 0 || jhexval(v[3]) < 0 ||
			    jhexval(v[4]) < 0)
				return NULL;
			v += 5;
		} else if (*v == '"' || *v == '\\' || *v == '/' || *v == 'b' || *v == 'f' ||
		    *v == 'n' || *v == 'r' || *v == 't') {
			v++;
		} else {
			return NULL;
		}
	}
}

/* A message at p, checked as jparse would check its text, in the same
 * scan that finds its end: the end value_end gives (just after its
 * closing bracket or quote; for a number or literal, its blanks and the
 * ',' or ']' after them), when jparse takes the text up to there whole
 * and it nests no deeper than maxd; else NULL (then the thread goes to
 * the whole parse, as when value_end or jparse failed).  So a message
 * is parsed once, for its records, not twice. */
static inline __attribute__((always_inline)) const char *valid_end_w(const char *p,
	const char *e, int maxd, int w)
{
	char st[JSON_MAXDEPTH];         /* '{' or '[' of each open container */
	int d = 0;
	if (maxd > JSON_MAXDEPTH)
		maxd = JSON_MAXDEPTH;
	for (;;) {
		/* a value at p */
		if (p >= e)
			return NULL;
		switch (*p) {
		case '{':
		case '[':
			if (d == maxd)
				return NULL;
			st[d++] = *p;
			p = blanks(p + 1, e);
			if (p < e && (*p == '}' || *p == ']'))
				goto close;
			if (st[d - 1] == '{')
				goto key;
			continue;
		case '"':
			if (!(p = valid_str(p + 1, e, w)))
				return NULL;
			if (!d)
				return p;
			break;
		case 't':
			if (e - p < 4 || memcmp(p, "true", 4))
				return NULL;
			p += 4;
			break;
		case 'f':
			if (e - p < 5 || memcmp(p, "false", 5))
				return NULL;
			p += 5;
			break;
		case 'n':
			if (e - p < 4 || memcmp(p, "null", 4))
				return NULL;
			p += 4;
			break;
		default:
			if (!(p = jnum_end(p, e)))
				return NULL;
		}
		if (!d) {
			/* a number or literal alone: value_end stops at what
			 * ends it, jparse takes the blanks before */
			p = blanks(p, e);
			return p < e && (*p == ',' || *p == ']') ? p : NULL;
		}
	after:
		/* a value inside container st[d - 1] ended */
		p = blanks(p, e);
		if (p >= e)
			return NULL;
		if (*p == ',') {
			p = blanks(p + 1, e);
			if (st[d - 1] == '{')
				goto key;
			continue;
		}
		if (*p != (st[d - 1] == '{' ? '}' : ']'))
			return NULL;
	close:
		if ((*p == '}') != (st[--d] == '{'))
			return NULL;
		p++;
		if (!d)
			return p;
		goto after;
	key:
		if (p >= e || *p != '"' || !(p = valid_str(p + 1, e, w)))
			return NULL;
		p = blanks(p, e);
		if (p >= e || *p != ':')
			return NULL;
		p = blanks(p + 1, e);
	}
}

static const char *valid_end16(const char *p, const char *e, int maxd)
{
	return valid_end_w(p, e, maxd, 16);
}

#ifdef AMP_AVX2
static __attribute__((flatten, target("avx2"))) const char *valid_end32(const char *p,
	const char *e, int maxd)
{
	return valid_end_w(p, e, maxd, 32);
}
#endif

/* valid_end_w with AVX2 where the CPU has it (amp_valid_avx2: tests set
 * it false for the form without) */
static bool amp_valid_avx2 = true;

static const char *valid_end(const char *p, const char *e, int maxd)
{
#ifdef AMP_AVX2
	if (amp_valid_avx2 && __builtin_cpu_supports("avx2"))
		return valid_end32(p, e, maxd);
#else
	(void)amp_valid_avx2;
#endif
	return valid_end16(p, e, maxd);
}

/* Where the messages are in text s[0..n): the messages array's '[' and
 * ']', each message's text [m[2i], m[2i+1]) as offsets (one scan of the
 * text; the offsets are all that grows with the thread, 8 bytes a
 * message). */
struct cut {
	const char *open, *close;
	uint32_t *m;
	size_t n, cap;
};

/* The messages of the array whose '[' is at p, up to its ']'. */
static const char *cut_messages(const char *s, const char *p, const char *e, struct cut *c)
{
	p = blanks(p + 1, e);
	if (p < e && *p == ']')
		return p;
	for (;;) {
		/* as value_end, deep at most JSON_MAXDEPTH - 8, and JSON */
		const char *v = valid_end(p, e, JSON_MAXDEPTH - 8);
		if (!v || v == p)
			return NULL;
		if (c->n == c->cap) {
			c->cap = c->cap ? c->cap * 2 : 256;
			c->m = xrealloc(c->m, c->cap * 2 * sizeof *c->m);
		}
		c->m[2 * c->n] = (uint32_t)(p - s);
		c->m[2 * c->n++ + 1] = (uint32_t)(v - s);
		p = blanks(v, e);
		if (p < e && *p == ']')
			return p;
		if (p >= e || *p != ',')
			return NULL;
		p = blanks(p + 1, e);
	}
}

static bool cut_thread(const char *s, size_t n, struct cut *c)
{
	const char *e = s + n, *p = blanks(s, e);
	int depth;
	if (p >= e || *p != '{')
		return false;
	p = blanks(p + 1, e);
	for (;;) {
		if (p >= e || *p != '"')
			return false;
		const char *k = p + 1, *ke = jscan_str_end(k, e);
		if (ke >= e || memchr(k, '\\', (size_t)(ke - k)))
			return false;
		bool msgs = ke - k == 8 && !memcmp(k, "messages", 8);
		p = blanks(ke + 1, e);
		if (p >= e || *p != ':')
			return false;
		p = blanks(p + 1, e);
		const char *v;
		if (msgs) {
			if (c->open || p >= e || *p != '[' || !(v = cut_messages(s, p, e, c)))
				return false;
			c->open = p;
			c->close = v++;
		} else if (!(v = value_end(p, e, &depth)) || v == p) {
			return false;
		}
		p = blanks(v, e);
		if (p < e && *p == ',') {
			p = blanks(p + 1, e);
			continue;
		}
		if (p < e && *p == '}')
			return c->open != NULL;
		return false;
	}
}

/* The thread read message by message; false (nothing written) when it
 * must be parsed whole. */
static bool run_cut(struct turns *t, const char *s, size_t n)
{
	struct cut c = {0};
	struct jdoc md = {0}, d = {0};
	char *sk = NULL;
	const struct jnode *o;
	/* every message parses alone (cut_messages checked it) */
	bool ok = n < UINT32_MAX && cut_thread(s, n, &c);
	/* and so does the rest */
	if (ok) {
		size_t hn = (size_t)(c.open + 1 - s), tn = n - (size_t)(c.close - s);
		sk = xmalloc(hn + tn + 1);
		memcpy(sk, s, hn);
		memcpy(sk + hn, c.close, tn);
		sk[hn + tn] = 0;
		ok = jparse(&d, sk, hn + tn) == 0 && (o = jroot(&d)) && o->type == J_OBJ &&
			jget(&d, o, "messages") && jget(&d, o, "messages")->type == J_ARR;
	}
	if (ok) {
		thread_head(t, &d, o);
		struct ledger l;
		ledger_read(&d, jgetv(&d, o, "usageLedger", "events", NULL), &l);
		const char *thread = t->session.p;
		for (size_t i = 0; i < c.n; i++)
			if (jparse(&md, s + c.m[2 * i], c.m[2 * i + 1] - c.m[2 * i]) == 0)
				message(t, &md, jroot(&md), &l, thread);
		ledger_rest(t, &l, thread);
		ledger_free(&l);
	}
	jdoc_free(&d);
	jdoc_free(&md);
	free(sk);
	free(c.m);
	return ok;
}

static void run_doc(struct turns *t, struct lreader *r)
{
	const char *p;
	size_t n;
	struct lreader mr;
	if (lr_doc(r, &mr, DOC_MAX, &p, &n) < 0)
		return;
	if (run_cut(t, p, n)) {
		if (mr.map)
			lr_close(&mr);
		return;
	}
	struct jdoc d = {0};
	const struct jnode *o, *msgs;
	if (jparse(&d, p, n) < 0) {
		diag_at(r->name, 0, "not JSON: %s (a thread being rewritten?)", d.err);
		diag_errors++;
		jdoc_free(&d);
		if (mr.map)
			lr_close(&mr);
		return;
	}
	o = jroot(&d);
	msgs = o && o->type == J_OBJ ? jget(&d, o, "messages") : NULL;
	if (!msgs || msgs->type != J_ARR) {
		diag_at(r->name, 0, "a JSON document but not an Amp thread (no messages)");
		diag_errors++;
		jdoc_free(&d);
		if (mr.map)
			lr_close(&mr);
		return;
	}
	thread_head(t, &d, o);
	struct ledger l;
	ledger_read(&d, jgetv(&d, o, "usageLedger", "events", NULL), &l);
	const char *thread = t->session.p;
	JFOR(&d, msgs, m)
		message(t, &d, m, &l, thread);
	ledger_rest(t, &l, thread);
	ledger_free(&l);
	jdoc_free(&d);
	if (mr.map)
		lr_close(&mr);
}

static void run(struct ev_ctx *c, struct lreader *r, const char *path)
{
	(void)path;
	struct turns t;
	turns_init(&t, c, r, "amp");
	run_doc(&t, r);
	if (t.started)
		turns_done(&t);
	else {
		t.started = true;       /* unreadable: no session record */
		turns_done(&t);
	}
}

/* 95: a document whose first members are an id "T-..." and messages or
 * created (the thread's keys). */
static int sniff(const struct agent_head *h)
{
	if (h->best >= 95)
		return 0;       /* no score of ours is more */
	const struct agent_member *id = agent_rec_get(h, 0, "id");
	if (!id || id->type != J_STR || strncmp(id->val, "T-", 2))
		return 0;
	return agent_rec_get(h, 0, "messages") || agent_rec_get(h, 0, "created") ? 95 : 0;
}

/* --- its history (agent-sessions) ----------------------------------------- */

static bool thread_name(const char *name, int depth)
{
	(void)depth;
	size_t n = strlen(name);
	return n > 7 && !strncmp(name, "T-", 2) && !strcmp(name + n - 5, ".json");
}

static void find(struct history *h, const char *home)
{
	const char *env = getenv("AMP_DATA_DIR");
	char *data = env && *env ? xstrdup(env) : path_join(home, ".local/share/amp");
	char *dir = path_join(data, "threads");
	history_walk(h, dir, 0, thread_name, NULL, false);
	free(dir);
	free(data);
}

/* The string value after "key":, found in text s[0..n) (the first). */
static char *text_value(const char *s, size_t n, const char *key)
{
	size_t kl = strlen(key);
	for (const char *p = s, *e = s + n; (p = memmem(p, (size_t)(e - p), key, kl)); p += kl) {
		const char *q = p + kl;
		while (q < e && (*q == ' ' || *q == ':' || *q == '\n' || *q == '\t'))
			q++;
		if (q >= e || *q != '"')
			continue;
		const char *v = ++q;
		while (q < e && *q != '"' && *q != '\\')
			q++;
		if (q < e && *q == '"' && q > v)
			return xstrndup(v, (size_t)(q - v));
	}
	return NULL;
}

static int64_t text_num(const char *s, size_t n, const char *key)
{
	const char *p = memmem(s, n, key, strlen(key));
	if (!p)
		return TS_NONE;
	p += strlen(key);
	while (p < s + n && (*p == ' ' || *p == ':'))
		p++;
	return p < s + n && *p >= '0' && *p <= '9' ? strtoll(p, NULL, 10) : TS_NONE;
}

/* A thread's id, start, cwd and client version from its head and its
 * tail (env is often written after the messages), its last activity the
 * file's last rewrite.  The text is searched, not parsed: threads are
 * rewritten whole and may be large. */
static int probe(const struct agent *a, struct session_probe *p, const char **why)
{
	(void)a;
	struct session_meta *m = p->m;
	const char *s = p->buf;
	size_t n = p->have;
	char *tail = NULL;
	size_t tn = 0;
	if (p->size > n) {
		tn = p->size - n < AGENT_SNIFF_SIZE ? (size_t)(p->size - n) : AGENT_SNIFF_SIZE;
		tail = xmalloc(tn + 1);
		ssize_t got = pread(p->fd, tail, tn, (off_t)(p->size - tn));
		tn = got > 0 ? (size_t)got : 0;
	}
	for (int i = 0; i < 2; i++) {
		const char *b = i ? tail : s;
		size_t bn = i ? tn : n;
		if (!b)
			continue;
		if (!m->id)
			m->id = text_value(b, bn, "\"id\"");
		if (m->first == TS_NONE)
			m->first = text_num(b, bn, "\"created\"");
		const char *tr = memmem(b, bn, "\"trees\"", 7);
		if (!m->cwd && tr) {
			char *u = text_value(tr, bn - (size_t)(tr - b), "\"uri\"");
			m->cwd = uri_path(u);
			free(u);
		}
		if (!m->version)
			m->version = text_value(b, bn, "\"clientVersion\"");
	}
	free(tail);
	m->last = probe_mtime(p);
	if (m->first != TS_NONE && (m->last == TS_NONE || m->last < m->first))
		m->last = m->first;
	if (!m->id) {
		*why = "an Amp thread without an id";
		return -1;
	}
	return 0;
}

/* the keys agent-events orders files by: a thread's created (ms) and its
 * messages' timestamps */
static const char *const group_keys[] = {NULL};
static const char *const time_keys[] = {"created", "timestamp", NULL};

/* Its tool names and their kinds (toolkind.h): Amp's built-in tools. */
static const struct tool_map amp_tools[] = {
	TOOL("Read", TK_READ), TOOL("read_file", TK_READ),
	TOOL("create_file", TK_WRITE), TOOL("edit_file", TK_WRITE), TOOL("undo_edit", TK_WRITE),
	TOOL("format_file", TK_WRITE),
	TOOL("Grep", TK_SEARCH), TOOL("glob", TK_SEARCH), TOOL("codebase_search_agent", TK_SEARCH),
	TOOL("finder", TK_SEARCH),
	TOOL("list_directory", TK_LIST),
	TOOL("Bash", TK_SHELL),
	TOOL("read_web_page", TK_WEB), {"web_search", TK_WEB, TA_QUERY, NULL},
	TOOL("Task", TK_DELEGATE), TOOL("oracle", TK_DELEGATE), TOOL("librarian", TK_DELEGATE),
	TOOL("todo_write", TK_PLAN), TOOL("todo_read", TK_PLAN),
	TOOL("read_mcp_resource", TK_MCP),
	/* mermaid, get_diagnostics, look_at: other */
	TOOL(NULL, TK_OTHER)
};

const struct agent agent_amp = {
	.name = "amp",
	.title = "Amp",
	.tools = amp_tools,
	.sniff = sniff,
	.sniff_part = true,
	.run = run,
	.probe = probe,
	.find = find,
	.group_keys = group_keys,
	.time_keys = time_keys,
};
