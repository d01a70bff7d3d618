/* SPDX-License-Identifier: MIT */
/* event.h: the agent-event(5) record, its writer and its reader.
 * man/agent-event.5 is the reference; keep the key order here and there
 * the same. */
#ifndef AP_EVENT_H
#define AP_EVENT_H
#include <stdbool.h>
#include <stdint.h>
#include "json.h"
#include "util.h"

#define EV_NONE INT64_MIN

struct tokens {
	int64_t input;          /* input not served from cache */
	int64_t cache_read;     /* input served from cache */
	int64_t cache_write;    /* input written to cache (all TTLs) */
	int64_t cache_write_1h; /* the 1-hour part of cache_write */
	int64_t output;         /* output, reasoning included */
	int64_t reasoning;      /* informational subset of output */
};

struct event {
	const char *kind;       /* session prompt llm tool effect (snoop: also summary) */
	const char *agent;
	const char *session;
	const char *subagent;
	const char *subagent_type;  /* a subagent's type: Explore, general-purpose, task ... */
	int64_t ts;             /* ms since the epoch, TS_NONE unknown */
	const char *id, *parent, *prompt;
	const char *origin;     /* prompt: human command interrupt continuation meta hook */
	const char *cwd, *version, *file;
	const char *model;
	const char *tool;
	const char *tool_kind;  /* tool: toolkind.h's name of its kind */
	const char *status;     /* ok error unknown */
	int64_t exit;           /* EV_NONE when unknown */
	int64_t duration_ms;    /* EV_NONE when unknown */
	const char *effect;     /* exec read write delete rename net */
	const char *class;      /* test build vcs install search net ... */
	const char **process; int nprocess;
	const char **argv; int nargv;
	const char *path, *to, *domain;
	int64_t port, pid, ppid, count;   /* EV_NONE when absent */
	/* effect (agent-snoop --tls): the tool calls it may have served when
	 * none could be chosen; parent is then not a tool call */
	const char **unresolved; int nunresolved;
	bool update;            /* llm: tokens to add to the call with this id */
	const char *usage;      /* llm: how the agent recorded its tokens:
	                         * NULL (= "call": this call's, exact),
	                         * "rounded" (this call's, rounded as printed),
	                         * "session" (a session's total, not a call),
	                         * "none" (the agent records no usage) */
	bool has_tokens;
	struct tokens tokens;
	const char **tools; int ntools;   /* llm: the tools it chose */
	const char **tool_kinds; int ntool_kinds;   /* llm: their kinds */
	const char *text; size_t text_len;
	/* added by agent-tag */
	const char *tag_session, *tag_prompt, *tag_llm, *rule;
};

void ev_init(struct event *e);
#define EVW_NOTEXT 1
/* The record as one line of JSON with its newline, keys in schema order,
 * absent fields left out, secrets in free text redacted. */
void ev_write(struct sbuf *b, const struct event *e, unsigned flags);
/* The same with e's tool_kind and tool_kinds in place of its own (a
 * writer that adds them need not copy the record). */
void ev_write_kinds(struct sbuf *b, const struct event *e, unsigned flags, const char *tool_kind,
	const char **tool_kinds, int ntool_kinds);
/* Read a record parsed into d back into e (strings point into d's arena).
 * 0 when it is a record, -1 (with *why) when a required key is missing. */
int ev_read(struct jdoc *d, struct event *e, const char **why);
struct lreader;
/* The next record of the file open as r, parsed into d and read into e
 * (valid until the next call): 1, or 0 at its end.  A line that is not
 * JSON or not a record is reported as file:line and skipped. */
int ev_next(struct lreader *r, struct jdoc *d, struct event *e);
/* The same for one line of r (line[len] readable): 1, or 0 when it was
 * reported and skipped. */
int ev_line(struct lreader *r, const char *line, size_t len, struct jdoc *d, struct event *e);

/* privacy.c */
/* Length of a key with a known shape (sk-ant-, sk-, sk_live_, ghp_,
 * github_pat_, AKIA, JWT, xox?-, AIza, glpat-, hf_, npm_, pypi-, SG., ...)
 * starting at p, or 0. */
size_t secret_len(const char *p, size_t n);
/* sb_json_str with every secret replaced by "[REDACTED]": keys, URL
 * passwords, credentials after -u, Authorization values, PEM private key
 * bodies, webhook paths, mysql -pPASS, values of secret-named assignments
 * and options.  For records. */
void sb_json_str_redacted(struct sbuf *b, const char *s, size_t n);
/* The same with a label's rules (user:pass@ and e-mail addresses without a
 * scheme, random runs): for tool names, which become frames as they are. */
void sb_json_label_redacted(struct sbuf *b, const char *s, size_t n);
/* A JSON array of argv with secrets replaced, and the ones the position
 * tells (curl -u user:PASS, --password PASS, sshpass -p PASS); with notext,
 * free text replaced by "[text]": arguments with white space or a line
 * break, the values of message and code options (-m, --message, --body,
 * -c, -e, --data, ...), echo's and printf's operands. */
void sb_json_argv_redacted(struct sbuf *b, const char *const *v, int n, bool notext);
/* Copy of s with secrets replaced, into b (reset first): all the above and,
 * as stack labels need, e-mail addresses, user:pass@ and random-looking
 * tokens. */
void redact(struct sbuf *b, const char *s, size_t n);
/* Tests: set, records are redacted looking at every byte, without the
 * block scan that passes over quiet text (the same output, slower). */
extern bool privacy_noskip;
/* Does the scan of quiet text classify 32 bytes a step (AVX2) where the
 * CPU can (true, the default), or 16 (SSE2)?  The same answers either
 * way: the tests compare the two forms. */
extern bool privacy_avx2;
/* Tests: would sb_json_str_redacted write s as it is because it is a head
 * judged before and a tail of counters ("<session>:l3:t1", "toolu_01#2")? */
bool privacy_id_composed(const char *s, size_t n);
#endif
