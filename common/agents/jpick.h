/* SPDX-License-Identifier: MIT */
/* jpick.h: several members of one object found in one walk of it, for
 * the readers that ask one object for many keys (Qwen's usage and
 * telemetry counts, Copilot's events).  jget walks every member for each key it is asked;
 * jpick walks them once.  (Its place is json.h, beside jget.) */
#ifndef AP_JPICK_H
#define AP_JPICK_H
#include "json.h"

struct jkey {
	const char *s;
	size_t n;
};
#define JKEY(lit) {lit, sizeof lit - 1}

/* v[i] = jget(d, obj, keys[i].s) for each i < n: the last member of that
 * name, an escaped name compared unescaped, as jget does.  No key may be
 * empty; at most 16 keys.  A member is compared only with the keys of its
 * length (most members are of none), by word loads. */
static inline void jpick(const struct jdoc *d, const struct jnode *obj, const struct jkey *keys,
	int n, const struct jnode **v)
{
	for (int i = 0; i < n; i++)
		v[i] = NULL;
	if (!obj || obj->type != J_OBJ || !obj->len)
		return;
	/* bit i of bylen[l]: keys[i] is l bytes long (l < 32) */
	uint16_t bylen[32] = {0};
	bool longer = false;
	for (int i = 0; i < n; i++)
		if (keys[i].n < 32)
			bylen[keys[i].n] |= (uint16_t)(1u << i);
		else
			longer = true;
	const struct jnode *k = obj + 1, *end = d->n + obj->end;
	do {
		if (__builtin_expect((k->flags & JF_ESC) || longer, 0)) {
			for (int i = 0; i < n; i++)
				if (k->flags & JF_ESC ? jeq_n(k, keys[i].s, keys[i].n) :
				    k->len == keys[i].n && !memcmp(k->s, keys[i].s, keys[i].n))
					v[i] = k + 1;
		} else if (k->len < 32) {
			for (unsigned c = bylen[k->len]; c; c &= c - 1) {
				int i = __builtin_ctz(c);
				if (mem_eq_short(k->s, keys[i].s, k->len)) {
					v[i] = k + 1;
					break;
				}
			}
		}
		k = d->n + k[1].end;
	} while (k < end);
}

/* ev_count (events.c) of a member jpick found: a count clamped to
 * [0, 2^53], 0 when absent or not a number. */
static inline int64_t jpick_count(const struct jnode *v)
{
	int64_t c = jint(v, 0);
	return c < 0 ? 0 : c > (INT64_C(1) << 53) ? INT64_C(1) << 53 : c;
}
#endif
