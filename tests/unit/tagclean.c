/* SPDX-License-Identifier: MIT */
/* Unit tests of tag_clean: the text the built-in rules see, taken a run
 * at a time, against the byte-at-a-time definition it replaced, on random
 * texts of the bytes that matter (blanks, slashes, '<', client wrappers
 * and their ends, multi-byte and stray UTF-8 bytes, NULs) and at every
 * length around TAG_TEXTMAX, where the last piece may go past the limit
 * and the cut must not end inside a UTF-8 sequence. */
#include <stdlib.h>
#include <string.h>
#include "tag/tag.h"
#include "tap.h"

static bool ref_wrapper(const char *s, size_t n, size_t *namelen)
{
	static const char *const names[] = {"ide_opened_file", "ide_selection", "ide_diagnostics",
		"system-reminder", "system_reminder"};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		size_t l = strlen(names[i]);
		if (n > l + 1 && !memcmp(s + 1, names[i], l) && s[l + 1] == '>') {
			*namelen = l;
			return true;
		}
	}
	return false;
}

static bool ref_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* tag_clean as it was: one byte, blank or word at a time */
static void ref_clean(struct sbuf *b, const char *s, size_t n, bool paths)
{
	sb_reset(b);
	size_t i = 0;
	while (i < n && b->len < TAG_TEXTMAX) {
		size_t nl;
		if (s[i] == '<' && ref_wrapper(s + i, n - i, &nl)) {
			char close[40];
			snprintf(close, sizeof close, "</%.*s>", (int)nl, s + i + 1);
			const char *e = memmem(s + i, n - i, close, strlen(close));
			if (e) {
				i = (size_t)(e - s) + strlen(close);
				sb_addc(b, ' ');
				continue;
			}
		}
		if (ref_space(s[i]) || !paths) {
			sb_addc(b, s[i++]);
			continue;
		}
		size_t j = i;
		bool slash = false;
		while (j < n && !ref_space(s[j])) {
			if (s[j] == '/' || s[j] == '\\')
				slash = true;
			j++;
		}
		if (slash) {
			size_t k = j;
			while (k > i && strchr(".?!,:;", s[k - 1]))
				k--;
			sb_addc(b, ' ');
			sb_add(b, s + k, j - k);
		} else {
			sb_add(b, s + i, j - i);
		}
		i = j;
	}
	if (b->len >= TAG_TEXTMAX) {
		size_t l = TAG_TEXTMAX;
		while (l > 0 && ((unsigned char)b->p[l] & 0xc0) == 0x80)
			l--;
		b->len = l;
		b->p[l] = 0;
	}
}

static uint64_t seed = 0x7a6c65616eULL;
static unsigned rnd(void) { return (unsigned)tap_xorshift(&seed); }

static const char *const pieces[] = {
	" ", "  ", "\t", "\n", "\r\n", "word", "x", "fix", "/", "\\", "a/b", "src/x.c,", "http://h/p?",
	"./", ".", "?", "!", ",", ":", ";", "<", "<x>", ">", "<system-reminder>", "</system-reminder>",
	"<ide_selection>", "</ide_selection>", "<ide_opened_file>", "</ide_opened_file>",
	"<system_reminder>", "</system_reminder>", "<ide_diagnostics>", "</ide_diagnostics>",
	"<system-reminder", "é", "修复", "\xe2\x80", "\x80", "\xbf\xbf", "\xf0\x9f\x98\x80", "\0",
};

/* Same length, same bytes, and both stored or neither. */
static bool same(const struct sbuf *a, const struct sbuf *b)
{
	if (!a->p || !b->p)
		return !a->p && !b->p && a->len == b->len;
	return a->len == b->len && !memcmp(a->p, b->p, a->len + 1);
}

static int compare(const char *s, size_t n, int paths)
{
	static struct sbuf a, b;
	ref_clean(&a, s, n, paths);
	tag_clean(&b, s, n, paths);
	return !same(&a, &b);
}

int main(void)
{
	struct sbuf t = {0};
	int bad = 0;
	/* an empty text keeps an untouched buffer as it is */
	struct sbuf e = {0}, r = {0};
	tag_clean(&e, "", 0, true);
	ref_clean(&r, "", 0, true);
	ok(!e.p && !e.len && same(&e, &r), "an empty text stores nothing");

	/* random texts of the pieces, short and long */
	for (int k = 0; k < 40000; k++) {
		sb_reset(&t);
		t.len = 0;
		unsigned m = k < 30000 ? rnd() % 40 : 1000 + rnd() % 2000;
		for (; m; m--) {
			const char *p = pieces[rnd() % (sizeof pieces / sizeof *pieces)];
			sb_add(&t, p, *p ? strlen(p) : 1);
		}
		bad += compare(t.p ? t.p : "", t.len, k & 1);
	}
	is_int(bad, 0, "40000 random texts clean as byte by byte, with and without paths");

	/* at the limit: a text of words and blanks whose last piece ends
	 * before, at and after TAG_TEXTMAX by every amount, ending in every
	 * kind of byte */
	static const char *const ends[] = {"a", "é", "修", "\xf0\x9f\x98\x80", " ", "/", "a/é", "\x80",
		"é/x", "<ide_selection>q</ide_selection>", "x<ide_selection>q</ide_selection>", "\\"};
	bad = 0;
	for (size_t pre = TAG_TEXTMAX - 12; pre <= TAG_TEXTMAX + 4; pre++)
		for (size_t w = 0; w < sizeof ends / sizeof *ends; w++)
			for (int gap = 0; gap < 3; gap++)
				for (int paths = 0; paths < 2; paths++) {
					sb_reset(&t);
					t.len = 0;
					for (size_t i = 0; i < pre; i++)
						sb_addc(&t, i % 7 == 6 ? ' ' : 'a' + (char)(i % 26));
					for (int g = 0; g < gap; g++)
						sb_add(&t, "é", 2);
					sb_adds(&t, ends[w]);
					sb_adds(&t, " tail words é 修复 after/it");
					bad += compare(t.p, t.len, paths);
					/* all one word, and all blanks */
					memset(t.p, 'b', pre);
					bad += compare(t.p, t.len, paths);
					memset(t.p, ' ', pre);
					bad += compare(t.p, t.len, paths);
				}
	is_int(bad, 0, "texts that reach TAG_TEXTMAX at every offset clean as byte by byte");

	/* a wrapper that never closes, and one that ends the text */
	bad = 0;
	const char *w[] = {"<system-reminder> x y", "a <ide_selection>b</ide_selection>",
		"<ide_selection>", "<ide_selection></ide_selection>", "x/<ide_selection>y</ide_selection>z",
		"<<ide_selection>q</ide_selection>", "<ide_selection>a</system-reminder>"};
	for (size_t i = 0; i < sizeof w / sizeof *w; i++)
		for (int paths = 0; paths < 2; paths++)
			bad += compare(w[i], strlen(w[i]), paths);
	is_int(bad, 0, "wrappers closed, unclosed and inside words clean as byte by byte");
	sb_free(&t);
	return tap_done();
}
