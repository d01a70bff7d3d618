/* SPDX-License-Identifier: MIT */
/* snoop.c: agent-snoop's messages decoded and written as agent-event(5)
 * records (agent-snoop(1) is the reference for what is written when).
 *
 * The state is a table of the processes followed (pid -> parent, name,
 * cwd, the exec waiting for its exit), the file records being aggregated
 * until the next snoop_flush, and the names learnt from DNS answers. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include "event.h"
#include "paths.h"
#include "shell/shell.h"
#include "decode.h"
#include "snoop/tls.h"
#include "snoop/attrib.h"

#define MAX_CHAIN 64
#define MAX_ARGV 32
#define DNS_CACHE 4096

struct proc {
	uint32_t pid, ppid;
	char *name;             /* the image's base name, or the comm */
	char *cwd;              /* NULL when unknown */
	char *exec_id;          /* id of the current image's exec record */
	char *parent_id;        /* the parent's exec id when this one exec'd */
	bool live, root, pending;
	bool https, tls;        /* connected to port 443; TLS plaintext seen */
	int kids;               /* table entries whose ppid is this one */
	/* the exec record waiting for the exit */
	int64_t ts;
	uint64_t ts_ns;
	char *path, *xcwd;
	char **argv;
	int nargv;
	/* --tls: the tool call the process serves (live attribution), in one
	 * allocation: att[0] the call's id ("" none), att[1] its prompt
	 * ("" none), then the candidates of an unresolved process; natt 0:
	 * not decided yet (a fork that has not executed) */
	char **att;
	int natt;
	uint32_t att_agent;     /* the agent process above it */
};

/* pid -> index of struct proc: open addressing with backward-shift
 * deletion, since processes come and go all the time. */
struct ptab {
	uint32_t *key;          /* 0 = empty */
	int32_t *val;
	size_t cap, n;
};

/* A file record being aggregated. */
struct fx {
	int64_t ts;
	uint32_t pid, ppid;
	const char *effect, *status;
	char *path, *to, *id, *parent;   /* in chain's allocation */
	char **chain;           /* one allocation: pointers, then every string */
	int nchain;
	char *call, *cprompt;   /* --tls: the tool call served, its prompt */
	char **cands;           /* ... or the candidates of an unresolved one */
	int ncands;
	int64_t count;
	uint64_t key;
};

struct dnsent {
	uint8_t addr[16];
	int alen;
	char *name;
};

struct snoop {
	struct snoop_opts o;
	struct sbuf *out;
	struct snoop_counts c;
	uint64_t seq;
	struct proc *pr;
	size_t npr, cappr;
	int32_t *freel;
	size_t nfree, capfree;
	struct ptab pt;
	struct fx *fx;
	size_t nfx, capfx;
	struct hmap fxidx;
	struct dnsent dns[DNS_CACHE];
	size_t ndns;
	struct hmap dnsidx;
	struct sbuf tmp, tmp2;
	struct sbuf in1, in2, abs1, abs2;   /* on_file's, kept from one event to the next */
	struct tls *tls;        /* --tls: the model calls on the wire */
	struct attr *attr;      /* --tls: the tool calls open, per agent process */
	char **blind;           /* programs that spoke HTTPS with no TLS seen */
	size_t nblind, capblind;
	uint64_t tls_cut;       /* TLS calls longer than the kernel sent */
};

/* --- decoding ------------------------------------------------------------- */

int snoop_decode(const void *p, size_t n, struct snoop_msg *m, const char **why)
{
	memset(m, 0, sizeof *m);
	if (n < sizeof m->h) {
		*why = "message shorter than its header";
		return -1;
	}
	memcpy(&m->h, p, sizeof m->h);
	const struct snoop_hdr *h = &m->h;
	if (h->type < SNOOP_FORK || h->type >= SNOOP_NTYPES) {
		*why = "unknown message type";
		return -1;
	}
	if (!h->pid) {
		*why = "message without a pid";
		return -1;
	}
	size_t max2 = h->type == SNOOP_EXEC ? SNOOP_ARGS_MAX : SNOOP_PATH_MAX;
	size_t max1 = h->type == SNOOP_DNS ? SNOOP_DNS_MAX : h->type == SNOOP_TLS ? SNOOP_TLS_CHUNK
		: SNOOP_PATH_MAX;
	if (h->len1 > max1 || h->len2 > max2 || sizeof *h + (size_t)h->len1 + h->len2 > n) {
		*why = "string lengths out of range";
		return -1;
	}
	if ((h->type == SNOOP_CONNECT || h->type == SNOOP_LISTEN) &&
	    h->family != AF_INET && h->family != AF_INET6) {
		*why = "address family out of range";
		return -1;
	}
	m->s1 = (const char *)p + sizeof *h;
	m->n1 = h->len1;
	m->s2 = m->s1 + h->len1;
	m->n2 = h->len2;
	return 0;
}

/* --- the process table ------------------------------------------------------ */

static size_t pslot(uint32_t pid, size_t cap)
{
	return (size_t)(pid * 2654435761u) & (cap - 1);
}

static int32_t pt_get(const struct ptab *t, uint32_t pid)
{
	if (!t->cap)
		return -1;
	for (size_t i = pslot(pid, t->cap); t->key[i]; i = (i + 1) & (t->cap - 1))
		if (t->key[i] == pid)
			return t->val[i];
	return -1;
}

static void pt_put(struct ptab *t, uint32_t pid, int32_t v);

static void pt_grow(struct ptab *t)
{
	struct ptab o = *t;
	t->cap = o.cap ? o.cap * 2 : 256;
	t->key = xcalloc(t->cap, sizeof *t->key);
	t->val = xcalloc(t->cap, sizeof *t->val);
	t->n = 0;
	for (size_t i = 0; i < o.cap; i++)
		if (o.key[i])
			pt_put(t, o.key[i], o.val[i]);
	free(o.key);
	free(o.val);
}

static void pt_put(struct ptab *t, uint32_t pid, int32_t v)
{
	if (2 * (t->n + 1) > t->cap)
		pt_grow(t);
	size_t i = pslot(pid, t->cap);
	while (t->key[i] && t->key[i] != pid)
		i = (i + 1) & (t->cap - 1);
	if (!t->key[i])
		t->n++;
	t->key[i] = pid;
	t->val[i] = v;
}

static void pt_del(struct ptab *t, uint32_t pid)
{
	if (!t->cap)
		return;
	size_t m = t->cap - 1, i = pslot(pid, t->cap);
	while (t->key[i] && t->key[i] != pid)
		i = (i + 1) & m;
	if (!t->key[i])
		return;
	t->key[i] = 0;
	t->n--;
	/* shift back the entries that probed past the hole */
	for (size_t j = (i + 1) & m; t->key[j]; j = (j + 1) & m) {
		size_t h = pslot(t->key[j], t->cap);
		if (((j - h) & m) >= ((j - i) & m)) {
			t->key[i] = t->key[j];
			t->val[i] = t->val[j];
			t->key[j] = 0;
			i = j;
		}
	}
}

static struct proc *find(struct snoop *s, uint32_t pid)
{
	int32_t i = pt_get(&s->pt, pid);
	return i < 0 ? NULL : &s->pr[i];
}

static void strv_free(char **v, int n)
{
	for (int i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void pending_clear(struct proc *p)
{
	p->pending = false;
	free(p->path);
	free(p->xcwd);
	free(p->parent_id);
	strv_free(p->argv, p->nargv);
	p->path = p->xcwd = p->parent_id = NULL;
	p->argv = NULL;
	p->nargv = 0;
}

static void proc_clear(struct proc *p)
{
	pending_clear(p);
	free(p->att);
	free(p->name);
	free(p->cwd);
	free(p->exec_id);
	memset(p, 0, sizeof *p);
}

/* A fresh entry for pid (an old one of a reused pid is reset). */
static struct proc *proc_new(struct snoop *s, uint32_t pid, uint32_t ppid, const char *name,
	const char *cwd)
{
	struct proc *p = find(s, pid);
	if (p) {
		int kids = p->kids;
		struct proc *old = p->ppid != p->pid ? find(s, p->ppid) : NULL;
		if (old && old->kids > 0)
			old->kids--;
		proc_clear(p);
		p->kids = kids;
	} else {
		int32_t i;
		if (s->nfree)
			i = s->freel[--s->nfree];
		else {
			if (s->npr == s->cappr) {
				s->cappr = s->cappr ? s->cappr * 2 : 256;
				s->pr = xrealloc(s->pr, s->cappr * sizeof *s->pr);
			}
			i = (int32_t)s->npr++;
		}
		p = &s->pr[i];
		memset(p, 0, sizeof *p);
		pt_put(&s->pt, pid, i);
	}
	p->pid = pid;
	p->ppid = ppid;
	p->live = true;
	p->name = xstrdup(name && *name ? name : "?");
	p->cwd = cwd ? xstrdup(cwd) : NULL;
	struct proc *pp = ppid != pid ? find(s, ppid) : NULL;
	if (pp)
		pp->kids++;
	s->c.processes++;
	return p;
}

/* Forget dead processes nobody's chain needs any more. */
static void proc_reap(struct snoop *s, struct proc *p)
{
	for (int guard = 0; p && !p->live && p->kids <= 0 && guard < MAX_CHAIN; guard++) {
		uint32_t pid = p->pid, ppid = p->ppid;
		int32_t i = pt_get(&s->pt, pid);
		proc_clear(p);
		pt_del(&s->pt, pid);
		if (s->nfree == s->capfree) {
			s->capfree = s->capfree ? s->capfree * 2 : 256;
			s->freel = xrealloc(s->freel, s->capfree * sizeof *s->freel);
		}
		s->freel[s->nfree++] = i;
		p = ppid != pid ? find(s, ppid) : NULL;
		if (p && p->kids > 0)
			p->kids--;
	}
}

/* The process of a message, made up from the header when its fork was
 * never seen (a root picked by -c, or a fork lost to a full buffer). */
static struct proc *proc_of(struct snoop *s, const struct snoop_hdr *h)
{
	struct proc *p = find(s, h->pid);
	if (p)
		return p;
	char comm[SNOOP_COMM_LEN + 1];
	memcpy(comm, h->comm, SNOOP_COMM_LEN);
	comm[SNOOP_COMM_LEN] = 0;
	const char *cwd = NULL;
	struct proc *pp = find(s, h->ppid);
	sb_reset(&s->tmp);
	if (s->o.cwd_of && s->o.cwd_of(h->pid, &s->tmp))
		cwd = s->tmp.p;
	else if (pp)
		cwd = pp->cwd;
	return proc_new(s, h->pid, h->ppid, comm, cwd);
}

/* The chain of names from the root of p's tree down to p; below process
 * stop when it is above p (the agent, whose tool call heads the chain). */
static int chain_below(struct snoop *s, struct proc *p, const char **v, uint32_t stop)
{
	const char *up[MAX_CHAIN];
	int n = 0;
	for (struct proc *q = p; q && n < MAX_CHAIN;) {
		if (q != p && q->pid == stop)
			break;
		up[n++] = q->name;
		if (q->root || q->ppid == q->pid)
			break;
		q = find(s, q->ppid);
	}
	for (int i = 0; i < n; i++)
		v[i] = up[n - 1 - i];
	return n;
}

static int chain(struct snoop *s, struct proc *p, const char **v)
{
	return chain_below(s, p, v, 0);
}

/* --- live attribution (--tls) ---------------------------------------------------- */

/* What an effect served, and the agent above it. */
struct served {
	struct attr_pick k;
	uint32_t agent;
};

static char **strv_pack(const char **v, int n);

/* The nearest agent at or above p, 0 none. */
static uint32_t agent_above(struct snoop *s, struct proc *p)
{
	for (int guard = 0; p && guard < MAX_CHAIN; guard++) {
		if (attr_agent(s->attr, p->pid))
			return p->pid;
		if (p->root || p->ppid == p->pid)
			break;
		p = find(s, p->ppid);
	}
	return 0;
}

static void att_set(struct proc *p, const struct served *w)
{
	const char *v[ATTR_OPEN_MAX + 2];
	v[0] = w->k.call ? w->k.call : "";
	v[1] = w->k.prompt ? w->k.prompt : "";
	for (int i = 0; i < w->k.ncands; i++)
		v[2 + i] = w->k.cands[i];
	free(p->att);
	p->att = strv_pack(v, 2 + w->k.ncands);
	p->natt = 2 + w->k.ncands;
	p->att_agent = w->agent;
}

static void att_get(const struct proc *p, struct served *w)
{
	memset(w, 0, sizeof *w);
	if (!p->natt)
		return;
	w->k.call = *p->att[0] ? p->att[0] : NULL;
	w->k.prompt = *p->att[1] ? p->att[1] : NULL;
	w->k.cands = (const char *const *)p->att + 2;
	w->k.ncands = p->natt - 2;
	w->agent = p->att_agent;
}

/* An exec: the process serves the call whose command it runs (or the
 * one call open, or is unresolved among them), or none when no call is
 * open; a process that serves a call, or none, already (lineage: what a
 * helper started outside the calls runs is never theirs) keeps it. */
static void served_exec(struct snoop *s, struct proc *p)
{
	if (!s->attr || (p->natt && (*p->att[0] || p->natt == 2)) || attr_agent(s->attr, p->pid))
		return;
	struct served w = {0};
	struct proc *pp = p->root ? NULL : find(s, p->ppid);
	w.agent = pp ? agent_above(s, pp) : 0;
	if (w.agent)
		attr_exec(s->attr, w.agent, (const char *const *)p->argv, p->nargv, p->xcwd, &w.k);
	if (!w.k.call && !w.k.ncands && p->natt)
		return;   /* unresolved, and no better now */
	att_set(p, &w);
}

/* A file effect on path (NULL: a connection) of p. */
static void served_effect(struct snoop *s, struct proc *p, const char *path, struct served *w)
{
	memset(w, 0, sizeof *w);
	if (!s->attr || !attr_any(s->attr))
		return;
	if (attr_agent(s->attr, p->pid)) {   /* the agent's own work: by path */
		w->agent = p->pid;
		attr_effect(s->attr, p->pid, path, true, &w->k);
		return;
	}
	if (p->natt) {
		att_get(p, w);
		if (w->k.call || !w->k.ncands || !w->agent || !path)
			return;
		/* unresolved: a path only one candidate names decides */
		struct served x = {.agent = w->agent};
		attr_effect(s->attr, w->agent, path, true, &x.k);
		if (x.k.call)
			*w = x;
		return;
	}
	w->agent = agent_above(s, p);
	if (w->agent)
		attr_effect(s->attr, w->agent, path, false, &w->k);
}

/* The record's parent, prompt, unresolved candidates and chain for what
 * it served (none: as it was). */
static void served_put(struct snoop *s, struct proc *p, const struct served *w, struct event *e,
	const char **v)
{
	if (!w->k.call && !w->k.ncands)
		return;
	if (w->k.call)
		e->parent = w->k.call;
	else
		e->unresolved = (const char **)w->k.cands, e->nunresolved = w->k.ncands;
	if (w->k.prompt)
		e->prompt = w->k.prompt;
	e->nprocess = chain_below(s, p, v, w->agent);
	e->process = v;
}

/* --- records -------------------------------------------------------------- */

/* "SESSION:N", the next N (one for every record: no snprintf) */
static void new_id(struct snoop *s, char *buf, size_t cap)
{
	char num[24];
	int k = sizeof num;
	uint64_t n = ++s->seq;
	do
		num[--k] = (char)('0' + n % 10);
	while ((n /= 10) && k > 0);
	size_t sl = strlen(s->o.session), nl = sizeof num - (size_t)k;
	if (sl + 1 + nl + 1 > cap)
		sl = cap > nl + 2 ? cap - nl - 2 : 0;
	memcpy(buf, s->o.session, sl);
	buf[sl] = ':';
	memcpy(buf + sl + 1, num + k, nl);
	buf[sl + 1 + nl] = 0;
}

static int64_t ms_of(const struct snoop *s, uint64_t ns)
{
	return (int64_t)(ns / 1000000) + s->o.clock_ms;
}

static void base_event(struct snoop *s, struct event *e, const char *kind)
{
	ev_init(e);
	e->kind = kind;
	e->agent = "snoop";
	e->session = s->o.session;
}

static void write_exec(struct snoop *s, struct proc *p, const char *status, int64_t exit,
	int64_t dur)
{
	const char *v[MAX_CHAIN];
	struct event e;
	base_event(s, &e, "effect");
	e.ts = p->ts;
	e.id = p->exec_id;
	e.parent = p->parent_id;
	e.cwd = p->xcwd;
	e.status = status;
	e.exit = exit;
	e.duration_ms = dur;
	e.effect = "exec";
	e.class = shell_class((const char *const *)p->argv, p->nargv);
	e.nprocess = chain(s, p, v);
	e.process = v;
	struct served w;
	att_get(p, &w);
	served_put(s, p, &w, &e, v);
	e.argv = (const char **)p->argv;
	e.nargv = p->nargv;
	e.path = p->path;
	e.pid = p->pid;
	e.ppid = p->ppid;
	ev_write(s->out, &e, 0);
	s->c.execs++;
	pending_clear(p);
}

/* Resolve path of process p against dirfd (AT_FDCWD: its cwd) into b. */
static const char *resolve(struct snoop *s, struct proc *p, int dirfd, const char *path,
	struct sbuf *b)
{
	sb_reset(b);
	if (!*path)
		return NULL;
	const char *dir = NULL;
	if (path[0] != '/') {
		if (dirfd == SNOOP_AT_FDCWD)
			dir = p->cwd;
		else if (s->o.fd_path) {
			sb_reset(&s->tmp2);
			if (s->o.fd_path(p->pid, dirfd, &s->tmp2) && s->tmp2.p[0] == '/')
				dir = s->tmp2.p;
		}
		if (!dir) {
			sb_adds(b, path);   /* relative, as the process gave it */
			return b->p;
		}
	}
	if (!path_norm(b, path, dir)) {
		sb_reset(b);
		sb_adds(b, path);
	}
	return b->p;
}

static char **strv_pack(const char **v, int n)
{
	size_t sz = (size_t)n * sizeof(char *);
	for (int i = 0; i < n; i++)
		sz += strlen(v[i]) + 1;
	char **r = xmalloc(sz ? sz : 1);
	char *q = (char *)(r + n);
	for (int i = 0; i < n; i++) {
		size_t l = strlen(v[i]) + 1;
		memcpy(q, v[i], l);
		r[i] = q;
		q += l;
	}
	return r;
}

static void file_event(struct snoop *s, struct proc *p, const struct snoop_hdr *h,
	const char *effect, const char *path, const char *to)
{
	const char *status = h->ret < 0 ? "error" : "ok";
	s->c.files++;
	struct served w;
	served_effect(s, p, path, &w);
	/* what it served is part of what makes two events the same */
	const char *call = w.k.call ? w.k.call : w.k.ncands ? w.k.cands[0] : "";
	sb_reset(&s->tmp);
	sb_adds(&s->tmp, call);
	sb_addc(&s->tmp, 0);
	sb_add(&s->tmp, &p->pid, sizeof p->pid);
	sb_adds(&s->tmp, effect);
	sb_addc(&s->tmp, 0);
	sb_adds(&s->tmp, status);
	sb_addc(&s->tmp, 0);
	sb_adds(&s->tmp, path);
	sb_addc(&s->tmp, 0);
	if (to)
		sb_adds(&s->tmp, to);
	uint64_t key = hash64(s->tmp.p, s->tmp.len, 0x5e00b);
	bool ins;
	int64_t *slot = hm_put(&s->fxidx, key, &ins);
	if (!ins) {
		struct fx *f = &s->fx[*slot];
		const char *fcall = f->call ? f->call : f->ncands ? f->cands[0] : "";
		if (f->pid == p->pid && !strcmp(f->effect, effect) && !strcmp(f->path, path) &&
		    !strcmp(f->status, status) && !strcmp(f->to ? f->to : "", to ? to : "") &&
		    !strcmp(fcall, call) && f->ncands == w.k.ncands) {
			f->count++;
			return;
		}
	}
	if (s->nfx == s->capfx) {
		s->capfx = s->capfx ? s->capfx * 2 : 256;
		s->fx = xrealloc(s->fx, s->capfx * sizeof *s->fx);
	}
	*slot = (int64_t)s->nfx;
	struct fx *f = &s->fx[s->nfx++];
	memset(f, 0, sizeof *f);
	char id[256];
	new_id(s, id, sizeof id);
	const char *v[MAX_CHAIN + 6 + ATTR_OPEN_MAX];
	f->ts = ms_of(s, h->ts);
	f->pid = p->pid;
	f->ppid = p->ppid;
	f->effect = effect;
	f->status = status;
	/* the chain and the strings in one allocation: an event costs one
	 * malloc and one free */
	bool served = w.k.call || w.k.ncands;
	int n = served ? chain_below(s, p, v, w.agent) : chain(s, p, v);
	const char *more[6] = {path, to, id, p->exec_id, w.k.call, w.k.prompt};
	for (int i = 0; i < 6; i++)
		v[n + i] = more[i] ? more[i] : "";
	for (int i = 0; i < w.k.ncands; i++)
		v[n + 6 + i] = w.k.cands[i];
	f->chain = strv_pack(v, n + 6 + w.k.ncands);
	f->nchain = n;
	f->path = f->chain[n];
	f->to = to ? f->chain[n + 1] : NULL;
	f->id = f->chain[n + 2];
	f->parent = p->exec_id ? f->chain[n + 3] : NULL;
	f->call = w.k.call ? f->chain[n + 4] : NULL;
	f->cprompt = w.k.prompt ? f->chain[n + 5] : NULL;
	f->cands = w.k.ncands ? f->chain + n + 6 : NULL;
	f->ncands = w.k.ncands;
	f->count = 1;
	f->key = key;
}

void snoop_flush(struct snoop *s)
{
	for (size_t i = 0; i < s->nfx; i++) {
		struct fx *f = &s->fx[i];
		struct event e;
		base_event(s, &e, "effect");
		e.ts = f->ts;
		e.id = f->id;
		e.parent = f->call ? f->call : f->parent;
		e.prompt = f->cprompt;
		e.unresolved = (const char **)f->cands;
		e.nunresolved = f->ncands;
		e.status = f->status;
		e.effect = f->effect;
		e.process = (const char **)f->chain;
		e.nprocess = f->nchain;
		e.path = f->path;
		e.to = f->to;
		e.pid = f->pid;
		e.ppid = f->ppid;
		if (f->count > 1)
			e.count = f->count;
		ev_write(s->out, &e, 0);
		free(f->chain);
	}
	s->nfx = 0;
	hm_clear(&s->fxidx);
}

/* --- network ---------------------------------------------------------------- */

static uint64_t addr_key(const uint8_t *a, int alen)
{
	return hash64(a, (size_t)alen, 0xd45);
}

static void dns_learn(void *arg, const char *name, const uint8_t *addr, int alen)
{
	struct snoop *s = arg;
	bool ins;
	int64_t *slot = hm_put(&s->dnsidx, addr_key(addr, alen), &ins);
	struct dnsent *d;
	if (!ins && (d = &s->dns[*slot % DNS_CACHE])->alen == alen &&
	    !memcmp(d->addr, addr, (size_t)alen)) {
		free(d->name);      /* the latest answer wins */
	} else {
		/* a ring: the oldest name makes room; its stale index entry
		 * is caught by the address comparison in dns_name */
		*slot = (int64_t)(s->ndns++ % DNS_CACHE);
		d = &s->dns[*slot];
		free(d->name);
		memcpy(d->addr, addr, (size_t)alen);
		d->alen = alen;
	}
	d->name = xstrdup(name);
}

static const char *dns_name(struct snoop *s, const uint8_t *addr, int alen)
{
	int64_t *slot = hm_get(&s->dnsidx, addr_key(addr, alen));
	if (!slot)
		return NULL;
	struct dnsent *d = &s->dns[*slot % DNS_CACHE];
	return d->name && d->alen == alen && !memcmp(d->addr, addr, (size_t)alen) ? d->name : NULL;
}

static void net_event(struct snoop *s, struct proc *p, const struct snoop_hdr *h, const char *class)
{
	static const uint8_t v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	const uint8_t *a = h->addr;
	int alen = 16, af = AF_INET6;
	if (h->family == AF_INET)
		alen = 4, af = AF_INET;
	else if (!memcmp(a, v4mapped, 12))
		a += 12, alen = 4, af = AF_INET;
	char host[INET6_ADDRSTRLEN];
	if (!inet_ntop(af, a, host, sizeof host))
		snprintf(host, sizeof host, "unknown");
	const char *name = dns_name(s, a, alen);
	char id[256];
	new_id(s, id, sizeof id);
	const char *v[MAX_CHAIN];
	struct event e;
	base_event(s, &e, "effect");
	e.ts = ms_of(s, h->ts);
	e.id = id;
	e.parent = p->exec_id;
	e.status = h->ret < 0 ? "error" : "ok";
	e.effect = "net";
	e.class = class;
	e.nprocess = chain(s, p, v);
	e.process = v;
	struct served w;
	served_effect(s, p, NULL, &w);
	served_put(s, p, &w, &e, v);
	e.domain = name ? name : host;
	e.port = h->port;
	e.pid = p->pid;
	e.ppid = p->ppid;
	ev_write(s->out, &e, 0);
	s->c.net++;
	if (h->port == 443 && !strcmp(class, "net"))
		p->https = true;
}

/* --- DNS answers ------------------------------------------------------------ */

/* Read a possibly compressed name at *off into out (lower case, dots). */
static bool dns_name_at(const uint8_t *m, size_t n, size_t *off, char *out, size_t cap)
{
	size_t o = *off, len = 0;
	bool jumped = false;
	for (int hops = 0; hops < 64; hops++) {
		if (o >= n)
			return false;
		uint8_t l = m[o];
		if (l == 0) {
			if (!jumped)
				*off = o + 1;
			if (len && out[len - 1] == '.')
				len--;
			out[len] = 0;
			return true;
		}
		if ((l & 0xc0) == 0xc0) {
			if (o + 1 >= n)
				return false;
			if (!jumped)
				*off = o + 2;
			jumped = true;
			o = ((size_t)(l & 0x3f) << 8) | m[o + 1];
			continue;
		}
		if (l & 0xc0 || o + 1 + l > n || len + l + 2 > cap)
			return false;
		for (size_t i = 0; i < l; i++) {
			char c = (char)m[o + 1 + i];
			out[len++] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
		}
		out[len++] = '.';
		o += 1 + (size_t)l;
	}
	return false;
}

int snoop_dns(const void *p, size_t n,
	void (*fn)(void *arg, const char *name, const uint8_t *addr, int alen), void *arg)
{
	const uint8_t *m = p;
	if (n < 12 || !(m[2] & 0x80))
		return -1;      /* not a response */
	unsigned qd = (unsigned)m[4] << 8 | m[5], an = (unsigned)m[6] << 8 | m[7];
	size_t off = 12;
	char q[256], name[256];
	q[0] = 0;
	for (unsigned i = 0; i < qd; i++) {
		if (!dns_name_at(m, n, &off, i ? name : q, sizeof q) || off + 4 > n)
			return -1;
		off += 4;
	}
	if (!q[0])
		return -1;
	int found = 0;
	for (unsigned i = 0; i < an; i++) {
		if (!dns_name_at(m, n, &off, name, sizeof name) || off + 10 > n)
			break;
		unsigned type = (unsigned)m[off] << 8 | m[off + 1];
		size_t rdlen = (size_t)m[off + 8] << 8 | m[off + 9];
		off += 10;
		if (off + rdlen > n)
			break;
		/* the name asked, not the end of a CNAME chain: that is what
		 * the program meant to reach */
		if ((type == 1 && rdlen == 4) || (type == 28 && rdlen == 16)) {
			if (fn)
				fn(arg, q, m + off, (int)rdlen);
			found++;
		}
		off += rdlen;
	}
	return found;
}

/* --- messages --------------------------------------------------------------- */

static void proc_exec(struct snoop *s, struct proc *p, const struct snoop_msg *m)
{
	if (p->pending)     /* exec again: the old image is done, its end unknown */
		write_exec(s, p, NULL, EV_NONE, EV_NONE);
	char *file = xstrndup(m->s1, m->n1);
	const char *words[MAX_ARGV];
	int n = 0;
	char *args = xmalloc(m->n2 + 1);
	memcpy(args, m->s2, m->n2);
	args[m->n2] = 0;
	for (size_t i = 0; i < m->n2 && n < MAX_ARGV;) {
		words[n++] = args + i;
		i += strlen(args + i) + 1;
	}
	if (!n)
		words[n++] = file;
	p->argv = xcalloc((size_t)n, sizeof *p->argv);
	for (int i = 0; i < n; i++)
		p->argv[i] = xstrdup(words[i]);
	p->nargv = n;
	free(args);
	if (!p->cwd && s->o.cwd_of) {
		sb_reset(&s->tmp);
		if (s->o.cwd_of(p->pid, &s->tmp))
			p->cwd = xstrdup(s->tmp.p);
	}
	const char *abs = resolve(s, p, SNOOP_AT_FDCWD, file, &s->tmp2);
	p->path = abs ? xstrdup(abs) : NULL;
	p->xcwd = p->cwd ? xstrdup(p->cwd) : NULL;
	free(p->name);
	p->name = xstrdup(*file ? path_base(file) : p->argv[0]);
	free(file);
	if (m->h.flags & SNOOP_F_ROOT)
		p->root = true;
	struct proc *pp = p->root ? NULL : find(s, p->ppid);
	p->parent_id = pp && pp->exec_id ? xstrdup(pp->exec_id) : NULL;
	char id[256];
	new_id(s, id, sizeof id);
	free(p->exec_id);
	p->exec_id = xstrdup(id);
	p->ts = ms_of(s, m->h.ts);
	p->ts_ns = m->h.ts;
	p->pending = true;
	served_exec(s, p);
}

/* A program that spoke HTTPS but whose TLS was not seen: its TLS library
 * is not one uprobes reach (Bun's and rustls' are static and stripped). */
static void blind_check(struct snoop *s, const struct proc *p)
{
	if (!s->tls || !p->https || p->tls)
		return;
	const char *name = p->name ? p->name : "?";
	for (size_t i = 0; i < s->nblind; i++)
		if (!strcmp(s->blind[i], name))
			return;
	GROW(s->blind, s->nblind, s->capblind);
	s->blind[s->nblind++] = xstrdup(name);
}

static void proc_exit(struct snoop *s, struct proc *p, const struct snoop_hdr *h)
{
	blind_check(s, p);
	if (s->tls)
		tls_exit(s->tls, p->pid);
	if (s->attr)
		attr_exit(s->attr, p->pid);
	if (p->pending) {
		int64_t st = h->ret, exit;
		if (st & 0x7f)
			exit = 128 + (st & 0x7f);
		else
			exit = (st >> 8) & 0xff;
		int64_t dur = h->ts >= p->ts_ns ? (int64_t)((h->ts - p->ts_ns) / 1000000) : 0;
		write_exec(s, p, exit ? "error" : "ok", exit, dur);
	}
	p->live = false;
	proc_reap(s, p);
}

static void on_chdir(struct snoop *s, struct proc *p, const struct snoop_msg *m)
{
	char *path = xstrndup(m->s1, m->n1);
	const char *dir = NULL;
	if (path[0] == '/' || p->cwd) {
		sb_reset(&s->tmp2);
		if (path_norm(&s->tmp2, path, p->cwd))
			dir = s->tmp2.p;
	}
	free(p->cwd);
	p->cwd = dir && dir[0] == '/' ? xstrdup(dir) : NULL;
	free(path);
}

static void on_fchdir(struct snoop *s, struct proc *p, int fd)
{
	free(p->cwd);
	p->cwd = NULL;
	sb_reset(&s->tmp2);
	if (s->o.fd_path && s->o.fd_path(p->pid, fd, &s->tmp2) && s->tmp2.p[0] == '/')
		p->cwd = xstrdup(s->tmp2.p);
}

static void on_file(struct snoop *s, struct proc *p, const struct snoop_msg *m)
{
	const struct snoop_hdr *h = &m->h;
	sb_reset(&s->in1);
	sb_add(&s->in1, m->s1, strnlen(m->s1, m->n1));
	const char *p1 = s->in1.p ? s->in1.p : "";
	const char *path = resolve(s, p, h->dirfd, p1, &s->abs1), *to = NULL;
	const char *effect = "read";
	switch (h->type) {
	case SNOOP_OPEN:
		if ((h->flags & O_ACCMODE) != O_RDONLY || h->flags & (O_CREAT | O_TRUNC))
			effect = "write";
		break;
	case SNOOP_UNLINK:
		effect = "delete";
		break;
	case SNOOP_MKDIR:
		effect = "write";
		break;
	case SNOOP_RENAME:
		effect = "rename";
		sb_reset(&s->in2);
		sb_add(&s->in2, m->s2, strnlen(m->s2, m->n2));
		to = resolve(s, p, h->dirfd2, s->in2.p ? s->in2.p : "", &s->abs2);
		if (!to)
			to = "";
		break;
	}
	if (path)
		file_event(s, p, h, effect, path, to);
}

void snoop_feed(struct snoop *s, const struct snoop_msg *m)
{
	const struct snoop_hdr *h = &m->h;
	if (h->type == SNOOP_FORK) {
		/* a fork of itself would hand proc_new the strings it frees */
		struct proc *pp = h->pid != h->ppid ? find(s, h->ppid) : NULL;
		struct proc *p = proc_new(s, h->pid, h->ppid, pp ? pp->name : NULL,
			pp ? pp->cwd : NULL);
		pp = find(s, h->ppid);  /* proc_new may have moved the table */
		/* a fork runs its parent's image until it executes its own */
		if (pp && pp->exec_id)
			p->exec_id = xstrdup(pp->exec_id);
		/* and serves its parent's tool call (an agent's fork decides
		 * when it executes) */
		if (pp && pp->natt && !(s->attr && attr_agent(s->attr, pp->pid))) {
			struct served w;
			att_get(pp, &w);
			att_set(p, &w);
		}
		if (!pp) {
			char comm[SNOOP_COMM_LEN + 1];
			memcpy(comm, h->comm, SNOOP_COMM_LEN);
			comm[SNOOP_COMM_LEN] = 0;
			free(p->name);
			p->name = xstrdup(*comm ? comm : "?");
		}
		return;
	}
	if (h->type == SNOOP_DNS) {
		snoop_dns(m->s1, m->n1, dns_learn, s);
		return;
	}
	if (h->type == SNOOP_TLS) {
		if (!s->tls)
			return;
		struct proc *tp = find(s, h->pid);
		if (tp)
			tp->tls = true;
		/* the first chunk of a call longer than the chunks sent */
		if (!h->dirfd && (uint64_t)h->ret > (uint64_t)SNOOP_TLS_CHUNKS * SNOOP_TLS_CHUNK)
			s->tls_cut++;
		tls_data(s->tls, h->pid, h->conn, h->flags & SNOOP_F_READ, m->s1, m->n1,
			ms_of(s, h->ts));
		/* the last chunk sent of a longer call: the rest is lost */
		if (h->dirfd == SNOOP_TLS_CHUNKS - 1 &&
			(uint64_t)h->ret > (uint64_t)SNOOP_TLS_CHUNKS * SNOOP_TLS_CHUNK)
			tls_gap(s->tls, h->pid, h->conn, h->flags & SNOOP_F_READ,
				(uint64_t)h->ret - (uint64_t)SNOOP_TLS_CHUNKS * SNOOP_TLS_CHUNK);
		return;
	}
	struct proc *p = proc_of(s, h);
	switch (h->type) {
	case SNOOP_EXEC:
		proc_exec(s, p, m);
		break;
	case SNOOP_EXIT:
		proc_exit(s, p, h);
		break;
	case SNOOP_CHDIR:
		on_chdir(s, p, m);
		break;
	case SNOOP_FCHDIR:
		on_fchdir(s, p, h->dirfd);
		break;
	case SNOOP_CONNECT:
		net_event(s, p, h, "net");
		break;
	case SNOOP_LISTEN:
		net_event(s, p, h, "listen");
		break;
	default:
		on_file(s, p, m);
		break;
	}
}

/* --- the run ------------------------------------------------------------------ */

/* A record of the model calls read off TLS: the run's agent and session. */
static void tls_emit(void *arg, const struct event *e0)
{
	struct snoop *s = arg;
	struct event e = *e0;
	e.agent = "snoop";
	e.session = s->o.session;
	ev_write(s->out, &e, s->o.notext ? EVW_NOTEXT : 0);
}

/* The tool calls a response asked an agent process for, and the results
 * its next request sends back: the windows of live attribution. */
static void tls_calls(void *arg, uint32_t pid, const char *prompt, const struct tls_call *v,
	int n, int64_t ts)
{
	struct snoop *s = arg;
	struct proc *p = find(s, pid);
	attr_calls(s->attr, pid, p ? p->cwd : NULL, prompt, v, n);
}

static void tls_results(void *arg, uint32_t pid, const struct tls_result *v, int n, int64_t ts)
{
	struct snoop *s = arg;
	attr_results(s->attr, pid, v, n);
}

struct snoop *snoop_new(const struct snoop_opts *o, struct sbuf *out)
{
	struct snoop *s = xcalloc(1, sizeof *s);
	s->o = *o;
	s->o.session = xstrdup(o->session ? o->session : "snoop");
	s->out = out;
	if (o->tls) {
		s->tls = tls_new(o->notext, tls_emit, s);
		s->attr = attr_new();
		tls_set_hooks(s->tls, &(struct tls_hooks){tls_calls, tls_results, s});
	}
	return s;
}

void snoop_proc(struct snoop *s, uint32_t pid, uint32_t ppid, const char *name,
	const char *cwd, bool root)
{
	struct proc *p = proc_new(s, pid, ppid, name, cwd);
	p->root = root;
	if (s->attr) {   /* running before any tool call: none of them */
		struct served w = {0};
		att_set(p, &w);
	}
}

void snoop_session(struct snoop *s, int64_t ts, const char *cwd)
{
	struct event e;
	base_event(s, &e, "session");
	e.ts = ts;
	e.cwd = cwd;
	ev_write(s->out, &e, 0);
}

void snoop_finish(struct snoop *s, int64_t ts, uint64_t drops, uint64_t pidlost,
	uint64_t runtime)
{
	for (size_t i = 0; i < s->npr; i++) {
		if (s->pr[i].pending)
			write_exec(s, &s->pr[i], "unknown", EV_NONE, EV_NONE);
		if (s->pr[i].live) {
			blind_check(s, &s->pr[i]);
			if (s->tls)
				tls_exit(s->tls, s->pr[i].pid);
		}
	}
	snoop_flush(s);
	struct event e;
	base_event(s, &e, "summary");
	e.ts = ts;
	size_t at = s->out->len;
	ev_write(s->out, &e, 0);
	/* the counts have no place in struct event: they replace the "}\n" */
	s->out->len = at + strlen(s->out->p + at) - 2;
	sb_printf(s->out, ",\"processes\":%llu,\"execs\":%llu,\"files\":%llu,\"net\":%llu,"
		"\"runtime\":%llu,\"drops\":%llu,\"unfollowed\":%llu,\"bad\":%llu}\n",
		(unsigned long long)s->c.processes, (unsigned long long)s->c.execs,
		(unsigned long long)s->c.files, (unsigned long long)s->c.net,
		(unsigned long long)runtime, (unsigned long long)drops, (unsigned long long)pidlost,
		(unsigned long long)s->c.bad);
	if (s->tls) {
		/* the model calls read off TLS, what could not be read, and the
		 * programs whose TLS was not visible at all */
		const struct tls_counts *k = tls_counts(s->tls);
		s->out->len -= 2;
		sb_printf(s->out, ",\"tls\":{\"calls\":%llu,\"prompts\":%llu,\"other\":%llu,"
			"\"unparsed\":%llu,\"cut\":%llu,\"undecoded\":%llu,"
			"\"h2\":{\"connections\":%llu,\"streams\":%llu,\"reset\":%llu,\"bad\":%llu},"
			"\"not_visible\":[",
			(unsigned long long)k->calls, (unsigned long long)k->prompts,
			(unsigned long long)k->other, (unsigned long long)k->unparsed,
			(unsigned long long)(k->cut + s->tls_cut), (unsigned long long)k->br,
			(unsigned long long)k->h2, (unsigned long long)k->h2_streams,
			(unsigned long long)k->h2_reset, (unsigned long long)k->h2_bad);
		for (size_t i = 0; i < s->nblind; i++) {
			if (i)
				sb_addc(s->out, ',');
			sb_json_str(s->out, s->blind[i], strlen(s->blind[i]));
		}
		sb_adds(s->out, "]}}\n");
	}
}

const char *snoop_feed_bytes(struct snoop *s, const void *p, size_t n)
{
	struct snoop_msg m;
	const char *why;
	if (snoop_decode(p, n, &m, &why) < 0) {
		s->c.bad++;
		return why;
	}
	snoop_feed(s, &m);
	return NULL;
}

const struct snoop_counts *snoop_counts(const struct snoop *s)
{
	return &s->c;
}

const char *snoop_tls_why(const struct snoop *s, uint64_t *bad)
{
	*bad = s->tls ? tls_counts(s->tls)->h2_bad : 0;
	return s->tls ? tls_why(s->tls) : NULL;
}

const char *snoop_tls_why1(const struct snoop *s, uint64_t *cut)
{
	*cut = s->tls ? tls_counts(s->tls)->h1_cut : 0;
	return s->tls ? tls_why1(s->tls) : NULL;
}

void snoop_free(struct snoop *s)
{
	if (!s)
		return;
	snoop_flush(s);
	for (size_t i = 0; i < s->npr; i++)
		proc_clear(&s->pr[i]);
	free(s->pr);
	free(s->freel);
	free(s->pt.key);
	free(s->pt.val);
	free(s->fx);
	hm_free(&s->fxidx);
	for (size_t i = 0; i < DNS_CACHE; i++)
		free(s->dns[i].name);
	hm_free(&s->dnsidx);
	sb_free(&s->tmp);
	sb_free(&s->tmp2);
	sb_free(&s->in1);
	sb_free(&s->in2);
	sb_free(&s->abs1);
	sb_free(&s->abs2);
	free((char *)s->o.session);
	tls_free(s->tls);
	attr_free(s->attr);
	for (size_t i = 0; i < s->nblind; i++)
		free(s->blind[i]);
	free(s->blind);
	free(s);
}
