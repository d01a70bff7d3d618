/* SPDX-License-Identifier: MIT */
/* event.c: writing and reading agent-event(5) records. */
#include <string.h>
#include "event.h"
#include "lineio.h"

/* Zeroed 16 bytes a store, not by memset: GCC makes a memset of this size
 * a rep stos, whose start-up costs more than the stores (agent-stack
 * clears an event for every record it reads). */
#if defined(__GNUC__) && !defined(__clang__)
__attribute__((optimize("no-tree-loop-distribute-patterns")))
#endif
void ev_init(struct event *e)
{
	typedef uint64_t v16 __attribute__((vector_size(16), may_alias, aligned(8)));
	v16 *w = (v16 *)(void *)e;
#pragma GCC unroll 64
	for (size_t i = 0; i < sizeof *e / 16; i++)
		w[i] = (v16){0, 0};
	memset((char *)e + sizeof *e / 16 * 16, 0, sizeof *e % 16);
	e->ts = TS_NONE;
	e->exit = e->duration_ms = EV_NONE;
	e->port = e->pid = e->ppid = e->count = EV_NONE;
}

#define INLINE static inline __attribute__((always_inline))

/* The writer's place in b, kept apart from b while the record's pieces
 * are put in place: b->len is not stored and read back around each piece
 * (a byte stored may be any object's, b's too, so the compiler reloads
 * what b holds after each), only around the calls that take b (sync,
 * reload).  end is b->p + b->cap - 1: the room for the NUL stays. */
struct wr {
	struct sbuf *b;
	char *p, *end;
};

static __attribute__((noinline)) struct wr wr_grow(struct wr w, size_t n)
{
	w.b->len = (size_t)(w.p - w.b->p);
	sb_grow(w.b, n);
	w.p = w.b->p + w.b->len;
	w.end = w.b->p + w.b->cap - 1;
	return w;
}

/* room for n more bytes at w->p */
INLINE void room(struct wr *w, size_t n)
{
	if ((size_t)(w->end - w->p) < n)
		*w = wr_grow(*w, n);
}

/* b with its length at w->p, for a call that appends to it */
INLINE struct sbuf *sync(struct wr *w)
{
	w->b->len = (size_t)(w->p - w->b->p);
	return w->b;
}

/* w at b's end after such a call */
INLINE void reload(struct wr *w)
{
	w->p = w->b->p + w->b->len;
	w->end = w->b->p + w->b->cap - 1;
}

/* ,"k": -- every key with its comma; ev_write turns the first key's
 * comma into the record's opening brace.  k is a literal, and the
 * literal ,"k": is built where key() is expanded, so its bytes are
 * stored as constants.  put_key: with the room made before. */
#define KEY(k) ",\"" k "\":"
#define key(w, k) key_((w), KEY(k), sizeof(KEY(k)) - 1)
INLINE void put_key(struct wr *w, const char *k, size_t kl)
{
	memcpy(w->p, k, kl);
	w->p += kl;
}
INLINE void key_(struct wr *w, const char *k, size_t kl)
{
	room(w, kl);
	put_key(w, k, kl);
}

/* "00" to "99": two digits a division */
static const char pairs[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

/* d[0..n) = s[0..n): the short strings records are made of (kinds,
 * agents, statuses) by loads and stores that overlap, within s[0..n),
 * the library's memcpy for the others */
INLINE void copy_in(char *d, const char *s, size_t n)
{
	uint64_t a, z;
	uint32_t x, y;
	if (n > 16) {
		memcpy(d, s, n);
	} else if (n >= 8) {
		memcpy(&a, s, 8);
		memcpy(&z, s + n - 8, 8);
		memcpy(d, &a, 8);
		memcpy(d + n - 8, &z, 8);
	} else if (n >= 4) {
		memcpy(&x, s, 4);
		memcpy(&y, s + n - 4, 4);
		memcpy(d, &x, 4);
		memcpy(d + n - 4, &y, 4);
	} else if (n) {
		d[0] = s[0];
		d[n / 2] = s[n / 2];
		d[n - 1] = s[n - 1];
	}
}

/* sb_json_str: a string with nothing to escape (most are: kinds, ids,
 * models) is copied whole between its quotes. */
/* Has s[0..n) no byte that sb_json_body escapes: jscan_stop(s, s + n)
 * == s + n, by loads that overlap within s[0..n) (the word test fires
 * for a word with such a byte, and only then), not byte by byte at the
 * end of short strings. */
#define SWAR_ANY(v, one, high) \
	((((((v) ^ (one) * '"') - (one)) & ~((v) ^ (one) * '"')) | \
	((((v) ^ (one) * '\\') - (one)) & ~((v) ^ (one) * '\\')) | \
	(((v) - (one) * 0x20) & ~(v)) | (v)) & (high))
INLINE bool plain_json(const char *s, size_t n)
{
#ifdef JSCAN_SSE2
	const __m128i quote = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\'),
		low = _mm_set1_epi8(0x20);
	if (n >= 16) {
		for (size_t i = 0; ; i += 16) {
			size_t at = i + 16 <= n ? i : n - 16;
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + at));
			if (_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote),
			    _mm_cmpeq_epi8(v, bs)), _mm_cmplt_epi8(v, low))))
				return false;
			if (at + 16 >= n)
				return true;
		}
	}
	/* the short strings of most fields (kinds, statuses, classes): their
	 * bytes in one block, by loads that overlap within s[0..n) (bytes
	 * repeated, never one from outside), one compare of each class */
	uint64_t a, z;
	if (n >= 8) {
		memcpy(&a, s, 8);
		memcpy(&z, s + n - 8, 8);
	} else if (n >= 4) {
		uint32_t x, y;
		memcpy(&x, s, 4);
		memcpy(&y, s + n - 4, 4);
		a = z = x | (uint64_t)y << 32;
	} else if (n) {
		uint32_t x = (unsigned char)s[0] | (uint32_t)(unsigned char)s[n / 2] << 8 |
			(uint32_t)(unsigned char)s[n - 1] << 16 | (uint32_t)(unsigned char)s[0] << 24;
		a = z = x | (uint64_t)x << 32;
	} else {
		return true;
	}
	__m128i v = _mm_set_epi64x((long long)z, (long long)a);
	return !_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote),
		_mm_cmpeq_epi8(v, bs)), _mm_cmplt_epi8(v, low)));
#else
	if (n >= 16)
		return jscan_stop(s, s + n) == s + n;
	if (n >= 8) {
		uint64_t a, z;
		memcpy(&a, s, 8);
		memcpy(&z, s + n - 8, 8);
		return !(SWAR_ANY(a, JSCAN_ONES, JSCAN_HIGHS) | SWAR_ANY(z, JSCAN_ONES, JSCAN_HIGHS));
	}
	if (n >= 4) {
		uint32_t a, z;
		const uint32_t one = 0x01010101u, high = 0x80808080u;
		memcpy(&a, s, 4);
		memcpy(&z, s + n - 4, 4);
		return !(SWAR_ANY(a, one, high) | SWAR_ANY(z, one, high));
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80)
			return false;
	}
	return true;
#endif
}

/* the key k and v[0..n) as a JSON string */
INLINE void kstr_(struct wr *w, const char *k, size_t kl, const char *v, size_t n)
{
	if (!plain_json(v, n)) {
		key_(w, k, kl);
		sb_json_str(sync(w), v, n);
		reload(w);
		return;
	}
	room(w, kl + n + 2);
	put_key(w, k, kl);
	char *p = w->p;
	*p++ = '"';
	copy_in(p, v, n);
	p += n;
	*p++ = '"';
	w->p = p;
}

#define str(w, k, v) str_((w), KEY(k), sizeof(KEY(k)) - 1, (v))
INLINE void str_(struct wr *w, const char *k, size_t kl, const char *v)
{
	if (v)
		kstr_(w, k, kl, v, strlen(v));
}

/* --- values that cannot change --------------------------------------------
 * Most values of a record's short fields are string literals: kinds,
 * agents, statuses, classes, tool kinds.  Their bytes lie in a segment of
 * the program mapped without write permission (read_only_addr), which
 * nothing changes while it runs: the JSON string
 * of such a value (quotes included) is a function of its address.  So it
 * is kept by address, a slot each, and the next record with the same
 * address copies it, without the value's strlen and the scan for bytes to
 * escape.  A value from anywhere else (the heap, the stack, a writable
 * segment) goes the usual way: only read-only addresses enter a slot. */
struct lit {
	const char *p;          /* NULL: empty */
	uint32_t olen;          /* the JSON string's length; 0: not kept
	                         * (too long, or with bytes to escape) */
	char out[32];           /* the JSON string, quotes included */
};
static _Thread_local struct lit lits[64];
/* read_only_span's interval, the test made inline for other values; all
 * addresses until it is looked up */
static _Thread_local uintptr_t lit_lo, lit_hi = UINTPTR_MAX;

static inline struct lit *lit_slot(const char *v)
{
	return &lits[((uintptr_t)v * UINT64_C(0x9e3779b97f4a7c15)) >> 58];
}

/* v's slot, filled when v is read-only; NULL when it is not */
static __attribute__((noinline)) struct lit *lit_learn(const char *v)
{
	if (lit_lo == 0 && lit_hi == UINTPTR_MAX)
		read_only_span(&lit_lo, &lit_hi);
	if (!read_only_addr(v))
		return NULL;
	struct lit *l = lit_slot(v);
	size_t n = strlen(v);
	l->p = v;
	l->olen = 0;
	if (n + 2 <= sizeof l->out && plain_json(v, n)) {
		memset(l->out, 0, sizeof l->out);
		l->out[0] = '"';
		memcpy(l->out + 1, v, n);
		l->out[n + 1] = '"';
		l->olen = (uint32_t)(n + 2);
	}
	return l;
}

/* str for the fields whose values are mostly literals */
#define lstr(w, k, v) lstr_((w), KEY(k), sizeof(KEY(k)) - 1, (v))
INLINE void lstr_(struct wr *w, const char *k, size_t kl, const char *v)
{
	if (!v)
		return;
	struct lit *l = lit_slot(v);
	if (l->p != v) {
		if ((uintptr_t)v - lit_lo >= lit_hi - lit_lo || !(l = lit_learn(v))) {
			kstr_(w, k, kl, v, strlen(v));
			return;
		}
	}
	if (!l->olen) {
		kstr_(w, k, kl, v, strlen(v));
		return;
	}
	room(w, kl + sizeof l->out);
	put_key(w, k, kl);
	memcpy(w->p, l->out, 16);
	memcpy(w->p + 16, l->out + 16, 16);
	w->p += l->olen;
}

#define priv(w, k, v) priv_((w), KEY(k), sizeof(KEY(k)) - 1, (v))
INLINE void priv_(struct wr *w, const char *k, size_t kl, const char *v)
{
	if (v) {
		key_(w, k, kl);
		sb_json_str_redacted(sync(w), v, strlen(v));
		reload(w);
	}
}

/* Fields that most records repeat from the one before (a call's prompt,
 * the session's cwd): the text and what it became are kept per field,
 * and a text with the same bytes (compared up to its NUL) is written
 * from there, without its length, hash and the memo's compare.  The
 * redaction is a function of the bytes alone.  (Not with privacy_noskip:
 * tests take that for the long way.) */
struct fcache {
	uint32_t vlen, olen;    /* olen 0: empty */
	char val[96];           /* the text and its NUL */
	char out[208 + 16];     /* the JSON string, quotes included; 16 to copy by */
};
static _Thread_local struct fcache fcache[2];
enum { FC_PROMPT, FC_CWD };

/* the key k and what c keeps, when v has c's bytes */
INLINE bool fc_hit(struct wr *w, const char *k, size_t kl, const char *v, const struct fcache *c)
{
	size_t o = c->olen;
	if (!o || strncmp(v, c->val, c->vlen + 1))
		return false;
	room(w, kl + o + 16);
	put_key(w, k, kl);
	for (size_t i = 0; i < o; i += 16)
		memcpy(w->p + i, c->out + i, 16);
	w->p += o;
	return true;
}

/* the key k and v redacted, kept in c when it fits */
INLINE void fc_put(struct wr *w, const char *k, size_t kl, const char *v, struct fcache *c)
{
	key_(w, k, kl);
	struct sbuf *b = sync(w);
	size_t n = strlen(v), at = b->len;
	sb_json_str_redacted(b, v, n);
	reload(w);
	size_t o = b->len - at;
	if (n < sizeof c->val && o <= sizeof c->out - 16) {
		c->vlen = (uint32_t)n;
		c->olen = (uint32_t)o;
		memcpy(c->val, v, n + 1);
		memcpy(c->out, b->p + at, o);
	} else {
		c->olen = 0;
	}
}

#define privk(w, k, v, c) privk_((w), KEY(k), sizeof(KEY(k)) - 1, (v), &fcache[c])
INLINE void privk_(struct wr *w, const char *k, size_t kl, const char *v, struct fcache *c)
{
	if (!v)
		return;
	if (privacy_noskip) {
		priv_(w, k, kl, v);
		return;
	}
	if (!fc_hit(w, k, kl, v, c))
		fc_put(w, k, kl, v, c);
}

/* a tool name: redacted as its frame will be */
#define toolname(w, k, v) toolname_((w), KEY(k), sizeof(KEY(k)) - 1, (v))
INLINE void toolname_(struct wr *w, const char *k, size_t kl, const char *v)
{
	if (v) {
		key_(w, k, kl);
		sb_json_label_redacted(sync(w), v, strlen(v));
		reload(w);
	}
}

/* v's digits (and sign) at p, as sb_addi writes them; the end */
INLINE char *put_i64(char *p, int64_t v)
{
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
	if (v < 0)
		*p++ = '-';
	if (u < 10) {
		*p++ = (char)('0' + u);
		return p;
	}
	char tmp[24], *q = tmp + sizeof tmp;
	while (u >= 100) {
		q -= 2;
		memcpy(q, pairs + 2 * (u % 100), 2);
		u /= 100;
	}
	if (u >= 10) {
		q -= 2;
		memcpy(q, pairs + 2 * u, 2);
	} else {
		*--q = (char)('0' + u);
	}
	size_t n = (size_t)(tmp + sizeof tmp - q);
	copy_in(p, q, n);
	return p + n;
}

#define num(w, k, v) num_((w), KEY(k), sizeof(KEY(k)) - 1, (v))
INLINE void num_(struct wr *w, const char *k, size_t kl, int64_t v)
{
	if (v != EV_NONE) {
		room(w, kl + 21);
		put_key(w, k, kl);
		w->p = put_i64(w->p, v);
	}
}

/* (absent arrays, most, are passed over without a call; w by value, so
 * that it stays out of memory in ev_write) */
#define arr(w, k, v, n, r) do { if (v) *(w) = arr_(*(w), KEY(k), sizeof(KEY(k)) - 1, \
	(v), (n), (r)); } while (0)
static struct wr arr_(struct wr w, const char *k, size_t kl, const char **v, int n, int redacted)
{
	room(&w, kl + 1);
	put_key(&w, k, kl);
	*w.p++ = '[';
	for (int i = 0; i < n; i++) {
		if (i) {
			room(&w, 1);
			*w.p++ = ',';
		}
		if (!redacted) {
			lstr_(&w, "", 0, v[i]);
			continue;
		}
		size_t l = strlen(v[i]);
		if (redacted == 2) {
			sb_json_label_redacted(sync(&w), v[i], l);
			reload(&w);
		} else {
			sb_json_str_redacted(sync(&w), v[i], l);
			reload(&w);
		}
	}
	room(&w, 1);
	*w.p++ = ']';
	return w;
}

/* t (ts_format's text of last) becomes the text of ts: a time of the
 * same day as last has only its clock written, digit by digit as
 * ts_format writes it ("hh:mm:ss.mmm" at t + 11); any other goes to
 * ts_format whole. */
static void ts_text(int64_t ts, int64_t last, char t[25])
{
	const int64_t day = 86400000, max = INT64_C(253402300800000);   /* year 10000 */
	if (last == TS_NONE || ts < 0 || last < 0 || ts >= max || last >= max ||
	    ts / day != last / day) {
		ts_format(ts, t);
		return;
	}
	unsigned ms = (unsigned)(ts % day), h = ms / 3600000, m = ms / 60000 % 60,
		sec = ms / 1000 % 60, f = ms % 1000;
	char *o = t + 11;
	memcpy(o, pairs + 2 * h, 2);
	memcpy(o + 3, pairs + 2 * m, 2);
	memcpy(o + 6, pairs + 2 * sec, 2);
	o[9] = (char)('0' + f / 100);
	memcpy(o + 10, pairs + 2 * (f % 100), 2);
}

void ev_write(struct sbuf *b, const struct event *e, unsigned flags)
{
	ev_write_kinds(b, e, flags, e->tool_kind, e->tool_kinds, e->ntool_kinds);
}

void ev_write_kinds(struct sbuf *b, const struct event *e, unsigned flags, const char *tool_kind,
	const char **tool_kinds, int ntool_kinds)
{
	size_t start = b->len;  /* the first key's comma becomes the brace */
	if (!b->cap)
		sb_grow(b, 255);
	struct wr wr = {b, b->p + b->len, b->p + b->cap - 1}, *w = &wr;
	lstr(w, "kind", e->kind);
	lstr(w, "agent", e->agent);
	str(w, "session", e->session);
	str(w, "subagent", e->subagent);
	str(w, "subagent_type", e->subagent_type);
	if (e->ts != TS_NONE) {
		/* records come in runs of one time (a tool call's effects) */
		static _Thread_local int64_t last_ts = TS_NONE;
		static _Thread_local char t[25];
		if (e->ts != last_ts)
			ts_text(e->ts, last_ts, t);
		last_ts = e->ts;
		room(w, sizeof KEY("ts") - 1 + 26);
		put_key(w, KEY("ts"), sizeof KEY("ts") - 1);
		char *p = w->p;
		p[0] = '"';
		memcpy(p + 1, t, 24);
		p[25] = '"';
		w->p += 26;
	}
	/* ids may hold a tool's name (Gemini's do) */
	priv(w, "id", e->id);
	priv(w, "parent", e->parent);
	privk(w, "prompt", e->prompt, FC_PROMPT);
	lstr(w, "origin", e->origin);
	privk(w, "cwd", e->cwd, FC_CWD);
	str(w, "version", e->version);
	priv(w, "file", e->file);
	str(w, "model", e->model);
	toolname(w, "tool", e->tool);
	lstr(w, "tool_kind", tool_kind);
	lstr(w, "status", e->status);
	num(w, "exit", e->exit);
	num(w, "duration_ms", e->duration_ms);
	lstr(w, "effect", e->effect);
	lstr(w, "class", e->class);
	arr(w, "process", e->process, e->nprocess, true);
	if (e->argv) {
		key(w, "argv");
		sb_json_argv_redacted(sync(w), e->argv, e->nargv, flags & EVW_NOTEXT);
		reload(w);
	}
	priv(w, "path", e->path);
	priv(w, "to", e->to);
	priv(w, "domain", e->domain);
	num(w, "port", e->port);
	num(w, "pid", e->pid);
	num(w, "ppid", e->ppid);
	num(w, "count", e->count);
	arr(w, "unresolved", e->unresolved, e->nunresolved, true);
	if (e->update) {
		room(w, sizeof KEY("update") - 1 + 4);
		put_key(w, KEY("update"), sizeof KEY("update") - 1);
		memcpy(w->p, "true", 4);
		w->p += 4;
	}
	lstr(w, "usage", e->usage);
	if (e->has_tokens) {
		/* room for the keys and six numbers of 20 digits and a sign */
		const struct tokens *t = &e->tokens;
		room(w, 256);
		put_key(w, KEY("tokens"), sizeof KEY("tokens") - 1);
		char *p = w->p;
#define TOK(lit, v) (memcpy(p, lit, sizeof lit - 1), p = put_i64(p + sizeof lit - 1, (v)))
		TOK("{\"input\":", t->input);
		TOK(",\"cache_read\":", t->cache_read);
		TOK(",\"cache_write\":", t->cache_write);
		TOK(",\"cache_write_1h\":", t->cache_write_1h);
		TOK(",\"output\":", t->output);
		TOK(",\"reasoning\":", t->reasoning);
#undef TOK
		*p++ = '}';
		w->p = p;
	}
	arr(w, "tools", e->tools, e->ntools, 2);
	arr(w, "tool_kinds", tool_kinds, ntool_kinds, false);
	if (e->text && !(flags & EVW_NOTEXT)) {
		key(w, "text");
		sb_json_str_redacted(sync(w), e->text, e->text_len);
		reload(w);
	}
	if (e->tag_session || e->tag_prompt || e->tag_llm) {
		key(w, "tags");
		sync(w);
		sb_addc(b, '{');
		bool first = true;
		const char *names[3] = {"session", "prompt", "llm"};
		const char *vals[3] = {e->tag_session, e->tag_prompt, e->tag_llm};
		for (int i = 0; i < 3; i++)
			if (vals[i]) {
				if (!first)
					sb_addc(b, ',');
				first = false;
				sb_json_str(b, names[i], strlen(names[i]));
				sb_addc(b, ':');
				sb_json_str(b, vals[i], strlen(vals[i]));
			}
		sb_addc(b, '}');
		reload(w);
	}
	str(w, "rule", e->rule);
	room(w, 3);
	char *p = w->p;
	if (p == b->p + start)
		*p++ = '{';     /* no key */
	else
		b->p[start] = '{';
	*p++ = '}';
	*p++ = '\n';
	*p = 0;
	b->len = (size_t)(p - b->p);
}

static const char **strarr(struct jdoc *d, const struct jnode *a, int *n)
{
	*n = 0;
	if (!a || a->type != J_ARR)
		return NULL;
	const char **v = jalloc(d, sizeof *v * (a->len + 1));
	JFOR(d, a, it) {
		const char *s = js(d, it);
		if (s)
			v[(*n)++] = s;
	}
	return v;
}

/* Counts and durations as read: records come from anywhere, and the
 * readers add them up, so a count is never negative and never above 2^40
 * (a trillion tokens in one call, 35 years in ms): millions of records
 * at the cap still sum within int64_t. */
static int64_t count(int64_t v)
{
	return v < 0 ? 0 : v > (INT64_C(1) << 40) ? INT64_C(1) << 40 : v;
}

int ev_read(struct jdoc *d, struct event *e, const char **why)
{
	const struct jnode *r = jroot(d);
	ev_init(e);
	if (!r || r->type != J_OBJ) {
		*why = "not a JSON object";
		return -1;
	}
	/* One pass over the members, dispatching on the key. */
	JFOR(d, r, k) {
		const struct jnode *v = jval(k);
		const char *name = k->s;
		size_t l = k->len;
#define IS(lit) (l == sizeof lit - 1 && !memcmp(name, lit, sizeof lit - 1))
		if (IS("kind")) e->kind = js(d, v);
		else if (IS("agent")) e->agent = js(d, v);
		else if (IS("session")) e->session = js(d, v);
		else if (IS("subagent")) e->subagent = js(d, v);
		else if (IS("subagent_type")) e->subagent_type = js(d, v);
		else if (IS("ts")) {
			size_t tl;
			const char *t = jsn(d, v, &tl);
			e->ts = t ? ts_parse(t, tl) : TS_NONE;
		}
		else if (IS("id")) e->id = js(d, v);
		else if (IS("parent")) e->parent = js(d, v);
		else if (IS("prompt")) e->prompt = js(d, v);
		else if (IS("origin")) e->origin = js(d, v);
		else if (IS("cwd")) e->cwd = js(d, v);
		else if (IS("version")) e->version = js(d, v);
		else if (IS("file")) e->file = js(d, v);
		else if (IS("model")) e->model = js(d, v);
		else if (IS("tool")) e->tool = js(d, v);
		else if (IS("tool_kind")) e->tool_kind = js(d, v);
		else if (IS("status")) e->status = js(d, v);
		else if (IS("exit")) e->exit = jint(v, EV_NONE);
		else if (IS("duration_ms")) {
			e->duration_ms = jint(v, EV_NONE);
			if (e->duration_ms != EV_NONE)
				e->duration_ms = e->duration_ms < 0 ? EV_NONE : count(e->duration_ms);
		}
		else if (IS("effect")) e->effect = js(d, v);
		else if (IS("class")) e->class = js(d, v);
		else if (IS("process")) e->process = strarr(d, v, &e->nprocess);
		else if (IS("argv")) e->argv = strarr(d, v, &e->nargv);
		else if (IS("path")) e->path = js(d, v);
		else if (IS("to")) e->to = js(d, v);
		else if (IS("domain")) e->domain = js(d, v);
		else if (IS("port")) e->port = jint(v, EV_NONE);
		else if (IS("pid")) e->pid = jint(v, EV_NONE);
		else if (IS("ppid")) e->ppid = jint(v, EV_NONE);
		else if (IS("count")) e->count = jint(v, EV_NONE);
		else if (IS("unresolved")) e->unresolved = strarr(d, v, &e->nunresolved);
		else if (IS("update")) e->update = jtrue(v);
		else if (IS("usage")) e->usage = js(d, v);
		else if (IS("tokens") && v->type == J_OBJ) {
			struct tokens *t = &e->tokens;
			e->has_tokens = true;
			t->input = count(jint(jget(d, v, "input"), 0));
			t->cache_read = count(jint(jget(d, v, "cache_read"), 0));
			t->cache_write = count(jint(jget(d, v, "cache_write"), 0));
			t->cache_write_1h = count(jint(jget(d, v, "cache_write_1h"), 0));
			t->output = count(jint(jget(d, v, "output"), 0));
			t->reasoning = count(jint(jget(d, v, "reasoning"), 0));
		}
		else if (IS("tools")) e->tools = strarr(d, v, &e->ntools);
		else if (IS("tool_kinds")) e->tool_kinds = strarr(d, v, &e->ntool_kinds);
		else if (IS("text")) e->text = jsn(d, v, &e->text_len);
		else if (IS("tags") && v->type == J_OBJ) {
			e->tag_session = js(d, jget(d, v, "session"));
			e->tag_prompt = js(d, jget(d, v, "prompt"));
			e->tag_llm = js(d, jget(d, v, "llm"));
		}
		else if (IS("rule")) e->rule = js(d, v);
#undef IS
	}
	if (!e->kind) {
		*why = "record without \"kind\"";
		return -1;
	}
	return 0;
}

int ev_line(struct lreader *r, const char *line, size_t len, struct jdoc *d, struct event *e)
{
	const char *why;
	if (jparse(d, line, len) < 0)
		lr_warn(r, "json", "not JSON (%s at byte %zu); line skipped", d->err, d->errpos);
	else if (ev_read(d, e, &why) < 0)
		lr_warn(r, "record", "not an agent-event(5) record: %s; line skipped", why);
	else
		return 1;
	return 0;
}

int ev_next(struct lreader *r, struct jdoc *d, struct event *e)
{
	char *line;
	size_t len;
	while (lr_next_nonblank(r, &line, &len))
		if (ev_line(r, line, len, d, e))
			return 1;
	return 0;
}
