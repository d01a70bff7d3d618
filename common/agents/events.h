/* SPDX-License-Identifier: MIT */
/* events.h: what agent-events' adapters share: the run's context, the
 * emitter (time filter, --select, lazy session records, deduplication
 * tables).  Each agent's reader (its run, agent.h) lives in
 * common/agents/<agent>.c. */
#ifndef AP_EVENTS_H
#define AP_EVENTS_H
#include "agent.h"
#include "event.h"
#include "lineio.h"

struct select;   /* select.c: a compiled jq program */

struct ev_ctx {
	unsigned wflags;        /* EVW_NOTEXT */
	int64_t since, until;   /* TS_NONE: open */
	struct select *select;  /* --select, or NULL */
	/* how select is matched (select_match): called through this so that
	 * a program that reads no records (agent-sessions) need not link jq */
	bool (*select_match)(struct select *s, const char *json, size_t len);
	/* Deduplication across every file of one run, keyed by hash64 of
	 * the agent's own ids (a resumed session copies earlier records). */
	struct hset seen_call;  /* model call: (message id, request id) */
	struct hset seen_msg;   /* model call: message id alone (sidechain replays) */
	struct hset seen_tool;  /* tool call id */
	struct hset seen_prompt;/* prompt record id */
	/* Model calls written, by hash64 of their ids: index into callv,
	 * what a later, larger copy's update record needs (see ev_call). */
	struct hmap calls;
	struct ev_call *callv;
	size_t ncalls, capcalls;
	struct sbuf callstr;    /* their keys, NUL-separated */
	/* Links found in one file for use by a later one: e.g. a Claude Task
	 * tool's agentId -> the prompt it belongs to.  Values are indexes
	 * into links[]. */
	struct hmap link;
	char **links;
	size_t nlinks;
	/* the session record not yet written: it goes out just before the
	 * first record of its session that passes the filters */
	/* The host of the session's git remote, "" when unknown: a git push,
	 * pull or fetch without a URL contacts it (set by the adapters from
	 * session metadata, and by effects_tool from git clone and git
	 * remote add). */
	char git_host[256];
	struct sbuf pending_session;
	int64_t pending_ts;
	uint64_t written, filtered;
	/* Keys an agent leaves for the files read after (Codex: fingerprints
	 * of the rows each session's file gave, for its forks): ev_mark_*. */
	struct hset marks;
	/* Reading ahead (agent-events -j): a file read by another thread with
	 * a context of its own, spec set, before its turn.  What it looked up
	 * in the tables above and did not find is journalled in miss[], and
	 * git_inherited says it read a git host it had not set; ev_ctx_merge
	 * then tells whether the run's context would have answered the same
	 * (see there). */
	bool spec;
	bool git_inherited;
	struct ev_miss { unsigned map; uint64_t key; } *miss;
	size_t nmiss, capmiss;
};

struct ev_call {
	struct tokens tok;      /* as written so far: first sight plus updates */
	size_t off;             /* agent, session, subagent, subagent_type, id, parent,
	                         * prompt, model in callstr, each NUL-ended */
	int64_t ts;
	bool written;           /* it passed the filters */
};

void ev_ctx_init(struct ev_ctx *c);
void ev_ctx_free(struct ev_ctx *c);
/* As ev_ctx_init, but the tables keep their memory for the next file
 * (small ones are emptied in place: no page is faulted in again). */
void ev_ctx_reset(struct ev_ctx *c);
/* Record a session: written lazily, just before the session's first record
 * that survives --since/--until/--select; a session none of whose records
 * survive is written at the end of its file only when no time filter is
 * set and it matches --select itself.  A new session record replaces a
 * pending one. */
void ev_session(struct ev_ctx *c, const struct event *e);
/* Write one record (any kind but session) if it passes the filters. */
void ev_emit(struct ev_ctx *c, const struct event *e);
/* End of a file: write a pending session record that had no records
 * (so empty sessions are still listed) when nothing filters by time. */
void ev_file_done(struct ev_ctx *c);
/* A model call counted once across the run whatever files copy it.
 * ev_call_known: was the call with these ids written before?
 * ev_call_first: write e, the call's first sight, and remember it.
 * ev_call_copy: a later copy with usage t: when some kind is larger than
 * what was written, write an llm record with the first sight's keys,
 * "update":true and the tokens to add (never negative). */
bool ev_call_known(struct ev_ctx *c, const char *a, const char *b);
void ev_call_first(struct ev_ctx *c, const char *a, const char *b, const struct event *e);
void ev_call_copy(struct ev_ctx *c, const char *a, const char *b, const struct tokens *t);
/* A hint that the call with these ids will be asked for soon. */
void ev_call_prefetch(struct ev_ctx *c, const char *a, const char *b);
/* The same four by the ids' key, ev_call_key(a, b), for a reader that
 * asks about one call several times. */
uint64_t ev_call_key(const char *a, const char *b);
bool ev_call_known_h(struct ev_ctx *c, uint64_t h);
void ev_call_first_h(struct ev_ctx *c, uint64_t h, const struct event *e);
void ev_call_copy_h(struct ev_ctx *c, uint64_t h, const struct tokens *t);
void ev_call_prefetch_h(struct ev_ctx *c, uint64_t h);
/* Did this key come before?  Marks it seen. */
bool ev_seen(struct hset *m, const char *a, const char *b);
/* ev_seen in two steps, for a reader that fetches the key's slot ahead
 * (hs_prefetch) while it does other work: the key of (a, b), then
 * ev_seen of that key. */
uint64_t ev_seen_key(const char *a, const char *b);
bool ev_seen_h(struct hset *m, uint64_t h);
/* A hint that ev_seen(m, a, NULL) will be asked soon, a[0..n) being the
 * string a: its slot is fetched into the cache. */
void ev_seen_prefetch(const struct hset *m, const char *a, size_t n);
/* The same for ev_seen(m, a, b), b[0..bn) being the string b: for a
 * reader that knows the ids a while before it asks (a large set is seldom
 * in the cache). */
void ev_seen_prefetch2(const struct hset *m, const char *a, const char *b, size_t bn);
/* Remember / recall a string for a key across files. */
void ev_link_put(struct ev_ctx *c, const char *key, const char *value);
const char *ev_link_get(struct ev_ctx *c, const char *key);
/* Leave key for the files read after (at most EV_MARKS are kept: later
 * ones are dropped); was it left, by this file or one before? */
#define EV_MARKS ((size_t)1 << 20)
void ev_mark_put(struct ev_ctx *c, uint64_t key);
bool ev_mark_has(struct ev_ctx *c, uint64_t key);
/* A hint that key will be put soon: its slot is fetched into the cache. */
void ev_mark_prefetch(struct ev_ctx *c, uint64_t key);
/* The host of the session's git remote (c->git_host) for a reader that
 * uses it: "" when unknown. */
const char *ev_git_host(struct ev_ctx *c);

/* Reading ahead.  ev_ctx_spec: c is a fresh context for one file read
 * before its turn (ev_ctx_init first; its git host is "not set here").
 * ev_ctx_merge: at its turn, would run's tables have given the file's
 * reading the answers it got from its own?  If not, false and run is
 * unchanged (read the file again, in order); if so, its tables are folded
 * into run's, which is then as if the file had been read in order.
 * ev_ctx_spec(NULL): the thread's file is read. */
void ev_ctx_spec(struct ev_ctx *c);
bool ev_ctx_merge(struct ev_ctx *run, const struct ev_ctx *file);

/* The JSON object on one line of a session file, or NULL once reported:
 * a line that is not JSON, or JSON that is not an object, is bad input;
 * an incomplete last line (a session still being written) only a note.
 * Invalid UTF-8 is reported and the record kept, U+FFFD in its place. */
const struct jnode *ev_parse_line(struct lreader *r, struct jdoc *d, const char *line, size_t len);

/* effects.c: the effect records of one tool call, from its arguments.
 * tool is the tool record as written (id, session, subagent, prompt, ts,
 * status, cwd are copied to each effect; effect ids are "<tool id>#N");
 * tool->tool names the tool as the agent recorded it (Read, Bash, shell,
 * exec_command, apply_patch, run_shell_command, read_file, ...);
 * input is the JSON text of its arguments (an object, or for Codex a
 * JSON string holding an object, or a raw apply_patch body).  Returns
 * the number of effects written. */
int effects_tool(struct ev_ctx *c, const struct event *tool, const char *input, size_t len);
/* The class of a tool call as a whole (test, build, vcs, ...), from the
 * same arguments; NULL when nothing stands out. */
const char *effects_class(const struct event *tool, const char *input, size_t len);
/* The effects the same arguments foretell, each given to fn and not
 * written (agent-snoop --tls matches live effects against them): exec
 * (argv), read, write, delete, rename (path, to), net (domain).  Only
 * the fields of the analysis are meant (effect, class, argv, process,
 * path, to, domain, port): the others may hold an effects_tool call's. */
void effects_each(const struct event *tool, const char *input, size_t len,
	void (*fn)(void *arg, const struct event *e), void *arg);
/* Release the analyses effects_tool and effects_class keep. */
void effects_done(void);

/* Small readers the adapters of agents share (events.c). */
/* *dst = a copy of s (NULL for NULL), the old value freed. */
void ev_set_str(char **dst, const char *s);
/* The time in a string node (RFC 3339), or TS_NONE. */
int64_t ev_ts_of(struct jdoc *d, const struct jnode *n);
/* A token count of object o as recorded: never negative, capped at 2^53
 * so that sums of counts cannot overflow; 0 when absent. */
int64_t ev_count(struct jdoc *d, const struct jnode *o, const char *key);
/* The integer after the last key in s[0..n) ("<exited with exit code ",
 * "Exit Code: "): spaces and colons after the key skipped, a minus sign
 * read; EV_NONE when there is none. */
int64_t ev_last_int_after(const char *s, size_t n, const char *key);
/* Does s start with one of prefixes (NULL-ended)? */
bool ev_has_prefix(const char *s, const char *const *prefixes);

/* select.c: --select PROGRAM, a jq filter run on each record. */
struct select *select_compile(const char *program);   /* dies with jq's message */
bool select_match(struct select *s, const char *json, size_t len);
void select_free(struct select *s);
#endif
