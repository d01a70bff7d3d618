/* SPDX-License-Identifier: MIT */
/* shparse.c: the flat parser.  It walks the tokens, skips the keywords
 * of if/while/for/case and function definitions, keeps the ( ) scopes
 * that bound a cd, parses each word's command substitutions as strings
 * of their own (forks of the same shell: the same chain, one level
 * deeper) and hands every simple command, with its redirections, to
 * sh_analyse (shwrap.c). */
#include <stdlib.h>
#include <string.h>
#include "shellint.h"
#include "util.h"

/* Analyse the command substitutions of a word: forks of the same shell,
 * so they keep the chain of the command around them. */
static void run_subst(struct ps *ps, struct tok *t)
{
	if (ps->nosubst || !t->nsub)
		return;
	if (ps->depth >= ps->sh->maxdepth) {
		sh_mark_partial(ps->sh);
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
		sh_parse_string(ps->sh, text, n, ps->outer, ps->nouter, ps->dir, ps->depth + 1, false);
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
		if (t->type == T_OP && !sh_is_redir(t->op)) {
			if (!strcmp(t->op, "(")) {
				*(const char **)sh_vpush(&dirs, sizeof(char *)) = ps->dir;
			} else if (!strcmp(t->op, ")")) {
				if (dirs.n)
					ps->dir = ((const char **)dirs.p)[--dirs.n];
				else
					sh_mark_partial(ps->sh);
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
				*(const char **)sh_vpush(&words, sizeof(char *)) =
					t->type == T_WORD ? t->val : t->op ? t->op : "\n";
				*(unsigned *)sh_vpush(&flags, sizeof(unsigned)) = t->type == T_WORD ? t->wf : W_QUOTED;
				if (t->type == T_WORD)
					run_subst(ps, t);
				ps->i++;
				continue;
			}
			if (t->type == T_OP && sh_is_redir(t->op)) {
				struct shell_redir *r = sh_vpush(&redirs, sizeof *r);
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
			*(const char **)sh_vpush(&words, sizeof(char *)) = t->val;
			*(unsigned *)sh_vpush(&flags, sizeof(unsigned)) = t->wf;
			partial |= t->partial;
			run_subst(ps, t);
			ps->i++;
			if (dbl && !strcmp(t->val, "]]") && words.n > 1)
				break;
		}
		if (partial)
			sh_mark_partial(ps->sh);
		sh_analyse(ps, ps->outer, ps->nouter, words.p, flags.p, words.n, redirs.p, redirs.n,
			partial);
	}
	free(dirs.p);
	free(words.p);
	free(flags.p);
	free(redirs.p);
}

int sh_parse_string(struct shell *sh, const char *s, size_t n, const char *const *outer,
	int nouter, const char *dir, int depth, bool nosubst)
{
	int before = sh->ncmd, nt;
	bool partial;
	struct tok *t = sh_lex(sh, s, n, &nt, &partial);
	if (partial)
		sh_mark_partial(sh);
	struct ps ps = {
		.sh = sh, .t = t, .nt = nt, .depth = depth, .outer = outer,
		.nouter = nouter, .dir = dir, .nosubst = nosubst,
	};
	parse(&ps);
	free(t);
	return sh->ncmd - before;
}

int shell_parse(struct shell *sh, const char *line, size_t len, const char *const *outer,
	int nouter, const char *cwd)
{
	return sh_parse_string(sh, line, len, outer, nouter, shell_path(sh, cwd, NULL), 0, false);
}

int shell_parse_argv(struct shell *sh, const char *const *argv, int argc,
	const char *const *outer, int nouter, const char *cwd)
{
	struct ps ps = {.sh = sh, .outer = outer, .nouter = nouter, .dir = shell_path(sh, cwd, NULL)};
	int before = sh->ncmd;
	const char **v = xmalloc(sizeof *v * (argc + 1));
	for (int i = 0; i < argc; i++)
		v[i] = argv[i] ? argv[i] : "";
	sh_analyse(&ps, outer, nouter, v, NULL, argc, NULL, 0, false);
	free(v);
	return sh->ncmd - before;
}
