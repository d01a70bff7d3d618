/* SPDX-License-Identifier: MIT */
/* agent.h: one agent, everything agentpprof knows of it, behind one
 * interface.  Each agent is one file, common/agents/NAME.c, that defines
 * its struct agent at its end; agents.c lists them.  Adding an agent is
 * one new file and one line in that list: no other file names an agent,
 * its files or its tools (agent-events and agent-sessions go through this
 * interface alone).
 *
 * Lifetimes: a struct agent and everything it points to is static and
 * constant.  The functions it points to may keep static state between
 * calls: one file is read at a time, unless the agent sets parallel. */
#ifndef AP_AGENT_H
#define AP_AGENT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "toolkind.h"

/* How much of a file's start is read to recognise its agent, and the
 * most a file's head may hold when a program groups files by it. */
#define AGENT_SNIFF_SIZE ((size_t)64 << 10)

struct ev_ctx;          /* events.h: one run of agent-events */
struct lreader;         /* lineio.h */
struct session_meta;    /* sessions.h: what agent-sessions lists of a file */
struct session_probe;   /* sessions.h: a file's head and tail being read */
struct history;         /* sessions.h: the files found so far */
struct jdoc;
struct jnode;

/* The start of a file as the sniffs see it, shared by all agents by
 * agent_sniff().  rec[] holds the top-level members of its first records
 * (JSON lines that parse to objects; for a first record that is cut by the
 * head's end or spread over lines, a pretty-printed document, the members
 * found by scanning its text): enough for most sniffs to decide without
 * parsing again.  Records are parsed as sniffs ask for them: reach them
 * through agent_head_rec, agent_rec_get and agent_rec_is, never nrec. */
#define AGENT_HEAD_RECS 64
struct agent_head {
	const char *p;          /* the head: up to AGENT_SNIFF_SIZE bytes, */
	size_t n;               /* possibly cut mid-line; not NUL-terminated */
	const char *path;       /* as given ("-" for standard input) */
	bool full;              /* n == AGENT_SNIFF_SIZE: the file may go on */
	int best;               /* the highest score of the agents before: a
	                         * sniff may skip work that cannot beat it */
	int njson;              /* lines that parse as JSON, objects or not */
	int nrec;               /* parsed so far */
	struct agent_rec {
		size_t off, n;  /* members in agent_head's pool, n of them */
		int line;       /* 0-based, counting non-blank lines */
	} rec[AGENT_HEAD_RECS];
	/* the members: key, value type (J_STR, J_OBJ, ...; 0 when the text
	 * scan could not tell) and, for a string, its first 120 bytes as
	 * written (still JSON-escaped) */
	struct agent_member {
		char key[40];
		char val[121];
		int type;
	} *pool;
	size_t npool, cap;
	size_t pos;             /* where parsing goes on */
	int line;
	bool done;
	/* p[0..n) is only the start of the head the sniffs are owed (the
	 * file goes on past n; full is set): a sniff of an agent that sets
	 * sniff_part calls agent_head_short as soon as its score could
	 * hang on bytes past n, or on where the head ends (a last line cut,
	 * fewer lines than it reads, a scan of all the head), and its score
	 * is then not taken.  The records of agent_head_rec do so
	 * themselves. */
	bool part;
	bool more;              /* agent_head_short was called */
};
/* Is there a record i (0-based) in the head?  Parses up to it. */
bool agent_head_rec(const struct agent_head *h, int i);
/* The sniff's answer needs more of the head than h->p[0..h->n): it is
 * sniffed again, whole (agent_sniff_part). */
void agent_head_short(const struct agent_head *h);
/* Make h the head p[0..n) of the file at path (part: a part of it, as
 * agent_sniff_part's), for one agent's sniff at a time (the tests): h
 * zeroed first, its pool (malloc'd) the caller's to free. */
void agent_head_init(struct agent_head *h, const char *p, size_t n, const char *path, bool part);
/* The member key of record i, or NULL. */
const struct agent_member *agent_rec_get(const struct agent_head *h, int i, const char *key);
/* Is member key of record i the string lit? */
bool agent_rec_is(const struct agent_head *h, int i, const char *key, const char *lit);

/* How agent-sessions reads a line-based or one-document JSON file (see
 * session_probe_json in sessions.h): what each agent adds to it. */
struct agent_probe {
	/* One parsed record of the file's head (an object): note what it
	 * tells in p->m (set_* helpers of sessions.h keep the first value).
	 * Returns true once the head has told everything it will, so the
	 * rest of the head is not read. */
	bool (*record)(struct session_probe *p, struct jdoc *d, const struct jnode *r);
	/* A one-document file (not JSON lines): its top-level keys were
	 * scanned; take what they tell.  NULL when the agent writes none. */
	void (*document)(struct session_probe *p);
	/* Does a document end in records with times of their own (false:
	 * its tail is not searched for the last record's time)? */
	bool doc_tail;
	/* The time of one record read from the file's end, when it is not
	 * "timestamp" (NULL: none but that). */
	const struct jnode *(*tail_time)(struct jdoc *d, const struct jnode *r);
	/* The file's metadata once head and tail are read: name what the
	 * records did not from the path (a subagent's own id, a session id
	 * the records lack).  May be NULL. */
	void (*name)(struct session_probe *p, const char *path);
	/* Read this far into the file for a cwd when the records before
	 * have none (0: AGENT_SNIFF_SIZE). */
	size_t cwd_scan;
};

struct agent {
	const char *name;               /* as written in records: "claude" */
	const char *title;              /* as users know it: "Claude Code" */
	const struct tool_map *tools;   /* its tool names and their kinds */

	/* Recognising a file.  0..100: how sure this agent is that a file
	 * with this head is its format (0: it is not).  The agent with the
	 * highest score reads the file, in agent-events and agent-sessions
	 * alike; ties go to the earlier agent of agent_list.  Must accept a
	 * head cut anywhere, and never read past h->n. */
	int (*sniff)(const struct agent_head *h);
	/* The part of a sniff that can raise its score to more_max and no
	 * further, and costs much, asked only when its answer can decide:
	 * when the sniff scored below more_max with h->best below it too,
	 * and no other agent scored more than more_max (or as much, when
	 * that agent comes earlier in agent_list).  Given the sniff's score,
	 * returns the final one.  Until then the agents after it see the
	 * sniff's score as h->best, which is at most the final one: a
	 * sniff skips only work that cannot beat h->best, so the winner is
	 * the same.  May be NULL. */
	int (*sniff_more)(const struct agent_head *h, int score);
	int more_max;
	/* Its sniff takes the start of a head (struct agent_head's part)
	 * and says when that is too little (agent_head_short).  Sniffs
	 * that do not are not asked of a part, nor is sniff_more. */
	bool sniff_part;

	/* Reading it (agent-events): emit the records of the file open as r
	 * (positioned at its start) through c (events.h).  A format that is
	 * not read line by line (a database) may ignore r but for its name
	 * and open path itself. */
	void (*run)(struct ev_ctx *c, struct lreader *r, const char *path);

	/* Its metadata (agent-sessions): fill p->m from the regular file
	 * open as p->fd (p->size bytes; p->buf holds its head, as sniffed)
	 * without reading all of it: thousands of files are listed.  0, or
	 * -1 with *why set.  JSON line and document formats set this to
	 * session_probe_json and describe their records in probe_json; a
	 * database would read its own tables (sessions.h). */
	int (*probe)(const struct agent *a, struct session_probe *p, const char **why);
	const struct agent_probe *probe_json;

	/* Where its history lives: add every file of it under home (or the
	 * directories its environment variables name) to h, with
	 * history_walk (sessions.h).  A file added with copy set is an
	 * archived copy, dropped when a file not so marked has the same
	 * session id. */
	void (*find)(struct history *h, const char *home);
	/* The cwd of a session whose records name none, from where it was
	 * found (place: what find gave history_walk) or its project_hash;
	 * root and root_abs are --project-root's real and absolute paths
	 * (NULL when not given).  malloc'd, or NULL.  May be NULL. */
	char *(*cwd_of)(const char *place, const struct session_meta *m,
		const char *root, const char *root_abs);

	/* For ordering files before any is read (agent-events reads the
	 * files of one session together, oldest first): the JSON keys whose
	 * first string value in a file's head names the session the file
	 * belongs to (the first of them found, in this order), and those
	 * whose values are times (the earliest of their first values).
	 * NULL-ended lists (or NULL); looked for in the heads of the files
	 * this agent's sniff claims, and in those no agent claims (every
	 * agent's keys): every key its files carry belongs here. */
	const char *const *group_keys;
	const char *const *time_keys;

	/* Which of its files are subagents' (agent-events reads them after
	 * their parent's file): 1 when path is named as a subagent's, with
	 * *parent (malloc'd) the parent session's id when the path names
	 * it; 0 when not.  Asked of every agent, before any file is read. */
	int (*subagent)(const char *path, char **parent);
	/* A subagent's type from a file beside its transcript (malloc'd, or
	 * NULL); and whether path is such a file, read with the transcript
	 * and not on its own.  Either may be NULL. */
	char *(*subagent_type)(const char *path);
	bool (*companion)(const char *path);

	/* Its sniff and run may be called by several threads at once
	 * (agent-events -j), each run with a context of its own: their
	 * static state is _Thread_local, and what one file leaves for the
	 * next goes through the context (events.h: the seen tables, links,
	 * marks, c->git_host read with ev_git_host).  Files of an agent
	 * that does not say so are read in order by one thread, and its
	 * sniff is called by one thread at a time. */
	bool parallel;
	/* Its records' ids are unique across its sessions, and a session
	 * that copies another's records (a resume) keeps their ids:
	 * agent-ledger(1) keys its records by kind and id alone, as
	 * agent-events deduplicates them within a run.  false: by session,
	 * subagent, kind and id (ids made per session, "g-1"). */
	bool global_ids;
};

/* Every agent, in the order they are tried; ends with NULL. */
extern const struct agent *const agent_list[];
/* The agent named s[0..n), or NULL. */
const struct agent *agent_find(const char *s, size_t n);
/* Its place in agent_list. */
int agent_index(const struct agent *a);
/* The entry of tool name tool of the agent named agent: from its table
 * (any case), else by the MCP naming rule (tool_map_rule), else from
 * another agent's table (clients that write one agent's format with
 * another's tool names), else an entry of kind TK_OTHER.  Never NULL. */
const struct tool_map *agent_tool(const char *agent, const char *tool);
/* Its kind. */
enum tool_kind agent_tool_kind(const char *agent, const char *tool);
/* The agent whose sniff scores the head p[0..n) of the file at path
 * highest, or NULL when none knows it.  p need not be NUL-terminated;
 * only the first AGENT_SNIFF_SIZE bytes are looked at. */
const struct agent *agent_sniff(const char *p, size_t n, const char *path);
/* The same from only the start p[0..n) of the head, n less than
 * AGENT_SNIFF_SIZE and less than the file: the agent agent_sniff would
 * choose from the whole head, or NULL with *more set when the answer
 * may hang on what follows (or is NULL), when the caller reads the rest
 * and asks agent_sniff. */
const struct agent *agent_sniff_part(const char *p, size_t n, const char *path, bool *more);
/* Do the sniffs scan 32 bytes a step (AVX2) where the CPU can (true, the
 * default), or 16 (SSE2) everywhere?  The answers are the same either
 * way: the tests compare the two forms. */
extern bool agent_sniff_avx2;
/* The head agent_sniff read last, parsed to its end (valid until the
 * next call of agent_sniff). */
const struct agent_head *agent_last_head(void);
/* "claude, codex, gemini" (sep ", "), "Claude Code, Codex CLI or Gemini
 * CLI" (titles, last " or "): a static string for messages and help. */
const char *agent_names(const char *sep, const char *last);
const char *agent_titles(void);

/* --- helpers for the agents' files --------------------------------------- */

/* The file name of path: what follows its last '/' (paths as the agents
 * write them; path_base of paths.h also splits at '\\' and keeps a
 * trailing '/'). */
const char *agent_file_base(const char *path);
/* The length of file name b without its extension: ext when b ends in it
 * after at least one byte, or for ext NULL whatever follows its last '.'
 * (a leading '.' is no extension). */
size_t agent_file_stem(const char *b, const char *ext);
/* The name of the directory up levels above the file at path (0: the one
 * holding it): its length and *d its start; 0 when there is none. */
size_t agent_dir_up(const char *path, int up, const char **d);

/* The top-level members of the JSON object that starts s[0..n), found by
 * scanning its text (a document too large to parse, or cut short): each
 * is given to member(arg, key, keylen, value, valuelen) with the value a
 * string's raw text (NULL for other values).  Stops when member returns
 * true.  back: from the end of s, a window that may start anywhere in
 * the object (the members nearest the end come first). */
void agent_scan_members(const char *s, size_t n, bool back,
	bool (*member)(void *arg, const char *k, size_t kn, const char *v, size_t vn), void *arg);

/* "FILE#ID", one session ID of the database FILE (agent-sessions(1)):
 * FILE (malloc'd), *id pointing at ID in path, when FILE exists and path
 * itself does not; NULL for any other path (sqlitedb.c). */
char *agent_path_split(const char *path, const char **id);

extern const struct agent agent_claude, agent_codex, agent_gemini;
extern const struct agent agent_copilot, agent_qwen, agent_kimi;
extern const struct agent agent_droid, agent_cursor, agent_amp, agent_aider;
extern const struct agent agent_opencode, agent_goose;
#endif
