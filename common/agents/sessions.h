/* sessions.h: what a session file is, learnt from its head and tail.
 *
 * agent-sessions lists thousands of files, so nothing here reads a whole
 * file: the first records give the session id, cwd, version and first
 * timestamp, the last complete record the last timestamp.  The agent is
 * decided by the records themselves, not by where the file lies, so other
 * programs can call agent_detect_head() on any file. */
#ifndef AP_SESSIONS_H
#define AP_SESSIONS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "json.h"

enum { AGENT_UNKNOWN, AGENT_CLAUDE, AGENT_CODEX, AGENT_GEMINI, AGENT_N };

/* "claude", "codex", "gemini" (NULL for AGENT_UNKNOWN) and back (0 when
 * the name is none of them). */
const char *agent_name(int agent);
int agent_from_name(const char *s, size_t n);
/* The agent that wrote one parsed record (a JSON object), or
 * AGENT_UNKNOWN when the record alone does not tell. */
int agent_detect_record(struct jdoc *d);
/* The agent that wrote a file starting with these bytes (a head that may
 * end mid-line): its first records decide, or for a pretty-printed JSON
 * document (Gemini's session-*.json) its top-level keys. */
int agent_detect_head(const char *p, size_t n);

struct session_meta {
	int agent;
	char *id;         /* session id; for a subagent its own id */
	char *parent;     /* subagents and forks: the parent session's id */
	char *cwd;        /* as recorded, NULL when the file does not say */
	char *version;    /* client version, when recorded */
	char *project_hash; /* Gemini: sha256 of the project root */
	int64_t first, last;  /* TS_NONE when unknown */
	uint64_t bytes;
};

/* Read the head and tail of the regular file open as fd (size bytes) and
 * fill m.  The content alone decides the agent; path (its name and
 * directory) only names what the records do not: a Claude subagent's own
 * id, a session id missing from the records.  0 on success; -1 with *why
 * set when the file is not a session of a known agent or cannot be read
 * (m is then left empty). */
int session_probe(int fd, const char *path, uint64_t size,
	struct session_meta *m, const char **why);
void session_meta_free(struct session_meta *m);
/* A Claude 2.1 subagent's type: "agentType" of the agent-ID.meta.json
 * beside its agent-ID.jsonl at path; NULL when there is none. */
char *claude_subagent_type(const char *path);

/* Is path (as recorded, '/'-separated) root or below it?  Compared by
 * components, so /a/bc is not below /a/b; repeated and trailing slashes
 * do not matter. */
bool path_under(const char *path, const char *root);

/* SHA-256 of p[0..n) in lower-case hex, as Gemini CLI names projects. */
void sha256_hex(const void *p, size_t n, char out[65]);
#endif
