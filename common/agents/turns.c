/* SPDX-License-Identifier: MIT */
/* turns.c: a conversation's records, turn by turn (see turns.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "turns.h"

#define MAXPENDING 1024         /* tool calls awaiting a result */

struct turn_tool {
	struct sbuf id, name, input, call, prompt;
	int64_t ts;
};

static const char *nz(const struct sbuf *b)
{
	return b->len ? b->p : NULL;
}

static void set(struct sbuf *b, const char *s)
{
	sb_reset(b);
	if (s)
		sb_adds(b, s);
}

void turns_init(struct turns *t, struct ev_ctx *c, struct lreader *r, const char *agent)
{
	memset(t, 0, sizeof *t);
	t->c = c;
	t->r = r;
	t->agent = agent;
	t->ts0 = t->trig = TS_NONE;
}

static void base(struct turns *t, struct event *e, const char *kind, int64_t ts)
{
	turns_session(t, ts);
	ev_init(e);
	e->kind = kind;
	e->agent = t->agent;
	e->session = t->session.p;
	e->subagent = nz(&t->subagent);
	e->subagent_type = e->subagent ? (t->subagent_type.len ? t->subagent_type.p : "task") : NULL;
	e->ts = ts;
}

void turns_session(struct turns *t, int64_t ts)
{
	if (t->started)
		return;
	t->started = true;
	if (!t->session.len) {
		/* no id in the records: the file's name is the session's */
		const char *b = agent_file_base(t->r->name);
		sb_add(&t->session, b, agent_file_stem(b, NULL));
	}
	struct event e;
	ev_init(&e);
	e.kind = "session";
	e.agent = t->agent;
	e.session = t->session.p;
	e.subagent = nz(&t->subagent);
	if (e.subagent) {
		e.subagent_type = t->subagent_type.len ? t->subagent_type.p : "task";
		e.parent = nz(&t->spawn);
	}
	e.ts = t->ts0 != TS_NONE ? t->ts0 : ts;
	e.cwd = nz(&t->cwd);
	e.version = nz(&t->version);
	e.file = t->file.len ? t->file.p : t->r->name;
	ev_session(t->c, &e);
}

/* "<base>:<kind><n>" into out, as sb_printf's "%s:%c%u" writes it, base
 * b[0..bl) (one made for each call and tool of agents without ids: the
 * format's interpretation cost more than the record it names) */
static const char *made_in(struct sbuf *out, const char *b, size_t bl, char kind, unsigned n)
{
	char num[12], *q = num + sizeof num;
	do
		*--q = (char)('0' + n % 10);
	while (n /= 10);
	size_t nl = (size_t)(num + sizeof num - q);
	sb_reset(out);
	sb_grow(out, bl + 2 + nl);
	char *p = out->p;
	if (bl)
		memcpy(p, b, bl);
	p[bl] = ':';
	p[bl + 1] = kind;
	memcpy(p + bl + 2, q, nl);
	out->len = bl + 2 + nl;
	p[out->len] = 0;
	return out->p;
}

/* the same into t->id, from the session */
static const char *made(struct turns *t, char kind, unsigned n)
{
	return made_in(&t->id, t->session.p, t->session.len, kind, n);
}

/* b = what s holds (NUL-free C strings, as set put them there) */
static void set_sb(struct sbuf *b, const struct sbuf *s)
{
	sb_reset(b);
	if (s->len)
		sb_add(b, s->p, s->len);
}

static void tool_emit(struct turns *t, size_t i, int64_t rts, const char *status, int64_t exit)
{
	struct turn_tool *p = &t->t[i];
	struct event e;
	base(t, &e, "tool", p->ts);
	e.id = p->id.p;
	e.parent = nz(&p->call);
	e.prompt = nz(&p->prompt);
	e.cwd = nz(&t->cwd);
	e.tool = p->name.p;
	e.status = status;
	e.exit = exit;
	if (!t->no_duration && rts != TS_NONE && p->ts != TS_NONE && rts >= p->ts)
		e.duration_ms = rts - p->ts;
	const char *in = p->input.len ? p->input.p : "{}";
	size_t n = p->input.len ? p->input.len : 2;
	e.class = effects_class(&e, in, n);
	ev_emit(t->c, &e);
	effects_tool(t->c, &e, in, n);
	/* drop it, keeping the order and the buffers */
	struct turn_tool tmp = t->t[i];
	memmove(&t->t[i], &t->t[i + 1], (t->nt - i - 1) * sizeof *t->t);
	t->t[--t->nt] = tmp;
}

static void settle(struct turns *t)
{
	while (t->nt)
		tool_emit(t, 0, TS_NONE, "unknown", EV_NONE);
}

void turns_prompt(struct turns *t, const char *id, int64_t ts, const char *origin,
	const char *text, size_t len)
{
	t->nprompt++;
	turns_session(t, ts);
	if (!id)
		id = made(t, 'p', t->nprompt);
	bool human = !origin || !strcmp(origin, "human") || !strcmp(origin, "command");
	if (human)
		settle(t);
	set(&t->prompt, id);
	/* a subagent's work belongs to the prompt that started its parent's
	 * call when the agent knows it (root set), else to its own task */
	if (!t->subagent.len || !t->root.len)
		set(&t->root, id);
	if (ts != TS_NONE)
		t->trig = ts;
	struct event e;
	base(t, &e, "prompt", ts);
	e.id = id;
	e.prompt = t->root.p;
	if (t->subagent.len && t->nprompt == 1)
		e.parent = nz(&t->spawn);
	e.origin = origin ? origin : "human";
	e.text = text ? text : "";
	e.text_len = text ? len : 0;
	ev_emit(t->c, &e);
}

const char *turns_call(struct turns *t, const char *id, int64_t ts, const char *model,
	const struct tokens *tok, const char *usage, const char **tools, int ntools,
	const char *text, size_t len)
{
	t->ncall++;
	turns_session(t, ts);
	if (t->no_results)
		settle(t);
	if (!id)
		id = made(t, 'l', t->ncall);
	set(&t->call, id);
	struct event e;
	base(t, &e, "llm", ts);
	e.id = t->call.p;
	e.parent = nz(&t->prompt);
	e.prompt = nz(&t->root);
	e.model = model;
	if (!t->no_duration && ts != TS_NONE && t->trig != TS_NONE && ts >= t->trig)
		e.duration_ms = ts - t->trig;
	e.usage = usage ? usage : t->usage;
	if (tok) {
		e.has_tokens = true;
		e.tokens = *tok;
	}
	if (ntools) {
		e.tools = tools;
		e.ntools = ntools;
	}
	if (text && len) {
		e.text = text;
		e.text_len = len;
	}
	ev_emit(t->c, &e);
	if (ts != TS_NONE)
		t->trig = ts;
	return t->call.p;
}

void turns_tool(struct turns *t, const char *id, const char *name, const char *input,
	size_t len, int64_t ts)
{
	t->ntool++;
	if (t->nt >= MAXPENDING)
		tool_emit(t, 0, TS_NONE, "unknown", EV_NONE);
	if (t->nt == t->capt) {
		size_t cap = t->capt ? t->capt * 2 : 16;
		t->t = xrealloc(t->t, cap * sizeof *t->t);
		memset(t->t + t->capt, 0, (cap - t->capt) * sizeof *t->t);
		t->capt = cap;
	}
	struct turn_tool *p = &t->t[t->nt++];
	if (id) {
		set(&p->id, id);
	} else {
		const struct sbuf *call = t->call.len ? &t->call : &t->session;
		made_in(&p->id, call->p, call->len, 't', t->ntool);
	}
	set(&p->name, name && *name ? name : "unknown");
	set_sb(&p->call, &t->call);
	set_sb(&p->prompt, &t->root);
	sb_reset(&p->input);
	if (input && len)
		sb_add(&p->input, input, len);
	p->ts = ts;
}

bool turns_result(struct turns *t, const char *id, int64_t ts, const char *status, int64_t exit)
{
	if (ts != TS_NONE)
		t->trig = ts;
	for (size_t i = 0; id && i < t->nt; i++)
		if (!strcmp(t->t[i].id.p, id)) {
			tool_emit(t, i, ts, status, exit);
			return true;
		}
	return false;
}

void turns_total(struct turns *t, const char *suffix, int64_t ts, const char *model,
	const struct tokens *tok)
{
	turns_session(t, ts);
	struct sbuf id = {0};
	sb_printf(&id, "%s:usage%s", t->session.p, suffix ? suffix : "");
	struct event e;
	base(t, &e, "llm", ts);
	e.id = id.p;
	e.prompt = NULL;
	e.model = model;
	e.usage = "session";
	e.has_tokens = true;
	e.tokens = *tok;
	ev_emit(t->c, &e);
	sb_free(&id);
}

void turns_hold(struct turns *t, const char *id, int64_t ts, const char *model,
	const struct tokens *tok, const char *usage, const char *text, size_t len)
{
	turns_release(t);
	t->held = true;
	t->hts = ts;
	t->husage = usage;
	t->held_tok = tok != NULL;
	if (tok)
		t->htok = *tok;
	set(&t->hid, id);
	set(&t->hmodel, model);
	sb_reset(&t->htext);
	if (text)
		sb_add(&t->htext, text, len);
}

void turns_hold_tool(struct turns *t, const char *id, const char *name,
	const char *input, size_t len)
{
	if (t->hn == t->hcap) {
		t->hcap = t->hcap ? t->hcap * 2 : 8;
		t->hv = xrealloc(t->hv, sizeof *t->hv * t->hcap);
		memset(t->hv + t->hn, 0, sizeof *t->hv * (t->hcap - t->hn));
	}
	set(&t->hv[t->hn].id, id);
	set(&t->hv[t->hn].name, name && *name ? name : "unknown");
	sb_reset(&t->hv[t->hn].input);
	if (input)
		sb_add(&t->hv[t->hn].input, input, len);
	t->hn++;
}

void turns_release(struct turns *t)
{
	if (!t->held)
		return;
	t->held = false;
	if (t->hn + 1 > t->hncap) {     /* grown, not made again at each call */
		t->hncap = t->hn + 8;
		t->hnames = xrealloc(t->hnames, sizeof *t->hnames * t->hncap);
	}
	for (size_t i = 0; i < t->hn; i++)
		t->hnames[i] = t->hv[i].name.p;
	turns_call(t, nz(&t->hid), t->hts, nz(&t->hmodel), t->held_tok ? &t->htok : NULL,
		t->husage, t->hnames, (int)t->hn, t->htext.p, t->htext.len);
	for (size_t i = 0; i < t->hn; i++)
		turns_tool(t, nz(&t->hv[i].id), t->hv[i].name.p, t->hv[i].input.p,
			t->hv[i].input.len, t->hts);
	t->hn = 0;
}

void turns_done(struct turns *t)
{
	turns_release(t);
	settle(t);
	turns_session(t, TS_NONE);
	for (size_t i = 0; i < t->capt; i++) {
		struct turn_tool *p = &t->t[i];
		sb_free(&p->id); sb_free(&p->name); sb_free(&p->input);
		sb_free(&p->call); sb_free(&p->prompt);
	}
	free(t->t);
	sb_free(&t->session); sb_free(&t->cwd); sb_free(&t->version); sb_free(&t->file);
	sb_free(&t->subagent); sb_free(&t->subagent_type); sb_free(&t->spawn);
	sb_free(&t->prompt); sb_free(&t->root); sb_free(&t->call); sb_free(&t->id);
	for (size_t i = 0; i < t->hcap; i++) {
		sb_free(&t->hv[i].id); sb_free(&t->hv[i].name); sb_free(&t->hv[i].input);
	}
	free(t->hv);
	free(t->hnames);
	sb_free(&t->hid); sb_free(&t->hmodel); sb_free(&t->htext);
}

/* --- messages of Anthropic-style content blocks ---------------------------- */

static struct sbuf btext;
static const char **bnames;
static const struct jnode **bblocks;   /* the tool_use blocks, for the tools */
static const char **braw;       /* and their names as read (NULL, "" or one) */
static int bcap;

void turns_assistant(struct turns *t, struct jdoc *d, const struct jnode *content,
	const char *id, int64_t ts, const char *model, const struct tokens *tok,
	const char *usage)
{
	int n = 0;
	sb_reset(&btext);
	if (content && content->type == J_STR)
		jstr(content, &btext);
	JFOR(d, content && content->type == J_ARR ? content : NULL, b) {
		const struct jnode *type = jget(d, b, "type");
		if (jeq(type, "text")) {
			if (btext.len)
				sb_addc(&btext, '\n');
			jstr(jget(d, b, "text"), &btext);
		} else if (jeq(type, "tool_use")) {
			if (n == bcap) {
				bcap = bcap ? bcap * 2 : 16;
				bnames = xrealloc(bnames, sizeof *bnames * (size_t)bcap);
				bblocks = xrealloc(bblocks, sizeof *bblocks * (size_t)bcap);
				braw = xrealloc(braw, sizeof *braw * (size_t)bcap);
			}
			const char *name = js(d, jget(d, b, "name"));
			bblocks[n] = b;
			braw[n] = name;
			bnames[n++] = name && *name ? name : "unknown";
		}
	}
	turns_call(t, id, ts, model, tok, usage, bnames, n, btext.p, btext.len);
	/* the tool_use blocks found above, in their order: each a tool */
	for (int i = 0; i < n; i++) {
		const struct jnode *b = bblocks[i];
		const struct jnode *in = jget(d, b, "input");
		const char *raw = NULL;
		size_t rl = in && in->type == J_OBJ ? jraw(d, in, &raw) : 0;
		const char *tid = js(d, jget(d, b, "id"));
		turns_tool(t, tid && *tid ? tid : NULL, braw[i], raw, rl, ts);
	}
}

void turns_user(struct turns *t, struct jdoc *d, const struct jnode *content,
	const char *id, int64_t ts, turns_result_fn *fn,
	size_t (*unwrap)(char *text, size_t len))
{
	bool results = false, texts = false;
	sb_reset(&btext);
	if (content && content->type == J_STR) {
		jstr(content, &btext);
		texts = true;
	}
	JFOR(d, content && content->type == J_ARR ? content : NULL, b) {
		const struct jnode *type = jget(d, b, "type");
		if (jeq(type, "tool_result")) {
			const char *status = "ok";
			int64_t exit = EV_NONE;
			const char *tid = fn(d, b, &status, &exit);
			results = true;
			turns_result(t, tid, ts, status, exit);
		} else if (jeq(type, "text")) {
			if (btext.len)
				sb_addc(&btext, '\n');
			jstr(jget(d, b, "text"), &btext);
			texts = true;
		}
	}
	if (!texts)
		return;
	size_t len = btext.len;
	if (unwrap && len)
		len = unwrap(btext.p, len);
	/* text beside results was typed while the tools ran */
	turns_prompt(t, id, ts, results ? "interrupt" : "human", btext.p ? btext.p : "", len);
}
