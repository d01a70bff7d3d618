/* SPDX-License-Identifier: MIT */
/* stack.c: agent-stack over agent-event(5) records: every view, and
 * every output format (folded, json, top, tree, latency, context,
 * parallel, report), so that the projection (stackview.c), the labels
 * and their redaction (stack.c, privacy.c), path, home and host grouping
 * (paths.c) and the terminal formats (report.c, reporttop.c) all see the
 * records.  The first two bytes pick the view, the format and the
 * options; the rest is NDJSON as agent-stack reads it. */
#include <stdio.h>
#include "fuzz.h"
#include "event.h"
#include "folded.h"
#include "lineio.h"
#include "stack/report.h"
#include "stack/stackview.h"

/* a small table with every kind of price, a long-context tier and windows */
static const char price_yaml[] =
	"models:\n"
	"  claude-sonnet-4-5:\n"
	"    input: 3.00\n    output: 15.00\n    cache_read: 0.30\n    cache_write: 3.75\n"
	"    cache_write_1h: 6.00\n    context: 200000\n"
	"    long_context:\n      above: 200000\n      input: 6.00\n      output: 22.50\n"
	"  gpt-5:\n    input: 1.25\n    output: 10.00\n    cache_read: 0.125\n    context: 272000\n"
	"  gemini-2.5-pro:\n    input: 1.25\n    output: 10.00\n    context: 1048576\n";

static const struct prices *prices(void)
{
	static struct prices t;
	static int done;
	if (!done) {
		done = 1;
		int fd = fuzz_fd((const uint8_t *)price_yaml, sizeof price_yaml - 1);
		char path[32];
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
		if (prices_load(&t, path) < 0)
			abort();
		close(fd);
	}
	return &t;
}

/* Every line of folded output is a stack and one positive count, whose
 * frames are "kind:value" with no control characters: a label that broke
 * the format would be misread by folded2svg and folded2pprof. */
static void check_folded(struct sbuf *b)
{
	char *p = b->p, *end = b->p + b->len;
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			abort();
		struct folded_line fl;
		const char *why;
		if (folded_parse(p, (size_t)(nl - p), 1, &fl, &why) != 0 || fl.counts[0] <= 0)
			abort();
		const char *f = fl.stack, *fe = fl.stack + fl.stacklen, *fs;
		size_t fn;
		while (folded_frame(&f, fe, &fs, &fn)) {
			if (!fn || !memchr(fs, ':', fn))
				abort();
			for (size_t i = 0; i < fn; i++)
				if ((unsigned char)fs[i] < 0x20 || fs[i] == 0x7f)
					abort();
		}
		p = nl + 1;
	}
}

static const char *const filters[][2] = {
	{"claude", NULL}, {"codex", "s1"}, {NULL, "0"}, {"gemini", NULL},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	static struct jdoc d;
	fuzz_quiet();
	if (n < 2)
		return 0;
	unsigned s0 = data[0], s1 = data[1];
	data += 2, n -= 2;
	int format = (s0 >> 3) & 7;
	struct sv_opts o = {
		.view = (enum sv_view)((s0 & 7) % SV_NVIEWS), .kinds = (s1 & 0xf) ? s1 & 0xf : 0xf,
		.depth = 1 + (s1 >> 4 & 3), .idle_cap = s1 & 0x40 ? 0 : 300000,
		.since = TS_NONE, .until = TS_NONE, .ctx_threshold = s1 & 0x80 ? 0 : 50,
		.previews = s0 & 0x40, .prices = prices(),
	};
	if (s0 & 0x80) {
		/* the selectors: an agent or a session prefix, a tag, a time window */
		const char *const *f = filters[s1 >> 6 & 3];
		o.agent = f[0];
		o.session_id = f[1];
		o.prompt_tag = s1 & 0x10 ? "debug" : NULL;
		o.session_tag = s1 & 0x20 ? "feature" : NULL;
		o.project = s1 & 0x04 ? "proj" : NULL;
		o.since = s1 & 0x08 ? 1700000000000 : TS_NONE;
		o.until = s1 & 0x08 ? 1800000000000 : TS_NONE;
	}
	struct rp_opts ro = {
		.view = o.view, .nodes = s1 & 1 ? 0 : 3, .min_percent = s1 & 2 ? 0 : 1,
		.width = 40 + (s1 & 0x3f), .color = s1 & 4, .idle_cap = o.idle_cap,
		.ctx_threshold = o.ctx_threshold, .report_by = (enum rp_by)(s1 >> 6 & 3),
		.prices = o.prices, .by = s1 & 8 ? "prompt" : NULL,
	};
	struct rp *rp = NULL;
	if (format >= 4) {
		rp = rp_new(&ro);
		o.hook = rp_hook;
		o.hook_arg = rp;
	}
	struct sv *s = sv_new(&o);
	struct lreader r;
	lr_open_mem(&r, data, n, "fuzz.ndjson");
	char *line;
	size_t len;
	struct event e;
	const char *why;
	while (lr_next_nonblank(&r, &line, &len)) {
		if (jparse(&d, line, len) < 0)
			lr_warn(&r, "json", "not JSON");
		else if (ev_read(&d, &e, &why) < 0)
			lr_warn(&r, "record", "%s", why);
		else
			sv_record(s, &e);
	}
	lr_close(&r);
	sv_finish(s);
	switch (format) {
	case 0:
		sv_folded(s, &stdout_sb);
		check_folded(&stdout_sb);
		break;
	case 1: sv_json(s, &stdout_sb); break;
	case 2: rp_top(sv_stacks(s), &ro, &stdout_sb); break;
	case 3: rp_tree(sv_stacks(s), &ro, &stdout_sb); break;
	case 4: rp_latency(rp, &stdout_sb); break;
	case 5: rp_context(rp, &stdout_sb); break;
	case 6: rp_parallel(rp, &stdout_sb); break;
	case 7: rp_report(rp, &stdout_sb); break;
	}
	(void)sv_matched(s);
	rp_free(rp);
	sv_free(s);
	sb_reset(&stdout_sb);
	return 0;
}
