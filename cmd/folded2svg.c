/* SPDX-License-Identifier: MIT */
/* folded2svg: folded stacks in, an interactive flame graph (SVG) out.
 *
 * The stacks are read and parsed here and handed to common/svg/, which
 * sorts them once, merges neighbours that share frames and prunes the
 * frames narrower than --minwidth as it goes; only then is the SVG
 * written, so the output follows the number of drawn frames. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "folded.h"
#include "outfile.h"
#include "lineio.h"
#include "svg/flame.h"
#include "util.h"

static struct flame_opts o = {
	.countname = "samples", .nametype = "Function:", .version = ap_version,
	.width = 1200, .height = 16, .fontsize = 12, .fontwidth = 0.59, .minwidth = 1,
	.fluid = true,
};
static char *header_unit;       /* from a "# unit: NAME" line */
static const char *output;
static struct flame graph;

/* "# unit: NAME": what the counts of the stacks after it are (a producer
 * such as agent-stack says so; flamegraph.pl skips the line).  The first
 * one counts, and --unit wins over it. */
static void unit_line(const char *line, size_t len)
{
	static const char key[] = "# unit:";
	if (header_unit || len < sizeof key || memcmp(line, key, sizeof key - 1))
		return;
	size_t b = sizeof key - 1, e = len;
	while (b < e && (line[b] == ' ' || line[b] == '\t'))
		b++;
	while (e > b && (line[e - 1] == ' ' || line[e - 1] == '\t' || line[e - 1] == '\r'))
		e--;
	if (e > b && e - b < 64)
		header_unit = xstrndup(line + b, e - b);
}

/* The readers of mapped files stay open until the graph is drawn: the
 * stacks are not copied but point into the files' pages. */
static struct lreader *mapped;
static size_t nmapped;

static void read_file(const char *path)
{
	struct lreader r;
	if (lr_open(&r, path) < 0)
		return;
	bool stable = lr_map(&r) == 1;
	size_t first = graph.nlines;
	char *line;
	size_t len;
	while (lr_next(&r, &line, &len)) {
		struct folded_line fl;
		const char *why;
		int rc = folded_parse(line, len, graph.ncols ? graph.ncols : 2, &fl, &why);
		if (rc > 0) {
			unit_line(line, len);
			continue;
		}
		if (rc < 0) {
			lr_warn(&r, why, "%s; line skipped", why);
			continue;
		}
		/* The first stack decides: two counts make a differential graph
		 * (flamegraph.pl's difffolded), one a plain one.  Deciding once
		 * keeps a frame that ends in " 12" from being read as a count. */
		if (!graph.ncols)
			graph.ncols = fl.ncounts;
		if (fl.ncounts != graph.ncols) {
			lr_warn(&r, "ncounts", "one count where the differential input has two; line skipped");
			continue;
		}
		int64_t n1 = fl.counts[0], n = fl.counts[graph.ncols - 1];
		if (!flame_add(&graph, fl.stack, fl.stacklen, n1, n, stable))
			lr_warn(&r, "overflow", "the counts add up to more than 2^63; line skipped");
		if (flame_full(&graph)) {
			/* the stacks so far are in a run: their pages may go */
			flame_spill(&graph);
			first = 0;
			for (size_t i = 0; i < nmapped; i++)
				lr_unmap_before(&mapped[i], mapped[i].map + mapped[i].msize);
			if (stable)
				lr_unmap_before(&r, line + len);
		}
	}
	if (!stable || r.nwarn) {
		/* a file with diagnostics sums them up now, in order, so its
		 * stacks are copied before it closes */
		if (stable)
			flame_copy_lines(&graph, first);
		lr_close(&r);
		return;
	}
	mapped = xrealloc(mapped, sizeof *mapped * (nmapped + 1));
	mapped[nmapped++] = r;
}

static void close_mapped(void)
{
	for (size_t i = 0; i < nmapped; i++)
		lr_close(&mapped[i]);
	free(mapped);
	mapped = NULL;
	nmapped = 0;
}

/* ---- main --------------------------------------------------------------- */

static const char usage[] =
	"usage: folded2svg [--flamechart] [--hash] [--inverted] [--negate] [--reverse]\n"
	"                  [--buffer-size size] [--colors palette] [--countname name]\n"
	"                  [--fontsize px] [--height px] [--minwidth px | percent%]\n"
	"                  [--nametype name] [-o file] [--subtitle text] [--title text]\n"
	"                  [--unit name] [--width px]\n"
	"                  [file ...]\n"
	"       folded2svg -h | -V\n";

static const char help[] =
	"Draw folded stacks (frame;frame;frame COUNT) as an SVG flame graph.\n"
	"\n"
	"  --buffer-size size hold at most size bytes of stacks (K, M or G after\n"
	"                     the number; default 64M), sorting the rest in runs in\n"
	"                     a temporary file ($TMPDIR); 0: hold them all\n"
	"  --colors palette   hot (default), mem, io, or agent (a hue per frame kind)\n"
	"  --countname name   what the counts are, in titles (default: samples)\n"
	"  --flamechart       keep the input order (time), do not sort frames\n"
	"  --fontsize px      label font size (default: 12)\n"
	"  --hash             colours by name, alike names alike colours\n"
	"  --height px        frame height (default: 16)\n"
	"  --inverted         icicle graph: the root at the top\n"
	"  --minwidth w       frames narrower than w px, or w% of the total, are\n"
	"                     drawn as one \u2026 frame per parent (default: 1)\n"
	"  --nametype name    what a frame is, in the details line (default: Function:)\n"
	"  --negate           swap the red and blue of a differential graph\n"
	"  -o, --output file  write the SVG to file instead of standard output\n"
	"  --reverse          reverse every stack before merging\n"
	"  --subtitle text    a second line under the title\n"
	"  --title text       the title (default: Flame Graph)\n"
	"  --unit name        what the counts are: tokens, calls, microdollars (shown\n"
	"                     in dollars), milliseconds (in seconds)...; default: a\n"
	"                     \"# unit: name\" line of the input, else --countname\n"
	"  --width px         a fixed image width, for print (default: 1200 px that\n"
	"                     the script widens or narrows to the window)\n"
	"  -h, --help         print this help and exit\n"
	"  -V, --version      print the version and exit\n";

static const struct cli cli = {usage, help};

enum {
	O_BUFFER = 256, O_COLORS, O_COUNTNAME, O_FLAMECHART, O_FONTSIZE, O_HASH, O_HEIGHT, O_INVERTED,
	O_MINWIDTH, O_NAMETYPE, O_NEGATE, O_REVERSE, O_SUBTITLE, O_TITLE, O_UNIT, O_WIDTH,
};

static const struct option longopts[] = {
	{"buffer-size", required_argument, NULL, O_BUFFER},
	{"colors", required_argument, NULL, O_COLORS},
	{"countname", required_argument, NULL, O_COUNTNAME},
	{"flamechart", no_argument, NULL, O_FLAMECHART},
	{"fontsize", required_argument, NULL, O_FONTSIZE},
	{"hash", no_argument, NULL, O_HASH},
	{"height", required_argument, NULL, O_HEIGHT},
	{"inverted", no_argument, NULL, O_INVERTED},
	{"minwidth", required_argument, NULL, O_MINWIDTH},
	{"nametype", required_argument, NULL, O_NAMETYPE},
	{"negate", no_argument, NULL, O_NEGATE},
	{"output", required_argument, NULL, 'o'},
	{"reverse", no_argument, NULL, O_REVERSE},
	{"subtitle", required_argument, NULL, O_SUBTITLE},
	{"title", required_argument, NULL, O_TITLE},
	{"unit", required_argument, NULL, O_UNIT},
	{"width", required_argument, NULL, O_WIDTH},
	CLI_LONGOPTS
};

static size_t buffer = (size_t)64 << 20;

/* --buffer-size: bytes, with K, M or G (powers of 1024) after them */
static void buffer_size(const char *arg)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(arg, &end, 10);
	int shift = 0;
	if (*end == 'K' || *end == 'k')
		shift = 10, end++;
	else if (*end == 'M' || *end == 'm')
		shift = 20, end++;
	else if (*end == 'G' || *end == 'g')
		shift = 30, end++;
	if (errno || end == arg || *end || *arg < '0' || *arg > '9' || v > ((unsigned long long)1 << 40) >> shift)
		cli_usage_error(&cli, "--buffer-size: %s: not a size like 64M (K, M or G; at most 1T)", arg);
	buffer = (size_t)(v << shift);
}

static void minwidth(const char *arg)
{
	char buf[64];
	size_t l = strlen(arg);
	if (l && l < sizeof buf && arg[l - 1] == '%') {
		memcpy(buf, arg, l - 1);
		buf[l - 1] = 0;
		o.minpct = true;
		if (parse_f64(buf, 0, 100, &o.minwidth))
			return;
	} else if (parse_f64(arg, 0, 1e9, &o.minwidth)) {
		o.minpct = false;
		return;
	}
	cli_usage_error(&cli, "--minwidth: %s: not a width in px or a percentage like 0.5%%", arg);
}

int main(int argc, char **argv)
{
	diag_init(argv[0]);
	int c;
	while ((c = getopt_long(argc, argv, "o:" CLI_SHORTOPTS, longopts, NULL)) != -1) {
		switch (c) {
		case O_BUFFER: buffer_size(optarg); break;
		case O_COLORS:
			if (!strcmp(optarg, "hot"))
				o.pal = PAL_HOT;
			else if (!strcmp(optarg, "mem"))
				o.pal = PAL_MEM;
			else if (!strcmp(optarg, "io"))
				o.pal = PAL_IO;
			else if (!strcmp(optarg, "agent"))
				o.pal = PAL_AGENT;
			else
				cli_usage_error(&cli, "--colors: %s: not hot, mem, io or agent", optarg);
			break;
		case O_COUNTNAME: o.countname = optarg; break;
		case O_FLAMECHART: o.flamechart = true; break;
		case O_FONTSIZE:
			o.fontsize = cli_f64("--fontsize", "a size", optarg, 1, 200);
			break;
		case O_HASH: o.hash = true; break;
		case O_HEIGHT:
			o.height = cli_i64("--height", "a frame height in px", optarg, 2, 1000);
			break;
		case O_INVERTED: o.inverted = true; break;
		case O_MINWIDTH: minwidth(optarg); break;
		case O_NAMETYPE: o.nametype = optarg; break;
		case O_NEGATE: o.negate = true; break;
		case 'o': output = optarg; break;
		case O_REVERSE: o.reverse = true; break;
		case O_SUBTITLE: o.subtitle = optarg; break;
		case O_TITLE: o.title = optarg; break;
		case O_UNIT:
			if (!*optarg || strlen(optarg) >= 64)
				cli_usage_error(&cli, "--unit: a name of 1 to 63 bytes, like tokens");
			o.unit = optarg;
			break;
		case O_WIDTH:
			o.width = cli_i64("--width", "a width in px", optarg, 100, 1000000);
			o.fluid = false;
			break;
		default: cli_default(&cli, c);
		}
	}
	if (!o.title)
		o.title = o.flamechart ? "Flame Chart" : o.inverted ? "Icicle Graph" : "Flame Graph";
	struct outfile of;
	if (output) {
		int fd = outfile_open(&of, output, 0);
		if (fd < 0 || dup2(fd, 1) < 0)
			die(2, "%s: cannot write: %s", output, output_strerror(errno));
		close(fd);
		of.fd = 1;
	}

	struct operands ops;
	operands_init(&ops, argc - optind, argv + optind);
	flame_init(&graph, &o);
	graph.buffer = buffer;
	for (int i = 0; i < ops.n; i++)
		read_file(ops.v[i]);
	if (!o.unit && header_unit)
		graph.o.unit = header_unit;
	bool empty = graph.total <= 0;
	if (empty)
		diag_warn("no stacks with a count above zero");
	/* a reader gone away ends the program quietly (write_all) */
	signal(SIGPIPE, SIG_IGN);
	flame_svg(&graph, 1);
	close_mapped();
	flame_free(&graph);
	free(header_unit);
	if (output && outfile_commit(&of) < 0)
		die(2, "%s: cannot write: %s", output, strerror(errno));
	return diag_errors || empty ? 1 : 0;
}
