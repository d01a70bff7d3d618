/* SPDX-License-Identifier: MIT */
/* prices.c: reading and checking the price table, finding a model in it. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>
#include "yamlload.h"
#include "prices.h"

static const char *const kind_name[PR_N] = {
	"input", "output", "cache_read", "cache_write", "cache_write_1h",
};

struct ld {
	yaml_document_t *doc;
	const char *file;
	int bad;
};

static unsigned long line_of(const yaml_node_t *n)
{
	return (unsigned long)n->start_mark.line + 1;
}

static const char *scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static void bad(struct ld *l, const yaml_node_t *n, const char *fmt, const char *arg)
{
	char msg[256];
	snprintf(msg, sizeof msg, fmt, arg);
	diag_at(l->file, line_of(n), "%s", msg);
	diag_errors++;
	l->bad++;
}

static bool number(struct ld *l, const yaml_node_t *n, double *v)
{
	const char *s = scalar(n);
	char *e;
	if (s) {
		errno = 0;
		*v = strtod(s, &e);
		if (e != s && !*e && !errno && isfinite(*v))
			return true;
	}
	bad(l, n, "not a price: %s", s ? s : "(not a scalar)");
	return false;
}

static int kind_of(const char *k)
{
	for (int i = 0; i < PR_N; i++)
		if (!strcmp(k, kind_name[i]))
			return i;
	return -1;
}

static void defaults(double *r, const bool *set)
{
	if (!set[PR_CACHE_READ])
		r[PR_CACHE_READ] = r[PR_INPUT];
	if (!set[PR_CACHE_WRITE])
		r[PR_CACHE_WRITE] = r[PR_INPUT];
	if (!set[PR_CACHE_WRITE_1H])
		r[PR_CACHE_WRITE_1H] = r[PR_CACHE_WRITE];
}

/* Fill rate[] from a mapping of kind: price; set[] says which were given.
 * long_context (when lc) goes to p's long tier. */
static void rates(struct ld *l, yaml_node_t *m, double *rate, bool *set, struct price *p, bool lc)
{
	for (yaml_node_pair_t *pr = m->data.mapping.pairs.start; pr < m->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = yaml_document_get_node(l->doc, pr->key);
		yaml_node_t *v = yaml_document_get_node(l->doc, pr->value);
		const char *ks = scalar(k);
		int i;
		if (!ks) {
			bad(l, k, "%s", "a key must be a plain name");
		} else if ((i = kind_of(ks)) >= 0) {
			if (number(l, v, &rate[i]))
				set[i] = true;
		} else if (!lc && !strcmp(ks, "context")) {
			double a;
			if (!number(l, v, &a))
				;
			else if (a >= 1 && a <= 1e12)
				p->context = (int64_t)a;
			else
				bad(l, v, "not a context window in tokens: %s", scalar(v));
		} else if (lc && !strcmp(ks, "above")) {
			double a;
			if (number(l, v, &a))
				p->long_above = a < 1 ? 1 : (int64_t)a;
		} else if (!lc && !strcmp(ks, "aliases")) {
			;       /* read by model() */
		} else if (!lc && !strcmp(ks, "long_context") && v->type == YAML_MAPPING_NODE) {
			bool lset[PR_N] = {0};
			rates(l, v, p->long_rate, lset, p, true);
			/* input and output default to the base rates, the cache
			 * rates to the tier's own input, as in the base */
			for (int j = PR_INPUT; j <= PR_OUTPUT; j++)
				if (!lset[j])
					p->long_rate[j] = NAN;
			defaults(p->long_rate, lset);
			if (!p->long_above)
				bad(l, v, "%s", "long_context needs \"above: TOKENS\"");
		} else {
			bad(l, k, "unknown price key \"%s\"", ks);
		}
	}
}

/* The ratios every real price list keeps; a typo breaks one of them. */
static bool sane(struct ld *l, yaml_node_t *n, const char *model, const double *r)
{
	const char *why = NULL;
	for (int i = 0; i < PR_N; i++)
		if (r[i] < 0)
			why = "a price is negative";
	if (!why && r[PR_OUTPUT] < r[PR_INPUT])
		why = "output costs less than input";
	else if (!why && r[PR_CACHE_READ] > r[PR_INPUT])
		why = "cache_read costs more than input";
	else if (!why && r[PR_CACHE_WRITE] < r[PR_INPUT])
		why = "cache_write costs less than input";
	else if (!why && r[PR_CACHE_WRITE_1H] < r[PR_CACHE_WRITE])
		why = "cache_write_1h costs less than cache_write";
	if (!why)
		return true;
	char msg[200];
	snprintf(msg, sizeof msg, "%.100s: %s; entry left out", model, why);
	bad(l, n, "%s", msg);
	return false;
}

static void put(struct prices *t, struct price *p)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->p[i].model, p->model)) {
			free(t->p[i].model);
			free(t->p[i].file);
			t->p[i] = *p;
			return;
		}
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->p = xrealloc(t->p, t->cap * sizeof *t->p);
	}
	t->p[t->n++] = *p;
}

static void model(struct ld *l, struct prices *t, yaml_node_t *k, yaml_node_t *v)
{
	const char *name = scalar(k);
	if (!name || !*name || v->type != YAML_MAPPING_NODE) {
		bad(l, k, "%s", "a model is a name with a mapping of prices");
		return;
	}
	struct price p = {0};
	bool set[PR_N] = {0};
	int before = l->bad;
	rates(l, v, p.rate, set, &p, false);
	if (!set[PR_INPUT] || !set[PR_OUTPUT]) {
		bad(l, k, "%s: needs input and output prices", name);
		return;
	}
	defaults(p.rate, set);
	for (int i = 0; p.long_above && i < PR_N; i++)
		if (isnan(p.long_rate[i]))
			p.long_rate[i] = p.rate[i];
	if (l->bad != before || !sane(l, k, name, p.rate) ||
	    (p.long_above && !sane(l, k, name, p.long_rate)))
		return;
	p.model = xstrdup(name);
	p.file = xstrdup(l->file);
	p.line = line_of(k);
	struct price base = p;
	put(t, &p);
	/* aliases: other names of the same model, each an entry of its own
	 * with these prices */
	for (yaml_node_pair_t *pr = v->data.mapping.pairs.start; pr < v->data.mapping.pairs.top; pr++) {
		const char *ks = scalar(yaml_document_get_node(l->doc, pr->key));
		yaml_node_t *a = yaml_document_get_node(l->doc, pr->value);
		if (!ks || strcmp(ks, "aliases"))
			continue;
		if (a->type != YAML_SEQUENCE_NODE) {
			bad(l, a, "%s", "aliases is a list of model names");
			continue;
		}
		for (yaml_node_item_t *it = a->data.sequence.items.start; it < a->data.sequence.items.top; it++) {
			yaml_node_t *n = yaml_document_get_node(l->doc, *it);
			const char *an = scalar(n);
			if (!an || !*an) {
				bad(l, n, "%s", "an alias is a model name");
				continue;
			}
			struct price q = base;
			q.model = xstrdup(an);
			q.file = xstrdup(l->file);
			q.line = line_of(n);
			put(t, &q);
		}
	}
}

static void top(struct ld *l, struct prices *t, yaml_node_t *root)
{
	for (yaml_node_pair_t *pr = root->data.mapping.pairs.start; pr < root->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = yaml_document_get_node(l->doc, pr->key);
		yaml_node_t *v = yaml_document_get_node(l->doc, pr->value);
		const char *ks = scalar(k);
		if (ks && !strcmp(ks, "models") && v->type == YAML_MAPPING_NODE) {
			for (yaml_node_pair_t *q = v->data.mapping.pairs.start; q < v->data.mapping.pairs.top; q++)
				model(l, t, yaml_document_get_node(l->doc, q->key),
					yaml_document_get_node(l->doc, q->value));
		} else if (ks && !strcmp(ks, "date") && scalar(v)) {
			free(t->date);
			t->date = xstrdup(scalar(v));
		} else if (!ks || (strcmp(ks, "source") && strcmp(ks, "note") && strcmp(ks, "currency"))) {
			bad(l, k, "unknown key \"%s\" (date, source, note, currency, models)", ks ? ks : "?");
		}
	}
}

int prices_load(struct prices *t, const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		diag_warn("%s: %s", path, strerror(errno));
		return -1;
	}
	yaml_document_t doc;
	struct sbuf err = {0};
	int r = 0;
	if (yaml_load_bounded(f, path, &doc, &err) < 0) {
		diag_warn("%s", err.p);
		sb_free(&err);
		r = -1;
	} else {
		yaml_node_t *root = yaml_document_get_root_node(&doc);
		struct ld l = {&doc, path, 0};
		if (!root || root->type != YAML_MAPPING_NODE) {
			diag_at(path, 1, "a price table is a mapping with \"models:\"");
			r = -1;
		} else {
			top(&l, t, root);
		}
		yaml_document_delete(&doc);
	}
	fclose(f);
	return r;
}

static bool digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* The length of m without a snapshot date: "-YYYYMMDD", "-YYYY-MM-DD",
 * "@YYYYMMDD" or "@YYYY-MM-DD" at its end (a dated snapshot is the model
 * its base name names), and before that a Bedrock version ("-v1:0", "-v2",
 * ":0").  Other suffixes make another model. */
static size_t undated(const char *m, size_t n)
{
	size_t e = n;
	/* Bedrock: anthropic.claude-sonnet-4-20250514-v1:0 */
	const char *c = memrchr(m, ':', e);
	if (c && c > m && c + 1 < m + e && digits(c + 1, e - (size_t)(c - m) - 1))
		e = (size_t)(c - m);
	if (e > 3) {
		size_t v = e;
		while (v > 0 && m[v - 1] >= '0' && m[v - 1] <= '9')
			v--;
		if (v < e && v >= 2 && m[v - 1] == 'v' && m[v - 2] == '-')
			e = v - 2;
	}
	if (e > 9 && (m[e - 9] == '-' || m[e - 9] == '@') && digits(m + e - 8, 8))
		return e - 9;
	if (e > 11 && (m[e - 11] == '-' || m[e - 11] == '@') && digits(m + e - 10, 4) &&
	    m[e - 6] == '-' && digits(m + e - 5, 2) && m[e - 3] == '-' && digits(m + e - 2, 2))
		return e - 11;
	/* no date: the version is part of the name (deepseek-v3) */
	return n;
}

/* The entry named exactly m[0..n), or the one named by m without its
 * snapshot date.  No other prefix matches: o3-pro is not o3. */
static const struct price *find(const struct prices *t, const char *m, size_t n)
{
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < t->n; i++)
			if (strlen(t->p[i].model) == n && !memcmp(t->p[i].model, m, n))
				return &t->p[i];
		size_t u = undated(m, n);
		if (u == n || u == 0)
			break;
		n = u;
	}
	return NULL;
}

const struct price *prices_find(const struct prices *t, const char *model)
{
	if (!model)
		return NULL;
	const struct price *p = find(t, model, strlen(model));
	if (p)
		return p;
	/* a provider's prefix: "openrouter/anthropic/claude-...",
	 * "models/gemini-..." */
	const char *s = strrchr(model, '/');
	if (s && (p = find(t, s + 1, strlen(s + 1))))
		return p;
	/* Bedrock: "anthropic.claude-...", "us.anthropic.claude-..." */
	s = strstr(model, "anthropic.");
	return s ? find(t, s + 10, strlen(s + 10)) : NULL;
}

double price_cost(const struct price *p, const struct tokens *tk, int kind)
{
	int64_t prompt = tk->input + tk->cache_read + tk->cache_write;
	const double *r = p->long_above && prompt > p->long_above ? p->long_rate : p->rate;
	switch (kind) {
	case PR_INPUT: return (double)tk->input * r[PR_INPUT];
	case PR_OUTPUT: return (double)tk->output * r[PR_OUTPUT];
	case PR_CACHE_READ: return (double)tk->cache_read * r[PR_CACHE_READ];
	case PR_CACHE_WRITE: {
		int64_t h = tk->cache_write_1h;
		if (h > tk->cache_write)
			h = tk->cache_write;
		if (h < 0)
			h = 0;
		return (double)(tk->cache_write - h) * r[PR_CACHE_WRITE] +
			(double)h * r[PR_CACHE_WRITE_1H];
	}
	}
	return 0;
}

void prices_free(struct prices *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->p[i].model);
		free(t->p[i].file);
	}
	free(t->p);
	free(t->date);
	memset(t, 0, sizeof *t);
}
