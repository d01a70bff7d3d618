/* SPDX-License-Identifier: MIT */
/* stackview.h: agent-event(5) records projected to folded stacks for one
 * view (agent-stack(1) is the reference for the frames of each view).
 *
 * Records may come in any order, sessions interleaved.  What the
 * projection keeps of a session is compact (ids, interned tags and names;
 * for tasks, one small entry per tool; for time and the terminal formats,
 * one time-line item per prompt, model call and tool call); a record that
 * arrives before what it refers to is held as its line until that comes
 * or the input ends. */
#ifndef AP_STACKVIEW_H
#define AP_STACKVIEW_H
#include <stdbool.h>
#include <stdint.h>
#include "event.h"
#include "prices.h"
#include "stack.h"

enum sv_view { SV_TASKS, SV_SYSTEM, SV_TOKENS, SV_COST, SV_TIME, SV_FILES, SV_NETWORK, SV_CONTEXT,
	SV_NVIEWS };

/* What the projection knows of a record, handed to sv_opts.hook for every
 * record but session records (report.c reads the records through it, so
 * that the selectors mean the same everywhere). */
struct sv;
struct sv_rec {
	const char *session, *agent, *project, *session_tag, *prompt_tag;
	bool selected;
	const struct sv *sv;    /* for sv_call_time and sv_session_time */
	int64_t ref;            /* the record's time-line item, -1 none */
};

struct sv_opts {
	enum sv_view view;
	unsigned kinds;         /* tokens, cost: bit (1 << PR_...) per kind */
	int depth;              /* files, system: path components kept */
	int64_t idle_cap;       /* time: ms, 0 for none */
	const char *agent, *session_id, *session_tag, *prompt_tag, *project;
	int64_t since, until;   /* TS_NONE: open */
	bool previews;          /* json: prompt previews in clear (secrets masked) */
	const struct prices *prices;   /* cost, context */
	double ctx_threshold;   /* context: percent of the window, at least */
	bool timeline;          /* lay out time lines whatever the view (latency, report) */
	void (*hook)(void *arg, const struct event *e, const struct sv_rec *r);
	void *hook_arg;
	/* A frame put first in every stack (NULL: none), added to b with
	 * frame_add: the group of record e of the session with this id and
	 * project (agent-stack --format table, periods.c). */
	void (*group)(void *arg, const struct event *e, const char *session, const char *project,
		struct sbuf *b);
	void *group_arg;
};

/* The view called name ("tools" is system), or -1. */
int sv_view_byname(const char *name);
const char *sv_view_name(enum sv_view v);
/* Whether some view has frames "kind:..." (agent-stack(1), VIEWS), and
 * the list of those kinds for a message. */
bool sv_frame_kind(const char *kind);
const char *sv_frame_kinds(void);
/* The unit of the weights: calls, events, tokens, microdollars, ms, ... */
const char *sv_view_unit(enum sv_view v);

struct sv *sv_new(const struct sv_opts *o);
/* The keys of records of this kind that sv_record reads, as evf_need
 * takes them (kind, agent, session, subagent and subagent_type besides),
 * when it reads few: NULL, all of them. */
const char *sv_reads(const struct sv *s, const char *kind);
void sv_record(struct sv *s, const struct event *e);
/* End of input: place the records still held, lay out the time lines,
 * note unpriced models. */
void sv_finish(struct sv *s);
/* Records (other than session records) that passed the selectors. */
uint64_t sv_matched(const struct sv *s);
/* Records that had to be held for what they refer to. */
uint64_t sv_held(const struct sv *s);
/* After sv_finish, with a time line: the session's active time and the
 * parts of it owned by model calls and by tool calls, selected records
 * only, in ms, as the time view weighs them. */
bool sv_session_time(const struct sv *s, const char *id, int64_t *active, int64_t *model,
	int64_t *tools);
/* After sv_finish: the time a call (sv_rec.ref) is charged, its charged
 * interval's length, and the part cut as waiting; false when unknown. */
bool sv_call_time(const struct sv *s, int64_t ref, int64_t *dur, int64_t *wait);
void sv_folded(struct sv *s, struct sbuf *o);
/* The added-up stacks, for the terminal formats (report.h). */
const struct stacks *sv_stacks(const struct sv *s);
void sv_json(struct sv *s, struct sbuf *o);
/* Cost view, after sv_finish: the estimated cost saying what it leaves
 * out (rp_cost_headline), appended to o; false for other views. */
bool sv_cost_headline(struct sv *s, struct sbuf *o);
void sv_free(struct sv *s);
#endif
