/* SPDX-License-Identifier: MIT */
/* codex.c: the Codex CLI adapter of agent-events.
 *
 * Codex writes one rollout file per session, ~/.codex/sessions/YYYY/MM/DD/
 * rollout-<time>-<uuid>.jsonl, a line per item:
 *
 *   {"timestamp", "type": session_meta|turn_context|response_item|
 *    event_msg|compacted|..., "payload": {...}}
 *
 * Files written before session_meta existed (summer 2025) open with a
 * header {id, timestamp, instructions, git} and continue with bare
 * response items and {"record_type":"state"} lines, without timestamps.
 *
 * What needs care:
 *
 * - A prompt is written twice, as a response_item user message and as an
 *   event_msg user_message, in either order.  Adjacent copies are one
 *   prompt; the event's text is preferred.  Messages the client injects
 *   (<environment_context>, <user_instructions>, AGENTS.md) are skipped.
 *
 * - There is no record per model call.  Each token_count event whose
 *   cumulative total_token_usage advances stands for one call; rows that
 *   repeat the total are skipped, a total that goes down starts a new
 *   counter (its last_token_usage is the call).  The items a call
 *   produced (reasoning, assistant messages, tool calls) come before its
 *   token_count in newer clients and after it in older ones (0.34-0.58),
 *   so calls are grouped by position instead: a call's items form a run
 *   that the next input (a tool output, a prompt) ends, and the advance
 *   seen while the run is open, or just before it, is its usage.  A run
 *   without any advance (files without token_count) is still a model
 *   call: its llm record has no tokens, so its tools keep a parent.
 *
 * - A tool's status is in its output, which comes later: tool records are
 *   queued until their output arrives (or the turn ends), then written in
 *   call order after the llm record that chose them.  The queue is
 *   bounded, and outputs are only looked at where the exit code is: the
 *   head of the text, or the metadata at the end of a JSON wrapper.
 *
 * - A forked session (session_meta forked_from_id), and a subagent spawned
 *   with its parent's context, starts with a copy of its parent's lines:
 *   its own session_meta, then the parent's session_meta (and the
 *   grandparent's, for a fork of a fork) and items, then its own work.
 *   The copy gives no records; its token rows only move the cumulative
 *   total on, so that the child's first own row counts what it adds.
 *   Where the copy ends is read from what the file proves, in this order:
 *   a turn id (UUIDv7: its first 48 bits are milliseconds) older than the
 *   child's own id is the parent's, a newer one the child's; a line older
 *   than the child's start is the parent's, and once such lines were seen
 *   the first line that is not ends the copy; a token row or prompt that
 *   the parent's file gave (when the parent was read earlier in the run)
 *   is the parent's, and with the parent known the first one it did not
 *   give is the child's; the output "You are the newly spawned agent..."
 *   that Codex appends for the spawning call is the copy's last line.
 *   Only a file that proves none of this falls back to the first pause of
 *   two seconds; there a prompt left unanswered in the copy is the
 *   child's own task.
 *
 * - A spawned subagent (session_meta source.subagent.thread_spawn) is
 *   written under the session that spawned it (its root, for nested
 *   ones), with subagent = its own id, subagent_type = its agent role or
 *   "task", parent = the spawning call (the parent's collab_agent_spawn_end
 *   or spawn_agent output names the child) and prompt = the parent's
 *   prompt, when the parent's file was read first.  A fork made by the
 *   user is not a subagent: it keeps its own session.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "agent.h"
#include "events.h"
#include "sessions.h"
#include "shell/shell.h"

#if defined(JSCAN_SSE2) && (defined(__x86_64__) || defined(__i386__))
/* out_str and may_name_remote have forms for AVX2, taken where the CPU
 * has it */
#define OUT_AVX2 1
#include <immintrin.h>
#endif

#define QMAX 1024                     /* tool calls waiting for their output */
#define TEXT_MAX ((size_t)256 << 10)  /* assistant text kept per model call */
#define HEAD_MAX 512                  /* bytes of a tool output looked at */
#define FORK_GAP_MS 2000
#define NKEYS 8
#define NANC 8                        /* ancestors a copy names */
/* Fingerprints of the token rows and prompts each session's file gave,
 * for the forks read after it: a key per (session, row), left as the run's
 * marks (events.h: a fork's parent is usually in the same run; past
 * EV_MARKS no more are kept, and later forks fall back to the other
 * evidence). */

struct pend {
	struct sbuf id, name, cwd, args;
	int64_t ts;
	unsigned llm, prompt;     /* numbers of the llm and prompt records */
	bool llm_out;             /* its llm record is written */
	bool done;                /* its output arrived (or never will) */
	const char *status;
	int64_t exit, dur;
	int64_t ev_exit;          /* exec_command_end's exit code */
	bool ev_fail;             /* patch_apply_end said it failed */
	bool aborted;             /* its turn was aborted before its output */
	char host[256];           /* the remote its own output names */
};

enum { SRC_RESP = 1, SRC_EVENT = 2 };

struct cx {
	struct ev_ctx *c;
	struct lreader *r;
	const char *path;
	struct jdoc d;
	struct jdoc sd;           /* fast_tokens' rate limits */
	/* the session */
	struct sbuf sid;          /* own id: synthetic ids derive from it */
	struct sbuf parent_sid;   /* subagent: the session that started it */
	struct sbuf cwd, version, model;
	int64_t sess_ts, first_ts;
	bool have_meta, legacy, is_sub, session_out;
	/* subagents: the session spawned under, its root, the spawning call */
	struct sbuf root_sid, sub_type, spawn_call, root_prompt;
	/* forks and spawned copies: the parent's lines that lead the file */
	struct sbuf fork_from;
	bool rp;                  /* in the copy */
	bool rp_done;             /* the copy is over */
	bool rp_turns;            /* a turn id proved a copied line */
	bool rp_orig;             /* copied lines kept their own times */
	bool rp_end_after;        /* the line just read was the copy's last */
	bool rp_unans;            /* the copy's last prompt got no answer */
	int64_t own_ms;           /* when the child was made */
	uint64_t anc[NANC];       /* ancestors' session hashes; anc[0] the parent */
	int nanc;
	struct sbuf rp_utext;
	int64_t rp_uts;
	uint64_t own_h;           /* this session's hash, for its fingerprints */
	bool paused;
	int64_t last_ts;
	/* prompts */
	unsigned nprompt, cur_prompt;
	bool ppending;
	int psrc;
	int64_t pts;
	struct sbuf ptext;
	int64_t last_input_ts;    /* when the input of the next call was ready */
	bool input_seen;          /* an input was recorded since the last call */
	bool gclosing;            /* a tool output ended the call: close it
	                           * after its token row, if that comes next */
	int64_t gclose_ts;
	/* the model call being gathered */
	bool gopen, gtok;
	bool spill;               /* the call's llm record went out early */
	unsigned nllm, gn;
	struct tokens tok;
	int64_t gts, gfirst;
	struct sbuf gmodel, gtext, gtext_ev, gnames;
	int gntools;
	const char **tools;
	int tools_cap;
	/* cumulative usage */
	const struct jnode *u_node;   /* the line's usage read last, */
	int64_t u_t[5];               /* and its counts */
	bool have_total;
	int64_t tot[5];           /* input cached output reasoning total */
	/* tool calls waiting for their output */
	struct pend q[QMAX];
	unsigned qhead, qlen;
	unsigned ntool;
	bool noted_tokens;
	char keys[NKEYS][40];
	int nkeys;
	struct sbuf idb, pidb, tmp;
	uint64_t idb_k, pidb_k;   /* the ids idb and pidb hold (mkid_at), 0: none */
	/* fast_time: the day of the last time read, and its milliseconds */
	char day[10];
	bool day_ok;
	int64_t day_ms;
};

/* --- small helpers -------------------------------------------------------- */

/* jstr(n, b) for the strings that make a rollout's bulk (arguments,
 * patches, messages): ASCII text whose escapes are the one-letter ones is
 * copied eight bytes a step to the next backslash; anything else (a \u
 * escape, bytes from 0x80, a NUL, invalid UTF-8) is jstr's. */
static void text(const struct jnode *n, struct sbuf *b)
{
	if (!n || n->type != J_STR || n->flags != JF_ESC) {
		jstr(n, b);
		return;
	}
	size_t start = b->len;
	sb_grow(b, n->len + 8);
	char *o = b->p + b->len;
	const char *p = n->s, *e = p + n->len;
	for (;;) {
		while (e - p >= 8) {
			uint64_t v, x;
			memcpy(&v, p, 8);
			memcpy(o, &v, 8);   /* room: what is left of the text, and 8 */
			x = v ^ (JSCAN_ONES * '\\');
			uint64_t m = (x - JSCAN_ONES) & ~x & JSCAN_HIGHS;
			if (m) {
				/* the lowest byte flagged is the first backslash */
				size_t i = (size_t)__builtin_ctzll(m) >> 3;
				p += i;
				o += i;
				goto esc;
			}
			p += 8;
			o += 8;
		}
		while (p < e && *p != '\\')
			*o++ = *p++;
		if (p >= e)
			break;
esc:
		if (e - p < 2)
			goto slow;
		switch (p[1]) {
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u': goto slow;
		default: *o++ = p[1]; break;
		}
		p += 2;
	}
	b->len = (size_t)(o - b->p);
	*o = 0;
	return;
slow:
	b->len = start;
	b->p[start] = 0;
	jstr(n, b);
}

static void sset(struct sbuf *b, const char *s, size_t n)
{
	sb_reset(b);
	if (s)
		sb_add(b, s, n);
}

static void snode(struct sbuf *b, const struct jnode *n)
{
	sb_reset(b);
	if (n && n->type == J_STR)
		jstr(n, b);
}

/* snprintf(dst, cap, "%.*s", n, s) without the formatting machinery:
 * s[0..n) cut at a NUL and to what fits. */
static void scopy(char *dst, size_t cap, const char *s, size_t n)
{
	n = strnlen(s, n < cap - 1 ? n : cap - 1);
	memcpy(dst, s, n);
	dst[n] = 0;
}

static const char *opt(const struct sbuf *b)
{
	return b->len ? b->p : NULL;
}

static bool is(const struct jnode *n, const char *lit)
{
	return n && n->type == J_STR && jeq(n, lit);
}

static int64_t node_ts(const struct jnode *n)
{
	if (!n || n->type != J_STR || (n->flags & JF_ESC))
		return TS_NONE;
	return ts_parse(n->s, n->len);
}

/* Once per file for each kind of thing this adapter does not know. */
static void note_once(struct cx *x, const char *what, const char *name, size_t n)
{
	char k[40];
	snprintf(k, sizeof k, "%s:%.*s", what, (int)(n > 30 ? 30 : n), name);
	for (int i = 0; i < x->nkeys; i++)
		if (!strcmp(x->keys[i], k))
			return;
	if (x->nkeys < NKEYS)
		memcpy(x->keys[x->nkeys++], k, sizeof k);
	else
		return;
	lr_note(x->r, x->keys[x->nkeys - 1], "unknown %s '%.*s' ignored", what,
		(int)(n > 60 ? 60 : n), name);
}

static const char *mkid(struct sbuf *b, const struct cx *x, char kind, unsigned n)
{
	sb_reset(b);
	sb_add(b, x->sid.p, x->sid.len);
	sb_addc(b, ':');
	sb_addc(b, kind);
	sb_addi(b, n);
	return b->p;
}

/* mkid into one of the id buffers, *k naming the id it holds: the ids of
 * the current model call and prompt are written record after record.
 * Whatever changes the session id clears the keys. */
static const char *mkid_at(struct sbuf *b, uint64_t *k, const struct cx *x, char kind, unsigned n)
{
	uint64_t want = (uint64_t)(unsigned char)kind << 32 | n;
	if (*k != want || !b->p) {
		mkid(b, x, kind, n);
		*k = want;
	}
	return b->p;
}
#define IDB(x, kind, n) mkid_at(&(x)->idb, &(x)->idb_k, (x), (kind), (n))
#define PIDB(x, kind, n) mkid_at(&(x)->pidb, &(x)->pidb_k, (x), (kind), (n))

static void new_sid(struct cx *x)
{
	x->idb_k = x->pidb_k = 0;
}

static void base_event(const struct cx *x, struct event *e, const char *kind)
{
	ev_init(e);
	e->kind = kind;
	e->agent = "codex";
	if (x->parent_sid.len) {
		e->session = x->root_sid.len ? x->root_sid.p : x->parent_sid.p;
		e->subagent = x->sid.p;
		e->subagent_type = x->sub_type.len ? x->sub_type.p : "task";
	} else {
		e->session = x->sid.p;
	}
}

/* The prompt a record of this file belongs to: a spawned subagent's work
 * belongs to the prompt of its parent that spawned it; read without its
 * parent, to its own task (its first prompt), the oldest cause the file
 * proves.  Anything else belongs to the file's current prompt. */
static const char *prompt_of(struct cx *x, struct sbuf *b, uint64_t *k, unsigned n)
{
	if (x->parent_sid.len) {
		if (x->root_prompt.len)
			return x->root_prompt.p;
		n = x->nprompt ? 1 : 0;
	}
	return !n ? NULL : k ? mkid_at(b, k, x, 'p', n) : mkid(b, x, 'p', n);
}

/* An input the next model call reads was recorded at ts. */
static void mark_input(struct cx *x, int64_t ts)
{
	if (ts == TS_NONE)
		return;
	if (x->last_input_ts == TS_NONE || ts > x->last_input_ts || !x->input_seen)
		x->last_input_ts = ts;
	x->input_seen = true;
}

/* The milliseconds of a UUIDv7 (its first 48 bits), TS_NONE for other
 * ids. */
static int64_t v7_ms(const char *s, size_t n)
{
	if (n != 36 || s[8] != '-' || s[13] != '-' || s[14] != '7')
		return TS_NONE;
	int64_t v = 0;
	for (int i = 0; i < 13; i++) {
		if (i == 8)
			continue;
		char ch = s[i];
		int d = ch >= '0' && ch <= '9' ? ch - '0' : (ch | 0x20) >= 'a' && (ch | 0x20) <= 'f' ?
		    (ch | 0x20) - 'a' + 10 : -1;
		if (d < 0)
			return TS_NONE;
		v = v * 16 + d;
	}
	return v;
}

static uint64_t sess_hash(const char *s, size_t n)
{
	return hash64(s, n, 0x5e55);
}

/* The key of a row's fingerprint dh in session sh's set; dh 0: the mark
 * that the session's file was read. */
static uint64_t fp_key(uint64_t sh, uint64_t dh)
{
	return hash64(&dh, sizeof dh, sh);
}

static void fp_put(struct ev_ctx *c, uint64_t sh, uint64_t dh)
{
	ev_mark_put(c, fp_key(sh, dh));
}

static void anc_add(struct cx *x, const char *s, size_t n)
{
	uint64_t h = sess_hash(s, n);
	for (int i = 0; i < x->nanc; i++)
		if (x->anc[i] == h)
			return;
	if (x->nanc < NANC)
		x->anc[x->nanc++] = h;
}

/* --- the session record ----------------------------------------------------- */

/* Files without a session id: the uuid at the end of rollout-<time>-<uuid>,
 * else the file's name. */
static void id_from_path(struct cx *x)
{
	const char *b = agent_file_base(x->path);
	size_t n = agent_file_stem(b, ".jsonl");
	if (!strncmp(b, "rollout-", 8) && n >= 36 + 8) {
		const char *u = b + n - 36;
		if (u[8] == '-' && u[13] == '-' && u[18] == '-' && u[23] == '-') {
			sset(&x->sid, u, 36);
			return;
		}
	}
	if (!strcmp(x->path, "-"))
		sset(&x->sid, "stdin", 5);
	else
		sset(&x->sid, b, n);
}

static void ensure_session(struct cx *x)
{
	if (x->session_out)
		return;
	x->session_out = true;
	struct event e;
	base_event(x, &e, "session");
	e.ts = x->sess_ts != TS_NONE ? x->sess_ts : x->first_ts;
	e.parent = opt(&x->spawn_call);
	e.cwd = opt(&x->cwd);
	e.version = opt(&x->version);
	e.file = x->path;
	ev_session(x->c, &e);
}

/* The copy of a parent starts: from here on lines are the parent's until
 * the file proves otherwise. */
static void copy_starts(struct cx *x)
{
	if (x->rp || x->rp_done)
		return;
	x->rp = true;
	x->paused = false;
	x->own_ms = v7_ms(x->sid.p ? x->sid.p : "", x->sid.len);
	if (x->own_ms == TS_NONE)
		x->own_ms = x->sess_ts;
}

static void session_meta(struct cx *x, const struct jnode *p, int64_t ts)
{
	const struct jdoc *d = &x->d;
	const struct jnode *id = jget(d, p, "id");
	if (!id || id->type != J_STR)
		id = jget(d, p, "session_id");
	if (x->have_meta) {
		/* a copy of its parent's header (a fork, a spawned subagent
		 * with its parent's context: before any work of the file's
		 * own), or a later session appended to the file: the first
		 * header names the file */
		if (id && id->type == J_STR && id->len && !jeq(id, x->sid.p ? x->sid.p : "") &&
		    !x->rp_done && !x->nprompt && !x->nllm && !x->ntool && !x->have_total) {
			sb_reset(&x->tmp);
			jstr(id, &x->tmp);
			anc_add(x, x->tmp.p, x->tmp.len);
			copy_starts(x);
		}
		return;
	}
	x->have_meta = true;
	if (id && id->type == J_STR && id->len)
		snode(&x->sid, id);
	new_sid(x);
	x->own_h = sess_hash(x->sid.p, x->sid.len);
	int64_t t = node_ts(jget(d, p, "timestamp"));
	x->sess_ts = t != TS_NONE ? t : ts;
	if (!x->cwd.len)
		snode(&x->cwd, jget(d, p, "cwd"));
	snode(&x->version, jget(d, p, "cli_version"));
	const struct jnode *m = jget(d, p, "model");
	if (m && m->type == J_STR)
		snode(&x->model, m);
	/* the remote a git push without a URL goes to */
	char host[256];
	const struct jnode *url = jgetv(d, p, "git", "repository_url", NULL);
	if (url && url->type == J_STR) {
		sb_reset(&x->tmp);
		jstr(url, &x->tmp);
		if (x->tmp.len && (url_domain(x->tmp.p, host, sizeof host, NULL) ||
		    remote_domain(x->tmp.p, host, sizeof host)))
			snprintf(x->c->git_host, sizeof x->c->git_host, "%s", host);
	}
	/* subagents: the parent's id, where the header names it */
	const struct jnode *src = jget(d, p, "source");
	const struct jnode *sub = src && src->type == J_OBJ ? jget(d, src, "subagent") : NULL;
	const struct jnode *par = jget(d, p, "parent_thread_id");
	const struct jnode *role = jget(d, p, "agent_role");
	if (sub) {
		x->is_sub = true;
		const struct jnode *spawn = sub->type == J_OBJ ? jget(d, sub, "thread_spawn") : NULL;
		if (spawn && spawn->type == J_OBJ) {
			if (!par || par->type != J_STR)
				par = jget(d, spawn, "parent_thread_id");
			const struct jnode *r = jget(d, spawn, "agent_role");
			if (r && r->type == J_STR && r->len)
				role = r;
		} else if (sub->type == J_STR && sub->len && (!role || role->type != J_STR)) {
			role = sub;   /* review, compact, ... */
		}
	}
	if (x->is_sub && par && par->type == J_STR && par->len && x->sid.len) {
		snode(&x->parent_sid, par);
		if (role && role->type == J_STR && role->len)
			snode(&x->sub_type, role);
		/* what the parent's file told about this child */
		const char *v;
		sb_reset(&x->tmp);
		sb_printf(&x->tmp, "codex-root:%s", x->parent_sid.p);
		if ((v = ev_link_get(x->c, x->tmp.p)))
			sset(&x->root_sid, v, strlen(v));
		sb_reset(&x->tmp);
		sb_printf(&x->tmp, "codex-spawn:%s", x->sid.p);
		if ((v = ev_link_get(x->c, x->tmp.p)))
			sset(&x->spawn_call, v, strlen(v));
		sb_reset(&x->tmp);
		sb_printf(&x->tmp, "codex-spawn-prompt:%s", x->sid.p);
		if ((v = ev_link_get(x->c, x->tmp.p)))
			sset(&x->root_prompt, v, strlen(v));
		/* for the subagents this one spawns */
		sb_reset(&x->tmp);
		sb_printf(&x->tmp, "codex-root:%s", x->sid.p);
		ev_link_put(x->c, x->tmp.p, x->root_sid.len ? x->root_sid.p : x->parent_sid.p);
	}
	const struct jnode *f = jget(d, p, "forked_from_id");
	if (f && f->type == J_STR && f->len) {
		snode(&x->fork_from, f);
		anc_add(x, x->fork_from.p, x->fork_from.len);
		copy_starts(x);
	} else if (x->parent_sid.len) {
		anc_add(x, x->parent_sid.p, x->parent_sid.len);
	}
}

/* --- prompts ---------------------------------------------------------------- */

static void flush_prompt(struct cx *x)
{
	if (!x->ppending)
		return;
	x->ppending = false;
	ensure_session(x);
	struct event e;
	base_event(x, &e, "prompt");
	e.ts = x->pts;
	e.id = PIDB(x, 'p', x->cur_prompt);
	e.prompt = x->parent_sid.len && x->root_prompt.len ? x->root_prompt.p :
	    x->parent_sid.len ? IDB(x, 'p', 1) : e.id;
	if (x->cur_prompt == 1)
		e.parent = opt(&x->spawn_call);
	e.origin = x->is_sub ? "subagent" : "human";
	e.text = x->ptext.p ? x->ptext.p : "";
	e.text_len = x->ptext.len;
	ev_emit(x->c, &e);
}

/* Text the client adds to the conversation rather than the person:
 * <environment_context>...</environment_context> and its kin, and the
 * AGENTS.md instructions. */
static bool injected(const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	if (n >= 24 && !memcmp(s, "# AGENTS.md instructions", 24))
		return true;
	if (n < 5 || s[0] != '<')
		return false;
	size_t i = 1;
	while (i < n && i < 64 && (s[i] == '_' || s[i] == ' ' || s[i] == '-' ||
	    (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')))
		i++;
	if (i == 1 || i >= n || s[i] != '>')
		return false;
	/* it must close what it opened: "</tag>" at the end */
	size_t tl = i - 1;
	return n >= 2 * tl + 5 && s[n - 1] == '>' && !memcmp(s + n - tl - 1, s + 1, tl) &&
	    s[n - tl - 2] == '/' && s[n - tl - 3] == '<';
}

static void cwd_from_context(struct cx *x, const char *s, size_t n)
{
	if (x->cwd.len)
		return;
	const char *a = memmem(s, n, "<cwd>", 5);
	if (!a)
		return;
	a += 5;
	const char *b = memmem(a, n - (size_t)(a - s), "</cwd>", 6);
	if (b)
		sset(&x->cwd, a, (size_t)(b - a));
}

static void close_group(struct cx *x);
static void drain(struct cx *x, bool force);

static void user_prompt(struct cx *x, int src, int64_t ts)
{
	/* x->tmp holds the text */
	if (x->ppending && !(x->psrc & src)) {
		/* the other copy of the prompt being held: one prompt */
		if (src == SRC_EVENT) {
			sset(&x->ptext, x->tmp.p, x->tmp.len);
			if (ts != TS_NONE) {
				x->pts = ts;
				mark_input(x, ts);
			}
		}
		x->psrc |= src;
		return;
	}
	close_group(x);
	drain(x, true);
	flush_prompt(x);
	x->spill = false;
	x->ppending = true;
	x->psrc = src;
	x->pts = ts;
	x->cur_prompt = ++x->nprompt;
	sset(&x->ptext, x->tmp.p, x->tmp.len);
	mark_input(x, ts);
}

static void user_message_item(struct cx *x, const struct jnode *p, int64_t ts)
{
	const struct jdoc *d = &x->d;
	const struct jnode *c = jget(d, p, "content");
	sb_reset(&x->tmp);
	if (c && c->type == J_STR) {
		text(c, &x->tmp);
	} else if (c && c->type == J_ARR) {
		JFOR(d, c, it) {
			const struct jnode *t = it->type == J_OBJ ? jget(d, it, "text") : NULL;
			if (!t || t->type != J_STR)
				continue;
			if (x->tmp.len)
				sb_addc(&x->tmp, '\n');
			text(t, &x->tmp);
		}
	}
	if (injected(x->tmp.p ? x->tmp.p : "", x->tmp.len)) {
		cwd_from_context(x, x->tmp.p, x->tmp.len);
		return;
	}
	user_prompt(x, SRC_RESP, ts);
}

static void user_message_event(struct cx *x, const struct jnode *p, int64_t ts)
{
	const struct jdoc *d = &x->d;
	const struct jnode *k = jget(d, p, "kind");
	sb_reset(&x->tmp);
	text(jget(d, p, "message"), &x->tmp);
	if ((k && k->type == J_STR && !jeq(k, "plain")) ||
	    injected(x->tmp.p ? x->tmp.p : "", x->tmp.len)) {
		if (x->tmp.len)
			cwd_from_context(x, x->tmp.p, x->tmp.len);
		return;
	}
	user_prompt(x, SRC_EVENT, ts);
}

/* --- model calls -------------------------------------------------------------- */

static void open_group(struct cx *x, int64_t ts)
{
	if (x->gopen)
		return;
	flush_prompt(x);
	x->gopen = true;
	x->gtok = false;
	x->spill = false;
	x->gn = ++x->nllm;
	x->gts = TS_NONE;
	x->gfirst = ts;
	memset(&x->tok, 0, sizeof x->tok);
	sb_reset(&x->gmodel);
	sb_reset(&x->gtext);
	sb_reset(&x->gtext_ev);
	sb_reset(&x->gnames);
	x->gntools = 0;
}

static void close_group(struct cx *x)
{
	if (!x->gopen)
		return;
	x->gopen = false;
	ensure_session(x);
	struct event e;
	base_event(x, &e, "llm");
	e.ts = x->gtok && x->gts != TS_NONE ? x->gts : x->gfirst;
	e.id = IDB(x, 'l', x->gn);
	if (x->cur_prompt)
		e.parent = PIDB(x, 'p', x->cur_prompt);
	e.prompt = x->parent_sid.len ? prompt_of(x, &x->tmp, NULL, 0) : e.parent;
	e.model = x->gtok && x->gmodel.len ? x->gmodel.p : opt(&x->model);
	/* from the input it read to its token row: a call whose start or
	 * end the file does not hold has no duration */
	if (x->gtok && x->input_seen && e.ts != TS_NONE && x->last_input_ts != TS_NONE &&
	    e.ts >= x->last_input_ts)
		e.duration_ms = e.ts - x->last_input_ts;
	e.has_tokens = x->gtok;
	e.tokens = x->tok;
	if (x->gntools) {
		if (x->gntools > x->tools_cap) {
			x->tools_cap = x->gntools * 2;
			x->tools = xrealloc(x->tools, sizeof *x->tools * (size_t)x->tools_cap);
		}
		const char *s = x->gnames.p;
		for (int i = 0; i < x->gntools; i++) {
			x->tools[i] = s;
			s += strlen(s) + 1;
		}
		e.tools = x->tools;
		e.ntools = x->gntools;
	}
	const struct sbuf *t = x->gtext.len ? &x->gtext : &x->gtext_ev;
	if (t->len) {
		e.text = t->p;
		e.text_len = t->len;
	}
	ev_emit(x->c, &e);
	x->input_seen = false;
	for (unsigned i = 0; i < x->qlen; i++)
		x->q[(x->qhead + i) % QMAX].llm_out = true;
}

static void add_text(struct sbuf *b, const struct jnode *n)
{
	if (!n || n->type != J_STR || b->len >= TEXT_MAX)
		return;
	if (b->len)
		sb_add(b, "\n\n", 2);
	text(n, b);
}

static void assistant_item(struct cx *x, const struct jnode *p, int64_t ts)
{
	const struct jdoc *d = &x->d;
	open_group(x, ts);
	const struct jnode *c = jget(d, p, "content");
	if (c && c->type == J_ARR) {
		JFOR(d, c, it)
			if (it->type == J_OBJ)
				add_text(&x->gtext, jget(d, it, "text"));
	} else {
		add_text(&x->gtext, c);
	}
}

/* A count: never negative, and capped at 2^53 (no real count comes near)
 * so that sums and differences of counts cannot overflow. */
static int64_t count(const struct jnode *n)
{
	if (n && n->type == J_NUM && n->len <= 15) {
		/* the usual count: up to 15 digits, below the cap */
		int64_t v = 0;
		uint32_t i = 0;
		for (; i < n->len && n->s[i] >= '0' && n->s[i] <= '9'; i++)
			v = v * 10 + (n->s[i] - '0');
		if (i == n->len)
			return v;
	}
	int64_t v = jint(n, 0);
	return v < 0 ? 0 : v > (INT64_C(1) << 53) ? INT64_C(1) << 53 : v;
}

/* The five counts of a usage object, its members read in one pass (the
 * last of a repeated key, as jget finds it). */
static void read_usage(const struct jdoc *d, const struct jnode *u, int64_t t[5])
{
	static const char *const names[5] = {"input_tokens", "cached_input_tokens",
		"output_tokens", "reasoning_output_tokens", "total_tokens"};
	static const uint8_t lens[5] = {12, 19, 13, 23, 12};
	const struct jnode *v[5] = {0};
	if (u && u->type == J_OBJ) {
		JFOR(d, u, k) {
			for (int i = 0; i < 5; i++)
				if ((k->flags & JF_ESC) ? jeq_n(k, names[i], lens[i]) :
				    k->len == lens[i] && !memcmp(k->s, names[i], lens[i])) {
					v[i] = k + 1;
					break;
				}
		}
	}
	for (int i = 0; i < 4; i++)
		t[i] = count(v[i]);
	t[4] = v[4] ? count(v[4]) : t[0] + t[2];
}

/* read_usage, once per line for the total a row's fingerprint and its
 * counts both read. */
static void line_usage(struct cx *x, const struct jnode *u, int64_t t[5])
{
	if (u != x->u_node) {
		read_usage(&x->d, u, x->u_t);
		x->u_node = u;
	}
	memcpy(t, x->u_t, sizeof x->u_t);
}

static void token_row(struct cx *x, const int64_t t[5], const int64_t *l,
	const struct jnode *m, int64_t ts, bool copy);

/* copy: a row of the parent's copy, which only moves the total on. */
static void token_count(struct cx *x, const struct jnode *p, int64_t ts, bool copy)
{
	const struct jdoc *d = &x->d;
	const struct jnode *info = jget(d, p, "info");
	if (!info || info->type != J_OBJ)
		return;   /* rate limits only */
	const struct jnode *tu = jget(d, info, "total_token_usage");
	const struct jnode *lu = jget(d, info, "last_token_usage");
	if (!tu || tu->type != J_OBJ) {
		if (!x->noted_tokens)
			lr_note(x->r, "codex-tokens", "token_count without total_token_usage ignored");
		x->noted_tokens = true;
		return;
	}
	int64_t t[5], l[5] = {0};
	line_usage(x, tu, t);
	bool have_l = lu && lu->type == J_OBJ;
	if (have_l && x->have_total && t[4] != x->tot[4])
		read_usage(d, lu, l);
	const struct jnode *m = jget(d, info, "model");
	token_row(x, t, have_l ? l : NULL, m && m->type == J_STR ? m : NULL, ts, copy);
}

/* A token row: t its total_token_usage, l its last_token_usage (NULL:
 * none; only read when the total moved), m its model (NULL: none). */
static void token_row(struct cx *x, const int64_t t[5], const int64_t *l,
	const struct jnode *m, int64_t ts, bool copy)
{
	int64_t a[5];
	if (x->have_total && t[4] == x->tot[4])
		return;   /* re-emitted */
	bool reset = x->have_total && t[4] < x->tot[4];
	for (int i = 0; i < 5; i++) {
		a[i] = t[i] - (x->have_total ? x->tot[i] : 0);
		if (a[i] < 0)
			reset = true;
	}
	if (reset) {
		/* a new counter: its last call is what this row adds */
		memcpy(a, l ? l : t, sizeof a);
	}
	memcpy(x->tot, t, sizeof x->tot);
	x->have_total = true;
	if (copy) {
		x->rp_unans = false;   /* the copy's last prompt was answered */
		return;
	}
	/* the call whose items are open, unless it has its usage already */
	if (x->gopen && x->gtok)
		close_group(x);
	open_group(x, ts);
	x->gtok = true;
	x->gts = ts;
	x->tok.input = a[0] > a[1] ? a[0] - a[1] : 0;
	x->tok.cache_read = a[1];
	x->tok.output = a[2];
	x->tok.reasoning = a[3];
	if (m)
		snode(&x->gmodel, m);
	else
		sset(&x->gmodel, x->model.p, x->model.len);
}

/* --- tool calls --------------------------------------------------------------- */

static struct pend *qat(struct cx *x, unsigned i)
{
	return &x->q[(x->qhead + i) % QMAX];
}

static void emit_tool(struct cx *x, struct pend *t)
{
	ensure_session(x);
	struct event e;
	base_event(x, &e, "tool");
	e.ts = t->ts;
	e.id = t->id.p;
	e.parent = IDB(x, 'l', t->llm);
	e.prompt = prompt_of(x, &x->pidb, &x->pidb_k, t->prompt);
	e.cwd = opt(&t->cwd);
	e.tool = t->name.p;
	e.status = t->done && t->status ? t->status : t->aborted ? "error" : "unknown";
	e.exit = t->exit;
	e.duration_ms = t->dur;
	const char *a = t->args.p ? t->args.p : "";
	e.class = effects_class(&e, a, t->args.len);
	ev_emit(x->c, &e);
	char keep[sizeof x->c->git_host];
	memcpy(keep, x->c->git_host, sizeof keep);
	if (t->host[0])
		snprintf(x->c->git_host, sizeof x->c->git_host, "%s", t->host);
	effects_tool(x->c, &e, a, t->args.len);
	if (t->host[0])
		memcpy(x->c->git_host, keep, sizeof keep);
}

/* Write the queued tools whose llm record is out and whose result is
 * known; force: all of them (the turn is over). */
static void drain(struct cx *x, bool force)
{
	if (force && x->qlen)
		close_group(x);
	while (x->qlen) {
		struct pend *t = qat(x, 0);
		if (!force && !(t->done && t->llm_out))
			break;
		emit_tool(x, t);
		x->qhead = (x->qhead + 1) % QMAX;
		x->qlen--;
	}
}

static struct pend *queue_tool(struct cx *x, const struct jnode *id, const char *name,
	size_t namelen, int64_t ts)
{
	if (x->qlen == QMAX) {
		/* a turn with more calls than we hold: the oldest goes out
		 * without its result */
		if (x->gopen) {
			close_group(x);
			x->spill = true;
		}
		struct pend *t = qat(x, 0);
		emit_tool(x, t);
		x->qhead = (x->qhead + 1) % QMAX;
		x->qlen--;
	}
	if (!x->spill)
		open_group(x, ts);
	struct pend *t = qat(x, x->qlen++);
	if (id && id->type == J_STR && id->len)
		snode(&t->id, id);
	else
		mkid(&t->id, x, 't', x->ntool + 1);
	x->ntool++;
	sset(&t->name, name, namelen);
	sset(&t->cwd, x->cwd.p, x->cwd.len);
	sb_reset(&t->args);
	t->ts = ts;
	t->llm = x->gn;
	t->prompt = x->cur_prompt;
	t->llm_out = x->spill;   /* the rest of a call too big for the queue */
	t->done = false;
	t->status = NULL;
	t->exit = t->dur = t->ev_exit = EV_NONE;
	t->ev_fail = t->aborted = false;
	t->host[0] = 0;
	if (!x->spill) {
		sb_add(&x->gnames, name, namelen);
		sb_addc(&x->gnames, 0);
		x->gntools++;
	}
	return t;
}

/* A call seen before (a resumed or forked session copies them) counts
 * once; its name still goes to the model call that chose it here. */
static bool dup_call(struct cx *x, const struct jnode *id)
{
	if (!id || id->type != J_STR || !id->len)
		return false;
	sb_reset(&x->tmp);
	jstr(id, &x->tmp);
	return ev_seen(&x->c->seen_tool, x->tmp.p, NULL);
}

/* Calls without an output item carry their own status. */
static bool own_status(const char *type)
{
	return strcmp(type, "function_call") && strcmp(type, "custom_tool_call") &&
	    strcmp(type, "local_shell_call") && strcmp(type, "tool_search_call");
}

/* A call of the item type type: id its id, nm its name, a its arguments,
 * st its status (read for the types with own_status). */
static void tool_call_of(struct cx *x, const struct jnode *id, const struct jnode *nm,
	const struct jnode *a, const struct jnode *st, const char *type, int64_t ts)
{
	char name[128];
	if (nm && nm->type == J_STR && nm->len) {
		sb_reset(&x->tmp);
		jstr(nm, &x->tmp);
		scopy(name, sizeof name, x->tmp.p, x->tmp.len);
	} else {
		/* local_shell_call -> local_shell, web_search_call -> web_search */
		size_t nl = strlen(type);
		if (nl > 5 && !strcmp(type + nl - 5, "_call"))
			nl -= 5;
		scopy(name, sizeof name, type, nl);
	}
	if (dup_call(x, id)) {
		open_group(x, ts);
		sb_adds(&x->gnames, name);
		sb_addc(&x->gnames, 0);
		x->gntools++;
		return;
	}
	struct pend *t = queue_tool(x, id, name, strlen(name), ts);
	/* the arguments as effects_tool wants them */
	if (a && a->type == J_STR) {
		text(a, &t->args);
	} else if (a && a->type != J_NULL) {
		const char *raw;
		size_t rl = jraw(&x->d, a, &raw);
		sb_add(&t->args, raw, rl);
	}
	if (own_status(type)) {
		t->done = true;
		t->status = is(st, "completed") ? "ok" : is(st, "failed") ? "error" : "unknown";
	}
}

static void tool_call(struct cx *x, const struct jnode *p, const char *type, int64_t ts)
{
	const struct jdoc *d = &x->d;
	const struct jnode *id = jget(d, p, "call_id");
	if (!id || id->type != J_STR)
		id = jget(d, p, "id");
	const struct jnode *a = jget(d, p, "arguments");
	if (!a)
		a = jget(d, p, "input");
	if (!a)
		a = jget(d, p, "action");
	tool_call_of(x, id, jget(d, p, "name"), a, own_status(type) ? jget(d, p, "status") : NULL,
		type, ts);
}

/* The first bytes of an escaped JSON string, unescaped well enough to
 * read a status line. */
static size_t unesc_head(const char *s, size_t n, char *dst, size_t cap)
{
	size_t o = 0;
	for (size_t i = 0; i < n && o + 1 < cap; i++) {
		char ch = s[i];
		if (ch == '\\' && i + 1 < n) {
			ch = s[++i];
			switch (ch) {
			case 'n': ch = '\n'; break;
			case 't': ch = '\t'; break;
			case 'r': ch = '\r'; break;
			case 'b': case 'f': ch = ' '; break;
			case 'u': ch = '?'; i += 4; break;
			}
		}
		dst[o++] = ch;
	}
	dst[o] = 0;
	return o;
}

static bool starts(const char *s, const char *lit)
{
	return !strncmp(s, lit, strlen(lit));
}

static bool num_after(const char *s, const char *lit, int64_t *v)
{
	const char *p = strstr(s, lit);
	if (!p)
		return false;
	char *e;
	long long x = strtoll(p + strlen(lit), &e, 10);
	if (e == p + strlen(lit))
		return false;
	*v = x;
	return true;
}

/* strtod(s, end) for the seconds outputs give ("1.5", "0.0231"): up to
 * 15 digits with a point among them are an integer below 2^53 over an
 * exact power of ten, whose quotient is the double nearest the decimal
 * (what strtod gives); signs, spaces, exponents, hex and longer numbers
 * are left to strtod. */
static double secs(const char *s, char **end)
{
	static const double p10[16] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9,
		1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
	const char *p = s;
	int64_t m = 0;
	int nd = 0, nf = 0;
	for (; *p >= '0' && *p <= '9' && nd < 16; p++, nd++)
		m = m * 10 + (*p - '0');
	if (nd && *p == '.')
		for (p++; *p >= '0' && *p <= '9' && nd < 16; p++, nd++, nf++)
			m = m * 10 + (*p - '0');
	if (!nd || nd > 15 || (*p >= '0' && *p <= '9') || *p == 'e' || *p == 'E' ||
	    *p == 'x' || *p == 'X' || *p == 'p' || *p == 'P' || *p == '.')
		return strtod(s, end);
	*end = (char *)(uintptr_t)p;
	return (double)m / p10[nf];
}

static bool secs_after(const char *s, const char *lit, int64_t *ms)
{
	const char *p = strstr(s, lit);
	if (!p)
		return false;
	char *e;
	double v = secs(p + strlen(lit), &e);
	if (e == p + strlen(lit) || v < 0 || v > 1e9)
		return false;
	*ms = (int64_t)(v * 1000 + 0.5);
	return true;
}

/* What the text of an output says: the formats of shell, shell_command,
 * exec_command (unified exec), the exec tool (code mode), apply_patch and
 * sandbox failures. */
static void read_head(const char *h, struct pend *t)
{
	int64_t v;
	if (starts(h, "Exit code: ") && num_after(h, "Exit code: ", &v)) {
		t->exit = v;
		secs_after(h, "Wall time: ", &t->dur);
	} else if (num_after(h, "Process exited with code ", &v)) {
		t->exit = v;
		secs_after(h, "Wall time: ", &t->dur);
	} else if (strstr(h, "Process running with session ID")) {
		t->status = "unknown";
		secs_after(h, "Wall time: ", &t->dur);
		return;
	} else if (starts(h, "Script ")) {
		secs_after(h, "Wall time ", &t->dur);
		t->status = starts(h, "Script completed") ? "ok" :
		    starts(h, "Script running") ? "unknown" : "error";
		return;
	} else if (starts(h, "failed in sandbox") || starts(h, "execution error")) {
		if (num_after(h, "exit code: ", &v))
			t->exit = v;
		t->status = "error";
		return;
	} else if (starts(h, "error:") || starts(h, "Error:") || starts(h, "aborted") ||
	    starts(h, "Aborted") || strstr(h, "aborted by user") ||
	    starts(h, "apply_patch verification failed") || strstr(h, "rejected by user") ||
	    strstr(h, "patch rejected")) {
		t->status = "error";
		return;
	}
	if (t->exit != EV_NONE)
		t->status = t->exit ? "error" : "ok";
	else
		t->status = "ok";
}

/* strtoll(s, end, 10) for the usual text, up to 18 digits with nothing
 * before them; anything else (signs, spaces, longer numbers) is
 * strtoll's. */
static long long dec(const char *s, char **end)
{
	const char *p = s;
	long long v = 0;
	while (*p >= '0' && *p <= '9' && p - s < 18)
		v = v * 10 + (*p++ - '0');
	if (p == s || (*p >= '0' && *p <= '9'))
		return strtoll(s, end, 10);
	*end = (char *)(uintptr_t)p;
	return v;
}

/* memmem(s, n, pat, m), looking only where pat[at], a byte the text
 * around it seldom has, is: the first place pat is (whatever at). */
static const char *first_of(const char *s, size_t n, const char *pat, size_t m, size_t at)
{
	const char *e = s + n;
	for (const char *q = s + at; q < e && (q = memchr(q, pat[at], (size_t)(e - q))); q++)
		if ((size_t)(e - (q - at)) >= m && (m >= 8 && m <= 32 ? mem_eq_short(q - at, pat, m) :
		    !memcmp(q - at, pat, m)))
			return q - at;
	return NULL;
}

/* {"output": "...", "metadata": {"exit_code": N, "duration_seconds": S}}
 * held in a string: the metadata is at the end, so look there first and
 * leave the (possibly huge) output escaped. */
static bool wrapped_meta(const char *s, size_t n, struct pend *t)
{
	static const char ek[] = "\\\"exit_code\\\":";
	static const char dk[] = "\\\"duration_seconds\\\":";
	size_t from = n > 256 ? n - 256 : 0;
	const char *p = first_of(s + from, n - from, ek, sizeof ek - 1, 3);
	if (!p)
		p = first_of(s, n, ek, sizeof ek - 1, 3);
	if (!p)
		return false;
	char buf[64];
	size_t k = (size_t)(s + n - p) - (sizeof ek - 1);
	scopy(buf, sizeof buf, p + sizeof ek - 1, k < 40 ? k : 40);
	char *e;
	long long v = dec(buf, &e);
	if (e == buf)
		return false;
	t->exit = v;
	/* looked for at its '_', which outputs have fewer of than ':' */
	const char *q = first_of(s + from, n - from, dk, sizeof dk - 1, 10);
	if (!q)
		q = first_of(s, n, dk, sizeof dk - 1, 10);
	if (q) {
		k = (size_t)(s + n - q) - (sizeof dk - 1);
		scopy(buf, sizeof buf, q + sizeof dk - 1, k < 40 ? k : 40);
		double sec = secs(buf, &e);
		if (e != buf && sec >= 0 && sec < 1e9)
			t->dur = (int64_t)(sec * 1000 + 0.5);
	}
	t->status = v ? "error" : "ok";
	return true;
}

static void output_status(struct cx *x, const struct jnode *o, struct pend *t)
{
	const struct jdoc *d = &x->d;
	char h[HEAD_MAX];
	if (!o || o->type == J_NULL) {
		t->status = "unknown";
		return;
	}
	if (o->type == J_STR) {
		/* the JSON wrapper (exit code in its metadata) is told by its
		 * first bytes; only other outputs need their head read */
		char h0[16];
		unesc_head(o->s, o->len, h0, sizeof h0);
		if ((starts(h0, "{\"output\":") || starts(h0, "{\"metadata\":")) &&
		    wrapped_meta(o->s, o->len, t))
			return;
		unesc_head(o->s, o->len, h, sizeof h);
		read_head(h, t);
		return;
	}
	if (o->type == J_OBJ) {
		const struct jnode *ec = jgetv(d, o, "metadata", "exit_code", NULL);
		if (ec && ec->type == J_NUM) {
			t->exit = jint(ec, 0);
			const struct jnode *ds = jgetv(d, o, "metadata", "duration_seconds", NULL);
			if (ds && ds->type == J_NUM)
				t->dur = (int64_t)(jnum(ds, 0) * 1000 + 0.5);
			t->status = t->exit ? "error" : "ok";
			return;
		}
		const struct jnode *ok = jget(d, o, "success");
		if (ok && (ok->type == J_TRUE || ok->type == J_FALSE)) {
			t->status = ok->type == J_TRUE ? "ok" : "error";
			return;
		}
		const struct jnode *tx = jget(d, o, "text");
		if (!tx)
			tx = jget(d, o, "content");
		if (tx && tx->type != J_OBJ) {
			output_status(x, tx, t);
			return;
		}
		t->status = "ok";
		return;
	}
	if (o->type == J_ARR) {
		/* content items: the status line is in the first text; the exec
		 * tool's (0.14x code mode) says how its script ended, and the
		 * texts after it are what the script printed, where the exit
		 * code of a command it ran (exec_command) is */
		bool first = true;
		JFOR(d, o, it) {
			const struct jnode *tx = it->type == J_OBJ ? jget(d, it, "text") : NULL;
			if (!tx || tx->type != J_STR)
				continue;
			unesc_head(tx->s, tx->len, h, sizeof h);
			if (first) {
				first = false;
				read_head(h, t);
				if (!strcmp(t->status, "error") || !starts(h, "Script "))
					return;
				continue;
			}
			int64_t v;
			if (num_after(h, "Process exited with code ", &v) ||
			    (starts(h, "Exit code: ") && num_after(h, "Exit code: ", &v)) ||
			    num_after(h, "\"exit_code\":", &v) || num_after(h, "\"exit_code\": ", &v)) {
				if (t->exit == EV_NONE || !t->exit)
					t->exit = v;
				if (v)
					t->status = "error";
			} else if (strstr(h, "aborted by user") || strstr(h, "rejected by user")) {
				t->status = "error";
			}
		}
		if (!first)
			return;
	}
	t->status = "ok";
}

/* A host in one line of git's output: "To <remote>" (push), "From
 * <remote>" (fetch, pull), "<name>\t<url> (fetch)" (git remote -v). */
static bool remote_line(const char *l, size_t n, char *host, size_t cap, bool *own)
{
	char buf[512];
	const char *u = NULL;
	size_t un = 0;
	*own = true;
	if (n > 3 && !memcmp(l, "To ", 3)) {
		u = l + 3, un = n - 3;
	} else if (n > 5 && !memcmp(l, "From ", 5)) {
		u = l + 5, un = n - 5;
	} else {
		const char *tab = memchr(l, '\t', n);
		const char *sp = tab ? memchr(tab, ' ', n - (size_t)(tab - l)) : NULL;
		if (!sp || (n - (size_t)(sp - l) != 8 || memcmp(sp, " (fetch)", 8)))
			return false;
		u = tab + 1, un = (size_t)(sp - u);
		*own = false;
	}
	while (un && (u[un - 1] == ' ' || u[un - 1] == '\r'))
		un--;
	if (!un || un >= sizeof buf || memchr(u, ' ', un))
		return false;
	memcpy(buf, u, un);
	buf[un] = 0;
	return url_domain(buf, host, cap, NULL) || remote_domain(buf, host, cap);
}

static void remote_text(struct cx *x, const char *s, size_t n, struct pend *t)
{
	char host[256];
	bool own;
	for (const char *l = s, *e = s + n; l < e; ) {
		const char *nl = memchr(l, '\n', (size_t)(e - l));
		size_t ln = nl ? (size_t)(nl - l) : (size_t)(e - l);
		if (remote_line(l, ln, host, sizeof host, &own)) {
			if (own) {   /* this command's own remote, and the
				      * session's when nothing named one */
				snprintf(t->host, sizeof t->host, "%s", host);
				if (!x->c->git_host[0])
					snprintf(x->c->git_host, sizeof x->c->git_host, "%s", host);
			}
			else       /* git remote -v: the session's */
				snprintf(x->c->git_host, sizeof x->c->git_host, "%s", host);
		}
		l += ln + 1;
	}
}

/* Does the candidate at p (a T, F, '(' or backslash) start one of the
 * four, with left bytes from p on? */
static inline __attribute__((always_inline)) bool remote_at(const char *p, size_t left)
{
	return (*p == '\\' && left >= 2 && p[1] == 'u') ||
	    (*p == 'T' && left >= 3 && !memcmp(p, "To ", 3)) ||
	    (*p == 'F' && left >= 5 && !memcmp(p, "From ", 5)) ||
	    (*p == '(' && left >= 7 && !memcmp(p, "(fetch)", 7));
}

/* The AVX2 form of json.h's JMASK64_16: the 64 bytes at p as a mask of
 * those the class CLS marks, in two vectors.  The masks of
 * may_name_remote and out_str. */
#ifdef OUT_AVX2
static inline __attribute__((target("avx2"))) __m256i ld32(const char *p)
{
	return _mm256_loadu_si256((const __m256i *)(const void *)p);
}
static inline __attribute__((target("avx2"))) uint64_t mask64_32(__m256i a, __m256i b)
{
	return (uint64_t)(unsigned)_mm256_movemask_epi8(a) |
		(uint64_t)(unsigned)_mm256_movemask_epi8(b) << 32;
}
#define MASK64_32(p, CLS) mask64_32(CLS(ld32(p)), CLS(ld32((p) + 32)))
#endif

/* Bit i: p[i] is a T, F, '(' or backslash, i < 64. */
#ifdef JSCAN_SSE2
static inline __attribute__((always_inline)) uint64_t remote_mask16(const char *p)
{
	const __m128i t = _mm_set1_epi8('T'), f = _mm_set1_epi8('F'),
		par = _mm_set1_epi8('('), bs = _mm_set1_epi8('\\');
#define ANY4(v) _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, t), _mm_cmpeq_epi8(v, f)), \
	_mm_or_si128(_mm_cmpeq_epi8(v, par), _mm_cmpeq_epi8(v, bs)))
	return JMASK64_16(p, ANY4);
#undef ANY4
}
#endif

#ifdef OUT_AVX2
static inline __attribute__((target("avx2"))) uint64_t remote_mask32(const char *p)
{
	const __m256i t = _mm256_set1_epi8('T'), f = _mm256_set1_epi8('F'),
		par = _mm256_set1_epi8('('), bs = _mm256_set1_epi8('\\');
#define ANY4(v) _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(v, t), _mm256_cmpeq_epi8(v, f)), \
	_mm256_or_si256(_mm256_cmpeq_epi8(v, par), _mm256_cmpeq_epi8(v, bs)))
	return MASK64_32(p, ANY4);
#undef ANY4
}
#endif

/* Does the JSON text of a string (s[0..n), escaped, maybe holding the
 * JSON wrapper in turn) possibly hold a line remote_line reads?  Such a
 * line has "To ", "From " or " (fetch)" in it; without a \u escape every
 * one of those characters is written as itself, at both levels of a
 * wrapper, so an output without them needs no unescaping.  A \u sends
 * the text the long way.  64 bytes a step, each step's candidates taken
 * from one mask (outputs hold a backslash every few dozen bytes), then
 * byte by byte; w as out_str_w's. */
static inline __attribute__((always_inline)) bool may_name_remote_w(const char *s, size_t n,
	int w)
{
	const char *e = s + n, *p = s;
#ifdef JSCAN_SSE2
	while (e - p >= 64) {
		uint64_t m;
#ifdef OUT_AVX2
		if (w == 32)
			m = remote_mask32(p);
		else
#endif
			m = remote_mask16(p);
		for (; m; m &= m - 1) {
			const char *q = p + __builtin_ctzll(m);
			if (remote_at(q, (size_t)(e - q)))
				return true;
		}
		p += 64;
	}
#else
	(void)w;
#endif
	for (; p < e; p++)
		if ((*p == 'T' || *p == 'F' || *p == '(' || *p == '\\') && remote_at(p, (size_t)(e - p)))
			return true;
	return false;
}

static bool may_name_remote16(const char *s, size_t n)
{
	return may_name_remote_w(s, n, 16);
}

#ifdef OUT_AVX2
static __attribute__((flatten, target("avx2"))) bool may_name_remote32(const char *s, size_t n)
{
	return may_name_remote_w(s, n, 32);
}
#endif

static bool may_name_remote(const char *s, size_t n)
{
#ifdef OUT_AVX2
	if (__builtin_cpu_supports("avx2"))
		return may_name_remote32(s, n);
#endif
	return may_name_remote16(s, n);
}

/* The remote a git command's output names (push, fetch and pull without
 * a URL in their arguments go there), only looked for in outputs of
 * commands that run git. */
static void output_remote(struct cx *x, const struct jnode *o, struct pend *t)
{
	const struct jdoc *d = &x->d;
	if (!o || !t->args.len || !first_of(t->args.p, t->args.len, "git", 3, 0))
		return;
	if (o->type == J_ARR) {
		JFOR(d, o, it) {
			const struct jnode *tx = it->type == J_OBJ ? jget(d, it, "text") : NULL;
			if (tx && tx->type == J_STR)
				output_remote(x, tx, t);
		}
		return;
	}
	if (o->type == J_OBJ) {
		const struct jnode *tx = jget(d, o, "output");
		if (tx && tx->type == J_STR)
			output_remote(x, tx, t);
		return;
	}
	if (o->type != J_STR || o->len > ((size_t)1 << 20) || !may_name_remote(o->s, o->len))
		return;
	struct sbuf b = {0};
	jstr(o, &b);
	if (b.len > 10 && !memcmp(b.p, "{\"output\":", 10)) {
		/* the JSON wrapper: its output is one more string in */
		struct jdoc w = {0};
		if (jparse(&w, b.p, b.len) == 0) {
			const struct jnode *in = jget(&w, jroot(&w), "output");
			if (in && in->type == J_STR) {
				struct sbuf ib = {0};
				jstr(in, &ib);
				remote_text(x, ib.p ? ib.p : "", ib.len, t);
				sb_free(&ib);
			}
		}
		jdoc_free(&w);
	} else {
		remote_text(x, b.p ? b.p : "", b.len, t);
	}
	sb_free(&b);
}

static void spawned(struct cx *x, const char *child, size_t n, const char *call, size_t cn);

/* The call a tool output ended, held for its token row, is written. */
static void finish_close(struct cx *x)
{
	if (!x->gclosing)
		return;
	x->gclosing = false;
	close_group(x);
	x->spill = false;
	mark_input(x, x->gclose_ts);
	drain(x, false);
}

/* The output of call id: o its output, st its status (tool_search_output
 * has one instead). */
static void tool_output_of(struct cx *x, const struct jnode *id, const struct jnode *o,
	const struct jnode *st, int64_t ts)
{
	/* an input to the model: the call that produced the items is over.
	 * A tool that ends while the response still streams (0.14x code
	 * mode) has its output written before the call's token row: a call
	 * without its usage yet is closed at the next line, which may be
	 * that row. */
	if (x->gopen && !x->gtok && !x->spill && !x->gclosing) {
		x->gclosing = true;
		x->gclose_ts = ts;
	} else {
		finish_close(x);
		close_group(x);
		x->spill = false;
		mark_input(x, ts);
	}
	if (!id || id->type != J_STR)
		return;
	for (unsigned i = 0; i < x->qlen; i++) {
		struct pend *t = qat(x, i);
		if (t->done || t->id.len != id->len || !jeq(id, t->id.p))
			continue;
		t->done = true;
		if (!o && st)   /* tool_search_output */
			t->status = is(st, "completed") ? "ok" : is(st, "failed") ? "error" : "unknown";
		else
			output_status(x, o, t);
		if (t->exit == EV_NONE && t->ev_exit != EV_NONE) {
			t->exit = t->ev_exit;
			if (t->exit)
				t->status = "error";
		}
		if (t->ev_fail)
			t->status = "error";
		if (t->dur == EV_NONE && ts != TS_NONE && t->ts != TS_NONE && ts >= t->ts)
			t->dur = ts - t->ts;
		output_remote(x, o, t);
		if (!strcmp(t->name.p, "spawn_agent") && o && o->type == J_STR) {
			/* {"agent_id":"<thread id>",...} */
			static const char k[] = "\"agent_id\":\"";
			char h[HEAD_MAX];
			size_t hn = unesc_head(o->s, o->len, h, sizeof h);
			const char *a = memmem(h, hn, k, sizeof k - 1);
			if (a) {
				a += sizeof k - 1;
				const char *e = memchr(a, '"', hn - (size_t)(a - h));
				if (e)
					spawned(x, a, (size_t)(e - a), t->id.p, t->id.len);
			}
		}
		break;
	}
	drain(x, false);
}

static void tool_output(struct cx *x, const struct jnode *p, int64_t ts)
{
	const struct jdoc *d = &x->d;
	tool_output_of(x, jget(d, p, "call_id"), jget(d, p, "output"), jget(d, p, "status"), ts);
}

/* --- dispatch ------------------------------------------------------------------- */

static void response_item(struct cx *x, const struct jnode *p, int64_t ts)
{
	const struct jdoc *d = &x->d;
	const struct jnode *ty = jget(d, p, "type");
	if (!ty || ty->type != J_STR)
		return;
	if (jeq(ty, "message")) {
		const struct jnode *role = jget(d, p, "role");
		if (is(role, "user"))
			user_message_item(x, p, ts);
		else if (is(role, "assistant"))
			assistant_item(x, p, ts);
		/* developer and system messages are the client's */
	} else if (jeq(ty, "reasoning")) {
		open_group(x, ts);
	} else if (jeq(ty, "function_call") || jeq(ty, "custom_tool_call") ||
	    jeq(ty, "local_shell_call") || jeq(ty, "web_search_call") ||
	    jeq(ty, "tool_search_call") || jeq(ty, "image_generation_call")) {
		char type[32];
		scopy(type, sizeof type, ty->s, ty->len);
		tool_call(x, p, type, ts);
	} else if (jeq(ty, "function_call_output") || jeq(ty, "custom_tool_call_output") ||
	    jeq(ty, "tool_search_output") || jeq(ty, "local_shell_call_output")) {
		tool_output(x, p, ts);
	} else if (jeq(ty, "agent_message")) {
		open_group(x, ts);
		add_text(&x->gtext_ev, jget(d, p, "message"));
	} else if (!jeq(ty, "ghost_snapshot") && !jeq(ty, "compaction") &&
	    !jeq(ty, "compaction_summary") && !jeq(ty, "other")) {
		note_once(x, "response item", ty->s, ty->len);
	}
}

/* The queued call named by an event's call_id, or NULL. */
static struct pend *pend_by_id(struct cx *x, const struct jnode *id)
{
	if (!id || id->type != J_STR)
		return NULL;
	for (unsigned i = 0; i < x->qlen; i++) {
		struct pend *t = qat(x, i);
		if (t->id.len == id->len && jeq(id, t->id.p))
			return t;
	}
	return NULL;
}

/* A child this session spawned: the child's file, read later, learns
 * its spawning call and the prompt behind it. */
static void spawned(struct cx *x, const char *child, size_t n, const char *call, size_t cn)
{
	if (!n || n > 200 || !cn)
		return;
	char key[256];
	snprintf(key, sizeof key, "codex-spawn:%.*s", (int)n, child);
	sb_reset(&x->tmp);
	sb_add(&x->tmp, call, cn);
	ev_link_put(x->c, key, x->tmp.p);
	const char *pr = prompt_of(x, &x->pidb, &x->pidb_k, x->cur_prompt);
	if (pr) {
		snprintf(key, sizeof key, "codex-spawn-prompt:%.*s", (int)n, child);
		ev_link_put(x->c, key, pr);
	}
}

static void turn_context(struct cx *x, const struct jnode *p, int64_t ts, bool copy);

static void event_msg(struct cx *x, const struct jnode *p, int64_t ts)
{
	const struct jdoc *d = &x->d;
	const struct jnode *ty = jget(d, p, "type");
	if (is(ty, "token_count"))
		token_count(x, p, ts, false);
	else if (is(ty, "user_message"))
		user_message_event(x, p, ts);
	else if (is(ty, "agent_message")) {
		open_group(x, ts);
		add_text(&x->gtext_ev, jget(d, p, "message"));
	} else if (is(ty, "agent_reasoning"))
		open_group(x, ts);
	else if (is(ty, "task_started"))
		turn_context(x, p, ts, false);   /* no call of the turn starts earlier */
	else if (is(ty, "exec_command_end")) {
		/* the exit code the client saw, for outputs that lack it */
		struct pend *t = pend_by_id(x, jget(d, p, "call_id"));
		const struct jnode *ec = jget(d, p, "exit_code");
		if (t && ec && ec->type == J_NUM)
			t->ev_exit = jint(ec, 0);
	} else if (is(ty, "patch_apply_end")) {
		struct pend *t = pend_by_id(x, jget(d, p, "call_id"));
		const struct jnode *ok = jget(d, p, "success");
		if (t && ok && ok->type == J_FALSE)
			t->ev_fail = true;
	} else if (is(ty, "turn_aborted")) {
		/* calls still waiting for their output were cut off: errors,
		 * unless an output still comes */
		for (unsigned i = 0; i < x->qlen; i++)
			qat(x, i)->aborted = true;
	} else if (is(ty, "collab_agent_spawn_end")) {
		const struct jnode *c = jget(d, p, "new_thread_id"), *id = jget(d, p, "call_id");
		if (c && c->type == J_STR && id && id->type == J_STR)
			spawned(x, c->s, c->len, id->s, id->len);
	}
	/* the many other events repeat what response items say, or are the
	 * client's own */
}

static void turn_context(struct cx *x, const struct jnode *p, int64_t ts, bool copy)
{
	const struct jnode *m = jget(&x->d, p, "model");
	if (m && m->type == J_STR)
		snode(&x->model, m);
	const struct jnode *cwd = jget(&x->d, p, "cwd");
	if (cwd && cwd->type == J_STR)
		snode(&x->cwd, cwd);
	if (!copy && !x->input_seen && ts != TS_NONE) {
		/* a turn starts: its first call starts no earlier */
		x->last_input_ts = ts;
		x->input_seen = true;
	}
}

static bool legacy_header(const struct jdoc *d, const struct jnode *o)
{
	const struct jnode *id = jget(d, o, "id");
	return id && id->type == J_STR && !jget(d, o, "type") && !jget(d, o, "payload") &&
	    !jget(d, o, "record_type") && jget(d, o, "timestamp");
}

/* --- the parent's copy -------------------------------------------------------- */

/* The turn id a line carries, as milliseconds (UUIDv7), or TS_NONE. */
static int64_t turn_ms(const struct jdoc *d, const struct jnode *p)
{
	const struct jnode *t = jget(d, p, "turn_id");
	if (!t)
		t = jgetv(d, p, "internal_chat_message_metadata_passthrough", "turn_id", NULL);
	return t && t->type == J_STR && !(t->flags & JF_ESC) ? v7_ms(t->s, t->len) : TS_NONE;
}

/* The fingerprint of a token row (its cumulative totals) or of a prompt
 * (its text as written), 0 for other lines. */
static uint64_t fingerprint(struct cx *x, const struct jnode *ty, const struct jnode *p)
{
	const struct jdoc *d = &x->d;
	if (!jeq(ty, "event_msg"))
		return 0;
	const struct jnode *k = jget(d, p, "type");
	if (is(k, "token_count")) {
		const struct jnode *tu = jgetv(d, p, "info", "total_token_usage", NULL);
		if (!tu || tu->type != J_OBJ)
			return 0;
		int64_t t[5];
		line_usage(x, tu, t);
		return hash64(t, sizeof t, 'T') | 1;
	}
	if (is(k, "user_message")) {
		const struct jnode *m = jget(d, p, "message");
		return m && m->type == J_STR ? hash64(m->s, m->len, 'U') | 1 : 0;
	}
	return 0;
}

static bool parent_known(const struct cx *x)
{
	return x->nanc && ev_mark_has(x->c, fp_key(x->anc[0], 0));
}

/* The copy ends before the line being read.  recover: the line does not
 * prove where the child's own work started, so a prompt the copy left
 * unanswered (a spawned subagent's task) is the child's. */
static bool copy_ends(struct cx *x, bool recover)
{
	x->rp = false;
	x->rp_done = true;
	if (recover && x->rp_unans) {
		sset(&x->tmp, x->rp_utext.p, x->rp_utext.len);
		user_prompt(x, SRC_EVENT, x->rp_uts);
	}
	return false;
}

/* Is this line part of the parent's copy?  The evidence, strongest first
 * (codex.c's header says why). */
static bool in_copy(struct cx *x, const struct jnode *ty, const struct jnode *p, int64_t ts,
	uint64_t fp)
{
	const struct jdoc *d = &x->d;
	if (x->rp_end_after)
		return copy_ends(x, false);
	int64_t tm = turn_ms(d, p);
	if (tm != TS_NONE && x->own_ms != TS_NONE) {
		if (tm < x->own_ms) {
			x->rp_turns = true;
			return true;
		}
		return copy_ends(x, false);
	}
	if (ts != TS_NONE && x->sess_ts != TS_NONE) {
		if (ts < x->sess_ts) {
			x->rp_orig = true;
			return true;
		}
		if (x->rp_orig)
			return copy_ends(x, false);
	}
	bool known = parent_known(x);
	if (fp) {
		for (int i = 0; i < x->nanc; i++)
			if (ev_mark_has(x->c, fp_key(x->anc[i], fp)))
				return true;
		if (known)
			return copy_ends(x, !is(jget(d, p, "type"), "user_message"));
	}
	if (!known && !x->rp_turns && !x->rp_orig && x->paused)
		return copy_ends(x, !(fp && is(jget(d, p, "type"), "user_message")));
	return true;
}

/* A line of the copy: it moves the token total on, tells the model and
 * cwd in force, and may name the call that spawned this subagent. */
static void copy_line(struct cx *x, const struct jnode *ty, const struct jnode *p, int64_t ts)
{
	const struct jdoc *d = &x->d;
	const struct jnode *k = jget(d, p, "type");
	if (jeq(ty, "turn_context")) {
		turn_context(x, p, ts, true);
	} else if (jeq(ty, "event_msg") && is(k, "token_count")) {
		token_count(x, p, ts, true);
	} else if (jeq(ty, "event_msg") && is(k, "user_message")) {
		const struct jnode *m = jget(d, p, "message"), *kind = jget(d, p, "kind");
		sb_reset(&x->rp_utext);
		jstr(m, &x->rp_utext);
		if ((!kind || is(kind, "plain")) && x->rp_utext.len &&
		    !injected(x->rp_utext.p, x->rp_utext.len)) {
			x->rp_unans = true;
			x->rp_uts = ts;
		}
	} else if (jeq(ty, "response_item") && (is(k, "function_call_output") ||
	    is(k, "custom_tool_call_output"))) {
		/* Codex answers the spawning call in the child's copy */
		const struct jnode *o = jget(d, p, "output"), *id = jget(d, p, "call_id");
		static const char mark[] = "You are the newly spawned agent";
		if (o && o->type == J_STR && o->len >= sizeof mark - 1 &&
		    !memcmp(o->s, mark, sizeof mark - 1)) {
			x->rp_end_after = true;
			if (id && id->type == J_STR && id->len && !x->spawn_call.len)
				snode(&x->spawn_call, id);
		}
	}
}

static void line(struct cx *x, const struct jnode *o, bool first)
{
	struct jdoc *d = &x->d;
	const struct jnode *ty = jget(d, o, "type");
	const struct jnode *p = jget(d, o, "payload");
	int64_t ts = node_ts(jget(d, o, "timestamp"));
	if (ts != TS_NONE) {
		if (x->last_ts != TS_NONE && ts - x->last_ts >= FORK_GAP_MS)
			x->paused = true;
		x->last_ts = ts;
		if (x->first_ts == TS_NONE)
			x->first_ts = ts;
	}
	if (first && legacy_header(d, o)) {
		x->legacy = true;
		x->have_meta = true;
		snode(&x->sid, jget(d, o, "id"));
		new_sid(x);
		x->own_h = sess_hash(x->sid.p, x->sid.len);
		x->sess_ts = ts;
		return;
	}
	if (p && p->type == J_OBJ && ty && ty->type == J_STR) {
		if (jeq(ty, "session_meta")) {
			session_meta(x, p, ts);
			return;
		}
		if (!x->own_h)
			x->own_h = sess_hash(x->sid.p, x->sid.len);
		/* what this file gave, for its forks read later */
		uint64_t fp = fingerprint(x, ty, p);
		if (fp)
			fp_put(x->c, x->own_h, fp);
		if (x->rp && in_copy(x, ty, p, ts, fp)) {
			copy_line(x, ty, p, ts);
			return;
		}
		if (x->gclosing) {
			if (jeq(ty, "event_msg") && is(jget(d, p, "type"), "token_count"))
				token_count(x, p, ts, false);   /* the held call's usage */
			finish_close(x);
			if (jeq(ty, "event_msg") && is(jget(d, p, "type"), "token_count"))
				return;
		}
		if (jeq(ty, "response_item"))
			response_item(x, p, ts);
		else if (jeq(ty, "event_msg"))
			event_msg(x, p, ts);
		else if (jeq(ty, "turn_context"))
			turn_context(x, p, ts, false);
		else if (!jeq(ty, "compacted") && !jeq(ty, "world_state") &&
		    !jeq(ty, "inter_agent_communication_metadata"))
			note_once(x, "record type", ty->s, ty->len);
		return;
	}
	if (jget(d, o, "record_type"))
		return;   /* legacy "state" lines */
	if (ty && ty->type == J_STR) {
		/* legacy: a bare response item */
		finish_close(x);
		response_item(x, o, TS_NONE);
		return;
	}
	note_once(x, "record", "without type", 12);
}

/* --- the short way for the lines that make a rollout's bulk ---------------------------
 * Most of a rollout's bytes are tool outputs, and most of its lines tool
 * calls, outputs and token rows, which Codex writes in a few shapes:
 *
 *   {"timestamp":"T","type":"response_item","payload":{"type":
 *    "function_call_output","call_id":"C","output":"O"}}
 *   {"timestamp":"T","type":"response_item","payload":{"type":
 *    "function_call","name":"N","arguments":"A","call_id":"C"}}
 *   {"timestamp":"T","type":"event_msg","payload":{"type":"token_count",
 *    "info":{"total_token_usage":U,"last_token_usage":U (either order)
 *    [,"model_context_window":K]}[,"rate_limits":V]}}
 *
 * A line of exactly such text (no spaces, those keys in that order; T
 * printable ASCII without escapes; the other strings valid JSON text
 * without \u0000, raw control bytes or invalid UTF-8; U five plain counts
 * as plain_usage reads them; K a plain count; V any value jparse reads
 * without a word, checked by parsing it alone) is read by a key scan, with
 * its strings checked as jparse checks them: it is a line jparse reads
 * without a word, and what line() does with it is done here.  Any other
 * line, the file's first and every line while a parent's copy is being
 * read go the long way. */

/* A plain string's text from p: its closing quote, NULL when a byte on
 * the way is not printable ASCII or a backslash. */
static const char *plain_str(const char *p, const char *e)
{
	for (; p < e; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '"')
			return p;
		if (c < 0x20 || c >= 0x7f || c == '\\')
			return NULL;
	}
	return NULL;
}

/* What out_str does at the byte of interest q (q < e): its closing quote
 * (true, *q kept), or an escape or a UTF-8 sequence passed over (*q after
 * it), or NULL in *q for anything the long way should see (true). */
static inline __attribute__((always_inline)) bool out_byte(const char **qp, const char *e,
	bool *esc, bool *high)
{
	const char *q = *qp;
	unsigned char c = (unsigned char)*q;
	if (c == '"')
		return true;
	if (c == '\\') {
		size_t l = jesc_len(q, e);
		if (e - q >= 2)
			*esc = true;    /* as the loop before it left it, bad or not */
		if (!l)
			goto bad;
		*qp = q + l;
		return false;
	}
	if (c >= 0x80) {
		size_t l = utf8_valid_len(q, (size_t)(e - q));
		if (!l)
			goto bad;
		*high = true;
		*qp = q + l;
		return false;
	}
bad:    /* a raw control byte, a bad escape or bad UTF-8 */
	*qp = NULL;
	return true;
}

/* out_str on what is left when under 64 bytes are: byte of interest by
 * byte of interest. */
static const char *out_str_tail(const char *p, const char *e, bool *esc, bool *high)
{
	for (;;) {
		p = jscan_stop64(p, e);
		if (p >= e)
			return NULL;
		if (out_byte(&p, e, esc, high))
			return p;
	}
}

/* Bit i set: p[i] is a quote, a backslash, a control byte or >= 0x80,
 * for i < 64: json.h's jscan_mask64, with AVX2 (most blocks of long
 * outputs have none). */
#ifdef OUT_AVX2
/* (not always_inline: out_str_w is compiled for plain x86 too; out_str32
 * flattens it in) */
static inline __attribute__((target("avx2"))) uint64_t out_mask32(const char *p)
{
	const __m256i two = _mm256_set1_epi8(2), lim = _mm256_set1_epi8(0x21),
		bs = _mm256_set1_epi8('\\');
#define OUT_BAD(v) _mm256_or_si256(_mm256_cmpgt_epi8(lim, _mm256_xor_si256(v, two)), \
	_mm256_cmpeq_epi8(v, bs))
	return MASK64_32(p, OUT_BAD);
#undef OUT_BAD
}
#endif

/* out_str's body for blocks of 64 bytes, their bytes of interest taken
 * from one mask (w: 32 with AVX2, 16 with SSE2): an escape or a UTF-8
 * sequence is passed over in the mask, not by a scan again from the
 * byte after it (outputs hold an escape every few dozen bytes). */
static inline __attribute__((always_inline)) const char *out_str_w(const char *p,
	const char *e, bool *esc, bool *high, int w)
{
#ifdef JSCAN_SSE2
	while (e - p >= 64) {
		uint64_t m;
#ifdef OUT_AVX2
		if (w == 32)
			m = out_mask32(p);
		else
#endif
			m = jscan_mask64(p);
		const char *b = p;
		p += 64;
		while (m) {
			const char *q = b + __builtin_ctzll(m);
			if (out_byte(&q, e, esc, high))
				return q;
			size_t j = (size_t)(q - b);
			if (j >= 64) {
				p = q;  /* it ran past the block: the next starts here */
				break;
			}
			m &= ~(uint64_t)0 << j;
		}
	}
#else
	(void)w;
#endif
	return out_str_tail(p, e, esc, high);
}

static const char *out_str16(const char *p, const char *e, bool *esc, bool *high)
{
	return out_str_w(p, e, esc, high, 16);
}

#ifdef OUT_AVX2
static __attribute__((flatten, target("avx2"))) const char *out_str32(const char *p,
	const char *e, bool *esc, bool *high)
{
	return out_str_w(p, e, esc, high, 32);
}
#endif

/* The text of the output string from p, checked: its closing quote, NULL
 * for anything the long way should see.  *esc: it has escapes.  64 bytes
 * a step (out_str_w), with AVX2 where the CPU has it. */
static const char *out_str(const char *p, const char *e, bool *esc, bool *high)
{
#ifdef OUT_AVX2
	if (__builtin_cpu_supports("avx2"))
		return out_str32(p, e, esc, high);
#endif
	return out_str16(p, e, esc, high);
}

static bool lit(const char **p, const char *e, const char *s, size_t n)
{
	if ((size_t)(e - *p) < n || memcmp(*p, s, n))
		return false;
	*p += n;
	return true;
}
#define LIT(p, e, s) lit(p, e, s, sizeof s - 1)

static void str_node(struct jnode *n, const char *s, const char *end, bool esc, bool high)
{
	memset(n, 0, sizeof *n);
	n->type = J_STR;
	n->flags = (uint8_t)((esc ? JF_ESC : 0) | (high ? JF_HIGH : 0));
	n->len = (uint32_t)(end - s);
	n->raw = n->len + 2;
	n->s = s;
}

/* A count of the usage objects Codex writes: 0, or up to 15 digits
 * without a leading zero (below count's cap); false for anything else.
 * Digit by digit, but for the usual few in one word. */
static bool plain_count(const char **pp, const char *e, int64_t *v)
{
	const char *p = *pp, *b = p;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (e - p >= 8) {
		/* up to 7 digits, the counts Codex writes, in one word: a byte
		 * is a digit when it is 0x3_ before and after adding 6 (a carry
		 * from a byte before can only come after the first that is
		 * not), then the digits moved to the word's top and summed in
		 * pairs, fours and eights (Lemire's "fast integer parsing") */
		const uint64_t hi = JSCAN_ONES * 0xF0, zero = JSCAN_ONES * '0';
		uint64_t w;
		memcpy(&w, p, 8);
		uint64_t nd = (((w & hi) ^ zero) | (((w + JSCAN_ONES * 6) & hi) ^ zero)) & hi;
		if (nd) {
			unsigned len = (unsigned)__builtin_ctzll(nd) >> 3;
			if (!len || (*p == '0' && len > 1))
				return false;
			uint64_t x = (w - zero) << (8 * (8 - len));
			x = x * 10 + (x >> 8);
			x = ((x & 0x000000FF000000FFULL) * (100 + (1000000ULL << 32)) +
			    ((x >> 16) & 0x000000FF000000FFULL) * (1 + (10000ULL << 32))) >> 32;
			*v = (int64_t)x;
			*pp = p + len;
			return true;
		}
	}
#endif
	size_t lim = e - p < 16 ? (size_t)(e - p) : 16;
	int64_t n = 0;
	for (unsigned d; (size_t)(p - b) < lim && (d = (unsigned)(unsigned char)*p - '0') < 10; p++)
		n = n * 10 + d;
	if (p == b || p - b > 15 || (*b == '0' && p - b > 1))
		return false;
	*v = n;
	*pp = p;
	return true;
}

/* {"input_tokens":N,"cached_input_tokens":N,"output_tokens":N,
 * "reasoning_output_tokens":N,"total_tokens":N} exactly, into t (what
 * read_usage reads from it). */
static bool plain_usage(const char **pp, const char *e, int64_t t[5])
{
	const char *p = *pp;
	/* the keys as literals: each compare is a few loads */
	if (!LIT(&p, e, "{\"input_tokens\":") || !plain_count(&p, e, &t[0]) ||
	    !LIT(&p, e, ",\"cached_input_tokens\":") || !plain_count(&p, e, &t[1]) ||
	    !LIT(&p, e, ",\"output_tokens\":") || !plain_count(&p, e, &t[2]) ||
	    !LIT(&p, e, ",\"reasoning_output_tokens\":") || !plain_count(&p, e, &t[3]) ||
	    !LIT(&p, e, ",\"total_tokens\":") || !plain_count(&p, e, &t[4]) || !LIT(&p, e, "}"))
		return false;
	*pp = p;
	return true;
}

/* The time string from p (just past its opening quote) to its closing
 * quote, *end: what ts_parse makes of it.  Codex writes
 * YYYY-MM-DDTHH:MM:SS.mmmZ, and a file's lines share their day: that form
 * is read here, its day's milliseconds kept from the line before (as
 * ts_parse reads the day alone); any other text is checked as plain_str
 * checks it and given to ts_parse.  NULL *end: not a plain string. */
static int64_t fast_time(struct cx *x, const char *p, const char *e, const char **end)
{
#define D2(i) ((p[i] - '0') * 10 + (p[(i) + 1] - '0'))
	if (e - p >= 25 && p[24] == '"' && ts_form24(p)) {
		int h = D2(11), mi = D2(14), se = D2(17);
		if (h <= 23 && mi <= 59 && se <= 60) {
			/* every byte a digit or the form's own: a plain string */
			*end = p + 24;
			if (!x->day_ok || memcmp(p, x->day, 10)) {
				memcpy(x->day, p, 10);
				x->day_ms = ts_parse(p, 10);
				x->day_ok = true;
			}
			if (x->day_ms == TS_NONE)
				return TS_NONE;
			return x->day_ms + ((int64_t)h * 60 + mi) * 60000 + (int64_t)se * 1000 +
			    D2(20) * 10 + (p[22] - '0');
		}
	}
#undef D2
	*end = plain_str(p, e);
	return *end ? ts_parse(p, (size_t)(*end - p)) : TS_NONE;
}

/* What line() does first with every line, for a line read the short
 * way. */
static void fast_start(struct cx *x, int64_t ts)
{
	if (ts != TS_NONE) {
		if (x->last_ts != TS_NONE && ts - x->last_ts >= FORK_GAP_MS)
			x->paused = true;
		x->last_ts = ts;
		if (x->first_ts == TS_NONE)
			x->first_ts = ts;
	}
	if (!x->own_h)
		x->own_h = sess_hash(x->sid.p, x->sid.len);
}

/* A tool output from just past "call_id":" on. */
static bool fast_output(struct cx *x, int64_t ts, const char *p,
	const char *e)
{
	const char *id_s = p, *id_e = plain_str(p, e);
	if (!id_e)
		return false;
	p = id_e;
	if (!LIT(&p, e, "\",\"output\":\""))
		return false;
	bool esc = false, high = false;
	const char *o_s = p, *o_e = out_str(p, e, &esc, &high);
	if (!o_e || e - o_e != 3 || memcmp(o_e, "\"}}", 3))
		return false;
	fast_start(x, ts);
	finish_close(x);   /* line(): a held call closes before any other line */
	struct jnode id, o;
	str_node(&id, id_s, id_e, false, false);
	str_node(&o, o_s, o_e, esc, high);
	tool_output_of(x, &id, &o, NULL, ts);
	return true;
}

/* A tool call from just past "name":" on. */
static bool fast_call(struct cx *x, int64_t ts, const char *p,
	const char *e)
{
	bool nesc = false, nhigh = false, aesc = false, ahigh = false, cesc = false, chigh = false;
	/* The call id ends the line ("call_id":"ID"}}): its slot in the
	 * run's tool ids (dup_call's; a large table, seldom in the cache) is
	 * fetched while the name and arguments are read.  Only a hint: an
	 * id read wrong here fetches a slot for nothing. */
	if (e - p > 16 && !memcmp(e - 3, "\"}}", 3)) {
		const char *q = e - 3, *b = q;
		while (b > p && b[-1] != '"' && q - b < 96)
			b--;
		if (b - p >= 11 && !memcmp(b - 11, "\"call_id\":\"", 11))
			ev_seen_prefetch(&x->c->seen_tool, b, (size_t)(q - b));
	}
	const char *n_s = p, *n_e = out_str(p, e, &nesc, &nhigh);
	if (!n_e)
		return false;
	p = n_e;
	if (!LIT(&p, e, "\",\"arguments\":\""))
		return false;
	const char *a_s = p, *a_e = out_str(p, e, &aesc, &ahigh);
	if (!a_e)
		return false;
	p = a_e;
	if (!LIT(&p, e, "\",\"call_id\":\""))
		return false;
	const char *c_s = p, *c_e = out_str(p, e, &cesc, &chigh);
	if (!c_e || e - c_e != 3 || memcmp(c_e, "\"}}", 3))
		return false;
	fast_start(x, ts);
	finish_close(x);
	struct jnode nm, a, id;
	str_node(&nm, n_s, n_e, nesc, nhigh);
	str_node(&a, a_s, a_e, aesc, ahigh);
	str_node(&id, c_s, c_e, cesc, chigh);
	tool_call_of(x, &id, &nm, &a, NULL, "function_call", ts);
	return true;
}

/* A token row from just past "info":{ on. */
static bool fast_tokens(struct cx *x, int64_t ts, const char *p,
	const char *e)
{
	int64_t t[5], l[5], k;
	bool have_t = false, have_l = false;
	for (int i = 0; i < 2; i++) {
		if (i && !LIT(&p, e, ","))
			return false;
		if (!have_t && LIT(&p, e, "\"total_token_usage\":")) {
			if (!plain_usage(&p, e, t))
				return false;
			have_t = true;
		} else if (!have_l && LIT(&p, e, "\"last_token_usage\":")) {
			if (!plain_usage(&p, e, l))
				return false;
			have_l = true;
		} else {
			return false;
		}
	}
	if (LIT(&p, e, ",\"model_context_window\":") && !plain_count(&p, e, &k))
		return false;
	if (!LIT(&p, e, "}"))
		return false;
	if (LIT(&p, e, ",\"rate_limits\":")) {
		/* a value the line's parse would read without a word: parsed
		 * alone it may nest 512 deep, in the line (two levels down)
		 * 510, so one of as many nodes as that goes the long way, where
		 * the line is refused as too deep or read (no real one comes
		 * near: a dozen nodes) */
		if (e - p < 2 || memcmp(e - 2, "}}", 2) || jparse(&x->sd, p, (size_t)(e - 2 - p)) ||
		    x->sd.badutf8 || x->sd.nn >= JSON_MAXDEPTH - 2)
			return false;
		p = e - 2;
	}
	if (e - p != 2 || memcmp(p, "}}", 2))
		return false;
	fast_start(x, ts);
	/* fingerprint(): the key's slot in the run's marks (a large table,
	 * seldom in the cache) is fetched while the row's records are
	 * written, and the key put after them; nothing they do reads marks */
	uint64_t fk = fp_key(x->own_h, hash64(t, sizeof t, 'T') | 1);
	ev_mark_prefetch(x->c, fk);
	/* line(): a call held for its token row takes this one */
	token_row(x, t, l, NULL, ts, false);
	finish_close(x);
	ev_mark_put(x->c, fk);
	return true;
}

/* The line s[0..n) read the short way: false when it is none of the
 * shapes (nothing was done then). */
static bool fast_line(struct cx *x, const char *s, size_t n)
{
	const char *p = s, *e = s + n;
	if (n > UINT32_MAX / 2 || !LIT(&p, e, "{\"timestamp\":\""))
		return false;
	const char *ts_e;
	int64_t ts = fast_time(x, p, e, &ts_e);
	if (!ts_e)
		return false;
	p = ts_e;
	if (LIT(&p, e, "\",\"type\":\"response_item\",\"payload\":{\"type\":\"function_call")) {
		if (LIT(&p, e, "_output\",\"call_id\":\""))
			return fast_output(x, ts, p, e);
		if (LIT(&p, e, "\",\"name\":\""))
			return fast_call(x, ts, p, e);
		return false;
	}
	if (LIT(&p, e, "\",\"type\":\"event_msg\",\"payload\":{\"type\":\"token_count\","
	    "\"info\":{"))
		return fast_tokens(x, ts, p, e);
	return false;
}

/* --- sniffing --------------------------------------------------------------------- */

/* The first k[0..kl) in p[0..n), as memmem(3) finds it: the places
 * where its first two bytes and its last one are, 16 a step,
 * compared whole.  memmem's setup, each call, cost more than the search
 * of the few hundred bytes a sniff looks at. */
static const char *kv_find(const char *p, size_t n, const char *k, size_t kl)
{
	if (kl > n)
		return NULL;
	if (!kl)
		return p;
	size_t i = 0, last = n - kl;    /* the last place it may start */
#ifdef JSCAN_SSE2
	const __m128i a = _mm_set1_epi8(k[0]), b = _mm_set1_epi8(k[kl > 1]), z = _mm_set1_epi8(k[kl - 1]);
	for (; kl > 1 && i + 15 <= last; i += 16) {
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_and_si128(_mm_and_si128(
			_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + i)), a),
			_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + i + 1)), b)),
			_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + i + kl - 1)), z)));
		for (; m; m &= m - 1)
			if (!memcmp(p + i + __builtin_ctz(m), k, kl))
				return p + i + __builtin_ctz(m);
	}
#endif
	for (; i <= last; i++)
		if (p[i] == k[0] && !memcmp(p + i, k, kl))
			return p + i;
	return NULL;
}

/* Does "key": "value" (any spacing) occur in p[0..n)?  value NULL: the
 * key alone. */
static bool has_kv(const char *p, size_t n, const char *key, const char *val)
{
	size_t kl = strlen(key), vl = val ? strlen(val) : 0;
	const char *e = p + n;
	for (const char *q = p; (q = kv_find(q, (size_t)(e - q), key, kl)); q += kl) {
		const char *v = q + kl;
		while (v < e && (*v == ' ' || *v == '\t'))
			v++;
		if (v == e || *v != ':')
			continue;
		if (!val)
			return true;
		v++;
		while (v < e && (*v == ' ' || *v == '\t'))
			v++;
		if ((size_t)(e - v) >= vl && !memcmp(v, val, vl))
			return true;
	}
	return false;
}

/* 100: a session_meta line; 90: Codex's envelope; 80: a legacy header.
 * The line may be cut short: look at its text, not its parse. */
static int line_score(const char *p, size_t n, int above)
{
	while (n && (*p == ' ' || *p == '\t'))
		p++, n--;
	size_t k = n < 400 ? n : 400;	/* after the indent: never past the line */
	if (n < 2 || p[0] != '{')
		return 0;
	/* only a session_meta line can beat a score of 90 or more: its type
	 * is looked for first, in the line's first bytes, before the payload
	 * key in all of it (a Claude Code head's long lines, after its 95) */
	if (above >= 90)
		return has_kv(p, k, "\"type\"", "\"session_meta\"") && has_kv(p, n, "\"payload\"", NULL) ?
			100 : 0;
	bool payload = has_kv(p, n, "\"payload\"", NULL);
	if (payload && has_kv(p, k, "\"type\"", "\"session_meta\""))
		return 100;
	if (payload && (has_kv(p, k, "\"type\"", "\"response_item\"") ||
	    has_kv(p, k, "\"type\"", "\"event_msg\"") ||
	    has_kv(p, k, "\"type\"", "\"turn_context\"") ||
	    has_kv(p, k, "\"type\"", "\"compacted\"")))
		return 90;
	if (has_kv(p, k < 12 ? k : 12, "\"id\"", "\"") && has_kv(p, k, "\"timestamp\"", NULL) &&
	    (has_kv(p, n, "\"instructions\"", NULL) || has_kv(p, n, "\"git\"", NULL)) &&
	    !has_kv(p, k, "\"type\"", NULL))
		return 80;
	if (has_kv(p, k < 20 ? k : 20, "\"record_type\"", NULL))
		return 80;
	return 0;
}

/* The records agent-sessions has always known as Codex's by their
 * top-level keys alone. */
static bool codex_keys(const struct agent_head *h, int i)
{
	static const char *const types[] = {"response_item", "event_msg",
		"turn_context", "compacted"};
	if (agent_rec_is(h, i, "type", "session_meta") || agent_rec_get(h, i, "record_type"))
		return true;
	if (agent_rec_get(h, i, "payload"))
		for (size_t k = 0; k < sizeof types / sizeof *types; k++)
			if (agent_rec_is(h, i, "type", types[k]))
				return true;
	/* pre-session_meta rollouts start with a bare header */
	return !agent_rec_get(h, i, "type") && agent_rec_get(h, i, "id") &&
		agent_rec_get(h, i, "timestamp") &&
		(agent_rec_get(h, i, "instructions") || agent_rec_get(h, i, "git"));
}

/* The best line_score of the first four lines, else 72 when a record of
 * the head has Codex's keys (scores that cannot beat h->best may be
 * given as 0). */
static int sniff(const struct agent_head *h)
{
	const char *head = h->p, *p = head, *e = head + h->n;
	int best = 0;
	for (int i = 0; i < 4 && best < 100; i++) {
		const char *nl = p < e ? memchr(p, '\n', (size_t)(e - p)) : NULL;
		if (!nl && h->part) {
			agent_head_short(h);    /* the line goes on, or more follow */
			return 0;
		}
		if (p >= e)
			break;
		size_t len = nl ? (size_t)(nl - p) : (size_t)(e - p);
		int s = line_score(p, len, h->best);
		if (s > best)
			best = s;
		if (!nl)
			break;
		p = nl + 1;
	}
	for (int i = 0; best < 72 && h->best < 72 && agent_head_rec(h, i); i++)
		if (codex_keys(h, i))
			best = 72;
	return best;
}

/* --- the file ----------------------------------------------------------------------- */

static void cx_free(struct cx *x)
{
	struct sbuf *b[] = {&x->sid, &x->parent_sid, &x->cwd, &x->version, &x->model,
		&x->root_sid, &x->sub_type, &x->spawn_call, &x->root_prompt, &x->rp_utext,
		&x->fork_from, &x->ptext, &x->gmodel, &x->gtext, &x->gtext_ev, &x->gnames,
		&x->idb, &x->pidb, &x->tmp};
	for (size_t i = 0; i < sizeof b / sizeof *b; i++)
		sb_free(b[i]);
	free(x->tools);
	jdoc_free(&x->d);
	jdoc_free(&x->sd);
}

static void run(struct ev_ctx *c, struct lreader *r, const char *path)
{
	/* Large (the tool queue): one per thread, kept from file to file,
	 * on the heap: in thread-local storage its 400 KB would be zeroed,
	 * page by page, for every thread made and for programs that never
	 * read a Codex file.  All but the queue starts empty; each queue
	 * entry is set whole when it is taken, and keeps its buffers. */
	static _Thread_local struct cx *xp;
	if (!xp)
		xp = xcalloc(1, sizeof *xp);
	struct cx *x = xp;
	memset(x, 0, offsetof(struct cx, q));
	memset(&x->qhead, 0, sizeof *x - offsetof(struct cx, qhead));
	x->c = c;
	x->r = r;
	x->path = path;
	x->sess_ts = x->first_ts = x->last_ts = x->last_input_ts = TS_NONE;
	id_from_path(x);
	c->git_host[0] = 0;
	char *s;
	size_t n;
	bool first = true;
	while (lr_next_nonblank(r, &s, &n)) {
		x->u_node = NULL;
		if (!first && !x->rp && fast_line(x, s, n))
			continue;
		const struct jnode *o = ev_parse_line(r, &x->d, s, n);
		if (!o)
			continue;
		line(x, o, first);
		first = false;
	}
	finish_close(x);
	close_group(x);
	drain(x, true);
	flush_prompt(x);
	ensure_session(x);
	/* the file was read: its forks read later may trust its fingerprints */
	fp_put(c, x->own_h ? x->own_h : sess_hash(x->sid.p, x->sid.len), 0);
	c->git_host[0] = 0;
	cx_free(x);
}

/* --- its history (agent-sessions) ---------------------------------------- */

static bool rollout_name(const char *name, int depth)
{
	size_t n = strlen(name);
	return !strncmp(name, "rollout-", 8) && n > 6 && !strcmp(name + n - 6, ".jsonl");
}

/* $CODEX_HOME (~/.codex)/sessions/YYYY/MM/DD/rollout-*.jsonl, and
 * archived_sessions/ (flat in the versions seen; dated subdirectories are
 * read as well), whose copy of a session still in sessions/ is not the
 * one Codex writes to. */
static void find(struct history *h, const char *home)
{
	const char *env = getenv("CODEX_HOME");
	char *base = env && *env ? xstrdup(env) : path_join(home, ".codex");
	char *act = path_join(base, "sessions"), *arch = path_join(base, "archived_sessions");
	history_walk(h, act, 32, rollout_name, NULL, false);
	history_walk(h, arch, 32, rollout_name, NULL, true);
	free(act);
	free(arch);
	free(base);
}

/* Old rollouts record the cwd only inside the environment_context
 * message: <cwd>/path</cwd>. */
static void cwd_from_text(struct session_probe *p)
{
	const char *a = memmem(p->line, p->linelen, "<cwd>", 5);
	if (!a)
		return;
	a += 5;
	const char *e = memmem(a, p->linelen - (size_t)(a - p->line), "</cwd>", 6);
	if (e && e > a && e - a < 4096)
		p->m->cwd = probe_unescape(a, (size_t)(e - a));
}

/* p->flag: the session_meta record (or a legacy header) was seen. */
static bool probe_record(struct session_probe *p, struct jdoc *d, const struct jnode *r)
{
	struct session_meta *m = p->m;
	const struct jnode *type = jget(d, r, "type"), *pl = jget(d, r, "payload");
	if (jeq(type, "session_meta") && !p->flag && pl && pl->type == J_OBJ) {
		p->flag = true;
		probe_str(p, &m->id, jget(d, pl, "id"));
		probe_str(p, &m->id, jget(d, pl, "session_id"));
		probe_str(p, &m->cwd, jget(d, pl, "cwd"));
		probe_str(p, &m->version, jget(d, pl, "cli_version"));
		probe_ts(p, jget(d, pl, "timestamp"));
		/* a fork names its origin; a spawned subagent its parent thread */
		probe_str(p, &m->parent, jget(d, pl, "forked_from_id"));
		probe_str(p, &m->parent, jgetv(d, pl, "source", "subagent", "thread_spawn",
			"parent_thread_id", NULL));
	} else if (!type && !p->flag && jget(d, r, "id") && jget(d, r, "timestamp")) {
		p->flag = true;
		probe_str(p, &m->id, jget(d, r, "id"));
	} else if (jeq(type, "turn_context") && pl) {
		probe_str(p, &m->cwd, jget(d, pl, "cwd"));
	}
	if (!m->cwd)
		cwd_from_text(p);
	return p->flag && m->cwd;
}

/* a first record too long to parse */
static void probe_document(struct session_probe *p)
{
	probe_doc_str(p, &p->m->id, "sessionId");
	probe_doc_str(p, &p->m->id, "id");
	probe_doc_ts(p, "timestamp");
}

/* rollout-2025-01-02T03-04-05-<uuid>.jsonl names its session */
static void probe_name(struct session_probe *p, const char *path)
{
	const char *b = agent_file_base(path);
	size_t stem = agent_file_stem(b, NULL);
	if (!p->m->id && !strncmp(b, "rollout-", 8) && stem > 8 + 36 && is_uuid(b + stem - 36))
		p->m->id = xstrndup(b + stem - 36, 36);
}

static const struct agent_probe probe = {
	.record = probe_record,
	.document = probe_document,
	.doc_tail = true,
	.name = probe_name,
};

/* the keys agent-events orders files by, before reading them */
static const char *const time_keys[] = {"timestamp", NULL};

/* --- the agent ------------------------------------------------------------ */

/* Its tool names and their kinds (toolkind.h): Codex CLI 0.1x to 0.14x,
 * the names of function_call and custom_tool_call items, and of
 * local_shell_call, web_search_call and the like without their "_call".
 * MCP tools (SERVER__TOOL) go by the rule in toolkind.c. */
static const struct tool_map codex_tools[] = {
	TOOL("read_file", TK_READ), TOOL("view_image", TK_READ),
	TOOL("grep_files", TK_SEARCH),
	TOOL("list_dir", TK_LIST),
	/* shell: an argv; shell_command: a command line; exec_command and
	 * write_stdin: unified exec, a command and its terminal */
	TOOL("shell", TK_SHELL), TOOL("container.exec", TK_SHELL), TOOL("local_shell", TK_SHELL),
	TOOL("shell_command", TK_SHELL), TOOL("exec_command", TK_SHELL), TOOL("write_stdin", TK_SHELL),
	/* code mode: a script whose tools.exec_command({...}) calls run commands */
	{"exec", TK_SHELL, TA_SCRIPT, NULL},
	TOOL("apply_patch", TK_PATCH),
	{"web_search", TK_WEB, TA_QUERY, NULL},
	TOOL("spawn_agent", TK_DELEGATE), TOOL("send_input", TK_DELEGATE),
	TOOL("resume_agent", TK_DELEGATE), TOOL("wait", TK_DELEGATE), TOOL("close_agent", TK_DELEGATE),
	TOOL("update_plan", TK_PLAN), TOOL("request_user_input", TK_PLAN),
	TOOL("list_mcp_resources", TK_MCP), TOOL("list_mcp_resource_templates", TK_MCP),
	TOOL("read_mcp_resource", TK_MCP),
	/* tool_search, image_generation: other */
	TOOL(NULL, TK_OTHER)
};

const struct agent agent_codex = {
	.name = "codex",
	.title = "Codex CLI",
	.tools = codex_tools,
	.sniff = sniff,
	.sniff_part = true,
	.run = run,
	.probe = session_probe_json,
	.probe_json = &probe,
	.find = find,
	.time_keys = time_keys,
	.parallel = true,
	.global_ids = true,
};
