/* sessions.c: a session file's agent, id, cwd and time span from its head
 * and tail (see sessions.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "sessions.h"
#include "util.h"

#define HEAD_CHUNK ((size_t)8 << 10)
#define HEAD_SCAN ((size_t)64 << 10)       /* no line is begun past this */
#define HEAD_LINE_MAX ((size_t)16 << 20)   /* longer first records are given up */
/* A Claude session may open with records that carry no cwd (queue-operation,
 * summary, file-history-snapshot, some of them large): the cwd is looked for
 * this far into the file. */
#define HEAD_CWD_SCAN ((size_t)4 << 20)
#define TAIL_FIRST ((size_t)8 << 10)
#define TAIL_MAX ((size_t)4 << 20)
#define DETECT_LINES 64

static const char *const names[AGENT_N] = {NULL, "claude", "codex", "gemini"};

const char *agent_name(int agent)
{
	return agent > 0 && agent < AGENT_N ? names[agent] : NULL;
}

int agent_from_name(const char *s, size_t n)
{
	for (int a = 1; a < AGENT_N; a++)
		if (strlen(names[a]) == n && !memcmp(names[a], s, n))
			return a;
	return AGENT_UNKNOWN;
}

/* --- detection from top-level keys ------------------------------------- */

/* The top-level keys that tell the formats apart, gathered either from a
 * parsed record or by scanning raw text (a document too big to parse). */
enum {
	TK_TYPE, TK_PAYLOAD, TK_RECORD_TYPE, TK_ID, TK_TIMESTAMP, TK_INSTRUCTIONS,
	TK_GIT, TK_SET, TK_SESSIONID, TK_STARTTIME, TK_PROJECTHASH, TK_MESSAGES,
	TK_LASTUPDATED, TK_LEAFUUID, TK_PARENTUUID, TK_N
};
static const char *const tk_names[TK_N] = {
	"type", "payload", "record_type", "id", "timestamp", "instructions",
	"git", "$set", "sessionId", "startTime", "projectHash", "messages",
	"lastUpdated", "leafUuid", "parentUuid",
};

struct top {
	unsigned has;           /* 1 << TK_* */
	const char *v[TK_N];    /* string values, raw (still escaped) */
	size_t vn[TK_N];
};

#define HAS(t, k) ((t)->has & (1u << (k)))

static int tk_find(const char *s, size_t n)
{
	for (int k = 0; k < TK_N; k++)
		if (strlen(tk_names[k]) == n && !memcmp(tk_names[k], s, n))
			return k;
	return -1;
}

static void top_set(struct top *t, const char *key, size_t kn, const char *v, size_t vn)
{
	int k = tk_find(key, kn);
	if (k < 0 || HAS(t, k))
		return;
	t->has |= 1u << k;
	t->v[k] = v;
	t->vn[k] = vn;
}

static bool top_is(const struct top *t, int k, const char *lit)
{
	return t->v[k] && t->vn[k] == strlen(lit) && !memcmp(t->v[k], lit, t->vn[k]);
}

static void top_from_doc(const struct jdoc *d, struct top *t)
{
	const struct jnode *r = jroot(d);
	memset(t, 0, sizeof *t);
	if (!r || r->type != J_OBJ)
		return;
	JFOR(d, r, k) {
		const struct jnode *v = jval(k);
		top_set(t, k->s, k->len, v->type == J_STR ? v->s : NULL,
			v->type == J_STR ? v->len : 0);
	}
}

static int detect_top(const struct top *t)
{
	static const char *const codex_types[] = {"response_item", "event_msg",
		"turn_context", "compacted"};
	static const char *const claude_types[] = {"summary", "file-history-snapshot",
		"queue-operation", "permission-mode"};
	if (top_is(t, TK_TYPE, "session_meta") || HAS(t, TK_RECORD_TYPE))
		return AGENT_CODEX;
	if (HAS(t, TK_PAYLOAD))
		for (size_t i = 0; i < sizeof codex_types / sizeof *codex_types; i++)
			if (top_is(t, TK_TYPE, codex_types[i]))
				return AGENT_CODEX;
	/* pre-session_meta rollouts start with a bare header */
	if (!HAS(t, TK_TYPE) && HAS(t, TK_ID) && HAS(t, TK_TIMESTAMP) &&
	    (HAS(t, TK_INSTRUCTIONS) || HAS(t, TK_GIT)))
		return AGENT_CODEX;
	if (HAS(t, TK_SET) || top_is(t, TK_TYPE, "gemini"))
		return AGENT_GEMINI;
	if ((HAS(t, TK_SESSIONID) || HAS(t, TK_MESSAGES)) &&
	    (HAS(t, TK_STARTTIME) || HAS(t, TK_LASTUPDATED) || HAS(t, TK_PROJECTHASH)))
		return AGENT_GEMINI;
	if (HAS(t, TK_SESSIONID) || HAS(t, TK_LEAFUUID) || HAS(t, TK_PARENTUUID))
		return AGENT_CLAUDE;
	for (size_t i = 0; i < sizeof claude_types / sizeof *claude_types; i++)
		if (top_is(t, TK_TYPE, claude_types[i]))
			return AGENT_CLAUDE;
	return AGENT_UNKNOWN;
}

int agent_detect_record(struct jdoc *d)
{
	struct top t;
	top_from_doc(d, &t);
	return detect_top(&t);
}

/* --- raw top-level scans, for documents too big to parse ----------------- */

static size_t skip_ws(const char *s, size_t n, size_t i)
{
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
		i++;
	return i;
}

/* Index of the quote closing the string that opens at s[i], or n. */
static size_t str_end(const char *s, size_t n, size_t i)
{
	for (i++; i < n; i++) {
		if (s[i] == '\\')
			i++;
		else if (s[i] == '"')
			return i;
	}
	return n;
}

/* The key at s[ks..ke) (quotes excluded) and its value after the colon at
 * or after s[i]: note it in t. */
static void top_member(const char *s, size_t n, size_t ks, size_t ke, size_t i, struct top *t)
{
	i = skip_ws(s, n, i);
	if (i >= n || s[i] != ':')
		return;
	i = skip_ws(s, n, i + 1);
	if (i < n && s[i] == '"') {
		size_t e = str_end(s, n, i);
		if (e < n)
			top_set(t, s + ks, ke - ks, s + i + 1, e - i - 1);
	} else if (i < n) {
		top_set(t, s + ks, ke - ks, NULL, 0);
	}
}

/* What a Gemini document needs: scans stop once they have it all. */
#define TK_DOC (1u << TK_SESSIONID | 1u << TK_STARTTIME | 1u << TK_LASTUPDATED)

/* The top-level members of the object starting s[0..n), from the front,
 * as far as the text goes or until the keys in stop are all seen. */
static void top_scan_fwd(const char *s, size_t n, struct top *t, unsigned stop)
{
	size_t i = skip_ws(s, n, 0);
	int depth = 1;
	bool want_key = true;
	if (i >= n || s[i] != '{')
		return;
	for (i++; i < n;) {
		char c = s[i];
		if (c == '"') {
			size_t e = str_end(s, n, i);
			if (e >= n)
				return;
			if (depth == 1 && want_key) {
				top_member(s, n, i + 1, e, e + 1, t);
				want_key = false;
				if (stop && (t->has & stop) == stop)
					return;
			}
			i = e + 1;
			continue;
		}
		if (c == '{' || c == '[')
			depth++;
		else if ((c == '}' || c == ']') && --depth == 0)
			return;
		else if (c == ',' && depth == 1)
			want_key = true;
		i++;
	}
}

/* Is the quote at s[i] escaped (an odd run of backslashes before it)? */
static bool escaped(const char *s, size_t i)
{
	size_t k = 0;
	while (i > k && s[i - k - 1] == '\\')
		k++;
	return k & 1;
}

/* The same from the back of s[0..n), the end of the document: a window
 * that need not start at a record boundary.  Scanning backwards, a string
 * ends at an unescaped quote and begins at the previous one; a string at
 * depth 1 followed by a colon is a key. */
static void top_scan_back(const char *s, size_t n, struct top *t, unsigned stop)
{
	size_t i = n;
	while (i > 0 && strchr(" \t\r\n", s[i - 1]))
		i--;
	if (i == 0 || s[i - 1] != '}')
		return;
	int depth = 1;
	for (i--; i > 0;) {
		char c = s[--i];
		if (c == '"') {
			size_t e = i;
			do {
				if (i == 0)
					return;
				i--;
			} while (s[i] != '"' || escaped(s, i));
			if (depth == 1)
				top_member(s, n, i + 1, e, e + 1, t);
			if (stop && (t->has & stop) == stop)
				return;
			continue;
		}
		if (c == '}' || c == ']')
			depth++;
		else if ((c == '{' || c == '[') && --depth == 0)
			return;
	}
}

int agent_detect_head(const char *p, size_t n)
{
	struct jdoc d = {0};
	int agent = AGENT_UNKNOWN, lines = 0;
	size_t i = skip_ws(p, n, 0);
	if (n - i >= 3 && !memcmp(p + i, "\xef\xbb\xbf", 3))
		i += 3;
	while (i < n && lines < DETECT_LINES && !agent) {
		const char *nl = memchr(p + i, '\n', n - i);
		size_t len = (nl ? (size_t)(nl - p) : n) - i;
		/* jparse may look one byte past the line: only the newline */
		if (nl && len && !jparse(&d, p + i, len)) {
			agent = agent_detect_record(&d);
		} else if (lines == 0) {
			/* pretty-printed, or a first record longer than the head */
			struct top t = {0};
			top_scan_fwd(p + i, n - i, &t, 0);
			agent = detect_top(&t);
			break;
		}
		lines += len > 0;
		i = nl ? (size_t)(nl - p) + 1 : n;
	}
	jdoc_free(&d);
	return agent;
}

/* --- probing one file ---------------------------------------------------- */

struct probe {
	int fd;
	uint64_t size;
	const char *path;
	char *buf;              /* the head, NUL-terminated */
	size_t cap, have, pos;
	char *tbuf;             /* the tail window */
	size_t tcap;
	struct jdoc d;
	struct session_meta *m;
	int64_t lo, hi;         /* timestamps seen in the head */
	bool got_meta;          /* Codex: session_meta or legacy header seen */
	bool want_agent_id;     /* Claude: the file is a subagent's */
	char *agent_id;         /* Claude: agentId of a subagent */
	const char *line;       /* the record parsed last */
	size_t linelen;
	int err;                /* errno of a failed read */
};

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

/* Have at least want bytes of the head (or the whole file). */
static bool head_fill(struct probe *p, size_t want)
{
	if (want > p->size)
		want = (size_t)p->size;
	if (want <= p->have)
		return true;
	if (want + 1 > p->cap) {
		p->cap = want + 1;
		p->buf = xrealloc(p->buf, p->cap);
	}
	if (!pread_all(p->fd, p->buf + p->have, want - p->have, p->have, &p->err))
		return false;
	p->have = want;
	p->buf[p->have] = 0;
	return true;
}

/* The next line of the head: 1 and the line, 0 at the end, -1 when it
 * cannot be had (read error, or a record too long to be a header). */
static int head_line(struct probe *p, const char **line, size_t *len)
{
	for (;;) {
		if (p->pos >= p->have && p->have >= p->size)
			return 0;
		const char *s = p->buf + p->pos;
		size_t avail = p->have - p->pos;
		const char *nl = memchr(s, '\n', avail);
		size_t lead = skip_ws(s, avail, 0);
		/* Only a JSON object is worth reading to its end: binary or
		 * text junk is handed over as far as it is read. */
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
		if (!head_fill(p, p->have + grow))
			return -1;
	}
}

static void set_str(struct probe *p, char **dst, const struct jnode *n)
{
	size_t len;
	const char *s;
	if (*dst || !(s = jsn(&p->d, n, &len)) || !len || memchr(s, 0, len))
		return;
	*dst = xstrndup(s, len);
}

static void note_ts(struct probe *p, const char *s, size_t n)
{
	int64_t t = s ? ts_parse(s, n) : TS_NONE;
	if (t == TS_NONE)
		return;
	if (p->lo == TS_NONE || t < p->lo)
		p->lo = t;
	if (p->hi == TS_NONE || t > p->hi)
		p->hi = t;
}

static void note_tsnode(struct probe *p, const struct jnode *n)
{
	size_t len;
	const char *s = jsn(&p->d, n, &len);
	note_ts(p, s, s ? len : 0);
}

/* JSON-unescape raw string text s[0..n) into a new string. */
static char *unescape(const char *s, size_t n)
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

/* Old Codex rollouts record the cwd only inside the environment_context
 * message: <cwd>/path</cwd>. */
static void codex_cwd_from_text(struct probe *p)
{
	const char *a = memmem(p->line, p->linelen, "<cwd>", 5);
	if (!a)
		return;
	a += 5;
	const char *e = memmem(a, p->linelen - (size_t)(a - p->line), "</cwd>", 6);
	if (e && e > a && e - a < 4096)
		p->m->cwd = unescape(a, (size_t)(e - a));
}

static void take_claude(struct probe *p, const struct jnode *r)
{
	struct session_meta *m = p->m;
	set_str(p, &m->id, jget(&p->d, r, "sessionId"));
	set_str(p, &m->cwd, jget(&p->d, r, "cwd"));
	set_str(p, &m->version, jget(&p->d, r, "version"));
	set_str(p, &p->agent_id, jget(&p->d, r, "agentId"));
}

static void take_codex(struct probe *p, const struct jnode *r)
{
	struct jdoc *d = &p->d;
	struct session_meta *m = p->m;
	const struct jnode *type = jget(d, r, "type"), *pl = jget(d, r, "payload");
	if (jeq(type, "session_meta") && !p->got_meta && pl && pl->type == J_OBJ) {
		p->got_meta = true;
		set_str(p, &m->id, jget(d, pl, "id"));
		set_str(p, &m->id, jget(d, pl, "session_id"));
		set_str(p, &m->cwd, jget(d, pl, "cwd"));
		set_str(p, &m->version, jget(d, pl, "cli_version"));
		note_tsnode(p, jget(d, pl, "timestamp"));
		/* a fork names its origin; a spawned subagent its parent thread */
		set_str(p, &m->parent, jget(d, pl, "forked_from_id"));
		set_str(p, &m->parent, jgetv(d, pl, "source", "subagent", "thread_spawn",
			"parent_thread_id", NULL));
	} else if (!type && !p->got_meta && jget(d, r, "id") && jget(d, r, "timestamp")) {
		p->got_meta = true;
		set_str(p, &m->id, jget(d, r, "id"));
	} else if (jeq(type, "turn_context") && pl) {
		set_str(p, &m->cwd, jget(d, pl, "cwd"));
	}
	if (!m->cwd)
		codex_cwd_from_text(p);
}

static void take_gemini(struct probe *p, const struct jnode *r)
{
	struct jdoc *d = &p->d;
	struct session_meta *m = p->m;
	set_str(p, &m->id, jget(d, r, "sessionId"));
	set_str(p, &m->project_hash, jget(d, r, "projectHash"));
	note_tsnode(p, jget(d, r, "startTime"));
	note_tsnode(p, jget(d, r, "lastUpdated"));
	note_tsnode(p, jgetv(d, r, "$set", "lastUpdated", NULL));
}

static void take_record(struct probe *p)
{
	const struct jnode *r = jroot(&p->d);
	note_tsnode(p, jget(&p->d, r, "timestamp"));
	switch (p->m->agent) {
	case AGENT_CLAUDE: take_claude(p, r); break;
	case AGENT_CODEX: take_codex(p, r); break;
	case AGENT_GEMINI: take_gemini(p, r); break;
	}
}

static bool head_done(const struct probe *p)
{
	const struct session_meta *m = p->m;
	if (p->lo == TS_NONE)
		return false;
	switch (m->agent) {
	case AGENT_CLAUDE:
		return m->id && m->cwd && m->version && (p->agent_id || !p->want_agent_id);
	case AGENT_CODEX: return p->got_meta && m->cwd;
	case AGENT_GEMINI: return m->id;
	}
	return false;
}

/* Lines of the head until the header fields are known.  Returns the number
 * of records parsed. */
static int scan_head(struct probe *p, bool *doc)
{
	const char *line;
	size_t len;
	int nrec = 0, r;
	*doc = false;
	while ((p->pos < HEAD_SCAN || (p->m->agent == AGENT_CLAUDE && !p->m->cwd &&
	    p->pos < HEAD_CWD_SCAN)) && (r = head_line(p, &line, &len)) != 0) {
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
		if (!p->m->agent)
			p->m->agent = agent_detect_record(&p->d);
		if (p->m->agent) {
			take_record(p);
			if (head_done(p))
				break;
		}
	}
	return nrec;
}

static char *top_str(const struct top *t, int k)
{
	return t->v[k] && t->vn[k] ? unescape(t->v[k], t->vn[k]) : NULL;
}

static void top_take(struct probe *p, const struct top *t)
{
	struct session_meta *m = p->m;
	if (!m->id)
		m->id = top_str(t, TK_SESSIONID);
	if (!m->id && m->agent == AGENT_CODEX)
		m->id = top_str(t, TK_ID);
	if (!m->project_hash)
		m->project_hash = top_str(t, TK_PROJECTHASH);
	note_ts(p, t->v[TK_STARTTIME], t->vn[TK_STARTTIME]);
	note_ts(p, t->v[TK_LASTUPDATED], t->vn[TK_LASTUPDATED]);
	note_ts(p, t->v[TK_TIMESTAMP], t->vn[TK_TIMESTAMP]);
}

/* Read the last size bytes (at most) into the tail buffer. */
static const char *tail_read(struct probe *p, size_t w, uint64_t *off)
{
	if (w > p->size)
		w = (size_t)p->size;
	*off = p->size - w;
	if (p->have >= p->size)         /* the head holds the whole file */
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

/* A whole JSON document: its top-level keys from the front and, for what
 * is not there, from the back. */
static void scan_doc(struct probe *p)
{
	struct top t = {0};
	uint64_t off;
	/* the keys usually come first: try the head as read so far */
	top_scan_fwd(p->buf, p->have, &t, TK_DOC);
	if ((t.has & TK_DOC) != TK_DOC && p->have < HEAD_SCAN && head_fill(p, HEAD_SCAN)) {
		memset(&t, 0, sizeof t);
		top_scan_fwd(p->buf, p->have, &t, TK_DOC);
	}
	p->m->agent = detect_top(&t);
	top_take(p, &t);
	if (p->have >= p->size || (t.has & TK_DOC) == TK_DOC)
		return;
	const char *s = tail_read(p, HEAD_SCAN, &off);
	if (!s)
		return;
	memset(&t, 0, sizeof t);
	top_scan_back(s, (size_t)(p->size - off), &t, TK_DOC);
	if (!p->m->agent)
		p->m->agent = detect_top(&t);
	top_take(p, &t);
}

static int64_t record_ts(struct probe *p)
{
	const struct jnode *r = jroot(&p->d);
	const struct jnode *n = jget(&p->d, r, "timestamp");
	if (!n && p->m->agent == AGENT_GEMINI)
		n = jgetv(&p->d, r, "$set", "lastUpdated", NULL);
	if (!n && p->m->agent == AGENT_GEMINI)
		n = jget(&p->d, r, "lastUpdated");
	size_t len;
	const char *s = jsn(&p->d, n, &len);
	return s ? ts_parse(s, len) : TS_NONE;
}

/* The timestamp of the last record that has one, searching back from the
 * end in a growing window.  A last line cut short by a writer still at
 * work does not parse and is passed over. */
static int64_t scan_tail(struct probe *p)
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
				int64_t t = record_ts(p);
				if (t != TS_NONE)
					return t;
			}
			end = a;
		}
		if (off == 0 || w >= TAIL_MAX)
			return TS_NONE;
	}
}

static const char *base_name(const char *path, size_t *stem)
{
	const char *b = strrchr(path, '/');
	b = b ? b + 1 : path;
	const char *dot = strrchr(b, '.');
	*stem = dot && dot != b ? (size_t)(dot - b) : strlen(b);
	return b;
}

/* The name of the directory holding path, up levels above it. */
static char *dir_name(const char *path, int up)
{
	const char *e = path + strlen(path);
	for (int i = 0; i <= up; i++) {
		while (e > path && e[-1] != '/')
			e--;
		if (e == path)
			return NULL;
		e--;
	}
	const char *b = e;
	while (b > path && b[-1] != '/')
		b--;
	return e > b ? xstrndup(b, (size_t)(e - b)) : NULL;
}

static bool is_uuid(const char *s)
{
	for (int i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? s[i] != '-' : !s[i] || !strchr("0123456789abcdefABCDEF", s[i]))
			return false;
	}
	return true;
}

/* Ids the records do not give come from the file name; a Claude subagent
 * is named agent-ID and its records' sessionId is the parent's. */
static void name_session(struct probe *p)
{
	struct session_meta *m = p->m;
	size_t stem;
	const char *b = base_name(p->path, &stem);
	char *dir = dir_name(p->path, 0);
	bool subdir = dir && !strcmp(dir, "subagents");
	free(dir);
	if (m->agent == AGENT_CLAUDE && (subdir || !strncmp(b, "agent-", 6))) {
		m->parent = m->id;
		m->id = p->agent_id;
		p->agent_id = NULL;
		if (!m->parent && subdir)
			m->parent = dir_name(p->path, 1);
		if (!m->id)
			m->id = strncmp(b, "agent-", 6) ? xstrndup(b, stem)
				: xstrndup(b + 6, stem > 6 ? stem - 6 : 0);
		return;
	}
	/* Gemini: a subagent's log in chats/<parent session id>/ */
	char *up = m->agent == AGENT_GEMINI ? dir_name(p->path, 1) : NULL;
	if (up && !strcmp(up, "chats")) {
		char *d = dir_name(p->path, 0);
		if (d && (!m->id || strcmp(d, m->id)) && strcmp(d, "."))
			m->parent = d;
		else
			free(d);
	}
	free(up);
	if (m->id)
		return;
	/* rollout-2025-01-02T03-04-05-<uuid>.jsonl */
	if (m->agent == AGENT_CODEX && !strncmp(b, "rollout-", 8) && stem > 8 + 36 &&
	    is_uuid(b + stem - 36))
		m->id = xstrndup(b + stem - 36, 36);
	else
		m->id = xstrndup(b, stem);
}

int session_probe(int fd, const char *path, uint64_t size,
	struct session_meta *m, const char **why)
{
	struct probe p = {.fd = fd, .size = size, .path = path, .m = m,
		.lo = TS_NONE, .hi = TS_NONE};
	bool doc = false;
	int rc = -1;
	size_t stem;
	const char *b = base_name(path, &stem);
	char *dir = dir_name(path, 0);
	p.want_agent_id = !strncmp(b, "agent-", 6) || (dir && !strcmp(dir, "subagents"));
	free(dir);
	memset(m, 0, sizeof *m);
	m->bytes = size;
	m->first = m->last = TS_NONE;
	if (size == 0) {
		*why = "empty file";
		return -1;
	}
	int nrec = head_fill(&p, HEAD_CHUNK) ? scan_head(&p, &doc) : 0;
	if (doc)
		scan_doc(&p);
	if (p.err) {
		*why = strerror(p.err);
	} else if (!m->agent) {
		*why = nrec || doc ? "not a Claude, Codex or Gemini session"
			: "no JSON records at its start";
	} else {
		/* a JSON document's end holds no records to parse */
		int64_t t = doc && m->agent == AGENT_GEMINI ? TS_NONE : scan_tail(&p);
		if (t != TS_NONE && (p.hi == TS_NONE || t > p.hi))
			p.hi = t;
		if (t != TS_NONE && p.lo == TS_NONE)
			p.lo = t;
		m->first = p.lo;
		m->last = p.hi;
		name_session(&p);
		rc = p.err ? -1 : 0;
		if (p.err)
			*why = strerror(p.err);
	}
	free(p.buf);
	free(p.tbuf);
	free(p.agent_id);
	jdoc_free(&p.d);
	if (rc)
		session_meta_free(m);
	return rc;
}

char *claude_subagent_type(const char *path)
{
	size_t n = strlen(path);
	if (n < 6 || strcmp(path + n - 6, ".jsonl"))
		return NULL;
	char *meta = xmalloc(n + 5);
	memcpy(meta, path, n - 6);
	strcpy(meta + n - 6, ".meta.json");
	int fd = open(meta, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	free(meta);
	if (fd < 0)
		return NULL;
	char buf[65536];
	size_t len = 0;
	struct stat st;
	if (!fstat(fd, &st) && S_ISREG(st.st_mode))
		while (len < sizeof buf - 1) {
			ssize_t r = read(fd, buf + len, sizeof buf - 1 - len);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				break;
			len += (size_t)r;
		}
	close(fd);
	buf[len] = 0;
	struct jdoc d = {0};
	char *type = NULL;
	if (len && !jparse(&d, buf, len)) {
		size_t tl;
		const char *t = jsn(&d, jget(&d, jroot(&d), "agentType"), &tl);
		if (t && tl && tl < 256 && !memchr(t, 0, tl))
			type = xstrndup(t, tl);
	}
	jdoc_free(&d);
	return type;
}

void session_meta_free(struct session_meta *m)
{
	free(m->id);
	free(m->parent);
	free(m->cwd);
	free(m->version);
	free(m->project_hash);
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

void sha256_hex(const void *p, size_t n, char out[65])
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
		snprintf(out + 8 * i, 9, "%08x", h[i]);
}
