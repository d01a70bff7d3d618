/* SPDX-License-Identifier: MIT */
/* tag.h: agent-tag's taggers.  Short semantic tags for sessions, prompts
 * and model calls: rules (tagrules.c), the per-session decisions and the
 * output (tagsess.c), the llama.cpp client (tagllm.c) and the clustering
 * tagger (tagcluster.c).  man/agent-tag.1 is the reference. */
#ifndef AP_TAG_H
#define AP_TAG_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "arena.h"
#include "util.h"

#define TAG_MIN 3
#define TAG_MAX 12
/* Rules see at most this much of a text: intent is stated early, and long
 * pastes would otherwise cost time and match by accident. */
#define TAG_TEXTMAX 4096

enum { TK_SESSION = 1, TK_PROMPT = 2, TK_LLM = 4, TK_ALL = 7 };

/* One lower-case word of 3 to 12 ASCII letters. */
bool tag_valid(const char *s, size_t n);

/* --- rules (tagrules.c) ---------------------------------------------- */
struct trule {
	unsigned kinds;         /* TK_* */
	char tag[TAG_MAX + 1];
	char *pattern;
	char *name;             /* "user:2", "builtin:debug/en" */
	char *source;           /* "--tag-rule", "rules.yaml:12", "builtin" */
	bool whole;             /* built-in reply rules: the whole text only */
	void *code;             /* pcre2_code */
	bool jit;               /* JIT-compiled (on first use) */
	bool jitok;             /* and the JIT took it: pcre2_jit_match */
	bool hasfirst;          /* every match starts with a byte of first: */
	uint64_t first[4];      /* PCRE2's start bitmap, which it uses itself */
};

struct trules {
	struct trule *v;
	int n, cap;
	int nuser;              /* user rules come first */
	void *md;               /* pcre2_match_data */
	/* built-ins are compiled when first tried, and skipped for a text
	 * that holds none of the literals every match holds (tr_literals):
	 * the check, made when first needed, and each one's bit in it (-1
	 * none) */
	struct tlits *lits;
	int8_t *litbit;
};

/* A user rule.  0, or -1 with the reason in err (the rule is not added). */
int tr_add(struct trules *t, unsigned kinds, const char *tag, const char *pattern,
	const char *source, struct sbuf *err);
/* --tag-rule KIND:TAG=REGEX */
int tr_add_spec(struct trules *t, const char *spec, struct sbuf *err);
/* A YAML list of {kind, tag, pattern, description}; errors name file:line. */
int tr_load_yaml(struct trules *t, const char *path, struct sbuf *err);
/* Append the built-in rules (after every user rule). */
void tr_builtin(struct trules *t);
/* The first rule of [from, to) for kind that matches s[0..n), or NULL.
 * TM_ALL every rule, TM_WHOLE only the reply rules (for a whole prompt),
 * TM_PART all but the reply rules (for a part of one). */
enum { TM_ALL, TM_WHOLE, TM_PART };
const struct trule *tr_match(const struct trules *t, int from, int to, unsigned kind,
	int mode, const char *s, size_t n);
/* Literals of which every match of the pattern (compiled as the rules
 * are: caseless, UTF-8) holds one, ASCII letters in lower case, written
 * to out as "lit\n" lines (for tests): their number, or -1 when the
 * pattern says nothing sure (a part it does not know, or a match that
 * may hold none). */
int tr_literals(const char *pattern, struct sbuf *out);
/* Does the rule match the empty string (a catch-all)? */
bool tr_catchall(const struct trules *t, const struct trule *r);
void tr_free(struct trules *t);
/* The built-in table, for --list-rules and the man page. */
struct tbuiltin {
	const char *tag, *lang;
	unsigned kinds;
	bool whole;
	const char *re, *example;
};
extern const struct tbuiltin tag_builtins[];
extern const int tag_nbuiltins;
/* Is tag one of the tags rules can give (built-in or user)? */
bool tr_known(const struct trules *t, const char *tag);

/* Text as the built-in rules see it: client wrappers
 * (<ide_selection>...) removed, paths and URLs blanked, at most
 * TAG_TEXTMAX bytes. */
void tag_clean(struct sbuf *b, const char *s, size_t n, bool paths);
/* The end of the sentence that starts s (merged with the next ones until
 * it has a few words). */
size_t tag_sentence(const char *s, size_t n);

/* --- sessions (tagsess.c) -------------------------------------------- */
enum { OR_HUMAN, OR_COMMAND, OR_INTERRUPT, OR_CONTINUATION, OR_META, OR_SUBAGENT, OR_OTHER };

/* A prompt or model call whose tag a tagger decides. */
#define TS_NCAT 12       /* kinds of work (tagsess.c) */

struct titem {
	uint32_t rec;           /* index of its record in the session */
	uint8_t kind;           /* TK_PROMPT, TK_LLM */
	uint8_t origin;         /* prompts */
	bool reply;             /* decided by a reply rule (ok, continue, ...) */
	bool cont;              /* a reply that only confirms or continues: it
	                         * takes the tag of the work it continues */
	char tag[TAG_MAX + 1];
	const char *rule;       /* static, or interned */
	size_t text, textlen;   /* in the session's text pool, cleaned */
	uint32_t ncalls;        /* prompts: model calls that belong to it */
	uint32_t ev[TS_NCAT];   /* kinds of work done for it (its effects, or
	                         * a model call's own tool calls) */
	uint8_t toolcat;        /* model calls: the kind of the tools it chose */
	bool tools;             /* model calls: it chose tools */
	bool lazy;              /* model calls: text not read yet */
};

struct trec {
	const char *line;       /* in the session's line pool, or borrowed */
	uint32_t len;           /* lines are at most LR_MAXLINE_DEFAULT */
	uint32_t tail;          /* where ,"tags": or ,"rule": starts; 0 none */
	uint32_t cut;           /* session, prompt and llm records: where tags
	                         * go when it has none, its last '}' (0 none),
	                         * found while the line is at hand */
	uint64_t id, prompt, parent;   /* hashes of the raw ids, 0 = absent */
	int32_t item;           /* index in items, or -1 */
	uint8_t kind;           /* R_* in tagsess.c */
	uint8_t cat;            /* tool/effect: category of work */
	uint8_t borrowed;       /* line is the caller's, not in the pool:
	                         * tsession.borrow's TS_* */
	uint8_t update;         /* an "update":true llm record: item is its call's */
};

/* Held lines: blocks of TS_LINEBLOCK kept from one session to the next,
 * so a long session never regrows and copies one buffer; a line longer
 * than a block gets memory of its own until the session is written.  The
 * first held line sets the arena up: a zeroed tsession is ready.  Blocks
 * are small and come from malloc: up to 64 sessions are held at once,
 * most of them a few tens of KB, and 1 MiB blocks mapped and prefaulted
 * for each (then unmapped) cost more system time than the whole parse. */
#define TS_LINEBLOCK ((size_t)64 << 10)
enum { TS_COPY, TS_MAPPED, TS_HELD };
struct tsession {
	struct arena lines;
	struct sbuf texts;
	struct trec *r;
	size_t nr, rcap;
	struct titem *it;
	size_t nit, itcap;
	struct hmap pidx, lidx; /* prompt id -> its first item; model call id
	                         * -> its latest */
	uint64_t pkey, lkey;    /* the ids last found in pidx and lidx (0 */
	int64_t pval, lval;     /* none) and their items */
	bool lbuilt;            /* lidx holds every model call so far; until
	                         * a lookup misses lkey it is not made */
	uint32_t *defer;        /* records counted when the session ends */
	size_t ndefer, defercap;
	/* ts_add keeps the caller's line instead of a copy: it stays valid
	 * until ts_write and a newline follows it (set per line).  TS_MAPPED:
	 * in a file's mapping, copied out when written (a file cut short
	 * must fault here, where the message is, not in write(2));
	 * TS_HELD: in memory that stays until ts_release, written from
	 * where it lies. */
	uint8_t borrow;
	/* the next line starts a new run of pass-through lines, even when it
	 * lies right after the last one (set by ts_seal at each file) */
	bool sealed;
	char tag[TAG_MAX + 1];  /* the session's tag */
	const char *rule;
};

struct tstats;
struct tagger {
	struct trules *rules;
	struct tstats *st;
	bool cluster;           /* hold all sessions */
	struct tllm *llm;       /* --tagger llm */
	bool reply_tags;        /* --reply-tags: confirm and continue replies
	                         * keep tags of their own */
};

/* Parse one input line into s.  0 kept, -1 not JSON (reported via why). */
int ts_add(struct tsession *s, const char *line, size_t len, const char **why);
/* ts_add for a line whose bytes before skip hold no key it looks for:
 * those of "kind", "agent" and "session" (ts_session_front). */
int ts_add_from(struct tsession *s, const char *line, size_t len, size_t skip, const char **why);
/* The kind of a line that begins {"kind":"K" with K one of those ts_add
 * tells apart (session, prompt, llm, tool, effect), else -1; ts_kind_len
 * is the length of K.  ts_add_kind is ts_add_from given that kind (-1:
 * look). */
int ts_kind_front(const char *line, size_t len);
size_t ts_kind_len(int kind);
int ts_add_kind(struct tsession *s, const char *line, size_t len, size_t skip, int kind,
	const char **why);
/* Is the line a session record (the start of the next session)? */
bool ts_starts(const char *line, size_t len);
/* A hash of the line's "session" value (the top-level session: a
 * subagent's records carry their parent's); 0 when it has none. */
uint64_t ts_session_key(const char *line, size_t len);
/* The raw (still escaped) "session" value ts_session_key hashes: false
 * when the line has none.  ts_id_key(v, n) is then its key. */
bool ts_session_raw(const char *line, size_t len, const char **v, size_t *n);
uint64_t ts_id_key(const char *v, size_t n);
/* ts_session_raw when "session" follows "kind" (and "agent") at the
 * front of the line, as agent-event(5) writes it: no key lies before it
 * but those, and v + n + 1 is where the next key starts.  false: not so
 * (ts_session_raw may still find it further on). */
bool ts_session_front(const char *line, size_t len, const char **v, size_t *n);
/* The regex decisions for every item. */
void ts_regex(struct tagger *tg, struct tsession *s);
/* Session tag and output; counts into the stats.  The output goes to
 * stdout_sb, but borrowed lines are only referenced: ts_flush writes it
 * all (call it, not out_flush, at the end), and ts_release(lo, hi) must
 * come before borrowed memory in [lo, hi) goes or changes. */
void ts_write(struct tagger *tg, struct tsession *s);
void ts_flush(void);
void ts_release(const char *lo, const char *hi);
/* Copy the held lines that lie in [lo, hi) into the session's pool: the
 * memory they were borrowed from is about to go. */
void ts_unborrow(struct tsession *s, const char *lo, const char *hi);
/* A new file begins: no run of held lines spans two files' memory. */
void ts_seal(struct tsession *s);
void ts_reset(struct tsession *s);
void ts_free(struct tsession *s);
/* One copy per distinct name for the process: equal names, equal
 * pointers (rule names kept by items outlive their sessions). */
const char *tag_intern(const char *s);

/* --- reading a pipe (tagread.c) --------------------------------------- */
/* Lines read into blocks that stay put while held sessions borrow from
 * them: lr_next_nonblank's lines, numbers and diagnostics, without a copy
 * into each session.  A complete line is followed by its newline (or the
 * carriage return of a CRLF) and lies in the block being read when it is
 * returned; blocks go when the caller releases them. */
#define TREAD_BLOCK ((size_t)1 << 20)
struct tblk {
	char *p;
	size_t cap, len;
	uint64_t seq;           /* blocks are numbered in the order read */
	bool mapped;            /* by mmap, not malloc */
	bool arena;             /* carved from an arena (tagread.c) */
	struct tblk *next;
};
struct lreader;
struct tread {
	struct lreader *r;      /* descriptor, limits, line numbers, messages */
	struct tblk *head, *cur;        /* the oldest block kept; the one read */
	struct tblk *spare;     /* blocks given back, for reuse */
	int nspare;
	size_t pos;             /* the next line's start in cur */
	size_t held;            /* bytes of the blocks kept */
	uint64_t seq;           /* the next block's number */
	/* called before a new block is taken: the moment to release the
	 * blocks no held line needs any more */
	void (*over)(void *arg);
	void *arg;
};
/* Take over r (opened, nothing returned yet, maybe peeked into). */
void tread_init(struct tread *t, struct lreader *r);
/* The next line that is not blank: 1, or 0 at the end. */
int tread_next(struct tread *t, char **line, size_t *len);
/* Give back the blocks numbered below seq (never the one being read);
 * what ts_write left to write from them is written first. */
void tread_release(struct tread *t, uint64_t seq);
/* The input is read: the blocks numbered below seq and the spare ones
 * go; the rest stay until tread_free. */
void tread_done(struct tread *t, uint64_t seq);
void tread_free(struct tread *t);

/* --- statistics (tagsess.c) ------------------------------------------ */
struct tcount { char tag[TAG_MAX + 1]; uint64_t n; };
struct tkindstat {
	uint64_t records, matched;
	struct tcount *tags; size_t ntags;
	size_t last;            /* the tag counted last */
};
struct tstats {
	struct tkindstat k[3];          /* session, prompt, llm */
	struct tkindstat human;
	struct { char *id, *text; } samples[30];
	int nsamples;
	uint64_t unmatched_human;
	/* llm tagger */
	uint64_t requests, cache_hits, answered;
	struct { char reason[16]; uint64_t n; } fb[8];
	int nfb;
	/* cluster tagger */
	int clusters;
	double silhouette;
	uint64_t clustered;
};
void stats_fallback(struct tstats *st, const char *reason);
void stats_print(const struct tstats *st, const struct trules *t, const char *tagger);
int stats_json(const struct tstats *st, const char *tagger, const char *path);
void stats_free(struct tstats *st);

/* --- the llama.cpp tagger (tagllm.c) --------------------------------- */
struct tllm_opts {
	const char *url, *model, *cache;
	double timeout;
	int64_t max_uncached;
	bool no_cache;
};
struct tllm *tllm_new(const struct tllm_opts *o, const struct trules *t, struct tstats *st);
/* Ask for the tags of a session's human prompts; failures keep the regex
 * tag with rule llm-fallback:REASON. */
void tllm_session(struct tllm *l, struct tsession *s);
/* Save the cache; 0 or -1 (reported). */
int tllm_free(struct tllm *l);

/* --- the clustering tagger (tagcluster.c) ----------------------------- */
struct tcluster_opts { int kmin, kmax; };
void tcluster(struct tsession **v, size_t n, const struct tcluster_opts *o, struct tstats *st);
#endif
