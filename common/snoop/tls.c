/* SPDX-License-Identifier: MIT */
/* tls.c: HTTP/1.1 over a TLS connection's plaintext, and the model calls
 * in it (tls.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>
#include <brotli/decode.h>
#include "json.h"
#include "agents/agent.h"
#include "snoop/h2.h"
#include "snoop/tls.h"

#define HEAD_MAX ((size_t)64 << 10)
#define PENDING_MAX 16
#define TOOLS_MAX 64
/* HTTP/2: bodies held at once across a connection's streams */
#define H2_BODY_MAX ((size_t)16 << 20)

enum { H_HEAD, H_LEN, H_CHUNK_SIZE, H_CHUNK_DATA, H_CHUNK_END, H_TRAILER, H_EOF, H_LOST };
enum { API_NONE, API_ANTHROPIC, API_OPENAI_CHAT, API_OPENAI_RESP, API_GEMINI };

/* One direction of a connection: the message being read. */
struct half {
	int state;
	struct sbuf head, body, line;
	uint64_t left;
	bool cut, gzip, deflate, br, br_bad, other_enc, sse;
	BrotliDecoderState *brs;        /* br: decoded as it comes */
	int status;             /* responses */
	char *path;             /* requests, malloc'd */
	int64_t t0, t1;
};

/* A request waiting for its response. */
struct req {
	int api;
	char *model, *prompt;   /* malloc'd; prompt: the prompt record's id */
	int64_t t0;
	bool unparsed;
};

/* What a connection speaks: told by the client's first bytes. */
enum { P_UNKNOWN, P_H1, P_H2, P_LOST };

struct conn {
	uint32_t pid;
	uint64_t id;
	struct half out, in;
	struct req q[PENDING_MAX];
	int nq;
	bool used;
	int proto;
	unsigned npre;          /* bytes of the HTTP/2 preface seen */
	struct h2conn *h2;      /* P_H2 */
};

/* What a process typed last: its prompt record, for the calls after it. */
struct pstate {
	uint32_t pid;
	char *id;
	uint64_t hash;
	uint64_t n;
};

struct tls {
	bool notext;
	void (*emit)(void *, const struct event *);
	void *arg;
	struct conn *c;
	size_t nc, capc;
	struct pstate *ps;
	size_t nps, capps;
	struct tls_counts k;
	struct jdoc d;
	uint64_t seq;
	char why[256];          /* the last HTTP/2 connection not read to its end */
	struct tls_hooks hooks;
	char why1[256];         /* the last HTTP/1.1 message left unfinished */
};

struct tls *tls_new(bool notext, void (*emit)(void *, const struct event *), void *arg)
{
	struct tls *t = xcalloc(1, sizeof *t);
	t->notext = notext, t->emit = emit, t->arg = arg;
	return t;
}

const struct tls_counts *tls_counts(const struct tls *t) { return &t->k; }

void tls_set_hooks(struct tls *t, const struct tls_hooks *h) { t->hooks = *h; }

static void half_reset(struct half *h)
{
	h->state = H_HEAD;
	h->head.len = h->body.len = h->line.len = 0;
	h->left = 0;
	h->cut = h->gzip = h->deflate = h->br = h->br_bad = h->other_enc = h->sse = false;
	if (h->brs)
		BrotliDecoderDestroyInstance(h->brs);
	h->brs = NULL;
	h->status = 0;
	free(h->path);
	h->path = NULL;
	h->t0 = h->t1 = 0;
}

static void half_free(struct half *h)
{
	half_reset(h);
	sb_free(&h->head), sb_free(&h->body), sb_free(&h->line);
}

static void conn_free(struct conn *c)
{
	half_free(&c->out), half_free(&c->in);
	for (int i = 0; i < c->nq; i++)
		free(c->q[i].model), free(c->q[i].prompt);
	memset(c, 0, sizeof *c);
}

static struct conn *conn_of(struct tls *t, uint32_t pid, uint64_t id)
{
	struct conn *free_slot = NULL;
	for (size_t i = 0; i < t->nc; i++) {
		if (t->c[i].used && t->c[i].pid == pid && t->c[i].id == id)
			return &t->c[i];
		if (!t->c[i].used && !free_slot)
			free_slot = &t->c[i];
	}
	if (!free_slot) {
		GROW(t->c, t->nc, t->capc);
		free_slot = &t->c[t->nc++];
		memset(free_slot, 0, sizeof *free_slot);
	}
	free_slot->used = true, free_slot->pid = pid, free_slot->id = id;
	free_slot->out.state = free_slot->in.state = H_HEAD;
	return free_slot;
}

static void complete(struct tls *t, struct conn *c, bool read);
static void h1_end(struct tls *t, struct conn *c);
static void h2_end_conn(struct tls *t, struct conn *c, bool whole);
static void quiet(void *arg, const struct event *e) {}

const char *tls_why(const struct tls *t) { return *t->why ? t->why : NULL; }
const char *tls_why1(const struct tls *t) { return *t->why1 ? t->why1 : NULL; }

void tls_exit(struct tls *t, uint32_t pid)
{
	for (size_t i = 0; i < t->nc; i++)
		if (t->c[i].used && t->c[i].pid == pid) {
			h1_end(t, &t->c[i]);
			h2_end_conn(t, &t->c[i], true);
			conn_free(&t->c[i]);
		}
	for (size_t i = 0; i < t->nps; i++)
		if (t->ps[i].pid == pid) {
			free(t->ps[i].id);
			t->ps[i] = t->ps[--t->nps];
			break;
		}
}

void tls_free(struct tls *t)
{
	if (!t)
		return;
	t->emit = quiet;   /* what is still open ends unwritten */
	for (size_t i = 0; i < t->nc; i++) {
		h2_end_conn(t, &t->c[i], true);
		conn_free(&t->c[i]);
	}
	for (size_t i = 0; i < t->nps; i++)
		free(t->ps[i].id);
	free(t->c), free(t->ps);
	jdoc_free(&t->d);
	free(t);
}

/* --- the head of a message -------------------------------------------------- */

static bool hname(const char *l, size_t n, const char *name, const char **v, size_t *vn)
{
	size_t k = strlen(name);
	if (n <= k || l[k] != ':' || strncasecmp(l, name, k))
		return false;
	size_t i = k + 1;
	while (i < n && (l[i] == ' ' || l[i] == '\t'))
		i++;
	size_t e = n;
	while (e > i && (l[e - 1] == ' ' || l[e - 1] == '\t' || l[e - 1] == '\r'))
		e--;
	*v = l + i, *vn = e - i;
	return true;
}

static bool has_token(const char *v, size_t n, const char *tok)
{
	size_t k = strlen(tok);
	for (size_t i = 0; i + k <= n; i++)
		if (!strncasecmp(v + i, tok, k))
			return true;
	return false;
}

/* A Content-Encoding: gzip, deflate and br are read, identity is none,
 * anything else (zstd, compress) is not read. */
static void encoding(struct half *h, const char *v, size_t vn)
{
	if (has_token(v, vn, "gzip"))
		h->gzip = true;
	else if (has_token(v, vn, "deflate"))
		h->deflate = true;
	else if (has_token(v, vn, "br"))
		h->br = true;
	else if (vn && !has_token(v, vn, "identity"))
		h->other_enc = true;
}

/* The head is complete in h->head: its start line and the framing
 * headers.  false when it is not HTTP/1.x. */
static bool parse_head(struct half *h, bool response)
{
	const char *p = h->head.p, *e = p + h->head.len;
	const char *nl = memchr(p, '\n', (size_t)(e - p));
	if (!nl)
		return false;
	size_t n = (size_t)(nl - p);
	if (response) {
		if (n < 12 || strncmp(p, "HTTP/1.", 7))
			return false;
		h->status = atoi(p + 9);
	} else {
		const char *sp = memchr(p, ' ', n);
		const char *sp2 = sp ? memchr(sp + 1, ' ', (size_t)(nl - sp - 1)) : NULL;
		if (!sp || !sp2 || (size_t)(nl - sp2) < 9 || strncmp(sp2 + 1, "HTTP/1.", 7))
			return false;
		h->path = xstrndup(sp + 1, (size_t)(sp2 - sp - 1));
	}
	bool chunked = false, len = false;
	uint64_t clen = 0;
	for (const char *l = nl + 1; l < e;) {
		const char *le = memchr(l, '\n', (size_t)(e - l));
		size_t ln = le ? (size_t)(le - l) : (size_t)(e - l);
		const char *v;
		size_t vn;
		if (hname(l, ln, "content-length", &v, &vn)) {
			len = true, clen = 0;
			for (size_t i = 0; i < vn && v[i] >= '0' && v[i] <= '9' && clen < UINT64_MAX / 10; i++)
				clen = clen * 10 + (uint64_t)(v[i] - '0');
		} else if (hname(l, ln, "transfer-encoding", &v, &vn)) {
			chunked = has_token(v, vn, "chunked");
		} else if (hname(l, ln, "content-encoding", &v, &vn)) {
			encoding(h, v, vn);
		} else if (hname(l, ln, "content-type", &v, &vn)) {
			h->sse = has_token(v, vn, "text/event-stream");
		}
		l = le ? le + 1 : e;
	}
	if (chunked)
		h->state = H_CHUNK_SIZE;
	else if (len)
		h->state = clen ? H_LEN : H_HEAD, h->left = clen;
	else if (response && h->status != 204 && h->status != 304 && h->status >= 200)
		h->state = H_EOF;   /* to the end of the connection */
	else
		h->state = H_HEAD;   /* no body */
	return true;
}

/* --- bodies ---------------------------------------------------------------------- */

/* A br body is decoded as it comes, into h->body, TLS_BODY_MAX at most. */
static void br_add(struct tls *t, struct half *h, const char *p, size_t n)
{
	if (h->br_bad || h->cut)
		return;   /* past TLS_BODY_MAX decoded: no more work on it */
	if (!h->brs && !(h->brs = BrotliDecoderCreateInstance(NULL, NULL, NULL)))
		die(2, "out of memory");
	const uint8_t *in = (const uint8_t *)p;
	size_t avail = n;
	for (;;) {
		uint8_t out[16384], *o = out;
		size_t room = sizeof out;
		BrotliDecoderResult r = BrotliDecoderDecompressStream(h->brs, &avail, &in, &room, &o, NULL);
		size_t got = sizeof out - room;
		if (h->body.len + got > TLS_BODY_MAX) {
			if (!h->cut)
				t->k.cut++;
			h->cut = true;
			got = TLS_BODY_MAX - h->body.len;
		}
		sb_add(&h->body, out, got);
		if (r == BROTLI_DECODER_RESULT_ERROR) {
			h->br_bad = true;
			return;
		}
		if (r != BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT || h->cut)
			return;
	}
}

static void body_add(struct tls *t, struct half *h, const char *p, size_t n)
{
	if (h->br) {
		br_add(t, h, p, n);
		return;
	}
	if (h->body.len + n > TLS_BODY_MAX) {
		if (!h->cut)
			t->k.cut++;
		h->cut = true;
		n = h->body.len < TLS_BODY_MAX ? TLS_BODY_MAX - h->body.len : 0;
	}
	sb_add(&h->body, p, n);
}

/* The body as sent: gzip and deflate undone (br is, as it came).  NULL
 * when it cannot be. */
static const char *decoded(struct tls *t, struct half *h, struct sbuf *tmp, size_t *n)
{
	if (h->other_enc) {
		t->k.br++;
		return NULL;
	}
	if (h->br_bad)
		return NULL;
	if (!h->gzip && !h->deflate) {
		*n = h->body.len;
		return h->body.len ? h->body.p : "";
	}
	z_stream z = {0};
	/* 15 + 32: a gzip or zlib header, found; a raw deflate stream is
	 * tried after */
	for (int wb = 47; wb; wb = wb == 47 ? -15 : 0) {
		memset(&z, 0, sizeof z);
		if (inflateInit2(&z, wb) != Z_OK)
			return NULL;
		tmp->len = 0;
		z.next_in = (unsigned char *)h->body.p;
		z.avail_in = (uInt)h->body.len;
		int r = Z_OK;
		char out[16384];
		while (r == Z_OK && tmp->len < TLS_BODY_MAX) {
			z.next_out = (unsigned char *)out;
			z.avail_out = sizeof out;
			r = inflate(&z, Z_NO_FLUSH);
			sb_add(tmp, out, sizeof out - z.avail_out);
			if (r == Z_BUF_ERROR && z.avail_in == 0)
				break;   /* cut short: what came is kept */
		}
		inflateEnd(&z);
		if (r == Z_STREAM_END || r == Z_OK || (r == Z_BUF_ERROR && tmp->len)) {
			*n = tmp->len;
			sb_addc(tmp, 0);
			tmp->len = *n;
			return tmp->p;
		}
	}
	return NULL;
}

/* --- model APIs ---------------------------------------------------------------- */

static int api_of(const char *path)
{
	if (!path)
		return API_NONE;
	if (strstr(path, "/v1/messages") && !strstr(path, "count_tokens"))
		return API_ANTHROPIC;
	if (strstr(path, "/chat/completions"))
		return API_OPENAI_CHAT;
	if (strstr(path, "/responses"))
		return API_OPENAI_RESP;
	if (strstr(path, ":generateContent") || strstr(path, ":streamGenerateContent"))
		return API_GEMINI;
	return API_NONE;
}

/* Meta text an agent puts in a user message (reminders, command
 * wrappers): a text that starts with a tag. */
static bool meta_text(const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\n'))
		s++, n--;
	return n > 2 && s[0] == '<' && ((s[1] >= 'a' && s[1] <= 'z') || s[1] == '/');
}

/* The text of a message's content: a string, or text parts (key txt);
 * false when a part is a tool's result (kinds), or there is no typed text. */
static bool user_text(struct jdoc *d, const struct jnode *content, const char *txt,
	const char *const *results, struct sbuf *out)
{
	if (!content)
		return false;
	if (content->type == J_STR) {
		size_t n;
		const char *s = jsn(d, content, &n);
		if (!s || !n || meta_text(s, n))
			return false;
		sb_add(out, s, n);
		return true;
	}
	if (content->type != J_ARR)
		return false;
	bool any = false;
	JFOR(d, content, part) {
		for (int i = 0; results[i]; i++)
			if (jget(d, part, results[i]) || jeq(jget(d, part, "type"), results[i]))
				return false;
		size_t n;
		const char *s = jsn(d, jget(d, part, txt), &n);
		if (s && n && !meta_text(s, n)) {
			if (any)
				sb_addc(out, '\n');
			sb_add(out, s, n);
			any = true;
		}
	}
	return any;
}

static const struct jnode *last_elem(const struct jdoc *d, const struct jnode *arr)
{
	const struct jnode *last = NULL;
	JFOR(d, arr, it)
		last = it;
	return last;
}

/* The results of tool calls a request sends back: those in its trailing
 * run of user (or tool) messages, after the model's last turn; earlier
 * ones are history, sent again with every request. */
static void add_result(struct tls_result *res, int *nres, const char *id, const char *name)
{
	if (*nres < TOOLS_MAX && ((id && *id) || (name && *name)))
		res[(*nres)++] = (struct tls_result){id && *id ? id : NULL, name};
}

static void read_results(struct jdoc *d, int api, const struct jnode *r, struct tls_result *res,
	int *nres)
{
	const char *list = api == API_OPENAI_RESP ? "input" : api == API_GEMINI ? "contents" : "messages";
	const struct jnode *a = jget(d, r, list);
	if (!a || a->type != J_ARR)
		return;
	/* the trailing run: its first element */
	const struct jnode *from = NULL;
	JFOR(d, a, m) {
		const char *role = js(d, jget(d, m, "role")), *ty = js(d, jget(d, m, "type"));
		bool theirs = api == API_OPENAI_RESP ? (ty && strstr(ty, "_output")) ||
				(role && (!strcmp(role, "user") || !strcmp(role, "developer")))
			: api == API_GEMINI ? !role || !strcmp(role, "user") || !strcmp(role, "function")
			: role && (!strcmp(role, "user") || !strcmp(role, "tool"));
		if (!theirs)
			from = NULL;
		else if (!from)
			from = m;
	}
	for (const struct jnode *m = from; m; m = jnext(d, a, m)) {
		switch (api) {
		case API_ANTHROPIC:
			JFOR(d, jget(d, m, "content"), part)
				if (jeq(jget(d, part, "type"), "tool_result"))
					add_result(res, nres, js(d, jget(d, part, "tool_use_id")), NULL);
			break;
		case API_OPENAI_CHAT:
			if (jeq(jget(d, m, "role"), "tool"))
				add_result(res, nres, js(d, jget(d, m, "tool_call_id")), NULL);
			break;
		case API_OPENAI_RESP:
			if (jget(d, m, "call_id") && strstr(js(d, jget(d, m, "type")) ?: "", "_output"))
				add_result(res, nres, js(d, jget(d, m, "call_id")), NULL);
			break;
		case API_GEMINI:
			JFOR(d, jget(d, m, "parts"), part) {
				const struct jnode *fr = jget(d, part, "functionResponse");
				if (fr)
					add_result(res, nres, js(d, jget(d, fr, "id")), js(d, jget(d, fr, "name")));
			}
			break;
		}
	}
}

/* The request: its model, the person's prompt when its last message is
 * one (not a tool's result), and (with hooks) the results it sends back. */
static void read_request(struct tls *t, int api, const char *path, const char *body, size_t n,
	char **model, struct sbuf *prompt, struct tls_result *res, int *nres)
{
	struct jdoc *d = &t->d;
	if (api == API_GEMINI) {
		const char *m = strstr(path, "models/");
		if (m) {
			m += 7;
			size_t k = strcspn(m, ":?/");
			*model = xstrndup(m, k);
		}
	}
	if (!n || jparse(d, body, n) < 0)
		return;
	const struct jnode *r = jroot(d);
	const char *m = js(d, jget(d, r, "model"));
	if (m && !*model)
		*model = xstrdup(m);
	if (t->hooks.results)
		read_results(d, api, r, res, nres);
	static const char *const anth[] = {"tool_result", NULL};
	static const char *const oai[] = {"tool_call_id", NULL};
	static const char *const resp[] = {"function_call_output", "call_id", NULL};
	static const char *const gem[] = {"functionResponse", NULL};
	const struct jnode *last;
	switch (api) {
	case API_ANTHROPIC:
		last = last_elem(d, jget(d, r, "messages"));
		if (last && jeq(jget(d, last, "role"), "user"))
			user_text(d, jget(d, last, "content"), "text", anth, prompt);
		break;
	case API_OPENAI_CHAT:
		last = last_elem(d, jget(d, r, "messages"));
		if (last && jeq(jget(d, last, "role"), "user"))
			user_text(d, jget(d, last, "content"), "text", oai, prompt);
		break;
	case API_OPENAI_RESP: {
		const struct jnode *in = jget(d, r, "input");
		if (in && in->type == J_STR) {
			user_text(d, in, "text", resp, prompt);
		} else {
			last = last_elem(d, in);
			if (last && jeq(jget(d, last, "role"), "user"))
				user_text(d, jget(d, last, "content"), "text", resp, prompt);
		}
		break;
	}
	case API_GEMINI:
		last = last_elem(d, jget(d, r, "contents"));
		if (last && (!jget(d, last, "role") || jeq(jget(d, last, "role"), "user")))
			user_text(d, jget(d, last, "parts"), "text", gem, prompt);
		break;
	}
}

/* What a response told, folded over its events. */
struct acc {
	char *id, *model;
	int64_t in, cr, cw, cw1h, out, reason;
	bool usage, error;
	char *tools[TOOLS_MAX];
	int ntools;
	/* each tool call: its id, its place in the stream (Anthropic's
	 * content block, OpenAI's tool_calls index; -1 none), its arguments
	 * (streamed ones added up), run by the service itself (server) */
	char *tid[TOOLS_MAX];
	int tidx[TOOLS_MAX];
	struct sbuf tin[TOOLS_MAX];
	bool server[TOOLS_MAX];
};

static void acc_str(char **dst, const char *s)
{
	if (s && *s && !*dst)
		*dst = xstrdup(s);
}

/* A tool call: its name, id, index in the stream and arguments (the JSON
 * text of node in, or none); -1 when there is no name. */
static int acc_tool(struct acc *a, struct jdoc *d, const char *name, const char *id, int index,
	const struct jnode *in)
{
	if (!name || !*name || a->ntools >= TOOLS_MAX)
		return -1;
	int i = a->ntools++;
	a->tools[i] = xstrdup(name);
	a->tid[i] = id && *id ? xstrdup(id) : NULL;
	a->tidx[i] = index;
	a->server[i] = false;
	memset(&a->tin[i], 0, sizeof a->tin[i]);
	const char *p;
	size_t n = in ? jraw(d, in, &p) : 0;
	if (n)
		sb_add(&a->tin[i], p, n);
	return i;
}

/* Streamed arguments: more text for the call at index in the stream. */
static void acc_args(struct acc *a, struct jdoc *d, int index, const struct jnode *frag)
{
	size_t n;
	const char *s = jsn(d, frag, &n);
	if (!s || !n)
		return;
	for (int i = a->ntools - 1; i >= 0; i--)
		if (a->tidx[i] == index) {
			if (a->tin[i].len + n <= TLS_BODY_MAX)
				sb_add(&a->tin[i], s, n);
			return;
		}
}

static void acc_tools_free(struct acc *a)
{
	for (int i = 0; i < a->ntools; i++)
		free(a->tools[i]), free(a->tid[i]), sb_free(&a->tin[i]);
	a->ntools = 0;
}

static void acc_free(struct acc *a)
{
	free(a->id), free(a->model);
	acc_tools_free(a);
}

/* usage figure k of object u into *dst, when there */
static void num(struct jdoc *d, const struct jnode *u, const char *k, int64_t *dst, bool *seen)
{
	const struct jnode *v = jget(d, u, k);
	if (v && v->type == J_NUM) {
		*dst = jint(v, 0);
		if (*dst < 0)
			*dst = 0;
		*seen = true;
	}
}

static void fold_anthropic(struct jdoc *d, const struct jnode *o, struct acc *a)
{
	const struct jnode *m = jeq(jget(d, o, "type"), "message_start") ? jget(d, o, "message") : o;
	if (jeq(jget(d, o, "type"), "error"))
		a->error = true;
	if (jeq(jget(d, m, "type"), "message")) {
		acc_str(&a->id, js(d, jget(d, m, "id")));
		acc_str(&a->model, js(d, jget(d, m, "model")));
		int k = 0;
		JFOR(d, jget(d, m, "content"), b) {
			bool srv = jeq(jget(d, b, "type"), "server_tool_use");
			int i = jeq(jget(d, b, "type"), "tool_use") || srv ? acc_tool(a, d,
				js(d, jget(d, b, "name")), js(d, jget(d, b, "id")), k, jget(d, b, "input")) : -1;
			if (i >= 0)
				a->server[i] = srv;
			k++;
		}
	}
	/* streamed: the block starts with an empty input, input_json_delta
	 * events carry its text */
	const struct jnode *cb = jget(d, o, "content_block");
	int index = (int)jint(jget(d, o, "index"), -1);
	bool srv = cb && jeq(jget(d, cb, "type"), "server_tool_use");
	if (cb && (jeq(jget(d, cb, "type"), "tool_use") || srv)) {
		const struct jnode *in = jget(d, cb, "input");
		int i = acc_tool(a, d, js(d, jget(d, cb, "name")), js(d, jget(d, cb, "id")), index,
			in && in->type == J_OBJ && in->len ? in : NULL);
		if (i >= 0)
			a->server[i] = srv;
	}
	const struct jnode *delta = jget(d, o, "delta");
	if (delta && jeq(jget(d, delta, "type"), "input_json_delta"))
		acc_args(a, d, index, jget(d, delta, "partial_json"));
	const struct jnode *u = jget(d, m, "usage");
	if (!u)
		u = jget(d, o, "usage");
	if (u && u->type == J_OBJ) {
		num(d, u, "input_tokens", &a->in, &a->usage);
		num(d, u, "cache_read_input_tokens", &a->cr, &a->usage);
		num(d, u, "cache_creation_input_tokens", &a->cw, &a->usage);
		num(d, jget(d, u, "cache_creation"), "ephemeral_1h_input_tokens", &a->cw1h, &a->usage);
		num(d, u, "output_tokens", &a->out, &a->usage);
	}
}

static void fold_openai_chat(struct jdoc *d, const struct jnode *o, struct acc *a)
{
	acc_str(&a->id, js(d, jget(d, o, "id")));
	acc_str(&a->model, js(d, jget(d, o, "model")));
	if (jget(d, o, "error"))
		a->error = true;
	JFOR(d, jget(d, o, "choices"), ch) {
		const struct jnode *msg = jget(d, ch, "message");
		if (!msg)
			msg = jget(d, ch, "delta");
		int k = 0;
		JFOR(d, jget(d, msg, "tool_calls"), tc) {
			/* streamed: the first piece of a call names it, the
			 * others add to its arguments by index */
			int index = (int)jint(jget(d, tc, "index"), k++);
			const struct jnode *fn = jget(d, tc, "function");
			const struct jnode *args = jget(d, fn, "arguments");
			bool known = false;   /* some servers name the call in every piece */
			for (int i = 0; i < a->ntools && !known; i++)
				known = a->tidx[i] == index;
			if (!known && js(d, jget(d, fn, "name")))
				acc_tool(a, d, js(d, jget(d, fn, "name")), js(d, jget(d, tc, "id")), index,
					NULL);
			acc_args(a, d, index, args);
		}
	}
	const struct jnode *u = jget(d, o, "usage");
	if (u && u->type == J_OBJ) {
		int64_t prompt = 0, cached = 0;
		bool seen = false;
		num(d, u, "prompt_tokens", &prompt, &seen);
		num(d, jget(d, u, "prompt_tokens_details"), "cached_tokens", &cached, &seen);
		num(d, u, "completion_tokens", &a->out, &seen);
		num(d, jget(d, u, "completion_tokens_details"), "reasoning_tokens", &a->reason, &seen);
		if (seen) {
			a->usage = true;
			a->cr = cached < prompt ? cached : prompt;
			a->in = prompt - a->cr;
		}
	}
}

static void fold_openai_resp(struct jdoc *d, const struct jnode *o, struct acc *a)
{
	const struct jnode *r = jget(d, o, "response");
	if (!r || r->type != J_OBJ)
		r = o;
	if (jeq(jget(d, o, "type"), "response.failed") || jeq(jget(d, o, "type"), "error"))
		a->error = true;
	if (!jeq(jget(d, r, "object"), "response"))
		return;
	acc_str(&a->id, js(d, jget(d, r, "id")));
	acc_str(&a->model, js(d, jget(d, r, "model")));
	bool done = jeq(jget(d, r, "status"), "completed") || jeq(jget(d, r, "status"), "incomplete") ||
		jeq(jget(d, r, "status"), "failed");
	if (!done)
		return;   /* response.created and .in_progress repeat the object, empty */
	acc_tools_free(a);   /* the final output is the whole list */
	JFOR(d, jget(d, r, "output"), it) {
		const char *ty = js(d, jget(d, it, "type"));
		const char *cid = js(d, jget(d, it, "call_id"));
		if (ty && (!strcmp(ty, "function_call") || !strcmp(ty, "custom_tool_call"))) {
			const struct jnode *in = jget(d, it, "arguments");
			acc_tool(a, d, js(d, jget(d, it, "name")), cid, -1, in ? in : jget(d, it, "input"));
		} else if (ty && strstr(ty, "_call")) {
			/* local_shell_call runs here, with its action; the
			 * others (web_search_call, ...) at the service */
			bool local = !strcmp(ty, "local_shell_call");
			int i = acc_tool(a, d, ty, cid ? cid : js(d, jget(d, it, "id")), -1,
				local ? it : NULL);
			if (i >= 0)
				a->server[i] = !local;
		}
	}
	const struct jnode *u = jget(d, r, "usage");
	if (u && u->type == J_OBJ) {
		int64_t in = 0, cached = 0;
		bool seen = false;
		num(d, u, "input_tokens", &in, &seen);
		num(d, jget(d, u, "input_tokens_details"), "cached_tokens", &cached, &seen);
		num(d, u, "output_tokens", &a->out, &seen);
		num(d, jget(d, u, "output_tokens_details"), "reasoning_tokens", &a->reason, &seen);
		if (seen) {
			a->usage = true;
			a->cr = cached < in ? cached : in;
			a->in = in - a->cr;
		}
	}
}

static void fold_gemini(struct jdoc *d, const struct jnode *o, struct acc *a)
{
	acc_str(&a->id, js(d, jget(d, o, "responseId")));
	acc_str(&a->model, js(d, jget(d, o, "modelVersion")));
	if (jget(d, o, "error"))
		a->error = true;
	JFOR(d, jget(d, o, "candidates"), c)
		JFOR(d, jgetv(d, c, "content", "parts", NULL), p) {
			const struct jnode *fc = jget(d, p, "functionCall");
			if (fc)
				acc_tool(a, d, js(d, jget(d, fc, "name")), js(d, jget(d, fc, "id")), -1,
					jget(d, fc, "args"));
		}
	const struct jnode *u = jget(d, o, "usageMetadata");
	if (u && u->type == J_OBJ) {
		int64_t prompt = 0, cached = 0, cand = 0, thoughts = 0;
		bool seen = false;
		num(d, u, "promptTokenCount", &prompt, &seen);
		num(d, u, "cachedContentTokenCount", &cached, &seen);
		num(d, u, "candidatesTokenCount", &cand, &seen);
		num(d, u, "thoughtsTokenCount", &thoughts, &seen);
		if (seen) {
			a->usage = true;
			a->cr = cached < prompt ? cached : prompt;
			a->in = prompt - a->cr;
			a->out = cand + thoughts;
			a->reason = thoughts;
		}
	}
}

static void fold(struct jdoc *d, int api, const struct jnode *o, struct acc *a)
{
	if (!o || o->type != J_OBJ)
		return;
	switch (api) {
	case API_ANTHROPIC: fold_anthropic(d, o, a); break;
	case API_OPENAI_CHAT: fold_openai_chat(d, o, a); break;
	case API_OPENAI_RESP: fold_openai_resp(d, o, a); break;
	case API_GEMINI: fold_gemini(d, o, a); break;
	}
}

/* The body: one JSON document (an object, or Gemini's array of them), or
 * server-sent events whose data lines are JSON.  false when nothing in it
 * could be read. */
static bool read_response(struct tls *t, int api, bool sse, const char *p, size_t n, struct acc *a)
{
	struct jdoc *d = &t->d;
	bool any = false;
	if (!sse) {
		if (jparse(d, p, n) < 0)
			return false;
		const struct jnode *r = jroot(d);
		if (r && r->type == J_ARR) {
			JFOR(d, r, it)
				fold(d, api, it, a);
		} else {
			fold(d, api, r, a);
		}
		return true;
	}
	struct sbuf data = {0};
	for (const char *l = p, *e = p + n; l < e;) {
		const char *le = memchr(l, '\n', (size_t)(e - l));
		size_t ln = le ? (size_t)(le - l) : (size_t)(e - l);
		if (ln && l[ln - 1] == '\r')
			ln--;
		if (ln >= 5 && !strncmp(l, "data:", 5)) {
			size_t s = 5 + (ln > 5 && l[5] == ' ');
			if (data.len)
				sb_addc(&data, '\n');
			sb_add(&data, l + s, ln - s);
		} else if (!ln && data.len) {   /* an event ends */
			if (strcmp(data.p, "[DONE]") && jparse(d, data.p, data.len) == 0) {
				fold(d, api, jroot(d), a);
				any = true;
			}
			data.len = 0;
		}
		l = le ? le + 1 : e;
	}
	if (data.len && strcmp(data.p, "[DONE]") && jparse(d, data.p, data.len) == 0) {
		fold(d, api, jroot(d), a);
		any = true;
	}
	sb_free(&data);
	return any;
}

/* --- exchanges ---------------------------------------------------------------- */

static struct pstate *pstate_of(struct tls *t, uint32_t pid)
{
	for (size_t i = 0; i < t->nps; i++)
		if (t->ps[i].pid == pid)
			return &t->ps[i];
	GROW(t->ps, t->nps, t->capps);
	struct pstate *s = &t->ps[t->nps++];
	memset(s, 0, sizeof *s);
	s->pid = pid;
	return s;
}

static void on_request(struct tls *t, struct conn *c)
{
	struct half *h = &c->out;
	int api = api_of(h->path);
	if (api == API_NONE) {
		t->k.other++;
		return;
	}
	if (c->nq == PENDING_MAX) {   /* never answered: the oldest goes */
		free(c->q[0].model), free(c->q[0].prompt);
		memmove(c->q, c->q + 1, (PENDING_MAX - 1) * sizeof *c->q);
		c->nq--;
	}
	struct req *r = &c->q[c->nq++];
	memset(r, 0, sizeof *r);
	r->api = api;
	r->t0 = h->t0;
	struct sbuf tmp = {0}, text = {0};
	size_t n;
	struct tls_result res[TOOLS_MAX];
	int nres = 0;
	const char *body = decoded(t, h, &tmp, &n);
	if (!body || h->cut)
		r->unparsed = true;
	else
		read_request(t, api, h->path, body, n, &r->model, &text, res, &nres);
	if (nres)   /* the calls these results answer are done */
		t->hooks.results(t->hooks.arg, c->pid, res, nres, h->t1);
	struct pstate *ps = pstate_of(t, c->pid);
	if (text.len) {
		/* a prompt sent again (a retry) is the same prompt */
		uint64_t hh = hash64(text.p, text.len, 0x7e11);
		if (!ps->id || hh != ps->hash) {
			char id[64];
			snprintf(id, sizeof id, "tls:%u:p%llu", (unsigned)c->pid, (unsigned long long)++ps->n);
			free(ps->id);
			ps->id = xstrdup(id);
			ps->hash = hh;
			struct event e;
			ev_init(&e);
			e.kind = "prompt";
			e.ts = h->t0;
			e.id = ps->id;
			e.origin = "human";
			if (!t->notext)
				e.text = text.p, e.text_len = text.len;
			t->emit(t->arg, &e);
			t->k.prompts++;
		}
	}
	if (ps->id)
		r->prompt = xstrdup(ps->id);
	sb_free(&tmp), sb_free(&text);
}

static void on_response(struct tls *t, struct conn *c)
{
	struct half *h = &c->in;
	if (h->status >= 100 && h->status < 200)
		return;   /* 100 Continue: the real response follows */
	if (!c->nq)
		return;   /* no model request waits: not a model call */
	struct req r = c->q[0];
	memmove(c->q, c->q + 1, (size_t)(c->nq - 1) * sizeof *c->q);
	c->nq--;
	struct acc a = {0};
	struct sbuf tmp = {0};
	size_t n = 0;
	const char *body = decoded(t, h, &tmp, &n);
	bool ok = body && read_response(t, r.api, h->sse, body, n, &a);
	if (!ok || r.unparsed)
		t->k.unparsed++;
	struct event e;
	ev_init(&e);
	e.kind = "llm";
	e.ts = h->t1;
	char id[64];
	if (a.id) {
		e.id = a.id;
	} else {
		snprintf(id, sizeof id, "tls:%u:c%llu", (unsigned)c->pid, (unsigned long long)++t->seq);
		e.id = id;
	}
	e.parent = r.prompt;
	e.prompt = r.prompt;
	e.model = a.model ? a.model : r.model;
	if (r.t0 && h->t1 >= r.t0)
		e.duration_ms = h->t1 - r.t0;
	e.status = h->status >= 200 && h->status < 300 && !a.error ? "ok" : "error";
	if (a.usage) {
		e.has_tokens = true;
		e.tokens.input = a.in, e.tokens.cache_read = a.cr, e.tokens.cache_write = a.cw;
		e.tokens.cache_write_1h = a.cw1h < a.cw ? a.cw1h : a.cw;
		e.tokens.output = a.out, e.tokens.reasoning = a.reason;
	}
	/* the tools' kinds, from the tables of the agent the API is most
	 * likely spoken by (then any other's) */
	const char *agent = r.api == API_ANTHROPIC ? "claude" : r.api == API_GEMINI ? "gemini" : "codex";
	const char *kinds[TOOLS_MAX];
	for (int i = 0; i < a.ntools; i++)
		kinds[i] = tool_kind_name(agent_tool_kind(agent, a.tools[i]));
	if (a.ntools) {
		e.tools = (const char **)a.tools;
		e.ntools = a.ntools;
		e.tool_kinds = kinds;
		e.ntool_kinds = a.ntools;
	}
	t->emit(t->arg, &e);
	t->k.calls++;
	/* a tool record for each call, under the model call; a call without
	 * an id (Gemini's may have none) is named LLM#N, N its place */
	struct tls_call calls[TOOLS_MAX];
	char *made[TOOLS_MAX];
	int ncalls = 0;
	for (int i = 0; i < a.ntools; i++) {
		made[i] = NULL;
		if (!a.tid[i]) {
			made[i] = xmalloc(strlen(e.id) + 24);
			sprintf(made[i], "%s#%d", e.id, i + 1);
		}
		struct event te;
		ev_init(&te);
		te.kind = "tool";
		te.ts = h->t1;
		te.id = a.tid[i] ? a.tid[i] : made[i];
		te.parent = e.id;
		te.prompt = r.prompt;
		te.tool = a.tools[i];
		te.tool_kind = kinds[i];
		t->emit(t->arg, &te);
		if (!a.server[i])
			calls[ncalls++] = (struct tls_call){te.id, a.tools[i], kinds[i], agent,
				a.tin[i].len ? a.tin[i].p : NULL, a.tin[i].len, !a.tid[i]};
	}
	if (ncalls && t->hooks.calls)
		t->hooks.calls(t->hooks.arg, c->pid, r.prompt, calls, ncalls, h->t1);
	for (int i = 0; i < a.ntools; i++)
		free(made[i]);
	acc_free(&a);
	free(r.model), free(r.prompt);
	sb_free(&tmp);
}

static void complete(struct tls *t, struct conn *c, bool read)
{
	struct half *h = read ? &c->in : &c->out;
	if (read)
		on_response(t, c);
	else
		on_request(t, c);
	half_reset(h);
}

/* --- HTTP/2 ------------------------------------------------------------------------ */

/* An HTTP/2 connection: its frames (h2.c), and the body bytes its
 * streams hold. */
struct h2conn {
	struct tls *t;
	struct h2 *h;
	uint32_t pid;
	uint64_t id;
	size_t held;
	int64_t ts;             /* its last bytes */
};

/* A stream: one request and its response, read as a connection of its own. */
struct h2st {
	struct h2conn *x;
	struct conn c;
	size_t held;
	bool req_done, resp_end, resp_done, resp_begun;
};

static void *h2_open(void *arg, uint32_t sid, int64_t ts)
{
	struct h2conn *x = arg;
	struct h2st *s = xcalloc(1, sizeof *s);
	s->x = x;
	s->c.used = true, s->c.pid = x->pid, s->c.id = x->id;
	s->c.out.state = s->c.in.state = H_HEAD;
	x->t->k.h2_streams++;
	return s;
}

static void h2_header(void *arg, void *u, bool read, const char *name, size_t nn, const char *v,
	size_t vn, int64_t ts)
{
	struct h2st *s = u;
	struct half *h = read ? &s->c.in : &s->c.out;
	if (!h->t0)
		h->t0 = ts;
	h->t1 = ts;
	if (read)
		s->resp_begun = true;
#define IS(lit) (nn == sizeof lit - 1 && !memcmp(name, lit, nn))
	if (read && IS(":status")) {
		h->status = 0;
		for (size_t i = 0; i < vn && i < 3 && v[i] >= '0' && v[i] <= '9'; i++)
			h->status = h->status * 10 + (v[i] - '0');
	} else if (!read && IS(":path")) {
		free(h->path);
		h->path = xstrndup(v, vn);
	} else if (IS("content-encoding")) {
		encoding(h, v, vn);
	} else if (IS("content-type")) {
		h->sse = has_token(v, vn, "text/event-stream");
	}
#undef IS
}

static void h2_data(void *arg, void *u, bool read, const void *p, size_t n, int64_t ts)
{
	struct h2st *s = u;
	struct h2conn *x = s->x;
	struct half *h = read ? &s->c.in : &s->c.out;
	h->t1 = ts;
	if (x->held + n > H2_BODY_MAX) {   /* the connection's streams hold enough */
		if (!h->cut)
			x->t->k.cut++;
		h->cut = true;
		n = H2_BODY_MAX - x->held;
	}
	size_t before = h->body.len;
	body_add(x->t, h, p, n);
	if (h->body.len > before) {
		x->held += h->body.len - before;
		s->held += h->body.len - before;
	}
}

static void h2_end(void *arg, void *u, bool read, int64_t ts)
{
	struct h2st *s = u;
	struct tls *t = s->x->t;
	(read ? &s->c.in : &s->c.out)->t1 = ts;
	if (!read) {
		complete(t, &s->c, false);
		s->req_done = true;
	} else {
		s->resp_end = true;
	}
	if (s->req_done && s->resp_end && !s->resp_done) {
		complete(t, &s->c, true);
		s->resp_done = true;
	}
}

static void h2_close(void *arg, void *u, int why, int64_t ts)
{
	struct h2st *s = u;
	struct tls *t = s->x->t;
	if (why != H2_DONE)
		t->k.h2_reset++;
	if (!s->req_done)
		complete(t, &s->c, false);
	if (!s->resp_done && (s->resp_end || s->resp_begun)) {
		/* a response reset or left unfinished (a call cancelled): what
		 * came of it, as an error */
		if (!s->resp_end)
			s->c.in.status = 0;
		complete(t, &s->c, true);
	}
	s->x->held -= s->held;
	conn_free(&s->c);
	free(s);
}

static const struct h2_ops h2ops = {h2_open, h2_header, h2_data, h2_end, h2_close};

/* The connection ends (its process did, or its frames broke): what it
 * held is let go, its open streams closed. */
static void h2_end_conn(struct tls *t, struct conn *c, bool whole)
{
	struct h2conn *x = c->h2;
	if (!x)
		return;
	bool cut = false;
	const char *why = h2_why(x->h);
	if (why)
		snprintf(t->why, sizeof t->why, "pid %u: %s", (unsigned)c->pid, why);
	h2_free(x->h, x->ts, &cut);
	if (cut && whole) {
		snprintf(t->why, sizeof t->why, "pid %u: the HTTP/2 connection ended inside a frame",
			(unsigned)c->pid);
		t->k.h2_bad++;
	}
	free(x);
	c->h2 = NULL;
}

static void h2_in(struct tls *t, struct conn *c, bool read, const char *p, size_t n, int64_t ts)
{
	struct h2conn *x = c->h2;
	x->ts = ts;
	if (!h2_feed(x->h, read, p, n, ts)) {
		t->k.h2_bad++;
		h2_end_conn(t, c, false);
		c->proto = P_LOST;   /* the rest of it is not read */
	}
}

void tls_gap(struct tls *t, uint32_t pid, uint64_t conn, bool read, uint64_t n)
{
	struct conn *c = conn_of(t, pid, conn);
	if (c->proto != P_H2)
		return;   /* HTTP/1: the message is cut, counted by the caller */
	snprintf(t->why, sizeof t->why, "pid %u: %llu bytes %s were not captured (the part of a TLS "
		"call past 128 KiB): the HTTP/2 connection cannot be read past them", (unsigned)pid,
		(unsigned long long)n, read ? "read" : "written");
	t->k.h2_bad++;
	h2_end_conn(t, c, false);
	c->proto = P_LOST;
}

/* --- bytes in -------------------------------------------------------------------- */

/* HTTP/1.1 framing lost on one direction (what follows is not read until
 * a new message begins): counted, with why. */
static void lost(struct tls *t, struct conn *c, bool read, const char *what)
{
	(read ? &c->in : &c->out)->state = H_LOST;
	t->k.cut++, t->k.h1_cut++;
	snprintf(t->why1, sizeof t->why1, "pid %u: %s", (unsigned)c->pid, what);
}

static void feed(struct tls *t, struct conn *c, bool read, const char *p, size_t n, int64_t ts)
{
	struct half *h = read ? &c->in : &c->out;
	while (n) {
		if (h->state == H_LOST)
			return;
		if (h->state == H_HEAD) {
			if (!h->head.len && !h->t0)
				h->t0 = ts;
			/* the blank line ends the head: look from where it may start */
			size_t from = h->head.len > 3 ? h->head.len - 3 : 0;
			size_t take = n;
			sb_add(&h->head, p, n);
			const char *end = NULL;
			for (size_t i = from; i + 3 < h->head.len; i++)
				if (!memcmp(h->head.p + i, "\r\n\r\n", 4)) {
					end = h->head.p + i + 4;
					break;
				}
			if (!end) {
				if (h->head.len > HEAD_MAX)   /* no HTTP/1 here: give up on it */
					lost(t, c, read, read ? "a response's head past 64 KiB"
						: "a request's head past 64 KiB");
				return;
			}
			size_t used = (size_t)(end - h->head.p);
			size_t rest = h->head.len - used;
			take = n - rest;
			h->head.len = used;
			if (!parse_head(h, read)) {
				lost(t, c, read, read ? "a response that is not HTTP/1.x"
					: "a request that is not HTTP/1.x");
				return;
			}
			h->t1 = ts;
			p += take, n -= take;
			if (h->state == H_HEAD)
				complete(t, c, read);
			continue;
		}
		h->t1 = ts;
		switch (h->state) {
		case H_LEN: {
			size_t k = n < h->left ? n : (size_t)h->left;
			body_add(t, h, p, k);
			p += k, n -= k, h->left -= k;
			if (!h->left)
				complete(t, c, read);
			break;
		}
		case H_CHUNK_SIZE:
		case H_CHUNK_END:
		case H_TRAILER: {
			const char *nl = memchr(p, '\n', n);
			size_t k = nl ? (size_t)(nl - p) + 1 : n;
			if (h->line.len + k > 4096) {
				lost(t, c, read, "a chunk-size line past 4 KiB");
				return;
			}
			sb_add(&h->line, p, k);
			p += k, n -= k;
			if (!nl)
				break;
			if (h->state == H_CHUNK_END) {   /* the CRLF after a chunk's data */
				h->state = H_CHUNK_SIZE;
			} else if (h->state == H_TRAILER) {
				if (h->line.len <= 2) {
					h->line.len = 0;
					complete(t, c, read);
					break;
				}
			} else {
				uint64_t size = 0;
				size_t i = 0;
				for (; i < h->line.len; i++) {
					char ch = h->line.p[i];
					int v = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
						: ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
					if (v < 0 || size > UINT64_MAX / 16)
						break;
					size = size * 16 + (uint64_t)v;
				}
				if (!i) {
					lost(t, c, read, "a chunk size that is not hex");
					return;
				}
				h->left = size;
				h->state = size ? H_CHUNK_DATA : H_TRAILER;
			}
			h->line.len = 0;
			break;
		}
		case H_CHUNK_DATA: {
			size_t k = n < h->left ? n : (size_t)h->left;
			body_add(t, h, p, k);
			p += k, n -= k, h->left -= k;
			if (!h->left)
				h->state = H_CHUNK_END;
			break;
		}
		case H_EOF:
			body_add(t, h, p, n);
			n = 0;
			break;
		}
	}
}

/* HTTP/1.x's first line at p: a request line (a method in capitals, a
 * target, the version) written, a status line read. */
static bool begins_message(const char *p, size_t n, bool read)
{
	if (read)
		return n >= 12 && !memcmp(p, "HTTP/1.", 7) && p[7] >= '0' && p[7] <= '9' && p[8] == ' '
			&& p[9] >= '1' && p[9] <= '5' && p[10] >= '0' && p[10] <= '9' && p[11] >= '0'
			&& p[11] <= '9';
	const char *nl = memchr(p, '\n', n < 8192 ? n : 8192);
	if (!nl)
		return false;
	size_t i = 0, e = (size_t)(nl - p);
	while (i < e && i < 16 && p[i] >= 'A' && p[i] <= 'Z')
		i++;
	if (!i || i >= e || p[i] != ' ')
		return false;
	const char *sp = memchr(p + i + 1, ' ', e - i - 1);
	if (!sp || sp == p + i + 1)
		return false;
	size_t rest = (size_t)(nl - sp - 1);
	return (rest == 8 || (rest == 9 && sp[9] == '\r')) && !memcmp(sp + 1, "HTTP/1.", 7)
		&& sp[8] >= '0' && sp[8] <= '9';
}

/* A new HTTP/1.x message begins on a direction still inside one: the
 * connection ended with the old one unfinished and a new one took its
 * TLS object's address (curl retries a request on a fresh connection when
 * the server closed the old one under it), or the old one's bytes were
 * not all captured.  The old message ends here: a response read to the
 * connection's end is whole; any other is counted with why, a response
 * kept as the error it is (what came of it), and the new one is read.
 * ended: the process ended instead.  The new message's first line must
 * come in one write or read (clients write a head at once). */
static void resync(struct tls *t, struct conn *c, bool read, bool ended)
{
	struct half *h = read ? &c->in : &c->out;
	if (read && h->state == H_EOF) {
		complete(t, c, true);
		return;
	}
	if (h->state != H_LOST) {   /* a lost one is counted already */
		t->k.cut++, t->k.h1_cut++;
		snprintf(t->why1, sizeof t->why1, "pid %u: a %s left unfinished after %zu bytes of its "
			"body, %s", (unsigned)c->pid, read ? "response" : "request", h->body.len, ended
			? "when its process ended" : "a new one begun in its place (its connection ended, "
			"or bytes were not captured)");
	}
	if (read && h->state != H_LOST && h->state != H_HEAD && c->nq) {
		h->status = 0;   /* the call it answered: an error */
		complete(t, c, true);
	} else {
		half_reset(h);
	}
}

/* Model requests written and never answered: their connection ended
 * first (the server closed it, the client gave up on the call).  Counted
 * with why, and let go, so that the next response answers its own
 * request. */
static void unanswered(struct tls *t, struct conn *c)
{
	if (!c->nq)
		return;
	t->k.cut += (uint64_t)c->nq, t->k.h1_cut += (uint64_t)c->nq;
	snprintf(t->why1, sizeof t->why1, "pid %u: %d model request%s never answered (the "
		"connection ended first)", (unsigned)c->pid, c->nq, c->nq == 1 ? "" : "s");
	for (int i = 0; i < c->nq; i++)
		free(c->q[i].model), free(c->q[i].prompt);
	c->nq = 0;
}

/* An HTTP/1.x connection ends: a response read to its end is whole;
 * messages left unfinished and model requests never answered are
 * counted. */
static void h1_end(struct tls *t, struct conn *c)
{
	if (c->proto != P_H1)
		return;
	if (c->in.state != H_HEAD || c->in.head.len)
		resync(t, c, true, true);
	if (c->out.state != H_HEAD || c->out.head.len)
		resync(t, c, false, true);
	unanswered(t, c);
}

/* The client's first bytes on an HTTP/2 connection (RFC 9113, 3.4). */
static const char preface[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
#define PREFACE_LEN (sizeof preface - 1)

void tls_data(struct tls *t, uint32_t pid, uint64_t conn, bool read, const void *p0, size_t n,
	int64_t ts)
{
	if (!n)
		return;
	const char *p = p0;
	struct conn *c = conn_of(t, pid, conn);
	if (!read && c->proto != P_UNKNOWN && n >= PREFACE_LEN && !memcmp(p, preface, PREFACE_LEN)) {
		/* a new connection where an old one ended (its TLS object's
		 * memory used again): the old one ends here */
		h1_end(t, c);
		h2_end_conn(t, c, true);
		conn_free(c);
		c = conn_of(t, pid, conn);
	}
	if (c->proto == P_UNKNOWN && !read) {
		size_t k = PREFACE_LEN - c->npre < n ? PREFACE_LEN - c->npre : n;
		if (!memcmp(p, preface + c->npre, k)) {
			c->npre += (unsigned)k, p += k, n -= k;
			if (c->npre < PREFACE_LEN)
				return;
			c->proto = P_H2;
			t->k.h2++;
			c->h2 = xcalloc(1, sizeof *c->h2);
			c->h2->t = t, c->h2->pid = pid, c->h2->id = conn, c->h2->ts = ts;
			c->h2->h = h2_new(&h2ops, c->h2);
			if (!n)
				return;
		}
	}
	if (c->proto == P_UNKNOWN) {   /* HTTP/1, from what looked like a preface */
		c->proto = P_H1;
		if (c->npre)
			feed(t, c, false, preface, c->npre, ts);
	}
	if (c->proto == P_H2)
		h2_in(t, c, read, p, n, ts);
	else if (c->proto == P_H1) {
		struct half *h = read ? &c->in : &c->out;
		if ((h->state != H_HEAD || h->head.len) && begins_message(p, n, read))
			resync(t, c, read, false);
		/* a request while a model call's response has not begun: model
		 * calls are POSTs, which clients do not pipeline (RFC 9112,
		 * 9.3.2), so the connection that carried the call ended first */
		else if (!read && c->nq && c->in.state == H_HEAD && !c->in.head.len
			&& begins_message(p, n, false))
			unanswered(t, c);
		feed(t, c, read, p, n, ts);
	}
}
