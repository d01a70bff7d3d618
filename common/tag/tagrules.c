/* SPDX-License-Identifier: MIT */
/* tagrules.c: agent-tag's rules: PCRE2 patterns compiled once (with the
 * JIT), user rules from the command line and YAML files, and the text the
 * built-in rules see. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>
#include "json.h"
#include "yamlload.h"
#include "tag.h"

bool tag_valid(const char *s, size_t n)
{
	if (n < TAG_MIN || n > TAG_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < 'a' || s[i] > 'z')
			return false;
	return true;
}

static unsigned kinds_parse(const char *s, size_t n)
{
	unsigned k = 0;
	while (n) {
		const char *c = memchr(s, ',', n);
		size_t l = c ? (size_t)(c - s) : n;
#define IS(lit) (l == sizeof lit - 1 && !memcmp(s, lit, l))
		if (IS("session")) k |= TK_SESSION;
		else if (IS("prompt")) k |= TK_PROMPT;
		else if (IS("llm")) k |= TK_LLM;
		else if (IS("all")) k |= TK_ALL;
		else return 0;
#undef IS
		s += l;
		n -= l;
		if (c)
			s++, n--;
	}
	return k;
}

static struct trule *newrule(struct trules *t)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 64;
		t->v = xrealloc(t->v, (size_t)t->cap * sizeof *t->v);
	}
	struct trule *r = &t->v[t->n];
	memset(r, 0, sizeof *r);
	return r;
}

/* The bytes a match of r can start with, when PCRE2 knows them: a text
 * with none of them cannot match, and PCRE2 would try every position of
 * it before saying so. */
static void first_bytes(struct trule *r)
{
	const uint8_t *bm = NULL;
	uint32_t min = 0;
	r->hasfirst = false;
	if (pcre2_pattern_info(r->code, PCRE2_INFO_FIRSTBITMAP, &bm) != 0 || !bm ||
	    pcre2_pattern_info(r->code, PCRE2_INFO_MINLENGTH, &min) != 0 || !min)
		return;
	memcpy(r->first, bm, sizeof r->first);   /* bit c of byte c / 8 */
	r->hasfirst = true;
}

static void *compile(const char *pattern, struct sbuf *err)
{
	int ec;
	PCRE2_SIZE off;
	pcre2_code *c = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
		PCRE2_UTF | PCRE2_CASELESS | PCRE2_MATCH_INVALID_UTF, &ec, &off, NULL);
	if (!c) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(ec, msg, sizeof msg);
		sb_printf(err, "bad pattern at offset %zu: %s", (size_t)off, (char *)msg);
		return NULL;
	}
	return c;   /* JIT-compiled when first matched: most texts are decided
	             * by the first rules, so many are never needed */
}

int tr_add(struct trules *t, unsigned kinds, const char *tag, const char *pattern,
	const char *source, struct sbuf *err)
{
	char name[32];
	snprintf(name, sizeof name, "user:%d", t->nuser + 1);
	if (!tag_valid(tag, strlen(tag))) {
		sb_printf(err, "rule %s (%s): invalid tag '%s': a tag is one lower-case word of "
			"%d to %d letters", name, source, tag, TAG_MIN, TAG_MAX);
		return -1;
	}
	if (!*pattern) {
		sb_printf(err, "rule %s (%s): empty pattern", name, source);
		return -1;
	}
	struct sbuf e = {0};
	void *code = compile(pattern, &e);
	if (!code) {
		sb_printf(err, "rule %s (%s): %s", name, source, e.p);
		sb_free(&e);
		return -1;
	}
	/* User rules go before the built-ins. */
	struct trule *r = newrule(t);
	memmove(&t->v[t->nuser + 1], &t->v[t->nuser], (size_t)(t->n - t->nuser) * sizeof *r);
	r = &t->v[t->nuser];
	memset(r, 0, sizeof *r);
	r->kinds = kinds;
	strcpy(r->tag, tag);
	r->pattern = xstrdup(pattern);
	r->name = xstrdup(name);
	r->source = xstrdup(source);
	r->code = code;
	first_bytes(r);
	t->n++;
	t->nuser++;
	if (tr_catchall(t, r))
		diag_warn("rule %s (%s): '%s' matches the empty string: it tags every %s it sees",
			name, source, pattern, kinds == TK_ALL ? "record" : "text");
	return 0;
}

int tr_add_spec(struct trules *t, const char *spec, struct sbuf *err)
{
	const char *colon = strchr(spec, ':');
	const char *eq = colon ? strchr(colon, '=') : NULL;
	unsigned k;
	if (!colon || !eq) {
		sb_printf(err, "--tag-rule '%s': not KIND:TAG=REGEX", spec);
		return -1;
	}
	if (!(k = kinds_parse(spec, (size_t)(colon - spec)))) {
		sb_printf(err, "--tag-rule '%s': kind must be session, prompt, llm or all", spec);
		return -1;
	}
	char *tag = xstrndup(colon + 1, (size_t)(eq - colon - 1));
	int rc = tr_add(t, k, tag, eq + 1, "--tag-rule", err);
	free(tag);
	return rc;
}

/* --- YAML ---------------------------------------------------------------- */

static const char *scalar(yaml_document_t *doc, yaml_node_t *n)
{
	(void)doc;
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int yaml_rule(struct trules *t, yaml_document_t *doc, yaml_node_t *m,
	const char *path, struct sbuf *err)
{
	unsigned line = (unsigned)m->start_mark.line + 1;
	const char *kind = NULL, *tag = NULL, *pattern = NULL;
	if (m->type != YAML_MAPPING_NODE) {
		sb_printf(err, "%s:%u: a rule is a mapping of kind, tag, pattern, description", path, line);
		return -1;
	}
	for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
		yaml_node_t *kn = yaml_document_get_node(doc, p->key);
		yaml_node_t *vn = yaml_document_get_node(doc, p->value);
		const char *k = scalar(doc, kn), *v = scalar(doc, vn);
		unsigned kl = (unsigned)kn->start_mark.line + 1;
		if (!k || !v) {
			sb_printf(err, "%s:%u: keys and values must be plain strings", path, kl);
			return -1;
		}
		if (!strcmp(k, "kind")) kind = v;
		else if (!strcmp(k, "tag")) tag = v;
		else if (!strcmp(k, "pattern")) pattern = v;
		else if (strcmp(k, "description")) {
			sb_printf(err, "%s:%u: unknown key '%s' (kind, tag, pattern, description)",
				path, kl, k);
			return -1;
		}
	}
	if (!tag || !pattern) {
		sb_printf(err, "%s:%u: a rule needs a tag and a pattern", path, line);
		return -1;
	}
	unsigned k = kind ? kinds_parse(kind, strlen(kind)) : TK_PROMPT;
	if (!k) {
		sb_printf(err, "%s:%u: kind must be session, prompt, llm or all, not '%s'",
			path, line, kind);
		return -1;
	}
	char src[4200];
	snprintf(src, sizeof src, "%s:%u", path, line);
	return tr_add(t, k, tag, pattern, src, err);
}

int tr_load_yaml(struct trules *t, const char *path, struct sbuf *err)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		sb_printf(err, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	yaml_document_t doc;
	int rc = 0;
	if (yaml_load_bounded(f, path, &doc, err) < 0) {
		fclose(f);
		return -1;
	}
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	if (!root) {
		/* an empty file: no rules */
	} else if (root->type != YAML_SEQUENCE_NODE) {
		sb_printf(err, "%s:%zu: the file must be a list of rules", path,
			root->start_mark.line + 1);
		rc = -1;
	} else {
		for (yaml_node_item_t *i = root->data.sequence.items.start;
		     i < root->data.sequence.items.top && rc == 0; i++)
			rc = yaml_rule(t, &doc, yaml_document_get_node(&doc, *i), path, err);
	}
	yaml_document_delete(&doc);
	fclose(f);
	return rc;
}

void tr_builtin(struct trules *t)
{
	struct sbuf err = {0};
	for (int i = 0; i < tag_nbuiltins; i++) {
		const struct tbuiltin *b = &tag_builtins[i];
		void *code = compile(b->re, &err);
		if (!code)
			die(2, "built-in rule %s/%s: %s", b->tag, b->lang, err.p);
		struct trule *r = newrule(t);
		r->kinds = b->kinds;
		strcpy(r->tag, b->tag);
		r->pattern = xstrdup(b->re);
		char name[64];
		snprintf(name, sizeof name, "builtin:%s/%s", b->tag, b->lang);
		r->name = xstrdup(name);
		r->source = xstrdup("builtin");
		r->whole = b->whole;
		r->code = code;
		first_bytes(r);
		t->n++;
	}
	sb_free(&err);
}

static bool match1(const struct trules *t, const struct trule *r, const char *s, size_t n)
{
	struct trules *mt = (struct trules *)t;
	if (!mt->md)
		mt->md = pcre2_match_data_create(4, NULL);
	if (!r->jit) {
		/* without a JIT (some platforms) pcre2_match interprets */
		((struct trule *)r)->jitok = pcre2_jit_compile(r->code, PCRE2_JIT_COMPLETE) == 0;
		((struct trule *)r)->jit = true;
	}
	/* JIT code is run directly: pcre2_match would check its arguments
	 * and then do the same (with PCRE2_MATCH_INVALID_UTF neither checks
	 * the subject), and that was a sixth of the cost of a match */
	if (r->jitok)
		return pcre2_jit_match(r->code, (PCRE2_SPTR)s, n, 0, 0, mt->md, NULL) >= 0;
	return pcre2_match(r->code, (PCRE2_SPTR)s, n, 0, 0, mt->md, NULL) >= 0;
}

const struct trule *tr_match(const struct trules *t, int from, int to, unsigned kind,
	int mode, const char *s, size_t n)
{
	/* the bytes of s, as a set like the rules' first bytes: made when
	 * the first rule that has them comes */
	uint64_t have[4];
	bool known = false;
	for (int i = from; i < to; i++) {
		const struct trule *r = &t->v[i];
		if (!(r->kinds & kind) || (r->whole && mode == TM_PART) ||
		    (!r->whole && mode == TM_WHOLE))
			continue;
		if (r->hasfirst) {
			if (!known) {
				uint8_t b[32] = {0};
				for (size_t j = 0; j < n; j++)
					b[(unsigned char)s[j] >> 3] |= (uint8_t)(1u << (s[j] & 7));
				memcpy(have, b, sizeof have);
				known = true;
			}
			if (!((r->first[0] & have[0]) | (r->first[1] & have[1]) |
			    (r->first[2] & have[2]) | (r->first[3] & have[3])))
				continue;
		}
		if (match1(t, r, s, n))
			return r;
	}
	return NULL;
}

bool tr_catchall(const struct trules *t, const struct trule *r)
{
	return match1(t, r, "", 0);
}

bool tr_known(const struct trules *t, const char *tag)
{
	for (int i = 0; i < t->n; i++)
		if (!strcmp(t->v[i].tag, tag))
			return true;
	return false;
}

void tr_free(struct trules *t)
{
	for (int i = 0; i < t->n; i++) {
		pcre2_code_free(t->v[i].code);
		free(t->v[i].pattern);
		free(t->v[i].name);
		free(t->v[i].source);
	}
	if (t->md)
		pcre2_match_data_free(t->md);
	free(t->v);
	memset(t, 0, sizeof *t);
}

/* --- the text rules see -------------------------------------------------- */

static bool wrapper(const char *s, size_t n, size_t *namelen)
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

static bool space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* What tag_clean tells apart, byte by byte: 1 blank, 2 a path's slash */
static const uint8_t clean_class[256] = {
	[' '] = 1, ['\t'] = 1, ['\n'] = 1, ['\r'] = 1, ['/'] = 2, ['\\'] = 2,
};

/* The end of the word that starts at s[j] (the next blank, or n); *slash
 * set when a '/' or '\\' lies before it.  Sixteen bytes a step with SSE2. */
static inline size_t word_end(const char *s, size_t j, size_t n, unsigned *slash)
{
#ifdef JSCAN_SSE2
	for (; n - j >= 16; j += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(s + j));
		unsigned bl = (unsigned)_mm_movemask_epi8(_mm_or_si128(
			_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\t'))),
			_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\n')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\r')))));
		unsigned sl = (unsigned)_mm_movemask_epi8(_mm_or_si128(
			_mm_cmpeq_epi8(v, _mm_set1_epi8('/')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))));
		if (bl) {
			unsigned k = (unsigned)__builtin_ctz(bl);
			*slash |= sl & ((1u << k) - 1);
			return j + k;
		}
		*slash |= sl;
	}
#endif
	unsigned c;
	for (; j < n && (c = clean_class[(unsigned char)s[j]]) != 1; j++)
		*slash |= c;
	return j;
}

/* The first '/', '\\' or '<' of s[j..lim), else lim: what lies before the
 * word it is in stays as it is. */
static inline size_t next_special(const char *s, size_t j, size_t lim)
{
#ifdef JSCAN_SSE2
	for (; lim - j >= 16; j += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(s + j));
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('<')),
			_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('/')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\')))));
		if (m)
			return j + (unsigned)__builtin_ctz(m);
	}
#endif
	for (; j < lim; j++)
		if (s[j] == '<' || clean_class[(unsigned char)s[j]] == 2)
			return j;
	return lim;
}

/* The text is taken in pieces, as it always was: with paths, each blank
 * and each word (or a path's replacement, or a wrapper's blank) is one;
 * without, each byte.  Pieces are added while fewer than TAG_TEXTMAX
 * bytes are kept, so the last may go past it; the cut below reads one
 * byte past TAG_TEXTMAX at most, so only TAG_TEXTMAX + 1 bytes are
 * stored, while len counts them all. */
#define CLEAN_KEEP (TAG_TEXTMAX + 1)

static inline void clean_put(char *d, size_t *len, const char *s, size_t n)
{
	if (*len < CLEAN_KEEP)
		memcpy(d + *len, s, n < CLEAN_KEEP - *len ? n : CLEAN_KEEP - *len);
	*len += n;
}

void tag_clean(struct sbuf *b, const char *s, size_t n, bool paths)
{
	sb_reset(b);
	if (!n)
		return;
	sb_grow(b, CLEAN_KEEP + 1);
	char *d = b->p;
	/* s[run..i) is kept as it is, not yet copied: blanks and words
	 * without a slash follow one another unchanged */
	size_t i = 0, len = 0, run = 0;
	while (i < n && len + (i - run) < TAG_TEXTMAX) {
		size_t room = TAG_TEXTMAX - (len + (i - run));
		if (paths) {
			/* blanks and words with no slash stay as they are: on to
			 * the word of the next '/', '\\' or '<', or to the piece
			 * that reaches TAG_TEXTMAX (a blank ends there; a word,
			 * which may hold a slash further on, is taken whole) */
			size_t lim = n - i < room ? n : i + room;
			size_t q = next_special(s, i, lim);
			if (q == lim) {
				if (lim == n || clean_class[(unsigned char)s[lim - 1]] == 1) {
					i = lim;
					break;
				}
				q = lim - 1;
			}
			while (q > i && clean_class[(unsigned char)s[q - 1]] != 1)
				q--;
			i = q;
		}
		size_t nl;
		if (s[i] == '<' && wrapper(s + i, n - i, &nl)) {
			/* <name>...</name>: text the client added, not typed */
			char close[40];
			snprintf(close, sizeof close, "</%.*s>", (int)nl, s + i + 1);
			const char *e = memmem(s + i, n - i, close, strlen(close));
			if (e) {
				clean_put(d, &len, s + run, i - run);
				i = run = (size_t)(e - s) + strlen(close);
				clean_put(d, &len, " ", 1);
				continue;
			}
		}
		if (!paths) {
			/* bytes up to the next '<' (past this one), one piece
			 * each: they stop at TAG_TEXTMAX exactly */
			size_t k = n - i < room ? n - i : room;
			const char *lt = k > 1 ? memchr(s + i + 1, '<', k - 1) : NULL;
			i += lt ? (size_t)(lt - (s + i)) : k;
			continue;
		}
		/* a word (s[i] is no blank): blanked when it is a path or a URL */
		unsigned slash = 0;
		size_t j = word_end(s, i, n, &slash);
		if (slash) {
			size_t k = j;
			while (k > i && strchr(".?!,:;", s[k - 1]))
				k--;
			clean_put(d, &len, s + run, i - run);
			clean_put(d, &len, " ", 1);
			clean_put(d, &len, s + k, j - k);
			run = j;
		}
		i = j;
	}
	clean_put(d, &len, s + run, i - run);
	/* never end inside a UTF-8 sequence (a text cut at a piece that
	 * ends at TAG_TEXTMAX ends there: the byte after it was the end) */
	size_t l = len;
	if (len > TAG_TEXTMAX) {
		l = TAG_TEXTMAX;
		while (l > 0 && ((unsigned char)d[l] & 0xc0) == 0x80)
			l--;
	}
	b->len = l;
	d[l] = 0;
}

size_t tag_sentence(const char *s, size_t n)
{
	size_t i = 0, words = 0;
	while (i < n) {
		const unsigned char *u = (const unsigned char *)s + i;
		size_t end = 0;
		if (*u == '\n')
			end = i + 1;
		else if ((*u == '.' || *u == '?' || *u == '!') && (i + 1 == n || space(s[i + 1])))
			end = i + 1;
		else if (n - i >= 3 && ((u[0] == 0xe3 && u[1] == 0x80 && u[2] == 0x82) ||
		    (u[0] == 0xef && u[1] == 0xbc && (u[2] == 0x9f || u[2] == 0x81))))
			end = i + 3;
		if (end) {
			/* "OK." or "Fair enough." alone says little: go on */
			for (size_t k = 0; k < end; k++)
				if (!space(s[k]) && (k == 0 || space(s[k - 1])))
					words++;
			if (words >= 4 || end - 0 >= 24)
				return end;
			words = 0;
			i = end;
			continue;
		}
		i++;
	}
	return n;
}
