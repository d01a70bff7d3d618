/* SPDX-License-Identifier: MIT */
/* folded2pprof: folded stacks in, gzipped pprof (profile.proto) out.
 *
 * The stacks are read here and built into a profile by common/pprof/
 * (profile.h says how).  The whole profile is kept in memory (frames,
 * stacks and sums, not the input text) and written at the end, so a
 * usage error found in the input leaves no output behind. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "folded.h"
#include "outfile.h"
#include "lineio.h"
#include "pprof/profile.h"
#include "util.h"

static const char usage[] =
	"usage: folded2pprof [-o file] [--sample-type type/unit | --sample-types list]\n"
	"                    [--leaf kind] [--label kind] [--level n] [--comment text]\n"
	"                    [--time time] [--column 1 | 2] [file ...]\n"
	"       folded2pprof -h | -V\n";

static const char help[] =
	"Convert folded stacks (frame;frame;frame COUNT) to a gzipped pprof profile.\n"
	"\n"
	"  -o, --output FILE         write to FILE instead of standard output\n"
	"      --sample-type T/U     the type and unit of the counts (from a \"# unit:\"\n"
	"                            header, else events/count)\n"
	"      --sample-types LIST   T/U,T/U,...: one type per count column\n"
	"      --leaf KIND           move frames labelled KIND:... to the leaf\n"
	"      --label KIND          frames KIND:VALUE become the label KIND=VALUE\n"
	"                            (from a \"# labels:\" header, else none)\n"
	"      --level N             gzip level 0-9 (1)\n"
	"      --comment TEXT        add a comment to the profile\n"
	"      --time TIME           record TIME (RFC 3339 or @epoch) as time_nanos\n"
	"      --column N            differential input (two counts): the profile of\n"
	"                            count column N, 1 before, 2 after\n"
	"  -h, --help                print this help and exit\n"
	"  -V, --version             print the version and exit\n";

static const struct cli cli = {usage, help};

/* What the count columns of the whole input looked like. */
struct columns {
	uint64_t good, extra, shortl;
	uint64_t lines;         /* neither blank nor a comment */
	int fewest;
	const char *file;
	uint64_t line;
};

/* What agent-stack --header (or a person) says about the stacks in
 * "# key: value" lines before the first stack (folded2pprof(1), HEADER). */
struct header {
	char *unit, *view, *note, *labels;
	bool stacks;            /* a stack was seen: later '#' lines are comments */
};

static void header_line(struct header *h, const char *line, size_t len)
{
	static const char *const keys[] = {"unit", "view", "note", "labels"};
	if (h->stacks || len < 2 || line[0] != '#')
		return;
	const char *q = line + 1, *e = line + len;
	while (q < e && (*q == ' ' || *q == '\t'))
		q++;
	for (int i = 0; i < 4; i++) {
		size_t k = strlen(keys[i]);
		if ((size_t)(e - q) <= k || memcmp(q, keys[i], k) || q[k] != ':')
			continue;
		const char *v = q + k + 1;
		while (v < e && (*v == ' ' || *v == '\t'))
			v++;
		size_t n = (size_t)(e - v);
		while (n && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\r'))
			n--;
		char **slot = i == 0 ? &h->unit : i == 1 ? &h->view : i == 2 ? &h->note : &h->labels;
		if (!*slot && n)
			*slot = xstrndup(v, n);
	}
}

/* A unit of agent-stack's views as pprof reads it best: its sample type,
 * unit and the factor to that unit.  pprof scales time (nanoseconds) and
 * bytes but no currency: cost stays in millionths of a dollar, named so. */
static const struct {
	const char *unit, *type, *punit;
	int64_t scale;
} units[] = {
	{"calls", "calls", "count", 1},
	{"events", "events", "count", 1},
	{"effects", "effects", "count", 1},
	{"tokens", "tokens", "tokens", 1},
	{"microdollars", "cost", "microUSD", 1},
	{"milliseconds", "time", "nanoseconds", 1000000},
};

/* Start the profile at the first stack (or the end): the sample types
 * of the options, else of the header, else events/count. */
static void start(struct prof *p, struct header *h, char *types)
{
	if (p->ntypes)
		return;
	static char spec[256];  /* borrowed by the profile */
	int64_t scale = 1;
	bool cost = false;
	if (!types && h->unit) {
		size_t i = 0;
		while (i < sizeof units / sizeof *units && strcmp(units[i].unit, h->unit))
			i++;
		if (i < sizeof units / sizeof *units) {
			snprintf(spec, sizeof spec, "%s/%s", units[i].type, units[i].punit);
			scale = units[i].scale;
			cost = !strcmp(units[i].type, "cost");
		} else {
			snprintf(spec, sizeof spec, "%.120s/count", h->unit);
		}
		types = spec;
	}
	static char deftype[] = "events/count";   /* borrowed too */
	char *shown = xstrdup(types ? types : deftype);
	if (strchr(shown, ',') && h->unit && types == spec)
		die(2, "header: bad unit '%s'", h->unit);
	if (!prof_init(p, types ? types : deftype))
		die(2, "bad sample types '%s': want type/unit[,type/unit...], at most %d",
			shown, FOLDED_MAXCOUNTS);
	free(shown);
	p->scale[0] = types == spec ? scale : 1;
	if (!p->nlabel && h->labels)
		for (char *t = strtok(h->labels, " ,"); t && p->nlabel < PROF_MAXLEAF;
		     t = strtok(NULL, " ,"))
			p->label[p->nlabel++] = t;
	if (h->note)
		prof_comment(p, h->note);
	if (cost)
		prof_comment(p, "cost in microUSD: 1000000 is one US dollar (pprof scales no currency)");
}

/* --column: the input is a differential pair, and this is the column kept */
static int diff_column;

static void read_input(struct prof *p, const char *path, struct columns *c, struct header *h,
	char *types)
{
	struct lreader r;
	if (lr_open(&r, path) < 0)
		return;
	int want = 0, probe = 0;
	char *line;
	size_t len;
	while (lr_next(&r, &line, &len)) {
		struct folded_line fl;
		const char *why;
		if (!h->stacks && len && line[0] == '#') {
			header_line(h, line, len);
			continue;
		}
		if (!want) {
			start(p, h, types);
			want = diff_column ? 2 : p->ntypes;
			probe = want < FOLDED_MAXCOUNTS ? want + 1 : want;
		}
		int rc = folded_parse(line, len, probe, &fl, &why);
		if (rc > 0)
			continue;
		h->stacks = true;
		c->lines++;
		if (rc < 0) {
			lr_warn(&r, why, "%s; line skipped", why);
			continue;
		}
		if (fl.ncounts > want) {
			/* Maybe a frame that ends in a number, maybe one count
			 * column too many: decided at the end, over all lines. */
			c->extra++;
			folded_parse(line, len, want, &fl, &why);
		}
		if (fl.ncounts < want) {
			c->shortl++;
			if (!c->file || fl.ncounts < c->fewest) {
				c->fewest = fl.ncounts;
				c->file = r.name;
				c->line = r.lineno;
			}
			lr_warn(&r, "short", "%d count column%s where %d sample types were given; line skipped",
				fl.ncounts, fl.ncounts == 1 ? "" : "s", want);
			continue;
		}
		c->good++;
		if (diff_column) {
			fl.counts[0] = fl.counts[diff_column - 1];
			fl.ncounts = 1;
		}
		if (!prof_add(p, &fl))
			lr_warn(&r, "overflow", "the total of the counts would pass 2^63 - 1; line skipped");
	}
	lr_close(&r);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"output", required_argument, NULL, 'o'},
		{"sample-type", required_argument, NULL, 't'},
		{"sample-types", required_argument, NULL, 'T'},
		{"leaf", required_argument, NULL, 'L'},
		{"label", required_argument, NULL, 'B'},
		{"level", required_argument, NULL, 'z'},
		{"comment", required_argument, NULL, 'c'},
		{"time", required_argument, NULL, 'm'},
		{"column", required_argument, NULL, 'C'},
		CLI_LONGOPTS
	};
	struct prof p = {0};
	const char *outfile = NULL;
	char *types = NULL;
	const char *comment[64];
	int ncomment = 0, typeopts = 0;
	int64_t level = 1;

	diag_init(argv[0]);
	int c;
	while ((c = getopt_long(argc, argv, "o:" CLI_SHORTOPTS, longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			outfile = optarg;
			break;
		case 't':
			if (strchr(optarg, ','))
				die(2, "--sample-type takes one type/unit; use --sample-types for several");
			/* fall through */
		case 'T':
			types = optarg;
			typeopts++;
			break;
		case 'L':
			if (p.nleaf == PROF_MAXLEAF)
				die(2, "at most %d --leaf kinds", PROF_MAXLEAF);
			/* "prompt" and "prompt:" both mean frames "prompt:..." */
			if (*optarg && optarg[strlen(optarg) - 1] == ':')
				optarg[strlen(optarg) - 1] = 0;
			if (!*optarg || strchr(optarg, ';'))
				die(2, "--leaf: bad kind '%s'", optarg);
			p.leaf[p.nleaf++] = optarg;
			break;
		case 'B':
			if (p.nlabel == PROF_MAXLEAF)
				die(2, "at most %d --label kinds", PROF_MAXLEAF);
			if (*optarg && optarg[strlen(optarg) - 1] == ':')
				optarg[strlen(optarg) - 1] = 0;
			if (!*optarg || strchr(optarg, ';') || strchr(optarg, ':'))
				die(2, "--label: bad kind '%s'", optarg);
			p.label[p.nlabel++] = optarg;
			break;
		case 'z':
			level = cli_i64("--level", "a gzip level", optarg, 0, 9);
			break;
		case 'c':
			if (ncomment == (int)(sizeof comment / sizeof *comment))
				die(2, "too many --comment options");
			comment[ncomment++] = optarg;
			break;
		case 'm': {
			int64_t ms = ts_parse_user(optarg);
			if (ms == TS_NONE || ms < 0 || ms > INT64_MAX / 1000000)
				die(2, "--time: '%s' is not a time (RFC 3339 or @epoch)", optarg);
			p.time_ns = ms * 1000000;
			break;
		}
		case 'C':
			diff_column = (int)cli_i64("--column", "a count column", optarg, 1, 2);
			break;
		default:
			cli_default(&cli, c);
		}
	}
	if (typeopts > 1)
		die(2, "give --sample-type or --sample-types once");
	if (diff_column && types && strchr(types, ','))
		die(2, "--column writes one sample type: give --sample-type, not --sample-types");
	/* a bad --sample-types is a usage error before any input is read */
	if (types) {
		struct prof t = {0};
		char *dup = xstrdup(types);
		if (!prof_init(&t, dup))
			die(2, "bad sample types '%s': want type/unit[,type/unit...], at most %d",
				types, FOLDED_MAXCOUNTS);
		prof_free(&t);
		free(dup);
	}
	if (outfile && !strcmp(outfile, "-"))
		outfile = NULL;
	if (!outfile && isatty(1))
		die(2, "will not write a binary profile to a terminal; give -o FILE or redirect");

	struct operands ops;
	struct columns col = {0};
	struct header hd = {0};
	operands_init(&ops, argc - optind, argv + optind);
	prof_str(&p.fixed, "");        /* string 0 is "", comments or not */
	for (int i = 0; i < ncomment; i++)
		prof_comment(&p, comment[i]);
	for (int i = 0; i < ops.n; i++)
		read_input(&p, ops.v[i], &col, &hd, types);
	start(&p, &hd, types);

	/* Every line having one count more than there are types means a
	 * column the user did not name; every line having fewer, the other
	 * way round.  Either is a usage error, not bad input. */
	if (col.extra && col.extra == col.good)
		die(2, "the input has %d count columns but %d sample type%s given; use --sample-types",
			p.ntypes + 1, p.ntypes, p.ntypes == 1 ? " was" : "s were");
	if (col.shortl && !col.good)
		die(2, "%s:%llu: the input has %d count column%s but %d sample types were given",
			col.file, (unsigned long long)col.line, col.fewest,
			col.fewest == 1 ? "" : "s", p.ntypes);

	int fd = 1;
	struct outfile of;
	if (outfile) {
		fd = outfile_open(&of, outfile, 0);
		if (fd < 0)
			die(2, "%s: %s", outfile, output_strerror(errno));
	}
	prof_write(&p, fd, (int)level);
	if (outfile && outfile_commit(&of) < 0)
		die(2, "%s: %s", outfile, strerror(errno));
	operands_free(&ops);
	bool empty = !p.stacks.n;
	prof_free(&p);
	free(hd.unit);
	free(hd.view);
	free(hd.note);
	free(hd.labels);
	if (empty && !diag_errors && !col.lines) {
		diag_warn("no stacks in the input: it is empty (in a pipeline, the stage "
			"before wrote nothing and its messages say why)");
		return 1;
	}
	if (empty && !diag_errors) {
		diag_warn("no stacks in the input");
		return 1;
	}
	return diag_errors ? 1 : 0;
}
