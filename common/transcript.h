/* SPDX-License-Identifier: MIT */
/* transcript.h: an agent's session file where agent-event(5) records
 * belong (transcript.c). */
#ifndef AP_TRANSCRIPT_H
#define AP_TRANSCRIPT_H
#include <stdbool.h>
struct lreader;

/* Is the input open as r (path as given, "-" for standard input) an
 * agent's raw session file rather than records?  Then it is reported
 * ("this is a Claude Code transcript ...; run agent-events first"),
 * counted in diag_errors, and true is returned: the caller skips it.
 * Input whose first line is a record costs one look at that line. */
bool transcript_refused(struct lreader *r, const char *path);
#endif
