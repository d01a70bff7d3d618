/* stackview.h: agent-event(5) records projected to folded stacks for one
 * view (agent-stack(1) is the reference for the frames of each view).
 *
 * Records come session by session: what the projection keeps about a
 * session (prompt tags, tools, the time line) is dropped when the next
 * session begins, so memory grows with the distinct stacks and the number
 * of sessions, not with the input. */
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
struct sv_rec {
	const char *session, *agent, *project, *session_tag, *prompt_tag;
	bool selected;
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
	void (*hook)(void *arg, const struct event *e, const struct sv_rec *r);
	void *hook_arg;
};

struct sv;

/* The view called name ("tools" is system), or -1. */
int sv_view_byname(const char *name);
const char *sv_view_name(enum sv_view v);
/* The unit of the weights: calls, events, tokens, microdollars, ms, ... */
const char *sv_view_unit(enum sv_view v);

struct sv *sv_new(const struct sv_opts *o);
void sv_record(struct sv *s, const struct event *e);
/* End of input: finish the last session, note unpriced models. */
void sv_finish(struct sv *s);
/* Records (other than session records) that passed the selectors. */
uint64_t sv_matched(const struct sv *s);
void sv_folded(struct sv *s, struct sbuf *o);
/* The added-up stacks, for the terminal formats (report.h). */
const struct stacks *sv_stacks(const struct sv *s);
void sv_json(struct sv *s, struct sbuf *o);
void sv_free(struct sv *s);
#endif
