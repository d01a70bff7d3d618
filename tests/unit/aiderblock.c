/* SPDX-License-Identifier: MIT */
/* Unit tests of Aider's reading by the block (common/agents/aider.c,
 * included here for its static functions, and lineio.c's lr_lines and
 * lr_skip): markdown() must give what line() gives line by line from
 * lr_next, the records and the diagnostics with their line numbers, on
 * histories made of the lines that end a run of answer lines or not
 * (headers, prompts, notices, ">>>>>>> REPLACE", '#' titles, blank lines,
 * carriage returns at a line's end and inside it, lines of every length
 * around the sixteen bytes of a step), cut into blocks at every line
 * (the ends of the buffer), with and without a last newline, and an
 * answer past TEXT_MAX.  lr_lines and lr_skip against lr_next alone, read
 * and mapped.  Hand-made cases, then random ones (a fixed seed: the same
 * cases every run). */
#include <fcntl.h>
#include "agents/aider.c"
#include "tap.h"

static uint64_t seed = 0xa1de7b10c4ULL;

static unsigned rnd(unsigned n)
{
	return (unsigned)(tap_xorshift(&seed) % n);
}

/* How the blocks are cut: 0 whole, else at a random line of each. */
static int cut_mode;

/* markdown() with the blocks cut short at random lines' ends. */
static void markdown_cut(struct aider *a)
{
	const char *s;
	char *l;
	size_t n;
	for (;;) {
		if ((n = lr_lines(a->r, &s))) {
			if (cut_mode) {
				/* the end of a line picked at random */
				size_t at = rnd((unsigned)n);
				const char *nl = memchr(s + at, '\n', n - at);
				n = (size_t)(nl - s) + 1;
			}
			block(a, s, n);
		} else if (lr_next(a->r, &l, &n)) {
			line(a, l, n);
		} else {
			break;
		}
	}
}

/* The records and messages of text read as a history, by lines (the
 * reference) or by blocks. */
static void read_md(const char *text, size_t len, bool by_lines, struct sbuf *out, struct sbuf *msgs)
{
	struct sbuf m = {0};
	struct diag_capture cap = {.msgs = &m};
	struct ev_ctx c;
	ev_ctx_init(&c);
	struct lreader r;
	lr_open_mem(&r, text, len, "h.md");
	struct aider a;
	memset(&a, 0, sizeof a);
	a.c = &c;
	a.r = &r;
	a.dir = xstrdup("/d");
	memcpy(a.hash, "01234567", 9);
	sb_reset(&stdout_sb);
	diag_capture = &cap;
	if (by_lines) {
		char *l;
		size_t n;
		while (lr_next(&r, &l, &n))
			line(&a, l, n);
	} else {
		markdown_cut(&a);
	}
	end_run(&a);
	ev_file_done(&c);
	lr_close(&r);
	diag_capture = NULL;
	sb_reset(out);
	sb_add(out, stdout_sb.p, stdout_sb.len);
	sb_reset(msgs);
	sb_add(msgs, m.p, m.len);
	sb_reset(&stdout_sb);
	sb_free(&a.input);
	free(a.dir);
	sb_free(&a.model); sb_free(&a.version); sb_free(&a.gitdir);
	sb_free(&a.prompt); sb_free(&a.answer);
	ev_ctx_free(&c);
	sb_free(&m);
	free(cap.at);
	free(cap.end);
}

static int md_bad, md_cases;

static void md_case(const char *text, size_t len, const char *what)
{
	struct sbuf o1 = {0}, m1 = {0}, o2 = {0}, m2 = {0};
	read_md(text, len, true, &o1, &m1);
	for (cut_mode = 0; cut_mode < 3; cut_mode++) {
		read_md(text, len, false, &o2, &m2);
		md_cases++;
		if (o1.len != o2.len || (o1.len && memcmp(o1.p, o2.p, o1.len)) || m1.len != m2.len ||
		    (m1.len && memcmp(m1.p, m2.p, m1.len))) {
			if (md_bad++ < 5) {
				printf("# %s (cut %d): by blocks differs from by lines on:\n", what, cut_mode);
				printf("# %.*s\n", (int)(len < 400 ? len : 400), text);
				printf("# lines:  %zu bytes, %.*s\n# blocks: %zu bytes, %.*s\n", o1.len,
					(int)(m1.len < 300 ? m1.len : 300), m1.p, o2.len,
					(int)(m2.len < 300 ? m2.len : 300), m2.p);
			}
		}
	}
	sb_free(&o1); sb_free(&m1); sb_free(&o2); sb_free(&m2);
}

static void md_cases_hand(void)
{
	static const char *const hand[] = {
		"",
		"\n",
		"text before\n# aider chat started at 2026-01-01 00:00:00\n\n#### q\n\na\nb\n",
		"# aider chat started at 2026-01-01 00:00:00\n#### q\n####\n#### r  \nanswer\n\n\nmore\n> Tokens: 1k sent, 2 received.\n> Applied edit to a.c\n",
		"# aider chat started at 2026-01-01 00:00:00\n\n#### q\n\nline one of the answer, long enough for a step\nsecond\n>>>>>>> REPLACE\n```\n\n> Tokens: 1k sent, 2 received.\n",
		"# aider chat started at 2026-01-01 00:00:00\n#### q\nan answer\r\nwith CRLF lines\r\n\r\nand a \r inside\n> Tokens: 1k sent, 2 received.\r\n",
		"# aider chat started at 2026-01-01 00:00:00\n#### q\nanswer\n# a title inside, not a header\n## another\nrest\n> Tokens: lots\n> Applied edit to b.c\n",
		"# aider chat started at 2026-01-01 00:00:00\n#### q\nno newline at the end",
		"# aider chat started at 2026-01-01 00:00:00\n#### q\n0123456789abcdef\n0123456789abcde\n0123456789abcdefg\n\n\n\n\n>x\n#\n",
		"# aider chat started at 2026-01-01 00:00:00\n#### q\nx\n\r\n\r\r\n\n> Tokens: 1k sent, 2 received.\n\n\nafter\n",
		"> Applied edit to a.c\n# aider chat started at 2026-01-01 00:00:00\n> Applied edit to a.c\n#### q\na\n> Tokens: 1 sent, 2 received.\n> Running ls -l\n# aider chat started at 2026-01-02 00:00:00\nb\n",
	};
	for (size_t i = 0; i < sizeof hand / sizeof *hand; i++)
		md_case(hand[i], strlen(hand[i]), "hand-made");
}

/* A history of random lines. */
static void md_random(struct sbuf *b, int nlines)
{
	static const char *const special[] = {
		"# aider chat started at 2026-01-01 00:00:0", "#### please fix it", "####", "#### ",
		"> Tokens: 3.1k sent, 101 received. Cost: $0.01 message, $0.10 session.  ",
		"> Tokens: lots", "> Applied edit to src/parser.c  ", "> Running make test",
		"> Aider v0.85.2  ", "> Main model: gpt-4o with diff edit format  ", ">>>>>>> REPLACE",
		">", "#", "# a title", "## heading", "<<<<<<< SEARCH", "=======", "```c", "",
		"\r", " ", "a\rb", "text\r",
	};
	sb_reset(b);
	for (int i = 0; i < nlines; i++) {
		unsigned k = rnd(3);
		if (k == 0) {
			const char *s = special[rnd(sizeof special / sizeof *special)];
			sb_adds(b, s);
			if (s[0] == '#' && s[1] == ' ' && s[2] == 'a' && s[3] == 'i')
				sb_addc(b, (char)('0' + rnd(10)));
		} else {
			/* every length around the steps of 16 and the byte after */
			unsigned n = rnd(4) ? rnd(40) : rnd(300);
			for (unsigned j = 0; j < n; j++) {
				unsigned c = rnd(64);
				sb_addc(b, c < 2 ? '#' : c < 4 ? '>' : c < 5 ? '\r' : c < 8 ? ' ' :
					(char)('a' + c % 26));
			}
		}
		if (rnd(20))
			sb_addc(b, '\n');
		else if (rnd(2))
			sb_add(b, "\r\n", 2);
		else
			sb_add(b, "\n\n", 2);
	}
	if (rnd(4) == 0 && b->len && b->p[b->len - 1] == '\n')
		b->len--;       /* no newline at the end */
}

static void md_cases_random(void)
{
	struct sbuf b = {0};
	for (int i = 0; i < 400; i++) {
		md_random(&b, 1 + (int)rnd(i < 200 ? 12 : 200));
		md_case(b.p, b.len, "random");
	}
	/* an answer past TEXT_MAX: its lines kept up to the first past it */
	sb_reset(&b);
	sb_adds(&b, "# aider chat started at 2026-01-01 00:00:00\n#### q\n");
	while (b.len < TEXT_MAX + 50000) {
		sb_adds(&b, "a line of an answer that goes on and on, ");
		sb_addi(&b, (int64_t)rnd(100000));
		sb_adds(&b, rnd(50) ? "\n" : "\n>>>>>>> REPLACE\n");
	}
	sb_adds(&b, "> Tokens: 1k sent, 2 received.\nshort\n");
	md_case(b.p, b.len, "past TEXT_MAX");
	sb_free(&b);
}

/* --- lr_lines and lr_skip ------------------------------------------------ */

struct seen {
	struct sbuf lines;      /* each line, lineno, offset, partial */
};

static void note_line(struct sbuf *b, struct lreader *r, const char *l, size_t n)
{
	sb_add(b, l, n);
	sb_printf(b, "|%llu|%llu|%d\n", (unsigned long long)r->lineno,
		(unsigned long long)r->offset, (int)r->partial);
}

/* The lines of r one by one from lr_next, or by blocks split here (each
 * line's numbers as lr_skip leaves them after it). */
static void lines_of(struct lreader *r, bool blocks, struct sbuf *b)
{
	const char *s;
	char *l;
	size_t n;
	for (;;) {
		if (blocks && (n = lr_lines(r, &s))) {
			size_t at = rnd((unsigned)n);
			const char *nl = memchr(s + at, '\n', n - at);
			const char *p = s, *e = nl + 1;
			while (p < e) {
				const char *q = memchr(p, '\n', (size_t)(e - p));
				size_t len = (size_t)(q - p);
				/* lr_next cuts a '\r' before the newline */
				if (len && p[len - 1] == '\r')
					len--;
				const char *cp = p;
				p = q + 1;
				lr_skip(r, (size_t)(p - cp), 1);
				note_line(b, r, cp, len);
			}
		} else if (lr_next(r, &l, &n)) {
			note_line(b, r, l, n);
		} else {
			break;
		}
	}
}

static int lr_bad;

static void lr_case(const char *text, size_t len)
{
	struct sbuf want = {0}, got = {0};
	struct lreader r;
	lr_open_mem(&r, text, len, "m");
	lines_of(&r, false, &want);
	lr_close(&r);
	lr_open_mem(&r, text, len, "m");
	lines_of(&r, true, &got);
	lr_close(&r);
	bool same_read = want.len == got.len && (!want.len || !memcmp(want.p, got.p, want.len));
	/* mapped: the same through a file */
	bool same_map = true;
	char path[] = "/tmp/aiderblock.XXXXXX";
	int fd = mkstemp(path);
	if (fd >= 0 && len) {
		if (write(fd, text, len) == (ssize_t)len && lseek(fd, 0, SEEK_SET) == 0) {
			lr_fdopen(&r, fd, "m");
			if (lr_map(&r)) {
				sb_reset(&got);
				lines_of(&r, true, &got);
				same_map = want.len == got.len && (!want.len || !memcmp(want.p, got.p, want.len));
			}
			lr_close(&r);
		} else {
			close(fd);
		}
	} else if (fd >= 0) {
		close(fd);
	}
	unlink(path);
	if ((!same_read || !same_map) && lr_bad++ < 5)
		printf("# lr_lines/lr_skip differ from lr_next (%s) on: %.*s\n",
			same_read ? "mapped" : "read", (int)(len < 200 ? len : 200), text);
	sb_free(&want);
	sb_free(&got);
}

static void lr_cases(void)
{
	static const char *const hand[] = {"", "\n", "a", "a\n", "a\nb", "\r\n\r\n", "ab\r\ncd\n\nx"};
	for (size_t i = 0; i < sizeof hand / sizeof *hand; i++)
		lr_case(hand[i], strlen(hand[i]));
	struct sbuf b = {0};
	for (int i = 0; i < 200; i++) {
		md_random(&b, 1 + (int)rnd(60));
		lr_case(b.p, b.len);
	}
	sb_free(&b);
}

int main(void)
{
	setenv("TZ", "UTC", 1);
	lr_cases();
	ok(!lr_bad, "lr_lines and lr_skip: the lines, numbers and offsets of lr_next, read and mapped");
	md_cases_hand();
	ok(!md_bad, "aider: hand-made histories read by blocks as by lines (%d readings)", md_cases);
	md_cases = 0;
	md_cases_random();
	ok(!md_bad, "aider: random histories and an answer past TEXT_MAX read by blocks as by lines (%d readings)", md_cases);
	/* the block path was taken: a run of answer lines added at once */
	{
		const char *t = "# aider chat started at 2026-01-01 00:00:00\n#### q\nfirst\nsecond line, longer than a step\nthird\n";
		struct ev_ctx c;
		ev_ctx_init(&c);
		struct lreader r;
		lr_open_mem(&r, t, strlen(t), "h.md");
		struct aider a;
		memset(&a, 0, sizeof a);
		a.c = &c;
		a.r = &r;
		a.dir = xstrdup("/d");
		const char *s;
		size_t n = lr_lines(&r, &s);
		const char *run = strstr(s, "second");
		uint64_t lines;
		ok(answer_run(run, s + n, &lines) == s + n && lines == 2,
			"answer_run: the two last lines in one run");
		ok(answer_run(s, s + n, &lines) == s && lines == 0, "answer_run: a header is no answer line");
		free(a.dir);
		lr_close(&r);
		ev_ctx_free(&c);
	}
	sb_free(&stdout_sb);
	return tap_done();
}
