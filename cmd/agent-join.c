/* SPDX-License-Identifier: MIT */
/* agent-join: a transcript's records (agent-events) joined with the live
 * records agent-snoop wrote of the same run, so that every process, file
 * and connection the snoop saw stands under the tool call that caused it.
 *
 * The snoop file is read whole first (one run: its processes and their
 * effects).  The transcript streams: every record is written as it comes,
 * but a tool call's own effects (what agent-events read from the command
 * line or the tool's input), which live effects may replace, are held
 * until the end.  Then each exec the snoop saw is matched to the tool call
 * whose command ran it (agentpprof(7), "Joining a live run"), the process
 * tree carries the match down, and the snoop's records are written, joined
 * or as they were. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "event.h"
#include "json.h"
#include "lineio.h"
#include "paths.h"
#include "snoop/callmatch.h"

static const char usage[] =
	"usage: agent-join [--slack seconds] snoop-file [file ...]\n"
	"       agent-join -h | -V\n";

static const char help[] =
	"Join agent-events records (the files, or standard input) with the\n"
	"agent-snoop records of the same run (snoop-file): live processes, files\n"
	"and connections are written under the tool call that caused them.\n"
	"\n"
	"      --slack SECONDS       a process may start this long before or after its\n"
	"                            tool call's time span (2)\n"
	"  -h, --help                print this help and exit\n"
	"  -V, --version             print the version and exit\n";

static const struct cli cli = {usage, help};

enum { UNSET = CM_UNSET, UNRESOLVED = CM_UNRESOLVED };

/* A tool call of the transcript. */
struct tcall {
	char *session, *agent, *id, *prompt, *subagent, *subagent_type, *cwd;
	int64_t ts, end;        /* its time span; TS_NONE unknown */
	bool shell;             /* tool_kind shell: its effects are predictions */
	size_t live;            /* live records joined to it */
};

/* A command the transcript says a tool call ran, or a path it touched. */
struct want {
	size_t call;
	char **argv;            /* exec: the words; NULL: a path */
	int nargv;
	char *path;
	struct want *next;      /* the next with the same key */
};

/* A record of the snoop file. */
struct srec {
	char *line;
	size_t len;
	bool effect, exec, file;
	int64_t pid, ppid, ts, end;
	char **argv;
	int nargv;
	char *path, *cwd;
	int64_t call;           /* the tool call it joins, UNSET or UNRESOLVED */
};

/* A process of the snoop: its exec records and place in the tree. */
struct proc {
	int64_t pid, ppid;
	int64_t call;           /* from its own execs: UNSET, UNRESOLVED or a call */
	int64_t parent;         /* index of its parent process, -1 a root */
	int depth;              /* 0: a root (the agent), -1 not known yet */
	int64_t first;          /* its first start */
};

static struct {
	struct srec *r;
	size_t nr, capr;
	struct proc *p;
	size_t np, capp;
	struct hmap pidx;       /* pid -> proc */
	int64_t t0, t1;         /* the run's span */
	struct tcall *c;
	size_t nc, capc;
	struct hmap cidx;       /* (session, id) -> call */
	struct hmap widx;       /* key -> first want */
	struct want **all;      /* every want, for freeing */
	size_t nall, capall;
	char **held;            /* the calls' own effects: lines */
	size_t *heldlen;
	int64_t *heldcall;
	size_t nheld, capheld, capheldlen, capheldcall;
	int64_t slack;
} J;

static char *dup0(const char *s) { return s ? xstrdup(s) : NULL; }

static char **dupv(const char *const *v, int n)
{
	char **o = xcalloc((size_t)(n ? n : 1), sizeof *o);
	for (int i = 0; i < n; i++)
		o[i] = xstrdup(v[i] ? v[i] : "");
	return o;
}

static void freev(char **v, int n)
{
	for (int i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

static uint64_t callkey(const char *session, const char *id)
{
	return hash64(id, strlen(id), hash64(session ? session : "", session ? strlen(session) : 0, 7));
}

/* A command is keyed by its program's file name, a path by itself. */
static uint64_t execkey(const char *argv0)
{
	const char *b = path_base(argv0);
	return hash64(b, strlen(b), 0xe8ec);
}

static uint64_t pathkey(const char *path)
{
	return hash64(path, strlen(path), 0xfa7);
}

static void want_add(uint64_t key, struct want *w)
{
	bool isnew;
	int64_t *v = hm_put(&J.widx, key, &isnew);
	w->next = isnew ? NULL : (struct want *)(intptr_t)*v;
	*v = (int64_t)(intptr_t)w;
}

/* --- the snoop file ------------------------------------------------------ */

static bool is_file_effect(const char *ef)
{
	return ef && (!strcmp(ef, "read") || !strcmp(ef, "write") || !strcmp(ef, "delete") ||
		!strcmp(ef, "rename"));
}

static int64_t proc_of(int64_t pid)
{
	int64_t *v = hm_get(&J.pidx, (uint64_t)pid * 0x9e3779b97f4a7c15u + 1);
	return v ? *v : -1;
}

static int64_t proc_add(int64_t pid, int64_t ppid, int64_t ts)
{
	bool isnew;
	int64_t *v = hm_put(&J.pidx, (uint64_t)pid * 0x9e3779b97f4a7c15u + 1, &isnew);
	if (isnew) {
		GROW(J.p, J.np, J.capp);
		J.p[J.np] = (struct proc){pid, ppid, UNSET, -1, -1, ts};
		*v = (int64_t)J.np++;
	} else {
		struct proc *p = &J.p[*v];
		if (p->ppid == EV_NONE)
			p->ppid = ppid;
		if (ts != TS_NONE && (p->first == TS_NONE || ts < p->first))
			p->first = ts;
	}
	return *v;
}

static void read_snoop(const char *path)
{
	struct lreader r;
	struct jdoc d = {0};
	struct event e;
	const char *why;
	char *line;
	size_t len;
	if (lr_open(&r, path) < 0)
		exit(2);   /* reported */
	J.t0 = J.t1 = TS_NONE;
	while (lr_next_nonblank(&r, &line, &len)) {
		if (jparse(&d, line, len) < 0) {
			lr_warn(&r, "json", "not JSON (%s at byte %zu); line skipped", d.err, d.errpos);
			continue;
		}
		if (ev_read(&d, &e, &why) < 0) {
			lr_warn(&r, "record", "not an agent-event(5) record: %s; line skipped", why);
			continue;
		}
		GROW(J.r, J.nr, J.capr);
		struct srec *s = &J.r[J.nr++];
		memset(s, 0, sizeof *s);
		s->line = xstrndup(line, len);
		s->len = len;
		s->call = UNSET;
		s->pid = e.pid, s->ppid = e.ppid, s->ts = e.ts;
		s->end = e.ts != TS_NONE && e.duration_ms != EV_NONE ? e.ts + e.duration_ms : e.ts;
		s->effect = !strcmp(e.kind, "effect") && e.pid != EV_NONE;
		if (!s->effect)
			continue;
		if (e.agent && strcmp(e.agent, "snoop"))
			lr_warn(&r, "agent", "a record of agent %s, not of agent-snoop: is %s the "
				"snoop file?", e.agent, path);
		s->exec = e.effect && !strcmp(e.effect, "exec");
		s->file = is_file_effect(e.effect);
		if (s->exec && e.nargv) {
			s->argv = dupv(e.argv, e.nargv);
			s->nargv = e.nargv;
		}
		s->path = dup0(e.path);
		s->cwd = dup0(e.cwd);
		if (e.ts != TS_NONE) {
			if (J.t0 == TS_NONE || e.ts < J.t0)
				J.t0 = e.ts;
			if (J.t1 == TS_NONE || s->end > J.t1)
				J.t1 = s->end;
		}
		proc_add(e.pid, e.ppid, s->exec ? e.ts : TS_NONE);
	}
	lr_close(&r);
	jdoc_free(&d);
	/* the tree: a process whose parent was never seen is a root */
	for (size_t i = 0; i < J.np; i++)
		J.p[i].parent = J.p[i].ppid == EV_NONE ? -1 : proc_of(J.p[i].ppid);
	for (size_t i = 0; i < J.np; i++) {
		int n = 0;
		for (int64_t q = (int64_t)i; J.p[q].parent >= 0 && n < 4096; q = J.p[q].parent)
			n++;
		J.p[i].depth = n;
	}
}

/* --- the transcript ---------------------------------------------------------- */

static int64_t call_of(const char *session, const char *id)
{
	int64_t *v = id ? hm_get(&J.cidx, callkey(session, id)) : NULL;
	return v ? *v : -1;
}

static void on_tool(const struct event *e)
{
	if (!e->id)
		return;
	bool isnew;
	int64_t *v = hm_put(&J.cidx, callkey(e->session, e->id), &isnew);
	if (!isnew)
		return;   /* a repeated tool call keeps its first record */
	GROW(J.c, J.nc, J.capc);
	struct tcall *c = &J.c[J.nc];
	memset(c, 0, sizeof *c);
	c->session = dup0(e->session), c->agent = dup0(e->agent), c->id = dup0(e->id);
	c->prompt = dup0(e->prompt), c->subagent = dup0(e->subagent);
	c->subagent_type = dup0(e->subagent_type), c->cwd = dup0(e->cwd);
	c->ts = e->ts;
	c->end = e->ts != TS_NONE && e->duration_ms != EV_NONE ? e->ts + e->duration_ms : TS_NONE;
	c->shell = e->tool_kind && !strcmp(e->tool_kind, "shell");
	*v = (int64_t)J.nc++;
}

/* An effect of a tool call: what it wants to see live, and held. */
static bool on_effect(const struct event *e, const char *line, size_t len)
{
	int64_t ci = call_of(e->session, e->parent);
	if (ci < 0 || (e->agent && !strcmp(e->agent, "snoop")))
		return false;
	struct want *w = xcalloc(1, sizeof *w);
	w->call = (size_t)ci;
	if (e->effect && !strcmp(e->effect, "exec") && e->nargv) {
		w->argv = dupv(e->argv, e->nargv);
		w->nargv = e->nargv;
		want_add(execkey(e->argv[0]), w);
	} else if (is_file_effect(e->effect) && e->path) {
		w->path = xstrdup(e->path);
		want_add(pathkey(e->path), w);
	} else {
		free(w);
		w = NULL;
	}
	if (w) {   /* kept for freeing: the chains are per key */
		GROW(J.all, J.nall, J.capall);
		J.all[J.nall++] = w;
	}
	GROW(J.held, J.nheld, J.capheld);
	GROW(J.heldlen, J.nheld, J.capheldlen);
	GROW(J.heldcall, J.nheld, J.capheldcall);
	J.held[J.nheld] = xstrndup(line, len);
	J.heldlen[J.nheld] = len;
	J.heldcall[J.nheld++] = ci;
	return true;
}

static void read_transcript(const char *path)
{
	struct lreader r;
	struct jdoc d = {0};
	struct event e;
	const char *why;
	char *line;
	size_t len;
	if (lr_open(&r, path) < 0)
		return;   /* reported and counted */
	while (lr_next_nonblank(&r, &line, &len)) {
		if (jparse(&d, line, len) < 0) {
			lr_warn(&r, "json", "not JSON (%s at byte %zu); line skipped", d.err, d.errpos);
			continue;
		}
		if (ev_read(&d, &e, &why) < 0) {
			lr_warn(&r, "record", "not an agent-event(5) record: %s; line skipped", why);
			continue;
		}
		if (!strcmp(e.kind, "tool"))
			on_tool(&e);
		else if (!strcmp(e.kind, "effect") && on_effect(&e, line, len))
			continue;
		sb_add(&stdout_sb, line, len);
		sb_addc(&stdout_sb, '\n');
		if (stdout_sb.len > 1 << 16)
			out_flush();
	}
	lr_close(&r);
	jdoc_free(&d);
}

/* --- matching ------------------------------------------------------------------ */

/* Does a process started at ts fall in call c's span, give or take the
 * slack?  A call with no known end spans up to the next start of a call
 * of its session... which is not known here: up to its start plus the
 * snoop run's length. */
static bool in_span(const struct tcall *c, int64_t ts)
{
	if (c->ts == TS_NONE || ts == TS_NONE)
		return false;
	int64_t end = c->end != TS_NONE ? c->end : J.t1;
	return ts >= c->ts - J.slack && ts <= end + J.slack;
}

static void match_exec(struct srec *s)
{
	int64_t *v = hm_get(&J.widx, execkey(s->argv[0]));
	struct cm_cand k;
	cm_init(&k);
	for (struct want *w = v ? (struct want *)(intptr_t)*v : NULL; w; w = w->next) {
		const struct tcall *c = &J.c[w->call];
		if (!w->argv || !in_span(c, s->ts) || !cm_same_argv((const char *const *)s->argv,
		    s->nargv, (const char *const *)w->argv, w->nargv))
			continue;
		cm_add(&k, (int64_t)w->call, s->cwd && c->cwd && !strcmp(s->cwd, c->cwd));
	}
	s->call = cm_pick(&k);
}

/* A file the agent's own process touched (its Read, Write and Edit
 * tools): the call that names that path, in whose span it falls. */
static void match_file(struct srec *s)
{
	int64_t *v = hm_get(&J.widx, pathkey(s->path));
	struct cm_cand k;
	cm_init(&k);
	for (struct want *w = v ? (struct want *)(intptr_t)*v : NULL; w; w = w->next)
		if (w->path && !strcmp(w->path, s->path) && in_span(&J.c[w->call], s->ts))
			cm_add(&k, (int64_t)w->call, false);
	s->call = cm_pick(&k);
}

/* The call of process i: its own execs' when they matched one, else its
 * parent's (a child of a matched command is part of it); a process below
 * the agent whose subtree matched exactly one call (the shell that ran a
 * command) takes that call. */
static int64_t proc_call(size_t i, int guard)
{
	struct proc *p = &J.p[i];
	if (p->call != UNSET || guard > 4096)
		return p->call;
	if (p->parent >= 0 && J.p[p->parent].depth > 0)
		return proc_call((size_t)p->parent, guard + 1);
	return UNSET;
}

static void join(void)
{
	/* 1. each exec on its own */
	for (size_t i = 0; i < J.nr; i++) {
		struct srec *s = &J.r[i];
		if (!s->exec || !s->nargv)
			continue;
		match_exec(s);
		int64_t pi = proc_of(s->pid);
		if (pi < 0 || s->call == UNSET || J.p[pi].depth == 0)
			continue;
		struct proc *p = &J.p[pi];
		if (p->call == UNSET || p->call == s->call)
			p->call = s->call;
		else
			p->call = UNRESOLVED;   /* one process, two calls' commands */
	}
	/* 2. a shell below the agent that ran matched commands of exactly one
	 * call is that call's */
	int64_t *sub = xcalloc(J.np ? J.np : 1, sizeof *sub);
	for (size_t i = 0; i < J.np; i++)
		sub[i] = UNSET;
	for (size_t i = 0; i < J.np; i++) {
		int64_t c = J.p[i].call;
		if (c == UNSET)
			continue;
		for (int64_t q = J.p[i].parent, d = 0; q >= 0 && J.p[q].depth > 0 && d < 4096;
		     q = J.p[q].parent, d++) {
			if (sub[q] == UNSET)
				sub[q] = c;
			else if (sub[q] != c)
				sub[q] = UNRESOLVED;
		}
	}
	for (size_t i = 0; i < J.np; i++)
		if (J.p[i].call == UNSET && sub[i] != UNSET)
			J.p[i].call = sub[i];
	free(sub);
	/* 3. every record: its process's call; the agent's own file work by path */
	for (size_t i = 0; i < J.nr; i++) {
		struct srec *s = &J.r[i];
		if (!s->effect)
			continue;
		int64_t pi = proc_of(s->pid);
		if (pi >= 0 && J.p[pi].depth > 0) {
			/* by lineage, whenever it happened: a server a command
			 * started in the background is still that command's */
			int64_t c = proc_call((size_t)pi, 0);
			if (s->call == UNSET || s->call == UNRESOLVED || !s->exec)
				s->call = c;
		} else if (pi >= 0 && s->file && s->path) {
			match_file(s);
		}
	}
}

/* --- writing ------------------------------------------------------------------- */

static void write_joined(struct srec *s, struct jdoc *d)
{
	struct event e;
	const char *why;
	if (jparse(d, s->line, s->len) < 0 || ev_read(d, &e, &why) < 0)
		return;
	const struct tcall *c = &J.c[s->call];
	e.session = c->session, e.agent = c->agent, e.parent = c->id, e.prompt = c->prompt;
	e.subagent = c->subagent, e.subagent_type = c->subagent_type;
	/* the agent itself heads every chain of processes: its tool is there */
	if (e.nprocess > 1)
		e.process++, e.nprocess--;
	ev_write(&stdout_sb, &e, 0);
}

int main(int argc, char **argv)
{
	enum { O_SLACK = 256 };
	static const struct option opts[] = {
		{"slack", required_argument, NULL, O_SLACK},
		CLI_LONGOPTS
	};
	int ch;
	J.slack = 2000;
	diag_init(argv[0]);
	while ((ch = getopt_long(argc, argv, CLI_SHORTOPTS, opts, NULL)) != -1) {
		switch (ch) {
		case O_SLACK:
			J.slack = (int64_t)(cli_f64("--slack", "a number of seconds", optarg, 0,
				86400) * 1000);
			break;
		default: cli_default(&cli, ch);
		}
	}
	if (optind >= argc)
		cli_usage_error(&cli, "no snoop file: give agent-snoop's records of the run");
	read_snoop(argv[optind]);
	struct operands ops;
	operands_init(&ops, argc - optind - 1, argv + optind + 1);
	for (int i = 0; i < ops.n; i++)
		read_transcript(ops.v[i]);
	join();

	/* a call with live records has them instead of what agent-events read
	 * from its command line; other calls keep theirs */
	size_t joined = 0, unresolved = 0, own = 0, effects = 0, calls = 0;
	for (size_t i = 0; i < J.nr; i++) {
		struct srec *s = &J.r[i];
		if (!s->effect)
			continue;
		effects++;
		if (s->call >= 0) {
			if (!J.c[s->call].live++)
				calls++;
			joined++;
		} else if (s->call == UNRESOLVED) {
			unresolved++;
		} else {
			own++;
		}
	}
	for (size_t i = 0; i < J.nheld; i++) {
		if (!J.c[J.heldcall[i]].live) {
			sb_add(&stdout_sb, J.held[i], J.heldlen[i]);
			sb_addc(&stdout_sb, '\n');
		}
		free(J.held[i]);
	}
	struct jdoc d = {0};
	for (size_t i = 0; i < J.nr; i++) {
		struct srec *s = &J.r[i];
		if (s->call >= 0) {
			write_joined(s, &d);
		} else {
			sb_add(&stdout_sb, s->line, s->len);
			sb_addc(&stdout_sb, '\n');
		}
		if (stdout_sb.len > 1 << 16)
			out_flush();
	}
	out_flush();
	jdoc_free(&d);
	diag_warn("%zu of %zu live effects joined to %zu tool calls; %zu unresolved (no one "
		"call ran them), %zu outside any tool call (the agent's own)", joined, effects,
		calls, unresolved, own);

	for (size_t i = 0; i < J.nr; i++) {
		free(J.r[i].line);
		freev(J.r[i].argv, J.r[i].nargv);
		free(J.r[i].path);
		free(J.r[i].cwd);
	}
	for (size_t i = 0; i < J.nc; i++) {
		struct tcall *c = &J.c[i];
		free(c->session), free(c->agent), free(c->id), free(c->prompt);
		free(c->subagent), free(c->subagent_type), free(c->cwd);
	}
	for (size_t i = 0; i < J.nall; i++) {
		freev(J.all[i]->argv, J.all[i]->nargv);
		free(J.all[i]->path);
		free(J.all[i]);
	}
	free(J.all);
	free(J.r), free(J.p), free(J.c), free(J.held), free(J.heldlen), free(J.heldcall);
	hm_free(&J.pidx), hm_free(&J.cidx), hm_free(&J.widx);
	operands_free(&ops);
	return diag_errors ? 1 : 0;
}
