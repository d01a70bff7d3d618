/* SPDX-License-Identifier: MIT */
/* flamesvg.c: the SVG document of a flame graph (see flame.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "flame.h"

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

/* d as printf's "%.<decimals>f" writes it (0-4 decimals), with a '+'
 * before it when plus and it is not negative ("%+.2f"), without a call
 * to printf: it was most of the time spent on a frame.  The digits come
 * from d scaled to an integer; when d lies too near a rounding tie for
 * the scaled double to decide, or is large, printf decides after all. */
static void add_f(struct sbuf *b, double d, int decimals, bool plus)
{
	static const double p10[] = {1, 10, 100, 1000, 10000};
	double a = fabs(d), sc = a * p10[decimals], fl = floor(sc), fr = sc - fl;
	/* below 2^31 the scaled value is off by at most 2^-23 */
	if (!(sc < 2147483648.0) || fabs(fr - 0.5) < 1e-6) {
		sb_printf(b, plus ? "%+.*f" : "%.*f", decimals, d);
		return;
	}
	uint64_t v = (uint64_t)fl + (fr > 0.5);
	char tmp[24], *e = tmp + sizeof tmp, *q = e;
	for (int i = 0; i < decimals; i++, v /= 10)
		*--q = (char)('0' + v % 10);
	if (decimals)
		*--q = '.';
	do
		*--q = (char)('0' + v % 10);
	while (v /= 10);
	if (signbit(d))
		*--q = '-';
	else if (plus)
		*--q = '+';
	sb_add(b, q, (size_t)(e - q));
}

/* 1234567 -> 1,234,567 */
static void add_count(struct sbuf *b, int64_t v)
{
	char tmp[32], *e = tmp + sizeof tmp, *q = e;
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
	for (int i = 0;; i++) {
		if (i && i % 3 == 0)
			*--q = ',';
		*--q = (char)('0' + u % 10);
		if (!(u /= 10))
			break;
	}
	if (v < 0)
		*--q = '-';
	sb_add(b, q, (size_t)(e - q));
}

/* d with its integer part grouped by thousands and decimals digits */
static void add_fixed(struct sbuf *b, double d, int decimals)
{
	char tmp[64];
	int l = snprintf(tmp, sizeof tmp, "%.*f", decimals, d);
	int dot = decimals ? l - decimals - 1 : l;
	for (int i = 0; i < l; i++) {
		if (i && i < dot && (dot - i) % 3 == 0)
			sb_addc(b, ',');
		sb_addc(b, tmp[i]);
	}
}

/* Units shown other than as counts: microdollars as dollars,
 * milliseconds as seconds. */
enum flame_unit { FU_COUNT, FU_USD, FU_MS };

static enum flame_unit flame_unit_kind(const char *unit)
{
	if (!unit)
		return FU_COUNT;
	if (!strcmp(unit, "microdollars"))
		return FU_USD;
	if (!strcmp(unit, "milliseconds"))
		return FU_MS;
	return FU_COUNT;
}

/* A count as the reader wants it: microdollars in dollars, milliseconds
 * in seconds, anything else as the count (and its name when named). */
static void add_value(const struct flame *f, struct sbuf *b, int64_t v, bool named)
{
	uint64_t a = v < 0 ? -(uint64_t)v : (uint64_t)v;
	switch (flame_unit_kind(f->o.unit)) {
	case FU_USD:
		sb_adds(b, v < 0 ? "-$" : "$");
		add_fixed(b, (double)a / 1e6, a >= 1000000 ? 2 : 4);
		break;
	case FU_MS:
		if (v < 0)
			sb_addc(b, '-');
		add_fixed(b, (double)a / 1e3, a >= 1000 ? 1 : 3);
		sb_adds(b, " s");
		break;
	default:
		add_count(b, v);
		if (named) {
			sb_addc(b, ' ');
			escs(b, f->o.unit ? f->o.unit : f->o.countname);
		}
	}
}

/* Byte offset of character i of s[0..n) */
static size_t char_offset(const char *s, size_t n, size_t i)
{
	size_t at = 0;
	bool okay;
	while (i-- && at < n)
		at += next_char(s + at, n - at, &okay);
	return at;
}

/* The label of a frame max characters wide: the whole name when it fits,
 * else cut from the useful end: the kind of an agentpprof frame kept
 * ("prompt:") with the end of its value, or the end of the name, "\u2026"
 * where it is cut.  Nothing under 3 characters.  flamejs.c's fit() does
 * the same after a zoom or a resize. */
static void add_label(struct sbuf *b, const char *s, size_t n, size_t max)
{
	if (max < 3)
		return;
	size_t k = nchars(s, n);
	if (k <= max) {
		esc(b, s, n, SIZE_MAX);
		return;
	}
	const char *colon = memchr(s, ':', n);
	size_t pre = colon ? nchars(s, (size_t)(colon - s) + 1) : 0;
	if (colon && colon > s && pre + 4 <= max) {
		esc(b, s, (size_t)(colon - s) + 1, SIZE_MAX);
	} else {
		pre = 0;
	}
	sb_adds(b, FLAME_OTHERS);
	size_t tail = max - pre - 1, from = char_offset(s, n, k - tail);
	esc(b, s + from, n - from, SIZE_MAX);
}

/* ---- the document --------------------------------------------------------- */

static void flush(struct sbuf *doc, int fd)
{
	write_all(fd, doc->p, doc->len);
	sb_reset(doc);
}

static void header(const struct flame *f, struct sbuf *doc, const char *comment)
{
	const struct flame_opts *o = &f->o;
	double fs = o->fontsize, imgheight = f->imgheight;
	sb_printf(doc, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
		"<svg version=\"1.1\" width=\"%lld\" height=\"%.0f\" viewBox=\"0 0 %lld %.0f\" "
		"xmlns=\"http://www.w3.org/2000/svg\" xmlns:fg=\"urn:x-folded2svg\" "
		"fg:total=\"%lld\" fg:xpad=\"%d\" fg:fh=\"%lld\" fg:fs=\"%g\" fg:fw=\"%g\" fg:inverted=\"%d\" fg:nametype=\"",
		(long long)o->width, imgheight, (long long)o->width, imgheight,
		(long long)f->total, FLAME_XPAD, (long long)o->height, fs, o->fontwidth, o->inverted);
	escs(doc, o->nametype);
	sb_adds(doc, "\" fg:unit=\"");
	escs(doc, o->unit ? o->unit : o->countname);
	sb_adds(doc, o->fluid ? "\" fg:fluid=\"1" : "");
	sb_printf(doc, "\">\n<!-- folded2svg %s: %s -->\n", o->version, comment);
	sb_printf(doc, "<defs><linearGradient id=\"background\" y1=\"0\" y2=\"1\" x1=\"0\" x2=\"0\">"
		"<stop stop-color=\"%s\" offset=\"5%%\"/><stop stop-color=\"%s\" offset=\"95%%\"/>"
		"</linearGradient></defs>\n",
		"#eeeeee", f->ncols == 2 || o->pal == PAL_IO ? "#e0e0ff" : o->pal == PAL_MEM ? "#e0ffe0" : "#eeeeb0");
	sb_printf(doc, "<style type=\"text/css\">\n"
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
	sb_printf(doc, "<rect x=\"0\" y=\"0\" width=\"%lld\" height=\"%.0f\" fill=\"url(#background)\"/>\n",
		(long long)o->width, imgheight);
	sb_printf(doc, "<text id=\"title\" x=\"%.2f\" y=\"%.0f\">", (double)o->width / 2, fs * 2);
	escs(doc, o->title);
	sb_adds(doc, "</text>\n");
	if (o->subtitle || o->unit) {
		sb_printf(doc, "<text id=\"subtitle\" x=\"%.2f\" y=\"%.0f\">", (double)o->width / 2, fs * 4);
		if (o->subtitle)
			escs(doc, o->subtitle);
		if (o->unit) {
			/* the total in the unit of the view */
			sb_adds(doc, o->subtitle ? "; total " : "total ");
			add_value(f, doc, f->total, true);
		}
		sb_adds(doc, "</text>\n");
	}
	sb_printf(doc, "<text id=\"details\" x=\"%d\" y=\"%.0f\"> </text>\n", FLAME_XPAD, imgheight - f->ypad2 / 2);
	sb_printf(doc, "<text id=\"unzoom\" class=\"ctl hide\" x=\"%d\" y=\"%.0f\">Reset Zoom</text>\n",
		FLAME_XPAD, fs * 2);
	sb_printf(doc, "<text id=\"search\" class=\"ctl\" x=\"%lld\" y=\"%.0f\">Search</text>\n",
		(long long)o->width - FLAME_XPAD - 100, fs * 2);
	sb_printf(doc, "<text id=\"resetsearch\" class=\"ctl hide\" x=\"%lld\" y=\"%.0f\">Reset Search</text>\n",
		(long long)o->width - FLAME_XPAD - 200, fs * 2);
	sb_printf(doc, "<text id=\"matched\" x=\"%lld\" y=\"%.0f\"> </text>\n",
		(long long)o->width - FLAME_XPAD - 100, imgheight - f->ypad2 / 2);
}

static void footer(struct sbuf *doc)
{
	sb_adds(doc, "<script type=\"text/ecmascript\"><![CDATA[\n");
	sb_add(doc, flame_js, flame_js_len);
	sb_adds(doc, "]]></script>\n</svg>\n");
}

static void frame(const struct flame *f, struct sbuf *doc, uint32_t i, int64_t start)
{
	const struct flame_opts *o = &f->o;
	const struct flame_node *x = &f->nodes[i];
	size_t n;
	const char *s = flame_label(f, i, &n);
	int64_t total = f->total;
	double fx = FLAME_XPAD + (double)start * f->wpt, fw = (double)x->n * f->wpt;
	double fy = o->inverted ? f->ypad1 + f->ypad3 + x->depth * (double)o->height
		: f->imgheight - f->ypad2 - (x->depth + 1) * (double)o->height;
	struct rgb c = flame_colour(f, i);

	sb_adds(doc, "<g fg:x=\"");
	sb_addi(doc, start);
	sb_adds(doc, "\" fg:w=\"");
	sb_addi(doc, x->n);
	sb_adds(doc, "\"><title>");
	esc(doc, s, n, SIZE_MAX);
	sb_adds(doc, " (");
	add_value(f, doc, x->n, true);
	sb_adds(doc, ", ");
	add_f(doc, 100.0 * (double)x->n / (double)total, 2, false);
	sb_addc(doc, '%');
	if (f->ncols == 2) {
		int64_t d = x->n - x->n1;
		sb_adds(doc, d > 0 ? "; +" : "; ");
		add_value(f, doc, d, false);
		sb_adds(doc, ", ");
		add_f(doc, 100.0 * (double)d / (double)total, 2, true);
		sb_addc(doc, '%');
	}
	if (x->others) {
		sb_adds(doc, "; ");
		add_count(doc, (int64_t)x->others);
		sb_adds(doc, x->others == 1 ? " frame" : " frames");
		sb_adds(doc, " too narrow to draw");
	}
	sb_adds(doc, ")</title><rect x=\"");
	add_f(doc, fx, 2, false);
	sb_adds(doc, "\" y=\"");
	add_f(doc, fy, 1, false);
	sb_adds(doc, "\" width=\"");
	add_f(doc, fw, 2, false);
	sb_adds(doc, "\" height=\"");
	sb_addi(doc, o->height - 1);
	sb_adds(doc, "\" fill=\"rgb(");
	sb_addi(doc, c.r);
	sb_addc(doc, ',');
	sb_addi(doc, c.g);
	sb_addc(doc, ',');
	sb_addi(doc, c.b);
	sb_adds(doc, ")\" rx=\"2\" ry=\"2\"/><text x=\"");
	add_f(doc, fx + 3, 2, false);
	sb_adds(doc, "\" y=\"");
	add_f(doc, fy + (double)o->height / 2 + o->fontsize * 0.35, 1, false);
	sb_adds(doc, "\">");
	/* The label as much as fits, like the script does after a zoom. */
	add_label(doc, s, n, (size_t)(fw / (o->fontsize * o->fontwidth)));
	sb_adds(doc, "</text></g>\n");
}

/* Every drawn frame, in node order (parents before children, left to
 * right); doc is written to fd whenever it holds 256 KiB. */
static void frames(const struct flame *f, struct sbuf *doc, int fd)
{
	sb_adds(doc, "<g id=\"frames\">\n");
	for (uint32_t i = 0; i < f->nnodes; i++) {
		frame(f, doc, i, f->nodes[i].x);
		if (doc->len >= 1 << 18)
			flush(doc, fd);
	}
	sb_adds(doc, "</g>\n");
}

void flame_svg(struct flame *f, int fd)
{
	const struct flame_opts *o = &f->o;
	struct sbuf doc = {0};
	char comment[160];
	if (f->total <= 0) {
		f->maxdepth = 0;
		flame_geometry(f);
		snprintf(comment, sizeof comment, "no stacks");
		header(f, &doc, comment);
		sb_printf(&doc, "<text x=\"%.2f\" y=\"%.0f\" text-anchor=\"middle\">No stacks with a count above zero</text>\n",
			(double)o->width / 2, f->ypad1 + (double)o->height);
		sb_adds(&doc, "<g id=\"frames\"></g>\n");
		footer(&doc);
		flush(&doc, fd);
		sb_free(&doc);
		return;
	}
	flame_layout(f);
	if (o->minpct)
		snprintf(comment, sizeof comment, "%llu frames narrower than %g%% of the total were pruned",
			(unsigned long long)f->npruned, o->minwidth);
	else
		snprintf(comment, sizeof comment, "%llu frames narrower than %g px were pruned",
			(unsigned long long)f->npruned, o->minwidth);
	header(f, &doc, comment);
	frames(f, &doc, fd);
	footer(&doc);
	flush(&doc, fd);
	sb_free(&doc);
}
