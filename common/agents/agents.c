/* SPDX-License-Identifier: MIT */
/* agents.c: the list of agents, and what their files share: the head
 * every sniff reads, names for messages, path and JSON text helpers (see
 * agent.h). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "agent.h"
#include "json.h"
#include "util.h"

const struct agent *const agent_list[] = {
	&agent_claude,
	&agent_codex,
	&agent_gemini,
	&agent_copilot,
	&agent_qwen,
	&agent_kimi,
	&agent_droid,
	&agent_cursor,
	&agent_amp,
	&agent_aider,
	&agent_opencode,
	&agent_goose,
	NULL
};

const struct agent *agent_find(const char *s, size_t n)
{
	for (const struct agent *const *a = agent_list; *a; a++)
		if (strlen((*a)->name) == n && memcmp((*a)->name, s, n) == 0)
			return *a;
	return NULL;
}

int agent_index(const struct agent *a)
{
	for (int i = 0; agent_list[i]; i++)
		if (agent_list[i] == a)
			return i;
	return -1;
}

const struct tool_map *agent_tool(const char *agent, const char *tool)
{
	static const struct tool_map other = {"other", TK_OTHER, TA_USUAL, NULL};
	const struct agent *a = agent ? agent_find(agent, strlen(agent)) : NULL;
	const struct tool_map *m = a ? tool_map_find(a->tools, tool) : NULL;
	if (!m)
		m = tool_map_rule(tool);
	for (const struct agent *const *o = agent_list; !m && *o; o++)
		if (*o != a)
			m = tool_map_find((*o)->tools, tool);
	return m ? m : &other;
}

enum tool_kind agent_tool_kind(const char *agent, const char *tool)
{
	return agent_tool(agent, tool)->kind;
}

/* "a, b, c" or "A, B or C": the list's names or titles joined. */
static char *join_list(bool titles, const char *sep, const char *last)
{
	struct sbuf b = {0};
	sb_adds(&b, "");
	for (int i = 0; agent_list[i]; i++) {
		if (i)
			sb_adds(&b, agent_list[i + 1] ? sep : last);
		sb_adds(&b, titles ? agent_list[i]->title : agent_list[i]->name);
	}
	return b.p;
}

const char *agent_names(const char *sep, const char *last)
{
	/* a few calls per run, each for a message: keep the last few */
	static char *kept[4];
	static int next;
	free(kept[next]);
	kept[next] = join_list(false, sep, last);
	const char *r = kept[next];
	next = (next + 1) % 4;
	return r;
}

const char *agent_titles(void)
{
	static char *t;
	if (!t)
		t = join_list(true, ", ", " or ");
	return t;
}

/* --- paths --------------------------------------------------------------- */

const char *agent_file_base(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

size_t agent_file_stem(const char *b, const char *ext)
{
	size_t n = strlen(b);
	if (ext) {
		size_t k = strlen(ext);
		return n > k && !strcmp(b + n - k, ext) ? n - k : n;
	}
	const char *dot = strrchr(b, '.');
	return dot && dot != b ? (size_t)(dot - b) : n;
}

size_t agent_dir_up(const char *path, int up, const char **d)
{
	const char *e = path + strlen(path);
	for (int i = 0; i <= up; i++) {
		while (e > path && e[-1] != '/')
			e--;
		if (e == path)
			return *d = "", 0;
		e--;
	}
	const char *b = e;
	while (b > path && b[-1] != '/')
		b--;
	*d = b;
	return (size_t)(e - b);
}

/* --- top-level members by scanning text ---------------------------------- */

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

typedef bool member_fn(void *, const char *, size_t, const char *, size_t);

/* The key at s[ks..ke) and its value after the colon at or after s[i]:
 * true when the caller wants no more. */
static bool one_member(const char *s, size_t n, size_t ks, size_t ke, size_t i,
	member_fn *member, void *arg)
{
	i = skip_ws(s, n, i);
	if (i >= n || s[i] != ':')
		return false;
	i = skip_ws(s, n, i + 1);
	if (i < n && s[i] == '"') {
		size_t e = str_end(s, n, i);
		if (e < n)
			return member(arg, s + ks, ke - ks, s + i + 1, e - i - 1);
	} else if (i < n) {
		return member(arg, s + ks, ke - ks, NULL, 0);
	}
	return false;
}

static void scan_fwd(const char *s, size_t n, member_fn *member, void *arg)
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
				if (one_member(s, n, i + 1, e, e + 1, member, arg))
					return;
				want_key = false;
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

/* Scanning backwards, a string ends at an unescaped quote and begins at
 * the previous one; a string at depth 1 followed by a colon is a key. */
static void scan_back(const char *s, size_t n, member_fn *member, void *arg)
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
			if (depth == 1 && one_member(s, n, i + 1, e, e + 1, member, arg))
				return;
			continue;
		}
		if (c == '}' || c == ']')
			depth++;
		else if ((c == '{' || c == '[') && --depth == 0)
			return;
	}
}

void agent_scan_members(const char *s, size_t n, bool back, member_fn *member, void *arg)
{
	(back ? scan_back : scan_fwd)(s, n, member, arg);
}

/* --- the head the sniffs read -------------------------------------------- */

static struct agent_member *new_member(struct agent_head *h, const char *k, size_t kn)
{
	if (h->npool == h->cap)
		h->pool = xrealloc(h->pool, sizeof *h->pool * (h->cap = h->cap ? h->cap * 2 : 256));
	struct agent_member *m = &h->pool[h->npool++];
	memset(m, 0, sizeof *m);
	if (kn >= sizeof m->key)
		kn = sizeof m->key - 1;   /* no agent's key is this long */
	memcpy(m->key, k, kn);
	return m;
}

static void set_val(struct agent_member *m, const char *v, size_t vn)
{
	if (vn >= sizeof m->val)
		vn = sizeof m->val - 1;
	memcpy(m->val, v, vn);
	m->val[vn] = 0;
}

static bool scanned_member(void *arg, const char *k, size_t kn, const char *v, size_t vn)
{
	struct agent_member *m = new_member(arg, k, kn);
	if (v) {
		m->type = J_STR;
		set_val(m, v, vn);
	}
	return false;
}

static void add_rec(struct agent_head *h, size_t off, int line)
{
	if (h->npool > off && h->nrec < AGENT_HEAD_RECS)
		h->rec[h->nrec++] = (struct agent_rec){off, h->npool - off, line};
	else if (h->nrec >= AGENT_HEAD_RECS)
		h->npool = off;
}

void agent_head_init(struct agent_head *h, const char *p, size_t n, const char *path, bool part)
{
	h->p = p;
	h->n = n;
	h->path = path;
	h->full = part || n >= AGENT_SNIFF_SIZE;
	h->part = part;
	h->more = false;
	h->nrec = h->njson = 0;
	h->npool = 0;
	h->line = 0;
	h->done = false;
	size_t i = skip_ws(p, n, 0);
	if (n - i >= 3 && !memcmp(p + i, "\xef\xbb\xbf", 3))
		i += 3;
	h->pos = i;
}

void agent_head_short(const struct agent_head *ch)
{
	((struct agent_head *)ch)->more = true;
}

/* Read on to the next record: lines that are JSON objects give their
 * top-level members (a leading byte-order mark passed over); the first
 * line, when it does not parse (a pretty-printed document, or cut by the
 * head's end), gives those found by scanning its text.  Sniffs that
 * decide early leave the rest of the head unparsed.  Of a part of the
 * head (full set: a last line cut is not parsed), the end finds more
 * (h->more), never the head's end. */
static void head_more(struct agent_head *h)
{
	static _Thread_local struct jdoc d;
	static _Thread_local struct sbuf copy;
	const char *p = h->p;
	size_t n = h->n;
	int had = h->nrec;
	while (h->pos < n && h->nrec == had && h->nrec < AGENT_HEAD_RECS) {
		size_t i = h->pos;
		const char *nl = memchr(p + i, '\n', n - i);
		size_t len = (nl ? (size_t)(nl - p) : n) - i;
		size_t lead = skip_ws(p + i, len, 0);
		int rc = -1;
		h->pos = nl ? (size_t)(nl - p) + 1 : n;
		if (lead < len && (nl || !h->full)) {
			/* jparse may read one byte past the line: parse a copy
			 * of a last line */
			if (nl) {
				rc = jparse(&d, p + i, len);
			} else {
				sb_reset(&copy);
				sb_add(&copy, p + i, len);
				rc = jparse(&d, copy.p, len);
			}
		}
		size_t off = h->npool;
		if (!rc) {
			h->njson++;
			const struct jnode *r = jroot(&d);
			if (r && r->type == J_OBJ) {
				JFOR(&d, r, k) {
					const struct jnode *v = jval(k);
					struct agent_member *m = new_member(h, k->s, k->len);
					m->type = v->type;
					if (v->type == J_STR)
						set_val(m, v->s, v->len);
				}
				add_rec(h, off, h->line);
			}
		} else if (lead < len && h->line == 0) {
			/* pretty-printed, or a first record longer than the head:
			 * its text, to the head's end */
			if (h->part) {
				h->more = true;
				break;
			}
			agent_scan_members(p + i, n - i, false, scanned_member, h);
			add_rec(h, off, h->line);
			h->pos = n;
		}
		h->line += lead < len;
	}
	/* a part's end is not the head's: the records after it are unknown */
	if (h->part && h->pos >= n && h->nrec == had && h->nrec < AGENT_HEAD_RECS)
		h->more = true;
	if (h->more || (h->pos >= n && !h->part) || h->nrec >= AGENT_HEAD_RECS)
		h->done = true;
}

bool agent_head_rec(const struct agent_head *ch, int i)
{
	/* the head is read as far as the sniffs ask: the parsing state is
	 * the head's own, behind the const the sniffs see */
	struct agent_head *h = (struct agent_head *)ch;
	while (i >= h->nrec && !h->done)
		head_more(h);
	return i >= 0 && i < h->nrec;
}

const struct agent_member *agent_rec_get(const struct agent_head *h, int i, const char *key)
{
	if (!agent_head_rec(h, i))
		return NULL;
	const struct agent_member *m = h->pool + h->rec[i].off;
	for (size_t k = 0; k < h->rec[i].n; k++)
		if (!strcmp(m[k].key, key))
			return &m[k];
	return NULL;
}

bool agent_rec_is(const struct agent_head *h, int i, const char *key, const char *lit)
{
	const struct agent_member *m = agent_rec_get(h, i, key);
	return m && m->type == J_STR && !strcmp(m->val, lit);
}

bool agent_sniff_avx2 = true;

static _Thread_local struct agent_head head;

/* agent_sniff, or of a part of the head agent_sniff_part: NULL with
 * head.more set when a sniff found the part too little. */
static const struct agent *sniff_head(const char *p, size_t n, const char *path, bool part)
{
	if (n > AGENT_SNIFF_SIZE)
		n = AGENT_SNIFF_SIZE;
	agent_head_init(&head, p, n, path, part);
	const struct agent *best = NULL;
	int score = 0, ibest = -1;
	/* the agents whose sniff_more may yet raise their score, and their
	 * scores so far */
	int more[sizeof agent_list / sizeof *agent_list], nmore = 0;
	int got[sizeof agent_list / sizeof *agent_list];
	/* sniffs that are not known to be thread-safe take turns */
	static pthread_mutex_t turn = PTHREAD_MUTEX_INITIALIZER;
	for (int i = 0; agent_list[i]; i++) {
		const struct agent *a = agent_list[i];
		head.best = score;
		if (part && !a->sniff_part)
			return agent_head_short(&head), NULL;
		if (!a->parallel)
			pthread_mutex_lock(&turn);
		int s = a->sniff(&head);
		if (!a->parallel)
			pthread_mutex_unlock(&turn);
		if (head.more)
			return NULL;
		got[i] = s;
		if (a->sniff_more && s < a->more_max && head.best < a->more_max)
			more[nmore++] = i;
		if (s > score) {
			score = s;
			best = a;
			ibest = i;
		}
	}
	for (int k = 0; k < nmore; k++) {
		int i = more[k];
		const struct agent *a = agent_list[i];
		if (ibest == i || score > a->more_max || (score == a->more_max && ibest < i))
			continue;       /* it has won already, or cannot */
		if (part)
			return agent_head_short(&head), NULL;
		if (!a->parallel)
			pthread_mutex_lock(&turn);
		int s = a->sniff_more(&head, got[i]);
		if (!a->parallel)
			pthread_mutex_unlock(&turn);
		/* ties go to the earlier agent */
		if (s > score || (s == score && s > 0 && i < ibest)) {
			score = s;
			best = a;
			ibest = i;
		}
	}
	if (part && !best)
		agent_head_short(&head);        /* agent_last_head is the whole's */
	return best;
}

const struct agent *agent_sniff(const char *p, size_t n, const char *path)
{
	return sniff_head(p, n, path, false);
}

const struct agent *agent_sniff_part(const char *p, size_t n, const char *path, bool *more)
{
	const struct agent *a = sniff_head(p, n, path, true);
	*more = head.more;
	return a;
}

const struct agent_head *agent_last_head(void)
{
	agent_head_rec(&head, AGENT_HEAD_RECS);         /* all of it */
	return &head;
}
