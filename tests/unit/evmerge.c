/* SPDX-License-Identifier: MIT */
/* Unit tests of ev_ctx_merge (common/agents/events.c), agent-events -j's
 * fold of a file read ahead into the run's context: whatever the sizes of
 * the two contexts' tables (a file's few keys into the run's many, many
 * into none), the run's then answers as if the file had been read in
 * order: its seen sets, marks, links and model calls (an update record
 * of a merged call carries the keys its first sight was written with).
 * A key the file looked for and the run has refuses the merge and leaves
 * the run as it was. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "event.h"
#include "agents/events.h"
#include "tap.h"

static char *id(const char *p, int i)
{
	static char b[4][64];
	static int k;
	k = (k + 1) % 4;
	snprintf(b[k], sizeof b[k], "%s-%d", p, i);
	return b[k];
}

/* run: nr keys of each kind; file (read ahead): nf others */
static void fill(struct ev_ctx *c, const char *p, int n)
{
	for (int i = 0; i < n; i++) {
		ev_seen(&c->seen_tool, id(p, i), NULL);
		ev_seen(&c->seen_call, "s", id(p, i));
		if (i % 3 == 0)
			ev_seen(&c->seen_msg, id(p, i), NULL);
		if (i % 5 == 0)
			ev_seen(&c->seen_prompt, id(p, i), NULL);
		ev_mark_put(c, (uint64_t)i * 0x9e3779b97f4a7c15ULL + (uint64_t)(unsigned char)p[0]);
		if (i % 7 == 0)
			ev_link_put(c, id(p, i), id("v", i));
	}
}

static void call(struct ev_ctx *c, const char *p, int i, int64_t out)
{
	struct event e;
	ev_init(&e);
	e.kind = "llm";
	e.agent = "claude";
	e.session = p;
	e.id = id(p, i);
	e.model = "m";
	e.has_tokens = true;
	e.tokens.output = out;
	if (!ev_call_known(c, e.id, "r"))
		ev_call_first(c, e.id, "r", &e);
	sb_reset(&stdout_sb);   /* the records written: not this test's */
}

/* Does c hold what fill(p, n) and call(p, 0..n/4) left? */
static int holds(struct ev_ctx *c, const char *p, int n)
{
	int bad = 0;
	for (int i = 0; i < n; i++) {
		bad += !ev_seen(&c->seen_tool, id(p, i), NULL);
		bad += !ev_seen(&c->seen_call, "s", id(p, i));
		bad += i % 3 == 0 && !ev_seen(&c->seen_msg, id(p, i), NULL);
		bad += i % 5 == 0 && !ev_seen(&c->seen_prompt, id(p, i), NULL);
		bad += !ev_mark_has(c, (uint64_t)i * 0x9e3779b97f4a7c15ULL + (uint64_t)(unsigned char)p[0]);
		const char *v = i % 7 == 0 ? ev_link_get(c, id(p, i)) : "";
		bad += !v || (i % 7 == 0 && strcmp(v, id("v", i)));
		bad += i < n / 4 && !ev_call_known(c, id(p, i), "r");
	}
	return bad;
}

static size_t total(const struct ev_ctx *c)
{
	return c->seen_tool.n + c->seen_call.n + c->seen_msg.n + c->seen_prompt.n + c->marks.n +
		c->link.n + c->calls.n + c->ncalls;
}

/* A run of nr keys a kind and a file of nf, merged. */
static void merge_case(int nr, int nf, const char *what)
{
	struct ev_ctx run, f;
	ev_ctx_init(&run);
	fill(&run, "r", nr);
	for (int i = 0; i < nr / 4; i++)
		call(&run, "r", i, 10);
	ev_ctx_init(&f);
	ev_ctx_spec(&f);
	fill(&f, "f", nf);
	for (int i = 0; i < nf / 4; i++)
		call(&f, "f", i, 10);
	ev_ctx_spec(NULL);
	size_t before = total(&run);
	ok(ev_ctx_merge(&run, &f), "%s: merged", what);
	is_int(total(&run), before + total(&f), "%s: every key of the file in the run's tables", what);
	is_int(holds(&run, "r", nr) + holds(&run, "f", nf), 0, "%s: the run's keys and the file's found", what);
	/* a merged call's update: the keys of its first sight */
	if (nf >= 4) {
		sb_reset(&stdout_sb);
		struct tokens t = {.output = 25};
		ev_call_copy(&run, id("f", 0), "r", &t);
		ok(strstr(stdout_sb.p, "\"update\":true") && strstr(stdout_sb.p, "\"id\":\"f-0\"") &&
			strstr(stdout_sb.p, "\"session\":\"f\"") && strstr(stdout_sb.p, "\"output\":15"),
			"%s: a merged call's update has its keys and adds 15 tokens", what);
	}
	sb_reset(&stdout_sb);
	ev_ctx_free(&f);
	ev_ctx_free(&run);
}

/* The file looked for a key the run has: no merge, the run unchanged. */
static void refuse_case(int nr, int nf, int kind)
{
	static const char *kinds[] = {"tool id", "model call", "mark", "link"};
	struct ev_ctx run, f;
	ev_ctx_init(&run);
	fill(&run, "r", nr);
	ev_ctx_init(&f);
	ev_ctx_spec(&f);
	fill(&f, "f", nf);
	switch (kind) {
	case 0: ev_seen(&f.seen_tool, id("r", nr - 1), NULL); break;
	case 1: ev_call_known(&f, id("r", 0), "r"); break;
	case 2: ev_mark_has(&f, (uint64_t)(nr - 1) * 0x9e3779b97f4a7c15ULL + 'r'); break;
	default: ev_link_get(&f, id("r", 0)); break;
	}
	ev_ctx_spec(NULL);
	if (kind == 1)
		call(&run, "r", 0, 10);
	size_t before = total(&run);
	ok(!ev_ctx_merge(&run, &f) && total(&run) == before && !ev_mark_has(&run, 'f'),
		"the run has a %s the file (%d keys, run %d) looked for: refused, the run unchanged",
		kinds[kind], nf, nr);
	sb_reset(&stdout_sb);
	ev_ctx_free(&f);
	ev_ctx_free(&run);
}

int main(void)
{
	merge_case(0, 0, "empty into empty");
	merge_case(0, 40, "a file into an empty run");
	merge_case(20000, 40, "40 keys into 20,000");
	merge_case(40, 20000, "20,000 keys into 40");
	merge_case(36, 12, "at the growth of the run's tables");
	merge_case(5000, 5000, "equal sizes");
	for (int k = 0; k < 4; k++) {
		refuse_case(3000, 30, k);
		refuse_case(30, 3000, k);
	}
	return tap_done();
}
