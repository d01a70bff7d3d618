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
#endif
