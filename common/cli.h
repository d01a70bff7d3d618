/* SPDX-License-Identifier: MIT */
/* cli.h: what every program's main() shares: -h/--help and -V/--version,
 * the version string, usage errors, and option arguments that are numbers
 * in a range.  A program keeps its own option table and switch; the
 * options its switch does not handle go to cli_default(). */
#ifndef AP_CLI_H
#define AP_CLI_H
#include <getopt.h>
#include <stdint.h>

/* VERSION, with git describe in parentheses when built in a checkout:
 * "0.1.0 (v0.1.0-12-gabcdef0)".  scripts/version makes it, for the
 * programs and the installed agentpprof script alike. */
extern const char ap_version[];

/* What a program says about itself.  usage: the "usage: prog ..." lines,
 * the same as its man page's SYNOPSIS (tests/06-usage.t compares them);
 * help: what --help prints after them and a blank line (NULL: nothing). */
struct cli {
	const char *usage, *help;
};

/* The entries every long-option table ends with, and the short options
 * they pair with in getopt's optstring. */
#define CLI_LONGOPTS \
	{"help", no_argument, NULL, 'h'}, \
	{"version", no_argument, NULL, 'V'}, \
	{NULL, 0, NULL, 0}
#define CLI_SHORTOPTS "hV"

/* For a getopt_long() result the program's switch does not handle: 'h'
 * prints the usage and the help on standard output and exits 0; 'V'
 * prints "prog VERSION" and exits 0; anything else (getopt has said what
 * was wrong) prints the usage on standard error and exits 2. */
_Noreturn void cli_default(const struct cli *c, int ch);
/* "prog: message", then the usage on standard error; exit 2. */
_Noreturn void cli_usage_error(const struct cli *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "prog VERSION" on standard output. */
void cli_version(void);
/* The argument arg of option opt as a number from lo to hi; otherwise
 * "prog: opt: not WHAT from LO to HI: arg" (with hi INT64_MAX: "not WHAT
 * of LO or more") and exit 2.  what: "a number", "a gzip level", ... */
int64_t cli_i64(const char *opt, const char *what, const char *arg, int64_t lo, int64_t hi);
double cli_f64(const char *opt, const char *what, const char *arg, double lo, double hi);
#endif
