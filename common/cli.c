/* SPDX-License-Identifier: MIT */
/* cli.c: -h/--help, -V/--version, usage errors and numeric options. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "cli.h"
#include "util.h"

#ifndef AP_VERSION
#error "AP_VERSION: the Makefile defines it for this file alone (scripts/version)"
#endif
const char ap_version[] = AP_VERSION;

void cli_version(void)
{
	printf("%s %s\n", progname, ap_version);
}

/* What goes to stdout goes through stdio; diag_init's exit check turns a
 * failed write (--help > /dev/full) into status 2. */
void cli_default(const struct cli *c, int ch)
{
	if (ch == 'h') {
		fputs(c->usage, stdout);
		if (c->help) {
			putchar('\n');
			fputs(c->help, stdout);
		}
		exit(0);
	}
	if (ch == 'V') {
		cli_version();
		exit(0);
	}
	fputs(c->usage, stderr);
	exit(2);
}

void cli_usage_error(const struct cli *c, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	cli_default(c, '?');
}

int64_t cli_i64(const char *opt, const char *what, const char *arg, int64_t lo, int64_t hi)
{
	int64_t v;
	if (parse_i64(arg, lo, hi, &v))
		return v;
	if (hi == INT64_MAX)
		die(2, "%s: not %s of %lld or more: %s", opt, what, (long long)lo, arg);
	die(2, "%s: not %s from %lld to %lld: %s", opt, what, (long long)lo, (long long)hi, arg);
}

double cli_f64(const char *opt, const char *what, const char *arg, double lo, double hi)
{
	double v;
	if (parse_f64(arg, lo, hi, &v))
		return v;
	die(2, "%s: not %s from %g to %g: %s", opt, what, lo, hi, arg);
}
