/* SPDX-License-Identifier: MIT */
/* tag.c: agent-tag over agent-event(5) records: cmd/agent-tag.c compiled
 * in with its main renamed, so its own file loop runs (sessions held by
 * session id, lines borrowed from a mapping, files that continue a
 * session), then the per-session decisions and output (tagsess.c), the
 * regex tagger with user and built-in rules, the clustering tagger
 * (tagcluster.c) and the statistics (tagstats.c).  The first byte picks
 * the tagger, whether the statistics are printed and written, and the
 * cluster counts; the rest is NDJSON, cut at "\n--\n" into files read
 * one after the other as operands are. */
#include <stdio.h>
#define main agent_tag_main
#include "../cmd/agent-tag.c"
#undef main
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	static struct trules rules;
	static int init;
	if (!init) {
		fuzz_quiet();
		/* a user rule of each kind before the built-in ones, as -r gives */
		struct sbuf err = {0};
		if (tr_add_spec(&rules, "prompt:deploy=\\b(deploy|release)\\b", &err) < 0 ||
		    tr_add_spec(&rules, "session:infra=terraform", &err) < 0 ||
		    tr_add_spec(&rules, "llm:explore=^(Let me|I'll) (look|read)", &err) < 0)
			abort();
		sb_free(&err);
		tr_builtin(&rules);
		init = 1;
	}
	if (!n)
		return 0;
	unsigned sel = data[0];
	struct fuzz_part part[4];
	int np = fuzz_split(data + 1, n - 1, part, 4);
	struct tstats st = {0};
	struct run ru = {.tg = {.rules = &rules, .st = &st, .cluster = sel & 1}};
	struct tcluster_opts co = {.kmin = 1 + (sel >> 4 & 3), .kmax = 2 + (sel >> 2 & 7)};
	int fds[4];
	for (int i = 0; i < np; i++) {
		/* the files stay open until the end, as a mapping may be held */
		char path[32];
		fds[i] = fuzz_fd(part[i].p, part[i].n);
		snprintf(path, sizeof path, "/proc/self/fd/%d", fds[i]);
		one_file(&ru, path);
	}
	run_finish(&ru, &co, &st);
	release_kept(&ru);
	for (int i = 0; i < np; i++)
		close(fds[i]);
	if (sel & 0x40)
		stats_print(&st, &rules, ru.tg.cluster ? "cluster" : "regex");
	if (sel & 0x80) {
		char path[96];
		snprintf(path, sizeof path, "%s/stats.json", fuzz_tmpdir());
		(void)stats_json(&st, ru.tg.cluster ? "cluster" : "regex", path);
	}
	stats_free(&st);
	sb_reset(&stdout_sb);
	return 0;
}
