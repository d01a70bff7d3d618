/* SPDX-License-Identifier: MIT */
/* json.c: jparse on any bytes, then a walk over the whole tree with the
 * accessors the programs use (jget, jgetv, js/jsn, jstr, jint, jnum,
 * jraw, JFOR), so every node is read the way an adapter would. */
#include "fuzz.h"
#include "json.h"

static const char *const keys[] = { "type", "message", "usage", "id", "", "a" };

static void walk(struct jdoc *d, const struct jnode *v, struct sbuf *b, int depth)
{
	const char *p;
	size_t len;
	jraw(d, v, &p);
	(void)jint(v, 0);
	(void)jnum(v, 0);
	(void)jtrue(v);
	if (v->type == J_STR) {
		sb_reset(b);
		jstr(v, b);
		(void)jsn(d, v, &len);
		(void)jeq(v, "type");
	}
	if (v->type == J_OBJ)
		for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
			(void)jget(d, v, keys[i]);
	(void)jgetv(d, v, "message", "usage", NULL);
	/* the tree is flat: no recursion is needed to visit it, but a
	 * recursive walk checks every node's end index as well */
	if (depth > JSON_MAXDEPTH + 8)
		abort();
	JFOR(d, v, it) {
		if (v->type == J_OBJ) {
			if (it->type != J_STR)
				abort();
			(void)js(d, it);
			walk(d, jval(it), b, depth + 1);
		} else {
			walk(d, it, b, depth + 1);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	static struct jdoc d;
	static struct sbuf b;
	fuzz_quiet();
	char *s = fuzz_str(data, n);
	if (jparse(&d, s, n) == 0) {
		const struct jnode *r = jroot(&d);
		if (!r || r->end != d.nn)
			abort();
		walk(&d, r, &b, 0);
	} else if (!d.err || d.errpos > n) {
		abort();
	}
	/* again, so the arena and the node array are reused as in a run */
	if (n > 1 && jparse(&d, s + 1, n - 1) == 0)
		walk(&d, jroot(&d), &b, 0);
	free(s);
	return 0;
}
