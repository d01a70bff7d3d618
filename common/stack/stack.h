/* SPDX-License-Identifier: MIT */
/* stack.h: building folded stacks and adding up equal ones.
 *
 * A stack is frames "kind:value" joined by ';'.  Values are cleaned on the
 * way in (frame_add) so that no label can break the folded format or leak a
 * key: see label_clean.  The table keeps each distinct stack once, so memory
 * grows with the number of distinct stacks, not with the input. */
#ifndef AP_STACK_H
#define AP_STACK_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "intern.h"
#include "util.h"

#define LABEL_MAX 120   /* bytes of a frame value, cut at a UTF-8 boundary */

/* Append s[0..n) to b as a frame value: secrets redacted, ';' becomes ',',
 * control characters and whitespace runs become one space, trimmed,
 * invalid UTF-8 replaced by U+FFFD, at most LABEL_MAX bytes, and a
 * trailing " 123" (which a folded reader would take for a count) joined
 * with '_'.  An empty value becomes "none". */
void label_clean(struct sbuf *b, const char *s, size_t n);
/* Append ";kind:value" to stack b (without ';' when b is empty); a NULL
 * value is "none". */
void frame_add(struct sbuf *b, const char *kind, const char *val);
void frame_addn(struct sbuf *b, const char *kind, const char *val, size_t n);

/* Each distinct stack once (its id, from 0 in order of first sight,
 * indexes w), with the sum of its weights. */
struct stacks {
	struct intern ids;
	double *w;              /* summed weight; rounded on output */
	size_t n, cap;          /* n: distinct stacks */
};
static inline const char *stacks_str(const struct stacks *t, size_t i)
{
	return intern_at(&t->ids, (uint32_t)i);
}
static inline size_t stacks_len(const struct stacks *t, size_t i)
{
	return intern_len(&t->ids, (uint32_t)i);
}

/* Add weight w to stack s[0..n); returns its id.  Weights are kept to
 * 2^-24 so that sums do not depend on the order of the adds. */
size_t stacks_add(struct stacks *t, const char *s, size_t n, double w);
/* Add weight w to the stack stacks_add gave the id id (the same rounding). */
void stacks_add_id(struct stacks *t, size_t id, double w);
/* Entry indexes sorted by stack in byte order (caller frees). */
size_t *stacks_sorted(const struct stacks *t);
/* The weight as printed: rounded to the nearest integer. */
int64_t stacks_weight(const struct stacks *t, size_t i);
/* Write "stack COUNT\n" lines, sorted, leaving out zero weights; returns
 * the sum of the printed counts. */
int64_t stacks_print(const struct stacks *t, struct sbuf *out);
void stacks_free(struct stacks *t);
#endif
