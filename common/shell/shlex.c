/* SPDX-License-Identifier: MIT */
/* shlex.c: the shell lexer.  Text becomes tokens: words with their
 * quotes removed (expansions kept as text, command substitutions noted
 * for the parser), operators with their io number, newlines, and
 * here-document bodies attached to their delimiter words.  Nothing
 * fails: an open quote or a missing here-document end takes the rest of
 * the text and marks the token and the lexer partial. */
#include <stdlib.h>
#include <string.h>
#include "shellint.h"
#include "util.h"

struct lx {
	struct shell *sh;
	const char *p, *end;
	struct tok *t;
	int nt, cap;
	int *hd;                /* pending here-documents: token index, <<- flag */
	int nhd, caphd;
	struct sbuf w;
	struct subst *sub;
	int nsub, capsub;
	bool partial;
};

static bool is_meta(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ';' || c == '&' ||
		c == '|' || c == '<' || c == '>' || c == '(' || c == ')';
}

static struct tok *newtok(struct lx *l, int type)
{
	if (l->nt == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->t = xrealloc(l->t, sizeof *l->t * l->cap);
	}
	struct tok *t = &l->t[l->nt++];
	memset(t, 0, sizeof *t);
	t->type = type;
	t->fd = -1;
	return t;
}

/* Skippers for text kept verbatim: each returns the position just past
 * the construct, or end (and marks the lexer partial) when it is not
 * closed.  lvl bounds the recursion of quotes inside $( ) inside quotes. */
static const char *skip_dq(struct lx *l, const char *p, int lvl);
static const char *skip_paren(struct lx *l, const char *p, int lvl);

static const char *skip_sq(struct lx *l, const char *p)
{
	const char *q = memchr(p, '\'', (size_t)(l->end - p));
	if (!q) {
		l->partial = true;
		return l->end;
	}
	return q + 1;
}

static const char *skip_bq(struct lx *l, const char *p)
{
	while (p < l->end && *p != '`')
		p += *p == '\\' && p + 1 < l->end ? 2 : 1;
	if (p >= l->end) {
		l->partial = true;
		return l->end;
	}
	return p + 1;
}

static const char *skip_dq(struct lx *l, const char *p, int lvl)
{
	while (p < l->end && *p != '"') {
		if (*p == '\\' && p + 1 < l->end)
			p += 2;
		else if (*p == '$' && p + 1 < l->end && p[1] == '(' && lvl < 64)
			p = skip_paren(l, p + 2, lvl + 1);
		else if (*p == '`')
			p = skip_bq(l, p + 1);
		else
			p++;
	}
	if (p >= l->end) {
		l->partial = true;
		return l->end;
	}
	return p + 1;
}

/* p is just past "$(" (or "$((", or "${" with close '}'): returns the
 * position of the matching close character, or end. */
static const char *skip_nest(struct lx *l, const char *p, int lvl, char open, char close)
{
	int depth = 1;
	bool wordstart = true;
	while (p < l->end) {
		char c = *p;
		if (c == '\\' && p + 1 < l->end) {
			p += 2;
		} else if (c == '\'') {
			p = skip_sq(l, p + 1);
		} else if (c == '"') {
			p = lvl < 64 ? skip_dq(l, p + 1, lvl + 1) : p + 1;
		} else if (c == '`') {
			p = skip_bq(l, p + 1);
		} else if (c == '#' && wordstart && close == ')') {
			while (p < l->end && *p != '\n')
				p++;
		} else {
			if (c == open)
				depth++;
			else if (c == close && --depth == 0)
				return p;
			p++;
		}
		wordstart = p > l->p && p < l->end && (is_meta(p[-1]) || p[-1] == '(');
	}
	l->partial = true;
	return l->end;
}

static const char *skip_paren(struct lx *l, const char *p, int lvl)
{
	const char *q = skip_nest(l, p, lvl, '(', ')');
	return q < l->end ? q + 1 : q;
}

static void add_subst(struct lx *l, const char *s, size_t n, bool backq)
{
	if (l->nsub == l->capsub) {
		l->capsub = l->capsub ? l->capsub * 2 : 8;
		l->sub = xrealloc(l->sub, sizeof *l->sub * l->capsub);
	}
	l->sub[l->nsub++] = (struct subst){s, n, backq};
}

/* A $ construct at p (p[0] == '$'); appends its text to the word and
 * returns the position after it. */
static const char *dollar(struct lx *l, const char *p, unsigned *wf)
{
	const char *s = p;
	*wf |= W_EXPAND;
	if (p + 1 < l->end && p[1] == '(') {
		if (p + 2 < l->end && p[2] == '(') {
			/* $(( arithmetic )): no command inside */
			const char *q = skip_nest(l, p + 3, 0, '(', ')');
			p = q < l->end ? q + 1 : q;
			if (p < l->end && *p == ')')
				p++;
		} else {
			const char *q = skip_nest(l, p + 2, 0, '(', ')');
			add_subst(l, p + 2, (size_t)(q - (p + 2)), false);
			*wf |= W_SUBST;
			p = q < l->end ? q + 1 : q;
		}
	} else if (p + 1 < l->end && p[1] == '{') {
		const char *q = skip_nest(l, p + 2, 0, '{', '}');
		p = q < l->end ? q + 1 : q;
	} else {
		p++;
	}
	sb_add(&l->w, s, (size_t)(p - s));
	return p;
}

static const char *backquote(struct lx *l, const char *p, unsigned *wf)
{
	bool was = l->partial;
	l->partial = false;
	const char *q = skip_bq(l, p + 1);
	bool open = l->partial;
	l->partial |= was;
	add_subst(l, p + 1, (size_t)((open ? q : q - 1) - (p + 1)), true);
	*wf |= W_EXPAND | W_SUBST;
	sb_add(&l->w, p, (size_t)(q - p));
	return q;
}

static int ansi_escape(int c)
{
	switch (c) {
	case 'n': return '\n';
	case 't': return '\t';
	case 'r': return '\r';
	case 'a': return '\a';
	case 'b': return '\b';
	case 'e': case 'E': return 033;
	case 'v': return '\v';
	case 'f': return '\f';
	default: return c;
	}
}

/* One word starting at l->p. */
static void lex_word(struct lx *l)
{
	const char *p = l->p;
	unsigned wf = 0;
	int assign = -1;        /* length of NAME before '=' while it can be one */
	bool in_name = true;
	sb_reset(&l->w);
	l->nsub = 0;
	while (p < l->end && !is_meta(*p)) {
		char c = *p;
		if (in_name && c == '=' && l->w.len > 0 && !(wf & (W_QUOTED | W_EXPAND))) {
			assign = (int)l->w.len;
			in_name = false;
		} else if (in_name && !(l->w.len == 0 ? sh_is_name1(c) : sh_is_name(c) || c == '+')) {
			in_name = false;
		}
		if (c == '\\') {
			if (p + 1 >= l->end) {
				p++;
				continue;
			}
			if (p[1] != '\n') {
				sb_addc(&l->w, p[1]);
				wf |= W_QUOTED;
			}
			p += 2;
		} else if (c == '\'') {
			const char *q = skip_sq(l, p + 1);
			sb_add(&l->w, p + 1, (size_t)(q - (p + 1)) - (q[-1] == '\'' && q > p + 1));
			wf |= W_QUOTED;
			p = q;
		} else if (c == '$' && p + 1 < l->end && p[1] == '\'') {
			p += 2;
			while (p < l->end && *p != '\'') {
				if (*p == '\\' && p + 1 < l->end) {
					sb_addc(&l->w, (char)ansi_escape((unsigned char)p[1]));
					p += 2;
				} else {
					sb_addc(&l->w, *p++);
				}
			}
			if (p < l->end)
				p++;
			else
				l->partial = true;
			wf |= W_QUOTED;
		} else if (c == '"') {
			wf |= W_QUOTED;
			p++;
			while (p < l->end && *p != '"') {
				if (*p == '\\' && p + 1 < l->end && strchr("$`\"\\\n", p[1])) {
					if (p[1] != '\n')
						sb_addc(&l->w, p[1]);
					p += 2;
				} else if (*p == '$') {
					p = dollar(l, p, &wf);
				} else if (*p == '`') {
					p = backquote(l, p, &wf);
				} else {
					sb_addc(&l->w, *p++);
				}
			}
			if (p < l->end)
				p++;
			else
				l->partial = true;
		} else if (c == '$') {
			p = dollar(l, p, &wf);
		} else if (c == '`') {
			p = backquote(l, p, &wf);
		} else {
			if (c == '*' || c == '?' || c == '[')
				wf |= W_GLOB;
			sb_addc(&l->w, c);
			p++;
		}
	}
	/* an io number: digits right before < or > */
	if (!wf && p < l->end && (*p == '<' || *p == '>') && l->w.len && l->w.len < 4 &&
	    strspn(l->w.p, "0123456789") == l->w.len) {
		l->p = p;
		struct tok *t = newtok(l, T_OP);
		t->fd = atoi(l->w.p);
		t->op = NULL;   /* filled by the operator that follows */
		return;
	}
	if (!l->w.len && !wf) {
		l->p = p;       /* nothing but a line continuation or a lone \ */
		return;
	}
	struct tok *t = newtok(l, T_WORD);
	t->val = shell_strdup(l->sh, l->w.p ? l->w.p : "", l->w.len);
	if (assign > 0)
		wf |= W_ASSIGN;
	t->wf = wf;
	if (l->nsub) {
		t->sub = shell_alloc(l->sh, sizeof *t->sub * l->nsub);
		memcpy(t->sub, l->sub, sizeof *t->sub * l->nsub);
		t->nsub = l->nsub;
	}
	t->partial = l->partial;
	l->p = p;
}

static const char *const ops[] = {
	"<<<", "<<-", ";;&", "&>>",
	"&&", "||", ";;", ";&", "|&", "<<", "<>", "<&", ">>", ">|", ">&", "&>",
	"&", ";", "|", "(", ")", "<", ">",
};

bool sh_is_redir(const char *op)
{
	return op && (op[0] == '<' || op[0] == '>' || (op[0] == '&' && op[1] == '>'));
}

/* Read the bodies of the here-documents opened on the line just ended;
 * l->p is at the start of the next line. */
static void heredocs(struct lx *l)
{
	for (int i = 0; i < l->nhd; i += 2) {
		struct tok *t = &l->t[l->hd[i]];
		bool strip = l->hd[i + 1];
		const char *delim = t->val;
		size_t dl = strlen(delim);
		const char *body = l->p, *p = l->p;
		t->body = body;
		for (;;) {
			if (p >= l->end) {
				t->body_len = (size_t)(l->end - body);
				t->partial = l->partial = true;
				l->p = l->end;
				break;
			}
			const char *e = memchr(p, '\n', (size_t)(l->end - p));
			if (!e)
				e = l->end;
			const char *s = p;
			if (strip)
				while (s < e && *s == '\t')
					s++;
			size_t n = (size_t)(e - s);
			if (n && s[n - 1] == '\r')
				n--;
			if (n == dl && !memcmp(s, delim, dl)) {
				t->body_len = (size_t)(p - body);
				l->p = e < l->end ? e + 1 : e;
				break;
			}
			p = e < l->end ? e + 1 : e;
		}
	}
	l->nhd = 0;
}

static void lex(struct lx *l)
{
	while (l->p < l->end) {
		const char *p = l->p;
		char c = *p;
		if (sh_is_blank(c)) {
			l->p++;
			continue;
		}
		if (c == '\\' && p + 1 < l->end && p[1] == '\n') {
			l->p += 2;
			continue;
		}
		if (c == '#') {
			const char *e = memchr(p, '\n', (size_t)(l->end - p));
			l->p = e ? e : l->end;
			continue;
		}
		if (c == '\n') {
			newtok(l, T_NL);
			l->p++;
			if (l->nhd)
				heredocs(l);
			continue;
		}
		if (c == '(' && p + 1 < l->end && p[1] == '(') {
			/* (( arithmetic )): nothing runs */
			const char *q = skip_nest(l, p + 2, 0, '(', ')');
			l->p = q < l->end ? q + 1 : q;
			if (l->p < l->end && *l->p == ')')
				l->p++;
			continue;
		}
		if (is_meta(c)) {
			const char *op = NULL;
			for (size_t i = 0; i < sizeof ops / sizeof *ops; i++) {
				size_t n = strlen(ops[i]);
				if ((size_t)(l->end - p) >= n && !memcmp(p, ops[i], n)) {
					op = ops[i];
					break;
				}
			}
			struct tok *t;
			if (l->nt && l->t[l->nt - 1].type == T_OP && !l->t[l->nt - 1].op)
				t = &l->t[l->nt - 1];   /* the io number before it */
			else
				t = newtok(l, T_OP);
			t->op = op;
			l->p += strlen(op);
			if (!strcmp(op, "<<") || !strcmp(op, "<<-")) {
				while (l->p < l->end && sh_is_blank(*l->p))
					l->p++;
				int before = l->nt;
				if (l->p < l->end && !is_meta(*l->p))
					lex_word(l);
				/* only a word is a delimiter: a line continuation
				 * makes no token, and "<<0<" an io number */
				if (l->nt > before && l->t[l->nt - 1].type == T_WORD) {
					if (l->nhd + 2 > l->caphd) {
						l->caphd = l->caphd ? l->caphd * 2 : 8;
						l->hd = xrealloc(l->hd, sizeof *l->hd * l->caphd);
					}
					l->hd[l->nhd++] = l->nt - 1;
					l->hd[l->nhd++] = op[2] == '-';
				}
			}
			continue;
		}
		lex_word(l);
	}
	if (l->nhd) {
		/* here-documents opened on the last line have no body */
		for (int i = 0; i < l->nhd; i += 2)
			l->t[l->hd[i]].partial = true;
		l->partial = true;
		l->nhd = 0;
	}
	/* an io number at the very end */
	if (l->nt && l->t[l->nt - 1].type == T_OP && !l->t[l->nt - 1].op)
		l->t[l->nt - 1].op = ">";
}

struct tok *sh_lex(struct shell *sh, const char *s, size_t n, int *nt, bool *partial)
{
	struct lx l = {.sh = sh, .p = s, .end = s + n};
	lex(&l);
	free(l.hd);
	free(l.sub);
	sb_free(&l.w);
	*nt = l.nt;
	*partial = l.partial;
	return l.t;
}
