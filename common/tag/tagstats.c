/* SPDX-License-Identifier: MIT */
/* tagstats.c: --stats and --stats-json, the figures of the "run, read the
 * unmatched prompts, add a rule" loop. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "outfile.h"
#include "tag.h"

static const char *const kname[3] = {"session", "prompt", "llm"};

static int bycount(const void *a, const void *b)
{
	const struct tcount *x = a, *y = b;
	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->tag, y->tag);
}

static void sorted(const struct tkindstat *k)
{
	if (k->ntags)
		sort_n(k->tags, k->ntags, sizeof *k->tags, bycount);
}

static double pct(uint64_t a, uint64_t b)
{
	return b ? 100.0 * (double)a / (double)b : 0;
}

/* Too coarse to profile with: one tag takes over, or few tags are used.
 * Judged on human prompts, when there are enough to judge. */
static int warnings(const struct tstats *st, char w[2][160])
{
	const struct tkindstat *h = &st->human;
	int n = 0;
	if (h->records < 10)
		return 0;
	sorted(h);
	if (h->ntags && pct(h->tags[0].n, h->records) > 40)
		snprintf(w[n++], 160, "tag %s takes %.1f%% of human prompts: add rules that split it",
			h->tags[0].tag, pct(h->tags[0].n, h->records));
	if (h->ntags < 5)
		snprintf(w[n++], 160, "only %zu tags for %llu human prompts: add rules for the "
			"unmatched ones", h->ntags, (unsigned long long)h->records);
	return n;
}

static void line(const char *name, const struct tkindstat *k)
{
	fprintf(stderr, "  %-9s %8llu %8llu %6.1f%%\n", name, (unsigned long long)k->records,
		(unsigned long long)k->matched, pct(k->matched, k->records));
}

static void dist(const char *name, const struct tkindstat *k)
{
	sorted(k);
	fprintf(stderr, "%s:", name);
	for (size_t i = 0; i < k->ntags; i++)
		fprintf(stderr, "%s %s %llu", i ? "," : "", k->tags[i].tag,
			(unsigned long long)k->tags[i].n);
	fprintf(stderr, "\n");
}

void stats_print(const struct tstats *st, const struct trules *t, const char *tagger)
{
	char w[2][160];
	fprintf(stderr, "agent-tag: %s tagger, %d user rules\n", tagger, t->nuser);
	fprintf(stderr, "  %-9s %8s %8s %7s\n", "kind", "records", "matched", "share");
	line("session", &st->k[0]);
	line("prompt", &st->k[1]);
	line(" human", &st->human);
	line("llm", &st->k[2]);
	dist("session tags", &st->k[0]);
	dist("human prompt tags", &st->human);
	dist("prompt tags", &st->k[1]);
	dist("llm tags", &st->k[2]);
	fprintf(stderr, "unmatched human prompts: %llu (%d shown)\n",
		(unsigned long long)st->unmatched_human, st->nsamples);
	for (int i = 0; i < st->nsamples; i++)
		fprintf(stderr, "  %s: %s\n", st->samples[i].id, st->samples[i].text);
	if (!strcmp(tagger, "llm")) {
		fprintf(stderr, "llm: %llu requests, %llu cache hits, %llu answered",
			(unsigned long long)st->requests, (unsigned long long)st->cache_hits,
			(unsigned long long)st->answered);
		for (int i = 0; i < st->nfb; i++)
			fprintf(stderr, "%s fallback %s %llu", i ? "," : ";", st->fb[i].reason,
				(unsigned long long)st->fb[i].n);
		fprintf(stderr, "\n");
	}
	if (!strcmp(tagger, "cluster"))
		fprintf(stderr, "cluster: %llu prompts in %d clusters, silhouette %.3f\n",
			(unsigned long long)st->clustered, st->clusters, st->silhouette);
	int nw = warnings(st, w);
	for (int i = 0; i < nw; i++)
		fprintf(stderr, "warning: %s\n", w[i]);
}

static void jkind(struct sbuf *b, const char *name, const struct tkindstat *k)
{
	sorted(k);
	sb_printf(b, "\"%s\":{\"records\":%llu,\"matched\":%llu,\"tags\":{", name,
		(unsigned long long)k->records, (unsigned long long)k->matched);
	for (size_t i = 0; i < k->ntags; i++)
		sb_printf(b, "%s\"%s\":%llu", i ? "," : "", k->tags[i].tag,
			(unsigned long long)k->tags[i].n);
	sb_adds(b, "}}");
}

int stats_json(const struct tstats *st, const char *tagger, const char *path)
{
	struct sbuf b = {0};
	char w[2][160];
	sb_printf(&b, "{\"tagger\":\"%s\",\"kinds\":{", tagger);
	for (int i = 0; i < 3; i++) {
		jkind(&b, kname[i], &st->k[i]);
		sb_addc(&b, ',');
	}
	jkind(&b, "human", &st->human);
	sb_printf(&b, "},\"unmatched\":{\"count\":%llu,\"samples\":[",
		(unsigned long long)st->unmatched_human);
	for (int i = 0; i < st->nsamples; i++) {
		sb_adds(&b, i ? ",{\"id\":" : "{\"id\":");
		sb_json_str(&b, st->samples[i].id, strlen(st->samples[i].id));
		sb_adds(&b, ",\"text\":");
		sb_json_str(&b, st->samples[i].text, strlen(st->samples[i].text));
		sb_addc(&b, '}');
	}
	sb_adds(&b, "]}");
	if (!strcmp(tagger, "llm")) {
		sb_printf(&b, ",\"llm\":{\"requests\":%llu,\"cache_hits\":%llu,\"answered\":%llu,"
			"\"fallbacks\":{", (unsigned long long)st->requests,
			(unsigned long long)st->cache_hits, (unsigned long long)st->answered);
		for (int i = 0; i < st->nfb; i++)
			sb_printf(&b, "%s\"%s\":%llu", i ? "," : "", st->fb[i].reason,
				(unsigned long long)st->fb[i].n);
		sb_adds(&b, "}}");
	}
	if (!strcmp(tagger, "cluster"))
		sb_printf(&b, ",\"cluster\":{\"prompts\":%llu,\"clusters\":%d,\"silhouette\":%.3f}",
			(unsigned long long)st->clustered, st->clusters, st->silhouette);
	sb_adds(&b, ",\"warnings\":[");
	int nw = warnings(st, w);
	for (int i = 0; i < nw; i++) {
		if (i)
			sb_addc(&b, ',');
		sb_json_str(&b, w[i], strlen(w[i]));
	}
	sb_adds(&b, "]}\n");
	/* a named output file: never written through a planted link */
	int fd = open_output(path), rc = 0;
	if (fd < 0) {
		diag_warn("%s: cannot write: %s", path, output_strerror(errno));
		rc = -1;
	} else {
		write_all(fd, b.p, b.len);
		if (close(fd) != 0) {
			diag_warn("%s: cannot write: %s", path, strerror(errno));
			rc = -1;
		}
	}
	sb_free(&b);
	return rc;
}

void stats_free(struct tstats *st)
{
	for (int i = 0; i < 3; i++)
		free(st->k[i].tags);
	free(st->human.tags);
	for (int i = 0; i < st->nsamples; i++) {
		free(st->samples[i].id);
		free(st->samples[i].text);
	}
	memset(st, 0, sizeof *st);
}
