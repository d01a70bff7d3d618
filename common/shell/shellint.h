/* SPDX-License-Identifier: MIT */
/* shellint.h: what the pieces of the shell analyser share; shell.h is
 * the interface for everyone else.
 *
 * One string goes through them in this order:
 *
 *   shlex.c    text -> tokens (words unquoted, operators, here-document
 *              bodies attached to their delimiter words)
 *   shparse.c  tokens -> simple commands; ( ) scopes for cd; the
 *              command substitutions of each word parsed as strings of
 *              their own
 *   shwrap.c   one simple command: assignments, wrappers and nested
 *              shells stripped, the command recorded with its chain
 *   shclass.c  its class, from the {program, subcommand, class} table
 *   shfx.c     its file effects (arguments, redirections)
 *   shnet.c    its network effects, and hosts out of URLs and remotes
 *   shpatch.c  the patch envelope ("*** Begin Patch"): the files it
 *              names, and which commands carry one
 *   shopts.c   getopt-style option reading for all of the above
 *   shell.c    the arena every result lives in, and paths
 *
 * Functions shared between the files are named sh_*; everything else
 * is static to its file. */
#ifndef AP_SHELLINT_H
#define AP_SHELLINT_H
#include <stdbool.h>
#include <stddef.h>
#include "shell.h"

/* ---- characters (shlex.c, shnet.c, shpatch.c) ------------------------ */

static inline bool sh_is_blank(int c) { return c == ' ' || c == '\t' || c == '\r'; }
static inline bool sh_is_name1(int c)
{
	return c == '_' || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}
static inline bool sh_is_name(int c) { return sh_is_name1(c) || (c >= '0' && c <= '9'); }

/* ---- tokens (shlex.c) -------------------------------------------------- */

enum { T_WORD, T_OP, T_NL };
enum {
	W_QUOTED = 1,   /* some part was quoted or escaped */
	W_EXPAND = 2,   /* holds $ or ` expansions: the value is not literal */
	W_GLOB = 4,     /* unquoted * ? [ */
	W_ASSIGN = 8,   /* NAME=value */
	W_SUBST = 16,   /* holds a command substitution */
};

/* A command substitution inside a word: the text between $( and ), or
 * between backquotes (backq, still escaped). */
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

/* The tokens of s[0..n): an xmalloc'd array of *nt (the caller frees
 * it; words and bodies live in sh's arena).  *partial is set when the
 * text was cut (open quote, missing here-document end). */
struct tok *sh_lex(struct shell *sh, const char *s, size_t n, int *nt, bool *partial);
/* A redirection operator (< > >> <& &> ...), not a control one. */
bool sh_is_redir(const char *op);

/* ---- options (shopts.c) ------------------------------------------------ */

/* A long option: its name without "--", the short letter it stands for
 * (or a code below ' ' when it has none) and how many words it takes
 * when not given as --name=value. */
struct lopt {
	const char *name;
	char c;
	int nargs;
};

/* What sh_getopts saw, by letter (codes below ' ' for long options that
 * have none). */
struct opts {
	bool seen[128];
	const char *arg[128];
};

/* Options of argv[from..argc) in the getopt way: sarg are the short
 * options that take an argument (attached or the next word), att those
 * whose argument can only be attached (sed -i.bak).  With ops NULL,
 * stops at the first operand and returns its index (argc when none);
 * else collects every operand's index into ops (GNU permutation) and
 * returns their count. */
int sh_getopts(const char *const *argv, int argc, int from, const char *sarg,
	const char *att, const struct lopt *lo, struct opts *o, int *ops);

/* ---- growing arrays (shell.c) -------------------------------------------- */

struct vec {
	void *p;                /* xmalloc'd */
	int n, cap;
};

/* Room for one more element of size bytes at the end of v. */
void *sh_vpush(struct vec *v, size_t size);

/* ---- words and paths (shell.c) ------------------------------------------- */

static inline void sh_mark_partial(struct shell *sh) { sh->flags |= SHELL_PARTIAL; }
/* A word whose value is known: no $ or `, not "-", no find's {}. */
bool sh_literal(const char *s);
/* NAME=value */
bool sh_is_assignment(const char *s);
/* path normalised against dir, which may itself be relative (the
 * line's cwd unknown, then "cd sub"); NULL for an empty path. */
const char *sh_join(struct shell *sh, const char *dir, const char *path);
/* s is one of the NULL-terminated set. */
bool sh_has(const char *const *set, const char *s);

/* ---- parser (shparse.c) and commands (shwrap.c) -------------------------- */

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

/* Lex and parse s[0..n) run by the chain outer at nesting depth;
 * nosubst: its command substitutions ran already (sh -c "$(...)").
 * Returns the number of commands added. */
int sh_parse_string(struct shell *sh, const char *s, size_t n, const char *const *outer,
	int nouter, const char *dir, int depth, bool nosubst);
/* One simple command argv[0..argc) (wf: the words' W_ flags, or NULL)
 * run by chain0: assignments, wrappers and nested shells stripped, the
 * command recorded.  Returns the index of the command added, or -1. */
int sh_analyse(struct ps *ps, const char *const *chain0, int nchain0, const char **argv,
	const unsigned *wf, int argc, struct shell_redir *rd, int nrd, bool partial);
/* The body of the here-document on stdin among rd[0..nrd), or NULL. */
const char *sh_heredoc_body(const struct shell_redir *rd, int nrd, size_t *len);

/* ---- effects (shfx.c, shnet.c, shpatch.c) -------------------------------- */

/* Append an effect to fx (a vec of struct shell_fx); nothing when a file
 * effect has no path or a net effect no domain. */
void sh_add_fx(struct vec *fx, const char *effect, const char *path, const char *to,
	const char *domain, int port);
/* A file effect on word, relative to dir, when word is literal and not a
 * device. */
void sh_file_fx(struct shell *sh, struct vec *fx, const char *effect, const char *dir,
	const char *word);
/* Every effect of command c (its class already set) into fx, with the
 * files of the patch envelope patch[0..plen) it carries (or NULL: see
 * sh_patch_text). */
void sh_cmd_fx(struct shell *sh, struct shell_cmd *c, const char *patch, size_t plen,
	struct vec *fx);
/* The network effects of c into fx. */
void sh_net_fx(struct shell *sh, struct shell_cmd *c, struct vec *fx);

/* The patch envelope a command carries, or NULL (*len its length): its
 * only operand or the here-document on its stdin, when that begins
 * with "*** Begin Patch" and the program is one the class table does
 * not know (a known program given such text prints, stores or parses
 * it) nor echo or printf.  rd may be NULL. */
const char *sh_patch_text(const char *const *argv, int argc, const struct shell_redir *rd,
	int nrd, size_t *len);

/* ---- classes (shclass.c) ------------------------------------------------- */

/* The class table knows the program argv0 (path and version ignored). */
bool sh_class_known(const char *argv0);
#endif
