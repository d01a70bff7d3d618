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

/* --- literals every match holds ------------------------------------------ */

/* Most texts are matched by no rule, or by one near the end: each rule
 * before it is tried on the whole text.  A built-in's pattern is read
 * once for literals of which every match holds one (caseless: ASCII
 * letters in lower case), and the rule is skipped for a text that holds
 * none of them.  The reading knows the syntax the built-ins use and gives
 * up on anything else; what it cannot be sure of says nothing.
 *
 * A set of strings is exact (the part matches exactly these), a
 * condition (every match of the part holds one of these), or nothing
 * known.  Matched caselessly, an ASCII letter also matches U+017F (s) and
 * U+212A (k), and nothing else outside ASCII (tests/unit/taglits.c asks
 * PCRE2): a text with either of those is tried on every rule.  Other
 * characters are taken as literals only in ranges without case
 * (CJK, fullwidth punctuation). */
enum { LS_EXACT, LS_COND, LS_ANY };
#define LIT_MAX 24              /* bytes of an exact string */
#define LS_EXACT_MAX 128
#define LS_COND_MAX 256

struct lit { uint8_t n; char s[LIT_MAX]; };
struct lset { struct lit *v; int n, cap; int kind; };

static struct lset ls_any(void)
{
	return (struct lset){.kind = LS_ANY};
}

static void ls_free(struct lset *a)
{
	free(a->v);
	a->v = NULL;
	a->n = a->cap = 0;
}

static void ls_push(struct lset *a, const char *s, size_t n)
{
	if (a->n == a->cap) {
		a->cap = a->cap ? 2 * a->cap : 8;
		a->v = xrealloc(a->v, (size_t)a->cap * sizeof *a->v);
	}
	a->v[a->n].n = (uint8_t)n;
	memcpy(a->v[a->n].s, s, n);
	a->n++;
}

static struct lset ls_str(const char *s, size_t n)
{
	struct lset a = {.kind = LS_EXACT};
	ls_push(&a, s, n);
	return a;
}

/* what every match holds: an exact set with the empty string says nothing */
static struct lset ls_cond(struct lset a)
{
	if (a.kind != LS_EXACT)
		return a;
	for (int i = 0; i < a.n; i++)
		if (!a.v[i].n) {
			ls_free(&a);
			return ls_any();
		}
	if (!a.n)
		return ls_any();
	a.kind = LS_COND;
	return a;
}

static int ls_minlen(const struct lset *a)
{
	int m = LIT_MAX;
	for (int i = 0; i < a->n; i++)
		if (a->v[i].n < m)
			m = a->v[i].n;
	return m;
}

/* Both hold for a match of a part and the next: keep the one that says
 * more (longer literals, then fewer). */
static struct lset ls_better(struct lset a, struct lset b)
{
	if (a.kind == LS_ANY)
		return b;
	if (b.kind == LS_ANY)
		return a;
	int ma = ls_minlen(&a), mb = ls_minlen(&b);
	ma = ma < 3 ? ma : 3;
	mb = mb < 3 ? mb : 3;
	if (ma > mb || (ma == mb && a.n <= b.n)) {
		ls_free(&b);
		return a;
	}
	ls_free(&a);
	return b;
}

/* The strings of a then b, when there are few enough and they are short
 * enough: a and b are spent then, else left as they are. */
static bool ls_cross(struct lset *a, struct lset *b, struct lset *r)
{
	if ((long)a->n * b->n > LS_EXACT_MAX)
		return false;
	for (int i = 0; i < a->n; i++)
		for (int j = 0; j < b->n; j++)
			if (a->v[i].n + b->v[j].n > LIT_MAX)
				return false;
	*r = (struct lset){.kind = LS_EXACT};
	for (int i = 0; i < a->n; i++)
		for (int j = 0; j < b->n; j++) {
			char s[2 * LIT_MAX];
			memcpy(s, a->v[i].s, a->v[i].n);
			memcpy(s + a->v[i].n, b->v[j].s, b->v[j].n);
			ls_push(r, s, (size_t)a->v[i].n + b->v[j].n);
		}
	ls_free(a);
	ls_free(b);
	return true;
}

static struct lset ls_alt(struct lset a, struct lset b)
{
	if (!(a.kind == LS_EXACT && b.kind == LS_EXACT && a.n + b.n <= LS_EXACT_MAX)) {
		a = ls_cond(a);
		b = ls_cond(b);
		if (a.kind == LS_ANY || b.kind == LS_ANY || a.n + b.n > LS_COND_MAX) {
			ls_free(&a);
			ls_free(&b);
			return ls_any();
		}
	}
	for (int i = 0; i < b.n; i++)
		ls_push(&a, b.v[i].s, b.v[i].n);
	ls_free(&b);
	return a;
}

/* a part repeated min to max times (max -1: no end) */
static struct lset ls_rep(struct lset a, int min, int max)
{
	if (min == 1 && max == 1)
		return a;
	if (min > 0)
		return ls_cond(a);
	if (max == 1 && a.kind == LS_EXACT && a.n < LS_EXACT_MAX) {
		ls_push(&a, "", 0);
		return a;
	}
	ls_free(&a);
	return ls_any();
}

struct lp { const char *p, *e; bool fail; };

static struct lset lp_fail(struct lp *x)
{
	x->fail = true;
	return ls_any();
}

/* characters that match only themselves, caselessly too */
static bool nocase(uint32_t c)
{
	return (c >= 0x3000 && c <= 0x9fff) || (c >= 0xff01 && c <= 0xff20) ||
		(c >= 0xff3b && c <= 0xff40) || (c >= 0xff5b && c <= 0xff65);
}

static uint32_t utf8_cp(const char *s, size_t l)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t c = l == 2 ? u[0] & 0x1f : l == 3 ? u[0] & 0x0f : u[0] & 0x07;
	for (size_t i = 1; i < l; i++)
		c = c << 6 | (u[i] & 0x3f);
	return c;
}

static char lfold(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

/* One character at x->p, in a class or out: 1 with its bytes in lit
 * (*n of them) when it matches only them, 0 when it matches more (\s, a
 * cased letter outside ASCII), -1 failed.  *class: an escape of a class. */
static int lp_one(struct lp *x, char *lit, size_t *n, bool inclass)
{
	unsigned char c = (unsigned char)*x->p;
	if (c >= 0x80) {
		size_t l = utf8_valid_len(x->p, (size_t)(x->e - x->p));
		if (!l)
			return -1;
		memcpy(lit, x->p, l);
		*n = l;
		x->p += l;
		return nocase(utf8_cp(lit, l)) ? 1 : 0;
	}
	x->p++;
	*n = 1;
	if (c != '\\') {
		*lit = lfold((char)c);
		return 1;
	}
	if (x->p >= x->e)
		return -1;
	c = (unsigned char)*x->p++;
	switch (c) {
	case 'd': case 'D': case 's': case 'S': case 'w': case 'W': case 'h': case 'H':
	case 'v': case 'V':
		return 0;
	case 'p': case 'P':
		if (x->p < x->e && *x->p == '{') {
			const char *q = memchr(x->p, '}', (size_t)(x->e - x->p));
			if (!q)
				return -1;
			x->p = q + 1;
		} else if (x->p++ >= x->e) {
			return -1;
		}
		return 0;
	case 'n': *lit = '\n'; return 1;
	case 't': *lit = '\t'; return 1;
	case 'r': *lit = '\r'; return 1;
	case 'f': *lit = '\f'; return 1;
	}
	(void)inclass;
	if (c < 0x80 && !(c >= '0' && c <= '9') && !(lfold((char)c) >= 'a' && lfold((char)c) <= 'z')) {
		*lit = (char)c;
		return 1;
	}
	return -1;
}

static struct lset lp_class(struct lp *x)
{
	struct lset r = {.kind = LS_EXACT};
	bool neg = false, many = false, first = true;
	if (x->p < x->e && *x->p == '^') {
		neg = true;
		x->p++;
	}
	while (x->p < x->e && (*x->p != ']' || first)) {
		char lit[4];
		size_t n;
		first = false;
		if (*x->p == '[' && x->e - x->p > 1 && strchr(":.=", x->p[1])) {
			ls_free(&r);
			return lp_fail(x);
		}
		int k = lp_one(x, lit, &n, true);
		if (k < 0) {
			ls_free(&r);
			return lp_fail(x);
		}
		if (x->e - x->p > 1 && *x->p == '-' && x->p[1] != ']') {
			/* a range: more than a few characters, say nothing */
			x->p++;
			if (lp_one(x, lit, &n, true) < 0) {
				ls_free(&r);
				return lp_fail(x);
			}
			many = true;
			continue;
		}
		if (!k || r.n >= 16)
			many = true;
		else
			ls_push(&r, lit, n);
	}
	if (x->p >= x->e) {
		ls_free(&r);
		return lp_fail(x);
	}
	x->p++;
	if (neg || many || !r.n) {
		ls_free(&r);
		return ls_any();
	}
	return r;
}

static struct lset lp_alt(struct lp *x, int depth);

static struct lset lp_atom(struct lp *x, int depth)
{
	switch (*x->p) {
	case '(': {
		bool look = false;
		x->p++;
		if (x->p < x->e && *x->p == '?') {
			if (x->e - x->p > 1 && x->p[1] == ':') {
				x->p += 2;
			} else if (x->e - x->p > 1 && (x->p[1] == '=' || x->p[1] == '!')) {
				x->p += 2;
				look = true;
			} else if (x->e - x->p > 2 && x->p[1] == '<' && (x->p[2] == '=' || x->p[2] == '!')) {
				x->p += 3;
				look = true;
			} else {
				return lp_fail(x);
			}
		} else if (x->p < x->e && *x->p == '*') {
			return lp_fail(x);
		}
		struct lset in = lp_alt(x, depth + 1);
		if (x->fail || x->p >= x->e || *x->p != ')') {
			ls_free(&in);
			return lp_fail(x);
		}
		x->p++;
		if (look) {
			/* it matches no text of its own */
			ls_free(&in);
			return ls_str("", 0);
		}
		return in;
	}
	case '[':
		x->p++;
		return lp_class(x);
	case '.':
		x->p++;
		return ls_any();
	case '^': case '$':
		x->p++;
		return ls_str("", 0);
	case '*': case '+': case '?': case '{':
		return lp_fail(x);
	case '\\':
		if (x->e - x->p > 1 && strchr("bBAzZG", x->p[1])) {
			x->p += 2;
			return ls_str("", 0);
		}
		if (x->e - x->p > 1 && strchr("NRX", x->p[1])) {
			x->p += 2;
			return ls_any();
		}
		break;
	}
	char lit[4];
	size_t n;
	int k = lp_one(x, lit, &n, false);
	return k < 0 ? lp_fail(x) : k ? ls_str(lit, n) : ls_any();
}

static bool lp_num(struct lp *x, int *v)
{
	if (x->p >= x->e || *x->p < '0' || *x->p > '9')
		return false;
	for (*v = 0; x->p < x->e && *x->p >= '0' && *x->p <= '9'; x->p++)
		if ((*v = *v * 10 + (*x->p - '0')) > 65535)
			return false;
	return true;
}

/* a quantifier: true with its bounds; a '{' that is none fails */
static bool lp_quant(struct lp *x, int *min, int *max)
{
	if (x->p >= x->e)
		return false;
	switch (*x->p) {
	case '?': *min = 0; *max = 1; x->p++; break;
	case '*': *min = 0; *max = -1; x->p++; break;
	case '+': *min = 1; *max = -1; x->p++; break;
	case '{':
		x->p++;
		if (!lp_num(x, min))
			goto bad;
		*max = *min;
		if (x->p < x->e && *x->p == ',') {
			x->p++;
			*max = -1;
			if (x->p < x->e && *x->p != '}' && (!lp_num(x, max) || *max < *min))
				goto bad;
		}
		if (x->p >= x->e || *x->p != '}')
			goto bad;
		x->p++;
		break;
	default:
		return false;
	}
	if (x->p < x->e && (*x->p == '?' || *x->p == '+'))
		x->p++;
	return true;
bad:
	x->fail = true;
	return false;
}

/* 1: not a plain character; 2: a quantifier follows */
static const uint8_t meta[256] = {
	['('] = 1, [')'] = 1, ['['] = 1, [']'] = 1, ['{'] = 3, ['}'] = 1, ['\\'] = 1, ['.'] = 1,
	['^'] = 1, ['$'] = 1, ['*'] = 3, ['+'] = 3, ['?'] = 3, ['|'] = 1, [0] = 1,
};

/* Parts one after another: the exact ones next to each other make
 * longer strings (run); the best condition seen is kept (best). */
static struct lset lp_seq(struct lp *x, int depth)
{
	struct lset run = ls_str("", 0), best = ls_any(), r;
	bool exact = true;
	while (!x->fail && x->p < x->e && *x->p != '|' && *x->p != ')') {
		/* a plain character, not repeated: onto the end of each string */
		unsigned char c = (unsigned char)*x->p;
		if (run.kind == LS_EXACT && c < 0x80 && !(meta[c] & 1) &&
		    (x->e - x->p < 2 || !(meta[(unsigned char)x->p[1]] & 2))) {
			int i = 0;
			while (i < run.n && run.v[i].n < LIT_MAX)
				i++;
			if (i == run.n) {
				for (i = 0; i < run.n; i++)
					run.v[i].s[run.v[i].n++] = lfold((char)c);
				x->p++;
				continue;
			}
		}
		struct lset a = lp_atom(x, depth);
		int min, max;
		if (!x->fail && lp_quant(x, &min, &max))
			a = ls_rep(a, min, max);
		if (a.kind == LS_EXACT && ls_cross(&run, &a, &r)) {
			run = r;
			continue;
		}
		/* the run ends here: what it holds is one condition, and
		 * the sequence is no longer exactly what a run holds */
		best = ls_better(best, ls_cond(run));
		exact = false;
		if (a.kind == LS_EXACT) {
			run = a;
		} else {
			best = ls_better(best, a);
			run = ls_str("", 0);
		}
	}
	if (exact && best.kind == LS_ANY)
		return run;
	return ls_better(best, ls_cond(run));
}

static struct lset lp_alt(struct lp *x, int depth)
{
	if (depth > 32)
		return lp_fail(x);
	struct lset a = lp_seq(x, depth);
	while (!x->fail && x->p < x->e && *x->p == '|') {
		x->p++;
		a = ls_alt(a, lp_seq(x, depth));
	}
	return a;
}

/* The literals of a pattern, as a condition (LS_COND), or LS_ANY. */
static struct lset literals(const char *pattern)
{
	struct lp x = {pattern, pattern + strlen(pattern), false};
	struct lset a = lp_alt(&x, 0);
	if (x.fail || x.p != x.e) {
		ls_free(&a);
		return ls_any();
	}
	return ls_cond(a);
}

int tr_literals(const char *pattern, struct sbuf *out)
{
	struct lset a = literals(pattern);
	int n = a.kind == LS_ANY ? -1 : a.n;
	for (int i = 0; i < a.n; i++) {
		sb_add(out, a.v[i].s, a.v[i].n);
		sb_addc(out, '\n');
	}
	ls_free(&a);
	return n;
}

/* The check, made once for all the built-ins: bytes fall in 64 classes
 * (a letter's two cases in one); each literal is filed under one pair of
 * classes in it, the one least common in English, with the other pairs
 * it has (a literal of one byte, by its class).  One pass over a text
 * gives its classes and pairs; the literals filed under the pairs it has
 * are then checked for their other pairs, and a built-in none of whose
 * literals has all its pairs in the text is skipped.  Classes shared by
 * several bytes only let a rule be tried in vain, never skip one. */
struct tlits {
	uint64_t byte[64];      /* built-ins with a literal of that class */
	uint32_t at[64 * 64 + 1];       /* pair k's literals: lit[at[k]..at[k+1]) */
	uint16_t *lit;          /* each: the built-in's bit, the count of its
	                         * other pairs, those */
};

static uint8_t lit_class(unsigned char c)
{
	static const char signs[] = " '-.?:/_";
	const char *p;
	if (c >= 0x80)
		return (uint8_t)(48 + (c & 15));
	c = (unsigned char)lfold((char)c);
	if (c >= 'a' && c <= 'z')
		return (uint8_t)(1 + c - 'a');
	if (c >= '0' && c <= '9')
		return (uint8_t)(27 + c - '0');
	if (c && (p = strchr(signs, c)))
		return (uint8_t)(37 + (p - signs));
	return (uint8_t)(45 + c % 3);
}

/* How common a class is in English text (more is more) */
static int lit_common(uint8_t k)
{
	static const char order[] = "zqxjkvbpygfwmucldrhsnioate";
	if (k >= 1 && k <= 26)
		return (int)(strchr(order, 'a' + k - 1) - order);
	return k == 37 ? 30 : 12;   /* a blank is the most common */
}

struct litrec { uint16_t pair; uint32_t at; };

static struct tlits *lits_build(const struct trules *t, int8_t *bits)
{
	struct tlits *l = xcalloc(1, sizeof *l);
	/* the literals, each as its bit, count and other pairs, in tmp;
	 * their anchors in rec */
	uint16_t *tmp = NULL;
	struct litrec *rec = NULL;
	size_t ntmp = 0, captmp = 0, nrec = 0, caprec = 0;
	int nb = 0;
	for (int i = t->nuser; i < t->n; i++) {
		bits[i - t->nuser] = -1;
		if (nb == 64)
			continue;
		struct lset a = literals(t->v[i].pattern);
		if (a.kind == LS_ANY)
			continue;
		for (int j = 0; j < a.n; j++) {
			const unsigned char *s = (const unsigned char *)a.v[j].s;
			if (a.v[j].n == 1) {
				l->byte[lit_class(s[0])] |= 1ull << nb;
				continue;
			}
			unsigned m = a.v[j].n - 1 < 9 ? a.v[j].n - 1 : 9, best = 0;
			uint16_t pr[9];
			int least = 1 << 20;
			for (unsigned k = 0; k < m; k++) {
				uint8_t x = lit_class(s[k]), y = lit_class(s[k + 1]);
				int c = lit_common(x) + lit_common(y);
				pr[k] = (uint16_t)(x << 6 | y);
				if (c < least) {
					least = c;
					best = k;
				}
			}
			if (ntmp + 11 > captmp) {
				captmp = captmp ? 2 * captmp : 1024;
				tmp = xrealloc(tmp, captmp * sizeof *tmp);
			}
			if (nrec == caprec) {
				caprec = caprec ? 2 * caprec : 256;
				rec = xrealloc(rec, caprec * sizeof *rec);
			}
			rec[nrec++] = (struct litrec){pr[best], (uint32_t)ntmp};
			tmp[ntmp++] = (uint16_t)nb;
			tmp[ntmp++] = (uint16_t)(m - 1);
			for (unsigned k = 0; k < m; k++)
				if (k != best)
					tmp[ntmp++] = pr[k];
		}
		ls_free(&a);
		bits[i - t->nuser] = (int8_t)nb++;
	}
	/* filed by anchor: counted, then placed in the order found */
	static uint32_t cnt[64 * 64 + 1];
	memset(cnt, 0, sizeof cnt);
	for (size_t r = 0; r < nrec; r++)
		cnt[rec[r].pair + 1] += 2 + tmp[rec[r].at + 1];
	for (unsigned k = 0; k < 64 * 64; k++)
		l->at[k + 1] = l->at[k] + cnt[k + 1];
	memcpy(cnt, l->at, sizeof cnt);
	l->lit = xmalloc((ntmp ? ntmp : 1) * sizeof *l->lit);
	for (size_t r = 0; r < nrec; r++) {
		const uint16_t *e = tmp + rec[r].at;
		memcpy(l->lit + cnt[rec[r].pair], e, (2 + (size_t)e[1]) * sizeof *e);
		cnt[rec[r].pair] += 2 + e[1];
	}
	free(tmp);
	free(rec);
	return l;
}

/* The built-ins whose literals s may hold: all of them when it has
 * U+017F or U+212A, which match s and k caselessly. */
static uint64_t lits_may(const struct tlits *l, const char *s, size_t n)
{
	static uint8_t cls[256];
	static uint16_t hit[64 * 64];
	static uint64_t pairs[64];
	if (!cls['a'])
		for (int c = 0; c < 256; c++)
			cls[c] = lit_class((unsigned char)c);
	uint64_t m = 0, classes = 0;
	unsigned p = 0, nhit = 0;
	for (size_t j = 0; j < n; j++) {
		unsigned c = cls[(unsigned char)s[j]];
		classes |= 1ull << c;
		if (j) {
			unsigned k = p << 6 | c;
			uint64_t w = pairs[k >> 6], b = 1ull << (k & 63);
			if (!(w & b)) {
				pairs[k >> 6] = w | b;
				if (l->at[k] != l->at[k + 1])
					hit[nhit++] = (uint16_t)k;
			}
		}
		p = c;
	}
	for (int c = 0; c < 64; c++)
		if (classes >> c & 1)
			m |= l->byte[c];
	/* the literals filed under the pairs it has, whole */
	for (unsigned h = 0; h < nhit; h++) {
		const uint16_t *q = l->lit + l->at[hit[h]], *e = l->lit + l->at[hit[h] + 1];
		while (q < e) {
			unsigned b = q[0], np = q[1];
			const uint16_t *x = q + 2;
			q = x + np;
			if (m >> b & 1)
				continue;
			while (x < q && (pairs[*x >> 6] >> (*x & 63) & 1))
				x++;
			if (x == q)
				m |= 1ull << b;
		}
	}
	/* the pairs set go (a text is short next to the 4096 of them) */
	if (nhit < 64 && n < 512) {
		p = 0;
		for (size_t j = 0; j < n; j++) {
			unsigned c = cls[(unsigned char)s[j]];
			if (j)
				pairs[(p << 6 | c) >> 6] = 0;
			p = c;
		}
	} else {
		memset(pairs, 0, sizeof pairs);
	}
	if ((classes >> 48) && (memmem(s, n, "\xc5\xbf", 2) || memmem(s, n, "\xe2\x84\xaa", 3)))
		return ~0ull;
	return m;
}

void tr_builtin(struct trules *t)
{
	/* compiled when first tried (tr_match): most texts are decided by
	 * the first rules, and many rules are skipped by their literals */
	for (int i = 0; i < tag_nbuiltins; i++) {
		const struct tbuiltin *b = &tag_builtins[i];
		struct trule *r = newrule(t);
		r->kinds = b->kinds;
		strcpy(r->tag, b->tag);
		r->pattern = xstrdup(b->re);
		char name[64];
		snprintf(name, sizeof name, "builtin:%s/%s", b->tag, b->lang);
		r->name = xstrdup(name);
		r->source = xstrdup("builtin");
		r->whole = b->whole;
		t->n++;
	}
}

/* A built-in rule's code, when first needed. */
static void builtin_code(struct trule *r)
{
	struct sbuf err = {0};
	if (!(r->code = compile(r->pattern, &err)))
		die(2, "built-in rule %s: %s", r->name, err.p);
	first_bytes(r);
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
	/* the bytes of s, as a set like the rules' first bytes, and the
	 * built-ins whose literals it may hold: made when the first rule
	 * that needs them comes */
	uint64_t have[4] = {0}, may = 0;
	bool known = false, mayknown = false;
	struct trules *mt = (struct trules *)t;
	for (int i = from; i < to; i++) {
		struct trule *r = &mt->v[i];
		if (!(r->kinds & kind) || (r->whole && mode == TM_PART) ||
		    (!r->whole && mode == TM_WHOLE))
			continue;
		if (i >= t->nuser) {
			if (!mt->lits) {
				mt->litbit = xmalloc((size_t)(t->n - t->nuser) * sizeof *mt->litbit);
				mt->lits = lits_build(t, mt->litbit);
			}
			int b = mt->litbit[i - t->nuser];
			if (b >= 0) {
				if (!mayknown) {
					/* a prompt of one sentence is looked at whole,
					 * then as its sentence: the same text */
					static char last[512];
					static size_t lastn = SIZE_MAX;
					static uint64_t lastmay;
					if (n == lastn && (!n || !memcmp(s, last, n))) {
						may = lastmay;
					} else {
						/* (an empty text may come as NULL) */
						may = lits_may(mt->lits, s, n);
						if ((lastn = n <= sizeof last ? n : SIZE_MAX) != SIZE_MAX) {
							if (n)
								memcpy(last, s, n);
							lastmay = may;
						}
					}
					mayknown = true;
				}
				if (!(may >> b & 1))
					continue;
			}
			if (!r->code)
				builtin_code(r);   /* tried for the first time */
		}
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
	if (t->lits)
		free(t->lits->lit);
	free(t->lits);
	free(t->litbit);
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
