/* agent-events: session files in, agent-event(5) NDJSON out. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "events.h"

static const char usage[] =
	"usage: agent-events [--agent A] [--files-from FILE] [--select PROGRAM]\n"
	"                    [--since T] [--until T] [--no-text] [FILE ...]\n"
	"       agent-events --help | --version\n";

static const struct adapter *adapters[] = {&adapter_claude, &adapter_codex, &adapter_gemini};
#define NADAPTERS (sizeof adapters / sizeof *adapters)

static const struct adapter *by_name(const char *name)
{
	for (size_t i = 0; i < NADAPTERS; i++)
		if (!strcmp(adapters[i]->name, name))
			return adapters[i];
	return NULL;
}

/* Subagent transcripts go after the others, so the parent session, read
 * first, can lend them the prompt that started them: Claude's agent-*.jsonl
 * (beside the session or in <session>/subagents/) and Gemini's
 * chats/<parent>/<id>.jsonl. */
static bool is_subagent_file(const char *path)
{
	const char *b = strrchr(path, '/');
	if (!strncmp(b ? b + 1 : path, "agent-", 6))
		return true;
	if (!b)
		return false;
	/* the two directory names above the file */
	const char *d1 = b, *d2;
	while (d1 > path && d1[-1] != '/')
		d1--;
	if (d1 == path)
		return false;
	d2 = d1 - 1;
	while (d2 > path && d2[-1] != '/')
		d2--;
	return (b - d1 == 9 && !strncmp(d1, "subagents", 9)) ||
		(d1 - 1 - d2 == 5 && !strncmp(d2, "chats", 5));
}

static void one_file(struct ev_ctx *c, const char *path, const struct adapter *force)
{
	struct lreader r;
	if (lr_open(&r, path) < 0)
		return;
	const char *head;
	size_t n = lr_peek(&r, 65536, &head);
	const struct adapter *a = force;
	if (!a) {
		int best = 0;
		for (size_t i = 0; i < NADAPTERS; i++) {
			int s = adapters[i]->sniff(head, n, path);
			if (s > best) {
				best = s;
				a = adapters[i];
			}
		}
	}
	if (!n && !r.failed) {
		diag_at(r.name, 0, "empty file");
		diag_errors++;
	} else if (!a) {
		diag_at(r.name, 0, "not a Claude Code, Codex or Gemini CLI session (unknown format)");
		diag_errors++;
	} else {
		a->run(c, &r, path);
		ev_file_done(c);
	}
	lr_close(&r);
	out_maybe_flush();
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"agent", required_argument, NULL, 'a'},
		{"files-from", required_argument, NULL, 'f'},
		{"select", required_argument, NULL, 's'},
		{"since", required_argument, NULL, 'S'},
		{"until", required_argument, NULL, 'U'},
		{"no-text", no_argument, NULL, 'n'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{0},
	};
	struct ev_ctx c;
	const struct adapter *force = NULL;
	const char *files_from = NULL, *program = NULL;
	int ch;

	diag_init(argv[0]);
	ev_ctx_init(&c);
	while ((ch = getopt_long(argc, argv, "a:f:s:", opts, NULL)) != -1) {
		switch (ch) {
		case 'a':
			if (!(force = by_name(optarg)))
				die(2, "unknown agent '%s' (claude, codex, gemini)", optarg);
			break;
		case 'f': files_from = optarg; break;
		case 's': program = optarg; break;
		case 'S':
		case 'U': {
			int64_t t = ts_parse_user(optarg);
			if (t == TS_NONE)
				die(2, "--%s: not a time: %s", ch == 'S' ? "since" : "until", optarg);
			*(ch == 'S' ? &c.since : &c.until) = t;
			break;
		}
		case 'n': c.wflags |= EVW_NOTEXT; break;
		case 'h': fputs(usage, stdout); return 0;
		case 'V': print_version(); return 0;
		default: fputs(usage, stderr); return 2;
		}
	}
	struct operands ops;
	if (files_from) {
		ops.v = argv + optind;
		ops.n = argc - optind;
		ops.owned = false;
		if (operands_from_file(&ops, files_from) < 0)
			return 2;
	} else {
		operands_init(&ops, argc - optind, argv + optind);
	}
	if (program)
		c.select = select_compile(program);
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < ops.n; i++)
			if (is_subagent_file(ops.v[i]) == pass)
				one_file(&c, ops.v[i], force);
	out_flush();
	operands_free(&ops);
	select_free(c.select);
	ev_ctx_free(&c);
	effects_done();
	return diag_errors ? 1 : 0;
}
