/* SPDX-License-Identifier: MIT */
/* arena.h: memory handed out in pieces from big blocks and given back all
 * at once.
 *
 * An allocation costs a pointer bump; a block is allocated when the
 * current one is full, so a piece never moves and pointers into an arena
 * stay valid until arena_reset or arena_free.  Pieces that do not fit
 * leave the rest of the block unused (at most the size of the piece).
 * A piece larger than a block gets memory of its own, freed at the next
 * reset; the block being filled is not left for it.
 *
 * arena_reset makes every piece invalid and keeps the blocks for the next
 * round (at most `keep` of them when keep is set, the first ones): a
 * session or a record then reuses the memory of the last one instead of
 * asking for it again.  arena_free gives everything back.
 *
 * Pieces from arena_bytes and arena_strdup lie one right after the other
 * in a block (no padding), so successive copies can be written out in one
 * run; arena_alloc aligns for any type (alignof(max_align_t)).
 *
 * A zeroed struct arena is an empty arena with 64 KiB blocks from malloc;
 * set the fields before the first allocation to change that. */
#ifndef AP_ARENA_H
#define AP_ARENA_H
#include <stdbool.h>
#include <stddef.h>

#define ARENA_BLOCK ((size_t)1 << 16)   /* block size when blksize is 0 */
#define ARENA_ALIGN _Alignof(max_align_t)

struct arena {
	size_t blksize;         /* bytes per block; 0: ARENA_BLOCK */
	size_t keep;            /* blocks a reset keeps; 0: all of them */
	bool prefault;          /* blocks by mmap with every page mapped at
	                         * once (one call instead of a fault per page:
	                         * for blocks of a MiB or more that fill up) */
	/* state */
	char **blk;             /* blocks, in the order they are filled */
	size_t nblk, cur, used; /* cur: the block being filled; used: its bytes */
	void **big;             /* pieces larger than a block */
	size_t nbig;
};

/* n bytes aligned for any type; n may be 0 (the pointer is valid, not
 * NULL).  Never NULL: out of memory ends the program (status 2). */
void *arena_alloc(struct arena *a, size_t n);
/* n bytes with no alignment, right after the previous unaligned piece
 * when it fits in the same block. */
void *arena_bytes(struct arena *a, size_t n);
/* A copy of s[0..n) with a NUL after it (s may hold NULs; n is the
 * length), unaligned. */
char *arena_strdup(struct arena *a, const char *s, size_t n);
/* Every piece becomes invalid; blocks stay (see keep), big pieces go. */
void arena_reset(struct arena *a);
/* Everything goes; the settings (blksize, keep, prefault) stay. */
void arena_free(struct arena *a);
#endif
