/* SPDX-License-Identifier: MIT */
/* folded.h: the folded stack format of flamegraph.pl and perf:
 *   frame;frame;frame COUNT            one stack a line
 *   frame;frame;frame COUNT1 COUNT2    a differential pair (before after)
 * Frames may contain spaces; the counts are the last fields. */
#ifndef AP_FOLDED_H
#define AP_FOLDED_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FOLDED_MAXCOUNTS 8

struct folded_line {
	char *stack;            /* the frames, joined by ';' (not NUL-terminated) */
	size_t stacklen;
	int ncounts;            /* 1, or more for several count columns */
	int64_t counts[FOLDED_MAXCOUNTS];
};

/* Split a line.  maxcounts caps how many trailing numbers are taken as
 * counts (1 for plain input, 2 for a differential pair).  0 on success;
 * -1 with *why for a line without a count, a negative, fractional or
 * too large count, or an empty stack.  Blank lines and lines starting
 * with '#' return 1 (nothing to do). */
int folded_parse(char *line, size_t len, int maxcounts, struct folded_line *fl, const char **why);

/* Iterate the frames of a stack: for (f = s; folded_frame(&f, e, &fs, &fl);) */
bool folded_frame(const char **cur, const char *end, const char **frame, size_t *len);
#endif
