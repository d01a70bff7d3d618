/* json.h: a fast JSON parser for one NDJSON line (or one whole document).
 *
 * The parse result is a flat array of nodes in document order: a container
 * is followed by its children, object members as key node then value node,
 * and every node knows the index just past its subtree, so siblings are
 * reached without recursion.  Strings stay escaped in the input until asked
 * for (jstr), which keeps the common case -- long tool outputs nobody reads
 * -- to one scan.  Invalid UTF-8 inside strings does not fail the parse; it
 * is counted (badutf8) and replaced by U+FFFD when the string is read. */
#ifndef AP_JSON_H
#define AP_JSON_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "arena.h"
#include "util.h"

enum { J_NULL, J_FALSE, J_TRUE, J_NUM, J_STR, J_ARR, J_OBJ };
#define JF_ESC 1        /* string has backslash escapes */
#define JF_HIGH 2       /* string has bytes >= 0x80 */
#define JSON_MAXDEPTH 512

struct jnode {
	uint8_t type;
	uint8_t flags;
	uint32_t len;   /* strings and numbers: raw bytes; containers: children */
	uint32_t end;   /* index one past this node's subtree */
	uint32_t raw;   /* bytes of the node's JSON text */
	const char *s;  /* strings: raw text without quotes; others: text */
};

struct jdoc {
	struct jnode *n;
	uint32_t nn, cap;
	const char *err;     /* why the last parse failed */
	size_t errpos;       /* byte offset of the failure */
	unsigned badutf8;    /* strings with invalid UTF-8 */
	struct arena a;      /* js() strings and jalloc(): emptied by the next
	                      * parse, which keeps its first block */
};

void jdoc_free(struct jdoc *d);
/* Parse s[0..len) (s[len] must be readable, e.g. the NUL of a line).
 * 0 on success, -1 with d->err and d->errpos set. */
int jparse(struct jdoc *d, const char *s, size_t len);

static inline const struct jnode *jroot(const struct jdoc *d)
{
	return d->nn ? d->n : NULL;
}
/* Member of an object by key (the last one when keys repeat), or NULL. */
const struct jnode *jget(const struct jdoc *d, const struct jnode *obj, const char *key);
/* A chain of members: jgetv(d, v, "message", "usage", NULL). */
const struct jnode *jgetv(const struct jdoc *d, const struct jnode *v, ...);
/* Children: for arrays the elements, for objects the keys (the value is the
 * node after the key: jval(k)). */
static inline const struct jnode *jfirst(const struct jdoc *d, const struct jnode *c)
{
	return c && (c->type == J_ARR || c->type == J_OBJ) && c->len ? c + 1 : NULL;
}
static inline const struct jnode *jval(const struct jnode *key) { return key + 1; }
static inline const struct jnode *jnext(const struct jdoc *d, const struct jnode *c,
	const struct jnode *cur)
{
	uint32_t i = c->type == J_OBJ ? (cur + 1)->end : cur->end;
	return i < c->end ? d->n + i : NULL;
}
#define JFOR(d, c, it) for (const struct jnode *it = jfirst(d, c); it; it = jnext(d, c, it))

/* Does string node n equal the C string lit? */
bool jeq(const struct jnode *n, const char *lit);
/* Unescaped string value appended to b (not reset); false if n is not a
 * string.  Invalid UTF-8 and lone surrogates become U+FFFD. */
bool jstr(const struct jnode *n, struct sbuf *b);
/* String value, unescaped and NUL-terminated, valid until the next jparse
 * on d; NULL when n is absent or not a string.  jsn also gives the length
 * (the value may contain NULs). */
const char *jsn(struct jdoc *d, const struct jnode *n, size_t *len);
static inline const char *js(struct jdoc *d, const struct jnode *n)
{
	return jsn(d, n, NULL);
}
/* Memory from the same arena, for values derived from the record. */
void *jalloc(struct jdoc *d, size_t n);
char *jstrdup(struct jdoc *d, const char *s, size_t n);
/* Numbers (and numeric strings) as integers, saturating at the int64
 * range; fractions are truncated.  dflt when absent or not a number. */
int64_t jint(const struct jnode *n, int64_t dflt);
double jnum(const struct jnode *n, double dflt);
static inline bool jtrue(const struct jnode *n) { return n && n->type == J_TRUE; }
/* Raw JSON text of a node's subtree. */
size_t jraw(const struct jdoc *d, const struct jnode *n, const char **p);
#endif
