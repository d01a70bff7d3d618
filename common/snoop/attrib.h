/* SPDX-License-Identifier: MIT */
/* attrib.h: agent-snoop --tls's live attribution: the tool calls a model
 * asked an agent process for, open from the response that asked until
 * the request that carries their results, and which of them an exec or a
 * file or network effect of the agent's tree served (agentpprof(7),
 * "Live attribution", tells the rules).
 *
 * The state is bounded: per agent process at most ATTR_OPEN_MAX calls
 * open (the oldest is forgotten past it), per call at most ATTR_FX_MAX
 * commands and paths foretold by its arguments; an agent's calls are
 * forgotten when it exits.  The process tree is the caller's
 * (common/snoop/snoop.c): it finds the agent above a process and keeps
 * what each process was given. */
#ifndef AP_ATTRIB_H
#define AP_ATTRIB_H
#include <stdbool.h>
#include <stdint.h>
#include "snoop/tls.h"

#define ATTR_OPEN_MAX 64
#define ATTR_FX_MAX 64

/* What an effect served: a call (call set), or one of several that could
 * not be told apart (cands, ncands > 0: the record says "unresolved"),
 * or none of the open calls (neither).  prompt: the call's prompt, or
 * the one every candidate shares.  Valid until the next attr_ call. */
struct attr_pick {
	const char *call;
	const char *prompt;
	const char *const *cands;
	int ncands;
};

struct attr;
struct attr *attr_new(void);
void attr_free(struct attr *a);
/* The model of agent process pid, whose working directory is cwd (NULL
 * unknown), asked for the tool calls v under prompt. */
void attr_calls(struct attr *a, uint32_t pid, const char *cwd, const char *prompt,
	const struct tls_call *v, int n);
/* A request of pid carried these results: their calls are done. */
void attr_results(struct attr *a, uint32_t pid, const struct tls_result *v, int n);
/* pid has exited: its calls are forgotten. */
void attr_exit(struct attr *a, uint32_t pid);
/* pid is an agent: its model asked it for tool calls. */
bool attr_agent(const struct attr *a, uint32_t pid);
/* Some process is an agent. */
bool attr_any(const struct attr *a);
/* A process below agent ran argv in cwd: the call whose command it is;
 * else, with one call open, that call; else unresolved among them all. */
void attr_exec(struct attr *a, uint32_t agent, const char *const *argv, int n, const char *cwd,
	struct attr_pick *out);
/* A file effect on path (NULL: a connection) of agent's tree: the call
 * whose arguments name the path; else for the agent itself (own) none,
 * for a process below it the one call open, else unresolved among all. */
void attr_effect(struct attr *a, uint32_t agent, const char *path, bool own,
	struct attr_pick *out);
#endif
