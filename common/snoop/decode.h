/* SPDX-License-Identifier: MIT */
/* decode.h: agent-snoop's user side without the kernel: the messages of
 * bpf/snoop.h decoded and turned into agent-event(5) records.
 *
 * snoop_decode is pure (bytes in, a checked message out) and snoop_feed
 * is deterministic given its state, so both can be fuzzed without BPF.
 * What only a live system knows (a process's cwd, the target of a file
 * descriptor) comes through the optional hooks in struct snoop_opts. */
#ifndef AP_SNOOP_USER_H
#define AP_SNOOP_USER_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "../../bpf/snoop.h"
#include "util.h"

struct snoop_msg {
	struct snoop_hdr h;     /* a copy: ring buffer bytes need no alignment */
	const char *s1, *s2;    /* into the message bytes; not NUL-terminated */
	size_t n1, n2;
};

/* Check a message of n bytes: 0 and *m filled, or -1 and *why. */
int snoop_decode(const void *p, size_t n, struct snoop_msg *m, const char **why);

struct snoop_opts {
	const char *session;    /* the run id of every record */
	int64_t clock_ms;       /* realtime minus boottime, in ms */
	/* hooks for a live system, NULL when there is none (tests, fuzzing):
	 * the cwd of pid, and the path open on descriptor fd of pid */
	bool (*cwd_of)(uint32_t pid, struct sbuf *out);
	bool (*fd_path)(uint32_t pid, int fd, struct sbuf *out);
	bool tls;               /* read model calls off SNOOP_TLS messages */
	bool notext;            /* no prompt text in records */
};

struct snoop_counts {
	uint64_t processes;     /* processes seen (forked or found) */
	uint64_t execs;         /* exec records */
	uint64_t files;         /* file events, before aggregation */
	uint64_t net;           /* connections and listening sockets */
	uint64_t bad;           /* messages that did not decode */
};

struct snoop;

/* Records are appended to o as agent-event(5) lines. */
struct snoop *snoop_new(const struct snoop_opts *o, struct sbuf *out);
/* A process followed from the start (the command, -p PID and its
 * descendants): name and cwd may be NULL.  root: its chain starts here. */
void snoop_proc(struct snoop *s, uint32_t pid, uint32_t ppid, const char *name,
	const char *cwd, bool root);
/* The session record, once, before the others. */
void snoop_session(struct snoop *s, int64_t ts, const char *cwd);
void snoop_feed(struct snoop *s, const struct snoop_msg *m);
/* Decode and feed; a message that does not decode is counted (in the
 * summary's "bad") and its reason returned, else NULL. */
const char *snoop_feed_bytes(struct snoop *s, const void *p, size_t n);
/* Write the aggregated file records held so far. */
void snoop_flush(struct snoop *s);
/* End of the run at ts: pending processes (still running, status unknown),
 * held records, then the summary with the losses the kernel counted. */
/* The last records and the summary: drops lost to a full buffer, pidlost
 * processes not followed, runtime opens of runtime files left out. */
void snoop_finish(struct snoop *s, int64_t ts, uint64_t drops, uint64_t pidlost,
	uint64_t runtime);
const struct snoop_counts *snoop_counts(const struct snoop *s);
/* --tls: the HTTP/2 connections not read to their end (*bad) and why the
 * last was not (no header value in it), or NULL. */
const char *snoop_tls_why(const struct snoop *s, uint64_t *bad);
/* The same for HTTP/1.1 messages left unfinished (the summary's tls.cut
 * holds them too). */
const char *snoop_tls_why1(const struct snoop *s, uint64_t *cut);
void snoop_free(struct snoop *s);

/* DNS: call fn for each A or AAAA answer of a response message, with the
 * name asked (lower case, no trailing dot) and the address (4 or 16
 * bytes).  Returns the number of answers, -1 when it is not a response. */
int snoop_dns(const void *p, size_t n,
	void (*fn)(void *arg, const char *name, const uint8_t *addr, int alen), void *arg);
#endif
