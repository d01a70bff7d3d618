/* SPDX-License-Identifier: MIT */
/* Unit tests of cursor-agent's short way (common/agents/cursor.c,
 * included here for its static functions): a file read with it gives the
 * records, the messages and their places that the long way (jparse and
 * the node walk of turns_assistant and turns_user) gives, and a line it
 * takes is one jparse reads without a word.  Lines of every block and
 * string the short way reads, texts at the lengths where its scans change
 * step, escapes, non-ASCII, the strings and inputs it must leave to the
 * long way; each good line cut at every length and each byte of some
 * changed, among good lines (a malformed line is reported as before, at
 * its number, and the records around it still count).  Hand-made cases,
 * then random ones (a fixed seed: the same cases every run). */
#include "agents/cursor.c"
#include "tap.h"

static uint64_t seed = 0xc0115e5ca1ab1eULL;

static unsigned rnd(unsigned n)
{
	return (unsigned)(tap_xorshift(&seed) % n);
}

/* --- one file, either way ------------------------------------------------- */

/* sb_reset(&stdout_sb) out of line: inlined in read_file, gcc 12's UBSan
 * at -O2 took the thread-local's address for a null pointer there */
static __attribute__((noinline)) void out_reset(void)
{
	struct sbuf *o = &stdout_sb;
	o->len = 0;
	if (o->p)
		o->p[0] = 0;
}

/* What reading text[0..n) as a cursor-agent file writes: its records and
 * its messages, each after the offset of the output it followed. */
static void read_file(const char *text, size_t n, bool lw, struct sbuf *res)
{
	struct sbuf msgs = {0};
	struct diag_capture cap = {.msgs = &msgs};
	diag_capture = &cap;
	out_reset();
	struct ev_ctx c;
	ev_ctx_init(&c);
	struct lreader r;
	lr_open_mem(&r, text, n, "p/agent-transcripts/s.jsonl");
	long_way = lw;
	run(&c, &r, "p/agent-transcripts/s.jsonl");
	ev_file_done(&c);
	lr_close(&r);
	ev_ctx_free(&c);
	long_way = false;
	diag_capture = NULL;
	sb_reset(res);
	sb_add(res, stdout_sb.p ? stdout_sb.p : "", stdout_sb.len);
	for (size_t i = 0; i < cap.n; i++) {
		size_t from = i ? cap.end[i - 1] : 0;
		sb_printf(res, "@%zu %.*s", cap.at[i], (int)(cap.end[i] - from), msgs.p + from);
	}
	out_reset();
	free(cap.at);
	free(cap.end);
	sb_free(&msgs);
}

static int file_bad;

/* text read both ways: the same bytes */
static void same_file(const char *text, size_t n)
{
	struct sbuf a = {0}, b = {0};
	read_file(text, n, true, &a);
	read_file(text, n, false, &b);
	if (a.len != b.len || memcmp(a.p, b.p, a.len)) {
		if (file_bad++ < 3) {
			printf("# short way differs on:\n# %.*s\n", (int)(n > 600 ? 600 : n), text);
			size_t i = 0;
			while (i < a.len && i < b.len && a.p[i] == b.p[i])
				i++;
			printf("# long:  %.200s\n# short: %.200s\n", a.p + i, b.p + i);
		}
	}
	sb_free(&a);
	sb_free(&b);
}

/* --- one line --------------------------------------------------------------- */

static int line_bad, took;

/* The line s[0..n), in a buffer of exactly its bytes and a NUL (what the
 * reader gives: anything read past it is an error under ASan): when the
 * short way takes it, jparse reads it without a word into an object. */
static void line_case(const char *s, size_t n)
{
	char *l = xmalloc(n + 1);
	memcpy(l, s, n);
	l[n] = 0;
	static struct cshort k;
	struct ev_ctx c;
	ev_ctx_init(&c);
	struct lreader r;
	lr_open_mem(&r, "", 0, "s.jsonl");
	struct turns t;
	turns_init(&t, &c, &r, "cursor");
	t.usage = "none";
	t.no_results = true;
	if (short_line(&k, &t, l, n)) {
		took++;
		struct jdoc d = {0};
		if (jparse(&d, l, n) || d.badutf8 || jroot(&d)->type != J_OBJ) {
			if (line_bad++ < 5)
				printf("# taken the short way, but jparse says %s: %.*s\n",
					d.err ? d.err : "badutf8 or no object", (int)(n > 300 ? 300 : n), s);
		}
		jdoc_free(&d);
	}
	turns_done(&t);
	lr_close(&r);
	ev_ctx_free(&c);
	out_reset();
	free(l);
}

/* --- the cases ------------------------------------------------------------ */

static const char *const strs[] = {
	"", "a", "Next step 1.", "lorem ipsum dolor sit amet", "\\n", "\\\\", "\\\"", "\\/",
	"\\b\\f\\n\\r\\t", "\\u00e9", "\\u0041BC", "\\ud83d\\ude00", "\\ud83d", "\\ude00x",
	"caf\xc3\xa9", "\xe2\x82\xac 10", "\xf0\x9f\x98\x80", "<user_query>\\nfix it\\n</user_query>",
	"<user_query>\\n  both  \\n</user_query>", "<user_query>open only", "a}b]c{d[e",
	"\\\"}]}}", "{\\\"type\\\":\\\"text\\\"}", "Read", "StrReplace", "Shell",
	/* left to the long way */
	"\\u0000", "nul\\u0000x", "\xff", "ab\xc3", "\xed\xa0\x80", "tab\there", "\x01",
	"bad \\q escape", "\\u12", "\\uzzzz",
};
#define NSTRS (sizeof strs / sizeof *strs)

static const char *const inputs[] = {
	"{}", "{\"file_path\":\"/home/dev/project/src/parser.c\"}",
	"{\"command\":\"cd src && make test | tail -20\",\"description\":\"run tests\"}",
	"{\"pattern\":\"parse_expr\",\"path\":\"src\"}",
	"{\"a\":[1,2,{\"b\":null}],\"c\":true,\"d\":-1.5e3}",
	"{\"s\":\"}]\\\"{[\"}", "{\"k\":\"caf\xc3\xa9\"}", "{\"k\":\"\\u00e9\\n\"}",
	"{ \"spaced\" : 1 }", "{\"old_string\":\"i <= n\",\"new_string\":\"i < n\"}",
	/* left to the long way */
	"{\"bad\":tru}", "{\"k\":1,}", "{\"k\":\"\xff\"}", "{\"k\":\"\\q\"}", "{\"k\":1", "{\"k\":[1}",
	"[1,2]", "\"str\"", "{\"a\":1}}",
};
#define NINPUTS (sizeof inputs / sizeof *inputs)

/* a text of n bytes of the given kind: plain, or a stop (an escape, a
 * non-ASCII letter, a quote escaped) at place at */
static void text_of(struct sbuf *b, size_t n, size_t at, int kind)
{
	for (size_t i = 0; i < n; i++) {
		if (i == at && kind == 1)
			sb_adds(b, "\\n");
		else if (i == at && kind == 2)
			sb_adds(b, "\xc3\xa9");
		else if (i == at && kind == 3)
			sb_adds(b, "\\\"");
		else if (i == at && kind == 4)
			sb_adds(b, "\xc3");       /* invalid: the long way */
		else
			sb_addc(b, (char)('a' + i % 26));
	}
}

static void block(struct sbuf *b, int type, const char *s, const char *id, const char *in)
{
	switch (type) {
	case 0:
		sb_printf(b, "{\"type\":\"text\",\"text\":\"%s\"}", s);
		break;
	case 1:
		sb_printf(b, "{\"type\":\"thinking\",\"thinking\":\"%s\"}", s);
		break;
	default:
		sb_adds(b, "{\"type\":\"tool_use\",");
		if (id)
			sb_printf(b, "\"id\":\"%s\",", id);
		sb_printf(b, "\"name\":\"%s\",\"input\":%s}", s, in);
		break;
	}
}

/* a random line: mostly of the short way's shape, some of others */
static void random_line(struct sbuf *b)
{
	bool user = rnd(4) == 0;
	sb_printf(b, "{\"role\":\"%s\",\"message\":{\"content\":[", user ? "user" : "assistant");
	int nb = (int)rnd(5);
	if (!rnd(40))
		nb = SHORT_BLOCKS - 2 + (int)rnd(5);     /* around the short way's limit */
	for (int i = 0; i < nb; i++) {
		if (i)
			sb_addc(b, ',');
		int type = (int)rnd(3);
		const char *s = strs[rnd(rnd(8) ? NSTRS - 10 : NSTRS)];
		if (type == 1 && rnd(3) == 0) {
			struct sbuf t = {0};
			size_t n = rnd(200);
			text_of(&t, n, rnd((unsigned)n + 1), (int)rnd(5));
			block(b, 1, t.p ? t.p : "", NULL, NULL);
			sb_free(&t);
			continue;
		}
		const char *id = rnd(4) ? strs[rnd(NSTRS - 10)] : NULL;
		block(b, type, s, id, inputs[rnd(rnd(6) ? NINPUTS - 9 : NINPUTS)]);
	}
	sb_adds(b, "]}}");
}

static void hand_lines(struct sbuf *f)
{
	static const char *const lines[] = {
		"{\"role\":\"user\",\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"<user_query>\\nplease fix the failing test number 1 in the parser\\n</user_query>\"}]}}",
		"{\"role\":\"assistant\",\"message\":{\"content\":[{\"type\":\"thinking\",\"thinking\":\"hmm\"},{\"type\":\"text\",\"text\":\"Next step 1.\"},{\"type\":\"tool_use\",\"id\":\"toolu_1_1\",\"name\":\"Read\",\"input\":{\"file_path\":\"/home/dev/project/src/parser.c\"}}]}}",
		"{\"role\":\"assistant\",\"message\":{\"content\":[{\"type\":\"tool_use\",\"name\":\"Shell\",\"input\":{\"command\":\"ls -la /tmp\",\"description\":\"List\"}}]}}",
		"{\"role\":\"assistant\",\"message\":{\"content\":[]}}",
		"{\"role\":\"user\",\"message\":{\"content\":[]}}",
		"{\"role\":\"assistant\",\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"\"},{\"type\":\"text\",\"text\":\"b\"}]}}",
		"{\"role\":\"assistant\",\"message\":{\"content\":[{\"type\":\"tool_use\",\"id\":\"\",\"name\":\"\",\"input\":{}}]}}",
		"{\"role\":\"user\",\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"a\"},{\"type\":\"tool_use\",\"id\":\"x\",\"name\":\"Read\",\"input\":{}},{\"type\":\"text\",\"text\":\"b\"}]}}",
		/* the long way's own */
		"{\"role\":\"user\",\"message\":{\"content\":\"a string\"}}",
		"{\"role\":\"user\",\"message\":{\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_1_1\",\"is_error\":true}]}}",
		"{\"role\":\"system\",\"message\":{\"content\":[]}}",
		"{\"role\":\"assistant\",\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"x\"}]}} ",
		"{\"role\":\"assistant\",\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"x\"}]}}\r",
		"{ \"role\":\"assistant\",\"message\":{\"content\":[]}}",
		"{\"role\":\"assistant\",\"message\":{\"content\":[{\"text\":\"x\",\"type\":\"text\"}]}}",
		"{\"role\":\"assistant\",\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"x\",\"text\":\"y\"}]}}",
		"{\"role\":\"assistant\",\"message\":{\"content\":[{\"type\":\"tool_use\",\"name\":\"Read\",\"id\":\"i\",\"input\":{}}]}}",
		"{\"role\":\"assistant\",\"message\":{\"content\":[{\"type\":\"tool_use\",\"id\":\"i\",\"name\":\"Read\",\"input\":\"{}\"}]}}",
		"{\"role\":\"assistant\",\"message\":{\"content\":[{\"type\":\"redacted_thinking\",\"data\":\"x\"}]}}",
		"{\"role\":\"assistant\",\"message\":{\"content\":[{\"type\":\"thinking\",\"thinking\":\"x\",\"signature\":\"s\"}]}}",
		"{\"role\":\"assistant\",\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"x\"}],\"model\":\"m\"}}",
		"{\"role\":\"assistant\",\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"x\"}]},\"role\":\"user\"}",
		"{\"role\":\"assistant\",\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"x\"}]}}}",
		"{\"role\":\"assistant\",\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"x\"}]}}x",
		"{\"role\":\"assistant\",\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"x\"},]}}",
		"not json at all",
		"[1,2,3]",
		"\"role\"",
	};
	for (size_t i = 0; i < sizeof lines / sizeof *lines; i++) {
		line_case(lines[i], strlen(lines[i]));
		sb_adds(f, lines[i]);
		sb_addc(f, '\n');
	}
}

/* texts of every length to 200 with a stop at each place, as a thought
 * and as a text: the scans' steps of 16 and 64 bytes and their ends */
static void length_lines(struct sbuf *f)
{
	struct sbuf l = {0}, t = {0};
	for (size_t n = 0; n <= 200; n += n < 140 ? 1 : 7)
		for (size_t at = 0; at <= n; at += n < 70 ? 1 : 5)
			for (int kind = 0; kind < 5; kind++) {
				if (!kind && at)
					continue;
				sb_reset(&t);
				text_of(&t, n, at, kind);
				sb_reset(&l);
				sb_adds(&l, "{\"role\":\"assistant\",\"message\":{\"content\":[");
				block(&l, 1, t.p ? t.p : "", NULL, NULL);
				sb_addc(&l, ',');
				block(&l, 0, t.p ? t.p : "", NULL, NULL);
				sb_adds(&l, "]}}");
				line_case(l.p, l.len);
				if (n % 8 == 0 && at % 4 == 0) {
					sb_add(f, l.p, l.len);
					sb_addc(f, '\n');
				}
			}
	sb_free(&l);
	sb_free(&t);
}

/* inputs nested around SHORT_DEPTH and around the line's limit (512 in
 * all, four of them above the input) */
static void depth_lines(struct sbuf *f)
{
	static const int depths[] = {1, 2, SHORT_DEPTH - 1, SHORT_DEPTH, SHORT_DEPTH + 1, 507, 508, 509, 600};
	struct sbuf l = {0};
	for (size_t i = 0; i < sizeof depths / sizeof *depths; i++) {
		sb_reset(&l);
		sb_adds(&l, "{\"role\":\"assistant\",\"message\":{\"content\":[{\"type\":\"tool_use\",\"id\":\"d\",\"name\":\"Read\",\"input\":");
		for (int j = 0; j < depths[i]; j++)
			sb_adds(&l, j ? "{\"a\":" : "{\"file_path\":\"x\",\"a\":");
		sb_adds(&l, "1");
		for (int j = 0; j < depths[i]; j++)
			sb_addc(&l, '}');
		sb_adds(&l, "}]}}");
		line_case(l.p, l.len);
		sb_add(f, l.p, l.len);
		sb_addc(f, '\n');
	}
	sb_free(&l);
}

/* a good line cut at every length, and with each of a few bytes put at
 * every place, each among good lines: a malformed line is reported at
 * its number, the lines around it read */
static void broken_lines(struct sbuf *f)
{
	static const char good[] =
		"{\"role\":\"assistant\",\"message\":{\"content\":[{\"type\":\"thinking\",\"thinking\":\"t\\n\xc3\xa9\"},"
		"{\"type\":\"text\",\"text\":\"Next\"},{\"type\":\"tool_use\",\"id\":\"toolu_9\",\"name\":\"Grep\","
		"\"input\":{\"pattern\":\"x\",\"path\":\"src\"}}]}}";
	static const char user[] =
		"{\"role\":\"user\",\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"<user_query>\\nq\\n</user_query>\"}]}}";
	static const char swaps[] = {'"', '\\', '{', '}', '[', ']', ',', ':', ' ', 'x', '\n', '\0', '\x80'};
	size_t n = sizeof good - 1;
	struct sbuf l = {0};
	for (size_t cut = 0; cut < n; cut++) {
		line_case(good, cut);
		sb_adds(f, user);
		sb_addc(f, '\n');
		sb_add(f, good, cut);
		sb_addc(f, '\n');
		sb_adds(f, good);
		sb_addc(f, '\n');
	}
	for (size_t at = 0; at < n; at++)
		for (size_t k = 0; k < sizeof swaps; k++) {
			if (good[at] == swaps[k])
				continue;
			sb_reset(&l);
			sb_add(&l, good, n);
			l.p[at] = swaps[k];
			line_case(l.p, l.len);
			if (swaps[k] == '\n' || (at + k) % 3)
				continue;       /* one in three in the file: it stays small */
			sb_add(f, l.p, l.len);
			sb_addc(f, '\n');
			sb_adds(f, good);
			sb_addc(f, '\n');
		}
	sb_free(&l);
}

int main(void)
{
	struct sbuf f = {0}, l = {0};
	hand_lines(&f);
	same_file(f.p, f.len);
	/* the last line without its newline: complete, then cut */
	same_file(f.p, f.len - 1);
	same_file(f.p, f.len - 5);
	is_int(line_bad, 0, "hand-made lines: each the short way takes is one jparse reads without a word");
	is_int(file_bad, 0, "hand-made lines: the records and messages of the long way, at the same places");
	ok(took >= 8, "hand-made lines: the short way takes those of its shape (%d)", took);

	sb_reset(&f);
	took = line_bad = file_bad = 0;
	length_lines(&f);
	same_file(f.p, f.len);
	is_int(line_bad, 0, "texts of 0 to 200 bytes, a stop at each place: none taken that jparse rejects");
	is_int(file_bad, 0, "texts of 0 to 200 bytes, a stop at each place: the long way's records");
	ok(took > 1000, "texts of 0 to 200 bytes: the short way takes most (%d)", took);

	sb_reset(&f);
	line_bad = file_bad = 0;
	depth_lines(&f);
	same_file(f.p, f.len);
	is_int(line_bad, 0, "inputs nested 1 to 600 deep: none taken that jparse rejects");
	is_int(file_bad, 0, "inputs nested 1 to 600 deep: the long way's records and messages");

	sb_reset(&f);
	line_bad = file_bad = 0;
	broken_lines(&f);
	same_file(f.p, f.len);
	is_int(line_bad, 0, "a good line cut at every length, each byte changed: none taken that jparse rejects");
	is_int(file_bad, 0, "cut and changed lines among good ones: the same messages at the same lines, the same records");

	took = line_bad = file_bad = 0;
	int taken_lines = 0;
	for (int round = 0; round < 40; round++) {
		sb_reset(&f);
		for (int i = 0; i < 60; i++) {
			sb_reset(&l);
			random_line(&l);
			int before = took;
			line_case(l.p, l.len);
			taken_lines += took > before;
			sb_add(&f, l.p, l.len);
			sb_addc(&f, '\n');
		}
		same_file(f.p, f.len);
	}
	is_int(line_bad, 0, "random lines: none taken that jparse rejects");
	is_int(file_bad, 0, "random files: the long way's records and messages");
	ok(taken_lines > 600 && taken_lines < 2400, "random lines: the short way takes many, not all (%d of 2400)",
		taken_lines);

	sb_free(&f);
	sb_free(&l);
	effects_done();
	return tap_done();
}
