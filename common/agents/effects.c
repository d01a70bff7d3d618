/* SPDX-License-Identifier: MIT */
/* effects.c: the effect records of a tool call, from its arguments.
 *
 * What a call does follows from its kind (toolkind.h), looked up in its
 * agent's table, and the keys of its arguments: read, write and list
 * tools give one read/write effect on their path (search tools a read
 * with class search on the search root), web tools a net effect with the
 * URL's domain, shell tools whatever shell.c finds in the command line:
 * an exec effect per command (argv, process chain, class) followed by
 * that command's file and network effects; patch tools a write, delete
 * or rename per file of the patch.  Where an agent's arguments have
 * another shape, its table says so (tool_args).  Paths are made absolute
 * against the tool's cwd (or its workdir argument) by string
 * normalisation alone.  Web searches have no host the agent's machine
 * contacts; they get the pseudo-domain search.invalid unless the table
 * names one.  Subagents, plans and the like have no effects of their own. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "agent.h"
#include "events.h"
#include "paths.h"
#include "shell/shell.h"

/* The effects found, before they are written: strings live in sh. */
struct found {
	struct shell sh;
	const struct event *tool;
	struct event *e;
	int n, cap;
	int calls;      /* nested tool calls of a Codex exec script */
	bool classed;   /* class holds effects_class's answer */
	const char *class;
};

static struct event *add(struct found *f, const char *effect, const char *class)
{
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 8;
		f->e = xrealloc(f->e, sizeof *f->e * f->cap);
	}
	struct event *e = &f->e[f->n++];
	ev_init(e);
	e->effect = effect;
	e->class = class;
	return e;
}

static const char *str(struct found *f, struct jdoc *d, const struct jnode *o, const char *key)
{
	size_t n;
	const char *s = jsn(d, jget(d, o, key), &n);
	return s && n ? shell_strdup(&f->sh, s, n) : NULL;
}

static const char *first_str(struct found *f, struct jdoc *d, const struct jnode *o,
	const char *const *keys)
{
	for (; *keys; keys++) {
		const char *s = str(f, d, o, *keys);
		if (s)
			return s;
	}
	return NULL;
}

static void add_net(struct found *f, const char *url, const char *class)
{
	char host[256];
	int port;
	if (!url_domain(url, host, sizeof host, &port))
		return;
	for (int i = 0; i < f->n; i++)
		if (f->e[i].domain && !strcmp(f->e[i].domain, host) && f->e[i].port == (port < 0 ? EV_NONE : port))
			return;
	struct event *e = add(f, "net", class);
	e->domain = shell_strdup(&f->sh, host, strlen(host));
	e->port = port < 0 ? EV_NONE : port;
}

/* URLs inside free text (Gemini web_fetch's prompt). */
static void urls_in(struct found *f, const char *s)
{
	for (const char *p = s; (p = strstr(p, "://")); p += 3) {
		const char *b = p;
		while (b > s && ((b[-1] | 0x20) >= 'a' && (b[-1] | 0x20) <= 'z'))
			b--;
		if (b < p)
			add_net(f, b, "net");
	}
}

static void shell_effects(struct found *f, int first)
{
	struct shell *sh = &f->sh;
	for (int i = first; i < sh->ncmd; i++) {
		struct shell_cmd *c = &sh->cmd[i];
		if (c->argc) {
			struct event *e = add(f, "exec", c->class);
			e->argv = c->argv;
			e->nargv = c->argc;
			e->process = c->process;
			e->nprocess = c->nprocess;
		}
		for (int j = 0; j < c->nfx; j++) {
			struct shell_fx *x = &c->fx[j];
			struct event *e = add(f, x->effect, c->class);
			e->path = x->path;
			e->to = x->to;
			e->domain = x->domain;
			e->port = x->port < 0 ? EV_NONE : x->port;
			e->process = c->process;
			e->nprocess = c->nprocess;
		}
	}
}

static void patch(struct found *f, const char *text, size_t len, const char *cwd)
{
	struct shell_fx *fx = NULL;
	int n = 0;
	shell_patch(&f->sh, text, len, cwd, &fx, &n);
	for (int i = 0; i < n; i++) {
		struct event *e = add(f, fx[i].effect, "write");
		e->path = fx[i].path;
		e->to = fx[i].to;
	}
}

static void dispatch(struct found *f, const char *name, const char *input, size_t len);

/* A script tool (TA_SCRIPT, Codex's exec) calls tools.NAME({...}): each
 * call is a tool of the same agent. */
static void jsexec(struct found *f, const char *s, size_t len)
{
	const char *end = s + len;
	for (const char *p = s; p < end && f->calls < 64; ) {
		const char *t = memmem(p, (size_t)(end - p), "tools.", 6);
		if (!t)
			break;
		const char *q = t + 6, *name = q;
		while (q < end && ((*q | 0x20) >= 'a' && (*q | 0x20) <= 'z' ? true :
		    (*q >= '0' && *q <= '9') || *q == '_'))
			q++;
		size_t nl = (size_t)(q - name);
		while (q < end && (*q == ' ' || *q == '('))
			q++;
		p = q;
		if (!nl || q >= end || *q != '{')
			continue;
		/* the object literal: balanced braces outside strings */
		int depth = 0;
		const char *o = q;
		for (; q < end; q++) {
			if (*q == '"') {
				for (q++; q < end && *q != '"'; q++)
					if (*q == '\\')
						q++;
			} else if (*q == '{') {
				depth++;
			} else if (*q == '}' && --depth == 0) {
				break;
			}
		}
		if (q >= end)
			break;
		f->calls++;
		char *nm = shell_strdup(&f->sh, name, nl);
		char *obj = shell_strdup(&f->sh, o, (size_t)(q + 1 - o));
		dispatch(f, nm, obj, (size_t)(q + 1 - o));
		p = q + 1;
	}
}

static void dispatch(struct found *f, const char *name, const char *input, size_t len)
{
	const struct tool_map *m = agent_tool(f->tool->agent, name);
	enum tool_kind kind = m->kind;
	if (kind == TK_OTHER || kind == TK_DELEGATE || kind == TK_PLAN || !input)
		return;
	const char *cwd = f->tool->cwd;
	while (len && (*input == ' ' || *input == '\n' || *input == '\t' || *input == '\r')) {
		input++;
		len--;
	}
	struct jdoc d = {0};
	const struct jnode *o = NULL;
	if (len && (*input == '{' || *input == '"') && jparse(&d, input, len) == 0) {
		o = jroot(&d);
		if (o && o->type == J_STR) {
			/* a JSON string holding the arguments */
			size_t n;
			const char *s = jsn(&d, o, &n);
			char *copy = shell_strdup(&f->sh, s, n);
			jdoc_free(&d);
			dispatch(f, name, copy, n);
			return;
		}
		if (o && o->type != J_OBJ)
			o = NULL;
	}
	/* only a patch and a script come as plain text */
	if (!o && kind != TK_PATCH && m->args != TA_SCRIPT) {
		jdoc_free(&d);
		return;
	}
	static const char *const pathkeys[] = {"file_path", "absolute_path", "notebook_path",
		"path", "dir_path", "filePath", NULL};
	static const char *const dirkeys[] = {"workdir", "directory", "cwd", "working_directory",
		"dir_path", NULL};
	const char *p;
	struct event *e;
	switch (kind) {
	case TK_READ:
		if (m->args == TA_PATHS) {
			const struct jnode *a = jget(&d, o, "paths");
			if (a && a->type == J_ARR)
				JFOR(&d, a, it) {
					size_t n;
					const char *s = jsn(&d, it, &n);
					if (s && n) {
						e = add(f, "read", "read");
						e->path = shell_path(&f->sh, s, cwd);
					}
				}
			break;
		}
		/* fall through */
	case TK_WRITE:
	case TK_LIST:
		if ((p = first_str(f, &d, o, pathkeys))) {
			const char *effect = kind == TK_WRITE ? "write" : "read";
			e = add(f, effect, effect);
			e->path = shell_path(&f->sh, p, cwd);
		} else if (kind == TK_LIST && cwd) {
			e = add(f, "read", "read");
			e->path = shell_path(&f->sh, cwd, NULL);
		}
		break;
	case TK_SEARCH:
		p = first_str(f, &d, o, pathkeys);
		if (p || cwd) {
			e = add(f, "read", "search");
			e->path = shell_path(&f->sh, p ? p : cwd, cwd);
		}
		break;
	case TK_WEB:
		if (m->args == TA_QUERY) {
			e = add(f, "net", "net");
			e->domain = m->host ? m->host : "search.invalid";
			break;
		}
		/* fall through */
	case TK_MCP: {
		if ((p = str(f, &d, o, "url")))
			add_net(f, p, "net");
		const struct jnode *urls = jget(&d, o, "urls");
		if (urls && urls->type == J_ARR)
			JFOR(&d, urls, it) {
				const char *s = js(&d, it);
				if (s)
					add_net(f, s, "net");
			}
		/* Gemini's web_fetch has its URLs in its prompt */
		if (kind == TK_WEB && (p = str(f, &d, o, "prompt")))
			urls_in(f, p);
		break;
	}
	case TK_SHELL: {
		if (m->args == TA_SCRIPT) {
			if (!o)
				jsexec(f, input, len);
			break;
		}
		const char *dir = first_str(f, &d, o, dirkeys);
		dir = dir ? shell_path(&f->sh, dir, cwd) : cwd;
		const struct jnode *cmd = jget(&d, o, "command");
		if (!cmd)
			cmd = jget(&d, o, "cmd");
		const struct jnode *action = jget(&d, o, "action");
		if (!cmd && action)
			cmd = jget(&d, action, "command");
		if (!cmd)
			break;
		int first = f->sh.ncmd;
		if (cmd->type == J_ARR) {
			/* an argv run directly: Codex shell {"command": ["bash", "-lc", "..."]} */
			int n = 0;
			const char **v = shell_alloc(&f->sh, sizeof *v * (cmd->len + 1));
			JFOR(&d, cmd, it) {
				size_t l;
				const char *s = jsn(&d, it, &l);
				v[n++] = s ? shell_strdup(&f->sh, s, l) : "";
			}
			if (n)
				shell_parse_argv(&f->sh, v, n, NULL, 0, dir);
		} else if (cmd->type == J_STR) {
			size_t l;
			const char *s = jsn(&d, cmd, &l);
			const char *sh = str(f, &d, o, "shell");
			const char *outer[1] = {sh ? path_base(sh) : "bash"};
			char *copy = shell_strdup(&f->sh, s, l);
			shell_parse(&f->sh, copy, l, outer, 1, dir);
		}
		shell_effects(f, first);
		break;
	}
	case TK_PATCH:
		if (o) {
			size_t n;
			const char *s = jsn(&d, jget(&d, o, "input"), &n);
			if (!s)
				s = jsn(&d, jget(&d, o, "patch"), &n);
			if (!s)   /* OpenCode's apply_patch */
				s = jsn(&d, jget(&d, o, "patchText"), &n);
			if (s)
				patch(f, shell_strdup(&f->sh, s, n), n, cwd);
		} else {
			patch(f, input, len, cwd);
		}
		break;
	default:
		break;
	}
	jdoc_free(&d);
}

static void find(struct found *f, const struct event *tool, const char *input, size_t len)
{
	memset(f, 0, sizeof *f);
	shell_init(&f->sh);
	f->tool = tool;
	dispatch(f, tool->tool, input, len);
}

static void found_free(struct found *f)
{
	free(f->e);
	shell_free(&f->sh);
}

/* Adapters ask for a tool call's class before they write the tool record
 * and for its effects right after, and agents run the same commands over
 * and over (make test, git diff): analyses are kept, keyed by a hash of
 * what they depend on, the tool's agent, name, cwd and arguments, in a few
 * slots reused in turn. */
#define NCACHE 32
static _Thread_local struct cached {
	bool valid;
	uint64_t key;
	struct found f;
} cache[NCACHE];
static _Thread_local unsigned next_slot;

/* The analysis asked for last, with the bytes it was asked for: adapters
 * ask for the class and then the effects of one call, and the second
 * question is answered by comparing the bytes, which costs less than
 * hashing them.  The same bytes give the same key, so the answer is the
 * one the cache would give. */
static _Thread_local struct last {
	struct found *f;        /* NULL: none */
	size_t len, cap;
	size_t sl[3];           /* tool, agent, cwd: their lengths, SIZE_MAX for NULL */
	char *input;            /* the arguments, then tool, agent and cwd,
	                         * each with its NUL */
} last;

static bool is_last(const struct event *tool, const char *input, size_t len)
{
	if (!last.f || last.len != len || (len && memcmp(last.input, input, len)))
		return false;
	const char *v[3] = {tool->tool, tool->agent, tool->cwd}, *p = last.input + len;
	for (int i = 0; i < 3; i++) {
		if (!v[i] || last.sl[i] == SIZE_MAX) {
			if (v[i] || last.sl[i] != SIZE_MAX)
				return false;
			continue;
		}
		/* v[i] is p's string when they agree up to p's NUL */
		if (strncmp(v[i], p, last.sl[i] + 1))
			return false;
		p += last.sl[i] + 1;
	}
	return true;
}

/* The bytes of the question into last (its answer not yet there): the
 * arguments, then the tool, agent and cwd given, each with its NUL; their
 * count */
static size_t put_last(const struct event *tool, const char *input, size_t len)
{
	const char *v[3] = {tool->tool, tool->agent, tool->cwd};
	size_t need = len;
	for (int i = 0; i < 3; i++) {
		last.sl[i] = v[i] ? strlen(v[i]) : SIZE_MAX;
		need += v[i] ? last.sl[i] + 1 : 0;
	}
	if (!last.input || need > last.cap) {   /* never NULL: last.input + len */
		last.cap = need * 2 + 16;
		last.input = xrealloc(last.input, last.cap);
	}
	if (len)
		memcpy(last.input, input, len);
	char *p = last.input + len;
	for (int i = 0; i < 3; i++)
		if (v[i]) {
			memcpy(p, v[i], last.sl[i] + 1);
			p += last.sl[i] + 1;
		}
	last.len = len;
	last.f = NULL;
	return need;
}

static struct found *analysed(const struct event *tool, const char *input, size_t len)
{
	if (is_last(tool, input, len)) {
		last.f->tool = tool;
		return last.f;
	}
	/* the key: a hash of the question's bytes as last holds them, with
	 * the arguments' length and which of tool, agent and cwd were given
	 * in the seed (the strings hold no NUL: the bytes and the seed tell
	 * the question) */
	size_t n = put_last(tool, input, len);
	uint64_t k = hash64(last.input, n, 0x3ff ^ (uint64_t)len << 3 ^
		(uint64_t)(tool->tool != NULL) ^ (uint64_t)(tool->agent != NULL) << 1 ^
		(uint64_t)(tool->cwd != NULL) << 2);
	for (int i = 0; i < NCACHE; i++)
		if (cache[i].valid && cache[i].key == k) {
			cache[i].f.tool = tool;
			return last.f = &cache[i].f;
		}
	struct cached *c = &cache[next_slot++ % NCACHE];
	if (c->valid)
		found_free(&c->f);
	find(&c->f, tool, input, len);
	c->valid = true;
	c->key = k;
	return last.f = &c->f;
}

void effects_done(void)
{
	for (int i = 0; i < NCACHE; i++)
		if (cache[i].valid)
			found_free(&cache[i].f);
	memset(cache, 0, sizeof cache);
	free(last.input);
	memset(&last, 0, sizeof last);
}

/* git clone URL, git remote add|set-url NAME URL: the session's remote
 * from now on, for the pushes and fetches that name none. */
static void learn_remote(struct ev_ctx *c, const struct event *e)
{
	int i = 0;
	while (i < e->nargv && strcmp(path_base(e->argv[i]), "git"))
		i++;
	if (i + 1 >= e->nargv)
		return;
	const char *sub = e->argv[i + 1], *url = NULL;
	if (!strcmp(sub, "clone")) {
		for (int j = i + 2; j < e->nargv && !url; j++)
			if (strstr(e->argv[j], "://") || (e->argv[j][0] != '-' && strchr(e->argv[j], ':')))
				url = e->argv[j];
	} else if (!strcmp(sub, "remote") && i + 4 < e->nargv &&
	    (!strcmp(e->argv[i + 2], "add") || !strcmp(e->argv[i + 2], "set-url"))) {
		url = e->argv[e->nargv - 1];
	}
	char host[256];
	if (url && (url_domain(url, host, sizeof host, NULL) || remote_domain(url, host, sizeof host)))
		snprintf(c->git_host, sizeof c->git_host, "%s", host);
}

int effects_tool(struct ev_ctx *c, const struct event *tool, const char *input, size_t len)
{
	struct found f = *analysed(tool, input, len);
	/* the ids "<tool id>#N": the tool's id and '#' written once */
	char small[256];
	struct sbuf id = {0};
	size_t il = tool->id ? strlen(tool->id) : 0;
	char *ib = il + 24 <= sizeof small ? small : (sb_grow(&id, il + 24), id.p);
	memcpy(ib, tool->id ? tool->id : "", il);
	ib[il++] = '#';
	for (int i = 0; i < f.n; i++)
		if (f.e[i].nargv > 2 && !strcmp(f.e[i].effect, "exec"))
			learn_remote(c, &f.e[i]);
	for (int i = 0; i < f.n; i++) {
		struct event *e = &f.e[i];
		/* a git push, pull or fetch without a URL goes to the
		 * session's remote, when the session tells it.  f is a copy
		 * of the cached analysis but f.e is its array: what is
		 * written here stays in the cache.  The domain is put back;
		 * the tool's fields below are written for every effect of
		 * every call before ev_emit reads them, and nothing else
		 * reads them (effects_each's callers read what the analysis
		 * wrote), so the pointers left there, into this call's tool
		 * and id buffer, are never read after it
		 * (tests/unit/effects.c, test_shared). */
		const char *dom = e->domain;
		if (dom && dom[0] == 'g' && !strcmp(dom, "git.invalid") && *ev_git_host(c))
			e->domain = c->git_host;
		e->kind = "effect";
		e->agent = tool->agent;
		e->session = tool->session;
		e->subagent = tool->subagent;
		e->subagent_type = tool->subagent_type;
		e->ts = tool->ts;
		e->prompt = tool->prompt;
		e->status = tool->status;
		e->cwd = tool->cwd;
		e->parent = tool->id;
		char num[24], *q = num + sizeof num;
		unsigned v = (unsigned)i + 1;
		do
			*--q = (char)('0' + v % 10);
		while (v /= 10);
		size_t nl = (size_t)(num + sizeof num - q);
		memcpy(ib + il, q, nl);
		ib[il + nl] = 0;
		e->id = ib;
		ev_emit(c, e);
		e->domain = dom;
	}
	sb_free(&id);
	return f.n;
}

const char *effects_class(const struct event *tool, const char *input, size_t len)
{
	struct found *f = analysed(tool, input, len);
	if (f->classed)         /* a function of the analysis: kept with it */
		return f->class;
	const char *best = NULL;
	int rank = shell_class_rank(NULL);
	for (int i = 0; i < f->n; i++) {
		int r = shell_class_rank(f->e[i].class);
		if (r > rank) {
			best = f->e[i].class;
			rank = r;
		}
	}
	/* the class strings are static: they outlive the arena */
	f->class = best && strcmp(best, "other") ? best : NULL;
	f->classed = true;
	return f->class;
}

void effects_each(const struct event *tool, const char *input, size_t len,
	void (*fn)(void *arg, const struct event *e), void *arg)
{
	const struct found *f = analysed(tool, input, len);
	for (int i = 0; i < f->n; i++)
		fn(arg, &f->e[i]);
}
