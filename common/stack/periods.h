/* SPDX-License-Identifier: MIT */
/* periods.h: agent-stack --format table (agent-stack(1) is the reference):
 * tokens by kind, cost, model and tool calls and active time per day,
 * week or month, or per session, model, project or agent.
 *
 * The numbers come from the tokens, cost, tasks and time views run side by
 * side over the same records, each stack headed by a frame that names the
 * record's group (stackview.h, sv_opts.group): so the totals are those
 * views' totals exactly, and a row is the part of them its group owns. */
#ifndef AP_PERIODS_H
#define AP_PERIODS_H
#include <stdbool.h>
#include <stdint.h>
#include "stackview.h"

enum pt_by { PT_DAY, PT_WEEK, PT_MONTH, PT_SESSION, PT_MODEL, PT_PROJECT, PT_AGENT, PT_NBY };

/* The grouping called name, or -1. */
int pt_by_name(const char *name);
/* Use time zone tz (NULL: the local one, $TZ or /etc/localtime) for
 * days, weeks and months; false when there is no such zone. */
bool pt_set_tz(const char *tz);
/* The zone's name as the table states it. */
const char *pt_tz_name(void);
/* The group a time falls in ("2026-01-05", "2026-W02", "2026-01";
 * "unknown" for TS_NONE), in the zone set. */
void pt_period(int64_t ts, enum pt_by by, char out[32]);

struct pt;
/* o: the selectors, prices and idle cap; its view, hook and group are
 * ignored. */
struct pt *pt_new(const struct sv_opts *o, enum pt_by by);
void pt_record(struct pt *t, const struct event *e);
void pt_finish(struct pt *t);
uint64_t pt_matched(const struct pt *t);
/* Aligned text with a total line, or one JSON object. */
void pt_table(struct pt *t, struct sbuf *out);
void pt_json(struct pt *t, struct sbuf *out);
void pt_free(struct pt *t);
#endif
