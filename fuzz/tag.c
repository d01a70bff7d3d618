/* tag.c: agent-tag over agent-event(5) records: the session reader and
 * the per-session decisions and output (tagsess.c), the regex tagger with
 * the built-in rules, the clustering tagger (tagcluster.c) and the
 * statistics (tagstats.c).  The first byte picks the tagger, whether
 * lines are held where they lie (as agent-tag does for a mapped file) and
 * whether the statistics are printed; the rest is NDJSON. */
#include <stdio.h>
#include "fuzz.h"
#include "tag.h"

static void session_done(struct tagger *tg, struct tsession *cur,
	struct tsession ***all, size_t *nall)
{
	if (!cur->nr)
		return;
	if (tg->cluster) {
		*all = xrealloc(*all, (*nall + 1) * sizeof **all);
		(*all)[*nall] = xmalloc(sizeof *cur);
		*(*all)[(*nall)++] = *cur;
		memset(cur, 0, sizeof *cur);
		return;
	}
	ts_regex(tg, cur);
	ts_write(tg, cur);
	ts_reset(cur);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	static struct trules rules;
	static struct tsession cur;
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
	data++, n--;
	struct tstats st = {0};
	struct tagger tg = {.rules = &rules, .st = &st, .cluster = sel & 1};
	bool borrow = !tg.cluster && (sel & 2);
	struct tsession **all = NULL;
	size_t nall = 0;
	/* a private copy, newlines kept: borrowed lines point into it */
	char *buf = fuzz_str(data, n);
	ts_seal(&cur);
	for (size_t i = 0; i < n; ) {
		char *line = buf + i, *nl = memchr(line, '\n', n - i);
		size_t len = nl ? (size_t)(nl - line) : n - i;
		i += len + 1;
		if (len && line[len - 1] == '\r')
			len--;
		size_t k = 0;
		while (k < len && (line[k] == ' ' || line[k] == '\t' || line[k] == '\r'))
			k++;
		if (k == len)
			continue;
		if (ts_starts(line, len))
			session_done(&tg, &cur, &all, &nall);
		cur.borrow = borrow && nl && line[len] == '\n';
		const char *why;
		if (ts_add(&cur, line, len, &why) < 0 && !why)
			abort();
	}
	cur.borrow = false;
	session_done(&tg, &cur, &all, &nall);
	if (tg.cluster) {
		for (size_t i = 0; i < nall; i++)
			ts_regex(&tg, all[i]);
		struct tcluster_opts co = {.kmin = 1 + (sel >> 4 & 3), .kmax = 2 + (sel >> 2 & 7)};
		tcluster(all, nall, &co, &st);
		for (size_t i = 0; i < nall; i++) {
			ts_write(&tg, all[i]);
			ts_free(all[i]);
			free(all[i]);
		}
		free(all);
	}
	ts_reset(&cur);
	if (sel & 0x40)
		stats_print(&st, &rules, tg.cluster ? "cluster" : "regex");
	if (sel & 0x80) {
		char path[96];
		snprintf(path, sizeof path, "%s/stats.json", fuzz_tmpdir());
		(void)stats_json(&st, tg.cluster ? "cluster" : "regex", path);
	}
	stats_free(&st);
	free(buf);
	sb_reset(&out);
	return 0;
}
