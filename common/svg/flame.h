/* SPDX-License-Identifier: MIT */
/* flame.h: folded2svg's engine, a flame graph from folded stacks.
 *
 * The parts, in the order a graph passes through them:
 *  - flametree.c: the stacks as read, copied one after the other into an
 *    arena (flame_add), then merged in one pass (flame_build): sorted
 *    once by their frames (a multikey quicksort that reads each stack 7
 *    bytes at a time, not once per comparison), so that stacks sharing
 *    frames are neighbours and siblings come in name order; each stack
 *    then shares the frames it has in common with the one before and
 *    opens new ones for the rest.  No hash, no lookup per frame.  A frame
 *    is complete when the first stack without it comes; one narrower than
 *    --minwidth goes at once (its children were narrower still and went
 *    before it), so only the drawn frames and the current stack's path
 *    are ever held as frames.  Memory: the stacks held (their bytes plus
 *    32 a stack, and 24 more while they are sorted) and 40 bytes a drawn
 *    frame.  When the stacks held pass f->buffer, they are sorted and
 *    written to a temporary file as a run (flame_spill), and flame_build
 *    merges the runs as it reads them back, copying the names of the
 *    frames it keeps: memory stays at the buffer however large the input.
 *  - flamelayout.c: the scale, the pruning width in counts, and the image
 *    geometry.
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
 * flame_free.  The strings of the options are borrowed, not copied, and
 * must outlive flame_svg; the stacks given to flame_add are copied unless
 * the caller says they stay.  No global state: two
 * graphs may coexist. */
#ifndef AP_FLAME_H
#define AP_FLAME_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "arena.h"
#include "util.h"

enum palette { PAL_HOT, PAL_MEM, PAL_IO, PAL_AGENT };

#define FLAME_XPAD 10   /* px left and right of the frames */

struct flame_opts {
	const char *title, *subtitle, *countname, *nametype;
	const char *unit;               /* what the counts are, when known: in
	                                 * titles and the subtitle's total */
	bool fluid;                     /* the script fits the width to the window */
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

/* A stack as read: its frames (joined by ';', in the graph's arena) and
 * its counts. */
struct flame_line {
	const char *s;
	uint32_t len;
	int64_t n1, n;
};

/* A drawn frame.  nodes[0] is the root, "all"; the nodes are in the
 * order they are drawn: a parent before its children, siblings left to
 * right (depth first). */
struct flame_node {
	const char *name;       /* into the arena; the root's is "all" */
	uint32_t len, depth;
	int64_t x;              /* left edge in counts: the parent's plus the
	                         * widths of the siblings before, pruned ones too */
	int64_t n;              /* width: the count, or the second count of a pair */
	int64_t n1;             /* the first count of a differential pair */
	uint64_t others;        /* a FLAME_OTHERS frame: how many it stands for */
};

/* The name of the frame that stands for the children of a frame too
 * narrow to draw (at least one; together at least --minwidth wide). */
#define FLAME_OTHERS "\u2026"

struct flame {
	struct flame_opts o;
	int ncols;              /* count columns: 1, or 2 for a differential graph */

	/* the stacks as read (flametree.c) */
	struct arena mem;
	struct flame_line *lines;
	size_t nlines, caplines;
	int64_t total, total1;          /* sums of the second and first counts */
	size_t held;                    /* bytes the stacks take (flame_full) */
	size_t buffer;                  /* at most that many, else runs; 0: no limit */
	int runfd;                      /* stacks sorted and set aside (flame_spill),
	                                 * in an unlinked file; -1: none yet */
	uint64_t *runs, runend;         /* where each run starts; the file's end */
	size_t nruns, caprun;
	struct sbuf names;              /* merging runs: the drawn frames' names */

	/* the drawn frames (flametree.c, flame_build) */
	struct flame_node *nodes;
	uint32_t nnodes, capnodes;
	uint64_t nframes, npruned;      /* frames merged, and those not drawn
	                                 * on their own */
	uint32_t maxdepth;
	int64_t maxdelta;               /* largest |n - n1| drawn */
	double ypad1, ypad2, ypad3, imgheight, wpt;     /* px; wpt: px per count */
};

/* ---- flametree.c --------------------------------------------------------- */

/* An empty graph drawn with the options o (copied; the strings in it are
 * borrowed).  ncols is 0: the caller sets it, 2 for a differential graph,
 * before flame_svg. */
void flame_init(struct flame *f, const struct flame_opts *o);
/* Keep the stack s[0..len) (frames joined by ';') with the counts n1
 * (before) and n (after; both the same for a plain graph).  The stack is
 * copied (reversed for --reverse) unless stable says that s stays valid
 * and unchanged until flame_free (a mapped file).  false, with nothing kept, when the sums would pass
 * 2^63 - 1.  Dies (status 2) on a stack of 4 GiB or more. */
bool flame_add(struct flame *f, const char *s, size_t len, int64_t n1, int64_t n, bool stable);
/* Copy the stacks kept since line from (given as stable) into the graph's
 * own memory: their file is about to close after all. */
void flame_copy_lines(struct flame *f, size_t from);
/* The stacks held take the buffer (f->buffer, when set): time for
 * flame_spill. */
static inline bool flame_full(const struct flame *f)
{
	return f->buffer && f->held >= f->buffer;
}
/* Sort the stacks held (unless this is a flame chart) and write them to
 * a temporary file in $TMPDIR (unlinked at once), then forget them: the
 * caller may unmap their file.  flame_build merges the runs as it reads
 * them back, so memory stays at the buffer (64 KiB to read each run back,
 * down to 4 KiB when there are more than buffer / 64 KiB runs) and the
 * drawn frames with their names.  Dies (status 2) when the file
 * cannot be made, written or read. */
void flame_spill(struct flame *f);
/* Merge the stacks into the drawn frames: sorted once (unless this is a
 * flame chart), equal prefixes of neighbours merged, every frame narrower
 * than mintime counts pruned as soon as its last stack has passed.  The
 * stacks stay (the names point into them). */
void flame_build(struct flame *f, double mintime);
/* Everything freed; f may be flame_init'ed again. */
void flame_free(struct flame *f);

/* The name of node i and its length. */
static inline const char *flame_label(const struct flame *f, uint32_t i, size_t *n)
{
	*n = f->nodes[i].len;
	return f->nodes[i].name;
}

/* ---- flamelayout.c ------------------------------------------------------- */

/* The scale, the frames (flame_build) and the geometry for a graph whose
 * total is above zero. */
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
