/* SPDX-License-Identifier: MIT */
/* agent-ledger: keep agent-event(5) records in one file, each record once,
 * however often the same sessions are added (agent-ledger(1) is the
 * reference for the key and the crash rule).
 *
 * The ledger is appended to under an exclusive flock(2) of the file.  Each
 * run reads the whole ledger first: the key of every record (two 64-bit
 * hashes of it, so a false match needs both to collide) and, for model
 * calls, the tokens counted so far and where the call's record is.  A new
 * record is appended; a record whose key is there is left out; a model
 * call seen again with more tokens of some kind gets an update record
 * (agent-event(5) "update") with what to add.  Appends are written in
 * pieces and fsync'd before the lock is released; a run stopped midway
 * leaves whole records and at most one torn last line, which the next
 * run cuts off.  Pruning writes a new file beside the ledger, fsyncs it
 * and renames it over the ledger. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "agents/agent.h"
#include "cli.h"
#include "event.h"
#include "lineio.h"

static const char usage[] =
	"usage: agent-ledger [-v] ledger [file ...]\n"
	"       agent-ledger [-v] --prune-before time ledger\n"
	"       agent-ledger -h | -V\n";

static const char help[] =
	"Add agent-event(5) records to a ledger file, each record once.\n"
	"\n"
	"  -v, --verbose             say on stderr what was added and left out\n"
	"      --prune-before TIME   drop the records before TIME (and keep them\n"
	"                            out of later adds)\n"
	"  -h, --help                print this help and exit\n"
	"  -V, --version             print the version and exit\n";

static const struct cli cli = {usage, help};

#define FLUSH_AT ((size_t)1 << 20)

/* One key: its second hash, the next key with the same first hash, and
 * its model call (index into calls, -1 none). */
struct ent {
	uint64_t h2;
	int64_t next, call;
};

/* A model call in the ledger: where its record is, the tokens the ledger
 * counts for it (its record and its updates), and what this run's input
 * says it has (bat, valid when gen is this input file's). */
struct call {
	int64_t off;
	uint32_t len, gen;
	struct tokens cur, bat;
	bool orphan;            /* the ledger has only updates of it */
};

/* A new session record, written just before the first record of its
 * session that is written (or at the end); a new prompt record before the
 * horizon, written just before the first record of its prompt that is
 * written, else never. */
struct pend {
	char *line;
	size_t len;
	int64_t ts, next;
	bool done;
};

struct ledger {
	const char *path;
	int fd;
	int64_t size;           /* bytes in the file */
	struct sbuf out;        /* appended, not written yet */
	struct hmap idx;        /* first hash -> ent */
	struct ent *e;
	size_t ne, cape;
	struct call *c;
	size_t nc, capc;
	struct hmap pidx;       /* (agent, session) -> first pend */
	struct hmap qidx;       /* (agent, session, prompt) -> a prompt before the horizon */
	struct pend *p;
	size_t np, capp;
	int64_t horizon;        /* records before it are pruned: TS_NONE none */
	uint32_t gen;           /* the input file being read */
	struct sbuf key, line, rd;
	struct jdoc cd;         /* a call's record read back */
	uint64_t nread, added, dup, updates, before;
	bool verbose;
};

static const struct tokens no_tokens;

/* --- keys ------------------------------------------------------------------ */

static bool global_ids(const char *agent)
{
	const struct agent *a = agent ? agent_find(agent, strlen(agent)) : NULL;
	return a && a->global_ids;
}

static void kput(struct sbuf *b, const char *s)
{
	if (s)
		sb_adds(b, s);
	sb_addc(b, 0);
}

/* The key of record e, whose line (without text) is in l->line: session
 * records by agent, session and subagent; records with an id by kind,
 * agent and id, and session and subagent unless the agent's ids are
 * global; records without an id by their whole line. */
static void key_of(struct ledger *l, const struct event *e, uint64_t *h1, uint64_t *h2)
{
	struct sbuf *b = &l->key;
	sb_reset(b);
	kput(b, e->kind);
	kput(b, e->agent);
	if (!strcmp(e->kind, "session")) {
		kput(b, e->session);
		kput(b, e->subagent);
	} else if (e->id) {
		if (!global_ids(e->agent)) {
			kput(b, e->session);
			kput(b, e->subagent);
		}
		kput(b, e->id);
	} else {
		sb_add(b, l->line.p, l->line.len);
	}
	*h1 = hash64(b->p, b->len, 0x1ed9e5);
	*h2 = hash64(b->p, b->len, 0x5ec0dd);
}

static int64_t find(const struct ledger *l, uint64_t h1, uint64_t h2)
{
	int64_t *v = hm_get(&l->idx, h1);
	for (int64_t x = v ? *v : -1; x >= 0; x = l->e[x].next)
		if (l->e[x].h2 == h2)
			return x;
	return -1;
}

static int64_t insert(struct ledger *l, uint64_t h1, uint64_t h2)
{
	bool isnew;
	int64_t *v = hm_put(&l->idx, h1, &isnew);
	GROW(l->e, l->ne, l->cape);
	l->e[l->ne] = (struct ent){h2, isnew ? -1 : *v, -1};
	*v = (int64_t)l->ne;
	return (int64_t)l->ne++;
}

static int64_t new_call(struct ledger *l, int64_t ent, int64_t off, size_t len,
	const struct tokens *t, bool orphan)
{
	GROW(l->c, l->nc, l->capc);
	l->c[l->nc] = (struct call){off, (uint32_t)len, 0, *t, *t, orphan};
	l->e[ent].call = (int64_t)l->nc;
	return (int64_t)l->nc++;
}

static const struct tokens *tokens_of(const struct event *e)
{
	return e->has_tokens ? &e->tokens : &no_tokens;
}

static int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }
static int64_t pos64(int64_t a, int64_t b) { return a > b ? a - b : 0; }

/* a = f(a, b), kind by kind */
static void tk_each(struct tokens *a, const struct tokens *b, int64_t (*f)(int64_t, int64_t))
{
	a->input = f(a->input, b->input);
	a->cache_read = f(a->cache_read, b->cache_read);
	a->cache_write = f(a->cache_write, b->cache_write);
	a->cache_write_1h = f(a->cache_write_1h, b->cache_write_1h);
	a->output = f(a->output, b->output);
	a->reasoning = f(a->reasoning, b->reasoning);
}

static void tk_add(struct tokens *a, const struct tokens *b) { tk_each(a, b, sat_add); }
static void tk_max(struct tokens *a, const struct tokens *b) { tk_each(a, b, max64); }

/* What a has more than b, kind by kind; false when nothing. */
static bool tk_more(const struct tokens *a, const struct tokens *b, struct tokens *d)
{
	*d = *a;
	tk_each(d, b, pos64);
	return d->input | d->cache_read | d->cache_write | d->cache_write_1h | d->output |
		d->reasoning;
}

static bool is(const struct event *e, const char *kind)
{
	return !strcmp(e->kind, kind);
}

/* --- the file ---------------------------------------------------------------- */

/* Open and lock the ledger; a ledger replaced by a prune while this run
 * waited for the lock is opened again. */
static void lock(struct ledger *l)
{
	for (int tries = 0; tries < 100; tries++) {
		l->fd = open(l->path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (l->fd < 0)
			die(2, "%s: cannot open: %s", l->path, errno == ELOOP ?
				"a symbolic link (give the file it points to)" : strerror(errno));
		if (flock(l->fd, LOCK_EX) < 0)
			die(2, "%s: cannot lock: %s", l->path, strerror(errno));
		struct stat a, b;
		if (fstat(l->fd, &a) < 0)
			die(2, "%s: %s", l->path, strerror(errno));
		if (!S_ISREG(a.st_mode))
			die(2, "%s: not a regular file", l->path);
		if (stat(l->path, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev)
			return;
		close(l->fd);
	}
	die(2, "%s: replaced again and again while waiting for its lock", l->path);
}

static void write_out(struct ledger *l)
{
	const char *p = l->out.p;
	size_t n = l->out.len;
	while (n) {
		ssize_t w = pwrite(l->fd, p, n, (off_t)l->size);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			die(2, "%s: cannot write: %s", l->path, w < 0 ? strerror(errno) : "no space");
		p += w, n -= (size_t)w, l->size += w;
	}
	sb_reset(&l->out);
}

/* Append the record e (as in l->line); returns its offset. */
static int64_t append_line(struct ledger *l)
{
	int64_t off = l->size + (int64_t)l->out.len;
	sb_add(&l->out, l->line.p, l->line.len);
	if (l->out.len >= FLUSH_AT)
		write_out(l);
	return off;
}

/* The record of call c, read back into e (valid until the next call). */
static bool read_call(struct ledger *l, const struct call *c, struct event *e)
{
	const char *why;
	sb_reset(&l->rd);
	sb_grow(&l->rd, c->len + 1);
	if (c->off >= l->size) {
		sb_add(&l->rd, l->out.p + (c->off - l->size), c->len);
	} else {
		ssize_t n = pread(l->fd, l->rd.p, c->len, (off_t)c->off);
		if (n != (ssize_t)c->len)
			die(2, "%s: cannot read back the record at byte %lld", l->path,
				(long long)c->off);
		l->rd.len = c->len;
		l->rd.p[c->len] = 0;
	}
	return jparse(&l->cd, l->rd.p, l->rd.len) == 0 && ev_read(&l->cd, e, &why) == 0;
}

/* --- sessions waiting for their first record -------------------------------------- */

static uint64_t sess_key(const char *agent, const char *session)
{
	uint64_t h = hash64(agent ? agent : "", agent ? strlen(agent) : 0, 0x5e55);
	return hash64(session ? session : "", session ? strlen(session) : 0, h);
}

static uint64_t prompt_key(const char *agent, const char *session, const char *prompt)
{
	return hash64(prompt, strlen(prompt), sess_key(agent, session) ^ 0x9e0);
}

static void pend(struct ledger *l, const struct event *e)
{
	bool isnew;
	int64_t *v = is(e, "session") ? hm_put(&l->pidx, sess_key(e->agent, e->session), &isnew)
		: hm_put(&l->qidx, prompt_key(e->agent, e->session, e->id), &isnew);
	GROW(l->p, l->np, l->capp);
	l->p[l->np] = (struct pend){xstrndup(l->line.p, l->line.len), l->line.len, e->ts,
		isnew ? -1 : *v, false};
	*v = (int64_t)l->np++;
}

static void put_pending(struct ledger *l, struct pend *p)
{
	if (p->done)
		return;
	p->done = true;
	sb_add(&l->out, p->line, p->len);
	l->added++;
	if (l->out.len >= FLUSH_AT)
		write_out(l);
}

static void flush_session(struct ledger *l, const char *agent, const char *session)
{
	if (!l->np)
		return;
	int64_t *v = hm_get(&l->pidx, sess_key(agent, session));
	if (!v)
		return;
	/* oldest first: the list runs newest to oldest */
	int64_t x = *v, n = 0;
	for (; x >= 0; x = l->p[x].next)
		n++;
	int64_t *ix = xmalloc((size_t)n * sizeof *ix), k = n;
	for (x = *v; x >= 0; x = l->p[x].next)
		ix[--k] = x;
	for (k = 0; k < n; k++)
		put_pending(l, &l->p[ix[k]]);
	free(ix);
}

/* Before a record of this session and prompt is written. */
static void flush_for(struct ledger *l, const char *agent, const char *session, const char *prompt)
{
	flush_session(l, agent, session);
	int64_t *v = prompt && l->qidx.n ? hm_get(&l->qidx, prompt_key(agent, session, prompt)) : NULL;
	if (v)
		put_pending(l, &l->p[*v]);
}

/* --- reading the ledger ---------------------------------------------------------- */

/* One record of the ledger at off. */
static void known(struct ledger *l, const struct event *e, int64_t off, size_t len)
{
	uint64_t h1, h2;
	key_of(l, e, &h1, &h2);
	int64_t x = find(l, h1, h2);
	if (x < 0)
		x = insert(l, h1, h2);
	if (!is(e, "llm") || !e->id)
		return;
	struct call *c = l->e[x].call >= 0 ? &l->c[l->e[x].call] : NULL;
	if (!c) {
		new_call(l, x, off, len, tokens_of(e), e->update);
	} else if (e->update || c->orphan) {
		tk_add(&c->cur, tokens_of(e));
		if (!e->update)
			c->orphan = false, c->off = off, c->len = (uint32_t)len;
		c->bat = c->cur;
	}
}

/* The horizon line: {"kind":"ledger","ts":TIME}. */
static bool horizon_line(struct ledger *l, const struct event *e)
{
	if (!is(e, "ledger"))
		return false;
	if (e->ts != TS_NONE && (l->horizon == TS_NONE || e->ts > l->horizon))
		l->horizon = e->ts;
	return true;
}

/* Read the ledger: every line through fn(l, e, off, len, arg).  A last
 * line without its newline is a write that was cut short: it is cut off
 * the file (cut) or left out (!cut). */
static void scan(struct ledger *l, bool cut,
	void (*fn)(struct ledger *, const struct event *, const char *, int64_t, size_t, void *),
	void *arg)
{
	struct stat st;
	if (fstat(l->fd, &st) < 0)
		die(2, "%s: %s", l->path, strerror(errno));
	l->size = st.st_size;
	if (!st.st_size)
		return;
	char *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, l->fd, 0);
	if (m == MAP_FAILED)
		die(2, "%s: cannot map: %s", l->path, strerror(errno));
	size_t n = (size_t)st.st_size, end = n;
	while (end > 0 && m[end - 1] != '\n')
		end--;
	if (end < n) {
		diag_warn("%s: the last line has no newline (%zu bytes: a write cut short); %s",
			l->path, n - end, cut ? "cut off" : "left out");
		if (cut) {
			if (ftruncate(l->fd, (off_t)end) < 0)
				die(2, "%s: cannot cut the torn line: %s", l->path, strerror(errno));
			l->size = (int64_t)end;
		}
	}
	struct jdoc d = {0};
	struct event e;
	const char *why;
	uint64_t lineno = 0;
	for (size_t a = 0; a < end;) {
		const char *nl = memchr(m + a, '\n', end - a);
		size_t b = (size_t)(nl - m);
		lineno++;
		size_t k = a;
		while (k < b && (m[k] == ' ' || m[k] == '\t' || m[k] == '\r'))
			k++;
		if (k < b) {
			if (jparse(&d, m + a, b - a) < 0)
				diag_at(l->path, lineno, "not JSON (%s at byte %zu); kept as it is, not read",
					d.err, d.errpos);
			else if (ev_read(&d, &e, &why) < 0)
				diag_at(l->path, lineno, "not an agent-event(5) record: %s; kept as it is, "
					"not read", why);
			else
				fn(l, &e, m + a, (int64_t)a, b - a + 1, arg);
		}
		a = b + 1;
	}
	jdoc_free(&d);
	munmap(m, (size_t)st.st_size);
}

static void load_one(struct ledger *l, const struct event *e, const char *line, int64_t off,
	size_t len, void *arg)
{
	if (horizon_line(l, e))
		return;
	sb_reset(&l->line);
	ev_write(&l->line, e, EVW_NOTEXT);
	known(l, e, off, len - 1);
}

/* --- adding ---------------------------------------------------------------------- */

static void add_call(struct ledger *l, const struct event *e, uint64_t h1, uint64_t h2)
{
	const struct tokens *t = tokens_of(e);
	int64_t x = find(l, h1, h2);
	if (x < 0) {
		flush_for(l, e->agent, e->session, e->prompt);
		x = insert(l, h1, h2);
		int64_t ci = new_call(l, x, append_line(l), l->line.len - 1, t, e->update);
		l->c[ci].gen = l->gen;
		l->added++;
		return;
	}
	if (l->e[x].call < 0) {   /* cannot be: llm keys are made with their calls */
		l->dup++;
		return;
	}
	struct call *c = &l->c[l->e[x].call];
	if (c->gen != l->gen) {
		/* first sight in this input: its tokens; an update without its
		 * call says the call has at least these */
		c->bat = c->cur;
		if (!e->update)
			c->bat = *t;
		else
			tk_max(&c->bat, t);
		c->gen = l->gen;
	} else if (e->update) {
		tk_add(&c->bat, t);
	} else {
		tk_max(&c->bat, t);
	}
	struct tokens need;
	bool more = tk_more(&c->bat, &c->cur, &need);
	if (c->orphan && !e->update) {
		/* the ledger has only updates of this call: write the call,
		 * with what it adds to them */
		struct event w = *e;
		w.tokens = need;
		w.has_tokens = e->has_tokens;
		flush_for(l, e->agent, e->session, e->prompt);
		sb_reset(&l->line);
		ev_write(&l->line, &w, EVW_NOTEXT);
		c->off = append_line(l);
		c->len = (uint32_t)(l->line.len - 1);
		c->orphan = false;
		tk_add(&c->cur, &need);
		l->added++;
		return;
	}
	if (!more) {
		l->dup++;
		return;
	}
	struct event w;
	if (c->off < 0 || !read_call(l, c, &w)) {
		w = *e;
	} else {
		struct event u;
		ev_init(&u);
		u.kind = "llm";
		u.agent = w.agent, u.session = w.session, u.subagent = w.subagent;
		u.subagent_type = w.subagent_type, u.id = w.id, u.parent = w.parent;
		u.prompt = w.prompt, u.model = w.model, u.ts = w.ts;
		w = u;
	}
	w.update = true;
	w.has_tokens = true;
	w.tokens = need;
	w.text = NULL;
	w.ntools = w.ntool_kinds = 0;
	w.duration_ms = EV_NONE;
	flush_for(l, w.agent, w.session, w.prompt);
	sb_reset(&l->line);
	ev_write(&l->line, &w, EVW_NOTEXT);
	append_line(l);
	tk_add(&c->cur, &need);
	l->updates++;
}

static void add(struct ledger *l, const struct event *e)
{
	l->nread++;
	if (is(e, "ledger"))
		return;   /* another ledger's horizon */
	/* before the horizon: nothing but a prompt, and that only when a
	 * record of it after the horizon comes */
	bool early = l->horizon != TS_NONE && e->ts != TS_NONE && e->ts < l->horizon &&
		!is(e, "session");
	if (early && (!is(e, "prompt") || !e->id)) {
		l->before++;
		return;
	}
	sb_reset(&l->line);
	ev_write(&l->line, e, EVW_NOTEXT);
	uint64_t h1, h2;
	key_of(l, e, &h1, &h2);
	if (is(e, "llm") && e->id) {
		add_call(l, e, h1, h2);
		return;
	}
	if (find(l, h1, h2) >= 0) {
		l->dup++;
		return;
	}
	insert(l, h1, h2);
	if (early || is(e, "session")) {
		pend(l, e);
		return;
	}
	flush_for(l, e->agent, e->session, e->prompt);
	append_line(l);
	l->added++;
}

static void add_file(struct ledger *l, const char *path)
{
	struct lreader r;
	struct jdoc d = {0};
	struct event e;
	if (lr_open(&r, path) < 0)
		return;
	l->gen++;
	while (ev_next(&r, &d, &e))
		add(l, &e);
	lr_close(&r);
	jdoc_free(&d);
}

/* The sessions none of whose records came: written now, unless the
 * horizon is past them. */
static void add_done(struct ledger *l)
{
	for (size_t i = 0; i < l->np; i++) {
		struct pend *p = &l->p[i];
		if (p->done)
			continue;
		if (l->horizon != TS_NONE && p->ts != TS_NONE && p->ts < l->horizon) {
			p->done = true;
			l->before++;
			continue;
		}
		put_pending(l, p);
	}
	write_out(l);
	if (fsync(l->fd) < 0)
		die(2, "%s: cannot fsync: %s", l->path, strerror(errno));
}

/* --- pruning -------------------------------------------------------------------------- */

static void horizon_only(struct ledger *l, const struct event *e, const char *line,
	int64_t off, size_t len, void *arg)
{
	horizon_line(l, e);
}

struct prune {
	int64_t before;
	struct hmap keep;       /* (agent, session) with a record kept */
	struct hmap keepq;      /* (agent, session, prompt) with a record kept */
	FILE *tmp;
	bool second;
	uint64_t kept, dropped;
};

static bool pruned(const struct prune *p, const struct event *e)
{
	return e->ts != TS_NONE && e->ts < p->before;
}

static void prune_one(struct ledger *l, const struct event *e, const char *line, int64_t off,
	size_t len, void *arg)
{
	struct prune *p = arg;
	if (is(e, "ledger"))
		return;
	if (!p->second) {
		if (!is(e, "session") && !pruned(p, e)) {
			hm_put(&p->keep, sess_key(e->agent, e->session), NULL);
			if (e->prompt)
				hm_put(&p->keepq, prompt_key(e->agent, e->session, e->prompt), NULL);
		}
		return;
	}
	bool keep = is(e, "session") ? hm_get(&p->keep, sess_key(e->agent, e->session)) != NULL :
		e->prompt ? hm_get(&p->keepq, prompt_key(e->agent, e->session, e->prompt)) != NULL :
		!pruned(p, e);
	if (!keep) {
		p->dropped++;
		return;
	}
	if (fwrite(line, 1, len, p->tmp) != len)
		die(2, "%s: cannot write the pruned copy: %s", l->path, strerror(errno));
	p->kept++;
}

static void prune(struct ledger *l, int64_t before)
{
	struct prune p = {.before = before};
	scan(l, false, horizon_only, NULL);
	if (l->horizon != TS_NONE && l->horizon > before)
		p.before = before = l->horizon;
	scan(l, false, prune_one, &p);
	char *dup = xstrdup(l->path);
	struct sbuf tmpl = {0};
	const char *base = strrchr(l->path, '/');
	sb_printf(&tmpl, "%s/.%s.XXXXXX", dirname(dup), base ? base + 1 : l->path);
	free(dup);
	int fd = mkstemp(tmpl.p);
	if (fd < 0)
		die(2, "%s: cannot make a file beside it: %s", tmpl.p, strerror(errno));
	struct stat st;
	if (fstat(l->fd, &st) == 0)
		fchmod(fd, st.st_mode & 07777);
	if (!(p.tmp = fdopen(fd, "w")))
		die(2, "%s: %s", tmpl.p, strerror(errno));
	char ts[25];
	ts_format(before, ts);
	fprintf(p.tmp, "{\"kind\":\"ledger\",\"ts\":\"%s\"}\n", ts);
	p.second = true;
	scan(l, false, prune_one, &p);
	if (fflush(p.tmp) != 0 || fsync(fileno(p.tmp)) < 0)
		die(2, "%s: cannot write the pruned copy: %s", tmpl.p, strerror(errno));
	fclose(p.tmp);
	if (rename(tmpl.p, l->path) < 0) {
		int err = errno;
		unlink(tmpl.p);
		die(2, "%s: cannot replace it with the pruned copy: %s", l->path, strerror(err));
	}
	/* the rename itself, on disk */
	dup = xstrdup(l->path);
	int dfd = open(dirname(dup), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dup);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	if (l->verbose)
		diag_warn("%s: %llu records kept, %llu before %s dropped", l->path,
			(unsigned long long)p.kept, (unsigned long long)p.dropped, ts);
	sb_free(&tmpl);
	hm_free(&p.keep);
	hm_free(&p.keepq);
}

int main(int argc, char **argv)
{
	enum { O_PRUNE = 256 };
	static const struct option opts[] = {
		{"verbose", no_argument, NULL, 'v'},
		{"prune-before", required_argument, NULL, O_PRUNE},
		CLI_LONGOPTS
	};
	struct ledger l = {.horizon = TS_NONE, .fd = -1};
	int64_t before = TS_NONE;
	int ch;

	diag_init(argv[0]);
	while ((ch = getopt_long(argc, argv, "v" CLI_SHORTOPTS, opts, NULL)) != -1) {
		switch (ch) {
		case 'v': l.verbose = true; break;
		case O_PRUNE:
			if ((before = ts_parse_user(optarg)) == TS_NONE)
				die(2, "--prune-before: not a time: %s", optarg);
			break;
		default: cli_default(&cli, ch);
		}
	}
	if (optind >= argc)
		cli_usage_error(&cli, "no ledger file given");
	l.path = argv[optind++];
	if (before != TS_NONE && optind < argc)
		cli_usage_error(&cli, "--prune-before takes the ledger alone, no input files");
	lock(&l);
	if (before != TS_NONE) {
		prune(&l, before);
		close(l.fd);
		return diag_errors ? 1 : 0;
	}
	scan(&l, true, load_one, NULL);
	struct operands ops;
	operands_init(&ops, argc - optind, argv + optind);
	for (int i = 0; i < ops.n; i++)
		add_file(&l, ops.v[i]);
	add_done(&l);
	close(l.fd);   /* the lock goes with it */
	if (l.verbose)
		diag_warn("%s: %llu records read, %llu added, %llu already there, %llu updates, "
			"%llu before the horizon", l.path, (unsigned long long)l.nread,
			(unsigned long long)l.added, (unsigned long long)l.dup,
			(unsigned long long)l.updates, (unsigned long long)l.before);
	operands_free(&ops);
	for (size_t i = 0; i < l.np; i++)
		free(l.p[i].line);
	free(l.p);
	free(l.e);
	free(l.c);
	hm_free(&l.idx);
	hm_free(&l.pidx);
	hm_free(&l.qidx);
	sb_free(&l.out);
	sb_free(&l.key);
	sb_free(&l.line);
	sb_free(&l.rd);
	jdoc_free(&l.cd);
	return diag_errors ? 1 : 0;
}
