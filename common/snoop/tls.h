/* SPDX-License-Identifier: MIT */
/* tls.h: model calls read off the plaintext of TLS connections.
 *
 * agent-snoop --tls hands every SSL_write/SSL_read (and GnuTLS) buffer of
 * a followed process to tls_data, by connection (the process and the TLS
 * object's address) and direction.  Each direction is parsed as HTTP/1.1
 * messages (Content-Length, chunked, gzip, deflate and br bodies,
 * keep-alive: one request, then its response) or, when the client opens
 * with HTTP/2's preface, as HTTP/2 streams (h2.h), each a request and its
 * response; a request to a model API and its response become a prompt record (the last user message, when a person
 * typed it) and an llm record (model, tokens in agent-event(5) units,
 * latency, the tool calls asked for) and a tool record for each tool
 * call, with its id and kind: Anthropic Messages, OpenAI Chat
 * Completions and Responses, Gemini generateContent, streamed (SSE) or
 * not.  Headers are read for framing only and never kept: API keys,
 * cookies and Authorization values reach no output.
 *
 * Memory is bounded per connection (TLS_BODY_MAX a message, 16 MiB across
 * an HTTP/2 connection's streams; what is past it is dropped and counted); a connection is forgotten when its process
 * exits.  Pure: bytes in, records out through the emit callback, so that
 * tests and fuzzers feed it without the kernel. */
#ifndef AP_TLS_H
#define AP_TLS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "event.h"

#define TLS_BODY_MAX ((size_t)8 << 20)

struct tls_counts {
	uint64_t calls;         /* llm records written */
	uint64_t prompts;       /* prompt records written */
	uint64_t other;         /* HTTP exchanges that were not model calls */
	uint64_t unparsed;      /* model calls whose body could not be read */
	uint64_t cut;           /* messages cut at TLS_BODY_MAX, or bytes lost */
	uint64_t br;            /* bodies in an encoding not read (zstd) */
	uint64_t h2;            /* HTTP/2 connections */
	uint64_t h2_streams;    /* their streams (requests) */
	uint64_t h2_reset;      /* streams reset, refused or left unfinished */
	uint64_t h2_bad;        /* connections not read to their end: a frame
	                         * or header block broken, or cut inside one */
	uint64_t h1_cut;        /* HTTP/1.1 messages left unfinished (in cut too):
	                         * a new one began where one was being read */
};

/* A tool call a response asked for, and what it was given (tls_hooks). */
struct tls_call {
	const char *id;         /* the call's id (a made-up one when the API gave none) */
	const char *name;
	const char *kind;       /* its tool_kind, toolkind.h's name */
	const char *agent;      /* whose tool table named the kind: claude codex gemini */
	const char *input;      /* the JSON text of its arguments, NULL when none */
	size_t input_len;
	bool noid;              /* the API gave no id (Gemini): results name it */
};

/* A tool's result a request carried: the call's id, else (noid) its name. */
struct tls_result {
	const char *id, *name;
};

/* Told after the records of a response, or on a request: the tool calls
 * a process's model asked for (prompt: their prompt record's id, or NULL),
 * and the results of earlier calls that a request sends back.  Strings
 * live until the hook returns. */
struct tls_hooks {
	void (*calls)(void *arg, uint32_t pid, const char *prompt, const struct tls_call *v,
		int n, int64_t ts);
	void (*results)(void *arg, uint32_t pid, const struct tls_result *v, int n, int64_t ts);
	void *arg;
};

struct tls;
/* emit(arg, e): a record to write (kind, id, parent, prompt, model,
 * tokens, tools, text, ts, duration_ms set; the caller adds agent and
 * session).  notext: no prompt text in records. */
struct tls *tls_new(bool notext, void (*emit)(void *arg, const struct event *e), void *arg);
/* n bytes written (read false) or read on connection (pid, conn) at ts
 * (ms since the epoch). */
void tls_data(struct tls *t, uint32_t pid, uint64_t conn, bool read, const void *p, size_t n,
	int64_t ts);
/* n bytes of a call on the connection were not captured (past what the
 * kernel side sends of one call): an HTTP/2 connection cannot be read
 * past them. */
void tls_gap(struct tls *t, uint32_t pid, uint64_t conn, bool read, uint64_t n);
/* The process ended: its connections are forgotten. */
void tls_exit(struct tls *t, uint32_t pid);
const struct tls_counts *tls_counts(const struct tls *t);
/* What the last HTTP/2 connection not read to its end broke on ("pid N:
 * ..."; no header value), or NULL. */
const char *tls_why(const struct tls *t);
/* Tell h (copied) about tool calls and their results from now on. */
void tls_set_hooks(struct tls *t, const struct tls_hooks *h);
/* The same for the last HTTP/1.1 message left unfinished (h1_cut), or NULL. */
const char *tls_why1(const struct tls *t);
void tls_free(struct tls *t);
#endif
