/* SPDX-License-Identifier: MIT */
/* copilot.c: the GitHub Copilot CLI adapter of agent-events.
 *
 * Copilot CLI keeps a session in ~/.copilot/session-state/<id>/
 * events.jsonl (older builds: session-state/<id>.jsonl), one event a line:
 * {type, data, id, timestamp, parentId}.  The events read here:
 *
 *   session.start    data.sessionId, copilotVersion, context.cwd: the
 *                    session record, the first process run;
 *   session.resume   a later process run of the same session;
 *   session.model_change  data.newModel: the model of the calls after it;
 *   user.message     a prompt (data.source "skill-..." is the client's
 *                    own text: origin meta);
 *   assistant.turn_start / assistant.message: one model call each message,
 *                    its tools in data.toolRequests;
 *   tool.execution_start / tool.execution_complete: one tool call, its
 *                    result, success flag and "<exited with exit code N>";
 *   session.shutdown data.modelMetrics: the tokens of the run, per model.
 *
 * Tokens.  The only input and cache counts are in session.shutdown's
 * modelMetrics, one shutdown a process run, each run's own figures (they
 * are not cumulative: a resumed session's second run shows fewer requests
 * than its first, and a run's output equals the outputTokens of that run's
 * messages).  So each model of each run becomes one llm record with usage
 * "session" (agent-event(5)), id "<session>:usage:<model>:run N", and the
 * calls themselves carry no tokens: their outputTokens are part of the
 * total and are not added again.  A shutdown whose figures could only be
 * cumulative (every count at least the previous shutdown's, and its output
 * at least that of all the messages before it, not only its run's) is
 * read as cumulative: the previous shutdown is taken off, and a note says
 * so.  A run that ends without a shutdown (the session is still open, or
 * the process died) recorded no tokens: its calls carry usage "none".  To
 * know that before its calls are written, a file is first scanned for its
 * runs and their shutdowns (cheaply: only the lines that name those event
 * types are parsed); standard input, which cannot be read twice, is not,
 * and its calls carry no usage key.
 *
 * modelMetrics' inputTokens include cacheReadTokens and cacheWriteTokens
 * (a run of three calls with a 20,000-token context shows 62,754 input of
 * which 41,648 cache reads), so input = inputTokens - cacheRead -
 * cacheWrite.  outputTokens include reasoning for Claude and GPT models;
 * for Gemini models reasoningTokens are counted apart and are added.
 *
 * The older history-session-state/session_<id>_<ts>.json (one document:
 * sessionId, startTime, chatMessages in OpenAI chat format, timeline) is
 * read too: it records no usage at all, so its calls carry usage "none". */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "agent.h"
#include "events.h"
#include "jpick.h"
#include "sessions.h"

#define MAXPENDING 4096         /* tool calls awaiting their completion */
#define MAXRUNS 4096            /* process runs told apart in one file */
#define MAXMODELS 64            /* models of one shutdown kept for deltas */
#define DOC_MAX ((size_t)1 << 30)

struct ptool {                  /* a tool call started, not yet complete */
	char *id, *name, *llm, *prompt, *sub, *spawn_type;
	struct sbuf args;
	int64_t ts;
};

struct mtok { char *model; struct tokens t; };

struct cop {
	struct ev_ctx *c;
	struct lreader *r;
	const char *path;
	struct jdoc d;
	char *session, *cwd, *version, *model, *prompt;
	char *last_call;                /* the older history: the last call written */
	bool started, any;
	int run;                        /* 1 the first process run */
	/* the scan before: per run, was there a shutdown; its first model */
	bool scanned;
	int nruns;
	bool *has_shutdown;
	char **run_model;
	int64_t turn_ts;                /* the last assistant.turn_start */
	uint64_t nprompt, ncall;
	struct ptool *t;
	size_t nt, capt;
	/* outputTokens of the messages: this run's, all runs' */
	int64_t out_run, out_all;
	struct mtok prev[MAXMODELS];    /* the last shutdown's figures */
	int nprev;
	bool had_shutdown;
	struct sbuf text;
	const char **namev;
	int namecap;
	/* the last event's timestamp, as written, and its time */
	char ts_text[48];
	size_t ts_len;                  /* its length plus 1; 0: none */
	int64_t ts_val;
};

/* --- sniffing ------------------------------------------------------------- */

static bool event_type(const char *t)
{
	static const char *const pre[] = {"session.", "user.", "assistant.", "tool.", "hook.",
		"system.", "skill.", "permission.", "subagent.", NULL};
	return ev_has_prefix(t, pre);
}

/* Copilot's shell tools end their output with "<exited with exit code N>":
 * the last one counts. */
static int64_t exit_code(const char *s, size_t n)
{
	return ev_last_int_after(s, n, "<exited with exit code ");
}

/* 95: a session.start event first; 85: an event of Copilot's shape (type
 * with one of its prefixes, data an object, an id) among the first
 * records; 92: the older one-document history (sessionId and
 * chatMessages; its timeline comes after the messages, past the head). */
static int sniff(const struct agent_head *h)
{
	if (h->best >= 95)
		return 0;       /* no score of ours is more */
	if (agent_rec_is(h, 0, "type", "session.start") && agent_rec_get(h, 0, "data"))
		return 95;
	if (agent_rec_get(h, 0, "chatMessages") && agent_rec_get(h, 0, "sessionId"))
		return 92;      /* Gemini CLI takes such a document with 90 */
	for (int i = 0; i < 8 && h->best < 85 && agent_head_rec(h, i); i++) {
		const struct agent_member *t = agent_rec_get(h, i, "type");
		const struct agent_member *d = agent_rec_get(h, i, "data");
		if (t && t->type == J_STR && d && d->type == J_OBJ && agent_rec_get(h, i, "id") &&
		    event_type(t->val))
			return 85;
	}
	return 0;
}

/* --- the scan before: runs and their shutdowns ---------------------------- */

/* Where lit (k >= 2 bytes) first starts in p[0..n), or NULL.  Sixty-four
 * places a step are tried at once (SSE2, or AVX2 where the CPU has it):
 * those where lit's first and last bytes both are, each then compared
 * whole; the rest, less than a step, with memmem.  (glibc's memmem took a
 * tenth of the time on a whole history.) */
#ifdef JSCAN_SSE2
static inline __m128i pair16(const char *q, size_t k, __m128i first, __m128i last)
{
	return _mm_and_si128(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)q), first),
		_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)(q + k - 1)), last));
}
#endif

#if defined(JSCAN_SSE2) && (defined(__x86_64__) || defined(__i386__))
#define LIT_AVX2 1
#include <immintrin.h>
static inline __attribute__((target("avx2"))) __m256i pair32(const char *q, size_t k,
	__m256i first, __m256i last)
{
	return _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(const void *)q), first),
		_mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(const void *)(q + k - 1)), last));
}

/* find_lit's steps with AVX2, two 32-byte blocks a step: the hit, or
 * NULL with *at where the steps ended. */
static __attribute__((noinline, target("avx2"))) const char *find_lit32(const char *p, size_t n,
	const char *lit, size_t k, size_t *at)
{
	const __m256i first = _mm256_set1_epi8(lit[0]), last = _mm256_set1_epi8(lit[k - 1]);
	size_t i = 0;
	for (; n >= k - 1 + 64 && i <= n - (k - 1) - 64; i += 64) {
		uint64_t m = (uint64_t)(uint32_t)_mm256_movemask_epi8(pair32(p + i, k, first, last)) |
			(uint64_t)(uint32_t)_mm256_movemask_epi8(pair32(p + i + 32, k, first, last)) << 32;
		for (; m; m &= m - 1) {
			size_t j = i + (unsigned)__builtin_ctzll(m);
			if (!memcmp(p + j + 1, lit + 1, k - 2))
				return p + j;
		}
	}
	*at = i;
	return NULL;
}
#endif

#ifdef LIT_AVX2
/* AVX2 where the CPU has it, unless AGENTPPROF_TEST_NOAVX2 is set (the
 * tests' way to the SSE2 steps), looked up once: find_lit runs on every
 * line of a file read without a mapping. */
static bool lit_avx2(void)
{
	static const char *once;
	return __builtin_cpu_supports("avx2") && !env_once("AGENTPPROF_TEST_NOAVX2", &once);
}
#endif

static const char *find_lit(const char *p, size_t n, const char *lit, size_t k)
{
	size_t i = 0;
#ifdef LIT_AVX2
	/* the same steps as below, in half the instructions where the CPU
	 * has AVX2 (the scan is run over all of a file) */
	if (lit_avx2()) {
		const char *hit = find_lit32(p, n, lit, k, &i);
		if (hit)
			return hit;
		return memmem(p + i, n - i, lit, k);
	}
#endif
#ifdef JSCAN_SSE2
	const __m128i first = _mm_set1_epi8(lit[0]), last = _mm_set1_epi8(lit[k - 1]);
	for (; n >= k - 1 + 64 && i <= n - (k - 1) - 64; i += 64) {
		__m128i a = pair16(p + i, k, first, last), b = pair16(p + i + 16, k, first, last);
		__m128i c = pair16(p + i + 32, k, first, last), d = pair16(p + i + 48, k, first, last);
		if (!_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(a, b), _mm_or_si128(c, d))))
			continue;
		uint64_t m = (uint64_t)(unsigned)_mm_movemask_epi8(a) |
			(uint64_t)(unsigned)_mm_movemask_epi8(b) << 16 |
			(uint64_t)(unsigned)_mm_movemask_epi8(c) << 32 |
			(uint64_t)(unsigned)_mm_movemask_epi8(d) << 48;
		for (; m; m &= m - 1) {
			size_t j = i + (unsigned)__builtin_ctzll(m);
			if (!memcmp(p + j + 1, lit + 1, k - 2))
				return p + j;
		}
	}
#endif
	return memmem(p + i, n - i, lit, k);
}

#define LIT(s) s, sizeof s - 1
#define SES "\"session."
#define DONE "\"tool.execution_complete\""

static bool line_has(const char *p, size_t n, const char *lit, size_t k)
{
	return find_lit(p, n, lit, k) != NULL;
}

/* One line of the scan: a resume starts the next run, a shutdown marks
 * the run's, and the run's first model is kept. */
static void scan_line(struct cop *g, struct jdoc *d, const char *line, size_t len, int *run)
{
	/* one search for what the three session types share: most
	 * lines have none of them */
	bool ses = line_has(line, len, LIT(SES));
	bool res = ses && line_has(line, len, LIT("\"session.resume\""));
	bool shut = ses && !res && line_has(line, len, LIT("\"session.shutdown\""));
	bool mod = !res && !shut && !g->run_model[*run] &&
		((ses && line_has(line, len, LIT("\"session.model_change\""))) ||
		line_has(line, len, LIT(DONE)));
	if (!res && !shut && !mod)
		return;
	/* the type named in a string value does not count */
	char *copy = xstrndup(line, len);
	if (jparse(d, copy, len) == 0 && jroot(d)->type == J_OBJ) {
		const struct jnode *o = jroot(d), *t = jget(d, o, "type");
		const struct jnode *data = jget(d, o, "data");
		if (jeq(t, "session.resume") && *run + 1 < MAXRUNS) {
			++*run;
			g->nruns = *run + 1;
		} else if (jeq(t, "session.shutdown")) {
			g->has_shutdown[*run] = true;
			if (!g->run_model[*run] && js(d, jget(d, data, "currentModel")))
				g->run_model[*run] = xstrdup(js(d, jget(d, data, "currentModel")));
		} else if (jeq(t, "session.model_change") && js(d, jget(d, data, "newModel"))) {
			g->run_model[*run] = xstrdup(js(d, jget(d, data, "newModel")));
		} else if (jeq(t, "tool.execution_complete") && js(d, jget(d, data, "model"))) {
			g->run_model[*run] = xstrdup(js(d, jget(d, data, "model")));
		}
	}
	free(copy);
}

/* The scan of a mapped file with no line too long (the reading warns of
 * those): the lines scan_line can take are found by searching the whole
 * text for the two strings they need, not line by line.  The same lines,
 * cut as lr_next cuts them, in the same order. */
static void scan_mapped(struct cop *g, struct jdoc *d, const char *p, const char *e)
{
	int run = 0;
	const char *sn = NULL, *tn = NULL;     /* the next hit of each, e: none */
	while (p < e) {
		if (!sn || sn < p)
			sn = find_lit(p, (size_t)(e - p), LIT(SES));
		if (!sn)
			sn = e;
		const char *hit = sn;
		if (!g->run_model[run]) {
			if (!tn || tn < p)
				tn = find_lit(p, (size_t)(e - p), LIT(DONE));
			if (!tn)
				tn = e;
			if (tn < hit)
				hit = tn;
		}
		if (hit == e)
			break;
		const char *nl = memrchr(p, '\n', (size_t)(hit - p)), *b = nl ? nl + 1 : p;
		nl = memchr(hit, '\n', (size_t)(e - hit));
		size_t l = (size_t)((nl ? nl : e) - b);
		if (nl && l && b[l - 1] == '\r')
			l--;
		scan_line(g, d, b, l, &run);
		p = nl ? nl + 1 : e;
	}
}

static void scan_runs(struct cop *g)
{
	struct lreader s;
	struct stat st;
	/* only a regular file can be read twice (a pipe given by its
	 * /dev/fd name would be emptied) */
	if (!strcmp(g->path, "-") || stat(g->path, &st) || !S_ISREG(st.st_mode) ||
	    lr_open(&s, g->path) < 0)
		return;
	s.quiet = true;	/* the reading pass says what is wrong with lines */
	lr_map(&s);
	struct jdoc d = {0};
	char *line;
	size_t len;
	int run = 0;
	g->nruns = 1;
	g->has_shutdown = xcalloc(MAXRUNS, sizeof *g->has_shutdown);
	g->run_model = xcalloc(MAXRUNS, sizeof *g->run_model);
	if (s.map && s.msize - s.mpos <= s.maxline)
		scan_mapped(g, &d, s.map + s.mpos, s.map + s.msize);
	else
		while (lr_next(&s, &line, &len))
			scan_line(g, &d, line, len, &run);
	jdoc_free(&d);
	/* the reading pass goes over the same pages, not a read(2) copy of
	 * them (a tenth of the time the file took was the kernel's copy) */
	lr_adopt_map(g->r, &s);
	lr_close(&s);
	g->scanned = true;
}

/* --- records -------------------------------------------------------------- */

static void ev_of(const struct cop *g, struct event *e, const char *kind)
{
	ev_init(e);
	e->kind = kind;
	e->agent = "copilot";
	e->session = g->session;
}

/* The session's id: session.start's, else the directory the file lies in
 * (session-state/<id>/events.jsonl), else the file's name. */
static void name_session(struct cop *g)
{
	if (g->session)
		return;
	const char *b = agent_file_base(g->path), *dir;
	size_t l;
	if (!strcmp(b, "events.jsonl") && (l = agent_dir_up(g->path, 0, &dir)))
		g->session = xstrndup(dir, l);
	else
		g->session = xstrndup(b, agent_file_stem(b, NULL));
}

static void ensure_session(struct cop *g, int64_t ts)
{
	if (g->started)
		return;
	name_session(g);
	g->started = true;
	struct event e;
	ev_of(g, &e, "session");
	e.ts = ts;
	e.cwd = g->cwd;
	e.version = g->version;
	e.file = g->path;
	ev_session(g->c, &e);
}

static const char *run_model(const struct cop *g)
{
	if (g->model)
		return g->model;
	if (g->scanned && g->run - 1 < g->nruns)
		return g->run_model[g->run - 1];
	return NULL;
}

/* The usage key of the calls of the current run (see the top). */
static const char *call_usage(const struct cop *g)
{
	if (!g->scanned)
		return NULL;
	int i = g->run - 1;
	return i < g->nruns && g->has_shutdown[i] ? NULL : "none";
}

static void start(struct cop *g, const struct jnode *data, int64_t ts, bool resume)
{
	struct jdoc *d = &g->d;
	if (resume) {
		if (g->run < MAXRUNS)
			g->run++;
		g->out_run = 0;
		ev_set_str(&g->model, NULL);
		return;
	}
	const char *sid = js(d, jget(d, data, "sessionId"));
	if (!g->started) {
		ev_set_str(&g->session, sid);
		ev_set_str(&g->version, js(d, jget(d, data, "copilotVersion")));
		ev_set_str(&g->cwd, js(d, jgetv(d, data, "context", "cwd", NULL)));
		int64_t t = ev_ts_of(d, jget(d, data, "startTime"));
		ensure_session(g, t != TS_NONE ? t : ts);
	} else if (sid && strcmp(sid, g->session)) {
		lr_note(g->r, "sidchange", "a second session.start names %s; kept %s", sid, g->session);
	}
}

/* A prompt: the person's text, or the client's (a skill's context). */
/* oid: the event's id */
static void user_message(struct cop *g, const struct jnode *oid, const struct jnode *data, int64_t ts)
{
	struct jdoc *d = &g->d;
	ensure_session(g, ts);
	const char *id = js(d, oid);
	char made[64];
	if (!id) {
		snprintf(made, sizeof made, "p%llu", (unsigned long long)g->nprompt + 1);
		id = made;
	}
	g->nprompt++;
	ev_set_str(&g->prompt, id);
	if (ev_seen(&g->c->seen_prompt, g->session, id))
		return;
	struct event e;
	ev_of(g, &e, "prompt");
	e.ts = ts;
	e.id = g->prompt;
	e.prompt = g->prompt;
	e.origin = js(d, jget(d, data, "source")) ? "meta" : "human";
	sb_reset(&g->text);
	if (jstr(jget(d, data, "content"), &g->text)) {
		e.text = g->text.p;
		e.text_len = g->text.len;
	}
	ev_emit(g->c, &e);
}

static void assistant_message(struct cop *g, const struct jnode *oid, const struct jnode *data, int64_t ts)
{
	static const struct jkey keys[] = {JKEY("outputTokens"), JKEY("messageId"),
		JKEY("parentToolCallId"), JKEY("toolRequests"), JKEY("content")};
	struct jdoc *d = &g->d;
	const struct jnode *v[5];
	ensure_session(g, ts);
	jpick(d, data, keys, 5, v);
	int64_t out = jpick_count(v[0]);
	g->out_run += out;
	g->out_all += out;
	const char *id = js(d, v[1]);
	if (!id)
		id = js(d, oid);
	char made[64];
	if (!id) {
		snprintf(made, sizeof made, "l%llu", (unsigned long long)g->ncall + 1);
		id = made;
	}
	g->ncall++;
	if (ev_seen(&g->c->seen_call, g->session, id))
		return;
	struct event e;
	ev_of(g, &e, "llm");
	e.subagent = js(d, v[2]);
	if (e.subagent)
		e.subagent_type = "task";
	e.ts = ts;
	e.id = id;
	e.parent = g->prompt;
	e.prompt = g->prompt;
	e.model = run_model(g);
	e.usage = call_usage(g);
	if (ts != TS_NONE && g->turn_ts != TS_NONE && ts >= g->turn_ts)
		e.duration_ms = ts - g->turn_ts;
	const struct jnode *req = v[3];
	if (req && req->type == J_ARR && req->len) {
		if ((int)req->len > g->namecap) {
			g->namecap = (int)req->len * 2;
			g->namev = xrealloc(g->namev, sizeof *g->namev * (size_t)g->namecap);
		}
		JFOR(d, req, tr) {
			const char *nm = js(d, jget(d, tr, "name"));
			g->namev[e.ntools++] = nm ? nm : "unknown";
		}
		e.tools = g->namev;
	}
	sb_reset(&g->text);
	if (jstr(v[4], &g->text) && g->text.len) {
		e.text = g->text.p;
		e.text_len = g->text.len;
	}
	ev_emit(g->c, &e);
	/* remember which call asked for each tool */
	if (req && req->type == J_ARR)
		JFOR(d, req, tr) {
			const char *tid = js(d, jget(d, tr, "toolCallId"));
			if (tid)
				ev_link_put(g->c, tid, id);
		}
}

static void ptool_free(struct ptool *p)
{
	free(p->id);
	free(p->name);
	free(p->llm);
	free(p->prompt);
	free(p->sub);
	sb_free(&p->args);
}

/* The older str_replace_editor does what its "command" says: view reads,
 * create and the others write.  The name its effects are found under. */
static const char *effect_name(const char *tool, const char *args, size_t n)
{
	if (strcmp(tool, "str_replace_editor"))
		return tool;
	struct jdoc d = {0};
	const char *r = "edit";
	char *copy = xstrndup(args, n);
	if (!jparse(&d, copy, n) && jroot(&d)->type == J_STR) {
		/* OpenAI's format: a JSON string holding the object */
		size_t l;
		const char *s = jsn(&d, jroot(&d), &l);
		free(copy);
		copy = xstrndup(s, l);
		n = l;
	}
	if (!jparse(&d, copy, n)) {
		const struct jnode *c = jget(&d, jroot(&d), "command");
		r = jeq(c, "view") ? "view" : jeq(c, "create") ? "create" : "edit";
	}
	jdoc_free(&d);
	free(copy);
	return r;
}

/* Write tool record e with its effects, found from its arguments. */
static void tool_emit(struct cop *g, struct event *e, const char *args, size_t n)
{
	const char *as = effect_name(e->tool, args, n);
	struct event fx = *e;
	fx.tool = as;
	if (as != e->tool)
		e->tool_kind = tool_kind_name(agent_tool_kind("copilot", as));
	e->class = effects_class(&fx, args, n);
	ev_emit(g->c, e);
	fx.class = e->class;
	fx.status = e->status;
	effects_tool(g->c, &fx, args, n);
}

/* A completion's members tool_write reads (NULL: it never completed). */
struct done {
	const struct jnode *result, *success, *error;
};

static void tool_write(struct cop *g, size_t i, const struct done *data, int64_t ts);

static void tool_start(struct cop *g, const struct jnode *data, int64_t ts)
{
	static const struct jkey keys[] = {JKEY("toolCallId"), JKEY("toolName"),
		JKEY("parentToolCallId"), JKEY("arguments")};
	struct jdoc *d = &g->d;
	const struct jnode *v[4];
	jpick(d, data, keys, 4, v);
	const char *id = js(d, v[0]);
	if (!id)
		return;
	if (g->nt == MAXPENDING) {
		lr_note(g->r, "pending", "over %d tool calls without completion; the oldest written as unknown",
			MAXPENDING);
		tool_write(g, 0, NULL, TS_NONE);
	}
	if (g->nt == g->capt)
		g->t = xrealloc(g->t, sizeof *g->t * (g->capt = g->capt ? g->capt * 2 : 32));
	struct ptool *p = &g->t[g->nt++];
	memset(p, 0, sizeof *p);
	p->id = xstrdup(id);
	/* its slot in seen_tool, fetched ahead of its completion (the sets
	 * are seldom in the cache) */
	if (g->session)
		hs_prefetch(&g->c->seen_tool, ev_seen_key(g->session, id));
	const char *nm = js(d, v[1]);
	p->name = xstrdup(nm ? nm : "unknown");
	const char *llm = ev_link_get(g->c, id);
	p->llm = llm ? xstrdup(llm) : NULL;
	p->prompt = g->prompt ? xstrdup(g->prompt) : NULL;
	const char *sub = js(d, v[2]);
	p->sub = sub ? xstrdup(sub) : NULL;
	p->ts = ts;
	const struct jnode *a = v[3];
	if (a) {
		const char *raw;
		size_t n = jraw(d, a, &raw);
		sb_add(&p->args, raw, n);
	} else {
		sb_adds(&p->args, "{}");
	}
}

/* Write pending tool i: its completion data (NULL: it never completed). */
static void tool_write(struct cop *g, size_t i, const struct done *data, int64_t ts)
{
	struct jdoc *d = &g->d;
	struct ptool *p = &g->t[i];
	/* a tool started before any record named the session (its
	 * session.start skipped as too long, say) */
	ensure_session(g, p->ts != TS_NONE ? p->ts : ts);
	if (!ev_seen(&g->c->seen_tool, g->session, p->id)) {
		struct event e;
		ev_of(g, &e, "tool");
		e.subagent = p->sub;
		if (p->sub)
			e.subagent_type = "task";
		e.ts = p->ts != TS_NONE ? p->ts : ts;
		e.id = p->id;
		e.parent = p->llm;
		e.prompt = p->prompt;
		e.cwd = g->cwd;
		e.tool = p->name;
		e.status = "unknown";
		if (data) {
			if (p->ts != TS_NONE && ts != TS_NONE && ts >= p->ts)
				e.duration_ms = ts - p->ts;
			const struct jnode *res = data->result;
			const char *raw = NULL;
			size_t n = res ? jraw(d, res, &raw) : 0;
			if (raw && agent_tool_kind("copilot", p->name) == TK_SHELL)
				e.exit = exit_code(raw, n);
			const struct jnode *ok = data->success;
			if (jtrue(ok))
				e.status = e.exit != EV_NONE && e.exit != 0 ? "error" : "ok";
			else if (ok && ok->type == J_FALSE)
				e.status = "error";
			else if (data->error && data->error->type == J_OBJ)
				e.status = "error";
		}
		tool_emit(g, &e, p->args.p, p->args.len);
	}
	ptool_free(p);
	memmove(p, p + 1, sizeof *p * (g->nt - i - 1));
	g->nt--;
}

static void tool_complete(struct cop *g, const struct jnode *data, int64_t ts)
{
	static const struct jkey keys[] = {JKEY("toolCallId"), JKEY("model"), JKEY("result"),
		JKEY("success"), JKEY("error")};
	struct jdoc *d = &g->d;
	const struct jnode *v[5];
	jpick(d, data, keys, 5, v);
	const char *id = js(d, v[0]);
	const char *m = js(d, v[1]);
	if (m && (!g->model || strcmp(g->model, m)))
		ev_set_str(&g->model, m);
	struct done dn = {v[2], v[3], v[4]};
	for (size_t i = 0; id && i < g->nt; i++)
		if (!strcmp(g->t[i].id, id)) {
			tool_write(g, i, &dn, ts);
			return;
		}
}

static void tools_flush(struct cop *g)
{
	while (g->nt)
		tool_write(g, 0, NULL, TS_NONE);
}

/* One model's figures in a shutdown, in agent-event(5) units. */
static void model_tokens(struct cop *g, const char *model, const struct jnode *u, struct tokens *k)
{
	struct jdoc *d = &g->d;
	int64_t in = ev_count(d, u, "inputTokens"), cr = ev_count(d, u, "cacheReadTokens");
	int64_t cw = ev_count(d, u, "cacheWriteTokens"), out = ev_count(d, u, "outputTokens");
	int64_t rs = ev_count(d, u, "reasoningTokens");
	memset(k, 0, sizeof *k);
	if (cr + cw > in) {
		lr_note(g->r, "cached", "%s: cache reads and writes (%lld) exceed input (%lld)",
			model, (long long)(cr + cw), (long long)in);
		in = cr + cw;
	}
	k->input = in - cr - cw;
	k->cache_read = cr;
	k->cache_write = cw;
	/* Gemini counts thoughts apart from output; the others include them */
	bool apart = !strncmp(model, "gemini", 6);
	k->output = apart ? out + rs : out;
	k->reasoning = rs;
}

static struct mtok *prev_of(struct cop *g, const char *model)
{
	for (int i = 0; i < g->nprev; i++)
		if (!strcmp(g->prev[i].model, model))
			return &g->prev[i];
	return NULL;
}

static bool ge(const struct tokens *a, const struct tokens *b)
{
	return a->input >= b->input && a->cache_read >= b->cache_read &&
		a->cache_write >= b->cache_write && a->output >= b->output;
}

static void sub_tokens(struct tokens *a, const struct tokens *b)
{
	a->input -= b->input;
	a->cache_read -= b->cache_read;
	a->cache_write -= b->cache_write;
	a->output -= b->output;
	a->reasoning = a->reasoning > b->reasoning ? a->reasoning - b->reasoning : 0;
}

/* Could these figures only be a running total since the session began? */
static bool cumulative(struct cop *g, const struct jnode *mm)
{
	struct jdoc *d = &g->d;
	if (!g->had_shutdown || g->out_all <= g->out_run)
		return false;
	int64_t out = 0;
	int seen = 0;
	JFOR(d, mm, k) {
		const char *model = js(d, k);
		const struct jnode *u = jget(d, jval(k), "usage");
		struct tokens t;
		if (!model || !u)
			continue;
		model_tokens(g, model, u, &t);
		out += t.output;
		const struct mtok *p = prev_of(g, model);
		if (p && !ge(&t, &p->t))
			return false;
		seen += p != NULL;
	}
	return seen == g->nprev && out >= g->out_all;
}

static void shutdown(struct cop *g, const struct jnode *data, int64_t ts)
{
	struct jdoc *d = &g->d;
	ensure_session(g, ts);
	tools_flush(g);
	const struct jnode *mm = jget(d, data, "modelMetrics");
	if (!mm || mm->type != J_OBJ) {
		lr_note(g->r, "nometrics", "session.shutdown without modelMetrics: this run's tokens are not recorded");
		return;
	}
	bool cum = cumulative(g, mm);
	if (cum)
		lr_note(g->r, "cumulative", "session.shutdown figures cover the runs before it too; "
			"the previous shutdown's are taken off");
	struct mtok next[MAXMODELS];
	int nnext = 0;
	JFOR(d, mm, k) {
		const char *model = js(d, k);
		const struct jnode *u = jget(d, jval(k), "usage");
		if (!model || !u || u->type != J_OBJ) {
			lr_warn(g->r, "metrics", "modelMetrics entry without usage; skipped");
			continue;
		}
		struct tokens t;
		model_tokens(g, model, u, &t);
		if (nnext < MAXMODELS)
			next[nnext++] = (struct mtok){xstrdup(model), t};
		const struct mtok *p = cum ? prev_of(g, model) : NULL;
		if (p) {
			sub_tokens(&t, &p->t);
			if (!(t.input | t.cache_read | t.cache_write | t.output))
				continue;       /* not used in this run */
		}
		size_t l = strlen(g->session) + strlen(model) + 32;
		char *id = jalloc(d, l);
		snprintf(id, l, "%s:usage:%s:run %d", g->session, model, g->run);
		if (ev_seen(&g->c->seen_call, g->session, id))
			continue;
		struct event e;
		ev_of(g, &e, "llm");
		e.ts = ts;
		e.id = id;
		e.model = model;
		e.usage = "session";
		e.has_tokens = true;
		e.tokens = t;
		ev_emit(g->c, &e);
	}
	for (int i = 0; i < g->nprev; i++)
		free(g->prev[i].model);
	memcpy(g->prev, next, sizeof *next * (size_t)nnext);
	g->nprev = nnext;
	g->had_shutdown = true;
}

/* An event's timestamp: events come in bursts of the same time (a turn's
 * start, its message and its tools' starts), so the last one's text and
 * time are kept and a timestamp written the same is not parsed again. */
static int64_t event_ts(struct cop *g, const struct jnode *n)
{
	if (!n || n->type != J_STR || n->len >= sizeof g->ts_text)
		return ev_ts_of(&g->d, n);
	if (g->ts_len == (size_t)n->len + 1 && !memcmp(g->ts_text, n->s, n->len))
		return g->ts_val;
	g->ts_val = ev_ts_of(&g->d, n);
	memcpy(g->ts_text, n->s, n->len);
	g->ts_len = (size_t)n->len + 1;
	return g->ts_val;
}

static void event(struct cop *g, const struct jnode *o)
{
	static const struct jkey keys[] = {JKEY("type"), JKEY("data"), JKEY("timestamp"), JKEY("id")};
	struct jdoc *d = &g->d;
	const struct jnode *v[4];
	jpick(d, o, keys, 4, v);
	const struct jnode *t = v[0], *data = v[1];
	int64_t ts = event_ts(g, v[2]);
	if (!t || t->type != J_STR) {
		lr_warn(g->r, "notype", "event without a type; skipped");
		return;
	}
	g->any = true;
	if (data && data->type != J_OBJ)
		data = NULL;
	if (jeq(t, "session.start"))
		start(g, data, ts, false);
	else if (jeq(t, "session.resume"))
		start(g, data, ts, true);
	else if (jeq(t, "session.model_change"))
		ev_set_str(&g->model, js(d, jget(d, data, "newModel")));
	else if (jeq(t, "user.message"))
		user_message(g, v[3], data, ts);
	else if (jeq(t, "assistant.turn_start"))
		g->turn_ts = ts;
	else if (jeq(t, "assistant.message"))
		assistant_message(g, v[3], data, ts);
	else if (jeq(t, "tool.execution_start"))
		tool_start(g, data, ts);
	else if (jeq(t, "tool.execution_complete"))
		tool_complete(g, data, ts);
	else if (jeq(t, "session.shutdown"))
		shutdown(g, data, ts);
	else if (!event_type(js(d, t)))
		lr_note(g->r, "evtype", "unknown event type \"%s\"; ignored", js(d, t));
	/* everything else (hooks, permissions, notices, plan and mode
	 * changes, turn ends) is no work of its own */
}

static void run_lines(struct cop *g)
{
	char *line;
	size_t len;
	scan_runs(g);
	g->run = 1;
	while (lr_next_nonblank(g->r, &line, &len)) {
		const struct jnode *o = ev_parse_line(g->r, &g->d, line, len);
		if (o)
			event(g, o);
	}
	tools_flush(g);
	if (g->any)
		ensure_session(g, TS_NONE);
	else if (!g->r->nwarn)
		lr_warn(g->r, "empty", "no Copilot CLI events");
	if (g->scanned) {
		for (int i = 0; i < g->nruns; i++)
			free(g->run_model[i]);
		free(g->run_model);
		free(g->has_shutdown);
	}
	for (int i = 0; i < g->nprev; i++)
		free(g->prev[i].model);
}

/* --- the older one-document history --------------------------------------- */

/* chatMessages hold the conversation in OpenAI's chat format, with no
 * times; timeline holds what the person saw, with times: a "user" entry
 * per prompt and a "tool_call_completed" entry per tool call.  A model
 * call is a run of assistant messages with nothing between them (the
 * client splits one response into a message per tool call). */
struct legacy {
	struct cop *g;
	struct jdoc *d;
	const struct jnode *timeline;
	const struct jnode *tl_user;    /* the next timeline "user" entry */
	int64_t last_ts;
};

static const struct jnode *timeline_call(struct legacy *L, const char *id)
{
	JFOR(L->d, L->timeline, it)
		if (jeq(jget(L->d, it, "type"), "tool_call_completed") && jeq(jget(L->d, it, "callId"), id))
			return it;
	return NULL;
}

/* The time of the next "user" entry of the timeline. */
static int64_t next_user_ts(struct legacy *L)
{
	struct jdoc *d = L->d;
	const struct jnode *it = L->tl_user ? jnext(d, L->timeline, L->tl_user) : jfirst(d, L->timeline);
	for (; it; it = jnext(d, L->timeline, it))
		if (jeq(jget(d, it, "type"), "user")) {
			L->tl_user = it;
			return ev_ts_of(d, jget(d, it, "timestamp"));
		}
	return TS_NONE;
}

/* A timeline entry's result: "success" or not, and a shell's exit code. */
static void legacy_status(struct jdoc *d, const struct jnode *tl, struct event *t)
{
	t->status = "unknown";
	if (!tl)
		return;
	const struct jnode *res = jget(d, tl, "result");
	const char *raw = NULL;
	size_t rn = res ? jraw(d, res, &raw) : 0;
	if (raw && agent_tool_kind("copilot", t->tool) == TK_SHELL)
		t->exit = exit_code(raw, rn);
	const struct jnode *rt = jget(d, res, "type");
	if (jeq(rt, "success"))
		t->status = t->exit != EV_NONE && t->exit != 0 ? "error" : "ok";
	else if (rt)
		t->status = "error";
}

static void run_legacy(struct cop *g)
{
	char *p;
	size_t n;
	if (lr_slurp(g->r, DOC_MAX, &p, &n) < 0)
		return;
	struct jdoc *d = &g->d;
	if (jparse(d, p, n) < 0) {
		diag_at(g->r->name, 0, "not JSON: %s", d->err);
		diag_errors++;
		return;
	}
	const struct jnode *o = jroot(d), *msgs = jget(d, o, "chatMessages");
	struct legacy L = {.g = g, .d = d, .timeline = jget(d, o, "timeline"), .last_ts = TS_NONE};
	if (o->type != J_OBJ || !msgs || msgs->type != J_ARR) {
		diag_at(g->r->name, 0, "a JSON document but not a Copilot CLI history (no chatMessages)");
		diag_errors++;
		return;
	}
	if (L.timeline && L.timeline->type != J_ARR)
		L.timeline = NULL;
	ev_set_str(&g->session, js(d, jget(d, o, "sessionId")));
	L.last_ts = ev_ts_of(d, jget(d, o, "startTime"));
	ensure_session(g, L.last_ts);
	const struct jnode *m = jfirst(d, msgs);
	struct sbuf names = {0};
	while (m) {
		const struct jnode *role = jget(d, m, "role");
		if (jeq(role, "user")) {
			int64_t ts = L.timeline ? next_user_ts(&L) : TS_NONE;
			if (ts != TS_NONE)
				L.last_ts = ts;
			struct event e;
			g->nprompt++;
			char id[64];
			snprintf(id, sizeof id, "%s:p%llu", g->session, (unsigned long long)g->nprompt);
			ev_set_str(&g->prompt, id);
			ev_of(g, &e, "prompt");
			e.ts = L.last_ts;
			e.id = g->prompt;
			e.prompt = g->prompt;
			e.origin = "human";
			sb_reset(&g->text);
			if (jstr(jget(d, m, "content"), &g->text)) {
				/* the client appends its own blocks after what was typed */
				const char *cut = strstr(g->text.p, "\n\n<current_datetime>");
				if (cut)
					g->text.len = (size_t)(cut - g->text.p);
				e.text = g->text.p;
				e.text_len = g->text.len;
			}
			ev_emit(g->c, &e);
			m = jnext(d, msgs, m);
			continue;
		}
		if (!jeq(role, "assistant")) {
			m = jnext(d, msgs, m);
			continue;
		}
		/* one call: this and the assistant messages right after it */
		const struct jnode *first = m, *end = m;
		while (end && jeq(jget(d, end, "role"), "assistant"))
			end = jnext(d, msgs, end);
		g->ncall++;
		char lid[64];
		snprintf(lid, sizeof lid, "%s:l%llu", g->session, (unsigned long long)g->ncall);
		int64_t ts = TS_NONE;
		struct event e;
		ev_of(g, &e, "llm");
		sb_reset(&names);
		sb_reset(&g->text);
		int ntools = 0;
		for (const struct jnode *a = first; a != end; a = jnext(d, msgs, a)) {
			const struct jnode *calls = jget(d, a, "tool_calls");
			JFOR(d, calls, tc) {
				const char *nm = js(d, jgetv(d, tc, "function", "name", NULL));
				sb_adds(&names, nm ? nm : "unknown");
				sb_addc(&names, 0);
				ntools++;
				const char *tid = js(d, jget(d, tc, "id"));
				const struct jnode *tl = tid && L.timeline ? timeline_call(&L, tid) : NULL;
				if (tl && ts == TS_NONE)
					ts = ev_ts_of(d, jget(d, tl, "timestamp"));
			}
			const struct jnode *c = jget(d, a, "content");
			if (c && c->type == J_STR && c->len) {
				if (g->text.len)
					sb_addc(&g->text, '\n');
				jstr(c, &g->text);
			}
		}
		if (ts != TS_NONE)
			L.last_ts = ts;
		if (ntools > g->namecap) {
			g->namecap = ntools * 2;
			g->namev = xrealloc(g->namev, sizeof *g->namev * (size_t)g->namecap);
		}
		const char *s = names.p;
		for (int i = 0; i < ntools; i++, s += strlen(s) + 1)
			g->namev[i] = s;
		e.ts = L.last_ts;
		e.id = lid;
		e.parent = g->prompt;
		e.prompt = g->prompt;
		e.usage = "none";
		e.tools = ntools ? g->namev : NULL;
		e.ntools = ntools;
		if (g->text.len) {
			e.text = g->text.p;
			e.text_len = g->text.len;
		}
		ev_emit(g->c, &e);
		for (const struct jnode *a = first; a != end; a = jnext(d, msgs, a))
			JFOR(d, jget(d, a, "tool_calls"), tc) {
				const char *tid = js(d, jget(d, tc, "id"));
				const char *nm = js(d, jgetv(d, tc, "function", "name", NULL));
				const struct jnode *tl = tid && L.timeline ? timeline_call(&L, tid) : NULL;
				struct event t;
				ev_of(g, &t, "tool");
				char made[96];
				if (!tid) {
					snprintf(made, sizeof made, "%s:t%d", lid, ++ntools);
					tid = made;
				}
				if (ev_seen(&g->c->seen_tool, g->session, tid))
					continue;
				t.id = tid;
				t.parent = lid;
				t.prompt = g->prompt;
				t.cwd = g->cwd;
				t.tool = nm ? nm : "unknown";
				t.ts = tl ? ev_ts_of(d, jget(d, tl, "timestamp")) : L.last_ts;
				legacy_status(d, tl, &t);
				const struct jnode *args = jgetv(d, tc, "function", "arguments", NULL);
				const char *raw = "{}";
				size_t rl = 2;
				if (args)
					rl = jraw(d, args, &raw);
				tool_emit(g, &t, raw, rl);
			}
		ev_set_str(&g->last_call, lid);
		m = end;
	}
	sb_free(&names);
	/* tool calls the timeline has and the messages lack (the two are
	 * saved apart): the last call made them */
	int only = 0;
	JFOR(d, L.timeline, tl) {
		const char *tid = js(d, jget(d, tl, "callId"));
		if (!jeq(jget(d, tl, "type"), "tool_call_completed") || !tid ||
		    ev_seen(&g->c->seen_tool, g->session, tid))
			continue;
		only++;
		struct event t;
		ev_of(g, &t, "tool");
		const char *nm = js(d, jget(d, tl, "name"));
		t.id = tid;
		t.parent = g->last_call;
		t.prompt = g->prompt;
		t.tool = nm ? nm : "unknown";
		t.ts = ev_ts_of(d, jget(d, tl, "timestamp"));
		legacy_status(d, tl, &t);
		const struct jnode *args = jget(d, tl, "arguments");
		const char *raw = "{}";
		size_t rl = 2;
		if (args)
			rl = jraw(d, args, &raw);
		tool_emit(g, &t, raw, rl);
	}
	if (only)
		lr_note(g->r, "timeline", "%d tool calls are in the timeline only; charged to the last model call", only);
}

/* A one-document history opens with a line that is not JSON by itself. */
static bool is_document(struct lreader *r)
{
	const char *h;
	size_t n = lr_peek(r, AGENT_SNIFF_SIZE, &h);
	size_t i = 0;
	while (i < n && isspace((unsigned char)h[i]))
		i++;
	const char *nl = memchr(h + i, '\n', n - i);
	if (!nl)
		return false;
	size_t l = (size_t)(nl - h) - i;
	while (l && isspace((unsigned char)h[i + l - 1]))
		l--;
	return l == 1 && h[i] == '{';
}

static void run(struct ev_ctx *c, struct lreader *r, const char *path)
{
	struct cop g = {.c = c, .r = r, .path = path, .turn_ts = TS_NONE, .run = 1};
	if (is_document(r))
		run_legacy(&g);
	else
		run_lines(&g);
	for (size_t i = 0; i < g.nt; i++)
		ptool_free(&g.t[i]);
	free(g.t);
	free(g.session);
	free(g.cwd);
	free(g.version);
	free(g.model);
	free(g.prompt);
	free(g.last_call);
	free(g.namev);
	sb_free(&g.text);
	jdoc_free(&g.d);
}

/* --- its history (agent-sessions) ---------------------------------------- */

static bool events_name(const char *name, int depth)
{
	size_t n = strlen(name);
	if (depth == 0)        /* the older flat session-state/<id>.jsonl */
		return n > 6 && !strcmp(name + n - 6, ".jsonl");
	return !strcmp(name, "events.jsonl");
}

static bool legacy_name(const char *name, int depth)
{
	size_t n = strlen(name);
	return depth == 0 && !strncmp(name, "session_", 8) && n > 5 && !strcmp(name + n - 5, ".json");
}

/* ${COPILOT_HOME:-~/.copilot}/session-state/<id>/events.jsonl, the older
 * session-state/<id>.jsonl, and the oldest
 * history-session-state/session_<id>_<ts>.json. */
static void find(struct history *h, const char *home)
{
	const char *env = getenv("COPILOT_HOME");
	char *base = env && *env ? xstrdup(env) : path_join(home, ".copilot");
	char *st = path_join(base, "session-state"), *old = path_join(base, "history-session-state");
	history_walk(h, st, 1, events_name, NULL, false);
	history_walk(h, old, 0, legacy_name, NULL, false);
	free(st);
	free(old);
	free(base);
}

static bool probe_record(struct session_probe *p, struct jdoc *d, const struct jnode *r)
{
	struct session_meta *m = p->m;
	const struct jnode *data = jget(d, r, "data");
	if (jeq(jget(d, r, "type"), "session.start")) {
		probe_str(p, &m->id, jget(d, data, "sessionId"));
		probe_str(p, &m->cwd, jgetv(d, data, "context", "cwd", NULL));
		probe_str(p, &m->version, jget(d, data, "copilotVersion"));
		probe_ts(p, jget(d, data, "startTime"));
		return true;
	}
	/* a file cut before its start: any event with a cwd */
	probe_str(p, &m->cwd, jgetv(d, data, "context", "cwd", NULL));
	return false;
}

static void probe_document(struct session_probe *p)
{
	probe_doc_str(p, &p->m->id, "sessionId");
	probe_doc_ts(p, "startTime");
}

/* session-state/<id>/events.jsonl: the directory names the session */
static void probe_name(struct session_probe *p, const char *path)
{
	const char *dir;
	size_t l;
	if (!p->m->id && !strcmp(agent_file_base(path), "events.jsonl") &&
	    (l = agent_dir_up(path, 0, &dir)))
		p->m->id = xstrndup(dir, l);
}

static const struct agent_probe probe = {
	.record = probe_record,
	.document = probe_document,
	.doc_tail = false,
	.name = probe_name,
};

static const char *const group_keys[] = {"sessionId", NULL};
static const char *const time_keys[] = {"timestamp", "startTime", NULL};

/* --- the agent ------------------------------------------------------------ */

/* Its tool names and their kinds (toolkind.h): Copilot CLI 0.0.3xx to
 * 1.0.x.  GitHub's MCP server's tools are named github-mcp-server-TOOL. */
static const struct tool_map copilot_tools[] = {
	TOOL("view", TK_READ),
	TOOL("create", TK_WRITE), TOOL("edit", TK_WRITE), TOOL("str_replace", TK_WRITE),
	TOOL("str_replace_editor", TK_WRITE), TOOL("insert", TK_WRITE),
	TOOL("glob", TK_SEARCH), TOOL("grep", TK_SEARCH), TOOL("rg", TK_SEARCH),
	TOOL("bash", TK_SHELL), TOOL("powershell", TK_SHELL), TOOL("read_bash", TK_SHELL),
	TOOL("write_bash", TK_SHELL), TOOL("stop_bash", TK_SHELL), TOOL("list_bash", TK_SHELL),
	TOOL("read_powershell", TK_SHELL), TOOL("write_powershell", TK_SHELL),
	TOOL("stop_powershell", TK_SHELL),
	TOOL("apply_patch", TK_PATCH),
	TOOL("web_fetch", TK_WEB),
	{"web_search", TK_WEB, TA_QUERY, NULL},
	TOOL("task", TK_DELEGATE), TOOL("read_agent", TK_DELEGATE), TOOL("list_agents", TK_DELEGATE),
	TOOL("update_todo", TK_PLAN), TOOL("report_intent", TK_PLAN), TOOL("ask_user", TK_PLAN),
	TOOL("exit_plan_mode", TK_PLAN), TOOL("think", TK_PLAN),
	/* sql (the session's own todo database), skill,
	 * fetch_copilot_cli_documentation: other */
	TOOL(NULL, TK_OTHER)
};

const struct agent agent_copilot = {
	.name = "copilot",
	.title = "GitHub Copilot CLI",
	.tools = copilot_tools,
	.sniff = sniff,
	.sniff_part = true,
	.run = run,
	.probe = session_probe_json,
	.probe_json = &probe,
	.find = find,
	.group_keys = group_keys,
	.time_keys = time_keys,
};
