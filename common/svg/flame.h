/* SPDX-License-Identifier: MIT */
/* flame.h: folded2svg's engine, a flame graph from folded stacks.
 *
 * The parts, in the order a graph passes through them:
 *  - flametree.c: the frame names, interned once each (intern.h), and the
 *    trie of frames.  flame_add merges one stack into it: equal prefixes
 *    share nodes, so memory follows the number of distinct frames, not
 *    the number of input lines.  Cost per frame: the frames a stack
 *    shares with the previous stack (sorted input) need no lookup; any
 *    other frame is one hash of its name seeded by the parent and a probe
 *    of the (parent, name) table, plus an interning when the frame is new.
 *    Memory: 32 bytes a node, 16-32 a table slot, each name once.
 *  - flamelayout.c: what is drawn and where.  Children lists (sorted by
 *    name unless this is a flame chart), the frames narrower than
 *    --minwidth pruned, the depth and the image geometry.  Linear in the
 *    number of nodes plus the sorts; 9 bytes a node.
 *  - flamecolour.c: a frame's fill colour (hot, mem, io, the agent
 *    palette with a hue per frame kind, or red/blue for a differential
 *    graph).  The same name gives the same colour on every machine.
 *  - flamesvg.c: the SVG document: XML escaping (anything XML cannot
 *    carry becomes U+FFFD), the header, one <g> per drawn frame, parents
 *    before children, left to right, and flamejs.c's script at the end.
 *    Written to a descriptor every 256 KiB: the document is never held.
 *
 * Use: flame_init; flame_add per stack (the caller reads and parses the
 * input and sets ncols); flame_svg once; flame_free.
 *
 * Lifetimes: everything a graph holds is in its struct flame, until
 * flame_free; the (parent, name) table, the name index and the previous
 * stack only until flame_added (flame_svg calls it).  The strings of the
 * options are borrowed, not copied, and must outlive flame_svg; the
 * stacks given to flame_add are copied as needed.  No global state: two
 * graphs may coexist. */
#ifndef AP_FLAME_H
#define AP_FLAME_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "intern.h"
#include "util.h"

enum palette { PAL_HOT, PAL_MEM, PAL_IO, PAL_AGENT };

#define FLAME_XPAD 10   /* px left and right of the frames */

struct flame_opts {
	const char *title, *subtitle, *countname, *nametype;
	const char *version;            /* the program's, in a comment at the top */
	int64_t width, height;          /* image width, frame height (px) */
	double fontsize, fontwidth;     /* px; width of a character / size */
	double minwidth;                /* prune narrower frames: px, or %... */
	bool minpct;                    /* ...of the total when set */
	enum palette pal;
	bool hash;                      /* colours by name: alike names alike */
	bool reverse;                   /* merge every stack leaf first */
	bool inverted;                  /* icicle: the root at the top */
	bool flamechart;                /* keep input order: merge a frame only
	                                 * with the sibling added just before */
	bool negate;                    /* swap red and blue (differential) */
};

/* A frame of the trie.  nodes[0] is the root, "all"; a parent always
 * comes before its children. */
struct flame_node {
	uint32_t name, parent;
	uint32_t last;          /* last child added (flame charts merge with it only) */
	uint32_t depth;
	int64_t n;              /* width: the count, or the second count of a pair */
	int64_t n1;             /* the first count of a differential pair */
};

struct flame {
	struct flame_opts o;
	int ncols;              /* count columns: 1, or 2 for a differential graph */

	/* frame names (flametree.c), each once; a node holds its id */
	struct intern names;
	uint32_t *rank;         /* rank[id]: position in byte order (layout) */

	/* the trie */
	struct flame_node *nodes;
	uint32_t nnodes, capnodes;

	/* while stacks are added: (parent, name) -> child, and the previous
	 * stack with its path, whose shared prefix needs no lookup */
	struct flame_kid *kids;
	size_t nkids, capkids;
	struct sbuf prev;
	uint32_t *ppath;        /* ppath[i]: node of frame i of prev */
	size_t *pend;           /* pend[i]: offset just past frame i */
	size_t plen, pcap;
	struct flame_span *rev; /* --reverse: the frames of one stack */
	size_t caprev;

	/* the layout (flamelayout.c) */
	uint32_t *cstart, *clist;       /* children of i: clist[cstart[i]..cstart[i+1]) */
	bool *drawn;
	uint64_t npruned;
	uint32_t maxdepth;
	int64_t maxdelta;               /* largest |n - n1| drawn */
	int64_t total;
	double ypad1, ypad2, ypad3, imgheight, wpt;     /* px; wpt: px per count */
};

/* ---- flametree.c --------------------------------------------------------- */

/* An empty graph (the root only) drawn with the options o (copied; the
 * strings in it are borrowed).  ncols is 0: the caller sets it, 2 for a
 * differential graph, before flame_svg. */
void flame_init(struct flame *f, const struct flame_opts *o);
/* Merge the stack s[0..len) (frames joined by ';') with the counts n1
 * (before) and n (after; both the same for a plain graph).  false, with
 * nothing added, when the root's sums would pass 2^63 - 1.  Dies (status
 * 2) past 2^31 nodes or 2^32 - 1 distinct names. */
bool flame_add(struct flame *f, const char *s, size_t len, int64_t n1, int64_t n);
/* The lookup tables of flame_add freed: call when all stacks are in
 * (flame_svg does), to give their memory back before the layout. */
void flame_added(struct flame *f);
/* Everything freed; f may be flame_init'ed again. */
void flame_free(struct flame *f);

/* The name of node i ("all" for the root) and its length. */
static inline const char *flame_label(const struct flame *f, uint32_t i, size_t *n)
{
	if (!i) {
		*n = 3;
		return "all";
	}
	*n = intern_len(&f->names, f->nodes[i].name);
	return intern_at(&f->names, f->nodes[i].name);
}
/* Rank every name in byte order (sort(1) in the C locale, as
 * flamegraph.pl does) into rank[], so that siblings sort by comparing
 * integers. */
void flame_rank_names(struct flame *f);

/* ---- flamelayout.c ------------------------------------------------------- */

/* Children lists, pruning, depth and geometry for a graph whose total
 * (the root's count) is above zero; allocates cstart, clist and drawn. */
void flame_layout(struct flame *f);
/* The geometry (ypad*, imgheight) for the deepest frame maxdepth. */
void flame_geometry(struct flame *f);

/* ---- flamecolour.c ------------------------------------------------------- */

struct rgb { int r, g, b; };
/* The fill of node i, after flame_layout (a differential graph shades
 * by maxdelta). */
struct rgb flame_colour(const struct flame *f, uint32_t i);

/* ---- flamesvg.c, flamejs.c ----------------------------------------------- */

/* Lay out and write the whole SVG document to fd, in pieces of at most
 * 256 KiB (write_all: a closed pipe ends the program quietly when SIGPIPE
 * is ignored).  An empty graph (total 0) is a document that says so. */
void flame_svg(struct flame *f, int fd);
/* The script of the document: hover, zoom and search (flamejs.c). */
extern const char flame_js[];
extern const size_t flame_js_len;
#endif
