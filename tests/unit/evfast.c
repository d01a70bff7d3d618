/* SPDX-License-Identifier: MIT */
/* Unit tests of agent-stack's record reader (common/stack/evfast.c):
 * whatever line it reads, it reads as jparse and ev_read do (the same
 * record written back by ev_write, the same text and flags), and a line
 * it leaves to them it leaves unchanged.  Hand-made records with every
 * key, escapes, UTF-8, repeated keys and odd values, then random
 * mutations of them. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "event.h"
#include "json.h"
#include "stack/evfast.h"
#include "stack/stackview.h"
#include "tap.h"

static const char *const seeds[] = {
	"{\"kind\":\"session\",\"agent\":\"claude\",\"session\":\"s1\",\"ts\":\"2026-01-01T00:00:03.021Z\","
	"\"cwd\":\"/home/dev/p\",\"version\":\"2.0.42\",\"file\":\"/x/s1.jsonl\","
	"\"tags\":{\"session\":\"debug\"},\"rule\":\"vote:human\"}",
	"{\"kind\":\"prompt\",\"agent\":\"claude\",\"session\":\"s1\",\"ts\":\"2026-01-01T00:00:03.021Z\","
	"\"id\":\"u1\",\"prompt\":\"u1\",\"origin\":\"human\",\"text\":\"fix \\\"the\\\" test\\n\\tnow \\u00e9\\u4e2d\\/ \\\\ ok\","
	"\"tags\":{\"session\":\"debug\",\"prompt\":\"debug\"},\"rule\":\"builtin:debug/en\"}",
	"{\"kind\":\"llm\",\"agent\":\"claude\",\"session\":\"s1\",\"subagent\":\"a1\",\"subagent_type\":\"Explore\","
	"\"ts\":\"2026-01-01T00:00:06.042Z\",\"id\":\"msg_1\",\"parent\":\"u1\",\"prompt\":\"u1\","
	"\"model\":\"claude-sonnet-4-5\",\"duration_ms\":3021,\"update\":true,\"usage\":\"call\","
	"\"tokens\":{\"input\":4,\"cache_read\":30000,\"cache_write\":201,\"cache_write_1h\":0,"
	"\"output\":400,\"reasoning\":0},\"tools\":[\"Read\",\"Bash\"],\"tool_kinds\":[\"read\",\"shell\"],"
	"\"text\":\"Next step 1. caf\xc3\xa9 \x01\",\"tags\":{\"session\":\"debug\",\"prompt\":\"debug\",\"llm\":\"inspect\"},"
	"\"rule\":\"tools:inspect\"}",
	"{\"kind\":\"tool\",\"agent\":\"codex\",\"session\":\"s2\",\"ts\":\"2026-01-01T00:00:06.042Z\",\"id\":\"t1\","
	"\"parent\":\"msg_1\",\"prompt\":\"u1\",\"cwd\":\"/p\",\"tool\":\"shell\",\"tool_kind\":\"shell\","
	"\"status\":\"error\",\"exit\":2,\"duration_ms\":0,\"class\":\"test\",\"process\":[\"/bin/sh\",\"make\"],"
	"\"argv\":[\"make\",\"check\",\"a b\"]}",
	"{\"kind\":\"effect\",\"agent\":\"snoop\",\"session\":\"s3\",\"ts\":\"2026-01-01T00:00:08.056Z\","
	"\"id\":\"t1#1\",\"parent\":\"t1\",\"status\":\"ok\",\"effect\":\"net\",\"class\":\"net\",\"path\":\"/a\","
	"\"to\":\"/b\",\"domain\":\"example.com\",\"port\":443,\"pid\":12,\"ppid\":1,\"count\":3}",
	/* repeated keys: the last one counts, a null clears */
	"{\"kind\":\"llm\",\"agent\":\"a\",\"agent\":null,\"session\":\"s\",\"model\":\"m\",\"model\":\"n\","
	"\"tokens\":{\"input\":5,\"input\":7,\"output\":null},\"tokens\":{\"output\":9},\"tools\":[],"
	"\"tools\":null,\"tool_kinds\":[],\"text\":\"abc\",\"text\":null,\"ts\":\"x\",\"ts\":5,"
	"\"update\":true,\"update\":1,\"exit\":null,\"pid\":true,\"tags\":{\"llm\":\"a\"},\"tags\":{\"x\":\"y\"}}",
	/* odd values: numbers where strings go, keys of no interest */
	"{\"kind\":\"tool\",\"session\":5,\"agent\":false,\"tool\":\"x\",\"x\":\"y\",\"n\":0,\"b\":true,"
	"\"tokens\":\"no\",\"tags\":7,\"process\":\"sh\",\"duration_ms\":123456789012345678,"
	"\"count\":1099511627777,\"tokens\":{\"input\":1099511627777,\"zz\":\"q\",\"yy\":1}}",
	/* strings past 16 bytes (str_end's 16-byte steps): an escape, a raw
	 * control byte, UTF-8 and the closing quote after a plain run, a
	 * quote on a step's last byte, a string ending near the line's end */
	"{\"kind\":\"llm\",\"text\":\"0123456789abcdefghij\\\"k\\u00e9lm\",\"model\":\"0123456789abcde\","
	"\"cwd\":\"0123456789abcdef0123456789abcdef\x01z\",\"file\":\"0123456789abcdefghijklmnopqrstuv"
	"caf\xc3\xa9\",\"id\":\"0123456789abcdefghijklmnopqrstuvwxyz0123456789\",\"rule\":\"r\"}",
	"{\"kind\":\"tool\",\"tool\":\"0123456789abcdefghijklmnopqrstuvwxyz\\n\"}",
	"{\"kind\":\"tool\",\"tool\":\"0123456789abcdefghijklmnopqrstuvwxyz\xe4\xb8\xad\"}",
	/* left to jparse: each of these */
	"{\"kind\":\"llm\",\"duration_ms\":-1}",
	"{\"kind\":\"llm\",\"duration_ms\":1.5,\"exit\":\"3\"}",
	"{\"kind\":\"llm\",\"tokens\":{\"input\":\"12\"}}",
	"{\"kind\":\"llm\",\"text\":\"a\\u0000b\"}",
	"{\"kind\":\"llm\",\"text\":\"\\ud83d\\ude00\"}",
	"{\"kind\":\"llm\",\"text\":\"bad \xff utf8\"}",
	"{\"kind\":\"llm\", \"text\":\"space\"}",
	"{\"kind\":\"llm\",\"text\":\"x\"} ",
	"{\"k\\u0069nd\":\"llm\"}",
	"{\"agent\":\"claude\"}",
	"{\"kind\":null}",
	"{}",
	"{\"kind\":\"llm\",\"x\":{\"a\":1}}",
	"{\"kind\":\"llm\",\"x\":[1]}",
	"{\"kind\":\"llm\",\"tools\":[\"a\",1]}",
	"{\"kind\":\"llm\",\"n\":01}",
	"{\"kind\":\"llm\",\"n\":1234567890123456789}",
	"{\"kind\":\"llm\",\"tags\":{\"llm\":[\"a\"]}}",
	"[1,2]",
	"{\"kind\":\"llm\"",
	"{\"kind\":\"llm\",}",
};
#define NSEEDS (sizeof seeds / sizeof *seeds)

static struct jdoc d;

/* evf_need's lists, as agent-stack sets them (sv_reads): an event cut to
 * the keys its kind is read for (kind, agent, session, subagent and
 * subagent_type besides), for comparing what the caller may read. */
static const char *const need_kinds[] = {"llm", "tool", "effect"};
static const char *need_keys[3];
static bool needs_on;

static bool named(const char *list, const char *k)
{
	size_t n = strlen(k);
	for (const char *p = list; (p = strstr(p, k)); p += n)
		if ((p == list || p[-1] == ' ') && (!p[n] || p[n] == ' '))
			return true;
	return false;
}

static void cut(struct event *e)
{
	const char *keys = NULL;
	for (int i = 0; i < 3; i++)
		if (e->kind && !strcmp(e->kind, need_kinds[i]))
			keys = need_keys[i];
	if (!needs_on || !keys)
		return;
	struct event k;
	ev_init(&k);
	k.kind = e->kind, k.agent = e->agent, k.session = e->session;
	k.subagent = e->subagent, k.subagent_type = e->subagent_type;
	/* every key the lists name, and no list names another (below) */
	if (named(keys, "prompt")) k.prompt = e->prompt;
	if (named(keys, "parent")) k.parent = e->parent;
	if (named(keys, "id")) k.id = e->id;
	if (named(keys, "tool")) k.tool = e->tool;
	if (named(keys, "update")) k.update = e->update;
	if (named(keys, "usage")) k.usage = e->usage;
	if (named(keys, "model")) k.model = e->model;
	if (named(keys, "tokens")) k.has_tokens = e->has_tokens, k.tokens = e->tokens;
	if (named(keys, "tags"))
		k.tag_session = e->tag_session, k.tag_prompt = e->tag_prompt, k.tag_llm = e->tag_llm;
	*e = k;
}

/* 1 when both read it the same way, or the fast path declined and left
 * it alone; fast: whether the fast path read it. */
static int same(const char *line, size_t len, int *fast)
{
	char *a = malloc(len + 1), *b = malloc(len + 1);
	struct event ea, eb;
	const char *why;
	struct sbuf wa = {0}, wb = {0};
	memcpy(a, line, len);
	a[len] = 0;
	memcpy(b, line, len);
	b[len] = 0;
	int r = 1;
	*fast = evf_read(a, len, &ea);
	int slow = jparse(&d, b, len) == 0 && ev_read(&d, &eb, &why) == 0;
	if (!*fast) {
		r = !memcmp(a, line, len);
	} else if (!slow) {
		r = 0;
	} else {
		cut(&ea);
		cut(&eb);
		ev_write(&wa, &ea, 0);
		ev_write(&wb, &eb, 0);
		r = wa.len == wb.len && !memcmp(wa.p, wb.p, wa.len) &&
			ea.text_len == eb.text_len && ea.has_tokens == eb.has_tokens &&
			ea.update == eb.update && ea.ts == eb.ts &&
			(!ea.text) == (!eb.text) && (!ea.text || !memcmp(ea.text, eb.text, ea.text_len)) &&
			!memcmp(&ea.tokens, &eb.tokens, sizeof ea.tokens) &&
			(!ea.tools) == (!eb.tools) && (!ea.process) == (!eb.process);
		if (!r)
			printf("#   fast: %.*s#   slow: %.*s", (int)wa.len, wa.p, (int)wb.len, wb.p);
	}
	sb_free(&wa);
	sb_free(&wb);
	free(a);
	free(b);
	return r;
}

static uint64_t rng = 0x2545f4914f6cdd1dULL;
static unsigned rnd(unsigned n)
{
	return (unsigned)(tap_xorshift(&rng) % n);
}

/* Records read for some keys alone (evf_need, with agent-stack's lists
 * for the tokens view): the keys read as ev_read reads them, whatever
 * the members passed over hold, and a line the fast path takes is one
 * that jparse takes.  Edges: the kind not first (members before it read
 * whole), a needed key again after members passed over (the last
 * counts), a second kind after them (its needs may be others: left to
 * jparse), members passed over that jparse or the fast path would not
 * take as they stand (a number in a string, an object, bad UTF-8, a
 * surrogate, a NUL escape, an array of numbers, a key it does not know
 * but ev_read reads), escapes and spaces; then the seeds' mutations. */
static void needs(const char *pick)
{
	struct sv_opts o = {.view = SV_TOKENS, .kinds = 0xf, .depth = 2, .since = TS_NONE,
		.until = TS_NONE};
	struct sv *s = sv_new(&o);
	const char *known = " prompt parent id tool update usage model tokens tags ";
	for (int i = 0; i < 3; i++) {
		need_keys[i] = sv_reads(s, need_kinds[i]);
		ok(need_keys[i] != NULL, "the tokens view reads %s records for some keys", need_kinds[i]);
		bool all = need_keys[i] != NULL;
		for (const char *p = need_keys[i]; p && *p; ) {
			size_t n = strcspn(p, " ");
			char k[32];
			snprintf(k, sizeof k, " %.*s ", (int)n, p);
			all = all && strstr(known, k);
			p += n + (p[n] == ' ');
		}
		ok(all, "the test cuts every key of the %s list", need_kinds[i]);
		evf_need(need_kinds[i], need_keys[i]);
	}
	needs_on = true;
	static const char *const lines[] = {
		/* 0-8: the fast path's, some members passed over (not in 8,
		 * whose escaped kind is read as needing every key) */
		"{\"kind\":\"effect\",\"agent\":\"claude\",\"session\":\"s1\",\"ts\":\"2026-01-01T00:00:06.042Z\","
		"\"id\":\"t1#1\",\"parent\":\"t1\",\"prompt\":\"u1\",\"cwd\":\"/p\",\"status\":\"ok\","
		"\"effect\":\"exec\",\"class\":\"read\",\"process\":[\"bash\",\"tail\"],\"argv\":[],\"count\":3}",
		"{\"agent\":\"claude\",\"cwd\":\"/p\",\"kind\":\"effect\",\"session\":\"s1\",\"cwd\":\"/q\","
		"\"parent\":\"t1\"}",
		"{\"kind\":\"effect\",\"parent\":\"t1\",\"path\":\"/a\",\"parent\":\"t2\",\"prompt\":\"u1\","
		"\"path\":\"/b\",\"prompt\":null}",
		"{\"kind\":\"tool\",\"cwd\":\"/p\",\"tool\":\"Bash\",\"exit\":\"3\",\"duration_ms\":\"x\",\"tool\":\"Read\"}",
		"{\"kind\":\"tool\",\"cwd\":\"/p\",\"exit\":\"3\",\"pid\":true,\"argv\":[\"a\\n\\u00e9\"],\"tool\":\"Read\","
		"\"status\":\"caf\xc3\xa9 \\\"q\\\"\",\"duration_ms\":12,\"count\":null,\"text\":\"\x01\"}",
		"{\"kind\":\"llm\",\"session\":\"s\",\"text\":\"a\\tb\",\"tools\":[\"Read\"],\"model\":\"m\","
		"\"tags\":{\"llm\":\"x\\u00e9\"},\"rule\":\"r\",\"model\":\"n\",\"tokens\":{\"input\":1}}",
		"{\"kind\":\"effect\",\"agent\":\"claude\",\"session\":\"s1\",\"subagent\":\"a1\","
		"\"subagent_type\":\"Explore\",\"cwd\":\"0123456789abcdef0123456789abcdef\",\"prompt\":\"u1\"}",
		"{\"kind\":\"effect\",\"model\":\"m\",\"tokens\":{\"input\":5},\"tags\":{\"llm\":\"t\"}}",
		"{\"kind\":\"eff\\u0065ct\",\"cwd\":\"/p\",\"parent\":\"t1\"}",
		/* 9-: left to jparse (or not records) */
		"{\"kind\":\"effect\",\"agent\":\"claude\",\"session\":\"s1\",\"model\":\"late\",\"kind\":\"llm\","
		"\"id\":\"m9\",\"tokens\":{\"input\":5}}",
		"{\"kind\":\"effect\",\"cwd\":\"/p\",\"kind\":\"effect\",\"parent\":\"t1\"}",
		"{\"kind\":\"tool\",\"cwd\":\"/p\",\"kind\":null}",
		"{\"kind\":\"effect\",\"cwd\":{\"a\":1},\"parent\":\"t1\"}",
		"{\"kind\":\"effect\",\"cwd\":\"bad \xff\",\"parent\":\"t1\"}",
		"{\"kind\":\"effect\",\"cwd\":\"\\ud800\",\"parent\":\"t1\"}",
		"{\"kind\":\"effect\",\"cwd\":\"a\\u0000b\",\"parent\":\"t1\"}",
		"{\"kind\":\"effect\",\"process\":[1],\"parent\":\"t1\"}",
		"{\"kind\":\"effect\",\"process\":[\"a\",],\"parent\":\"t1\"}",
		"{\"kind\":\"effect\",\"unresolved\":[\"t1\",\"t2\"],\"parent\":\"p1\"}",
		"{\"kind\":\"effect\",\"p\\u0061rent\":\"t1\",\"cwd\":\"/p\"}",
		"{\"kind\":\"effect\", \"cwd\":\"/p\",\"parent\":\"t1\"}",
		"{\"kind\":\"effect\",\"cwd\":\"/p\" ,\"parent\":\"t1\"}",
		"{\"kind\":\"effect\",\"cwd\":\"/p\",\"count\":01}",
		"{\"kind\":\"effect\",\"cwd\":\"/p\",\"count\":tru}",
		"{\"kind\":\"effect\",\"cwd\":\"/p\"",
		"{\"kind\":\"effect\",\"cwd\":\"/p\",}",
	};
	int fast;
	for (size_t i = 0; i < sizeof lines / sizeof *lines; i++) {
		int r = same(lines[i], strlen(lines[i]), &fast);
		ok(r, "needs: line %zu read as ev_read reads the keys needed (%s)", i,
			fast ? "fast" : "left to jparse");
		ok(fast == (i < 9), "needs: line %zu %s", i, i < 9 ? "read by the fast path" :
			"left to jparse");
	}
	/* the seeds' mutations again, kinds changed and all */
	int bad = 0, nfast = 0;
	char buf[1024];
	for (int it = 0; it < 200000; it++) {
		const char *sd = seeds[rnd(NSEEDS)];
		size_t n = strlen(sd);
		memcpy(buf, sd, n);
		for (int m = 1 + (int)rnd(3); m > 0; m--) {
			size_t at = rnd((unsigned)n);
			if (rnd(2)) {
				buf[at] = pick[rnd((unsigned)strlen(pick) + 1)];
			} else if (n > 1) {
				memmove(buf + at, buf + at + 1, n - at - 1);
				n--;
			}
		}
		if (!same(buf, n, &fast) && bad++ < 5)
			printf("#   differs: %.*s\n", (int)n, buf);
		nfast += fast;
	}
	is_int(bad, 0, "needs: 200000 mutated records read as ev_read reads the keys needed "
		"(%d by the fast path)", nfast);
	/* every key again */
	for (int i = 0; i < 3; i++)
		evf_need(need_kinds[i], NULL);
	needs_on = false;
	ok(same(lines[0], strlen(lines[0]), &fast) && fast, "needs dropped: every key read again");
	sv_free(s);
}

int main(void)
{
	int fast;
	for (size_t i = 0; i < NSEEDS; i++) {
		int r = same(seeds[i], strlen(seeds[i]), &fast);
		ok(r, "seed %zu read as ev_read reads it (%s)", i, fast ? "fast" : "left to jparse");
		/* the first ten are records as the programs write them, odd
		 * but plain ones and long strings: read by the fast path */
		if (i < 10)
			ok(fast, "seed %zu: read by the fast path", i);
		else
			ok(!fast, "seed %zu: left to jparse", i);
	}
	/* The known keys matched in order from the last met (16 bytes at a
	 * time, or byte by byte near the end of the line) and the long way
	 * (out of order, unknown, escaped); timestamps read by the minute and
	 * each other form (and bad ones) by ts_parse: one after another, so
	 * that the minute kept from one record meets the next. */
	static const char *const more[] = {
		"{\"kind\":\"tool\",\"ts\":\"2026-01-01T00:00:03.021Z\",\"id\":\"t1\"}",
		"{\"kind\":\"tool\",\"ts\":\"2026-01-01T00:00:59.999Z\",\"id\":\"t2\"}",
		"{\"kind\":\"tool\",\"ts\":\"2026-01-01T00:00:60.000Z\",\"id\":\"t3\"}",
		"{\"kind\":\"tool\",\"ts\":\"2026-01-01T00:00:61.000Z\",\"id\":\"t4\"}",
		"{\"kind\":\"tool\",\"ts\":\"2026-01-01T00:01:00.000Z\",\"id\":\"t5\"}",
		"{\"kind\":\"tool\",\"ts\":\"2026-01-01T24:00:00.000Z\",\"id\":\"t6\"}",
		"{\"kind\":\"tool\",\"ts\":\"2026-02-30T00:00:00.000Z\",\"id\":\"t7\"}",
		"{\"kind\":\"tool\",\"ts\":\"2026-01-01T00:01:0x.000Z\",\"id\":\"t8\"}",
		"{\"kind\":\"tool\",\"ts\":\"2026-01-01T00:01:00.000+01:00\",\"id\":\"t9\"}",
		"{\"kind\":\"tool\",\"ts\":\"2026-01-01T00:01:00Z\",\"id\":\"t10\"}",
		"{\"kind\":\"tool\",\"ts\":\"2026-01-01t00:01:00.000z\",\"id\":\"t11\"}",
		"{\"kind\":\"tool\",\"ts\":\"2026-01-01T00:01:00.000Z\",\"id\":\"t5\"}",
		"{\"kind\":\"tool\",\"ts\":\"2026-01-01T00:0\\u0031:00.000Z\",\"id\":\"t12\"}",
		"{\"kind\":\"llm\",\"id\":\"m\",\"session\":\"s\",\"kind\":\"tool\",\"x\":1,\"agent\":\"a\"}",
		"{\"kind\":\"llm\",\"sessio\":\"s\",\"sessionx\":\"s\",\"ses\\u0073ion\":\"t\",\"to\":\"b\"}",
		"{\"kind\":\"llm\",\"rule\":\"r\",\"id\":\"z\"}",
		"{\"kind\":\"llm\",\"id\":\"z\"}",
		"{\"kind\":\"llm\",\"subagent_type\":\"Explore\"}",
		"{\"kind\":\"llm\",\"subagent_type\":1}",
		"{\"kind\":\"llm\",\"id\"",
		"{\"kind\":\"llm\",\"id\":",
	};
	for (size_t i = 0; i < sizeof more / sizeof *more; i++) {
		int r = same(more[i], strlen(more[i]), &fast);
		ok(r, "key order and time %zu read as ev_read reads it (%s)", i,
			fast ? "fast" : "left to jparse");
		/* all but an escaped key and a cut line: the fast path's */
		if (i != 14 && i < 19)
			ok(fast, "key order and time %zu: read by the fast path", i);
	}
	/* the NUL that ends pick is picked too: a line's own NUL must stop
	 * the fast path where it is, with the line given back as it was
	 * (the quotes it made NULs before that are quotes again) */
	/* The shapes read by shortcuts first: the six token counts and the
	 * tags in the order the programs write them, and near misses that
	 * the general loops read; a timestamp in the minute read last
	 * (seconds 59, 60 and 61, a quote or escape where its end would be);
	 * a line's last string under 16 bytes from its end. */
	static const char *const shapes[] = {
		"{\"kind\":\"llm\",\"tokens\":{\"input\":1,\"cache_read\":2,\"cache_write\":3,"
		"\"cache_write_1h\":4,\"output\":5,\"reasoning\":6}}",
		"{\"kind\":\"llm\",\"tokens\":{\"input\":1,\"cache_read\":2,\"cache_write\":3,"
		"\"cache_write_1h\":4,\"output\":5}}",
		"{\"kind\":\"llm\",\"tokens\":{\"input\":1,\"cache_read\":2,\"cache_write\":3,"
		"\"cache_write_1h\":4,\"output\":5,\"reasoning\":6,\"input\":9}}",
		"{\"kind\":\"llm\",\"tokens\":{\"cache_read\":2,\"input\":1,\"output\":null}}",
		"{\"kind\":\"llm\",\"tokens\":{\"input\":01,\"output\":5}}",
		"{\"kind\":\"llm\",\"tags\":{\"session\":\"a\",\"prompt\":\"b\",\"llm\":\"c\"}}",
		"{\"kind\":\"llm\",\"tags\":{\"prompt\":\"b\",\"session\":\"a\"}}",
		"{\"kind\":\"llm\",\"tags\":{\"session\":\"a\",\"session\":\"b\"}}",
		"{\"kind\":\"llm\",\"tags\":{\"session\":\"a\\u00e9\",\"llm\":\"c\\n\"}}",
		"{\"kind\":\"llm\",\"tags\":{\"session\":\"a\",\"x\":\"y\",\"llm\":\"c\"}}",
		"{\"kind\":\"llm\",\"tags\":{\"llm\":\"c\",\"prompt\":\"b\"}}",
		"{\"kind\":\"llm\",\"tags\":{\"session\":null,\"llm\":\"c\"}}",
		"{\"kind\":\"tool\",\"ts\":\"2026-03-01T10:20:00.000Z\",\"id\":\"a\"}",
		"{\"kind\":\"tool\",\"ts\":\"2026-03-01T10:20:59.999Z\",\"id\":\"b\"}",
		"{\"kind\":\"tool\",\"ts\":\"2026-03-01T10:20:60.000Z\",\"id\":\"c\"}",
		"{\"kind\":\"tool\",\"ts\":\"2026-03-01T10:20:61.000Z\",\"id\":\"d\"}",
		"{\"kind\":\"tool\",\"ts\":\"2026-03-01T10:20:01.000Zx\",\"id\":\"e\"}",
		"{\"kind\":\"tool\",\"ts\":\"2026-03-01T10:20:01.00\\u0030Z\",\"id\":\"f\"}",
		"{\"kind\":\"tool\",\"ts\":\"2026-03-01T10:20:01.000Z\"}",
		"{\"kind\":\"tool\",\"ts\":\"2026-03-01T10:20:02.000Z\",\"ts\":null}",
		"{\"kind\":\"tool\",\"id\":\"0123456789\",\"rule\":\"abc\"}",
		"{\"kind\":\"tool\",\"rule\":\"abc\\\"d\"}",
	};
	for (size_t i = 0; i < sizeof shapes / sizeof *shapes; i++) {
		int r = same(shapes[i], strlen(shapes[i]), &fast);
		ok(r, "shape %zu read as ev_read reads it (%s)", i, fast ? "fast" : "left to jparse");
		if (i != 4)
			ok(fast, "shape %zu: read by the fast path", i);
		else
			ok(!fast, "shape %zu: left to jparse", i);
	}
	/* A kind's leading plain members (kind, agent, session, subagent,
	 * subagent_type) taken from its last record when a line begins with
	 * the same bytes: read in this order, each as ev_read reads it, with
	 * near misses (a byte of the session, a longer agent, the subagent
	 * left out, an escape, a null, a repeated key after the prefix, a
	 * kind of the same first letter, a line cut after the prefix or
	 * declined after it, which must come back unchanged). */
	static const char *const prefixes[] = {
		"{\"kind\":\"tool\",\"agent\":\"claude\",\"session\":\"s1\",\"ts\":\"2026-01-01T00:00:01.000Z\",\"id\":\"t1\"}",
		"{\"kind\":\"tool\",\"agent\":\"claude\",\"session\":\"s1\",\"ts\":\"2026-01-01T00:00:02.000Z\",\"id\":\"t2\"}",
		"{\"kind\":\"tool\",\"agent\":\"claude\",\"session\":\"s1\",\"id\":\"t3\"}",
		"{\"kind\":\"tool\",\"agent\":\"claude\",\"session\":\"s2\",\"id\":\"t4\"}",
		"{\"kind\":\"tool\",\"agent\":\"claude\",\"session\":\"s2\",\"id\":\"t5\"}",
		"{\"kind\":\"tool\",\"agent\":\"claude\",\"session\":\"s1\",\"id\":\"t6\"}",
		"{\"kind\":\"tool\",\"agent\":\"claudex\",\"session\":\"s1\",\"id\":\"t7\"}",
		"{\"kind\":\"tool\",\"agent\":\"claude\",\"session\":\"s1\",\"subagent\":\"a1\",\"subagent_type\":\"Explore\",\"id\":\"t8\"}",
		"{\"kind\":\"tool\",\"agent\":\"claude\",\"session\":\"s1\",\"subagent\":\"a1\",\"subagent_type\":\"Explore\",\"id\":\"t9\"}",
		"{\"kind\":\"tool\",\"agent\":\"claude\",\"session\":\"s1\",\"subagent\":\"a1\",\"id\":\"t10\"}",
		"{\"kind\":\"tool\",\"agent\":\"claude\",\"session\":\"s1\",\"subagent\":\"a1\",\"subagent_type\":\"Explore\",\"id\":\"t11\"}",
		"{\"kind\":\"tool\",\"agent\":\"claude\",\"session\":\"s1\",\"subagent\":\"a1\",\"subagent_type\":\"Explore\",\"subagent\":\"a2\"}",
		"{\"kind\":\"tool\",\"agent\":\"claude\",\"session\":\"s1\",\"subagent\":\"a1\",\"subagent_type\":\"Explore\",\"kind\":\"llm\"}",
		"{\"kind\":\"tool\",\"agent\":\"claude\",\"session\":\"s1\",\"subagent\":\"a1\",\"subagent_type\":\"Explore\",\"session\":null}",
		"{\"kind\":\"tool\",\"agent\":\"claude\",\"session\":\"s1\",\"subagent\":\"a1\",\"subagent_type\":\"Explore\",}",
		"{\"kind\":\"tool\",\"agent\":\"claude\",\"session\":\"s1\",\"subagent\":\"a1\",\"subagent_type\":\"Explore\",\"id\":3}",
		"{\"kind\":\"tool\",\"agent\":\"claude\",\"session\":\"s1\",\"subagent\":\"a1\",\"subagent_type\":\"Explore\",\"x\":1}",
		"{\"kind\":\"tool\",\"agent\":\"claude\",\"session\":\"s1\",\"subagent\":\"a1\",\"subagent_type\":\"Explore\"}",
		"{\"kind\":\"tool\",\"agent\":\"cl\\u0061ude\",\"session\":\"s1\",\"id\":\"t12\"}",
		"{\"kind\":\"tool\",\"agent\":\"cl\\u0061ude\",\"session\":\"s1\",\"id\":\"t13\"}",
		"{\"kind\":\"tool\",\"agent\":null,\"session\":\"s1\",\"id\":\"t14\"}",
		"{\"kind\":\"tool\",\"agent\":null,\"session\":\"s1\",\"id\":\"t15\"}",
		"{\"kind\":\"tool\",\"agent\":\"claude\",\"agent\":\"codex\",\"session\":\"s1\",\"id\":\"t16\"}",
		"{\"kind\":\"tool\",\"agent\":\"claude\",\"agent\":\"codex\",\"session\":\"s1\",\"id\":\"t17\"}",
		"{\"kind\":\"tool\",\"agent\":\"claude\",\"agent\":\"codex\",\"session\":\"s1\",\"agent\":null}",
		"{\"kind\":\"tool\",\"agent\":\"caf\xc3\xa9\",\"session\":\"s1\",\"id\":\"t18\"}",
		"{\"kind\":\"tool\",\"agent\":\"caf\xc3\xa9\",\"session\":\"s1\",\"id\":\"t19\"}",
		"{\"kind\":\"text\",\"agent\":\"claude\",\"session\":\"s1\",\"id\":\"x1\"}",
		"{\"kind\":\"tool\",\"agent\":\"claude\",\"session\":\"s1\",\"id\":\"t20\"}",
		"{\"kind\":\"session\",\"agent\":\"claude\",\"session\":\"s1\",\"cwd\":\"/p\"}",
		"{\"kind\":\"summary\",\"agent\":\"claude\",\"session\":\"s1\",\"count\":2}",
		"{\"kind\":\"session\",\"agent\":\"claude\",\"session\":\"s1\",\"cwd\":\"/q\"}",
		"{\"kind\":\"tool\",\"session\":\"s1\",\"agent\":\"claude\",\"id\":\"t21\"}",
		"{\"kind\":\"tool\",\"session\":\"s1\",\"agent\":\"claude\",\"id\":\"t22\"}",
		"{\"kind\":\"tool\",\"session\":\"s1\",\"agent\":\"claude\",\"session\":\"s2\",\"id\":\"t23\"}",
		"{\"kind\":\"tool\",\"session\":\"s1\",\"agent\":\"claude\",\"session\":\"s2\",\"id\":\"t24\"}",
		"{\"kind\":\"tool\",\"session\":\"s1\",\"agent\":\"claude\",\"session\":\"s2\",\"id\":\"t\0\"}",
		"{\"kind\":\"tool\",\"session\":\"s1\",\"agent\":\"claude\",\"session\":\"s2\",\"id\":\"t25\"}",
	};
	static const char fastp[] = "11111111111111" "0" "111111111111111111111" "0" "1";
	_Static_assert(sizeof fastp - 1 == sizeof prefixes / sizeof *prefixes, "one flag a line");
	for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++) {
		size_t n = strlen(prefixes[i]);
		if (i == 36)
			n += 1 + strlen(prefixes[i] + n + 1);   /* the NUL in it */
		int r = same(prefixes[i], n, &fast);
		ok(r, "prefix %zu read as ev_read reads it (%s)", i, fast ? "fast" : "left to jparse");
		ok(fast == (fastp[i] == '1'), "prefix %zu: %s", i,
			fastp[i] == '1' ? "read by the fast path" : "left to jparse");
	}
	static const char pick[] = "\"\\,:{}[]0123456789-.eEnultrfasu \x01\x80\xc3\xa9\xff";
	int bad = 0, nfast = 0, total = 0;
	char buf[1024];
	for (int it = 0; it < 200000; it++) {
		const char *s = seeds[rnd(NSEEDS)];
		size_t n = strlen(s);
		memcpy(buf, s, n);
		for (int m = 1 + (int)rnd(3); m > 0; m--) {
			size_t at = rnd((unsigned)n);
			switch (rnd(3)) {
			case 0:  /* replace */
				buf[at] = pick[rnd(sizeof pick)];
				break;
			case 1:  /* delete */
				if (n > 1) {
					memmove(buf + at, buf + at + 1, n - at - 1);
					n--;
				}
				break;
			default: /* insert */
				if (n + 1 < sizeof buf) {
					memmove(buf + at + 1, buf + at, n - at);
					buf[at] = pick[rnd(sizeof pick)];
					n++;
				}
			}
		}
		total++;
		if (!same(buf, n, &fast)) {
			if (bad++ < 5)
				printf("#   differs: %.*s\n", (int)n, buf);
		}
		nfast += fast;
	}
	is_int(bad, 0, "200000 mutated records: each read as ev_read reads it, or left alone "
		"(%d read by the fast path)", nfast);
	ok(nfast > 1000 && nfast < total, "mutations reach both paths");
	needs(pick);
	jdoc_free(&d);
	return tap_done();
}
