/* SPDX-License-Identifier: MIT */
/* Unit tests of Claude Code's sniff (common/agents/claude.c): it reads
 * the head's lines without parsing them (sniff_scan) and looks for its
 * keys by the block (may_have_keys); whatever the head, it must score as
 * the sniff that parsed every line with jparse did.  That sniff is kept
 * here as the reference.  Hand-made lines of every agent, with escapes,
 * odd values, broken JSON and deep nesting (each case where the scan
 * leaves a line to jparse: an escaped top-level key, an escaped type),
 * then random mutations and mixes of them; and the heads of the files
 * named on the command line (the fixtures and the shared corpus).  And
 * Qwen Code's sniff, which parses only the lines whose text may hold one
 * of its keys: each way a key may be written still finds it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "agents/agent.h"
#include "json.h"
#include "tap.h"

/* --- the reference: the sniff as it was, parsing every line --------------- */

static bool ref_claude_type(const struct jnode *t)
{
	static const char *const types[] = {
		"assistant", "summary", "system", "file-history-snapshot", "progress",
		"queue-operation", "permission-mode", "attachment", "last-prompt",
	};
	for (size_t i = 0; i < sizeof types / sizeof *types; i++)
		if (jeq(t, types[i]))
			return true;
	return false;
}

static const char *const key_types[] = {"summary", "file-history-snapshot",
	"queue-operation", "permission-mode"};
static const char *const key_names[] = {"sessionId", "leafUuid", "parentUuid"};

static bool ref_claude_keys(const struct agent_head *h, int i)
{
	for (size_t k = 0; k < sizeof key_names / sizeof *key_names; k++)
		if (agent_rec_get(h, i, key_names[k]))
			return true;
	for (size_t k = 0; k < sizeof key_types / sizeof *key_types; k++)
		if (agent_rec_is(h, i, "type", key_types[k]))
			return true;
	return false;
}

static bool ref_may_have_keys(const char *p, size_t n)
{
	const char *e = p + n;
	for (const char *q = p; (q = memchr(q, '"', (size_t)(e - q))); q++) {
		const char *w = q + 1;
		if (w >= e || !strchr("slpfq", *w))
			continue;
		for (int set = 0; set < 2; set++) {
			const char *const *v = set ? key_types : key_names;
			size_t nv = set ? sizeof key_types / sizeof *key_types :
				sizeof key_names / sizeof *key_names;
			for (size_t k = 0; k < nv; k++) {
				size_t l = strlen(v[k]);
				if ((size_t)(e - w) > l && !memcmp(w, v[k], l) && (w[l] == '"' || !w[l]))
					return true;
			}
		}
	}
	return false;
}

static int ref_sniff(const struct agent_head *h)
{
	const char *head = h->p, *path = h->path;
	size_t n = h->n;
	struct jdoc d = {0};
	struct sbuf last = {0};
	int good = 0, bad = 0, weak = 0;
	bool foreign = false;
	const char *p = head, *e = head + n;
	for (int lines = 0; p < e && lines < 50; lines++) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		if (!nl && h->full)
			break;
		const char *end = nl ? nl : e;
		size_t len = (size_t)(end - p);
		if (len && end[-1] == '\r')
			len--;
		int rc;
		if (nl) {
			rc = jparse(&d, p, len);
		} else {
			sb_reset(&last);
			sb_add(&last, p, len);
			rc = jparse(&d, last.p, len);
		}
		p = nl ? nl + 1 : e;
		if (!len)
			continue;
		const struct jnode *root = rc ? NULL : jroot(&d);
		if (!root || root->type != J_OBJ) {
			bad++;
			continue;
		}
		const struct jnode *t = jget(&d, root, "type");
		if (jeq(t, "gemini") || jget(&d, root, "projectHash") || jget(&d, root, "payload")) {
			foreign = true;
			break;
		}
		if (jget(&d, root, "session_id") && (jeq(t, "tool_call") || jeq(t, "tool_result") ||
		    jeq(t, "completion") || (jeq(t, "message") && jget(&d, root, "role")))) {
			foreign = true;
			break;
		}
		if (ref_claude_type(t) || (jeq(t, "user") && jget(&d, root, "uuid")))
			good++;
		else if ((jeq(t, "user") && jget(&d, root, "sessionId")) ||
		    (!t && jget(&d, root, "requestId") && jget(&d, root, "message")))
			weak++;
		else if (!t || t->type != J_STR)
			bad++;
	}
	jdoc_free(&d);
	sb_free(&last);
	int score;
	if (foreign)
		score = 0;
	else if (good)
		score = 90 * good / (good + bad);
	else if (weak)
		score = 40 * weak / (weak + bad);
	else if (h->full && !memchr(head, '\n', n) && memmem(head, n, "\"sessionId\"", 11) &&
	    memmem(head, n, "\"uuid\"", 6) &&
	    (memmem(head, n, "\"type\":\"user\"", 13) || memmem(head, n, "\"type\":\"assistant\"", 18)))
		score = 60;
	else
		score = 0;
	if (score && strstr(path, "/.claude/"))
		score += 5;
	if (score < 70 && h->best < 70 && ref_may_have_keys(head, n))
		for (int i = 0; score < 70 && agent_head_rec(h, i); i++)
			if (ref_claude_keys(h, i))
				score = 70;
	return score;
}

/* --- the comparison ------------------------------------------------------- */

/* Claude's whole score: its sniff, then sniff_more as agent_sniff asks
 * it when it may decide. */
static int claude_score(const struct agent_head *h)
{
	int s = agent_claude.sniff(h);
	if (s < agent_claude.more_max && h->best < agent_claude.more_max)
		s = agent_claude.sniff_more(h, s);
	return s;
}

static int nfail, ncase;

/* Claude's score of head p[0..n) against the reference's, with the
 * agents before it scoring best; on a difference, say which head. */
/* The agent of a head as agent_sniff chose it before sniff_more: every
 * sniff in turn, Claude's whole, each seeing the best score before it. */
static const struct agent *ref_agent(struct agent_head *h)
{
	const struct agent *win = NULL;
	int score = 0;
	for (const struct agent *const *a = agent_list; *a; a++) {
		h->best = score;
		int s = *a == &agent_claude ? claude_score(h) : (*a)->sniff(h);
		if (s > score) {
			score = s;
			win = *a;
		}
	}
	return win;
}

static int nwrong;

/* OpenCode's JSON sniff as it was, asking for a second record first */
static int ref_opencode(const struct agent_head *h)
{
	if (!agent_head_rec(h, 0) || agent_head_rec(h, 1))
		return 0;
	if (agent_rec_get(h, 0, "info") && agent_rec_get(h, 0, "messages"))
		return 96;
	const struct agent_member *id = agent_rec_get(h, 0, "id");
	if (!id || id->type != J_STR)
		return 0;
	if (agent_rec_get(h, 0, "projectID") && agent_rec_get(h, 0, "directory") &&
	    agent_rec_get(h, 0, "time"))
		return 90;
	if (agent_rec_get(h, 0, "sessionID") && (agent_rec_get(h, 0, "role") ||
	    (agent_rec_get(h, 0, "messageID") && agent_rec_get(h, 0, "type"))))
		return 88;
	return 0;
}

/* Codex CLI's sniff as it was, with memmem(3) (codex.c has its own
 * search now) */
static bool ref_has_kv(const char *p, size_t n, const char *key, const char *val)
{
	size_t kl = strlen(key), vl = val ? strlen(val) : 0;
	const char *e = p + n;
	for (const char *q = p; (q = memmem(q, (size_t)(e - q), key, kl)); q += kl) {
		const char *v = q + kl;
		while (v < e && (*v == ' ' || *v == '\t'))
			v++;
		if (v == e || *v != ':')
			continue;
		if (!val)
			return true;
		v++;
		while (v < e && (*v == ' ' || *v == '\t'))
			v++;
		if ((size_t)(e - v) >= vl && !memcmp(v, val, vl))
			return true;
	}
	return false;
}

static int ref_line_score(const char *p, size_t n)
{
	while (n && (*p == ' ' || *p == '\t'))
		p++, n--;
	size_t k = n < 400 ? n : 400;
	if (n < 2 || p[0] != '{')
		return 0;
	bool payload = ref_has_kv(p, n, "\"payload\"", NULL);
	if (payload && ref_has_kv(p, k, "\"type\"", "\"session_meta\""))
		return 100;
	if (payload && (ref_has_kv(p, k, "\"type\"", "\"response_item\"") ||
	    ref_has_kv(p, k, "\"type\"", "\"event_msg\"") ||
	    ref_has_kv(p, k, "\"type\"", "\"turn_context\"") ||
	    ref_has_kv(p, k, "\"type\"", "\"compacted\"")))
		return 90;
	if (ref_has_kv(p, k < 12 ? k : 12, "\"id\"", "\"") && ref_has_kv(p, k, "\"timestamp\"", NULL) &&
	    (ref_has_kv(p, n, "\"instructions\"", NULL) || ref_has_kv(p, n, "\"git\"", NULL)) &&
	    !ref_has_kv(p, k, "\"type\"", NULL))
		return 80;
	if (ref_has_kv(p, k < 20 ? k : 20, "\"record_type\"", NULL))
		return 80;
	return 0;
}

/* its first four lines' best score, as Codex's sniff finds it before its
 * records' keys */
static int ref_codex_lines(const struct agent_head *h)
{
	const char *p = h->p, *e = h->p + h->n;
	int best = 0;
	for (int i = 0; i < 4 && p < e && best < 100; i++) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(e - p);
		int s = ref_line_score(p, len);
		if (s > best)
			best = s;
		if (!nl)
			break;
		p = nl + 1;
	}
	return best;
}

static int ncodex;

static void check_codex(struct agent_head *h)
{
	int best = h->best, want = ref_codex_lines(h);
	h->best = 72;   /* the records' 72 not asked: the lines' scores alone */
	int got = agent_codex.sniff(h);
	if (got != (want > 72 ? want : got > 72 ? -1 : got) && ncodex++ < 5)
		printf("# codex: %d, as it was %d: %.80s\n", got, want, h->p);
	h->best = 90;   /* only a session_meta line's 100 is looked for */
	got = agent_codex.sniff(h);
	if ((want == 100 ? got != 100 : got > 90) && ncodex++ < 5)
		printf("# codex after 90: %d, as it was %d: %.80s\n", got, want, h->p);
	h->best = best;
}

/* Every sniff but Claude's (the first: it sees 0) under agent.h's rule
 * for h->best: a score that beats h->best is the score it gives with
 * h->best 0; one that does not may be given lower (the sniffs that return
 * at once at a score they cannot pass, Codex's that looks only for 100
 * above 90), never above h->best. */
static int nceil, nopen;
static bool others;     /* check_others on each head compared */

static void check_others(struct agent_head *h)
{
	static const int bests[] = {40, 70, 71, 72, 85, 90, 95, 96};
	int best = h->best;
	for (const struct agent *const *a = agent_list + 1; *a; a++) {
		h->best = 0;
		int s0 = (*a)->sniff(h);
		for (size_t i = 0; i < sizeof bests / sizeof *bests; i++) {
			h->best = bests[i];
			int s = (*a)->sniff(h);
			if ((s0 > bests[i] ? s != s0 : s > bests[i]) && nceil++ < 5)
				printf("# %s: %d with best %d, %d with best 0\n", (*a)->name, s,
					bests[i], s0);
		}
	}
	h->best = 0;
	if (!(h->n >= 16 && !memcmp(h->p, "SQLite format 3", 16)) &&
	    agent_opencode.sniff(h) != ref_opencode(h) && nopen++ < 5)
		printf("# opencode: %d, as it was %d\n", agent_opencode.sniff(h), ref_opencode(h));
	h->best = best;
}

static bool same(const char *p, size_t n, const char *path, int best, const char *what)
{
	const struct agent *a = agent_sniff(p, n, path);
	struct agent_head *h = (struct agent_head *)agent_last_head();
	if (ref_agent(h) != a && nwrong++ < 5)
		printf("# %s: agent_sniff chose %s, the sniffs in turn %s\n", what,
			a ? a->name : "none", ref_agent(h) ? ref_agent(h)->name : "none");
	check_codex(h);
	if (others)
		check_others(h);
	h->best = best;
	int got = claude_score(h);
	int want = ref_sniff(h);
	ncase++;
	if (got == want)
		return true;
	if (nfail++ < 5) {
		printf("# %s: got %d, want %d, head (%zu bytes): ", what, got, want, n);
		for (size_t i = 0; i < n && i < 300; i++)
			putchar((unsigned char)p[i] >= ' ' && p[i] != 0x7f ? p[i] : '.');
		printf("\n");
	}
	return false;
}

/* the score of one head, both sniffs, for the named cases */
static int score_of(const char *text, const char *path)
{
	size_t n = strlen(text);
	agent_sniff(text, n, path);
	struct agent_head *h = (struct agent_head *)agent_last_head();
	h->best = 0;
	int got = claude_score(h);
	int want = ref_sniff(h);
	return got == want ? got : -1000 - got;
}

#define CLAUDE_U "{\"parentUuid\":null,\"sessionId\":\"s1\",\"cwd\":\"/p\",\"version\":\"2.0.42\"," \
	"\"type\":\"user\",\"message\":{\"role\":\"user\",\"content\":\"fix it\"},\"uuid\":\"u1\"," \
	"\"timestamp\":\"2026-01-01T00:00:03.021Z\"}"
#define CLAUDE_A "{\"parentUuid\":\"u1\",\"sessionId\":\"s1\",\"message\":{\"id\":\"m1\",\"type\":\"message\"," \
	"\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\",\"content\":[{\"type\":\"text\",\"text\":" \
	"\"Next \\\"step\\\"\\n\\u00e9 caf\xc3\xa9\"}],\"usage\":{\"input_tokens\":4,\"output_tokens\":1.5e3}}," \
	"\"requestId\":\"r1\",\"type\":\"assistant\",\"uuid\":\"a1\",\"timestamp\":\"2026-01-01T00:00:06.042Z\"}"

static const char *const seeds[] = {
	CLAUDE_U, CLAUDE_A,
	"{\"type\":\"summary\",\"summary\":\"x\",\"leafUuid\":\"u9\"}",
	"{\"type\":\"file-history-snapshot\",\"messageId\":\"m\",\"snapshot\":{\"trackedFileBackups\":{}},\"isSnapshotUpdate\":false}",
	"{\"type\":\"progress\",\"data\":{\"type\":\"hook_progress\"},\"uuid\":\"p1\",\"sessionId\":\"s1\"}",
	"{\"type\":\"queue-operation\",\"operation\":\"enqueue\",\"sessionId\":\"s1\"}",
	"{\"type\":\"system\",\"subtype\":\"init\",\"session_id\":\"s2\",\"tools\":[]}",
	"{\"type\":\"user\",\"sessionId\":\"s1\",\"message\":{\"content\":[]}}",
	"{\"requestId\":\"r\",\"message\":{\"role\":\"assistant\"}}",
	"{\"type\":\"user\",\"uuid\":\"u\",\"type\":7}",
	"{\"type\":7,\"type\":\"assistant\"}",
	/* the other agents' first lines */
	"{\"timestamp\":\"2026-01-01T00:10:50.550Z\",\"type\":\"session_meta\",\"payload\":{\"id\":\"x\"}}",
	"{\"sessionId\":\"g\",\"projectHash\":\"h\",\"messages\":[]}",
	"{\"type\":\"gemini\",\"content\":\"hi\"}",
	"{\"type\":\"tool_call\",\"session_id\":\"d\",\"id\":\"t\"}",
	"{\"type\":\"message\",\"role\":\"user\",\"session_id\":\"d\"}",
	"{\"type\":\"completion\",\"session_id\":\"d\"}",
	"{\"type\":\"session.start\",\"data\":{\"sessionId\":\"c\"},\"id\":\"1\"}",
	"{\"sessionId\":\"q\",\"type\":\"assistant\",\"message\":{\"role\":\"model\",\"parts\":[{\"text\":\"x\"}]},\"usageMetadata\":{}}",
	"{\"role\":\"user\",\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}}",
	/* escapes where the scan leaves the line to jparse: a top-level
	 * key, the type */
	"{\"\\u0074ype\":\"assistant\",\"uuid\":\"a\"}",
	"{\"type\":\"\\u0061ssistant\",\"uuid\":\"a\"}",
	"{\"type\":\"us\\u0065r\",\"uuid\":\"a\"}",
	"{\"type\":\"user\",\"uu\\u0069d\":\"a\"}",
	"{\"type\":\"user\",\"\\u0073essionId\":\"s\"}",
	"{\"pay\\u006coad\":{},\"type\":\"x\"}",
	"{\"type\":\"a\\\"b\",\"uuid\":\"a\"}",
	/* escapes the scan reads itself: in nested keys and values */
	"{\"type\":\"assistant\",\"m\":{\"\\u0074ype\":\"x\",\"a\\nb\":[\"\\/\\\\\\b\\f\\r\\t\"]}}",
	/* not what jparse takes */
	"{\"type\":\"assistant\",}",
	"{\"type\":\"assistant\"",
	"{\"type\":\"assistant\"}x",
	"{\"type\":\"assi\\xstant\"}",
	"{\"type\":\"assistant\",\"n\":01}",
	"{\"type\":\"assistant\",\"n\":-}",
	"{\"type\":\"assistant\",\"n\":1.}",
	"{\"type\":\"assistant\",\"n\":1e}",
	"{\"type\":\"assistant\",\"n\":tru}",
	"{\"type\":\"assistant\",\"n\":[1,2}",
	"{\"type\":\"assistant\",\"n\":{]}",
	"{\"type\":\"assistant\",\"n\":\"\\u12g4\"}",
	"{\"type\" \"assistant\"}",
	"{type:\"assistant\"}",
	"[{\"type\":\"assistant\"}]",
	"\"type\"",
	"42",
	"  \t",
	"{}",
	" { \"type\" : \"assistant\" , \"uuid\" : [ 1 , -2.5E+3 , true , false , null , { } , [ ] ] } ",
	"{\"type\":\"assistant\",\"raw\":\"\x01\x1f\x7f\xff\xc3\"}",
};

static const char *const paths[] = {
	"/home/u/.claude/projects/p/s.jsonl", "/tmp/s.jsonl", "-",
};

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static unsigned rnd(unsigned n)
{
	return (unsigned)(tap_xorshift(&rng) % n);
}

/* a seed, mutated a few times */
static void mutate(struct sbuf *b)
{
	static const char chars[] = "{}[]\",:\\ \t\r\n0123456789-+.eEtrufalsn\x01\xc3\xa9u";
	const char *s = seeds[rnd(sizeof seeds / sizeof *seeds)];
	sb_reset(b);
	sb_adds(b, s);
	int k = (int)rnd(4);
	for (int i = 0; i < k && b->len; i++) {
		size_t at = rnd((unsigned)b->len);
		char c = chars[rnd(sizeof chars - 1)];
		switch (rnd(4)) {
		case 0: b->p[at] = c; break;
		case 1: memmove(b->p + at, b->p + at + 1, b->len - at); b->len--; break;
		case 2: sb_addc(b, 0); memmove(b->p + at + 1, b->p + at, b->len - at - 1); b->p[at] = c; break;
		case 3: b->len = at; b->p[at] = 0; break;
		}
	}
}

static void nest(struct sbuf *b, int depth)
{
	sb_reset(b);
	sb_adds(b, "{\"type\":\"assistant\",\"d\":");
	for (int i = 0; i < depth; i++)
		sb_adds(b, i & 1 ? "{\"k\":" : "[");
	sb_adds(b, "1");
	for (int i = depth - 1; i >= 0; i--)
		sb_adds(b, i & 1 ? "}" : "]");
	sb_adds(b, "}");
}

static void read_file(const char *path, struct sbuf *b)
{
	sb_reset(b);
	FILE *f = fopen(path, "rb");
	if (!f)
		return;
	char buf[4096];
	size_t r;
	while (b->len < AGENT_SNIFF_SIZE && (r = fread(buf, 1, sizeof buf, f)) > 0)
		sb_add(b, buf, r);
	fclose(f);
}

/* Strings through the scan's fast paths: a string of every length up to
 * 72 holding one odd piece (an escape, a bad or cut escape, a quote, a
 * raw control or non-ASCII byte) at every place (every third past 36
 * bytes), as a value of the top
 * level, as a key and as a value one level down, with the line starting
 * at four offsets (the string across 16- and 32-byte blocks); and the
 * line cut at every length.  Each head scores as with jparse. */
static int string_places(void)
{
	static const char *const odd[] = {"", "\\\"", "\\\\", "\\n", "\\u00e9", "\\x",
		"\\u12", "\"", "\x01", "\xc3\xa9", "\\", ",\"", "\":"};
	static const char *const shape[][2] = {
		{"{\"type\":\"assistant\",\"k\":\"", "\",\"uuid\":\"u\"}"},
		{"{\"type\":\"assistant\",\"m\":{\"", "\":1,\"x\":\"y\"},\"uuid\":\"u\"}"},
		{"{\"type\":\"user\",\"m\":[{\"a\":\"", "\"},\"z\"],\"uuid\":\"u\"}"},
		{"{\"type\":\"", "\",\"uuid\":\"u\"}"},
		/* below the top level, key to key: as a key, as a value */
		{"{\"type\":\"assistant\",\"m\":{\"a\":\"b\",\"", "\":\"c\",\"d\":\"e\"},\"uuid\":\"u\"}"},
		{"{\"type\":\"assistant\",\"m\":{\"a\":\"b\",\"c\":\"", "\",\"d\":\"e\"},\"uuid\":\"u\"}"},
	};
	static const char *const lead[] = {"", "  ", "\t\t\t", "       "};
	struct sbuf line = {0}, str = {0};
	int bad = 0;
	for (size_t o = 0; o < sizeof odd / sizeof *odd; o++)
		for (size_t len = 0; len <= 72; len++)
			for (size_t at = 0; at <= len; at += len <= 36 || at + 3 > len ? 1 : 3) {
				if (!*odd[o] && at)
					break;
				sb_reset(&str);
				for (size_t i = 0; i < len; i++)
					sb_addc(&str, (char)('a' + i % 26));
				sb_reset(&line);
				sb_add(&line, str.p, at);
				sb_adds(&line, odd[o]);
				sb_add(&line, str.p + at, len - at);
				for (size_t k = 0; k < sizeof shape / sizeof *shape; k++) {
					size_t v = (len + at + k) % (sizeof lead / sizeof *lead);
					sb_reset(&str);
					sb_adds(&str, lead[v]);
					sb_adds(&str, shape[k][0]);
					sb_add(&str, line.p, line.len);
					sb_adds(&str, shape[k][1]);
					sb_adds(&str, "\n" CLAUDE_U "\n");
					bad += !same(str.p, str.len, paths[1], 0, "string");
				}
			}
	/* every cut of a line of each seed, and of the odd strings' lines */
	for (size_t i = 0; i < sizeof seeds / sizeof *seeds; i++) {
		size_t n = strlen(seeds[i]);
		for (size_t cut = 0; cut <= n; cut++) {
			sb_reset(&str);
			sb_add(&str, seeds[i], cut);
			sb_adds(&str, "\n" CLAUDE_U "\n");
			bad += !same(str.p, str.len, paths[1], 0, "cut");
			bad += !same(seeds[i], cut, paths[1], 0, "cut, no newline");
		}
	}
	sb_free(&line);
	sb_free(&str);
	return bad;
}

static void all(int argc, char **argv)
{
	struct sbuf b = {0}, head = {0};

	is_int(string_places(), 0, "strings with odd bytes at every place, lines cut anywhere: as with jparse");
	/* the other sniffs' rule for h->best, once (only Qwen's has two
	 * forms, and its own cases below take both) */
	others = !agent_sniff_avx2;

	/* named cases */
	is_int(score_of(CLAUDE_U "\n" CLAUDE_A "\n", paths[0]), 95, "user and assistant records, in ~/.claude");
	is_int(score_of(CLAUDE_U "\n" CLAUDE_A, paths[1]), 90, "the same elsewhere, the last line without a newline");
	is_int(score_of(CLAUDE_U "\r\n{bad\r\n\r\n" CLAUDE_A "\r\n" CLAUDE_A "\r\n" CLAUDE_A "\r\n"
		CLAUDE_A "\r\n" CLAUDE_A "\r\n" CLAUDE_A "\r\n" CLAUDE_A "\r\n" CLAUDE_A "\r\n" CLAUDE_A "\r\n",
		paths[1]), 81, "CRLF lines, a blank one, one of eleven broken");
	is_int(score_of(CLAUDE_U "\n{bad\n", paths[1]), 70, "one of two broken: 45, but its keys are there");
	is_int(score_of("{\"\\u0074ype\":\"assistant\",\"uuid\":\"a\"}\n", paths[1]), 90,
		"an escaped top-level key: parsed, and its type read");
	is_int(score_of("{\"type\":\"\\u0061ssistant\"}\n", paths[1]), 90,
		"an escaped type: parsed, and read unescaped");
	is_int(score_of("{\"type\":\"user\",\"\\u0073essionId\":\"s\"}\n", paths[1]), 40,
		"an escaped sessionId key: parsed, a record that may be Claude's");
	is_int(score_of("{\"type\":\"a\\\"b\",\"n\":{\"\\u0074ype\":1}}\n" CLAUDE_A "\n", paths[1]), 90,
		"an escaped type that is no Claude type, an escaped nested key");
	is_int(score_of("{\"type\":\"gemini\"}\n{\"x\":1}\n", paths[1]), 0, "a Gemini CLI line first");
	is_int(score_of("{\"type\":\"gemini\"}\n" CLAUDE_A "\n", paths[1]), 70,
		"a Gemini CLI line first, then a record with Claude's keys");
	is_int(score_of(CLAUDE_A "\n{\"pay\\u006coad\":{}}\n", paths[1]), 70,
		"an escaped payload key: Codex's, after a record with Claude's keys");
	is_int(score_of("{\"type\":\"system\"}\n{\"x\":1}\n", paths[1]), 45,
		"a system record and an object of no type");
	is_int(score_of("{\"leafUuid\":\"x\"}\n", paths[1]), 70, "no record of its types, a key of its in the head");
	is_int(score_of("{\"x\":\"leafUuid\"}\n", paths[1]), 0, "its key's name as a value only");
	is_int(score_of("{\"x\":\"leafUuidz\"}\n{\"y\":\"sessionI\"}\n", paths[1]), 0,
		"words that are not its keys");
	nest(&b, 511);
	is_int(score_of(b.p, paths[1]), 90, "nested 512 levels: taken");
	nest(&b, 512);
	is_int(score_of(b.p, paths[1]), 0, "nested 513 levels: refused, as jparse refuses it");

	/* Qwen Code's keys, as written and escaped, after a Claude line */
	static const struct { const char *line, *agent; } qwen[] = {
		{"{\"sessionId\":\"q\",\"type\":\"user\",\"message\":{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}}", "qwen"},
		{"{\"sessionId\":\"q\",\"type\":\"user\",\"message\":{\"role\":\"user\",\"p\\u0061rts\":[]}}", "qwen"},
		{"{\"sessionId\":\"q\",\"type\":\"x\",\"\\u0075sageMetadata\":{}}", "qwen"},
		{"{\"sessionId\":\"q\",\"type\":\"x\",\"systemPayload\":1}", "qwen"},
		{"{\"sessionId\":\"q\",\"type\":\"x\",\"toolCallResul\\u0074\":1}", "qwen"},
		{"{\"sessionId\":\"q\",\"type\":\"x\",\"toolCallResult\" :1}", "qwen"},
		/* the words as values, or not quite the keys: Claude's */
		{"{\"sessionId\":\"q\",\"type\":\"user\",\"uuid\":\"u\",\"x\":\"parts\",\"message\":{\"parts\":1}}", "claude"},
		{"{\"sessionId\":\"q\",\"type\":\"user\",\"uuid\":\"u\",\"x\":\"\\\\u0070arts\",\"partss\":[]}", "claude"},
		{"{\"sessionId\":\"q\",\"type\":\"user\",\"uuid\":\"u\",\"x\":\"\\\"parts\\\"\"}", "claude"},
	};
	for (size_t i = 0; i < sizeof qwen / sizeof *qwen; i++) {
		sb_reset(&head);
		sb_adds(&head, CLAUDE_U "\n");
		sb_adds(&head, qwen[i].line);
		sb_adds(&head, "\n");
		const struct agent *a = agent_sniff(head.p, head.len, paths[0]);
		is_str(a ? a->name : NULL, qwen[i].agent, "qwen case %zu: %s", i, qwen[i].line);
	}

	/* Qwen Code's sniff looks only at backslashes and at quotes before
	 * p, u, s or t, 16 bytes a step: each key, as written and escaped,
	 * after fillers of every length (the key at every place of a block
	 * and across blocks), the fillers holding non-ASCII text, escapes
	 * (pairs passed over whole: an escaped quote or backslash just before
	 * the key's quote) and quotes before other letters; the line last,
	 * with and without a newline */
	static const char *const qkeys[] = {"\"message\":{\"parts\":[]}",
		"\"message\":{\"p\\u0061rts\":[]}",
		"\"\\u0075sageMetadata\":{}", "\"usageMetadata\":{}", "\"systemPayload\":1",
		"\"toolCallResult\":1", "\"toolCallResul\\u0074\" :1"};
	static const char *const fills[] = {"a", "\xc3\xa9", "\\\"", "\\\\", "\\n", "\",\"ab\":\"",
		"\",\"sx\":\"", "\",\"t\":\""};
	int qbad = 0, qn = 0;
	for (size_t k = 0; k < sizeof qkeys / sizeof *qkeys; k++)
		for (size_t f = 0; f < sizeof fills / sizeof *fills; f++)
			for (int pad = 0; pad <= 40; pad++)
				for (int nl = 0; nl < 2; nl++) {
					sb_reset(&head);
					sb_adds(&head, CLAUDE_U "\n{\"sessionId\":\"q\",\"type\":\"x\",\"f\":\"");
					for (int i = 0; i < pad; i++)
						sb_adds(&head, fills[f]);
					sb_adds(&head, "\",");
					sb_adds(&head, qkeys[k]);
					sb_adds(&head, nl ? "}\n" : "}");
					const struct agent *a = agent_sniff(head.p, head.len, paths[0]);
					qn++;
					if (!a || strcmp(a->name, "qwen")) {
						if (qbad++ < 5)
							printf("# not Qwen's: %s\n", head.p);
					}
				}
	is_int(qbad, 0, "Qwen Code's keys in every place of %d lines, after escapes", qn);

	/* each seed alone, and in pairs, in every place */
	int bad = 0;
	size_t ns = sizeof seeds / sizeof *seeds;
	for (size_t i = 0; i < ns; i++)
		for (size_t j = 0; j < ns; j++)
			for (int best = 0; best <= 70; best += 70) {
				sb_reset(&head);
				sb_adds(&head, seeds[i]);
				sb_addc(&head, '\n');
				sb_adds(&head, seeds[j]);
				bad += !same(head.p, head.len, paths[(i + j) % 3], best, "pair");
			}
	is_int(bad, 0, "every pair of seed lines scores as with jparse");

	/* random mutations and mixes */
	bad = 0;
	for (int round = 0; round < 20000; round++) {
		sb_reset(&head);
		int lines = 1 + (int)rnd(6);
		for (int l = 0; l < lines; l++) {
			mutate(&b);
			sb_add(&head, b.p, b.len);
			if (l + 1 < lines || rnd(2))
				sb_adds(&head, rnd(8) ? "\n" : "\r\n");
		}
		bad += !same(head.p, head.len, paths[rnd(3)], rnd(3) ? 0 : 70, "mutated");
	}
	is_int(bad, 0, "20000 mutated heads score as with jparse");

	/* a head of 64 KiB, cut mid-line, and 60 lines (only 50 are read) */
	sb_reset(&head);
	while (head.len < AGENT_SNIFF_SIZE + 100) {
		sb_adds(&head, head.len % 3 ? CLAUDE_A : "{\"x\":");
		sb_addc(&head, '\n');
	}
	is_int(same(head.p, head.len, paths[0], 0, "full"), 1, "a full head, cut mid-line");
	sb_reset(&head);
	for (int l = 0; l < 60; l++) {
		sb_adds(&head, l < 45 ? CLAUDE_A : "nope");
		sb_addc(&head, '\n');
	}
	is_int(same(head.p, head.len, paths[1], 0, "sixty"), 1, "sixty lines, the last ones broken");
	sb_reset(&head);
	sb_adds(&head, "{\"type\":\"user\",\"uuid\":\"u\",\"sessionId\":\"s\",\"t\":\"");
	while (head.len < AGENT_SNIFF_SIZE + 10)
		sb_adds(&head, "lorem ipsum ");
	is_int(same(head.p, head.len, paths[1], 0, "long"), 1, "one line longer than the head");

	/* the heads of the files named */
	bad = 0;
	int files = 0;
	for (int i = 1; i < argc; i++) {
		read_file(argv[i], &head);
		if (!head.len)
			continue;
		files++;
		bad += !same(head.p, head.len, argv[i], 0, argv[i]);
		/* and every cut of its first lines */
		for (size_t cut = 1; cut < head.len && cut < 4096; cut += 1 + rnd(97))
			bad += !same(head.p, cut, argv[i], 0, argv[i]);
	}
	is_int(bad, 0, "the heads of %d files, whole and cut, score as with jparse", files);
	is_int(nwrong, 0, "agent_sniff, asking sniff_more only when it may decide, chooses as the sniffs in turn");
	/* OpenCode's one-object files, and a second record after one */
	static const struct { const char *head; int score; } oc[] = {
		{"{\"id\":\"ses_1\",\"projectID\":\"p\",\"directory\":\"/d\",\"time\":{}}", 90},
		{"{\"id\":\"ses_1\",\"projectID\":\"p\",\"directory\":\"/d\",\"time\":{}}\n{\"x\":1}\n", 0},
		{"{\"info\":{\"id\":\"s\"},\"messages\":[]}\n", 96},
		{"{\"info\":{\"id\":\"s\"},\"messages\":[]}\n[1]\n{}\n", 96},  /* no record */
		{"{\"info\":{\"id\":\"s\"},\"messages\":[]}\n[1]\n{\"a\":1}\n", 0},
		{"{\"id\":\"m\",\"sessionID\":\"s\",\"role\":\"user\"}", 88},
		{"{\"id\":\"m\",\"sessionID\":\"s\",\"role\":\"user\"}\n{\"id\":\"m2\"}", 0},
		{"{\"id\":1,\"sessionID\":\"s\",\"role\":\"user\"}", 0},
		{"{\n  \"info\": {},\n  \"messages\": []\n}\n", 96},
	};
	int ocbad = 0;
	for (size_t i = 0; i < sizeof oc / sizeof *oc; i++) {
		agent_sniff(oc[i].head, strlen(oc[i].head), "x/ses.json");
		struct agent_head *h = (struct agent_head *)agent_last_head();
		h->best = 0;
		if (agent_opencode.sniff(h) != oc[i].score && ocbad++ < 5)
			printf("# opencode case %zu: %d\n", i, agent_opencode.sniff(h));
	}
	is_int(ocbad, 0, "OpenCode's one-object files, and files of more records");
	is_int(nceil, 0, "every sniff, given a best score before it, scores as with none or cannot beat it");
	is_int(nopen, 0, "OpenCode's sniff, asking for a second record last, scores as it did");
	/* Codex's keys at every place of a line, near misses beside them */
	static const char *const ckeys[] = {"\"payload\":{},\"type\":\"session_meta\"",
		"\"type\":\"session_meta\",\"payload\":{}", "\"type\" : \"event_msg\",\"payload\" :1",
		"\"payloa\":{},\"type\":\"session_meta\"", "\"payloads\":{},\"type\":\"session_meta\"",
		"\"type\":\"session_met\",\"payload\":{}", "\"record_type\":1", "\"xrecord_type\":1",
		"\"timestamp\":\"t\",\"git\":{}"};
	static const char *const cfill[] = {"a", "\"", "\"p", "\"payload", "\"t"};
	for (size_t k = 0; k < sizeof ckeys / sizeof *ckeys; k++)
		for (size_t f = 0; f < sizeof cfill / sizeof *cfill; f++)
			for (int pad = 0; pad <= 70; pad++) {
				sb_reset(&head);
				sb_adds(&head, k == 8 ? "{\"id\":\"x\",\"f\":\"" : "{\"f\":\"");
				for (int i = 0; i < pad; i++)
					sb_adds(&head, cfill[f]);
				sb_adds(&head, "\",");
				sb_adds(&head, ckeys[k]);
				sb_adds(&head, pad % 2 ? "}\n" : "}");
				agent_sniff(head.p, head.len, paths[1]);
				check_codex((struct agent_head *)agent_last_head());
			}
	is_int(ncodex, 0, "Codex's sniff of its lines, keys at every place, scores as with memmem");
	printf("# %d heads compared\n", ncase);
	sb_free(&b);
	sb_free(&head);
}

int main(int argc, char **argv)
{
	/* the sniffs' SSE2 form, then the AVX2 one where the CPU has it */
	agent_sniff_avx2 = false;
	printf("# 16 bytes a step\n");
	all(argc, argv);
	agent_sniff_avx2 = true;
#if defined(__x86_64__) || defined(__i386__)
	printf("# 32 bytes a step where the CPU can (AVX2: %s)\n",
		__builtin_cpu_supports("avx2") ? "yes" : "no");
#else
	printf("# 32 bytes a step where the CPU can (none here)\n");
#endif
	nwrong = nfail = nceil = nopen = ncodex = 0;
	all(argc, argv);
	return tap_done();
}
