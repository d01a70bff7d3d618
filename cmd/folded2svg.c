/* folded2svg: folded stacks in, an interactive flame graph (SVG) out.
 *
 * The stacks are merged into a trie of frames (equal prefixes share nodes,
 * frame names are interned once), frames narrower than --minwidth are
 * pruned, and only then is the SVG written, so the output and the memory
 * follow the number of distinct frames, not the number of input lines. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "folded.h"
#include "outfile.h"
#include "lineio.h"
#include "util.h"

/* sbuf.c: length of the valid UTF-8 sequence at s, 0 when invalid. */

enum palette { PAL_HOT, PAL_MEM, PAL_IO, PAL_AGENT };

static struct {
	const char *title, *subtitle, *countname, *nametype, *output;
	int64_t width, height;
	double fontsize, fontwidth, minwidth;
	bool minpct;
	enum palette pal;
	bool hash, reverse, inverted, flamechart, negate;
} o = {
	.countname = "samples", .nametype = "Function:", .width = 1200, .height = 16,
	.fontsize = 12, .fontwidth = 0.59, .minwidth = 0.1,
};

/* ---- interned frame names ---------------------------------------------- */

/* Each name is a record in one arena, 8-byte aligned: length, rank, the
 * bytes and a NUL.  A name's id is its offset / 8, so that a node reaches
 * the bytes of its name in one step (the lookup per frame compares them). */
struct nrec {
	uint32_t len, rank;     /* rank: position in byte order, for sorting */
	char s[];
};
static struct {
	struct sbuf arena;
	uint32_t *ids, n, cap;  /* every id, for ranking */
	struct hmap idx;        /* hash64(name) -> id */
} names;

static struct nrec *nrec(uint32_t id) { return (struct nrec *)(names.arena.p + (size_t)id * 8); }

static uint32_t intern(const char *s, size_t n)
{
	/* hmap keeps only hashes: on a (very rare) collision try the next seed,
	 * the lookup of the same name takes the same path. */
	for (uint64_t seed = 0;; seed++) {
		bool ins;
		int64_t *v = hm_put(&names.idx, hash64(s, n, seed), &ins);
		if (!ins) {
			struct nrec *r = nrec((uint32_t)*v);
			if (r->len == n && !memcmp(r->s, s, n))
				return (uint32_t)*v;
			continue;
		}
		size_t off = names.arena.len;
		if (n > UINT32_MAX / 2 || off / 8 >= UINT32_MAX)
			die(2, "too many frame names");
		struct nrec h = {(uint32_t)n, 0};
		sb_add(&names.arena, &h, sizeof h);
		sb_add(&names.arena, s, n);
		static const char zeros[8];
		sb_add(&names.arena, zeros, 8 - (sizeof h + n) % 8);
		if (names.n == names.cap) {
			names.cap = names.cap ? names.cap * 2 : 1024;
			names.ids = xrealloc(names.ids, sizeof *names.ids * names.cap);
		}
		names.ids[names.n++] = (uint32_t)(off / 8);
		*v = (int64_t)(off / 8);
		return (uint32_t)(off / 8);
	}
}

static int cmp_name_ids(const void *a, const void *b)
{
	const struct nrec *x = nrec(*(const uint32_t *)a), *y = nrec(*(const uint32_t *)b);
	int c = memcmp(x->s, y->s, x->len < y->len ? x->len : y->len);
	return c ? c : (x->len > y->len) - (x->len < y->len);
}

/* Rank every name in byte order (what sort(1) in the C locale and
 * flamegraph.pl do), so that siblings sort by comparing two integers. */
static void rank_names(void)
{
	sort_n(names.ids, names.n, sizeof *names.ids, cmp_name_ids);
	for (uint32_t i = 0; i < names.n; i++)
		nrec(names.ids[i])->rank = i;
}

/* ---- the trie of frames ------------------------------------------------- */

struct node {
	uint32_t name, parent;
	uint32_t last;          /* last child added (flame charts merge with it only) */
	uint32_t depth;
	int64_t n;              /* width: the count, or the second count of a pair */
	int64_t n1;             /* the first count of a differential pair */
};
static struct node *nodes;      /* nodes[0] is the root, "all" */
static uint32_t nnodes, capnodes;
static int ncols;               /* 0 until the first stack says 1 or 2 */

static uint32_t new_node(uint32_t parent, uint32_t name)
{
	if (nnodes == capnodes) {
		if (capnodes >= UINT32_MAX / 2)
			die(2, "too many frames");
		capnodes = capnodes ? capnodes * 2 : 4096;
		nodes = xrealloc(nodes, sizeof *nodes * capnodes);
	}
	nodes[nnodes] = (struct node){name, parent, 0, parent == UINT32_MAX ? 0 : nodes[parent].depth + 1, 0, 0};
	if (parent != UINT32_MAX)
		nodes[parent].last = nnodes;
	return nnodes++;
}

static bool same_name(uint32_t node, const char *s, size_t n)
{
	const struct nrec *r = nrec(nodes[node].name);
	return r->len == n && !memcmp(r->s, s, n);
}

/* (parent, frame) -> child in one open-addressing table whose key and
 * value share a cache line: the lookup per frame is what costs. */
static struct kslot { uint64_t key; uint32_t node, pad; } *kids;
static size_t nkids, capkids;

static void kids_grow(void)
{
	size_t cap = capkids ? capkids * 2 : 4096, mask = cap - 1;
	struct kslot *t = xcalloc(cap, sizeof *t);
	for (size_t i = 0; i < capkids; i++)
		if (kids[i].key) {
			size_t j = kids[i].key & mask;
			while (t[j].key)
				j = (j + 1) & mask;
			t[j] = kids[i];
		}
	free(kids);
	kids = t;
	capkids = cap;
}

static uint32_t child(uint32_t parent, const char *s, size_t n)
{
	if (o.flamechart) {
		/* time order: merge only with the frame just before */
		uint32_t l = nodes[parent].last;
		if (l && same_name(l, s, n))
			return l;
		return new_node(parent, intern(s, n));
	}
	if ((nkids + 1) * 2 > capkids)
		kids_grow();
	uint64_t key = hash64(s, n, parent) | 1;
	size_t mask = capkids - 1;
	for (size_t i = key & mask;; i = (i + 1) & mask) {
		if (!kids[i].key) {
			kids[i].key = key;
			kids[i].node = new_node(parent, intern(s, n));
			nkids++;
			return kids[i].node;
		}
		/* equal hashes of different frames just probe on */
		uint32_t c = kids[i].node;
		if (kids[i].key == key && nodes[c].parent == parent && same_name(c, s, n))
			return c;
	}
}

/* The previous stack and its path: sorted input repeats long prefixes,
 * and the frames they share need no lookup at all. */
static struct sbuf prev;
static uint32_t *ppath;         /* ppath[i]: node of frame i */
static size_t *pend;            /* pend[i]: offset just past frame i */
static size_t plen, pcap;

static void path_push(uint32_t node, size_t end)
{
	if (plen == pcap) {
		pcap = pcap ? pcap * 2 : 64;
		ppath = xrealloc(ppath, sizeof *ppath * pcap);
		pend = xrealloc(pend, sizeof *pend * pcap);
	}
	ppath[plen] = node;
	pend[plen++] = end;
}

struct span { const char *p; size_t len; };

static void add_reversed(const char *s, size_t len, int64_t n1, int64_t n)
{
	static struct span *v;
	static size_t cap;
	const char *f, *cur = s, *end = s + len;
	size_t fl, k = 0;
	while (folded_frame(&cur, end, &f, &fl)) {
		if (k == cap)
			v = xrealloc(v, sizeof *v * (cap = cap ? cap * 2 : 64));
		v[k++] = (struct span){f, fl};
	}
	uint32_t at = 0;
	while (k--) {
		at = child(at, v[k].p, v[k].len);
		nodes[at].n += n;
		nodes[at].n1 += n1;
	}
}

static void add_stack(struct lreader *r, const char *s, size_t len, int64_t n1, int64_t n)
{
	int64_t t, t1;
	if (__builtin_add_overflow(nodes[0].n, n, &t) || __builtin_add_overflow(nodes[0].n1, n1, &t1)) {
		lr_warn(r, "overflow", "the counts add up to more than 2^63; line skipped");
		return;
	}
	nodes[0].n = t;
	nodes[0].n1 = t1;
	if (o.reverse) {
		add_reversed(s, len, n1, n);
		return;
	}
	/* frames shared with the previous stack: equal bytes up to a frame
	 * end that is a frame end in both */
	size_t l = 0, k = 0, m = len < prev.len ? len : prev.len;
	while (l < m && s[l] == prev.p[l])
		l++;
	while (k < plen && pend[k] <= l && (pend[k] == len || s[pend[k]] == ';'))
		k++;
	uint32_t at = 0;
	for (size_t i = 0; i < k; i++) {
		at = ppath[i];
		nodes[at].n += n;
		nodes[at].n1 += n1;
	}
	plen = k;
	size_t pos = k ? pend[k - 1] + 1 : 0;
	const char *f, *cur = s + pos, *end = s + len;
	size_t fl;
	while (cur <= end && folded_frame(&cur, end, &f, &fl)) {
		at = child(at, f, fl);
		nodes[at].n += n;
		nodes[at].n1 += n1;
		path_push(at, (size_t)(f - s) + fl);
	}
	sb_reset(&prev);
	sb_add(&prev, s, len);
}

static void read_file(const char *path)
{
	struct lreader r;
	if (lr_open(&r, path) < 0)
		return;
	char *line;
	size_t len;
	while (lr_next(&r, &line, &len)) {
		struct folded_line fl;
		const char *why;
		int rc = folded_parse(line, len, ncols ? ncols : 2, &fl, &why);
		if (rc > 0)
			continue;
		if (rc < 0) {
			lr_warn(&r, why, "%s; line skipped", why);
			continue;
		}
		/* The first stack decides: two counts make a differential graph
		 * (flamegraph.pl's difffolded), one a plain one.  Deciding once
		 * keeps a frame that ends in " 12" from being read as a count. */
		if (!ncols)
			ncols = fl.ncounts;
		if (fl.ncounts != ncols) {
			lr_warn(&r, "ncounts", "one count where the differential input has two; line skipped");
			continue;
		}
		if (ncols == 2)
			add_stack(&r, fl.stack, fl.stacklen, fl.counts[0], fl.counts[1]);
		else
			add_stack(&r, fl.stack, fl.stacklen, fl.counts[0], fl.counts[0]);
	}
	lr_close(&r);
}

/* ---- the layout --------------------------------------------------------- */

static uint32_t *cstart, *clist;        /* children of i: clist[cstart[i]..cstart[i+1]) */
static bool *drawn;
static uint64_t npruned;
static uint32_t maxdepth;
static int64_t maxdelta;

static int cmp_rank(const void *a, const void *b)
{
	uint32_t x = nrec(nodes[*(const uint32_t *)a].name)->rank;
	uint32_t y = nrec(nodes[*(const uint32_t *)b].name)->rank;
	return (x > y) - (x < y);
}

/* Children lists in node order, which is input order; sorted by name
 * unless this is a flame chart. */
static void build_children(void)
{
	cstart = xcalloc((size_t)nnodes + 1, sizeof *cstart);
	clist = xmalloc(sizeof *clist * nnodes);
	for (uint32_t i = 1; i < nnodes; i++)
		cstart[nodes[i].parent + 1]++;
	for (uint32_t i = 0; i < nnodes; i++)
		cstart[i + 1] += cstart[i];
	uint32_t *fill = xmalloc(sizeof *fill * nnodes);
	memcpy(fill, cstart, sizeof *fill * nnodes);
	for (uint32_t i = 1; i < nnodes; i++)
		clist[fill[nodes[i].parent]++] = i;
	free(fill);
	if (o.flamechart)
		return;
	rank_names();
	for (uint32_t i = 0; i < nnodes; i++)
		if (cstart[i + 1] - cstart[i] > 1)
			sort_n(clist + cstart[i], cstart[i + 1] - cstart[i], sizeof *clist, cmp_rank);
}

/* Decide what is drawn before anything is written: a frame is drawn when
 * it is at least mintime wide and its parent is drawn.  A parent always
 * comes before its children in node order. */
static void prune(double mintime)
{
	drawn = xcalloc(nnodes, sizeof *drawn);
	drawn[0] = true;
	for (uint32_t i = 1; i < nnodes; i++) {
		struct node *x = &nodes[i];
		drawn[i] = drawn[x->parent] && x->n > 0 && (double)x->n >= mintime;
		if (!drawn[i]) {
			npruned++;
			continue;
		}
		if (x->depth > maxdepth)
			maxdepth = x->depth;
		int64_t d = x->n - x->n1;
		if (d < 0)
			d = -d;
		if (d > maxdelta)
			maxdelta = d;
	}
}

/* ---- text --------------------------------------------------------------- */

/* Bytes of the next character of s, and whether it may go into XML as it
 * is: invalid UTF-8, C0 controls but tab, and U+FFFE/U+FFFF may not. */
static size_t next_char(const char *s, size_t n, bool *okay)
{
	unsigned char c = (unsigned char)*s;
	if (c < 0x80) {
		*okay = c >= 0x20 || c == '\t';
		return 1;
	}
	size_t l = utf8_valid_len(s, n);
	if (!l) {
		*okay = false;
		return 1;
	}
	*okay = !(l == 3 && c == 0xEF && (unsigned char)s[1] == 0xBF && (unsigned char)s[2] >= 0xBE);
	return l;
}

static size_t nchars(const char *s, size_t n)
{
	size_t k = 0;
	bool okay;
	for (size_t i = 0; i < n; k++)
		i += next_char(s + i, n - i, &okay);
	return k;
}

/* XML text or attribute value: markup characters escaped, anything XML
 * cannot carry replaced by U+FFFD.  At most max characters. */
static void esc(struct sbuf *b, const char *s, size_t n, size_t max)
{
	size_t i = 0, k = 0;
	while (i < n && k < max) {
		size_t run = 0;
		for (; i + run < n && k < max; run++, k++) {
			unsigned char c = (unsigned char)s[i + run];
			if (c < 0x20 || c >= 0x7F || c == '&' || c == '<' || c == '>' || c == '"' || c == '\'')
				break;
		}
		if (run) {
			sb_add(b, s + i, run);
			i += run;
			continue;
		}
		if (k == max)
			break;
		bool okay;
		size_t l = next_char(s + i, n - i, &okay);
		switch (s[i]) {
		case '&': sb_adds(b, "&amp;"); break;
		case '<': sb_adds(b, "&lt;"); break;
		case '>': sb_adds(b, "&gt;"); break;
		case '"': sb_adds(b, "&quot;"); break;
		case '\'': sb_adds(b, "&#39;"); break;
		default:
			if (okay)
				sb_add(b, s + i, l);
			else
				sb_add(b, "\xEF\xBF\xBD", 3);
		}
		i += l;
		k++;
	}
}

static void escs(struct sbuf *b, const char *s)
{
	esc(b, s, strlen(s), SIZE_MAX);
}

/* 1234567 -> 1,234,567 */
static void add_count(struct sbuf *b, int64_t v)
{
	char tmp[32];
	int l = snprintf(tmp, sizeof tmp, "%lld", (long long)(v < 0 ? -v : v));
	if (v < 0)
		sb_addc(b, '-');
	for (int i = 0; i < l; i++) {
		if (i && (l - i) % 3 == 0)
			sb_addc(b, ',');
		sb_addc(b, tmp[i]);
	}
}

/* ---- colours ------------------------------------------------------------ */

struct rgb { int r, g, b; };

/* A number in [0,1) from the name: the same name, the same colour. */
static double hashv(const char *s, size_t n, uint64_t seed)
{
	return (double)(hash64(s, n, seed) >> 11) * (1.0 / 9007199254740992.0);
}

/* --hash: weigh the first characters most, so that names that start
 * alike get alike colours (rev: the last characters). */
static double namev(const char *s, size_t n, bool rev)
{
	double v = 0, w = 1, max = 0;
	for (size_t i = 0; i < 3 && i < n; i++) {
		unsigned c = (unsigned char)(rev ? s[n - 1 - i] : s[i]);
		unsigned mod = 10 + (unsigned)i;
		v += w * (c % mod) / (mod - 1);
		max += w;
		w *= 0.7;
	}
	return max ? 1 - v / max : 0;
}

static struct rgb hsl(double h, double s, double l)
{
	h = fmod(h, 360);
	if (h < 0)
		h += 360;
	double c = (1 - fabs(2 * l - 1)) * s, x = c * (1 - fabs(fmod(h / 60, 2) - 1)), m = l - c / 2;
	double r = 0, g = 0, b = 0;
	switch ((int)(h / 60)) {
	case 0: r = c; g = x; break;
	case 1: r = x; g = c; break;
	case 2: g = c; b = x; break;
	case 3: g = x; b = c; break;
	case 4: r = x; b = c; break;
	default: r = c; b = x; break;
	}
	return (struct rgb){(int)lround((r + m) * 255), (int)lround((g + m) * 255), (int)lround((b + m) * 255)};
}

/* The agent palette: a hue family per frame kind, a shade per value. */
static const struct { const char *kind; int hue, sat; } kinds[] = {
	{"project", 275, 45}, {"agent", 195, 55}, {"session", 248, 45}, {"prompt", 45, 85},
	{"call", 22, 80}, {"tool", 90, 55}, {"kind", 175, 50}, {"model", 312, 45},
	{"process", 330, 30}, {"effect", 32, 30}, {"path", 218, 60}, {"domain", 152, 50},
	{"price", 60, 70},
};

static struct rgb agent_colour(const char *s, size_t n)
{
	const char *colon = memchr(s, ':', n);
	if (!colon)
		return hsl(0, 0, 0.80);
	size_t kl = (size_t)(colon - s);
	const char *val = colon + 1;
	size_t vl = n - kl - 1;
	double v = o.hash ? namev(val, vl, false) : hashv(val, vl, 7);
	double j = o.hash ? namev(val, vl, true) : hashv(val, vl, 8);
	if (kl == 6 && !memcmp(s, "status", 6)) {
		if ((vl == 2 && !memcmp(val, "ok", 2)) || (vl == 7 && !memcmp(val, "success", 7)))
			return hsl(130, 0.50, 0.62);
		if (vl >= 4 && (!memcmp(val, "error", vl < 5 ? vl : 5) || !memcmp(val, "fail", 4) ||
				!memcmp(val, "timeout", vl < 7 ? vl : 7) || !memcmp(val, "denied", vl < 6 ? vl : 6)))
			return hsl(0, 0.80, 0.58 + 0.06 * v);
		return hsl(0, 0, 0.72 + 0.08 * v);
	}
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
		if (strlen(kinds[i].kind) == kl && !memcmp(kinds[i].kind, s, kl))
			return hsl(kinds[i].hue + 20 * (j - 0.5), kinds[i].sat / 100.0, 0.60 + 0.16 * v);
	/* a kind we do not know: its own muted hue */
	return hsl(360 * hashv(s, kl, 9), 0.25, 0.62 + 0.14 * v);
}

static struct rgb colour(uint32_t i)
{
	const char *s = i ? nrec(nodes[i].name)->s : "all";
	size_t n = i ? nrec(nodes[i].name)->len : 3;
	if (ncols == 2) {
		int64_t d = nodes[i].n - nodes[i].n1;
		if (o.negate)
			d = -d;
		if (!d || !maxdelta)
			return (struct rgb){250, 250, 250};
		int64_t a = d < 0 ? -d : d;
		if (a > maxdelta)
			a = maxdelta;
		/* exact: the same delta, the same shade on every machine */
		int v = (int)((__int128)210 * (maxdelta - a) / maxdelta);
		return d > 0 ? (struct rgb){255, v, v} : (struct rgb){v, v, 255};
	}
	if (o.pal == PAL_AGENT)
		return agent_colour(s, n);
	double v1, v2, v3;
	if (o.hash) {
		v1 = namev(s, n, false);
		v2 = v3 = namev(s, n, true);
	} else {
		v1 = hashv(s, n, 1);
		v2 = hashv(s, n, 2);
		v3 = hashv(s, n, 3);
	}
	switch (o.pal) {
	case PAL_MEM:
		return (struct rgb){0, 190 + (int)(50 * v2), (int)(210 * v1)};
	case PAL_IO: {
		int r = 80 + (int)(60 * v1);
		return (struct rgb){r, r, 190 + (int)(55 * v2)};
	}
	default:
		return (struct rgb){205 + (int)(50 * v3), (int)(230 * v1), 55 + (int)(50 * v2)};
	}
}

/* ---- the SVG ------------------------------------------------------------ */

#define XPAD 10
static double ypad1, ypad2, ypad3, imgheight, wpt;
static int64_t total;

static const char script[] =
	"/* folded2svg: hover for details, click to zoom, search with a regexp.\n"
	" * Everything it needs is in the document: frame geometry in samples\n"
	" * (fg:x, fg:w on each frame), settings on the <svg> element. */\n"
	"(function () {\n"
	"\"use strict\";\n"
	"var me = document.currentScript;\n"
	"var svg = (me && me.ownerSVGElement) || document.documentElement;\n"
	"function $(id) { return svg.querySelector(\"#\" + id); }\n"
	"function attr(el, a) { return el.getAttribute(\"fg:\" + a); }\n"
	"var framesg = $(\"frames\"), details = $(\"details\"), matched = $(\"matched\");\n"
	"var unzoombtn = $(\"unzoom\"), searchbtn = $(\"search\"), resetbtn = $(\"resetsearch\");\n"
	"var total = +attr(svg, \"total\"), xpad = +attr(svg, \"xpad\"), fh = +attr(svg, \"fh\");\n"
	"var fs = +attr(svg, \"fs\"), fw = +attr(svg, \"fw\");\n"
	"var nametype = attr(svg, \"nametype\") || \"\";\n"
	"var full = +svg.getAttribute(\"width\") - 2 * xpad;\n"
	"var HIGHLIGHT = \"rgb(230,0,230)\";\n"
	"var F = [], zoomed = null, searching = null;\n"
	"\n"
	"/* The title reads \"NAME (COUNT UNIT, PCT%...)\": the name is what comes\n"
	" * before the last \" (\" that a count follows. */\n"
	"var titlere = /^([\\s\\S]*) \\([0-9,]+ /;\n"
	"var gs = framesg ? framesg.children : [];\n"
	"for (var i = 0; i < gs.length; i++) {\n"
	"\tvar g = gs[i], r = g.querySelector(\"rect\"), t = g.querySelector(\"text\");\n"
	"\tvar title = g.querySelector(\"title\").textContent, m = titlere.exec(title);\n"
	"\tF.push({g: g, r: r, t: t, title: title, name: m ? m[1] : title,\n"
	"\t\ts: +attr(g, \"x\"), n: +attr(g, \"w\"), y: +r.getAttribute(\"y\"),\n"
	"\t\tox: r.getAttribute(\"x\"), ow: r.getAttribute(\"width\"), otx: t.getAttribute(\"x\"),\n"
	"\t\tot: t.textContent, fill: r.getAttribute(\"fill\")});\n"
	"\tg.fgi = i;\n"
	"}\n"
	"for (i = 0; i < F.length; i++)\n"
	"\tF[i].d = Math.round(Math.abs(F[i].y - F[0].y) / fh);\n"
	"\n"
	"function frameof(el) {\n"
	"\twhile (el && el.parentNode !== framesg)\n"
	"\t\tel = el.parentNode;\n"
	"\treturn el && el.fgi !== undefined ? F[el.fgi] : null;\n"
	"}\n"
	"\n"
	"function show(el, on) {\n"
	"\tif (on) el.classList.remove(\"hide\"); else el.classList.add(\"hide\");\n"
	"}\n"
	"\n"
	"/* The label as much of the name as fits, \"..\" where it is cut. */\n"
	"function fit(f, w) {\n"
	"\tvar max = Math.floor(w / (fs * fw)), c = Array.from(f.name);\n"
	"\tf.t.textContent = max < 3 ? \"\" : c.length <= max ? f.name : c.slice(0, max - 2).join(\"\") + \"..\";\n"
	"}\n"
	"\n"
	"function place(f, x, w) {\n"
	"\tf.r.setAttribute(\"x\", x.toFixed(2));\n"
	"\tf.r.setAttribute(\"width\", w.toFixed(2));\n"
	"\tf.t.setAttribute(\"x\", (x + 3).toFixed(2));\n"
	"\tfit(f, w);\n"
	"}\n"
	"\n"
	"/* Zoom: the frame and what it called fill the width, its callers stay\n"
	" * shown at full width (faded), everything else hides. */\n"
	"function zoom(z) {\n"
	"\tif (z === F[0]) { unzoom(); return; }\n"
	"\tvar scale = full / z.n, end = z.s + z.n;\n"
	"\tfor (var i = 0; i < F.length; i++) {\n"
	"\t\tvar f = F[i];\n"
	"\t\tif (f.d >= z.d && f.s >= z.s && f.s + f.n <= end) {\n"
	"\t\t\tf.g.classList.remove(\"hide\", \"parent\");\n"
	"\t\t\tplace(f, xpad + (f.s - z.s) * scale, f.n * scale);\n"
	"\t\t} else if (f.d < z.d && f.s <= z.s && f.s + f.n >= end) {\n"
	"\t\t\tf.g.classList.remove(\"hide\");\n"
	"\t\t\tf.g.classList.add(\"parent\");\n"
	"\t\t\tplace(f, xpad, full);\n"
	"\t\t} else {\n"
	"\t\t\tf.g.classList.add(\"hide\");\n"
	"\t\t}\n"
	"\t}\n"
	"\tzoomed = z;\n"
	"\tshow(unzoombtn, true);\n"
	"}\n"
	"\n"
	"function unzoom() {\n"
	"\tfor (var i = 0; i < F.length; i++) {\n"
	"\t\tvar f = F[i];\n"
	"\t\tf.g.classList.remove(\"hide\", \"parent\");\n"
	"\t\tf.r.setAttribute(\"x\", f.ox);\n"
	"\t\tf.r.setAttribute(\"width\", f.ow);\n"
	"\t\tf.t.setAttribute(\"x\", f.otx);\n"
	"\t\tf.t.textContent = f.ot;\n"
	"\t}\n"
	"\tzoomed = null;\n"
	"\tshow(unzoombtn, false);\n"
	"}\n"
	"\n"
	"/* Search: colour the frames whose name matches and report their share\n"
	" * of the total; a match inside a match is not counted twice. */\n"
	"function search(term) {\n"
	"\tvar re;\n"
	"\ttry {\n"
	"\t\tre = new RegExp(term);\n"
	"\t} catch (e) {\n"
	"\t\tmatched.textContent = \"Bad regexp\";\n"
	"\t\treturn -1;\n"
	"\t}\n"
	"\tclearsearch();\n"
	"\tvar hits = [];\n"
	"\tfor (var i = 0; i < F.length; i++)\n"
	"\t\tif (re.test(F[i].name)) {\n"
	"\t\t\tF[i].r.setAttribute(\"fill\", HIGHLIGHT);\n"
	"\t\t\thits.push(F[i]);\n"
	"\t\t}\n"
	"\thits.sort(function (a, b) { return a.s - b.s || b.n - a.n; });\n"
	"\tvar sum = 0, end = -1;\n"
	"\tfor (i = 0; i < hits.length; i++)\n"
	"\t\tif (hits[i].s >= end) {\n"
	"\t\t\tsum += hits[i].n;\n"
	"\t\t\tend = hits[i].s + hits[i].n;\n"
	"\t\t}\n"
	"\tvar pct = total > 0 ? 100 * sum / total : 0;\n"
	"\tsearching = term;\n"
	"\tmatched.textContent = \"Matched: \" + pct.toFixed(2) + \"%\";\n"
	"\tshow(resetbtn, true);\n"
	"\treturn pct;\n"
	"}\n"
	"\n"
	"function clearsearch() {\n"
	"\tfor (var i = 0; i < F.length; i++)\n"
	"\t\tF[i].r.setAttribute(\"fill\", F[i].fill);\n"
	"\tsearching = null;\n"
	"\tmatched.textContent = \" \";\n"
	"\tshow(resetbtn, false);\n"
	"}\n"
	"\n"
	"function asksearch() {\n"
	"\tvar term = window.prompt(\"Search for frames matching a regular expression:\", searching || \"\");\n"
	"\tif (term === null)\n"
	"\t\treturn;\n"
	"\tif (term === \"\") clearsearch(); else search(term);\n"
	"}\n"
	"\n"
	"if (framesg) {\n"
	"\tframesg.addEventListener(\"mouseover\", function (e) {\n"
	"\t\tvar f = frameof(e.target);\n"
	"\t\tif (f) details.textContent = nametype + \" \" + f.title;\n"
	"\t});\n"
	"\tframesg.addEventListener(\"mouseout\", function () { details.textContent = \" \"; });\n"
	"\tframesg.addEventListener(\"click\", function (e) {\n"
	"\t\tvar f = frameof(e.target);\n"
	"\t\tif (f) zoom(f);\n"
	"\t});\n"
	"}\n"
	"unzoombtn.addEventListener(\"click\", unzoom);\n"
	"searchbtn.addEventListener(\"click\", asksearch);\n"
	"resetbtn.addEventListener(\"click\", clearsearch);\n"
	"window.addEventListener(\"keydown\", function (e) {\n"
	"\tvar k = e.key;\n"
	"\tif (((e.ctrlKey || e.metaKey) && (k === \"f\" || k === \"F\")) ||\n"
	"\t    (k === \"/\" && !e.ctrlKey && !e.metaKey && !e.altKey)) {\n"
	"\t\te.preventDefault();\n"
	"\t\tasksearch();\n"
	"\t} else if (k === \"Escape\") {\n"
	"\t\tclearsearch();\n"
	"\t}\n"
	"});\n"
	"\n"
	"/* For scripts around the graph: the same actions as the controls. */\n"
	"svg.folded2svg = window.folded2svg = {\n"
	"\tzoom: function (i) { if (F[i]) zoom(F[i]); },\n"
	"\tunzoom: unzoom,\n"
	"\tsearch: search,\n"
	"\tclearsearch: clearsearch,\n"
	"\tframes: function () { return F.length; }\n"
	"};\n"
	"})();\n"
;

static void header(const char *comment)
{
	double fs = o.fontsize;
	sb_printf(&out, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
		"<svg version=\"1.1\" width=\"%lld\" height=\"%.0f\" viewBox=\"0 0 %lld %.0f\" "
		"xmlns=\"http://www.w3.org/2000/svg\" xmlns:fg=\"urn:x-folded2svg\" "
		"fg:total=\"%lld\" fg:xpad=\"%d\" fg:fh=\"%lld\" fg:fs=\"%g\" fg:fw=\"%g\" fg:inverted=\"%d\" fg:nametype=\"",
		(long long)o.width, imgheight, (long long)o.width, imgheight,
		(long long)total, XPAD, (long long)o.height, fs, o.fontwidth, o.inverted);
	escs(&out, o.nametype);
	sb_printf(&out, "\">\n<!-- folded2svg %s: %s -->\n", ap_version, comment);
	sb_printf(&out, "<defs><linearGradient id=\"background\" y1=\"0\" y2=\"1\" x1=\"0\" x2=\"0\">"
		"<stop stop-color=\"%s\" offset=\"5%%\"/><stop stop-color=\"%s\" offset=\"95%%\"/>"
		"</linearGradient></defs>\n",
		"#eeeeee", ncols == 2 || o.pal == PAL_IO ? "#e0e0ff" : o.pal == PAL_MEM ? "#e0ffe0" : "#eeeeb0");
	sb_printf(&out, "<style type=\"text/css\">\n"
		"text { font-family: Verdana, sans-serif; font-size: %gpx; fill: rgb(0,0,0); }\n"
		"#title { text-anchor: middle; font-size: %gpx; }\n"
		"#subtitle { text-anchor: middle; fill: rgb(160,160,160); }\n"
		"#frames > g { cursor: pointer; }\n"
		"#frames > g:hover > rect { stroke: rgb(0,0,0); stroke-width: 0.5; }\n"
		"#frames text { pointer-events: none; }\n"
		".ctl { cursor: pointer; }\n"
		".hide { display: none; }\n"
		".parent { opacity: 0.5; }\n"
		"</style>\n", fs, fs + 5);
	sb_printf(&out, "<rect x=\"0\" y=\"0\" width=\"%lld\" height=\"%.0f\" fill=\"url(#background)\"/>\n",
		(long long)o.width, imgheight);
	sb_printf(&out, "<text id=\"title\" x=\"%.2f\" y=\"%.0f\">", (double)o.width / 2, fs * 2);
	escs(&out, o.title);
	sb_adds(&out, "</text>\n");
	if (o.subtitle) {
		sb_printf(&out, "<text id=\"subtitle\" x=\"%.2f\" y=\"%.0f\">", (double)o.width / 2, fs * 4);
		escs(&out, o.subtitle);
		sb_adds(&out, "</text>\n");
	}
	sb_printf(&out, "<text id=\"details\" x=\"%d\" y=\"%.0f\"> </text>\n", XPAD, imgheight - ypad2 / 2);
	sb_printf(&out, "<text id=\"unzoom\" class=\"ctl hide\" x=\"%d\" y=\"%.0f\">Reset Zoom</text>\n",
		XPAD, fs * 2);
	sb_printf(&out, "<text id=\"search\" class=\"ctl\" x=\"%lld\" y=\"%.0f\">Search</text>\n",
		(long long)o.width - XPAD - 100, fs * 2);
	sb_printf(&out, "<text id=\"resetsearch\" class=\"ctl hide\" x=\"%lld\" y=\"%.0f\">Reset Search</text>\n",
		(long long)o.width - XPAD - 200, fs * 2);
	sb_printf(&out, "<text id=\"matched\" x=\"%lld\" y=\"%.0f\"> </text>\n",
		(long long)o.width - XPAD - 100, imgheight - ypad2 / 2);
}

static void footer(void)
{
	sb_adds(&out, "<script type=\"text/ecmascript\"><![CDATA[\n");
	sb_add(&out, script, sizeof script - 1);
	sb_adds(&out, "]]></script>\n</svg>\n");
	out_flush();
}

static void frame(uint32_t i, int64_t start)
{
	const struct node *x = &nodes[i];
	const char *s = i ? nrec(x->name)->s : "all";
	size_t n = i ? nrec(x->name)->len : 3;
	double fx = XPAD + (double)start * wpt, fw = (double)x->n * wpt;
	double fy = o.inverted ? ypad1 + ypad3 + x->depth * (double)o.height
		: imgheight - ypad2 - (x->depth + 1) * (double)o.height;
	struct rgb c = colour(i);

	sb_printf(&out, "<g fg:x=\"%lld\" fg:w=\"%lld\"><title>", (long long)start, (long long)x->n);
	esc(&out, s, n, SIZE_MAX);
	sb_adds(&out, " (");
	add_count(&out, x->n);
	sb_addc(&out, ' ');
	escs(&out, o.countname);
	sb_printf(&out, ", %.2f%%", 100.0 * (double)x->n / (double)total);
	if (ncols == 2) {
		int64_t d = x->n - x->n1;
		sb_adds(&out, d > 0 ? "; +" : "; ");
		add_count(&out, d);
		sb_printf(&out, ", %+.2f%%", 100.0 * (double)d / (double)total);
	}
	sb_printf(&out, ")</title><rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%lld\" "
		"fill=\"rgb(%d,%d,%d)\" rx=\"2\" ry=\"2\"/><text x=\"%.2f\" y=\"%.1f\">",
		fx, fy, fw, (long long)o.height - 1, c.r, c.g, c.b,
		fx + 3, fy + (double)o.height / 2 + o.fontsize * 0.35);
	/* The label as much as fits, like the script does after a zoom. */
	size_t fit = (size_t)(fw / (o.fontsize * o.fontwidth));
	if (fit >= 3) {
		size_t k = nchars(s, n);
		if (k <= fit) {
			esc(&out, s, n, SIZE_MAX);
		} else {
			esc(&out, s, n, fit - 2);
			sb_adds(&out, "..");
		}
	}
	sb_adds(&out, "</text></g>\n");
	out_maybe_flush();
}

/* Every drawn frame, parents before children, left to right. */
static void frames(void)
{
	struct ent { uint32_t node, next; int64_t pos; } *st;
	st = xmalloc(sizeof *st * ((size_t)maxdepth + 2));
	size_t sp = 0;
	sb_adds(&out, "<g id=\"frames\">\n");
	frame(0, 0);
	st[sp++] = (struct ent){0, cstart[0], 0};
	while (sp) {
		struct ent *t = &st[sp - 1];
		if (t->next == cstart[t->node + 1]) {
			sp--;
			continue;
		}
		uint32_t c = clist[t->next++];
		int64_t s = t->pos;
		t->pos += nodes[c].n;
		if (!drawn[c])
			continue;
		frame(c, s);
		st[sp++] = (struct ent){c, cstart[c], s};
	}
	sb_adds(&out, "</g>\n");
	free(st);
}

static void layout(double fh)
{
	ypad1 = o.fontsize * 3;
	ypad2 = o.fontsize * 2 + 10;
	ypad3 = o.subtitle ? o.fontsize * 2 : 0;
	imgheight = ((double)maxdepth + 1) * fh + ypad1 + ypad2 + ypad3;
}

static void write_svg(void)
{
	char comment[160];
	total = nodes[0].n;
	if (total <= 0) {
		maxdepth = 0;
		layout((double)o.height);
		snprintf(comment, sizeof comment, "no stacks");
		header(comment);
		sb_printf(&out, "<text x=\"%.2f\" y=\"%.0f\" text-anchor=\"middle\">No stacks with a count above zero</text>\n",
			(double)o.width / 2, ypad1 + (double)o.height);
		sb_adds(&out, "<g id=\"frames\"></g>\n");
		footer();
		return;
	}
	wpt = (double)(o.width - 2 * XPAD) / (double)total;
	double mintime = o.minpct ? (double)total * o.minwidth / 100 : o.minwidth / wpt;
	build_children();
	prune(mintime);
	layout((double)o.height);
	if (o.minpct)
		snprintf(comment, sizeof comment, "%llu frames narrower than %g%% of the total were pruned",
			(unsigned long long)npruned, o.minwidth);
	else
		snprintf(comment, sizeof comment, "%llu frames narrower than %g px were pruned",
			(unsigned long long)npruned, o.minwidth);
	header(comment);
	frames();
	footer();
}

/* ---- main --------------------------------------------------------------- */

static const char usage[] =
	"usage: folded2svg [--flamechart] [--hash] [--inverted] [--negate] [--reverse]\n"
	"                  [--colors palette] [--countname name] [--fontsize px]\n"
	"                  [--height px] [--minwidth px | percent%] [--nametype name]\n"
	"                  [-o file] [--subtitle text] [--title text] [--width px]\n"
	"                  [file ...]\n"
	"       folded2svg -h | -V\n";

static const char help[] =
	"Draw folded stacks (frame;frame;frame COUNT) as an SVG flame graph.\n"
	"\n"
	"  --colors palette   hot (default), mem, io, or agent (a hue per frame kind)\n"
	"  --countname name   what the counts are, in titles (default: samples)\n"
	"  --flamechart       keep the input order (time), do not sort frames\n"
	"  --fontsize px      label font size (default: 12)\n"
	"  --hash             colours by name, alike names alike colours\n"
	"  --height px        frame height (default: 16)\n"
	"  --inverted         icicle graph: the root at the top\n"
	"  --minwidth w       prune frames narrower than w px, or w% of the total\n"
	"                     (default: 0.1)\n"
	"  --nametype name    what a frame is, in the details line (default: Function:)\n"
	"  --negate           swap the red and blue of a differential graph\n"
	"  -o, --output file  write the SVG to file instead of standard output\n"
	"  --reverse          reverse every stack before merging\n"
	"  --subtitle text    a second line under the title\n"
	"  --title text       the title (default: Flame Graph)\n"
	"  --width px         image width (default: 1200)\n"
	"  -h, --help         print this help and exit\n"
	"  -V, --version      print the version and exit\n";

static const struct cli cli = {usage, help};

enum {
	O_COLORS = 256, O_COUNTNAME, O_FLAMECHART, O_FONTSIZE, O_HASH, O_HEIGHT, O_INVERTED,
	O_MINWIDTH, O_NAMETYPE, O_NEGATE, O_REVERSE, O_SUBTITLE, O_TITLE, O_WIDTH,
};

static const struct option longopts[] = {
	{"colors", required_argument, NULL, O_COLORS},
	{"countname", required_argument, NULL, O_COUNTNAME},
	{"flamechart", no_argument, NULL, O_FLAMECHART},
	{"fontsize", required_argument, NULL, O_FONTSIZE},
	{"hash", no_argument, NULL, O_HASH},
	{"height", required_argument, NULL, O_HEIGHT},
	{"inverted", no_argument, NULL, O_INVERTED},
	{"minwidth", required_argument, NULL, O_MINWIDTH},
	{"nametype", required_argument, NULL, O_NAMETYPE},
	{"negate", no_argument, NULL, O_NEGATE},
	{"output", required_argument, NULL, 'o'},
	{"reverse", no_argument, NULL, O_REVERSE},
	{"subtitle", required_argument, NULL, O_SUBTITLE},
	{"title", required_argument, NULL, O_TITLE},
	{"width", required_argument, NULL, O_WIDTH},
	CLI_LONGOPTS
};

static void minwidth(const char *arg)
{
	char buf[64];
	size_t l = strlen(arg);
	if (l && l < sizeof buf && arg[l - 1] == '%') {
		memcpy(buf, arg, l - 1);
		buf[l - 1] = 0;
		o.minpct = true;
		if (parse_f64(buf, 0, 100, &o.minwidth))
			return;
	} else if (parse_f64(arg, 0, 1e9, &o.minwidth)) {
		o.minpct = false;
		return;
	}
	cli_usage_error(&cli, "--minwidth: %s: not a width in px or a percentage like 0.5%%", arg);
}

int main(int argc, char **argv)
{
	diag_init(argv[0]);
	int c;
	while ((c = getopt_long(argc, argv, "o:" CLI_SHORTOPTS, longopts, NULL)) != -1) {
		switch (c) {
		case O_COLORS:
			if (!strcmp(optarg, "hot"))
				o.pal = PAL_HOT;
			else if (!strcmp(optarg, "mem"))
				o.pal = PAL_MEM;
			else if (!strcmp(optarg, "io"))
				o.pal = PAL_IO;
			else if (!strcmp(optarg, "agent"))
				o.pal = PAL_AGENT;
			else
				cli_usage_error(&cli, "--colors: %s: not hot, mem, io or agent", optarg);
			break;
		case O_COUNTNAME: o.countname = optarg; break;
		case O_FLAMECHART: o.flamechart = true; break;
		case O_FONTSIZE:
			o.fontsize = cli_f64("--fontsize", "a size", optarg, 1, 200);
			break;
		case O_HASH: o.hash = true; break;
		case O_HEIGHT:
			o.height = cli_i64("--height", "a frame height in px", optarg, 2, 1000);
			break;
		case O_INVERTED: o.inverted = true; break;
		case O_MINWIDTH: minwidth(optarg); break;
		case O_NAMETYPE: o.nametype = optarg; break;
		case O_NEGATE: o.negate = true; break;
		case 'o': o.output = optarg; break;
		case O_REVERSE: o.reverse = true; break;
		case O_SUBTITLE: o.subtitle = optarg; break;
		case O_TITLE: o.title = optarg; break;
		case O_WIDTH:
			o.width = cli_i64("--width", "a width in px", optarg, 100, 1000000);
			break;
		default: cli_default(&cli, c);
		}
	}
	if (!o.title)
		o.title = o.flamechart ? "Flame Chart" : o.inverted ? "Icicle Graph" : "Flame Graph";
	struct outfile of;
	if (o.output) {
		int fd = outfile_open(&of, o.output, 0);
		if (fd < 0 || dup2(fd, 1) < 0)
			die(2, "%s: cannot write: %s", o.output, output_strerror(errno));
		close(fd);
		of.fd = 1;
	}

	struct operands ops;
	operands_init(&ops, argc - optind, argv + optind);
	new_node(UINT32_MAX, 0);
	for (int i = 0; i < ops.n; i++)
		read_file(ops.v[i]);
	free(kids);
	hm_free(&names.idx);
	if (nodes[0].n <= 0)
		warnx("no stacks with a count above zero");
	write_svg();
	if (o.output) {
		out_flush();
		if (outfile_commit(&of) < 0)
			die(2, "%s: cannot write: %s", o.output, strerror(errno));
	}
	return diag_errors || nodes[0].n <= 0 ? 1 : 0;
}
