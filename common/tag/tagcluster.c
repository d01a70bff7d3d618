/* SPDX-License-Identifier: MIT */
/* tagcluster.c: tags found in the prompts themselves.  TF-IDF vectors of
 * the human prompts (ASCII words, Chinese as character bigrams, English
 * stop words dropped), spherical k-means seeded by k-means++ from a fixed
 * seed, k chosen by the silhouette, each cluster named after its
 * strongest term.  Same input, same clusters: nothing here depends on
 * time, addresses or threads. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tag.h"

#define SILMAX 2000     /* prompts the silhouette is computed on */

static const char *const stop[] = {
	"the", "and", "for", "that", "this", "with", "you", "your", "are", "was", "were", "but",
	"not", "all", "any", "can", "could", "would", "should", "will", "shall", "have", "has",
	"had", "from", "they", "them", "their", "there", "then", "than", "what", "which", "who",
	"when", "where", "why", "how", "its", "it's", "our", "ours", "out", "into", "onto", "about",
	"also", "just", "like", "please", "let", "lets", "let's", "now", "yes", "okay", "sure",
	"need", "want", "make", "get", "got", "use", "using", "used", "some", "more", "most",
	"very", "too", "much", "many", "one", "two", "each", "other", "such", "only", "own",
	"same", "so", "does", "did", "doing", "done", "been", "being", "here", "these", "those",
	"thing", "things", "think", "know", "see", "well", "hey", "claude", "codex", "gemini",
	"way", "may", "might", "must", "own", "over", "under", "again", "further", "once",
	"because", "while", "until", "both", "few", "nor", "off", "upon", "via", "per", "etc",
	"him", "his", "her", "she", "hers", "its", "itself", "myself", "yourself", "what's",
	"don", "doesn", "didn", "isn", "aren", "won", "can't", "don't", "i'm", "i'd", "i've",
	"we", "us", "me", "my", "mine", "new", "add", "still", "really", "maybe", "able",
};

struct doc { uint32_t *t; float *w; uint32_t n; struct titem *it; };

struct vocab {
	struct hmap idx;
	char **term;
	uint32_t *df;
	size_t n, cap;
};

static bool stopword(const char *s)
{
	for (size_t i = 0; i < sizeof stop / sizeof *stop; i++)
		if (!strcmp(stop[i], s))
			return true;
	return false;
}

static uint32_t term_id(struct vocab *v, const char *s)
{
	bool ins;
	int64_t *p = hm_put(&v->idx, hash64(s, strlen(s), 0x7e), &ins);
	if (ins) {
		if (v->n == v->cap) {
			v->cap = v->cap ? 2 * v->cap : 1024;
			v->term = xrealloc(v->term, v->cap * sizeof *v->term);
			v->df = xrealloc(v->df, v->cap * sizeof *v->df);
		}
		v->term[v->n] = xstrdup(s);
		v->df[v->n] = 0;
		*p = (int64_t)v->n++;
	}
	return (uint32_t)*p;
}

static uint32_t utf8(const unsigned char *s, size_t n, size_t *len)
{
	if (s[0] < 0x80 || n < 2) { *len = 1; return s[0]; }
	if ((s[0] & 0xe0) == 0xc0) { *len = 2; return ((s[0] & 0x1fu) << 6) | (s[1] & 0x3fu); }
	if ((s[0] & 0xf0) == 0xe0 && n >= 3) {
		*len = 3;
		return ((s[0] & 0x0fu) << 12) | ((s[1] & 0x3fu) << 6) | (s[2] & 0x3fu);
	}
	*len = (s[0] & 0xf8) == 0xf0 && n >= 4 ? 4 : 1;
	return 0xfffd;
}

static bool cjk(uint32_t c)
{
	return (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf);
}

static int byterm(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* The document's term ids (with repeats) into ids. */
static void tokens(struct vocab *v, const char *s, size_t n, uint32_t **ids, size_t *nid,
	size_t *cap)
{
	char w[64];
	size_t i = 0;
	*nid = 0;
#define PUSH(id) do { if (*nid == *cap) { *cap = *cap ? 2 * *cap : 64; \
	*ids = xrealloc(*ids, *cap * sizeof **ids); } (*ids)[(*nid)++] = (id); } while (0)
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') {
			size_t l = 0;
			while (i < n && ((((unsigned char)s[i] | 0x20) >= 'a' &&
			    ((unsigned char)s[i] | 0x20) <= 'z') || s[i] == '\'')) {
				if (l < sizeof w - 1)
					w[l++] = (char)(s[i] | 0x20);
				i++;
			}
			w[l] = 0;
			if (l >= 3 && l < sizeof w - 1 && !stopword(w))
				PUSH(term_id(v, w));
			continue;
		}
		size_t cl, cl2;
		uint32_t cp = utf8((const unsigned char *)s + i, n - i, &cl);
		if (!cjk(cp)) {
			i += cl;
			continue;
		}
		/* a run of Chinese: its character bigrams */
		size_t start = i, count = 0;
		while (i < n && cjk(utf8((const unsigned char *)s + i, n - i, &cl2))) {
			i += cl2;
			count++;
		}
		size_t a = start;
		if (count == 1) {
			memcpy(w, s + start, i - start);
			w[i - start] = 0;
			PUSH(term_id(v, w));
			continue;
		}
		while (a < i) {
			size_t l1, l2;
			utf8((const unsigned char *)s + a, n - a, &l1);
			if (a + l1 >= i)
				break;
			utf8((const unsigned char *)s + a + l1, n - a - l1, &l2);
			memcpy(w, s + a, l1 + l2);
			w[l1 + l2] = 0;
			PUSH(term_id(v, w));
			a += l1;
		}
	}
#undef PUSH
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}
static double unif(void) { return (double)(next() >> 11) / 9007199254740992.0; }

static double dotc(const struct doc *d, const double *c)
{
	double s = 0;
	for (uint32_t i = 0; i < d->n; i++)
		s += d->w[i] * c[d->t[i]];
	return s;
}

static double dotd(const struct doc *a, const struct doc *b)
{
	double s = 0;
	uint32_t i = 0, j = 0;
	while (i < a->n && j < b->n) {
		if (a->t[i] == b->t[j]) s += a->w[i++] * b->w[j++];
		else if (a->t[i] < b->t[j]) i++;
		else j++;
	}
	return s;
}

/* Spherical k-means; asg gets the clusters, c the (normalized) centroids. */
static void kmeans(struct doc *d, size_t n, size_t V, int k, int *asg, double *c)
{
	double *best = xmalloc(n * sizeof *best);
	rng = 0x9e3779b97f4a7c15ull;   /* the fixed seed: same clusters every run */
	memset(c, 0, (size_t)k * V * sizeof *c);
	size_t first = (size_t)(unif() * (double)n) % n;
	for (uint32_t i = 0; i < d[first].n; i++)
		c[d[first].t[i]] = d[first].w[i];
	for (size_t i = 0; i < n; i++)
		best[i] = dotc(&d[i], c);
	for (int j = 1; j < k; j++) {
		/* k-means++: far documents are likelier seeds */
		double sum = 0;
		for (size_t i = 0; i < n; i++)
			sum += (1 - best[i]) * (1 - best[i]);
		double r = unif() * sum;
		size_t pick = n - 1;
		for (size_t i = 0; i < n; i++) {
			r -= (1 - best[i]) * (1 - best[i]);
			if (r <= 0 && sum > 0) {
				pick = i;
				break;
			}
		}
		if (sum <= 0)
			pick = (size_t)j % n;
		double *cj = c + (size_t)j * V;
		for (uint32_t i = 0; i < d[pick].n; i++)
			cj[d[pick].t[i]] = d[pick].w[i];
		for (size_t i = 0; i < n; i++) {
			double s = dotc(&d[i], cj);
			if (s > best[i])
				best[i] = s;
		}
	}
	for (size_t i = 0; i < n; i++)
		asg[i] = -1;
	int *size = xcalloc((size_t)k, sizeof *size);
	for (int iter = 0; iter < 100; iter++) {
		bool moved = false;
		for (size_t i = 0; i < n; i++) {
			int a = 0;
			double bs = -1;
			for (int j = 0; j < k; j++) {
				double s = dotc(&d[i], c + (size_t)j * V);
				if (s > bs + 1e-12) {
					bs = s;
					a = j;
				}
			}
			best[i] = bs;
			if (a != asg[i])
				moved = true, asg[i] = a;
		}
		if (!moved)
			break;
		memset(c, 0, (size_t)k * V * sizeof *c);
		memset(size, 0, (size_t)k * sizeof *size);
		for (size_t i = 0; i < n; i++) {
			double *cj = c + (size_t)asg[i] * V;
			size[asg[i]]++;
			for (uint32_t t = 0; t < d[i].n; t++)
				cj[d[i].t[t]] += d[i].w[t];
		}
		for (int j = 0; j < k; j++) {
			double *cj = c + (size_t)j * V;
			if (!size[j]) {
				/* an empty cluster takes the worst-placed document */
				size_t w = 0;
				for (size_t i = 1; i < n; i++)
					if (best[i] < best[w])
						w = i;
				best[w] = 2;
				for (uint32_t t = 0; t < d[w].n; t++)
					cj[d[w].t[t]] = d[w].w[t];
				continue;
			}
			double norm = 0;
			for (size_t t = 0; t < V; t++)
				norm += cj[t] * cj[t];
			norm = sqrt(norm);
			if (norm > 0)
				for (size_t t = 0; t < V; t++)
					cj[t] /= norm;
		}
	}
	free(size);
	free(best);
}

static double silhouette(const float *sim, size_t n, const int *asg, int k)
{
	double total = 0;
	double *mean = xmalloc((size_t)k * sizeof *mean);
	int *cnt = xmalloc((size_t)k * sizeof *cnt);
	for (size_t i = 0; i < n; i++) {
		memset(mean, 0, (size_t)k * sizeof *mean);
		memset(cnt, 0, (size_t)k * sizeof *cnt);
		for (size_t j = 0; j < n; j++)
			if (j != i) {
				mean[asg[j]] += 1 - sim[i * n + j];
				cnt[asg[j]]++;
			}
		if (!cnt[asg[i]])
			continue;   /* a singleton scores 0 */
		double a = mean[asg[i]] / cnt[asg[i]], b = INFINITY;
		for (int j = 0; j < k; j++)
			if (j != asg[i] && cnt[j] && mean[j] / cnt[j] < b)
				b = mean[j] / cnt[j];
		if (isfinite(b) && (a > 0 || b > 0))
			total += (b - a) / (a > b ? a : b);
	}
	free(mean);
	free(cnt);
	return total / (double)n;
}

static void name_clusters(struct vocab *v, struct doc *d, size_t n, const int *asg, int k,
	size_t V, char (*name)[TAG_MAX + 1])
{
	double *w = xcalloc(V, sizeof *w);
	int *size = xcalloc((size_t)k, sizeof *size), *order = xmalloc((size_t)k * sizeof *order);
	for (size_t i = 0; i < n; i++)
		size[asg[i]]++;
	for (int j = 0; j < k; j++)
		order[j] = j;
	/* the largest cluster gets the plain name */
	for (int a = 1; a < k; a++)
		for (int b = a; b > 0 && size[order[b]] > size[order[b - 1]]; b--) {
			int t = order[b]; order[b] = order[b - 1]; order[b - 1] = t;
		}
	for (int o = 0; o < k; o++) {
		int j = order[o];
		memset(w, 0, V * sizeof *w);
		for (size_t i = 0; i < n; i++)
			if (asg[i] == j)
				for (uint32_t t = 0; t < d[i].n; t++)
					w[d[i].t[t]] += d[i].w[t];
		char base[TAG_MAX + 1] = "topic";
		/* the strongest of the top three terms that is an English word */
		bool used[3] = {0};
		size_t top[3] = {0};
		for (int r = 0; r < 3; r++) {
			size_t b = V;
			for (size_t t = 0; t < V; t++) {
				bool skip = false;
				for (int q = 0; q < r; q++)
					skip |= used[q] && top[q] == t;
				if (!skip && w[t] > 0 && (b == V || w[t] > w[b]))
					b = t;
			}
			if (b == V)
				break;
			top[r] = b;
			used[r] = true;
		}
		for (int r = 0; r < 3 && used[r]; r++) {
			const char *s = v->term[top[r]];
			size_t l = 0;
			char tmp[TAG_MAX + 1];
			for (; *s && l < TAG_MAX; s++)
				if (*s >= 'a' && *s <= 'z')
					tmp[l++] = *s;
				else if ((unsigned char)*s >= 0x80)
					break;
			tmp[l] = 0;
			if (l >= TAG_MIN && !*s) {
				strcpy(base, tmp);
				break;
			}
		}
		/* unique: a letter suffix, since tags are letters only */
		snprintf(name[j], TAG_MAX + 1, "%s", base);
		for (int suf = 0; suf < 26; suf++) {
			bool dup = false;
			for (int p = 0; p < o; p++)
				dup |= !strcmp(name[order[p]], name[j]);
			if (!dup)
				break;
			snprintf(name[j], TAG_MAX + 1, "%.*s%c", TAG_MAX - 1, base, 'a' + suf);
		}
	}
	free(w);
	free(size);
	free(order);
}

void tcluster(struct tsession **sv, size_t ns, const struct tcluster_opts *o, struct tstats *st)
{
	struct vocab v = {0};
	struct doc *d = NULL;
	size_t n = 0, cap = 0, nid, idcap = 0;
	uint32_t *ids = NULL;
	struct sbuf c = {0};
	for (size_t s = 0; s < ns; s++)
		for (size_t i = 0; i < sv[s]->nit; i++) {
			struct titem *it = &sv[s]->it[i];
			/* replies (ok, continue) say nothing about topics */
			if (it->kind != TK_PROMPT || it->origin != OR_HUMAN || it->reply)
				continue;
			tag_clean(&c, sv[s]->texts.p + it->text, it->textlen, true);
			tokens(&v, c.p ? c.p : "", c.len, &ids, &nid, &idcap);
			if (!nid)
				continue;
			sort_n(ids, nid, sizeof *ids, byterm);
			if (n == cap) {
				cap = cap ? 2 * cap : 64;
				d = xrealloc(d, cap * sizeof *d);
			}
			struct doc *dd = &d[n++];
			dd->it = it;
			dd->t = xmalloc(nid * sizeof *dd->t);
			dd->w = xmalloc(nid * sizeof *dd->w);
			dd->n = 0;
			for (size_t a = 0; a < nid; a++) {
				if (dd->n && dd->t[dd->n - 1] == ids[a]) {
					dd->w[dd->n - 1] += 1;
					continue;
				}
				dd->t[dd->n] = ids[a];
				dd->w[dd->n++] = 1;
				v.df[ids[a]]++;
			}
		}
	size_t V = v.n;
	for (size_t i = 0; i < n; i++) {
		double norm = 0;
		for (uint32_t t = 0; t < d[i].n; t++) {
			d[i].w[t] *= (float)(log((1.0 + (double)n) / (1.0 + v.df[d[i].t[t]])) + 1);
			norm += (double)d[i].w[t] * d[i].w[t];
		}
		norm = sqrt(norm);
		for (uint32_t t = 0; t < d[i].n; t++)
			d[i].w[t] = (float)(d[i].w[t] / norm);
	}
	int kmin = o->kmin, kmax = o->kmax;
	if (kmin != kmax && kmax > (int)n - 1)
		kmax = (int)n - 1;
	if (kmax > (int)n)
		kmax = (int)n;
	if (kmin < 1)
		kmin = 1;
	if (n >= 2 && kmin <= kmax) {
		size_t m = n < SILMAX ? n : SILMAX;   /* an even sample of bigger inputs */
		size_t *pick = xmalloc(m * sizeof *pick);
		for (size_t i = 0; i < m; i++)
			pick[i] = i * n / m;
		float *sim = xmalloc(m * m * sizeof *sim);
		for (size_t i = 0; i < m; i++)
			for (size_t j = 0; j < m; j++)
				sim[i * m + j] = (float)dotd(&d[pick[i]], &d[pick[j]]);
		int *asg = xmalloc(n * sizeof *asg), *bestasg = xmalloc(n * sizeof *bestasg);
		int *sasg = xmalloc(m * sizeof *sasg);
		double *cent = xmalloc((size_t)kmax * (V ? V : 1) * sizeof *cent);
		double bests = -2;
		int bestk = kmin;
		for (int k = kmin; k <= kmax; k++) {
			kmeans(d, n, V, k, asg, cent);
			double s = 0;
			if (kmin != kmax) {
				for (size_t i = 0; i < m; i++)
					sasg[i] = asg[pick[i]];
				s = silhouette(sim, m, sasg, k);
			}
			if (s > bests + 1e-9) {
				bests = s;
				bestk = k;
				memcpy(bestasg, asg, n * sizeof *asg);
			}
		}
		char (*name)[TAG_MAX + 1] = xcalloc((size_t)bestk, sizeof *name);
		name_clusters(&v, d, n, bestasg, bestk, V, name);
		for (size_t i = 0; i < n; i++) {
			snprintf(d[i].it->tag, sizeof d[i].it->tag, "%s", name[bestasg[i]]);
			d[i].it->rule = "cluster";
		}
		st->clusters = bestk;
		st->silhouette = kmin != kmax ? bests : 0;
		st->clustered = n;
		free(name);
		free(pick);
		free(sim);
		free(asg);
		free(bestasg);
		free(sasg);
		free(cent);
	}
	for (size_t i = 0; i < n; i++) {
		free(d[i].t);
		free(d[i].w);
	}
	free(d);
	free(ids);
	sb_free(&c);
	for (size_t i = 0; i < v.n; i++)
		free(v.term[i]);
	free(v.term);
	free(v.df);
	hm_free(&v.idx);
}
