/* SPDX-License-Identifier: MIT */
/* folded2svg.c: folded2svg's reader (cmd/folded2svg.c, compiled into
 * this target with its main renamed, so its static functions are called
 * as main calls them) and the engine it feeds in common/svg/: trie,
 * pruning, layout, colours and XML escaping.  The first byte picks the
 * options (palette, --hash, --reverse, --inverted, --flamechart,
 * --minwidth in px or %, --negate); the input's first line, when it
 * starts with "#T", is the title and subtitle (escaped into the SVG);
 * the rest is folded stacks, read from a memory file by the program's
 * own read_file. */
#define main folded2svg_main
#include "../cmd/folded2svg.c"
#undef main
#include "fuzz.h"

/* The frames of the SVG are well formed whatever the names: every '<' opens
 * or closes one of the elements a frame is made of and every '&' starts
 * an entity, so no name can close an element or start a script.  And no
 * byte of the file is a control character XML forbids or invalid UTF-8. */
static void check_svg(const char *p, size_t n)
{
	static const char *const tags[] = {"g ", "g>", "/g>", "title>", "/title>", "rect ",
		"text ", "/text>"};
	static const char *const ents[] = {"amp;", "lt;", "gt;", "quot;", "apos;", "#"};
	for (size_t i = 0; i < n; ) {
		unsigned char c = (unsigned char)p[i];
		if (c < 0x20 && c != '\n' && c != '\t' && c != '\r')
			abort();
		size_t l = c < 0x80 ? 1 : utf8_valid_len(p + i, n - i);
		if (!l || (l == 3 && c == 0xEF && (unsigned char)p[i + 1] == 0xBF &&
		    (unsigned char)p[i + 2] >= 0xBE))
			abort();
		i += l;
	}
	const char *f = memmem(p, n, "<g id=\"frames\">", 15);
	const char *e = f ? memmem(f, n - (size_t)(f - p), "<script", 7) : NULL;
	if (!f)
		return;
	if (!e)
		e = p + n;
	for (const char *q = f + 15; q < e; q++) {
		const char *const *v = *q == '<' ? tags : *q == '&' ? ents : NULL;
		size_t nv = *q == '<' ? sizeof tags / sizeof *tags : sizeof ents / sizeof *ents;
		if (!v)
			continue;
		size_t k = 0;
		while (k < nv && ((size_t)(e - q - 1) < strlen(v[k]) || memcmp(q + 1, v[k], strlen(v[k]))))
			k++;
		if (k == nv)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	fuzz_quiet();
	int first = fuzz_selector(&data, &n);
	if (first < 0)
		return 0;
	unsigned sel = (unsigned)first;
	char *title = NULL;
	if (n >= 2 && data[0] == '#' && data[1] == 'T') {
		const uint8_t *nl = memchr(data, '\n', n);
		size_t l = nl ? (size_t)(nl - data) : n;
		title = fuzz_str(data + 2, l - 2);
		data += l, n -= l;
	}
	o.pal = (enum palette)(sel & 3);
	o.hash = sel & 4;
	o.reverse = sel & 8;
	o.inverted = sel & 16;
	o.flamechart = sel & 32;
	o.minpct = sel & 64;
	o.minwidth = sel & 64 ? 0.5 : sel & 128 ? 0 : 0.1;
	o.negate = sel & 128;
	o.width = sel & 128 ? 100 : 1200;
	o.title = title ? title : "Flame Graph";
	o.subtitle = title;
	o.countname = title ? title : "samples";
	o.nametype = title ? title : "Function:";
	int fd = fuzz_fd(data, n);
	char path[32];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	flame_init(&graph, &o);
	read_file(path);
	close(fd);
	/* the SVG goes to a memory file, read back and checked */
	static int svg = -1;
	if (svg < 0 && (svg = memfd_create("svg", 0)) < 0)
		abort();
	if (ftruncate(svg, 0) || lseek(svg, 0, SEEK_SET))
		abort();
	flame_svg(&graph, svg);
	off_t size = lseek(svg, 0, SEEK_END);
	char *text = xmalloc((size_t)size + 1);
	if (pread(svg, text, (size_t)size, 0) != size)
		abort();
	check_svg(text, (size_t)size);
	free(text);
	flame_free(&graph);
	close_mapped();
	free(title);
	return 0;
}
