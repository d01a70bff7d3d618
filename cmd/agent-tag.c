/* SPDX-License-Identifier: MIT */
/* agent-tag: short semantic tags for the sessions, prompts and model calls
 * of agent-event(5) records; everything else passes through unchanged. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include "cli.h"
#include "lineio.h"
#include "tag/tag.h"
#include "transcript.h"

static const char usage[] =
	"usage: agent-tag [-t regex | llm | cluster] [-r kind:tag=regex] [--rules file]\n"
	"                 [--no-builtin] [--reply-tags] [--list-rules] [--stats]\n"
	"                 [--stats-json file]\n"
	"                 [--llama-url url] [--model name] [--timeout seconds]\n"
	"                 [--max-uncached n] [--cache file] [--no-cache] [--clusters k]\n"
	"                 [file ...]\n"
	"       agent-tag -h | -V\n";

static const char help[] =
	"Add tags to the session, prompt and llm records of agent-event(5) input.\n"
	"\n"
	"  -t, --tagger TAGGER       regex (default), llm (a llama.cpp server) or\n"
	"                            cluster (TF-IDF k-means over the human prompts)\n"
	"  -r, --tag-rule K:TAG=RE   a rule tried before the built-in ones; K is\n"
	"                            session, prompt, llm or all (repeatable)\n"
	"      --rules FILE          rules from a YAML list of {kind, tag, pattern}\n"
	"      --no-builtin          only the rules given\n"
	"      --reply-tags          replies that confirm or continue (yes, ok, go on)\n"
	"                            keep tags of their own instead of the tag of\n"
	"                            the work they continue\n"
	"      --list-rules          print the rules in the order tried, and exit\n"
	"      --stats               totals, tag shares and unmatched prompts on stderr\n"
	"      --stats-json FILE     the same as JSON into FILE\n"
	"      --llama-url URL       llm: the server (http://127.0.0.1:8080)\n"
	"      --model NAME          llm: the model to ask for, part of the cache key\n"
	"      --timeout SECONDS     llm: per request (10)\n"
	"      --max-uncached N      llm: at most N requests per run; the rest regex\n"
	"      --cache FILE          llm: the answer cache\n"
	"                            ($XDG_CACHE_HOME/agentpprof/tags.json)\n"
	"      --no-cache            llm: neither read nor write the cache\n"
	"      --clusters K          cluster: K clusters, or a range MIN-MAX (2-25)\n"
	"  -h, --help                print this help and exit\n"
	"  -V, --version             print the version and exit\n";

static const struct cli cli = {usage, help};

static bool parse_clusters(const char *s, struct tcluster_opts *o)
{
	int64_t a, b;
	const char *dash = strchr(s, '-');
	char tmp[32];
	if (!dash)
		return parse_i64(s, 1, 200, &a) && (o->kmin = o->kmax = (int)a, true);
	if ((size_t)(dash - s) >= sizeof tmp)
		return false;
	memcpy(tmp, s, (size_t)(dash - s));
	tmp[dash - s] = 0;
	if (!parse_i64(tmp, 1, 200, &a) || !parse_i64(dash + 1, 1, 200, &b) || a > b)
		return false;
	o->kmin = (int)a;
	o->kmax = (int)b;
	return true;
}

static void list_rules(const struct trules *t)
{
	for (int i = 0; i < t->n; i++) {
		const struct trule *r = &t->v[i];
		char kinds[32] = "";
		if (r->kinds & TK_SESSION) strcat(kinds, ",session");
		if (r->kinds & TK_PROMPT) strcat(kinds, ",prompt");
		if (r->kinds & TK_LLM) strcat(kinds, ",llm");
		sb_printf(&stdout_sb, "%s\t%s\t%s\t%s%s\n", r->name, kinds + 1, r->tag,
			r->whole ? "whole text: " : "", r->pattern);
	}
	out_flush();
}

/* Sessions are held until their tags are decided, keyed by session id:
 * a session's records need not be contiguous (a subagent's file read after
 * other sessions, records of several sessions interleaved).  A session is
 * written at the end of the input, or when LIVE_MAX others have been seen
 * since its last record (the least recently used goes first), or when
 * the held lines of all sessions pass HOLD_MAX (again the least recently
 * used goes, never the one being read), so memory is bounded by the
 * number of sessions in flight and by HOLD_MAX, not by the input. */
#define LIVE_MAX 64
#define HOLD_MAX ((size_t)16 << 20)
struct live {
	struct tsession s;
	size_t bytes;           /* its held lines */
	uint64_t key;           /* hash of the session id; 0 none */
	char *id;               /* the session id, raw, when it is short */
	size_t idlen;           /* 0: none kept */
	uint64_t used;          /* when its last record came */
	uint64_t born;          /* when its first record came */
	uint64_t pin;           /* the first read block it borrows lines
	                         * from (tread); NOPIN none */
};
#define NOPIN UINT64_MAX
/* Read blocks kept for held sessions' lines: past this, the lines of the
 * oldest are copied into their sessions and the block goes. */
#define BLOCKS_MAX ((size_t)16 << 20)

struct run {
	struct tagger tg;
	struct live *lv[LIVE_MAX];
	int nlv;
	struct live *cur, *spare;
	size_t held;            /* bytes of lines held, all sessions */
	uint64_t tick;
	struct tsession **all;  /* cluster: every session, in input order */
	size_t nall;
	/* mappings of finished files whose lines held sessions may borrow */
	struct { void *p; size_t n; } keep[64];
	int nkeep;
	struct tread *rd;       /* the pipe being read, if any */
	/* the blocks of the last pipe read, kept while held sessions borrow
	 * lines from them: to the end of the run, or to the next input */
	struct tread *kept;
	/* the bytes of the last line routed to cur from the end of its kind
	 * to the end of its session id: a line with the same there goes to
	 * cur, unparsed (0: none) */
	char front[160];
	size_t nfront;
	const struct live *fowner;
};

static void release_kept(struct run *ru)
{
	for (int i = 0; i < ru->nkeep; i++)
		munmap(ru->keep[i].p, ru->keep[i].n);
	ru->nkeep = 0;
	if (ru->kept) {
		tread_free(ru->kept);   /* what is written from them goes first */
		free(ru->kept);
		ru->kept = NULL;
	}
}

/* Decide and write session i (or, for the cluster tagger, keep it). */
static void session_done(struct run *ru, int i)
{
	struct live *l = ru->lv[i];
	struct tsession *s = &l->s;
	ru->held -= l->bytes;
	l->bytes = 0;
	l->pin = NOPIN;
	ru->lv[i] = ru->lv[--ru->nlv];
	if (ru->cur == l)
		ru->cur = NULL;
	if (ru->fowner == l)
		ru->nfront = 0;
	if (s->nr && ru->tg.cluster) {
		ru->all = xrealloc(ru->all, (ru->nall + 1) * sizeof *ru->all);
		ru->all[ru->nall] = xmalloc(sizeof *s);
		*ru->all[ru->nall++] = *s;
		memset(s, 0, sizeof *s);
	} else if (s->nr) {
		ts_regex(&ru->tg, s);
		if (ru->tg.llm)
			tllm_session(ru->tg.llm, s);
		ts_write(&ru->tg, s);
		ts_reset(s);
	}
	/* one emptied session is kept for its buffers */
	if (ru->spare) {
		ts_free(s);
		free(l->id);
		free(l);
	} else {
		ru->spare = l;
	}
	if (!ru->nlv)
		release_kept(ru);
}

/* The session used least recently, other than but. */
static int least_used(const struct run *ru, const struct live *but)
{
	int old = -1;
	for (int i = 0; i < ru->nlv; i++)
		if (ru->lv[i] != but && (old < 0 || ru->lv[i]->used < ru->lv[old]->used))
			old = i;
	return old;
}

/* Over HOLD_MAX: write the least recently used sessions but the current. */
static void hold_bound(struct run *ru, struct live *cur, size_t len)
{
	cur->bytes += len + 1;
	ru->held += len + 1;
	while (ru->held > HOLD_MAX && ru->nlv > 1)
		session_done(ru, least_used(ru, cur));
}

/* The held session a line belongs to: by its "session" key, else the one
 * the line before went to.  kind: ts_kind_front's. */
static struct live *route(struct run *ru, const char *line, size_t len, size_t *skip, int *kind)
{
	int k = *kind = ts_kind_front(line, len);
	size_t at = k >= 0 ? 9 + ts_kind_len(k) : 0;
	/* most lines go on the session of the line before, written with
	 * the same agent and id: compared, not parsed */
	if (k >= 0 && ru->nfront && ru->cur == ru->fowner && len > at + ru->nfront &&
	    !memcmp(line + at, ru->front, ru->nfront)) {
		*skip = at + ru->nfront;
		ru->cur->used = ++ru->tick;
		return ru->cur;
	}
	const char *v;
	size_t n;
	bool front = ts_session_front(line, len, &v, &n);
	bool has = front || ts_session_raw(line, len, &v, &n);
	/* the keys ts_add looks for come after the session's */
	*skip = front ? (size_t)(v + n + 1 - line) : 0;
	struct live *l = ru->cur;
	if (!(l && has && l->idlen && n == l->idlen && !memcmp(v, l->id, n))) {
		uint64_t key = has ? ts_id_key(v, n) : 0;
		if (!l || (key && l->key != key)) {
			l = NULL;
			for (int i = 0; i < ru->nlv && !l; i++)
				if (ru->lv[i]->key == key)
					l = ru->lv[i];
			if (!l) {
				if (ru->nlv == LIVE_MAX)
					session_done(ru, least_used(ru, NULL));
				l = ru->spare ? ru->spare : xcalloc(1, sizeof *l);
				ru->spare = NULL;
				l->key = key;
				l->born = ru->tick + 1;
				l->pin = NOPIN;
				ru->lv[ru->nlv++] = l;
				l->idlen = 0;
				if (key && n <= 128) {
					l->id = xrealloc(l->id, n ? n : 1);
					memcpy(l->id, v, n);
					l->idlen = n;
				}
			}
		}
	}
	l->used = ++ru->tick;
	ru->cur = l;
	/* what the next line is compared with: only what routed it here by
	 * its id, as the comparison above would */
	ru->nfront = 0;
	if (k >= 0 && front && l->idlen && n == l->idlen && !memcmp(v, l->id, n) &&
	    *skip - at <= sizeof ru->front) {
		ru->nfront = *skip - at;
		memcpy(ru->front, line + at, ru->nfront);
		ru->fowner = l;
	}
	return l;
}

/* The end of the input: the sessions still held, in the order they
 * began, then (cluster tagger) every session at once. */
static void run_finish(struct run *ru, const struct tcluster_opts *co, struct tstats *st)
{
	while (ru->nlv) {
		int first = 0;
		for (int i = 1; i < ru->nlv; i++)
			if (ru->lv[i]->born < ru->lv[first]->born)
				first = i;
		session_done(ru, first);
	}
	if (ru->spare) {
		ts_free(&ru->spare->s);
		free(ru->spare->id);
		free(ru->spare);
		ru->spare = NULL;
	}
	if (ru->tg.cluster) {
		/* clustering needs every prompt before the first tag is known */
		for (size_t i = 0; i < ru->nall; i++)
			ts_regex(&ru->tg, ru->all[i]);
		tcluster(ru->all, ru->nall, co, st);
		for (size_t i = 0; i < ru->nall; i++) {
			ts_write(&ru->tg, ru->all[i]);
			ts_free(ru->all[i]);
			free(ru->all[i]);
		}
		free(ru->all);
		ru->all = NULL;
		ru->nall = 0;
	}
}

/* A new read block is due: give back the blocks no held session borrows
 * from; while they take more than BLOCKS_MAX, and more than twice the
 * bytes of all the lines held, the oldest one's lines are copied into
 * their sessions.  (Blocks at least half held, a long session's, would
 * give back no more memory than the copies take.) */
static void blocks_over(void *arg)
{
	struct run *ru = arg;
	struct tread *t = ru->rd;
	for (;;) {
		uint64_t pin = NOPIN;
		for (int i = 0; i < ru->nlv; i++)
			if (ru->lv[i]->pin < pin)
				pin = ru->lv[i]->pin;
		tread_release(t, pin);
		if (t->held <= BLOCKS_MAX || t->head == t->cur || t->held / 2 <= ru->held)
			return;
		struct tblk *b = t->head;
		for (int i = 0; i < ru->nlv; i++)
			if (ru->lv[i]->pin <= b->seq) {
				ts_unborrow(&ru->lv[i]->s, b->p, b->p + b->cap);
				ru->lv[i]->pin = b->seq + 1;
			}
	}
}

/* The blocks a pipe read before left to held sessions: another input
 * comes, so their lines are copied into them and the blocks go (held
 * memory stays bounded by one pipe's blocks at most). */
static void drop_kept_pipe(struct run *ru)
{
	struct tread *t = ru->kept;
	if (!t)
		return;
	for (int i = 0; i < ru->nlv; i++)
		for (struct tblk *b = t->head; b; b = b->next)
			ts_unborrow(&ru->lv[i]->s, b->p, b->p + b->cap);
	ru->kept = NULL;
	tread_free(t);
	free(t);
}

/* Standard input or a device: lines borrowed from the blocks read. */
static void piped(struct run *ru, struct lreader *r)
{
	struct tread *t = xmalloc(sizeof *t);
	char *line;
	size_t len;
	const char *why;
	tread_init(t, r);
	t->over = blocks_over;
	t->arg = ru;
	ru->rd = t;
	while (tread_next(t, &line, &len)) {
		size_t skip;
		int kind;
		struct live *l = route(ru, line, len, &skip, &kind);
		struct tsession *s = &l->s;
		s->borrow = !r->partial && line[len] == '\n' ? TS_HELD : TS_COPY;
		if (s->borrow && l->pin == NOPIN)
			l->pin = t->cur->seq;
		if (ts_add_kind(s, line, len, skip, kind, &why) < 0)
			lr_warn(r, "json", "%s; line skipped", why);
		s->borrow = TS_COPY;
		hold_bound(ru, l, len);
	}
	ru->rd = NULL;
	/* the sessions still held keep their lines where they lie, in the
	 * blocks from the first one they borrow from on: written from there
	 * at the end (no copy of each into its session, no new pages for
	 * the copies), or copied when another input follows */
	uint64_t pin = NOPIN;
	for (int i = 0; i < ru->nlv; i++) {
		if (ru->lv[i]->pin < pin)
			pin = ru->lv[i]->pin;
		ru->lv[i]->pin = NOPIN;
	}
	if (pin == NOPIN) {
		tread_free(t);
		free(t);
		return;
	}
	tread_done(t, pin);
	ru->kept = t;
}

static void one_file(struct run *ru, const char *path)
{
	struct lreader r;
	char *line;
	size_t len;
	const char *why;
	drop_kept_pipe(ru);
	if (lr_open(&r, path) < 0)
		return;   /* reported and counted */
	/* A regular file is read through a mapping and its lines are held
	 * where they lie, not copied; the cluster tagger holds every session
	 * to the end and reads with read(2). */
	bool mapped = !ru->tg.cluster && lr_map(&r);
	if (transcript_refused(&r, path)) {
		lr_close(&r);
		return;
	}
	for (int i = 0; i < ru->nlv; i++)
		ts_seal(&ru->lv[i]->s);
	if (!mapped && !ru->tg.cluster) {
		piped(ru, &r);
		lr_close(&r);
		return;
	}
	while (lr_next_nonblank(&r, &line, &len)) {
		size_t skip;
		int kind;
		struct live *l = route(ru, line, len, &skip, &kind);
		struct tsession *s = &l->s;
		s->borrow = mapped && !r.partial && line[len] == '\n' ? TS_MAPPED : TS_COPY;
		if (ts_add_kind(s, line, len, skip, kind, &why) < 0)
			lr_warn(&r, "json", "%s; line skipped", why);
		s->borrow = TS_COPY;
		hold_bound(ru, l, len);
	}
	if (mapped && ru->nlv) {
		/* held sessions may go on in the next file: their lines stay
		 * mapped until they are written, or are copied when too many
		 * files are held */
		if (ru->nkeep < (int)(sizeof ru->keep / sizeof *ru->keep)) {
			ru->keep[ru->nkeep].p = (void *)r.map;
			ru->keep[ru->nkeep++].n = r.msize;
			r.map = NULL;
		} else {
			for (int i = 0; i < ru->nlv; i++)
				ts_unborrow(&ru->lv[i]->s, r.map, r.map + r.msize);
		}
	}
	lr_close(&r);
}

int main(int argc, char **argv)
{
	enum { O_RULES = 256, O_NOBUILTIN, O_LIST, O_STATS, O_STATSJSON, O_URL, O_MODEL,
		O_TIMEOUT, O_MAXUNC, O_CACHE, O_NOCACHE, O_CLUSTERS, O_REPLYTAGS };
	static const struct option opts[] = {
		{"tagger", required_argument, NULL, 't'},
		{"tag-rule", required_argument, NULL, 'r'},
		{"rules", required_argument, NULL, O_RULES},
		{"no-builtin", no_argument, NULL, O_NOBUILTIN},
		{"list-rules", no_argument, NULL, O_LIST},
		{"stats", no_argument, NULL, O_STATS},
		{"stats-json", required_argument, NULL, O_STATSJSON},
		{"llama-url", required_argument, NULL, O_URL},
		{"model", required_argument, NULL, O_MODEL},
		{"timeout", required_argument, NULL, O_TIMEOUT},
		{"max-uncached", required_argument, NULL, O_MAXUNC},
		{"cache", required_argument, NULL, O_CACHE},
		{"no-cache", no_argument, NULL, O_NOCACHE},
		{"clusters", required_argument, NULL, O_CLUSTERS},
		{"reply-tags", no_argument, NULL, O_REPLYTAGS},
		CLI_LONGOPTS
	};
	struct trules rules = {0};
	struct tstats st = {0};
	struct tllm_opts lo = {.url = "http://127.0.0.1:8080", .timeout = 10, .max_uncached = -1};
	struct tcluster_opts co = {.kmin = 2, .kmax = 25};
	struct sbuf err = {0};
	const char *tagger = "regex", *statsjson = NULL;
	bool builtin = true, list = false, stats = false, llmopt = false, clusteropt = false;
	bool reply_tags = false;
	int ch;

	diag_init(argv[0]);
	while ((ch = getopt_long(argc, argv, "t:r:" CLI_SHORTOPTS, opts, NULL)) != -1) {
		switch (ch) {
		case 't':
			if (strcmp(optarg, "regex") && strcmp(optarg, "llm") && strcmp(optarg, "cluster"))
				die(2, "--tagger: regex, llm or cluster, not %s", optarg);
			tagger = optarg;
			break;
		case 'r':
			if (tr_add_spec(&rules, optarg, &err) < 0)
				die(2, "%s", err.p);
			break;
		case O_RULES:
			if (tr_load_yaml(&rules, optarg, &err) < 0)
				die(2, "%s", err.p);
			break;
		case O_NOBUILTIN: builtin = false; break;
		case O_REPLYTAGS: reply_tags = true; break;
		case O_LIST: list = true; break;
		case O_STATS: stats = true; break;
		case O_STATSJSON: statsjson = optarg; break;
		case O_URL: lo.url = optarg; llmopt = true; break;
		case O_MODEL: lo.model = optarg; llmopt = true; break;
		case O_TIMEOUT:
			lo.timeout = cli_f64("--timeout", "a number of seconds", optarg, 0.001, 3600);
			llmopt = true;
			break;
		case O_MAXUNC:
			lo.max_uncached = cli_i64("--max-uncached", "a number", optarg, 0, INT64_MAX);
			llmopt = true;
			break;
		case O_CACHE: lo.cache = optarg; llmopt = true; break;
		case O_NOCACHE: lo.no_cache = true; llmopt = true; break;
		case O_CLUSTERS:
			if (!parse_clusters(optarg, &co))
				die(2, "--clusters: a number or a range like 2-25 (at most 200): %s", optarg);
			clusteropt = true;
			break;
		default: cli_default(&cli, ch);
		}
	}
	if (llmopt && strcmp(tagger, "llm"))
		die(2, "--llama-url, --model, --timeout, --max-uncached and the cache options go "
			"with --tagger llm");
	if (clusteropt && strcmp(tagger, "cluster"))
		die(2, "--clusters goes with --tagger cluster");
	if (builtin)
		tr_builtin(&rules);
	if (list) {
		list_rules(&rules);
		tr_free(&rules);
		return 0;
	}
	if (!rules.n)
		die(2, "--no-builtin without --tag-rule or --rules leaves no rules");

	struct run ru = {.tg = {.rules = &rules, .st = &st, .cluster = !strcmp(tagger, "cluster"),
		.reply_tags = reply_tags}};
	if (!strcmp(tagger, "llm"))
		ru.tg.llm = tllm_new(&lo, &rules, &st);
#ifdef F_SETPIPE_SZ
	/* Output to a pipe: 1 MiB of it, as the reader of standard input
	 * asks for its side, so that a write of the 256 KiB buffered is not
	 * cut into four with the reader woken for each (best effort) */
	struct stat sto;
	if (!fstat(1, &sto) && S_ISFIFO(sto.st_mode) && fcntl(1, F_GETPIPE_SZ) < (1 << 20))
		fcntl(1, F_SETPIPE_SZ, 1 << 20);
#endif
	struct operands ops;
	operands_init(&ops, argc - optind, argv + optind);
	for (int i = 0; i < ops.n; i++)
		one_file(&ru, ops.v[i]);
	run_finish(&ru, &co, &st);
	ts_flush();
	if (ru.tg.llm && tllm_free(ru.tg.llm) < 0)
		diag_errors++;
	if (stats)
		stats_print(&st, &rules, tagger);
	if (statsjson && stats_json(&st, tagger, statsjson) < 0)
		diag_errors++;
	stats_free(&st);
	tr_free(&rules);
	sb_free(&err);
	operands_free(&ops);
	return diag_errors ? 1 : 0;
}
