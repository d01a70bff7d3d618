/* SPDX-License-Identifier: MIT */
/* qwen.c: the Qwen Code adapter of agent-events.
 *
 * Qwen Code keeps a session in ~/.qwen/projects/<project>/chats/
 * <session id>.jsonl, one record a line: {uuid, parentUuid, sessionId,
 * timestamp, type, subtype, cwd, version, model, message{role, parts},
 * usageMetadata, toolCallResult, systemPayload}, with Gemini's Content
 * parts (text, thought, functionCall, functionResponse).
 *
 *   user          a prompt (subtypes: mid_turn_user_message typed while
 *                 tools ran; notification and cron are the client's);
 *   assistant     one model call, usageMetadata its tokens;
 *   tool_result   the results of the call's functionCalls, with
 *                 toolCallResult.status;
 *   system        bookkeeping; subtype ui_telemetry repeats each model
 *                 call (qwen-code.api_response) and tool call.
 *
 * Counted once: a call is its assistant row.  The api_response telemetry
 * row that precedes it carries the same tokens and is not added; it is
 * used only when the assistant row has no usageMetadata, and telemetry
 * rows that no assistant row follows are said in a note, not counted.  An
 * assistant row written again with the same uuid (a call recorded as it
 * streams) is one call: its last row counts, with the last usage seen.
 * A resumed or branched session copies earlier records with their uuids
 * (a branch rewrites only the session id), so a call is counted once per
 * uuid across all files of a run, whatever session holds it.
 *
 * Tokens have Gemini's meaning: promptTokenCount includes
 * cachedContentTokenCount and thoughts are billed as output, so input =
 * prompt - cached (+ toolUsePromptTokenCount), cache_read = cached,
 * output = candidates + thoughts, reasoning = thoughts.
 *
 * A subagent's records carry agentId and agentName (isSidechain): they
 * keep the session's id, with subagent and subagent_type set as for
 * Claude Code's, and are charged to the prompt in force in the parent. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "agent.h"
#include "events.h"
#include "jpick.h"
#include "sessions.h"

#define MAXPENDING 4096

struct qtool {
	char *id, *name, *llm, *prompt, *sub, *stype, *cwd;
	uint64_t key;           /* id's key in seen_tool, its slot fetched ahead */
	struct sbuf args;
	int64_t ts;
};

struct qwen {
	struct ev_ctx *c;
	struct lreader *r;
	const char *path;
	struct jdoc d, hd;              /* the line read; the held assistant row */
	struct sbuf held;               /* its text */
	bool holding;
	char *held_id;
	struct tokens held_tok;         /* the last usage among its rows */
	bool held_has_tok;
	int64_t held_ts;                /* its timestamp, read by record */
	char *session, *cwd, *version, *prompt, *spawn;
	bool started, any;
	int64_t trigger;                /* the last prompt or tool result */
	struct tokens tel;              /* an api_response not yet claimed */
	char *tel_model;
	bool tel_pending;
	unsigned tel_unclaimed;
	struct qtool *t;
	size_t nt, capt;
	struct sbuf text;
	const char **namev;
	int namecap;
};

/* --- sniffing ------------------------------------------------------------- */

/* A record only Qwen Code writes: Gemini parts in a message, or one of
 * its own top-level keys (Claude Code's records share uuid, sessionId,
 * type, cwd and version, but have message.content, not parts). */
static bool qwen_line(struct jdoc *d)
{
	const struct jnode *o = jroot(d);
	if (!o || o->type != J_OBJ || !jget(d, o, "sessionId") || !jget(d, o, "type"))
		return false;
	if (jget(d, o, "usageMetadata") || jget(d, o, "systemPayload") || jget(d, o, "toolCallResult"))
		return true;
	const struct jnode *parts = jgetv(d, o, "message", "parts", NULL);
	return parts && parts->type == J_ARR;
}

/* The first byte in [q, e) that may start what may_be_qwen looks for: a
 * backslash, or a quote followed by the first letter of one of the keys
 * (p, u, s or t); e when none.  Every other byte, quotes before other
 * letters among them, is passed over by may_be_qwen as it is here: this
 * only skips its stops that do nothing (a Claude Code line has a quote
 * every few bytes, and few of them start one of these words). */
static inline const char *qw_stop(const char *q, const char *e)
{
#ifdef JSCAN_SSE2
	const __m128i quote = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\'),
		lp = _mm_set1_epi8('p'), lu = _mm_set1_epi8('u'),
		ls = _mm_set1_epi8('s'), lt = _mm_set1_epi8('t');
	while (e - q >= 17) {   /* the block and the byte after it */
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)q);
		__m128i w = _mm_loadu_si128((const __m128i *)(const void *)(q + 1));
		__m128i first = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(w, lp), _mm_cmpeq_epi8(w, lu)),
			_mm_or_si128(_mm_cmpeq_epi8(w, ls), _mm_cmpeq_epi8(w, lt)));
		int bits = _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, bs),
			_mm_and_si128(_mm_cmpeq_epi8(v, quote), first)));
		if (bits)
			return q + __builtin_ctz((unsigned)bits);
		q += 16;
	}
#endif
	for (; q < e; q++)
		if (*q == '\\' || (*q == '"' && e - q > 1 &&
		    (q[1] == 'p' || q[1] == 'u' || q[1] == 's' || q[1] == 't')))
			return q;
	return e;
}

#if defined(JSCAN_SSE2) && (defined(__x86_64__) || defined(__i386__))
#define QW_AVX2 1
#include <immintrin.h>
/* The same, 32 bytes a step (AVX2); the last ones by qw_stop. */
static inline __attribute__((target("avx2"))) const char *qw_stop32(const char *q, const char *e)
{
	const __m256i quote = _mm256_set1_epi8('"'), bs = _mm256_set1_epi8('\\'),
		lp = _mm256_set1_epi8('p'), lu = _mm256_set1_epi8('u'),
		ls = _mm256_set1_epi8('s'), lt = _mm256_set1_epi8('t');
	while (e - q >= 33) {   /* the block and the byte after it */
		__m256i v = _mm256_loadu_si256((const __m256i *)(const void *)q);
		__m256i w = _mm256_loadu_si256((const __m256i *)(const void *)(q + 1));
		__m256i first = _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(w, lp),
			_mm256_cmpeq_epi8(w, lu)), _mm256_or_si256(_mm256_cmpeq_epi8(w, ls),
			_mm256_cmpeq_epi8(w, lt)));
		unsigned bits = (unsigned)_mm256_movemask_epi8(_mm256_or_si256(_mm256_cmpeq_epi8(v, bs),
			_mm256_and_si256(_mm256_cmpeq_epi8(v, quote), first)));
		if (bits)
			return q + __builtin_ctz(bits);
		q += 32;
	}
	return qw_stop(q, e);
}
#endif

/* Could line s[0..n) pass qwen_line?  Not unless one of the keys it looks
 * for is in the text: as written, between its quotes, or with a \u
 * escape in it (no shorter escape stands for a letter).  The text is
 * read as JSON strings are, an escape a pair of bytes; lines that cannot
 * pass are not parsed (a Claude Code file's head, read by every sniff). */
static inline bool qwen_words(const char *s, size_t n, int w)
{
#define WORD(lit) ((size_t)(e - q) > sizeof lit && !memcmp(q + 1, lit "\"", sizeof lit))
	const char *q = s, *e = s + n;
#ifdef QW_AVX2
	while ((q = w == 32 ? qw_stop32(q, e) : qw_stop(q, e)) < e) {
#else
	(void)w;
	while ((q = qw_stop(q, e)) < e) {
#endif
		if (*q == '\\') {
			if (e - q > 1 && q[1] == 'u')
				return true;
			q += 2;
			continue;
		}
		/* a quote, and the letter after it one of these words' */
		if (q[1] == 'p' ? WORD("parts") : q[1] == 'u' ? WORD("usageMetadata") :
		    q[1] == 's' ? WORD("systemPayload") : WORD("toolCallResult"))
			return true;
		q++;
	}
	return false;
#undef WORD
}

static __attribute__((noinline)) bool may_be_qwen16(const char *s, size_t n)
{
	return qwen_words(s, n, 16);
}

#ifdef QW_AVX2
/* the AVX2 form (agent_sniff_avx2, where the CPU has it) */
static __attribute__((noinline, flatten, target("avx2"))) bool may_be_qwen32(const char *s, size_t n)
{
	return qwen_words(s, n, 32);
}
#endif

/* 96 when one of the first records is Qwen Code's own (above Claude
 * Code's 90 for records of the same outer shape). */
static int sniff(const struct agent_head *h)
{
	const char *p = h->p, *e = h->p + h->n;
	struct jdoc d = {0};
	int score = 0;
	if (h->best >= 96)
		return 0;       /* no score of ours is more */
#ifdef QW_AVX2
	bool wide = agent_sniff_avx2 && __builtin_cpu_supports("avx2");
#else
	bool wide = false;
#endif
	for (int k = 0; k < 8 && !score; k++) {
		const char *nl = p < e ? memchr(p, '\n', (size_t)(e - p)) : NULL;
		if (!nl && h->part) {
			agent_head_short(h);    /* the line goes on, or more follow */
			break;
		}
		if (p >= e)
			break;
		if (!nl && h->full)
			break;
		if (!nl)
			nl = e;
#ifdef QW_AVX2
		bool may = wide ? may_be_qwen32(p, (size_t)(nl - p)) : may_be_qwen16(p, (size_t)(nl - p));
#else
		bool may = may_be_qwen16(p, (size_t)(nl - p));
		(void)wide;
#endif
		if (may) {
			char *line = xstrndup(p, (size_t)(nl - p));
			if (jparse(&d, line, (size_t)(nl - p)) == 0 && qwen_line(&d))
				score = 96;
			free(line);
		}
		p = nl + 1;
	}
	jdoc_free(&d);
	return score;
}

/* --- records -------------------------------------------------------------- */

static void ev_of(const struct qwen *q, struct event *e, const char *kind)
{
	ev_init(e);
	e->kind = kind;
	e->agent = "qwen";
	e->session = q->session;
}

static void ensure_session(struct qwen *q, int64_t ts)
{
	if (q->started)
		return;
	q->started = true;
	if (!q->session) {
		const char *b = agent_file_base(q->path);
		q->session = xstrndup(b, agent_file_stem(b, NULL));
		lr_note(q->r, "nosession", "no sessionId; session id taken from the file name");
	}
	struct event e;
	ev_of(q, &e, "session");
	e.ts = ts;
	e.cwd = q->cwd;
	e.version = q->version;
	e.file = q->path;
	ev_session(q->c, &e);
}

/* The subagent a record belongs to (NULL: the main conversation). */
static void subagent_of(struct jdoc *d, const struct jnode *o, struct event *e)
{
	const char *id = js(d, jget(d, o, "agentId"));
	if (!id && jtrue(jget(d, o, "isSidechain")))
		id = "sidechain";
	if (!id)
		return;
	e->subagent = id;
	const char *nm = js(d, jget(d, o, "agentName"));
	e->subagent_type = nm ? nm : "agent";
}

/* The text of parts: text parts joined, thoughts left out.  *calls: the
 * number of functionCall parts. */
static bool parts_text(struct jdoc *d, const struct jnode *parts, struct sbuf *b, int *calls)
{
	bool any = false;
	*calls = 0;
	JFOR(d, parts, pt) {
		if (jget(d, pt, "functionCall"))
			(*calls)++;
		const struct jnode *t = jget(d, pt, "text");
		if (t && t->type == J_STR && !jtrue(jget(d, pt, "thought"))) {
			if (any)
				sb_addc(b, '\n');
			jstr(t, b);
			any = true;
		}
	}
	return any;
}

static void user_row(struct qwen *q, const struct jnode *o, int64_t ts)
{
	struct jdoc *d = &q->d;
	const char *id = js(d, jget(d, o, "uuid"));
	const struct jnode *sub = jget(d, o, "subtype");
	sb_reset(&q->text);
	int calls;
	const char *disp = js(d, jgetv(d, o, "systemPayload", "displayText", NULL));
	bool any = disp ? (sb_adds(&q->text, disp), true) :
		parts_text(d, jgetv(d, o, "message", "parts", NULL), &q->text, &calls);
	if (!any && !id)
		return;
	ensure_session(q, ts);
	if (ts != TS_NONE)
		q->trigger = ts;
	struct event e;
	ev_of(q, &e, "prompt");
	subagent_of(d, o, &e);
	char made[64];
	if (!id) {
		snprintf(made, sizeof made, "%s:p%lld", q->session, (long long)ts);
		id = made;
	}
	if (e.subagent) {
		/* a subagent's task: its records stay under the parent's prompt */
		if (ev_seen(&q->c->seen_prompt, "qwen", id))
			return;
		e.ts = ts;
		e.id = id;
		e.parent = q->spawn;
		e.prompt = q->prompt;
		e.origin = "subagent";
	} else {
		ev_set_str(&q->prompt, id);
		if (ev_seen(&q->c->seen_prompt, "qwen", id))
			return;
		e.ts = ts;
		e.id = q->prompt;
		e.prompt = q->prompt;
		e.origin = jeq(sub, "notification") || jeq(sub, "cron") || jeq(sub, "goal_runtime") ? "meta" :
			q->text.len > 1 && q->text.p[0] == '/' && isalpha((unsigned char)q->text.p[1]) ? "command" :
			"human";
	}
	if (q->text.len) {
		e.text = q->text.p;
		e.text_len = q->text.len;
	}
	ev_emit(q->c, &e);
}

/* usageMetadata in agent-event(5) units (see the top). */
static void usage_tokens(struct jdoc *d, const struct jnode *u, struct tokens *k)
{
	static const struct jkey keys[] = {JKEY("promptTokenCount"), JKEY("cachedContentTokenCount"),
		JKEY("candidatesTokenCount"), JKEY("thoughtsTokenCount"), JKEY("toolUsePromptTokenCount")};
	const struct jnode *v[5];
	jpick(d, u, keys, 5, v);
	int64_t prompt = jpick_count(v[0]), cached = jpick_count(v[1]);
	int64_t cand = jpick_count(v[2]), th = jpick_count(v[3]);
	int64_t tool = jpick_count(v[4]);
	memset(k, 0, sizeof *k);
	if (cached > prompt)
		cached = prompt;
	k->input = prompt - cached + tool;
	k->cache_read = cached;
	k->output = cand + th;
	k->reasoning = th;
}

static bool any_tokens(const struct tokens *k)
{
	return k->input | k->cache_read | k->output;
}

static void qtool_free(struct qtool *p)
{
	free(p->id);
	free(p->name);
	free(p->llm);
	free(p->prompt);
	free(p->sub);
	free(p->stype);
	free(p->cwd);
	sb_free(&p->args);
}

/* Write the held assistant row: one model call and its tool requests. */
static void tool_write(struct qwen *q, size_t i, struct jdoc *d, const struct jnode *res,
	const struct jnode *st, int64_t ts);

static void flush(struct qwen *q)
{
	if (!q->holding)
		return;
	q->holding = false;
	struct jdoc *d = &q->hd;        /* the row's parse, kept (assistant_row) */
	const struct jnode *o = jroot(d);
	const char *id = js(d, jget(d, o, "uuid"));
	int64_t ts = q->held_ts;
	const struct jnode *parts = jgetv(d, o, "message", "parts", NULL);
	/* the id's slot in seen_call, fetched while the record is made (the
	 * sets are seldom in the cache) */
	uint64_t key = 0;
	if (id) {
		key = ev_seen_key("qwen", id);
		hs_prefetch(&q->c->seen_call, key);
	}
	ensure_session(q, ts);
	struct event e;
	ev_of(q, &e, "llm");
	subagent_of(d, o, &e);
	e.ts = ts;
	e.id = id;
	e.parent = e.subagent ? q->spawn : q->prompt;
	e.prompt = q->prompt;
	e.model = js(d, jget(d, o, "model"));
	if (q->held_has_tok) {
		e.has_tokens = true;
		e.tokens = q->held_tok;
		q->tel_pending = false;         /* the telemetry row of this call */
	} else if (q->tel_pending) {
		e.has_tokens = true;
		e.tokens = q->tel;
		if (!e.model)
			e.model = q->tel_model;
		q->tel_pending = false;
	}
	if (ts != TS_NONE && q->trigger != TS_NONE && ts >= q->trigger)
		e.duration_ms = ts - q->trigger;
	int calls;
	sb_reset(&q->text);
	if (parts_text(d, parts, &q->text, &calls) && q->text.len) {
		e.text = q->text.p;
		e.text_len = q->text.len;
	}
	if (calls > q->namecap) {
		q->namecap = calls * 2;
		q->namev = xrealloc(q->namev, sizeof *q->namev * (size_t)q->namecap);
	}
	JFOR(d, parts, pt) {
		const struct jnode *fc = jget(d, pt, "functionCall");
		if (fc) {
			const char *nm = js(d, jget(d, fc, "name"));
			q->namev[e.ntools++] = nm ? nm : "unknown";
		}
	}
	e.tools = e.ntools ? q->namev : NULL;
	bool dup = id && ev_seen_h(&q->c->seen_call, key);
	if (!dup)
		ev_emit(q->c, &e);
	/* its tool calls wait for their results */
	int n = 0;
	JFOR(d, parts, pt) {
		const struct jnode *fc = jget(d, pt, "functionCall");
		if (!fc)
			continue;
		n++;
		const char *tid = js(d, jget(d, fc, "id"));
		char made[96];
		if (!tid) {
			snprintf(made, sizeof made, "%s:t%d", id ? id : "call", n);
			tid = made;
		}
		if (q->nt == MAXPENDING) {
			lr_note(q->r, "pending", "over %d tool calls without a result; the oldest written as unknown",
				MAXPENDING);
			tool_write(q, 0, NULL, NULL, NULL, TS_NONE);
		}
		if (q->nt == q->capt)
			q->t = xrealloc(q->t, sizeof *q->t * (q->capt = q->capt ? q->capt * 2 : 32));
		struct qtool *p = &q->t[q->nt++];
		memset(p, 0, sizeof *p);
		const char *nm = js(d, jget(d, fc, "name"));
		p->id = xstrdup(tid);
		p->key = ev_seen_key("qwen", p->id);
		hs_prefetch(&q->c->seen_tool, p->key);
		p->name = xstrdup(nm ? nm : "unknown");
		p->llm = id ? xstrdup(id) : NULL;
		p->prompt = q->prompt ? xstrdup(q->prompt) : NULL;
		p->sub = e.subagent ? xstrdup(e.subagent) : NULL;
		p->stype = e.subagent_type ? xstrdup(e.subagent_type) : NULL;
		p->ts = ts;
		const char *cwd = js(d, jget(d, o, "cwd"));   /* the cwd moves with a rewind */
		p->cwd = cwd ? xstrdup(cwd) : NULL;
		const struct jnode *a = jget(d, fc, "args");
		if (a) {
			const char *raw;
			size_t rn = jraw(d, a, &raw);
			sb_add(&p->args, raw, rn);
		} else {
			sb_adds(&p->args, "{}");
		}
	}
}

/* Hold the row just parsed into q->d (the text line[0..len), valid only
 * until the next line is read): the text is copied and the parse kept
 * with it, its nodes moved onto the copy, instead of parsing the copy
 * again when the row is written.  q->d gets the held row's old parse
 * (its nodes and arena, reused by the next line's). */
static void hold(struct qwen *q, const char *line, size_t len)
{
	sb_reset(&q->held);
	sb_add(&q->held, line, len);
	struct jdoc t = q->hd;
	q->hd = q->d;
	q->d = t;
	for (uint32_t i = 0; i < q->hd.nn; i++)
		q->hd.n[i].s = q->held.p + (q->hd.n[i].s - line);
	q->holding = true;
}

static void assistant_row(struct qwen *q, const struct jnode *o, int64_t ts, const char *line, size_t len)
{
	struct jdoc *d = &q->d;
	const char *id = js(d, jget(d, o, "uuid"));
	bool same = q->holding && id && q->held_id && !strcmp(q->held_id, id);
	if (!same) {
		flush(q);
		q->held_has_tok = false;
	}
	const struct jnode *u = jget(d, o, "usageMetadata");
	if (u && u->type == J_OBJ) {
		struct tokens t;
		usage_tokens(d, u, &t);
		if (any_tokens(&t) || !q->held_has_tok) {
			q->held_tok = t;
			q->held_has_tok = true;
		}
	}
	ev_set_str(&q->held_id, id);
	q->held_ts = ts;
	hold(q, line, len);
}

/* Qwen Code's shell tool reports "Exit Code: N" in its response. */
static int64_t shell_exit(const char *s, size_t n)
{
	return ev_last_int_after(s, n, "Exit Code: ");
}

/* Write pending tool i with its result (res: the functionResponse, st:
 * toolCallResult.status; both NULL when none came). */
static void tool_write(struct qwen *q, size_t i, struct jdoc *d, const struct jnode *res,
	const struct jnode *st, int64_t ts)
{
	struct qtool *p = &q->t[i];
	if (!ev_seen_h(&q->c->seen_tool, p->key)) {
		enum tool_kind kind = agent_tool_kind("qwen", p->name);
		struct event e;
		ev_of(q, &e, "tool");
		e.subagent = p->sub;
		e.subagent_type = p->stype;
		e.ts = p->ts != TS_NONE ? p->ts : ts;
		e.id = p->id;
		e.parent = p->llm;
		e.prompt = p->prompt;
		e.cwd = p->cwd ? p->cwd : q->cwd;
		e.tool = p->name;
		e.status = "unknown";
		if (res || st) {
			if (p->ts != TS_NONE && ts != TS_NONE && ts >= p->ts)
				e.duration_ms = ts - p->ts;
			const char *raw = NULL;
			size_t rn = res ? jraw(d, res, &raw) : 0;
			if (raw && kind == TK_SHELL)
				e.exit = shell_exit(raw, rn);
			/* toolCallResult.status, else what the response holds */
			const struct jnode *resp = jget(d, res, "response");
			bool ok = st ? jeq(st, "success") : jget(d, resp, "output") && !jget(d, resp, "error");
			bool bad = st ? !ok : jget(d, resp, "error") != NULL;
			if (ok)
				e.status = e.exit != EV_NONE && e.exit != 0 ? "error" : "ok";
			else if (bad)
				e.status = "error";
		}
		e.class = effects_class(&e, p->args.p, p->args.len);
		ev_emit(q->c, &e);
		effects_tool(q->c, &e, p->args.p, p->args.len);
		if (kind == TK_DELEGATE && !p->sub)
			ev_set_str(&q->spawn, p->id);
	}
	qtool_free(p);
	memmove(p, p + 1, sizeof *p * (q->nt - i - 1));
	q->nt--;
}

static void tool_result_row(struct qwen *q, const struct jnode *o, int64_t ts)
{
	struct jdoc *d = &q->d;
	const struct jnode *tcr = jget(d, o, "toolCallResult");
	const struct jnode *st = jget(d, tcr, "status");
	const char *cid = js(d, jget(d, tcr, "callId"));
	if (ts != TS_NONE)
		q->trigger = ts;
	bool matched = false;
	JFOR(d, jgetv(d, o, "message", "parts", NULL), pt) {
		const struct jnode *fr = jget(d, pt, "functionResponse");
		const char *id = fr ? js(d, jget(d, fr, "id")) : NULL;
		if (!id)
			continue;
		for (size_t i = 0; i < q->nt; i++)
			if (!strcmp(q->t[i].id, id)) {
				tool_write(q, i, d, fr, cid && !strcmp(cid, id) ? st : NULL, ts);
				matched = true;
				break;
			}
	}
	for (size_t i = 0; !matched && cid && i < q->nt; i++)
		if (!strcmp(q->t[i].id, cid)) {
			tool_write(q, i, d, NULL, st, ts);
			break;
		}
}

static void telemetry(struct qwen *q, const struct jnode *o)
{
	struct jdoc *d = &q->d;
	static const struct jkey keys[] = {JKEY("event.name"), JKEY("input_token_count"),
		JKEY("cached_content_token_count"), JKEY("output_token_count"), JKEY("thoughts_token_count"),
		JKEY("tool_token_count"), JKEY("model")};
	const struct jnode *ev = jgetv(d, o, "systemPayload", "uiEvent", NULL), *v[7];
	jpick(d, ev, keys, 7, v);
	if (!jeq(v[0], "qwen-code.api_response"))
		return;
	if (q->tel_pending)
		q->tel_unclaimed++;
	int64_t in = jpick_count(v[1]), cached = jpick_count(v[2]);
	int64_t out = jpick_count(v[3]), th = jpick_count(v[4]);
	int64_t tool = jpick_count(v[5]);
	if (cached > in)
		cached = in;
	memset(&q->tel, 0, sizeof q->tel);
	q->tel.input = in - cached + tool;
	q->tel.cache_read = cached;
	q->tel.output = out + th;
	q->tel.reasoning = th;
	ev_set_str(&q->tel_model, js(d, v[6]));
	q->tel_pending = true;
}

static void record(struct qwen *q, const struct jnode *o, const char *line, size_t len)
{
	struct jdoc *d = &q->d;
	const struct jnode *type = jget(d, o, "type");
	int64_t ts = ev_ts_of(d, jget(d, o, "timestamp"));
	if (!type || type->type != J_STR) {
		lr_warn(q->r, "notype", "record without a type; skipped");
		return;
	}
	q->any = true;
	if (!q->started) {
		ev_set_str(&q->session, js(d, jget(d, o, "sessionId")));
		ev_set_str(&q->cwd, js(d, jget(d, o, "cwd")));
		ev_set_str(&q->version, js(d, jget(d, o, "version")));
	}
	if (jeq(type, "assistant")) {
		assistant_row(q, o, ts, line, len);
		return;
	}
	flush(q);
	if (jeq(type, "user"))
		user_row(q, o, ts);
	else if (jeq(type, "tool_result"))
		tool_result_row(q, o, ts);
	else if (jeq(type, "system")) {
		if (jeq(jget(d, o, "subtype"), "ui_telemetry"))
			telemetry(q, o);
	} else {
		lr_note(q->r, "rectype", "unknown record type \"%s\"; ignored", js(d, type));
	}
}

static void run(struct ev_ctx *c, struct lreader *r, const char *path)
{
	struct qwen q = {.c = c, .r = r, .path = path, .trigger = TS_NONE};
	char *line;
	size_t len;
	while (lr_next_nonblank(r, &line, &len)) {
		const struct jnode *o = ev_parse_line(r, &q.d, line, len);
		if (o)
			record(&q, o, line, len);
	}
	flush(&q);
	while (q.nt)
		tool_write(&q, 0, NULL, NULL, NULL, TS_NONE);
	if (q.tel_pending)
		q.tel_unclaimed++;
	if (q.tel_unclaimed)
		lr_note(r, "telemetry", "%u api_response telemetry rows with no assistant row after them: "
			"their tokens are not counted", q.tel_unclaimed);
	if (q.any)
		ensure_session(&q, TS_NONE);
	else if (!r->nwarn)
		lr_warn(r, "empty", "no Qwen Code records");
	free(q.t);
	free(q.session);
	free(q.cwd);
	free(q.version);
	free(q.prompt);
	free(q.spawn);
	free(q.tel_model);
	free(q.held_id);
	free(q.namev);
	sb_free(&q.text);
	sb_free(&q.held);
	jdoc_free(&q.d);
	jdoc_free(&q.hd);
}

/* --- its history (agent-sessions) ---------------------------------------- */

static bool chat_name(const char *name, int depth)
{
	size_t n = strlen(name);
	(void)depth;
	return n > 6 && !strcmp(name + n - 6, ".jsonl");
}

/* ${QWEN_DATA_DIR:-~/.qwen}/projects/<project>/chats/<session>.jsonl, and
 * the older tmp/<hash>/chats/ the Gemini CLI layout left (its
 * session-*.json documents are Gemini's format and read as such). */
static void find(struct history *h, const char *home)
{
	const char *env = getenv("QWEN_DATA_DIR");
	char *base = env && *env ? xstrdup(env) : path_join(home, ".qwen");
	static const char *const tops[] = {"projects", "tmp"};
	for (int t = 0; t < 2; t++) {
		char *top = path_join(base, tops[t]);
		size_t n;
		char **v = history_list(h, top, &n);
		for (size_t i = 0; i < n; i++) {
			char *proj = path_join(top, v[i] + 1);
			char *chats = path_join(proj, "chats");
			history_walk(h, chats, 0, chat_name, NULL, false);
			free(chats);
			free(proj);
			free(v[i]);
		}
		free(v);
		free(top);
	}
	free(base);
}

static bool probe_record(struct session_probe *p, struct jdoc *d, const struct jnode *r)
{
	struct session_meta *m = p->m;
	probe_str(p, &m->id, jget(d, r, "sessionId"));
	probe_str(p, &m->cwd, jget(d, r, "cwd"));
	probe_str(p, &m->version, jget(d, r, "version"));
	probe_str(p, &m->parent, jgetv(d, r, "forkedFrom", "sessionId", NULL));
	return m->id && m->cwd;
}

static const struct agent_probe probe = {
	.record = probe_record,
};

static const char *const group_keys[] = {"sessionId", NULL};
static const char *const time_keys[] = {"timestamp", NULL};

/* --- the agent ------------------------------------------------------------ */

/* Its tool names and their kinds (toolkind.h): Qwen Code 0.x, with the
 * names earlier versions used (search_file_content, replace, task,
 * todo_write). */
static const struct tool_map qwen_tools[] = {
	TOOL("read_file", TK_READ), {"read_many_files", TK_READ, TA_PATHS, NULL},
	TOOL("write_file", TK_WRITE), TOOL("edit", TK_WRITE), TOOL("replace", TK_WRITE),
	TOOL("glob", TK_SEARCH), TOOL("grep_search", TK_SEARCH), TOOL("search_file_content", TK_SEARCH),
	TOOL("list_directory", TK_LIST),
	TOOL("run_shell_command", TK_SHELL),
	TOOL("web_fetch", TK_WEB), {"web_search", TK_WEB, TA_QUERY, NULL},
	TOOL("agent", TK_DELEGATE), TOOL("task", TK_DELEGATE),
	TOOL("todo_write", TK_PLAN), TOOL("task_create", TK_PLAN), TOOL("task_get", TK_PLAN),
	TOOL("task_list", TK_PLAN), TOOL("task_update", TK_PLAN), TOOL("task_stop", TK_PLAN),
	TOOL("task_output", TK_PLAN), TOOL("exit_plan_mode", TK_PLAN),
	TOOL("ask_user_question", TK_PLAN),
	/* save_memory, skill, lsp: other */
	TOOL(NULL, TK_OTHER)
};

const struct agent agent_qwen = {
	.name = "qwen",
	.title = "Qwen Code",
	.tools = qwen_tools,
	.sniff = sniff,
	.sniff_part = true,
	.run = run,
	.probe = session_probe_json,
	.probe_json = &probe,
	.find = find,
	.group_keys = group_keys,
	.time_keys = time_keys,
};
