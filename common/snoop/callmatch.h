/* SPDX-License-Identifier: MIT */
/* callmatch.h: which tool call ran a process, by the rules agent-join
 * (after the fact, from a transcript) and agent-snoop --tls (live, from
 * the wire) share; agentpprof(7), "Joining a live run" and "Live
 * attribution", tells them.
 *
 * An exec is a tool call's when its words are, word for word, a command
 * the call's command line runs (cm_same_argv), or when one of its words
 * is that command line itself (cm_runs_line: `sh -c LINE`, a wrapper's
 * `eval 'LINE'`).  Candidates are gathered call by call (cm_add); one
 * call is chosen when it is the only one, or the only one whose working
 * directory is the process's; else the exec is unresolved (cm_pick). */
#ifndef AP_CALLMATCH_H
#define AP_CALLMATCH_H
#include <stdbool.h>
#include <stdint.h>

enum { CM_UNSET = -1, CM_UNRESOLVED = -2 };

struct cm_cand {
	int64_t any, cwd;       /* the first call seen, the first with the cwd */
	bool many, manycwd;     /* another call seen after it */
};

void cm_init(struct cm_cand *k);
/* Call c is a candidate; cwd: its working directory is the process's. */
void cm_add(struct cm_cand *k, int64_t c, bool cwd);
/* The call chosen, CM_UNRESOLVED when two or more remain, CM_UNSET when
 * there was none. */
int64_t cm_pick(const struct cm_cand *k);
/* The same command: the program's file name, then every word.  The snoop
 * keeps at most 32 words of a command (agent-snoop(1)): a command cut
 * there matches on what it kept. */
bool cm_same_argv(const char *const *a, int na, const char *const *b, int nb);
/* A word of argv is the command line, or holds it (as typed, or inside
 * single quotes with each ' written '\'') when it is at least
 * CM_LINE_MIN bytes long: a shorter line (ls) would be found anywhere. */
#define CM_LINE_MIN 8
bool cm_runs_line(const char *const *argv, int n, const char *line);
#endif
