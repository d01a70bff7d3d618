/* SPDX-License-Identifier: MIT */
/* sessions.c: a session file's agent, id, cwd and time span from its head
 * and tail (see sessions.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "sessions.h"
#include "util.h"

#define HEAD_CHUNK ((size_t)8 << 10)
#define HEAD_PART ((size_t)16 << 10)       /* sniffed first (agent_sniff_part) */
#define HEAD_SCAN AGENT_SNIFF_SIZE         /* no line is begun past this */
#define HEAD_LINE_MAX ((size_t)16 << 20)   /* longer first records are given up */
#define TAIL_FIRST ((size_t)8 << 10)
#define TAIL_MAX ((size_t)4 << 20)

static size_t skip_ws(const char *s, size_t n, size_t i)
{
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
		i++;
	return i;
}

/* --- probing one file ---------------------------------------------------- */

static bool pread_all(int fd, char *p, size_t n, uint64_t off, int *err)
{
	while (n) {
		ssize_t r = pread(fd, p, n, (off_t)off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			*err = r < 0 ? errno : EIO;   /* EIO: the file shrank */
			return false;
		}
		p += r;
		n -= (size_t)r;
		off += (uint64_t)r;
	}
	return true;
}

/* Have at least want bytes of the head (or the whole file), as far as
 * its lines go: they are read when they are looked at (head_read). */
static void head_fill(struct session_probe *p, size_t want)
{
	if (want > p->size)
		want = (size_t)p->size;
	if (want <= p->have)
		return;
	if (want + 1 > p->cap) {
		p->cap = want + 1;
		p->buf = xrealloc(p->buf, p->cap);
	}
	p->have = want;
}

/* Read the head's first want bytes (at most have). */
static bool head_read(struct session_probe *p, size_t want)
{
	if (want > p->have)
		want = p->have;
	if (want <= p->got)
		return true;
	if (!pread_all(p->fd, p->buf + p->got, want - p->got, p->got, &p->err))
		return false;
	p->got = want;
	p->buf[p->got] = 0;
	return true;
}

/* The next line of the head: 1 and the line, 0 at the end, -1 when it
 * cannot be had (read error, or a record too long to be a header). */
static int head_line(struct session_probe *p, const char **line, size_t *len)
{
	for (;;) {
		if (p->pos >= p->have && p->have >= p->size)
			return 0;
		const char *s = p->buf + p->pos;
		size_t avail = p->have - p->pos;
		/* the first newline of s[0..avail), read as far as it */
		const char *nl = p->got > p->pos ? memchr(s, '\n', p->got - p->pos) : NULL;
		if (!nl && p->got < p->have) {
			if (!head_read(p, p->got + (p->got < HEAD_CHUNK ? HEAD_CHUNK : p->got)))
				return -1;
			continue;
		}
		/* Only a JSON object is worth reading to its end: binary or
		 * text junk is handed over as far as it is read. */
		size_t lead = nl ? 0 : skip_ws(s, avail, 0);
		bool junk = lead < avail && s[lead] != '{';
		if (nl || p->have >= p->size || junk) {
			*line = s;
			*len = nl ? (size_t)(nl - s) : avail;
			p->pos += *len + (nl != NULL);
			return 1;
		}
		if (avail >= HEAD_LINE_MAX)
			return -1;
		size_t grow = p->have < HEAD_CHUNK ? HEAD_CHUNK : p->have;
		head_fill(p, p->have + grow);
	}
}

void probe_str(struct session_probe *p, char **dst, const struct jnode *n)
{
	size_t len;
	const char *s;
	if (*dst || !(s = jsn(&p->d, n, &len)) || !len || memchr(s, 0, len))
		return;
	*dst = xstrndup(s, len);
}

void probe_ts_text(struct session_probe *p, const char *s, size_t n)
{
	int64_t t = s ? ts_parse(s, n) : TS_NONE;
	if (t == TS_NONE)
		return;
	if (p->lo == TS_NONE || t < p->lo)
		p->lo = t;
	if (p->hi == TS_NONE || t > p->hi)
		p->hi = t;
}

void probe_ts(struct session_probe *p, const struct jnode *n)
{
	size_t len;
	const char *s = jsn(&p->d, n, &len);
	probe_ts_text(p, s, s ? len : 0);
}

char *probe_unescape(const char *s, size_t n)
{
	struct sbuf b = {0};
	struct jdoc d = {0};
	char *r = NULL;
	sb_addc(&b, '"');
	sb_add(&b, s, n);
	sb_addc(&b, '"');
	if (!jparse(&d, b.p, b.len)) {
		size_t len;
		const char *v = jsn(&d, jroot(&d), &len);
		if (v && len && !memchr(v, 0, len))
			r = xstrndup(v, len);
	}
	jdoc_free(&d);
	sb_free(&b);
	return r;
}

/* Lines of the head until the header fields are known.  Returns the number
 * of records parsed. */
static void scan_head(struct session_probe *p, const struct agent_probe *ap, bool *doc)
{
	const char *line;
	size_t len;
	int nrec = 0, r;
	size_t cwd_scan = ap->cwd_scan ? ap->cwd_scan : HEAD_SCAN;
	*doc = false;
	while ((p->pos < HEAD_SCAN || (!p->m->cwd && p->pos < cwd_scan)) &&
	    (r = head_line(p, &line, &len)) != 0) {
		if (r < 0) {
			*doc = nrec == 0 && p->err == 0;
			break;
		}
		size_t lead = skip_ws(line, len, 0);
		if (lead == len)
			continue;
		/* jparse may look at line[len]: the newline or the buffer's NUL */
		if (jparse(&p->d, line, len)) {
			/* a pretty-printed document opens with a line "{" */
			if (nrec == 0 && line[lead] == '{') {
				*doc = true;
				break;
			}
			continue;
		}
		nrec++;
		p->line = line;
		p->linelen = len;
		const struct jnode *rec = jroot(&p->d);
		probe_ts(p, jget(&p->d, rec, "timestamp"));
		if (ap->record(p, &p->d, rec) && p->lo != TS_NONE)
			break;
	}
}

/* --- one-document files -------------------------------------------------- */

static bool has_key(const struct session_probe *p, const char *key)
{
	for (size_t i = 0; i < p->ntop; i++)
		if (!strcmp(p->top[i].key, key))
			return true;
	return false;
}

bool probe_doc_has(const struct session_probe *p, const char *const *keys)
{
	for (; *keys; keys++)
		if (!has_key(p, *keys))
			return false;
	return true;
}

static bool top_member(void *arg, const char *k, size_t kn, const char *v, size_t vn)
{
	struct session_probe *p = arg;
	char key[sizeof p->top->key];
	if (kn >= sizeof key)
		return false;
	memcpy(key, k, kn);
	key[kn] = 0;
	if (has_key(p, key))
		return false;           /* the first one counts */
	if (p->ntop == p->captop)
		p->top = xrealloc(p->top, sizeof *p->top * (p->captop = p->captop ? p->captop * 2 : 32));
	struct probe_member *m = &p->top[p->ntop++];
	memcpy(m->key, key, kn + 1);
	m->v = v;
	m->vn = vn;
	return p->stop && probe_doc_has(p, p->stop);
}

static const struct probe_member *doc_get(const struct session_probe *p, const char *key)
{
	for (size_t i = 0; i < p->ntop; i++)
		if (!strcmp(p->top[i].key, key))
			return &p->top[i];
	return NULL;
}

void probe_doc_str(struct session_probe *p, char **dst, const char *key)
{
	const struct probe_member *m = doc_get(p, key);
	if (!*dst && m && m->v && m->vn)
		*dst = probe_unescape(m->v, m->vn);
}

void probe_doc_ts(struct session_probe *p, const char *key)
{
	const struct probe_member *m = doc_get(p, key);
	if (m && m->v)
		probe_ts_text(p, m->v, m->vn);
}

/* Read the last w bytes (at most) into the tail buffer. */
static const char *tail_read(struct session_probe *p, size_t w, uint64_t *off)
{
	if (w > p->size)
		w = (size_t)p->size;
	*off = p->size - w;
	if (p->got >= p->size)          /* the head holds the whole file */
		return p->buf + *off;
	if (w + 1 > p->tcap) {
		p->tcap = w + 1;
		p->tbuf = xrealloc(p->tbuf, p->tcap);
	}
	if (!pread_all(p->fd, p->tbuf, w, *off, &p->err))
		return NULL;
	p->tbuf[w] = 0;
	return p->tbuf;
}

bool probe_doc_tail(struct session_probe *p, const char *const *stop)
{
	uint64_t off;
	if (p->have >= p->size)
		return false;
	const char *s = tail_read(p, HEAD_SCAN, &off);
	if (!s)
		return false;
	p->ntop = 0;
	p->stop = stop;
	agent_scan_members(s, (size_t)(p->size - off), true, top_member, p);
	p->stop = NULL;
	return true;
}

/* A whole JSON document: its top-level keys from the front; the agent
 * takes them, and reads the back for what is not there. */
static void scan_doc(struct session_probe *p, const struct agent_probe *ap)
{
	head_fill(p, HEAD_SCAN);
	if (!head_read(p, p->have))
		return;         /* p->err says why */
	p->ntop = 0;
	agent_scan_members(p->buf, p->have, false, top_member, p);
	if (ap->document)
		ap->document(p);
}

/* --- the last time ------------------------------------------------------- */

static int64_t record_ts(struct session_probe *p, const struct agent_probe *ap)
{
	const struct jnode *r = jroot(&p->d);
	const struct jnode *n = jget(&p->d, r, "timestamp");
	if (!n && ap->tail_time)
		n = ap->tail_time(&p->d, r);
	size_t len;
	const char *s = jsn(&p->d, n, &len);
	return s ? ts_parse(s, len) : TS_NONE;
}

/* The timestamp of the last record that has one, searching back from the
 * end in a growing window.  A last line cut short by a writer still at
 * work does not parse and is passed over. */
static int64_t scan_tail(struct session_probe *p, const struct agent_probe *ap)
{
	for (size_t w = TAIL_FIRST;; w *= 4) {
		uint64_t off;
		const char *s = tail_read(p, w, &off);
		if (!s)
			return TS_NONE;
		size_t end = (size_t)(p->size - off);
		while (end > 0) {
			size_t b = end;
			if (s[b - 1] == '\n')
				b--;
			const char *nl = b ? memrchr(s, '\n', b) : NULL;
			size_t a = nl ? (size_t)(nl - s) + 1 : 0;
			if (a == 0 && off > 0)
				break;          /* cut by the window: widen it */
			if (b > a && !jparse(&p->d, s + a, b - a)) {
				int64_t t = record_ts(p, ap);
				if (t != TS_NONE)
					return t;
			}
			end = a;
		}
		if (off == 0 || w >= TAIL_MAX)
			return TS_NONE;
	}
}

bool is_uuid(const char *s)
{
	for (int i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? s[i] != '-' : !s[i] || !strchr("0123456789abcdefABCDEF", s[i]))
			return false;
	}
	return true;
}

int session_probe_json(const struct agent *a, struct session_probe *p, const char **why)
{
	const struct agent_probe *ap = a->probe_json;
	struct session_meta *m = p->m;
	bool doc = false;
	p->pos = 0;
	scan_head(p, ap, &doc);
	if (doc)
		scan_doc(p, ap);
	if (p->err) {
		*why = strerror(p->err);
		return -1;
	}
	/* a JSON document's end holds no records to parse, unless the
	 * agent's do */
	int64_t t = doc && !ap->doc_tail ? TS_NONE : scan_tail(p, ap);
	if (t != TS_NONE && (p->hi == TS_NONE || t > p->hi))
		p->hi = t;
	if (t != TS_NONE && p->lo == TS_NONE)
		p->lo = t;
	m->first = p->lo;
	m->last = p->hi;
	if (ap->name)
		ap->name(p, p->path);
	if (!m->id) {
		const char *b = agent_file_base(p->path);
		m->id = xstrndup(b, agent_file_stem(b, NULL));
	}
	if (p->err) {
		*why = strerror(p->err);
		return -1;
	}
	return 0;
}

/* "not a Claude Code, Codex CLI or Gemini CLI session" (made once: probes
 * may run in several threads) */
static char *not_a_session_s;
static void not_a_session_init(void)
{
	struct sbuf b = {0};
	sb_printf(&b, "not a %s session", agent_titles());
	not_a_session_s = b.p;
}

static const char *not_a_session(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, not_a_session_init);
	return not_a_session_s;
}

static int probe_file(int fd, const char *path, uint64_t size,
	struct session_meta *m, const char **why, bool parallel_only);

int session_probe(int fd, const char *path, uint64_t size,
	struct session_meta *m, const char **why)
{
	return probe_file(fd, path, size, m, why, false);
}

int session_probe_parallel(int fd, const char *path, uint64_t size,
	struct session_meta *m, const char **why)
{
	return probe_file(fd, path, size, m, why, true);
}

static int probe_file(int fd, const char *path, uint64_t size,
	struct session_meta *m, const char **why, bool parallel_only)
{
	struct session_probe p = {.fd = fd, .size = size, .path = path, .m = m,
		.lo = TS_NONE, .hi = TS_NONE};
	int rc = -1;
	memset(m, 0, sizeof *m);
	m->bytes = size;
	m->first = m->last = TS_NONE;
	if (size == 0) {
		*why = "empty file";
		return -1;
	}
	/* Most files' agent is known from the head's start: the rest is
	 * read when a sniff asks for it.  When the thread's last file's was
	 * not, this one's likely is not either (an agent's files come
	 * together): its whole head is read at once, the part sniffed all
	 * the same. */
	static _Thread_local bool whole;
	bool more = true;
	head_fill(&p, AGENT_SNIFF_SIZE);
	if (p.have > HEAD_PART && head_read(&p, whole ? p.have : HEAD_PART)) {
		p.agent = agent_sniff_part(p.buf, HEAD_PART, path, &more);
		whole = more;
	}
	if (!head_read(&p, more ? p.have : 0)) {
		*why = strerror(p.err);
	} else if (!(p.agent = m->agent = more ? agent_sniff(p.buf, p.have, path) : p.agent)) {
		/* JSON at the start (records, or a document's opening brace)
		 * that no agent knows, or no JSON at all */
		const struct agent_head *h = agent_last_head();
		size_t i = skip_ws(p.buf, p.have, 0);
		*why = h->njson || (i < p.have && p.buf[i] == '{') ?
			not_a_session() : "no JSON records at its start";
	} else if (parallel_only && !p.agent->parallel) {
		rc = 1;         /* its probe may keep state: the caller's turn */
	} else if (p.agent->probe != session_probe_json && !head_read(&p, p.have)) {
		*why = strerror(p.err);         /* its probe reads the head as sniffed */
	} else {
		rc = p.agent->probe(p.agent, &p, why);
	}
	free(p.buf);
	free(p.tbuf);
	free(p.aux);
	free(p.top);
	jdoc_free(&p.d);
	if (rc)
		session_meta_free(m);
	return rc;
}

/* --- where histories lie ------------------------------------------------- */

static uint64_t devino(const struct stat *st)
{
	uint64_t k[2] = {(uint64_t)st->st_dev, (uint64_t)st->st_ino};
	return hash64(k, sizeof k, 0x5e551);
}

char *path_join(const char *a, const char *b)
{
	struct sbuf s = {0};
	sb_adds(&s, a);
	if (s.len && s.p[s.len - 1] != '/')
		sb_addc(&s, '/');
	sb_adds(&s, b);
	return s.p;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **history_list(struct history *h, const char *dir, size_t *n)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct stat st;
	bool ins;
	*n = 0;
	if (fd < 0) {
		if (errno != ENOENT && errno != ENOTDIR)
			h->error(dir, strerror(errno));
		return NULL;
	}
	/* a symlink loop or a second way to one directory: once is enough */
	if (fstat(fd, &st) || (hm_put(&h->seen_dirs, devino(&st), &ins), !ins)) {
		close(fd);
		return NULL;
	}
	DIR *d = fdopendir(fd);
	if (!d) {
		h->error(dir, strerror(errno));
		close(fd);
		return NULL;
	}
	char **v = NULL;
	size_t cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (*n == cap)
			v = xrealloc(v, sizeof *v * (cap = cap ? cap * 2 : 64));
		/* the type rides in front of the name */
		size_t l = strlen(e->d_name);
		v[*n] = xmalloc(l + 2);
		v[*n][0] = (char)e->d_type;
		memcpy(v[*n] + 1, e->d_name, l + 1);
		(*n)++;
	}
	closedir(d);
	sort_n(v, *n, sizeof *v, cmp_str);
	return v;
}

static void walk(struct history *h, const char *dir, int maxdepth,
	bool (*want)(const char *, int), const char *place, bool copy, int depth)
{
	size_t n;
	char **v = history_list(h, dir, &n);
	for (size_t i = 0; i < n; i++) {
		const char *name = v[i] + 1;
		unsigned char type = (unsigned char)v[i][0];
		char *path = path_join(dir, name);
		bool ok = want(name, depth);
		if (type == DT_LNK || type == DT_UNKNOWN) {
			struct stat st;
			if (stat(path, &st)) {
				if (ok)
					h->error(path, strerror(errno));
				free(path);
				free(v[i]);
				continue;
			}
			type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
		}
		if (type == DT_DIR && ok) {
			h->error(path, "is a directory");
		} else if (type == DT_DIR && depth < maxdepth) {
			walk(h, path, maxdepth, want, place, copy, depth + 1);
		} else if (ok && type == DT_REG) {
			if (h->n == h->cap)
				h->v = xrealloc(h->v, sizeof *h->v * (h->cap = h->cap ? h->cap * 2 : 256));
			h->v[h->n++] = (struct history_file){.path = path, .agent = h->agent,
				.place = place ? xstrdup(place) : NULL, .copy = copy};
			path = NULL;
		} else if (ok && type != DT_DIR) {
			h->error(path, "not a regular file");
		}
		free(path);
		free(v[i]);
	}
	free(v);
}

bool history_jsonl(const char *name, int depth)
{
	(void)depth;
	size_t n = strlen(name);
	return n > 6 && !strcmp(name + n - 6, ".jsonl");
}

int64_t probe_mtime(const struct session_probe *p)
{
	struct stat st;
	if (fstat(p->fd, &st))
		return TS_NONE;
	return (int64_t)st.st_mtim.tv_sec * 1000 + st.st_mtim.tv_nsec / 1000000;
}

void history_walk(struct history *h, const char *dir, int maxdepth,
	bool (*want)(const char *name, int depth), const char *place, bool copy)
{
	walk(h, dir, maxdepth, want, place, copy, 0);
}

void session_meta_free(struct session_meta *m)
{
	free(m->id);
	free(m->parent);
	free(m->cwd);
	free(m->version);
	free(m->project_hash);
	free(m->name);
	for (struct session_meta *n = m->next, *nx; n; n = nx) {
		nx = n->next;
		n->next = NULL;
		session_meta_free(n);
		free(n);
	}
	uint64_t b = m->bytes;
	memset(m, 0, sizeof *m);
	m->bytes = b;
	m->first = m->last = TS_NONE;
}

bool path_under(const char *path, const char *root)
{
	if ((*root == '/') != (*path == '/'))
		return false;
	for (;;) {
		while (*root == '/')
			root++;
		while (*path == '/')
			path++;
		if (!*root)
			return true;
		size_t rl = strcspn(root, "/"), pl = strcspn(path, "/");
		if (rl != pl || memcmp(root, path, rl))
			return false;
		root += rl;
		path += pl;
	}
}

/* --- SHA-256 (FIPS 180-4) ------------------------------------------------ */

static const uint32_t K256[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t ror(uint32_t x, int n) { return x >> n | x << (32 - n); }

static void sha256_block(uint32_t h[8], const unsigned char *b)
{
	uint32_t w[64], v[8];
	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)b[4 * i] << 24 | (uint32_t)b[4 * i + 1] << 16 |
			(uint32_t)b[4 * i + 2] << 8 | b[4 * i + 3];
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ w[i - 15] >> 3;
		uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ w[i - 2] >> 10;
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	memcpy(v, h, sizeof v);
	for (int i = 0; i < 64; i++) {
		uint32_t t1 = v[7] + (ror(v[4], 6) ^ ror(v[4], 11) ^ ror(v[4], 25)) +
			((v[4] & v[5]) ^ (~v[4] & v[6])) + K256[i] + w[i];
		uint32_t t2 = (ror(v[0], 2) ^ ror(v[0], 13) ^ ror(v[0], 22)) +
			((v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]));
		memmove(v + 1, v, 7 * sizeof *v);
		v[4] += t1;
		v[0] = t1 + t2;
	}
	for (int i = 0; i < 8; i++)
		h[i] += v[i];
}

void sha256_hex(const void *p, size_t n, char hex[65])
{
	uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
	const unsigned char *s = p;
	unsigned char last[128] = {0};
	size_t full = n & ~(size_t)63, rest = n - full;
	for (size_t i = 0; i < full; i += 64)
		sha256_block(h, s + i);
	memcpy(last, s + full, rest);
	last[rest] = 0x80;
	size_t blocks = rest + 9 > 64 ? 2 : 1;
	uint64_t bits = (uint64_t)n * 8;
	for (int i = 0; i < 8; i++)
		last[blocks * 64 - 1 - i] = (unsigned char)(bits >> (8 * i));
	for (size_t i = 0; i < blocks; i++)
		sha256_block(h, last + 64 * i);
	for (int i = 0; i < 8; i++)
		snprintf(hex + 8 * i, 9, "%08x", h[i]);
}
