/* SPDX-License-Identifier: MIT */
/* Unit tests of the literals agent-tag's built-in rules are skipped by
 * (tagrules.c): what PCRE2 matches caselessly outside ASCII, what the
 * pattern reader makes of the syntax it knows and gives up on, and that
 * tr_match picks the rule trying every rule in order picks, on texts made
 * of the rules' own words and their edges (case, U+017F and U+212A, cut
 * words, Chinese, long texts). */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>
#include "tag/tag.h"
#include "tap.h"

#define FLAGS (PCRE2_UTF | PCRE2_CASELESS | PCRE2_MATCH_INVALID_UTF)

static pcre2_code *re(const char *p)
{
	int ec;
	PCRE2_SIZE off;
	pcre2_code *c = pcre2_compile((PCRE2_SPTR)p, PCRE2_ZERO_TERMINATED, FLAGS, &ec, &off, NULL);
	if (c)
		pcre2_jit_compile(c, PCRE2_JIT_COMPLETE);
	return c;
}

static size_t enc(uint32_t c, char *b)
{
	if (c < 0x80) { b[0] = (char)c; return 1; }
	if (c < 0x800) { b[0] = (char)(0xc0 | c >> 6); b[1] = (char)(0x80 | (c & 63)); return 2; }
	if (c < 0x10000) { b[0] = (char)(0xe0 | c >> 12); b[1] = (char)(0x80 | (c >> 6 & 63));
		b[2] = (char)(0x80 | (c & 63)); return 3; }
	b[0] = (char)(0xf0 | c >> 18); b[1] = (char)(0x80 | (c >> 12 & 63));
	b[2] = (char)(0x80 | (c >> 6 & 63)); b[3] = (char)(0x80 | (c & 63));
	return 4;
}

/* the characters outside set that the caseless set matches */
static void others(const char *set, struct sbuf *out)
{
	pcre2_code *ci = re(set);
	int ec;
	PCRE2_SIZE off;
	pcre2_code *cs = pcre2_compile((PCRE2_SPTR)set, PCRE2_ZERO_TERMINATED, PCRE2_UTF, &ec, &off, NULL);
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	for (uint32_t u = 0; u <= 0x10ffff; u++) {
		char b[4];
		if (u >= 0xd800 && u < 0xe000)
			continue;
		size_t n = enc(u, b);
		if (pcre2_match(ci, (PCRE2_SPTR)b, n, 0, 0, md, NULL) >= 0 &&
		    pcre2_match(cs, (PCRE2_SPTR)b, n, 0, 0, md, NULL) < 0) {
			char h[16];
			snprintf(h, sizeof h, "%s%04X", out->len ? " " : "", (unsigned)u);
			sb_adds(out, h);
		}
	}
	pcre2_match_data_free(md);
	pcre2_code_free(ci);
	pcre2_code_free(cs);
}

static const char *lits(const char *p)
{
	static struct sbuf o;
	sb_reset(&o);
	o.len = 0;
	char n[16];
	int k = tr_literals(p, &o);
	snprintf(n, sizeof n, "%d:", k);
	static struct sbuf r;
	sb_reset(&r);
	r.len = 0;
	sb_adds(&r, n);
	for (size_t i = 0; i < o.len; i++)
		sb_addc(&r, o.p[i] == '\n' ? '|' : o.p[i]);
	return r.p;
}

static uint64_t seed = 0x6c69746572616cULL;
static unsigned rnd(void) { return (unsigned)tap_xorshift(&seed); }

static pcre2_code **codes;
static pcre2_match_data *md;

/* the rule trying every rule of [0, n) in order picks, or -1 */
static int every(const struct trules *t, unsigned kind, int mode, const char *s, size_t n)
{
	for (int i = 0; i < t->n; i++) {
		const struct trule *r = &t->v[i];
		if (!(r->kinds & kind) || (r->whole && mode == TM_PART) || (!r->whole && mode == TM_WHOLE))
			continue;
		if (pcre2_match(codes[i], (PCRE2_SPTR)s, n, 0, 0, md, NULL) >= 0)
			return i;
	}
	return -1;
}

static int differ(const struct trules *t, const char *s, size_t n)
{
	static const unsigned kinds[] = {TK_PROMPT, TK_LLM};
	int bad = 0;
	for (int k = 0; k < 2; k++)
		for (int mode = TM_ALL; mode <= TM_PART; mode++) {
			const struct trule *r = tr_match(t, 0, t->n, kinds[k], mode, s, n);
			int want = every(t, kinds[k], mode, s, n);
			if ((r ? (int)(r - t->v) : -1) != want) {
				if (bad++ < 3)
					printf("# differs: '%.*s' kind %u mode %d: %d, want %d\n", (int)n, s,
						kinds[k], mode, r ? (int)(r - t->v) : -1, want);
			}
		}
	return bad;
}

/* a word as it may be typed: its case changed here and there, an s or
 * k as U+017F or U+212A, cut short, or followed by a letter */
static void typed(struct sbuf *b, const char *w, size_t n)
{
	unsigned how = rnd() % 8;
	if (how == 1 && n > 1)
		n--;
	for (size_t i = 0; i < n; i++) {
		char c = w[i];
		if (how == 2 && (c == 's' || c == 'S') && rnd() % 2)
			sb_adds(b, "\xc5\xbf");
		else if (how == 3 && (c == 'k' || c == 'K') && rnd() % 2)
			sb_adds(b, "\xe2\x84\xaa");
		else if (how == 4 && c >= 'a' && c <= 'z' && rnd() % 2)
			sb_addc(b, (char)(c - 32));
		else
			sb_addc(b, c);
	}
	if (how == 5)
		sb_addc(b, 'x');
}

int main(void)
{
	struct sbuf o = {0};
	others("^[a-z]$", &o);
	is_str(o.p, "0041 0042 0043 0044 0045 0046 0047 0048 0049 004A 004B 004C 004D 004E 004F "
		"0050 0051 0052 0053 0054 0055 0056 0057 0058 0059 005A 017F 212A",
		"caselessly an ASCII letter matches its other case, U+017F and U+212A only");
	sb_free(&o);
	o = (struct sbuf){0};
	others("^[\\x{3000}-\\x{9fff}\\x{ff01}-\\x{ff20}\\x{ff3b}-\\x{ff40}\\x{ff5b}-\\x{ff65}]$", &o);
	ok(!o.p, "CJK and fullwidth punctuation have no other case (%s)", o.p ? o.p : "none");
	sb_free(&o);

	/* the reading */
	is_str(lits("ab(?:c|d)\\b"), "2:abc|abd|", "a group's strings follow what comes before");
	is_str(lits("\\bfix(?:es|ed)?\\b"), "3:fixes|fixed|fix|", "an optional group adds the string without it");
	is_str(lits("p\\W?lease"), "1:lease|", "a class of many characters ends a string: the longer side is kept");
	is_str(lits("[?？]\\s*$|[吗呢]"), "4:?|？|吗|呢|", "classes of a few characters, Chinese and fullwidth");
	is_str(lits("Kelvin|ſtop"), "2:kelvin|top|", "a cased letter outside ASCII is no literal: what follows it is");
	is_str(lits("(?:a|b)+c"), "1:c|", "a repeated part holds its strings but ends the run");
	is_str(lits("x*|y"), "-1:", "a branch that may match nothing says nothing");
	is_str(lits("a(?!/)b"), "1:ab|", "a lookahead matches no text of its own");
	is_str(lits("TeSt"), "1:test|", "letters are kept in lower case");
	{
		/* a run that may be empty, ended by a part too large to join
		 * it: the sequence is not that part's strings alone (qxa
		 * matches and holds no "qa") */
		struct sbuf p = {0};
		sb_adds(&p, "q(?:x?(?:");
		for (int i = 0; i < 74; i++)
			sb_printf(&p, "%s%c%c", i ? "|" : "", 'a' + i % 26, '0' + i / 26);
		sb_adds(&p, "))");
		const char *l = lits(p.p);
		ok(strncmp(l, "-1", 2) && !strstr(l, "|qa0|") && strncmp(l + 3, "qa0|", 4),
			"a part after a run that may be empty ends the run's exact strings (%.40s)", l);
		pcre2_code *c = re(p.p);
		pcre2_match_data *m = pcre2_match_data_create(1, NULL);
		ok(pcre2_match(c, (PCRE2_SPTR)"qxa0", 4, 0, 0, m, NULL) >= 0, "  and qxa0 matches it");
		pcre2_match_data_free(m);
		pcre2_code_free(c);
		sb_free(&p);
	}
	static const char *const unknown[] = {"(?i)abc", "\\Qab\\E", "a{,3}b", "(*UTF)abc", "[[:alpha:]]abc",
		"(a)\\1", "a\\x41", "(?<n>ab)", "(?>ab)", "ab(", "ab)", "[ab", "a{2", "\\", "a**", "\\cA"};
	int bad = 0;
	for (size_t i = 0; i < sizeof unknown / sizeof *unknown; i++)
		if (strcmp(lits(unknown[i]), "-1:"))
			printf("# '%s' read as %s\n", unknown[i], lits(unknown[i])), bad++;
	is_int(bad, 0, "syntax it does not know says nothing");
	bad = 0;
	for (int i = 0; i < tag_nbuiltins; i++)
		if (!strncmp(lits(tag_builtins[i].re), "-1", 2))
			printf("# %s/%s has no literals\n", tag_builtins[i].tag, tag_builtins[i].lang), bad++;
	is_int(bad, 0, "every built-in has literals");

	/* tr_match against every rule in order */
	struct trules t = {0};
	tr_builtin(&t);
	codes = xmalloc((size_t)t.n * sizeof *codes);
	for (int i = 0; i < t.n; i++)
		codes[i] = re(t.v[i].pattern);
	md = pcre2_match_data_create(4, NULL);
	/* the words: every literal of every rule, and the examples */
	struct sbuf w = {0};
	for (int i = 0; i < tag_nbuiltins; i++) {
		tr_literals(tag_builtins[i].re, &w);
		sb_adds(&w, tag_builtins[i].example);
		sb_addc(&w, '\n');
	}
	const char *words[4096];
	size_t wl[4096], nw = 0;
	for (char *p = w.p, *e; nw < 4096 && (e = strchr(p, '\n')); p = e + 1) {
		words[nw] = p;
		wl[nw++] = (size_t)(e - p);
	}
	static const char *const glue[] = {" ", "  ", ", ", ". ", "? ", "\n", "", "-", " the ", " 你 ",
		"/", "'", " ok ", "!", "。", "？"};
	bad = 0;
	struct sbuf s = {0};
	int n = 0;
	for (size_t i = 0; i < nw; i++, n++) {
		sb_reset(&s);
		s.len = 0;
		sb_add(&s, words[i], wl[i]);
		bad += differ(&t, s.p, s.len);
		sb_reset(&s);
		s.len = 0;
		typed(&s, words[i], wl[i]);
		bad += differ(&t, s.p, s.len);
	}
	for (int k = 0; k < 20000; k++, n++) {
		sb_reset(&s);
		s.len = 0;
		for (unsigned m = 1 + rnd() % (k % 100 ? 6 : 200); m; m--) {
			size_t i = rnd() % nw;
			typed(&s, words[i], wl[i]);
			sb_adds(&s, glue[rnd() % (sizeof glue / sizeof *glue)]);
		}
		bad += differ(&t, s.p, s.len);
		/* and every word of it cut one byte short */
		if (k % 10 == 0)
			bad += differ(&t, s.p, s.len - 1);
	}
	is_int(bad, 0, "%d texts of the rules' words: the rule of trying every rule in order", n);
	/* an empty text comes as NULL (an empty sbuf), after one of the same
	 * length was seen and before */
	bad = 0;
	for (int k = 0; k < 2; k++) {
		bad += tr_match(&t, 0, t.n, TK_PROMPT, TM_WHOLE, NULL, 0) != NULL;
		bad += tr_match(&t, 0, t.n, TK_PROMPT, TM_PART, NULL, 0) != NULL;
		bad += tr_match(&t, 0, t.n, TK_PROMPT, TM_PART, "", 0) != NULL;
	}
	is_int(bad, 0, "an empty text, as NULL or not, matches no built-in");
	for (int i = 0; i < t.n; i++)
		pcre2_code_free(codes[i]);
	free(codes);
	pcre2_match_data_free(md);
	tr_free(&t);
	sb_free(&s);
	sb_free(&w);
	return tap_done();
}
