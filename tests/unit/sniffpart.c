/* SPDX-License-Identifier: MIT */
/* Unit tests of agent_sniff_part (common/agents/agents.c and each
 * agent's sniff): from the start of a head it names the agent that
 * agent_sniff names from the whole head, or says it needs more (and names
 * none).  Hand-made heads cut where a part may end (inside a line, at its
 * newline, just after it, in blank lines, inside a database's magic),
 * then the heads of the files named on the command line (the fixtures and
 * the shared corpus) cut at every length up to 600 bytes, at each line's
 * end and the bytes around it, and at pseudo-random places.  Each part is
 * a copy of its own size: a sniff that reads past it is a sanitizer's
 * error. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "agents/agent.h"
#include "tap.h"
#include "util.h"

static int nwrong, ncut, ndecided, nsniff, nsniffwrong;

/* The scores of the agents' sniffs on p[0..n) (part: a part of the file)
 * with h->best set to each of bests[]; -1 for a sniff that found a part
 * too little. */
static const int bests[] = {0, 72, 90, 95};
#define NB (sizeof bests / sizeof *bests)
#define NA 16
static void scores(const char *p, size_t n, const char *path, bool part, int s[NA][NB])
{
	char *c = xmalloc(n ? n : 1);
	memcpy(c, p, n);
	for (int i = 0; agent_list[i]; i++)
		for (size_t b = 0; b < NB; b++) {
			struct agent_head h = {0};
			agent_head_init(&h, c, n, path, part);
			h.best = bests[b];
			s[i][b] = agent_list[i]->sniff(&h);
			if (h.more)
				s[i][b] = -1;
			free(h.pool);
		}
	free(c);
}

/* Each agent's sniff of the part p[0..k), against its score on the
 * whole head (whole[][]): the same, or -1. */
static void each_sniff(const char *what, const char *p, size_t k, const char *path, int whole[NA][NB])
{
	int s[NA][NB];
	scores(p, k, path, true, s);
	for (int i = 0; agent_list[i]; i++)
		for (size_t b = 0; b < NB; b++) {
			nsniff++;
			if (s[i][b] != -1 && s[i][b] != whole[i][b] && nsniffwrong++ < 10)
				printf("# %s: cut at %zu, %s's sniff (best %d) scores %d, the whole head %d\n",
					what, k, agent_list[i]->name, bests[b], s[i][b], whole[i][b]);
		}
}

/* The part p[0..k) of the head p[0..n) of the file at path (the file
 * goes on past k): 1 when it names whole, 0 when it asks for more (and
 * names none), -1 when it is wrong. */
static int part_of(const char *p, size_t k, const char *path, const struct agent *whole)
{
	bool more = false;
	char *c = xmalloc(k ? k : 1);
	memcpy(c, p, k);
	const struct agent *a = agent_sniff_part(c, k, path, &more);
	free(c);
	if (more)
		return a ? -1 : 0;
	return a && a == whole ? 1 : -1;
}

/* Every cut of the head p[0..n) below n that the comment at the top
 * names; whole: agent_sniff of all of it.  Each sniff alone is asked of
 * a few of them: at the first lines' ends and around them, and at random
 * places. */
static void cuts(const char *what, const char *p, size_t n, const char *path)
{
	const struct agent *whole = agent_sniff(p, n, path);
	uint64_t seed = 0x5eed0000u + n;
	size_t k[600 + 200 * 5 + 64], nk = 0;
	bool each[sizeof k / sizeof *k];
	for (size_t i = 0; i < 600 && i < n; i++, nk++)
		k[nk] = i, each[nk] = i % 37 == 0;
	int lines = 0;
	for (const char *q = p; lines < 200 && (q = memchr(q, '\n', (size_t)(p + n - q))); q++, lines++)
		for (size_t d = 0; d < 5; d++) {
			size_t at = (size_t)(q - p) + d;    /* 2 before the newline to 2 after */
			if (at >= 602 && at - 2 < n)
				k[nk] = at - 2, each[nk++] = lines < 64 && d >= 1 && d <= 3;
		}
	for (int i = 0; i < 64 && n > 600; i++, nk++)
		k[nk] = 600 + (size_t)(tap_xorshift(&seed) % (n - 600)), each[nk] = i < 16;
	int ws[NA][NB];
	scores(p, n, path, false, ws);
	for (size_t i = 0; i < nk; i++)
		if (each[i])
			each_sniff(what, p, k[i], path, ws);
	for (size_t i = 0; i < nk; i++) {
		int r = part_of(p, k[i], path, whole);
		ncut++;
		ndecided += r == 1;
		if (r < 0 && nwrong++ < 10)
			printf("# %s: cut at %zu of %zu names %s, the whole head %s\n", what, k[i], n,
				r == -1 ? "another agent" : "?", whole ? whole->name : "none");
	}
}

/* The head of the file at path, as agent-sessions reads it. */
static void file(const char *path)
{
	static char buf[AGENT_SNIFF_SIZE];
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return;
	ssize_t n = read(fd, buf, sizeof buf);
	close(fd);
	if (n > 0)
		cuts(path, buf, (size_t)n, path);
}

#define META "{\"timestamp\":\"2026-01-02T00:00:00.000Z\",\"type\":\"session_meta\"," \
	"\"payload\":{\"id\":\"5e55c0de-0000-4000-8000-000000000001\",\"cwd\":\"/w\"}}"
#define CLAUDE_U "{\"type\":\"user\",\"sessionId\":\"c\",\"uuid\":\"u\",\"cwd\":\"/c\"," \
	"\"timestamp\":\"2026-01-03T00:00:00.000Z\",\"message\":{\"role\":\"user\",\"content\":\"hi\"}}"

/* is the part p[0..k) of text (a file that goes on) decided, and as
 * the whole text is? */
static const char *part_says(const char *text, size_t k, const char *path)
{
	bool more;
	char *c = xmalloc(k ? k : 1);
	memcpy(c, text, k);
	const struct agent *a = agent_sniff_part(c, k, path, &more);
	free(c);
	return more ? (a ? "more, and an agent" : "more") : a ? a->name : "none";
}

static void hand_made(void)
{
	struct sbuf b = {0};
	const char *path = "/h/.codex/sessions/2026/01/02/rollout-x.jsonl";
	/* a Codex rollout: its session_meta line decides, once whole */
	sb_adds(&b, META "\n");
	size_t nl = b.len;
	for (int i = 0; i < 40; i++)
		sb_adds(&b, CLAUDE_U "\n");
	is_str(part_says(b.p, nl, path), "codex", "session_meta line and its newline: codex");
	is_str(part_says(b.p, nl - 1, path), "more", "session_meta line without its newline: more");
	is_str(part_says(b.p, nl - 2, path), "more", "session_meta line cut: more");
	is_str(part_says(b.p, nl + 1, path), "codex", "a byte of the next line: codex");
	is_str(agent_sniff(b.p, b.len, path)->name, "codex", "the whole head: codex, Claude's lines after it");
	cuts("codex then claude", b.p, b.len, path);

	/* blank lines before it */
	sb_reset(&b);
	sb_adds(&b, "\n\n  \n" META "\n{\"type\":\"event_msg\",\"payload\":{}}\n");
	is_str(part_says(b.p, 3, path), "more", "blank lines only: more");
	is_str(part_says(b.p, strlen("\n\n  \n" META "\n"), path), "codex", "blank lines, then the line: codex");
	cuts("blank lines, codex", b.p, b.len, path);

	/* a legacy Codex header is one without a type: a line cut before
	 * its type would pass for one (after a line that Claude Code's sniff
	 * knows for another agent's, and Codex's scores nothing) */
	sb_reset(&b);
	sb_adds(&b, "{\"payload\":{},\"type\":\"other\"}\n");
	size_t l1 = b.len;
	sb_adds(&b, "{\"id\":\"x\",\"timestamp\":\"2025-01-01T00:00:00Z\",\"instructions\":\"i\",");
	size_t cut = b.len;
	sb_adds(&b, "\"type\":\"y\"}\n{\"z\":1}\n");
	ok(!agent_sniff(b.p, b.len, path), "a line of another agent, a typed header: no agent's");
	is_str(part_says(b.p, l1, path), "more", "the other agent's line alone: more");
	is_str(part_says(b.p, cut, path), "more", "the header cut before its type: more");
	cuts("codex legacy header, typed", b.p, b.len, path);

	/* Claude Code: the share of its lines wants them all */
	sb_reset(&b);
	for (int i = 0; i < 60; i++)
		sb_adds(&b, CLAUDE_U "\n");
	is_str(part_says(b.p, b.len - 1, "/h/.claude/projects/p/s.jsonl"), "more", "Claude's lines: more");
	is_str(part_says(b.p, strlen(CLAUDE_U "\n") * 55, "/h/.claude/projects/p/s.jsonl"), "more",
		"Claude's lines, more than 50 of them whole: more");
	cuts("claude", b.p, b.len, "/h/.claude/projects/p/s.jsonl");

	/* a foreign line after Claude's: Codex's, decided by the whole */
	sb_reset(&b);
	sb_adds(&b, CLAUDE_U "\n" CLAUDE_U "\n" META "\n");
	is_str(agent_sniff(b.p, b.len, path)->name, "codex", "Claude's lines then a session_meta: codex");
	cuts("claude then codex", b.p, b.len, path);

	/* a Gemini CLI log's header after a line of no agent's: the header
	 * cut is no header, and the lines after it are unknown */
	sb_reset(&b);
	sb_adds(&b, "{\"x\":1}\n{\"sessionId\":\"s\",\"startTime\":\"2025-01-01T00:00:00Z\"}\n{\"y\":2}\n");
	is_str(agent_sniff(b.p, b.len, path)->name, "gemini", "a line, then Gemini CLI's header: gemini");
	is_str(part_says(b.p, 8, path), "more", "the line before the header: more");
	cuts("gemini header second", b.p, b.len, path);

	/* a pretty-printed document: its keys may be anywhere */
	sb_reset(&b);
	sb_adds(&b, "{\n  \"sessionId\": \"g\",\n  \"projectHash\": \"h\",\n  \"messages\": [\n");
	for (int i = 0; i < 100; i++)
		sb_adds(&b, "    {\"type\": \"user\", \"content\": \"x\"},\n");
	sb_adds(&b, "    {}\n  ]\n}\n");
	is_str(part_says(b.p, b.len - 1, path), "more", "a pretty-printed document: more");
	cuts("gemini document", b.p, b.len, path);

	/* a database's magic, cut */
	sb_reset(&b);
	sb_add(&b, "SQLite format 3\0\x10\0\x01\x01", 20);
	is_str(part_says(b.p, 15, "store.db"), "more", "15 bytes of SQLite's magic: more");
	cuts("sqlite", b.p, b.len, "store.db");

	/* text that no agent knows: only the whole head says so */
	sb_reset(&b);
	for (int i = 0; i < 100; i++)
		sb_adds(&b, "plain text, line after line\n");
	is_str(part_says(b.p, b.len - 1, path), "more", "no agent's: more");
	sb_free(&b);
}

static void all(int argc, char **argv)
{
	nwrong = ncut = ndecided = nsniff = nsniffwrong = 0;
	hand_made();
	for (int i = 1; i < argc; i++)
		file(argv[i]);
	printf("# %d cuts, %d decided by the part; %d sniffs of a part\n", ncut, ndecided, nsniff);
	is_int(nwrong, 0, "every part that decides names the whole head's agent");
	is_int(nsniffwrong, 0, "every sniff that takes a part scores it as the whole head");
	ok(ndecided > 0, "some parts decide");
}

int main(int argc, char **argv)
{
	agent_sniff_avx2 = false;
	printf("# 16 bytes a step\n");
	all(argc, argv);
	agent_sniff_avx2 = true;
	printf("# 32 bytes a step where the CPU can\n");
	all(argc, argv);
	return tap_done();
}
