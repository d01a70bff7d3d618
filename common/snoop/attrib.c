/* SPDX-License-Identifier: MIT */
/* attrib.c: the tool calls open per agent process, and which one an
 * effect served (attrib.h). */
#include <stdlib.h>
#include <string.h>
#include "event.h"
#include "json.h"
#include "paths.h"
#include "agents/events.h"
#include "snoop/attrib.h"
#include "snoop/callmatch.h"

/* A tool call open: asked for, its result not sent back yet. */
struct ocall {
	char *id, *name, *prompt;
	bool noid;
	char *line;             /* the command line of a shell tool, or NULL */
	char *dir;              /* the directory its arguments name, or NULL */
	char **exec[ATTR_FX_MAX];   /* the commands its line runs (NULL-ended argv) */
	int nexec;
	char *path[ATTR_FX_MAX];    /* the paths its arguments or commands touch */
	int npath;
};

struct aproc {
	uint32_t pid;
	struct ocall c[ATTR_OPEN_MAX];
	int n;
};

struct attr {
	struct aproc *ag;
	size_t nag, capag;
	const char *cands[ATTR_OPEN_MAX];
	struct jdoc d;
};

struct attr *attr_new(void)
{
	return xcalloc(1, sizeof(struct attr));
}

static void ocall_free(struct ocall *c)
{
	free(c->id), free(c->name), free(c->prompt), free(c->line), free(c->dir);
	for (int i = 0; i < c->nexec; i++) {
		for (char **w = c->exec[i]; *w; w++)
			free(*w);
		free(c->exec[i]);
	}
	for (int i = 0; i < c->npath; i++)
		free(c->path[i]);
	memset(c, 0, sizeof *c);
}

static void agent_clear(struct aproc *g)
{
	for (int i = 0; i < g->n; i++)
		ocall_free(&g->c[i]);
	g->n = 0;
}

void attr_free(struct attr *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->nag; i++)
		agent_clear(&a->ag[i]);
	free(a->ag);
	jdoc_free(&a->d);
	free(a);
	effects_done();   /* the analyses effects_each kept */
}

static struct aproc *agent_of(const struct attr *a, uint32_t pid)
{
	for (size_t i = 0; i < a->nag; i++)
		if (a->ag[i].pid == pid)
			return &a->ag[i];
	return NULL;
}

bool attr_agent(const struct attr *a, uint32_t pid) { return agent_of(a, pid) != NULL; }
bool attr_any(const struct attr *a) { return a->nag > 0; }

void attr_exit(struct attr *a, uint32_t pid)
{
	struct aproc *g = agent_of(a, pid);
	if (!g)
		return;
	agent_clear(g);
	*g = a->ag[--a->nag];
}

/* --- what a call's arguments foretell ------------------------------------- */

static void foretold(void *arg, const struct event *e)
{
	struct ocall *c = arg;
	if (!strcmp(e->effect, "exec") && e->nargv && c->nexec < ATTR_FX_MAX) {
		char **v = xcalloc((size_t)e->nargv + 1, sizeof *v);
		for (int i = 0; i < e->nargv; i++)
			v[i] = xstrdup(e->argv[i] ? e->argv[i] : "");
		c->exec[c->nexec++] = v;
	}
	const char *p[2] = {e->path, e->to};
	for (int i = 0; i < 2; i++)
		if (p[i] && *p[i] && c->npath < ATTR_FX_MAX)
			c->path[c->npath++] = xstrdup(p[i]);
}

/* The command line and the directory of a shell tool's arguments (an
 * object, or a JSON string holding one). */
static void line_of(struct attr *a, struct ocall *c, const char *in, size_t n, const char *cwd)
{
	struct jdoc *d = &a->d;
	if (!in || jparse(d, in, n) < 0)
		return;
	const struct jnode *o = jroot(d);
	char *copy = NULL;   /* the text the nodes point into: kept to the end */
	if (o && o->type == J_STR) {
		size_t k;
		const char *s = jsn(d, o, &k);
		copy = xstrndup(s, k);
		o = jparse(d, copy, k) == 0 ? jroot(d) : NULL;
	}
	if (!o || o->type != J_OBJ) {
		free(copy);
		return;
	}
	const struct jnode *cmd = jget(d, o, "command");
	if (!cmd)
		cmd = jget(d, o, "cmd");
	if (!cmd)
		cmd = jgetv(d, o, "action", "command", NULL);
	if (cmd && cmd->type == J_STR) {
		c->line = xstrdup(js(d, cmd));
	} else if (cmd && cmd->type == J_ARR && cmd->len >= 3) {
		/* ["bash", "-lc", LINE]: the line is the last word */
		const struct jnode *last = NULL;
		JFOR(d, cmd, w)
			last = w;
		if (last && last->type == J_STR)
			c->line = xstrdup(js(d, last));
	}
	static const char *const dirkeys[] = {"workdir", "cwd", "directory", "working_directory",
		NULL};
	for (int i = 0; dirkeys[i] && !c->dir; i++) {
		const char *s = js(d, jget(d, o, dirkeys[i]));
		struct sbuf b = {0};
		if (s && *s && path_norm(&b, s, cwd) && b.p && b.p[0] == '/')
			c->dir = xstrdup(b.p);
		sb_free(&b);
	}
	free(copy);
}

void attr_calls(struct attr *a, uint32_t pid, const char *cwd, const char *prompt,
	const struct tls_call *v, int n)
{
	struct aproc *g = agent_of(a, pid);
	if (!g) {
		GROW(a->ag, a->nag, a->capag);
		g = &a->ag[a->nag++];
		memset(g, 0, sizeof *g);
		g->pid = pid;
	}
	for (int i = 0; i < n; i++) {
		bool dup = false;
		for (int j = 0; j < g->n && !dup; j++)
			dup = !strcmp(g->c[j].id, v[i].id);
		if (dup)   /* the same response read again (a retry) */
			continue;
		if (g->n == ATTR_OPEN_MAX) {   /* never answered: the oldest goes */
			ocall_free(&g->c[0]);
			memmove(g->c, g->c + 1, (ATTR_OPEN_MAX - 1) * sizeof *g->c);
			g->n--;
		}
		struct ocall *c = &g->c[g->n++];
		memset(c, 0, sizeof *c);
		c->id = xstrdup(v[i].id);
		c->name = xstrdup(v[i].name);
		c->prompt = prompt ? xstrdup(prompt) : NULL;
		c->noid = v[i].noid;
		if (!v[i].input)
			continue;
		struct event tool;
		ev_init(&tool);
		tool.kind = "tool";
		tool.agent = v[i].agent;
		tool.tool = v[i].name;
		tool.cwd = cwd;
		effects_each(&tool, v[i].input, v[i].input_len, foretold, c);
		if (!strcmp(v[i].kind, "shell"))
			line_of(a, c, v[i].input, v[i].input_len, cwd);
	}
}

static void close_call(struct aproc *g, int i)
{
	ocall_free(&g->c[i]);
	memmove(g->c + i, g->c + i + 1, (size_t)(g->n - i - 1) * sizeof *g->c);
	g->n--;
}

void attr_results(struct attr *a, uint32_t pid, const struct tls_result *v, int n)
{
	struct aproc *g = agent_of(a, pid);
	if (!g)
		return;
	for (int i = 0; i < n; i++) {
		int hit = -1;
		for (int j = 0; j < g->n && hit < 0; j++)
			if (v[i].id && !strcmp(g->c[j].id, v[i].id))
				hit = j;
		/* no id: the oldest open call of that name (Gemini) */
		for (int j = 0; j < g->n && hit < 0 && !v[i].id; j++)
			if (g->c[j].noid && v[i].name && !strcmp(g->c[j].name, v[i].name))
				hit = j;
		if (hit >= 0)
			close_call(g, hit);
	}
}

/* --- picking ------------------------------------------------------------------ */

static void pick_call(struct attr_pick *out, const struct ocall *c)
{
	out->call = c->id;
	out->prompt = c->prompt;
	out->cands = NULL;
	out->ncands = 0;
}

/* Unresolved among the calls of g flagged in m (all when m is NULL). */
static void pick_unresolved(struct attr *a, struct attr_pick *out, const struct aproc *g,
	const bool *m)
{
	out->call = NULL;
	out->prompt = NULL;
	out->ncands = 0;
	bool same = true;
	for (int i = 0; i < g->n; i++) {
		if (m && !m[i])
			continue;
		const struct ocall *c = &g->c[i];
		if (!out->ncands)
			out->prompt = c->prompt;
		else if (!c->prompt || !out->prompt || strcmp(c->prompt, out->prompt))
			same = false;
		a->cands[out->ncands++] = c->id;
	}
	if (!same)
		out->prompt = NULL;
	out->cands = a->cands;
}

static void pick_none(struct attr_pick *out)
{
	memset(out, 0, sizeof *out);
}

/* The candidates of k: one call, or unresolved among those flagged. */
static bool decide(struct attr *a, struct attr_pick *out, const struct aproc *g,
	const struct cm_cand *k, const bool *m)
{
	int64_t c = cm_pick(k);
	if (c >= 0)
		pick_call(out, &g->c[c]);
	else if (c == CM_UNRESOLVED)
		pick_unresolved(a, out, g, m);
	return c != CM_UNSET;
}

void attr_exec(struct attr *a, uint32_t agent, const char *const *argv, int n, const char *cwd,
	struct attr_pick *out)
{
	struct aproc *g = agent_of(a, agent);
	pick_none(out);
	if (!g || !g->n || !n)
		return;
	struct cm_cand k;
	cm_init(&k);
	bool m[ATTR_OPEN_MAX] = {0};
	for (int i = 0; i < g->n; i++) {
		const struct ocall *c = &g->c[i];
		bool hit = cm_runs_line(argv, n, c->line);
		for (int j = 0; j < c->nexec && !hit; j++) {
			int nw = 0;
			while (c->exec[j][nw])
				nw++;
			hit = cm_same_argv(argv, n, (const char *const *)c->exec[j], nw);
		}
		if (hit) {
			m[i] = true;
			cm_add(&k, i, cwd && c->dir && !strcmp(cwd, c->dir));
		}
	}
	if (decide(a, out, g, &k, m))
		return;
	if (g->n == 1)
		pick_call(out, &g->c[0]);
	else
		pick_unresolved(a, out, g, NULL);
}

void attr_effect(struct attr *a, uint32_t agent, const char *path, bool own,
	struct attr_pick *out)
{
	struct aproc *g = agent_of(a, agent);
	pick_none(out);
	if (!g || !g->n)
		return;
	struct cm_cand k;
	cm_init(&k);
	bool m[ATTR_OPEN_MAX] = {0};
	for (int i = 0; path && i < g->n; i++)
		for (int j = 0; j < g->c[i].npath && !m[i]; j++)
			if (!strcmp(g->c[i].path[j], path)) {
				m[i] = true;
				cm_add(&k, i, false);
			}
	if (decide(a, out, g, &k, m) || own)
		return;
	if (g->n == 1)
		pick_call(out, &g->c[0]);
	else
		pick_unresolved(a, out, g, NULL);
}
