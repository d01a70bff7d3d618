/* SPDX-License-Identifier: MIT */
/* Unit tests of the record writer's shortcuts (event.c, privacy.c,
 * sbuf.c): each gives the bytes the long way gives, and falls back to
 * it where it must.  The texts a record repeats are redacted once and
 * kept (privacy.c's memo): a kept body is used only for the same bytes
 * in the same mode, and long texts are not kept.  A time on the day of
 * the last one has only its clock written (ev_write's ts_text).  Plain
 * strings are copied whole, others escaped.  sb_addi writes two digits
 * a division.  Literals' JSON strings are kept by their addresses. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "event.h"
#include "agents/events.h"
#include "toolkind.h"
#include "tap.h"

static const char *rec(struct sbuf *b, const struct event *e, unsigned flags)
{
	sb_reset(b);
	ev_write(b, e, flags);
	return b->p;
}

/* the body of s redacted in a record, the long way (no memo: the test
 * flag privacy_noskip also turns it off) */
static const char *slow(struct sbuf *b, const char *s, size_t n, bool label)
{
	privacy_noskip = true;
	sb_reset(b);
	if (label)
		sb_json_label_redacted(b, s, n);
	else
		sb_json_str_redacted(b, s, n);
	privacy_noskip = false;
	return b->p;
}

static const char *fast(struct sbuf *b, const char *s, size_t n, bool label)
{
	sb_reset(b);
	if (label)
		sb_json_label_redacted(b, s, n);
	else
		sb_json_str_redacted(b, s, n);
	return b->p;
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

/* Tool kinds: kept by the names' bytes, as agent_tool_kind gives them. */
static void kinds(void)
{
	struct sbuf *out = &stdout_sb;     /* what ev_emit writes */
	struct event e;
	int bad;
	static const char *const agents[] = {"claude", "codex", "gemini", "aider", "nosuch", NULL};
	static const char *const tools[] = {"Bash", "Read", "shell", "apply_patch",
		"run_shell_command", "mcp__srv__do", "srv__tool", "Edit", "x",
		"a_tool_name_of_seventy_characters_that_no_slot_can_keep_in_its_bytes__",
		"mcp__a_server_with_a_very_long_name_indeed__and_a_tool_with_one_too"};
	struct ev_ctx c;
	ev_ctx_init(&c);
	bad = 0;
	int n = 0;
	for (int round = 0; round < 3; round++)
		for (size_t a = 0; a < sizeof agents / sizeof *agents; a++)
			for (size_t t = 0; t < sizeof tools / sizeof *tools; t++) {
				ev_init(&e);
				e.kind = "tool";
				e.agent = agents[a];
				e.tool = tools[t];
				char want[256];
				if (agents[a])
					snprintf(want, sizeof want, "{\"kind\":\"tool\",\"agent\":\"%s\","
						"\"tool\":\"%s\",\"tool_kind\":\"%s\"}\n", agents[a], tools[t],
						tool_kind_name(agent_tool_kind(agents[a], tools[t])));
				else
					snprintf(want, sizeof want, "{\"kind\":\"tool\",\"tool\":\"%s\","
						"\"tool_kind\":\"%s\"}\n", tools[t],
						tool_kind_name(agent_tool_kind(NULL, tools[t])));
				sb_reset(out);
				ev_emit(&c, &e);
				bad += strcmp(out->p, want) != 0;
				n++;
			}
	is_int(bad, 0, "tool kinds: %d tool records, agents and names kept or too long", n);
	sb_reset(out);
	ev_init(&e);
	e.kind = "llm";
	e.agent = "codex";
	e.tools = (const char *[]){"shell", "apply_patch", "shell", "web_search"};
	e.ntools = 4;
	ev_emit(&c, &e);
	char want[256];
	snprintf(want, sizeof want, "{\"kind\":\"llm\",\"agent\":\"codex\",\"tools\":"
		"[\"shell\",\"apply_patch\",\"shell\",\"web_search\"],\"tool_kinds\":"
		"[\"%s\",\"%s\",\"%s\",\"%s\"]}\n",
		tool_kind_name(agent_tool_kind("codex", "shell")),
		tool_kind_name(agent_tool_kind("codex", "apply_patch")),
		tool_kind_name(agent_tool_kind("codex", "shell")),
		tool_kind_name(agent_tool_kind("codex", "web_search")));
	is_str(out->p, want, "tool kinds of an llm record's tools");
	sb_reset(out);
	ev_ctx_free(&c);
}

/* ev_write puts a record's pieces in place at its own pointer into the
 * buffer and makes room before each (event.c's struct wr): the record is
 * the same whatever the buffer held before it and however much room it
 * had, at every place the buffer must grow (every length of what it
 * held to 700, capacities of 64 to 1024), from no buffer at all, and
 * for a record without a key. */
static void grows(void)
{
	static const char *const proc[] = {"bash", "git"}, *const argv[] = {"git", "commit",
		"-m", "fix \"it\"", "--token", "sk-ant-api03-abcdefghijklmnopqrstuvwxyz"},
		*const tools[] = {"Bash", "Read", "Edit"}, *const kinds[] = {"shell", "read", "write"},
		*const unres[] = {"call_1", "call_2"};
	struct event e;
	ev_init(&e);
	e.kind = "effect";
	e.agent = "claude";
	e.session = "5e55a000-0000-4000-8000-000000000001";
	e.subagent = "agent-1";
	e.subagent_type = "Explore";
	e.ts = 1767225603021;
	e.id = "toolu_01#1";
	e.parent = "toolu_01";
	e.prompt = "5e55a000-0000-4000-8000-000000000001:p1";
	e.origin = "human";
	e.cwd = "/home/dev/project";
	e.version = "2.0.42";
	e.file = "/home/dev/.claude/projects/x/5e55a000.jsonl";
	e.model = "claude-sonnet-4-5-20250929";
	e.tool = "Bash";
	e.tool_kind = "shell";
	e.status = "ok";
	e.exit = 1;
	e.duration_ms = 1234;
	e.effect = "exec";
	e.class = "vcs";
	e.process = (const char **)proc;
	e.nprocess = 2;
	e.argv = (const char **)argv;
	e.nargv = 6;
	e.path = "/home/dev/project/src/a \"b\".c";
	e.to = "/tmp/x";
	e.domain = "example.com";
	e.port = 443;
	e.pid = 4242;
	e.ppid = 1;
	e.count = 3;
	e.unresolved = (const char **)unres;
	e.nunresolved = 2;
	e.update = true;
	e.usage = "rounded";
	e.has_tokens = true;
	e.tokens = (struct tokens){INT64_MAX, INT64_MIN, -1, 0, 1234567, 89};
	e.tools = (const char **)tools;
	e.ntools = 3;
	e.tool_kinds = (const char **)kinds;
	e.ntool_kinds = 3;
	e.text = "lorem ipsum \"dolor\" sit amet\nAPI_KEY=abc123def456 and more";
	e.text_len = strlen(e.text);
	e.tag_session = "s";
	e.tag_prompt = "p \"q\"";
	e.tag_llm = "l";
	e.rule = "r1";
	struct sbuf want = {0}, b = {0};
	sb_grow(&want, 1 << 16);
	ev_write(&want, &e, 0);
	ok(want.len > 900 && strstr(want.p, "[REDACTED]") && want.p[want.len - 1] == '\n',
		"a record with every field: %zu bytes", want.len);
	int bad = 0;
	for (size_t held = 0; held <= 700; held++)
		for (size_t cap = 64; cap <= 1024; cap *= 2) {
			b.len = 0;
			if (b.cap < cap) {
				b.p = realloc(b.p, cap);
				b.cap = cap;
			}
			memset(b.p, 'x', held);
			b.len = held;
			b.p[held] = 0;
			ev_write(&b, &e, 0);
			bad += b.len != held + want.len || memcmp(b.p + held, want.p, want.len) ||
				b.p[b.len] || strspn(b.p, "x") != held;
		}
	is_int(bad, 0, "the same record after 0 to 700 bytes held, in buffers of 64 to 1024");
	sb_free(&b);
	ev_write(&b, &e, 0);
	is_str(b.p, want.p, "the same record into no buffer");
	sb_free(&b);
	struct event none;
	ev_init(&none);
	ev_write(&b, &none, 0);
	is_str(b.p, "{}\n", "a record without a key, into no buffer");
	sb_reset(&b);
	sb_adds(&b, "abc");
	ev_write(&b, &none, 0);
	is_str(b.p, "abc{}\n", "and after bytes held");
	sb_free(&b);
	sb_free(&want);
}

/* The prompt and cwd a record repeats from the one before are written
 * from what they became then (event.c's fcache): only for the same bytes,
 * whatever buffer holds them; texts of every length around what a slot
 * keeps, secrets among them, NULL between. */
static void kept_fields(void)
{
	static const char *const bits[] = {"/home/dev/project", "p1", "x", "",
		"OPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwxyz", "caf\xc3\xa9 \"q\"\n",
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789ab",
		"https://u:pw@h/x", "token=abc123def"};
	const size_t nb = sizeof bits / sizeof *bits;
	struct sbuf b = {0}, want = {0}, buf[2] = {{0}, {0}};
	struct event e;
	int bad = 0;
	for (int it = 0; it < 20000; it++) {
		/* two texts made of bits, cut to a length around 96 */
		const char *v[2];
		for (int k = 0; k < 2; k++) {
			sb_reset(&buf[k]);
			for (unsigned j = 1 + (unsigned)(tap_xorshift(&rng) % 4); j; j--)
				sb_adds(&buf[k], bits[tap_xorshift(&rng) % nb]);
			if (tap_xorshift(&rng) % 2) {
				size_t l = 90 + tap_xorshift(&rng) % 12;
				if (buf[k].len > l) {
					buf[k].len = l;
					buf[k].p[l] = 0;
				}
			}
			v[k] = tap_xorshift(&rng) % 8 ? buf[k].p : NULL;
		}
		/* sometimes the same bytes in the other buffer, sometimes the
		 * buffer of the record before with other bytes */
		if (tap_xorshift(&rng) % 3 == 0 && v[0] && v[1]) {
			sb_reset(&buf[1]);
			sb_add(&buf[1], buf[0].p, buf[0].len);
			v[1] = buf[1].p;
		}
		ev_init(&e);
		e.kind = "tool";
		e.prompt = v[0];
		e.cwd = v[1];
		privacy_noskip = true;
		sb_reset(&want);
		ev_write(&want, &e, 0);
		privacy_noskip = false;
		sb_reset(&b);
		ev_write(&b, &e, 0);
		bad += strcmp(b.p, want.p) != 0;
		sb_reset(&b);
		ev_write(&b, &e, 0);
		bad += strcmp(b.p, want.p) != 0;
		if (tap_xorshift(&rng) % 2 && v[0] && buf[0].len) {
			/* the prompt's buffer changed in place (a byte may
			 * become its end) */
			buf[0].p[tap_xorshift(&rng) % buf[0].len] ^= 1;
			privacy_noskip = true;
			sb_reset(&want);
			ev_write(&want, &e, 0);
			privacy_noskip = false;
			sb_reset(&b);
			ev_write(&b, &e, 0);
			bad += strcmp(b.p, want.p) != 0;
		}
	}
	/* a text that the one before starts, and one that starts it */
	for (size_t k = 0; k < nb; k++)
		for (size_t cut = 0; cut < 3; cut++) {
			const char *steps[3] = {bits[k], NULL, NULL};
			sb_reset(&buf[0]);
			sb_adds(&buf[0], bits[k]);
			sb_adds(&buf[0], "z");
			steps[1] = buf[0].p;
			sb_reset(&buf[1]);
			sb_add(&buf[1], bits[k], strlen(bits[k]) > cut ? strlen(bits[k]) - cut : 0);
			steps[2] = buf[1].p;
			for (int i = 0; i < 3; i++) {
				ev_init(&e);
				e.kind = "tool";
				e.prompt = e.cwd = steps[i];
				privacy_noskip = true;
				sb_reset(&want);
				ev_write(&want, &e, 0);
				privacy_noskip = false;
				sb_reset(&b);
				ev_write(&b, &e, 0);
				bad += strcmp(b.p, want.p) != 0;
			}
		}
	is_int(bad, 0, "prompt and cwd repeated, changed, moved: 20,000 records as the long way");
	sb_free(&b);
	sb_free(&want);
	sb_free(&buf[0]);
	sb_free(&buf[1]);
}

/* Values in read-only memory (literals) are kept by address: the JSON
 * string of each is the one the bytes give, found the first time, kept
 * after, and read back after slots changed hands (more literals than
 * slots).  Suffixes of one literal are literals of every length, with
 * bytes to escape and without, around the slot's 30 bytes of text. */
static const char pool[] = "abc\"def\\ghi\njkl\x01mno caf\xc3\xa9 "
	"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-.:/@=";
static char writable[] = "status";

static void literals(void)
{
	struct sbuf b = {0}, w = {0};
	struct event e;
	char stack[] = "stack";
	char *heap = xstrdup("heap");
	ok(read_only_addr(pool) && read_only_addr(pool + sizeof pool - 1) && read_only_addr("tool"),
		"literals are read-only");
	ok(!read_only_addr(heap) && !read_only_addr(stack) && !read_only_addr(writable) &&
		!read_only_addr(&b), "the heap, the stack and writable statics are not");
	free(heap);
	int bad = 0, n = 0;
	for (int pass = 0; pass < 3; pass++)
		for (size_t i = 0; i < sizeof pool; i++)
			for (int f = 0; f < 9; f++) {
				const char *v = pool + i;
				char *copy = xstrdup(v);
				const char *vals[2] = {v, copy};
				const char *got[2];
				struct sbuf out[2] = {{0}, {0}};
				for (int k = 0; k < 2; k++) {
					ev_init(&e);
					const char *x = vals[k], *arr[3] = {"edit", x, "read"};
					switch (f) {
					case 0: e.kind = x; break;
					case 1: e.agent = x; break;
					case 2: e.origin = x; break;
					case 3: e.tool_kind = x; break;
					case 4: e.status = x; break;
					case 5: e.effect = x; break;
					case 6: e.class = x; break;
					case 7: e.usage = x; break;
					case 8: e.tool_kinds = arr;
						e.ntool_kinds = 3;
						break;
					}
					sb_adds(&out[k], rec(&b, &e, 0));
					got[k] = out[k].p;
				}
				/* the bytes sb_json_str gives */
				static const char *const keys[9] = {"kind", "agent", "origin", "tool_kind",
					"status", "effect", "class", "usage", "tool_kinds"};
				sb_reset(&w);
				sb_addc(&w, '{');
				sb_json_str(&w, keys[f], strlen(keys[f]));
				sb_addc(&w, ':');
				if (f == 8)
					sb_adds(&w, "[\"edit\",");
				sb_json_str(&w, v, strlen(v));
				if (f == 8)
					sb_adds(&w, ",\"read\"]");
				sb_adds(&w, "}\n");
				bad += strcmp(got[0], w.p) != 0 || strcmp(got[1], w.p) != 0;
				n++;
				sb_free(&out[0]);
				sb_free(&out[1]);
				free(copy);
			}
	is_int(bad, 0, "%d literals of every length in nine fields, and their copies on the heap, "
		"as sb_json_str writes them", n);
	/* a literal at the start of a record that grows its buffer */
	ev_init(&e);
	e.kind = "tool";
	e.status = "unknown";
	e.class = pool;
	struct sbuf g = {0};
	sb_adds(&g, "x");
	ev_write(&g, &e, 0);
	sb_reset(&w);
	sb_adds(&w, "x{\"kind\":\"tool\",\"status\":\"unknown\",\"class\":");
	sb_json_str(&w, pool, strlen(pool));
	sb_adds(&w, "}\n");
	is_str(g.p, w.p, "literals into a buffer that grows");
	sb_free(&g);
	sb_free(&b);
	sb_free(&w);
}

int main(void)
{
	struct sbuf b = {0}, w = {0};
	char big[400];

	/* --- the memo of redacted texts --- */
	const char *texts[] = {"/home/dev/project", "OPENAI_API_KEY=abc123def456",
		"5e55a000-0000-4000-8000-000000000001:p1", "user@example.com", "call_1_1#1",
		"a\"b\\c\n\x01\xff", "", "x"};
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
		size_t n = strlen(texts[i]);
		for (int label = 0; label < 2; label++) {
			slow(&w, texts[i], n, label);
			int bad = 0;
			for (int k = 0; k < 3; k++)     /* first sight, then kept */
				bad += strcmp(fast(&b, texts[i], n, label), w.p) != 0;
			is_int(bad, 0, "memo: '%s' (%s) as the long way, first and kept", texts[i],
				label ? "label" : "record");
		}
	}
	/* the same bytes in both modes: the label's e-mail is hidden, the record's not */
	is_str(fast(&b, "user@example.com", 16, false), "\"user@example.com\"", "memo: record mode");
	is_str(fast(&b, "user@example.com", 16, true), "\"[REDACTED]\"", "memo: label mode, same bytes");
	is_str(fast(&b, "user@example.com", 16, false), "\"user@example.com\"", "memo: record mode again");
	/* texts that differ in a middle byte only, of one length: one slot's
	 * hash may take both, the bytes tell them apart */
	int bad = 0;
	for (int k = 0; k < 2000; k++) {
		char t[64];
		snprintf(t, sizeof t, "prefix-%04d-%s-suffix", k % 97,
			k % 3 ? "TOKEN=abcdef123456" : "plain words here");
		size_t n = strlen(t);
		slow(&w, t, n, k & 1);
		bad += strcmp(fast(&b, t, n, k & 1), w.p) != 0;
	}
	is_int(bad, 0, "memo: 2,000 near-identical texts as the long way");
	/* a long text is never kept; a text whose body outgrows a slot neither */
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = 0;
	memcpy(big + 50, " API_KEY=s3cr3tv4lue ", 21);
	for (size_t n = 80; n < 200; n += 7) {
		slow(&w, big, n, false);
		bad += strcmp(fast(&b, big, n, false), w.p) != 0;
		bad += strcmp(fast(&b, big, n, false), w.p) != 0;
	}
	is_int(bad, 0, "memo: texts around the longest kept, twice each");
	char ctl[90];
	memset(ctl, 1, sizeof ctl);     /* each byte becomes \u0001: a body of 540 */
	slow(&w, ctl, sizeof ctl, false);
	is_str(fast(&b, ctl, sizeof ctl, false), w.p, "memo: a body too big for a slot, first");
	is_str(fast(&b, ctl, sizeof ctl, false), w.p, "memo: a body too big for a slot, again");
	/* random short texts from a few pieces: many repeats */
	static const char *const parts[] = {"sk-ant-", "api03", "=", ":", "-", "@", "Bearer ",
		"token", "x", "0123456789", "--password ", "/", "#1", "\"", "\xc3\xa9"};
	bad = 0;
	for (int it = 0; it < 50000; it++) {
		char t[128];
		size_t n = 0;
		for (unsigned k = (unsigned)(tap_xorshift(&rng) % 6); k; k--) {
			const char *p = parts[tap_xorshift(&rng) % (sizeof parts / sizeof *parts)];
			size_t l = strlen(p);
			if (n + l < sizeof t) {
				memcpy(t + n, p, l);
				n += l;
			}
		}
		bool label = tap_xorshift(&rng) & 1;
		slow(&w, t, n, label);
		bad += strcmp(fast(&b, t, n, label), w.p) != 0;
	}
	is_int(bad, 0, "memo: 50,000 random short texts as the long way");

	/* --- times: the clock alone on the same day --- */
	struct event e;
	ev_init(&e);
	e.kind = "tool";
	static const struct { int64_t ts; const char *want; } ts[] = {
		{INT64_C(1767225600000), "2026-01-01T00:00:00.000Z"},
		{INT64_C(1767225600001), "2026-01-01T00:00:00.001Z"},
		{INT64_C(1767311999999), "2026-01-01T23:59:59.999Z"},
		{INT64_C(1767312000000), "2026-01-02T00:00:00.000Z"},
		{INT64_C(1767225600000), "2026-01-01T00:00:00.000Z"},
		{INT64_C(1767225600000), "2026-01-01T00:00:00.000Z"},
		{INT64_C(1767266096789), "2026-01-01T11:14:56.789Z"},
		{-1, "1969-12-31T23:59:59.999Z"},
		{-2, "1969-12-31T23:59:59.998Z"},
		{0, "1970-01-01T00:00:00.000Z"},
		{1, "1970-01-01T00:00:00.001Z"},
		{INT64_C(253402300799999), "9999-12-31T23:59:59.999Z"},
		{INT64_C(253402300800000), "9999-12-31T23:59:59.999Z"},
		{INT64_C(253402300800001), "9999-12-31T23:59:59.999Z"},
		{INT64_C(253402300799000), "9999-12-31T23:59:59.000Z"},
		{INT64_C(86400000), "1970-01-02T00:00:00.000Z"},
	};
	for (size_t i = 0; i < sizeof ts / sizeof *ts; i++) {
		e.ts = ts[i].ts;
		char want[80];
		snprintf(want, sizeof want, "{\"kind\":\"tool\",\"ts\":\"%s\"}\n", ts[i].want);
		is_str(rec(&b, &e, 0), want, "ts %lld after %lld", (long long)ts[i].ts,
			i ? (long long)ts[i - 1].ts : 0LL);
	}
	/* random times against ts_format */
	bad = 0;
	int64_t t0 = INT64_C(1767225600000);
	for (int it = 0; it < 20000; it++) {
		uint64_t r = tap_xorshift(&rng);
		e.ts = r % 4 ? t0 + (int64_t)(r >> 8) % 200000000 : (int64_t)(r >> 20) - (INT64_C(1) << 43);
		char t[25], want[80];
		ts_format(e.ts, t);
		snprintf(want, sizeof want, "{\"kind\":\"tool\",\"ts\":\"%s\"}\n", t);
		bad += strcmp(rec(&b, &e, 0), want) != 0;
	}
	is_int(bad, 0, "20,000 random times as ts_format writes them");

	/* --- plain strings copied whole, others escaped --- */
	ev_init(&e);
	e.kind = "llm";
	e.model = "gpt-5-codex";
	e.tools = (const char *[]){"shell"};
	e.ntools = 1;
	e.tool_kinds = (const char *[]){"shell", "we\"ird\\kind\n", "caf\xc3\xa9", "bad\xff"};
	e.ntool_kinds = 4;
	is_str(rec(&b, &e, 0), "{\"kind\":\"llm\",\"model\":\"gpt-5-codex\",\"tools\":[\"shell\"],"
		"\"tool_kinds\":[\"shell\",\"we\\\"ird\\\\kind\\n\",\"caf\xc3\xa9\",\"bad\xef\xbf\xbd\"]}\n",
		"plain strings whole; quotes, backslashes, controls, UTF-8 and bad bytes escaped");
	e.model = "0123456789abcdef0123456789abcdef0123456789\t";
	e.tools = NULL;
	e.tool_kinds = NULL;
	is_str(rec(&b, &e, 0), "{\"kind\":\"llm\",\"model\":\"0123456789abcdef0123456789abcdef0123456789\\t\"}\n",
		"a string with its only escape past the first blocks");

	/* a plain string is copied whole, any other escaped: every length
	 * to 40 with a byte to escape (or none) at every place, and the
	 * bytes beside those escaped, which are not (plain_json's compares:
	 * ' ', '!', '#', '[', ']', DEL) */
	static const char special[] = {'"', '\\', '\n', 0x01, 0x1f, (char)0x80, (char)0xc3, (char)0xff, 'a',
		' ', '!', '#', '[', ']', 0x7f};
	bad = 0;
	for (size_t n = 0; n <= 40; n++)
		for (size_t at = 0; at < (n ? n : 1); at++)
			for (size_t k = 0; k < sizeof special; k++) {
				char v[48];
				for (size_t i = 0; i < n; i++)
					v[i] = (char)('A' + (i * 7 + k) % 26);
				if (n)
					v[at] = special[k];
				v[n] = 0;
				if (n && special[k] == (char)0xc3 && at + 1 < n)
					v[at + 1] = (char)0xa9;
				ev_init(&e);
				e.model = v;
				struct sbuf ws = {0};
				sb_adds(&ws, "{\"model\":");
				sb_json_str(&ws, v, strlen(v));
				sb_adds(&ws, "}\n");
				bad += strcmp(rec(&b, &e, 0), ws.p) != 0;
				sb_free(&ws);
			}
	is_int(bad, 0, "strings of 0 to 40 bytes with a byte to escape at every place");

	/* the first key's comma is the record's brace, whichever key is first */
	ev_init(&e);
	sb_reset(&b);
	sb_adds(&b, "{x");
	ev_write(&b, &e, 0);
	is_str(b.p, "{x{}\n", "a record without keys, after a brace");
	e.rule = "r";
	is_str(rec(&b, &e, 0), "{\"rule\":\"r\"}\n", "the last key alone");
	e.rule = NULL;
	e.tag_llm = "l";
	is_str(rec(&b, &e, 0), "{\"tags\":{\"llm\":\"l\"}}\n", "tags first");
	e.tag_llm = NULL;
	e.count = 3;
	e.has_tokens = true;
	is_str(rec(&b, &e, 0), "{\"count\":3,\"tokens\":{\"input\":0,\"cache_read\":0,"
		"\"cache_write\":0,\"cache_write_1h\":0,\"output\":0,\"reasoning\":0}}\n",
		"a number first, an object after");

	/* --- integers --- */
	static const struct { int64_t v; const char *s; } nums[] = {
		{0, "0"}, {7, "7"}, {10, "10"}, {99, "99"}, {100, "100"}, {101, "101"}, {999, "999"},
		{1000, "1000"}, {12345, "12345"}, {-1, "-1"}, {-10, "-10"}, {-100, "-100"},
		{INT64_MAX, "9223372036854775807"}, {INT64_MIN + 1, "-9223372036854775807"},
		{INT64_C(1099511627776), "1099511627776"}};
	for (size_t i = 0; i < sizeof nums / sizeof *nums; i++) {
		sb_reset(&b);
		sb_addi(&b, nums[i].v);
		is_str(b.p, nums[i].s, "sb_addi %s", nums[i].s);
	}
	bad = 0;
	for (int it = 0; it < 20000; it++) {
		int64_t v = (int64_t)tap_xorshift(&rng) >> (tap_xorshift(&rng) % 64);
		char want[32];
		snprintf(want, sizeof want, "%lld", (long long)v);
		sb_reset(&b);
		sb_addi(&b, v);
		bad += strcmp(b.p, want) != 0;
	}
	is_int(bad, 0, "sb_addi: 20,000 random integers as printf writes them");
	sb_reset(&b);
	sb_addi(&b, INT64_MIN);
	is_str(b.p, "-9223372036854775808", "sb_addi INT64_MIN");
	/* the record's own numbers (put_i64): exit, duration and the six
	 * counts of tokens, as sb_addi writes them */
	bad = 0;
	for (int it = 0; it < 5000; it++) {
		int64_t v[8];
		for (int k = 0; k < 8; k++) {
			v[k] = (int64_t)tap_xorshift(&rng) >> (tap_xorshift(&rng) % 64);
			if (it < 30)
				v[k] = it < 10 ? INT64_MIN + it : it < 20 ? INT64_MAX - (it - 10) : it - 25;
		}
		if (v[0] == EV_NONE)
			v[0] = 0;
		if (v[1] == EV_NONE)
			v[1] = 1;
		ev_init(&e);
		e.kind = "llm";
		e.exit = v[0];
		e.duration_ms = v[1];
		e.has_tokens = true;
		e.tokens = (struct tokens){v[2], v[3], v[4], v[5], v[6], v[7]};
		struct sbuf ws = {0};
		static const char *const keys[8] = {",\"exit\":", ",\"duration_ms\":",
			",\"tokens\":{\"input\":", ",\"cache_read\":", ",\"cache_write\":",
			",\"cache_write_1h\":", ",\"output\":", ",\"reasoning\":"};
		sb_adds(&ws, "{\"kind\":\"llm\"");
		for (int k = 0; k < 8; k++) {
			sb_adds(&ws, keys[k]);
			sb_addi(&ws, v[k]);
		}
		sb_adds(&ws, "}}\n");
		/* a buffer that must grow on the way */
		struct sbuf g = {0};
		sb_adds(&g, "x");
		ev_write(&g, &e, 0);
		bad += strcmp(rec(&b, &e, 0), ws.p) != 0 || strcmp(g.p + 1, ws.p) != 0;
		sb_free(&ws);
		sb_free(&g);
	}
	is_int(bad, 0, "a record's exit, duration and tokens: 5,000 sets, the extremes among them");

	/* --- argv: the program's rules looked up only when needed --- */
	static const struct { const char *v[6]; int n; bool notext; const char *want; } av[] = {
		{{"git", "config", "user.token", "abc"}, 4, false, "[\"git\",\"config\",\"user.token\",\"[REDACTED]\"]"},
		{{"ls", "user.token", "abc"}, 3, false, "[\"ls\",\"user.token\",\"abc\"]"},
		{{"ls", "aws_secret_access_key", "abc"}, 3, false, "[\"ls\",\"aws_secret_access_key\",\"[REDACTED]\"]"},
		{{"git", "commit", "-m", "fix it"}, 4, true, "[\"git\",\"commit\",\"-m\",\"[text]\"]"},
		{{"git", "commit", "-m", "fix"}, 4, false, "[\"git\",\"commit\",\"-m\",\"fix\"]"},
		{{"echo", "hi"}, 2, true, "[\"echo\",\"[text]\"]"},
		{{"echo", "hi"}, 2, false, "[\"echo\",\"hi\"]"},
		{{"curl", "-u", "me:pw"}, 3, false, "[\"curl\",\"-u\",\"me:[REDACTED]\"]"},
		{{"curl", "u", "me:pw"}, 3, false, "[\"curl\",\"u\",\"me:pw\"]"},
		{{"sshpass", "-p", "pw", "ssh"}, 4, false, "[\"sshpass\",\"-p\",\"[REDACTED]\",\"ssh\"]"},
		{{"redis-cli", "-a", "pw"}, 3, false, "[\"redis-cli\",\"-a\",\"[REDACTED]\"]"},
		{{"redis-cli", "a", "pw"}, 3, false, "[\"redis-cli\",\"a\",\"pw\"]"},
	};
	for (size_t i = 0; i < sizeof av / sizeof *av; i++) {
		sb_reset(&b);
		sb_json_argv_redacted(&b, av[i].v, av[i].n, av[i].notext);
		is_str(b.p, av[i].want, "argv %zu", i);
	}
	kinds();
	literals();
	kept_fields();
	grows();
	sb_free(&b);
	sb_free(&w);
	return tap_done();
}
