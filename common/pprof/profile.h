/* SPDX-License-Identifier: MIT */
/* profile.h: folded2pprof's engine, a pprof profile (profile.proto,
 * gzipped) built from folded stacks.
 *
 * Every distinct frame becomes one Function and one Location with the
 * same id, all in one Mapping that claims to have functions so that pprof
 * never tries to symbolize.  Equal stacks are merged into one Sample;
 * samples list their locations leaf first, as profile.proto wants.
 *
 * Cost: the whole profile is kept in memory until prof_write: two
 * string tables (intern.h), one of the distinct frame names and one of
 * the distinct stacks as strings of location ids (4 bytes a frame), and
 * ntypes sums per stack; not the input text.  A stack is one lookup per
 * frame plus one for the stack (most frames are found in a small table
 * of recent ones first); the stacks are looked up PROF_PEND at a time,
 * their slots fetched from memory together, and the table and the sums
 * are complete once prof_write starts.  prof_write encodes with pb.c into a buffer
 * handed to pgz.c every 512 KiB, deflated there on other threads while
 * the next is encoded, so the encoded profile is never held whole.
 *
 * Lifetimes: the strings given to prof_init, prof_str and prof_comment,
 * and the --leaf kinds in leaf[], are borrowed and must outlive
 * prof_write; frame names are copied.  A zeroed struct prof is empty;
 * prof_free gives everything back. */
#ifndef AP_PROFILE_H
#define AP_PROFILE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "folded.h"
#include "intern.h"
#include "util.h"

#define PROF_MAXLEAF 16
#define PROF_FCACHE_BITS 12
#define PROF_PEND 16            /* stacks looked up together (profile.c) */

/* The strings that come before the frames in the string table. */
struct strtab {
	const char **s;
	size_t *len;
	size_t n, cap;
};

struct prof {
	/* settings: frames "KIND:..." of these kinds go to the leaf end */
	const char *leaf[PROF_MAXLEAF];
	int nleaf;
	/* frames "KIND:VALUE" of these kinds become the sample's label
	 * KIND=VALUE instead of a frame */
	const char *label[PROF_MAXLEAF];
	int nlabel;
	int64_t scale[FOLDED_MAXCOUNTS];  /* counts are multiplied by this (0: 1) */

	struct strtab fixed;
	int ntypes;
	int64_t type[FOLDED_MAXCOUNTS], unit[FOLDED_MAXCOUNTS];
	int64_t mapfile;
	int64_t *comments;
	size_t ncomments;
	int64_t time_ns;        /* 0: not written */

	/* frames: each name once; location id = intern id + 1 */
	struct intern frames;
	/* label keys and values, in the string table after the frames */
	struct intern lstr;
	/* samples: each stack once, its location ids leaf first as bytes
	 * (not aligned: read with memcpy), then with labels a 0 and pairs of
	 * label key and value ids (lstr); value[id * ntypes...] its sums */
	struct intern stacks;
	int64_t *value;
	size_t capvalue;        /* samples value has room for */
	int64_t total[FOLDED_MAXCOUNTS];  /* of each sample type, kept below 2^63 */

	/* scratch of prof_add, kept between stacks */
	uint32_t *ids, *tail, *lab;
	uint32_t *prev;         /* the last stack's frame ids by depth, input order */
	uint64_t fcache[1 << PROF_FCACHE_BITS];  /* recent frames by a hash (profile.c) */
	size_t capids, nprev, caplab;
	struct sbuf fix;
	/* stacks waiting to be looked up and summed, their bytes in pend */
	struct sbuf pend;
	struct { size_t off, len; uint32_t hash; int64_t cnt[FOLDED_MAXCOUNTS]; } pq[PROF_PEND];
	int npq;
};

/* The string's index in the fixed part of the string table, added when
 * new (a linear search: the table holds a handful of strings). */
int64_t prof_str(struct strtab *t, const char *s);
/* Start an empty profile: the table's "" first, then the sample types
 * of types, "type/unit,type/unit,..." (unit "count" when left out; the
 * list is cut up in place), then the mapping's file name.  false when
 * the list is empty, has an empty type or unit, or more than
 * FOLDED_MAXCOUNTS types. */
bool prof_init(struct prof *p, char *types);
/* A comment of the profile (text borrowed). */
void prof_comment(struct prof *p, const char *text);
/* Add the stack of fl with its first ntypes counts (fl->ncounts must be
 * at least ntypes), each times scale[i] when set.  Bytes that are not
 * UTF-8 become U+FFFD (proto3 strings must be UTF-8, or strict readers
 * refuse the whole profile).  Frames of the label kinds become labels
 * (a stack of labels only keeps its last frame as its leaf).  false, with
 * nothing added, when a total would pass 2^63 - 1. */
bool prof_add(struct prof *p, const struct folded_line *fl);
/* Write the gzipped profile (gzip level 0-9, mtime 0: reproducible). */
void prof_write(struct prof *p, int fd, int level);
void prof_free(struct prof *p);
#endif
