/* SPDX-License-Identifier: MIT */
/* events.c: the emitter shared by agent-events' adapters. */
#include <stdlib.h>
#include <string.h>
#include "agent.h"
#include "events.h"

static _Thread_local const char **kindv;      /* ev_emit's array of an llm record's kinds */
static _Thread_local int kindcap;
/* The context of the file this thread reads ahead, when it does. */
static _Thread_local struct ev_ctx *spec_ctx;

/* The tables a file's reading may find filled by the files before it. */
enum { M_CALL, M_MSG, M_TOOL, M_PROMPT, M_CALLS, M_LINK, M_MARKS, M_N };

/* The sets among them (a map is M_CALLS or M_LINK). */
static struct hset *set_of(struct ev_ctx *c, unsigned map)
{
	switch (map) {
	case M_CALL: return &c->seen_call;
	case M_MSG: return &c->seen_msg;
	case M_TOOL: return &c->seen_tool;
	case M_PROMPT: return &c->seen_prompt;
	case M_MARKS: return &c->marks;
	default: return NULL;
	}
}

static struct hmap *map_of(struct ev_ctx *c, unsigned map)
{
	return map == M_CALLS ? &c->calls : map == M_LINK ? &c->link : NULL;
}

/* Reading ahead: key was not in table map of this file's context. */
static void missed(struct ev_ctx *c, unsigned map, uint64_t key)
{
	if (!c->spec)
		return;
	if (c->nmiss == c->capmiss) {
		c->capmiss = c->capmiss ? 2 * c->capmiss : 256;
		c->miss = xrealloc(c->miss, c->capmiss * sizeof *c->miss);
	}
	c->miss[c->nmiss].map = map;
	c->miss[c->nmiss++].key = key;
}

void ev_ctx_init(struct ev_ctx *c)
{
	memset(c, 0, sizeof *c);
	c->since = c->until = TS_NONE;
}

void ev_ctx_free(struct ev_ctx *c)
{
	hs_free(&c->seen_call);
	hs_free(&c->seen_msg);
	hs_free(&c->seen_tool);
	hs_free(&c->seen_prompt);
	hm_free(&c->link);
	hm_free(&c->calls);
	hs_free(&c->marks);
	free(c->miss);
	if (spec_ctx == c)
		spec_ctx = NULL;
	free(c->callv);
	sb_free(&c->callstr);
	for (size_t i = 0; i < c->nlinks; i++)
		free(c->links[i]);
	free(c->links);
	sb_free(&c->pending_session);
	free(kindv);
	kindv = NULL;
	kindcap = 0;
}

void ev_ctx_reset(struct ev_ctx *c)
{
	hs_clear(&c->seen_call);
	hs_clear(&c->seen_msg);
	hs_clear(&c->seen_tool);
	hs_clear(&c->seen_prompt);
	hm_clear(&c->link);
	hm_clear(&c->calls);
	hs_clear(&c->marks);
	for (size_t i = 0; i < c->nlinks; i++)
		free(c->links[i]);
	struct ev_ctx k = *c;
	memset(c, 0, sizeof *c);
	c->since = c->until = TS_NONE;
	c->seen_call = k.seen_call;
	c->seen_msg = k.seen_msg;
	c->seen_tool = k.seen_tool;
	c->seen_prompt = k.seen_prompt;
	c->link = k.link;
	c->calls = k.calls;
	c->marks = k.marks;
	c->links = k.links;     /* grown by one a link: kept as it is */
	c->callv = k.callv;
	c->capcalls = k.capcalls;
	c->callstr = k.callstr;
	sb_reset(&c->callstr);
	c->pending_session = k.pending_session;
	sb_reset(&c->pending_session);
	c->miss = k.miss;
	c->capmiss = k.capmiss;
}

static bool in_time(const struct ev_ctx *c, int64_t ts)
{
	if (c->since == TS_NONE && c->until == TS_NONE)
		return true;
	if (ts == TS_NONE)
		return false;
	return (c->since == TS_NONE || ts >= c->since) && (c->until == TS_NONE || ts < c->until);
}

static bool selected(struct ev_ctx *c, const char *json, size_t len)
{
	/* the line without its newline */
	return !c->select || c->select_match(c->select, json, len - 1);
}

/* The pending session record: always before a record of its session
 * that passed the filters (downstream tools need its cwd and agent); on
 * its own only when it matches --select itself. */
static void flush_session(struct ev_ctx *c, bool alone)
{
	struct sbuf *p = &c->pending_session;
	if (!p->len)
		return;
	if (!alone || selected(c, p->p, p->len)) {
		sb_add(&stdout_sb, p->p, p->len);
		c->written++;
	}
	sb_reset(p);
}

void ev_session(struct ev_ctx *c, const struct event *e)
{
	sb_reset(&c->pending_session);
	ev_write(&c->pending_session, e, c->wflags);
	c->pending_ts = e->ts;
}

/* The kind's name of an agent's tool.  Records name the same few tools
 * over and over: the last answers are kept, by the names' bytes (the
 * lookup is a function of them alone), two to a set (with one, two
 * names of a set taking turns -- cursor-agent's Read and Shell -- missed
 * at each record).  A miss replaces the slot not found last (a hit in the
 * first leaves that as it was: the common case costs one compare). */
#define KIND_SETS 8
static _Thread_local struct kind_memo {
	bool valid, has_agent;
	unsigned char al, tl;
	char agent[32], tool[64];
	const char *kind;
} kind_memo[KIND_SETS][2];
static _Thread_local unsigned char kind_old[KIND_SETS];   /* the slot to replace */

static inline bool kind_hit(const struct kind_memo *k, const char *agent, size_t al,
	const char *tool, size_t tl)
{
	return k->valid && k->has_agent == !!agent && k->al == al && k->tl == tl &&
		mem_eq_short(k->tool, tool, tl) && mem_eq_short(k->agent, agent ? agent : "", al);
}

static const char *kind_of(const char *agent, const char *tool)
{
	if (!tool)
		return tool_kind_name(agent_tool_kind(agent, tool));
	size_t al = agent ? strlen(agent) : 0, tl = strlen(tool);
	if (!tl || al >= sizeof kind_memo[0]->agent || tl >= sizeof kind_memo[0]->tool)
		return tool_kind_name(agent_tool_kind(agent, tool));
	unsigned set = (unsigned)(tl * 7 + (unsigned char)tool[0] +
		(al ? (unsigned char)agent[al - 1] : 0)) % KIND_SETS;
	struct kind_memo *k = kind_memo[set];
	if (kind_hit(k, agent, al, tool, tl))
		return k->kind;
	if (kind_hit(k + 1, agent, al, tool, tl)) {
		kind_old[set] = 0;
		return k[1].kind;
	}
	k += kind_old[set];
	kind_old[set] ^= 1;
	k->kind = tool_kind_name(agent_tool_kind(agent, tool));
	k->valid = true;
	k->has_agent = agent != NULL;
	k->al = (unsigned char)al;
	k->tl = (unsigned char)tl;
	memcpy(k->agent, agent ? agent : "", al);
	memcpy(k->tool, tool, tl);
	return k->kind;
}

/* The record with the kind of each tool name it carries, from its agent's
 * table: the adapters name tools, the kinds are added here (given to
 * ev_write_kinds beside the record, not in a copy of it). */
void ev_emit(struct ev_ctx *c, const struct event *e)
{
	if (!in_time(c, e->ts)) {
		c->filtered++;
		return;
	}
	const char *tool_kind = e->tool_kind, **tool_kinds = e->tool_kinds;
	int ntool_kinds = e->ntool_kinds;
	if (e->tool && !e->tool_kind) {
		tool_kind = kind_of(e->agent, e->tool);
	} else if (e->tools && !e->tool_kinds) {
		if (e->ntools > kindcap) {
			kindcap = e->ntools * 2;
			kindv = xrealloc(kindv, sizeof *kindv * (size_t)kindcap);
		}
		for (int i = 0; i < e->ntools; i++)
			kindv[i] = kind_of(e->agent, e->tools[i]);
		tool_kinds = kindv;
		ntool_kinds = e->ntools;
	}
	size_t mark = stdout_sb.len;
	ev_write_kinds(&stdout_sb, e, c->wflags, tool_kind, tool_kinds, ntool_kinds);
	if (!selected(c, stdout_sb.p + mark, stdout_sb.len - mark)) {
		stdout_sb.len = mark;
		stdout_sb.p[mark] = 0;
		c->filtered++;
		return;
	}
	if (c->pending_session.len) {
		/* the session record goes first: move this record behind it */
		size_t n = stdout_sb.len - mark;
		char *rec = xstrndup(stdout_sb.p + mark, n);
		stdout_sb.len = mark;
		flush_session(c, false);
		sb_add(&stdout_sb, rec, n);
		free(rec);
	}
	c->written++;
	out_maybe_flush();
}

void ev_file_done(struct ev_ctx *c)
{
	if (c->pending_session.len && c->since == TS_NONE && c->until == TS_NONE)
		flush_session(c, true);
	sb_reset(&c->pending_session);
	out_maybe_flush();
}

const struct jnode *ev_parse_line(struct lreader *r, struct jdoc *d, const char *line, size_t len)
{
	if (jparse(d, line, len) < 0) {
		if (r->partial)
			lr_note(r, "partial", "incomplete last line (a session still being written?); skipped");
		else
			lr_warn(r, "json", "not JSON: %s", d->err);
		return NULL;
	}
	const struct jnode *o = jroot(d);
	if (o->type != J_OBJ) {
		lr_warn(r, "notobj", "not a JSON object; skipped");
		return NULL;
	}
	if (d->badutf8)
		lr_warn(r, "utf8", "invalid UTF-8 replaced by U+FFFD");
	return o;
}

uint64_t ev_seen_key(const char *a, const char *b)
{
	uint64_t h = hash64(a, strlen(a), 0x5eed);
	return b ? hash64(b, strlen(b), h) : h;
}

bool ev_seen(struct hset *m, const char *a, const char *b)
{
	return ev_seen_h(m, ev_seen_key(a, b));
}

bool ev_seen_h(struct hset *m, uint64_t h)
{
	bool ins = hs_put(m, h);
	if (ins && spec_ctx)
		for (unsigned t = M_CALL; t <= M_PROMPT; t++)
			if (m == set_of(spec_ctx, t))
				missed(spec_ctx, t, h);
	return !ins;
}

void ev_seen_prefetch(const struct hset *m, const char *a, size_t n)
{
	hs_prefetch(m, hash64(a, n, 0x5eed));
}

void ev_seen_prefetch2(const struct hset *m, const char *a, const char *b, size_t bn)
{
	if (m->cap)
		hs_prefetch(m, hash64(b, bn, hash64(a, strlen(a), 0x5eed)));
}

static void link_put_hash(struct ev_ctx *c, uint64_t h, const char *value)
{
	bool ins;
	int64_t *v = hm_put(&c->link, h, &ins);
	if (!ins) {
		free(c->links[*v]);
		c->links[*v] = xstrdup(value);
		return;
	}
	c->links = xrealloc(c->links, sizeof *c->links * (c->nlinks + 1));
	c->links[c->nlinks] = xstrdup(value);
	*v = (int64_t)c->nlinks++;
}

void ev_link_put(struct ev_ctx *c, const char *key, const char *value)
{
	link_put_hash(c, hash64(key, strlen(key), 0x11), value);
}

const char *ev_link_get(struct ev_ctx *c, const char *key)
{
	uint64_t h = hash64(key, strlen(key), 0x11);
	int64_t *v = hm_get(&c->link, h);
	if (!v)
		missed(c, M_LINK, h);
	return v ? c->links[*v] : NULL;
}

void ev_mark_put(struct ev_ctx *c, uint64_t key)
{
	if (c->marks.n < EV_MARKS)
		hs_put(&c->marks, key);
}

void ev_mark_prefetch(struct ev_ctx *c, uint64_t key)
{
	hs_prefetch(&c->marks, key);
}

bool ev_mark_has(struct ev_ctx *c, uint64_t key)
{
	if (hs_has(&c->marks, key))
		return true;
	missed(c, M_MARKS, key);
	return false;
}

/* A git host in a context read ahead: "\1", not set by its file. */
#define GIT_UNSET '\1'

const char *ev_git_host(struct ev_ctx *c)
{
	if (c->git_host[0] == GIT_UNSET) {
		c->git_inherited = true;
		return "";
	}
	return c->git_host;
}

/* --- model calls seen in several files -------------------------------------- */

uint64_t ev_call_key(const char *a, const char *b)
{
	uint64_t h = hash64(a, strlen(a), 0xca11);
	return b ? hash64(b, strlen(b), h) : h;
}

bool ev_call_known(struct ev_ctx *c, const char *a, const char *b)
{
	return ev_call_known_h(c, ev_call_key(a, b));
}

bool ev_call_known_h(struct ev_ctx *c, uint64_t h)
{
	if (hm_get(&c->calls, h))
		return true;
	missed(c, M_CALLS, h);
	return false;
}

void ev_call_prefetch(struct ev_ctx *c, const char *a, const char *b)
{
	ev_call_prefetch_h(c, ev_call_key(a, b));
}

void ev_call_prefetch_h(struct ev_ctx *c, uint64_t h)
{
	hm_prefetch(&c->calls, h);
}

/* the strings v[0..n), each NUL-ended ("" for NULL), in one growth */
static void put_strs(struct sbuf *b, const char *const *v, int n)
{
	size_t l[8], need = 0;
	for (int i = 0; i < n; i++)
		need += (l[i] = v[i] ? strlen(v[i]) : 0) + 1;
	sb_grow(b, need);
	char *p = b->p + b->len;
	for (int i = 0; i < n; i++) {
		if (l[i])
			memcpy(p, v[i], l[i]);
		p[l[i]] = 0;
		p += l[i] + 1;
	}
	*p = 0;         /* an sbuf ends with a NUL past its length */
	b->len += need;
}

void ev_call_first(struct ev_ctx *c, const char *a, const char *b, const struct event *e)
{
	ev_call_first_h(c, ev_call_key(a, b), e);
}

void ev_call_first_h(struct ev_ctx *c, uint64_t h, const struct event *e)
{
	bool ins;
	int64_t *v = hm_put(&c->calls, h, &ins);
	if (!ins) {             /* the caller asked ev_call_known first */
		ev_call_copy_h(c, h, &e->tokens);
		return;
	}
	missed(c, M_CALLS, h);
	if (c->ncalls == c->capcalls) {
		c->capcalls = c->capcalls ? c->capcalls * 2 : 256;
		c->callv = xrealloc(c->callv, c->capcalls * sizeof *c->callv);
	}
	struct ev_call *k = &c->callv[c->ncalls];
	*v = (int64_t)c->ncalls++;
	memset(k, 0, sizeof *k);
	if (e->has_tokens)
		k->tok = e->tokens;
	k->ts = e->ts;
	k->off = c->callstr.len;
	const char *keys[8] = {e->agent, e->session, e->subagent, e->subagent_type, e->id,
		e->parent, e->prompt, e->model};
	put_strs(&c->callstr, keys, 8);
	uint64_t before = c->written;
	ev_emit(c, e);
	k->written = c->written > before;
}

static int64_t more(int64_t *have, int64_t now)
{
	if (now <= *have)
		return 0;
	int64_t d = now - *have;
	*have = now;
	return d;
}

/* The next NUL-ended string of callstr at *off; NULL when empty. */
static const char *next_str(struct ev_ctx *c, size_t *off)
{
	const char *s = c->callstr.p + *off;
	size_t n = strlen(s);
	*off += n + 1;
	return n ? s : NULL;
}

void ev_call_copy(struct ev_ctx *c, const char *a, const char *b, const struct tokens *t)
{
	ev_call_copy_h(c, ev_call_key(a, b), t);
}

void ev_call_copy_h(struct ev_ctx *c, uint64_t h, const struct tokens *t)
{
	int64_t *v = hm_get(&c->calls, h);
	if (!v) {
		missed(c, M_CALLS, h);
		return;
	}
	struct ev_call *k = &c->callv[*v];
	struct tokens d;
	d.input = more(&k->tok.input, t->input);
	d.cache_read = more(&k->tok.cache_read, t->cache_read);
	d.cache_write = more(&k->tok.cache_write, t->cache_write);
	d.cache_write_1h = more(&k->tok.cache_write_1h, t->cache_write_1h);
	d.output = more(&k->tok.output, t->output);
	d.reasoning = more(&k->tok.reasoning, t->reasoning);
	if (!k->written || !(d.input | d.cache_read | d.cache_write | d.cache_write_1h | d.output | d.reasoning))
		return;
	struct event e;
	size_t off = k->off;
	ev_init(&e);
	e.kind = "llm";
	e.agent = next_str(c, &off);
	e.session = next_str(c, &off);
	e.subagent = next_str(c, &off);
	e.subagent_type = next_str(c, &off);
	e.id = next_str(c, &off);
	e.parent = next_str(c, &off);
	e.prompt = next_str(c, &off);
	e.model = next_str(c, &off);
	e.ts = k->ts;
	e.update = true;
	e.has_tokens = true;
	e.tokens = d;
	ev_emit(c, &e);
}

/* --- reading ahead (agent-events -j) ---------------------------------------- */

void ev_ctx_spec(struct ev_ctx *c)
{
	spec_ctx = c;
	if (!c)
		return;
	c->spec = true;
	c->git_host[0] = GIT_UNSET;
}

/* Is key in c's table map?  Its slot fetched ahead (see ev_ctx_merge). */
static bool has(struct ev_ctx *c, unsigned map, uint64_t key)
{
	const struct hset *s = set_of(c, map);
	return s ? hs_has(s, key) : hm_get(map_of(c, map), key) != NULL;
}

static void fetch(struct ev_ctx *c, unsigned map, uint64_t key)
{
	const struct hset *s = set_of(c, map);
	if (s)
		hs_prefetch(s, key);
	else
		hm_prefetch(map_of(c, map), key);
}

/* How many keys ahead of its probe a key's slot in run's tables (large,
 * seldom in the cache) is fetched: one cache miss after another was most
 * of a merge's time. */
#define MERGE_AHEAD 16

/* Fetch the slot of m that the key of a file's slot fs[i] goes to, if
 * there is such a slot and it holds a key. */
static inline void fetch_slot(const struct hmap *m, const struct hslot *fs, size_t cap, size_t i)
{
	if (i < cap && fs[i].key)
		hm_prefetch(m, fs[i].key);
}

/* The file's reading found each journalled key missing from its own
 * tables; read in order it would have asked run's tables, which hold what
 * the files before it left.  Where run's have none of those keys, the
 * answers, and so every byte written, are the same.  Keys the file put
 * without asking first (a link set, a mark left) change nothing it read:
 * run's values are replaced as they would have been.  The order in which
 * keys go into run's tables changes nothing but where they lie there
 * (callv and links[] are indexed through them). */
bool ev_ctx_merge(struct ev_ctx *run, const struct ev_ctx *f)
{
	const struct ev_miss *ms = f->miss;
	for (size_t i = 0; i < f->nmiss && i < MERGE_AHEAD; i++)
		fetch(run, ms[i].map, ms[i].key);
	for (size_t i = 0; i < f->nmiss; i++) {
		if (i + MERGE_AHEAD < f->nmiss)
			fetch(run, ms[i + MERGE_AHEAD].map, ms[i + MERGE_AHEAD].key);
		if (has(run, ms[i].map, ms[i].key))
			return false;
	}
	if (f->git_inherited && run->git_host[0])
		return false;
	/* the marks' bound: run's table might drop what the file kept */
	if (f->marks.n && run->marks.n + f->marks.n >= EV_MARKS)
		return false;
	static const unsigned sets[] = {M_CALL, M_MSG, M_TOOL, M_PROMPT, M_MARKS};
	for (size_t s = 0; s < sizeof sets / sizeof *sets; s++)
		hs_add(set_of(run, sets[s]), set_of((struct ev_ctx *)f, sets[s]));
	size_t base = run->callstr.len;
	if (f->callstr.len)
		sb_add(&run->callstr, f->callstr.p, f->callstr.len);
	const struct hslot *fs = f->calls.s;
	size_t fcap = f->calls.cap;
	if (f->calls.n) {
		/* no growth below: the slots fetched stay the ones probed */
		hm_reserve(&run->calls, run->calls.n + f->calls.n);
		if (run->ncalls + f->calls.n > run->capcalls) {
			while (run->ncalls + f->calls.n > run->capcalls)
				run->capcalls = run->capcalls ? run->capcalls * 2 : 256;
			run->callv = xrealloc(run->callv, run->capcalls * sizeof *run->callv);
		}
	}
	for (size_t i = 0; i < MERGE_AHEAD; i++)
		fetch_slot(&run->calls, fs, fcap, i);
	for (size_t i = 0; i < fcap; i++) {
		fetch_slot(&run->calls, fs, fcap, i + MERGE_AHEAD);
		if (!fs[i].key)
			continue;
		struct ev_call *k = &run->callv[run->ncalls];
		*k = f->callv[fs[i].val];
		k->off += base;
		*hm_put(&run->calls, fs[i].key, NULL) = (int64_t)run->ncalls++;
	}
	fs = f->link.s;
	fcap = f->link.cap;
	if (f->link.n)
		hm_reserve(&run->link, run->link.n + f->link.n);
	for (size_t i = 0; i < MERGE_AHEAD; i++)
		fetch_slot(&run->link, fs, fcap, i);
	for (size_t i = 0; i < fcap; i++) {
		fetch_slot(&run->link, fs, fcap, i + MERGE_AHEAD);
		if (fs[i].key)
			link_put_hash(run, fs[i].key, f->links[fs[i].val]);
	}
	if (f->git_host[0] != GIT_UNSET)
		memcpy(run->git_host, f->git_host, sizeof run->git_host);
	run->written += f->written;
	run->filtered += f->filtered;
	return true;
}

/* --- small readers the adapters share ----------------------------------- */

void ev_set_str(char **dst, const char *s)
{
	free(*dst);
	*dst = s ? xstrdup(s) : NULL;
}

int64_t ev_ts_of(struct jdoc *d, const struct jnode *n)
{
	size_t l;
	const char *s = jsn(d, n, &l);
	return s ? ts_parse(s, l) : TS_NONE;
}

int64_t ev_count(struct jdoc *d, const struct jnode *o, const char *key)
{
	int64_t v = jint(jget(d, o, key), 0);
	return v < 0 ? 0 : v > (INT64_C(1) << 53) ? INT64_C(1) << 53 : v;
}

#ifdef JSCAN_SSE2
/* The place in key[0..kl) of the byte after its first least likely in
 * text (by a rough rank of bytes in English and code, any byte not in it
 * rarer still): "x" of "exit code", "E" of "\\nExit Code: ".  Looked up
 * once for the key a thread asked last (the keys are the readers' string
 * literals: the same address, the same bytes). */
static size_t rare_at(const char *key, size_t kl)
{
	static _Thread_local const char *last;
	static _Thread_local size_t lastn, at;
	if (key == last && kl == lastn)
		return at;
	static const char common[] = " etaoinsrhldcumfpgwybvkxjqz";
	size_t best = 0;
	int br = -1;
	for (size_t i = 1; i < kl; i++) {
		const char *c = memchr(common, key[i], sizeof common - 1);
		int r = c ? (int)(c - common) : 99;
		if (r > br) {
			br = r;
			best = i;
		}
	}
	last = key;
	lastn = kl;
	return at = best;
}
#endif

/* The last place key[0..kl) starts in s[0..n), or NULL: searched from
 * the end, where it usually is (a command's output, then its exit code),
 * 32 places a step that hold the key's first byte and its rarest one
 * (rare_at) where SSE2 is.  The library's memmem went forward, 1.1
 * instructions a byte. */
static const char *last_match(const char *s, size_t n, const char *key, size_t kl)
{
	if (!kl || n < kl)
		return NULL;
	size_t span = n - kl + 1;   /* the places it may start: s[0..span) */
#ifdef JSCAN_SSE2
	size_t r = rare_at(key, kl);
	const __m128i f = _mm_set1_epi8(key[0]), l = _mm_set1_epi8(key[r]);
#define LD(p) _mm_loadu_si128((const __m128i *)(const void *)(p))
#define HITS(p) _mm_and_si128(_mm_cmpeq_epi8(LD(p), f), _mm_cmpeq_epi8(LD((p) + r), l))
	while (span >= 16) {
		/* the places s[i..span): their last bytes end at s + n */
		size_t i = span >= 32 ? span - 32 : span - 16;
		unsigned m;
		if (span >= 32) {
			__m128i a = HITS(s + i), b = HITS(s + i + 16);
			if (!_mm_movemask_epi8(_mm_or_si128(a, b))) {
				span = i;
				continue;
			}
			m = (unsigned)_mm_movemask_epi8(a) | (unsigned)_mm_movemask_epi8(b) << 16;
		} else {
			m = (unsigned)_mm_movemask_epi8(HITS(s + i));
		}
		while (m) {
			int j = 31 - __builtin_clz(m);
			if (!memcmp(s + i + (size_t)j, key, kl))
				return s + i + (size_t)j;
			m &= ~(1u << j);
		}
		span = i;
	}
#undef HITS
#undef LD
#endif
	while (span--)
		if (s[span] == key[0] && !memcmp(s + span, key, kl))
			return s + span;
	return NULL;
}

int64_t ev_last_int_after(const char *s, size_t n, const char *key)
{
	size_t kl = strlen(key);
	const char *last = last_match(s, n, key, kl), *e = s + n;
	if (!last)
		return EV_NONE;
	const char *q = last + kl;
	while (q < e && (*q == ' ' || *q == ':'))
		q++;
	bool neg = q < e && *q == '-';
	if (neg)
		q++;
	if (q >= e || *q < '0' || *q > '9')
		return EV_NONE;
	int64_t v = 0;
	while (q < e && *q >= '0' && *q <= '9' && v < 1000000)
		v = v * 10 + (*q++ - '0');
	return neg ? -v : v;
}

bool ev_has_prefix(const char *s, const char *const *prefixes)
{
	for (; *prefixes; prefixes++)
		if (!strncmp(s, *prefixes, strlen(*prefixes)))
			return true;
	return false;
}
