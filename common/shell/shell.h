/* SPDX-License-Identifier: MIT */
/* shell.h: what a shell command line does, without running it.
 * (common/shell/shellint.h maps the files that do it.)
 *
 * A lexer and a flat parser for the POSIX-ish sh that agents write:
 * quotes, escapes, comments, && || ; | & and newlines, ( ) subshells and
 * { } groups, if/for/while/case bodies, $( ) and backquotes (analysed as
 * commands of their own), redirections and here-documents.  Each simple
 * command comes out with
 *
 *   argv     the words that name the program and its arguments, quotes
 *            removed, wrappers and NAME=value assignments stripped
 *            (expansions such as $X and $(...) are kept as text);
 *   process  the chain of programs that really run, outermost first: the
 *            caller's shell, then each wrapper that execs its argument
 *            (timeout sudo doas nice nohup env stdbuf ionice setsid chrt
 *            taskset xargs unbuffer watch), each nested shell of
 *            sh -c / bash -lc / zsh -c, find for -exec, then the
 *            command: `timeout 30 pytest` run by bash is
 *            bash,timeout,pytest.
 *            Shell keywords and builtins that do not fork (time, command,
 *            exec, builtin, eval) are looked through but not listed;
 *            subshells, pipelines and $( ) add no level (they are forks
 *            of the same shell);
 *   class    test build install lint vcs container net run write search
 *            read other (shell_class);
 *   fx       file and network effects where the words make them plain:
 *            rm -> delete, mv -> rename, cp/touch/mkdir/tee/ln/chmod/
 *            sed -i/> />> -> write, cat/head/tail/sed -n/< -> read,
 *            grep/rg/find/ls roots -> read, URLs and ssh/scp/git hosts
 *            and package registries -> net, the files of a patch
 *            envelope (shell_patch) given to a program the analyser
 *            knows nothing else of, as its only operand or on stdin.
 *
 * A `sh -c STRING` whose STRING holds commands is transparent: its
 * commands appear (one level deeper), not the shell itself.  `cd DIR`
 * with a literal DIR moves later relative paths of the same line (until
 * the end of the enclosing subshell).  Words that hold expansions ($X,
 * $(...)) make no file effect: the path is not known.
 *
 * Network effects carry a lower-case domain, and the port only for
 * loopback hosts (127.x, localhost, ::1).  When a tool is known to reach
 * the network but the host is configured elsewhere, the domain is a
 * pseudo-domain under the reserved .invalid TLD, so that no real host is
 * claimed and a host filter never mistakes it for an intranet name:
 * apt.invalid (apt, apt-get, aptitude, dnf, yum, pacman, zypper mirrors),
 * git.invalid (git push/pull/fetch to a remote given by name).
 * Registries with a fixed default: pip/uv/poetry -> pypi.org, npm/pnpm/
 * npx -> registry.npmjs.org, yarn -> registry.yarnpkg.com, cargo ->
 * crates.io, go -> proxy.golang.org, gem/bundle -> rubygems.org, composer
 * -> repo.packagist.org, brew -> formulae.brew.sh, gh -> api.github.com;
 * a registry or index URL given on the command line wins.
 *
 * Garbage (unbalanced quotes, stray parentheses, a missing here-document
 * end) never fails: what can be read is analysed, and SHELL_PARTIAL is
 * set on the commands it touched and on the whole result.
 *
 * Everything a call returns lives in the struct shell's arena until
 * shell_reset or shell_free. */
#ifndef AP_SHELL_H
#define AP_SHELL_H
#include <stdbool.h>
#include <stddef.h>
#include "arena.h"

enum {
	SHELL_PARTIAL = 1,      /* cut by a syntax error or a limit */
	SHELL_BG = 2,           /* ended by & */
	SHELL_PIPE = 4,         /* writes into a pipe (| follows) */
};

/* A redirection as written.  fd is the descriptor (default 0 for <, 1
 * for >), -1 for &> (stdout and stderr). */
struct shell_redir {
	int fd;
	const char *op;         /* < > >> >| <> <& >& &> &>> << <<- <<< */
	const char *word;       /* target, unquoted; for << the delimiter */
	const char *body;       /* here-document text (<<, <<-), else NULL */
	size_t body_len;
};

/* A file or network effect of one command. */
struct shell_fx {
	const char *effect;     /* read write delete rename net */
	const char *path, *to;  /* normalised; absolute when the cwd was */
	const char *domain;
	int port;               /* loopback only; -1 otherwise */
};

struct shell_cmd {
	const char **argv;      /* NULL-terminated */
	int argc;               /* 0: only redirections (`> f`) */
	const char **process;
	int nprocess;
	const char *class;
	const char *dir;        /* where it runs; NULL when unknown */
	struct shell_redir *redir;
	int nredir;
	struct shell_fx *fx;
	int nfx;
	int depth;              /* 0 the line itself; +1 per sh -c, $( ), ... */
	unsigned flags;
};

struct shell {
	struct shell_cmd *cmd;
	int ncmd, capcmd;
	unsigned flags;         /* SHELL_PARTIAL when any command was cut */
	int maxdepth;           /* nesting limit, default 8 */
	struct arena arena;     /* every result; keeps 1 block over a reset */
};

void shell_init(struct shell *sh);
/* Drop every result; sh stays usable, with the memory of one arena
 * block and of the command array kept for the next line. */
void shell_reset(struct shell *sh);
/* Give all memory back; sh stays usable (maxdepth kept). */
void shell_free(struct shell *sh);

/* Analyse a command line run by the shell chain outer[0..nouter) (e.g.
 * {"bash"} for a tool that runs its command with bash) in directory cwd
 * (may be NULL).  Appends to sh->cmd; returns the number of commands
 * added. */
int shell_parse(struct shell *sh, const char *line, size_t len,
	const char *const *outer, int nouter, const char *cwd);
/* The same for an argv executed directly (a shell tool that takes an
 * argv: {"bash","-lc","..."} or {"ls","-la"}). */
int shell_parse_argv(struct shell *sh, const char *const *argv, int argc,
	const char *const *outer, int nouter, const char *cwd);

/* The class of a command given its argv with wrappers stripped: test,
 * build, install, lint, vcs, container, net, run, write, search, read or
 * other.  Looks at subcommands (go test, npm run build, make check,
 * python -m pytest, npx vitest, cargo clippy, ...); a program it knows
 * nothing else of whose only operand is a patch envelope writes. */
const char *shell_class(const char *const *argv, int argc);
/* How significant a class is when one tool call ran several commands:
 * test > build > install > lint > vcs > container > net > run > write >
 * search > read > other (and unknown names).  Higher wins. */
int shell_class_rank(const char *class);

/* The host of a URL with a scheme ("https://User@Example.COM:8443/x" ->
 * "example.com"), lower case, no trailing dot, IPv6 without brackets.
 * *port (may be NULL) gets the explicit port of a loopback host, else
 * -1.  False when s is not such a URL or the host is not a plain name. */
bool url_domain(const char *s, char *out, size_t cap, int *port);
/* The host of an scp/git-style remote "[user@]host:path" (not a URL, not
 * "C:\..."): "git@GitHub.com:x/y" -> "github.com". */
bool remote_domain(const char *s, char *out, size_t cap);

/* The files of a patch envelope ("*** Begin Patch" ... "*** End
 * Patch"): Add File -> write, Update File -> write (with "*** Move to:"
 * -> rename path to), Delete File -> delete.  Paths are normalised
 * against cwd.  Appends to *fx (arena memory of sh), returns the count
 * added; the envelope markers are optional. */
int shell_patch(struct shell *sh, const char *text, size_t len, const char *cwd,
	struct shell_fx **fx, int *nfx);

/* Arena helpers for callers that derive strings from the results. */
void *shell_alloc(struct shell *sh, size_t n);
char *shell_strdup(struct shell *sh, const char *s, size_t n);
/* Normalised path (paths.h path_norm) in the arena; NULL for an empty
 * path. */
const char *shell_path(struct shell *sh, const char *path, const char *cwd);
#endif
