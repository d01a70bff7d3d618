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

struct stack_ent {
	size_t off, len;        /* into the table's pool */
	double w;               /* summed weight; rounded on output */
};

struct stacks {
	struct hmap idx;        /* hash of the stack -> entry index */
	struct sbuf pool;       /* stack strings end to end */
	struct stack_ent *e;
	size_t n, cap;
};

/* Add weight w to stack s[0..n); returns the entry's index.  Weights are
 * kept to 2^-24 so that sums do not depend on the order of the adds. */
size_t stacks_add(struct stacks *t, const char *s, size_t n, double w);
/* Entry indexes sorted by stack in byte order (caller frees). */
size_t *stacks_sorted(const struct stacks *t);
/* The weight as printed: rounded to the nearest integer. */
int64_t stacks_weight(const struct stacks *t, size_t i);
/* Write "stack COUNT\n" lines, sorted, leaving out zero weights; returns
 * the sum of the printed counts. */
int64_t stacks_print(const struct stacks *t, struct sbuf *out);
void stacks_free(struct stacks *t);
#endif
