/* SPDX-License-Identifier: MIT */
/* aider.c: Aider.
 *
 * Aider appends every run to .aider.chat.history.md at the root of the
 * repository it works in (--chat-history-file moves it):
 *
 *   # aider chat started at 2025-07-15 11:38:37      a run: a session here
 *   > Aider v0.85.1                                   its notices, quoted
 *   > Main model: gpt-4o with diff edit format        (older: "> Model:")
 *   #### add a comment at the top of ...              what the person typed
 *   <the model's answer, verbatim>
 *   > Tokens: 3.2k sent, 21 received. Cost: $0.0082 message, $0.0082 session.
 *   > Applied edit to schemas/x.ts                    what the answer did
 *   > Running chmod +x a.sh                           a command it ran
 *
 * Each "Tokens:" line ends one model call; its counts are rounded as
 * printed ("3.2k" is 3200, "21" exactly 21), so the call's record has
 * usage "rounded" (agent-event(5)).  "sent" is all the prompt's input,
 * cached part included ("cache hit", "cache write" when the provider
 * reports them), so input is sent less both.  An answer with no Tokens
 * line (interrupted, or a model Aider cannot count) is a call with usage
 * "none".  The printed costs are not read: agentpprof prices tokens
 * itself, and the "session" cost is a running total (summing it would
 * count each call again and again).  The only time is the run's header,
 * in the local time of the machine that wrote it (read here in this
 * one's, TZ): every record of a run has it, and none has a duration.
 *
 * --analytics-log FILE appends JSON lines {event, properties, user_id,
 * time (s)}: each "message_send" event is one call with exact
 * prompt_tokens and completion_tokens; a "launched" event starts a
 * session. */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "agent.h"
#include "events.h"
#include "sessions.h"
#include "turns.h"

#define TEXT_MAX ((size_t)1 << 20)      /* an answer's text kept for tagging */
#define HEADER "# aider chat started at "

struct aider {
	struct turns t;
	struct ev_ctx *c;
	struct lreader *r;
	char *dir;              /* the history's directory, absolute */
	char hash[9];           /* of dir: in session ids */
	bool in_run;
	int64_t ts;             /* the run's start */
	struct sbuf model, version, gitdir;
	struct sbuf prompt;     /* #### lines being gathered */
	bool prompting;
	struct sbuf answer;     /* the answer since the last call */
	bool answered;          /* it has text */
	struct sbuf input;      /* a tool call's arguments */
};

/* "2025-07-15 11:38:37" in local time */
static int64_t header_time(const char *s)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	if (sscanf(s, "%d-%d-%d %d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
	    &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return TS_NONE;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_isdst = -1;
	time_t t = mktime(&tm);
	return t == (time_t)-1 ? TS_NONE : (int64_t)t * 1000;
}

static void set(struct sbuf *b, const char *s, size_t n)
{
	sb_reset(b);
	sb_add(b, s, n);
}

/* "3.2k" 3200, "12k" 12000, "1.5M" 1500000, "861" 861: *p moves past it;
 * -1 when there is no number. */
static int64_t rounded(const char **p)
{
	const char *s = *p;
	int64_t whole = 0, frac = 0, scale = 1;
	if (!isdigit((unsigned char)*s))
		return -1;
	while (isdigit((unsigned char)*s) && whole < (INT64_C(1) << 40))
		whole = whole * 10 + (*s++ - '0');
	if (*s == '.' && isdigit((unsigned char)s[1]))
		for (s++; isdigit((unsigned char)*s); s++)
			if (scale < 1000000) {
				frac = frac * 10 + (*s - '0');
				scale *= 10;
			}
	int64_t mult = *s == 'k' ? 1000 : *s == 'M' ? 1000000 : 1;
	if (mult > 1)
		s++;
	*p = s;
	return whole * mult + frac * mult / scale;
}

/* "> Tokens: 12k sent, 2.1k cache write, 8.0k cache hit, 518 received." */
static bool tokens_line(const char *s, struct tokens *k)
{
	int64_t sent = -1, hit = 0, wr = 0, recv = -1;
	memset(k, 0, sizeof *k);
	while (*s && *s != '.') {
		while (*s == ' ' || *s == ',')
			s++;
		int64_t v = rounded(&s);
		if (v < 0)
			break;
		while (*s == ' ')
			s++;
		if (!strncmp(s, "sent", 4))
			sent = v;
		else if (!strncmp(s, "received", 8))
			recv = v;
		else if (!strncmp(s, "cache hit", 9))
			hit = v;
		else if (!strncmp(s, "cache write", 11))
			wr = v;
		while (*s && *s != ',' && *s != '.')
			s++;
	}
	if (sent < 0 || recv < 0)
		return false;
	k->cache_read = hit;
	k->cache_write = wr;
	/* rounded figures: what is left of sent, never below 0 */
	k->input = sent > hit + wr ? sent - hit - wr : 0;
	k->output = recv;
	return true;
}

/* An answer that got no Tokens line: a call whose usage is not known. */
static void flush_answer(struct aider *a)
{
	turns_release(&a->t);
	if (!a->answered)
		return;
	a->answered = false;
	while (a->answer.len && strchr("\n ", a->answer.p[a->answer.len - 1]))
		a->answer.p[--a->answer.len] = 0;
	turns_call(&a->t, NULL, a->ts, a->model.len ? a->model.p : NULL, NULL, "none",
		NULL, 0, a->answer.p, a->answer.len);
	sb_reset(&a->answer);
}

static void flush_prompt(struct aider *a)
{
	if (!a->prompting)
		return;
	a->prompting = false;
	while (a->prompt.len && a->prompt.p[a->prompt.len - 1] == '\n')
		a->prompt.p[--a->prompt.len] = 0;
	const char *p = a->prompt.p ? a->prompt.p : "";
	/* /commands and !shell lines are the person's, not questions */
	const char *origin = *p == '/' || *p == '!' ? "command" : "human";
	turns_prompt(&a->t, NULL, a->ts, origin, p, a->prompt.len);
	sb_reset(&a->prompt);
}

static void end_run(struct aider *a)
{
	if (!a->in_run)
		return;
	flush_prompt(a);
	flush_answer(a);
	turns_done(&a->t);
	ev_file_done(a->c);
	a->in_run = false;
}

static void start_run(struct aider *a, const char *when)
{
	end_run(a);
	turns_init(&a->t, a->c, a->r, "aider");
	a->in_run = true;
	a->ts = header_time(when);
	a->t.ts0 = a->ts;
	a->t.no_duration = true;
	sb_reset(&a->version);
	sb_reset(&a->gitdir);
	sb_reset(&a->answer);
	a->answered = false;
	/* a run's id: its start and the history's place */
	int y, mo, d, h, mi, s;
	if (sscanf(when, "%d-%d-%d %d:%d:%d", &y, &mo, &d, &h, &mi, &s) == 6)
		sb_printf(&a->t.session, "aider-%04d%02d%02dT%02d%02d%02d-%s", y, mo, d, h, mi, s, a->hash);
	else
		sb_printf(&a->t.session, "aider-%s", a->hash);
	sb_adds(&a->t.cwd, a->dir);
}

/* A tool call of the call whose Tokens line came last: the held one. */
static void tool(struct aider *a, const char *name, const char *key, const char *v, size_t n)
{
	if (!a->t.held) {
		lr_note(a->r, "aidertool", "\"%s\" before any Tokens line: no call to charge it to; left out", name);
		return;
	}
	/* {"key":"value"}: key is a literal, no printf needed */
	sb_reset(&a->input);
	sb_add(&a->input, "{\"", 2);
	sb_adds(&a->input, key);
	sb_add(&a->input, "\":", 2);
	sb_json_str(&a->input, v, n);
	sb_addc(&a->input, '}');
	turns_hold_tool(&a->t, NULL, name, a->input.p, a->input.len);
}

/* A quoted notice ("> ..."): trailing blanks and the Markdown line break
 * ("  ") cut. */
static void notice(struct aider *a, const char *s, size_t n)
{
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\r'))
		n--;
	struct tokens k;
#define PFX(lit) (n >= sizeof lit - 1 && !memcmp(s, lit, sizeof lit - 1))
	if (PFX("Tokens: ")) {
		/* a NUL-ended copy: on the stack when short, as they are */
		char buf[256];
		char *line = n - 8 < sizeof buf ? buf : xmalloc(n - 8 + 1);
		memcpy(line, s + 8, n - 8);
		line[n - 8] = 0;
		if (tokens_line(line, &k)) {
			while (a->answer.len && strchr("\n ", a->answer.p[a->answer.len - 1]))
				a->answer.p[--a->answer.len] = 0;
			turns_hold(&a->t, NULL, a->ts, a->model.len ? a->model.p : NULL, &k, "rounded",
				a->answer.p, a->answer.len);
			sb_reset(&a->answer);
			a->answered = false;
		} else {
			lr_warn(a->r, "aidertokens", "a Tokens line that does not read as counts; skipped");
		}
		if (line != buf)
			free(line);
	} else if (PFX("Applied edit to ")) {
		tool(a, "edit", "file_path", s + 16, n - 16);
	} else if (PFX("Running ")) {
		tool(a, "run", "command", s + 8, n - 8);
	} else if (PFX("Aider v")) {
		set(&a->version, s + 7, n - 7);
		if (!a->t.started)
			set(&a->t.version, s + 7, n - 7);
	} else if (PFX("Main model: ") || PFX("Model: ")) {
		const char *m = s + (s[0] == 'M' && s[1] == 'a' ? 12 : 7);
		const char *e = s + n;
		const char *w = memmem(m, (size_t)(e - m), " with ", 6);
		set(&a->model, m, (size_t)((w ? w : e) - m));
	} else if (PFX("Git working dir: ")) {
		if (!a->t.started)
			set(&a->t.cwd, s + 17, n - 17);
	}
#undef PFX
}

static void line(struct aider *a, const char *s, size_t n)
{
	while (n && s[n - 1] == '\r')
		n--;
	if (n >= sizeof HEADER - 1 && !memcmp(s, HEADER, sizeof HEADER - 1)) {
		char *when = xstrndup(s + sizeof HEADER - 1, n - (sizeof HEADER - 1));
		start_run(a, when);
		free(when);
		return;
	}
	if (!a->in_run) {
		if (n)
			lr_note(a->r, "aiderhead", "text before the first \"# aider chat started at\"; skipped");
		return;
	}
	if (n >= 5 && !memcmp(s, "#### ", 5)) {
		flush_answer(a);
		if (a->prompting)
			sb_addc(&a->prompt, '\n');
		size_t m = n - 5;
		while (m && s[5 + m - 1] == ' ')
			m--;
		sb_add(&a->prompt, s + 5, m);
		a->prompting = true;
		return;
	}
	if (n == 4 && !memcmp(s, "####", 4)) {   /* an empty line of a prompt */
		if (a->prompting)
			sb_addc(&a->prompt, '\n');
		return;
	}
	flush_prompt(a);
	/* a notice, but the end of an edit block (">>>>>>> REPLACE"), which
	 * is the answer's own text, as its "<<<<<<< SEARCH" and "=======" */
	if (n >= 1 && s[0] == '>' && !(n >= 7 && !memcmp(s, ">>>>>>>", 7) && (n == 7 || s[7] == ' '))) {
		notice(a, s + (n >= 2 && s[1] == ' ' ? 2 : 1), n - (n >= 2 && s[1] == ' ' ? 2 : 1));
		return;
	}
	/* the answer */
	if (!n && !a->answered)
		return;
	if (a->answer.len < TEXT_MAX) {
		if (a->answer.len)
			sb_addc(&a->answer, '\n');
		sb_add(&a->answer, s, n);
	}
	if (n)
		a->answered = true;
}

/* --- the Markdown, by the block -------------------------------------------
 * Most lines of a history are an answer's, and line() adds each to the
 * answer as it comes.  Read by the block (lr_lines), a run of such lines
 * is found in one pass and added in one piece: the same bytes, the lines
 * with the newlines between them, as line() would have added them one
 * after another.  A run takes the lines that do not start with '#' (a
 * run's header, a prompt) or '>' (a notice, or an edit block's end, which
 * line() tells apart) and hold no '\r' (which line() cuts at its end),
 * while an answer with text is being gathered (no prompt to flush, no
 * blank line to skip) and stays under TEXT_MAX.  Every other line goes
 * to line(). */

/* The end of the run of answer lines from s, a line's start, within
 * [s, e) (e just after a newline): the start of the first line that is
 * not one, or e; *lines the newlines before it. */
static const char *answer_run(const char *s, const char *e, uint64_t *lines)
{
	uint64_t n = 0;
	const char *p = s;
	if (*s == '#' || *s == '>') {
		*lines = 0;
		return s;
	}
#ifdef JSCAN_SSE2
	/* sixteen bytes a step, and the byte after each: a newline before
	 * '#' or '>', or a '\r', stops it; the newlines are counted in
	 * bytes of a vector (255 steps at most between sums) */
	const __m128i nl = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r'),
		hash = _mm_set1_epi8('#'), gt = _mm_set1_epi8('>'), zero = _mm_setzero_si128();
	for (bool stop = false; !stop && e - p >= 17; ) {
		__m128i acc = zero;
		for (int i = 0; i < 255 && e - p >= 17; i++) {
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p),
				w = _mm_loadu_si128((const __m128i *)(const void *)(p + 1)),
				isnl = _mm_cmpeq_epi8(v, nl);
			__m128i hit = _mm_or_si128(_mm_and_si128(isnl, _mm_or_si128(
				_mm_cmpeq_epi8(w, hash), _mm_cmpeq_epi8(w, gt))), _mm_cmpeq_epi8(v, cr));
			if (_mm_movemask_epi8(hit)) {
				stop = true;    /* the bytes from p, one by one below */
				break;
			}
			acc = _mm_sub_epi8(acc, isnl);
			p += 16;
		}
		__m128i sum = _mm_sad_epu8(acc, zero);
		n += (uint64_t)_mm_cvtsi128_si32(sum) + (uint64_t)_mm_extract_epi16(sum, 4);
	}
#endif
	for (; p < e; p++) {
		if (*p == '\r') {
			/* its line is not one: the run ends where it starts */
			while (p > s && p[-1] != '\n')
				p--;
			break;
		}
		if (*p == '\n') {
			n++;
			if (p + 1 < e && (p[1] == '#' || p[1] == '>')) {
				p++;
				break;
			}
		}
	}
	*lines = n;
	return p;
}

/* The lines of s[0..n) (whole lines: it ends with a newline), read as
 * line() reads them one by one. */
static void block(struct aider *a, const char *s, size_t n)
{
	struct lreader *r = a->r;
	uint64_t base = r->lineno, k = 0;       /* the lines done */
	const char *p = s, *e = s + n, *q = s;  /* [p, q): a run too long to add at once */
	while (p < e) {
		if (p >= q && a->in_run && a->answered && !a->prompting) {
			uint64_t lines;
			q = answer_run(p, e, &lines);
			if (q > p && a->answer.len + (size_t)(q - p) <= TEXT_MAX) {
				if (a->answer.len)
					sb_addc(&a->answer, '\n');
				sb_add(&a->answer, p, (size_t)(q - p) - 1);
				k += lines;
				p = q;
				continue;
			}
		}
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		r->lineno = base + ++k;         /* for its diagnostics */
		line(a, p, (size_t)(nl - p));
		p = nl + 1;
	}
	r->lineno = base;
	lr_skip(r, n, k);
}

static void markdown(struct aider *a)
{
	const char *s;
	char *l;
	size_t n;
	for (;;) {
		if ((n = lr_lines(a->r, &s)))
			block(a, s, n);
		else if (lr_next(a->r, &l, &n))
			line(a, l, n);
		else
			break;
	}
}

/* --- the analytics log ----------------------------------------------------- */

static void analytics(struct aider *a)
{
	struct jdoc d = {0};
	char *l;
	size_t len;
	while (lr_next_nonblank(a->r, &l, &len)) {
		const struct jnode *o = ev_parse_line(a->r, &d, l, len);
		if (!o)
			continue;
		const struct jnode *ev = jget(&d, o, "event"), *p = jget(&d, o, "properties");
		int64_t t = jint(jget(&d, o, "time"), TS_NONE);
		int64_t ts = t != TS_NONE ? t * 1000 : TS_NONE;
		if (jeq(ev, "launched") || !a->in_run) {
			end_run(a);
			turns_init(&a->t, a->c, a->r, "aider");
			a->in_run = true;
			a->t.ts0 = ts;
			a->t.no_duration = true;        /* times are when calls ended */
			const char *u = js(&d, jget(&d, o, "user_id"));
			sb_printf(&a->t.session, "aider-%s@%lld", u ? u : "anonymous", (long long)(t != TS_NONE ? t : 0));
			const char *v = js(&d, jget(&d, p, "aider_version"));
			if (v)
				sb_adds(&a->t.version, v);
		}
		if (jeq(ev, "message_send")) {
			struct tokens k;
			memset(&k, 0, sizeof k);
			int64_t in = jint(jget(&d, p, "prompt_tokens"), 0), out = jint(jget(&d, p, "completion_tokens"), 0);
			k.input = in < 0 ? 0 : in;
			k.output = out < 0 ? 0 : out;
			turns_call(&a->t, NULL, ts, js(&d, jget(&d, p, "main_model")), &k, NULL, NULL, 0, NULL, 0);
		}
	}
	jdoc_free(&d);
}

/* --- the file ---------------------------------------------------------------- */

static bool is_analytics(struct lreader *r)
{
	const char *h;
	size_t n = lr_peek(r, 64, &h);
	size_t i = 0;
	while (i < n && isspace((unsigned char)h[i]))
		i++;
	return i < n && h[i] == '{';
}

static void run(struct ev_ctx *c, struct lreader *r, const char *path)
{
	struct aider a;
	memset(&a, 0, sizeof a);
	a.c = c;
	a.r = r;
	char *real = strcmp(path, "-") ? realpath(path, NULL) : NULL;
	if (real) {
		char *slash = strrchr(real, '/');
		a.dir = xstrndup(real, slash && slash != real ? (size_t)(slash - real) : 1);
	} else {
		char cwd[PATH_MAX];
		a.dir = xstrdup(getcwd(cwd, sizeof cwd) ? cwd : ".");
	}
	free(real);
	char hex[65];
	sha256_hex(a.dir, strlen(a.dir), hex);
	memcpy(a.hash, hex, 8);
	if (is_analytics(r)) {
		analytics(&a);
	} else {
		markdown(&a);
	}
	end_run(&a);
	sb_free(&a.input);
	free(a.dir);
	sb_free(&a.model); sb_free(&a.version); sb_free(&a.gitdir);
	sb_free(&a.prompt); sb_free(&a.answer);
}

/* --- recognising its files --------------------------------------------------- */

/* 95: the run header within the first lines of Markdown; 90: analytics
 * records (event, properties, time) */
static int sniff(const struct agent_head *h)
{
	const char *p = h->p, *e = h->p + h->n;
	for (int k = 0; k < 4 && p < e; k++) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		size_t n = (size_t)((nl ? nl : e) - p);
		if (n >= sizeof HEADER - 1 && !memcmp(p, HEADER, sizeof HEADER - 1))
			return 95;
		if (n && !(n == 1 && *p == '\r'))
			break;
		p = nl ? nl + 1 : e;
	}
	const struct agent_member *pr = agent_rec_get(h, 0, "properties");
	if (agent_rec_get(h, 0, "event") && pr && pr->type == J_OBJ && agent_rec_get(h, 0, "time") &&
	    agent_rec_get(h, 0, "user_id"))
		return 90;
	return 0;
}

/* --- its history (agent-sessions) ------------------------------------------- */

static bool history_name(const char *name, int depth)
{
	(void)depth;
	return !strcmp(name, ".aider.chat.history.md");
}

/* Aider's history lives in the projects, not under HOME: agent-sessions
 * looks in --project-root and the directories it is given, and takes
 * $AIDER_CHAT_HISTORY_FILE and $AIDER_ANALYTICS_LOG (Aider's own
 * variables) when they name files.  It does not search the disk. */
static void find(struct history *h, const char *home)
{
	(void)home;
	for (const char *const *d = h->dirs; d && *d; d++)
		history_walk(h, *d, 0, history_name, NULL, false);
	const char *env[] = {getenv("AIDER_CHAT_HISTORY_FILE"), getenv("AIDER_ANALYTICS_LOG")};
	for (int i = 0; i < 2; i++) {
		struct stat st;
		if (!env[i] || !*env[i] || stat(env[i], &st) || !S_ISREG(st.st_mode))
			continue;
		if (h->n == h->cap)
			h->v = xrealloc(h->v, sizeof *h->v * (h->cap = h->cap ? h->cap * 2 : 16));
		h->v[h->n++] = (struct history_file){.path = xstrdup(env[i]), .agent = h->agent};
	}
}

/* The first run's id and time from the head, the version of its first
 * "> Aider v" line; the cwd is the history's directory (Aider writes it
 * at the repository's root), the last activity the file's last change. */
static int probe(const struct agent *ag, struct session_probe *p, const char **why)
{
	(void)ag;
	struct session_meta *m = p->m;
	const char *s = p->buf, *e = p->buf + p->have;
	char *real = realpath(p->path, NULL);
	if (real) {
		char *slash = strrchr(real, '/');
		if (slash && slash != real)
			m->cwd = xstrndup(real, (size_t)(slash - real));
	}
	free(real);
	const char *hd = memmem(s, (size_t)(e - s), HEADER, sizeof HEADER - 1);
	if (hd) {
		const char *when = hd + sizeof HEADER - 1;
		char hex[65], buf[20];
		int y, mo, d, h, mi, sec;
		size_t wl = (size_t)(e - when) < sizeof buf - 1 ? (size_t)(e - when) : sizeof buf - 1;
		memcpy(buf, when, wl);
		buf[wl] = 0;
		m->first = header_time(buf);
		if (m->cwd && sscanf(buf, "%d-%d-%d %d:%d:%d", &y, &mo, &d, &h, &mi, &sec) == 6) {
			sha256_hex(m->cwd, strlen(m->cwd), hex);
			struct sbuf id = {0};
			sb_printf(&id, "aider-%04d%02d%02dT%02d%02d%02d-%.8s", y, mo, d, h, mi, sec, hex);
			m->id = id.p;
		}
		const char *v = memmem(s, (size_t)(e - s), "> Aider v", 9);
		if (v) {
			size_t n = 0;
			while (v + 9 + n < e && !isspace((unsigned char)v[9 + n]))
				n++;
			m->version = xstrndup(v + 9, n);
		}
	} else {
		/* the analytics log: its first time */
		const char *t = memmem(s, (size_t)(e - s), "\"time\":", 7);
		if (t)
			m->first = strtoll(t + 7, NULL, 10) * 1000;
	}
	m->last = probe_mtime(p);
	if (!m->id) {
		const char *b = agent_file_base(p->path);
		m->id = xstrdup(b);
	}
	(void)why;
	return 0;
}

/* Its tool names: what the history shows it doing after an answer. */
static const struct tool_map aider_tools[] = {
	TOOL("edit", TK_WRITE),         /* "Applied edit to FILE" */
	TOOL("run", TK_SHELL),          /* "Running COMMAND" */
	TOOL(NULL, TK_OTHER)
};

const struct agent agent_aider = {
	.name = "aider",
	.title = "Aider",
	.tools = aider_tools,
	.sniff = sniff,
	.sniff_part = true,
	.run = run,
	.probe = probe,
	.find = find,
};
