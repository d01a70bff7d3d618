/* shell.c: a shell command line taken apart: lexer, flat parser, wrapper
 * and nested-shell recursion, command classes and effects.  shell.h says
 * what comes out; this file says how.
 *
 * Two phases per string: the lexer turns the text into tokens (words
 * already unquoted, operators, newlines, here-document bodies attached
 * to their delimiter words); the parser walks the tokens and hands each
 * simple command to analyse(), which strips assignments and wrappers,
 * recurses into sh -c strings, $( ) and eval, and records the command
 * with its class and effects.  The grammar is deliberately flat: only ( )
 * scopes matter (for cd), so if/while/for/case keywords are skipped
 * rather than parsed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "event.h"       /* secret_len */
#include "paths.h"
#include "shell.h"
#include "util.h"

/* ---- arena ---------------------------------------------------------- */

struct shell_arena {
	struct shell_arena *next;
	size_t used, size;
	max_align_t data[];
};

void *shell_alloc(struct shell *sh, size_t n)
{
	n = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
	struct shell_arena *a = sh->arena;
	if (!a || a->size - a->used < n) {
		size_t size = n > 65536 ? n : 65536;
		a = xmalloc(sizeof *a + size);
		a->size = size;
		a->used = 0;
		a->next = sh->arena;
		sh->arena = a;
	}
	void *p = (char *)a->data + a->used;
	a->used += n;
	return p;
}

char *shell_strdup(struct shell *sh, const char *s, size_t n)
{
	char *p = shell_alloc(sh, n + 1);
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

void shell_init(struct shell *sh)
{
	memset(sh, 0, sizeof *sh);
	sh->maxdepth = 8;
}

void shell_reset(struct shell *sh)
{
	int maxdepth = sh->maxdepth;
	struct shell_arena *a = sh->arena, *n;
	for (; a; a = n) {
		n = a->next;
		free(a);
	}
	free(sh->cmd);
	shell_init(sh);
	sh->maxdepth = maxdepth;
}

void shell_free(struct shell *sh)
{
	shell_reset(sh);
}

const char *shell_path(struct shell *sh, const char *path, const char *cwd)
{
	static struct sbuf b;
	if (!path || !*path)
		return NULL;
	sb_reset(&b);
	path_norm(&b, path, cwd);
	if (!b.len)
		sb_addc(&b, '.');
	return shell_strdup(sh, b.p, b.len);
}

/* ---- lexer ---------------------------------------------------------- */

enum { T_WORD, T_OP, T_NL };
enum {
	W_QUOTED = 1,   /* some part was quoted or escaped */
	W_EXPAND = 2,   /* holds $ or ` expansions: the value is not literal */
	W_GLOB = 4,     /* unquoted * ? [ */
	W_ASSIGN = 8,   /* NAME=value */
	W_SUBST = 16,   /* holds a command substitution */
};

struct subst {
	const char *s;
	size_t n;
	bool backq;
};

struct tok {
	int type;
	const char *op;         /* T_OP */
	int fd;                 /* redirection io number, -1 none */
	const char *val;        /* T_WORD */
	unsigned wf;
	struct subst *sub;
	int nsub;
	const char *body;       /* here-document delimiter: the body */
	size_t body_len;
	bool partial;
};

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

static bool is_blank(int c) { return c == ' ' || c == '\t' || c == '\r'; }
static bool is_meta(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ';' || c == '&' ||
		c == '|' || c == '<' || c == '>' || c == '(' || c == ')';
}
static bool is_name1(int c) { return c == '_' || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'); }
static bool is_name(int c) { return is_name1(c) || (c >= '0' && c <= '9'); }

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
		} else if (in_name && !(l->w.len == 0 ? is_name1(c) : is_name(c) || c == '+')) {
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

static bool is_redir(const char *op)
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
		if (is_blank(c)) {
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
				while (l->p < l->end && is_blank(*l->p))
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

/* ---- options -------------------------------------------------------- */

/* A long option: its name without "--", the short letter it stands for
 * (or a code below ' ' when it has none) and how many words it takes
 * when not given as --name=value. */
struct lopt {
	const char *name;
	char c;
	int nargs;
};

struct opts {
	bool seen[128];
	const char *arg[128];
};

static int letter(unsigned char c) { return c < 128 ? c : 0; }

static const struct lopt *find_lopt(const struct lopt *lo, const char *s, size_t n)
{
	for (; lo && lo->name; lo++)
		if (strlen(lo->name) == n && !memcmp(lo->name, s, n))
			return lo;
	return NULL;
}

/* Options of argv[from..argc) in the getopt way: sarg are the short
 * options that take an argument (attached or the next word), att those
 * whose argument can only be attached (sed -i.bak).  With ops NULL,
 * stops at the first operand and returns its index (argc when none);
 * else collects every operand's index into ops (GNU permutation) and
 * returns their count. */
static int getopts(const char *const *argv, int argc, int from, const char *sarg,
	const char *att, const struct lopt *lo, struct opts *o, int *ops)
{
	int nops = 0;
	bool dashdash = false;
	memset(o, 0, sizeof *o);
	for (int j = from; j < argc; j++) {
		const char *a = argv[j];
		if (dashdash || a[0] != '-' || !a[1]) {
			if (!ops)
				return j;
			ops[nops++] = j;
			continue;
		}
		if (a[1] == '-') {
			if (!a[2]) {
				dashdash = true;
				if (!ops)
					return j + 1 < argc ? j + 1 : argc;
				continue;
			}
			const char *eq = strchr(a + 2, '=');
			size_t n = eq ? (size_t)(eq - (a + 2)) : strlen(a + 2);
			const struct lopt *l = find_lopt(lo, a + 2, n);
			if (!l)
				continue;
			o->seen[letter(l->c)] = true;
			if (eq) {
				o->arg[letter(l->c)] = eq + 1;
			} else if (l->nargs > 0) {
				if (j + 1 < argc)
					o->arg[letter(l->c)] = argv[j + 1];
				j += l->nargs;
			}
			continue;
		}
		for (const char *c = a + 1; *c; c++) {
			int k = letter(*c);
			o->seen[k] = true;
			if (att && *c && strchr(att, *c)) {
				o->arg[k] = c[1] ? c + 1 : NULL;
				break;
			}
			if (sarg && *c && strchr(sarg, *c)) {
				if (c[1])
					o->arg[k] = c + 1;
				else if (j + 1 < argc)
					o->arg[k] = argv[++j];
				break;
			}
		}
	}
	return ops ? nops : argc;
}

/* ---- parser --------------------------------------------------------- */

struct ps {
	struct shell *sh;
	struct tok *t;
	int nt, i;
	int depth;
	const char *const *outer;
	int nouter;
	const char *dir;        /* where the next command runs (cd moves it) */
	bool nosubst;
};

static int parse_string(struct shell *sh, const char *s, size_t n, const char *const *outer,
	int nouter, const char *dir, int depth, bool nosubst);
static int analyse(struct ps *ps, const char *const *chain, int nchain, const char **argv,
	const unsigned *wf, int argc, struct shell_redir *rd, int nrd, bool partial);

static void mark_partial(struct shell *sh) { sh->flags |= SHELL_PARTIAL; }

/* Analyse the command substitutions of a word: forks of the same shell,
 * so they keep the chain of the command around them. */
static void run_subst(struct ps *ps, struct tok *t)
{
	if (ps->nosubst || !t->nsub)
		return;
	if (ps->depth >= ps->sh->maxdepth) {
		mark_partial(ps->sh);
		return;
	}
	for (int k = 0; k < t->nsub; k++) {
		struct subst *s = &t->sub[k];
		const char *text = s->s;
		size_t n = s->n;
		if (s->backq) {
			/* inside backquotes \` \\ \$ stand for the plain character */
			char *u = shell_alloc(ps->sh, n + 1);
			size_t m = 0;
			for (size_t j = 0; j < n; j++) {
				if (text[j] == '\\' && j + 1 < n && strchr("`\\$", text[j + 1]))
					j++;
				u[m++] = text[j];
			}
			u[m] = 0;
			text = u;
			n = m;
		}
		parse_string(ps->sh, text, n, ps->outer, ps->nouter, ps->dir, ps->depth + 1, false);
	}
}

static bool is_op(const struct tok *t, const char *op)
{
	return t->type == T_OP && t->op && !strcmp(t->op, op);
}

static bool is_word(const struct tok *t, const char *w)
{
	return t->type == T_WORD && !(t->wf & W_QUOTED) && !strcmp(t->val, w);
}

/* In a case body, "[(] pattern [| pattern]... )" at command position. */
static int case_pattern(struct ps *ps, int j)
{
	if (j < ps->nt && is_op(&ps->t[j], "("))
		j++;
	for (;;) {
		if (j >= ps->nt || ps->t[j].type != T_WORD)
			return -1;
		j++;
		if (j < ps->nt && is_op(&ps->t[j], ")"))
			return j + 1;
		if (j < ps->nt && is_op(&ps->t[j], "|"))
			j++;
		else
			return -1;
	}
}

struct vec {
	void *p;
	int n, cap;
};

static void *vpush(struct vec *v, size_t size)
{
	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 16;
		v->p = xrealloc(v->p, size * v->cap);
	}
	return (char *)v->p + size * v->n++;
}

static bool keyword(const char *w)
{
	static const char *const kw[] = {
		"if", "then", "elif", "else", "fi", "while", "until", "do", "done",
		"{", "}", "!", NULL,
	};
	for (int i = 0; kw[i]; i++)
		if (!strcmp(w, kw[i]))
			return true;
	return false;
}

static void parse(struct ps *ps)
{
	struct vec dirs = {0}, words = {0}, flags = {0}, redirs = {0};
	int in_case = 0;
	while (ps->i < ps->nt) {
		struct tok *t = &ps->t[ps->i];
		if (t->type == T_NL) {
			ps->i++;
			continue;
		}
		if (t->type == T_OP && !is_redir(t->op)) {
			if (!strcmp(t->op, "(")) {
				*(const char **)vpush(&dirs, sizeof(char *)) = ps->dir;
			} else if (!strcmp(t->op, ")")) {
				if (dirs.n)
					ps->dir = ((const char **)dirs.p)[--dirs.n];
				else
					mark_partial(ps->sh);
			} else if (!strcmp(t->op, "&") && ps->sh->ncmd) {
				ps->sh->cmd[ps->sh->ncmd - 1].flags |= SHELL_BG;
			}
			ps->i++;
			continue;
		}
		if (t->type == T_WORD && in_case) {
			int j = case_pattern(ps, ps->i);
			if (j > 0) {
				ps->i = j;
				continue;
			}
		}
		if (t->type == T_WORD && !(t->wf & W_QUOTED)) {
			const char *w = t->val;
			if (keyword(w)) {
				ps->i++;
				continue;
			}
			if (!strcmp(w, "for") || !strcmp(w, "select") || !strcmp(w, "case")) {
				ps->i++;
				if (ps->i < ps->nt && ps->t[ps->i].type == T_WORD)
					run_subst(ps, &ps->t[ps->i++]);
				if (ps->i < ps->nt && is_word(&ps->t[ps->i], "in")) {
					ps->i++;
					if (w[0] == 'c')
						in_case++;
					else
						while (ps->i < ps->nt && ps->t[ps->i].type == T_WORD)
							run_subst(ps, &ps->t[ps->i++]);
				}
				continue;
			}
			if (!strcmp(w, "esac")) {
				in_case -= in_case > 0;
				ps->i++;
				continue;
			}
			if (!strcmp(w, "function")) {
				ps->i += 1 + (ps->i + 1 < ps->nt && ps->t[ps->i + 1].type == T_WORD);
				if (ps->i + 1 < ps->nt && is_op(&ps->t[ps->i], "(") &&
				    is_op(&ps->t[ps->i + 1], ")"))
					ps->i += 2;
				continue;
			}
			if (ps->i + 2 < ps->nt && is_op(&ps->t[ps->i + 1], "(") &&
			    is_op(&ps->t[ps->i + 2], ")")) {
				ps->i += 3;     /* name() { ... }: a function definition */
				continue;
			}
		}
		/* a simple command */
		words.n = flags.n = redirs.n = 0;
		bool partial = false, dbl = t->type == T_WORD && is_word(t, "[[");
		while (ps->i < ps->nt) {
			t = &ps->t[ps->i];
			if (t->type == T_NL && !dbl)
				break;
			if (dbl && (t->type != T_WORD || !is_word(t, "]]"))) {
				/* inside [[ ]] operators are operands */
				*(const char **)vpush(&words, sizeof(char *)) =
					t->type == T_WORD ? t->val : t->op ? t->op : "\n";
				*(unsigned *)vpush(&flags, sizeof(unsigned)) = t->type == T_WORD ? t->wf : W_QUOTED;
				if (t->type == T_WORD)
					run_subst(ps, t);
				ps->i++;
				continue;
			}
			if (t->type == T_OP && is_redir(t->op)) {
				struct shell_redir *r = vpush(&redirs, sizeof *r);
				memset(r, 0, sizeof *r);
				r->op = t->op;
				r->fd = t->fd >= 0 ? t->fd : t->op[0] == '<' ? 0 : t->op[0] == '&' ? -1 : 1;
				ps->i++;
				if (ps->i < ps->nt && ps->t[ps->i].type == T_WORD) {
					struct tok *w = &ps->t[ps->i++];
					r->word = w->val;
					r->body = w->body;
					r->body_len = w->body_len;
					partial |= w->partial;
					run_subst(ps, w);
				} else {
					partial = true;
				}
				continue;
			}
			if (t->type == T_OP) {
				if (!strcmp(t->op, "(")) {
					partial = true;     /* "(" inside a command */
					ps->i++;
				}
				break;
			}
			*(const char **)vpush(&words, sizeof(char *)) = t->val;
			*(unsigned *)vpush(&flags, sizeof(unsigned)) = t->wf;
			partial |= t->partial;
			run_subst(ps, t);
			ps->i++;
			if (dbl && !strcmp(t->val, "]]") && words.n > 1)
				break;
		}
		if (partial)
			mark_partial(ps->sh);
		analyse(ps, ps->outer, ps->nouter, words.p, flags.p, words.n, redirs.p, redirs.n,
			partial);
	}
	free(dirs.p);
	free(words.p);
	free(flags.p);
	free(redirs.p);
}

static int parse_string(struct shell *sh, const char *s, size_t n, const char *const *outer,
	int nouter, const char *dir, int depth, bool nosubst)
{
	struct lx l = {.sh = sh, .p = s, .end = s + n};
	int before = sh->ncmd;
	lex(&l);
	if (l.partial)
		mark_partial(sh);
	struct ps ps = {
		.sh = sh, .t = l.t, .nt = l.nt, .depth = depth, .outer = outer,
		.nouter = nouter, .dir = dir, .nosubst = nosubst,
	};
	parse(&ps);
	free(l.t);
	free(l.hd);
	free(l.sub);
	sb_free(&l.w);
	return sh->ncmd - before;
}

int shell_parse(struct shell *sh, const char *line, size_t len, const char *const *outer,
	int nouter, const char *cwd)
{
	return parse_string(sh, line, len, outer, nouter, shell_path(sh, cwd, NULL), 0, false);
}

int shell_parse_argv(struct shell *sh, const char *const *argv, int argc,
	const char *const *outer, int nouter, const char *cwd)
{
	struct ps ps = {.sh = sh, .outer = outer, .nouter = nouter, .dir = shell_path(sh, cwd, NULL)};
	int before = sh->ncmd;
	const char **v = xmalloc(sizeof *v * (argc + 1));
	for (int i = 0; i < argc; i++)
		v[i] = argv[i] ? argv[i] : "";
	analyse(&ps, outer, nouter, v, NULL, argc, NULL, 0, false);
	free(v);
	return sh->ncmd - before;
}

/* ---- wrappers ------------------------------------------------------- */

enum { WK_PLAIN, WK_TIMEOUT, WK_ENV, WK_SUDO, WK_CHRT, WK_TASKSET, WK_COMMAND, WK_PID };

struct wrapper {
	const char *name;
	bool proc;              /* a process of its own (else a shell builtin) */
	int kind;
	const char *sarg;
	const struct lopt *lo;
};

static const struct lopt lo_timeout[] = {{"signal", 's', 1}, {"kill-after", 'k', 1}, {0}};
static const struct lopt lo_env[] = {{"unset", 'u', 1}, {"chdir", 'C', 1},
	{"split-string", 'S', 1}, {0}};
static const struct lopt lo_sudo[] = {{"user", 'u', 1}, {"group", 'g', 1}, {"chdir", 'D', 1},
	{"prompt", 'p', 1}, {"close-from", 'C', 1}, {"role", 'r', 1}, {"type", 't', 1},
	{"other-user", 'U', 1}, {"command-timeout", 'T', 1}, {"chroot", 'R', 1},
	{"shell", 's', 0}, {"login", 'i', 0}, {"list", 'l', 0}, {0}};
static const struct lopt lo_nice[] = {{"adjustment", 'n', 1}, {0}};
static const struct lopt lo_stdbuf[] = {{"input", 'i', 1}, {"output", 'o', 1},
	{"error", 'e', 1}, {0}};
static const struct lopt lo_xargs[] = {{"arg-file", 'a', 1}, {"delimiter", 'd', 1},
	{"max-lines", 'L', 1}, {"max-args", 'n', 1}, {"max-procs", 'P', 1},
	{"max-chars", 's', 1}, {"process-slot-var", 1, 1}, {0}};
static const struct lopt lo_ionice[] = {{"class", 'c', 1}, {"classdata", 'n', 1},
	{"pid", 'p', 1}, {"pgid", 'P', 1}, {"uid", 'u', 1}, {0}};

static const struct wrapper wrappers[] = {
	{"builtin", false, WK_PLAIN, "", NULL},
	{"chrt", true, WK_CHRT, "TPD", NULL},
	{"command", false, WK_COMMAND, "", NULL},
	{"doas", true, WK_SUDO, "uC", NULL},
	{"env", true, WK_ENV, "uCS", lo_env},
	{"exec", false, WK_PLAIN, "a", NULL},
	{"ionice", true, WK_PID, "cnpPu", lo_ionice},
	{"nice", true, WK_PLAIN, "n", lo_nice},
	{"nocorrect", false, WK_PLAIN, "", NULL},
	{"noglob", false, WK_PLAIN, "", NULL},
	{"nohup", true, WK_PLAIN, "", NULL},
	{"setsid", true, WK_PLAIN, "", NULL},
	{"stdbuf", true, WK_PLAIN, "ioe", lo_stdbuf},
	{"strace", true, WK_PID, "abeEIoOpPsSuUX", NULL},
	{"sudo", true, WK_SUDO, "CDgprRtTUu", lo_sudo},
	{"taskset", true, WK_TASKSET, "", NULL},
	{"time", false, WK_PLAIN, "fo", NULL},
	{"timeout", true, WK_TIMEOUT, "sk", lo_timeout},
	{"unbuffer", true, WK_PLAIN, "", NULL},
	{"xargs", true, WK_PLAIN, "adELnPs", lo_xargs},
};

static const struct wrapper *find_wrapper(const char *name)
{
	for (size_t i = 0; i < sizeof wrappers / sizeof *wrappers; i++)
		if (!strcmp(wrappers[i].name, name))
			return &wrappers[i];
	return NULL;
}

static bool is_assignment(const char *s)
{
	if (!is_name1((unsigned char)*s))
		return false;
	while (is_name((unsigned char)*s))
		s++;
	return *s == '=';
}

static bool literal(const char *s)
{
	return s && *s && !strpbrk(s, "$`") && strcmp(s, "-") && !strstr(s, "{}");
}

/* Join a relative path to a directory that may itself be relative (the
 * line's cwd unknown, then "cd sub"). */
static const char *join(struct shell *sh, const char *dir, const char *path)
{
	if (!path || !*path)
		return NULL;
	if (!dir || path[0] == '/' || path[0] == '~' || dir[0] == '/')
		return shell_path(sh, path, dir);
	struct sbuf b = {0};
	sb_adds(&b, dir);
	sb_addc(&b, '/');
	sb_adds(&b, path);
	const char *r = shell_path(sh, b.p, NULL);
	sb_free(&b);
	return r;
}

/* Index of the command a wrapper runs, or -1 when it runs none (then the
 * wrapper is the command).  May move *dir (env -C, sudo -D). */
static int skip_wrapper(struct shell *sh, const struct wrapper *w, const char *const *argv,
	int k, int argc, const char **dir)
{
	struct opts o;
	int j = getopts(argv, argc, k + 1, w->sarg, w->name[0] == 'x' ? "eil" : NULL, w->lo, &o, NULL);
	switch (w->kind) {
	case WK_TIMEOUT:
		j++;    /* the duration */
		break;
	case WK_ENV:
		if (o.seen['S'])
			return -1;
		if (o.arg['C'] && literal(o.arg['C']))
			*dir = join(sh, *dir, o.arg['C']);
		while (j < argc && is_assignment(argv[j]))
			j++;
		break;
	case WK_SUDO:
		if (o.seen['l'] || o.seen['v'] || o.seen['k'] || o.seen['K'])
			return -1;
		if (o.arg['D'] && literal(o.arg['D']))
			*dir = join(sh, *dir, o.arg['D']);
		while (j < argc && is_assignment(argv[j]))
			j++;
		break;
	case WK_CHRT:
		if (o.seen['p'])
			return -1;
		if (j < argc && strspn(argv[j], "0123456789") == strlen(argv[j]))
			j++;
		break;
	case WK_TASKSET:
		if (o.seen['p'])
			return -1;
		j++;    /* the mask or list */
		break;
	case WK_COMMAND:
		if (o.seen['v'] || o.seen['V'])
			return -1;
		break;
	case WK_PID:
		if (o.seen['p'] || o.seen['P'] || o.seen['u'])
			return -1;
		break;
	}
	return j < argc ? j : -1;
}

static bool is_shell(const char *name)
{
	static const char *const shells[] = {"bash", "sh", "zsh", "dash", "ksh", "ash", "mksh", NULL};
	for (int i = 0; shells[i]; i++)
		if (!strcmp(name, shells[i]))
			return true;
	return false;
}

/* For sh [options] [-c STRING | FILE]: the index of STRING (*c set) or
 * of FILE, or argc. */
static int shell_operand(const char *const *argv, int argc, int k, bool *c)
{
	*c = false;
	for (int j = k + 1; j < argc; j++) {
		const char *a = argv[j];
		if (!strcmp(a, "--"))
			return j + 1 < argc ? j + 1 : argc;
		if ((a[0] != '-' && a[0] != '+') || !a[1])
			return j;
		if (a[0] == '-' && a[1] == '-') {
			if (!strcmp(a, "--rcfile") || !strcmp(a, "--init-file"))
				j++;
			continue;
		}
		bool skip = false;
		for (const char *p = a + 1; *p; p++) {
			if (*p == 'c')
				*c = true;
			else if (*p == 'o' || *p == 'O')
				skip = true;
		}
		j += skip;
	}
	return argc;
}

static const char *heredoc_body(struct shell_redir *rd, int nrd, size_t *len)
{
	for (int i = 0; i < nrd; i++)
		if (rd[i].fd == 0 && rd[i].body && rd[i].op[1] == '<' && rd[i].op[2] != '<') {
			*len = rd[i].body_len;
			return rd[i].body;
		}
	return NULL;
}

static void cmd_fx(struct shell *sh, struct shell_cmd *c, struct vec *fx);

static struct shell_cmd *new_cmd(struct shell *sh)
{
	if (sh->ncmd == sh->capcmd) {
		sh->capcmd = sh->capcmd ? sh->capcmd * 2 : 16;
		sh->cmd = xrealloc(sh->cmd, sizeof *sh->cmd * sh->capcmd);
	}
	struct shell_cmd *c = &sh->cmd[sh->ncmd++];
	memset(c, 0, sizeof *c);
	return c;
}

static int add_cmd(struct ps *ps, const char *const *chain, int nchain, const char **argv,
	int argc, struct shell_redir *rd, int nrd, const char *dir, bool partial)
{
	struct shell *sh = ps->sh;
	struct shell_cmd *c = new_cmd(sh);
	c->argv = shell_alloc(sh, sizeof *c->argv * (argc + 1));
	if (argc)
		memcpy(c->argv, argv, sizeof *c->argv * argc);
	c->argv[argc] = NULL;
	c->argc = argc;
	c->nprocess = nchain + (argc > 0);
	c->process = shell_alloc(sh, sizeof *c->process * (c->nprocess + 1));
	if (nchain)
		memcpy(c->process, chain, sizeof *chain * nchain);
	if (argc)
		c->process[nchain] = path_base(argv[0]);
	c->process[c->nprocess] = NULL;
	c->class = argc ? shell_class(argv, argc) : "other";
	c->dir = dir;
	if (nrd) {
		c->redir = shell_alloc(sh, sizeof *rd * nrd);
		memcpy(c->redir, rd, sizeof *rd * nrd);
		c->nredir = nrd;
	}
	c->depth = ps->depth;
	c->flags = partial ? SHELL_PARTIAL : 0;
	struct vec fx = {0};
	cmd_fx(sh, c, &fx);
	/* c may have moved if cmd_fx added commands: it does not */
	if (fx.n) {
		c->fx = shell_alloc(sh, sizeof *c->fx * fx.n);
		memcpy(c->fx, fx.p, sizeof *c->fx * fx.n);
		c->nfx = fx.n;
	}
	free(fx.p);
	return sh->ncmd - 1;
}

/* One simple command: assignments, wrappers, nested shells, then the
 * command itself.  Returns the index of the command added, or -1. */
static int analyse(struct ps *ps, const char *const *chain0, int nchain0, const char **argv,
	const unsigned *wf, int argc, struct shell_redir *rd, int nrd, bool partial)
{
	struct shell *sh = ps->sh;
	int k = 0;
	while (k < argc && wf && (wf[k] & W_ASSIGN))
		k++;
	const char *dir = ps->dir;
	if (k == argc)
		return nrd ? add_cmd(ps, chain0, nchain0, argv ? argv + k : NULL, 0, rd, nrd, dir,
			partial) : -1;
	/* the chain: room for a wrapper per word and a shell */
	const char **chain = xmalloc(sizeof *chain * (nchain0 + argc + 2));
	if (nchain0)
		memcpy(chain, chain0, sizeof *chain * nchain0);
	int nchain = nchain0, r = -1;
	for (;;) {
		const char *name = path_base(argv[k]);
		const struct wrapper *w = find_wrapper(name);
		if (!w)
			break;
		int j = skip_wrapper(sh, w, argv, k, argc, &dir);
		if (j < 0)
			break;
		if (w->proc)
			chain[nchain++] = name;
		k = j;
	}
	const char *name = path_base(argv[k]);
	if (is_shell(name) || !strcmp(name, "eval")) {
		const char *script = NULL;
		size_t len = 0;
		bool c = false, nosubst = false, push = name[0] != 'e';
		if (!push) {
			/* eval: the words joined, run by this same shell */
			struct sbuf b = {0};
			for (int j = k + 1; j < argc; j++) {
				if (j > k + 1)
					sb_addc(&b, ' ');
				sb_adds(&b, argv[j]);
			}
			if (b.len) {
				script = shell_strdup(sh, b.p, b.len);
				len = b.len;
			}
			sb_free(&b);
		} else {
			int op = shell_operand(argv, argc, k, &c);
			if (c && op < argc) {
				script = argv[op];
				len = strlen(script);
				/* its $( ) ran in the outer shell already; one that
				 * is the whole script leaves the script unknown */
				nosubst = wf && (wf[op] & W_SUBST);
				if (nosubst && (script[0] == '$' || script[0] == '`'))
					script = NULL;
			} else if (!c && op == argc) {
				script = heredoc_body(rd, nrd, &len);
			}
		}
		if (script && ps->depth >= sh->maxdepth) {
			mark_partial(sh);
			partial = true;
		} else if (script) {
			if (push)
				chain[nchain++] = name;
			int before = sh->ncmd;
			parse_string(sh, script, len, chain, nchain, dir, ps->depth + 1, nosubst);
			if (sh->ncmd > before) {
				/* the shell's own file redirections still count */
				bool files = false;
				for (int i = 0; i < nrd; i++)
					files |= rd[i].op[0] == '>' || (rd[i].op[0] == '&' && rd[i].op[1] == '>');
				if (files)
					add_cmd(ps, chain0, nchain0, argv, 0, rd, nrd, dir, partial);
				free(chain);
				return sh->ncmd - 1;
			}
			nchain -= push;
		}
	}
	if (!strcmp(name, "git") || !strcmp(name, "make") || !strcmp(name, "gmake") ||
	    !strcmp(name, "ninja")) {
		/* git -C DIR, make -C DIR: the command works there */
		for (int j = k + 1; j + 1 < argc && argv[j][0] == '-'; j++)
			if (!strcmp(argv[j], "-C") && literal(argv[j + 1]))
				dir = join(sh, dir, argv[++j]);
			else if (!strcmp(argv[j], "-c") || !strcmp(argv[j], "-f"))
				j++;
	}
	r = add_cmd(ps, chain, nchain, argv + k, argc - k, rd, nrd, dir, partial);
	/* cd moves the commands after it on this line */
	if (!strcmp(name, "cd") || !strcmp(name, "pushd") || !strcmp(name, "popd")) {
		int j = k + 1;
		while (j < argc && argv[j][0] == '-' && argv[j][1] && strcmp(argv[j], "--"))
			j++;
		if (j < argc && !strcmp(argv[j], "--"))
			j++;
		if (name[0] != 'p' || name[1] != 'o') {
			if (j < argc && literal(argv[j]) && !(wf && (wf[j] & W_GLOB)))
				ps->dir = join(sh, dir, argv[j]);
			else
				ps->dir = NULL;
			if (ps->dir && strlen(ps->dir) > 4096)
				ps->dir = NULL;     /* longer than any real path */
		} else {
			ps->dir = NULL;
		}
	}
	/* find -exec CMD ... ; runs CMD under find */
	if (!strcmp(name, "find") && ps->depth < sh->maxdepth) {
		chain[nchain++] = name;
		for (int j = k + 1; j < argc; j++) {
			if (strcmp(argv[j], "-exec") && strcmp(argv[j], "-execdir") &&
			    strcmp(argv[j], "-ok") && strcmp(argv[j], "-okdir"))
				continue;
			int e = j + 1;
			while (e < argc && strcmp(argv[e], ";") && strcmp(argv[e], "+"))
				e++;
			if (e > j + 1) {
				struct ps sub = *ps;
				sub.depth++;
				sub.dir = dir;
				analyse(&sub, chain, nchain, argv + j + 1, NULL, e - j - 1, NULL, 0, false);
			}
			j = e;
		}
	}
	free(chain);
	return r;
}

/* ---- domains -------------------------------------------------------- */

static bool host_ok(const char *h, size_t n)
{
	if (!n || n > 253)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)h[i];
		if (!(is_name(c) || c == '-' || c == '.'))
			return false;
	}
	return true;
}

static bool set_host(const char *h, size_t n, bool v6, char *out, size_t cap, int *port,
	const char *ps, size_t pn)
{
	if (v6) {
		if (!n || strspn(h, "0123456789abcdefABCDEF:.") < n)
			return false;
	} else {
		while (n && h[n - 1] == '.')
			n--;
		if (!host_ok(h, n))
			return false;
	}
	/* A key used as a host label (https://AKIA...example.com) would
	 * leave as a lower-case domain that no redaction recognises. */
	for (size_t i = 0; i < n; i++)
		if ((i == 0 || h[i - 1] == '.') && secret_len(h + i, n - i)) {
			h = "redacted.invalid";
			n = strlen(h);
			break;
		}
	if (n + 1 > cap)
		return false;
	for (size_t i = 0; i < n; i++)
		out[i] = (char)((h[i] >= 'A' && h[i] <= 'Z') ? h[i] | 0x20 : h[i]);
	out[n] = 0;
	if (port) {
		*port = -1;
		if (pn && pn <= 5 && strspn(ps, "0123456789") >= pn && host_is_loopback(out)) {
			int v = 0;
			for (size_t i = 0; i < pn; i++)
				v = v * 10 + (ps[i] - '0');
			if (v > 0 && v < 65536)
				*port = v;
		}
	}
	return true;
}

/* host[:port] at s up to the first of "/?#" (or a character that cannot
 * be in an authority), after any user@. */
static bool authority(const char *s, char *out, size_t cap, int *port)
{
	size_t n = strcspn(s, "/?#\"'<>` \t\n\\,;|)");
	const char *at = NULL;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '@')
			at = s + i;
	if (at) {
		n -= (size_t)(at + 1 - s);
		s = at + 1;
	}
	if (s[0] == '[') {
		const char *e = memchr(s, ']', n);
		if (!e)
			return false;
		const char *ps = e + 1;
		size_t pn = ps < s + n && *ps == ':' ? (size_t)(s + n - ps - 1) : 0;
		return set_host(s + 1, (size_t)(e - s - 1), true, out, cap, port, ps + 1, pn);
	}
	const char *colon = memchr(s, ':', n);
	size_t hn = colon ? (size_t)(colon - s) : n;
	size_t pn = colon ? n - hn - 1 : 0;
	if (colon && strspn(colon + 1, "0123456789") != pn)
		return false;
	return set_host(s, hn, false, out, cap, port, colon ? colon + 1 : NULL, pn);
}

bool url_domain(const char *s, char *out, size_t cap, int *port)
{
	if (port)
		*port = -1;
	if (!s || !is_name1((unsigned char)*s))
		return false;
	const char *p = s;
	while (is_name((unsigned char)*p) || *p == '+' || *p == '.' || *p == '-')
		p++;
	if (strncmp(p, "://", 3))
		return false;
	p += 3;
	if (!strncmp(s, "file:", 5))
		return false;
	return authority(p, out, cap, port);
}

bool remote_domain(const char *s, char *out, size_t cap)
{
	if (!s || strstr(s, "://"))
		return false;
	const char *colon = strchr(s, ':');
	if (!colon || memchr(s, '/', (size_t)(colon - s)))
		return false;
	const char *h = s;
	const char *at = memchr(s, '@', (size_t)(colon - s));
	if (at)
		h = at + 1;
	size_t n = (size_t)(colon - h);
	if (n < 2)      /* C:\x is a drive, not a host */
		return false;
	return set_host(h, n, false, out, cap, NULL, NULL, 0);
}

/* A bare host operand of curl, ping, ssh...: "example.com", "user@h",
 * "localhost:8080/x", "10.0.0.1".  Needs a dot and a letter top label,
 * or localhost, or an IPv4 address. */
static bool bare_host(const char *s, char *out, size_t cap, int *port)
{
	if (!s || s[0] == '-' || s[0] == '/' || s[0] == '.')
		return false;
	if (!authority(s, out, cap, port))
		return false;
	if (!strcmp(out, "localhost"))
		return true;
	const char *dot = strrchr(out, '.');
	if (!dot || !dot[1])
		return false;
	if (strspn(out, "0123456789.") == strlen(out))
		return true;
	size_t tl = strlen(dot + 1);
	for (size_t i = 0; i < tl; i++)
		if (!((dot[1 + i] | 0x20) >= 'a' && (dot[1 + i] | 0x20) <= 'z'))
			return false;
	return tl >= 2;
}

/* An ssh-style destination: ssh://[user@]host[:port] or [user@]host. */
static bool bare_or_remote(const char *w, char *out, size_t cap, int *port)
{
	if (url_domain(w, out, cap, port))
		return true;
	*port = -1;
	if (w[0] == '-' || strchr(w, '/') || !authority(w, out, cap, NULL))
		return false;
	return strspn(out, "0123456789") != strlen(out);
}

/* ---- file and network effects of one command ------------------------ */

enum {
	FX_NONE, FX_READ, FX_READ1, FX_SEARCH, FX_SEARCHCWD, FX_FIND, FX_LIST, FX_WRITE,
	FX_DELETE, FX_MV, FX_CP, FX_LN, FX_CHMOD, FX_SED, FX_AWK, FX_DD,
};

struct fxprog {
	const char *name;
	int mode;
	const char *sarg;
	const struct lopt *lo;
};

static const struct lopt lo_grep[] = {{"regexp", 'e', 1}, {"file", 'f', 1},
	{"max-count", 'm', 1}, {"after-context", 'A', 1}, {"before-context", 'B', 1},
	{"context", 'C', 1}, {"include", 2, 1}, {"exclude", 2, 1}, {"exclude-dir", 2, 1},
	{"recursive", 'r', 0}, {"dereference-recursive", 'R', 0}, {"label", 2, 1},
	{"glob", 'g', 1}, {"iglob", 'g', 1}, {"type", 't', 1}, {"type-not", 'T', 1},
	{"type-add", 2, 1}, {"max-depth", 2, 1}, {"threads", 'j', 1}, {"replace", 'r', 1},
	{"max-columns", 'M', 1}, {"sort", 2, 1}, {"sortr", 2, 1}, {"files", 1, 0},
	{"color", 2, 1}, {"colors", 2, 1}, {"encoding", 'E', 1}, {"pre", 2, 1},
	{"ignore-file", 2, 1}, {"max-filesize", 2, 1}, {"path-separator", 2, 1}, {0}};
static const struct lopt lo_sed[] = {{"expression", 'e', 1}, {"file", 'f', 1},
	{"in-place", 'i', 0}, {"line-length", 'l', 1}, {0}};
static const struct lopt lo_mv[] = {{"target-directory", 't', 1}, {"suffix", 'S', 1}, {0}};
static const struct lopt lo_chmod[] = {{"reference", 1, 1}, {0}};
static const struct lopt lo_touch[] = {{"date", 'd', 1}, {"reference", 'r', 1},
	{"time", 2, 1}, {0}};
static const struct lopt lo_mkdir[] = {{"mode", 'm', 1}, {0}};
static const struct lopt lo_head[] = {{"lines", 'n', 1}, {"bytes", 'c', 1},
	{"sleep-interval", 's', 1}, {"pid", 2, 1}, {0}};
static const struct lopt lo_sort[] = {{"output", 'o', 1}, {"key", 'k', 1},
	{"field-separator", 't', 1}, {"buffer-size", 'S', 1}, {"temporary-directory", 'T', 1},
	{0}};
static const struct lopt lo_jq[] = {{"arg", 2, 2}, {"argjson", 2, 2}, {"slurpfile", 2, 2},
	{"rawfile", 2, 2}, {"indent", 2, 1}, {"from-file", 'f', 0}, {0}};
static const struct lopt lo_awk[] = {{"file", 'f', 1}, {"assign", 'v', 1},
	{"field-separator", 'F', 1}, {"include", 'i', 1}, {0}};

static const struct fxprog fxprogs[] = {
	{"ack", FX_SEARCHCWD, "ABCgm", lo_grep},
	{"ag", FX_SEARCHCWD, "ABCGgm", lo_grep},
	{"awk", FX_AWK, "fvFi", lo_awk},
	{"bat", FX_READ, "lHrm", NULL},
	{"cat", FX_READ, "", NULL},
	{"chgrp", FX_CHMOD, "", lo_chmod},
	{"chmod", FX_CHMOD, "", lo_chmod},
	{"chown", FX_CHMOD, "", lo_chmod},
	{"cmp", FX_READ, "in", NULL},
	{"cp", FX_CP, "tS", lo_mv},
	{"cut", FX_READ, "bcdf", NULL},
	{"dd", FX_DD, "", NULL},
	{"diff", FX_READ, "CDFILSUWx", NULL},
	{"du", FX_LIST, "dBt", NULL},
	{"egrep", FX_SEARCH, "efmABCdD", lo_grep},
	{"fd", FX_SEARCHCWD, "edtEcxXjSo", NULL},
	{"fdfind", FX_SEARCHCWD, "edtEcxXjSo", NULL},
	{"fgrep", FX_SEARCH, "efmABCdD", lo_grep},
	{"file", FX_READ, "mfFP", NULL},
	{"find", FX_FIND, "", NULL},
	{"gawk", FX_AWK, "fvFi", lo_awk},
	{"grep", FX_SEARCH, "efmABCdD", lo_grep},
	{"head", FX_READ, "nc", lo_head},
	{"hexdump", FX_READ, "enNs", NULL},
	{"install", FX_CP, "gmotS", lo_mv},
	{"jq", FX_READ1, "fL", lo_jq},
	{"less", FX_READ, "", NULL},
	{"ln", FX_LN, "tS", lo_mv},
	{"ls", FX_LIST, "ITw", NULL},
	{"mawk", FX_AWK, "fvF", lo_awk},
	{"md5sum", FX_READ, "", NULL},
	{"mkdir", FX_WRITE, "m", lo_mkdir},
	{"more", FX_READ, "", NULL},
	{"mv", FX_MV, "tS", lo_mv},
	{"nawk", FX_AWK, "fvF", lo_awk},
	{"nl", FX_READ, "bdfhilnpsvw", NULL},
	{"od", FX_READ, "AjNtw", NULL},
	{"rg", FX_SEARCHCWD, "efgtTABCmMjEr", lo_grep},
	{"rm", FX_DELETE, "", NULL},
	{"rmdir", FX_DELETE, "", NULL},
	{"sed", FX_SED, "efl", lo_sed},
	{"sha1sum", FX_READ, "", NULL},
	{"sha256sum", FX_READ, "", NULL},
	{"shred", FX_WRITE, "ns", NULL},
	{"sort", FX_READ, "kotST", lo_sort},
	{"source", FX_READ, "", NULL},
	{"stat", FX_READ, "ct", NULL},
	{"strings", FX_READ, "ntTe", NULL},
	{"tac", FX_READ, "s", NULL},
	{"tail", FX_READ, "ncs", lo_head},
	{"tee", FX_WRITE, "", NULL},
	{"touch", FX_WRITE, "drt", lo_touch},
	{"tree", FX_LIST, "LPIoH", NULL},
	{"truncate", FX_WRITE, "sr", NULL},
	{"uniq", FX_READ, "fsw", NULL},
	{"unlink", FX_DELETE, "", NULL},
	{"wc", FX_READ, "", NULL},
	{"xxd", FX_READ, "cglos", NULL},
	{"yq", FX_READ1, "", lo_jq},
	{"zcat", FX_READ, "", NULL},
	{"zgrep", FX_SEARCH, "efmABCdD", lo_grep},
	{".", FX_READ, "", NULL},
};

static void add_fx(struct vec *fx, const char *effect, const char *path, const char *to,
	const char *domain, int port)
{
	if ((effect[0] != 'n' && !path) || (effect[0] == 'n' && !domain))
		return;
	struct shell_fx *f = vpush(fx, sizeof *f);
	*f = (struct shell_fx){effect, path, to, domain, port};
}

static void file_fx(struct shell *sh, struct vec *fx, const char *effect, const char *dir,
	const char *word)
{
	/* devices (/dev/null, /dev/zero, /dev/fd/N) are not files */
	if (literal(word) && strncmp(word, "/dev/", 5))
		add_fx(fx, effect, join(sh, dir, word), NULL, NULL, -1);
}

/* mv/cp/ln: sources and their destination ("dst/base" when several or
 * when dst ends in '/' or came with -t). */
static void pair_fx(struct shell *sh, struct vec *fx, const struct shell_cmd *c, int mode,
	const int *ops, int n, const char *tdir)
{
	const char *const *a = (const char *const *)c->argv;
	int nsrc = tdir ? n : n - 1;
	const char *dst = tdir ? tdir : n ? a[ops[n - 1]] : NULL;
	if (mode == FX_LN && !tdir && n == 1) {
		nsrc = 1;
		dst = ".";
		tdir = ".";
	}
	if (!dst || !literal(dst))
		return;
	bool into = tdir || nsrc > 1 || dst[strlen(dst) - 1] == '/';
	for (int i = 0; i < nsrc; i++) {
		const char *src = a[ops[i]];
		if (!literal(src))
			continue;
		const char *to;
		if (into) {
			struct sbuf b = {0};
			sb_adds(&b, dst);
			sb_addc(&b, '/');
			sb_adds(&b, path_base(src));
			to = join(sh, c->dir, b.p);
			sb_free(&b);
		} else {
			to = join(sh, c->dir, dst);
		}
		const char *from = join(sh, c->dir, src);
		if (mode == FX_MV) {
			add_fx(fx, "rename", from, to, NULL, -1);
		} else if (mode == FX_CP) {
			add_fx(fx, "read", from, NULL, NULL, -1);
			add_fx(fx, "write", to, NULL, NULL, -1);
		} else {
			add_fx(fx, "write", to, NULL, NULL, -1);
		}
	}
}

static void args_fx(struct shell *sh, struct shell_cmd *c, struct vec *fx)
{
	const char *name = path_base(c->argv[0]);
	const struct fxprog *p = NULL;
	for (size_t i = 0; i < sizeof fxprogs / sizeof *fxprogs; i++)
		if (!strcmp(fxprogs[i].name, name)) {
			p = &fxprogs[i];
			break;
		}
	if (!p)
		return;
	const char *const *a = (const char *const *)c->argv;
	int *ops = xmalloc(sizeof *ops * (c->argc + 1));
	struct opts o;
	int n = getopts(a, c->argc, 1, p->sarg, p->mode == FX_SED ? "i" : NULL, p->lo, &o, ops);
	int first = 0;
	const char *effect = "read";
	switch (p->mode) {
	case FX_WRITE:
		effect = "write";
		break;
	case FX_DELETE:
		effect = "delete";
		break;
	case FX_READ1:
		first = !o.seen['f'];
		break;
	case FX_AWK:
		first = !o.seen['f'];
		if (o.arg['i'] && !strcmp(o.arg['i'], "inplace"))
			effect = "write";
		break;
	case FX_SED:
		first = !o.seen['e'] && !o.seen['f'];
		if (o.seen['i']) {
			effect = "write";
			/* BSD sed -i '' */
			if (n > first + 1 && !*a[ops[0]] && !o.arg['i'])
				first++;
		}
		break;
	case FX_SEARCH:
	case FX_SEARCHCWD:
		first = !o.seen['e'] && !o.seen['f'] && !o.seen[1];
		if (n <= first && (p->mode == FX_SEARCHCWD || o.seen['r'] || o.seen['R']))
			add_fx(fx, "read", join(sh, c->dir, "."), NULL, NULL, -1);
		break;
	case FX_LIST:
		if (!n)
			add_fx(fx, "read", join(sh, c->dir, "."), NULL, NULL, -1);
		break;
	case FX_FIND: {
		int j = 1;
		n = 0;
		while (j < c->argc && (!strcmp(a[j], "-H") || !strcmp(a[j], "-L") ||
		    !strcmp(a[j], "-P") || !strncmp(a[j], "-O", 2) || !strcmp(a[j], "-D")))
			j += 1 + !strcmp(a[j], "-D");
		for (; j < c->argc && a[j][0] != '-' && a[j][0] != '(' && a[j][0] != '!'; j++)
			ops[n++] = j;
		if (!n)
			add_fx(fx, "read", join(sh, c->dir, "."), NULL, NULL, -1);
		break;
	}
	case FX_CHMOD:
		first = !o.seen[1];
		if (!strcmp(name, "chmod") && c->argc > 2 && a[1][0] == '-' &&
		    strspn(a[1] + 1, "rwxXst") == strlen(a[1] + 1))
			first = 0;      /* chmod -x f: the mode looked like an option */
		effect = "write";
		break;
	case FX_DD:
		for (int j = 1; j < c->argc; j++) {
			if (!strncmp(a[j], "if=", 3))
				file_fx(sh, fx, "read", c->dir, a[j] + 3);
			else if (!strncmp(a[j], "of=", 3))
				file_fx(sh, fx, "write", c->dir, a[j] + 3);
		}
		n = 0;
		break;
	case FX_MV:
	case FX_CP:
	case FX_LN:
		if (p->mode == FX_CP && !strcmp(name, "install") && o.seen['d']) {
			effect = "write";
			break;
		}
		pair_fx(sh, fx, c, p->mode, ops, n, o.arg['t'] && literal(o.arg['t']) ? o.arg['t'] : NULL);
		n = 0;
		break;
	}
	for (int i = first; i < n; i++) {
		const char *w = a[ops[i]];
		if (p->mode == FX_AWK && is_assignment(w))
			continue;
		file_fx(sh, fx, effect, c->dir, w);
	}
	if (!strcmp(name, "sort") && o.arg['o'])
		file_fx(sh, fx, "write", c->dir, o.arg['o']);
	if (!strcmp(name, "touch") && o.arg['r'])
		file_fx(sh, fx, "read", c->dir, o.arg['r']);
	free(ops);
}

static void redir_fx(struct shell *sh, struct shell_cmd *c, struct vec *fx)
{
	for (int i = 0; i < c->nredir; i++) {
		const struct shell_redir *r = &c->redir[i];
		const char *w = r->word, *op = r->op;
		if (!w || !strncmp(w, "/dev/", 5) || r->body)
			continue;
		if (!strcmp(op, "<"))
			file_fx(sh, fx, "read", c->dir, w);
		else if (!strcmp(op, ">&") || !strcmp(op, "<&")) {
			if (op[0] == '>' && strspn(w, "0123456789-") != strlen(w))
				file_fx(sh, fx, "write", c->dir, w);    /* bash >& file */
		} else if (op[0] == '>' || op[0] == '&' || !strcmp(op, "<>"))
			file_fx(sh, fx, "write", c->dir, w);
	}
}

static const char *const ssh_sarg = "BbcDEeFIiJLlmOoPpQRSWw";

static void net_add(struct shell *sh, struct vec *fx, const char *host, int port)
{
	for (int i = 0; i < fx->n; i++) {
		struct shell_fx *f = &((struct shell_fx *)fx->p)[i];
		if (f->domain && !strcmp(f->domain, host) && f->port == port)
			return;
	}
	add_fx(fx, "net", NULL, NULL, shell_strdup(sh, host, strlen(host)), port);
}

static bool has(const char *const *set, const char *s)
{
	for (; *set; set++)
		if (!strcmp(*set, s))
			return true;
	return false;
}

/* The default registry a package manager fetches from for argv, or
 * NULL when the subcommand does not fetch. */
static const char *registry(const char *const *a, int n)
{
	static const char *const pip_sub[] = {"install", "download", "wheel", NULL};
	static const char *const npm_sub[] = {"install", "i", "in", "ci", "add", "update", "up",
		"upgrade", "isntall", NULL};
	static const char *const cargo_sub[] = {"install", "add", "fetch", "update", "vendor", NULL};
	static const char *const py_sub[] = {"install", "add", "update", "lock", "sync", "upgrade", NULL};
	static const char *const gem_sub[] = {"install", "update", NULL};
	static const char *const apt_sub[] = {"install", "update", "upgrade", "dist-upgrade",
		"full-upgrade", "source", "download", "build-dep", "reinstall", "makecache", NULL};
	static const char *const brew_sub[] = {"install", "upgrade", "update", "reinstall", "fetch", NULL};
	if (n < 2 && strcmp(path_base(a[0]), "yarn") && strcmp(path_base(a[0]), "bundle"))
		return NULL;
	char name[64];
	snprintf(name, sizeof name, "%s", path_base(a[0]));
	size_t l = strlen(name);
	while (l && ((name[l - 1] >= '0' && name[l - 1] <= '9') || name[l - 1] == '.'))
		name[--l] = 0;
	const char *s = n > 1 ? a[1] : "";
	if (!strcmp(name, "python") && n > 3 && !strcmp(s, "-m"))
		return registry(a + 2, n - 2);
	if (!strcmp(name, "pip"))
		return has(pip_sub, s) ? "pypi.org" : NULL;
	if (!strcmp(name, "uv"))
		return (!strcmp(s, "pip") && n > 2 && has(pip_sub, a[2])) || has(py_sub, s) ||
			(!strcmp(s, "tool") && n > 2 && !strcmp(a[2], "install")) ? "pypi.org" : NULL;
	if (!strcmp(name, "poetry") || !strcmp(name, "pdm") || !strcmp(name, "pipenv"))
		return has(py_sub, s) ? "pypi.org" : NULL;
	if (!strcmp(name, "npm") || !strcmp(name, "pnpm") || !strcmp(name, "bun"))
		return has(npm_sub, s) ? "registry.npmjs.org" : NULL;
	if (!strcmp(name, "yarn"))
		return n == 1 || has(npm_sub, s) ? "registry.yarnpkg.com" : NULL;
	if (!strcmp(name, "cargo"))
		return has(cargo_sub, s) ? "crates.io" : NULL;
	if (!strcmp(name, "go"))
		return !strcmp(s, "get") || !strcmp(s, "install") || (!strcmp(s, "mod") && n > 2 &&
			(!strcmp(a[2], "download") || !strcmp(a[2], "tidy"))) ? "proxy.golang.org" : NULL;
	if (!strcmp(name, "gem"))
		return has(gem_sub, s) ? "rubygems.org" : NULL;
	if (!strcmp(name, "bundle") || !strcmp(name, "bundler"))
		return n == 1 || has(gem_sub, s) ? "rubygems.org" : NULL;
	if (!strcmp(name, "composer"))
		return !strcmp(s, "install") || !strcmp(s, "require") || !strcmp(s, "update") ?
			"repo.packagist.org" : NULL;
	if (!strcmp(name, "brew"))
		return has(brew_sub, s) ? "formulae.brew.sh" : NULL;
	if (!strcmp(name, "conda") || !strcmp(name, "mamba") || !strcmp(name, "micromamba"))
		return !strcmp(s, "install") || !strcmp(s, "create") || !strcmp(s, "update") ?
			"conda.anaconda.org" : NULL;
	if (!strcmp(name, "apk"))
		return !strcmp(s, "add") || !strcmp(s, "update") || !strcmp(s, "upgrade") ?
			"dl-cdn.alpinelinux.org" : NULL;
	if (!strcmp(name, "apt") || !strcmp(name, "apt-get") || !strcmp(name, "aptitude"))
		return has(apt_sub, s) ? "apt.invalid" : NULL;
	if (!strcmp(name, "dnf") || !strcmp(name, "yum") || !strcmp(name, "zypper"))
		return has(apt_sub, s) || !strcmp(s, "in") ? (name[0] == 'd' ? "dnf.invalid" :
			name[0] == 'y' ? "yum.invalid" : "zypper.invalid") : NULL;
	if (!strcmp(name, "pacman"))
		return !strncmp(s, "-S", 2) || !strncmp(s, "-U", 2) ? "pacman.invalid" : NULL;
	return NULL;
}

static void net_fx(struct shell *sh, struct shell_cmd *c, struct vec *fx)
{
	const char *const *a = (const char *const *)c->argv;
	int n = c->argc;
	const char *name = path_base(a[0]);
	const char *cls = c->class;
	char host[256];
	int port;
	bool isnet = !strcmp(cls, "net"), git = !strcmp(name, "git");
	if (!isnet && !git && strcmp(cls, "install") && strcmp(cls, "vcs"))
		return;
	/* URLs anywhere in the words (git: only where it goes out, below) */
	bool index = false;
	for (int j = 1; j < n && !git; j++) {
		const char *w = a[j];
		const char *u = strstr(w, "://");
		if (u) {
			/* git+https://..., --index-url=https://... */
			const char *s = u;
			while (s > w && (is_name((unsigned char)s[-1]) || s[-1] == '.' || s[-1] == '-'))
				s--;
			if (url_domain(s, host, sizeof host, &port))
				net_add(sh, fx, host, port);
		}
		if (!strncmp(w, "--index", 7) || !strncmp(w, "--registry", 10) ||
		    !strcmp(w, "-i") || !strncmp(w, "--default-index", 15))
			index = true;
	}
	if (!strcmp(cls, "install")) {
		const char *r = index ? NULL : registry(a, n);
		if (r)
			net_add(sh, fx, r, -1);
		return;
	}
	if (git) {
		static const char *const nets[] = {"push", "pull", "fetch", "clone", "ls-remote",
			"archive", NULL};
		struct opts o;
		int s = getopts(a, n, 1, "Cc", NULL, NULL, &o, NULL);
		if (s >= n || !has(nets, a[s]))
			return;
		int *ops = xmalloc(sizeof *ops * (n + 1));
		int m = getopts(a, n, s + 1, "bocjuj", NULL, (const struct lopt[]){{"depth", 2, 1},
			{"branch", 'b', 1}, {"origin", 'o', 1}, {"reference", 2, 1},
			{"separate-git-dir", 2, 1}, {"upload-pack", 'u', 1}, {"config", 'c', 1},
			{"jobs", 'j', 1}, {"shallow-since", 2, 1}, {"filter", 2, 1}, {0}}, &o, ops);
		bool found = false;
		const char *url = NULL;
		for (int i = 0; i < m; i++) {
			const char *w = a[ops[i]];
			if (url_domain(w, host, sizeof host, &port) || remote_domain(w, host, sizeof host)) {
				if (!strstr(w, "://"))
					port = -1;
				net_add(sh, fx, host, port);
				found = true;
				if (!url)
					url = w;
			}
		}
		for (int i = 0; i < fx->n; i++)
			found |= ((struct shell_fx *)fx->p)[i].domain != NULL;
		if (!found && strcmp(a[s], "clone"))
			net_add(sh, fx, "git.invalid", -1);
		if (!strcmp(a[s], "clone") && url) {
			/* the new working tree */
			const char *dst = NULL;
			for (int i = 0; i < m; i++)
				if (a[ops[i]] != url)
					dst = a[ops[i]];
			if (dst) {
				file_fx(sh, fx, "write", c->dir, dst);
			} else {
				const char *b = path_base(url);
				const char *colon = strrchr(b, ':');
				if (colon)
					b = colon + 1;
				size_t l = strlen(b);
				if (l > 4 && !strcmp(b + l - 4, ".git"))
					l -= 4;
				if (l)
					file_fx(sh, fx, "write", c->dir, shell_strdup(sh, b, l));
			}
		}
		free(ops);
		return;
	}
	if (!strcmp(name, "gh") || !strcmp(name, "glab")) {
		net_add(sh, fx, name[1] == 'h' ? "api.github.com" : "gitlab.com", -1);
		return;
	}
	if (!isnet)
		return;
	/* hosts as operands */
	int *ops = xmalloc(sizeof *ops * (n + 1));
	struct opts o;
	int m;
	if (!strcmp(name, "ssh") || !strcmp(name, "mosh") || !strcmp(name, "autossh")) {
		m = getopts(a, n, 1, ssh_sarg, NULL, NULL, &o, ops);
		if (m && bare_or_remote(a[ops[0]], host, sizeof host, &port))
			net_add(sh, fx, host, port);
	} else if (!strcmp(name, "scp") || !strcmp(name, "sftp") || !strcmp(name, "rsync")) {
		m = getopts(a, n, 1, !strcmp(name, "rsync") ? "efBT" : "cFiJloPS", NULL,
			(const struct lopt[]){{"rsh", 'e', 1}, {"exclude", 2, 1}, {"include", 2, 1},
			{"filter", 'f', 1}, {0}}, &o, ops);
		for (int i = 0; i < m; i++) {
			const char *w = a[ops[i]];
			if (remote_domain(w, host, sizeof host))
				net_add(sh, fx, host, -1);
			else if (!strcmp(name, "sftp") && bare_or_remote(w, host, sizeof host, &port))
				net_add(sh, fx, host, port);
		}
	} else {
		static const struct lopt lo_curl[] = {{"data", 'd', 1}, {"data-raw", 'd', 1},
			{"data-binary", 'd', 1}, {"data-urlencode", 'd', 1}, {"header", 'H', 1},
			{"output", 'o', 1}, {"request", 'X', 1}, {"user", 'u', 1}, {"user-agent", 'A', 1},
			{"cookie", 'b', 1}, {"cookie-jar", 'c', 1}, {"form", 'F', 1}, {"max-time", 'm', 1},
			{"connect-timeout", 2, 1}, {"proxy", 'x', 1}, {"referer", 'e', 1},
			{"upload-file", 'T', 1}, {"write-out", 'w', 1}, {"retry", 2, 1}, {"cacert", 2, 1},
			{"cert", 'E', 1}, {"key", 2, 1}, {"config", 'K', 1}, {"range", 'r', 1},
			{"resolve", 2, 1}, {"output-dir", 2, 1}, {"json", 2, 1}, {"output-document", 'O', 1},
			{"directory-prefix", 'P', 1}, {"tries", 't', 1}, {"timeout", 'T', 1},
			{"user-agent", 'U', 1}, {"method", 2, 1}, {"body-data", 2, 1}, {0}};
		const char *sarg = !strcmp(name, "curl") ? "AbcCdDeEFHKmoPQrTuUwxXyYz" :
			!strcmp(name, "wget") ? "OoaAeIlPQtTUwXDRB" :
			!strncmp(name, "ping", 4) ? "cisItwWlpQST" : !strcmp(name, "nc") ||
			!strcmp(name, "ncat") || !strcmp(name, "netcat") ? "psiwqXxIOTV" : "";
		m = getopts(a, n, 1, sarg, NULL, lo_curl, &o, ops);
		for (int i = 0; i < m; i++) {
			const char *w = a[ops[i]];
			if (!strstr(w, "://") && bare_host(w, host, sizeof host, &port))
				net_add(sh, fx, host, port);
			if (!strcmp(name, "nc") || !strcmp(name, "ncat") || !strncmp(name, "ping", 4))
				break;  /* the rest are ports or nothing */
		}
		if (!strcmp(name, "curl") && o.arg['o'])
			file_fx(sh, fx, "write", c->dir, o.arg['o']);
		if (!strcmp(name, "wget") && o.arg['O'])
			file_fx(sh, fx, "write", c->dir, o.arg['O']);
	}
	free(ops);
}

static void cmd_fx(struct shell *sh, struct shell_cmd *c, struct vec *fx)
{
	if (c->argc) {
		const char *name = path_base(c->argv[0]);
		if (!strcmp(name, "apply_patch") || !strcmp(name, "applypatch")) {
			size_t len = 0;
			const char *body = c->argc > 1 ? c->argv[1] : heredoc_body(c->redir, c->nredir, &len);
			if (c->argc > 1)
				len = strlen(body);
			struct shell_fx *pf = NULL;
			int npf = 0;
			if (body)
				shell_patch(sh, body, len, c->dir, &pf, &npf);
			for (int i = 0; i < npf; i++)
				*(struct shell_fx *)vpush(fx, sizeof *pf) = pf[i];
		}
		args_fx(sh, c, fx);
	}
	redir_fx(sh, c, fx);
	if (c->argc)
		net_fx(sh, c, fx);
}

/* ---- classes -------------------------------------------------------- */

enum {
	S_NONE, S_GIT, S_GO, S_CARGO, S_NPM, S_YARN, S_BUN, S_PY, S_NODE, S_TARGETS, S_MVN,
	S_GRADLE, S_DOTNET, S_BAZEL, S_UV, S_PYPM, S_RUNNER, S_PIP, S_SED, S_PERL, S_AWK,
	S_DENO, S_SWIFT, S_MESON, S_CMAKE, S_BUNDLE, S_MIX, S_GEM, S_COMPOSER, S_CONDA,
	S_SCRIPT, S_ZIG, S_PLAYWRIGHT, S_VITE, S_NEXT, S_TURBO, S_CYPRESS, S_RUFF, S_MAKE,
};

struct prog {
	const char *name;
	const char *class;
	int sub;
};

/* Looked up by bsearch, sorted on first use (kept roughly in order). */
static struct prog progs[] = {
	{".", "other", S_NONE},
	{"ack", "search", S_NONE},
	{"actionlint", "lint", S_NONE},
	{"ag", "search", S_NONE},
	{"ant", "build", S_NONE},
	{"apk", "install", S_NONE},
	{"apply_patch", "write", S_NONE},
	{"applypatch", "write", S_NONE},
	{"apt", "install", S_NONE},
	{"apt-get", "install", S_NONE},
	{"aptitude", "install", S_NONE},
	{"aria2c", "net", S_NONE},
	{"as", "build", S_NONE},
	{"autoconf", "build", S_NONE},
	{"autopep8", "lint", S_NONE},
	{"autoreconf", "build", S_NONE},
	{"ava", "test", S_NONE},
	{"awk", "read", S_AWK},
	{"bash", "run", S_SCRIPT},
	{"bat", "read", S_NONE},
	{"batcat", "read", S_NONE},
	{"bats", "test", S_NONE},
	{"bazel", "build", S_BAZEL},
	{"bazelisk", "build", S_BAZEL},
	{"biome", "lint", S_NONE},
	{"black", "lint", S_NONE},
	{"brew", "install", S_NONE},
	{"buildah", "container", S_NONE},
	{"bun", "run", S_BUN},
	{"bundle", "install", S_BUNDLE},
	{"bundler", "install", S_BUNDLE},
	{"bunx", "run", S_RUNNER},
	{"busted", "test", S_NONE},
	{"bzcat", "read", S_NONE},
	{"c++", "build", S_NONE},
	{"cargo", "build", S_CARGO},
	{"cat", "read", S_NONE},
	{"cc", "build", S_NONE},
	{"chgrp", "write", S_NONE},
	{"chmod", "write", S_NONE},
	{"chown", "write", S_NONE},
	{"cksum", "read", S_NONE},
	{"clang", "build", S_NONE},
	{"clang++", "build", S_NONE},
	{"clang-format", "lint", S_NONE},
	{"clang-tidy", "lint", S_NONE},
	{"cmake", "build", S_CMAKE},
	{"cmp", "read", S_NONE},
	{"column", "read", S_NONE},
	{"comm", "read", S_NONE},
	{"composer", "install", S_COMPOSER},
	{"conda", "install", S_CONDA},
	{"corepack", "install", S_NONE},
	{"coverage", "test", S_NONE},
	{"cp", "write", S_NONE},
	{"cpanm", "install", S_NONE},
	{"cppcheck", "lint", S_NONE},
	{"cpplint", "lint", S_NONE},
	{"crictl", "container", S_NONE},
	{"ctest", "test", S_NONE},
	{"ctr", "container", S_NONE},
	{"curl", "net", S_NONE},
	{"cut", "read", S_NONE},
	{"cypress", "test", S_CYPRESS},
	{"dash", "run", S_SCRIPT},
	{"dd", "write", S_NONE},
	{"deno", "run", S_DENO},
	{"diff", "read", S_NONE},
	{"dig", "net", S_NONE},
	{"dnf", "install", S_NONE},
	{"docker", "container", S_NONE},
	{"docker-compose", "container", S_NONE},
	{"dotnet", "build", S_DOTNET},
	{"du", "read", S_NONE},
	{"egrep", "search", S_NONE},
	{"esbuild", "build", S_NONE},
	{"eslint", "lint", S_NONE},
	{"fd", "search", S_NONE},
	{"fdfind", "search", S_NONE},
	{"fgrep", "search", S_NONE},
	{"file", "read", S_NONE},
	{"find", "search", S_NONE},
	{"flake8", "lint", S_NONE},
	{"flatpak", "install", S_NONE},
	{"fossil", "vcs", S_NONE},
	{"ftp", "net", S_NONE},
	{"g++", "build", S_NONE},
	{"gawk", "read", S_AWK},
	{"gcc", "build", S_NONE},
	{"gem", "install", S_GEM},
	{"gh", "vcs", S_NONE},
	{"git", "vcs", S_GIT},
	{"git-lfs", "vcs", S_NONE},
	{"glab", "vcs", S_NONE},
	{"gmake", "build", S_MAKE},
	{"go", "other", S_GO},
	{"gofmt", "lint", S_NONE},
	{"goimports", "lint", S_NONE},
	{"golangci-lint", "lint", S_NONE},
	{"gradle", "build", S_GRADLE},
	{"gradlew", "build", S_GRADLE},
	{"grep", "search", S_NONE},
	{"hadolint", "lint", S_NONE},
	{"hatch", "install", S_PYPM},
	{"hd", "read", S_NONE},
	{"head", "read", S_NONE},
	{"helm", "container", S_NONE},
	{"hexdump", "read", S_NONE},
	{"hg", "vcs", S_NONE},
	{"host", "net", S_NONE},
	{"http", "net", S_NONE},
	{"https", "net", S_NONE},
	{"install", "write", S_NONE},
	{"invoke", "run", S_TARGETS},
	{"isort", "lint", S_NONE},
	{"jasmine", "test", S_NONE},
	{"java", "run", S_NONE},
	{"javac", "build", S_NONE},
	{"jest", "test", S_NONE},
	{"jj", "vcs", S_NONE},
	{"join", "read", S_NONE},
	{"jq", "read", S_NONE},
	{"julia", "run", S_SCRIPT},
	{"just", "run", S_TARGETS},
	{"karma", "test", S_NONE},
	{"kind", "container", S_NONE},
	{"kotlinc", "build", S_NONE},
	{"ksh", "run", S_SCRIPT},
	{"ktlint", "lint", S_NONE},
	{"kubectl", "container", S_NONE},
	{"ld", "build", S_NONE},
	{"less", "read", S_NONE},
	{"ln", "write", S_NONE},
	{"locate", "search", S_NONE},
	{"ls", "read", S_NONE},
	{"lua", "run", S_SCRIPT},
	{"make", "build", S_MAKE},
	{"mamba", "install", S_CONDA},
	{"markdownlint", "lint", S_NONE},
	{"mawk", "read", S_AWK},
	{"md5sum", "read", S_NONE},
	{"meson", "build", S_MESON},
	{"micromamba", "install", S_CONDA},
	{"minikube", "container", S_NONE},
	{"mix", "run", S_MIX},
	{"mkdir", "write", S_NONE},
	{"mocha", "test", S_NONE},
	{"more", "read", S_NONE},
	{"mosh", "net", S_NONE},
	{"msbuild", "build", S_NONE},
	{"mv", "write", S_NONE},
	{"mvn", "build", S_MVN},
	{"mvnw", "build", S_MVN},
	{"mypy", "lint", S_NONE},
	{"nasm", "build", S_NONE},
	{"nawk", "read", S_AWK},
	{"nc", "net", S_NONE},
	{"ncat", "net", S_NONE},
	{"nerdctl", "container", S_NONE},
	{"netcat", "net", S_NONE},
	{"next", "run", S_NEXT},
	{"ninja", "build", S_TARGETS},
	{"nl", "read", S_NONE},
	{"node", "run", S_NODE},
	{"nodejs", "run", S_NODE},
	{"nose2", "test", S_NONE},
	{"nosetests", "test", S_NONE},
	{"nox", "test", S_NONE},
	{"npm", "other", S_NPM},
	{"npx", "run", S_RUNNER},
	{"nslookup", "net", S_NONE},
	{"nx", "run", S_TURBO},
	{"od", "read", S_NONE},
	{"pacman", "install", S_NONE},
	{"paste", "read", S_NONE},
	{"pdm", "install", S_PYPM},
	{"perl", "run", S_PERL},
	{"php", "run", S_SCRIPT},
	{"phpunit", "test", S_NONE},
	{"ping", "net", S_NONE},
	{"pip", "other", S_PIP},
	{"pipenv", "install", S_PYPM},
	{"pipx", "install", S_PYPM},
	{"playwright", "test", S_PLAYWRIGHT},
	{"pnpm", "other", S_YARN},
	{"pnpx", "run", S_RUNNER},
	{"podman", "container", S_NONE},
	{"poetry", "install", S_PYPM},
	{"port", "install", S_NONE},
	{"pre-commit", "lint", S_NONE},
	{"prettier", "lint", S_NONE},
	{"prove", "test", S_NONE},
	{"py.test", "test", S_NONE},
	{"pycodestyle", "lint", S_NONE},
	{"pyflakes", "lint", S_NONE},
	{"pylint", "lint", S_NONE},
	{"pyright", "lint", S_NONE},
	{"pytest", "test", S_NONE},
	{"python", "run", S_PY},
	{"rake", "run", S_TARGETS},
	{"rg", "search", S_NONE},
	{"rm", "write", S_NONE},
	{"rmdir", "write", S_NONE},
	{"rollup", "build", S_NONE},
	{"rspec", "test", S_NONE},
	{"rsync", "net", S_NONE},
	{"rubocop", "lint", S_NONE},
	{"ruby", "run", S_SCRIPT},
	{"ruff", "lint", S_RUFF},
	{"rustc", "build", S_NONE},
	{"rustfmt", "lint", S_NONE},
	{"rustup", "install", S_NONE},
	{"sbt", "build", S_TARGETS},
	{"scons", "build", S_NONE},
	{"scp", "net", S_NONE},
	{"sed", "read", S_SED},
	{"sftp", "net", S_NONE},
	{"sh", "run", S_SCRIPT},
	{"sha1sum", "read", S_NONE},
	{"sha256sum", "read", S_NONE},
	{"sha512sum", "read", S_NONE},
	{"shellcheck", "lint", S_NONE},
	{"shfmt", "lint", S_NONE},
	{"shred", "write", S_NONE},
	{"skaffold", "container", S_NONE},
	{"snap", "install", S_NONE},
	{"socat", "net", S_NONE},
	{"sort", "read", S_NONE},
	{"ssh", "net", S_NONE},
	{"stat", "read", S_NONE},
	{"staticcheck", "lint", S_NONE},
	{"strings", "read", S_NONE},
	{"stylelint", "lint", S_NONE},
	{"svn", "vcs", S_NONE},
	{"swift", "run", S_SWIFT},
	{"swiftc", "build", S_NONE},
	{"swiftlint", "lint", S_NONE},
	{"tac", "read", S_NONE},
	{"tail", "read", S_NONE},
	{"tap", "test", S_NONE},
	{"tape", "test", S_NONE},
	{"tee", "write", S_NONE},
	{"telnet", "net", S_NONE},
	{"touch", "write", S_NONE},
	{"tox", "test", S_NONE},
	{"traceroute", "net", S_NONE},
	{"tree", "read", S_NONE},
	{"truncate", "write", S_NONE},
	{"ts-node", "run", S_NODE},
	{"tsc", "build", S_NONE},
	{"tsx", "run", S_NODE},
	{"turbo", "run", S_TURBO},
	{"uniq", "read", S_NONE},
	{"unittest", "test", S_NONE},
	{"unlink", "write", S_NONE},
	{"uv", "other", S_UV},
	{"uvx", "run", S_RUNNER},
	{"venv", "install", S_NONE},
	{"virtualenv", "install", S_NONE},
	{"vite", "run", S_VITE},
	{"vitest", "test", S_NONE},
	{"wc", "read", S_NONE},
	{"webpack", "build", S_NONE},
	{"wget", "net", S_NONE},
	{"whois", "net", S_NONE},
	{"xcodebuild", "build", S_NONE},
	{"xh", "net", S_NONE},
	{"xxd", "read", S_NONE},
	{"xzcat", "read", S_NONE},
	{"yamllint", "lint", S_NONE},
	{"yapf", "lint", S_NONE},
	{"yarn", "install", S_YARN},
	{"yq", "read", S_NONE},
	{"yum", "install", S_NONE},
	{"zcat", "read", S_NONE},
	{"zgrep", "search", S_NONE},
	{"zig", "build", S_ZIG},
	{"zsh", "run", S_SCRIPT},
	{"zypper", "install", S_NONE},
};

static int progsort(const void *a, const void *b)
{
	return strcmp(((const struct prog *)a)->name, ((const struct prog *)b)->name);
}

static int progcmp(const void *k, const void *e)
{
	return strcmp(k, ((const struct prog *)e)->name);
}

/* The program name without a version: python3.11 -> python, pip3 ->
 * pip, gcc-13 -> gcc. */
static void norm_name(const char *s, char *out, size_t cap)
{
	snprintf(out, cap, "%s", path_base(s));
	size_t n = strlen(out);
	size_t m = n;
	while (m && ((out[m - 1] >= '0' && out[m - 1] <= '9') || out[m - 1] == '.'))
		m--;
	if (m && m < n && out[m - 1] == '-')
		m--;
	if (m)
		out[m] = 0;
}

static bool contains(const char *s, const char *sub) { return strstr(s, sub) != NULL; }

/* A script or target name: run_tests.sh, build.sh, lint:fix, test:e2e. */
static const char *name_class(const char *s, const char *dflt)
{
	char b[128];
	size_t i;
	for (i = 0; s[i] && i + 1 < sizeof b; i++)
		b[i] = (char)((s[i] >= 'A' && s[i] <= 'Z') ? s[i] | 0x20 : s[i]);
	b[i] = 0;
	if (contains(b, "lint") || contains(b, "format") || contains(b, "fmt") ||
	    contains(b, "prettier") || contains(b, "typecheck") || contains(b, "type-check") ||
	    contains(b, "check-types") || contains(b, "tidy") || !strcmp(b, "vet"))
		return "lint";
	if (contains(b, "test") || contains(b, "spec") || contains(b, "e2e") || !strcmp(b, "check") ||
	    !strncmp(b, "check-", 6) || !strncmp(b, "check:", 6) || contains(b, "jest") ||
	    contains(b, "vitest") || !strcmp(b, "ci"))
		return "test";
	if (contains(b, "build") || contains(b, "compile") || contains(b, "bundle") ||
	    !strcmp(b, "all") || !strcmp(b, "dist") || !strcmp(b, "tsc"))
		return "build";
	if (contains(b, "install") || contains(b, "setup") || contains(b, "bootstrap") ||
	    !strcmp(b, "deps"))
		return "install";
	return dflt;
}

static int sub_index(const char *const *a, int n, int from, const char *sarg,
	const struct lopt *lo)
{
	struct opts o;
	return getopts(a, n, from, sarg, NULL, lo, &o, NULL);
}

static const char *arg_at(const char *const *a, int n, int i)
{
	return i < n ? a[i] : "";
}

/* A package runner (npx X, uv run X, python -m X): the class of X, or
 * run when X is nothing known. */
static const char *runner(const char *const *a, int n)
{
	if (n <= 0)
		return "run";
	const char *c = shell_class(a, n);
	return strcmp(c, "other") ? c : "run";
}

static const char *targets(const char *const *a, int n, int from, const char *dflt)
{
	const char *best = NULL;
	for (int j = from; j < n; j++) {
		const char *w = a[j];
		if (w[0] == '-') {
			if (strchr("CfIloWjdkt", w[1]) && !w[2] && j + 1 < n &&
			    (w[1] != 'j' || strspn(a[j + 1], "0123456789") == strlen(a[j + 1])))
				j++;
			continue;
		}
		if (strchr(w, '='))
			continue;
		const char *c = name_class(w, NULL);
		if (c && !strcmp(c, "install"))
			c = "build";    /* make install builds, then copies */
		if (c && (!best || shell_class_rank(c) > shell_class_rank(best)))
			best = c;
	}
	return best ? best : dflt;
}

static bool has_cluster(const char *const *a, int n, char c, const char *stop)
{
	for (int j = 1; j < n; j++) {
		const char *w = a[j];
		if (!strcmp(w, "--"))
			return false;
		if (w[0] != '-' || w[1] == '-')
			continue;
		for (const char *p = w + 1; *p; p++) {
			if (*p == c)
				return true;
			if (strchr(stop, *p))
				break;
		}
	}
	return false;
}

static const char *py_class(const char *const *a, int n)
{
	for (int j = 1; j < n; j++) {
		const char *w = a[j];
		if (w[0] != '-' || !w[1])
			break;
		if (!strncmp(w, "-m", 2)) {
			const char *tmp[64];
			int m = 0;
			tmp[m++] = w[2] ? w + 2 : arg_at(a, n, ++j);
			for (j++; j < n && m < 64; j++)
				tmp[m++] = a[j];
			return runner(tmp, m);
		}
		if (!strncmp(w, "-c", 2))
			return "run";
		if ((!strcmp(w, "-W") || !strcmp(w, "-X")) && j + 1 < n)
			j++;
		if (j >= n - 1)
			return "run";
		if (!strcmp(w, "--"))
			break;
	}
	int j = 1;
	while (j < n && a[j][0] == '-')
		j++;
	if (j >= n)
		return "run";
	const char *base = path_base(a[j]), *s = arg_at(a, n, j + 1);
	if (!strcmp(base, "setup.py"))
		return !strcmp(s, "test") ? "test" : !strcmp(s, "install") || !strcmp(s, "develop") ?
			"install" : "build";
	if (!strcmp(base, "manage.py"))
		return !strcmp(s, "test") ? "test" : "run";
	return name_class(base, "run");
}

/* An interpreter running a script: the script's own class (php
 * vendor/bin/phpunit, bash ./run_tests.sh), else run. */
static const char *script_class(const char *const *a, int n)
{
	int j = 1;
	while (j < n && a[j][0] == '-' && a[j][1]) {
		if (!strcmp(a[j], "-c"))
			return "run";
		j++;
	}
	if (j >= n)
		return "run";
	const char *c = runner(a + j, 1);
	if (strcmp(c, "run"))
		return c;
	if (!strcmp(path_base(a[j]), "artisan") && !strcmp(arg_at(a, n, j + 1), "test"))
		return "test";
	return name_class(path_base(a[j]), "run");
}

static bool contains_arg(const char *const *a, int n, const char *prefix)
{
	for (int j = 1; j < n; j++)
		if (!strncmp(a[j], prefix, strlen(prefix)))
			return true;
	return false;
}

static const char *sub_class(int sub, const char *dflt, const char *const *a, int n)
{
	static const char *const npm_install[] = {"install", "i", "in", "ci", "add", "update", "up",
		"upgrade", "uninstall", "un", "rm", "remove", "r", "link", "isntall", "dedupe",
		"prune", "audit", "import", "fetch", NULL};
	static const char *const py_install[] = {"install", "add", "update", "lock", "remove",
		"sync", "upgrade", "uninstall", "venv", "init", NULL};
	int s;
	const char *w;
	switch (sub) {
	case S_GIT:
		s = sub_index(a, n, 1, "Cc", NULL);
		return !strcmp(arg_at(a, n, s), "grep") ? "search" : "vcs";
	case S_GO:
		w = arg_at(a, n, sub_index(a, n, 1, "C", NULL));
		if (!strcmp(w, "test"))
			return "test";
		if (!strcmp(w, "build") || !strcmp(w, "generate"))
			return "build";
		if (!strcmp(w, "run"))
			return "run";
		if (!strcmp(w, "install") || !strcmp(w, "get") || !strcmp(w, "mod"))
			return "install";
		if (!strcmp(w, "vet") || !strcmp(w, "fmt"))
			return "lint";
		return "other";
	case S_CARGO:
		s = 1;
		while (s < n && (a[s][0] == '+' || a[s][0] == '-'))
			s++;
		w = arg_at(a, n, s);
		if (!strcmp(w, "test") || !strcmp(w, "t") || !strcmp(w, "nextest") || !strcmp(w, "bench"))
			return "test";
		if (!strcmp(w, "run") || !strcmp(w, "r"))
			return "run";
		if (!strcmp(w, "install") || !strcmp(w, "add") || !strcmp(w, "fetch") ||
		    !strcmp(w, "update") || !strcmp(w, "remove") || !strcmp(w, "rm") ||
		    !strcmp(w, "uninstall") || !strcmp(w, "vendor"))
			return "install";
		if (!strcmp(w, "clippy") || !strcmp(w, "fmt"))
			return "lint";
		return "build";
	case S_NPM:
	case S_YARN:
	case S_BUN:
		s = sub_index(a, n, 1, "C", NULL);
		if (s >= n)
			return sub == S_YARN && !strcmp(path_base(a[0]), "yarn") ? "install" : "other";
		w = a[s];
		if (has(npm_install, w) || !strcmp(w, "pm") || !strcmp(w, "a"))
			return "install";
		if (!strcmp(w, "test") || !strcmp(w, "t") || !strcmp(w, "tst"))
			return "test";
		if (!strcmp(w, "run") || !strcmp(w, "run-script") || !strcmp(w, "rum")) {
			s = sub_index(a, n, s + 1, "", NULL);
			if (s >= n)
				return "other";
			if (sub == S_BUN && (strchr(a[s], '.') || strchr(a[s], '/')))
				return name_class(path_base(a[s]), "run");
			return name_class(a[s], "run");
		}
		if (!strcmp(w, "exec") || !strcmp(w, "x") || !strcmp(w, "dlx")) {
			s = sub_index(a, n, s + 1, "pc", (const struct lopt[]){{"package", 'p', 1},
				{"call", 'c', 1}, {0}});
			return runner(a + s, n - s);
		}
		if (!strcmp(w, "start") || !strcmp(w, "dev") || !strcmp(w, "serve"))
			return "run";
		if (sub == S_NPM)
			return !strcmp(w, "build") ? "build" : "other";
		if (sub == S_BUN && (strchr(w, '.') || strchr(w, '/')))
			return name_class(path_base(w), "run");
		return name_class(w, "run");
	case S_PY:
		return py_class(a, n);
	case S_NODE:
		for (s = 1; s < n && a[s][0] == '-'; s++) {
			if (!strcmp(a[s], "--test"))
				return "test";
			if (!strcmp(a[s], "-e") || !strcmp(a[s], "--eval") || !strcmp(a[s], "-p"))
				return "run";
			if (!strcmp(a[s], "-r") || !strcmp(a[s], "--require") || !strcmp(a[s], "--import") ||
			    !strcmp(a[s], "--loader"))
				s++;
		}
		return s < n ? name_class(path_base(a[s]), "run") : "run";
	case S_MAKE:
	case S_TARGETS:
		return targets(a, n, 1, dflt);
	case S_MVN:
		for (s = 1; s < n; s++)
			if (!strcmp(a[s], "-DskipTests") || !strncmp(a[s], "-Dmaven.test.skip", 17))
				return "build";
		for (s = 1; s < n; s++) {
			w = a[s];
			if (!strcmp(w, "test") || !strcmp(w, "verify") || !strcmp(w, "integration-test") ||
			    !strcmp(w, "surefire:test"))
				return "test";
			if (contains(w, ":run") || !strcmp(w, "exec:java"))
				return "run";
		}
		return "build";
	case S_GRADLE:
		for (s = 1; s < n; s++) {
			w = a[s];
			if (w[0] == '-')
				continue;
			if (contains(w, "test") || contains(w, "Test") || !strcmp(w, "check"))
				return "test";
			if (!strcmp(w, "run") || !strcmp(w, "bootRun"))
				return "run";
		}
		return "build";
	case S_DOTNET:
		w = arg_at(a, n, 1);
		if (!strcmp(w, "test"))
			return "test";
		if (!strcmp(w, "run") || !strcmp(w, "watch"))
			return "run";
		if (!strcmp(w, "restore") || !strcmp(w, "add") || !strcmp(w, "remove") ||
		    !strcmp(w, "tool") || !strcmp(w, "workload"))
			return "install";
		if (!strcmp(w, "format"))
			return "lint";
		return "build";
	case S_BAZEL:
	case S_SWIFT:
	case S_ZIG:
	case S_MESON:
	case S_DENO:
	case S_MIX:
		s = sub_index(a, n, 1, "", NULL);
		w = arg_at(a, n, s);
		if (sub == S_ZIG && !strcmp(w, "build"))
			return targets(a, n, s + 1, "build");
		if (!strcmp(w, "test") || !strcmp(w, "coverage") || !strcmp(w, "bench"))
			return "test";
		if (!strcmp(w, "run") || !strcmp(w, "serve") || !strcmp(w, "task") || !strcmp(w, "repl"))
			return "run";
		if (!strcmp(w, "build") || !strcmp(w, "compile") || !strcmp(w, "setup") ||
		    !strcmp(w, "bundle"))
			return "build";
		if (!strcmp(w, "lint") || !strcmp(w, "fmt") || !strcmp(w, "format") || !strcmp(w, "check") ||
		    !strcmp(w, "credo"))
			return "lint";
		if (!strcmp(w, "install") || !strcmp(w, "add") || !strcmp(w, "cache") ||
		    !strcmp(w, "package") || !strncmp(w, "deps", 4))
			return "install";
		return dflt;
	case S_CMAKE:
		for (s = 1; s < n; s++)
			if (!strcmp(a[s], "-E"))
				return "other";
		return "build";
	case S_UV:
		w = arg_at(a, n, 1);
		if (!strcmp(w, "run")) {
			s = sub_index(a, n, 2, "pw", (const struct lopt[]){{"with", 'w', 1},
				{"python", 'p', 1}, {"project", 2, 1}, {"directory", 2, 1}, {"extra", 2, 1},
				{"group", 2, 1}, {"package", 2, 1}, {"env-file", 2, 1}, {"index", 2, 1},
				{"from", 2, 1}, {0}});
			return runner(a + s, n - s);
		}
		if (!strcmp(w, "tool") && !strcmp(arg_at(a, n, 2), "run"))
			return runner(a + 3, n - 3);
		if (!strcmp(w, "pip") || !strcmp(w, "tool") || !strcmp(w, "python") || has(py_install, w))
			return "install";
		if (!strcmp(w, "build"))
			return "build";
		return "other";
	case S_PYPM:
	case S_BUNDLE:
	case S_CONDA:
	case S_GEM:
	case S_COMPOSER:
		s = sub_index(a, n, 1, "", NULL);
		if (s >= n)
			return dflt;
		w = a[s];
		if (!strcmp(w, "run") || !strcmp(w, "exec")) {
			s = sub_index(a, n, s + 1, "np", NULL);
			return runner(a + s, n - s);
		}
		if (has(py_install, w) || !strcmp(w, "require") || !strcmp(w, "create") ||
		    !strcmp(w, "env"))
			return "install";
		if (!strcmp(w, "test"))
			return "test";
		if (!strcmp(w, "build"))
			return "build";
		return sub == S_BUNDLE ? "install" : "other";
	case S_PIP:
		w = arg_at(a, n, sub_index(a, n, 1, "", NULL));
		return !strcmp(w, "install") || !strcmp(w, "download") || !strcmp(w, "uninstall") ||
			!strcmp(w, "wheel") ? "install" : "other";
	case S_RUNNER:
		s = sub_index(a, n, 1, "pw", (const struct lopt[]){{"package", 'p', 1},
			{"from", 2, 1}, {"with", 'w', 1}, {"python", 2, 1}, {0}});
		return runner(a + s, n - s);
	case S_SED:
		return has_cluster(a, n, 'i', "efl") || contains_arg(a, n, "--in-place") ? "write" : "read";
	case S_PERL:
		return has_cluster(a, n, 'i', "eEMImx") ? "write" : script_class(a, n);
	case S_AWK:
		for (s = 1; s + 1 < n; s++)
			if (!strcmp(a[s], "-i") && !strcmp(a[s + 1], "inplace"))
				return "write";
		return "read";
	case S_SCRIPT:
		return script_class(a, n);
	case S_PLAYWRIGHT:
		w = arg_at(a, n, 1);
		return !strcmp(w, "install") ? "install" : !strcmp(w, "test") ? "test" : "run";
	case S_CYPRESS:
		return !strcmp(arg_at(a, n, 1), "open") ? "run" : "test";
	case S_VITE:
		return !strcmp(arg_at(a, n, 1), "build") ? "build" : "run";
	case S_NEXT:
		w = arg_at(a, n, 1);
		return !strcmp(w, "build") ? "build" : !strcmp(w, "lint") ? "lint" : "run";
	case S_TURBO:
		s = sub_index(a, n, 1, "", NULL);
		if (!strcmp(arg_at(a, n, s), "run") || !strcmp(arg_at(a, n, s), "run-many") ||
		    !strcmp(arg_at(a, n, s), "affected"))
			s = sub_index(a, n, s + 1, "t", NULL);
		return s < n ? name_class(a[s], "run") : "run";
	case S_RUFF:
		return "lint";
	}
	return dflt;
}

const char *shell_class(const char *const *argv, int argc)
{
	if (argc <= 0 || !argv[0] || !argv[0][0])
		return "other";
	static bool sorted;
	if (!sorted) {
		qsort(progs, sizeof progs / sizeof *progs, sizeof *progs, progsort);
		sorted = true;
	}
	char name[128];
	norm_name(argv[0], name, sizeof name);
	const struct prog *p = bsearch(name, progs, sizeof progs / sizeof *progs, sizeof *progs,
		progcmp);
	if (p)
		return p->sub ? sub_class(p->sub, p->class, argv, argc) : p->class;
	size_t l = strlen(name);
	static const char *const cross[] = {"-gcc", "-g++", "-cc", "-ld", "-clang", NULL};
	for (int i = 0; cross[i]; i++) {
		size_t cl = strlen(cross[i]);
		if (l > cl && !strcmp(name + l - cl, cross[i]))
			return "build";
	}
	if (!strcmp(name, "configure"))
		return "build";
	/* a script by path or by extension */
	const char *dot = strrchr(name, '.');
	if (strchr(argv[0], '/') || (dot && (!strcmp(dot, ".sh") || !strcmp(dot, ".py") ||
	    !strcmp(dot, ".js") || !strcmp(dot, ".ts") || !strcmp(dot, ".rb") || !strcmp(dot, ".pl"))))
		return name_class(name, "run");
	return "other";
}

int shell_class_rank(const char *class)
{
	static const char *const order[] = {"other", "read", "search", "write", "run", "net",
		"container", "vcs", "lint", "install", "build", "test", NULL};
	if (!class)
		return 0;
	for (int i = 0; order[i]; i++)
		if (!strcmp(order[i], class))
			return i + 1;
	return 0;
}

/* ---- apply_patch ---------------------------------------------------- */

static const char *patch_path(struct shell *sh, const char *s, const char *e, const char *cwd)
{
	while (s < e && is_blank(*s))
		s++;
	while (e > s && is_blank(e[-1]))
		e--;
	if (s == e)
		return NULL;
	char *p = shell_strdup(sh, s, (size_t)(e - s));
	return join(sh, cwd, p);
}

int shell_patch(struct shell *sh, const char *text, size_t len, const char *cwd,
	struct shell_fx **fx, int *nfx)
{
	struct vec v = {.p = NULL};
	const char *p = text, *end = text + len;
	cwd = cwd ? shell_path(sh, cwd, NULL) : NULL;
	struct shell_fx *last = NULL;
	int lastn = -1;
	while (p < end) {
		const char *e = memchr(p, '\n', (size_t)(end - p));
		if (!e)
			e = end;
		static const char *const marks[] = {"*** Add File:", "*** Update File:",
			"*** Delete File:", "*** Move to:"};
		for (int m = 0; m < 4; m++) {
			size_t ml = strlen(marks[m]);
			if ((size_t)(e - p) < ml || memcmp(p, marks[m], ml))
				continue;
			const char *path = patch_path(sh, p + ml, e, cwd);
			if (!path)
				break;
			if (m == 3) {
				if (last && lastn == v.n - 1 && !strcmp(last->effect, "write")) {
					last->effect = "rename";
					last->to = path;
				}
				break;
			}
			add_fx(&v, m == 2 ? "delete" : "write", path, NULL, NULL, -1);
			last = &((struct shell_fx *)v.p)[v.n - 1];
			lastn = m == 1 ? v.n - 1 : -1;
			break;
		}
		p = e < end ? e + 1 : end;
	}
	int n = v.n;
	if (n) {
		struct shell_fx *a = shell_alloc(sh, sizeof *a * (*nfx + n));
		if (*nfx)
			memcpy(a, *fx, sizeof *a * *nfx);
		memcpy(a + *nfx, v.p, sizeof *a * n);
		*fx = a;
		*nfx += n;
	}
	free(v.p);
	return n;
}
