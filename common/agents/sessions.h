/* SPDX-License-Identifier: MIT */
/* sessions.h: what a session file is, learnt from its head and tail, and
 * where the agents' histories lie (agent-sessions).
 *
 * agent-sessions lists thousands of files, so nothing here reads a whole
 * file: the first records give the session id, cwd, version and first
 * timestamp, the last complete record the last timestamp.  The agent is
 * decided by the file's head (agent_sniff, the same sniffs agent-events
 * uses), not by where the file lies. */
#ifndef AP_SESSIONS_H
#define AP_SESSIONS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "agent.h"
#include "json.h"
#include "util.h"

struct session_meta {
	const struct agent *agent;
	char *id;         /* session id; for a subagent its own id */
	char *parent;     /* subagents and forks: the parent session's id */
	char *cwd;        /* as recorded, NULL when the file does not say */
	char *version;    /* client version, when recorded */
	char *project_hash; /* a hash naming the project when no cwd is
	                     * recorded (Gemini: sha256 of its root) */
	int64_t first, last;  /* TS_NONE when unknown */
	uint64_t bytes;
	/* A file of many sessions (a database): name is how agent-events
	 * is given this one ("FILE#ID"), next the file's next session. */
	char *name;
	struct session_meta *next;
};

/* Read the head and tail of the regular file open as fd (size bytes) and
 * fill m.  The content alone decides the agent; path (its name and
 * directory) only names what the records do not: a subagent's own id, a
 * session id missing from the records.  0 on success; -1 with *why set
 * when the file is not a session of a known agent or cannot be read (m is
 * then left empty).  Every string in m is malloc'd. */
int session_probe(int fd, const char *path, uint64_t size,
	struct session_meta *m, const char **why);
void session_meta_free(struct session_meta *m);
/* The same, safe to call from several threads at once for different
 * files: for a file whose agent's probe may keep state (struct agent's
 * parallel not set) it returns 1 having probed nothing, m empty, and the
 * caller probes that file with session_probe, from one thread. */
int session_probe_parallel(int fd, const char *path, uint64_t size,
	struct session_meta *m, const char **why);

/* --- for the agents' probes ----------------------------------------------- */

/* A file being probed.  buf holds its head (have bytes, NUL-terminated,
 * at least what agent_sniff saw; for session_probe_json's hooks, read
 * only as far as got, the lines they are given); the members an agent's
 * probe hooks (agent.h, struct agent_probe) read and write are marked. */
struct session_probe {
	int fd;
	uint64_t size;
	const char *path;
	const struct agent *agent;
	struct session_meta *m;         /* hooks: fill it */
	char *buf;
	size_t cap, have, pos;
	size_t got;                     /* read of have so far, NUL-terminated */
	char *tbuf;                     /* the tail window */
	size_t tcap;
	struct jdoc d;
	int64_t lo, hi;                 /* the times seen so far */
	const char *line;               /* hooks: the raw text of the record */
	size_t linelen;                 /* given to record() */
	struct probe_member {           /* a document's top-level members */
		char key[40];           /* (read with probe_doc_*) */
		const char *v;          /* a string's raw text, or NULL */
		size_t vn;
	} *top;
	size_t ntop, captop;
	const char *const *stop;
	/* hooks: an agent's own state for one file, cleared per file;
	 * aux is freed with the probe */
	bool flag, want;
	char *aux;
	int err;                        /* errno of a failed read */
};
/* The probe of JSON line and JSON document formats: the agent's
 * probe_json hooks say what its records mean (agent.h). */
int session_probe_json(const struct agent *a, struct session_probe *p, const char **why);
/* Keep the first non-empty string of node n in *dst (malloc'd). */
void probe_str(struct session_probe *p, char **dst, const struct jnode *n);
/* Widen the file's time span by the time in node n / text s[0..len). */
void probe_ts(struct session_probe *p, const struct jnode *n);
void probe_ts_text(struct session_probe *p, const char *s, size_t len);
/* A document's top-level member key (p->top: the members scanned last),
 * as a string (unescaped, malloc'd) or a time; keep the first. */
void probe_doc_str(struct session_probe *p, char **dst, const char *key);
void probe_doc_ts(struct session_probe *p, const char *key);
/* Scan a document's end for its top-level members (into p->top) until
 * those named in stop (NULL-ended) are all seen; false when the head
 * held the whole file or the tail cannot be read. */
bool probe_doc_tail(struct session_probe *p, const char *const *stop);
/* Are the members named in keys (NULL-ended) all in p->top? */
bool probe_doc_has(const struct session_probe *p, const char *const *keys);
/* JSON-unescape raw string text s[0..n) into a new string (NULL when it
 * is empty or holds a NUL). */
char *probe_unescape(const char *s, size_t n);
/* Is s a UUID's 36 characters (more may follow)? */
bool is_uuid(const char *s);

/* --- where histories lie ------------------------------------------------- */

/* The files an agent's find() found. */
struct history_file {
	char *path;
	const struct agent *agent;      /* whose find() found it */
	char *place;                    /* what the agent noted of where */
	bool copy;                      /* an archived copy */
};
struct history {
	struct history_file *v;
	size_t n, cap;
	const struct agent *agent;      /* the agent whose find() runs */
	/* directories to look in for histories kept in projects (Aider's):
	 * --project-root and agent-sessions' operands; NULL-ended, or NULL */
	const char *const *dirs;
	const char *root;               /* --project-root's real path, or NULL */
	void (*error)(const char *path, const char *msg);
	struct hmap seen_dirs;
};
/* Add the files under dir, down to maxdepth levels of subdirectories,
 * whose names want(name, depth) accepts (a directory so named is an
 * error); place and copy are noted with each. */
void history_walk(struct history *h, const char *dir, int maxdepth,
	bool (*want)(const char *name, int depth), const char *place, bool copy);
/* The entries of directory dir, sorted, each with its d_type in its
 * first byte (free each and the vector); NULL when it cannot be read
 * (said through h->error unless it does not exist) or was listed
 * before. */
char **history_list(struct history *h, const char *dir, size_t *n);
/* A history_walk name filter: any *.jsonl file. */
bool history_jsonl(const char *name, int depth);
/* The probed file's last change, ms since the epoch (TS_NONE unknown):
 * the last activity of a session whose records hold no time. */
int64_t probe_mtime(const struct session_probe *p);
/* dir "/" name, malloc'd. */
char *path_join(const char *dir, const char *name);

/* Is path (as recorded, '/'-separated) root or below it?  Compared by
 * components, so /a/bc is not below /a/b; repeated and trailing slashes
 * do not matter. */
bool path_under(const char *path, const char *root);

/* SHA-256 of p[0..n) in lower-case hex, as Gemini CLI names projects. */
void sha256_hex(const void *p, size_t n, char hex[65]);
#endif
