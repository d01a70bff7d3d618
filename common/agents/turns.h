/* SPDX-License-Identifier: MIT */
/* turns.h: the records of a conversation told turn by turn, for the
 * agents whose files hold plain messages (Droid, cursor-agent, Amp,
 * Aider): a prompt, the model calls it caused, each call's tool calls
 * and their results.  The agent reads its own format and says what each
 * message was; this writes the agent-event(5) records, in order, with
 * ids, parents, prompts and durations the same way for all of them.
 *
 * A tool call is written when its result arrives (or at the next human
 * prompt, or at the end, as "unknown"), after the model call that chose
 * it.  Pending calls are capped, so memory does not grow with the file. */
#ifndef AP_TURNS_H
#define AP_TURNS_H
#include "events.h"

struct turn_tool;

struct turns {
	struct ev_ctx *c;
	struct lreader *r;
	const char *agent;      /* "droid" */
	const char *usage;      /* the llm records' usage key: NULL or "none" */
	/* the session, set by the agent before the first record */
	struct sbuf session, cwd, version, file;
	struct sbuf subagent, subagent_type, spawn;   /* a subagent's file */
	int64_t ts0;            /* the session's start, TS_NONE unknown */
	bool started;
	bool no_duration;       /* the times are too coarse for durations */
	bool no_results;        /* the agent records no tool results: a call's
	                         * tools are settled (unknown) at the next call */
	/* the conversation so far */
	struct sbuf prompt;     /* the prompt in force (parent of calls) */
	struct sbuf root;       /* the causal root (prompt key of records) */
	struct sbuf call;       /* the last model call's id */
	int64_t trig;           /* the last prompt or tool result: what a call waits for */
	unsigned nprompt, ncall, ntool;
	struct turn_tool *t;
	size_t nt, capt;
	struct sbuf id;         /* made ids */
	/* the held call (turns_hold) */
	bool held, held_tok;
	int64_t hts;
	const char *husage;     /* a literal */
	struct tokens htok;
	struct sbuf hid, hmodel, htext;
	struct { struct sbuf id, name, input; } *hv;
	size_t hn, hcap;
	const char **hnames;    /* the held tools' names, room for hncap */
	size_t hncap;
};

/* Start reading a file of agent a (its name); the caller fills session
 * and the rest before the first record. */
void turns_init(struct turns *t, struct ev_ctx *c, struct lreader *r, const char *agent);
/* Write the session record now (otherwise it goes before the first
 * record), with ts when the agent gave no start. */
void turns_session(struct turns *t, int64_t ts);
/* A prompt: id NULL makes "<session>:p<N>"; origin "human", "command",
 * "subagent" ... .  A human prompt settles the tool calls still
 * waiting. */
void turns_prompt(struct turns *t, const char *id, int64_t ts, const char *origin,
	const char *text, size_t len);
/* A model call: id NULL makes "<session>:l<N>"; tok NULL when the agent
 * recorded no tokens for it; usage overrides t->usage (NULL: t->usage).
 * tools: the names it chose (n of them).  Returns its id (valid until the
 * next call). */
const char *turns_call(struct turns *t, const char *id, int64_t ts, const char *model,
	const struct tokens *tok, const char *usage, const char **tools, int ntools,
	const char *text, size_t len);
/* A tool call of the last model call: id (NULL makes "<call>:t<N>"),
 * name, its arguments as JSON text (an object), when it was chosen. */
void turns_tool(struct turns *t, const char *id, const char *name, const char *input,
	size_t len, int64_t ts);
/* The result of tool call id: status "ok", "error" (or "unknown"), the
 * exit code (EV_NONE unknown).  A result for no pending call is ignored
 * (false). */
bool turns_result(struct turns *t, const char *id, int64_t ts, const char *status, int64_t exit);
/* A total of the session's tokens: an llm record with usage "session",
 * id "<session>:usage" plus suffix (":run 2", ":model"), no parent. */
void turns_total(struct turns *t, const char *suffix, int64_t ts, const char *model,
	const struct tokens *tok);
/* The end of the file: pending tool calls are written as unknown, the
 * session record goes out if nothing did; frees t. */
void turns_done(struct turns *t);
#endif

/* --- messages of Anthropic-style content blocks ----------------------------
 * Droid, cursor-agent and Amp write a message's content as the Messages
 * API does: {"type":"text","text"}, {"type":"thinking"},
 * {"type":"tool_use","id","name","input"}, {"type":"tool_result",...}. */

/* An assistant message: one model call with the text and tool_use
 * blocks of content (a string is its text), then its tool calls. */
void turns_assistant(struct turns *t, struct jdoc *d, const struct jnode *content,
	const char *id, int64_t ts, const char *model, const struct tokens *tok,
	const char *usage);
/* How an agent reads one tool_result block: the id of the call it
 * answers (NULL: none), its status and exit code. */
typedef const char *turns_result_fn(struct jdoc *d, const struct jnode *block,
	const char **status, int64_t *exit);
/* A user message: its tool_result blocks are results (read by fn); its
 * text blocks, joined, a prompt (id may be NULL) unless the message held
 * results only.  unwrap, when set, cuts the agent's own wrapping out of
 * the text (in place; returns the new length). */
void turns_user(struct turns *t, struct jdoc *d, const struct jnode *content,
	const char *id, int64_t ts, turns_result_fn *fn,
	size_t (*unwrap)(char *text, size_t len));

/* --- a call held until its tool calls are known -----------------------------
 * Formats that write a call's tool calls after it (Droid's stream-json,
 * Aider's "Applied edit" lines) hold the call, add its tools, and release
 * it at the next record that is neither: the call's record names them. */
void turns_hold(struct turns *t, const char *id, int64_t ts, const char *model,
	const struct tokens *tok, const char *usage, const char *text, size_t len);
/* A tool call of the held call (id NULL makes one). */
void turns_hold_tool(struct turns *t, const char *id, const char *name,
	const char *input, size_t len);
/* Write the held call and its tool calls (nothing when none is held). */
void turns_release(struct turns *t);
