/* SPDX-License-Identifier: MIT */
/* evfast.c: agent-event(5) lines read without a parse tree (evfast.h).
 *
 * Two passes over a line.  The first checks it against a strict subset
 * of JSON that jparse accepts too (no white space, no numbers but plain
 * integers of at most 18 digits, strings without NULs, invalid UTF-8 or
 * surrogate escapes, nested values only where the record has them) and
 * sets the fields in member order as it goes, so that a repeated key is
 * read as ev_read reads it: the last one counts.  A string field points
 * at its text in the line, ended by a NUL written on its closing quote at
 * once; a string with escapes to undo is noted instead.  Only when all of
 * the line passes does the second pass change more: each escaped string
 * unescaped where it lies (an escape is never shorter than what it stands
 * for) and ended, the arrays' elements put in place.  Anything else, and
 * a record without "kind", is left to jparse and ev_read, the line as it
 * was: every NUL before the last one written was a quote (a NUL of the
 * line's own ends the pass where it is met), and is one again. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "evfast.h"
#include "json.h"

enum { T_STR, T_TEXT, T_TS, T_INT, T_DUR, T_UPDATE, T_ARR, T_TOKENS, T_TAGS };

#define FS(name, f) {name, sizeof name - 1, T_STR, offsetof(struct event, f), 0}
#define FI(name, f) {name, sizeof name - 1, T_INT, offsetof(struct event, f), 0}
#define FA(name, f, n) {name, sizeof name - 1, T_ARR, offsetof(struct event, f), \
	offsetof(struct event, n)}
static const struct fkey {
	const char *name;
	uint8_t len, type;
	uint16_t off, noff;
} keys[] = {
	/* in agent-event(5) order: each key is looked for after the last */
	FS("kind", kind), FS("agent", agent), FS("session", session), FS("subagent", subagent),
	FS("subagent_type", subagent_type), {"ts", 2, T_TS, 0, 0}, FS("id", id),
	FS("parent", parent), FS("prompt", prompt), FS("origin", origin), FS("cwd", cwd),
	FS("version", version), FS("file", file), FS("model", model), FS("tool", tool),
	FS("tool_kind", tool_kind), FS("status", status), FI("exit", exit),
	{"duration_ms", 11, T_DUR, 0, 0}, FS("effect", effect), FS("class", class),
	FA("process", process, nprocess), FA("argv", argv, nargv), FS("path", path),
	FS("to", to), FS("domain", domain), FI("port", port), FI("pid", pid),
	FI("ppid", ppid), FI("count", count), {"update", 6, T_UPDATE, 0, 0},
	FS("usage", usage), {"tokens", 6, T_TOKENS, 0, 0}, FA("tools", tools, ntools),
	FA("tool_kinds", tool_kinds, ntool_kinds), {"text", 4, T_TEXT, 0, 0},
	{"tags", 4, T_TAGS, 0, 0}, FS("rule", rule),
};
#define NKEYS (sizeof keys / sizeof *keys)

/* What the second pass does besides the NULs: an escaped string to undo
 * (what: the field it may be the value of), an array to put in place. */
enum { W_STR, W_TEXT, W_TS };
struct esc {
	uint32_t start, len;
	uint8_t what;
};
struct arr {
	uint32_t first, n;      /* its elements in F.vec */
	uint16_t off, noff;     /* the field and its count's */
	bool null;
};

/* The members of each kind of record come in the same order record after
 * record: the key met at each place in the last record of a kind is the
 * one tried first at that place in the next (seq, by a class of the kind;
 * NKEYS: none yet). */
#define NCLASS 8
#define NPLACE 64

struct fast {
	char *line;
	char *last;             /* the last quote made a NUL, or line */
	struct esc *esc;
	size_t nesc, capesc;
	struct arr *arr;
	size_t narr, caparr;
	const char **vec;       /* the records' string arrays */
	size_t nvec, capvec;
	bool kind;              /* "kind" is a string, as it ends */
	bool skipped;           /* a member was passed over (skip_value) */
	int hint;               /* the key after the last one met */
	int ts;                 /* the escaped timestamp that counts (esc), -1 none */
	int text;               /* the escaped text whose length counts, -1 none */
	unsigned cls, place;    /* seq: the kind's class, the member's place */
	uint64_t need;          /* the keys the record's kind needs (evf_need) */
	uint8_t seq[NCLASS][NPLACE];
};

static struct fast F;

/* evf_need: the kinds whose records are read for some keys alone, and
 * those keys (bit i: keys[i]); any other kind's, every key. */
#define NNEED 8
#define ALL_KEYS (~(uint64_t)0)
static struct { char kind[16]; size_t len; uint64_t keys; } needs[NNEED];
static int nneeds;

/* The keys a record of kind k[0..n) needs. */
static inline uint64_t need_of(const char *k, size_t n)
{
	for (int i = 0; i < nneeds; i++)
		if (needs[i].len == n && !memcmp(needs[i].kind, k, n))
			return needs[i].keys;
	return ALL_KEYS;
}

/* The string s[0..len) (closing quote at s[len]) is a field's value. */
static inline void str_note(const char *s, size_t len, bool esc, uint8_t what)
{
	if (esc) {
		if (F.nesc == F.capesc) {
			F.capesc = F.capesc ? 2 * F.capesc : 16;
			F.esc = xrealloc(F.esc, F.capesc * sizeof *F.esc);
		}
		F.esc[F.nesc++] = (struct esc){(uint32_t)(s - F.line), (uint32_t)len, what};
		return;
	}
	F.last = F.line + (s + len - F.line);
	*F.last = 0;
}

static inline void set_str(struct event *ev, uint16_t off, const char *s)
{
	*(const char **)((char *)ev + off) = s;
}

/* p just after a string's opening quote: its closing quote, or NULL when
 * the string is one to leave to jparse (a NUL, \u0000, a surrogate
 * escape, invalid UTF-8, a bad escape, no end). */
static const char *str_slow(const char *p, const char *e, bool *esc)
{
	for (;;) {
		p = jscan_stop(p, e);
		if (p >= e)
			return NULL;
		unsigned char c = (unsigned char)*p;
		if (c == '"')
			return p;
		if (c == '\\') {
			if (e - p < 2)
				return NULL;
			if (p[1] == 'u') {
				if (e - p < 6)
					return NULL;
				int cp = 0;
				for (int i = 2; i < 6; i++) {
					int h = jhexval(p[i]);
					if (h < 0)
						return NULL;
					cp = cp << 4 | h;
				}
				if (cp == 0 || (cp >= 0xD800 && cp < 0xE000))
					return NULL;
				p += 6;
			} else if (p[1] && strchr("\"\\/bfnrt", p[1])) {
				p += 2;
			} else {
				return NULL;
			}
			*esc = true;
		} else if (c >= 0x80) {
			size_t l = utf8_valid_len(p, (size_t)(e - p));
			if (!l)
				return NULL;
			p += l;
		} else if (!c) {
			return NULL;
		} else {
			p++;    /* a raw control character: kept as it is */
		}
	}
}

/* str_slow, inline for a string with nothing to unescape or check: its
 * plain bytes 16 at a time, then the quote; the first byte of any other
 * kind is str_slow's (jscan_stop would stop there too).  Fewer than 16
 * bytes before e (a line's last strings): the 16 that end at e, when the
 * line has them, the bytes before p shifted out. */
static inline const char *str_end(const char *p, const char *e, bool *esc)
{
#ifdef JSCAN_SSE2
	const __m128i quote = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\'),
		low = _mm_set1_epi8(0x20);
	while (e - p >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		unsigned q = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, quote));
		unsigned x = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, bs),
			_mm_cmplt_epi8(v, low)));
		if (q | x) {
			/* the quote first: below the lowest other byte */
			if (q && (!x || (q & -q) < (x & -x)))
				return p + __builtin_ctz(q);
			return str_slow(p, e, esc);
		}
		p += 16;
	}
	if (p < e && e - F.line >= 16) {
		unsigned skip = 16 - (unsigned)(e - p);
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(e - 16));
		unsigned q = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, quote)) >> skip;
		unsigned x = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, bs),
			_mm_cmplt_epi8(v, low))) >> skip;
		if (q && (!x || (q & -q) < (x & -x)))
			return p + __builtin_ctz(q);
	}
#endif
	return str_slow(p, e, esc);
}

/* ts_parse, for the form records have, "YYYY-MM-DDTHH:MM:SS.mmmZ", by
 * the minute: records come in time order, many in one minute, and the
 * date and hour are read once per minute (the minute's start comes from
 * ts_parse itself).  Any other form is ts_parse's. */
static struct { char minute[16]; int64_t base; } tsm = {"", TS_NONE};
#define DIG(c) ((unsigned)((c) - '0') < 10)

static int64_t ts_read(const char *s, size_t n)
{
	if (n != 24 || s[16] != ':' || s[19] != '.' || s[23] != 'Z' || !DIG(s[17]) ||
	    !DIG(s[18]) || !DIG(s[20]) || !DIG(s[21]) || !DIG(s[22]))
		return ts_parse(s, n);
	int se = (s[17] - '0') * 10 + (s[18] - '0');
	if (se > 60)
		return TS_NONE;
	if (tsm.base == TS_NONE || memcmp(s, tsm.minute, 16)) {
		char t[24];
		memcpy(t, s, 16);
		memcpy(t + 16, ":00.000Z", 8);
		int64_t b = ts_parse(t, 24);
		if (b == TS_NONE)
			return ts_parse(s, n);
		memcpy(tsm.minute, s, 16);
		tsm.base = b;
	}
	return tsm.base + se * 1000 + ((s[20] - '0') * 100 + (s[21] - '0') * 10 + (s[22] - '0'));
}

/* A timestamp string at s (after its opening quote) in the minute
 * ts_read met last: its time, with its closing quote at s[24]; else
 * TS_NONE, for str_end and ts_read.  The minute's 16 bytes passed
 * ts_parse (digits, '-', 'T' or ' ', ':'), the other 8 are checked here:
 * no byte of the 24 is a quote, a backslash or a control byte, so the
 * string is plain and ends at s[24]. */
static inline int64_t ts_minute(const char *s, const char *e)
{
	if (e - s < 25 || s[24] != '"' || tsm.base == TS_NONE || s[16] != ':' || s[19] != '.' ||
	    s[23] != 'Z' || !DIG(s[17]) || !DIG(s[18]) || !DIG(s[20]) || !DIG(s[21]) ||
	    !DIG(s[22]) || memcmp(s, tsm.minute, 16))
		return TS_NONE;
	int se = (s[17] - '0') * 10 + (s[18] - '0');
	if (se > 60)
		return TS_NONE;
	return tsm.base + se * 1000 + ((s[20] - '0') * 100 + (s[21] - '0') * 10 + (s[22] - '0'));
}
#undef DIG

/* Unescape s[0..n) where it lies (str_end passed it); the new length. */
static size_t unescape(char *s, size_t n)
{
	char *w = s;
	const char *p = s, *e = s + n;
	while (p < e) {
		const char *b = memchr(p, '\\', (size_t)(e - p));
		size_t run = (size_t)((b ? b : e) - p);
		if (w != p)
			memmove(w, p, run);
		w += run;
		p += run;
		if (!b)
			break;
		char c = p[1];
		p += 2;
		switch (c) {
		case 'b': *w++ = '\b'; break;
		case 'f': *w++ = '\f'; break;
		case 'n': *w++ = '\n'; break;
		case 'r': *w++ = '\r'; break;
		case 't': *w++ = '\t'; break;
		case 'u': {
			unsigned cp = jhex4(p);
			p += 4;
			if (cp < 0x80) {
				*w++ = (char)cp;
			} else if (cp < 0x800) {
				*w++ = (char)(0xC0 | cp >> 6);
				*w++ = (char)(0x80 | (cp & 0x3F));
			} else {
				*w++ = (char)(0xE0 | cp >> 12);
				*w++ = (char)(0x80 | ((cp >> 6) & 0x3F));
				*w++ = (char)(0x80 | (cp & 0x3F));
			}
			break;
		}
		default: *w++ = c; break;       /* " \ / */
		}
	}
	return (size_t)(w - s);
}

/* A plain integer at p: 0, or 1-9 and at most 17 more digits, followed by
 * ',' '}' or ']' (a 19th digit is none of those).  The end, or NULL. */
static inline const char *integer(const char *p, const char *e, int64_t *v)
{
	const char *q = p, *lim = e - p > 18 ? p + 18 : e;
	int64_t x = 0;
	unsigned d;
	while (q < lim && (d = (unsigned)((unsigned char)*q - '0')) < 10)
		x = x * 10 + d, q++;
	if (q == p || (*p == '0' && q - p > 1) || q >= e ||
	    (*q != ',' && *q != '}' && *q != ']'))
		return NULL;
	*v = x;
	return q;
}

/* true, false or null at p: its length, or 0. */
static size_t literal(const char *p, const char *e, int *which)
{
	size_t n = (size_t)(e - p);
	if (n >= 4 && !memcmp(p, "true", 4))
		return *which = 1, 4;
	if (n >= 5 && !memcmp(p, "false", 5))
		return *which = 0, 5;
	if (n >= 4 && !memcmp(p, "null", 4))
		return *which = -1, 4;
	return 0;
}

static inline bool key_is(const struct fkey *f, const char *k, size_t n)
{
	if (f->len != n || f->name[0] != k[0])
		return false;
	for (size_t i = 1; i < n; i++)
		if (f->name[i] != k[i])
			return false;
	return true;
}

static const struct fkey *lookup(const char *k, size_t n)
{
	/* on from the last key met (records keep the order, leaving some
	 * out), then from the start */
	for (int i = F.hint; i < (int)NKEYS; i++)
		if (key_is(&keys[i], k, n)) {
			F.hint = i + 1;
			return &keys[i];
		}
	for (int i = 0; i < F.hint && i < (int)NKEYS; i++)
		if (key_is(&keys[i], k, n)) {
			F.hint = i + 1;
			return &keys[i];
		}
	return NULL;
}

/* The key at p (its opening quote) when it is one of the known keys
 * from the one after the last met on, in order: records as agent-events
 * and agent-tag write them name their keys so, some left out.  The bytes
 * of the name followed by '":' are that key and no other (a name holds no
 * quote or backslash).  NULL: look it up the long way (key, lookup). */
/* kpat[NKEYS]: no key, a pattern nothing matches (mask 0, bits 1) */
static struct { uint64_t w[2], m[2]; } kpat[NKEYS + 1] = {[NKEYS] = {{1, 1}, {0, 0}}};

static void kpat_init(void)
{
	for (size_t i = 0; i < NKEYS; i++) {
		unsigned char b[16] = {0}, m[16] = {0};
		size_t l = keys[i].len;
		b[0] = '"';
		memcpy(b + 1, keys[i].name, l);
		b[l + 1] = '"';
		b[l + 2] = ':';
		memset(m, 0xff, l + 3);
		memcpy(kpat[i].w, b, 16);
		memcpy(kpat[i].m, m, 16);
	}
}

static inline const struct fkey *key_next(const char *p, const char *e, const char **after)
{
	_Static_assert(sizeof "subagent_type\":" - 1 <= 16, "every key with its quotes fits 16 bytes");
	_Static_assert(NKEYS < 255, "a key's index fits seq");
	if (e - p < 16) {
		size_t room = (size_t)(e - p);
		for (int i = F.hint; i < (int)NKEYS; i++) {
			const struct fkey *f = &keys[i];
			if (room >= (size_t)f->len + 3 && p[f->len + 1] == '"' && p[f->len + 2] == ':' &&
			    !memcmp(p + 1, f->name, f->len)) {
				F.hint = i + 1;
				*after = p + f->len + 3;
				return f;
			}
		}
		return NULL;
	}
	uint64_t a, b;
	memcpy(&a, p, 8);
	memcpy(&b, p + 8, 8);
	/* (the key at this place in the last record of the kind was tried) */
	uint8_t *guess = F.place < NPLACE ? &F.seq[F.cls][F.place] : NULL;
	for (int i = F.hint; i < (int)NKEYS; i++)
		if ((a & kpat[i].m[0]) == kpat[i].w[0] && (b & kpat[i].m[1]) == kpat[i].w[1]) {
			F.hint = i + 1;
			if (guess)
				*guess = (uint8_t)i;
			*after = p + keys[i].len + 3;
			return &keys[i];
		}
	return NULL;
}

/* A key at p (its opening quote): the text after its ':', or NULL. */
static const char *key(const char *p, const char *e, const char **k, size_t *n)
{
	if (p >= e || *p != '"')
		return NULL;
	const char *q = jscan_stop(p + 1, e);
	if (q >= e || *q != '"' || q + 1 >= e || q[1] != ':')
		return NULL;
	*k = p + 1;
	*n = (size_t)(q - p - 1);
	return q + 2;
}

static int64_t count(int64_t v)
{
	return v > (INT64_C(1) << 40) ? INT64_C(1) << 40 : v;
}

static int64_t *tok_field(struct tokens *t, const char *k, size_t n)
{
#define IS(lit) (n == sizeof lit - 1 && !memcmp(k, lit, n))
	return IS("input") ? &t->input : IS("cache_read") ? &t->cache_read :
		IS("cache_write") ? &t->cache_write : IS("cache_write_1h") ? &t->cache_write_1h :
		IS("output") ? &t->output : IS("reasoning") ? &t->reasoning : NULL;
#undef IS
}

static uint16_t tag_field(const char *k, size_t n)
{
#define IS(lit) (n == sizeof lit - 1 && !memcmp(k, lit, n))
	return IS("session") ? offsetof(struct event, tag_session) :
		IS("prompt") ? offsetof(struct event, tag_prompt) :
		IS("llm") ? offsetof(struct event, tag_llm) : 0;
#undef IS
}

/* A scalar member value of no interest at p: past it, or NULL. */
static const char *skip_scalar(const char *p, const char *e)
{
	int w;
	int64_t v;
	bool esc = false;
	size_t l;
	if (*p == '"') {
		const char *q = str_end(p + 1, e, &esc);
		return q ? q + 1 : NULL;
	}
	if ((l = literal(p, e, &w)))
		return p + l;
	return integer(p, e, &v);
}

/* The value at p of a member whose key the record's kind does not need
 * (evf_need): past it when it is a string, an array of strings, a plain
 * integer or a literal, each as value() would take it, nothing noted;
 * else NULL, for value() (an object, a line to leave to jparse).  What
 * it passes is JSON, which is all that jparse and ev_read would ask of
 * a member whose field is not read. */
static inline const char *skip_value(const char *p, const char *e)
{
	bool esc = false;
	const char *q;
	int64_t v;
	if (*p == '"')
		return (q = str_end(p + 1, e, &esc)) ? q + 1 : NULL;
	if ((unsigned)(*p - '0') < 10)
		return integer(p, e, &v);       /* (an integer's first) */
	if (*p != '[')
		return skip_scalar(p, e);
	if (++p < e && *p == ']')
		return p + 1;
	for (;;) {
		if (p >= e || *p != '"' || !(q = str_end(p + 1, e, &esc)))
			return NULL;
		p = q + 1;
		if (p < e && *p == ']')
			return p + 1;
		if (p >= e || *p++ != ',')
			return NULL;
	}
}

/* After a value at *pp in a container that close ends: 1 with *pp past
 * that bracket, 0 with *pp past the ',' before the next value, -1 for
 * anything else. */
static inline int next(const char **pp, const char *e, char close)
{
	const char *p = *pp;
	if (p >= e || (*p != close && *p != ','))
		return -1;
	*pp = p + 1;
	return *p == close;
}

/* tokens, for the object as agent-events writes it: the six counts in
 * their order, plain integers.  NULL: anything else, for tokens. */
static const char *tokens_six(const char *p, const char *e, struct tokens *t)
{
	int64_t v;
	/* the key, its count and what follows (constant lengths: memcmp inline) */
#define TK(name, f, after) \
	if ((size_t)(e - p) < sizeof "\"" name "\":" - 1 || \
	    memcmp(p, "\"" name "\":", sizeof "\"" name "\":" - 1) || \
	    !(p = integer(p + sizeof "\"" name "\":" - 1, e, &v)) || *p != (after)) \
		return NULL; \
	t->f = count(v); \
	p++;
	p++;
	TK("input", input, ',')
	TK("cache_read", cache_read, ',')
	TK("cache_write", cache_write, ',')
	TK("cache_write_1h", cache_write_1h, ',')
	TK("output", output, ',')
	TK("reasoning", reasoning, '}')
#undef TK
	return p;
}

/* "tokens":{...}: the six counts from this object alone, the last of a
 * repeated key counting; strings (which ev_read would read as numbers)
 * are left to it. */
static const char *tokens(const char *p, const char *e, struct event *ev)
{
	struct tokens *t = &ev->tokens;
	memset(t, 0, sizeof *t);
	ev->has_tokens = true;
	const char *fast = tokens_six(p, e, t);
	if (fast)
		return fast;
	memset(t, 0, sizeof *t);
	if (++p < e && *p == '}')
		return p + 1;
	for (;;) {
		const char *k;
		size_t n;
		int64_t v;
		int w;
		size_t l;
		if (!(p = key(p, e, &k, &n)) || p >= e)
			return NULL;
		int64_t *f = tok_field(t, k, n);
		if (*p >= '0' && *p <= '9') {
			if (!(p = integer(p, e, &v)))
				return NULL;
			if (f)
				*f = count(v);
		} else if ((l = literal(p, e, &w))) {
			p += l;
			if (f)
				*f = 0;
		} else if (f || !(p = skip_scalar(p, e))) {
			return NULL;
		}
		int end = next(&p, e, '}');
		if (end)
			return end > 0 ? p : NULL;
	}
}

/* tags, for the object as agent-tag writes it: some of the three tags,
 * strings, in their order.  NULL, with nothing changed: anything else. */
static const char *tags_in_order(const char *p, const char *e, struct event *ev)
{
	static const uint16_t off[3] = {offsetof(struct event, tag_session),
		offsetof(struct event, tag_prompt), offsetof(struct event, tag_llm)};
	struct { const char *s; size_t n; bool esc; } v[3] = {{0}};
	size_t i = 0;
#define IS(lit) ((size_t)(e - p) >= sizeof lit - 1 && !memcmp(p, lit, sizeof lit - 1))
	for (p++;;) {
		size_t kl;
		if (i < 1 && IS("\"session\":\""))
			i = 0, kl = 11;
		else if (i < 2 && IS("\"prompt\":\""))
			i = 1, kl = 10;
		else if (IS("\"llm\":\""))
			i = 2, kl = 7;
		else
			return NULL;
#undef IS
		const char *q = str_end(p + kl, e, &v[i].esc);
		if (!q || v[i].s)
			return NULL;
		v[i].s = p + kl;
		v[i].n = (size_t)(q - v[i].s);
		p = q + 1;
		i++;
		if (p < e && *p == '}')
			break;
		if (p >= e || *p != ',' || i == 3)
			return NULL;
		p++;
	}
	for (i = 0; i < 3; i++) {
		set_str(ev, off[i], v[i].s);
		if (v[i].s)
			str_note(v[i].s, v[i].n, v[i].esc, W_STR);
	}
	return p + 1;
}

/* "tags":{...}: each of the three tags from this object alone. */
static const char *tags(const char *p, const char *e, struct event *ev)
{
	const char *fast = tags_in_order(p, e, ev);
	if (fast)
		return fast;
	ev->tag_session = ev->tag_prompt = ev->tag_llm = NULL;
	if (++p < e && *p == '}')
		return p + 1;
	for (;;) {
		const char *k;
		size_t n;
		int w;
		size_t l;
		if (!(p = key(p, e, &k, &n)) || p >= e)
			return NULL;
		uint16_t f = tag_field(k, n);
		if (*p == '"') {
			bool esc = false;
			const char *q = str_end(p + 1, e, &esc);
			if (!q)
				return NULL;
			if (f) {
				set_str(ev, f, p + 1);
				str_note(p + 1, (size_t)(q - p - 1), esc, W_STR);
			}
			p = q + 1;
		} else if (f && (l = literal(p, e, &w))) {
			set_str(ev, f, NULL);
			p += l;
		} else if (!(p = skip_scalar(p, e))) {
			return NULL;
		} else if (f) {
			set_str(ev, f, NULL);   /* a number */
		}
		int end = next(&p, e, '}');
		if (end)
			return end > 0 ? p : NULL;
	}
}

/* An array of strings, for a key that holds one. */
static const char *array(const struct fkey *f, const char *p, const char *e)
{
	if (F.narr == F.caparr) {
		F.caparr = F.caparr ? 2 * F.caparr : 8;
		F.arr = xrealloc(F.arr, F.caparr * sizeof *F.arr);
	}
	struct arr *a = &F.arr[F.narr++];
	*a = (struct arr){(uint32_t)F.nvec, 0, f->off, f->noff, false};
	if (!F.capvec) {        /* an empty array is not NULL */
		F.capvec = 64;
		F.vec = xrealloc(F.vec, F.capvec * sizeof *F.vec);
	}
	if (++p < e && *p == ']')
		return p + 1;
	for (;;) {
		bool esc = false;
		const char *q;
		if (p >= e || *p != '"' || !(q = str_end(p + 1, e, &esc)))
			return NULL;
		if (F.nvec == F.capvec) {
			F.capvec = F.capvec ? 2 * F.capvec : 64;
			F.vec = xrealloc(F.vec, F.capvec * sizeof *F.vec);
		}
		F.vec[F.nvec++] = p + 1;
		a->n++;
		str_note(p + 1, (size_t)(q - p - 1), esc, W_STR);
		p = q + 1;
		int end = next(&p, e, ']');
		if (end)
			return end > 0 ? p : NULL;
	}
}

static void arr_null(const struct fkey *f)
{
	if (F.narr == F.caparr) {
		F.caparr = F.caparr ? 2 * F.caparr : 8;
		F.arr = xrealloc(F.arr, F.caparr * sizeof *F.arr);
	}
	F.arr[F.narr++] = (struct arr){0, 0, f->off, f->noff, true};
}

/* The value of member f (NULL: a key of no interest) at p. */
static const char *value(const struct fkey *f, const char *p, const char *e, struct event *ev)
{
	int t = f ? f->type : -1, w = 0;
	int64_t v = 0;
	size_t l;
	if (p >= e)
		return NULL;
	if (t == T_TS && *p == '"') {
		int64_t ts = ts_minute(p + 1, e);
		if (ts != TS_NONE) {
			F.ts = -1;
			ev->ts = ts;
			return p + 26;
		}
	}
	if (*p == '"') {
		bool esc = false;
		const char *q = str_end(p + 1, e, &esc);
		if (!q)
			return NULL;
		size_t n = (size_t)(q - p - 1);
		switch (t) {
		case T_STR:
			set_str(ev, f->off, p + 1);
			str_note(p + 1, n, esc, W_STR);
			if (f->off == offsetof(struct event, kind)) {
				/* a kind after members passed over for another
				 * kind's needs: left to jparse, as rare as it is */
				if (F.skipped)
					return NULL;
				F.kind = true;
				F.cls = n ? ((unsigned char)p[1] + (unsigned)n) % NCLASS : 0;
				F.need = nneeds && !esc ? need_of(p + 1, n) : ALL_KEYS;
			}
			break;
		case T_TEXT:
			ev->text = p + 1;
			ev->text_len = n;
			F.text = esc ? (int)F.nesc : -1;
			str_note(p + 1, n, esc, W_TEXT);
			break;
		case T_TS:
			if (esc) {      /* read once unescaped */
				F.ts = (int)F.nesc;
				str_note(p + 1, n, esc, W_TS);
			} else {
				F.ts = -1;
				ev->ts = ts_read(p + 1, n);
			}
			break;
		case T_INT: case T_DUR: return NULL;    /* a number in a string */
		case T_UPDATE: ev->update = false; break;
		case T_ARR: arr_null(f); break;
		default: break;                         /* tokens, tags: not objects */
		}
		return q + 1;
	}
	if (*p == '[')
		return t == T_ARR ? array(f, p, e) : NULL;
	if (*p == '{')
		return t == T_TOKENS ? tokens(p, e, ev) : t == T_TAGS ? tags(p, e, ev) : NULL;
	const char *q;
	if ((l = literal(p, e, &w)))
		q = p + l;
	else if (!(q = integer(p, e, &v)))
		return NULL;
	bool num = !l;
	switch (t) {
	case T_STR:
		set_str(ev, f->off, NULL);
		if (f->off == offsetof(struct event, kind))
			F.kind = false;
		break;
	case T_TEXT: ev->text = NULL; break;
	case T_TS: F.ts = -1; ev->ts = TS_NONE; break;
	case T_INT: *(int64_t *)((char *)ev + f->off) = num ? v : EV_NONE; break;
	case T_DUR: ev->duration_ms = num ? count(v) : EV_NONE; break;
	case T_UPDATE: ev->update = !num && w == 1; break;
	case T_ARR: arr_null(f); break;
	default: break;
	}
	return q;
}

/* The members a record of a kind begins with repeat from one record to
 * the next: its kind, agent and session (and subagent and subagent_type,
 * when it has them) are the last record's of that kind, byte for byte,
 * session after session.  The leading members of each kind's last record
 * whose values are plain strings (no escape) are kept, as bytes and as
 * what reading them left: a line that begins with the same bytes gets
 * their fields from the copy and is read on from there.  Reading those
 * bytes again would set the same fields and leave the same state (the
 * key after the last met, the kind's class, the member's place): the
 * reader's other state (the keys predicted, the minute of the last
 * timestamp) only makes it faster.  By the byte after '{"kind":"', the
 * kind's first letter. */
#define NPRE 5          /* kind, agent, session, subagent, subagent_type:
                         * the first five keys */
static struct pre {
	uint32_t n;             /* bytes: '{' to the ',' after the last member; 0 none */
	uint32_t at[NPRE];      /* the fields' strings in z, 0 none */
	uint64_t need;          /* the kind's (F.need) */
	unsigned cls, place;
	int hint;
	char *raw, *z;          /* the bytes, and with the strings ended */
	size_t cap;
} pre[32];

static inline struct pre *pre_of(const char *line, size_t len)
{
	return len > 10 && !memcmp(line + 1, "\"kind\":\"", 8) ? &pre[(unsigned char)line[9] & 31]
		: NULL;
}

/* Keep line[0..n) (its prefix members read, strings ended) for pre_of;
 * v: the five fields as they were then, cls, place and hint the state. */
static void pre_keep(struct pre *m, const char *line, size_t n, const char *const *v,
	unsigned cls, unsigned place, int hint, uint64_t need)
{
	if (n > m->cap) {
		m->cap = n < 256 ? 256 : n;
		free(m->raw);
		free(m->z);
		m->raw = xmalloc(m->cap);
		m->z = xmalloc(m->cap);
	}
	memcpy(m->z, line, n);
	for (size_t i = 0; i < n; i++)
		m->raw[i] = line[i] ? line[i] : '"';    /* the closing quotes made NULs */
	for (int i = 0; i < NPRE; i++)
		m->at[i] = v[i] ? (uint32_t)(v[i] - line) : 0;
	m->n = (uint32_t)n;
	m->cls = cls;
	m->place = place;
	m->hint = hint;
	m->need = need;
}

/* The members of line[0..len) read into e, strings ended where they
 * have no escapes: false when the line is to be left to jparse. */
static bool members(char *line, size_t len, struct event *e)
{
	const char *p = line, *end = line + len;
	ev_init(e);
	F.line = F.last = line;
	F.nesc = F.narr = F.nvec = 0;
	F.kind = F.skipped = false;
	F.need = ALL_KEYS;
	F.ts = F.text = -1;
	F.cls = 1;      /* no kind's: before "kind" */
	p++;
	int hint = 0;   /* F.hint, kept here */
	unsigned place = 0;
	/* the prefix of the last record of the kind, or this record's to keep */
	struct pre *m = pre_of(line, len);
	const char *v[NPRE] = {0};
	size_t pn = 0;
	unsigned pplace = 0, pcls = 0;
	int phint = 0;
	uint64_t pneed = ALL_KEYS;
	if (m && m->n && len > m->n && !memcmp(line, m->raw, m->n)) {
		for (int i = 0; i < NPRE; i++)
			if (m->at[i])
				set_str(e, keys[i].off, m->z + m->at[i]);
		F.kind = true;
		F.cls = m->cls;
		F.need = m->need;
		place = m->place;
		hint = m->hint;
		p = line + m->n;
		m = NULL;
	}
	const uint8_t *row = F.seq[F.cls];
	/* the keys not needed, bit i + 1 for keys[i]: a key met is
	 * keys[hint - 1] */
	uint64_t skip = ~F.need << 1;
	for (;; place++) {
		const struct fkey *f = NULL;
		/* the key at this place in the last record of the kind (NKEYS:
		 * none, whose pattern matches nothing) */
		unsigned g = place < NPLACE ? row[place] : NKEYS;
		if (end - p >= 16) {
			uint64_t a, b;
			memcpy(&a, p, 8);
			memcpy(&b, p + 8, 8);
			if ((a & kpat[g].m[0]) == kpat[g].w[0] && (b & kpat[g].m[1]) == kpat[g].w[1]) {
				f = &keys[g];
				p += f->len + 3;
				hint = (int)g + 1;
			}
		}
		if (!f) {
			const char *k, *vp;
			size_t n;
			F.place = place;
			F.hint = hint;
			f = p < end && *p == '"' ? key_next(p, end, &vp) : NULL;
			if (f)
				p = vp;
			else if ((p = key(p, end, &k, &n)))
				f = lookup(k, n);
			hint = F.hint;
		}
		/* a member the kind does not need: only checked */
		const char *q;
		if (p && f && (skip >> hint & 1) && (q = skip_value(p, end)))
			p = q, F.skipped = true;
		else if (!p || !(p = value(f, p, end, e)))
			return false;
		if (p >= end)
			return false;
		if (f == keys) {
			row = F.seq[F.cls];     /* "kind": its class known */
			skip = ~F.need << 1;
		}
		if (m) {
			/* one of the five, a plain string (its closing quote made
			 * a NUL), then a member: the prefix goes on */
			if (f && f < keys + NPRE && p[-1] == 0 && *p == ',') {
				for (int i = 0; i < NPRE; i++)
					v[i] = *(const char *const *)((const char *)e + keys[i].off);
				pn = (size_t)(p + 1 - line);
				pcls = F.cls;
				pplace = place + 1;
				phint = hint;
				pneed = F.need;
			} else {
				if (pn)
					pre_keep(m, line, pn, v, pcls, pplace, phint, pneed);
				m = NULL;
			}
		}
		if (*p == '}')
			return p + 1 == end && F.kind;  /* no kind: ev_read says so */
		if (*p++ != ',')
			return false;
	}
}

int evf_read(char *line, size_t len, struct event *e)
{
	if (len < 2 || line[0] != '{' || line[len - 1] != '}' || line[1] == '}')
		return 0;
	if (!kpat[0].m[0]) {
		kpat_init();
		memset(F.seq, NKEYS, sizeof F.seq);
	}
	if (!members(line, len, e)) {
		for (char *z = line; z < F.last && (z = memchr(z, 0, (size_t)(F.last - z))); )
			*z++ = '"';
		if (F.last > line)
			*F.last = '"';
		return 0;
	}
	/* the line is ours: strings unescaped, arrays in place */
	for (size_t i = 0; i < F.nesc; i++) {
		char *s = line + F.esc[i].start;
		size_t n = unescape(s, F.esc[i].len);
		s[n] = 0;
		if (F.esc[i].what == W_TEXT && F.text == (int)i)
			e->text_len = n;   /* (a null text after it keeps it, as in ev_read) */
		else if (F.esc[i].what == W_TS && F.ts == (int)i)
			e->ts = ts_read(s, n);
	}
	for (size_t i = 0; i < F.narr; i++) {
		const struct arr *a = &F.arr[i];
		*(const char ***)((char *)e + a->off) = a->null ? NULL : F.vec + a->first;
		*(int *)((char *)e + a->noff) = a->null ? 0 : (int)a->n;
	}
	return 1;
}

void evf_need(const char *kind, const char *names)
{
	size_t kl = strlen(kind);
	int i = 0;
	while (i < nneeds && (needs[i].len != kl || memcmp(needs[i].kind, kind, kl)))
		i++;
	if (i == nneeds) {
		if (!names)
			return;
		if (nneeds == NNEED || kl >= sizeof needs[i].kind)
			die(2, "evf_need: no room for kind %s", kind);
		nneeds++;
		memcpy(needs[i].kind, kind, kl + 1);
		needs[i].len = kl;
	}
	if (!names) {
		needs[i] = needs[--nneeds];
	} else {
		/* the leading members that pre keeps, always */
		uint64_t k = ((uint64_t)1 << NPRE) - 1;
		for (const char *p = names; *p; ) {
			size_t n = strcspn(p, " ");
			size_t j = 0;
			while (j < NKEYS && !(keys[j].len == n && !memcmp(keys[j].name, p, n)))
				j++;
			if (n && j == NKEYS)
				die(2, "evf_need: no key %.*s", (int)n, p);
			if (n)
				k |= (uint64_t)1 << j;
			p += n + (p[n] == ' ');
		}
		needs[i].keys = k;
	}
	/* the prefixes kept hold the needs they were read with */
	for (size_t j = 0; j < sizeof pre / sizeof *pre; j++)
		pre[j].n = 0;
}

int evf_next(struct lreader *r, struct jdoc *d, struct event *e)
{
	char *line;
	size_t len;
	/* lr_next_nonblank, a record's '{' taken for the nonblank byte it is */
	while (lr_next(r, &line, &len)) {
		if (!len || line[0] != '{') {
			size_t i = 0;
			while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
				i++;
			if (i == len)
				continue;
		}
		if (evf_read(line, len, e) || ev_line(r, line, len, d, e))
			return 1;
	}
	return 0;
}
