/* folded2pprof: folded stacks in, gzipped pprof (profile.proto) out.
 *
 * Every distinct frame becomes one Function and one Location with the same
 * id, all in one Mapping that claims to have functions so that pprof never
 * tries to symbolize.  Equal stacks are merged; samples list their
 * locations leaf first, as profile.proto wants.  The whole profile is kept
 * in memory (frames, stacks and sums, not the input text) and written at
 * the end, so a usage error found in the input leaves no output behind. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include "cli.h"
#include "folded.h"
#include "outfile.h"
#include "lineio.h"
#include "pprof/pb.h"
#include "util.h"

#define MAXKINDS 16

static const char usage[] =
	"usage: folded2pprof [-o file] [--sample-type type/unit | --sample-types list]\n"
	"                    [--leaf kind] [--level n] [--comment text] [--time time]\n"
	"                    [file ...]\n"
	"       folded2pprof -h | -V\n";

static const char help[] =
	"Convert folded stacks (frame;frame;frame COUNT) to a gzipped pprof profile.\n"
	"\n"
	"  -o, --output FILE         write to FILE instead of standard output\n"
	"      --sample-type T/U     the type and unit of the counts (events/count)\n"
	"      --sample-types LIST   T/U,T/U,...: one type per count column\n"
	"      --leaf KIND           move frames labelled KIND:... to the leaf\n"
	"      --level N             gzip level 0-9 (1)\n"
	"      --comment TEXT        add a comment to the profile\n"
	"      --time TIME           record TIME (RFC 3339 or @epoch) as time_nanos\n"
	"  -h, --help                print this help and exit\n"
	"  -V, --version             print the version and exit\n";

static const struct cli cli = {usage, help};

/* The strings that come before the frames in the string table. */
struct strtab {
	const char **s;
	size_t *len;
	size_t n, cap;
};

struct span {
	size_t off;
	size_t len;
};

struct prof {
	struct strtab fixed;
	int ntypes;
	int64_t type[FOLDED_MAXCOUNTS], unit[FOLDED_MAXCOUNTS];
	int64_t mapfile;
	int64_t *comments;
	size_t ncomments;
	int64_t time_ns;

	/* frames: their names end to end, spans into them, a hash index */
	struct sbuf names;
	struct span *frame;
	size_t nframe, capframe;
	struct hmap framemap;

	/* samples: location ids leaf first end to end, spans into them, the
	 * summed values (ntypes per sample), a hash index */
	uint32_t *loc;
	size_t nloc, caploc;
	struct span *sample;
	int64_t *value;
	size_t nsample, capsample;
	struct hmap stackmap;
	int64_t total[FOLDED_MAXCOUNTS];  /* of each sample type, kept below 2^63 */
};

static int64_t str_add(struct strtab *t, const char *s)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->s[i], s))
			return (int64_t)i;
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->s = xrealloc(t->s, t->cap * sizeof *t->s);
		t->len = xrealloc(t->len, t->cap * sizeof *t->len);
	}
	t->s[t->n] = s;
	t->len[t->n] = strlen(s);
	return (int64_t)t->n++;
}

/* "type/unit" (unit "count" when left out) into the string table. */
static bool add_type(struct prof *p, char *spec)
{
	if (p->ntypes == FOLDED_MAXCOUNTS)
		return false;
	char *slash = strchr(spec, '/');
	const char *unit = "count";
	if (slash) {
		*slash = 0;
		unit = slash + 1;
	}
	if (!*spec || !*unit)
		return false;
	p->type[p->ntypes] = str_add(&p->fixed, spec);
	p->unit[p->ntypes] = str_add(&p->fixed, unit);
	p->ntypes++;
	return true;
}

static bool parse_types(struct prof *p, char *list)
{
	for (char *tok = strtok(list, ","); tok; tok = strtok(NULL, ","))
		if (!add_type(p, tok))
			return false;
	return p->ntypes > 0;
}

/* Frame name to location id (1-based).  Keys are 64-bit hashes; a hash
 * that belongs to another name moves on to the next seed, so two names
 * are never merged, however unlikely that would be. */
static uint32_t intern_frame(struct prof *p, const char *s, size_t n)
{
	for (uint64_t seed = 0;; seed++) {
		bool ins;
		int64_t *v = hm_put(&p->framemap, hash64(s, n, seed), &ins);
		if (!ins) {
			struct span *f = &p->frame[*v - 1];
			if (f->len == n && !memcmp(p->names.p + f->off, s, n))
				return (uint32_t)*v;
			continue;
		}
		if (p->nframe == p->capframe) {
			p->capframe = p->capframe ? p->capframe * 2 : 1024;
			p->frame = xrealloc(p->frame, p->capframe * sizeof *p->frame);
		}
		p->frame[p->nframe].off = p->names.len;
		p->frame[p->nframe].len = n;
		sb_add(&p->names, s, n);
		*v = (int64_t)++p->nframe;
		return (uint32_t)*v;
	}
}

/* The sample for the stack ids[0..n) (leaf first), created with zero
 * values when new. */
static int64_t *stack_values(struct prof *p, const uint32_t *ids, size_t n)
{
	size_t bytes = n * sizeof *ids;
	for (uint64_t seed = 0;; seed++) {
		bool ins;
		int64_t *v = hm_put(&p->stackmap, hash64(ids, bytes, seed), &ins);
		if (!ins) {
			struct span *s = &p->sample[*v];
			if (s->len == n && !memcmp(p->loc + s->off, ids, bytes))
				return p->value + (size_t)*v * (size_t)p->ntypes;
			continue;
		}
		if (p->nsample == p->capsample) {
			p->capsample = p->capsample ? p->capsample * 2 : 1024;
			p->sample = xrealloc(p->sample, p->capsample * sizeof *p->sample);
			p->value = xrealloc(p->value,
				p->capsample * (size_t)p->ntypes * sizeof *p->value);
		}
		if (p->nloc + n > p->caploc) {
			while (p->nloc + n > p->caploc)
				p->caploc = p->caploc ? p->caploc * 2 : 4096;
			p->loc = xrealloc(p->loc, p->caploc * sizeof *p->loc);
		}
		p->sample[p->nsample].off = p->nloc;
		p->sample[p->nsample].len = n;
		memcpy(p->loc + p->nloc, ids, bytes);
		p->nloc += n;
		int64_t *val = p->value + p->nsample * (size_t)p->ntypes;
		memset(val, 0, (size_t)p->ntypes * sizeof *val);
		*v = (int64_t)p->nsample++;
		return val;
	}
}

static bool is_kind(const char *f, size_t n, char *const *kinds, int nkinds)
{
	for (int i = 0; i < nkinds; i++) {
		size_t k = strlen(kinds[i]);
		if (n > k && f[k] == ':' && !memcmp(f, kinds[i], k))
			return true;
	}
	return false;
}

struct opts {
	char *leaf[MAXKINDS];
	int nleaf;
};

/* Scratch for one stack's ids, kept between lines. */
static uint32_t *ids, *tail;
static size_t capids;

/* One stack: frames root first; with --leaf, the frames of those kinds
 * follow the others, in their order.  Then reversed: leaf first. */
static void add_stack(struct prof *p, const struct opts *o, const struct folded_line *fl,
	struct lreader *r)
{
	const char *cur = fl->stack, *end = fl->stack + fl->stacklen, *f;
	size_t flen, n = 0, nt = 0;
	/* The profile's strings are proto3 strings: UTF-8, or strict readers
	 * refuse the whole profile.  Bytes that are not become U+FFFD, as in
	 * folded2svg. */
	static struct sbuf fix;
	for (const char *q = cur; q < end; ) {
		size_t k = utf8_valid_len(q, (size_t)(end - q));
		if (k) {
			q += k;
			continue;
		}
		sb_reset(&fix);
		sb_add(&fix, cur, (size_t)(q - cur));
		while (q < end) {
			k = utf8_valid_len(q, (size_t)(end - q));
			if (k)
				sb_add(&fix, q, k);
			else
				sb_add(&fix, "\xEF\xBF\xBD", 3);
			q += k ? k : 1;
		}
		cur = fix.p;
		end = fix.p + fix.len;
		break;
	}
	/* pprof adds the samples up: a total past 2^63 - 1 would show as a
	 * negative number, so a line that would take it there is refused
	 * before any of it is kept (and then no stack's own sum, no larger
	 * than the total, can overflow either) */
	int64_t tot[FOLDED_MAXCOUNTS];
	for (int i = 0; i < p->ntypes; i++)
		if (__builtin_add_overflow(p->total[i], fl->counts[i], &tot[i])) {
			lr_warn(r, "overflow", "the total of the counts would pass 2^63 - 1; line skipped");
			return;
		}
	while (folded_frame(&cur, end, &f, &flen)) {
		if (n + nt == capids) {
			capids = capids ? capids * 2 : 256;
			ids = xrealloc(ids, capids * sizeof *ids);
			tail = xrealloc(tail, capids * sizeof *tail);
		}
		uint32_t id = intern_frame(p, f, flen);
		if (o->nleaf && is_kind(f, flen, o->leaf, o->nleaf))
			tail[nt++] = id;
		else
			ids[n++] = id;
	}
	memcpy(ids + n, tail, nt * sizeof *ids);
	n += nt;
	if (!n)
		return;         /* folded_parse gives no empty stacks; be sure */
	for (size_t i = 0, j = n - 1; i < j; i++, j--) {
		uint32_t t = ids[i];
		ids[i] = ids[j];
		ids[j] = t;
	}
	int64_t *val = stack_values(p, ids, n);
	for (int i = 0; i < p->ntypes; i++)
		val[i] += fl->counts[i];
	memcpy(p->total, tot, (size_t)p->ntypes * sizeof *tot);
}

/* What the count columns of the whole input looked like. */
struct columns {
	uint64_t good, extra, shortl;
	int fewest;
	const char *file;
	uint64_t line;
};

static void read_input(struct prof *p, const struct opts *o, const char *path,
	struct columns *c)
{
	struct lreader r;
	if (lr_open(&r, path) < 0)
		return;
	int want = p->ntypes, probe = want < FOLDED_MAXCOUNTS ? want + 1 : want;
	char *line;
	size_t len;
	while (lr_next(&r, &line, &len)) {
		struct folded_line fl;
		const char *why;
		int rc = folded_parse(line, len, probe, &fl, &why);
		if (rc > 0)
			continue;
		if (rc < 0) {
			lr_warn(&r, why, "%s; line skipped", why);
			continue;
		}
		if (fl.ncounts > want) {
			/* Maybe a frame that ends in a number, maybe one count
			 * column too many: decided at the end, over all lines. */
			c->extra++;
			folded_parse(line, len, want, &fl, &why);
		}
		if (fl.ncounts < want) {
			c->shortl++;
			if (!c->file || fl.ncounts < c->fewest) {
				c->fewest = fl.ncounts;
				c->file = r.name;
				c->line = r.lineno;
			}
			lr_warn(&r, "short", "%d count column%s where %d sample types were given; line skipped",
				fl.ncounts, fl.ncounts == 1 ? "" : "s", want);
			continue;
		}
		c->good++;
		add_stack(p, o, &fl, &r);
	}
	lr_close(&r);
}

/* --- output ----------------------------------------------------------- */

struct gz {
	z_stream z;
	int fd;
	char buf[1 << 16];
};

static void gz_init(struct gz *g, int fd, int level)
{
	memset(&g->z, 0, sizeof g->z);
	g->fd = fd;
	/* 15 + 16: a gzip wrapper with mtime 0, so output is reproducible */
	if (deflateInit2(&g->z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		die(2, "zlib: cannot initialise deflate");
}

static void gz_write(struct gz *g, struct sbuf *b, int flush)
{
	g->z.next_in = (Bytef *)b->p;
	g->z.avail_in = (uInt)b->len;
	do {
		g->z.next_out = (Bytef *)g->buf;
		g->z.avail_out = sizeof g->buf;
		int rc = deflate(&g->z, flush);
		if (rc == Z_STREAM_ERROR)
			die(2, "zlib: deflate failed");
		write_all(g->fd, g->buf, sizeof g->buf - g->z.avail_out);
	} while (g->z.avail_out == 0 || g->z.avail_in);
	sb_reset(b);
}

/* Hand the encoder's buffer to zlib every so often: memory for the
 * encoded profile stays bounded. */
static void gz_maybe(struct gz *g, struct sbuf *b)
{
	if (b->len >= 1 << 18)
		gz_write(g, b, Z_NO_FLUSH);
}

static void write_profile(struct prof *p, int fd, int level)
{
	struct gz g;
	struct sbuf b = {0};
	gz_init(&g, fd, level);
	int64_t base = (int64_t)p->fixed.n;
	for (int i = 0; i < p->ntypes; i++) {
		size_t m = pb_open(&b, 1);
		pb_uint_opt(&b, 1, (uint64_t)p->type[i]);
		pb_uint_opt(&b, 2, (uint64_t)p->unit[i]);
		pb_close(&b, m);
	}
	for (size_t i = 0; i < p->nsample; i++) {
		size_t m = pb_open(&b, 2), k = pb_open(&b, 1);
		const uint32_t *l = p->loc + p->sample[i].off;
		for (size_t j = 0; j < p->sample[i].len; j++)
			pb_varint(&b, l[j]);
		pb_close(&b, k);
		k = pb_open(&b, 2);
		for (int j = 0; j < p->ntypes; j++)
			pb_varint(&b, (uint64_t)p->value[i * (size_t)p->ntypes + (size_t)j]);
		pb_close(&b, k);
		pb_close(&b, m);
		gz_maybe(&g, &b);
	}
	/* One mapping: a file name and has_functions keep pprof from
	 * warning and from trying to symbolize. */
	size_t m = pb_open(&b, 3);
	pb_uint(&b, 1, 1);
	pb_uint(&b, 5, (uint64_t)p->mapfile);
	pb_uint(&b, 7, 1);
	pb_close(&b, m);
	for (size_t i = 1; i <= p->nframe; i++) {
		m = pb_open(&b, 4);
		pb_uint(&b, 1, i);
		pb_uint(&b, 2, 1);
		size_t k = pb_open(&b, 4);
		pb_uint(&b, 1, i);
		pb_close(&b, k);
		pb_close(&b, m);
		gz_maybe(&g, &b);
	}
	for (size_t i = 1; i <= p->nframe; i++) {
		m = pb_open(&b, 5);
		pb_uint(&b, 1, i);
		pb_uint(&b, 2, (uint64_t)base + i - 1);
		pb_uint(&b, 3, (uint64_t)base + i - 1);
		pb_close(&b, m);
		gz_maybe(&g, &b);
	}
	for (size_t i = 0; i < p->fixed.n; i++)
		pb_bytes(&b, 6, p->fixed.s[i], p->fixed.len[i]);
	for (size_t i = 0; i < p->nframe; i++) {
		pb_bytes(&b, 6, p->names.p + p->frame[i].off, p->frame[i].len);
		gz_maybe(&g, &b);
	}
	if (p->time_ns)
		pb_int(&b, 9, p->time_ns);
	if (p->ncomments) {
		m = pb_open(&b, 13);
		for (size_t i = 0; i < p->ncomments; i++)
			pb_varint(&b, (uint64_t)p->comments[i]);
		pb_close(&b, m);
	}
	/* pprof shows the last sample type unless told: make it the first */
	pb_uint_opt(&b, 14, (uint64_t)p->type[0]);
	gz_write(&g, &b, Z_FINISH);
	deflateEnd(&g.z);
	sb_free(&b);
}

static void prof_free(struct prof *p)
{
	free(p->fixed.s);
	free(p->fixed.len);
	free(p->comments);
	sb_free(&p->names);
	free(p->frame);
	hm_free(&p->framemap);
	free(p->loc);
	free(p->sample);
	free(p->value);
	hm_free(&p->stackmap);
	free(ids);
	free(tail);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"output", required_argument, NULL, 'o'},
		{"sample-type", required_argument, NULL, 't'},
		{"sample-types", required_argument, NULL, 'T'},
		{"leaf", required_argument, NULL, 'L'},
		{"level", required_argument, NULL, 'z'},
		{"comment", required_argument, NULL, 'c'},
		{"time", required_argument, NULL, 'm'},
		CLI_LONGOPTS
	};
	struct prof p = {0};
	struct opts o = {0};
	const char *outfile = NULL;
	char *types = NULL;
	const char *comment[64];
	int ncomment = 0, typeopts = 0;
	int64_t level = 1;

	diag_init(argv[0]);
	int c;
	while ((c = getopt_long(argc, argv, "o:" CLI_SHORTOPTS, longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			outfile = optarg;
			break;
		case 't':
			if (strchr(optarg, ','))
				die(2, "--sample-type takes one type/unit; use --sample-types for several");
			/* fall through */
		case 'T':
			types = optarg;
			typeopts++;
			break;
		case 'L':
			if (o.nleaf == MAXKINDS)
				die(2, "at most %d --leaf kinds", MAXKINDS);
			/* "prompt" and "prompt:" both mean frames "prompt:..." */
			if (*optarg && optarg[strlen(optarg) - 1] == ':')
				optarg[strlen(optarg) - 1] = 0;
			if (!*optarg || strchr(optarg, ';'))
				die(2, "--leaf: bad kind '%s'", optarg);
			o.leaf[o.nleaf++] = optarg;
			break;
		case 'z':
			level = cli_i64("--level", "a gzip level", optarg, 0, 9);
			break;
		case 'c':
			if (ncomment == (int)(sizeof comment / sizeof *comment))
				die(2, "too many --comment options");
			comment[ncomment++] = optarg;
			break;
		case 'm': {
			int64_t ms = ts_parse_user(optarg);
			if (ms == TS_NONE || ms < 0 || ms > INT64_MAX / 1000000)
				die(2, "--time: '%s' is not a time (RFC 3339 or @epoch)", optarg);
			p.time_ns = ms * 1000000;
			break;
		}
		default:
			cli_default(&cli, c);
		}
	}
	str_add(&p.fixed, "");
	if (typeopts > 1)
		die(2, "give --sample-type or --sample-types once");
	char deftype[] = "events/count";
	char *shown = xstrdup(types ? types : deftype);
	if (!parse_types(&p, types ? types : deftype))
		die(2, "bad sample types '%s': want type/unit[,type/unit...], at most %d",
			shown, FOLDED_MAXCOUNTS);
	free(shown);
	p.mapfile = str_add(&p.fixed, "agentpprof");
	if (ncomment) {
		p.comments = xmalloc((size_t)ncomment * sizeof *p.comments);
		for (int i = 0; i < ncomment; i++)
			p.comments[p.ncomments++] = str_add(&p.fixed, comment[i]);
	}
	if (outfile && !strcmp(outfile, "-"))
		outfile = NULL;
	if (!outfile && isatty(1))
		die(2, "will not write a binary profile to a terminal; give -o FILE or redirect");

	struct operands ops;
	struct columns col = {0};
	operands_init(&ops, argc - optind, argv + optind);
	for (int i = 0; i < ops.n; i++)
		read_input(&p, &o, ops.v[i], &col);

	/* Every line having one count more than there are types means a
	 * column the user did not name; every line having fewer, the other
	 * way round.  Either is a usage error, not bad input. */
	if (col.extra && col.extra == col.good)
		die(2, "the input has %d count columns but %d sample type%s given; use --sample-types",
			p.ntypes + 1, p.ntypes, p.ntypes == 1 ? " was" : "s were");
	if (col.shortl && !col.good)
		die(2, "%s:%llu: the input has %d count column%s but %d sample types were given",
			col.file, (unsigned long long)col.line, col.fewest,
			col.fewest == 1 ? "" : "s", p.ntypes);

	int fd = 1;
	struct outfile of;
	if (outfile) {
		fd = outfile_open(&of, outfile, 0);
		if (fd < 0)
			die(2, "%s: %s", outfile, output_strerror(errno));
	}
	write_profile(&p, fd, (int)level);
	if (outfile && outfile_commit(&of) < 0)
		die(2, "%s: %s", outfile, strerror(errno));
	operands_free(&ops);
	bool empty = !p.nsample;
	prof_free(&p);
	if (empty && !diag_errors) {
		warnx("no stacks in the input");
		return 1;
	}
	return diag_errors ? 1 : 0;
}
