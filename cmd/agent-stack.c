/* SPDX-License-Identifier: MIT */
/* agent-stack: agent-event(5) records in, folded stacks of one view out. */
#include <getopt.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "lineio.h"
#include "stack/baseline.h"
#include "stack/evfast.h"
#include "stack/periods.h"
#include "stack/report.h"
#include "stack/stackview.h"
#include "transcript.h"

static const char usage[] =
	"usage: agent-stack [-v view] [-w kinds] [--prices file] [--idle-cap span]\n"
	"                   [--path-depth n] [--agent agent] [--session-id prefix]\n"
	"                   [--session-tag tag] [--prompt-tag tag] [--project name]\n"
	"                   [--since time] [--until time] [--format format]\n"
	"                   [--include-previews] [--header] [-n count] [--by kind]\n"
	"                   [--min-percent pct] [--width columns]\n"
	"                   [--context-threshold pct] [--report-by session | tag | day | all]\n"
	"                   [--tz zone] [--baseline file | time..time]\n"
	"                   [file ...]\n"
	"       agent-stack -h | -V\n";

static const char help[] =
	"Project agent-event(5) records to folded stacks of one view.\n"
	"\n"
	"  -v, --view VIEW           tasks, system (tools), tokens, cost, time, files,\n"
	"                            network, context (tasks)\n"
	"  -w, --weight KINDS        tokens, cost: input,output,cache_read,cache_write\n"
	"      --prices FILE         cost: price entries that replace the shipped ones\n"
	"      --idle-cap SPAN       time: gaps longer than SPAN are not charged (5m)\n"
	"      --path-depth N        files, system: path components kept (2)\n"
	"      --agent AGENT         only records of this agent\n"
	"      --session-id PREFIX   only sessions whose id starts with PREFIX\n"
	"      --session-tag TAG     only sessions tagged TAG\n"
	"      --prompt-tag TAG      only work of prompts tagged TAG\n"
	"      --project NAME        only sessions of project NAME\n"
	"      --since TIME          only records at or after TIME\n"
	"      --until TIME          only records before TIME\n"
	"      --format FORMAT       folded (default), json (a summary), top, tree,\n"
	"                            latency, context, parallel, report or table\n"
	"      --header              folded: first say the view, unit, label kinds and\n"
	"                            what the figures leave out in '# key: value' lines\n"
	"      --include-previews    json: show 80 characters of each session's first\n"
	"                            prompt (secrets still masked)\n"
	"  -n, --nodecount N         top, context, parallel: rows shown, 0 all (20)\n"
	"      --by KIND             top: rank frames of KIND (prompt, model, ...), not leaves;\n"
	"                            table, json: rows by day, week, month, session,\n"
	"                            model, project or agent\n"
	"      --tz ZONE             table: days, weeks and months in ZONE (local)\n"
	"      --baseline FILE|A..B  folded: a two-column diff against the records of\n"
	"                            FILE, or of the period A..B of the input;\n"
	"                            table, json: the frames that moved most\n"
	"      --min-percent PCT     tree: leave out frames under PCT%% of the total (1)\n"
	"      --width COLUMNS       tree: line width ($COLUMNS on a terminal, else 80)\n"
	"      --context-threshold PCT  context view: calls filling at least PCT%% (50)\n"
	"      --report-by BY        report: one per session, tag or day, or all (session)\n"
	"  -h, --help                print this help and exit\n"
	"  -V, --version             print the version and exit\n";

static const struct cli cli = {usage, help};

static bool parse_kinds(const char *list, unsigned *kinds)
{
	static const char *const k[] = {"input", "output", "cache_read", "cache_write"};
	char *dup = xstrdup(list), *save = NULL;
	*kinds = 0;
	for (char *t = strtok_r(dup, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int i = 0;
		while (i < 4 && strcmp(t, k[i]))
			i++;
		if (i == 4) {
			free(dup);
			return false;
		}
		*kinds |= 1u << i;
	}
	free(dup);
	return *kinds != 0;
}

/* "90s", "5m", "1h", "1500ms", a bare number of seconds; 0 is no cap. */
static bool parse_span(const char *s, int64_t *ms)
{
	size_t n = strlen(s);
	int64_t mul = 1000;
	char num[32];
	if (n > 2 && !strcmp(s + n - 2, "ms"))
		mul = 1, n -= 2;
	else if (n > 1 && strchr("smhd", s[n - 1]))
		mul = s[n - 1] == 's' ? 1000 : s[n - 1] == 'm' ? 60000 : s[n - 1] == 'h' ? 3600000
			: 86400000, n--;
	if (n == 0 || n >= sizeof num)
		return false;
	memcpy(num, s, n);
	num[n] = 0;
	int64_t v;
	if (!parse_i64(num, 0, INT64_MAX / 86400000, &v))
		return false;
	*ms = v * mul;
	return true;
}

/* The shipped table: share/ of an uninstalled tree (the binary is in
 * build/bin), or share/agentpprof/ beside the binary's bin/ (an install
 * moved with DESTDIR or another PREFIX), else the configured $(SHAREDIR). */
static const char *shipped_prices(void)
{
	static const char *const rel[] = {"../../share/prices.yaml", "../share/agentpprof/prices.yaml"};
	static char path[4096];
	char exe[4000];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = 0;
		char *s = strrchr(exe, '/');
		if (s) {
			*s = 0;
			for (size_t i = 0; i < sizeof rel / sizeof *rel; i++) {
				snprintf(path, sizeof path, "%s/%s", exe, rel[i]);
				if (access(path, R_OK) == 0)
					return path;
			}
		}
	}
	return AP_SHAREDIR "/prices.yaml";
}

static void load_prices(struct prices *t, char **extra, int nextra)
{
	const char *shipped = shipped_prices();
	if (access(shipped, R_OK) == 0) {
		if (prices_load(t, shipped) < 0)
			die(2, "%s: cannot read the price table", shipped);
	} else if (!nextra) {
		die(2, "no price table at %s: give one with --prices FILE", shipped);
	}
	for (int i = 0; i < nextra; i++)
		if (prices_load(t, extra[i]) < 0)
			die(2, "%s: cannot read the price table", extra[i]);
}

enum { F_FOLDED, F_JSON, F_TOP, F_TREE, F_LATENCY, F_CONTEXT, F_PARALLEL, F_REPORT, F_TABLE };

static int format_byname(const char *name)
{
	static const char *const f[] = {
		"folded", "json", "top", "tree", "latency", "context", "parallel", "report", "table",
	};
	for (int i = 0; i < (int)(sizeof f / sizeof *f); i++)
		if (!strcmp(name, f[i]))
			return i;
	return -1;
}

/* Terminal niceties only on a terminal: the width of the tree and colour
 * (never with NO_COLOR set). */
static void terminal(struct rp_opts *ro)
{
	bool tty = isatty(1);
	const char *nc = getenv("NO_COLOR");
	ro->color = tty && !(nc && *nc);
	if (ro->width)
		return;
	ro->width = 80;
	if (!tty)
		return;
	int64_t c;
	const char *cols = getenv("COLUMNS");
	struct winsize ws;
	if (cols && parse_i64(cols, 40, 1000, &c))
		ro->width = (int)c;
	else if (ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
		ro->width = ws.ws_col;
}

/* The frames that only qualify a stack, as pprof labels
 * (folded2pprof(1), HEADER): by view. */
static const char *label_kinds(enum sv_view v)
{
	switch (v) {
	case SV_TOKENS: case SV_COST: return "kind price";
	case SV_TASKS: case SV_TIME: return "kind";
	case SV_CONTEXT: return "fill";
	default: return "status";
	}
}

/* --header: what folded2pprof and folded2svg read before the stacks. */
static void header(struct sv *s, enum sv_view v, struct sbuf *o)
{
	sb_printf(o, "# view: %s\n# unit: %s\n# labels: %s\n", sv_view_name(v), sv_view_unit(v),
		label_kinds(v));
	struct sbuf h = {0};
	if (sv_cost_headline(s, &h))
		sb_printf(o, "# note: estimated cost %s (from recorded usage, not a bill)\n", h.p);
	sb_free(&h);
}
static struct pt *ptable;  /* --format table, or json --by (periods.h) */
static struct sv *also;    /* --baseline A..B: the baseline's view of the input */
/* What the input held, for the message when nothing matched. */
static uint64_t n_lines, n_records, n_sessions;

static void one_file(struct sv *s, const char *path)
{
	struct lreader r;
	struct jdoc d = {0};
	struct event e;
	if (lr_open(&r, path) < 0)
		return;   /* reported and counted */
	if (transcript_refused(&r, path)) {
		lr_close(&r);
		return;
	}
	while (evf_next(&r, &d, &e)) {
		n_records++;
		n_sessions += e.kind && e.kind[0] == 's' && !strcmp(e.kind, "session");
		if (ptable) {
			pt_record(ptable, &e);
			continue;
		}
		sv_record(s, &e);
		if (also)
			sv_record(also, &e);
	}
	n_lines += r.lineno;
	lr_close(&r);
	jdoc_free(&d);
}

int main(int argc, char **argv)
{
	enum { O_PRICES = 256, O_IDLE, O_DEPTH, O_AGENT, O_SID, O_STAG, O_PTAG, O_PROJECT,
		O_SINCE, O_UNTIL, O_FORMAT, O_PREVIEWS, O_BY, O_MINPCT, O_WIDTH,
		O_CTX, O_REPORTBY, O_HEADER, O_TZ, O_BASELINE };
	static const struct option opts[] = {
		{"view", required_argument, NULL, 'v'},
		{"weight", required_argument, NULL, 'w'},
		{"prices", required_argument, NULL, O_PRICES},
		{"idle-cap", required_argument, NULL, O_IDLE},
		{"path-depth", required_argument, NULL, O_DEPTH},
		{"agent", required_argument, NULL, O_AGENT},
		{"session-id", required_argument, NULL, O_SID},
		{"session-tag", required_argument, NULL, O_STAG},
		{"prompt-tag", required_argument, NULL, O_PTAG},
		{"project", required_argument, NULL, O_PROJECT},
		{"since", required_argument, NULL, O_SINCE},
		{"until", required_argument, NULL, O_UNTIL},
		{"format", required_argument, NULL, O_FORMAT},
		{"include-previews", no_argument, NULL, O_PREVIEWS},
		{"header", no_argument, NULL, O_HEADER},
		{"nodecount", required_argument, NULL, 'n'},
		{"by", required_argument, NULL, O_BY},
		{"min-percent", required_argument, NULL, O_MINPCT},
		{"width", required_argument, NULL, O_WIDTH},
		{"context-threshold", required_argument, NULL, O_CTX},
		{"report-by", required_argument, NULL, O_REPORTBY},
		{"tz", required_argument, NULL, O_TZ},
		{"baseline", required_argument, NULL, O_BASELINE},
		CLI_LONGOPTS
	};
	struct sv_opts o = {
		.view = SV_TASKS, .kinds = 0xf, .depth = 2, .idle_cap = 300000,
		.since = TS_NONE, .until = TS_NONE, .ctx_threshold = 50,
	};
	struct rp_opts ro = {.nodes = 20, .min_percent = 1, .report_by = RB_SESSION};
	char **pricev = NULL;
	const char *tz = NULL, *baseline = NULL;
	int nprices = 0, ch, format = F_FOLDED;
	bool with_header = false;
	bool weighted = false, set_by = false, set_tree = false, set_ctx = false, set_rby = false;
	int64_t v;

	diag_init(argv[0]);
	while ((ch = getopt_long(argc, argv, "v:w:n:" CLI_SHORTOPTS, opts, NULL)) != -1) {
		switch (ch) {
		case 'v':
			if ((v = sv_view_byname(optarg)) < 0)
				die(2, "unknown view '%s' (tasks, system, tools, tokens, cost, time, "
					"files, network, context)", optarg);
			o.view = (enum sv_view)v;
			break;
		case 'w':
			if (!parse_kinds(optarg, &o.kinds))
				die(2, "--weight: not a list of input, output, cache_read, "
					"cache_write: %s", optarg);
			weighted = true;
			break;
		case O_PRICES:
			pricev = xrealloc(pricev, (size_t)(nprices + 1) * sizeof *pricev);
			pricev[nprices++] = optarg;
			break;
		case O_IDLE:
			if (!parse_span(optarg, &o.idle_cap))
				die(2, "--idle-cap: not a span like 90s, 5m or 1h: %s", optarg);
			break;
		case O_DEPTH:
			o.depth = (int)cli_i64("--path-depth", "a number", optarg, 1, 64);
			break;
		case O_AGENT: o.agent = optarg; break;
		case O_SID: o.session_id = optarg; break;
		case O_STAG: o.session_tag = optarg; break;
		case O_PTAG: o.prompt_tag = optarg; break;
		case O_PROJECT: o.project = optarg; break;
		case O_SINCE:
		case O_UNTIL:
			if ((v = ts_parse_user(optarg)) == TS_NONE)
				die(2, "--%s: not a time: %s", ch == O_SINCE ? "since" : "until", optarg);
			*(ch == O_SINCE ? &o.since : &o.until) = v;
			break;
		case O_FORMAT:
			if ((format = format_byname(optarg)) < 0)
				die(2, "--format: folded, json, top, tree, latency, context, parallel, "
					"report or table, not %s", optarg);
			break;
		case 'n':
			ro.nodes = cli_i64("-n", "a count", optarg, 0, INT32_MAX);
			break;
		case O_BY:
			ro.by = optarg;
			set_by = true;
			break;
		case O_MINPCT:
			ro.min_percent = cli_f64("--min-percent", "a percentage", optarg, 0, 100);
			set_tree = true;
			break;
		case O_WIDTH:
			ro.width = (int)cli_i64("--width", "a number of columns", optarg, 40, 1000);
			set_tree = true;
			break;
		case O_CTX:
			o.ctx_threshold = cli_f64("--context-threshold", "a percentage", optarg, 0, 100);
			set_ctx = true;
			break;
		case O_REPORTBY:
			if (!strcmp(optarg, "session"))
				ro.report_by = RB_SESSION;
			else if (!strcmp(optarg, "tag"))
				ro.report_by = RB_TAG;
			else if (!strcmp(optarg, "day"))
				ro.report_by = RB_DAY;
			else if (!strcmp(optarg, "all"))
				ro.report_by = RB_ALL;
			else
				die(2, "--report-by: session, tag, day or all, not %s", optarg);
			set_rby = true;
			break;
		case O_PREVIEWS: o.previews = true; break;
		case O_HEADER: with_header = true; break;
		case O_TZ: tz = optarg; break;
		case O_BASELINE: baseline = optarg; break;
		default: cli_default(&cli, ch);
		}
	}
	if (weighted && o.view != SV_TOKENS && o.view != SV_COST)
		die(2, "--weight goes with --view tokens or cost");
	int by = -1;
	if (baseline && format != F_FOLDED && format != F_TABLE && format != F_JSON)
		die(2, "--baseline goes with --format folded, table or json");
	if (!baseline && (format == F_TABLE || (format == F_JSON && set_by))) {
		if ((by = pt_by_name(set_by ? ro.by : "day")) < 0)
			die(2, "--by: day, week, month, session, model, project or agent with "
				"--format %s, not %s", format == F_TABLE ? "table" : "json", ro.by);
		if (!pt_set_tz(tz))
			die(2, "--tz: no time zone %s", tz);
	} else if (tz) {
		die(2, "--tz goes with --format table");
	}
	if (set_by && format != F_TOP && by < 0 && !(baseline && format != F_FOLDED))
		die(2, "--by goes with --format top, table or json");
	if (set_by && format == F_TOP) {
		/* a kind some view has: a view without it ranks all in
		 * "(no KIND frame)", a kind no view has is a typo;
		 * "call:tool/" narrows a kind to a prefix of its frames */
		char *k = xstrndup(ro.by, strcspn(ro.by, ":"));
		bool known = sv_frame_kind(k) && !strchr(ro.by, ';');
		free(k);        /* before die: LeakSanitizer saw it lost there */
		if (!known)
			die(2, "--by: unknown frame kind '%s' (%s)", ro.by, sv_frame_kinds());
	}
	bool priced = o.view == SV_COST || o.view == SV_CONTEXT || format == F_CONTEXT ||
		format == F_REPORT || by >= 0;
	if (nprices && !priced)
		die(2, "--prices goes with --view cost or context, or --format context, report "
			"or table");
	if (set_tree && format != F_TREE)
		die(2, "--min-percent and --width go with --format tree");
	if (set_ctx && o.view != SV_CONTEXT)
		die(2, "--context-threshold goes with --view context");
	if (set_rby && format != F_REPORT)
		die(2, "--report-by goes with --format report");
	if (with_header && format != F_FOLDED)
		die(2, "--header goes with --format folded");

	struct prices table = {0};
	if (priced) {
		load_prices(&table, pricev, nprices);
		o.prices = &table;
	}
	terminal(&ro);
	ro.view = o.view;
	ro.idle_cap = o.idle_cap;
	ro.ctx_threshold = o.ctx_threshold;
	ro.prices = o.prices;
	struct rp *rp = NULL;
	if (format >= F_LATENCY) {
		rp = rp_new(&ro);
		o.hook = rp_hook;
		o.hook_arg = rp;
		o.timeline = true;
	}
	struct operands ops;
	operands_init(&ops, argc - optind, argv + optind);
	struct sv *s = sv_new(&o), *base = NULL;
	bool period = baseline && access(baseline, F_OK) != 0;
	/* records read for what s (and a baseline file's view, of the same
	 * options) reads of them; a period's view or a table's read more */
	if (by < 0 && !period) {
		static const char *const kinds[] = {"llm", "tool", "effect"};
		for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
			if (sv_reads(s, kinds[i]))
				evf_need(kinds[i], sv_reads(s, kinds[i]));
	}
	if (baseline) {
		struct sv_opts ob = o;
		if (period) {
			if (!bl_period(baseline, &ob.since, &ob.until))
				die(2, "--baseline: no file %s, and not a period TIME..TIME", baseline);
			also = base = sv_new(&ob);
		} else {
			base = sv_new(&ob);
			one_file(base, baseline);
			sv_finish(base);
		}
	}
	if (by >= 0)
		ptable = pt_new(&o, (enum pt_by)by);
	for (int i = 0; i < ops.n; i++)
		one_file(s, ops.v[i]);
	sv_finish(s);
	if (also)
		sv_finish(also);
	if (base) {
		if (format == F_FOLDED)
			bl_folded(sv_stacks(base), sv_stacks(s), &stdout_sb);
		else
			bl_table(sv_stacks(base), sv_stacks(s), o.view, ro.by, ro.nodes,
				format == F_JSON, &stdout_sb);
		format = -1;
	}
	if (ptable) {
		pt_finish(ptable);
		(format == F_TABLE ? pt_table : pt_json)(ptable, &stdout_sb);
		format = -1;
	}
	switch (format) {
	case F_FOLDED:
		if (with_header)
			header(s, o.view, &stdout_sb);
		sv_folded(s, &stdout_sb);
		break;
	case F_JSON: sv_json(s, &stdout_sb); break;
	case F_TOP: rp_top(sv_stacks(s), &ro, &stdout_sb); break;
	case F_TREE: rp_tree(sv_stacks(s), &ro, &stdout_sb); break;
	case F_LATENCY: rp_latency(rp, &stdout_sb); break;
	case F_CONTEXT: rp_context(rp, &stdout_sb); break;
	case F_PARALLEL: rp_parallel(rp, &stdout_sb); break;
	case F_REPORT: rp_report(rp, &stdout_sb); break;
	}
	out_flush();
	rp_free(rp);
	bool none = (ptable ? pt_matched(ptable) : sv_matched(s)) == 0 &&
		!(base && sv_matched(base));
	pt_free(ptable);
	sv_free(base);
	/* nothing to show: say what came in, so that an empty stage before
	 * is not taken for a selector that matched nothing */
	if (none && !diag_errors && !n_lines)
		diag_warn("no records: the input is empty (in a pipeline, the stage before "
			"wrote nothing and its messages say why: agent-events given no session "
			"files? agent-sessions found none?)");
	else if (none && !diag_errors && n_records == n_sessions)
		diag_warn("no record matched: the input holds %llu session record%s and nothing "
			"else (no prompts, calls or tools in those sessions, or agent-events "
			"--since, --until or --select left them out)",
			(unsigned long long)n_sessions, n_sessions == 1 ? "" : "s");
	else if (none && !diag_errors)
		diag_warn("no record matched: none of the %llu records read passed the selectors",
			(unsigned long long)(n_records - n_sessions));
	sv_free(s);
	prices_free(&table);
	free(pricev);
	operands_free(&ops);
	return diag_errors || none ? 1 : 0;
}
