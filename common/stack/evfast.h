/* SPDX-License-Identifier: MIT */
/* evfast.h: agent-stack's record reader.  A record as agent-events and
 * agent-tag write it (no white space, known keys, plain integers, strings
 * with the usual escapes) is read straight into a struct event, its
 * strings unescaped in place in the line; any other line goes through
 * jparse and ev_read, which also give the messages.  The event is the
 * same either way. */
#ifndef AP_EVFAST_H
#define AP_EVFAST_H
#include "event.h"
#include "lineio.h"

/* ev_next, but the line's memory (r's buffer, not a mapping) holds the
 * event's strings: they are valid until the next call. */
int evf_next(struct lreader *r, struct jdoc *d, struct event *e);
/* The fast path alone: 1 when line[0..len) (writable, line[len] readable)
 * was read into e, changing the line; 0 when it was left alone and must
 * be parsed. */
int evf_read(char *line, size_t len, struct event *e);
/* Records of this kind are read for the keys named (agent-event(5) keys,
 * separated by spaces; kind, agent, session, subagent and subagent_type
 * always) by a caller that reads no other field of them: a member with
 * another key is checked as JSON and passed over, its field left absent
 * (or not, when the line is read the long way).  NULL names: every key
 * again.  For agent-stack's views, which read few fields of the records
 * they give no weight to. */
void evf_need(const char *kind, const char *names);
#endif
